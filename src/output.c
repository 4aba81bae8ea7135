/*
 * output.c — the one way canvass writes its outputs: the private folder,
 * one file written whole, the swap of the whole set into place, cleanup.
 *
 * The promise (SPEC §5): after any build — success, failure, interrupt or
 * SIGKILL at any instant — OUTDIR holds exactly one batch's complete set
 * of outputs, the old or the new, and nothing else of canvass's; stale
 * outputs of an earlier build are removed; a user's own files in OUTDIR
 * never are; inputs are never modified.
 *
 * Renaming files one by one cannot replace a set atomically, so the set is
 * replaced as a folder:
 *
 *   PARENT/OUTDIR                      the current set + the user's files
 *   PARENT/.OUTDIR.canvass-XXXXXX      private folder: the new set
 *
 *   1. output_open locks OUTDIR (flock on the folder itself, re-checked
 *      after locking: the inode at the name must still be the one locked),
 *      removes dead leftovers (below), and makes the private folder, locked
 *      too, with the marker .canvass-manifest.new in it;
 *   2. renderers write each file there (output_path; output_write_file for
 *      the plain ones);
 *   3. output_commit fsyncs every file, writes the manifest (the names of
 *      the new set) as .canvass-manifest.new and renames it to
 *      .canvass-manifest, hard-links the user's own files of OUTDIR (every
 *      entry that is neither in the new set nor in the old manifest) into
 *      the private folder, and swaps the two folders in one step with
 *      renameat2(RENAME_EXCHANGE): OUTDIR is now the new set;
 *   4. the old folder, now at the private name, is emptied: its manifest's
 *      files and names the new set replaced are removed, links to files
 *      OUTDIR still holds are dropped, and anything else (the user's
 *      folders, files that could not be hard-linked, files put there
 *      during the build) is renamed back into OUTDIR.
 *
 * The lock of OUTDIR is the lock of whatever folder is at that name: the
 * private folder is locked from birth, so after the swap the new OUTDIR is
 * still locked by us; a build waiting on the old inode wakes up, sees
 * another inode at the name, and locks that one instead.
 *
 * Dead leftovers: a folder .OUTDIR.canvass-XXXXXX whose lock can be taken
 * belongs to a build that died (SIGKILL, power loss). With the marker
 * .canvass-manifest.new it never became OUTDIR: everything in it is
 * canvass's or a link to a user's file, and it is removed. Without it, it
 * is an old OUTDIR swapped out by a build that died before step 4, and
 * step 4 is done for it. So a folder's marker or manifest is the last
 * thing removed from it: a build killed while emptying a folder leaves it
 * still saying what it is (else a dead staging folder would pass for an
 * old OUTDIR, and an old OUTDIR's outputs for the user's files). Only directories are ever removed whole, and only
 * canvass's private ones (the old .canvass-XXXXXX of earlier versions
 * inside OUTDIR too).
 *
 * Decisions: OUTDIR must be a folder of its own (not the root of a mounted
 * file system, not "/"), in a parent canvass can write (the private folder
 * lives there), and must not hold the current folder (it is replaced: a
 * shell there would be left in a removed folder). A file system that
 * cannot swap two folders (RENAME_EXCHANGE unsupported) can still take the
 * set when OUTDIR is empty (rename() over an empty folder is atomic);
 * otherwise the build stops with a message and writes nothing. A folder at
 * an output name is never replaced. The new OUTDIR keeps the old one's
 * permission bits (and owner, when running as root).
 *
 * Streams: output_sink (libxlsxwriter's stderr, discarded) and
 * output_unnamed_stream (build's findings.csv, hundreds of MB at a
 * million households): a stdio stream whose bytes collect in a 1 MiB
 * block written with O_DIRECT, so that the file takes no page cache. Its
 * pages cost 0.3 to 0.9 s of system time there (taken fresh, filled,
 * written back), 2 to 7% of the whole build; O_DIRECT writes wait for the
 * disk instead (about 0.3 s for 470 MB here), which the fsync after them
 * waited for anyway. output_unnamed_file is the same unnamed file without
 * O_DIRECT, for one that is read back at once (build's return.xml when it
 * lists every finding: written as it is made, then mapped); scratch files
 * (output_scratch_file) go to output_tmpdir(), the one place saying where.
 *
 * Invariants: no mutable global state; every path under OUTDIR or PARENT
 * is reached through a folder descriptor and a plain name (no '/'), so a
 * name in a manifest cannot point elsewhere; nothing is removed
 * recursively.
 *
 * Why one file: the lock, the staging folder, the manifest and the swap
 * are one protocol whose steps only make sense together (which marker is
 * removed last, which folder a dead build left and what it still says);
 * split, each part would need the others' invariants restated.
 */
#define _GNU_SOURCE 1
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"

#define MANIFEST OUTPUT_MANIFEST
#define MANIFEST_NEW OUTPUT_MANIFEST ".new"
#define MANIFEST_HEAD "canvass-manifest 1\n"
#define MANIFEST_MAX (1 << 20)  /* bytes read of a manifest */
#define FULL_BYTES 65536.0      /* free bytes under which a disk is full */
#define PRIVATE_TAG ".canvass-" /* .OUTDIR.canvass-XXXXXX */
#define LOCK_TRIES 100

typedef struct {
    char **v;
    size_t n, cap;
} names;

struct output {
    const char *outdir;     /* as the user named it (borrowed) */
    char *real;             /* its resolved path */
    char *parent;           /* the folder that holds it */
    char *base;             /* its name there */
    char *stage;            /* PARENT/.BASE.canvass-XXXXXX */
    const char *stage_name; /* the last component of stage */
    int pfd, ofd, sfd;      /* parent, OUTDIR (locked), private (locked) */
    struct stat ost;
    names set; /* the new set */
    names old; /* OUTDIR's manifest */
    const volatile sig_atomic_t *stop;
    int committed;
};

/* ---- small helpers ------------------------------------------------------ */

static void names_free(names *n)
{
    size_t i;
    for (i = 0; i < n->n; i++)
        free(n->v[i]);
    free(n->v);
    memset(n, 0, sizeof *n);
}

static int names_has(const names *n, const char *name)
{
    size_t i;
    for (i = 0; i < n->n; i++)
        if (!strcmp(n->v[i], name))
            return 1;
    return 0;
}

static int names_add(names *n, const char *name)
{
    if (GROW(n->v, n->n + 1, n->cap) != ERR_OK)
        return -1;
    if (!(n->v[n->n] = strdup(name)))
        return -1;
    n->n++;
    return 0;
}

static int has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* A plain file name: not empty, no '/', not "." or "..". */
static int plain(const char *name)
{
    return *name && !strchr(name, '/') && strcmp(name, ".") &&
           strcmp(name, "..");
}

int output_is_output_name(const char *name)
{
    if (!strcmp(name, "return.xml") || !strcmp(name, "returns.xlsx") ||
        !strcmp(name, "findings.csv") || !strcmp(name, MANIFEST))
        return 1;
    return !strncmp(name, "summary-", 8) && !strchr(name, '/') &&
           (has_suffix(name, ".docx") || has_suffix(name, ".html") ||
            has_suffix(name, ".md"));
}

/* ".canvass-XXXXXX": the private folder of canvass 0.1, inside OUTDIR. */
static int legacy_private(const char *name)
{
    return !strncmp(name, PRIVATE_TAG, strlen(PRIVATE_TAG)) &&
           strlen(name) == strlen(PRIVATE_TAG) + 6;
}

static int same(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Reads the manifest FILE of folder DFD into OUT (names only; a missing or
 * foreign file gives no names). */
static int read_manifest(int dfd, const char *file, names *out)
{
    char *buf = NULL, *line, *save = NULL;
    ssize_t got;
    size_t len = 0;
    int fd = openat(dfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = 0;
    struct stat st;

    if (fd < 0)
        return 0;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
        !(buf = malloc(MANIFEST_MAX + 1)))
        goto done;
    while (len < MANIFEST_MAX &&
           ((got = read(fd, buf + len, MANIFEST_MAX - len)) > 0 ||
            (got < 0 && errno == EINTR)))
        if (got > 0)
            len += (size_t)got;
    buf[len] = 0;
    if (strncmp(buf, MANIFEST_HEAD, strlen(MANIFEST_HEAD)))
        goto done;
    for (line = strtok_r(buf + strlen(MANIFEST_HEAD), "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        if (plain(line) && !names_has(out, line) && names_add(out, line)) {
            rc = -1;
            break;
        }
done:
    free(buf);
    close(fd);
    return rc;
}

static char *join(const char *dir, const char *name)
{
    return error_format("%s%s%s", dir,
                        *dir && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
}

/* ---- writing one file --------------------------------------------------- */

int output_nospace(const char *dir, int err)
{
    struct statvfs sv;
    if (err == ENOSPC || err == EDQUOT)
        return 1;
    return dir && statvfs(dir, &sv) == 0 &&
           (double)sv.f_bavail * (double)sv.f_frsize < FULL_BYTES;
}

error_code output_write_file(const char *path, const void *buf, size_t len,
                             char **msg)
{
    const char *p = buf;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), err;
    ssize_t w;

    if (fd < 0)
        return error_set(msg, errno == ENOSPC ? ERR_NOSPACE : ERR_OPEN,
                         _("%s: cannot create: %s"), path, strerror(errno));
    while (len) {
        if ((w = write(fd, p, len)) < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        p += w;
        len -= (size_t)w;
    }
    if (close(fd)) {
        fd = -1;
        goto fail;
    }
    return ERR_OK;
fail:
    err = errno;
    if (fd >= 0)
        close(fd);
    unlink(path);
    return error_set(msg, output_nospace(NULL, err) ? ERR_NOSPACE : ERR_WRITE,
                     _("%s: cannot write: %s"), path, strerror(err));
}

/* ---- stderr of libxlsxwriter -------------------------------------------- */

static ssize_t sink(void *cookie, const char *buf, size_t n)
{
    (void)cookie;
    (void)buf;
    return (ssize_t)n;
}

FILE *output_sink(void)
{
    cookie_io_functions_t io = {NULL, sink, NULL, NULL};
    return fopencookie(NULL, "w", io);
}

/* output_unnamed_stream's file: its descriptor, whether O_DIRECT is still
 * on, the block being filled (aligned as O_DIRECT needs), and the errno
 * of the write that failed (every later call fails at once), or 0. */
#define STRAIGHT_ALIGN ((size_t)4096)
#define STRAIGHT_BLOCK ((size_t)1 << 20)
typedef struct {
    int fd, direct, err;
    unsigned char *buf;
    size_t n;
} straight;

/* S's file made to write through the page cache from now on. 0 or -1. */
static int straight_off(straight *s)
{
    int fl = fcntl(s->fd, F_GETFL);
    if (fl < 0 || fcntl(s->fd, F_SETFL, fl & ~O_DIRECT) < 0)
        return -1;
    s->direct = 0;
    return 0;
}

/* B[0..N) written to S's file whole: 0, or -1 with errno set (and kept
 * in S->err). A write that O_DIRECT refuses (the device's blocks are
 * bigger than 4 KiB, or a short write left the rest unaligned) is made
 * again the usual way. */
static int straight_out(straight *s, const unsigned char *b, size_t n)
{
    if (s->err) {
        errno = s->err;
        return -1;
    }
    while (n) {
        ssize_t k = write(s->fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0 && errno == EINVAL && s->direct && straight_off(s) == 0)
            continue;
        if (k <= 0) {
            s->err = k ? errno : EIO;
            errno = s->err;
            return -1;
        }
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

static ssize_t straight_write(void *c, const char *p, size_t n)
{
    straight *s = c;
    size_t left = n, k;
    if (s->err) {
        errno = s->err;
        return -1;
    }
    while (left) {
        k = STRAIGHT_BLOCK - s->n < left ? STRAIGHT_BLOCK - s->n : left;
        memcpy(s->buf + s->n, p, k);
        s->n += k;
        p += k;
        left -= k;
        if (s->n == STRAIGHT_BLOCK) {
            if (straight_out(s, s->buf, s->n) < 0)
                return -1;
            s->n = 0;
        }
    }
    return (ssize_t)n;
}

/* The rest: its whole 4 KiB blocks straight, the last part through the
 * page cache (O_DIRECT writes whole blocks only). The descriptor stays
 * open. */
static int straight_close(void *c)
{
    straight *s = c;
    size_t whole = s->n & ~(STRAIGHT_ALIGN - 1);
    int rc = s->err ? -1 : 0; /* a write failed: it was said then */
    if (!rc &&
        ((whole && straight_out(s, s->buf, whole) < 0) ||
         (s->n > whole && ((s->direct && straight_off(s) < 0) ||
                           straight_out(s, s->buf + whole, s->n - whole) < 0))))
        rc = -1;
    free(s->buf);
    free(s);
    return rc;
}

FILE *output_unnamed_stream(const char *dir, int *fd)
{
    cookie_io_functions_t io = {NULL, straight_write, NULL, straight_close};
    straight *s = calloc(1, sizeof *s);
    FILE *f = NULL;

    *fd = -1;
    if (!s)
        return NULL;
    s->fd = -1;
    if (!(s->buf = aligned_alloc(STRAIGHT_ALIGN, STRAIGHT_BLOCK)))
        goto fail;
    s->direct = 1;
    s->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC | O_DIRECT, 0666);
    if (s->fd < 0 && errno == EINVAL) { /* no O_DIRECT here (or no file) */
        s->direct = 0;
        s->fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    }
    if (s->fd < 0 || !(f = fopencookie(s, "w", io)))
        goto fail;
    setvbuf(f, NULL, _IONBF, 0); /* the block is the buffer */
    *fd = s->fd;
    return f;
fail:
    if (s->fd >= 0)
        close(s->fd);
    free(s->buf);
    free(s);
    return NULL;
}

int output_unnamed_file(const char *dir)
{
    return open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
}

const char *output_tmpdir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && *dir ? dir : "/tmp"; /* i18n: not prose */
}

int output_scratch_file(const char *name)
{
    char *path = error_format("%s/canvass-%s-XXXXXX", /* i18n: not prose */
                              output_tmpdir(), name);
    int fd;
    if (!path) {
        errno = ENOMEM;
        return -1;
    }
    if ((fd = mkstemp(path)) >= 0)
        unlink(path); /* gone when closed, whatever happens */
    free(path);
    return fd;
}

char *output_map(int fd, size_t len, size_t *span)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    void *base;
    *span = (len / pg + 1) * pg;
    base = mmap(NULL, *span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base != MAP_FAILED && len &&
        mmap(base, len, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) ==
            MAP_FAILED) {
        int err = errno;
        munmap(base, *span);
        errno = err;
        base = MAP_FAILED;
    }
    return base == MAP_FAILED ? NULL : base;
}

/* ---- the inputs --------------------------------------------------------- */

error_code output_check_inputs(const char *outdir, const char *const *inputs,
                               size_t n, const char *what, const char *cmd,
                               char **msg)
{
    char *real = realpath(outdir, NULL), *dir = NULL;
    names old = {0};
    struct stat *in = NULL;
    int *have = NULL, dfd = -1;
    DIR *d = NULL;
    struct dirent *e;
    size_t i;
    error_code rc = ERR_OK;

    if (!real) /* no OUTDIR yet: nothing of it can be replaced */
        return ERR_OK;
    if ((dfd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        goto done; /* output_open will say why */
    if (!(in = calloc(n ? n : 1, sizeof *in)) ||
        !(have = calloc(n ? n : 1, sizeof *have)) ||
        read_manifest(dfd, MANIFEST, &old)) {
        rc = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto done;
    }
    for (i = 0; i < n; i++) {
        /* by name: the input's folder resolved, its own name kept (a
         * symlink at an output name is replaced, whatever it points to) */
        const char *slash = strrchr(inputs[i], '/');
        const char *base = slash ? slash + 1 : inputs[i];
        char *idir;
        have[i] = stat(inputs[i], &in[i]) == 0;
        if (slash) {
            size_t len = slash == inputs[i] ? 1 : (size_t)(slash - inputs[i]);
            if (!(idir = strndup(inputs[i], len))) {
                rc = error_set(msg, ERR_NOMEM, _("out of memory"));
                goto done;
            }
        } else if (!(idir = strdup("."))) {
            rc = error_set(msg, ERR_NOMEM, _("out of memory"));
            goto done;
        }
        free(dir);
        dir = realpath(idir, NULL);
        free(idir);
        if (dir && !strcmp(dir, real) &&
            (output_is_output_name(base) || names_has(&old, base))) {
            /* TRANSLATORS: the input, the output folder, the command
             * (build or merge), the output's name, the folder again */
            rc = error_set(
                msg, ERR_USAGE,
                strcmp(what, "return")
                    ? _("%s: this register is in the output "
                        "folder %s, where the %s would replace it (as "
                        "%s): move it out of %s, or choose another "
                        "-o")
                    : _("%s: this return is in the output folder "
                        "%s, where the %s would replace it (as %s): "
                        "move it out of %s, or choose another -o"),
                inputs[i], outdir, cmd, base, outdir);
            goto done;
        }
    }
    /* by device and inode: every entry at an output name, followed */
    if (!(d = fdopendir(dfd)))
        goto done;
    dfd = -1;
    while ((e = readdir(d))) {
        struct stat st, lst;
        if (!output_is_output_name(e->d_name) && !names_has(&old, e->d_name))
            continue;
        if (fstatat(dirfd(d), e->d_name, &lst, AT_SYMLINK_NOFOLLOW))
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, 0))
            st = lst;
        for (i = 0; i < n; i++)
            if (have[i] && (same(&in[i], &st) || same(&in[i], &lst))) {
                rc = error_set(
                    msg, ERR_USAGE,
                    strcmp(what, "return")
                        ? _("%s: this register is the file %s/%s, which the "
                            "%s would replace: move it out of %s, or choose "
                            "another -o")
                        : _("%s: this return is the file %s/%s, which the %s "
                            "would replace: move it out of %s, or choose "
                            "another -o"),
                    inputs[i], outdir, e->d_name, cmd, outdir);
                goto done;
            }
    }
done:
    if (d)
        closedir(d);
    if (dfd >= 0)
        close(dfd);
    names_free(&old);
    free(in);
    free(have);
    free(dir);
    free(real);
    return rc;
}

/* ---- retiring a folder -------------------------------------------------- */

/* Empties the folder DFD (named NAME in o->pfd) and removes it:
 * STAGING (a private folder that never became OUTDIR): every file goes.
 * Otherwise (an old OUTDIR): its manifest's files, canvass's own names
 * and the names CUR_SET replaced go; links to a file folder CUR still
 * holds go; anything else is renamed back into CUR. Returns 0 when the
 * folder is gone, 1 when it had to be kept (something could not be put
 * back). */
static int retire(output_t *o, int dfd, const char *name, int staging, int cur,
                  const names *cur_set)
{
    names mine = {0};
    DIR *d;
    struct dirent *e;
    struct stat st, cst, self, now;
    int kept = 0, fd;

    if (fstat(dfd, &self))
        return 1;
    if (!staging)
        read_manifest(dfd, MANIFEST, &mine);
    if ((fd = dup(dfd)) < 0 || !(d = fdopendir(fd))) {
        if (fd >= 0)
            close(fd);
        names_free(&mine);
        return 1;
    }
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        int ours;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, MANIFEST) ||
            !strcmp(n, MANIFEST_NEW))
            continue; /* last: while the folder is, they say what it is */
        if (fstatat(dfd, n, &st, AT_SYMLINK_NOFOLLOW))
            continue;
        if (S_ISDIR(st.st_mode) && legacy_private(n)) {
            /* canvass 0.1's private folder: files only */
            int lfd =
                openat(dfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            DIR *ld = lfd >= 0 ? fdopendir(lfd) : NULL;
            struct dirent *le;
            if (ld) {
                while ((le = readdir(ld)))
                    if (strcmp(le->d_name, ".") && strcmp(le->d_name, ".."))
                        unlinkat(dirfd(ld), le->d_name, 0);
                closedir(ld);
            } else if (lfd >= 0) {
                close(lfd);
            }
            if (!unlinkat(dfd, n, AT_REMOVEDIR))
                continue;
        }
        ours = staging || names_has(&mine, n);
        if (!S_ISDIR(st.st_mode)) {
            if (ours) {
                unlinkat(dfd, n, 0);
                continue;
            }
            if (!fstatat(cur, n, &cst, AT_SYMLINK_NOFOLLOW) &&
                (same(&st, &cst) || names_has(cur_set, n))) {
                unlinkat(dfd, n, 0); /* a link, or replaced by an output */
                continue;
            }
        }
        /* the user's: give it back, unless CUR has something there */
        if (fstatat(cur, n, &cst, AT_SYMLINK_NOFOLLOW) && errno == ENOENT &&
            !renameat(dfd, n, cur, n))
            continue;
        kept = 1;
    }
    closedir(d);
    names_free(&mine);
    if (kept)
        return 1;
    unlinkat(dfd, MANIFEST, 0);
    unlinkat(dfd, MANIFEST_NEW, 0);
    /* the name must still be the folder emptied */
    if (fstatat(o->pfd, name, &now, AT_SYMLINK_NOFOLLOW) || !same(&now, &self))
        return 1;
    return unlinkat(o->pfd, name, AT_REMOVEDIR) ? 1 : 0;
}

/* Removes the private folders of OUTDIR's builds that died: best effort
 * (a folder that cannot be read is left for the next build), but no
 * memory for its name is a failure like any other (ERR_NOMEM). */
static error_code clean_leftovers(output_t *o)
{
    char *prefix = error_format(".%s%s", o->base, PRIVATE_TAG);
    int fd =
        prefix ? openat(o->pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (!d) {
        if (fd >= 0)
            close(fd);
        free(prefix);
        return prefix ? ERR_OK : ERR_NOMEM;
    }
    while ((e = readdir(d))) {
        int lfd, staging;
        if (strncmp(e->d_name, prefix, strlen(prefix)) ||
            strlen(e->d_name) != strlen(prefix) + 6)
            continue;
        lfd = openat(o->pfd, e->d_name,
                     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (lfd < 0)
            continue;
        if (flock(lfd, LOCK_EX | LOCK_NB)) { /* alive */
            close(lfd);
            continue;
        }
        staging = !faccessat(lfd, MANIFEST_NEW, F_OK, AT_SYMLINK_NOFOLLOW);
        retire(o, lfd, e->d_name, staging, o->ofd, &o->old);
        close(lfd);
    }
    closedir(d);
    free(prefix);
    return ERR_OK;
}

/* ---- open --------------------------------------------------------------- */

/* Locks the folder at OUTDIR (created if missing) into o->ofd. */
static error_code lock(output_t *o, output_wait_fn on_wait, void *arg,
                       char **msg)
{
    int tries, waited = 0;
    struct stat now;

    for (tries = 0; tries < LOCK_TRIES; tries++) {
        int fd = open(o->outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            struct stat ls;
            if (err == ENOENT && !mkdir(o->outdir, 0777))
                continue;
            /* a symbolic link to a folder that is not there: the name
             * exists (mkdir says so) but cannot be opened, at every try */
            if (err == ENOENT && errno == EEXIST && !lstat(o->outdir, &ls) &&
                S_ISLNK(ls.st_mode))
                return error_set(msg, ERR_OPEN,
                                 _("%s: the output folder is a symbolic "
                                   "link to a folder that does not exist: "
                                   "create that folder, or name another "
                                   "output folder"),
                                 o->outdir);
            if (err == ENOENT && errno == EEXIST)
                continue;
            if (err == ENOENT)
                err = errno;
            return error_set(msg, err == ENOSPC ? ERR_NOSPACE : ERR_OPEN,
                             err == ENOTDIR || err == EACCES
                                 ? _("%s: cannot use the output folder: %s")
                                 : _("%s: cannot create the output folder: %s"),
                             o->outdir,
                             err == ENOTDIR ? _("a file is in the way")
                                            : strerror(err));
        }
        if (flock(fd, LOCK_EX | LOCK_NB)) {
            if (errno != EWOULDBLOCK) {
                int err = errno;
                close(fd);
                return error_set(msg, ERR_OPEN,
                                 _("%s: cannot lock the output "
                                   "folder: %s"),
                                 o->outdir, strerror(err));
            }
            if (!waited++ && on_wait)
                on_wait(arg, o->outdir);
            while (flock(fd, LOCK_EX)) {
                int err = errno;
                if (err == EINTR && !(o->stop && *o->stop))
                    continue;
                close(fd);
                if (err == EINTR)
                    return error_set(msg, ERR_INTERRUPTED,
                                     _("%s: interrupted while waiting for the "
                                       "other build; nothing written"),
                                     o->outdir);
                return error_set(msg, ERR_OPEN,
                                 _("%s: cannot lock the output "
                                   "folder: %s"),
                                 o->outdir, strerror(err));
            }
        }
        if (!fstat(fd, &o->ost) && !stat(o->outdir, &now) &&
            same(&o->ost, &now)) {
            o->ofd = fd;
            return ERR_OK;
        }
        close(fd); /* swapped by the build we waited for: lock the new one */
    }
    return error_set(msg, ERR_OPEN,
                     _("%s: the output folder keeps changing; "
                       "is another program replacing it?"),
                     o->outdir);
}

/* Where OUTDIR is: its real path, its parent, and the checks on them. */
static error_code place(output_t *o, char **msg)
{
    struct stat pst, now;
    char *slash, *cwd;

    if (!(o->real = realpath(o->outdir, NULL)))
        return error_set(msg, ERR_OPEN,
                         _("%s: cannot resolve the output "
                           "folder: %s"),
                         o->outdir, strerror(errno));
    if (!strcmp(o->real, "/"))
        return error_set(msg, ERR_USAGE,
                         _("%s: the root folder cannot be the "
                           "output folder; name a folder of its own"),
                         o->outdir);
    slash = strrchr(o->real, '/');
    if (!(o->base = strdup(slash + 1)) ||
        !(o->parent = strndup(
              o->real, slash == o->real ? 1 : (size_t)(slash - o->real))))
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    if ((o->pfd = open(o->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 &&
        (o->pfd = open(o->parent, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
        return error_set(msg, ERR_OPEN,
                         _("%s: cannot open the folder that "
                           "holds the output folder: %s"),
                         o->parent, strerror(errno));
    if (fstat(o->pfd, &pst) ||
        fstatat(o->pfd, o->base, &now, AT_SYMLINK_NOFOLLOW) ||
        !same(&now, &o->ost))
        return error_set(msg, ERR_OPEN,
                         _("%s: the output folder changed while "
                           "canvass was opening it"),
                         o->outdir);
    if (faccessat(o->ofd, ".", W_OK, AT_EACCESS))
        return error_set(msg, ERR_OPEN,
                         _("%s: cannot write in the output "
                           "folder: %s"),
                         o->outdir, strerror(errno));
    if (faccessat(o->pfd, ".", W_OK, AT_EACCESS))
        return error_set(
            msg, ERR_OPEN,
            _("%s: cannot write in %s, the folder "
              "that holds the output folder: %s; canvass writes the "
              "new outputs into a private folder there and swaps "
              "it with %s in one step (make %s writable, or choose "
              "another -o)"),
            o->outdir, o->parent, strerror(errno), o->outdir, o->parent);
    if (pst.st_dev != o->ost.st_dev)
        return error_set(msg, ERR_USAGE,
                         _("%s: the output folder is the root "
                           "of a mounted file system; canvass replaces its "
                           "outputs by swapping the output folder with a new "
                           "one beside it, which cannot cross file systems: "
                           "use a folder inside it"),
                         o->outdir);
    if ((cwd = getcwd(NULL, 0))) {
        size_t n = strlen(o->real);
        int inside =
            !strncmp(cwd, o->real, n) && (cwd[n] == 0 || cwd[n] == '/');
        free(cwd);
        if (inside)
            return error_set(
                msg, ERR_USAGE,
                _("%s: the output folder holds the "
                  "current folder; canvass replaces the output "
                  "folder as a whole, which would leave you in a "
                  "removed folder: run canvass from another folder "
                  "(e.g. cd %s, then -o %s)"),
                o->outdir, o->parent, o->base);
    }
    return ERR_OK;
}

/* The private folder, locked, with its marker. */
static error_code stage(output_t *o, char **msg)
{
    int mfd, err;
    mode_t mode = (o->ost.st_mode & 07777) | S_IRWXU;

    if (!(o->stage = error_format("%s/.%s%sXXXXXX",
                                  strcmp(o->parent, "/") ? o->parent : "",
                                  o->base, PRIVATE_TAG)))
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    if (!mkdtemp(o->stage)) {
        err = errno;
        free(o->stage);
        o->stage = NULL;
        return error_set(msg, err == ENOSPC ? ERR_NOSPACE : ERR_OPEN,
                         _("%s: cannot make a private folder beside the output "
                           "folder, in %s: %s"),
                         o->outdir, o->parent, strerror(err));
    }
    o->stage_name = strrchr(o->stage, '/') + 1;
    if ((o->sfd = open(o->stage,
                       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
        flock(o->sfd, LOCK_EX | LOCK_NB))
        goto fail;
    if ((mfd = openat(o->sfd, MANIFEST_NEW,
                      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0)
        goto fail;
    if (write(mfd, MANIFEST_HEAD, strlen(MANIFEST_HEAD)) !=
        (ssize_t)strlen(MANIFEST_HEAD)) {
        err = errno;
        close(mfd);
        errno = err;
        goto fail;
    }
    close(mfd);
    if (fchmod(o->sfd, mode))
        goto fail;
    if (geteuid() == 0 && (o->ost.st_uid != 0 || o->ost.st_gid != 0) &&
        fchown(o->sfd, o->ost.st_uid, o->ost.st_gid))
        goto fail;
    return ERR_OK;
fail:
    err = errno;
    if (o->sfd < 0) { /* not ours yet to retire: it is empty */
        rmdir(o->stage);
        free(o->stage);
        o->stage = NULL;
    }
    return error_set(msg, output_nospace(NULL, err) ? ERR_NOSPACE : ERR_WRITE,
                     _("%s: cannot prepare a private folder beside the output "
                       "folder, in %s: %s"),
                     o->outdir, o->parent, strerror(err));
}

error_code output_open(const char *outdir, output_wait_fn on_wait, void *arg,
                       const volatile sig_atomic_t *stop, output_t **out,
                       char **msg)
{
    output_t *o = calloc(1, sizeof *o);
    error_code e;

    *out = NULL;
    if (!o)
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    o->outdir = outdir;
    o->stop = stop;
    o->pfd = o->ofd = o->sfd = -1;
    if (!*outdir) {
        e = error_set(msg, ERR_USAGE, _("the output folder has no name"));
        goto fail;
    }
    if ((e = lock(o, on_wait, arg, msg)) != ERR_OK ||
        (e = place(o, msg)) != ERR_OK)
        goto fail;
    if (read_manifest(o->ofd, MANIFEST, &o->old)) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if (clean_leftovers(o) != ERR_OK) {
        e = error_set(msg, ERR_NOMEM, _("out of memory"));
        goto fail;
    }
    if ((e = stage(o, msg)) != ERR_OK)
        goto fail;
    *out = o;
    return ERR_OK;
fail:
    output_free(o);
    return e;
}

/* ---- the set ------------------------------------------------------------ */

error_code output_path(output_t *o, const char *name, char **path, char **msg)
{
    struct stat st;

    *path = NULL;
    if (!output_is_output_name(name) || !strcmp(name, MANIFEST))
        return error_set(msg, ERR_INTERNAL, _("%s is not an output name"),
                         name);
    if (names_has(&o->set, name))
        return error_set(msg, ERR_INTERNAL, _("%s written twice"), name);
    if (!fstatat(o->ofd, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode))
        return error_set(msg, ERR_WRITE,
                         _("%s/%s is a folder: canvass never "
                           "replaces a folder with an output; move it away"),
                         o->outdir, name);
    if (names_add(&o->set, name) || !(*path = join(o->stage, name)))
        return error_set(msg, ERR_NOMEM, _("out of memory"));
    return ERR_OK;
}

error_code output_write(output_t *o, const char *name, const void *buf,
                        size_t len, char **msg)
{
    char *path, *m = NULL;
    error_code e = output_path(o, name, &path, msg);
    if (e != ERR_OK)
        return e;
    if (!path) /* set with ERR_OK; the analyzer cannot see error_set */
        return ERR_INTERNAL;
    if ((e = output_write_file(path, buf, len, &m)) != ERR_OK) {
        char *u = output_unstage(o, m ? m : error_string(e));
        if (msg && u) {
            free(*msg);
            *msg = u;
        } else {
            free(u);
        }
    }
    free(m);
    free(path);
    return e;
}

size_t output_count(const output_t *o)
{
    return o->set.n;
}

const char *output_name(const output_t *o, size_t i)
{
    return i < o->set.n ? o->set.v[i] : NULL;
}

int output_full(const output_t *o, int err)
{
    return output_nospace(o && o->stage ? o->stage : NULL, err);
}

char *output_unstage(const output_t *o, const char *msg)
{
    size_t sl = strlen(o->stage ? o->stage : "");
    const char *p, *q;
    buf_t b = BUF_INIT;

    if (!sl)
        return strdup(msg);
    for (p = msg; (q = strstr(p, o->stage)); p = q + sl) {
        buf_add(&b, p, (size_t)(q - p));
        buf_puts(&b, o->outdir);
    }
    buf_puts(&b, p);
    return buf_detach(&b);
}

/* fsync of NAME in folder DFD. */
static int sync_entry(int dfd, const char *name)
{
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc;
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    if (close(fd))
        rc = -1;
    return rc;
}

/* The manifest of the new set, written and renamed over the marker. */
static int write_manifest(output_t *o)
{
    size_t i;
    int fd = openat(o->sfd, MANIFEST_NEW,
                    O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC),
        ok;
    FILE *f;

    if (fd < 0 || !(f = fdopen(fd, "w"))) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ok = fputs(MANIFEST_HEAD, f) >= 0;
    for (i = 0; i < o->set.n; i++)
        ok = ok && fprintf(f, "%s\n", o->set.v[i]) >= 0;
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    return ok && !renameat(o->sfd, MANIFEST_NEW, o->sfd, MANIFEST) ? 0 : -1;
}

/* Hard-links the user's own files of OUTDIR into the private folder;
 * folders and files that cannot be linked are moved after the swap. */
static void carry_over(output_t *o)
{
    int fd = openat(o->ofd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        struct stat st;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, MANIFEST) ||
            !strcmp(n, MANIFEST_NEW) || names_has(&o->set, n) ||
            names_has(&o->old, n))
            continue;
        if (fstatat(o->ofd, n, &st, AT_SYMLINK_NOFOLLOW) || S_ISDIR(st.st_mode))
            continue;
        linkat(o->ofd, n, o->sfd, n, 0);
    }
    closedir(d);
}

/* True when folder DFD holds no entry. */
static int empty(int dfd)
{
    int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), empty = 1;
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty;
}

error_code output_commit(output_t *o, char **note, char **msg)
{
    size_t i;
    int err, tmp;
    struct stat st;

    if (note)
        *note = NULL;
    if (o->committed)
        return error_set(msg, ERR_INTERNAL, _("output set committed twice"));
    for (i = 0; i < o->set.n; i++) {
        if (!fstatat(o->ofd, o->set.v[i], &st, AT_SYMLINK_NOFOLLOW) &&
            S_ISDIR(st.st_mode))
            return error_set(msg, ERR_WRITE,
                             _("%s/%s is a folder: canvass "
                               "never replaces a folder with an output; move "
                               "it away; nothing was replaced"),
                             o->outdir, o->set.v[i]);
        if (sync_entry(o->sfd, o->set.v[i])) {
            err = errno;
            return error_set(msg, output_full(o, err) ? ERR_NOSPACE : ERR_WRITE,
                             _("%s/%s: cannot write: %s"), o->outdir,
                             o->set.v[i], strerror(err));
        }
    }
    if (write_manifest(o)) {
        err = errno;
        return error_set(msg, output_full(o, err) ? ERR_NOSPACE : ERR_WRITE,
                         _("%s/%s: cannot write: %s"), o->outdir, MANIFEST,
                         strerror(err));
    }
    carry_over(o);
    if (fsync(o->sfd)) {
        err = errno;
        return error_set(msg, output_full(o, err) ? ERR_NOSPACE : ERR_WRITE,
                         _("%s: cannot write: %s"), o->outdir, strerror(err));
    }
    if (o->stop && *o->stop)
        return error_set(msg, ERR_INTERRUPTED, _("interrupted"));
    if (renameat2(o->pfd, o->stage_name, o->pfd, o->base, RENAME_EXCHANGE)) {
        err = errno;
        if ((err != EINVAL && err != ENOSYS) || !empty(o->ofd) ||
            renameat(o->pfd, o->stage_name, o->pfd, o->base))
            return error_set(msg, ERR_WRITE,
                             _("%s: cannot put the new outputs "
                               "in place: %s%s; nothing was replaced"),
                             o->outdir, strerror(err),
                             err == EINVAL || err == ENOSYS
                                 ? _(" (this file system cannot swap two "
                                     "folders in one step, so canvass writes "
                                     "there only into a new or empty output "
                                     "folder)")
                                 : "");
        /* OUTDIR was empty and is gone: nothing to retire */
        o->committed = 2;
    } else {
        o->committed = 1;
    }
    fsync(o->pfd);
    /* the locked descriptors follow their folders: OUTDIR is o->sfd now */
    tmp = o->ofd;
    o->ofd = o->sfd;
    o->sfd = tmp;
    if (o->committed == 1 &&
        retire(o, o->sfd, o->stage_name, 0, o->ofd, &o->set) && note)
        *note = error_format(_("%s/%s keeps files that were in %s during the "
                               "build and could not be put back: look there"),
                             o->parent, o->stage_name, o->outdir);
    return ERR_OK;
}

void output_free(output_t *o)
{
    if (!o)
        return;
    if (!o->committed && o->sfd >= 0 && o->stage)
        retire(o, o->sfd, o->stage_name, 1, o->ofd, &o->set);
    if (o->sfd >= 0)
        close(o->sfd);
    if (o->ofd >= 0)
        close(o->ofd);
    if (o->pfd >= 0)
        close(o->pfd);
    names_free(&o->set);
    names_free(&o->old);
    free(o->stage);
    free(o->real);
    free(o->parent);
    free(o->base);
    free(o);
}
