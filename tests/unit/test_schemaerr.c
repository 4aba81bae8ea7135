/* test_schemaerr.c — libxml2's errors rewritten for people, in English
 * and in Chinese, with the schema's labels; personal values withheld. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libxml/xmlerror.h>

#include "i18n.h"
#include "schemaerr.h"
#include "vocab.h"

static vocab_t *v;

/* English: the C locale, no LANGUAGE. Chinese: as main.c does it where no
 * zh locale is generated, C.UTF-8 and LANGUAGE=zh_CN. setlocale tells
 * gettext to forget what it had looked up. */
static void lang(const char *l)
{
    if (l)
        setenv("LANGUAGE", l, 1);
    else
        unsetenv("LANGUAGE");
    assert_non_null(setlocale(LC_ALL, l ? "C.UTF-8" : "C"));
}

static char *msg(int domain, int code, const char *text, const char *s1,
                 const char *s2)
{
    xmlError e;
    char *m;
    memset(&e, 0, sizeof e);
    e.domain = domain;
    e.code = code;
    e.level = XML_ERR_ERROR;
    e.message = (char *)text;
    e.str1 = (char *)s1;
    e.str2 = (char *)s2;
    m = schemaerr_message(&e, v);
    assert_non_null(m);
    return m;
}

#define NS "{urn:canvass:register:1}"
#define ENUM_DWELLING                                                          \
    "Element '" NS "household', attribute 'dwelling': [facet 'enumeration'] "  \
    "The value '平房' is not an element of the set {'building', "            \
    "'bungalow'}.\n"

static void test_enumeration_label_given(void **state)
{
    char *m;
    (void)state;
    lang(NULL);
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_ENUMERATION_VALID, ENUM_DWELLING,
            "平房", "'building', 'bungalow'");
    assert_string_equal(m, "<household>: dwelling value \"平房\" is not "
                           "allowed: use building or bungalow (\"平房\" is "
                           "the label of bungalow: write bungalow)");
    free(m);
    lang("zh_CN");
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_ENUMERATION_VALID, ENUM_DWELLING,
            "平房", "'building', 'bungalow'");
    assert_string_equal(m, "住户的 dwelling（住房类型）取值“平房”无效，应为 "
                           "building（楼房）或 bungalow（平房）——“平房”是 "
                           "bungalow 的名称，请填写 bungalow");
    free(m);
    lang(NULL);
}

static void test_enumeration_many(void **state)
{
    char *m;
    (void)state;
    lang("zh_CN");
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_ENUMERATION_VALID,
            "Element '" NS "opinion', attribute 'category': [facet "
            "'enumeration'] The value 'traffic' is not an element of the set "
            "{'party-building', 'health', 'other'}.",
            "traffic", "'party-building', 'health', 'other'");
    assert_string_equal(m,
                        "民情意见的 category（类别）取值“traffic”无效，应为 "
                        "以下之一：party-building（党的建设）、health（卫生）"
                        "、other（其他）");
    free(m);
    lang(NULL);
}

static void test_pattern_date_required_unexpected(void **state)
{
    char *m;
    (void)state;
    lang(NULL);
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_PATTERN_VALID,
            "Element '" NS "community', attribute 'code': [facet 'pattern'] "
            "The value '6204020030' is not accepted by the pattern "
            "'[0-9]{12}'.",
            "6204020030", "[0-9]{12}");
    assert_string_equal(m, "<community>: code value \"6204020030\" is not in "
                           "the required form: write 12 digits (the "
                           "statistical division code)");
    free(m);
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1,
            "Element '" NS "visit', attribute 'date': '2011-9-30' is not a "
            "valid value of the atomic type 'xs:date'.",
            "2011-9-30", NULL);
    assert_string_equal(m, "<visit>: date value \"2011-9-30\" is not valid: "
                           "it must be a date written YYYY-MM-DD, such as "
                           "2011-09-30");
    free(m);
    lang("zh_CN");
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1,
            "Element '" NS "visit', attribute 'date': '2011-9-30' is not a "
            "valid value of the atomic type 'xs:date'.",
            "2011-9-30", NULL);
    assert_string_equal(m,
                        "走访记录的 date（走访日期）取值“2011-9-30”无效，应为"
                        "“年-月-日”格式的日期，月和日都写两位，如 2011-09-30");
    free(m);
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_COMPLEX_TYPE_4,
            "Element '" NS "visit': The attribute 'by' is required but "
            "missing.",
            "by", NULL);
    assert_string_equal(m,
                        "走访记录缺少必填属性 by（走访干部）：请补上 by=\"…\"");
    free(m);
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_ELEMENT_CONTENT,
            "Element '" NS "remark': This element is not expected. Expected "
            "is ( " NS "service ).",
            NULL, NULL);
    assert_string_equal(
        m, "此处不应出现元素 <remark>，此处应为 service（服务记录）");
    free(m);
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_ELEMENT_CONTENT,
            "Element '" NS "register': Missing child element(s). Expected is "
            "( " NS "cadres ).",
            NULL, NULL);
    assert_string_equal(m, "台账缺少下级元素，应有 cadres（干部名单）");
    free(m);
    lang(NULL);
}

static void test_personal_values_withheld(void **state)
{
    char *m;
    (void)state;
    lang(NULL);
    /* a birth year is personal: in our sentence... */
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1,
            "Element '" NS "member', attribute 'born': '19x4' is not a valid "
            "value of the atomic type 'xs:gYear'.",
            "19x4", NULL);
    assert_null(strstr(m, "19x4"));
    assert_non_null(strstr(m, "(personal data, not shown)"));
    free(m);
    /* ...and in libxml2's, when we fall back to it */
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_MAXLENGTH_VALID + 100,
            "Element '" NS "member', attribute 'name': [facet 'x'] The value "
            "'张三' is odd.",
            "张三", NULL);
    assert_null(strstr(m, "张三"));
    assert_non_null(strstr(m, "libxml2's words"));
    free(m);
    lang("zh_CN");
    m = msg(XML_FROM_SCHEMASV, XML_SCHEMAV_CVC_MAXLENGTH_VALID + 100,
            "Element '" NS "household', attribute 'address': 'x 路 1 号' is "
            "odd.",
            "x 路 1 号", NULL);
    assert_null(strstr(m, "1 号"));
    assert_non_null(
        strstr(m, "libxml2 原始提示（未改写）：Element 'household'"));
    free(m);
    lang(NULL);
}

static void test_parser_errors(void **state)
{
    char *m;
    (void)state;
    lang("zh_CN");
    m = msg(XML_FROM_PARSER, XML_ERR_INVALID_CHAR,
            "Input is not proper UTF-8, indicate encoding !\nBytes: 0xC3 0x28",
            NULL, NULL);
    assert_non_null(strstr(m, "请将台账另存为 UTF-8 编码"));
    free(m);
    m = msg(XML_FROM_PARSER, XML_ERR_TAG_NOT_FINISHED,
            "Premature end of data in tag households line 5\n", NULL, NULL);
    assert_string_equal(m,
                        "文件在元素结束之前就已结束：台账不完整，请重新导出");
    free(m);
    /* a parser error we do not rewrite is libxml2's, marked, on one line */
    m = msg(XML_FROM_PARSER, XML_ERR_INTERNAL_ERROR, "odd\nthing\n", NULL,
            NULL);
    assert_string_equal(m, "libxml2 原始提示（未改写）：odd thing");
    free(m);
    lang(NULL);
    m = msg(XML_FROM_PARSER, XML_ERR_INTERNAL_ERROR, "odd\nthing\n", NULL,
            NULL);
    assert_string_equal(m, "odd thing (libxml2's words, not rewritten)");
    free(m);
}

static void test_labels_of_declarations(void **state)
{
    const vocab_decl *d;
    (void)state;
    d = vocab_decl_find(v, "household", "dwelling");
    assert_non_null(d);
    assert_string_equal(d->type, "dwelling");
    assert_string_equal(d->zh, "住房类型");
    /* an attribute of an anonymous complex type inside its element */
    d = vocab_decl_find(v, "service", "type");
    assert_non_null(d);
    assert_string_equal(d->type, "serviceType");
    assert_string_equal(d->zh, "服务类型");
    d = vocab_decl_find(v, "visit", "date");
    assert_string_equal(d->xstype, "xs:date");
    d = vocab_decl_find(v, "visit", NULL);
    assert_string_equal(d->zh, "走访记录");
    assert_null(vocab_decl_find(v, "visit", "nosuch"));
    assert_null(vocab_decl_find(v, "nosuch", NULL));
    /* every element and attribute of the register format has its labels */
    {
        static const char *const pairs[][2] = {{"register", "version"},
                                               {"community", "code"},
                                               {"campaign", "start"},
                                               {"cadre", "role"},
                                               {"household", "cadre"},
                                               {"member", "groups"},
                                               {"visit", "by"},
                                               {"form", "id"},
                                               {"opinion", "closed"},
                                               {"suggestion", "status"},
                                               {"satisfaction", "rating"},
                                               {"service", "member"},
                                               {"section", "name"}};
        size_t i;
        for (i = 0; i < sizeof pairs / sizeof *pairs; i++) {
            d = vocab_decl_find(v, pairs[i][0], pairs[i][1]);
            assert_non_null(d);
            assert_non_null(d->zh);
            assert_non_null(d->en);
            d = vocab_decl_find(v, pairs[i][0], NULL);
            assert_non_null(d);
            assert_non_null(d->zh);
        }
    }
}

static int setup(void **state)
{
    char *m = NULL;
    (void)state;
    v = vocab_load("../input-schema/register.xsd", &m);
    free(m);
    bindtextdomain(I18N_DOMAIN, CANVASS_TEST_LOCALEDIR);
    return v ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vocab_free(v);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_of_declarations),
        cmocka_unit_test(test_enumeration_label_given),
        cmocka_unit_test(test_enumeration_many),
        cmocka_unit_test(test_pattern_date_required_unexpected),
        cmocka_unit_test(test_personal_values_withheld),
        cmocka_unit_test(test_parser_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
