/*
 * schemaerr.c — libxml2's errors as messages for community staff.
 *
 * libxml2 reports a validity error as a code plus an English sentence
 * whose shape is fixed by the code: a prefix "Element '{ns}E', attribute
 * 'A': " (xmlSchemaFormatNodeForError), then the complaint, with the value
 * in str1 and, for enumerations and patterns, the allowed set or pattern in
 * str2. We take the element and attribute from the prefix, the rest from
 * the structured fields, and write a sentence of our own through gettext:
 *
 *   zh: 住户的 dwelling（住房类型）取值“平房”无效，应为 building（楼房）或
 *       bungalow（平房）——“平房”是 bungalow 的名称，请填写 bungalow
 *   en: household: dwelling "平房" is not allowed: use building or
 *       bungalow ("平房" is the label of bungalow: write bungalow)
 *
 * Covered: enumeration, pattern, data types (dates, years, numbers,
 * booleans), lengths and bounds, a missing required attribute, an
 * attribute not allowed, an unexpected or missing element, and the
 * parser's encoding, truncation and markup errors. Anything else keeps
 * libxml2's text (one line, namespaces removed, personal values withheld)
 * behind a marker saying it is libxml2's.
 *
 * Personal data: the values of the attributes name, born, sex, address and
 * the text of opinion, suggestion and p are never repeated, in our
 * sentences or in libxml2's.
 */
#include "schemaerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"

#define REG_NS "urn:canvass:register:1"
#define MAX_NAME 128

static const char *const personal_attrs[] = {"name", "born", "sex", "address"};
static const char *const text_elements[] = {"opinion", "suggestion", "p"};

const char *schemaerr_label_lang(void)
{
    return i18n_label_lang();
}

/* ---- what libxml2 said -------------------------------------------------- */

typedef struct {
    char element[MAX_NAME];   /* local name, "" if none */
    char attribute[MAX_NAME]; /* "" if none */
    const char *rest;         /* the message after the prefix */
    int personal;             /* the value must not be repeated */
} subject;

/* The length of P's first N bytes cut to fit SIZE - 1 bytes, at a
 * character boundary (names are UTF-8: a cut inside a character would
 * put invalid UTF-8 in a message). */
static size_t fit_name(const char *p, size_t n, size_t size)
{
    if (n < size)
        return n;
    n = size - 1;
    while (n && ((unsigned char)p[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* Copies the quoted name at P (after "'") into OUT without a {ns} part;
 * returns the position after the closing quote, or NULL. */
static const char *quoted_name(const char *p, char *out, size_t size)
{
    const char *end = strchr(p, '\'');
    size_t n;
    if (!end)
        return NULL;
    if (*p == '{') {
        const char *close = memchr(p, '}', (size_t)(end - p));
        if (close)
            p = close + 1;
    }
    n = fit_name(p, (size_t)(end - p), size);
    memcpy(out, p, n);
    out[n] = 0;
    return end + 1;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!strcmp(s, list[i]))
            return 1;
    return 0;
}

static void parse_subject(const char *m, subject *s)
{
    const char *p = m;
    memset(s, 0, sizeof *s);
    s->rest = m;
    if (!strncmp(p, "Element '", 9) &&
        (p = quoted_name(p + 9, s->element, sizeof s->element))) {
        if (!strncmp(p, ", attribute '", 13))
            p = quoted_name(p + 13, s->attribute, sizeof s->attribute);
        if (p && !strncmp(p, ": ", 2))
            s->rest = p + 2;
    }
    if (*s->attribute)
        s->personal = in_list(s->attribute, personal_attrs,
                              sizeof personal_attrs / sizeof *personal_attrs);
    else if (*s->element)
        s->personal = in_list(s->element, text_elements,
                              sizeof text_elements / sizeof *text_elements);
}

/* ---- names in the user's words ------------------------------------------ */

/* An element as the reader knows it: its label in Chinese, its name in
 * English (the name is what the file says). */
static void put_element(buf_t *b, const vocab_t *v, const char *element,
                        const char *lang)
{
    const vocab_decl *d = vocab_decl_find(v, element, NULL);
    if (!strcmp(lang, "zh") && d && d->zh)
        buf_printf(b, "%s", d->zh);
    else
        buf_printf(b, "<%s>", element);
}

/* An attribute or an element named in a list: "dwelling（住房类型）" in
 * Chinese, "dwelling" in English. */
static void put_named(buf_t *b, const vocab_t *v, const char *element,
                      const char *attribute, const char *lang)
{
    const vocab_decl *d = vocab_decl_find(v, element, attribute);
    const char *name = attribute ? attribute : element;
    if (!strcmp(lang, "zh") && d && d->zh)
        /* TRANSLATORS: a name in the file and its label: dwelling (住房类型) */
        buf_printf(b, C_("schema error", "%s (%s)"), name, d->zh);
    else
        buf_printf(b, "%s", name);
}

static void put_value(buf_t *b, const char *value, int personal)
{
    if (personal || !value)
        buf_printf(b, "%s", _("(personal data, not shown)"));
    else
        /* TRANSLATORS: a value quoted from the register */
        buf_printf(b, C_("schema error", "\"%s\""), value);
}

/* The allowed values of an enumeration, from libxml2's "'a', 'b'" list,
 * each with its label of TYPE in Chinese. Sets *LABEL_OF to the allowed
 * value whose label VALUE is, if any (borrowed from the copy in *HOLD). */
static void put_allowed(buf_t *b, const vocab_t *v, const char *type,
                        const char *set, const char *value, const char *lang,
                        char **hold, const char **label_of)
{
    char *copy = strdup(set ? set : ""), *p, *vals[64];
    size_t n = 0, i;
    if (!copy) {
        b->oom = 1;
        return;
    }
    *hold = copy;
    for (p = copy; *p && n < 64;) {
        char *q, *end;
        if (!(q = strchr(p, '\'')) || !(end = strchr(q + 1, '\'')))
            break;
        *end = 0;
        vals[n++] = q + 1;
        p = end + 1;
    }
    for (i = 0; i < n; i++) {
        const vocab_item *items;
        size_t k, m;
        if (!type || !value)
            continue;
        items = vocab_enum(v, type, &m);
        for (k = 0; k < m; k++)
            if (!strcmp(items[k].value, vals[i]) &&
                (!strcmp(items[k].zh, value) || !strcmp(items[k].en, value)) &&
                strcmp(vals[i], value))
                *label_of = vals[i];
    }
    if (n > 2)
        buf_printf(b, "%s", C_("schema error", "one of "));
    for (i = 0; i < n; i++) {
        const char *label = type ? vocab_label(v, type, vals[i], "zh") : NULL;
        if (i && n == 2)
            buf_printf(b, "%s", C_("schema error", " or "));
        else if (i)
            buf_printf(b, "%s", C_("schema error", ", "));
        if (!strcmp(lang, "zh") && label && strcmp(label, vals[i]))
            buf_printf(b, C_("schema error", "%s (%s)"), vals[i], label);
        else
            buf_printf(b, "%s", vals[i]);
    }
}

/* What a built-in type expects, in words; NULL when we have none. */
static const char *type_words(const char *xstype)
{
    static const struct {
        const char *type;
        const char *words;
    } types[] = {
        {"xs:date", N_("a date written YYYY-MM-DD, such as 2011-09-30")},
        {"xs:gYear", N_("a year of four digits, such as 1950")},
        {"xs:boolean", N_("true or false")},
        {"xs:integer", N_("a whole number")},
        {"xs:nonNegativeInteger", N_("a whole number, 0 or more")},
        {"xs:positiveInteger", N_("a whole number, 1 or more")},
        {"xs:decimal", N_("a number")},
    };
    size_t i;
    for (i = 0; xstype && i < sizeof types / sizeof *types; i++)
        if (!strcmp(xstype, types[i].type))
            return _(types[i].words);
    return NULL;
}

/* The register schema's id (register.xsd, type "id"): its pattern, and
 * what it and the type's maxLength ask for together, in words. An id too
 * long is told the same sentence as an id of the wrong characters, so a
 * value that is both gets one error (reader.c drops a repeat). */
#define ID_TYPE "id"
#define ID_PATTERN "[A-Za-z0-9_][A-Za-z0-9_.\\-]*"
#define ID_WORDS                                                               \
    _("an id of at most 64 letters, digits, '_', '-' or '.', "                 \
      "not beginning with '-' or '.'")

/* What a pattern of the schema asks for, in words; NULL when we have none. */
static const char *pattern_words(const char *pattern)
{
    if (!pattern)
        return NULL;
    if (!strcmp(pattern, "[0-9]{12}"))
        return _("12 digits (the statistical division code)");
    if (!strcmp(pattern, ID_PATTERN))
        return ID_WORDS;
    return NULL;
}

/* The type named in "... of the atomic type 'xs:date'." into OUT. */
static int message_type(const char *rest, char *out, size_t size)
{
    const char *p = strstr(rest, " type '");
    return p && quoted_name(p + 7, out, size) ? 0 : -1;
}

/* "( a, b )" or "one of ( a, b )" after "Expected is " into the names. */
static void put_expected(buf_t *b, const vocab_t *v, const char *rest,
                         const char *lang)
{
    const char *p = strstr(rest, "Expected is ");
    const char *open, *close;
    char name[MAX_NAME];
    int first = 1;
    if (!p || !(open = strchr(p, '(')) || !(close = strchr(open, ')')))
        return;
    for (p = open + 1; p < close;) {
        const char *q;
        size_t n;
        while (p < close && (*p == ' ' || *p == ','))
            p++;
        for (q = p; q < close && *q != ',' && *q != ' '; q++)
            ;
        if (q == p)
            break;
        if (*p == '{') {
            const char *c = memchr(p, '}', (size_t)(q - p));
            if (c)
                p = c + 1;
        }
        n = fit_name(p, (size_t)(q - p), sizeof name);
        memcpy(name, p, n);
        name[n] = 0;
        if (!first)
            buf_printf(b, "%s", C_("schema error", " or "));
        put_named(b, v, name, NULL, lang);
        first = 0;
        p = q;
    }
}

/* ---- the fallback: libxml2's words ------------------------------------- */

/* libxml2's message on one line, without the register's namespace, and
 * with the quoted values withheld when the subject is personal. */
static void put_libxml2(buf_t *b, const char *m, const subject *s)
{
    buf_t t = {0};
    const char *p = m;
    char *text;
    size_t nl = strlen("{" REG_NS "}");
    while (*p) {
        if (!strncmp(p, "{" REG_NS "}", nl)) {
            p += nl;
            continue;
        }
        if (s->personal && p >= s->rest &&
            (!strncmp(p, ": '", 3) || !strncmp(p, "value '", 7) ||
             (p == s->rest && *p == '\''))) {
            size_t lead = *p == ':' ? 3 : *p == '\'' ? 1 : 7;
            const char *q = strchr(p + lead, '\'');
            if (q) {
                buf_printf(&t, "%.*s%s'", (int)lead, p,
                           _("(personal data, not shown)"));
                p = q + 1;
                continue;
            }
        }
        buf_printf(&t, "%c", *p == '\n' || *p == '\r' ? ' ' : *p);
        p++;
    }
    if (!(text = buf_detach(&t))) {
        b->oom = 1;
        return;
    }
    while (*text && text[strlen(text) - 1] == ' ')
        text[strlen(text) - 1] = 0;
    /* TRANSLATORS: %s is libxml2's own English message, not translated */
    buf_printf(b, _("%s (libxml2's words, not rewritten)"), text);
    free(text);
}

/* ---- parser errors ------------------------------------------------------ */

static const char *parser_words(int code)
{
    switch (code) {
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_ENCODING:
        return _("the text is not valid in the register's encoding (bytes "
                 "that are not UTF-8, or not the encoding its <?xml "
                 "encoding=...?> declares): save the register again as "
                 "UTF-8");
    case XML_ERR_DOCUMENT_EMPTY:
        return _("the register has no XML in it: export it again");
    case XML_ERR_DOCUMENT_END:
        return _("there is more after </register>: a register holds one "
                 "<register> element only");
    case XML_ERR_TAG_NAME_MISMATCH:
        return _("an end tag does not match its start tag: an element is "
                 "closed with another name, or not closed");
    case XML_ERR_TAG_NOT_FINISHED:
        return _("the file ends before all its elements are closed: the "
                 "register is truncated; export it again");
    case XML_ERR_LT_IN_ATTRIBUTE:
        return _("an attribute value contains '<': write it as &lt;");
    case XML_ERR_ATTRIBUTE_REDEFINED:
        return _("an attribute is given twice on the same element");
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_EQUAL_REQUIRED:
    case XML_ERR_STRING_NOT_CLOSED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
        return _("an attribute is not written name=\"value\": check the "
                 "quotes and the '=' of this tag");
    case XML_ERR_GT_REQUIRED:
    case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_NAME_REQUIRED:
        return _("a tag is not closed or not well written: check the '<', "
                 "'>' and '/' of this tag");
    case XML_ERR_UNDECLARED_ENTITY:
        return _("an undefined entity (&name;): write '&' as &amp;");
    default:
        return NULL;
    }
}

/* ---- the message -------------------------------------------------------- */

char *schemaerr_message(const xmlError *e, const vocab_t *v)
{
    return schemaerr_message_withheld(e, v, 0, NULL);
}

char *schemaerr_message_withheld(const xmlError *e, const vocab_t *v,
                                 int withhold, int *rewritten)
{
    const char *lang = schemaerr_label_lang();
    const char *m = e && e->message ? e->message : "";
    const char *words, *label_of = NULL;
    const vocab_decl *d;
    int id_long;
    char *hold = NULL, xstype[MAX_NAME];
    subject s;
    buf_t b = {0};

    parse_subject(m, &s);
    s.personal |= withhold;
    if (rewritten)
        *rewritten = 1;
    if (e && e->domain == XML_FROM_PARSER) {
        if (!(words = parser_words(e->code)))
            goto fallback;
        buf_printf(&b, "%s", words);
        return buf_detach(&b);
    }
    if (!e || !*s.element)
        goto fallback;
    d = *s.attribute ? vocab_decl_find(v, s.element, s.attribute) : NULL;
    /* an id too long is said as one of the wrong form */
    id_long = e->code == XML_SCHEMAV_CVC_MAXLENGTH_VALID && d && d->type &&
              !strcmp(d->type, ID_TYPE);

    switch (id_long ? XML_SCHEMAV_CVC_PATTERN_VALID : e->code) {
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        if (!*s.attribute)
            goto fallback;
        put_element(&b, v, s.element, lang);
        /* TRANSLATORS: "<household>" / 住户, then the attribute: 住户的 dwelling（住房类型）取值 */
        buf_printf(&b, "%s", C_("schema error", ": "));
        put_named(&b, v, s.element, s.attribute, lang);
        buf_printf(&b, "%s", C_("schema error", " value "));
        put_value(&b, e->str1, s.personal);
        buf_printf(&b, "%s", _(" is not allowed: use "));
        put_allowed(&b, v, d ? d->type : NULL, e->str2, e->str1, lang, &hold,
                    &label_of);
        if (label_of && !s.personal)
            buf_printf(&b, _(" (\"%s\" is the label of %s: write %s)"), e->str1,
                       label_of, label_of);
        break;
    case XML_SCHEMAV_CVC_PATTERN_VALID:
        if (!*s.attribute)
            goto fallback;
        put_element(&b, v, s.element, lang);
        buf_printf(&b, "%s", C_("schema error", ": "));
        put_named(&b, v, s.element, s.attribute, lang);
        buf_printf(&b, "%s", C_("schema error", " value "));
        put_value(&b, e->str1, s.personal);
        if ((words = id_long ? ID_WORDS : pattern_words(e->str2)))
            buf_printf(&b, _(" is not in the required form: write %s"), words);
        else
            buf_printf(&b, _(" does not match the pattern %s"),
                       e->str2 ? e->str2 : "?");
        break;
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
        if (!*s.attribute || message_type(s.rest, xstype, sizeof xstype) ||
            !(words = type_words(vocab_xstype(v, xstype))))
            goto fallback;
        put_element(&b, v, s.element, lang);
        buf_printf(&b, "%s", C_("schema error", ": "));
        put_named(&b, v, s.element, s.attribute, lang);
        buf_printf(&b, "%s", C_("schema error", " value "));
        put_value(&b, e->str1, s.personal);
        buf_printf(&b, _(" is not valid: it must be %s"), words);
        break;
    case XML_SCHEMAV_CVC_MINLENGTH_VALID:
    case XML_SCHEMAV_CVC_MAXLENGTH_VALID:
    case XML_SCHEMAV_CVC_LENGTH_VALID:
    case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID: {
        /* the limit is the last number of libxml2's sentence */
        const char *p = s.rest + strlen(s.rest), *q;
        unsigned long limit;
        while (p > s.rest && !(p[-1] >= '0' && p[-1] <= '9'))
            p--;
        for (q = p; q > s.rest && q[-1] >= '0' && q[-1] <= '9'; q--)
            ;
        if (q == p)
            goto fallback;
        put_element(&b, v, s.element, lang);
        buf_printf(&b, "%s", C_("schema error", ": "));
        if (*s.attribute)
            put_named(&b, v, s.element, s.attribute, lang);
        else
            buf_printf(&b, "%s", _("the text"));
        limit = strtoul(q, NULL, 10);
        if (e->code == XML_SCHEMAV_CVC_MINLENGTH_VALID)
            buf_printf(&b,
                       P_(" is too short: at least %lu character",
                          " is too short: at least %lu characters", limit),
                       limit);
        else if (e->code == XML_SCHEMAV_CVC_MAXLENGTH_VALID)
            buf_printf(&b,
                       P_(" is too long: at most %lu character",
                          " is too long: at most %lu characters", limit),
                       limit);
        else if (e->code == XML_SCHEMAV_CVC_LENGTH_VALID)
            buf_printf(&b,
                       P_(" must have exactly %lu character",
                          " must have exactly %lu characters", limit),
                       limit);
        else if (e->code == XML_SCHEMAV_CVC_MININCLUSIVE_VALID)
            buf_printf(&b, _(" is too small: at least %lu"), limit);
        else
            buf_printf(&b, _(" is too large: at most %lu"), limit);
        break;
    }
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        if (!e->str1)
            goto fallback;
        put_element(&b, v, s.element, lang);
        buf_printf(&b, "%s", _(" has no "));
        put_named(&b, v, s.element, e->str1, lang);
        buf_printf(&b, _(", which is required: add %s=\"...\""), e->str1);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
        if (!*s.attribute)
            goto fallback;
        put_element(&b, v, s.element, lang);
        buf_printf(&b,
                   _(" does not take an attribute %s: remove it, or "
                     "check its spelling"),
                   s.attribute);
        break;
    case XML_SCHEMAV_ELEMENT_CONTENT:
        /* libxml2's words, matched */
        if (strstr(s.rest,
                   "This element is not expected")) { /* i18n: not prose */
            buf_printf(&b, _("element <%s> is not expected here"), s.element);
            if (strstr(s.rest, "Expected is ")) {
                buf_printf(&b, "%s", _(": expected here is "));
                put_expected(&b, v, s.rest, lang);
            }
        } else if (strstr(s.rest,
                          "Missing child element")) { /* i18n: not prose */
            put_element(&b, v, s.element, lang);
            buf_printf(&b, "%s", _(" lacks an element: expected is "));
            put_expected(&b, v, s.rest, lang);
        } else {
            goto fallback;
        }
        break;
    default:
        goto fallback;
    }
    free(hold);
    return buf_detach(&b);
fallback:
    free(hold);
    free(b.s);
    memset(&b, 0, sizeof b);
    if (rewritten) {
        *rewritten = 0;
        return NULL;
    }
    put_libxml2(&b, m, &s);
    return buf_detach(&b);
}
