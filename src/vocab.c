/*
 * vocab.c — enumerations and their labels, read from an XSD.
 *
 * The schema is parsed once as a plain document (not compiled: the compiled
 * xmlSchema does not keep annotations in a usable form) and walked for
 * top-level xs:simpleType elements holding xs:restriction/xs:enumeration.
 * Strings are copied into the vocab so the document is freed right away.
 * Lookups are linear: the largest type has a handful of values.
 */
#include "vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"

#define XS_NS "http://www.w3.org/2001/XMLSchema"

typedef struct {
    char *name;
    vocab_item *items;
    size_t n;
} vtype;

struct vocab {
    vtype *types;
    size_t n, cap;
};

static int is_xs(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->ns &&
           !strcmp((const char *)n->ns->href, XS_NS) &&
           !strcmp((const char *)n->name, local);
}

static char *dup_text(const xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    char *s;
    if (!t)
        return strdup("");
    s = strdup((const char *)t);
    xmlFree(t);
    return s;
}

/* Fills ITEM from an xs:enumeration element; ERR_OK or ERR_NOMEM. */
static error_code load_item(vocab_item *item, const xmlNode *en)
{
    const xmlNode *ann, *doc;
    xmlChar *value = xmlGetProp(en, BAD_CAST "value");

    item->value = strdup(value ? (const char *)value : "");
    xmlFree(value);
    for (ann = en->children; ann; ann = ann->next) {
        if (!is_xs(ann, "annotation"))
            continue;
        for (doc = ann->children; doc; doc = doc->next) {
            xmlChar *lang;
            if (!is_xs(doc, "documentation"))
                continue;
            lang = xmlNodeGetLang(doc);
            if (lang && !strcmp((const char *)lang, "zh") && !item->zh)
                item->zh = dup_text(doc);
            else if (lang && !strcmp((const char *)lang, "en") && !item->en)
                item->en = dup_text(doc);
            xmlFree(lang);
        }
    }
    if (!item->zh)
        item->zh = item->value ? strdup(item->value) : NULL;
    if (!item->en)
        item->en = item->value ? strdup(item->value) : NULL;
    return item->value && item->zh && item->en ? ERR_OK : ERR_NOMEM;
}

static error_code load_type(vocab_t *v, const xmlNode *st)
{
    const xmlNode *r, *en;
    xmlChar *name;
    vtype *t;
    size_t count = 0;

    for (r = st->children; r && !is_xs(r, "restriction"); r = r->next)
        ;
    if (!r)
        return ERR_OK;
    for (en = r->children; en; en = en->next)
        count += is_xs(en, "enumeration");
    if (!count)
        return ERR_OK;
    if (GROW(v->types, v->n + 1, v->cap) != ERR_OK)
        return ERR_NOMEM;
    t = &v->types[v->n++];
    memset(t, 0, sizeof *t);
    name = xmlGetProp(st, BAD_CAST "name");
    t->name = strdup(name ? (const char *)name : "");
    xmlFree(name);
    t->items = calloc(count, sizeof *t->items);
    if (!t->name || !t->items)
        return ERR_NOMEM;
    for (en = r->children; en; en = en->next)
        if (is_xs(en, "enumeration") &&
            load_item(&t->items[t->n++], en) != ERR_OK)
            return ERR_NOMEM;
    return ERR_OK;
}

vocab_t *vocab_load(const char *path, char **msg)
{
    vocab_t *v = NULL;
    xmlDoc *doc;
    const xmlNode *root, *n;

    doc = xmlReadFile(
        path, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        const char *why = e && e->message ? e->message : "not well-formed";
        size_t len = strlen(why);
        error_set(msg, ERR_SCHEMA, "%s: cannot read schema: %.*s", path,
                  (int)(len && why[len - 1] == '\n' ? len - 1 : len), why);
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !is_xs(root, "schema")) {
        error_set(msg, ERR_SCHEMA, "%s: not an XML Schema document", path);
        goto fail;
    }
    if (!(v = calloc(1, sizeof *v)))
        goto nomem;
    for (n = root->children; n; n = n->next)
        if (is_xs(n, "simpleType") && load_type(v, n) != ERR_OK)
            goto nomem;
    xmlFreeDoc(doc);
    return v;
nomem:
    error_set(msg, ERR_NOMEM, "out of memory");
fail:
    vocab_free(v);
    xmlFreeDoc(doc);
    return NULL;
}

void vocab_free(vocab_t *v)
{
    size_t i, j;
    if (!v)
        return;
    for (i = 0; i < v->n; i++) {
        for (j = 0; j < v->types[i].n; j++) {
            free((char *)v->types[i].items[j].value);
            free((char *)v->types[i].items[j].zh);
            free((char *)v->types[i].items[j].en);
        }
        free(v->types[i].items);
        free(v->types[i].name);
    }
    free(v->types);
    free(v);
}

static const vtype *find_type(const vocab_t *v, const char *type)
{
    size_t i;
    if (!v || !type)
        return NULL;
    for (i = 0; i < v->n; i++)
        if (!strcmp(v->types[i].name, type))
            return &v->types[i];
    return NULL;
}

const vocab_item *vocab_enum(const vocab_t *v, const char *type, size_t *n)
{
    const vtype *t = find_type(v, type);
    if (n)
        *n = t ? t->n : 0;
    return t ? t->items : NULL;
}

int vocab_index(const vocab_t *v, const char *type, const char *value)
{
    const vtype *t = find_type(v, type);
    size_t i;
    if (!t || !value)
        return -1;
    for (i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].value, value))
            return (int)i;
    return -1;
}

const char *vocab_label(const vocab_t *v, const char *type, const char *value,
                        const char *lang)
{
    const vtype *t = find_type(v, type);
    int i = vocab_index(v, type, value);
    if (i < 0)
        return value;
    return lang && !strcmp(lang, "en") ? t->items[i].en : t->items[i].zh;
}
