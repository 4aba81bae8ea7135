/*
 * retdoc.h — the return document (input-schema/return.xsd), read.
 *
 * The one way to read a return: the renderers (xlsx, summary), main,
 * merge and verify read a return through this module, never by
 * walking its nodes themselves. It gives typed access: the campaign, the
 * sources, the units in report order or in document order, a unit by
 * level and code, the communities a roll-up covers, the enumerated rows
 * of a unit's tables and their counts, the findings.
 *
 * The element and attribute names of the document, its level values and
 * the lengths of the administrative-code prefixes of each level are here,
 * once, shared with the writer (return.c, tally.c, which write through
 * retwrite.h).
 *
 * A retdoc_t borrows the document: it must outlive the retdoc_t and not
 * change under it. Strings handed out are borrowed from the document (or,
 * for an attribute whose value is not a single text node, from the
 * retdoc_t) until retdoc_free. A retdoc_t is used by one thread at a time;
 * several threads may each open their own on the same document.
 */
#ifndef CANVASS_RETDOC_H
#define CANVASS_RETDOC_H

#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include "buf.h"
#include "diag.h"
#include "error.h"
#include "vocab.h"

/* Namespace of the return document. */
#define RETURN_NS "urn:canvass:return:1"

/* Elements. */
#define RETDOC_RETURN "return"
#define RETDOC_CAMPAIGN "campaign"
#define RETDOC_SOURCES "sources"
#define RETDOC_SOURCE "source"
#define RETDOC_UNIT "unit"
#define RETDOC_COVERS "covers"
#define RETDOC_COMMUNITY "community" /* a covered community; also a level */
#define RETDOC_FINDINGS "findings"
#define RETDOC_FINDING "finding"
#define RETDOC_NOT_LISTED                                                      \
    "notListed" /* in findings: count not listed of a
                                       * rule (and community) */

/* Levels of a unit (values of the "level" type; the order of a report is
 * the vocabulary's). */
#define RETDOC_LEVEL_COMMUNITY "community"
#define RETDOC_LEVEL_STREET "street"
#define RETDOC_LEVEL_DISTRICT "district"
#define RETDOC_LEVEL_CITY "city"
#define RETDOC_LEVEL_ALL "all"

/* Digits of the administrative code that name each level: a community's
 * 12-digit code begins with its street's 9, its district's 6, its city's
 * 4. retdoc_level_digits gives them by level name. */
#define RETDOC_STREET_DIGITS 9
#define RETDOC_DISTRICT_DIGITS 6
#define RETDOC_CITY_DIGITS 4

/* The prefix length of LEVEL: 9, 6, 4, 0 for "all"; 0 for a community or
 * an unknown level (the whole code is theirs). */
size_t retdoc_level_digits(const char *level);

typedef struct retdoc retdoc_t;

/* The campaign (strings "" when absent). */
typedef struct {
    const char *id, *title, *start, *end, *reported;
} retdoc_campaign;

/* One <source>: a register the return was compiled from. */
typedef struct {
    const char *file, *sha256, *community;
    unsigned long long size, errors, warnings;
    int included;
} retdoc_source;

/* One <unit> (strings "" when absent). */
typedef struct {
    const xmlNode *node; /* the element, for retdoc_child/retdoc_row */
    const char *level, *code, *name, *street, *district, *city;
    unsigned long long communities; /* communities it covers (1 for one) */
    int rank;     /* -1 for a community, else the level's index in the level
                 vocabulary (0 without one) */
    size_t index; /* its place in document order */
} retdoc_unit;

/* One <finding>: FILE, RULE, SEVERITY and MESSAGE (its text) "" when
 * absent, the ids it names NULL when absent. */
typedef struct {
    const char *file, *rule, *severity, *message;
    const char *community, *household, *visit, *item, *cadre;
    unsigned long long line, col;
} retdoc_finding;

/* The lean tree of a return (return_parse): no <finding> element at all.
 * It borrows the bytes it was parsed from, which must outlive it: the
 * root's psvi is their end, <findings>'s psvi the start of the first
 * finding's markup (NULL: none), and the list is that markup, one finding
 * after the other with only white space between them; retdoc_finding_at
 * parses a finding when asked for it. A listed finding then costs the
 * tree nothing (it was an element and its markup copied, about 300 bytes
 * a finding, and before that some twenty allocations). Such a document
 * has RETDOC_LEAN in its _private, or RETDOC_LEAN_MAPPED when the bytes
 * are a read-only mapping of a file (return_parse_mapped): then walks of
 * the list let go of the pages they have passed (retdoc_let_go), so that
 * a list of hundreds of MB is never all resident. Its psvi is the length
 * of the list plus one, once return_parse has counted it (each
 * retdoc_open walked the whole list again to count it). A return read
 * by retdoc_load is RETDOC_LEAN_RECORDS: its list is records (retdoc.c),
 * not markup, in a mapping; its psvi is the count, too. */
extern const char retdoc_lean_mark[3];
#define RETDOC_LEAN ((void *)&retdoc_lean_mark[0])
#define RETDOC_LEAN_MAPPED ((void *)&retdoc_lean_mark[1])
#define RETDOC_LEAN_RECORDS ((void *)&retdoc_lean_mark[2])

/* Lets go of the whole pages in [FROM, TO) of a read-only file mapping
 * (madvise MADV_DONTNEED: they leave the process's memory, and are read
 * from the file again if touched again). Never on other memory: that
 * would be zeroed. */
void retdoc_let_go(const char *from, const char *to);

/* Just past the end of the finding whose start tag begins at A, in bytes
 * that end at END: past its end tag, or past "/>"; NULL when it has none,
 * or its text holds a '<' before it (text escapes it: that would be
 * markup of another kind). */
const char *retdoc_finding_end(const char *a, const char *end);

/* The number of findings listed in the lean tree DOC, walking its bytes
 * unless DOC's psvi says it; (size_t)-1 when a finding has no end. */
size_t retdoc_lean_count(const xmlDoc *doc);

/* Reads the return document DOC (borrowed). LEVELS (borrowed, may be
 * NULL) is the vocabulary whose "level" type ranks roll-ups. ERR_INVALID
 * when DOC's root is not a return of RETURN_NS, ERR_NOMEM; *MSG set
 * (caller frees). */
error_code retdoc_open(const xmlDoc *doc, const vocab_t *levels, retdoc_t **out,
                       char **msg);

/* No-op on NULL. */
void retdoc_free(retdoc_t *rd);

/* ERR_NOMEM once a copy of an attribute value could not be made (that
 * value then read as absent), ERR_INTERNAL once a lean finding's markup
 * could not be parsed, else ERR_OK. Check it after a walk. */
error_code retdoc_error(const retdoc_t *rd);

const xmlNode *retdoc_root(const retdoc_t *rd);
const retdoc_campaign *retdoc_campaign_of(const retdoc_t *rd);
int retdoc_partial(const retdoc_t *rd); /* return/@partial */

size_t retdoc_nsources(const retdoc_t *rd);
const retdoc_source *retdoc_source_at(const retdoc_t *rd, size_t i);

/* Units. Report order: communities by code, each roll-up right after the
 * communities it covers, 'all' last (the workbook's order). Document
 * order: as return.c writes them (communities, streets, districts,
 * cities, all). I < retdoc_nunits. */
size_t retdoc_nunits(const retdoc_t *rd);
const retdoc_unit *retdoc_unit_at(const retdoc_t *rd, size_t i);
const retdoc_unit *retdoc_unit_in_doc(const retdoc_t *rd, size_t i);

/* The unit of LEVEL and CODE, or NULL when the return has none. */
const retdoc_unit *retdoc_find(const retdoc_t *rd, const char *level,
                               const char *code);

/* The reporting unit: 'all' if present, else the unit covering the most
 * communities (the higher level on a tie); NULL when there is no unit. */
const retdoc_unit *retdoc_top(const retdoc_t *rd);

/* True when community unit C lies under unit U (its code begins with
 * U's; every community lies under 'all'); U itself for a community. */
int retdoc_covers(const retdoc_unit *u, const retdoc_unit *c);

/* Findings, in document order; retdoc_findings_omitted is
 * findings/@omitted. F is filled, its strings borrowed until the next
 * call or retdoc_free; 0, or -1 past the last (and when a lean finding
 * cannot be read: retdoc_error then says why). */
size_t retdoc_nfindings(const retdoc_t *rd);
int retdoc_finding_at(retdoc_t *rd, size_t i, retdoc_finding *f);
unsigned long long retdoc_findings_omitted(retdoc_t *rd);

/* The cap on findings listed per rule and community (findings/@limit):
 * 1 with it in *LIMIT, or 0 when every finding is listed (no cap). */
int retdoc_findings_limit(retdoc_t *rd, unsigned long long *limit);

/* --- reading inside a unit --------------------------------------------- */

/* First child element EL (of RETURN_NS) of N, and the next sibling
 * element EL from N on; NULL-safe, NULL when none. */
const xmlNode *retdoc_child(const xmlNode *n, const char *el);
const xmlNode *retdoc_next(const xmlNode *n, const char *el);

/* Attribute NAME of N (borrowed); NULL when N or the attribute is absent.
 * retdoc_attr0 gives "" then. */
const char *retdoc_attr(retdoc_t *rd, const xmlNode *n, const char *name);
const char *retdoc_attr0(retdoc_t *rd, const xmlNode *n, const char *name);

/* The depth, from a unit (1), down to which return_parse may make a row
 * without its labels, and retdoc_label finds them (a unit's rows go three
 * deep: table, row, sub-row). */
#define RETDOC_LABEL_DEPTH 8

/* The label LANG ("zh" or "en") of the enumerated row ROW, a row of a
 * unit: its own attribute, or, for a row that return_parse made without
 * its labels (a unit after the first: return.c, lean_parse), the label of
 * the first unit's row at the same place (the same element and @value,
 * and the same above it). NULL when there is none. */
const char *retdoc_label(retdoc_t *rd, const xmlNode *row, const char *lang);

/* Gives the rows of COPY, a copy (in another document) of ORIG, a unit
 * of RD or a row of one, the labels that return_parse made ORIG without
 * (retdoc_label), after their @value as the return has them: a summary's
 * view, whose templates read @zh and @en. ERR_OK or ERR_NOMEM. */
error_code retdoc_relabel(retdoc_t *rd, const xmlNode *orig, xmlNodePtr copy);

/* Count attribute NAME of N; 0 when N or the attribute is absent. */
unsigned long long retdoc_count(retdoc_t *rd, const xmlNode *n,
                                const char *name);

/* Child element EL of PARENT whose @value is VALUE, or NULL. */
const xmlNode *retdoc_row(retdoc_t *rd, const xmlNode *parent, const char *el,
                          const char *value);

/* The child elements EL of PARENT (the enumerated rows of a table), in
 * *ROWS (malloc'd, caller frees; NULL when there is none) and *N. */
error_code retdoc_rows(const xmlNode *parent, const char *el,
                       const xmlNode ***rows, size_t *n);

/* The text content of N (a narrative <p>), borrowed; "" when none. */
const char *retdoc_text(retdoc_t *rd, const xmlNode *n);

/* --- figures ------------------------------------------------------------ */

/* Calls FN for every figure of the unit element UNIT, in document order:
 * PATH names it as "opinions/health/resolved" (the table, then the value,
 * id or name of each row, then the attribute unless it is "count") and
 * VALUE is its text. The covers list and the narrative are not figures.
 * FN returns 0 to go on. Returns 0, -1 on no memory, or FN's non-zero. */
typedef int (*retdoc_figure_fn)(void *ud, const char *path, const char *value);
int retdoc_figures(retdoc_t *rd, const xmlNode *unit, retdoc_figure_fn fn,
                   void *ud);

/* Compares the figures of unit A (of RA) with those of unit B (of RB),
 * calling FN once per figure that differs, in A's order then B's extras,
 * with the value in A and in B (NULL where a side lacks it). FN returns 0
 * to go on. Returns the number of differences, or -1 on no memory. */
typedef int (*retdoc_diff_fn)(void *ud, const char *path, const char *a,
                              const char *b);
long retdoc_diff(retdoc_t *ra, const xmlNode *a, retdoc_t *rb, const xmlNode *b,
                 retdoc_diff_fn fn, void *ud);

/* --- reading a return file ---------------------------------------------- */

/* What the root element of a file given as a return says it is. */
typedef enum {
    RETDOC_KIND_NONE = 0, /* not read, or not well-formed */
    RETDOC_KIND_RETURN,   /* <return> of RETURN_NS */
    RETDOC_KIND_REGISTER, /* <register> of the register namespace */
    RETDOC_KIND_OTHER     /* anything else */
} retdoc_kind;

/* A return read by retdoc_load; retdoc_file_close releases it. */
typedef struct {
    /* the tree, lean (RETDOC_LEAN, or RETDOC_LEAN_RECORDS over the
     * list's copy): NULL unless the file is a well-formed return */
    xmlDocPtr doc;
    retdoc_kind kind;   /* what the root is */
    int valid;          /* against the schema given */
    diag_list invalid;  /* why not, PATH:line:col, for the caller to give */
    uint8_t sha256[32]; /* of the bytes read, and their number */
    uint64_t size;
    int fd;      /* the list's copy (RETDOC_LOAD_LIST), a scratch file... */
    char *map;   /* ...mapped read-only, zeros to a page's end; -1, NULL:
                  * none (no finding listed, or the list dropped) */
    size_t span; /* the mapping's length */
} retdoc_file;

#define RETDOC_LOAD_LIST 1u /* keep the listed findings (else dropped) */

/* Reads the file PATH into F, as carefully as a register is read: the file
 * is opened by us (regular files only), parsed in chunks with
 * XML_PARSE_NONET only (no entity substitution, no DTD loading, no
 * XInclude, no XML_PARSE_HUGE), a DOCTYPE is refused before anything in
 * it is used, a single construct larger than 4 MB stops the parse, and a
 * file cut short says so; a root that is not a return stops it (F->kind
 * says what it is). The same pass validates it against SCHEMA (F->valid,
 * its problems in F->invalid: merge says first that a return is of
 * another version). Memory does not grow with the findings it lists: the
 * tree is lean (RETDOC_LEAN), each finding dropped once parsed, or with
 * RETDOC_LOAD_LIST in FLAGS written as a record to an unlinked scratch
 * file in output_tmpdir() (made at the first finding: a return that lists
 * none needs no temporary folder), mapped when the file is read
 * (RETDOC_LEAN_RECORDS); without it the document lists none.
 * Problems go to DIAGS as located diagnostics (rule "schema", or "io"
 * when the file cannot be read or the copy written). Returns ERR_OK with
 * F->doc set when the file is a well-formed return; ERR_INVALID when it is
 * not (diagnostics given); ERR_OPEN/ERR_NOT_REGULAR/ERR_READ; ERR_WRITE
 * or ERR_NOSPACE (the copy; said); ERR_NOMEM. F is to be closed
 * whatever is returned. */
error_code retdoc_load(const char *path, xmlSchemaPtr schema, unsigned flags,
                       diag_list *diags, retdoc_file *f);

/* Frees F's tree, then its list's copy and F->invalid; no-op when empty. */
void retdoc_file_close(retdoc_file *f);

#endif
