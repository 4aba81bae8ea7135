/* test_vocab.c — enumerations and labels come from the XSD, in order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "vocab.h"

static void test_register_vocab(void **state)
{
    char *msg = NULL;
    vocab_t *v = vocab_load("../input-schema/register.xsd", &msg);
    const vocab_item *it;
    size_t n;
    (void)state;
    assert_non_null(v);
    it = vocab_enum(v, "category", &n);
    assert_int_equal(n, 8);
    assert_string_equal(it[0].value, "party-building");
    assert_string_equal(it[0].zh, "党的建设");
    assert_string_equal(it[0].en, "Party building");
    assert_string_equal(it[7].value, "other");
    assert_string_equal(it[7].zh, "其他");
    it = vocab_enum(v, "status", &n);
    assert_int_equal(n, 5);
    assert_string_equal(it[4].zh, "已解释答复");
    vocab_enum(v, "group", &n);
    assert_int_equal(n, 7);
    vocab_enum(v, "role", &n);
    assert_int_equal(n, 7);
    assert_int_equal(vocab_index(v, "dwelling", "bungalow"), 1);
    assert_int_equal(vocab_index(v, "dwelling", "tower"), -1);
    assert_int_equal(vocab_index(v, "nosuchtype", "x"), -1);
    assert_string_equal(vocab_label(v, "rating", "dissatisfied", "zh"),
                        "不满意");
    assert_string_equal(vocab_label(v, "rating", "dissatisfied", "en"),
                        "dissatisfied");
    assert_string_equal(vocab_label(v, "rating", "unknown", "zh"), "unknown");
    assert_string_equal(vocab_label(v, "elderlyGroup", "elderly", "zh"),
                        "老年人");
    assert_null(vocab_enum(v, "nosuchtype", &n));
    assert_int_equal(n, 0);
    /* types without enumerations (patterns, lists) are not vocabularies */
    assert_null(vocab_enum(v, "communityCode", &n));
    vocab_free(v);
    vocab_free(NULL);
}

static void test_return_vocab(void **state)
{
    vocab_t *v = vocab_load("../input-schema/return.xsd", NULL);
    size_t n;
    const vocab_item *it;
    (void)state;
    assert_non_null(v);
    it = vocab_enum(v, "rule", &n);
    assert_true(n >= 14);
    assert_string_equal(it[0].value, "schema");
    assert_string_equal(vocab_label(v, "level", "street", "zh"), "街道");
    vocab_free(v);
}

/* A value added to the schema is a row, with no code change. */
static void test_added_value(void **state)
{
    char path[] = "/tmp/canvass-vocab-XXXXXX";
    FILE *f;
    int fd;
    char *msg = NULL;
    vocab_t *v;
    size_t n;
    const vocab_item *it;
    (void)state;
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    fputs("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
          "<xs:simpleType name=\"category\"><xs:restriction base=\"xs:token\">"
          "<xs:enumeration value=\"a\"><xs:annotation>"
          "<xs:documentation xml:lang=\"zh\">甲</xs:documentation>"
          "</xs:annotation></xs:enumeration>"
          "<xs:enumeration value=\"b\"/>"
          "</xs:restriction></xs:simpleType></xs:schema>",
          f);
    fclose(f);
    v = vocab_load(path, &msg);
    unlink(path);
    assert_non_null(v);
    it = vocab_enum(v, "category", &n);
    assert_int_equal(n, 2);
    assert_string_equal(it[0].zh, "甲");
    assert_string_equal(it[0].en, "a"); /* no label: the value */
    assert_string_equal(it[1].zh, "b");
    vocab_free(v);
}

static void test_load_errors(void **state)
{
    char *msg = NULL;
    (void)state;
    assert_null(vocab_load("no-such-schema.xsd", &msg));
    assert_non_null(msg);
    assert_non_null(strstr(msg, "no-such-schema.xsd"));
    free(msg);
    msg = NULL;
    /* a well-formed document that is not a schema */
    assert_null(vocab_load("../examples/hongxing-2011.xml", &msg));
    assert_non_null(strstr(msg, "not an XML Schema"));
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_vocab),
        cmocka_unit_test(test_return_vocab),
        cmocka_unit_test(test_added_value),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
