/*
 * shim.c — an LD_PRELOAD shim for tests/fault/run.sh: faults at the exact
 * instants a random kill -9 rarely hits. CANVASS_FAULT chooses:
 *
 *   noexchange          renameat2(RENAME_EXCHANGE) fails with EINVAL, as on
 *                       a file system that cannot swap two folders
 *   kill-before-swap    SIGKILL just before the swap of the two folders
 *   kill-after-swap     SIGKILL just after it, before the old set is removed
 *   kill-at-unlinkat-N  SIGKILL at the Nth unlinkat() (removing the old set)
 *   kill-after-manifest SIGKILL at the first unlinkat() after one that removed
 *                       a .canvass-manifest (a folder being emptied must say
 *                       what it is until its last file is gone)
 *   notmpfile           open() of an unnamed file (O_TMPFILE) fails with
 *                       EOPNOTSUPP, as on a file system that cannot make
 *                       one; each refusal says "shim: no O_TMPFILE" on
 *                       stderr, so that a test knows the refusal happened
 *   sortread            pread() of merge's sort file (an unlinked
 *                       canvass-merge-*: its runs read back) fails with
 *                       EIO; each refusal says "shim: sort read refused"
 *   sortwrite-log       each pwrite() to merge's sort file (its runs
 *                       written) says "shim: sort write" on stderr
 *   sortwrite-N         the Nth pwrite() to it fails with ENOSPC, and says
 *                       "shim: sort write refused" (with N the count that
 *                       sortwrite-log gave, the last run's: the one written
 *                       as the return is, after every input was read)
 *
 * Anything else goes to the kernel unchanged.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static int S_mode(const char *m)
{
    const char *e = getenv("CANVASS_FAULT");
    return e && !strcmp(e, m);
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd,
              const char *newpath, unsigned int flags)
{
    int r;
    if ((flags & RENAME_EXCHANGE) && S_mode("noexchange")) {
        errno = EINVAL;
        return -1;
    }
    if ((flags & RENAME_EXCHANGE) && S_mode("kill-before-swap"))
        raise(SIGKILL);
    r = (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath,
                     flags);
    if ((flags & RENAME_EXCHANGE) && r == 0 && S_mode("kill-after-swap"))
        raise(SIGKILL);
    return r;
}

int unlinkat(int dirfd, const char *path, int flags)
{
    static int calls, manifest_gone;
    const char *e = getenv("CANVASS_FAULT");
    const char *tag = "kill-at-unlinkat-";
    size_t n = strlen(path), m = strlen(".canvass-manifest");
    int r;
    if (e && !strncmp(e, tag, strlen(tag)) && ++calls == atoi(e + strlen(tag)))
        raise(SIGKILL);
    if (manifest_gone && S_mode("kill-after-manifest"))
        raise(SIGKILL);
    r = (int)syscall(SYS_unlinkat, dirfd, path, flags);
    if (r == 0 && n >= m && !strcmp(path + n - m, ".canvass-manifest"))
        manifest_gone = 1;
    return r;
}

/* open, and open64 (its alias, the same call on x86-64): notmpfile. */
static int S_open(const char *path, int flags, va_list ap)
{
    mode_t mode = 0;
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
        mode = (mode_t)va_arg(ap, int);
    if ((flags & O_TMPFILE) == O_TMPFILE && S_mode("notmpfile")) {
        static const char said[] = "shim: no O_TMPFILE\n";
        (void)!write(2, said, sizeof said - 1);
        errno = EOPNOTSUPP;
        return -1;
    }
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    int r;
    va_start(ap, flags);
    r = S_open(path, flags, ap);
    va_end(ap);
    return r;
}

/* the same function under the other name */
int open64(const char *path, int flags, ...) __attribute__((alias("open")));

/* Whether FD is merge's sort file, known by its name, which /proc gives
 * even once it is unlinked. */
static int S_sort_file(int fd)
{
    char link[64], path[4096];
    ssize_t k;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    k = readlink(link, path, sizeof path - 1);
    if (k <= 0)
        return 0;
    path[k] = 0;
    return strstr(path, "/canvass-merge-") != NULL;
}

/* pread, and pread64 (its alias on x86-64): sortread. */
ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    if (S_mode("sortread") && S_sort_file(fd)) {
        static const char said[] = "shim: sort read refused\n";
        (void)!write(2, said, sizeof said - 1);
        errno = EIO;
        return -1;
    }
    return (ssize_t)syscall(SYS_pread64, fd, buf, n, off);
}

/* pwrite, and pwrite64: sortwrite-log, sortwrite-N. */
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    static int calls;
    const char *e = getenv("CANVASS_FAULT");
    const char *tag = "sortwrite-";
    if (e && !strncmp(e, tag, strlen(tag)) && S_sort_file(fd)) {
        calls++;
        if (!strcmp(e + strlen(tag), "log")) {
            static const char said[] = "shim: sort write\n";
            (void)!write(2, said, sizeof said - 1);
        } else if (calls == atoi(e + strlen(tag))) {
            static const char said[] = "shim: sort write refused\n";
            (void)!write(2, said, sizeof said - 1);
            errno = ENOSPC;
            return -1;
        }
    }
    return (ssize_t)syscall(SYS_pwrite64, fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
    __attribute__((alias("pread")));

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
    __attribute__((alias("pwrite")));
