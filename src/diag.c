/*
 * diag.c — diagnostics: the lists tests and small callers use, their
 * order and their two text forms. The store that holds a register's
 * diagnostics compactly is diag_store.c.
 *
 * The text form is in the language of the locale (file:line:col: error:
 * in English, 文件：第N行第M列：错误： in Chinese); the JSON form keeps its
 * keys, severity and rule id in English, escapes everything that JSON
 * requires and passes UTF-8 through unchanged.
 */
#include "diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "buf.h"
#include "i18n.h"

static char *dup_or_null(const char *s, int *fail)
{
    char *d;
    if (!s)
        return NULL;
    if (!(d = strdup(s)))
        *fail = 1;
    return d;
}

static void diag_free(diag *d)
{
    free(d->file);
    free(d->rule);
    free(d->message);
    free(d->community);
    free(d->household);
    free(d->visit);
    free(d->item);
    free(d->cadre);
}

error_code diag_list_add(diag_list *l, const diag *d)
{
    diag c;
    int fail = 0;

    if (GROW(l->v, l->n + 1, l->cap) != ERR_OK)
        return ERR_NOMEM;
    c = *d;
    c.file = dup_or_null(d->file ? d->file : "", &fail);
    c.rule = dup_or_null(d->rule ? d->rule : "schema", &fail);
    c.message = dup_or_null(d->message ? d->message : "", &fail);
    c.community = dup_or_null(d->community, &fail);
    c.household = dup_or_null(d->household, &fail);
    c.visit = dup_or_null(d->visit, &fail);
    c.item = dup_or_null(d->item, &fail);
    c.cadre = dup_or_null(d->cadre, &fail);
    if (fail) {
        diag_free(&c);
        return ERR_NOMEM;
    }
    l->v[l->n++] = c;
    return ERR_OK;
}

error_code diag_list_take(diag_list *to, diag_list *from)
{
    if (!from->n)
        return ERR_OK;
    if (GROW(to->v, to->n + from->n, to->cap) != ERR_OK)
        return ERR_NOMEM;
    memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
    to->n += from->n;
    from->n = 0;
    return ERR_OK;
}

static int cmp_opt(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

int diag_cmp(const diag *x, const diag *y)
{
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if ((c = strcmp(x->rule, y->rule)))
        return c;
    if ((c = strcmp(x->message, y->message)))
        return c;
    /* then the ids and the severity, so that equal keys never depend on
     * the order qsort met them in (merge re-sorts findings of several
     * returns and must find build's order) */
    if ((c = cmp_opt(x->community, y->community)) ||
        (c = cmp_opt(x->household, y->household)) ||
        (c = cmp_opt(x->visit, y->visit)) || (c = cmp_opt(x->item, y->item)) ||
        (c = cmp_opt(x->cadre, y->cadre)))
        return c;
    return (int)x->severity - (int)y->severity;
}

static int cmp(const void *a, const void *b)
{
    return diag_cmp(a, b);
}

void diag_list_sort(diag_list *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp);
}

void diag_list_clear(diag_list *l)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        diag_free(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

const char *diag_severity_name(diag_severity s)
{
    return s == DIAG_WARNING ? "warning" : "error";
}

/* Cuts FMT into at most DIAG_FRAME_PIECES pieces at PC (*NP of them) if
 * its conversions are %s, %u or %% only (numbered or not, not mixed),
 * taking argument k as a number exactly when bit k of NUMS is set, each
 * of the N arguments at least once or not at all: 1, else 0. */
static int frame_cut(const char *fmt, unsigned nums, int n,
                     diag_frame_piece *pc, int *np)
{
    int seq = 0, numbered = -1, k = 0;
    const char *p = fmt;
    for (;;) {
        const char *pct = strchr(p, '%');
        size_t lit = pct ? (size_t)(pct - p) : strlen(p);
        int a = seq, isnum;
        if (lit) {
            if (k == DIAG_FRAME_PIECES)
                return 0;
            pc[k++] = (diag_frame_piece){p, (unsigned)lit, -1};
        }
        if (!pct)
            break;
        p = pct + 1;
        if (k == DIAG_FRAME_PIECES)
            return 0;
        if (*p == '%') {
            pc[k++] = (diag_frame_piece){"%", 1, -1};
            p++;
            continue;
        }
        if (*p >= '1' && *p <= '9' && p[1] == '$') {
            a = *p - '1';
            p += 2;
            if (numbered == 0)
                return 0;
            numbered = 1;
        } else {
            if (numbered == 1)
                return 0;
            numbered = 0;
            seq++;
        }
        if (a >= n || (*p != 's' && *p != 'u'))
            return 0;
        isnum = *p == 'u';
        if (isnum != (int)((nums >> a) & 1))
            return 0;
        pc[k++] = (diag_frame_piece){NULL, 0, a};
        p++;
    }
    *np = k;
    return 1;
}

void diag_text_form_check(diag_text_form *f)
{
    static const char at[] = "%s:%u:%u: %s: %s [%s]";
    static const char whole[] = "%s: %s: %s [%s]";
    f->at_np = f->whole_np = 0;
    if (!frame_cut(f->at, 6u, 6, f->at_pc, &f->at_np)) {
        f->at = at;
        frame_cut(at, 6u, 6, f->at_pc, &f->at_np);
    }
    if (!frame_cut(f->whole, 0u, 4, f->whole_pc, &f->whole_np)) {
        f->whole = whole;
        frame_cut(whole, 0u, 4, f->whole_pc, &f->whole_np);
    }
}

void diag_text_form_locale(diag_text_form *f)
{
    f->warning = _("warning");
    f->error = _("error");
    /* TRANSLATORS: file, line, column, severity, message, rule id */
    f->at = _("%s:%u:%u: %s: %s [%s]");
    /* the whole file: no position to give */
    /* TRANSLATORS: file, severity, message, rule id */
    f->whole = _("%s: %s: %s [%s]");
    diag_text_form_check(f);
}

/* Appends the frame cut into the NP pieces PC with the strings S (NULL
 * where the argument is the number at the same place in U), N of them:
 * one reservation and copies (vsnprintf was a third of printing a
 * diagnostic). */
static void frame_put(buf_t *b, const diag_frame_piece *pc, int np,
                      const char *const *s, const unsigned *u, int n)
{
    const char *val[6] = {NULL};
    size_t len[6] = {0}, need = 0;
    char num[6][12];
    char *at;
    int i;
    if (n > 6)
        return; /* frames take 6 or 4 arguments */
    for (i = 0; i < n; i++) {
        if (s[i]) {
            val[i] = s[i];
        } else {
            char *q = num[i] + sizeof num[i];
            unsigned v = u[i];
            do
                *--q = (char)('0' + v % 10);
            while (v /= 10);
            val[i] = q;
        }
        len[i] =
            s[i] ? strlen(s[i]) : (size_t)(num[i] + sizeof num[i] - val[i]);
    }
    for (i = 0; i < np; i++) {
        if (!pc[i].lit && (pc[i].arg < 0 || pc[i].arg >= n))
            return; /* frame_cut let no such piece through */
        need += pc[i].lit ? pc[i].len : len[pc[i].arg];
    }
    if (!(at = buf_extend(b, need)))
        return;
    for (i = 0; i < np; i++) {
        size_t l = pc[i].lit ? pc[i].len : len[pc[i].arg];
        memcpy(at, pc[i].lit ? pc[i].lit : val[pc[i].arg], l);
        at += l;
    }
}

void diag_append_text_in(buf_t *b, const diag *d, const diag_text_form *f)
{
    /* the severity in the user's words; JSON keeps the stable English */
    const char *sev = d->severity == DIAG_WARNING ? f->warning : f->error;
    if (d->line) {
        const char *s[6] = {d->file, NULL, NULL, sev, d->message, d->rule};
        const unsigned u[6] = {0, d->line, d->col, 0, 0, 0};
        frame_put(b, f->at_pc, f->at_np, s, u, 6);
    } else {
        const char *s[4] = {d->file, sev, d->message, d->rule};
        const unsigned u[4] = {0};
        frame_put(b, f->whole_pc, f->whole_np, s, u, 4);
    }
}

void diag_append_text(buf_t *b, const diag *d)
{
    diag_text_form f;
    diag_text_form_locale(&f);
    diag_append_text_in(b, d, &f);
}

char *diag_format_text(const diag *d)
{
    buf_t b = BUF_INIT;
    diag_append_text(&b, d);
    return buf_detach(&b);
}

static const char *locale_text(const diag_lang *l, const char *msgid)
{
    (void)l;
    return dgettext(I18N_DOMAIN, msgid);
}

static const char *locale_plural(const diag_lang *l, const char *singular,
                                 const char *plural, unsigned long n)
{
    (void)l;
    return dngettext(I18N_DOMAIN, singular, plural, n);
}

const diag_lang *diag_lang_locale(void)
{
    static const diag_lang locale = {locale_text, locale_plural, NULL};
    return &locale;
}

/* Appends the JSON string literal of S to B. */
static void json_str(buf_t *b, const char *s)
{
    const char *run = s;

    buf_puts(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        buf_add(b, run, (size_t)(s - run));
        run = s + 1;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c == '\n')
            buf_puts(b, "\\n");
        else if (c == '\t')
            buf_puts(b, "\\t");
        else
            buf_printf(b, "\\u%04x", c);
    }
    buf_add(b, run, (size_t)(s - run));
    buf_puts(b, "\"");
}

void diag_append_json(buf_t *out, const diag *d)
{
    const char *keys[] = {"community", "household", "visit", "item", "cadre"};
    const char *vals[] = {d->community, d->household, d->visit, d->item,
                          d->cadre};
    size_t i;

    buf_puts(out, "{\"file\":");
    json_str(out, d->file);
    buf_printf(out,
               ",\"line\":%u,\"col\":%u,\"severity\":\"%s\",\"rule\":", d->line,
               d->col, diag_severity_name(d->severity));
    json_str(out, d->rule);
    buf_puts(out, ",\"message\":");
    json_str(out, d->message);
    for (i = 0; i < 5; i++) {
        if (!vals[i])
            continue;
        buf_printf(out, ",\"%s\":", keys[i]);
        json_str(out, vals[i]);
    }
    buf_puts(out, "}");
}

char *diag_format_json(const diag *d)
{
    buf_t b = BUF_INIT;
    diag_append_json(&b, d);
    return buf_detach(&b);
}
