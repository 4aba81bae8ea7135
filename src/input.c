/*
 * input.c — see input.h.
 *
 * The reader (registers) and retdoc (returns) open their inputs here, so
 * that the rules a hostile input meets are the same for both: open with
 * O_NONBLOCK | O_NOCTTY | O_CLOEXEC (a FIFO cannot block the open, a
 * terminal does not become ours), fstat the descriptor (not the name: no
 * race with a rename), refuse anything but a regular file before a byte
 * is read, then clear O_NONBLOCK so reads of the file are plain blocking
 * reads. input_read loops over short reads and EINTR, so a chunk is full
 * unless the file ended. Both also catch libxml2's stray errors the same
 * way while they read (input_strays_catch).
 */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/globals.h>

error_code input_open(const char *path, int *fd, uint64_t *size, input_why *why,
                      int *err)
{
    struct stat st;
    int f, flags;

    *fd = -1;
    *why = INPUT_FAULT;
    *err = 0;
    f = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (f < 0) {
        *err = errno;
        return ERR_OPEN;
    }
    if (fstat(f, &st) < 0) {
        *err = errno;
        close(f);
        return ERR_READ;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = S_ISDIR(st.st_mode) ? INPUT_DIRECTORY : INPUT_NOT_REGULAR;
        close(f);
        return ERR_NOT_REGULAR;
    }
    if ((flags = fcntl(f, F_GETFL)) < 0 ||
        fcntl(f, F_SETFL, flags & ~O_NONBLOCK) < 0) {
        *err = errno;
        close(f);
        return ERR_READ;
    }
    *fd = f;
    if (size)
        *size = (uint64_t)st.st_size;
    return ERR_OK;
}

ssize_t input_read(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

void input_diag(diag *d, char *msg, size_t size, const char *path,
                const char *what, int err)
{
    if (err)
        snprintf(msg, size, "%s: %s", what, strerror(err));
    else
        snprintf(msg, size, "%s", what);
    memset(d, 0, sizeof *d);
    d->file = (char *)path;
    d->severity = DIAG_ERROR;
    d->rule = "io";
    d->message = msg;
}

static void stray_error(void *ud, xmlErrorPtr e)
{
    if (!e || e->level != XML_ERR_WARNING)
        *(int *)ud = 1;
}

static void stray_generic(void *ud, const char *fmt, ...)
{
    (void)fmt;
    *(int *)ud = 1;
}

void input_strays_catch(input_strays *s, int *stray)
{
    s->serror = xmlStructuredError;
    s->sctx = xmlStructuredErrorContext;
    s->generic = xmlGenericError;
    s->gctx = xmlGenericErrorContext;
    xmlSetStructuredErrorFunc(stray, stray_error);
    xmlSetGenericErrorFunc(stray, stray_generic);
}

void input_strays_release(const input_strays *s)
{
    xmlSetStructuredErrorFunc(s->sctx, s->serror);
    xmlSetGenericErrorFunc(s->gctx, s->generic);
}
