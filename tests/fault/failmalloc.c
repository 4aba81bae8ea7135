/*
 * failmalloc.c — an LD_PRELOAD shim that makes one allocation fail, so the
 * out-of-memory paths of canvass can be run (jq style: faults injected
 * from outside, the program unchanged).
 *
 * Only allocations made by canvass's own code count: malloc, calloc,
 * realloc, aligned_alloc, strdup and strndup called from the main
 * executable (the caller's return address lies in it). libxml2's and the
 * other libraries' own allocations are left alone: their out-of-memory
 * handling is theirs.
 *
 *   FAILMALLOC_NTH=N     the Nth counted allocation returns NULL (errno
 *                        ENOMEM); every other one succeeds. 0 or unset:
 *                        none fails.
 *   FAILMALLOC_REPORT=F  at exit, write the number of counted allocations
 *                        to file F (to choose the N to try).
 *   FAILMALLOC_WHERE=1   say on stderr where the failing call was made, as
 *                        an offset into the executable (for addr2line -e).
 *
 * The real functions are found with dlsym(RTLD_NEXT); while dlsym itself
 * allocates (it may call calloc), a small static pool serves it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static unsigned long counted, nth;
static uintptr_t exe_lo, exe_hi, exe_base;
static int ready, initialising;
static char pool[4096];
static size_t pool_used;

static int find_exe(struct dl_phdr_info *info, size_t size, void *data)
{
    int i;
    (void)size, (void)data;
    /* the first object is the main program */
    exe_base = info->dlpi_addr;
    for (i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo, hi;
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        lo = info->dlpi_addr + ph->p_vaddr;
        hi = lo + ph->p_memsz;
        if (!exe_lo || lo < exe_lo)
            exe_lo = lo;
        if (hi > exe_hi)
            exe_hi = hi;
    }
    return 1;
}

static void report(void)
{
    const char *f = getenv("FAILMALLOC_REPORT");
    FILE *o;
    if (f && (o = fopen(f, "w"))) {
        fprintf(o, "%lu\n", counted);
        fclose(o);
    }
}

static void init(void)
{
    const char *n;
    if (ready || initialising)
        return;
    initialising = 1;
    real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
    real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
    real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
    real_aligned_alloc =
        (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
    dl_iterate_phdr(find_exe, NULL);
    n = getenv("FAILMALLOC_NTH");
    nth = n ? strtoul(n, NULL, 10) : 0;
    atexit(report);
    if (getenv("FAILMALLOC_WHERE")) {
        void *bt[2];
        backtrace(bt, 2); /* loads what backtrace needs, now */
    }
    initialising = 0;
    ready = 1;
}

/* 1 if this call, from return address RA, is the one to fail. */
static int fail_now(void *ra)
{
    uintptr_t a = (uintptr_t)ra;
    if (!ready || a < exe_lo || a >= exe_hi)
        return 0;
    counted++;
    if (nth && counted == nth) {
        if (getenv("FAILMALLOC_WHERE")) {
            void *bt[16];
            int k, nb = backtrace(bt, 16);
            fprintf(stderr, "failmalloc: allocation %lu fails, called from",
                    counted);
            for (k = 2; k < nb; k++)
                if ((uintptr_t)bt[k] >= exe_lo && (uintptr_t)bt[k] < exe_hi)
                    fprintf(stderr, " 0x%lx",
                            (unsigned long)((uintptr_t)bt[k] - exe_base - 1));
            fputc('\n', stderr);
        }
        errno = ENOMEM;
        return 1;
    }
    return 0;
}

static int from_pool(const void *p)
{
    return (const char *)p >= pool && (const char *)p < pool + sizeof pool;
}

void *malloc(size_t n)
{
    init();
    if (!real_malloc)
        return NULL;
    if (fail_now(__builtin_return_address(0)))
        return NULL;
    return real_malloc(n);
}

void *calloc(size_t n, size_t k)
{
    init();
    if (!real_calloc) {
        /* dlsym asking for memory before calloc is known */
        size_t want = (n * k + 15) & ~(size_t)15;
        void *p;
        if (pool_used + want > sizeof pool)
            return NULL;
        p = pool + pool_used;
        pool_used += want;
        return p; /* static storage: already zero */
    }
    if (fail_now(__builtin_return_address(0)))
        return NULL;
    return real_calloc(n, k);
}

void *realloc(void *p, size_t n)
{
    init();
    if (from_pool(p)) {
        void *q = real_malloc ? real_malloc(n) : NULL;
        if (q)
            memcpy(q, p, n < sizeof pool ? n : sizeof pool);
        return q;
    }
    if (fail_now(__builtin_return_address(0)))
        return NULL;
    return real_realloc(p, n);
}

/* buf_alloc_huge's big tables */
void *aligned_alloc(size_t al, size_t n)
{
    init();
    if (!real_aligned_alloc)
        return NULL;
    if (fail_now(__builtin_return_address(0)))
        return NULL;
    return real_aligned_alloc(al, n);
}

void free(void *p)
{
    static void (*real_free)(void *);
    if (!p || from_pool(p))
        return;
    if (!real_free)
        real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
    real_free(p);
}

char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d;
    init();
    if (fail_now(__builtin_return_address(0)))
        return NULL;
    if ((d = real_malloc(n)))
        memcpy(d, s, n);
    return d;
}

char *strndup(const char *s, size_t k)
{
    size_t n = strnlen(s, k);
    char *d;
    init();
    if (fail_now(__builtin_return_address(0)))
        return NULL;
    if ((d = real_malloc(n + 1))) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}
