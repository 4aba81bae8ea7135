/*
 * input.h — the one way canvass opens and reads an input (a register or a
 * return), whoever reads it (see input.c).
 *
 * input_open opens PATH for reading, regular files only, without ever
 * hanging on a FIFO; input_read fills a buffer from it, through short
 * reads and signals. Nothing is printed: the caller words the failure for
 * what the file should have been ("the register", "the return").
 */
#ifndef CANVASS_INPUT_H
#define CANVASS_INPUT_H

#include <stdint.h>
#include <sys/types.h>
#include <libxml/xmlerror.h>

#include "diag.h"
#include "error.h"

/* What input_open found when it failed. */
typedef enum {
    INPUT_FAULT,      /* the system refused (open, fstat, fcntl): *ERR */
    INPUT_DIRECTORY,  /* a directory */
    INPUT_NOT_REGULAR /* a FIFO, socket or device */
} input_why;

/* Opens PATH read-only (O_NONBLOCK for the open, so that a FIFO with no
 * writer cannot hang it; cleared once it is known to be a regular file),
 * close-on-exec, never a controlling terminal. ERR_OK with *FD set (the
 * caller closes it) and, when SIZE is not NULL, *SIZE the file's size as
 * opened; else ERR_OPEN (it could not be opened), ERR_READ (it was opened
 * but not examined) or ERR_NOT_REGULAR, with *WHY and *ERR (errno, 0 when
 * none) saying why. */
error_code input_open(const char *path, int *fd, uint64_t *size, input_why *why,
                      int *err);

/* Reads up to N bytes of FD into BUF: fewer only at the end of the file.
 * The count, or -1 with errno set. */
ssize_t input_read(int fd, unsigned char *buf, size_t n);

/* Fills *D (zeroed first) as the "io" error of the input PATH: WHAT, then
 * ": " and strerror(ERR) when ERR is not 0, worded into MSG (SIZE bytes),
 * which D's message points to. */
void input_diag(diag *d, char *msg, size_t size, const char *path,
                const char *what, int err);

/* libxml2's per-thread error handlers, as they were before
 * input_strays_catch. */
typedef struct {
    xmlStructuredErrorFunc serror;
    void *sctx;
    xmlGenericErrorFunc generic;
    void *gctx;
} input_strays;

/* While an input is read: errors libxml2 raises outside the parser and
 * the validator (its decoder, its I/O layer, the validator's
 * "Unimplemented block" at a cut file) go to per-thread handlers, by
 * default to stderr. They come here instead: none is printed (they may
 * quote the file's bytes), and each but a warning sets *STRAY, for the
 * caller to refuse the input. The handlers before are saved in S. */
void input_strays_catch(input_strays *s, int *stray);

/* Puts back the handlers S saved. */
void input_strays_release(const input_strays *s);

#endif
