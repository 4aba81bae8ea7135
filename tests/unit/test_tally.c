/* test_tally.c — the labels a tally writes come from the schema: the
 * report group "elderly" takes its zh/en labels from register.xsd's
 * elderlyGroup, and a schema without that type gets the value itself (as
 * vocab_label does for any value it does not know), never a label written
 * in C. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libxml/parser.h>

#include "retdoc.h"
#include "retwrite.h"
#include "tally.h"
#include "vocab.h"

#define REGISTER_XSD "../input-schema/register.xsd"
#define RETURN_XSD "../input-schema/return.xsd"

/* The zh label of the groups row "elderly" that a tally over V writes. */
static char *elderly_label(const vocab_t *v, const vocab_t *rv)
{
    retwrite_t *w = retwrite_new("unit", RETURN_NS);
    tally_t *t = tally_new(v);
    const char *sev[64];
    xmlDocPtr doc;
    xmlNodePtr unit, g, r;
    char *label = NULL, *xml;
    size_t i, len;

    for (i = 0; i < 64; i++)
        sev[i] = "error";
    assert_non_null(t);
    assert_non_null(w);
    assert_int_equal(tally_write(t, w, rv, sev), ERR_OK);
    assert_int_equal(retwrite_finish(w, &xml, &len), ERR_OK);
    doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NOBLANKS);
    assert_non_null(doc);
    unit = xmlDocGetRootElement(doc);
    g = (xmlNodePtr)retdoc_child(unit, "groups");
    assert_non_null(g);
    for (r = g->children; r; r = r->next) {
        xmlChar *val = xmlGetProp(r, BAD_CAST "value");
        if (val && !strcmp((char *)val, "elderly")) {
            xmlChar *zh = xmlGetProp(r, BAD_CAST "zh");
            label = strdup((char *)zh);
            xmlFree(zh);
        }
        xmlFree(val);
    }
    tally_free(t);
    xmlFreeDoc(doc);
    free(xml);
    assert_non_null(label);
    return label;
}

static void test_elderly_label_from_schema(void **state)
{
    char *msg = NULL, *label;
    vocab_t *v = vocab_load(REGISTER_XSD, &msg), *rv;
    (void)state;
    assert_non_null(v);
    rv = vocab_load(RETURN_XSD, &msg);
    assert_non_null(rv);
    label = elderly_label(v, rv);
    assert_string_equal(label, vocab_label(v, "elderlyGroup", "elderly", "zh"));
    free(label);
    vocab_free(v);
    vocab_free(rv);
}

static void test_elderly_label_without_type(void **state)
{
    char path[] = "/tmp/canvass-tally-XXXXXX", *msg = NULL, *text, *a, *b,
         *label;
    FILE *f = fopen(REGISTER_XSD, "rb");
    long n;
    int fd;
    vocab_t *v, *rv;
    (void)state;

    /* register.xsd without its elderlyGroup type */
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    rewind(f);
    text = calloc(1, (size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    a = strstr(text, "<xs:simpleType name=\"elderlyGroup\">");
    assert_non_null(a);
    b = strstr(a, "</xs:simpleType>");
    assert_non_null(b);
    memmove(a, b + strlen("</xs:simpleType>"),
            strlen(b + strlen("</xs:simpleType>")) + 1);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    free(text);

    v = vocab_load(path, &msg);
    unlink(path);
    assert_non_null(v);
    assert_null(vocab_enum(v, "elderlyGroup", NULL));
    rv = vocab_load(RETURN_XSD, &msg);
    assert_non_null(rv);
    label = elderly_label(v, rv);
    assert_string_equal(label, "elderly");
    free(label);
    vocab_free(v);
    vocab_free(rv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elderly_label_from_schema),
        cmocka_unit_test(test_elderly_label_without_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
