/*
 * verify.c — see verify.h.
 *
 * Figures are compared unit by unit with retdoc_diff, the comparison
 * merge uses to check that a return adds up; units are paired by level
 * and code. Registers: two passes over the provenance, by digest then by
 * name, each source matched at most once. O(units × figures) with a hash
 * per unit; O(registers²) for the provenance, which lists tens.
 */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    verify_fn fn;
    void *ud;
    const char *unit;
    long n;
    int stop;
} vctx;

static void emit(vctx *c, const verify_item *it)
{
    c->n++;
    if (!c->stop && c->fn(c->ud, it))
        c->stop = 1;
}

static int on_diff(void *ud, const char *path, const char *a, const char *b)
{
    vctx *c = ud;
    verify_item it;
    memset(&it, 0, sizeof it);
    it.kind = VERIFY_FIGURE;
    it.unit = c->unit;
    it.figure = path;
    it.says = a;
    it.gives = b;
    emit(c, &it);
    return 0;
}

static const char *unit_name(const retdoc_unit *u)
{
    return *u->code ? u->code : u->level;
}

static void field(vctx *c, const char *figure, const char *a, const char *b)
{
    if (strcmp(a, b))
        on_diff(c, figure, a, b);
}

long verify_compare(retdoc_t *ret, retdoc_t *rebuilt,
                    const verify_register *given, size_t n, verify_fn fn,
                    void *ud)
{
    const retdoc_campaign *ca = retdoc_campaign_of(ret);
    const retdoc_campaign *cb = retdoc_campaign_of(rebuilt);
    vctx c;
    size_t i, j, ns = retdoc_nsources(ret);
    char *used = NULL, *found = NULL;
    verify_item it;

    memset(&c, 0, sizeof c);
    c.fn = fn;
    c.ud = ud;
    c.unit = "return";
    field(&c, "campaign/id", ca->id, cb->id);
    field(&c, "campaign/title", ca->title, cb->title);
    field(&c, "campaign/start", ca->start, cb->start);
    field(&c, "campaign/end", ca->end, cb->end);
    field(&c, "campaign/reported", ca->reported, cb->reported);
    field(&c, "partial", retdoc_partial(ret) ? "true" : "false",
          retdoc_partial(rebuilt) ? "true" : "false");
    for (i = 0; i < retdoc_nunits(ret); i++) {
        const retdoc_unit *u = retdoc_unit_in_doc(ret, i);
        const retdoc_unit *v = retdoc_find(rebuilt, u->level, u->code);
        c.unit = unit_name(u);
        if (!v) {
            memset(&it, 0, sizeof it);
            it.kind = VERIFY_UNIT_MISSING;
            it.unit = c.unit;
            it.figure = u->level;
            emit(&c, &it);
        } else if (retdoc_diff(ret, u->node, rebuilt, v->node, on_diff, &c) <
                   0) {
            return -1;
        }
    }
    for (i = 0; i < retdoc_nunits(rebuilt); i++) {
        const retdoc_unit *v = retdoc_unit_in_doc(rebuilt, i);
        if (!retdoc_find(ret, v->level, v->code)) {
            memset(&it, 0, sizeof it);
            it.kind = VERIFY_UNIT_EXTRA;
            it.unit = unit_name(v);
            it.figure = v->level;
            emit(&c, &it);
        }
    }

    /* registers: by digest, then by name */
    if (!(used = calloc(ns + 1, 1)) || !(found = calloc(n + 1, 1))) {
        free(used);
        return -1;
    }
    for (j = 0; j < n; j++)
        for (i = 0; i < ns; i++)
            if (!used[i] &&
                !strcmp(retdoc_source_at(ret, i)->sha256, given[j].sha256)) {
                used[i] = found[j] = 1;
                break;
            }
    for (j = 0; j < n; j++) {
        if (found[j])
            continue;
        memset(&it, 0, sizeof it);
        it.file = given[j].file;
        it.gives_sha256 = given[j].sha256;
        it.gives_size = given[j].size;
        it.kind = VERIFY_REG_EXTRA;
        for (i = 0; i < ns; i++) {
            const retdoc_source *s = retdoc_source_at(ret, i);
            if (!used[i] && !strcmp(s->file, given[j].file)) {
                used[i] = 1;
                it.kind = VERIFY_REG_DIFFERS;
                it.says_sha256 = s->sha256;
                it.says_size = s->size;
                break;
            }
        }
        emit(&c, &it);
    }
    for (i = 0; i < ns; i++) {
        const retdoc_source *s = retdoc_source_at(ret, i);
        if (used[i])
            continue;
        memset(&it, 0, sizeof it);
        it.kind = VERIFY_REG_MISSING;
        it.file = s->file;
        it.says_sha256 = s->sha256;
        it.says_size = s->size;
        emit(&c, &it);
    }
    free(used);
    free(found);
    if (retdoc_error(ret) != ERR_OK || retdoc_error(rebuilt) != ERR_OK)
        return -1;
    return c.n;
}
