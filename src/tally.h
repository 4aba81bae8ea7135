/*
 * tally.h — counts by category and group (SPEC §3), fed one household at a
 * time, for one community or one roll-up.
 *
 * Feed/finish: a tally is created, fed the register's head, households and
 * narrative sections by the reader's callbacks, and later added into other
 * tallies (parts of one community from several registers; communities into
 * street/district/city/all roll-ups). tally_write() writes the counts into a
 * <unit> of the return document; tally_read_unit() reads a community unit
 * back (merge), so a merged return is rolled up by the same code.
 *
 * Every count is indexed by the enumerations of the register schema
 * (vocab), so a value added to the schema is a row here with no code
 * change. Memory: fixed arrays plus the community's cadres.
 */
#ifndef CANVASS_TALLY_H
#define CANVASS_TALLY_H

#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>
#include "diag.h"
#include "error.h"
#include "reader.h"
#include "retdoc.h"
#include "retwrite.h"
#include "vocab.h"

typedef struct tally tally_t;

/* An empty tally over the register vocabulary V (borrowed). */
tally_t *tally_new(const vocab_t *v);
void tally_free(tally_t *t);

/* Reader callbacks. ERR_OK, or ERR_NOMEM. */
error_code tally_head(tally_t *t, const rd_head *h);
error_code tally_household(tally_t *t, const rd_household *h);
error_code tally_section(tally_t *t, const rd_section *s);

/* Counts FINDING (a diagnostic of an audit rule or "schema") against the
 * tally. RULE_INDEX is its index in the return vocabulary's "rule" type. */
void tally_finding(tally_t *t, int rule_index, diag_severity sev);

/* Adds FROM into INTO. KEEP_CADRES: also merge cadres by id (parts of one
 * community); roll-ups keep counts by role only. ERR_OK or ERR_NOMEM. */
error_code tally_add(tally_t *into, const tally_t *from, int keep_cadres);

/* Reads back the community unit U of the return RD into the empty tally
 * T: head, counts, cadres, findings by rule, narrative — everything
 * tally_write wrote, so that writing T again gives U's figures (when U
 * adds up). RV is the return vocabulary (rules). Rows are found by value;
 * a row missing from U reads as zero. ERR_OK or ERR_NOMEM. */
error_code tally_read_unit(tally_t *t, retdoc_t *rd, const retdoc_unit *u,
                           const vocab_t *rv);

/* Head data of the first register fed (borrowed; NULL fields if none). */
const char *tally_community_code(const tally_t *t);
const char *tally_field(const tally_t *t, const char *name);

/* Writes the counts as the children of the open <unit> of W, labels from
 * V (register vocabulary) and RV (return vocabulary, for the audit
 * rules); RULE_SEVERITY[i] is the severity in force for rule i of RV's
 * "rule" type, as "error", "warning" or "off". The label of the report
 * group "elderly" is the register schema's (type elderlyGroup). ERR_OK or
 * ERR_NOMEM (W's own failures are W's: retwrite_finish says them). */
error_code tally_write(const tally_t *t, retwrite_t *w, const vocab_t *rv,
                       const char *const *rule_severity);

#endif
