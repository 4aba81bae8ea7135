/*
 * test_xlsx.c — the returns workbook, read back independently.
 *
 * Renders tests/sample-return.xml (run from tests/) into a temporary
 * folder, then unzips the workbook and parses its parts with xlsx_read.c
 * (libzip + libxml2, no libxlsxwriter) and checks real values cell by cell:
 * sheet names, counts, formulas and their cached values, labels in zh and
 * en, every category row, header and footer blocks, print set-up, charts,
 * document properties, byte-identical output, and failures that leave no
 * file. The sample's numbers are random: subtotals are checked against the
 * sums of the community rows, which is what the formulas compute.
 *
 * Set CANVASS_TEST_FULLDIR to a folder on a file system too small for the
 * workbook (mount -t tmpfs -o size=16k tmpfs DIR) to check that a full disk
 * gives ERR_NOSPACE and leaves no file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "xlsx.h"
#include "xlsx_read.c"

#define SAMPLE "sample-return.xml"
#define RETURN_XSD "../input-schema/return.xsd"
#define REGISTER_XSD "../input-schema/register.xsd"
#define CREATED ((time_t)1320883200) /* 2011-11-10T00:00:00Z */

#define S_SUMMARY "汇总表"
#define S_OPINIONS "民情意见分类统计表"
#define S_AUDIT "审核发现情况表"
#define S_FINDINGS "审核发现情况表（明细）"
#define S_GROUPS "特殊群体及服务情况表"
#define S_CADRES "干部参与情况表"

typedef struct {
    xmlDoc *doc;
    vocab_t *labels;
    vocab_t *reg; /* register.xsd: the categories, independently */
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *msg = NULL;

    if (!f)
        return -1;
    strcpy(f->dir, "/tmp/canvass-xlsx-XXXXXX");
    f->doc = xmlReadFile(SAMPLE, NULL, XML_PARSE_NONET);
    f->labels = vocab_load(RETURN_XSD, &msg);
    free(msg);
    msg = NULL;
    f->reg = vocab_load(REGISTER_XSD, &msg);
    free(msg);
    if (!f->doc || !f->labels || !f->reg || !mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    xmlFreeDoc(f->doc);
    vocab_free(f->labels);
    vocab_free(f->reg);
    free(f);
    return 0;
}

/* Renders DOC in LANG to DIR/NAME; returns the path (static buffer). */
static const char *render(fixture *f, const xmlDoc *doc, const char *lang,
                          time_t created, const char *name)
{
    static char path[128];
    render_opts o;
    char *msg = NULL;
    error_code rc;

    memset(&o, 0, sizeof o);
    o.lang = lang;
    o.created = created;
    o.labels = f->labels;
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    rc = xlsx_render(doc, path, &o, &msg);
    if (rc != ERR_OK)
        fprintf(stderr, "xlsx_render: %s\n", msg ? msg : "?");
    assert_int_equal(rc, ERR_OK);
    assert_null(msg);
    return path;
}

static xlsx_book *render_open(fixture *f, const char *lang)
{
    xlsx_book *b = xlsx_read_open(render(f, f->doc, lang, CREATED, "r.xlsx"));
    assert_non_null(b);
    return b;
}

/* Asserts cell REF of SHEET reads EXPECT. */
static void cell_is(xlsx_book *b, const char *sheet, const char *ref,
                    const char *expect)
{
    char *v = xlsx_read_cell(b, sheet, ref);
    if (!v || strcmp(v, expect))
        fprintf(stderr, "%s!%s: got \"%s\", want \"%s\"\n", sheet, ref,
                v ? v : "(none)", expect);
    assert_non_null(v);
    assert_string_equal(v, expect);
    free(v);
}

static void formula_is(xlsx_book *b, const char *sheet, const char *ref,
                       const char *expect)
{
    char *v = xlsx_read_formula(b, sheet, ref);
    if (!v || strcmp(v, expect))
        fprintf(stderr, "%s!%s: formula \"%s\", want \"%s\"\n", sheet, ref,
                v ? v : "(none)", expect);
    assert_non_null(v);
    assert_string_equal(v, expect);
    free(v);
}

/* Row number of the first cell of SHEET in column COL reading TEXT. */
static int row_of(xlsx_book *b, const char *sheet, const char *text, int col)
{
    char ref[16];
    const char *p;
    if (xlsx_read_find(b, sheet, text, col, ref) != 0)
        fprintf(stderr, "%s: no cell \"%s\"\n", sheet, text);
    assert_int_equal(xlsx_read_find(b, sheet, text, col, ref), 0);
    for (p = ref; *p >= 'A' && *p <= 'Z'; p++)
        ;
    return atoi(p);
}

static char *ref(char col, int row)
{
    static char buf[8][16];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%c%d", col, row);
    return buf[k];
}

static void part_has(xlsx_book *b, const char *part, const char *sheet,
                     const char *needle)
{
    char *text = xlsx_read_part(b, part, sheet);
    assert_non_null(text);
    if (!strstr(text, needle))
        fprintf(stderr, "%s: no \"%s\"\n", part ? part : sheet, needle);
    assert_non_null(strstr(text, needle));
    free(text);
}

/* The 表号 block of SHEET: NUMBER at the right of row 1 (after the title
 * in A1), ISSUER under it, UNITS at the right of row 3, and the title and
 * the period merged up to the block. */
static void form_block(xlsx_book *b, const char *sheet, const char *number,
                       const char *issuer, const char *units)
{
    char r1[16], r2[16], r3[16], merge[64], *text;
    int across;
    assert_int_equal(xlsx_read_find(b, sheet, number, -1, r1), 0);
    assert_int_equal(xlsx_read_find(b, sheet, issuer, -1, r2), 0);
    assert_int_equal(xlsx_read_find(b, sheet, units, -1, r3), 0);
    assert_string_equal(r1 + strlen(r1) - 1, "1");
    assert_string_equal(r2 + strlen(r2) - 1, "2");
    assert_string_equal(r3 + strlen(r3) - 1, "3");
    assert_int_equal(strlen(r1), strlen(r2));
    assert_memory_equal(r1, r2, strlen(r1) - 1); /* one column */
    assert_int_equal(strlen(r1), 2);             /* a column A-Z, after C */
    assert_true(r1[0] > 'C');
    /* the title ends where the block begins; on a sheet printed over
     * several pages across, it begins after the unit columns A:B, which
     * repeat on every page (a merged cell reaching into them would print
     * clipped there), and the reporting unit is merged over A3:B3, to
     * print whole on every page */
    text = xlsx_read_part(b, NULL, sheet);
    assert_non_null(text);
    across = strstr(text, "<colBreaks") != NULL;
    free(text);
    snprintf(merge, sizeof merge, "<mergeCell ref=\"%c1:%c1\"/>",
             across ? 'C' : 'A', r1[0] - 1);
    part_has(b, NULL, sheet, merge);
    snprintf(merge, sizeof merge, "<mergeCell ref=\"%c2:%c2\"/>",
             across ? 'C' : 'A', r1[0] - 1);
    part_has(b, NULL, sheet, merge);
    if (across)
        part_has(b, NULL, sheet, "<mergeCell ref=\"A3:B3\"/>");
}

/* --------------------------------------------------------------- tests */

static void test_sheet_names_zh(void **state)
{
    static const char *const want[] = {"汇总表",
                                       "入户走访情况表",
                                       "民情意见分类统计表",
                                       "建议分类统计表",
                                       "特殊群体及服务情况表",
                                       "干部参与情况表",
                                       "干部参与情况表（明细）",
                                       "满意度测评情况表",
                                       "审核发现情况表",
                                       "审核发现情况表（明细）"};
    xlsx_book *b = render_open(*state, "zh");
    size_t i;

    assert_int_equal(xlsx_read_nsheets(b), 10);
    for (i = 0; i < 10; i++)
        assert_string_equal(xlsx_read_sheet_name(b, i), want[i]);
    xlsx_read_close(b);
}

static void test_summary_counts(void **state)
{
    xlsx_book *b = render_open(*state, "zh");
    int r = row_of(b, S_SUMMARY, "金山社区", 0), t;

    /* header block */
    cell_is(b, S_SUMMARY, "A1", "汇总表");
    cell_is(b, S_SUMMARY, "A2", "走千家访万户（2011年9月1日至2011年10月31日）");
    cell_is(b, S_SUMMARY, "A3", "填报单位：红星社区、金山社区");
    /* the 表号 block, top right of the first printed page: the sheet's
     * number, 制定机关, 计量单位 */
    form_block(b, S_SUMMARY, "表号：民访1表", "制定机关：民政局",
               "计量单位：户、人、次、份、条");
    /* a cross-table: 甲 name, 乙 code, the indicators numbered 1 2 3… in
     * the row under the headings */
    cell_is(b, S_SUMMARY, "A5", "单位名称");
    cell_is(b, S_SUMMARY, "B5", "代码");
    cell_is(b, S_SUMMARY, "C5", "登记户数");
    cell_is(b, S_SUMMARY, "D5", "走访户数");
    cell_is(b, S_SUMMARY, "A6", "甲");
    cell_is(b, S_SUMMARY, "B6", "乙");
    cell_is(b, S_SUMMARY, "C6", "1");
    cell_is(b, S_SUMMARY, "Q6", "15");
    assert_null(xlsx_read_cell(b, S_SUMMARY, "R6")); /* 15 indicators */

    /* the 合计 row first, under the numbers: the filing unit's code, every
     * figure a SUM formula over the community rows (the street, district
     * and city of this return each cover both communities, so no subtotal
     * row repeats the 合计) */
    t = row_of(b, S_SUMMARY, "合计", 0);
    assert_int_equal(t, 7);
    {
        char at[16];
        assert_int_not_equal(
            xlsx_read_find(b, S_SUMMARY, "城关街道小计", 0, at), 0);
        assert_int_not_equal(xlsx_read_find(b, S_SUMMARY, "白银区小计", 0, at),
                             0);
    }
    cell_is(b, S_SUMMARY, "B7", "620402003"); /* the filing unit's code */
    formula_is(b, S_SUMMARY, "D7", "SUM(D8,D9)");
    cell_is(b, S_SUMMARY, "D7", "84");
    formula_is(b, S_SUMMARY, "C7", "SUM(C8,C9)");
    cell_is(b, S_SUMMARY, "C7", "92");
    formula_is(b, S_SUMMARY, "F7", "SUM(F8,F9)");
    cell_is(b, S_SUMMARY, "F7", "174");
    formula_is(b, S_SUMMARY, "Q7", "IF(O7>0,P7/O7,0)");

    /* then the communities: 金山社区 64 registered, 60 visited, 150
     * visits, 29 of 30 satisfied */
    assert_int_equal(r, 9);
    cell_is(b, S_SUMMARY, ref('B', r), "620402003005");
    cell_is(b, S_SUMMARY, ref('C', r), "64");
    cell_is(b, S_SUMMARY, ref('D', r), "60");
    formula_is(b, S_SUMMARY, ref('E', r), "IF(C9>0,D9/C9,0)");
    cell_is(b, S_SUMMARY, ref('E', r), "0.9375");
    cell_is(b, S_SUMMARY, ref('F', r), "150");
    cell_is(b, S_SUMMARY, ref('G', r), "103");
    cell_is(b, S_SUMMARY, ref('L', r), "9"); /* elderly members */
    cell_is(b, S_SUMMARY, ref('O', r), "30");
    cell_is(b, S_SUMMARY, ref('P', r), "29");
    cell_is(b, S_SUMMARY, "A8", "红星社区");
    cell_is(b, S_SUMMARY, "B8", "620402003001");
    cell_is(b, S_SUMMARY, "D8", "24");

    /* footer under the data */
    assert_int_equal(row_of(b, S_SUMMARY, "报出日期：2011年11月10日", -1), 11);
    cell_is(b, S_SUMMARY, "A11", "单位负责人：");
    assert_int_equal(row_of(b, S_SUMMARY, "统计负责人：", -1), 11);
    assert_int_equal(row_of(b, S_SUMMARY, "填表人：", -1), 11);
    xlsx_read_close(b);
}

/* The column letters of the opinions cross-table: A name, B code, C the
 * total, D-H by status, I important, J important reported; then from K a
 * block of six per category (its total, then by status). */
static const char *col_name(int col)
{
    static char buf[8][4];
    static int k;
    k = (k + 1) % 8;
    if (col < 26)
        snprintf(buf[k], sizeof buf[k], "%c", 'A' + col);
    else
        snprintf(buf[k], sizeof buf[k], "%c%c", 'A' + col / 26 - 1,
                 'A' + col % 26);
    return buf[k];
}

static char *cref(int col, int row)
{
    static char buf[8][16];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s%d", col_name(col), row);
    return buf[k];
}

static long cell_num(xlsx_book *b, const char *sheet, const char *r)
{
    char *v = xlsx_read_cell(b, sheet, r);
    long n;
    if (!v)
        fprintf(stderr, "%s!%s: no value\n", sheet, r);
    assert_non_null(v);
    n = strtol(v, NULL, 10);
    free(v);
    return n;
}

/* Cell REF's text, kept until the next call. */
static const char *cell_text(xlsx_book *b, const char *sheet, const char *r)
{
    static char buf[64];
    char *v = xlsx_read_cell(b, sheet, r);
    assert_non_null(v);
    snprintf(buf, sizeof buf, "%s", v);
    free(v);
    return buf;
}

static void test_opinions_every_category(void **state)
{
    fixture *f = *state;
    xlsx_book *b = render_open(f, "zh");
    size_t n, i;
    const vocab_item *cat = vocab_enum(f->reg, "category", &n);
    int col, row, k;

    /* a cross-table: every category of the register schema heads one
     * block of the first heading row (row 5), once */
    assert_true(n >= 8);
    for (i = 0; i < n; i++) {
        char r[16];
        /* (and once in the chart's data below the table) */
        assert_int_equal(xlsx_read_count(b, S_OPINIONS, cat[i].zh, -1), 2);
        assert_int_equal(xlsx_read_find(b, S_OPINIONS, cat[i].zh, -1, r), 0);
        assert_string_equal(r, cref(10 + 6 * (int)i, 5));
    }
    /* the two-level heading, then the columns numbered 甲 乙 1 2 3… */
    cell_is(b, S_OPINIONS, "A5", "单位名称");
    cell_is(b, S_OPINIONS, "B5", "代码");
    cell_is(b, S_OPINIONS, "C5", "合计");
    cell_is(b, S_OPINIONS, "C6", "合计");
    cell_is(b, S_OPINIONS, "D6", "待办");
    cell_is(b, S_OPINIONS, "H6", "已解释答复");
    cell_is(b, S_OPINIONS, "I6", "重要意见");
    cell_is(b, S_OPINIONS, "J6", "重要意见已上报");
    cell_is(b, S_OPINIONS, "K5", "党的建设");
    cell_is(b, S_OPINIONS, "K6", "合计");
    cell_is(b, S_OPINIONS, "L6", "待办");
    cell_is(b, S_OPINIONS, "A7", "甲");
    cell_is(b, S_OPINIONS, "B7", "乙");
    for (col = 2; col < 10 + 6 * (int)n; col++) {
        char no[16];
        snprintf(no, sizeof no, "%d", col - 1);
        cell_is(b, S_OPINIONS, cref(col, 7), no);
    }
    assert_null(xlsx_read_cell(b, S_OPINIONS, cref(10 + 6 * (int)n, 7)));
    part_has(b, NULL, S_OPINIONS, "<mergeCell ref=\"K5:P5\"/>");
    part_has(b, NULL, S_OPINIONS, "<mergeCell ref=\"A5:A6\"/>");

    /* one row per unit, 合计 (the reporting unit) first */
    cell_is(b, S_OPINIONS, "A8", "合计");
    cell_is(b, S_OPINIONS, "A9", "红星社区");
    cell_is(b, S_OPINIONS, "B9", "620402003001");
    cell_is(b, S_OPINIONS, "A10", "金山社区");
    cell_is(b, S_OPINIONS, "A11", "城关街道");
    assert_int_equal(xlsx_read_count(b, S_OPINIONS, "红星社区", 0), 1);

    /* 红星社区, party building: 0 1 1 0 2, total 4; in all 32 opinions,
     * 2 important */
    cell_is(b, S_OPINIONS, "L9", "0");
    cell_is(b, S_OPINIONS, "M9", "1");
    cell_is(b, S_OPINIONS, "P9", "2");
    formula_is(b, S_OPINIONS, "K9", "SUM(L9:P9)");
    cell_is(b, S_OPINIONS, "K9", "4");
    formula_is(b, S_OPINIONS, "C9", "SUM(D9:H9)");
    cell_is(b, S_OPINIONS, "C9", "32");
    formula_is(b, S_OPINIONS, "D9", "SUM(L9,R9,X9,AD9,AJ9,AP9,AV9,BB9)");

    /* totals add up: across, every unit's total is the sum of its
     * categories' and its status totals those of the categories; down,
     * the 合计 row is the sum of the two communities in every column */
    for (row = 8; row <= 13; row++) {
        long sum = 0;
        for (k = 0; k < (int)n; k++) {
            long cs = 0;
            int j;
            for (j = 1; j <= 5; j++)
                cs += cell_num(b, S_OPINIONS, cref(10 + 6 * k + j, row));
            assert_int_equal(cs,
                             cell_num(b, S_OPINIONS, cref(10 + 6 * k, row)));
            sum += cs;
        }
        assert_int_equal(sum, cell_num(b, S_OPINIONS, cref(2, row)));
        for (k = 0; k < 5; k++) {
            long ss = 0;
            int j;
            for (j = 0; j < (int)n; j++)
                ss += cell_num(b, S_OPINIONS, cref(11 + 6 * j + k, row));
            assert_int_equal(ss, cell_num(b, S_OPINIONS, cref(3 + k, row)));
        }
    }
    for (col = 2; col < 10 + 6 * (int)n; col++) {
        char want[32];
        assert_int_equal(cell_num(b, S_OPINIONS, cref(col, 8)),
                         cell_num(b, S_OPINIONS, cref(col, 9)) +
                             cell_num(b, S_OPINIONS, cref(col, 10)));
        snprintf(want, sizeof want, "SUM(%s,%s)", cref(col, 9), cref(col, 10));
        formula_is(b, S_OPINIONS, cref(col, 8), want);
    }
    /* the headings and their numbers repeat on every printed page; the
     * chart's data, the reporting unit's totals by category, below */
    part_has(b, "xl/workbook.xml", NULL,
             "'民情意见分类统计表'!$A:$B,'民情意见分类统计表'!$5:$7");
    cell_is(b, S_OPINIONS, "A15", "单位负责人：");
    cell_is(b, S_OPINIONS, "C17", "类别");
    cell_is(b, S_OPINIONS, "C18", "党的建设");
    formula_is(b, S_OPINIONS, "D18", "K8");
    cell_is(b, S_OPINIONS, "D18", cell_text(b, S_OPINIONS, "K8"));
    part_has(b, NULL, S_OPINIONS, "<autoFilter ref=\"A7:");
    xlsx_read_close(b);
}

static void test_audit_findings(void **state)
{
    xlsx_book *b = render_open(*state, "zh");
    int r = row_of(b, S_FINDINGS, "h017", 6);

    /* the list: file, line, rule, severity, message, community, ids */
    cell_is(b, S_FINDINGS, "A1", "审核发现情况表（明细）");
    cell_is(b, S_FINDINGS, ref('A', r), "examples/jinshan-2011.xml");
    cell_is(b, S_FINDINGS, ref('B', r), "210");
    cell_is(b, S_FINDINGS, ref('C', r), "住户无责任干部（责任区不清）");
    cell_is(b, S_FINDINGS, ref('D', r), "警告");
    cell_is(b, S_FINDINGS, ref('F', r), "620402003005");
    r = row_of(b, S_FINDINGS, "c11", 9);
    cell_is(b, S_FINDINGS, ref('C', r), "干部走访次数偏少");
    cell_is(b, S_FINDINGS, ref('E', r),
            "cadre c11 made 3 visits, fewer than 5");
    part_has(b, NULL, S_FINDINGS, "<autoFilter ref=\"A5:J7\"/>");

    /* findings by rule, one row per unit (甲 name, 乙 code), the
     * columns numbered, 合计 first: every rule a column */
    cell_is(b, S_AUDIT, "A5", "单位名称");
    cell_is(b, S_AUDIT, "B5", "代码");
    cell_is(b, S_AUDIT, "C5", "错误");
    cell_is(b, S_AUDIT, "D5", "警告");
    cell_is(b, S_AUDIT, "E5", "不符合登记表格式");
    cell_is(b, S_AUDIT, "N5", "住户未走访");
    cell_is(b, S_AUDIT, "R5", "干部走访次数偏少");
    cell_is(b, S_AUDIT, "A6", "甲");
    cell_is(b, S_AUDIT, "B6", "乙");
    cell_is(b, S_AUDIT, "C6", "1");
    cell_is(b, S_AUDIT, "R6", "16");
    cell_is(b, S_AUDIT, "A7", "合计"); /* 'all': no code of its own */
    r = row_of(b, S_AUDIT, "金山社区", 0);
    assert_true(r > 7);
    cell_is(b, S_AUDIT, ref('B', r), "620402003005");
    cell_is(b, S_AUDIT, ref('D', r), "5");
    cell_is(b, S_AUDIT, ref('N', r), "4");
    cell_is(b, S_AUDIT, ref('Q', r), "3");
    xlsx_read_close(b);
}

/* The visits and satisfaction sheets are per-unit tables of a statistical
 * return: 甲 name, 乙 code, the columns numbered under the headings, the
 * reporting unit's 合计 row first, then the units. */
static void test_visits_satisfaction_form(void **state)
{
    xlsx_book *b = render_open(*state, "zh");
    const char *v = "入户走访情况表", *sa = "满意度测评情况表";
    char f[64];
    int r;

    cell_is(b, v, "A5", "单位名称");
    cell_is(b, v, "B5", "代码");
    cell_is(b, v, "G5", "合计");
    cell_is(b, v, "G6", "登记户数");
    cell_is(b, v, "H6", "走访户数");
    cell_is(b, v, "I6", "走访覆盖率");
    cell_is(b, v, "J5", "走访次数");
    cell_is(b, v, "A7", "甲");
    cell_is(b, v, "B7", "乙");
    cell_is(b, v, "C7", "1");
    cell_is(b, v, "M7", "11");
    cell_is(b, v, "A8", "合计");
    cell_is(b, v, "G8", "154"); /* the reporting unit's own figures */
    r = row_of(b, v, "金山社区", 0);
    assert_true(r > 8);
    cell_is(b, v, ref('B', r), "620402003005");
    cell_is(b, v, ref('G', r), "64");
    cell_is(b, v, ref('H', r), "60");
    snprintf(f, sizeof f, "SUM(D%d,F%d)", r, r);
    formula_is(b, v, ref('H', r), f);
    cell_is(b, v, ref('M', r), "150");
    r = row_of(b, v, "城关街道", 0); /* the roll-ups after the 合计 row */
    cell_is(b, v, ref('B', r), "620402003");
    cell_is(b, v, ref('G', r), "62");
    part_has(b, NULL, v, "<autoFilter ref=\"A7:M13\"/>");

    cell_is(b, sa, "A5", "单位名称");
    cell_is(b, sa, "B5", "代码");
    cell_is(b, sa, "G5", "满意度测评表（份）");
    cell_is(b, sa, "A6", "甲");
    cell_is(b, sa, "B6", "乙");
    cell_is(b, sa, "I6", "7");
    cell_is(b, sa, "A7", "合计");
    r = row_of(b, sa, "金山社区", 0);
    assert_true(r > 7);
    cell_is(b, sa, ref('G', r), "30");
    cell_is(b, sa, ref('H', r), "29");
    snprintf(f, sizeof f, "SUM(C%d:F%d)", r, r);
    formula_is(b, sa, ref('G', r), f);
    xlsx_read_close(b);
}

/* A return listing more findings than the sheet may hold (the row limit
 * made small): the sheet lists up to the limit, then says how many are not
 * listed (those the return left out plus those cut), the return's cap,
 * and that the sheet is full; the footer block still fits. */
static void test_findings_past_sheet_limit(void **state)
{
    fixture *f = *state;
    xmlDocPtr doc = xmlCopyDoc(f->doc, 1);
    xmlNodePtr fs = NULL, n, fi;
    render_opts o;
    char *msg = NULL, path[128], ref[16];
    xlsx_book *b;
    int i, listed = 0;

    assert_non_null(doc);
    for (n = xmlDocGetRootElement(doc)->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)n->name, "findings"))
            fs = n;
    assert_non_null(fs);
    fi = fs->children;
    while (fi && fi->type != XML_ELEMENT_NODE)
        fi = fi->next;
    for (i = 0; i < 100; i++) /* 102 findings */
        assert_non_null(xmlAddChild(fs, xmlCopyNode(fi, 1)));
    xmlSetProp(fs, BAD_CAST "omitted", BAD_CAST "7");
    xmlSetProp(fs, BAD_CAST "limit", BAD_CAST "1000");

    memset(&o, 0, sizeof o);
    o.lang = "zh";
    o.created = CREATED;
    o.labels = f->labels;
    o.sheet_rows = 40;
    snprintf(path, sizeof path, "%s/limit.xlsx", f->dir);
    assert_int_equal(xlsx_render(doc, path, &o, &msg), ERR_OK);
    assert_null(msg);
    assert_non_null(b = xlsx_read_open(path));
    listed =
        (int)xlsx_read_count(b, S_FINDINGS, "examples/jinshan-2011.xml", 0);
    /* header block 5 rows; rows 6..35 hold findings */
    assert_int_equal(listed, 30);
    /* 102 - 30 cut, plus 7 the return left out */
    assert_int_equal(xlsx_read_find(b, S_FINDINGS,
                                    "另有 79 条未列出，全部发现见 findings.csv",
                                    0, ref),
                     0);
    assert_string_equal(ref, "A36");
    cell_is(b, S_FINDINGS, "A37", "每条规则、每个社区至多列出（条）：1000");
    cell_is(b, S_FINDINGS, "A38", "本表已达 Excel 行数上限，其余未列出");
    /* the footer: the last row the sheet may have */
    assert_int_equal(xlsx_read_find(b, S_FINDINGS, "单位负责人：", 0, ref), 0);
    assert_string_equal(ref, "A40");
    xlsx_read_close(b);
    xmlFreeDoc(doc);
}

static void test_groups_and_cadres(void **state)
{
    xlsx_book *b = render_open(*state, "zh");

    /* 红星社区, 三无老人: 1 member, 3 households, 1 served; services by
     * type life-care 1, housekeeping 0, rehabilitation 1, spiritual 0 */
    /* a cross-table: the 合计（不重复计） block, then a block of four per
     * group; the 表号 block closes the first printed page */
    form_block(b, S_GROUPS, "表号：民访5表", "制定机关：民政局",
               "计量单位：户、人、次、份、条"); /* the fifth sheet */
    cell_is(b, S_GROUPS, "A5", "单位名称");
    cell_is(b, S_GROUPS, "C5", "合计（不重复计）");
    part_has(b, NULL, S_GROUPS, "<mergeCell ref=\"C5:J5\"/>");
    cell_is(b, S_GROUPS, "E6", "已服务人数");
    cell_is(b, S_GROUPS, "F6", "生活照料");
    cell_is(b, S_GROUPS, "J6", "服务次数");
    cell_is(b, S_GROUPS, "K5", "三无老人");
    cell_is(b, S_GROUPS, "K6", "人数");
    cell_is(b, S_GROUPS, "N6", "服务次数");
    cell_is(b, S_GROUPS, "A7", "甲");
    cell_is(b, S_GROUPS, "C7", "1");
    /* every group of the register schema heads a block */
    assert_int_equal(xlsx_read_count(b, S_GROUPS, "重点困难家庭", -1), 1);
    assert_int_equal(xlsx_read_count(b, S_GROUPS, "老年人", -1), 1);
    /* 红星社区 (row 9): 47 members in any group, 30 served (each once:
     * services/@members, no empty cell), services by type 3 ... in all
     * 9; 三无老人 1 member, 3 households, 1 served, 2 services */
    cell_is(b, S_GROUPS, "A9", "红星社区");
    cell_is(b, S_GROUPS, "C9", "47");
    cell_is(b, S_GROUPS, "E9", "30");
    cell_is(b, S_GROUPS, "F9", "3");
    formula_is(b, S_GROUPS, "J9", "SUM(F9:I9)");
    cell_is(b, S_GROUPS, "J9", "9");
    cell_is(b, S_GROUPS, "K9", "1");
    cell_is(b, S_GROUPS, "L9", "3");
    cell_is(b, S_GROUPS, "M9", "1");
    cell_is(b, S_GROUPS, "N9", "2");
    /* the 合计 row: the sums of the two communities */
    cell_is(b, S_GROUPS, "A8", "合计");
    formula_is(b, S_GROUPS, "C8", "SUM(C9,C10)");
    assert_int_equal(cell_num(b, S_GROUPS, "N8"),
                     cell_num(b, S_GROUPS, "N9") +
                         cell_num(b, S_GROUPS, "N10"));

    /* cadres: the same form, a 合计 block (registered, taking part,
     * 参与走访人次: a cadre counts once per visit taken part in, not
     * 走访次数), then a block of three per role */
    form_block(b, S_CADRES, "表号：民访6表", "制定机关：民政局",
               "计量单位：户、人、次、份、条");
    cell_is(b, S_CADRES, "A5", "单位名称");
    cell_is(b, S_CADRES, "B5", "代码");
    cell_is(b, S_CADRES, "C5", "合计");
    part_has(b, NULL, S_CADRES, "<mergeCell ref=\"C5:E5\"/>");
    cell_is(b, S_CADRES, "C6", "在册人数");
    cell_is(b, S_CADRES, "D6", "参与人数");
    cell_is(b, S_CADRES, "E6", "参与走访人次");
    assert_int_equal(xlsx_read_count(b, S_CADRES, "走访次数", -1), 0);
    cell_is(b, S_CADRES, "F5", "书记");
    part_has(b, NULL, S_CADRES, "<mergeCell ref=\"F5:H5\"/>");
    cell_is(b, S_CADRES, "H6", "参与走访人次");
    cell_is(b, S_CADRES, "X5", "志愿者"); /* the seventh role */
    cell_is(b, S_CADRES, "A7", "甲");
    cell_is(b, S_CADRES, "B7", "乙");
    cell_is(b, S_CADRES, "C7", "1");
    cell_is(b, S_CADRES, "Z7", "24");
    /* the 合计 row first: SUMs of the two communities */
    cell_is(b, S_CADRES, "A8", "合计");
    formula_is(b, S_CADRES, "E8", "SUM(E9,E10)");
    formula_is(b, S_CADRES, "H8", "SUM(H9,H10)");
    /* 红星社区: 书记 4 visits taken part in; the 合计 block the SUM of the
     * roles' */
    cell_is(b, S_CADRES, "A9", "红星社区");
    cell_is(b, S_CADRES, "B9", "620402003001");
    cell_is(b, S_CADRES, "H9", "4");
    formula_is(b, S_CADRES, "E9", "SUM(H9,K9,N9,Q9,T9,W9,Z9)");
    cell_is(b, S_CADRES, "E9", "22");
    assert_int_equal(cell_num(b, S_CADRES, "E8"),
                     cell_num(b, S_CADRES, "E9") +
                         cell_num(b, S_CADRES, "E10"));
    /* the detail sheet after it, in the same convention: teams, then
     * cadres by id (never by name) with role and team */
#define S_CADRES_LIST "干部参与情况表（明细）"
    form_block(b, S_CADRES_LIST, "表号：民访7表", "制定机关：民政局",
               "计量单位：户、人、次、份、条");
    cell_is(b, S_CADRES_LIST, "A5", "单位名称");
    cell_is(b, S_CADRES_LIST, "B5", "代码");
    cell_is(b, S_CADRES_LIST, "D5", "项目");
    cell_is(b, S_CADRES_LIST, "I5", "参与走访人次");
    cell_is(b, S_CADRES_LIST, "C6", "丙");
    cell_is(b, S_CADRES_LIST, "F6", "己");
    cell_is(b, S_CADRES_LIST, "G6", "1");
    cell_is(b, S_CADRES_LIST, "I6", "3");
    cell_is(b, S_CADRES_LIST, "A7", "红星社区");
    cell_is(b, S_CADRES_LIST, "C7", "工作组");
    cell_is(b, S_CADRES_LIST, "D7", "工作组");
    cell_is(b, S_CADRES_LIST, "I7", "40");
    cell_is(b, S_CADRES_LIST, "C8", "干部");
    cell_is(b, S_CADRES_LIST, "D8", "c01");
    cell_is(b, S_CADRES_LIST, "E8", "书记");
    cell_is(b, S_CADRES_LIST, "F8", "工作组");
    cell_is(b, S_CADRES_LIST, "D9", "c11");
    cell_is(b, S_CADRES_LIST, "E9", "网格员");
    xlsx_read_close(b);
}

/* The integer after NEEDLE in TEXT, -1 if none. */
static long after(const char *text, const char *needle)
{
    const char *p = text ? strstr(text, needle) : NULL;
    return p ? strtol(p + strlen(needle), NULL, 10) : -1;
}

/* Charts are placed for print: one that would straddle a page break
 * starts a page of its own (a row break right above it, and no other),
 * and one on a sheet printed over several pages across is no wider than
 * the first. The return grows by a community at a time, so that the pie
 * below the satisfaction table meets the end of its page at some size. */
static void test_chart_placement(void **state)
{
    fixture *f = *state;
    xmlDoc *d = xmlCopyDoc(f->doc, 1);
    xmlNode *root = xmlDocGetRootElement(d), *n, *first = NULL;
    xlsx_book *b;
    char *sheet, *drawing;
    long row, brk, to, colbrk;
    int k, breaks = 0;

    for (n = root->children; n && !first; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)n->name, "unit"))
            first = n;
    assert_non_null(first);
    for (k = 0; k < 30; k++) {
        xmlNode *copy = xmlCopyNode(first, 1);
        char code[32];
        snprintf(code, sizeof code, "6204020031%02d", k % 100);
        xmlSetProp(copy, BAD_CAST "code", BAD_CAST code);
        assert_non_null(xmlAddPrevSibling(first, copy));
        b = xlsx_read_open(render(f, d, "zh", CREATED, "charts.xlsx"));
        assert_non_null(b);
        /* the pie, the fourth chart */
        drawing = xlsx_read_part(b, "xl/drawings/drawing4.xml", NULL);
        sheet = xlsx_read_part(b, NULL, "满意度测评情况表");
        row = after(drawing, "<xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</"
                             "xdr:colOff><xdr:row>");
        brk = after(sheet, "<rowBreaks count=\"1\" manualBreakCount=\"1\">"
                           "<brk id=\"");
        assert_true(row > 10);
        if (brk >= 0) {
            assert_int_equal(brk, row);
            breaks++;
        } else {
            assert_null(strstr(sheet, "<rowBreaks"));
        }
        free(drawing);
        free(sheet);
        /* the opinions' chart ends before the first page break across */
        drawing = xlsx_read_part(b, "xl/drawings/drawing1.xml", NULL);
        sheet = xlsx_read_part(b, NULL, S_OPINIONS);
        to = after(drawing, "<xdr:to><xdr:col>");
        colbrk = after(strstr(sheet, "<colBreaks"), "<brk id=\"");
        assert_true(to > 0 && colbrk > 0);
        assert_true(to < colbrk);
        free(drawing);
        free(sheet);
        xlsx_read_close(b);
    }
    assert_true(breaks > 0 && breaks < 30);
    xmlFreeDoc(d);
}

static void test_layout_and_properties(void **state)
{
    xlsx_book *b = render_open(*state, "zh");
    char *text;
    size_t i;

    for (i = 0; i < xlsx_read_nsheets(b); i++) {
        const char *s = xlsx_read_sheet_name(b, i);
        part_has(b, NULL, s, "state=\"frozen\"");
        part_has(b, NULL, s, "paperSize=\"9\"");
        part_has(b, NULL, s, "orientation=\"landscape\"");
        part_has(b, NULL, s, "<autoFilter ref=");
        part_has(b, NULL, s, "<col ");
        /* every printed page says which of how many */
        part_has(b, NULL, s,
                 "<oddFooter>&amp;C第 &amp;P 页 共 &amp;N 页</oddFooter>");
        /* a table a page or so wide is fitted to one page across; the
         * cross-tables print at 80 % over several, left to right, broken
         * between the blocks of their categories */
        text = xlsx_read_part(b, NULL, s);
        assert_non_null(text);
        if (!strcmp(s, S_OPINIONS) || !strcmp(s, "意见建议分类统计表") ||
            !strcmp(s, S_GROUPS))
            assert_non_null(strstr(text, "<colBreaks count="));
        if (strstr(text, "<colBreaks count=")) {
            part_has(b, NULL, s, "scale=\"80\"");
            part_has(b, NULL, s, "pageOrder=\"overThenDown\"");
            assert_null(strstr(text, "fitToPage"));
        } else {
            part_has(b, NULL, s, "fitToHeight=\"0\"");
        }
        free(text);
    }
    part_has(b, NULL, S_OPINIONS, "<brk id=\"16\"");
    part_has(b, "xl/workbook.xml", NULL, "_xlnm.Print_Titles");
    part_has(b, "xl/workbook.xml", NULL, "'汇总表'!$5:$6");
    /* charts: opinions, suggestions, services (columns), satisfaction */
    part_has(b, "xl/charts/chart1.xml", NULL, "<c:barChart>");
    part_has(b, "xl/charts/chart1.xml", NULL,
             "<c:f>'民情意见分类统计表'!$C$18:$C$25</c:f>");
    part_has(b, "xl/charts/chart1.xml", NULL,
             "<c:f>'民情意见分类统计表'!$D$18:$D$25</c:f>");
    part_has(b, "xl/charts/chart3.xml", NULL, "<c:barChart>");
    part_has(b, "xl/charts/chart3.xml", NULL,
             "<c:f>'特殊群体及服务情况表'!$F$6:$I$6</c:f>");
    part_has(b, "xl/charts/chart3.xml", NULL,
             "<c:f>'特殊群体及服务情况表'!$F$8:$I$8</c:f>");
    part_has(b, "xl/charts/chart4.xml", NULL, "<c:pieChart>");
    assert_null(xlsx_read_part(b, "xl/charts/chart5.xml", NULL));
    /* charts sit below their table, at the left (the opinions' beside
     * their data): beside the table they would widen the printed page */
    part_has(b, "xl/drawings/drawing4.xml", NULL,
             "<xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff>");
    part_has(b, "xl/drawings/drawing3.xml", NULL,
             "<xdr:from><xdr:col>2</xdr:col><xdr:colOff>0</xdr:colOff>");
    part_has(b, "xl/drawings/drawing1.xml", NULL,
             "<xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff>"
             "<xdr:row>16</xdr:row>");
    /* properties */
    part_has(b, "docProps/core.xml", NULL, "<dc:title>走千家访万户</dc:title>");
    part_has(b, "docProps/core.xml", NULL,
             "2011-11-10T00:00:00Z</dcterms:created>");
    part_has(b, "docProps/app.xml", NULL,
             "<Company>红星社区、金山社区</Company>");
    xlsx_read_close(b);
}

static void test_english(void **state)
{
    xlsx_book *b = render_open(*state, "en");
    const char *opinions = "Opinions by category and status";

    assert_int_equal(xlsx_read_nsheets(b), 10);
    assert_string_equal(xlsx_read_sheet_name(b, 0), "Summary");
    assert_string_equal(xlsx_read_sheet_name(b, 1), "Household visits");
    assert_string_equal(xlsx_read_sheet_name(b, 2), opinions);
    /* the label fits Excel's 31 characters */
    assert_string_equal(xlsx_read_sheet_name(b, 3),
                        "Suggestions by category, status");
    cell_is(b, "Summary", "A1", "Summary");
    cell_is(b, "Summary", "D5", "Households visited");
    cell_is(b, "Summary", "A5", "Unit");
    cell_is(b, "Summary", "B6", "B"); /* the column letters */
    cell_is(b, "Summary", "A7", "Total");
    cell_is(b, "Summary", "D7", "84");
    cell_is(b, "Summary", "A2",
            "走千家访万户 (1 September 2011 to 31 October 2011)");
    assert_int_equal(
        row_of(b, "Summary", "Date reported: 10 November 2011", -1), 11);
    cell_is(b, opinions, "K5", "Party building");
    cell_is(b, opinions, "D6", "pending");
    cell_is(b, opinions, "A7", "A"); /* the column letters */
    cell_is(b, opinions, "C7", "1");
    cell_is(b, opinions, "A8", "Total");
    /* the 表号 block in English */
    form_block(b, "Summary", "Form: CA-1", "Issued by: Civil Affairs Bureau",
               "Units: households, persons, visits, forms, items");
    part_has(b, NULL, "Summary",
             "<oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter>");
    /* a heading, and a row of the chart's data */
    assert_int_equal(xlsx_read_count(b, opinions, "civil affairs", -1), 2);
    assert_int_equal(xlsx_read_count(b, opinions, "党的建设", -1), 0);
    assert_string_equal(xlsx_read_sheet_name(b, 6), "Cadres and teams (list)");
    cell_is(b, "Cadres and teams (list)", "F6", "F");
    assert_string_equal(xlsx_read_sheet_name(b, 9), "Audit findings (list)");
    cell_is(b, "Audit findings (list)", "D6", "warning");
    cell_is(b, "Audit findings", "D5", "warning");
    cell_is(b, "Cadres and teams", "E6", "Visits taken part in");
    cell_is(b, "Cadres and teams", "A8", "Total");
    cell_is(b, "Audit findings", "A6", "A"); /* the column letters */
    cell_is(b, "Audit findings", "C6", "1");
    cell_is(b, "Audit findings", "A7", "Total");
    cell_is(b, "Household visits", "A5", "Unit");
    cell_is(b, "Household visits", "B7", "B");
    cell_is(b, "Household visits", "A8", "Total");
    cell_is(b, "Satisfaction evaluation", "A6", "A");
    cell_is(b, "Satisfaction evaluation", "A7", "Total");
    xlsx_read_close(b);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long len;
    if (!fp)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) > 0 &&
        fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
        fread(buf, 1, (size_t)len, fp) == (size_t)len)
        *n = (size_t)len;
    else {
        free(buf);
        buf = NULL;
    }
    fclose(fp);
    return buf;
}

static void test_byte_identical(void **state)
{
    fixture *f = *state;
    char a[128], b[128];
    char *x, *y;
    size_t nx = 0, ny = 0;

    snprintf(a, sizeof a, "%s", render(f, f->doc, "zh", CREATED, "a.xlsx"));
    snprintf(b, sizeof b, "%s", render(f, f->doc, "zh", CREATED, "b.xlsx"));
    x = slurp(a, &nx);
    y = slurp(b, &ny);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(nx, ny);
    assert_memory_equal(x, y, nx);
    free(x);
    free(y);
}

static void test_partial_note(void **state)
{
    fixture *f = *state;
    xmlDoc *d = xmlCopyDoc(f->doc, 1);
    xmlNode *root = xmlDocGetRootElement(d), *n;
    xlsx_book *b;

    for (n = root->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)n->name, "sources")) {
            xmlNode *s = xmlNewChild(n, n->ns, BAD_CAST "source", NULL);
            xmlNewProp(s, BAD_CAST "file", BAD_CAST "examples/zz-bad.xml");
            xmlNewProp(s, BAD_CAST "size", BAD_CAST "10");
            xmlNewProp(s, BAD_CAST "included", BAD_CAST "false");
        }
    xmlSetProp(root, BAD_CAST "partial", BAD_CAST "true");
    b = xlsx_read_open(render(f, d, "zh", CREATED, "p.xlsx"));
    assert_non_null(b);
    cell_is(b, S_SUMMARY, "A5",
            "部分汇总：以下登记表未纳入本表：examples/zz-bad.xml");
    cell_is(b, S_SUMMARY, "A6", "单位名称");
    cell_is(b, S_SUMMARY, "A8", "合计");
    cell_is(b, S_SUMMARY, "D8", "84");
    cell_is(b, S_SUMMARY, "D10", "60");
    xlsx_read_close(b);
    xmlFreeDoc(d);
}

/* Number of characters of UTF-8 text S. */
static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void test_long_message_cut(void **state)
{
    fixture *f = *state;
    xmlDoc *d = xmlCopyDoc(f->doc, 1);
    xmlNode *n = xmlDocGetRootElement(d)->children;
    size_t len = 40000 * 3, i;
    char *text = malloc(len + 1), *v;
    xlsx_book *b;

    assert_non_null(text);
    for (i = 0; i < len; i += 3)
        memcpy(text + i, "\xE8\xAF\xB4", 3); /* 说 */
    text[len] = 0;
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)n->name, "findings"))
            break;
    assert_non_null(n);
    for (n = n->children; n->type != XML_ELEMENT_NODE; n = n->next)
        ;
    xmlNodeSetContent(n, BAD_CAST text); /* the first finding */
    free(text);
    b = xlsx_read_open(render(f, d, "zh", CREATED, "long.xlsx"));
    assert_non_null(b);
    v = xlsx_read_cell(b, S_FINDINGS, "E6");
    assert_non_null(v);
    assert_true(utf8_len(v) <= 32767);
    assert_true(utf8_len(v) > 30000);
    assert_string_equal(v + strlen(v) - 3, "\xE2\x80\xA6"); /* … */
    free(v);
    xlsx_read_close(b);
    xmlFreeDoc(d);
}

/* A findings row grows with its wrapped message: 15 points a line of
 * XLSX_WIDTH_MAX characters (a Chinese one counting two); a short message
 * leaves the row as it is. */
static void test_row_heights(void **state)
{
    fixture *f = *state;
    xmlDoc *d = xmlCopyDoc(f->doc, 1);
    xmlNode *n = xmlDocGetRootElement(d)->children;
    char *text = malloc(100 * 3 + 1), *sheet;
    const size_t chars[2] = {100, 10}; /* Chinese: 4 lines, 1 */
    size_t i, k;
    xlsx_book *b;

    assert_non_null(text);
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            !strcmp((const char *)n->name, "findings"))
            break;
    assert_non_null(n);
    n = n->children;
    for (k = 0; k < 2; k++, n = n->next) {
        while (n && n->type != XML_ELEMENT_NODE)
            n = n->next;
        assert_non_null(n);
        for (i = 0; i < chars[k]; i++)
            memcpy(text + 3 * i, "\xE8\xAF\xB4", 3); /* 说 */
        text[3 * chars[k]] = 0;
        xmlNodeSetContent(n, BAD_CAST text);
    }
    free(text);
    b = xlsx_read_open(render(f, d, "zh", CREATED, "heights.xlsx"));
    assert_non_null(b);
    sheet = xlsx_read_part(b, NULL, S_FINDINGS);
    assert_non_null(sheet);
    /* the two findings are on rows 6 and 7 (a streamed sheet: its rows
     * have no spans, its strings are inline) */
    assert_non_null(
        strstr(sheet, "<row r=\"6\" ht=\"60\" customHeight=\"1\">"));
    assert_non_null(strstr(sheet, "<row r=\"7\"><c r=\"A7\""));
    assert_non_null(
        strstr(sheet, "t=\"inlineStr\"><is><t>\xE8\xAF\xB4\xE8\xAF\xB4"));
    free(sheet);
    xlsx_read_close(b);
    xmlFreeDoc(d);
}

/* Expects RC != ERR_OK with a message and no file at PATH. */
static void fails(fixture *f, const xmlDoc *doc, const char *path,
                  error_code want)
{
    render_opts o;
    char *msg = NULL;
    error_code rc;

    memset(&o, 0, sizeof o);
    o.lang = "zh";
    o.created = CREATED;
    o.labels = f->labels;
    rc = xlsx_render(doc, path, &o, &msg);
    assert_int_equal(rc, want);
    assert_non_null(msg);
    assert_non_null(strstr(msg, path));
    free(msg);
    assert_int_not_equal(access(path, F_OK), 0);
}

static void test_missing_folder(void **state)
{
    fixture *f = *state;
    char path[128], dir[96];
    struct stat st;

    snprintf(dir, sizeof dir, "%s/no-such-folder", f->dir);
    snprintf(path, sizeof path, "%s/returns.xlsx", dir);
    fails(f, f->doc, path, ERR_OPEN);
    assert_int_not_equal(stat(dir, &st), 0);
}

static void test_not_a_return(void **state)
{
    fixture *f = *state;
    xmlDoc *d = xmlReadMemory("<return/>", 9, "x.xml", NULL, 0);
    char path[128];

    snprintf(path, sizeof path, "%s/x.xlsx", f->dir);
    fails(f, d, path, ERR_INVALID);
    xmlFreeDoc(d);
}

static void test_full_disk(void **state)
{
    fixture *f = *state;
    const char *full = getenv("CANVASS_TEST_FULLDIR");
    char path[256];

    if (!full || !*full) {
        skip();
        return;
    }
    snprintf(path, sizeof path, "%s/returns.xlsx", full);
    fails(f, f->doc, path, ERR_NOSPACE);
}

/* Writes a zip at PATH with the parts NAMES[i] holding TEXTS[i]. */
static void make_zip(const char *path, const char *const *names,
                     const char *const *texts, size_t n)
{
    int err = 0;
    zip_t *z;
    size_t i;
    unlink(path);
    z = zip_open(path, ZIP_CREATE | ZIP_EXCL, &err);
    assert_non_null(z);
    for (i = 0; i < n; i++) {
        zip_source_t *src = zip_source_buffer(z, texts[i], strlen(texts[i]), 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, names[i], src, 0) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
}

/* The check of a written workbook: every XML part well-formed, every
 * sheet there; a broken part (cut, tags crossed, a stray byte after the
 * root) is named; a missing sheet too; a file that is not a zip refused. */
static void test_verify(void **state)
{
    const char *path = "out/verify.xlsx";
    const char *names[] = {"[Content_Types].xml", "_rels/.rels",
                           "xl/worksheets/sheet1.xml",
                           "xl/worksheets/sheet2.xml", "docProps/app.bin"};
    const char *good[] = {"<?xml version=\"1.0\"?><Types/>", "<r/>",
                          "<ws><d>1 &amp; 2</d></ws>", "<ws/>", "<<not xml"};
    const char *bad[] = {"<ws><d></ws>", "<ws><d>cut", "<ws/>x"};
    char what[256];
    size_t i;
    (void)state;
    mkdir("out", 0777);
    make_zip(path, names, good, 5);
    assert_int_equal(xlsx_verify(path, 2, what, sizeof what), 0);
    what[0] = 0;
    assert_int_equal(xlsx_verify(path, 3, what, sizeof what), -1);
    assert_non_null(strstr(what, "sheet3.xml"));
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *texts[] = {good[0], good[1], good[2], bad[i], good[4]};
        make_zip(path, names, texts, 5);
        what[0] = 0;
        assert_int_equal(xlsx_verify(path, 2, what, sizeof what), -1);
        assert_non_null(strstr(what, "xl/worksheets/sheet2.xml"));
    }
    {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("not a zip", f);
        fclose(f);
        assert_int_equal(xlsx_verify(path, 1, what, sizeof what), -1);
    }
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_names_zh),
        cmocka_unit_test(test_summary_counts),
        cmocka_unit_test(test_opinions_every_category),
        cmocka_unit_test(test_audit_findings),
        cmocka_unit_test(test_visits_satisfaction_form),
        cmocka_unit_test(test_findings_past_sheet_limit),
        cmocka_unit_test(test_groups_and_cadres),
        cmocka_unit_test(test_chart_placement),
        cmocka_unit_test(test_layout_and_properties),
        cmocka_unit_test(test_english),
        cmocka_unit_test(test_byte_identical),
        cmocka_unit_test(test_partial_note),
        cmocka_unit_test(test_long_message_cut),
        cmocka_unit_test(test_row_heights),
        cmocka_unit_test(test_missing_folder),
        cmocka_unit_test(test_not_a_return),
        cmocka_unit_test(test_full_disk),
        cmocka_unit_test(test_verify),
    };
    int rc;
    xmlInitParser();
    rc = cmocka_run_group_tests(tests, setup, teardown);
    xmlCleanupParser();
    return rc;
}
