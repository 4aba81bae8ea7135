/*
 * findsort.h — diagnostics sorted in bounded memory: merge's list of the
 * findings its inputs list, which grows with the communities merged. See
 * the design note atop findsort.c.
 */
#ifndef CANVASS_FINDSORT_H
#define CANVASS_FINDSORT_H
#include <stddef.h>
#include "diag.h"
#include "error.h"

typedef struct findsort findsort_t;

/* An empty sort that holds up to BUDGET bytes of records in memory before
 * it writes them out, sorted, as a run (0: the default, 16 MiB); NULL on
 * no memory. */
findsort_t *findsort_new(size_t budget);

/* No-op on NULL. Its temporary file goes with it. */
void findsort_free(findsort_t *s);

/* Adds a copy of D. ERR_OK; ERR_NOMEM, or ERR_WRITE/ERR_NOSPACE when a run
 * cannot be written (then every later call fails the same way). */
error_code findsort_add(findsort_t *s, const diag *d);

/* Hands FN every diagnostic added, in diag_list_sort's order (the
 * strings are valid during the call only); stops at FN's first failure
 * and returns it. May be called again (each call reads the runs from
 * their start); nothing may be added after the first call. ERR_OK, FN's
 * failure, or ERR_NOMEM/ERR_READ. */
error_code findsort_each(findsort_t *s, diag_fn fn, void *ud);

/* The number of diagnostics added. */
size_t findsort_count(const findsort_t *s);

/* The number of runs written to the temporary file (0: all in memory). */
size_t findsort_runs(const findsort_t *s);

#endif
