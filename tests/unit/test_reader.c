/* test_reader.c — one register, streamed: what the callbacks receive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "reader.h"

typedef struct {
    int heads, households, sections, diags;
    unsigned first_diag_line;
    char first_diag[512];
    char community[64];
    size_t cadres;
    /* a copy of what matters of household h2 */
    int h2_dwelling, h2_visits, h2_items, h2_services, h2_members;
    unsigned h2_line, h2_col;
    uint64_t h2_groups;
    int32_t h2_v2_date;
    int h2_v2_kind, h2_v2_rating;
    char h2_v2_by[64];
    int h2_item_important, h2_item_suggestion, h2_item_status;
    int32_t h2_item_closed;
    char h2_item_to[64];
    char para[256];
} seen;

static int on_head(void *ud, const rd_head *h)
{
    seen *s = ud;
    s->heads++;
    snprintf(s->community, sizeof s->community, "%s", h->community.name);
    s->cadres = h->n_cadres;
    return 0;
}

static int on_household(void *ud, const rd_household *h)
{
    seen *s = ud;
    s->households++;
    if (!strcmp(h->id, "h2")) {
        size_t i;
        s->h2_dwelling = h->dwelling;
        s->h2_visits = (int)h->n_visits;
        s->h2_items = (int)h->n_items;
        s->h2_services = (int)h->n_services;
        s->h2_members = (int)h->n_members;
        s->h2_line = h->line;
        s->h2_col = h->col;
        s->h2_groups = h->members[0].groups;
        s->h2_v2_date = h->visits[1].date;
        s->h2_v2_kind = h->visits[1].kind;
        s->h2_v2_rating = h->visits[1].rating;
        s->h2_v2_by[0] = 0;
        for (i = 0; i < h->visits[1].n_by; i++) {
            strcat(s->h2_v2_by, h->visits[1].by[i]);
            strcat(s->h2_v2_by, ";");
        }
        s->h2_item_important = h->items[0].important;
        s->h2_item_suggestion = h->items[1].suggestion;
        s->h2_item_status = h->items[1].status;
        s->h2_item_closed = h->items[0].closed;
        snprintf(s->h2_item_to, sizeof s->h2_item_to, "%s",
                 h->items[0].to ? h->items[0].to : "");
    }
    return 0;
}

static int on_section(void *ud, const rd_section *sec)
{
    seen *s = ud;
    s->sections++;
    if (sec->n_p)
        snprintf(s->para, sizeof s->para, "%s", sec->p[0]);
    return 0;
}

static int on_diag(void *ud, const diag *d)
{
    seen *s = ud;
    if (!s->diags++) {
        s->first_diag_line = d->line;
        snprintf(s->first_diag, sizeof s->first_diag, "%s", d->message);
    }
    return 0;
}

static const reader_callbacks cb = {on_head, on_household, on_section, on_diag};

static xmlSchemaPtr schema;
static vocab_t *vocab;

static int setup(void **state)
{
    (void)state;
    schema = reader_load_schema("../input-schema/register.xsd", NULL);
    vocab = vocab_load("../input-schema/register.xsd", NULL);
    return schema && vocab ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    xmlSchemaFree(schema);
    vocab_free(vocab);
    return 0;
}

static void write_tmp(char *path, const char *text, size_t len)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t)len);
    close(fd);
}

static const char small[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<register xmlns=\"urn:canvass:register:1\" version=\"1\">\n"
    "  <community code=\"620402003009\" name=\"测试社区\" street=\"s\" "
    "district=\"d\" city=\"c\"/>\n"
    "  <campaign id=\"k\" title=\"t\" start=\"2011-09-01\" end=\"2011-10-31\" "
    "reported=\"2011-11-10\"/>\n"
    "  <cadres>\n"
    "    <cadre id=\"c1\" name=\"甲\" role=\"secretary\" team=\"工作组\"/>\n"
    "    <cadre id=\"c2\" name=\"乙\" role=\"staff\"/>\n"
    "  </cadres>\n"
    "  <households>\n"
    "    <household id=\"h1\" dwelling=\"building\" address=\"1号楼\" "
    "cadre=\"c1\"/>\n"
    "    <household id=\"h2\" dwelling=\"bungalow\"\n"
    "        address=\"平房1排\" cadre=\"c2\">\n"
    "      <member id=\"m1\" name=\"丙\" born=\"1930\" "
    "groups=\"elderly-living-alone  disabled\"/>\n"
    "      <member id=\"m2\"/>\n"
    "      <visit id=\"v1\" date=\"2011-09-05\" kind=\"first\" by=\"c1\"/>\n"
    "      <visit id=\"v2\" date=\"2011-10-01\" kind=\"follow-up\" by=\" c1\n "
    "c2 \">\n"
    "        <form id=\"f1\">\n"
    "          <opinion id=\"o1\" category=\"health\" important=\"true\" "
    "status=\"resolved\" to=\"街道\" closed=\"2011-10-02\">路灯</opinion>\n"
    "          <suggestion id=\"s1\" category=\"other\">多办活动</suggestion>\n"
    "        </form>\n"
    "        <satisfaction rating=\"satisfied\"/>\n"
    "        <service type=\"life-care\" member=\"m1\"/>\n"
    "      </visit>\n"
    "    </household>\n"
    "  </households>\n"
    "  <narrative><section name=\"practices\"><p>\n   召开动员会。  "
    "</p></section></narrative>\n"
    "</register>\n";

static void test_small_register(void **state)
{
    char path[] = "/tmp/canvass-reader-XXXXXX";
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    (void)state;
    memset(&s, 0, sizeof s);
    write_tmp(path, small, sizeof small - 1);
    assert_int_equal(reader_read(r, path, &cb, &s, &res), ERR_OK);
    unlink(path);
    assert_string_equal(s.first_diag, "");
    assert_true(res.valid);
    assert_int_equal(res.errors, 0);
    assert_int_equal(res.size, sizeof small - 1);
    assert_int_equal(s.heads, 1);
    assert_string_equal(s.community, "测试社区");
    assert_int_equal(s.cadres, 2);
    assert_int_equal(s.households, 2);
    /* the tag starts on line 11, column 5 (its '<') */
    assert_int_equal(s.h2_line, 11);
    assert_int_equal(s.h2_col, 5);
    assert_int_equal(s.h2_dwelling, vocab_index(vocab, "dwelling", "bungalow"));
    assert_int_equal(s.h2_members, 2);
    assert_int_equal(s.h2_visits, 2);
    assert_int_equal(s.h2_items, 2);
    assert_int_equal(s.h2_services, 1);
    assert_true(s.h2_groups ==
                ((1u << vocab_index(vocab, "group", "elderly-living-alone")) |
                 (1u << vocab_index(vocab, "group", "disabled"))));
    assert_int_equal(s.h2_v2_date, reader_parse_date("2011-10-01"));
    assert_int_equal(s.h2_v2_kind,
                     vocab_index(vocab, "visitKind", "follow-up"));
    assert_int_equal(s.h2_v2_rating, vocab_index(vocab, "rating", "satisfied"));
    assert_string_equal(s.h2_v2_by, "c1;c2;");
    assert_true(s.h2_item_important);
    assert_string_equal(s.h2_item_to, "街道");
    assert_int_equal(s.h2_item_closed, reader_parse_date("2011-10-02"));
    assert_true(s.h2_item_suggestion);
    /* a suggestion without status takes the schema's default */
    assert_int_equal(s.h2_item_status, vocab_index(vocab, "status", "pending"));
    assert_int_equal(s.sections, 1);
    assert_string_equal(s.para, "召开动员会。");
    reader_free(r);
}

static void test_invalid_stops_handover(void **state)
{
    char path[] = "/tmp/canvass-reader-XXXXXX";
    char *bad = strdup(small);
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    char *p;
    (void)state;
    /* the first household gets a bad dwelling: nothing after it is
     * handed over, and the error names line 10 */
    p = strstr(bad, "dwelling=\"building\"");
    memcpy(p, "dwelling=\"tower\"   ", 19);
    memset(&s, 0, sizeof s);
    write_tmp(path, bad, strlen(bad));
    assert_int_equal(reader_read(r, path, &cb, &s, &res), ERR_OK);
    unlink(path);
    free(bad);
    assert_false(res.valid);
    assert_int_equal(res.errors, 1);
    assert_int_equal(s.first_diag_line, 10);
    assert_non_null(strstr(s.first_diag, "tower"));
    assert_int_equal(s.households, 0);
    assert_int_equal(s.sections, 0);
    reader_free(r);
}

static void test_gb18030_and_hash(void **state)
{
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    char path[] = "/tmp/canvass-reader-XXXXXX";
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(
        reader_read(r, "../examples/dongfeng-2011.xml", &cb, &s, &res), ERR_OK);
    assert_true(res.valid);
    assert_string_equal(s.community, "东风社区");
    assert_int_equal(s.households, 12);
    /* the digest is of the file's bytes: SHA-256("abc") is well known */
    write_tmp(path, "abc", 3);
    memset(&s, 0, sizeof s);
    assert_int_equal(reader_read(r, path, &cb, &s, &res), ERR_OK);
    unlink(path);
    assert_false(res.valid);
    assert_string_equal(res.sha256, "ba7816bf8f01cfea414140de5dae2223"
                                    "b00361a396177a9cb410ff61f20015ad");
    assert_non_null(strstr(s.first_diag, "not an XML file"));
    reader_free(r);
}

static void test_not_regular(void **state)
{
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(reader_read(r, "/tmp", &cb, &s, &res), ERR_NOT_REGULAR);
    assert_non_null(strstr(s.first_diag, "directory"));
    assert_int_equal(s.first_diag_line, 0);
    memset(&s, 0, sizeof s);
    assert_int_equal(reader_read(r, "/dev/null", &cb, &s, &res),
                     ERR_NOT_REGULAR);
    memset(&s, 0, sizeof s);
    assert_int_equal(reader_read(r, "no-such-register.xml", &cb, &s, &res),
                     ERR_OPEN);
    assert_non_null(strstr(s.first_diag, "No such file"));
    reader_free(r);
}

static void test_dates(void **state)
{
    (void)state;
    assert_int_equal(reader_parse_date("1970-01-01"), 0);
    assert_int_equal(
        reader_parse_date("2011-11-10") - reader_parse_date("2011-10-11"), 30);
    assert_int_equal(
        reader_parse_date("2012-03-01") - reader_parse_date("2012-02-28"), 2);
    assert_int_equal(reader_parse_date("2011-09-05Z"),
                     reader_parse_date("2011-09-05"));
    assert_int_equal(reader_parse_date("2011-9-5"), RD_NO_DATE);
    assert_int_equal(reader_parse_date(NULL), RD_NO_DATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_register),
        cmocka_unit_test(test_invalid_stops_handover),
        cmocka_unit_test(test_gb18030_and_hash),
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
