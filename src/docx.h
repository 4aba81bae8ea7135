/*
 * docx.h — the .docx container of the summary: the parts of a reference
 * .docx in, a deterministic zip out.
 *
 * Like pandoc's reference-doc: everything but the text of a summary.docx
 * (styles, settings, fonts, numbering, footers with page numbers, the page
 * set-up in the final w:sectPr) comes from a reference.docx that a user may
 * restyle in Word or WPS. docx_ref_load reads its parts once; docx_write
 * writes a new package holding every part of the reference in the
 * reference's order, with word/document.xml replaced by the summary's and
 * docProps/core.xml stamped with the summary's title and time.
 *
 * A loaded docx_ref is immutable and may be shared between threads.
 */
#ifndef CANVASS_DOCX_H
#define CANVASS_DOCX_H

#include <stddef.h>
#include <time.h>
#include <libxml/tree.h>
#include "error.h"

typedef struct docx_ref docx_ref;

/* Reads every part of the .docx at PATH into memory (at most 512 parts of
 * 16 MiB each) and parses its word/document.xml (no network, no entities).
 * On success sets *OUT (caller frees with docx_ref_free) and returns
 * ERR_OK; otherwise returns ERR_OPEN, ERR_READ, ERR_INVALID (not a .docx:
 * no [Content_Types].xml or word/document.xml, or a malformed part name)
 * or ERR_NOMEM, with *MSG set to a malloc'd message (caller frees). */
error_code docx_ref_load(const char *path, docx_ref **out, char **msg);

/* No-op on NULL. */
void docx_ref_free(docx_ref *r);

/* The body's final w:sectPr of the reference's word/document.xml (page
 * size, margins, grid, footer references), or NULL if it has none.
 * Borrowed from R; read it, never change it. */
const xmlNode *docx_ref_sectpr(const docx_ref *r);

/* Writes a .docx to PATH: the parts of R in R's order, except that
 * word/document.xml is DOC (LEN bytes, borrowed) and docProps/core.xml, if R
 * has one, gets dc:title TITLE (unless NULL or empty) and
 * dcterms:created/modified CREATED (ISO 8601 UTC). Every entry is deflated
 * and dated CREATED (as UTC, clamped to the DOS range 1980-2107), mode
 * 0644, so equal inputs give byte-identical files. libzip writes a
 * temporary file beside PATH and renames it on close; on any failure PATH
 * is removed. Returns ERR_OK, or ERR_OPEN, ERR_WRITE, ERR_NOSPACE, ERR_ZIP,
 * ERR_INVALID (R's core.xml is malformed) or ERR_NOMEM with *MSG set
 * (caller frees). Thread-safe for distinct PATHs. */
error_code docx_write(const docx_ref *r, const char *path, const void *doc,
                      size_t len, const char *title, time_t created,
                      char **msg);

#endif
