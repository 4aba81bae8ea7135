/*
 * retwrite.h — the return document written as a stream of bytes.
 *
 * The one writer of return.xml (return.c and tally.c write through it):
 * elements are opened, given attributes and content, and closed, and the
 * bytes come out as libxml2's indented save (xmlSaveDoc with
 * XML_SAVE_FORMAT, encoding UTF-8) would lay out the same tree, to the
 * byte: a merged return of 500 communities is 115,000 elements and
 * 474,000 attributes, and as a tree it cost more than everything else
 * merge does. Whoever needs the tree (the renderers, verify) parses these
 * bytes (return_parse), so the tree always says what return.xml says.
 *
 * Failure is sticky, as buf_t's: after an allocation fails every call is
 * a no-op and retwrite_finish says ERR_NOMEM, so a writer calls freely and
 * checks once.
 */
#ifndef CANVASS_RETWRITE_H
#define CANVASS_RETWRITE_H

#include <stddef.h>
#include <stdio.h>
#include "error.h"

typedef struct retwrite retwrite_t;

/* A writer holding the XML declaration and the root element ROOT (its
 * default namespace NS, may be NULL), open; NULL on no memory. */
retwrite_t *retwrite_new(const char *root, const char *ns);

/* No-op on NULL. */
void retwrite_free(retwrite_t *w);

/* Opens element EL as the next child of the open element. EL is borrowed
 * until it is closed. */
void retwrite_open(retwrite_t *w, const char *el);

/* Attribute NAME="VALUE" of the open element (nothing when VALUE is NULL);
 * retwrite_count writes the number V. Given after the element's children,
 * it is still put in its start tag (the tail is moved: for an element
 * whose attributes depend on its children, such as findings/@omitted). */
void retwrite_attr(retwrite_t *w, const char *name, const char *value);
void retwrite_count(retwrite_t *w, const char *name, unsigned long long v);

/* TEXT as the content of the open element, which then takes no child
 * elements ("" gives <el></el>; NULL nothing, <el/>). */
void retwrite_text(retwrite_t *w, const char *text);

/* Closes the open element (not the root). */
void retwrite_close(retwrite_t *w);

/* From now on hands the bytes to F (borrowed, open for writing) as they
 * are made, a MiB at a time as elements close: the elements open now, and
 * those open at each hand-over, take no more attributes (one given is a
 * bug: ERR_INTERNAL at the end). For a document too big to hold. */
void retwrite_stream(retwrite_t *w, FILE *f);
/* Closes the root and hands the document to the caller: *XML (malloc'd,
 * NUL-terminated, caller frees) and *LEN. ERR_OK; ERR_NOMEM once anything
 * failed, or ERR_INTERNAL when elements were left open (a bug). W is
 * freed either way. Streamed, the rest goes to the stream, which is
 * flushed, *XML stays NULL and *LEN is the whole document's length; a
 * failed write is ERR_WRITE, with errno set to its error. */
error_code retwrite_finish(retwrite_t *w, char **xml, size_t *len);

#endif
