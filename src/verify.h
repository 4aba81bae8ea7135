/*
 * verify.h — does a return say what its registers say?
 *
 * The auditor's check. The caller rebuilds the return from the registers
 * (batch_run, return_build, with the rule severities the return was made
 * with) and gives both documents and the registers it read; verify_compare
 * names every difference, one item each:
 *   - a figure of a unit that differs (retdoc_diff: "opinions/health/
 *     resolved"), a unit only one side has, a campaign field, the partial
 *     flag;
 *   - a register whose size or SHA-256 differs from the provenance, one
 *     the return lists and that was not given, one given and not listed.
 * Registers are matched by digest first (a renamed copy is still the
 * register), then by file name (then it differs).
 */
#ifndef CANVASS_VERIFY_H
#define CANVASS_VERIFY_H

#include <stddef.h>
#include "retdoc.h"

/* A register given to verify. */
typedef struct {
    const char *file; /* file name without directory */
    const char *sha256;
    unsigned long long size;
} verify_register;

typedef enum {
    VERIFY_FIGURE,       /* unit, figure, says, gives */
    VERIFY_UNIT_MISSING, /* unit in the return, not made by the registers */
    VERIFY_UNIT_EXTRA,   /* unit made by the registers, not in the return */
    VERIFY_REG_DIFFERS,  /* file; says_* (provenance), gives_* (file) */
    VERIFY_REG_MISSING,  /* file listed by the return, not given */
    VERIFY_REG_EXTRA     /* file given, not listed by the return */
} verify_kind;

typedef struct {
    verify_kind kind;
    const char *unit;         /* a unit's code ('all' for the whole batch) or
                             "return" for the campaign and partial flag */
    const char *figure;       /* the figure's path */
    const char *says, *gives; /* values; NULL where a side has none */
    const char *file;         /* register lines */
    const char *says_sha256, *gives_sha256;
    unsigned long long says_size, gives_size;
} verify_item;

/* FN returns 0 to go on. */
typedef int (*verify_fn)(void *ud, const verify_item *it);

/* Compares the return RET with REBUILT (made from the registers GIVEN, N
 * of them) and calls FN for each difference, figures first (units in
 * RET's document order), then registers. Returns the number of
 * differences, or -1 on no memory. */
long verify_compare(retdoc_t *ret, retdoc_t *rebuilt,
                    const verify_register *given, size_t n, verify_fn fn,
                    void *ud);

#endif
