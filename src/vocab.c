/*
 * vocab.c — enumerations and their labels, read from an XSD.
 *
 * The schema is parsed once as a plain document (not compiled: the compiled
 * xmlSchema does not keep annotations in a usable form) and walked for
 * top-level xs:simpleType elements holding xs:restriction/xs:enumeration.
 * Strings are copied into the vocab so the document is freed right away.
 * Lookups are linear: the largest type has a handful of values.
 *
 * Declarations. Every xs:element and xs:attribute with a name is kept too,
 * with its type and its zh/en labels, for messages about them (a schema
 * error names the element and attribute in the user's words). An
 * attribute is keyed "owner/name": the owner is the nearest enclosing
 * xs:element's name, or "#T" when it sits in the named complex type T;
 * lookups for element E try "E/name", then "#T/name" for E's type T. A
 * named simple type T is kept as "~T" with its base, so that a value's
 * built-in type (xs:date...) can be found through our own restrictions.
 */
#include "vocab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "i18n.h"

#define XS_NS "http://www.w3.org/2001/XMLSchema"

typedef struct {
    char *name;
    vocab_item *items;
    size_t n;
} vtype;

typedef struct {
    char *key;     /* "element", "element/attr", "#complexType/attr", "~T" */
    char *typeref; /* the type="..." local name (or a simple type's base) */
    vocab_decl d;
} vdecl;

struct vocab {
    vtype *types;
    size_t n, cap;
    vdecl *decls;
    size_t n_decls, cap_decls;
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
    int fail = 0;

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
                fail |= !(item->zh = dup_text(doc));
            else if (lang && !strcmp((const char *)lang, "en") && !item->en)
                fail |= !(item->en = dup_text(doc));
            xmlFree(lang);
        }
    }
    /* a label that found no memory is a failure, not a missing label */
    if (!item->zh && !fail)
        item->zh = item->value ? strdup(item->value) : NULL;
    if (!item->en && !fail)
        item->en = item->value ? strdup(item->value) : NULL;
    return !fail && item->value && item->zh && item->en ? ERR_OK : ERR_NOMEM;
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

/* The labels of declaration N into D (zh, en): ERR_OK or ERR_NOMEM. */
static error_code load_labels(vocab_decl *d, const xmlNode *n)
{
    const xmlNode *ann, *doc;
    for (ann = n->children; ann; ann = ann->next) {
        if (!is_xs(ann, "annotation"))
            continue;
        for (doc = ann->children; doc; doc = doc->next) {
            xmlChar *lang;
            int fail = 0;
            if (!is_xs(doc, "documentation"))
                continue;
            lang = xmlNodeGetLang(doc);
            if (lang && !strcmp((const char *)lang, "zh") && !d->zh)
                fail = !(d->zh = dup_text(doc));
            else if (lang && !strcmp((const char *)lang, "en") && !d->en)
                fail = !(d->en = dup_text(doc));
            xmlFree(lang);
            if (fail)
                return ERR_NOMEM;
        }
    }
    return ERR_OK;
}

/* Copies the local part of a QName ("r:dwelling" -> "dwelling"). */
static char *local_name(const xmlChar *q)
{
    const char *c = strchr((const char *)q, ':');
    return strdup(c ? c + 1 : (const char *)q);
}

/* A new, empty declaration at the end of V's list (NULL: no memory). */
static vdecl *new_decl(vocab_t *v)
{
    vdecl *d;
    if (GROW(v->decls, v->n_decls + 1, v->cap_decls) != ERR_OK)
        return NULL;
    d = &v->decls[v->n_decls++];
    memset(d, 0, sizeof *d);
    return d;
}

/* The built-in base of an anonymous simple type inside N, if any. */
static xmlChar *anonymous_base(const xmlNode *n)
{
    const xmlNode *st, *r;
    for (st = n->children; st; st = st->next) {
        if (!is_xs(st, "simpleType"))
            continue;
        for (r = st->children; r && !is_xs(r, "restriction"); r = r->next)
            ;
        if (r)
            return xmlGetProp(r, BAD_CAST "base");
    }
    return NULL;
}

/* Adds the declaration N (xs:element or xs:attribute) owned by OWNER. */
static error_code add_decl(vocab_t *v, const xmlNode *n, const char *owner)
{
    xmlChar *name = xmlGetProp(n, BAD_CAST "name");
    xmlChar *type = xmlGetProp(n, BAD_CAST "type");
    xmlChar *base = NULL;
    int attr = is_xs(n, "attribute");
    error_code rc = ERR_NOMEM;
    vdecl *d;

    if (!name || (attr && !owner)) {
        rc = ERR_OK; /* a global attribute (xml:lang...): not a thing to name */
        goto done;
    }
    if (!(d = new_decl(v)))
        goto done;
    d->key = attr ? error_format("%s/%s", owner, (const char *)name)
                  : strdup((const char *)name);
    if (!d->key)
        goto done;
    if (type && !strncmp((const char *)type, "xs:", 3)) {
        if (!(d->d.xstype = strdup((const char *)type)))
            goto done;
    } else if (type && !(d->typeref = local_name(type))) {
        goto done;
    }
    d->d.type = d->typeref;
    /* an anonymous simple type restricting a built-in one */
    if (!type && (base = anonymous_base(n)) &&
        !strncmp((const char *)base, "xs:", 3) &&
        !(d->d.xstype = strdup((const char *)base)))
        goto done;
    rc = load_labels(&d->d, n);
done:
    xmlFree(name);
    xmlFree(type);
    xmlFree(base);
    return rc;
}

/* Keeps the base of named simple type ST as a declaration "~NAME" whose
 * typeref is the base (a type of ours) or xstype (a built-in type). */
static error_code add_simple(vocab_t *v, const xmlNode *st, const xmlChar *name)
{
    const xmlNode *r;
    xmlChar *base;
    vdecl *d;
    error_code rc = ERR_NOMEM;
    for (r = st->children; r && !is_xs(r, "restriction"); r = r->next)
        ;
    if (!r || !(base = xmlGetProp(r, BAD_CAST "base")))
        return ERR_OK;
    if (!(d = new_decl(v)) ||
        !(d->key = error_format("~%s", (const char *)name)))
        goto done;
    if (!strncmp((const char *)base, "xs:", 3))
        d->d.xstype = strdup((const char *)base);
    else
        d->typeref = local_name(base);
    if (d->d.xstype || d->typeref)
        rc = ERR_OK;
done:
    xmlFree(base);
    return rc;
}

/* Walks N's subtree for declarations; OWNER is the attribute owner key. */
static error_code load_decls(vocab_t *v, const xmlNode *n, const char *owner)
{
    const xmlNode *c;
    for (c = n->children; c; c = c->next) {
        xmlChar *name;
        char *key = NULL;
        error_code rc = ERR_OK;
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if ((is_xs(c, "element") || is_xs(c, "attribute")) &&
            add_decl(v, c, owner) != ERR_OK)
            return ERR_NOMEM;
        name = xmlGetProp(c, BAD_CAST "name");
        if (name && is_xs(c, "simpleType"))
            rc = add_simple(v, c, name);
        /* the owner key of what is declared inside: "E" or "#T" */
        if (name && (is_xs(c, "element") || is_xs(c, "complexType"))) {
            key = error_format("%s%s", is_xs(c, "element") ? "" : "#",
                               (const char *)name);
            if (!key)
                rc = ERR_NOMEM;
        }
        xmlFree(name);
        if (rc == ERR_OK)
            rc = load_decls(v, c, key ? key : owner);
        free(key);
        if (rc != ERR_OK)
            return rc;
    }
    return ERR_OK;
}

static const vdecl *find_decl(const vocab_t *v, const char *key)
{
    size_t i;
    for (i = 0; v && i < v->n_decls; i++)
        if (!strcmp(v->decls[i].key, key))
            return &v->decls[i];
    return NULL;
}

const vocab_decl *vocab_decl_find(const vocab_t *v, const char *element,
                                  const char *attribute)
{
    const vdecl *e, *a;
    char *key;
    if (!v || !element)
        return NULL;
    e = find_decl(v, element);
    if (!attribute)
        return e ? &e->d : NULL;
    if (!(key = error_format("%s/%s", element, attribute)))
        return NULL;
    a = find_decl(v, key);
    free(key);
    if (!a && e && e->typeref) {
        if (!(key = error_format("#%s/%s", e->typeref, attribute)))
            return NULL;
        a = find_decl(v, key);
        free(key);
    }
    return a ? &a->d : NULL;
}

const char *vocab_xstype(const vocab_t *v, const char *type)
{
    char key[160];
    const vdecl *d;
    int depth;
    if (type && !strncmp(type, "xs:", 3))
        return type;
    for (depth = 0; type && depth < 16; depth++) {
        if (strlen(type) + 2 > sizeof key)
            return NULL;
        snprintf(key, sizeof key, "~%s", type);
        if (!(d = find_decl(v, key)))
            return NULL;
        if (d->d.xstype)
            return d->d.xstype;
        type = d->typeref;
    }
    return NULL;
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
        error_set(msg, ERR_SCHEMA, _("%s: cannot read schema: %.*s"), path,
                  (int)(len && why[len - 1] == '\n' ? len - 1 : len), why);
        return NULL;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !is_xs(root, "schema")) {
        error_set(msg, ERR_SCHEMA, _("%s: not an XML Schema document"), path);
        goto fail;
    }
    if (!(v = calloc(1, sizeof *v)))
        goto nomem;
    for (n = root->children; n; n = n->next)
        if (is_xs(n, "simpleType") && load_type(v, n) != ERR_OK)
            goto nomem;
    if (load_decls(v, root, NULL) != ERR_OK)
        goto nomem;
    xmlFreeDoc(doc);
    return v;
nomem:
    error_set(msg, ERR_NOMEM, _("out of memory"));
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
    for (i = 0; i < v->n_decls; i++) {
        free(v->decls[i].key);
        free(v->decls[i].typeref);
        free((char *)v->decls[i].d.xstype);
        free((char *)v->decls[i].d.zh);
        free((char *)v->decls[i].d.en);
    }
    free(v->decls);
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
