/* test_retdoc.c — reading a return: report and document order, look-up by
 * level and code, the reporting unit, covered communities, sources,
 * findings, rows and counts, attribute values that are not one text node,
 * and a document that is not a return. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/dict.h>

#include "retdoc.h"

/* Two districts, two streets in the first: the report order interleaves
 * roll-ups with their communities, the document order does not. */
static const char doc_text[] =
    "<?xml version='1.0'?>\n"
    "<!DOCTYPE return [<!ENTITY e 'E'>]>\n"
    "<return xmlns='urn:canvass:return:1' version='1' partial='true'>"
    "<campaign id='c1' title='T' start='2011-09-01' end='2011-10-31' "
    "reported='2011-11-10'/>"
    "<sources>"
    "<source file='a.xml' size='10' sha256='ab' included='true' "
    "community='620402003001' errors='0' warnings='2'/>"
    "<source file='b.xml' size='20' sha256='cd' included='false' "
    "community='' errors='3' warnings='0'/>"
    "</sources>"
    "<unit level='community' code='620402003001' name='A' communities='1'>"
    "<visits count='7'><kind value='first' count='5'/>"
    "<kind value='follow-up' count='2'/></visits></unit>"
    "<unit level='community' code='620402004001' name='B&e;x' "
    "communities='1'/>"
    "<unit level='community' code='620403001001' name='C' communities='1'/>"
    "<unit level='street' code='620402003' name='S1' communities='1'/>"
    "<unit level='district' code='620402' name='D1' communities='2'/>"
    "<unit level='all' code='' name='All' communities='3'/>"
    "<findings limit='1' omitted='4'>"
    "<finding file='a.xml' line='12' col='5' rule='duplicate-id' "
    "severity='error' community='620402003001' household='h1'>msg</finding>"
    "</findings></return>";

static xmlDocPtr parse(const char *text)
{
    xmlDocPtr d =
        xmlReadMemory(text, (int)strlen(text), "t.xml", NULL, XML_PARSE_NONET);
    assert_non_null(d);
    return d;
}

static void test_orders_and_lookup(void **state)
{
    static const char *const report[] = {"620402003001", "620402003",
                                         "620402004001", "620402",
                                         "620403001001", ""};
    xmlDocPtr d = parse(doc_text);
    retdoc_t *rd = NULL;
    char *msg = NULL;
    const retdoc_unit *u, *s1, *all;
    size_t i;
    (void)state;

    assert_int_equal(retdoc_open(d, NULL, &rd, &msg), ERR_OK);
    assert_null(msg);
    assert_int_equal(retdoc_nunits(rd), 6);
    for (i = 0; i < 6; i++)
        assert_string_equal(retdoc_unit_at(rd, i)->code, report[i]);
    assert_null(retdoc_unit_at(rd, 6));
    assert_string_equal(retdoc_unit_in_doc(rd, 1)->code, "620402004001");
    assert_string_equal(retdoc_unit_in_doc(rd, 3)->level, "street");

    s1 = retdoc_find(rd, "street", "620402003");
    assert_non_null(s1);
    assert_string_equal(s1->name, "S1");
    assert_null(retdoc_find(rd, "street", "620402004")); /* not an error */
    all = retdoc_top(rd);
    assert_string_equal(all->level, "all");
    assert_int_equal(all->communities, 3);

    u = retdoc_unit_in_doc(rd, 0);
    assert_int_equal(u->rank, -1);
    assert_true(retdoc_covers(s1, u));
    assert_false(retdoc_covers(s1, retdoc_unit_in_doc(rd, 1)));
    assert_true(retdoc_covers(all, retdoc_unit_in_doc(rd, 2)));
    assert_false(retdoc_covers(u, retdoc_unit_in_doc(rd, 1)));
    assert_false(retdoc_covers(all, s1)); /* communities only */

    /* rows and counts */
    {
        const xmlNode *v = retdoc_child(u->node, "visits"), **rows = NULL;
        size_t n = 0;
        assert_int_equal(retdoc_count(rd, v, "count"), 7);
        assert_int_equal(retdoc_count(rd, NULL, "count"), 0);
        assert_int_equal(
            retdoc_count(rd, retdoc_row(rd, v, "kind", "follow-up"), "count"),
            2);
        assert_null(retdoc_row(rd, v, "kind", "telephone"));
        assert_int_equal(retdoc_rows(v, "kind", &rows, &n), ERR_OK);
        assert_int_equal(n, 2);
        assert_string_equal(retdoc_attr(rd, rows[1], "value"), "follow-up");
        free(rows);
        assert_int_equal(retdoc_rows(v, "none", &rows, &n), ERR_OK);
        assert_null(rows);
        assert_int_equal(n, 0);
    }
    /* a value made of text and an entity reference is copied whole */
    assert_string_equal(retdoc_unit_in_doc(rd, 1)->name, "BEx");
    assert_null(retdoc_attr(rd, u->node, "nothing"));
    assert_string_equal(retdoc_attr0(rd, u->node, "nothing"), "");
    assert_int_equal(retdoc_error(rd), ERR_OK);
    retdoc_free(rd);
    xmlFreeDoc(d);
}

static void test_campaign_sources_findings(void **state)
{
    xmlDocPtr d = parse(doc_text);
    retdoc_t *rd = NULL;
    retdoc_finding f;
    const retdoc_source *s;
    (void)state;

    assert_int_equal(retdoc_open(d, NULL, &rd, NULL), ERR_OK);
    assert_string_equal(retdoc_campaign_of(rd)->id, "c1");
    assert_string_equal(retdoc_campaign_of(rd)->reported, "2011-11-10");
    assert_true(retdoc_partial(rd));
    assert_int_equal(retdoc_nsources(rd), 2);
    s = retdoc_source_at(rd, 0);
    assert_string_equal(s->file, "a.xml");
    assert_int_equal(s->size, 10);
    assert_int_equal(s->warnings, 2);
    assert_true(s->included);
    assert_false(retdoc_source_at(rd, 1)->included);
    assert_null(retdoc_source_at(rd, 2));
    assert_int_equal(retdoc_nfindings(rd), 1);
    assert_int_equal(retdoc_finding_at(rd, 0, &f), 0);
    assert_string_equal(f.rule, "duplicate-id");
    assert_string_equal(f.household, "h1");
    assert_null(f.cadre);
    assert_string_equal(f.message, "msg");
    assert_int_equal(f.line, 12);
    assert_int_equal(f.col, 5);
    assert_int_equal(retdoc_finding_at(rd, 1, &f), -1);
    assert_int_equal(retdoc_findings_omitted(rd), 4);
    retdoc_free(rd);
    xmlFreeDoc(d);
}

/* findings/@limit: the cap when there is one (--max-findings N), none
 * when every finding is listed (--max-findings all). */
static void test_findings_limit(void **state)
{
    xmlDocPtr d = parse(doc_text),
              all = parse("<return xmlns='urn:canvass:return:1'>"
                          "<findings omitted='0'/></return>");
    retdoc_t *rd = NULL;
    unsigned long long limit = 99;
    (void)state;

    assert_int_equal(retdoc_open(d, NULL, &rd, NULL), ERR_OK);
    assert_int_equal(retdoc_findings_limit(rd, &limit), 1);
    assert_int_equal(limit, 1);
    retdoc_free(rd);
    limit = 99;
    assert_int_equal(retdoc_open(all, NULL, &rd, NULL), ERR_OK);
    assert_int_equal(retdoc_findings_limit(rd, &limit), 0);
    assert_int_equal(limit, 99);
    retdoc_free(rd);
    xmlFreeDoc(d);
    xmlFreeDoc(all);
}

static void test_not_a_return(void **state)
{
    xmlDocPtr d = parse("<return xmlns='urn:canvass:register:1'/>");
    retdoc_t *rd = (retdoc_t *)1;
    char *msg = NULL;
    (void)state;
    assert_int_equal(retdoc_open(d, NULL, &rd, &msg), ERR_INVALID);
    assert_null(rd);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "not a return document"));
    free(msg);
    xmlFreeDoc(d);
    retdoc_free(NULL);
}

static void test_level_digits(void **state)
{
    (void)state;
    assert_int_equal(retdoc_level_digits("street"), 9);
    assert_int_equal(retdoc_level_digits("district"), 6);
    assert_int_equal(retdoc_level_digits("city"), 4);
    assert_int_equal(retdoc_level_digits("all"), 0);
    assert_int_equal(retdoc_level_digits("community"), 0);
    assert_int_equal(retdoc_level_digits(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orders_and_lookup),
        cmocka_unit_test(test_campaign_sources_findings),
        cmocka_unit_test(test_findings_limit),
        cmocka_unit_test(test_not_a_return),
        cmocka_unit_test(test_level_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
