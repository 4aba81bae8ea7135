/*
 * reader.h — streams one register, validating it against the register
 * schema in the same pass, and hands it over one household at a time.
 *
 * The reader opens the file itself (regular files only, no decompression),
 * decodes it to UTF-8 itself (UTF-8, GB18030, GBK, GB2312, UTF-16: the
 * first invalid byte makes the register invalid, with its line and column),
 * refuses constructs that would take libxml2 quadratic time, feeds the
 * rest in chunks to a libxml2 push parser with the schema validator
 * plugged into its SAX stream, hashes it (SHA-256, or XXH3-128 where only
 * a change must be seen) as it goes, and calls
 * back:
 *   head       once, after </cadres>: community, campaign, cadres;
 *   household  at each </household>, with the household's members, visits,
 *              forms, opinions/suggestions and services as flat arrays;
 *   section    at each narrative </section>;
 *   diag       for every encoding, well-formedness or schema error (values
 *              that may be personal data are described, not quoted).
 * Once a register has had an error, no further head/household/section
 * callback is made for it, so consumers never see invalid values; but they
 * may have been called for earlier households, and must drop what they
 * gathered when the result says the register is invalid.
 *
 * Personal data (names, birth years) is never copied out of the parser;
 * the address is handed over only to be hashed by the audit.
 *
 * One reader per thread. Memory is bounded by the largest household (plus
 * the cadre list), not by the register's size.
 */
#ifndef CANVASS_READER_H
#define CANVASS_READER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/xmlschemas.h>
#include "diag.h"
#include "error.h"
#include "vocab.h"

/* Dates are days since 1970-01-01 (proleptic Gregorian), or RD_NO_DATE. */
#define RD_NO_DATE INT32_MIN

typedef struct {
    const char *code, *name, *street, *district, *city;
    unsigned line, col;
} rd_community;

typedef struct {
    const char *id, *title;
    const char *start_s, *end_s, *reported_s; /* as written, YYYY-MM-DD */
    int32_t start, end, reported;
    unsigned line, col;
} rd_campaign;

typedef struct {
    const char *id;
    int role;         /* index in vocab "role" */
    const char *team; /* NULL when absent; in Unicode NFC */
    unsigned line, col;
} rd_cadre;

typedef struct {
    rd_community community;
    rd_campaign campaign;
    rd_cadre *cadres;
    size_t n_cadres;
    uint64_t file_size; /* the register's size when opened (0: unknown) */
} rd_head;

/* Groups a register schema may define: a member's groups are one 64-bit
 * set. reader_check_vocab refuses a schema with more. */
#define RD_MAX_GROUPS 64

typedef struct {
    const char *id;
    uint64_t groups; /* bit i set: member is in vocab "group" value i */
    unsigned line, col;
} rd_member;

typedef struct {
    const char *id;
    int32_t date;
    int kind;        /* index in vocab "visitKind" */
    const char **by; /* cadre ids */
    size_t n_by;
    int rating; /* index in vocab "rating", -1 when no form */
    unsigned line, col, rating_line, rating_col;
} rd_visit;

typedef struct {
    const char *id;
    size_t visit; /* index into the household's visits */
    unsigned line, col;
} rd_form;

typedef struct {
    const char *id;
    int suggestion; /* 0 opinion, 1 suggestion */
    size_t form;    /* index into the household's forms */
    int category;   /* vocab "category" */
    int status;     /* vocab "status" */
    int important;  /* opinions only */
    const char *to; /* NULL when absent */
    int32_t closed; /* RD_NO_DATE when absent */
    unsigned line, col;
} rd_item;

typedef struct {
    int type; /* vocab "serviceType" */
    const char *member;
    size_t visit;
    unsigned line, col;
} rd_service;

typedef struct {
    const char *id;
    int dwelling;        /* vocab "dwelling" */
    const char *address; /* personal data: hash it, never copy it out */
    const char *grid;    /* NULL when absent */
    const char *cadre;   /* NULL when absent */
    unsigned line, col;
    rd_member *members;
    size_t n_members;
    rd_visit *visits;
    size_t n_visits;
    rd_form *forms;
    size_t n_forms;
    rd_item *items;
    size_t n_items;
    rd_service *services;
    size_t n_services;
    uint64_t read; /* bytes of the register read so far: to the end of the
                    * chunk this household ends in */
} rd_household;

typedef struct {
    int name;       /* vocab "sectionName" */
    const char **p; /* paragraphs, whitespace-trimmed */
    size_t n_p;
    unsigned line, col;
} rd_section;

typedef struct {
    /* Each returns 0 to go on, non-zero to stop (treated as ERR_NOMEM). */
    int (*head)(void *ud, const rd_head *h);
    int (*household)(void *ud, const rd_household *h);
    int (*section)(void *ud, const rd_section *s);
    /* A schema/well-formedness diagnostic; d is borrowed. */
    int (*diag)(void *ud, const diag *d);
} reader_callbacks;

typedef struct {
    int valid;       /* 1: well-formed and schema-valid */
    unsigned errors; /* schema/well-formedness errors reported */
    uint64_t size;   /* bytes read */
    char digest[65]; /* hex digest of the whole file (reader_set_digest) */
} reader_result;

/* What reader_read hashes each file with. */
typedef enum {
    READER_SHA256, /* SHA-256 (nettle), 64 digits: the provenance digest a
                    * return records; the default */
    READER_XXH128  /* XXH3-128 (libxxhash), 32 digits: enough to tell
                    * whether a file changed between two readings (check
                    * needs no more), at a tiny part of the cost */
} reader_digest;

typedef struct reader reader_t;

/* A reader using SCHEMA (compiled once, shared, borrowed) and the register
 * vocabulary VOCAB (borrowed). NULL on no memory. */
reader_t *reader_new(xmlSchemaPtr schema, const vocab_t *vocab);
void reader_free(reader_t *r);

/* Makes reader_read hash with KIND (READER_SHA256 until then). */
void reader_set_digest(reader_t *r, reader_digest kind);

/* Makes reader_read stop at the next chunk, with ERR_INTERRUPTED, once
 * *STOP is non-zero (a flag set by a signal handler; borrowed). */
void reader_set_stop(reader_t *r, const volatile sig_atomic_t *stop);

/* Makes reader_read call FN(UD, N) after each chunk of N bytes read (for
 * a progress display; FN must be quick and thread-safe if shared). */
void reader_set_progress(reader_t *r, void (*fn)(void *ud, size_t n), void *ud);

/* Reads PATH, calling CB with UD. Returns ERR_OK when the file could be
 * read to its end or was refused for its content (then res->valid is 0 and
 * the reasons went to cb->diag); ERR_OPEN/ERR_NOT_REGULAR/ERR_READ when the
 * file could not be read at all — also reported through cb->diag with line
 * 0 — ERR_INTERRUPTED when stopped (see reader_set_stop), and ERR_NOMEM. */
error_code reader_read(reader_t *r, const char *path,
                       const reader_callbacks *cb, void *ud,
                       reader_result *res);

/* Writes the N bytes at D as 2N lowercase hex digits and a NUL to OUT. */
void reader_hex(char *out, const uint8_t *d, size_t n);

/* Days since 1970-01-01 of "YYYY-MM-DD..." or RD_NO_DATE. */
int32_t reader_parse_date(const char *s);

/* Loads and compiles an XSD (NONET). NULL with *msg set on failure. */
xmlSchemaPtr reader_load_schema(const char *path, char **msg);

/* ERR_OK when the register vocabulary VOCAB (loaded from PATH, named in
 * the message) is one a reader can count; ERR_SCHEMA with *MSG set when
 * it defines more than RD_MAX_GROUPS groups. */
error_code reader_check_vocab(const vocab_t *vocab, const char *path,
                              char **msg);

#endif
