/*
 * main.c — the canvass command line. The only file that prints or exits.
 *
 *   canvass check [options] REGISTER...
 *   canvass build -o OUTDIR [options] REGISTER...
 *   canvass merge -o OUTDIR [options] RETURN...
 *   canvass verify [options] RETURN REGISTER...
 *
 * Subcommands are a table (as git.c has it), which also says what each
 * takes (registers or returns, -o, the audit options); every command
 * starts the same way (begin: options, inputs against outputs, schemas).
 * Exit codes (SPEC §5):
 *   0 clean; 1 invalid registers or error findings; 2 usage;
 *   3 input/output failure (an unreadable input, an unwritable output,
 *   a full disk, an interrupt).
 *
 * Outputs of build and merge go through output.c: before any input is
 * read, an input an output could replace is refused (exit 2); the return
 * comes as the bytes of return.xml, validated against return.xsd as they
 * stream and parsed into the tree the renderers read only when a format
 * other than xml is asked for (check_and_parse: with --jobs other than 1
 * the two read the bytes at once, on two threads; the validation's
 * failure, a bug, is said first either way); the renderers write into a
 * private folder beside OUTDIR, and the whole set replaces the old one in
 * one step only when every file is complete; on any failure or interrupt
 * OUTDIR keeps the old set. With --jobs other than 1 the summaries are
 * rendered on a thread of their own beside the workbook (summaries: the
 * names are added to the set, and failures said, on this thread, in the
 * order of making them one by one, so the outputs and the messages are
 * the same for any --jobs). libxlsxwriter's own stderr lines go to a sink
 * around the workbook (output_sink): one canvass message instead.
 *
 * Failures travel as error_code up to the command, which says what went
 * wrong; exit_status() is the one place a code becomes an exit status.
 *
 * Languages: the terminal (stderr, stdout, --help) speaks the locale's
 * language through gettext (locale_init picks it, even where the locale
 * named is not generated); the documents (return.xml's finding messages,
 * so the workbook's; findings.csv; the summaries' templates) speak
 * --lang's, whatever the locale: for zh the Chinese catalogue is read by
 * catalog.c and handed to the writers as a diag_lang (options.doc_lang).
 *
 * Check and build print each register's findings once they are final,
 * while the batch is still reading the registers after it
 * (batch_opts.on_final, called from a worker thread, one call at a time,
 * in path order: print_final); with the progress line on a terminal they
 * are printed once the batch is read instead, so as not to cut into it.
 * Build reads the findings once for the terminal and findings.csv
 * (printer_reg): the CSV goes into an unnamed file made beside OUTDIR
 * (O_TMPFILE), written straight to the disk, not through the page cache
 * (output_unnamed_stream), is synced on a thread of its own from the end
 * of the reading (early_csv) and is linked into the set when the outputs
 * are written; where that cannot be done (another file system, no O_TMPFILE,
 * any failure) findings.csv is written from the findings again, as merge
 * writes its own, and any failure is said there.
 *
 * Globals: only the interrupt flag, which the signal handler sets, and
 * stdio's stderr, pointed at a sink while the workbook is written.
 *
 * Why one file (about 1,000 lines): it is the only file that prints or
 * exits, and what it holds is what must print: usage and options, the
 * diagnostics as they stream out of the batch (at most --max-findings per
 * rule), the progress line on a terminal, and each output's failure said
 * once. Moving any of it to a module would either move printing out of
 * main.c or hand the module a FILE to print to, which is the same rule
 * broken another way. The file reads top-down: exit statuses and signals,
 * options, schemas and the start every command shares, printing, check,
 * build, merge, verify, the command table.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxslt/xslt.h>
#include <libexslt/exslt.h>

#include "audit.h"
#include "batch.h"
#include "buf.h"
#include "catalog.h"
#include "diag.h"
#include "error.h"
#include "merge.h"
#include "output.h"
#include "render.h"
#include "retdoc.h"
#include "return.h"
#include "summary.h"
#include "verify.h"
#include "vocab.h"
#include "xlsx.h"
#include "i18n.h"

enum { EXIT_CLEAN = 0, EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

static volatile sig_atomic_t interrupted;

/* The exit status of a failure of kind E: the one place codes become
 * statuses. */
static int exit_status(error_code e)
{
    switch (e) {
    case ERR_OK:
        return EXIT_CLEAN;
    case ERR_USAGE:
        return EXIT_USAGE;
    case ERR_INVALID:
        return EXIT_INVALID;
    default: /* reading, writing, memory, schemas, templates, interrupts */
        return EXIT_IO;
    }
}

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---- options ------------------------------------------------------------ */

enum {
    FMT_XML = 1,
    FMT_XLSX = 2,
    FMT_DOCX = 4,
    FMT_HTML = 8,
    FMT_MD = 16,
    FMT_CSV = 32
};

typedef struct {
    const char *schema;    /* --schema */
    const char *outdir;    /* -o */
    const char *lang;      /* --lang */
    const char *templates; /* --templates */
    const char *cmd;       /* the subcommand */
    const char *inputs;    /* "register" or "return": what it takes */
    int writes;            /* takes -o and the output options */
    int audits;            /* takes --rule and the thresholds */
    const char *too_few;   /* its usage when given one input; NULL: one
                            * will do */
    int json;              /* --format=json */
    int allow_partial;
    int formats;
    int threads;
    size_t max_findings; /* --max-findings: listed per rule (and per
                              * community in the return); SIZE_MAX all */
    int list_set;        /* --max-findings given: check lists so many */
    int quiet;           /* --quiet: no progress line */
    /* how each register is hashed: SHA-256 where a return records it,
     * XXH3-128 for check, which only sees whether a file changed between
     * its two readings */
    reader_digest digest;
    audit_opts audit;
    char rule_given[RULE_COUNT_]; /* --rule named the rule (verify: it
                                   * overrides the return's severity) */
    int audit_given; /* --rule, --overdue-days or --min-visits given */
    int wrote;       /* set by build: the outputs are in place */
    /* the language of the documents' messages (--lang): NULL for English,
     * else &doc_tr over the catalogue doc_cat (doc_lang_load) */
    const diag_lang *doc_lang;
    diag_lang doc_tr;
    catalog_t *doc_cat;
} options;

static const char *const usage_text = N_(
    "usage: canvass check [options] REGISTER...\n"
    "       canvass build -o OUTDIR [options] REGISTER...\n"
    "       canvass merge -o OUTDIR [options] RETURN...\n"
    "       canvass verify [options] RETURN REGISTER...\n"
    "       canvass --version | --help\n"
    "\n"
    "check  validates each register against the schema, audits it, and\n"
    "       prints every error and finding as file:line:col: severity:\n"
    "       message [rule], sorted by file and line.\n"
    "build  does the same, then writes the return of the batch to OUTDIR:\n"
    "       return.xml, returns.xlsx and the activity summaries\n"
    "       (summary-*.docx, .html, .md). Writes nothing if a register is\n"
    "       invalid or has an error finding, unless --allow-partial.\n"
    "merge  compiles the return.xml files of communities (or of streets,\n"
    "       districts) into the return one level up, with the same outputs\n"
    "       and options as build; exactly the return build would write over\n"
    "       all their registers. Refuses a community or register given\n"
    "       twice, different campaigns, partial returns (unless\n"
    "       --allow-partial) and returns whose figures do not add up.\n"
    "verify rebuilds RETURN from the registers and prints every figure and\n"
    "       register that differs; exit 0 when everything matches. Rules\n"
    "       keep the severities RETURN records, but those --rule names.\n"
    "\n"
    "options:\n"
    "  --format=text|json      diagnostics as text (default) or JSON lines\n"
    "  --schema FILE           register schema (default: the installed one)\n"
    "  --rule ID=off|warning|error   change a rule's severity\n"
    "  --overdue-days N        overdue-item threshold (default 30)\n"
    "  --min-visits N          cadre-few-visits threshold (default 5)\n"
    "  --max-findings N|all    list at most N findings per rule (check; and\n"
    "                          per rule and community in return.xml and\n"
    "                          the workbook, default 1000; findings.csv\n"
    "                          lists all); counts stay exact\n"
    "  --jobs N                registers read in parallel (default: cores)\n"
    "  --quiet                 no progress line (shown only on a terminal)\n"
    "  -h, --help              print this help and exit\n"
    "  --version               print the version and exit\n"
    "build and merge:\n"
    "  -o, --output OUTDIR     where the outputs go (created if missing)\n"
    "  --lang zh|en            language of the outputs: labels, finding\n"
    "                          messages, summaries (default zh)\n"
    "  --formats LIST          any of xml,xlsx,docx,html,md,csv (default all)\n"
    "  --templates DIR         summary template set (default: installed\n"
    "                          output-templates/LANG)\n"
    "  --allow-partial         write the return without the invalid\n"
    "                          registers, naming them in every output\n"
    "\n"
    "exit status: 0 clean, 1 invalid registers or error findings, 2 usage,\n"
    "3 input/output failure.\n");

/* Prints a usage message; returns ERR_USAGE. */
static error_code usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static error_code usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(_("canvass: "), stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, _("\nTry 'canvass --help'.\n"));
    return ERR_USAGE;
}

static int parse_count(const char *s, long max, long *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

/* ERR_OK with *OUT set, ERR_USAGE (an unknown name) or ERR_NOMEM. */
static error_code parse_formats(const char *s, int *out)
{
    static const struct {
        const char *name;
        int bit;
    } names[] = {{"xml", FMT_XML},   {"xlsx", FMT_XLSX}, {"docx", FMT_DOCX},
                 {"html", FMT_HTML}, {"md", FMT_MD},     {"csv", FMT_CSV}};
    char *copy = strdup(s), *tok, *save = NULL;
    size_t i;
    int f = 0;
    if (!copy)
        return ERR_NOMEM;
    for (tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        for (i = 0; i < sizeof names / sizeof *names; i++)
            if (!strcmp(tok, names[i].name))
                break;
        if (i == sizeof names / sizeof *names) {
            free(copy);
            return ERR_USAGE;
        }
        f |= names[i].bit;
    }
    free(copy);
    *out = f;
    return f ? ERR_OK : ERR_USAGE;
}

/* Parses argv after the subcommand: ERR_OK, or ERR_USAGE (said). *DONE is
 * set when there is nothing more to do (--help was answered). */
static error_code parse_options(int argc, char **argv, options *o, int *done)
{
    enum {
        O_FORMAT = 256,
        O_SCHEMA,
        O_RULE,
        O_OVERDUE,
        O_MINVISITS,
        O_MAXFIND,
        O_LANG,
        O_FORMATS,
        O_TEMPLATES,
        O_PARTIAL,
        O_JOBS,
        O_QUIET
    };
    static const struct option longs[] = {
        {"format", required_argument, NULL, O_FORMAT},
        {"schema", required_argument, NULL, O_SCHEMA},
        {"rule", required_argument, NULL, O_RULE},
        {"overdue-days", required_argument, NULL, O_OVERDUE},
        {"min-visits", required_argument, NULL, O_MINVISITS},
        {"max-findings", required_argument, NULL, O_MAXFIND},
        {"jobs", required_argument, NULL, O_JOBS},
        {"output", required_argument, NULL, 'o'},
        {"lang", required_argument, NULL, O_LANG},
        {"formats", required_argument, NULL, O_FORMATS},
        {"templates", required_argument, NULL, O_TEMPLATES},
        {"allow-partial", no_argument, NULL, O_PARTIAL},
        {"quiet", no_argument, NULL, O_QUIET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    long v;
    char *msg = NULL;
    error_code e;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+o:h", longs, NULL)) != -1) {
        switch (c) {
        case O_FORMAT:
            if (!strcmp(optarg, "json"))
                o->json = 1;
            else if (!strcmp(optarg, "text"))
                o->json = 0;
            else
                return usage_error(_("--format must be text or json, not '%s'"),
                                   optarg);
            break;
        case O_SCHEMA:
            o->schema = optarg;
            break;
        case O_RULE:
            o->audit_given = 1;
            if (audit_opts_set(&o->audit, optarg, &msg) != ERR_OK) {
                e = usage_error("%s", msg ? msg : "bad --rule");
                free(msg);
                return e;
            } else {
                char id[64];
                int k;
                snprintf(id, sizeof id, "%.*s", (int)strcspn(optarg, "="),
                         optarg);
                if ((k = audit_rule_find(id)) >= 0)
                    o->rule_given[k] = 1;
            }
            break;
        case O_OVERDUE:
            o->audit_given = 1;
            if (parse_count(optarg, 100000, &v))
                return usage_error(_("--overdue-days needs a number of days, "
                                     "not '%s'"),
                                   optarg);
            o->audit.overdue_days = (int)v;
            break;
        case O_MINVISITS:
            o->audit_given = 1;
            if (parse_count(optarg, 100000, &v))
                return usage_error(_("--min-visits needs a number, not '%s'"),
                                   optarg);
            o->audit.min_visits = (int)v;
            break;
        case O_MAXFIND:
            if (!strcmp(optarg, "all"))
                o->max_findings = SIZE_MAX;
            else if (parse_count(optarg, LONG_MAX, &v))
                return usage_error(_("--max-findings needs a number or 'all', "
                                     "not '%s'"),
                                   optarg);
            else
                o->max_findings = (size_t)v;
            o->list_set = 1;
            break;
        case O_JOBS:
            if (parse_count(optarg, 256, &v) || v < 1)
                return usage_error(_("--jobs needs a number from 1 to 256, not "
                                     "'%s'"),
                                   optarg);
            o->threads = (int)v;
            break;
        case 'o':
            if (!o->writes)
                return usage_error(_("%s: only build writes outputs"), "-o");
            o->outdir = optarg;
            break;
        case O_LANG:
            if (!o->writes)
                return usage_error(_("%s is a build option"), "--lang");
            if (strcmp(optarg, "zh") && strcmp(optarg, "en"))
                return usage_error(_("--lang must be zh or en, not '%s'"),
                                   optarg);
            o->lang = optarg;
            break;
        case O_FORMATS:
            if (!o->writes)
                return usage_error(_("%s is a build option"), "--formats");
            if ((e = parse_formats(optarg, &o->formats)) == ERR_NOMEM) {
                fprintf(stderr, _("canvass: %s\n"), error_string(e));
                return e;
            }
            if (e != ERR_OK)
                return usage_error(
                    _("--formats takes a list of xml, xlsx, docx, "
                      "html, md, csv, not '%s'"),
                    optarg);
            break;
        case O_TEMPLATES:
            if (!o->writes)
                return usage_error(_("%s is a build option"), "--templates");
            o->templates = optarg;
            break;
        case O_PARTIAL:
            if (!o->writes)
                return usage_error(_("%s is a build option"),
                                   "--allow-partial");
            o->allow_partial = 1;
            break;
        case O_QUIET:
            o->quiet = 1;
            break;
        case 'h':
            fputs(_(usage_text), stdout);
            *done = 1;
            return ERR_OK;
        default:
            return usage_error(_("unknown or incomplete option '%s'"),
                               argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return usage_error("%s", strcmp(o->inputs, "return")
                                     ? _("name at least one register")
                                     : _("name at least one return"));
    if (o->too_few && argc - optind < 2)
        return usage_error("%s", _(o->too_few));
    if (o->writes && !o->outdir)
        return usage_error(_("%s needs -o OUTDIR"), o->cmd);
    /* merge has no registers to audit: the severities are those its
     * returns were made with (all alike, or refused) */
    if (!o->audits && o->audit_given)
        return usage_error(_("--rule, --overdue-days and --min-visits apply "
                             "to registers: %s keeps the audit its returns "
                             "were made with (give them to build)"),
                           o->cmd);
    return ERR_OK;
}

/* ---- installed data ----------------------------------------------------- */

/* The folder of the running binary into EXE ("." when it cannot be
 * known). */
static void exe_dir(char exe[PATH_MAX])
{
    char *slash;
    ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
    if (n > 0) {
        exe[n] = 0;
        if ((slash = strrchr(exe, '/')))
            *slash = 0;
    } else {
        exe[0] = '.';
        exe[1] = 0;
    }
}

/* Finds REL (e.g. "input-schema/register.xsd") next to the binary (the
 * source tree: ./canvass or build/canvass), in ../share/canvass beside it
 * (an installed tree, wherever it was moved), or under the data folder of
 * the PREFIX it was built for. Returns a malloc'd path or NULL. */
static char *find_data(const char *rel)
{
    static const char *const mid[] = {"", "/..", "/../share/canvass"};
    char exe[PATH_MAX], *p;
    size_t i, len;
    struct stat st;

    exe_dir(exe);
    len = strlen(exe) + strlen(rel) + strlen(CANVASS_DATADIR) + 32;
    for (i = 0; i <= sizeof mid / sizeof *mid; i++) {
        if (!(p = malloc(len)))
            return NULL;
        if (i < sizeof mid / sizeof *mid)
            snprintf(p, len, "%s%s/%s", exe, mid[i], rel);
        else
            snprintf(p, len, "%s/%s", CANVASS_DATADIR, rel);
        if (!stat(p, &st))
            return p;
        free(p);
    }
    return NULL;
}

/* Finds the message catalogues: build/locale beside ./canvass in the
 * source tree, locale/ beside build/canvass, ../share/locale beside an
 * installed (and perhaps moved) binary, else the PREFIX it was built for.
 * A folder counts when it holds our Chinese catalogue. Returns a malloc'd
 * path, or NULL: none found, or no memory (*NOMEM set). */
static char *find_localedir(int *nomem)
{
    static const char *const mid[] = {"/build/locale", "/locale",
                                      "/../share/locale"};
    static const char probe[] = "/zh_CN/LC_MESSAGES/" I18N_DOMAIN ".mo";
    char exe[PATH_MAX], *p;
    size_t i;
    struct stat st;

    exe_dir(exe);
    for (i = 0; i <= sizeof mid / sizeof *mid; i++) {
        if (i < sizeof mid / sizeof *mid)
            p = error_format("%s%s%s", exe, mid[i], probe);
        else
            p = error_format("%s%s", CANVASS_LOCALEDIR, probe);
        if (!p) {
            *nomem = 1;
            return NULL;
        }
        if (!stat(p, &st)) {
            p[strlen(p) - (sizeof probe - 1)] = 0;
            return p;
        }
        free(p);
    }
    return NULL;
}

/* Sets the locale from the environment and binds the catalogues. Two
 * cases gettext alone would get wrong on a bare machine:
 * - the locale the environment names (LANG=zh_CN.UTF-8) is not generated:
 *   setlocale fails and everything would stay in the "C" locale, English;
 *   we then run in C.UTF-8 and ask gettext for the language named, through
 *   LANGUAGE (unless the user set LANGUAGE);
 * - the locale is "C" but LANGUAGE names a language: glibc ignores
 *   LANGUAGE in the "C" locale (its output would be ASCII); C.UTF-8 is
 *   built into glibc, so we take it and LANGUAGE is honoured.
 * LC_ALL=C with no LANGUAGE gives today's English. ERR_OK, or ERR_NOMEM
 * (the catalogues could not be looked for: said by the caller). */
static error_code locale_init(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *language = getenv("LANGUAGE"), *v = NULL, *cur;
    char *dir, want[64];
    size_t i;
    int nomem = 0;

    if (!setlocale(LC_ALL, "")) {
        for (i = 0; i < sizeof vars / sizeof *vars && !(v && *v); i++)
            v = getenv(vars[i]);
        if (v && *v && (!language || !*language) && strcmp(v, "C") &&
            strcmp(v, "POSIX") && strlen(v) < sizeof want) {
            /* zh_CN.UTF-8@x -> zh_CN: the language, not the codeset */
            snprintf(want, sizeof want, "%s", v);
            want[strcspn(want, ".@")] = 0;
            setenv("LANGUAGE", want, 1);
        }
        setlocale(LC_ALL, "C.UTF-8");
    } else if (language && *language && (cur = setlocale(LC_MESSAGES, NULL)) &&
               (!strcmp(cur, "C") || !strcmp(cur, "POSIX"))) {
        setlocale(LC_MESSAGES, "C.UTF-8");
        setlocale(LC_CTYPE, "C.UTF-8");
    }
    if ((dir = find_localedir(&nomem))) {
        bindtextdomain(I18N_DOMAIN, dir);
        free(dir);
    }
    return nomem ? ERR_NOMEM : ERR_OK;
}

static const char *doc_text(const diag_lang *l, const char *msgid)
{
    return catalog_text(l->ctx, msgid);
}

static const char *doc_plural(const diag_lang *l, const char *singular,
                              const char *plural, unsigned long n)
{
    return catalog_plural(l->ctx, singular, plural, n);
}

/* The documents' language (--lang): English as the messages are written,
 * or Chinese from our catalogue, read directly (catalog.c): the locale
 * has no say. ERR_OK, or ERR_OPEN/ERR_INVALID... (said): Chinese
 * documents with English findings would be half a translation. */
static error_code doc_lang_load(options *o)
{
    char *dir, *path, *msg = NULL;
    error_code e;
    int nomem = 0;
    if (strcmp(o->lang, "zh"))
        return ERR_OK;
    if (!(dir = find_localedir(&nomem))) {
        if (nomem) {
            fprintf(stderr, _("canvass: %s\n"), error_string(ERR_NOMEM));
            return ERR_NOMEM;
        }
        fprintf(stderr,
                _("canvass: cannot find the Chinese message catalogue "
                  "(zh_CN/LC_MESSAGES/canvass.mo) next to the program or in "
                  "%s, which --lang zh needs for the findings in the "
                  "documents; reinstall canvass\n"),
                CANVASS_LOCALEDIR);
        return ERR_OPEN;
    }
    path = error_format("%s/zh_CN/LC_MESSAGES/%s.mo", dir, /* i18n: not prose */
                        I18N_DOMAIN);
    free(dir);
    if (!path)
        return ERR_NOMEM;
    e = catalog_load(path, &o->doc_cat, &msg);
    free(path);
    if (e != ERR_OK) {
        fprintf(stderr, _("canvass: %s\n"), msg ? msg : error_string(e));
        free(msg);
        return e;
    }
    o->doc_tr.text = doc_text;
    o->doc_tr.plural = doc_plural;
    o->doc_tr.ctx = o->doc_cat;
    o->doc_lang = &o->doc_tr;
    return ERR_OK;
}

/* ---- shared set-up ------------------------------------------------------ */

typedef struct {
    xmlSchemaPtr schema;
    xmlSchemaPtr rschema;
    vocab_t *vocab;
    vocab_t *rvocab;
} setup;

static void setup_free(setup *s)
{
    xmlSchemaFree(s->schema);
    xmlSchemaFree(s->rschema);
    vocab_free(s->vocab);
    vocab_free(s->rvocab);
}

/* Loads the schemas and their vocabularies (said on failure). */
static error_code setup_load(setup *s, const options *o)
{
    char *path =
        o->schema ? strdup(o->schema) : find_data("input-schema/register.xsd");
    char *rpath = find_data("input-schema/return.xsd");
    char *msg = NULL;
    error_code rc = ERR_SCHEMA;

    memset(s, 0, sizeof *s);
    if (!path || !rpath) {
        fprintf(stderr,
                _("canvass: cannot find the schemas (input-schema/"
                  "register.xsd, return.xsd) next to the program or in "
                  "%s; reinstall canvass or pass --schema FILE\n"),
                CANVASS_DATADIR);
        goto done;
    }
    if (!(s->schema = reader_load_schema(path, &msg)) ||
        !(s->vocab = vocab_load(path, &msg)) ||
        !(s->rschema = reader_load_schema(rpath, &msg)) ||
        !(s->rvocab = vocab_load(rpath, &msg)) ||
        reader_check_vocab(s->vocab, path, &msg) != ERR_OK) {
        fprintf(stderr, _("canvass: %s\n"),
                msg ? msg : _("cannot load a schema"));
        goto done;
    }
    rc = ERR_OK;
done:
    if (rc != ERR_OK)
        setup_free(s); /* what was loaded before the failure */
    free(msg);
    free(path);
    free(rpath);
    return rc;
}

/* Printing the diagnostics as they stream out of the batch: at most
 * max_findings per rule when --max-findings was given. */
typedef struct {
    const options *o;
    FILE *out;
    struct seen {
        const char *rule; /* static */
        size_t n;
    } * seen;
    size_t n_seen, cap, hidden;
    int oom;             /* print_want could not grow seen */
    buf_t text;          /* lines not yet written: one write per 64 KiB, not per
                 * line (stderr, build's stream, is unbuffered) */
    diag_text_form form; /* the text form's words, looked up once */
    return_csv *csv;     /* build: findings.csv written in the same reading
                          * (NULL: none, or given up on) */
} printer;

#define PRINT_CHUNK ((size_t)64 << 10)

static void print_flush(printer *p)
{
    if (p->text.len)
        fwrite(p->text.s, 1, p->text.len, p->out);
    buf_truncate(&p->text, 0);
}

/* Whether D is printed: at most max_findings per rule when --max-findings
 * was given (asked before D's message is made); those past it counted. */
static int print_want(void *ud, const diag *d)
{
    printer *p = ud;
    const options *o = p->o;
    size_t j;
    if (p->oom)
        return 1; /* print_one says it */
    if (o->list_set && o->max_findings != SIZE_MAX && strcmp(d->rule, "io")) {
        for (j = 0; j < p->n_seen && strcmp(p->seen[j].rule, d->rule); j++)
            ;
        if (j == p->n_seen) {
            if (GROW(p->seen, p->n_seen + 1, p->cap) != ERR_OK) {
                p->oom = 1;
                return 1;
            }
            p->seen[p->n_seen].rule = d->rule;
            p->seen[p->n_seen++].n = 0;
        }
        if (p->seen[j].n++ >= o->max_findings) {
            p->hidden++;
            return 0;
        }
    }
    return 1;
}

static error_code print_one(void *ud, const diag *d)
{
    printer *p = ud;
    if (p->oom)
        return ERR_NOMEM;
    if (p->o->json)
        diag_append_json(&p->text, d);
    else
        diag_append_text_in(&p->text, d, &p->form);
    buf_add(&p->text, "\n", 1);
    if (buf_error(&p->text) != ERR_OK)
        return ERR_NOMEM;
    if (p->text.len >= PRINT_CHUNK)
        print_flush(p);
    return ERR_OK;
}

/* Before diag_store_print_of appends a text line to the printer's buffer:
 * the buffer written out once 64 KiB are waiting. */
static error_code print_before(void *ud, const diag *d)
{
    printer *p = ud;
    (void)d;
    if (p->oom)
        return ERR_NOMEM; /* print_want could not count it */
    if (p->text.len >= PRINT_CHUNK)
        print_flush(p);
    return ERR_OK;
}

/* The finding printed (D; NULL when past --max-findings) and its row of
 * findings.csv (D2, its message in --lang's language). A CSV that fails
 * is given up on, silently: write_outputs writes it again the usual way,
 * and says its failure there. */
static error_code print_both(void *ud, const diag *d, const diag *d2)
{
    printer *p = ud;
    if (p->csv && return_csv_add(p->csv, d2) != ERR_OK) {
        return_csv_free(p->csv);
        p->csv = NULL;
    }
    return d ? print_one(ud, d) : ERR_OK;
}

/* The folder that holds OUTDIR, where output.c makes its private folder
 * and where unnamed files that are linked into the set are made
 * (malloc'd; NULL on no memory). */
static char *outdir_parent(const char *outdir)
{
    char *parent = strdup(outdir), *slash;
    if (!parent)
        return NULL;
    while ((slash = strrchr(parent, '/')) && slash > parent && !slash[1])
        *slash = '\0'; /* "out/" is "out" */
    if ((slash = strrchr(parent, '/'))) {
        slash[slash == parent] = '\0'; /* "/out": "/" */
        return parent;
    }
    free(parent);
    return strdup("."); /* i18n: not prose */
}

/* A file for findings.csv that no one can see until it is linked into the
 * set (early_csv_link): unnamed (O_TMPFILE), in the folder that holds
 * OUTDIR, written straight to the disk (output_unnamed_stream); *FD its
 * descriptor. NULL when the system or that file system cannot make one:
 * then write_outputs writes findings.csv the usual way. */
static FILE *early_csv_open(const char *outdir, int *fd)
{
    char *parent = outdir_parent(outdir);
    FILE *f;
    *fd = -1;
    if (!parent)
        return NULL;
    f = output_unnamed_stream(parent, fd);
    free(parent);
    return f;
}

/* pthread_create, the new thread blocking SIGINT, SIGTERM and SIGHUP:
 * those go to this thread, whose waits (for a locked OUTDIR: output.c)
 * they interrupt. */
static int spawn(pthread_t *th, void *(*fn)(void *), void *arg)
{
    sigset_t stop, old;
    int rc;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop, &old);
    rc = pthread_create(th, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

/* findings.csv written in the reading (early_csv_open's, complete), being
 * synced by a thread of its own while the return and the other outputs
 * are made: syncing a batch's 370 MB took a fifth of a second however
 * long after writing it (the virtual disk writes it through then), all
 * of it wall time when it was done first. */
typedef struct {
    FILE *f;      /* written to until early_csv_sync_begin, or NULL */
    int fd;       /* its descriptor, -1: none */
    pthread_t th; /* syncing fd, when syncing */
    int syncing;
    int rc, err; /* fsync's result and errno */
} early_csv;

static void *early_csv_fsync(void *arg)
{
    early_csv *c = arg;
    c->rc = fsync(c->fd);
    c->err = errno;
    return NULL;
}

/* Ends the writing of C's file (the rest of its last block written: a
 * failure gives it up, to be written again the usual way) and begins
 * syncing it (synced when asked for, if no thread can). */
static void early_csv_sync_begin(early_csv *c)
{
    if (c->f && fclose(c->f) && c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    c->f = NULL;
    c->syncing = c->fd >= 0 && !spawn(&c->th, early_csv_fsync, c) ? 1 : 0;
}

/* C's file synced: 0, or -1 with errno set. */
static int early_csv_synced(early_csv *c)
{
    if (!c->syncing)
        return fsync(c->fd);
    pthread_join(c->th, NULL);
    c->syncing = 0;
    errno = c->err;
    return c->rc;
}

/* C's file closed (once no longer being synced). */
static void early_csv_close(early_csv *c)
{
    if (c->syncing)
        (void)early_csv_synced(c);
    if (c->f)
        fclose(c->f);
    if (c->fd >= 0)
        close(c->fd);
    c->f = NULL;
    c->fd = -1;
}

/* Gives the unnamed file FD the name PATH. 0, or -1 when it cannot
 * (another file system, no /proc). */
static int link_unnamed(int fd, const char *path)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", /* i18n: not prose */
             fd);
    if (!linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW))
        return 0;
    /* without /proc: allowed to privileged processes */
    return linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) ? -1 : 0;
}

/* Gives C's file the name PATH, once synced. 0, or -1 when it cannot (a
 * write that failed late, another file system, no /proc): then it is
 * written again. */
static int early_csv_link(early_csv *c, const char *path)
{
    if (early_csv_synced(c))
        return -1;
    return link_unnamed(c->fd, path);
}

/* Begins printing the diagnostics to OUT, at most max_findings per rule
 * when --max-findings was given; with CSV (build), the same reading writes
 * every finding into it as findings.csv (labels from LABELS). */
static void printer_begin(printer *p, const options *o, FILE *out, FILE *csv,
                          const vocab_t *labels)
{
    memset(p, 0, sizeof *p);
    p->o = o;
    p->out = out;
    diag_text_form_locale(&p->form);
    if (csv)
        p->csv = return_csv_new(labels, o->lang, csv);
}

/* Prints the diagnostics of register I of B (and writes their rows of
 * findings.csv): its two stores merged, in line order. ERR_OK, or
 * ERR_NOMEM, or a findings store that cannot be read back. */
static error_code printer_reg(printer *p, const batch_t *b, size_t i)
{
    const diag_store *v[2] = {b->regs[i].diags, b->regs[i].found};
    if (!p->csv && !p->o->json)
        /* the lines made straight in the buffer */
        return diag_store_print_of(v, 2, diag_lang_locale(), print_want,
                                   &p->form, &p->text, print_before, p);
    if (!p->csv)
        return diag_store_each_of_if(v, 2, diag_lang_locale(), print_want,
                                     print_one, p);
    return diag_store_each2_of(v, 2, diag_lang_locale(), p->o->doc_lang,
                               print_want, print_both, p);
}

/* batch_opts.on_final: a register's diagnostics printed once they are
 * final, while the registers after it are still being read (the batch
 * makes these calls one at a time, in path order). */
static error_code print_final(void *ud, const batch_t *b, size_t i)
{
    return printer_reg(ud, b, i);
}

/* Ends the printing begun by printer_begin, E being how it went (ERR_OK,
 * or its failure, said here unless SAID). *CSV is finished (flushed; the
 * caller syncs it: early_csv) when KEEP_CSV and all went well; otherwise
 * it is closed and set to NULL (then findings.csv is written the usual
 * way, or not at all). */
static error_code printer_end(printer *p, error_code e, int said, FILE **csv,
                              int keep_csv)
{
    print_flush(p);
    buf_free(&p->text);
    free(p->seen);
    if (csv && *csv &&
        (!keep_csv || !p->csv || e != ERR_OK || return_csv_finish(p->csv))) {
        fclose(*csv);
        *csv = NULL;
    }
    return_csv_free(p->csv);
    p->csv = NULL;
    if (e != ERR_OK) {
        if (!said)
            fprintf(stderr, _("canvass: %s\n"), error_string(e));
        return e;
    }
    if (p->hidden)
        fprintf(stderr,
                P_("canvass: %zu more finding not listed "
                   "(--max-findings %zu per rule)\n",
                   "canvass: %zu more findings not listed "
                   "(--max-findings %zu per rule)\n",
                   p->hidden),
                p->hidden, p->o->max_findings);
    return ERR_OK;
}

static void print_summary(const batch_t *b)
{
    size_t i, valid = 0;
    char regs[64], errs[64], warns[64];
    for (i = 0; i < b->n; i++)
        valid += b->regs[i].io == ERR_OK && b->regs[i].rr.valid;
    snprintf(regs, sizeof regs, P_("%zu register", "%zu registers", b->n),
             b->n);
    snprintf(errs, sizeof errs, P_("%u error", "%u errors", b->errors),
             b->errors);
    snprintf(warns, sizeof warns, P_("%u warning", "%u warnings", b->warnings),
             b->warnings);
    /* TRANSLATORS: "5 registers, 4 valid, 13 errors, 16 warnings" */
    fprintf(stderr, _("%s, %zu valid, %s, %s\n"), regs, valid, errs, warns);
}

static int batch_status(const batch_t *b)
{
    if (b->io_failed)
        return EXIT_IO;
    return b->errors ? EXIT_INVALID : EXIT_CLEAN;
}

/* The progress line: on a terminal only, one line rewritten in place at
 * most five times a second, erased at the end. Three kinds: registers
 * read (check, build, verify: the batch calls it from its worker threads,
 * one at a time, under its lock), returns read (merge), and the units
 * whose summaries are written (build and merge: from the rendering
 * thread, beside the workbook on this one; the lock keeps the line and
 * what this thread says apart, and progress_stop erases it for good
 * before anything else is printed). */
enum { PROGRESS_REGISTERS, PROGRESS_RETURNS, PROGRESS_SUMMARIES };

typedef struct {
    int kind;       /* PROGRESS_* */
    uint64_t total; /* bytes of all the inputs (not for summaries) */
    struct timespec start, last;
    int on;      /* the line may be shown: LOCK is made */
    int shown;   /* it is on the terminal now */
    int stopped; /* progress_stop was called: nothing more */
    pthread_mutex_t lock;
} progress_line;

static double seconds_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) +
           (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Starts P, of KIND, when stderr is a terminal and O does not say
 * --quiet (the caller then sets P->total). 1 when it is on. */
static int progress_start(progress_line *p, int kind, const options *o)
{
    memset(p, 0, sizeof *p);
    p->kind = kind;
    if (o->quiet || !isatty(STDERR_FILENO) ||
        pthread_mutex_init(&p->lock, NULL) != 0)
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    return p->on = 1;
}

/* The bytes of the regular files among ARGV[FROM..ARGC). */
static uint64_t bytes_of(int argc, char **argv, int from)
{
    uint64_t total = 0;
    int i;
    for (i = from; i < argc; i++) {
        struct stat st;
        if (!stat(argv[i], &st) && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    }
    return total;
}

/* Writes the N bytes at S to the terminal, by its descriptor: the
 * rendering thread's line must not go through stdio's stderr, which this
 * thread points at a sink around the workbook. */
static void progress_put(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(STDERR_FILENO, s, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return; /* a progress line is not worth a failure */
        s += k;
        n -= (size_t)k;
    }
}

static void show_progress(void *ud, uint64_t bytes, size_t done, size_t total)
{
    progress_line *p = ud;
    double el, rate, left = 0;
    char eta[32], line[256];
    int n;
    pthread_mutex_lock(&p->lock);
    if (p->stopped ||
        (done < total && p->shown && seconds_since(&p->last) < 0.2)) {
        pthread_mutex_unlock(&p->lock);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &p->last);
    el = seconds_since(&p->start);
    rate = el > 0 ? (double)bytes / 1e6 / el : 0;
    if (p->kind == PROGRESS_SUMMARIES)
        /* from the pace so far, once there is one (the first unit also
         * loads what every later one shares) */
        left = done > 0 && done < total && el >= 1
                   ? el / (double)done * (double)(total - done)
                   : 0;
    else if (rate > 0 && p->total > bytes)
        left = (double)(p->total - bytes) / 1e6 / rate;
    if (left > 0 && done < total)
        /* TRANSLATORS: minutes:seconds left, after the rate */
        snprintf(eta, sizeof eta, _(", %d:%02d left"), (int)left / 60,
                 (int)left % 60);
    else
        eta[0] = 0;
    if (p->kind == PROGRESS_REGISTERS)
        n = snprintf(line, sizeof line,
                     /* TRANSLATORS: the progress line: registers read of
                      * all, megabytes read, the rate, and the time left
                      * (", 1:05 left") */
                     _("canvass: %zu/%zu registers, %.1f MB, %.1f MB/s%s"),
                     done, total, (double)bytes / 1e6, rate, eta);
    else if (p->kind == PROGRESS_RETURNS)
        n = snprintf(line, sizeof line,
                     /* TRANSLATORS: merge's progress line: returns read of
                      * all, megabytes read, the rate, and the time left
                      * (", 1:05 left") */
                     _("canvass: %zu/%zu returns, %.1f MB, %.1f MB/s%s"), done,
                     total, (double)bytes / 1e6, rate, eta);
    else
        n = snprintf(line, sizeof line,
                     /* TRANSLATORS: the progress line while the summaries
                      * are written: units whose summaries are done, of
                      * all, and the time left (", 1:05 left") */
                     _("canvass: summaries of %zu/%zu units written%s"), done,
                     total, eta);
    if (n > 0) {
        progress_put("\r\033[K", 4); /* to the start of the line, erased */
        progress_put(line,
                     (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
        p->shown = 1;
    }
    pthread_mutex_unlock(&p->lock);
}

/* Ends P: its line erased, and no more of it (a thread that still
 * reports is heard no more). */
static void progress_stop(progress_line *p)
{
    if (!p->on)
        return;
    pthread_mutex_lock(&p->lock);
    if (p->shown) {
        progress_put("\r\033[K", 4);
        p->shown = 0;
    }
    p->stopped = 1;
    pthread_mutex_unlock(&p->lock);
}

/* Frees P, stopped, once no thread reports to it. */
static void progress_free(progress_line *p)
{
    progress_stop(p);
    if (p->on)
        pthread_mutex_destroy(&p->lock);
    p->on = 0;
}

/* Reads the batch; the diagnostics go to P (when not NULL) as each
 * register's are final (*STREAMED set), unless the progress line is
 * shown: then the caller prints them all once the batch is read, not
 * between its updates. NULL on failure (said), with *RC. */
static batch_t *run_batch(const setup *s, options *o, int argc, char **argv,
                          printer *p, int *streamed, error_code *rc)
{
    batch_opts bo;
    batch_t *b;
    progress_line pl;
    memset(&bo, 0, sizeof bo);
    bo.schema = s->schema;
    bo.vocab = s->vocab;
    bo.rvocab = s->rvocab;
    bo.audit = &o->audit;
    bo.threads = o->threads;
    bo.stop = &interrupted;
    bo.digest = o->digest;
    if (progress_start(&pl, PROGRESS_REGISTERS, o)) {
        pl.total = bytes_of(argc, argv, optind);
        bo.progress = show_progress;
        bo.progress_ud = &pl;
    } else if (p) {
        bo.on_final = print_final;
        bo.final_ud = p;
    }
    *streamed = bo.on_final != NULL;
    b = batch_run((const char *const *)argv + optind, (size_t)(argc - optind),
                  &bo, rc);
    progress_free(&pl);
    if (p && *streamed)
        print_flush(p); /* what was printed comes before what is said */
    if (!b)
        fprintf(stderr, _("canvass: %s\n"), error_string(*rc));
    else if (b->interrupted)
        fprintf(stderr, _("canvass: interrupted; nothing written\n"));
    return b;
}

/* What every command does first: its options (*DONE set when --help was
 * answered: nothing more to do), for a command that writes no input that
 * an output could replace (checked before anything is read), then the
 * schemas into *S (caller frees, unless *DONE). ERR_OK, or the failure
 * (said). */
static error_code begin(int argc, char **argv, options *o, setup *s, int *done)
{
    error_code e;
    char *msg = NULL;

    *done = 0;
    if ((e = parse_options(argc, argv, o, done)) != ERR_OK || *done)
        return e;
    if (o->writes &&
        output_check_inputs(o->outdir, (const char *const *)argv + optind,
                            (size_t)(argc - optind), o->inputs, o->cmd,
                            &msg) != ERR_OK) {
        fprintf(stderr, _("canvass: %s\n"), msg ? msg : _("out of memory"));
        free(msg);
        return ERR_USAGE;
    }
    /* the documents' language: before anything is read */
    if (o->writes && (e = doc_lang_load(o)) != ERR_OK)
        return e;
    return setup_load(s, o);
}

/* The name a return gives its generator: "canvass VERSION". */
static void generator(char gen[64])
{
    snprintf(gen, 64, "canvass %s", CANVASS_VERSION);
}

/* The options return_build takes, from S and O, with at most MAX
 * findings listed; GEN holds the generator's name. */
static void return_opts_of(const setup *s, const options *o, size_t max,
                           char gen[64], return_opts *ro)
{
    generator(gen);
    memset(ro, 0, sizeof *ro);
    ro->vocab = s->vocab;
    ro->rvocab = s->rvocab;
    ro->audit = &o->audit;
    ro->max_findings = max;
    ro->generator = gen;
}

/* Whether O allows more than one thread (--jobs other than 1). */
static int more_threads(const options *o)
{
    return o->threads > 1 ||
           (o->threads <= 0 && sysconf(_SC_NPROCESSORS_ONLN) > 1);
}

/* A return about to be written must match return.xsd: a bug otherwise.
 * With more than one thread it is validated on a thread of its own while
 * the caller parses the same bytes for the renderers (return_parse): a
 * batch's 7 MB return takes 0.07 s to validate and 0.11 s to parse. */
typedef struct {
    const char *xml;
    size_t len;
    int mapped; /* xml is a file mapping (streamed) */
    xmlSchemaPtr schema;
    error_code e; /* return_validate's */
    char *msg;    /* its message */
    pthread_t th; /* validating, when threaded */
    int threaded;
} written;

static void *written_main(void *arg)
{
    written *w = arg;
    w->e = w->mapped
               ? return_validate_mapped(w->xml, w->len, w->schema, &w->msg)
               : return_validate(w->xml, w->len, w->schema, &w->msg);
    return NULL;
}

/* Begins validating the LEN bytes XML against S's return schema: on a
 * thread of its own when O allows more than one, else here and now. */
static void written_begin(written *w, const char *xml, size_t len, int mapped,
                          const setup *s, const options *o)
{
    memset(w, 0, sizeof *w);
    w->xml = xml, w->len = len, w->mapped = mapped, w->schema = s->rschema;
    w->threaded = more_threads(o) && !spawn(&w->th, written_main, w);
    if (!w->threaded)
        written_main(w);
}

/* The validation's end: ERR_OK, or the failure (said, as a bug). */
static error_code written_end(written *w)
{
    error_code e;
    if (w->threaded)
        pthread_join(w->th, NULL);
    w->threaded = 0;
    if ((e = w->e) != ERR_OK)
        fprintf(stderr,
                _("canvass: internal error: the return does not match "
                  "return.xsd: %s\n"),
                w->msg ? w->msg : "");
    free(w->msg);
    w->msg = NULL;
    return e == ERR_OK ? ERR_OK : ERR_INTERNAL;
}

/* The return's LEN bytes XML checked against return.xsd (written_begin,
 * written_end) and, when O asks for a format the renderers read from a
 * tree, parsed into *RET (NULL otherwise; the caller frees it). BT is the
 * batch (NULL for merge: then findings.csv is written from the tree).
 * MAPPED: XML is the mapping of a streamed return (return_file). ERR_OK,
 * or the failure (said). */
static error_code check_and_parse(const char *xml, size_t len, int mapped,
                                  const batch_t *bt, const options *o,
                                  const setup *s, xmlDocPtr *ret)
{
    written w;
    char *msg = NULL;
    error_code e = ERR_OK;

    *ret = NULL;
    written_begin(&w, xml, len, mapped, s, o);
    /* return.xml alone needs no tree (a merged return of 500 communities
     * is 150 MB of tree) */
    if ((o->formats & (FMT_XLSX | FMT_DOCX | FMT_HTML | FMT_MD)) ||
        ((o->formats & FMT_CSV) && !bt))
        e = mapped ? return_parse_mapped(xml, len, ret, &msg)
                   : return_parse(xml, len, ret, &msg);
    if (written_end(&w) != ERR_OK) {
        xmlFreeDoc(*ret);
        *ret = NULL;
        free(msg);
        return ERR_INTERNAL;
    }
    if (e != ERR_OK)
        fprintf(stderr, _("canvass: %s\n"), msg ? msg : error_string(e));
    free(msg);
    return e;
}

/* What check and build share: begin, then the batch read and its
 * diagnostics printed to OUT (every failure said). ERR_OK with *S and *B
 * set (caller frees both) to go on, or with *B NULL when --help was
 * answered; else the failure. With CSV (build), CSV gets findings.csv
 * written in the same reading (early_csv_open), or none (f NULL, fd -1):
 * when it is not asked for, the batch writes nothing, or that could not
 * be done. */
static error_code start(int argc, char **argv, options *o, FILE *out, setup *s,
                        batch_t **b, early_csv *csv)
{
    error_code e;
    int answered = 0, streamed = 0;
    printer p;
    early_csv early = {.f = NULL, .fd = -1};
    size_t i;

    *b = NULL;
    if (csv) {
        csv->f = NULL;
        csv->fd = -1;
    }
    if ((e = begin(argc, argv, o, s, &answered)) != ERR_OK || answered)
        return e;
    if (csv && (o->formats & FMT_CSV))
        early.f = early_csv_open(o->outdir, &early.fd);
    printer_begin(&p, o, out, early.f, s->rvocab);
    if (!(*b = run_batch(s, o, argc, argv, &p, &streamed, &e)) ||
        (*b)->interrupted) {
        if (*b)
            e = ERR_INTERRUPTED;
        printer_end(&p, e, 1, &early.f, 0); /* said by run_batch */
    } else {
        int status = batch_status(*b);
        for (i = 0; !streamed && i < (*b)->n && e == ERR_OK; i++)
            e = printer_reg(&p, *b, i);
        /* findings.csv is kept only when a return will be written: build
         * stops otherwise */
        e = printer_end(&p, e, 0, &early.f,
                        status != EXIT_IO &&
                            (status != EXIT_INVALID || o->allow_partial));
        print_summary(*b);
    }
    if (!early.f || e != ERR_OK || !csv)
        early_csv_close(&early); /* none, or given up on */
    if (e != ERR_OK) {
        batch_free(*b);
        *b = NULL;
        setup_free(s);
    } else if (csv) {
        *csv = early;
    }
    return e;
}

/* Prints D to stderr when it is an error (verify: why a register keeps
 * the return from being checked). */
static error_code print_error(void *ud, const diag *d)
{
    const options *o = ud;
    char *line;
    if (d->severity != DIAG_ERROR)
        return ERR_OK;
    if (!(line = o->json ? diag_format_json(d) : diag_format_text(d)))
        return ERR_NOMEM;
    fprintf(stderr, "%s\n", line);
    free(line);
    return ERR_OK;
}

/* Prints why the valid registers of B are not of one campaign, the words
 * build uses, and returns 1; 0 when they are. */
static int campaigns_clash(const batch_t *b)
{
    const batch_reg *first = NULL;
    size_t i;
    for (i = 0; i < b->n; i++) {
        const batch_reg *r = &b->regs[i];
        char *msg;
        if (!r->included || !r->campaign[0])
            continue;
        if (!first) {
            first = r;
            continue;
        }
        if (return_same_campaign((const char *const *)first->campaign,
                                 (const char *const *)r->campaign))
            continue;
        msg = return_campaign_clash(first->path,
                                    (const char *const *)first->campaign,
                                    r->path, (const char *const *)r->campaign);
        fprintf(stderr, _("canvass: %s\n"), msg ? msg : _("out of memory"));
        free(msg);
        return 1;
    }
    return 0;
}

/* ---- check -------------------------------------------------------------- */

static int cmd_check(int argc, char **argv, options *o)
{
    setup s;
    batch_t *b;
    error_code e;
    int rc;
    o->digest = READER_XXH128;
    e = start(argc, argv, o, stdout, &s, &b, NULL);
    if (e != ERR_OK || !b)
        return exit_status(e);
    rc = interrupted ? EXIT_IO : batch_status(b);
    if (campaigns_clash(b) && rc == EXIT_CLEAN)
        rc = EXIT_INVALID;
    batch_free(b);
    setup_free(&s);
    return rc;
}

/* ---- build -------------------------------------------------------------- */

static void on_wait(void *arg, const char *outdir)
{
    (void)arg;
    fprintf(stderr,
            _("canvass: %s: another canvass build is writing there; "
              "waiting for it to finish\n"),
            outdir);
}

/* One message for a failed output NAME (may be NULL) of the set being
 * written: a full disk is said as such, once; other messages name the
 * output the user would have seen, never the private folder. */
static void print_output_error(const output_t *w, const options *o,
                               const char *name, error_code e, const char *msg)
{
    char *m;
    if (e == ERR_NOSPACE || (e != ERR_INTERRUPTED && output_full(w, 0))) {
        if (name)
            fprintf(stderr,
                    _("canvass: %s: no space left on device for %s; nothing "
                      "was replaced (the outputs there are as they were)\n"),
                    o->outdir, name);
        else
            fprintf(stderr,
                    _("canvass: %s: no space left on device; nothing was "
                      "replaced (the outputs there are as they were)\n"),
                    o->outdir);
        return;
    }
    m = msg ? output_unstage(w, msg) : NULL;
    if (name && !(m && strstr(m, name)))
        fprintf(stderr, _("canvass: %s/%s: %s%s%s\n"), o->outdir, name,
                error_string(e), m ? ": " : "", m ? m : "");
    else
        fprintf(stderr, _("canvass: %s\n"), m ? m : error_string(e));
    free(m);
}

static time_t creation_time(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    long v;
    if (e && !parse_count(e, LONG_MAX, &v))
        return (time_t)v;
    return time(NULL);
}

/* File name of the summary of UNIT: summary-<code> for a community,
 * summary-<level>-<code> for a roll-up, summary-all for the whole batch. */
static char *summary_name(const char *level, const char *code, const char *ext)
{
    if (!strcmp(level, RETDOC_LEVEL_COMMUNITY))
        return error_format("summary-%s.%s", code, ext); /* i18n: not prose */
    if (!strcmp(level, RETDOC_LEVEL_ALL))
        return error_format("summary-all.%s", ext);      /* i18n: not prose */
    return error_format("summary-%s-%s.%s", level, code, /* i18n: not prose */
                        ext);
}

#define NKINDS 3 /* summary formats: docx, html, md */

/* One unit's summaries: their names in the set, and the outputs to make. */
typedef struct {
    const char *level, *code;
    char *names[NKINDS], *paths[NKINDS];
    summary_out outs[NKINDS];
    size_t n;
} sum_unit;

/* The summaries of an output set, made in three steps so that they can be
 * rendered beside the workbook: summaries_plan (calling thread: the
 * templates loaded, every name added to the set, in the order the outputs
 * are listed), summaries_render (there, or on a thread of its own with
 * --jobs other than 1: summaries_begin), summaries_end (calling thread:
 * the thread joined, the first failure said, at the summaries' place
 * among the outputs, in the words and order of making them one by one).
 * The rendering thread prints nothing but the progress line (on a
 * terminal, under its lock): summary.c captures what libxml2 and libxslt
 * say, and the failure is kept for summaries_end. */
typedef struct {
    const options *o;
    const render_opts *ro;
    xmlDocPtr ret;
    char *dir;
    summary_t *s;
    retdoc_t *rd;
    sum_unit *units;
    size_t nunits; /* planned: their names are in the set */
    /* the plan's failure, said when no unit before it failed */
    char *plan_line;   /* a whole message (the templates), or NULL */
    error_code plan_e; /* else output_path's for units[nunits] */
    char *plan_msg, *plan_name;
    /* the rendering's first failure (ERR_OK: none) */
    size_t failed_unit, failed_kind;
    error_code render_e;
    char *render_msg;
    pthread_t th;
    int threaded;
    progress_line *pl; /* the line to report to, or NULL */
} summaries;

/* Plans the summaries of RET in W (see summaries). */
static void summaries_plan(summaries *m, xmlDocPtr ret, const options *o,
                           const render_opts *ro, output_t *w)
{
    static const struct {
        int bit;
        const char *ext;
    } kinds[NKINDS] = {{FMT_DOCX, "docx"}, {FMT_HTML, "html"}, {FMT_MD, "md"}};
    char *msg = NULL;
    size_t i, k, nu;

    memset(m, 0, sizeof *m);
    m->o = o;
    m->ro = ro;
    m->ret = ret;
    m->dir = o->templates ? strdup(o->templates) : NULL;
    if (!m->dir) {
        char rel[64];
        snprintf(rel, sizeof rel, "output-templates/%s", /* i18n: not prose */
                 o->lang);
        m->dir = find_data(rel);
    }
    if (!m->dir) {
        m->plan_line =
            error_format(_("canvass: cannot find the summary templates "
                           "(output-templates/%s); pass --templates DIR\n"),
                         o->lang);
        return;
    }
    if (!(m->s = summary_load(m->dir, &msg))) {
        m->plan_line = error_format(_("canvass: %s\n"),
                                    msg ? msg : _("cannot load templates"));
        free(msg);
        return;
    }
    if (retdoc_open(ret, NULL, &m->rd, &msg) != ERR_OK ||
        !(m->units =
              calloc((nu = retdoc_nunits(m->rd)) ? nu : 1, sizeof *m->units))) {
        m->plan_line =
            error_format(_("canvass: %s\n"), msg ? msg : _("out of memory"));
        free(msg);
        return;
    }
    /* each unit's formats as one set: its wording is made once */
    for (i = 0; i < nu; i++) {
        const retdoc_unit *ru = retdoc_unit_in_doc(m->rd, i);
        sum_unit *u = &m->units[i];
        u->level = ru->level;
        u->code = ru->code;
        for (k = 0; k < NKINDS; k++) {
            error_code e;
            if (!(o->formats & kinds[k].bit))
                continue;
            u->names[u->n] = summary_name(u->level, u->code, kinds[k].ext);
            e = u->names[u->n]
                    ? output_path(w, u->names[u->n], &u->paths[u->n], &msg)
                    : ERR_NOMEM;
            u->outs[u->n].format = kinds[k].ext;
            u->outs[u->n].path = u->paths[u->n];
            if (e != ERR_OK) {
                m->plan_e = e;
                m->plan_msg = msg;
                m->plan_name = u->names[u->n];
                return; /* m->nunits: the units before this one */
            }
            u->n++;
        }
        m->nunits = i + 1;
    }
}

/* Renders the planned summaries, in order, until one fails or the build
 * is interrupted. */
static void summaries_render(summaries *m)
{
    size_t i;
    for (i = 0; i < m->nunits && !interrupted; i++) {
        const sum_unit *u = &m->units[i];
        size_t failed = 0;
        char *msg = NULL;
        error_code e =
            u->n ? summary_render_set(m->s, m->ret, u->level, u->code, u->outs,
                                      u->n, m->ro, &failed, &msg)
                 : ERR_OK;
        if (e != ERR_OK) {
            m->render_e = e;
            m->render_msg = msg;
            m->failed_unit = i;
            m->failed_kind = failed < u->n ? failed : 0;
            return;
        }
        free(msg);
        if (m->pl)
            show_progress(m->pl, 0, i + 1, m->nunits);
    }
}

static void *summaries_main(void *arg)
{
    summaries_render(arg);
    return NULL;
}

/* Renders them on a thread of their own when --jobs allows more than one
 * (else summaries_end renders them). */
static void summaries_begin(summaries *m)
{
    m->threaded =
        more_threads(m->o) && m->nunits && !spawn(&m->th, summaries_main, m);
}

/* Joins the rendering thread, if any (nothing said). */
static void summaries_join(summaries *m)
{
    if (m->threaded)
        pthread_join(m->th, NULL);
    m->threaded = 0;
}

/* The summaries made (rendered here unless a thread did) and their first
 * failure said: -1 when all went well, else EXIT_IO. */
static int summaries_end(summaries *m, output_t *w)
{
    if (m->threaded)
        summaries_join(m);
    else
        summaries_render(m);
    if (m->pl) /* its line erased before anything is said */
        progress_stop(m->pl);
    if (m->render_e != ERR_OK) {
        const sum_unit *u = &m->units[m->failed_unit];
        print_output_error(w, m->o, u->names[m->failed_kind], m->render_e,
                           m->render_msg);
        return EXIT_IO;
    }
    if (interrupted)
        return EXIT_IO;
    if (m->plan_line) {
        fputs(m->plan_line, stderr);
        return EXIT_IO;
    }
    if (m->plan_e != ERR_OK) {
        print_output_error(w, m->o, m->plan_name, m->plan_e, m->plan_msg);
        return EXIT_IO;
    }
    return -1;
}

/* Frees M (joining its thread first: it writes into the private folder). */
static void summaries_free(summaries *m)
{
    size_t i, k;
    summaries_join(m);
    for (i = 0; m->units && i < retdoc_nunits(m->rd); i++)
        for (k = 0; k < NKINDS; k++) {
            free(m->units[i].names[k]);
            free(m->units[i].paths[k]);
        }
    free(m->units);
    free(m->plan_line);
    free(m->plan_msg);
    free(m->render_msg);
    free(m->dir);
    summary_free(m->s);
    retdoc_free(m->rd);
    memset(m, 0, sizeof *m);
}

/* Writes every output of XML (and findings.csv from BT, or CSV when it
 * was written already: printer_reg) into the private folder of OUTDIR,
 * then puts the whole set in place in one step (output.c). Returns an
 * exit code, or -1 when all is done; o->wrote tells whether the set was
 * put in place. */
/* findings.csv: build's lists every finding of the registers of BT;
 * merge (BT NULL) has no registers, and lists what its return RET lists. */
static error_code write_csv(xmlDocPtr ret, const batch_t *bt, const setup *s,
                            const options *o, const char *path, char **msg)
{
    retdoc_t *rd = NULL;
    error_code e;
    if (bt)
        return return_write_csv(bt, s->rvocab, o->lang, o->doc_lang, path, msg);
    if ((e = retdoc_open(ret, s->rvocab, &rd, msg)) != ERR_OK)
        return e;
    e = return_write_csv_of(rd, return_each_listed, s->rvocab, o->lang, path,
                            msg);
    retdoc_free(rd);
    return e;
}

static int write_outputs(const char *xml, size_t len, int xml_fd, xmlDocPtr ret,
                         const batch_t *bt, early_csv *csv, options *o,
                         const setup *s)
{
    output_t *w = NULL;
    render_opts ro;
    char *msg = NULL, *path = NULL, *csv_path = NULL, *csv_msg = NULL,
         *note = NULL;
    size_t i;
    int rc = EXIT_IO;
    error_code e, csv_e = ERR_OK;
    summaries sum;
    progress_line pl;

    o->wrote = 0;
    memset(&sum, 0, sizeof sum);
    memset(&pl, 0, sizeof pl);
    if ((e = output_open(o->outdir, on_wait, NULL, &interrupted, &w, &msg)) !=
        ERR_OK) {
        fprintf(stderr, _("canvass: %s\n"), msg ? msg : error_string(e));
        free(msg);
        return EXIT_IO;
    }

    memset(&ro, 0, sizeof ro);
    ro.lang = o->lang;
    ro.created = creation_time();
    ro.labels = s->rvocab;
    ro.templates = o->templates;

    if (o->formats & FMT_XML) {
        /* a streamed return is in its file already: linked, or, where it
         * cannot be, written again (from the mapping, every page of which
         * is then read in) */
        if (xml_fd < 0)
            e = output_write(w, "return.xml", xml, len, &msg);
        else if ((e = output_path(w, "return.xml", &path, &msg)) == ERR_OK &&
                 link_unnamed(xml_fd, path) < 0)
            e = output_write_file(path, xml, len, &msg);
        free(path);
        path = NULL;
        if (e != ERR_OK) {
            print_output_error(w, o, "return.xml", e, msg);
            goto fail;
        }
    }
    if (interrupted)
        goto fail;
    /* every name in the set first, in the order the outputs are listed;
     * the summaries are rendered beside the workbook (summaries_begin),
     * and a failure is said at its output's place, as before */
    e = ERR_OK;
    if (o->formats & FMT_XLSX)
        e = output_path(w, "returns.xlsx", &path, &msg);
    if (e == ERR_OK && (o->formats & FMT_CSV))
        csv_e = output_path(w, "findings.csv", &csv_path, &csv_msg);
    if (e == ERR_OK && csv_e == ERR_OK &&
        (o->formats & (FMT_DOCX | FMT_HTML | FMT_MD))) {
        summaries_plan(&sum, ret, o, &ro, w);
        if (sum.nunits && progress_start(&pl, PROGRESS_SUMMARIES, o))
            sum.pl = &pl;
        summaries_begin(&sum);
    }
    if (o->formats & FMT_XLSX) {
        if (e == ERR_OK) {
            /* libxlsxwriter prints its own [ERROR] lines, naming temporary
             * files, on stderr (no hook): a sink takes them, and the
             * failure is one canvass message. Safe: this is the only
             * thread that prints (the summaries' says nothing, early_csv's
             * only syncs), and sanitizer reports use descriptor 2
             * directly. */
            FILE *saved = stderr, *sink = output_sink();
            if (sink)
                stderr = sink;
            e = xlsx_render(ret, path, &ro, &msg);
            if (sink) {
                stderr = saved;
                fclose(sink);
            }
        }
        if (e != ERR_OK) {
            progress_stop(&pl);
            print_output_error(w, o, "returns.xlsx", e, msg);
            goto fail;
        }
    }
    if (interrupted)
        goto fail;
    if (o->formats & FMT_CSV) {
        if ((e = csv_e) == ERR_OK &&
            (!csv || csv->fd < 0 || early_csv_link(csv, csv_path) < 0))
            e = write_csv(ret, bt, s, o, csv_path, &csv_msg);
        if (e != ERR_OK) {
            progress_stop(&pl);
            print_output_error(w, o, "findings.csv", e, csv_msg);
            goto fail;
        }
    }
    if (interrupted)
        goto fail;
    if ((o->formats & (FMT_DOCX | FMT_HTML | FMT_MD)) &&
        summaries_end(&sum, w) >= 0)
        goto fail;
    if (interrupted)
        goto fail;
    if ((e = output_commit(w, &note, &msg)) != ERR_OK) {
        if (e != ERR_INTERRUPTED)
            print_output_error(w, o, NULL, e, msg);
        goto fail;
    }
    o->wrote = 1;
    if (note)
        fprintf(stderr, _("canvass: note: %s\n"), note);
    for (i = 0; i < output_count(w); i++)
        printf("%s/%s\n", o->outdir, output_name(w, i));
    rc = -1;
fail:
    summaries_free(&sum); /* its thread joined before the folder goes */
    progress_free(&pl);
    if (interrupted && rc != -1)
        fprintf(stderr, _("canvass: interrupted; nothing written\n"));
    output_free(w); /* without commit: removes the private folder */
    free(msg);
    free(note);
    free(path);
    free(csv_path);
    free(csv_msg);
    return rc;
}

/* A return written to a file as it is made, never held in memory: build's
 * when it lists every finding (--max-findings all; 589 MB at a million
 * dense households), merge's always (a merged list grows with the
 * communities: 150 MB of return.xml for 200 dense ones), and verify's
 * rebuilt return, which lists every finding whatever the cap of the one
 * verified. It goes to an unnamed file beside OUTDIR, or in $TMPDIR for
 * verify (return_build_to, return_assemble_to), is read back through a
 * mapping whose pages are let go behind every reader (return_*_mapped,
 * retdoc_let_go), and is linked into the set as return.xml. FD -1: none
 * (no unnamed file can be made there: the return is made in memory). */
typedef struct {
    int fd;
    FILE *f;            /* writing it, until return_file_map */
    char *map;          /* the mapping: the bytes, then zeros to a page's end */
    size_t span;        /* its length */
    const char *tmpdir; /* verify's: the file is in this temporary folder */
} return_file;

/* R's file and its stream, beside O's OUTDIR, or without one (verify) in
 * $TMPDIR; R->f NULL (and R->fd -1) when none can be made. */
static void return_file_open(return_file *r, const options *o)
{
    char *parent = NULL;
    int fd2 = -1;
    r->map = NULL;
    r->f = NULL;
    r->tmpdir = NULL;
    if (o->outdir) {
        parent = outdir_parent(o->outdir);
    } else {
        r->tmpdir = output_tmpdir();
        parent = strdup(r->tmpdir);
    }
    r->fd = parent ? output_unnamed_file(parent) : -1;
    free(parent);
    if (r->fd >= 0 && ((fd2 = dup(r->fd)) < 0 || !(r->f = fdopen(fd2, "w")))) {
        if (fd2 >= 0)
            close(fd2);
        close(r->fd);
        r->fd = -1;
    }
}

/* Says why the return could not be written into R's file (E, MSG). */
static void return_file_said(const return_file *r, const options *o,
                             error_code e, const char *msg)
{
    if (r->tmpdir && (e == ERR_WRITE || e == ERR_NOSPACE))
        fprintf(stderr,
                _("canvass: %s: the rebuilt return cannot be written there "
                  "(%s); set TMPDIR to a folder with room\n"),
                r->tmpdir,
                e == ERR_NOSPACE ? strerror(ENOSPC)
                                 : (msg ? msg : error_string(e)));
    else if (e == ERR_NOSPACE)
        fprintf(stderr,
                _("canvass: %s: no space left on device for %s; nothing "
                  "was replaced (the outputs there are as they were)\n"),
                o->outdir, "return.xml");
    else
        fprintf(stderr, _("canvass: %s\n"), msg ? msg : error_string(e));
}

/* Closes R's stream, the LEN bytes written, and maps them: *XML. ERR_OK,
 * or the failure, said. */
static error_code return_file_map(return_file *r, const options *o, size_t len,
                                  const char **xml)
{
    int failed = fclose(r->f);
    r->f = NULL;
    if (failed) {
        char *msg = NULL;
        error_code e = error_set(
            &msg, errno == ENOSPC || errno == EDQUOT ? ERR_NOSPACE : ERR_WRITE,
            _("cannot write return.xml: %s"), strerror(errno));
        return_file_said(r, o, e, msg);
        free(msg);
        return e;
    }
    if (!(r->map = output_map(r->fd, len, &r->span))) {
        fprintf(stderr, _("canvass: cannot read return.xml back: %s\n"),
                strerror(errno));
        return ERR_READ;
    }
    *xml = r->map;
    return ERR_OK;
}

static void return_file_close(return_file *r)
{
    if (r->f)
        fclose(r->f);
    if (r->map)
        munmap(r->map, r->span);
    if (r->fd >= 0)
        close(r->fd);
    r->f = NULL;
    r->map = NULL;
    r->fd = -1;
}

/* The return of B (options RO), every failure said: into R's file, mapped
 * (*BYTES), when STREAM and one can be made; else in memory (*XML, the
 * caller's to free, and *BYTES the same). */
static error_code return_make(return_file *r, int stream, const batch_t *b,
                              const return_opts *ro, const options *o,
                              char **xml, const char **bytes, size_t *len)
{
    char *msg = NULL;
    error_code e;

    *len = 0;
    if (stream)
        return_file_open(r, o);
    if (r->f) {
        if ((e = return_build_to(b, ro, r->f, len, &msg)) != ERR_OK)
            return_file_said(r, o, e, msg);
        else
            e = return_file_map(r, o, *len, bytes); /* said */
    } else if ((e = return_build(b, ro, xml, len, &msg)) != ERR_OK) {
        /* a batch that mixes campaigns is the inputs' fault (exit 1); no
         * memory is not */
        fprintf(stderr, _("canvass: %s\n"), msg ? msg : error_string(e));
    } else {
        *bytes = *xml;
    }
    free(msg);
    return e;
}

static int cmd_build(int argc, char **argv, options *o)
{
    setup s;
    batch_t *b;
    return_opts ro;
    char *msg = NULL, gen[64], *xml = NULL;
    const char *bytes = NULL;
    size_t i, len;
    early_csv csv = {.f = NULL, .fd = -1};
    return_file rf = {
        .fd = -1, .f = NULL, .map = NULL, .span = 0, .tmpdir = NULL};
    xmlDocPtr ret = NULL;
    error_code e = start(argc, argv, o, stderr, &s, &b, &csv);
    int rc, status;

    if (e != ERR_OK || !b)
        return exit_status(e);
    early_csv_sync_begin(&csv);
    status = batch_status(b);
    rc = status;
    if (status == EXIT_IO) {
        fprintf(stderr, _("canvass: some registers could not be read; no "
                          "return written\n"));
        goto done;
    }
    if (status == EXIT_INVALID && !o->allow_partial) {
        fprintf(stderr, _("canvass: invalid registers or error findings; no "
                          "return written (fix them, or use --allow-partial to "
                          "write a return without them)\n"));
        goto done;
    }
    for (i = 0; i < b->n; i++)
        if (!b->regs[i].included)
            fprintf(stderr, _("canvass: excluded from the return: %s\n"),
                    b->regs[i].path);
    return_opts_of(&s, o, o->max_findings, gen, &ro);
    ro.lang = o->doc_lang; /* the findings in --lang's language */
    if ((e = return_make(&rf, o->max_findings == SIZE_MAX, b, &ro, o, &xml,
                         &bytes, &len)) != ERR_OK) {
        rc = exit_status(e);
        goto done;
    }
    if (check_and_parse(bytes, len, rf.fd >= 0, b, o, &s, &ret) != ERR_OK) {
        rc = EXIT_IO;
        goto done;
    }
    rc = write_outputs(bytes, len, rf.fd, ret, b, &csv, o, &s);
    if (rc < 0)
        rc = status;
done:
    xmlFreeDoc(ret); /* before the bytes it borrows */
    early_csv_close(&csv);
    return_file_close(&rf);
    free(msg);
    free(xml);
    batch_free(b);
    setup_free(&s);
    return rc;
}

/* ---- merge -------------------------------------------------------------- */

static int print_diag_list(const diag_list *l, const options *o, FILE *out)
{
    size_t i;
    for (i = 0; i < l->n; i++) {
        char *line =
            o->json ? diag_format_json(&l->v[i]) : diag_format_text(&l->v[i]);
        if (!line)
            return -1;
        fprintf(out, "%s\n", line);
        free(line);
    }
    return 0;
}

/* A refusal of merge or verify (the inputs cannot be merged or checked;
 * FILE the input concerned, or NULL): "canvass: MESSAGE" on stderr, or
 * with --format=json a diagnostic line of rule "refused" and line 0 (the
 * whole file), as every other problem with an input is given. */
static void print_refusal(const options *o, const char *file,
                          const char *message)
{
    diag d;
    char *line;
    if (!o->json) {
        fprintf(stderr, _("canvass: %s\n"), message);
        return;
    }
    memset(&d, 0, sizeof d);
    d.file = (char *)(file ? file : "");
    d.severity = DIAG_ERROR;
    d.rule = (char *)"refused";
    d.message = (char *)message;
    if (!(line = diag_format_json(&d))) {
        fprintf(stderr, _("canvass: %s\n"), message); /* out of memory */
        return;
    }
    fprintf(stderr, "%s\n", line);
    free(line);
}

static int cmd_merge(int argc, char **argv, options *o)
{
    setup s;
    merge_opts mo;
    merge_result res;
    progress_line pl;
    char gen[64], *msg = NULL;
    const char *bytes = NULL;
    size_t i;
    xmlDocPtr ret = NULL;
    return_file rf = {
        .fd = -1, .f = NULL, .map = NULL, .span = 0, .tmpdir = NULL};
    error_code e;
    int rc;

    int answered = 0;

    if ((e = begin(argc, argv, o, &s, &answered)) != ERR_OK || answered)
        return exit_status(e);
    generator(gen);
    memset(&mo, 0, sizeof mo);
    mo.rschema = s.rschema;
    mo.vocab = s.vocab;
    mo.rvocab = s.rvocab;
    mo.allow_partial = o->allow_partial;
    mo.max_findings = o->max_findings;
    mo.generator = gen;
    mo.version = CANVASS_VERSION;
    mo.stop = &interrupted;
    return_file_open(&rf, o);
    mo.out = rf.f;
    {
        /* for the tests: a small budget puts merge's sort of findings
         * through its runs on disk (findsort.c) with a few findings */
        const char *sb = getenv("CANVASS_SORT_BUDGET");
        long v;
        if (sb && !parse_count(sb, LONG_MAX, &v))
            mo.sort_budget = (size_t)v;
    }
    if (progress_start(&pl, PROGRESS_RETURNS, o)) {
        pl.total = bytes_of(argc, argv, optind);
        mo.progress = show_progress;
        mo.progress_ud = &pl;
    }
    e = merge_run((const char *const *)argv + optind, (size_t)(argc - optind),
                  &mo, &res);
    progress_free(&pl); /* erased before anything is said */
    if ((e == ERR_WRITE || e == ERR_NOSPACE || (e == ERR_READ && res.spill)) &&
        !interrupted) {
        if (res.spill) /* the findings' temporary file, not an output */
            fprintf(stderr, _("canvass: %s\n"), res.error);
        else
            return_file_said(&rf, o, e, res.error);
        rc = EXIT_IO;
        goto done;
    }
    if (e != ERR_OK || interrupted) {
        fprintf(stderr, _("canvass: %s\n"),
                interrupted || e == ERR_INTERRUPTED
                    ? _("interrupted; nothing written")
                    : error_string(e));
        rc = EXIT_IO;
        goto done;
    }
    diag_list_sort(&res.diags);
    print_diag_list(&res.diags, o, stderr);
    for (i = 0; i < res.nrefusals; i++)
        print_refusal(o, res.refusals[i].file, res.refusals[i].message);
    if (res.io_failed) {
        fprintf(stderr, _("canvass: some returns could not be read; no return "
                          "written\n"));
        rc = EXIT_IO;
        goto done;
    }
    if (!res.made) {
        fprintf(stderr, _("canvass: no return written\n"));
        rc = EXIT_INVALID;
        goto done;
    }
    for (i = 0; i < res.nexcluded; i++)
        fprintf(stderr, _("canvass: excluded from the return: %s\n"),
                res.excluded[i]);
    if (res.not_relisted)
        fprintf(stderr,
                _("canvass: %llu findings were left out of the inputs' lists "
                  "under a lower --max-findings: the merged list cannot show "
                  "them (they are counted under notListed); merge returns "
                  "made with the same --max-findings for the list build "
                  "would give\n"),
                res.not_relisted);
    if (rf.f && (e = return_file_map(&rf, o, res.len, &bytes)) != ERR_OK) {
        rc = exit_status(e); /* said */
        goto done;
    }
    if (!rf.map)
        bytes = res.xml;
    if (check_and_parse(bytes, res.len, rf.map != NULL, NULL, o, &s, &ret) !=
        ERR_OK) {
        rc = EXIT_IO;
        goto done;
    }
    rc = write_outputs(bytes, res.len, rf.map ? rf.fd : -1, ret, NULL, NULL, o,
                       &s);
    if (rc < 0)
        rc = EXIT_CLEAN;
done:
    xmlFreeDoc(ret); /* before the bytes it borrows */
    return_file_close(&rf);
    free(msg);
    merge_result_clear(&res);
    setup_free(&s);
    return rc;
}

/* ---- verify ------------------------------------------------------------- */

/* S as a JSON string (quotes included) on OUT. */
static void json_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out); /* i18n: not prose: JSON */
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static int print_verify_item(void *ud, const verify_item *it)
{
    const options *o = ud;
    static const char *const kinds[] = {"figure",           "unit-missing",
                                        "unit-extra",       "register-differs",
                                        "register-missing", "register-extra"};
    if (o->json) {
        printf("{\"kind\":\"%s\"", kinds[it->kind]); /* i18n: not prose */
        if (it->kind <= VERIFY_UNIT_EXTRA) {
            printf(",\"unit\":");
            json_str(stdout, it->unit);
            printf(",\"figure\":");
            json_str(stdout, it->figure);
            printf(",\"return\":");
            json_str(stdout, it->says);
            printf(",\"registers\":");
            json_str(stdout, it->gives);
        } else {
            printf(",\"register\":");
            json_str(stdout, it->file);
            printf(",\"return_sha256\":");
            json_str(stdout, it->says_sha256);
            printf(",\"sha256\":");
            json_str(stdout, it->gives_sha256);
            if (it->says_sha256)
                printf(",\"return_size\":%llu", it->says_size);
            if (it->gives_sha256)
                printf(",\"size\":%llu", it->gives_size);
        }
        printf("}\n");
        return 0;
    }
    switch (it->kind) {
    case VERIFY_FIGURE:
        printf(_("unit %s, %s: return says %s, registers give %s\n"), it->unit,
               it->figure, it->says ? it->says : "nothing",
               it->gives ? it->gives : "nothing");
        break;
    case VERIFY_UNIT_MISSING:
        printf(_("unit %s (%s): in the return, not made by the registers\n"),
               it->unit, it->figure);
        break;
    case VERIFY_UNIT_EXTRA:
        printf(_("unit %s (%s): made by the registers, not in the return\n"),
               it->unit, it->figure);
        break;
    case VERIFY_REG_DIFFERS:
        printf(_("register %s: differs from the one the return was made from "
                 "(return lists %llu bytes, SHA-256 %s; the file has %llu "
                 "bytes, SHA-256 %s)\n"),
               it->file, it->says_size, it->says_sha256, it->gives_size,
               it->gives_sha256);
        break;
    case VERIFY_REG_MISSING:
        printf(_("register %s: listed by the return, not given (SHA-256 %s)\n"),
               it->file, it->says_sha256);
        break;
    case VERIFY_REG_EXTRA:
        printf(_("register %s: given, not listed by the return\n"), it->file);
        break;
    }
    return 0;
}

static int cmd_verify(int argc, char **argv, options *o)
{
    setup s;
    batch_t *b = NULL;
    diag_list diags = {0};
    xmlDocPtr rebuilt = NULL;
    retdoc_file ret = {.fd = -1};
    retdoc_t *rd = NULL, *rb = NULL;
    verify_register *given = NULL;
    return_opts ro;
    return_file rf = {
        .fd = -1, .f = NULL, .map = NULL, .span = 0, .tmpdir = NULL};
    char gen[64], *msg = NULL, *xml = NULL;
    const char *path, *bytes = NULL;
    size_t i, len;
    long n;
    error_code e;
    int rc;

    int answered = 0, streamed;

    if ((e = begin(argc, argv, o, &s, &answered)) != ERR_OK || answered)
        return exit_status(e);
    path = argv[optind];
    /* its list is not read: verify compares figures and provenance */
    e = retdoc_load(path, s.rschema, 0, &diags, &ret);
    if (e == ERR_OK && !ret.valid)
        e = diag_list_take(&diags, &ret.invalid) != ERR_OK ? ERR_NOMEM
                                                           : ERR_INVALID;
    print_diag_list(&diags, o, stderr);
    if (ret.kind == RETDOC_KIND_REGISTER || e != ERR_OK) {
        char *m = ret.kind == RETDOC_KIND_REGISTER
                      ? error_format(_("%s is a register, not a return: "
                                       "verify takes the return first, then "
                                       "the registers"),
                                     path)
                      : error_format(_("%s: not a return that can be verified"),
                                     path);
        print_refusal(o, path, m ? m : error_string(ERR_NOMEM));
        free(m);
        rc = ret.kind == RETDOC_KIND_REGISTER ? EXIT_USAGE
             : e == ERR_INVALID               ? EXIT_INVALID
                                              : EXIT_IO;
        goto done;
    }
    if (retdoc_open(ret.doc, s.rvocab, &rd, &msg) != ERR_OK)
        goto nomem;
    /* the rules as the return was made with them, but for those --rule
     * names, as build would take them; the thresholds are the defaults or
     * those given, as in build (a return does not record them) */
    {
        audit_opts made;
        merge_severities(rd, &made);
        for (i = 0; i < RULE_COUNT_; i++)
            if (!o->rule_given[i])
                o->audit.severity[i] = made.severity[i];
    }
    optind++;
    if (!(b = run_batch(&s, o, argc, argv, NULL, &streamed, &e)) ||
        b->interrupted) {
        rc = EXIT_IO;
        goto done;
    }
    if (batch_each_diag(b, diag_lang_locale(), print_error, o) != ERR_OK) {
        fprintf(stderr, _("canvass: %s\n"), error_string(ERR_NOMEM));
        rc = EXIT_IO;
        goto done;
    }
    if (b->io_failed) {
        fprintf(stderr, _("canvass: some registers could not be read; nothing "
                          "verified\n"));
        rc = EXIT_IO;
        goto done;
    }
    return_opts_of(&s, o, SIZE_MAX, gen, &ro);
    /* every finding listed (the cap is the verified return's to apply):
     * to a file, as build's return of every finding */
    if ((e = return_make(&rf, 1, b, &ro, o, &xml, &bytes, &len)) != ERR_OK) {
        rc = exit_status(e);
        goto done;
    }
    if ((rf.map ? return_parse_mapped(bytes, len, &rebuilt, &msg)
                : return_parse(bytes, len, &rebuilt, &msg)) != ERR_OK ||
        retdoc_open(rebuilt, s.rvocab, &rb, &msg) != ERR_OK ||
        !(given = calloc(b->n + 1, sizeof *given)))
        goto nomem;
    for (i = 0; i < b->n; i++) {
        const char *slash = strrchr(b->regs[i].path, '/');
        given[i].file = slash ? slash + 1 : b->regs[i].path;
        given[i].sha256 = b->regs[i].rr.digest;
        given[i].size = b->regs[i].rr.size;
    }
    if ((n = verify_compare(rd, rb, given, b->n, print_verify_item, o)) < 0)
        goto nomem;
    if (n)
        fprintf(stderr,
                P_("canvass: %ld difference between %s and its "
                   "registers\n",
                   "canvass: %ld differences between %s and its "
                   "registers\n",
                   (unsigned long)n),
                n, path);
    else
        fprintf(stderr, _("canvass: %s matches its registers\n"), path);
    rc = n ? EXIT_INVALID : EXIT_CLEAN;
    goto done;
nomem:
    fprintf(stderr, _("canvass: out of memory\n"));
    rc = EXIT_IO;
done:
    free(msg);
    free(given);
    retdoc_free(rd);
    retdoc_free(rb);
    retdoc_file_close(&ret);
    xmlFreeDoc(rebuilt); /* before the bytes it borrows */
    return_file_close(&rf);
    free(xml);
    diag_list_clear(&diags);
    batch_free(b);
    setup_free(&s);
    return rc;
}

/* ---- main --------------------------------------------------------------- */

/* Each command: what it takes (inputs), whether it writes (-o and the
 * output options) and audits registers (--rule and the thresholds), and
 * its usage when given one input where it needs two. */
static const struct {
    const char *name;
    int (*fn)(int, char **, options *);
    const char *inputs;
    int writes, audits;
    const char *too_few;
} commands[] = {
    {"check", cmd_check, "register", 0, 1, NULL},
    {"build", cmd_build, "register", 1, 1, NULL},
    {"merge", cmd_merge, "return", 1, 0, NULL},
    {"verify", cmd_verify, "return", 0, 1,
     N_("verify needs the RETURN, then the REGISTERs it was made from")},
};

int main(int argc, char **argv)
{
    options o;
    struct sigaction sa;
    size_t i;
    int rc = -1;

    memset(&o, 0, sizeof o);
    o.lang = "zh";
    o.formats = FMT_XML | FMT_XLSX | FMT_DOCX | FMT_HTML | FMT_MD | FMT_CSV;
    o.max_findings = 1000;
    audit_opts_default(&o.audit);

    if (locale_init() != ERR_OK) {
        fprintf(stderr, "canvass: %s\n", error_string(ERR_NOMEM));
        return exit_status(ERR_NOMEM);
    }
    if (argc < 2) {
        fputs(_(usage_text), stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("canvass %s\n", CANVASS_VERSION);
        return EXIT_CLEAN;
    }
    if (!strcmp(argv[1], "--list-rules")) {
        /* hidden: the audit rule ids, one a line (for shell completion) */
        for (i = 0; i < RULE_COUNT_; i++)
            printf("%s\n", audit_rule_id((audit_rule)i));
        return EXIT_CLEAN;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(_(usage_text), stdout);
        return EXIT_CLEAN;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    xmlInitParser();
    exsltRegisterAll();
    for (i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) {
            o.cmd = commands[i].name;
            o.inputs = commands[i].inputs;
            o.writes = commands[i].writes;
            o.audits = commands[i].audits;
            o.too_few = commands[i].too_few;
            rc = commands[i].fn(argc - 1, argv + 1, &o);
        }
    if (rc < 0) {
        fprintf(stderr,
                _("canvass: unknown command '%s'\nTry 'canvass --help'.\n"),
                argv[1]);
        rc = EXIT_USAGE;
    }
    catalog_free(o.doc_cat);
    xsltCleanupGlobals();
    xmlCleanupParser();
    /* standard output that could not be written is a failure (ENOSPC,
     * EIO...): say it was standard output, and whether the outputs of a
     * build are nonetheless in place */
    errno = 0;
    if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
        int err = errno;
        fprintf(stderr, _("canvass: cannot write to standard output%s%s%s\n"),
                err ? ": " : "", err ? strerror(err) : "",
                o.wrote ? _("; the outputs are complete in the output folder, "
                            "only their list on standard output was lost")
                        : "");
        return EXIT_IO;
    }
    return rc;
}
