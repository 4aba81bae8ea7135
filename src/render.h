/*
 * render.h — what every renderer of a return shares.
 *
 * The return model is the return document itself (urn:canvass:return:1,
 * input-schema/return.xsd): the xmlDoc parsed (return_parse) from the
 * bytes of return.xml that return_assemble wrote, for build and merge
 * alike. Every renderer — xlsx, summary (docx/html/md via XSLT) — reads
 * that same document, through retdoc.h; none re-reads a register.
 *
 * A renderer writes one file at the path it is given (in the private
 * folder of the build, chosen by output_path in output.c, which alone puts
 * the whole set in place); it never renames, writes plain files through
 * output_write_file, and reports failure through its error_code and a
 * malloc'd message, never by printing.
 */
#ifndef CANVASS_RENDER_H
#define CANVASS_RENDER_H

#include <time.h>
#include <libxml/tree.h>
#include "error.h"
#include "retdoc.h"
#include "vocab.h"

typedef struct {
    const char *lang;         /* "zh" (default) or "en" */
    time_t created;           /* document timestamp (SOURCE_DATE_EPOCH) */
    const vocab_t *labels;    /* return.xsd: table, level, rule, severity */
    const char *templates;    /* template set folder (summary renderers) */
    unsigned long sheet_rows; /* rows a worksheet may have: 0 for Excel's
                                 * 1,048,576 (tests set fewer) */
} render_opts;

#endif
