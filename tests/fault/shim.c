/*
 * shim.c — an LD_PRELOAD shim for tests/fault/run.sh: faults at the exact
 * instants a random kill -9 rarely hits. CANVASS_FAULT chooses:
 *
 *   noexchange          renameat2(RENAME_EXCHANGE) fails with EINVAL, as on
 *                       a file system that cannot swap two folders
 *   kill-before-swap    SIGKILL just before the swap of the two folders
 *   kill-after-swap     SIGKILL just after it, before the old set is removed
 *   kill-at-unlinkat-N  SIGKILL at the Nth unlinkat() (removing the old set)
 *
 * Anything else goes to the kernel unchanged.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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
    static int calls;
    const char *e = getenv("CANVASS_FAULT");
    const char *tag = "kill-at-unlinkat-";
    if (e && !strncmp(e, tag, strlen(tag)) && ++calls == atoi(e + strlen(tag)))
        raise(SIGKILL);
    return (int)syscall(SYS_unlinkat, dirfd, path, flags);
}
