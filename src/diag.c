/*
 * diag.c — diagnostic lists, their order and their two text forms.
 *
 * Messages are built by the modules that find problems; this file only
 * stores, sorts and formats them. The JSON form escapes everything that
 * JSON requires and passes UTF-8 through unchanged.
 */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        diag *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return ERR_NOMEM;
        l->v = v;
        l->cap = cap;
    }
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
    if (to->n + from->n > to->cap) {
        size_t cap = to->n + from->n;
        diag *v = realloc(to->v, cap * sizeof *v);
        if (!v)
            return ERR_NOMEM;
        to->v = v;
        to->cap = cap;
    }
    memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
    to->n += from->n;
    from->n = 0;
    return ERR_OK;
}

static int cmp(const void *a, const void *b)
{
    const diag *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if ((c = strcmp(x->rule, y->rule)))
        return c;
    return strcmp(x->message, y->message);
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

char *diag_format_text(const diag *d)
{
    size_t len = strlen(d->file) + strlen(d->message) + strlen(d->rule) + 64;
    char *s = malloc(len);
    if (!s)
        return NULL;
    if (d->line)
        snprintf(s, len, "%s:%u:%u: %s: %s [%s]", d->file, d->line, d->col,
                 diag_severity_name(d->severity), d->message, d->rule);
    else /* the whole file: no position to give */
        snprintf(s, len, "%s: %s: %s [%s]", d->file,
                 diag_severity_name(d->severity), d->message, d->rule);
    return s;
}

/* Appends JSON string literal of S to BUF (room already ensured). */
static char *json_str(char *o, const char *s)
{
    *o++ = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c == '\n') {
            *o++ = '\\';
            *o++ = 'n';
        } else if (c == '\t') {
            *o++ = '\\';
            *o++ = 't';
        } else if (c < 0x20) {
            o += sprintf(o, "\\u%04x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    return o;
}

char *diag_format_json(const diag *d)
{
    const char *keys[] = {"community", "household", "visit", "item", "cadre"};
    const char *vals[] = {d->community, d->household, d->visit, d->item,
                          d->cadre};
    size_t len = 256, i;
    char *s, *o;

    len += 6 * (strlen(d->file) + strlen(d->message) + strlen(d->rule));
    for (i = 0; i < 5; i++)
        if (vals[i])
            len += 6 * strlen(vals[i]) + 16;
    if (!(s = malloc(len)))
        return NULL;
    o = s;
    o += sprintf(o, "{\"file\":");
    o = json_str(o, d->file);
    o += sprintf(o, ",\"line\":%u,\"col\":%u,\"severity\":\"%s\",\"rule\":",
                 d->line, d->col, diag_severity_name(d->severity));
    o = json_str(o, d->rule);
    o += sprintf(o, ",\"message\":");
    o = json_str(o, d->message);
    for (i = 0; i < 5; i++) {
        if (!vals[i])
            continue;
        o += sprintf(o, ",\"%s\":", keys[i]);
        o = json_str(o, vals[i]);
    }
    *o++ = '}';
    *o = 0;
    return s;
}
