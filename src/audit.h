/*
 * audit.h — the audit rules of SPEC §2 layer 2, over valid registers.
 *
 * Each rule has a stable id (the values of type "rule" in return.xsd, less
 * "schema"), a default severity and, where it has one, a threshold. The
 * rules run inside the single streaming pass: the reader hands each
 * household to audit_household(); what must be remembered across
 * households (ids, per-cadre visit counts, household keys) lives in
 * hash tables owned by the audit_reg, so no rule rescans a file. Rules
 * over the whole batch (the same household on two registers) run in an
 * audit_batcher over what each audit_reg kept, register by register as
 * the registers finish (or in audit_batch() over all at once).
 *
 * Findings are diagnostics (diag.h) with the rule id, the severity set for
 * it, file:line:col of the element concerned, the community code and the
 * ids concerned; messages name ids and what to do, never a person's name or
 * an address. They are recorded compactly in a diag_store (rule,
 * arguments; the message formatted when read), one group per household,
 * so holding them costs no memory (the store spills to a file).
 *
 * Thread use: one audit_reg per register, used by one thread at a time;
 * audit_opts is read-only and shared.
 */
#ifndef CANVASS_AUDIT_H
#define CANVASS_AUDIT_H

#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "reader.h"
#include "vocab.h"

typedef enum {
    AUDIT_OFF = -1,
    AUDIT_ERROR = 0,
    AUDIT_WARNING = 1
} audit_severity;

/* The audit rules, in the order of the "rule" type of return.xsd. */
typedef enum {
    RULE_DUPLICATE_ID,
    RULE_UNKNOWN_CADRE,
    RULE_UNKNOWN_MEMBER,
    RULE_DUPLICATE_HOUSEHOLD,
    RULE_VISIT_OUTSIDE_CAMPAIGN,
    RULE_FOLLOW_UP_WITHOUT_FIRST,
    RULE_CLOSED_BEFORE_VISIT,
    RULE_REPORTED_WITHOUT_TARGET,
    RULE_HOUSEHOLD_NOT_VISITED,
    RULE_SPECIAL_GROUP_NOT_FOLLOWED_UP,
    RULE_OVERDUE_ITEM,
    RULE_NO_RESPONSIBLE_CADRE,
    RULE_CADRE_FEW_VISITS,
    RULE_COUNT_
} audit_rule;

typedef struct {
    audit_severity severity[RULE_COUNT_];
    int overdue_days;     /* default 30 */
    int min_visits;       /* default 5 */
    int fingerprint_bits; /* width of the ids' fingerprints: 64; tests set
                           * a few bits to force collisions */
} audit_opts;

/* The rule's id ("unknown-cadre", ...). */
const char *audit_rule_id(audit_rule r);
/* The rule with id ID, or -1. */
int audit_rule_find(const char *id);
/* Fills O with the defaults. */
void audit_opts_default(audit_opts *o);
/* Parses "ID=off|warning|error" into O. ERR_USAGE with *msg on failure. */
error_code audit_opts_set(audit_opts *o, const char *spec, char **msg);

typedef struct audit_reg audit_reg;

/* State for auditing the register at PATH (borrowed; must outlive it).
 * VOCAB is the register vocabulary (borrowed). Findings go to SINK
 * (borrowed; it must outlive the audit_reg), or to a store of the
 * audit_reg's own when SINK is NULL. NULL on no memory. */
audit_reg *audit_reg_new(const audit_opts *o, const vocab_t *vocab,
                         const char *path, diag_store *sink);
void audit_reg_free(audit_reg *a);

/* Reader callbacks: findings go to the audit_reg's own list. 0 or -1 (OOM). */
int audit_head(audit_reg *a, const rd_head *h);
int audit_household(audit_reg *a, const rd_household *h);

/* After the first pass over a register: 1 when some id's fingerprint was
 * met twice (a duplicate id, or two ids sharing a fingerprint), 0 when
 * none was, -1 on no memory (the register cannot be audited). The first
 * call works it out (and frees the first pass's fingerprints). On 1 the
 * caller calls audit_reg_confirm and reads the register again through
 * audit_head/audit_household, which this time only compare those ids
 * exactly and report the real duplicates; then audit_reg_finish. */
int audit_reg_suspects(audit_reg *a);
void audit_reg_confirm(audit_reg *a);

/* End-of-register rules (cadre-few-visits...). Then, when OUT is not NULL,
 * moves every finding of the register from its store to OUT, in order. */
error_code audit_reg_finish(audit_reg *a, diag_list *out);

/* Batch rules (duplicate-household across registers), register by
 * register: audit_batcher_add is given the finished audit_regs of the
 * valid registers one at a time, in path order, each as soon as it and
 * every register before it are done; it finds the households the
 * register shares with those added before it, each finding going to the
 * register's own store. The registers added must stay alive (not freed)
 * until the batcher is. One thread at a time. */
typedef struct audit_batcher audit_batcher;
audit_batcher *audit_batcher_new(const audit_opts *o);
error_code audit_batcher_add(audit_batcher *b, audit_reg *a);
void audit_batcher_free(audit_batcher *b);

/* The same over all of REGS at once (sorted by path here); then, when OUT
 * is not NULL, every finding of their stores is moved to OUT. */
error_code audit_batch(audit_reg *const *regs, size_t n, diag_list *out);

#endif
