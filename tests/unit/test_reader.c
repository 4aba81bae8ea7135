/* test_reader.c — one register, streamed: what the callbacks receive. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <iconv.h>

#include "reader.h"

typedef struct {
    int heads, households, sections, diags;
    unsigned first_diag_line, first_diag_col;
    char first_diag[512];
    char community[64];
    char team0[64];
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
    snprintf(s->team0, sizeof s->team0, "%s",
             h->n_cadres && h->cadres[0].team ? h->cadres[0].team : "");
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
        s->first_diag_col = d->col;
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

/* Writes the LEN bytes at TEXT to a temporary file of its own, reads it
 * with R (callbacks CBS with UD, result in *RES) and removes it: what
 * reader_read returned. */
static error_code read_text(reader_t *r, const char *text, size_t len,
                            const reader_callbacks *cbs, void *ud,
                            reader_result *res)
{
    char path[] = "/tmp/canvass-reader-XXXXXX";
    error_code rc;
    write_tmp(path, text, len);
    rc = reader_read(r, path, cbs, ud, res);
    unlink(path);
    return rc;
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
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, small, sizeof small - 1, &cb, &s, &res),
                     ERR_OK);
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

/* Paragraphs of the narrative, joined with '|'. */
static int on_section_all(void *ud, const rd_section *sec)
{
    seen *s = ud;
    size_t i;
    s->sections++;
    for (i = 0; i < sec->n_p; i++) {
        strncat(s->para, sec->p[i], sizeof s->para - strlen(s->para) - 1);
        strncat(s->para, "|", sizeof s->para - strlen(s->para) - 1);
    }
    return 0;
}

/* SMALL with its narrative replaced by NARRATIVE, read by a fresh reader
 * (whose paragraph buffer was never allocated). */
static void read_with_narrative(const char *narrative, seen *s,
                                reader_result *res)
{
    static const reader_callbacks cb_all = {on_head, on_household,
                                            on_section_all, on_diag};
    const char *n0 = strstr(small, "  <narrative>"),
               *n1 = strstr(small, "</register>");
    char *text = malloc(strlen(small) + strlen(narrative) + 1);
    reader_t *r = reader_new(schema, vocab);
    assert_non_null(text);
    sprintf(text, "%.*s%s%s", (int)(n0 - small), small, narrative, n1);
    memset(s, 0, sizeof *s);
    assert_int_equal(read_text(r, text, strlen(text), &cb_all, s, res), ERR_OK);
    free(text);
    reader_free(r);
}

/* An empty first paragraph: nothing was ever appended to the paragraph
 * buffer (it used to reach memcpy(NULL, ..., 0), which UBSan aborts on). */
static void test_empty_first_paragraph(void **state)
{
    reader_result res;
    seen s;
    (void)state;
    read_with_narrative("  <narrative><section name=\"practices\"><p/>"
                        "<p>二</p></section></narrative>\n",
                        &s, &res);
    assert_string_equal(s.first_diag, "");
    assert_true(res.valid);
    assert_int_equal(s.sections, 1);
    assert_string_equal(s.para, "|二|");
}

/* CDATA sections are text: kept in place, and a paragraph made only of
 * CDATA is not empty. */
static void test_cdata_paragraphs(void **state)
{
    reader_result res;
    seen s;
    (void)state;
    read_with_narrative("  <narrative><section name=\"practices\">"
                        "<p>Before <![CDATA[x]]> after</p>"
                        "<p><![CDATA[全是 <CDATA> & 文字]]></p>"
                        "</section></narrative>\n",
                        &s, &res);
    assert_string_equal(s.first_diag, "");
    assert_true(res.valid);
    assert_string_equal(s.para, "Before x after|全是 <CDATA> & 文字|");
}

/* Characters cut by the end of a 64 KiB read are carried over whole, in
 * every encoding a register may declare: SMALL with a long paragraph of
 * two- to four-byte characters, shifted by 0-3 bytes. */
static void test_characters_across_reads(void **state)
{
    static const char *const encs[] = {"UTF-8", "GB18030", "GBK", "UTF-16LE",
                                       "UTF-16BE"};
    size_t e, k, i, o;
    (void)state;
    for (e = 0; e < sizeof encs / sizeof *encs; e++)
        for (k = 0; k < 4; k++) {
            size_t cap = 1 << 20, left, room;
            char *text = malloc(cap), *enc = malloc(2 * cap), *ip, *op;
            static char para[160000];
            const char *n0 = strstr(small, "  <narrative>");
            const char *n1 = strstr(small, "</register>");
            int gbk = !strcmp(encs[e], "GBK");
            iconv_t cd = iconv_open(encs[e], "UTF-8");
            reader_t *r = reader_new(schema, vocab);
            reader_result res;
            seen s;
            assert_true(text && enc && cd != (iconv_t)-1);
            /* 12 paragraphs of 3,000 characters (the schema's limit is
             * 10,000): about 120 KB, two reads */
            memset(para, 'a', k);
            for (i = k, o = 0; o < 12; o++) {
                size_t j;
                memcpy(para + i, "</p><p>", 7), i += 7;
                for (j = 0; j < 1000; j++) {
                    const char *u = gbk ? "中文" : "中文𠀀";
                    memcpy(para + i, u, strlen(u));
                    i += strlen(u);
                }
            }
            para[i] = 0;
            snprintf(text, cap,
                     "<?xml version=\"1.0\" encoding=\"%s\"?>\n%.*s"
                     "  <narrative><section name=\"practices\"><p>%s</p>"
                     "</section></narrative>\n%s",
                     strncmp(encs[e], "UTF-16", 6) ? encs[e] : "UTF-16",
                     (int)(n0 - strchr(small, '\n') - 1),
                     strchr(small, '\n') + 1, para, n1);
            ip = text;
            left = strlen(text);
            op = enc;
            room = 2 * cap;
            assert_true(iconv(cd, &ip, &left, &op, &room) != (size_t)-1);
            iconv_close(cd);
            memset(&s, 0, sizeof s);
            assert_int_equal(
                read_text(r, enc, (size_t)(op - enc), &cb, &s, &res), ERR_OK);
            if (s.first_diag[0])
                fprintf(stderr, "%s +%zu: %s\n", encs[e], k, s.first_diag);
            assert_string_equal(s.first_diag, "");
            assert_true(res.valid);
            assert_int_equal(s.households, 2);
            free(text);
            free(enc);
            reader_free(r);
        }
}

/* Team names are handed over in NFC: a CJK compatibility ideograph
 * (U+F90A) and a decomposed letter name the same team as their unified
 * and composed forms. */
static void test_team_names_nfc(void **state)
{
    char *text = malloc(sizeof small + 64), *p;
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    (void)state;
    assert_non_null(text);
    p = strstr(small, "team=\"工作组\"");
    sprintf(text, "%.*steam=\"\xEF\xA4\x8A山组 Cafe\xCC\x81\"%s",
            (int)(p - small), small, p + strlen("team=\"工作组\""));
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, text, strlen(text), &cb, &s, &res), ERR_OK);
    free(text);
    assert_true(res.valid);
    assert_string_equal(s.team0, "金山组 Caf\xC3\xA9");
    reader_free(r);
}

/* A bad byte is located by line and column (characters, not bytes) and
 * described, never echoed. */
static void test_bad_byte_located(void **state)
{
    char *text = malloc(sizeof small + 64), *p;
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    (void)state;
    assert_non_null(text);
    /* line 3: '  <community code="620402003009" name="测试社区' then 0xFF:
     * column 2 + 10 + 1 + 19 + 1 + 6 + 4 + 1 = 44 */
    p = strstr(small, "测试社区");
    sprintf(text, "%.*s测试社区\xFF%s", (int)(p - small), small,
            p + strlen("测试社区"));
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, text, strlen(text), &cb, &s, &res), ERR_OK);
    free(text);
    assert_false(res.valid);
    assert_int_equal(s.households, 0);
    assert_int_equal(s.first_diag_line, 3);
    assert_int_equal(s.first_diag_col, 44);
    assert_non_null(strstr(s.first_diag, "invalid UTF-8 byte sequence of 1 "
                                         "byte"));
    assert_null(strstr(s.first_diag, "0xFF"));
    assert_null(strstr(s.first_diag, "测试"));
    reader_free(r);
}

/* A GBK register whose first Chinese text happens to be well-formed UTF-8
 * (榄界长 is E9 AD BD E7 B3 A4 in GBK, which UTF-8 reads as 魽糤) is GBK
 * still: one such run does not make a file UTF-8. */
static void test_gbk_that_reads_as_utf8(void **state)
{
    char *text = malloc(sizeof small + 64), *enc = malloc(2 * sizeof small);
    char *p, *ip, *op;
    size_t left, room;
    iconv_t cd = iconv_open("GBK", "UTF-8");
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    (void)state;
    assert_true(text && enc && cd != (iconv_t)-1);
    p = strstr(small, "测试社区");
    sprintf(text, "<?xml version=\"1.0\" encoding=\"GBK\"?>%.*s榄界长%s",
            (int)(p - strchr(small, '\n')), strchr(small, '\n'),
            p + strlen("测试社区"));
    ip = text, left = strlen(text), op = enc, room = 2 * sizeof small;
    assert_true(iconv(cd, &ip, &left, &op, &room) != (size_t)-1);
    iconv_close(cd);
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, enc, (size_t)(op - enc), &cb, &s, &res),
                     ERR_OK);
    free(text);
    free(enc);
    assert_string_equal(s.first_diag, "");
    assert_true(res.valid);
    assert_string_equal(s.community, "榄界长");
    reader_free(r);
}

static void test_invalid_stops_handover(void **state)
{
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
    assert_int_equal(read_text(r, bad, strlen(bad), &cb, &s, &res), ERR_OK);
    free(bad);
    assert_false(res.valid);
    assert_int_equal(res.errors, 1);
    assert_int_equal(s.first_diag_line, 10);
    assert_non_null(strstr(s.first_diag, "tower"));
    assert_int_equal(s.households, 0);
    assert_int_equal(s.sections, 0);
    reader_free(r);
}

/* xxh128sum of "abc" (xxHash's published value) */
#define XXH128_ABC "06b05ab6733a618578af5f94892f3950"

static void test_gb18030_and_hash(void **state)
{
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    (void)state;
    memset(&s, 0, sizeof s);
    assert_int_equal(
        reader_read(r, "../examples/dongfeng-2011.xml", &cb, &s, &res), ERR_OK);
    assert_true(res.valid);
    assert_string_equal(s.community, "东风社区");
    assert_int_equal(s.households, 12);
    /* the digest is of the file's bytes: SHA-256("abc") is well known */
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, "abc", 3, &cb, &s, &res), ERR_OK);
    assert_false(res.valid);
    assert_string_equal(res.digest, "ba7816bf8f01cfea414140de5dae2223"
                                    "b00361a396177a9cb410ff61f20015ad");
    assert_non_null(strstr(s.first_diag, "not an XML file"));
    /* check's digest: XXH3-128 of the same bytes, big-endian hex (the
     * canonical form) */
    reader_set_digest(r, READER_XXH128);
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, "abc", 3, &cb, &s, &res), ERR_OK);
    assert_string_equal(res.digest, XXH128_ABC);
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

/* Where each household's tag starts, by id, filled by on_household_pos. */
typedef struct {
    int n;
    char id[400][16];
    unsigned line[400], col[400];
} places;

static int on_household_pos(void *ud, const rd_household *h)
{
    places *p = ud;
    if (p->n < 400) {
        snprintf(p->id[p->n], sizeof p->id[0], "%s", h->id);
        p->line[p->n] = h->line;
        p->col[p->n] = h->col;
        p->n++;
    }
    return 0;
}

static int ignore_diag(void *ud, const diag *d)
{
    (void)ud, (void)d;
    return 0;
}

/* Characters (not bytes) of the NUL-terminated UTF-8 S. */
static unsigned chars_of(const char *s)
{
    unsigned n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* An address of K characters of one to four bytes. */
static void address_of(char *out, size_t k)
{
    static const char *const cs[] = {"号", "1", "楼", "é", "𠀀", " ", "单"};
    size_t i;
    out[0] = 0;
    for (i = 0; i < k; i++)
        strcat(out, cs[(i * 5 + k) % 7]);
    if (k && out[0] == ' ')
        out[0] = 'x'; /* "address" is at least one character once trimmed */
}

/* Copies SMALL up to its first household into TEXT: the bytes copied
 * (where households go next), the line they end on in *LINE, and in *TAIL
 * the rest of SMALL from </households> on, to close the register. */
static size_t small_head(char *text, unsigned *line, const char **tail)
{
    const char *h0 = strstr(small, "    <household id=\"h1\"");
    size_t o;
    *line = 1;
    for (o = 0; small + o < h0; o++)
        *line += small[o] == '\n';
    memcpy(text, small, o);
    *tail = strstr(small, "  </households>");
    return o;
}

/* The position of every element is its '<', in characters: two
 * households on a line, the first with an address of 0 to 99 characters
 * of one to four bytes (tags of every length around the 16-byte blocks
 * counted at once), then the same with the first tag cut over two lines. */
static void test_tag_positions(void **state)
{
    static const reader_callbacks cb_pos = {NULL, on_household_pos, NULL,
                                            ignore_diag};
    static char text[200000];
    static places p;
    char addr[512], a[1024];
    const char *h1;
    unsigned line, want_line[400], want_col[400];
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    size_t k, n = 0, o;
    int split, i;
    (void)state;
    o = small_head(text, &line, &h1);
    for (split = 0; split < 2; split++)
        for (k = 0; k < 100; k++) {
            address_of(addr, k ? k : 1);
            snprintf(a, sizeof a,
                     "<household id=\"a%d-%zu\" dwelling=\"building\"%s"
                     "address=\"%s\" cadre=\"c1\"/>",
                     split, k, split ? "\n " : " ", addr);
            want_line[n] = line, want_col[n] = 5;
            want_line[n + 1] = line + (unsigned)split;
            want_col[n + 1] =
                split ? chars_of(strchr(a, '\n') + 1) + 1 : 5 + chars_of(a);
            o += (size_t)sprintf(text + o,
                                 "    %s<household id=\"b%d-%zu\" "
                                 "dwelling=\"building\" address=\"x\"/>\n",
                                 a, split, k);
            line += 1 + (unsigned)split;
            n += 2;
        }
    o += (size_t)sprintf(text + o, "%s", h1);
    memset(&p, 0, sizeof p);
    assert_int_equal(read_text(r, text, o, &cb_pos, &p, &res), ERR_OK);
    assert_true(res.valid);
    assert_int_equal(p.n, (int)n);
    for (i = 0; i < p.n; i++) {
        if (p.line[i] != want_line[i] || p.col[i] != want_col[i])
            fprintf(stderr, "%s: %u:%u, want %u:%u\n", p.id[i], p.line[i],
                    p.col[i], want_line[i], want_col[i]);
        assert_int_equal(p.line[i], want_line[i]);
        assert_int_equal(p.col[i], want_col[i]);
    }
    reader_free(r);
}

/* A tag of thousands of bytes (more than 255 blocks of 16 counted at
 * once) after another on its line: the schema error on its address is
 * placed at its '<'. */
static void test_long_tag_position(void **state)
{
    static char text[100000];
    char first[128];
    const char *h1;
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    unsigned line;
    size_t o, i;
    (void)state;
    o = small_head(text, &line, &h1);
    snprintf(first, sizeof first,
             "<household id=\"h0\" dwelling=\"building\" address=\"一号楼\"/>");
    o += (size_t)sprintf(text + o,
                         "    %s<household id=\"h1\" dwelling=\"building\" "
                         "address=\"",
                         first);
    for (i = 0; i < 3000; i++) /* 9,000 bytes: over the schema's 200 */
        o += (size_t)sprintf(text + o, "%s", i % 3 ? "号" : "a");
    o += (size_t)sprintf(text + o, "\"/>\n%s", h1);
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, text, o, &cb, &s, &res), ERR_OK);
    assert_false(res.valid);
    assert_int_equal(s.first_diag_line, line);
    assert_int_equal(s.first_diag_col, 5 + chars_of(first));
    reader_free(r);
}

/* Values are read as the schema reads them: blanks at either end and
 * inside a token or list (tabs and newlines written as character
 * references, which the parser does not turn into spaces) change nothing.
 * The groups of a member used to be split on spaces only. */
static void test_blanks_in_values(void **state)
{
    static const struct {
        const char *from, *to;
    } edits[] = {
        {"dwelling=\"bungalow\"", "dwelling=\"&#9;bungalow \""},
        {"groups=\"elderly-living-alone  disabled\"",
         "groups=\"elderly-living-alone&#9;disabled&#10;\""},
        {"kind=\"follow-up\"", "kind=\"&#10;follow-up\""},
        {"by=\" c1\n c2 \"", "by=\"c1&#9;&#9;c2\""},
        {"important=\"true\"", "important=\" 1&#9;\""},
        {"rating=\"satisfied\"", "rating=\" satisfied\""},
    };
    char text[8192];
    reader_t *r = reader_new(schema, vocab);
    reader_result res;
    seen s;
    size_t i;
    (void)state;
    snprintf(text, sizeof text, "%s", small);
    for (i = 0; i < sizeof edits / sizeof *edits; i++) {
        char *p = strstr(text, edits[i].from), rest[8192];
        assert_non_null(p);
        snprintf(rest, sizeof rest, "%s", p + strlen(edits[i].from));
        sprintf(p, "%s%s", edits[i].to, rest);
    }
    memset(&s, 0, sizeof s);
    assert_int_equal(read_text(r, text, strlen(text), &cb, &s, &res), ERR_OK);
    assert_string_equal(s.first_diag, "");
    assert_true(res.valid);
    assert_int_equal(s.h2_dwelling, vocab_index(vocab, "dwelling", "bungalow"));
    assert_true(s.h2_groups ==
                ((1u << vocab_index(vocab, "group", "elderly-living-alone")) |
                 (1u << vocab_index(vocab, "group", "disabled"))));
    assert_int_equal(s.h2_v2_date, reader_parse_date("2011-10-01"));
    assert_int_equal(s.h2_v2_kind,
                     vocab_index(vocab, "visitKind", "follow-up"));
    assert_string_equal(s.h2_v2_by, "c1;c2;");
    assert_true(s.h2_item_important);
    assert_int_equal(s.h2_item_closed, reader_parse_date("2011-10-02"));
    assert_int_equal(s.h2_v2_rating, vocab_index(vocab, "rating", "satisfied"));
    reader_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_register),
        cmocka_unit_test(test_invalid_stops_handover),
        cmocka_unit_test(test_gb18030_and_hash),
        cmocka_unit_test(test_not_regular),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_empty_first_paragraph),
        cmocka_unit_test(test_cdata_paragraphs),
        cmocka_unit_test(test_characters_across_reads),
        cmocka_unit_test(test_team_names_nfc),
        cmocka_unit_test(test_bad_byte_located),
        cmocka_unit_test(test_gbk_that_reads_as_utf8),
        cmocka_unit_test(test_tag_positions),
        cmocka_unit_test(test_long_tag_position),
        cmocka_unit_test(test_blanks_in_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
