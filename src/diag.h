/*
 * diag.h — diagnostics: schema errors and audit findings alike.
 *
 * A diagnostic names the input (file:line:col), a severity, a message and
 * the rule that produced it ("schema" for layer 1, an audit rule id for
 * layer 2), plus the ids it concerns (never a person's name). Lists and
 * stores give them sorted by file, line, column, rule, then message, so
 * output is the same whatever order the registers were processed in.
 */
#ifndef CANVASS_DIAG_H
#define CANVASS_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "buf.h"
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

/* That order: <0, 0 or >0 as X comes before, with or after Y. */
int diag_cmp(const diag *x, const diag *y);

/* Frees the diagnostics (not L itself); L is left empty and reusable. */
void diag_list_clear(diag_list *l);

/* "error" or "warning". */
const char *diag_severity_name(diag_severity s);

/* Formats D as "file:line:col: severity: message [rule]" (GCC form) into a
 * malloc'd string (caller frees), without newline, in the language of the
 * locale (the terminal's): 文件：第N行第M列：错误：... in Chinese. */
char *diag_format_text(const diag *d);

/* Formats D as one JSON object (no newline), malloc'd (caller frees): the
 * keys, the severity and the rule stay English (stable), the message is
 * as D has it. */
char *diag_format_json(const diag *d);

/* The same two forms appended to B (no newline; B's failure is sticky),
 * the text in the locale's language as diag_format_text: a caller
 * printing many diagnostics reuses one buffer. */
void diag_append_text(buf_t *b, const diag *d);
void diag_append_json(buf_t *b, const diag *d);

/* The words and frames of the text form in the locale's language, looked
 * up once (diag_text_form_locale) for a caller that prints many: looking
 * them up for each diagnostic was a fifth of printing one. A translated
 * frame that does not take the English one's arguments (a string, two
 * numbers, three strings; or four strings) is replaced by the English. */
typedef struct {
    const char *lit; /* a literal span, or NULL for argument ARG */
    unsigned len;
    int arg;
} diag_frame_piece;
#define DIAG_FRAME_PIECES 24
typedef struct {
    const char *warning, *error;
    const char *at;    /* "%s:%u:%u: %s: %s [%s]", translated */
    const char *whole; /* "%s: %s: %s [%s]", translated */
    /* the frames cut at their conversions, by diag_text_form_check */
    diag_frame_piece at_pc[DIAG_FRAME_PIECES], whole_pc[DIAG_FRAME_PIECES];
    int at_np, whole_np;
} diag_text_form;
void diag_text_form_locale(diag_text_form *f);
/* Replaces each frame of F that does not take the English one's arguments
 * by the English, and cuts the frames into their pieces
 * (diag_text_form_locale does this; diag_append_text_in needs it done). */
void diag_text_form_check(diag_text_form *f);
void diag_append_text_in(buf_t *b, const diag *d, const diag_text_form *f);

/* ---- the language of messages ------------------------------------------
 *
 * A store's message is formatted when it is read, in the language of
 * where it goes: the terminal's (the locale: diag_lang_locale()) or a
 * document's (--lang, whatever the locale: a catalogue main.c loads).
 * TEXT gives the text of a message id (the English format, or a word) in
 * that language; PLURAL the form for N of a message with two English
 * forms. A NULL diag_lang is English, as recorded. Both return their
 * argument (or a string that lives as long as the language) when they have
 * no translation. */
typedef struct diag_lang diag_lang;
struct diag_lang {
    const char *(*text)(const diag_lang *l, const char *msgid);
    const char *(*plural)(const diag_lang *l, const char *singular,
                          const char *plural, unsigned long n);
    const void *ctx; /* the translator's own (a catalogue) */
};

/* The locale's language (gettext, text domain "canvass"). */
const diag_lang *diag_lang_locale(void);

/* ---- the store: a register's diagnostics, recorded compactly ----------
 *
 * A diagnostic is recorded as its rule, severity, position, the ids it
 * names, and its message as a format (a static string: the message's id,
 * which a catalogue can translate, as gettext's msgid) with the values of
 * its arguments; the message is formatted only when the store is read.
 * Records are kept in the order (line, col, rule, message): they come in
 * groups (a household's findings, the end-of-register findings...), each
 * sorted when it closes and appended to the current run while it follows
 * on; a group that does not starts a new run, and reading merges the runs.
 * Beyond a few MiB in memory the records go to an unlinked temporary file
 * in $TMPDIR, so memory does not grow with the number of findings. Counts
 * by rule and severity are kept as records arrive.
 *
 * One store per register, used by one thread at a time. */
typedef struct diag_store diag_store;

/* A store for the diagnostics of FILE (copied). SPILL: bytes kept in
 * memory before going to the temporary file (0: 1 MiB; tests pass a few
 * hundred). NULL on no memory. */
diag_store *diag_store_new(const char *file, size_t spill);
void diag_store_free(diag_store *s);

/* Records D (its file is ignored: the store's) with the message FMT and
 * its arguments. D->rule and FMT must be static strings; FMT is the
 * message id (English, marked N_()), translated when the store is read.
 * FMT's conversions: %s %d %u %x with no width or precision, l or z
 * allowed before d u x, and %-s: a word (a static English string marked
 * N_(), "opinion"), translated with the message; %%. Arguments may be
 * numbered as in POSIX printf (%1$s, %2$zu: all or none, none left out).
 * The translations are held to the same rules when the message is read;
 * one that is not (an argument it does not have, a number where there is
 * a string) is not used: the message is then given in English. ERR_OK,
 * ERR_NOMEM, ERR_WRITE/ERR_NOSPACE (temporary file), ERR_INTERNAL (a
 * conversion not listed here). */
error_code diag_store_vadd(diag_store *s, const diag *d, const char *fmt,
                           va_list ap);
/* The same for a message with a singular and a plural form (English
 * "visit" and "visits"), as ngettext: N chooses the form in the language
 * it is read in. The arguments are those of SINGULAR (PLURAL must take
 * the same). */
error_code diag_store_vaddn(diag_store *s, const diag *d, const char *singular,
                            const char *plural, unsigned long n, va_list ap);
/* Records D with its message as it is (copied). */
error_code diag_store_add(diag_store *s, const diag *d);

/* Records added between begin and end are one group (sorted on end); a
 * record added outside a group is a group of its own. */
void diag_store_begin(diag_store *s);
error_code diag_store_end(diag_store *s);

/* The first failure of the store (ERR_OK while none). */
error_code diag_store_error(const diag_store *s);

/* Diagnostics recorded of RULE (any severity when SEV < 0). */
size_t diag_store_count(const diag_store *s, const char *rule, int sev);
/* All of them, of severity SEV (any when < 0). */
size_t diag_store_total(const diag_store *s, int sev);

/* Calls FN with each diagnostic in order (file, line, col, rule, then
 * the English message: the order is the same in every language), its
 * message in LANG (NULL: English); D and its strings are valid during the
 * call only. Stops at the first FN result other than ERR_OK and returns
 * it. */
typedef error_code (*diag_fn)(void *ud, const diag *d);
error_code diag_store_each(const diag_store *s, const diag_lang *lang,
                           diag_fn fn, void *ud);
/* The same over the N stores at V (NULLs skipped), merged: stores of one
 * file. */
error_code diag_store_each_of(const diag_store *const *v, size_t n,
                              const diag_lang *lang, diag_fn fn, void *ud);

/* The same, asking WANT first with D's message not made (it may be NULL):
 * FN is called only when WANT returns non-zero, and only then is the
 * message formatted (listing a few of many findings formats only those). */
typedef int (*diag_want_fn)(void *ud, const diag *d);
error_code diag_store_each_of_if(const diag_store *const *v, size_t n,
                                 const diag_lang *lang, diag_want_fn want,
                                 diag_fn fn, void *ud);

/* The same read once for two readers (build's terminal and findings.csv):
 * FN gets each diagnostic twice over, D with its message in LANG (NULL
 * when WANT, asked first as above, said no: that message is not made) and
 * D2 with its message in LANG2. Each record is read and decoded once;
 * when LANG2 is LANG its message is made once and D2 is D. */
typedef error_code (*diag_fn2)(void *ud, const diag *d, const diag *d2);
error_code diag_store_each2_of(const diag_store *const *v, size_t n,
                               const diag_lang *lang, const diag_lang *lang2,
                               diag_want_fn want, diag_fn2 fn, void *ud);

/* The text form printed straight from the stores (the merge of
 * diag_store_each_of_if, WANT asked first): for each wanted diagnostic,
 * BEFORE is called with it, its message NULL (a printer writes OUT out
 * there when it is big enough; a result other than ERR_OK stops the
 * reading), then its line, what diag_append_text_in appends with F
 * followed by a newline, is appended to OUT with its message (in LANG)
 * made in its place, not made first and copied. ERR_NOMEM when OUT or a
 * message cannot grow. */
error_code diag_store_print_of(const diag_store *const *v, size_t n,
                               const diag_lang *lang, diag_want_fn want,
                               const diag_text_form *f, buf_t *out,
                               diag_fn before, void *ud);

/* Appends every diagnostic to OUT, in order, messages in English, and
 * empties the store (its counts too). */
error_code diag_store_drain(diag_store *s, diag_list *out);

#endif
