/*
 * diag.h — diagnostics: schema errors and audit findings alike.
 *
 * A diagnostic names the input (file:line:col), a severity, a message and
 * the rule that produced it ("schema" for layer 1, an audit rule id for
 * layer 2), plus the ids it concerns (never a person's name). Lists are
 * sorted by file, line, column, then rule, so output is the same whatever
 * order the registers were processed in.
 */
#ifndef CANVASS_DIAG_H
#define CANVASS_DIAG_H

#include <stddef.h>
#include "error.h"

typedef enum { DIAG_ERROR = 0, DIAG_WARNING = 1 } diag_severity;

typedef struct {
    char *file;    /* input path as given */
    unsigned line; /* 1-based; 0 when the whole file is concerned */
    unsigned col;  /* 1-based; 0 when unknown */
    diag_severity severity;
    char *rule;    /* "schema" or an audit rule id */
    char *message; /* one line, no trailing newline */
    /* ids concerned; NULL when not applicable */
    char *community, *household, *visit, *item, *cadre;
} diag;

typedef struct {
    diag *v;
    size_t n, cap;
} diag_list;

/* Appends a copy of D (all strings duplicated). Returns ERR_OK/ERR_NOMEM. */
error_code diag_list_add(diag_list *l, const diag *d);

/* Moves every diagnostic of FROM to the end of TO; FROM is left empty. */
error_code diag_list_take(diag_list *to, diag_list *from);

/* Sorts by file, line, col, rule, message, then the ids and severity: a
 * total order, so the result never depends on the order given. */
void diag_list_sort(diag_list *l);

/* Frees the diagnostics (not L itself); L is left empty and reusable. */
void diag_list_clear(diag_list *l);

/* "error" or "warning". */
const char *diag_severity_name(diag_severity s);

/* Formats D as "file:line:col: severity: message [rule]" (GCC form) into a
 * malloc'd string (caller frees), without newline. */
char *diag_format_text(const diag *d);

/* Formats D as one JSON object (no newline), malloc'd (caller frees). */
char *diag_format_json(const diag *d);

#endif
