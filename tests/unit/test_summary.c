/*
 * test_summary.c — the activity summary (summary.h) from the template sets
 * in output-templates/, rendered from tests/sample-return.xml.
 *
 * What is asserted: the title, the four part headings and the figures of
 * the unit (read from the sample with XPath, so they follow the sample),
 * the date written in full, in zh and en, for a community and roll-ups,
 * in .md, .html and .docx (word/document.xml unzipped with libzip and its
 * text compared the same way); byte-identical output for equal inputs,
 * also from several threads at once; sentences that adapt to zero and one;
 * a copied template set with one sentence changed changing the output;
 * and the sandbox: document() outside the folder, exsl:document, and an
 * xsl:include from outside are refused and write nothing. Run with cwd
 * tests/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "summary.h"

#define SAMPLE "sample-return.xml"
#define ZH "../output-templates/zh"
#define EN "../output-templates/en"
#define JINSHAN "620402003005"
#define STREET "620402003"
#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define CREATED ((time_t)1320883200) /* 2011-11-10T00:00:00Z */

typedef struct {
    xmlDocPtr ret;
    summary_t *zh, *en;
    char dir[64]; /* scratch folder */
    render_opts opts;
} fixture;

static fixture *F; /* for the thread test */

/* ------------------------------------------------------------ helpers */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
        fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
        fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to)
{
    size_t n = 0;
    char *b = slurp(from, &n);
    FILE *f;
    assert_non_null(b);
    f = fopen(to, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    free(b);
}

/* A copy of the zh template set in the scratch folder DIR/NAME. */
static void copy_set(const char *dir, const char *name, char *out,
                     size_t outlen)
{
    static const char *const files[] = {"summary.xsl", "docx.xsl", "html.xsl",
                                        "md.xsl", "reference.docx"};
    char a[512], b[512];
    size_t i;
    snprintf(out, outlen, "%s/%s", dir, name);
    assert_int_equal(mkdir(out, 0755), 0);
    for (i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(a, sizeof a, "%s/%s", ZH, files[i]);
        snprintf(b, sizeof b, "%s/%s", out, files[i]);
        copy_file(a, b);
    }
}

/* The string value of XPATH in the sample (r: the return namespace);
 * static buffer, one at a time. */
static const char *xp(const fixture *fx, const char *xpath)
{
    static char buf[256];
    xmlXPathContextPtr c = xmlXPathNewContext(fx->ret);
    xmlXPathObjectPtr o;
    xmlChar *s;
    assert_non_null(c);
    xmlXPathRegisterNs(c, BAD_CAST "r", BAD_CAST RETURN_NS);
    o = xmlXPathEvalExpression(BAD_CAST xpath, c);
    assert_non_null(o);
    s = xmlXPathCastToString(o);
    snprintf(buf, sizeof buf, "%s", (const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(c);
    return buf;
}

static double xpn(const fixture *fx, const char *xpath)
{
    return atof(xp(fx, xpath));
}

/* Renders unit (LEVEL, CODE) with S as FORMAT to DIR/NAME; returns the
 * path (static). Asserts success. */
static const char *render(fixture *fx, const summary_t *s, const char *level,
                          const char *code, const char *format,
                          const char *name)
{
    static char path[512];
    char *msg = NULL;
    error_code e;
    snprintf(path, sizeof path, "%s/%s", fx->dir, name);
    e = summary_render(s, fx->ret, level, code, format, path, &fx->opts, &msg);
    if (e != ERR_OK)
        fail_msg("%s %s %s: %s: %s", level, code, format, error_string(e),
                 msg ? msg : "");
    free(msg);
    return path;
}

/* The text of every w:t of word/document.xml of the .docx at PATH, each
 * paragraph on its own line; also checks the package's other parts. */
static char *docx_text(const char *path)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    zip_stat_t st;
    zip_file_t *zf;
    char *xml, *out = NULL;
    size_t n = 0, cap = 1;
    xmlDocPtr doc;
    xmlXPathContextPtr c;
    xmlXPathObjectPtr o;
    int i;

    assert_non_null(za);
    assert_true(zip_name_locate(za, "[Content_Types].xml", 0) == 0);
    assert_true(zip_name_locate(za, "word/styles.xml", 0) >= 0);
    assert_true(zip_name_locate(za, "word/footer1.xml", 0) >= 0);
    assert_int_equal(zip_stat(za, "word/document.xml", 0, &st), 0);
    assert_non_null(zf = zip_fopen(za, "word/document.xml", 0));
    assert_non_null(xml = malloc(st.size + 1));
    assert_int_equal(zip_fread(zf, xml, st.size), (zip_int64_t)st.size);
    zip_fclose(zf);
    zip_discard(za);

    doc =
        xmlReadMemory(xml, (int)st.size, "document.xml", NULL, XML_PARSE_NONET);
    free(xml);
    assert_non_null(doc);
    c = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(c, BAD_CAST "w", BAD_CAST W_NS);
    /* the reference's page set-up is last in the body: A4, GB/T margins */
    o = xmlXPathEvalExpression(BAD_CAST
                               "/w:document/w:body/*[last()][self::w:sectPr]"
                               "/w:pgSz[@w:w='11906' and @w:h='16838']",
                               c);
    assert_true(o && o->nodesetval && o->nodesetval->nodeNr == 1);
    xmlXPathFreeObject(o);
    o = xmlXPathEvalExpression(BAD_CAST "//w:p", c);
    assert_true(o && o->nodesetval && o->nodesetval->nodeNr > 10);
    for (i = 0; i < 2; i++) { /* i = 0: measure, 1: copy */
        int k;
        if (i == 1)
            assert_non_null(out = malloc(cap));
        n = 0;
        for (k = 0; k < o->nodesetval->nodeNr; k++) {
            xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[k]);
            size_t l = strlen((const char *)t);
            if (i == 0)
                cap += l + 1;
            else {
                memcpy(out + n, t, l);
                out[n + l] = '\n';
            }
            n += l + 1;
            xmlFree(t);
        }
    }
    out[n] = '\0';
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(c);
    xmlFreeDoc(doc);
    return out;
}

/* A part of the .docx at PATH (malloc'd, NUL-terminated). */
static char *docx_part(const char *path, const char *name)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_RDONLY, &err);
    zip_stat_t st;
    zip_file_t *zf;
    char *b;
    assert_non_null(za);
    assert_int_equal(zip_stat(za, name, 0, &st), 0);
    assert_non_null(zf = zip_fopen(za, name, 0));
    assert_non_null(b = malloc(st.size + 1));
    assert_int_equal(zip_fread(zf, b, st.size), (zip_int64_t)st.size);
    b[st.size] = '\0';
    zip_fclose(zf);
    zip_discard(za);
    return b;
}

#define assert_has(hay, needle)                                                \
    do {                                                                       \
        if (!strstr((hay), (needle)))                                          \
            fail_msg("missing \"%s\" in:\n%s", (needle), (hay));               \
    } while (0)

#define assert_starts(hay, prefix)                                             \
    do {                                                                       \
        if (strncmp((hay), (prefix), strlen(prefix)))                          \
            fail_msg("does not start with \"%s\":\n%s", (prefix), (hay));      \
    } while (0)

#define assert_lacks(hay, needle)                                              \
    do {                                                                       \
        if (strstr((hay), (needle)))                                           \
            fail_msg("unexpected \"%s\" in:\n%s", (needle), (hay));            \
    } while (0)

/* ------------------------------------------------------------ fixture */

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    char *msg = NULL;
    if (!fx)
        return -1;
    xmlInitParser();
    fx->ret = xmlReadFile(SAMPLE, NULL, XML_PARSE_NONET);
    fx->zh = summary_load(ZH, &msg);
    if (!fx->zh)
        fprintf(stderr, "zh: %s\n", msg ? msg : "?");
    free(msg);
    msg = NULL;
    fx->en = summary_load(EN, &msg);
    if (!fx->en)
        fprintf(stderr, "en: %s\n", msg ? msg : "?");
    free(msg);
    snprintf(fx->dir, sizeof fx->dir, "/tmp/canvass-summary-XXXXXX");
    fx->opts.lang = "zh";
    fx->opts.created = CREATED;
    *state = F = fx;
    return fx->ret && fx->zh && fx->en && mkdtemp(fx->dir) ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    summary_free(fx->zh);
    summary_free(fx->en);
    xmlFreeDoc(fx->ret);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    if (system(cmd) != 0)
        return -1;
    free(fx);
    return 0;
}

/* ---------------------------------------------------------- zh, en text */

#define U(x) "/r:return/r:unit[@level='%s' and @code='%s']/" x

/* A percentage as the templates write it (format-number '0.#'): 96.4%,
 * 100%. */
static const char *pct(double part, double whole, char *buf, size_t len)
{
    size_t n;
    snprintf(buf, len, "%.1f", part * 100 / whole);
    n = strlen(buf);
    if (n > 2 && !strcmp(buf + n - 2, ".0"))
        buf[n - 2] = '\0';
    return buf;
}

/* Expected phrases of the zh summary of (LEVEL, CODE), from the sample. */
static void zh_phrases(const fixture *fx, const char *level, const char *code,
                       char out[][160], size_t *n)
{
    char q[256], p[32];
    double v, r, o, sg;
    *n = 0;
#define PUT(...) snprintf(out[(*n)++], 160, __VA_ARGS__)
    snprintf(q, sizeof q, U("r:households/@visited"), level, code);
    v = xpn(fx, q);
    snprintf(q, sizeof q, U("r:households/@registered"), level, code);
    r = xpn(fx, q);
    PUT("共走访辖区住户%.0f户", v);
    PUT("占登记住户%.0f户的%s%%", r, pct(v, r, p, sizeof p));
    snprintf(q, sizeof q,
             U("r:households/r:dwelling[@value='building']/@visited"), level,
             code);
    PUT("其中楼房%s户", xp(fx, q));
    snprintf(q, sizeof q, U("r:forms/@count"), level, code);
    PUT("填写民情登记表%s份", xp(fx, q));
    /* 意见建议 = opinions + suggestions, with the split */
    snprintf(q, sizeof q, U("r:opinions/@count"), level, code);
    o = xpn(fx, q);
    snprintf(q, sizeof q, U("r:suggestions/@count"), level, code);
    sg = xpn(fx, q);
    PUT("共收集意见建议%.0f条，其中意见%.0f条、建议%.0f条", o + sg, o, sg);
    snprintf(q, sizeof q, U("r:opinions/@important"), level, code);
    PUT("其中重要意见%s条，经分类汇总，", xp(fx, q));
    snprintf(
        q, sizeof q,
        "sum(" U(
            "r:opinions/r:status[@value='resolved']/@count") ") + "
                                                             "sum(" U(
                                                                 "r:"
                                                                 "suggestions/"
                                                                 "r:status[@"
                                                                 "value='"
                                                                 "resolved']/"
                                                                 "@count") ")",
        level, code, level, code);
    PUT("截至目前，已解决%.0f条", xpn(fx, q));
    snprintf(q, sizeof q, U("r:satisfaction/@forms"), level, code);
    v = xpn(fx, q);
    snprintf(q, sizeof q, U("r:satisfaction/@satisfied"), level, code);
    PUT("满意度测评表%.0f份，群众满意率%s%%", v,
        pct(xpn(fx, q), v, p, sizeof p));
    snprintf(q, sizeof q, U("r:groups/r:group[@value='elderly']/@served"),
             level, code);
    PUT("为%s名三无老人", xp(fx, q));
    PUT("提供生活照料、家政服务、康复护理、精神慰藉等关爱服务");
    snprintf(q, sizeof q,
             U("r:audit/r:rule[@value='no-responsible-cadre']/@count"), level,
             code);
    PUT("有%s户住户未明确责任干部", xp(fx, q));
    /* the rule counts visits, not households */
    snprintf(q, sizeof q, U("r:audit/r:rule[@value='cadre-few-visits']/@count"),
             level, code);
    PUT("有%s名干部参与走访次数偏少", xp(fx, q));
    PUT("党的建设、计划生育、综合治理、劳动保障、民政、城市管理、卫生等方面");
    PUT("2011年9月1日至10月31日");
#undef PUT
}

static const char *const zh_heads[] = {"一、走访范围", "二、主要做法",
                                       "三、主要成效", "四、存在的问题和不足",
                                       "五、下一步打算"};
static const char *const en_heads[] = {
    "I. Scope of the visits", "II. Main practices", "III. Main results",
    "IV. Problems and deficiencies", "V. Next steps"};

/* The register's narrative replaces the stock paragraphs of its section:
 * a unit with narrative has no stock （一）（二）（三）, a unit without has
 * them (and one numbering scheme either way). */
static void check_zh(fixture *fx, const char *level, const char *code,
                     const char *title, const char *text, const char *fmt)
{
    char ph[32][160];
    size_t n, i;
    char line[256], q[256];
    int narrated;

    if (!strcmp(fmt, "html")) /* the text, not the style sheet */
        assert_non_null(text = strstr(text, "<main>"));
    assert_has(text, title);
    for (i = 0; i < 5; i++) {
        if (!strcmp(fmt, "md"))
            snprintf(line, sizeof line, "\n## %s\n", zh_heads[i]);
        else if (!strcmp(fmt, "html"))
            snprintf(line, sizeof line, "<h2>%s</h2>", zh_heads[i]);
        else
            snprintf(line, sizeof line, "\n%s\n", zh_heads[i]);
        assert_has(text, line);
    }
    snprintf(q, sizeof q, "count(" U("r:narrative/r:section") ")", level, code);
    narrated = xpn(fx, q) > 0;
    if (narrated) {
        assert_lacks(text, "领导重视，落实责任");
        assert_lacks(text, "（一）个别干部重视不够");
        assert_has(text, "据统计，活动中");
        assert_has(text, "从审核情况看，");
    } else {
        assert_has(text, "（一）领导重视，落实责任");
        assert_has(text, "（二）制定方案，明确任务");
        assert_has(text, "（三）深入走访，广纳民意");
        assert_has(text, "（一）个别干部重视不够");
        assert_has(text, "（二）责任区不清");
        assert_has(text, "成立了以社区书记为组长的工作小组");
    }
    assert_has(text, "2011年11月10日");
    zh_phrases(fx, level, code, ph, &n);
    for (i = 0; i < n; i++)
        assert_has(text, ph[i]);
    /* no "0 条" style sentences, no stray white space; no 首先 without
     * 其次 (the template says neither); the meeting told once at most */
    assert_lacks(text, "共0");
    assert_lacks(text, "有0");
    assert_lacks(text, "  ");
    assert_lacks(text, "首先");
    assert_lacks(text, "走访户数偏少");
    assert_lacks(text, "宣传到位");
    {
        const char *m = strstr(text, "动员会");
        assert_true(!m || !strstr(m + 1, "动员会"));
    }
}

static void test_zh_community(void **state)
{
    fixture *fx = *state;
    const char *title = "金山社区“走千家访万户”活动总结";
    char *t;

    t = slurp(render(fx, fx->zh, "community", JINSHAN, "md", "c.md"), NULL);
    assert_non_null(t);
    assert_starts(t, "# 金山社区“走千家访万户”活动总结\n");
    check_zh(fx, "community", JINSHAN, title, t, "md");
    /* the register's narrative, each part where it belongs, the figures
     * after it */
    assert_has(t, "## "
                  "二、主要做法\n\n（主要做法的叙述段落，取自登记表。）\n\n据统"
                  "计，活动中");
    assert_has(
        t, "（存在的问题和不足的叙述段落，取自登记表。）\n\n从审核情况看，");
    assert_has(t, "## 五、下一步打算\n\n（下一步打算");
    assert_has(t, "\n\n金山社区\n\n2011年11月10日\n");
    /* where the important opinions went: the register's `to` */
    assert_has(t, "经分类汇总，已全部上报城关街道办事处。");
    free(t);

    t = slurp(render(fx, fx->zh, "community", JINSHAN, "html", "c.html"), NULL);
    assert_non_null(t);
    assert_starts(t, "<!DOCTYPE html>\n<html lang=\"zh-CN\">");
    assert_has(t, "<meta charset=\"UTF-8\"/>");
    assert_has(t, "@page { size: A4; margin: 37mm 26mm 35mm 28mm; }");
    /* printed: page numbers in the margin boxes, 28 characters a line,
     * the signing block of GB/T 9704 7.3.5.2 */
    assert_has(t, "@bottom-right { content: \"— \" counter(page) \" —\"");
    assert_has(t, "@bottom-left { content: \"— \" counter(page) \" —\"");
    assert_has(t, "letter-spacing: -0.25pt;");
    assert_has(t,
               "<p class=\"unit\" style=\"padding-right: 8em\">金山社区</p>");
    assert_has(
        t, "<p class=\"date\" style=\"padding-right: 2em\">2011年11月10日</p>");
    assert_has(t, "<h1 class=\"title\">金山社区“走千家访万户”活动总结</h1>");
    check_zh(fx, "community", JINSHAN, title, t, "html");
    free(t);

    t = docx_text(render(fx, fx->zh, "community", JINSHAN, "docx", "c.docx"));
    assert_starts(t, "金山社区“走千家访万户”活动总结\n");
    check_zh(fx, "community", JINSHAN, title, t, "docx");
    assert_has(t, "\n金山社区\n2011年11月10日\n");
    free(t);
}

static void test_zh_docx_package(void **state)
{
    fixture *fx = *state;
    const char *p = render(fx, fx->zh, "community", JINSHAN, "docx", "p.docx");
    char *core = docx_part(p, "docProps/core.xml");
    char *doc = docx_part(p, "word/document.xml");
    char *styles = docx_part(p, "word/styles.xml");

    assert_has(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">"
                     "2011-11-10T00:00:00Z</dcterms:created>");
    assert_has(core, "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">"
                     "2011-11-10T00:00:00Z</dcterms:modified>");
    assert_has(core, "<dc:title>金山社区“走千家访万户”活动总结</dc:title>");
    /* styles of GB/T 9704 from the reference; runs hint East Asian */
    assert_has(doc, "<w:pStyle w:val=\"Title\"/>");
    assert_has(doc, "<w:pStyle w:val=\"Heading1\"/>");
    assert_has(doc, "<w:rFonts w:hint=\"eastAsia\"/>");
    assert_has(doc, "w:docGrid w:type=\"lines\" w:linePitch=\"579\"");
    assert_has(doc, "w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" "
                    "w:left=\"1588\"");
    assert_has(styles, "w:eastAsia=\"方正小标宋简体\"");
    assert_has(styles, "<w:sz w:val=\"44\"/>");
    assert_has(styles, "<w:spacing w:val=\"-5\"/>"); /* 28 a line */
    assert_has(styles, "w:eastAsia=\"黑体\"");
    assert_has(styles, "w:eastAsia=\"楷体\"");
    free(core);
    free(styles);
    /* the signing block of GB/T 9704 7.3.5.2: 金山社区 (4 characters)
     * and 2011年11月10日 (8: digits are half width, and each of the 5
     * changes between digits and Chinese is spaced ⅕) — the date ends two
     * characters from the margin, the unit starts two characters left of
     * the date: 2 + 8 + 2 - 4 = 8 characters from the margin */
    assert_has(doc,
               "<w:pStyle w:val=\"Signature\"/><w:ind w:rightChars=\"800\"");
    assert_has(doc, "<w:pStyle w:val=\"Date\"/><w:ind w:rightChars=\"200\"");
    free(doc);
    /* substitution hints for machines without the GB/T 9704 faces */
    doc = docx_part(p, "word/fontTable.xml");
    assert_has(doc,
               "<w:font w:name=\"仿宋\">\n    <w:altName w:val=\"FangSong\"/>");
    assert_has(doc, "<w:altName w:val=\"SimHei\"/>");
    assert_has(doc, "<w:altName w:val=\"KaiTi\"/>");
    assert_has(doc, "<w:altName w:val=\"SimSun\"/>");
    assert_has(doc, "<w:charset w:val=\"86\"/>");
    assert_has(doc, "<w:family w:val=\"roman\"/>");
    assert_has(doc, "<w:family w:val=\"modern\"/>");
    free(doc);
    /* run-in headings (the stock paragraphs of a roll-up) */
    p = render(fx, fx->zh, "street", STREET, "docx", "ps.docx");
    doc = docx_part(p, "word/document.xml");
    assert_has(doc, "<w:rStyle w:val=\"Lead2\"/>");
    free(doc);
}

static void test_zh_rollup(void **state)
{
    fixture *fx = *state;
    const char *title = "城关街道“走千家访万户”活动总结";
    char *t;

    t = slurp(render(fx, fx->zh, "street", STREET, "md", "s.md"), NULL);
    assert_non_null(t);
    check_zh(fx, "street", STREET, title, t, "md");
    assert_has(t, "城关街道所辖红星社区、金山社区共2个社区");
    assert_has(t, "各社区共组织");
    /* the street never reports to itself: the communities report to it */
    assert_has(t, "经分类汇总，各社区已全部上报本街道。");
    assert_lacks(t, "上报街道");
    /* CommonMark closes ** before a Chinese full stop only */
    assert_has(t, "**（一）领导重视，落实责任**。按照");
    /* no stock next-steps paragraph without its heading */
    assert_has(t, "## 五、下一步打算\n\n各社区将认真总结活动经验");
    free(t);

    t = slurp(render(fx, fx->zh, "street", STREET, "html", "s.html"), NULL);
    assert_non_null(t);
    assert_has(t,
               "<span class=\"lead lead-2\">（一）领导重视，落实责任。</span>");
    free(t);

    t = docx_text(render(fx, fx->zh, "street", STREET, "docx", "s.docx"));
    check_zh(fx, "street", STREET, title, t, "docx");
    assert_has(t, "\n城关街道\n2011年11月10日\n");
    free(t);

    t = slurp(render(fx, fx->zh, "district", "620402", "html", "d.html"), NULL);
    assert_non_null(t);
    check_zh(fx, "district", "620402", "白银区“走千家访万户”活动总结", t,
             "html");
    free(t);

    /* a district or a city is a place, and the return names no body for
     * it: its summary is dated, signed by no unit (the filer's to add) */
    t = slurp(render(fx, fx->zh, "district", "620402", "md", "d.md"), NULL);
    assert_non_null(t);
    assert_has(t, "持续提升为民服务水平。\n\n2011年11月10日\n");
    free(t);
    t = docx_text(render(fx, fx->zh, "city", "6204", "docx", "ci.docx"));
    assert_has(t, "持续提升为民服务水平。\n2011年11月10日\n");
    assert_lacks(t, "\n白银市\n");
    free(t);
    t = slurp(render(fx, fx->en, "city", "6204", "md", "ci.md"), NULL);
    assert_non_null(t);
    assert_lacks(t, "\n\n白银市\n\n10 November 2011");
    assert_has(t, "\n\n10 November 2011\n");
    free(t);

    /* the whole batch: no unit name in the title or the signature */
    t = slurp(render(fx, fx->zh, "all", "", "md", "all.md"), NULL);
    assert_non_null(t);
    assert_starts(t, "# “走千家访万户”活动总结\n");
    assert_has(t, "本次汇总的红星社区、金山社区共2个社区");
    assert_has(t, "\n\n2011年11月10日\n");
    assert_lacks(t, "合计");
    free(t);
}

static void check_en(fixture *fx, const char *level, const char *code,
                     const char *text, const char *fmt)
{
    char q[256], line[256], p[32];
    size_t i;
    double v, r, o;

    if (!strcmp(fmt, "html")) /* the text, not the style sheet */
        assert_non_null(text = strstr(text, "<main>"));
    for (i = 0; i < 5; i++) {
        if (!strcmp(fmt, "md"))
            snprintf(line, sizeof line, "\n## %s\n", en_heads[i]);
        else if (!strcmp(fmt, "html"))
            snprintf(line, sizeof line, "<h2>%s</h2>", en_heads[i]);
        else
            snprintf(line, sizeof line, "\n%s\n", en_heads[i]);
        assert_has(text, line);
    }
    assert_has(text, "10 November 2011");
    assert_has(text, "from 1 September to 31 October 2011");
    snprintf(q, sizeof q, U("r:households/@visited"), level, code);
    v = xpn(fx, q);
    snprintf(q, sizeof q, U("r:households/@registered"), level, code);
    r = xpn(fx, q);
    snprintf(line, sizeof line, "visited %.0f households (building: ", v);
    assert_has(text, line);
    snprintf(line, sizeof line, "%s%% of the %.0f households on the register",
             pct(v, r, p, sizeof p), r);
    assert_has(text, line);
    snprintf(q, sizeof q, U("r:forms/@count"), level, code);
    snprintf(line, sizeof line,
             "filled in %s public-opinion registration forms", xp(fx, q));
    assert_has(text, line);
    snprintf(q, sizeof q, U("r:opinions/@count"), level, code);
    o = xpn(fx, q);
    snprintf(q, sizeof q, U("r:suggestions/@count"), level, code);
    snprintf(line, sizeof line,
             "%.0f opinions and suggestions (%.0f opinions, "
             "%.0f suggestions)",
             o + xpn(fx, q), o, xpn(fx, q));
    assert_has(text, line);
    assert_has(text, "What residents raised concerned Party building, "
                     "family planning");
    snprintf(q, sizeof q, U("r:opinions/@important"), level, code);
    snprintf(line, sizeof line,
             "Among them were %s important opinions, all "
             "of which were reported to ",
             xp(fx, q));
    assert_has(text, line);
    snprintf(q, sizeof q, U("r:satisfaction/@satisfied"), level, code);
    v = xpn(fx, q);
    snprintf(q, sizeof q, U("r:satisfaction/@forms"), level, code);
    snprintf(line, sizeof line,
             "Residents returned %s satisfaction evaluation "
             "forms, a satisfaction rate of %s%%",
             xp(fx, q), pct(v, xpn(fx, q), p, sizeof p));
    assert_has(text, line);
    /* the sample has one cadre with few visits: singular; a roll-up
     * speaks of its registers; a register's own account of its problems
     * comes with the audit's figures in one sentence */
    snprintf(q, sizeof q, "count(" U("r:narrative/r:section") ")", level, code);
    assert_has(text, xpn(fx, q) > 0
                         ? "The audit of the register found 1 cadre who took "
                           "part in too few visits"
                     : strcmp(level, "community")
                         ? "The registers show 1 cadre who took part in "
                           "too few visits"
                         : "The register shows 1 cadre who took part in "
                           "too few visits");
    assert_lacks(text, " 1 cadres");
    assert_lacks(text, " 0 ");
    assert_lacks(text, "  ");
}

static void test_en(void **state)
{
    fixture *fx = *state;
    char *t;

    t = slurp(render(fx, fx->en, "community", JINSHAN, "md", "e.md"), NULL);
    assert_non_null(t);
    assert_starts(t, "# Summary of the “走千家访万户” Campaign in 金山社区\n");
    check_en(fx, "community", JINSHAN, t, "md");
    assert_lacks(t, "Leadership and clear responsibilities");
    free(t);

    t = slurp(render(fx, fx->en, "community", JINSHAN, "html", "e.html"), NULL);
    assert_non_null(t);
    assert_has(t, "<html lang=\"en\">");
    assert_has(t, "<h1 class=\"title\">Summary of the “走千家访万户” "
                  "Campaign<br/>in 金山社区</h1>");
    assert_has(t, "<title>Summary of the “走千家访万户” Campaign in "
                  "金山社区</title>");
    /* English is set ragged right, not justified; pages are numbered */
    assert_has(t, "text-align: left;");
    assert_lacks(t, "justify");
    assert_has(t, "@bottom-right { content: counter(page)");
    check_en(fx, "community", JINSHAN, t, "html");
    free(t);

    /* the title breaks before the place, whose Chinese name could
     * otherwise break anywhere at the end of the line (城|关街道); where a
     * line cannot break (Markdown, above; the properties) a space */
    t = docx_part(render(fx, fx->en, "community", JINSHAN, "docx", "e.docx"),
                  "word/document.xml");
    assert_has(t, "<w:t xml:space=\"preserve\">Summary of the “走千家访万户” "
                  "Campaign</w:t></w:r><w:r><w:br/></w:r><w:r><w:rPr/>"
                  "<w:t xml:space=\"preserve\">in 金山社区</w:t>");
    free(t);
    t = docx_part(render(fx, fx->en, "community", JINSHAN, "docx", "e.docx"),
                  "docProps/core.xml");
    assert_has(t, "<dc:title>Summary of the “走千家访万户” Campaign in "
                  "金山社区</dc:title>");
    free(t);
    t = docx_text(render(fx, fx->en, "community", JINSHAN, "docx", "e.docx"));
    assert_has(t, "Summary of the “走千家访万户” Campaignin 金山社区\n");
    check_en(fx, "community", JINSHAN, t, "docx");
    free(t);

    t = slurp(render(fx, fx->en, "street", STREET, "md", "es.md"), NULL);
    assert_non_null(t);
    check_en(fx, "street", STREET, t, "md");
    assert_has(t, "the 2 communities of 城关街道 (红星社区 and 金山社区)");
    assert_has(t, "Working groups headed by the community secretaries");
    assert_has(t,
               "**A. Leadership and clear responsibilities.** The communities");
    assert_has(t, "all of which were reported to this street office by the "
                  "communities.");
    free(t);

    t = docx_text(render(fx, fx->en, "city", "6204", "docx", "ec.docx"));
    check_en(fx, "city", "6204", t, "docx");
    free(t);
}

/* Sentences adapt to zero and one: a unit edited to hold ones and zeros. */
static void test_zero_and_one(void **state)
{
    fixture *fx = *state;
    xmlDocPtr saved = fx->ret;
    xmlXPathContextPtr c;
    char *t;
    static const char *const edits[][2] = {
        {"r:households", "1"}, /* @visited */
        {"r:households/r:dwelling[@value='bungalow']", "0"},
        {"r:households/r:dwelling[@value='building']", "1"},
        {"r:opinions", "0"},     /* @important-reported */
        {"r:audit/r:rule", "0"}, /* every @count */
        {"r:satisfaction", "0"}, /* @forms */
        {"r:cadres", "1"},       /* @taking-part */
    };
    static const char *const attrs[] = {
        "visited", "visited", "visited",    "important-reported",
        "count",   "forms",   "taking-part"};
    size_t i;
    int k;

    fx->ret = xmlCopyDoc(saved, 1);
    c = xmlXPathNewContext(fx->ret);
    xmlXPathRegisterNs(c, BAD_CAST "r", BAD_CAST RETURN_NS);
    for (i = 0; i < sizeof edits / sizeof *edits; i++) {
        char q[256];
        xmlXPathObjectPtr o;
        snprintf(q, sizeof q, "/r:return/r:unit[@code='" JINSHAN "']/%s",
                 edits[i][0]);
        o = xmlXPathEvalExpression(BAD_CAST q, c);
        assert_true(o && o->nodesetval && o->nodesetval->nodeNr > 0);
        for (k = 0; k < o->nodesetval->nodeNr; k++)
            xmlSetProp(o->nodesetval->nodeTab[k], BAD_CAST attrs[i],
                       BAD_CAST edits[i][1]);
        xmlXPathFreeObject(o);
    }
    xmlXPathFreeContext(c);

    t = slurp(render(fx, fx->en, "community", JINSHAN, "md", "z.md"), NULL);
    assert_non_null(t);
    assert_has(t, "the community sent 1 cadre out among the residents. "
                  "They visited 1 household (all building), 1.6% of the 64 "
                  "households on the register;");
    assert_lacks(t, "1 households");
    assert_lacks(t, " 0 ");
    assert_lacks(t, "reported to the street");
    assert_lacks(t, "satisfaction rate");
    assert_lacks(t, "The register shows");
    assert_lacks(t, "The audit of the register found");
    free(t);

    t = slurp(render(fx, fx->zh, "community", JINSHAN, "md", "z-zh.md"), NULL);
    assert_non_null(t);
    assert_has(t, "共走访辖区住户1户，均为楼房，占登记住户64户的1.6%");
    assert_lacks(t, "上报街道");
    assert_lacks(t, "满意度测评表");
    assert_lacks(t, "重视不够");
    assert_lacks(t, "平房0户");
    assert_lacks(t, "有0");
    assert_lacks(t, "组织0名");
    assert_lacks(t, "从审核情况看");
    /* the register's own account of problems still has its place */
    assert_has(t, "## 四、存在的问题和不足\n\n（存在的问题和不足的叙述段落");
    free(t);

    xmlFreeDoc(fx->ret);
    fx->ret = saved;
}

/* A partial return (build --allow-partial) names the registers it left
 * out, in every summary. */
static void test_partial(void **state)
{
    fixture *fx = *state;
    xmlDocPtr saved = fx->ret;
    xmlNodePtr root, c;
    char *t;

    fx->ret = xmlCopyDoc(saved, 1);
    root = xmlDocGetRootElement(fx->ret);
    xmlSetProp(root, BAD_CAST "partial", BAD_CAST "true");
    for (c = root->children; c && xmlStrcmp(c->name, BAD_CAST "sources");)
        c = c->next;
    assert_non_null(c);
    for (c = c->children; c && c->type != XML_ELEMENT_NODE;)
        c = c->next;
    assert_non_null(c);
    xmlSetProp(c, BAD_CAST "included", BAD_CAST "false");

    t = slurp(render(fx, fx->zh, "street", STREET, "md", "part.md"), NULL);
    assert_has(t, "说明：以下1份登记表未通过校验，未计入本总结：examples/"
                  "hongxing-2011.xml。");
    free(t);
    t = docx_text(
        render(fx, fx->en, "community", JINSHAN, "docx", "part.docx"));
    assert_has(t,
               "Note: 1 register failed validation and is not counted in this "
               "summary: examples/hongxing-2011.xml.");
    free(t);
    xmlFreeDoc(fx->ret);
    fx->ret = saved;

    /* a complete return says nothing of the kind */
    t = slurp(render(fx, fx->zh, "street", STREET, "md", "full.md"), NULL);
    assert_lacks(t, "未计入本总结");
    free(t);
}

/* ------------------------------------------------------- determinism */

static void test_byte_identical(void **state)
{
    fixture *fx = *state;
    static const char *const fmts[] = {"docx", "html", "md"};
    size_t i;
    for (i = 0; i < 3; i++) {
        char a[64], b[64];
        size_t la = 0, lb = 0;
        char *x, *y;
        snprintf(a, sizeof a, "same-1.%s", fmts[i]);
        snprintf(b, sizeof b, "same-2.%s", fmts[i]);
        x = slurp(render(fx, fx->zh, "community", JINSHAN, fmts[i], a), &la);
        y = slurp(render(fx, fx->zh, "community", JINSHAN, fmts[i], b), &lb);
        assert_non_null(x);
        assert_non_null(y);
        assert_int_equal(la, lb);
        assert_memory_equal(x, y, la);
        free(x);
        free(y);
    }
}

typedef struct {
    int id;
    int rc;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    static const char *const fmts[] = {"docx", "html", "md"};
    int k;
    j->rc = 0;
    for (k = 0; k < 6; k++) {
        char path[512], *msg = NULL;
        const summary_t *s = k % 2 ? F->en : F->zh;
        const char *level = k % 3 ? "community" : "street";
        const char *code = k % 3 ? JINSHAN : STREET;
        snprintf(path, sizeof path, "%s/t%d-%d.%s", F->dir, j->id, k,
                 fmts[k % 3]);
        if (summary_render(s, F->ret, level, code, fmts[k % 3], path, &F->opts,
                           &msg) != ERR_OK)
            j->rc = 1;
        free(msg);
    }
    return NULL;
}

/* One summary_t and one return, four threads: same bytes as one thread. */
static void test_threads(void **state)
{
    fixture *fx = *state;
    static const char *const fmts[] = {"docx", "html", "md"};
    pthread_t th[4];
    job jobs[4];
    int i, k;

    for (i = 0; i < 4; i++) {
        jobs[i].id = i;
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(jobs[i].rc, 0);
    }
    for (k = 0; k < 6; k++) {
        char ref[64], path[512];
        size_t la = 0, lb = 0;
        char *x, *y;
        const summary_t *s = k % 2 ? fx->en : fx->zh;
        snprintf(ref, sizeof ref, "ref-%d.%s", k, fmts[k % 3]);
        x = slurp(render(fx, s, k % 3 ? "community" : "street",
                         k % 3 ? JINSHAN : STREET, fmts[k % 3], ref),
                  &la);
        for (i = 0; i < 4; i++) {
            snprintf(path, sizeof path, "%s/t%d-%d.%s", fx->dir, i, k,
                     fmts[k % 3]);
            y = slurp(path, &lb);
            assert_non_null(y);
            assert_int_equal(la, lb);
            assert_memory_equal(x, y, la);
            free(y);
        }
        free(x);
    }
}

/* ------------------------------------------------ editable templates */

static void test_edited_template(void **state)
{
    fixture *fx = *state;
    char set[512], path[600], *x, *p, *t, *msg = NULL;
    const char *old = "从收集情况看，";
    const char *new = "从收集上来的情况看，";
    summary_t *s;
    FILE *f;

    copy_set(fx->dir, "edited", set, sizeof set);
    snprintf(path, sizeof path, "%s/summary.xsl", set);
    x = slurp(path, NULL);
    assert_non_null(x);
    assert_non_null(p = strstr(x, old));
    f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(x, 1, (size_t)(p - x), f);
    fputs(new, f);
    fputs(p + strlen(old), f);
    assert_int_equal(fclose(f), 0);
    free(x);

    s = summary_load(set, &msg);
    if (!s)
        fail_msg("%s", msg);
    t = slurp(render(fx, s, "community", JINSHAN, "md", "ed.md"), NULL);
    assert_has(t, new);
    assert_lacks(t, old);
    free(t);
    t = docx_text(render(fx, s, "community", JINSHAN, "docx", "ed.docx"));
    assert_has(t, new);
    free(t);
    summary_free(s);
    free(msg);
}

/* A template set whose summary.xsl is BODY (inside xsl:stylesheet). */
static summary_t *hostile_set(fixture *fx, const char *name, const char *body,
                              char *set, size_t setlen, char **msg)
{
    char path[600], *xsl;
    size_t n = strlen(body) + 1024;
    copy_set(fx->dir, name, set, setlen);
    snprintf(path, sizeof path, "%s/summary.xsl", set);
    assert_non_null(xsl = malloc(n));
    snprintf(xsl, n,
             "<?xml version=\"1.0\"?>\n"
             "<xsl:stylesheet version=\"1.0\"\n"
             "  xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"\n"
             "  xmlns:exsl=\"http://exslt.org/common\"\n"
             "  extension-element-prefixes=\"exsl\"\n"
             "  xmlns=\"urn:canvass:summary:1\">\n"
             "<xsl:param name=\"level\"/><xsl:param name=\"code\"/>\n"
             "%s\n</xsl:stylesheet>\n",
             body);
    spit(path, xsl);
    free(xsl);
    return summary_load(set, msg);
}

static void expect_refused(fixture *fx, summary_t *s, const char *what,
                           const char *out_name)
{
    char path[600], *msg = NULL;
    error_code e;
    snprintf(path, sizeof path, "%s/%s", fx->dir, out_name);
    e = summary_render(s, fx->ret, "community", JINSHAN, "md", path, &fx->opts,
                       &msg);
    if (e != ERR_FORBIDDEN)
        fail_msg("expected ERR_FORBIDDEN, got %s: %s", error_string(e),
                 msg ? msg : "");
    assert_non_null(msg);
    assert_has(msg, what);
    assert_has(msg, "refused");
    assert_false(exists(path));
    free(msg);
}

static void test_forbidden_read(void **state)
{
    fixture *fx = *state;
    char set[512], *msg = NULL;
    summary_t *s =
        hostile_set(fx, "read",
                    "<xsl:template match=\"/\"><summary><title>"
                    "<xsl:value-of select=\"document('/etc/passwd')\"/>"
                    "</title></summary></xsl:template>",
                    set, sizeof set, &msg);
    if (!s)
        fail_msg("%s", msg);
    expect_refused(fx, s, "/etc/passwd", "read.md");
    summary_free(s);
    free(msg);
}

static void test_document_self_allowed(void **state)
{
    fixture *fx = *state;
    char set[512], *msg = NULL, *t;
    /* document('') reads the template itself: inside the folder */
    summary_t *s = hostile_set(
        fx, "self",
        "<xsl:template match=\"/\"><summary><title>"
        "<xsl:value-of select=\"count(document('')/*/xsl:template)\"/>"
        " templates</title></summary></xsl:template>",
        set, sizeof set, &msg);
    if (!s)
        fail_msg("%s", msg);
    t = slurp(render(fx, s, "community", JINSHAN, "md", "self.md"), NULL);
    assert_string_equal(t, "# 1 templates\n\n");
    free(t);
    summary_free(s);
    free(msg);
}

/* A template sees the unit it is made for and no other: a roll-up's
 * communities are named in its <covers>, their units are not copied into
 * its view (at 500 communities the view of the district held them all).
 * The sample's street covers two communities; the return has more units
 * than the one the view holds. */
static void test_view_one_unit(void **state)
{
    fixture *fx = *state;
    char set[512], *msg = NULL, *t, want[128];
    summary_t *s = hostile_set(
        fx, "view",
        "<xsl:template match=\"/\"><summary><title>"
        "<xsl:value-of select=\"concat(count(/*/*[local-name()='unit']), ' ',"
        " /*/*[local-name()='unit']/@code, ' ',"
        " count(/*/*[local-name()='unit']/*[local-name()='covers']/*), ' ',"
        " count(/*/*[local-name()='sources']/*))\"/>"
        "</title></summary></xsl:template>",
        set, sizeof set, &msg);
    if (!s)
        fail_msg("%s", msg);
    assert_true(xpn(fx, "count(/r:return/r:unit)") > 2);
    assert_true(xpn(fx,
                    "count(/r:return/r:unit[@level='street' and @code='" STREET
                    "']/r:covers/r:community)") == 2);
    snprintf(want, sizeof want, "# 1 %s 2 %d\n\n", STREET,
             (int)xpn(fx, "count(/r:return/r:sources/r:source)"));
    t = slurp(render(fx, s, "street", STREET, "md", "view.md"), NULL);
    assert_string_equal(t, want);
    free(t);
    snprintf(want, sizeof want, "# 1 %s 0 %d\n\n", JINSHAN,
             (int)xpn(fx, "count(/r:return/r:sources/r:source)"));
    t = slurp(render(fx, s, "community", JINSHAN, "md", "view-c.md"), NULL);
    assert_string_equal(t, want);
    free(t);
    summary_free(s);
    free(msg);
}

/* A summary set runs summary.xsl once per unit: a wording whose title
 * is math:random() gives the same title in every format of one set, and
 * different ones in two separate renders (so the check can tell). A set
 * whose second output cannot be written leaves none of its files. */
static void test_render_set_once(void **state)
{
    fixture *fx = *state;
    char set[512], md[600], html[600], md2[600], bad[700], *msg = NULL;
    char *a, *b, *c, *p;
    size_t failed = 99;
    summary_out outs[2];
    summary_t *s = hostile_set(
        fx, "once",
        "<xsl:template match=\"/\" xmlns:math=\"http://exslt.org/math\">"
        "<summary><title><xsl:value-of select=\"math:random()\"/></title>"
        "</summary></xsl:template>",
        set, sizeof set, &msg);
    if (!s)
        fail_msg("%s", msg);
    snprintf(md, sizeof md, "%s/once.md", fx->dir);
    snprintf(html, sizeof html, "%s/once.html", fx->dir);
    snprintf(md2, sizeof md2, "%s/once2.md", fx->dir);
    outs[0].format = "md";
    outs[0].path = md;
    outs[1].format = "html";
    outs[1].path = html;
    assert_int_equal(summary_render_set(s, fx->ret, "community", JINSHAN, outs,
                                        2, &fx->opts, &failed, &msg),
                     ERR_OK);
    a = slurp(md, NULL);
    b = slurp(html, NULL);
    assert_true(!strncmp(a, "# 0.", 4) || !strncmp(a, "# 1", 3));
    a[strcspn(a, "\n")] = '\0';
    assert_non_null(p = strstr(b, a + 2)); /* the same number in the html */
    /* two renders, two transforms, two numbers */
    render(fx, s, "community", JINSHAN, "md", "once2.md");
    c = slurp(md2, NULL);
    c[strcspn(c, "\n")] = '\0';
    assert_string_not_equal(a, c);

    /* html cannot be written: md, written first, goes too */
    snprintf(bad, sizeof bad, "%s/no-such-folder/once.html", fx->dir);
    outs[1].path = bad;
    assert_int_not_equal(summary_render_set(s, fx->ret, "community", JINSHAN,
                                            outs, 2, &fx->opts, &failed, &msg),
                         ERR_OK);
    assert_int_equal(failed, 1);
    assert_int_equal(access(md, F_OK), -1);
    free(a);
    free(b);
    free(c);
    summary_free(s);
    free(msg);
}

static void test_forbidden_write(void **state)
{
    fixture *fx = *state;
    char set[512], body[1024], target[600], *msg = NULL;
    summary_t *s;

    snprintf(target, sizeof target, "%s/pwned.txt", fx->dir);
    snprintf(body, sizeof body,
             "<xsl:template match=\"/\">"
             "<exsl:document href=\"%s\" method=\"text\">pwned</exsl:document>"
             "<summary><title>x</title></summary></xsl:template>",
             target);
    s = hostile_set(fx, "write", body, set, sizeof set, &msg);
    if (!s)
        fail_msg("%s", msg);
    expect_refused(fx, s, "pwned.txt", "write.md");
    assert_false(exists(target));
    summary_free(s);

    /* even inside the template folder, and with XSLT 1.1's xsl:document */
    snprintf(body, sizeof body,
             "<xsl:template match=\"/\">"
             "<xsl:document href=\"inside.txt\" method=\"text\" "
             "version=\"1.1\">x</xsl:document>"
             "<summary><title>x</title></summary></xsl:template>");
    s = hostile_set(fx, "write2", body, set, sizeof set, &msg);
    if (!s)
        fail_msg("%s", msg);
    expect_refused(fx, s, "inside.txt", "write2.md");
    snprintf(target, sizeof target, "%s/inside.txt", set);
    assert_false(exists(target));
    summary_free(s);
    free(msg);
}

static void test_forbidden_include(void **state)
{
    fixture *fx = *state;
    char set[512], body[1024], outside[600], *msg = NULL;
    summary_t *s;

    snprintf(outside, sizeof outside, "%s/outside.xsl", fx->dir);
    spit(outside, "<xsl:stylesheet version=\"1.0\" "
                  "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\"/>");
    snprintf(body, sizeof body, "<xsl:include href=\"%s\"/>", outside);
    s = hostile_set(fx, "include", body, set, sizeof set, &msg);
    assert_null(s);
    assert_non_null(msg);
    assert_has(msg, "outside.xsl");
    assert_has(msg, "refused");
    free(msg);
    msg = NULL;

    /* an include inside the folder is fine */
    snprintf(outside, sizeof outside, "%s/include-ok/part.xsl", fx->dir);
    snprintf(body, sizeof body, "<xsl:include href=\"part.xsl\"/>");
    copy_set(fx->dir, "include-ok", set, sizeof set);
    spit(outside,
         "<xsl:stylesheet version=\"1.0\" "
         "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\" "
         "xmlns=\"urn:canvass:summary:1\">"
         "<xsl:template match=\"/\"><summary><title>part</title></summary>"
         "</xsl:template></xsl:stylesheet>");
    snprintf(outside, sizeof outside, "%s/summary.xsl", set);
    spit(outside, "<xsl:stylesheet version=\"1.0\" "
                  "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">"
                  "<xsl:include href=\"part.xsl\"/></xsl:stylesheet>");
    s = summary_load(set, &msg);
    if (!s)
        fail_msg("%s", msg);
    summary_free(s);
    free(msg);
}

static void test_template_errors(void **state)
{
    fixture *fx = *state;
    char set[512], path[600], *msg = NULL;
    summary_t *s;
    error_code e;

    /* xsl:message terminate="yes": its text is the message */
    s = hostile_set(fx, "stop",
                    "<xsl:template match=\"/\"><xsl:message terminate=\"yes\">"
                    "STOP-HERE</xsl:message></xsl:template>",
                    set, sizeof set, &msg);
    if (!s)
        fail_msg("%s", msg);
    snprintf(path, sizeof path, "%s/stop.md", fx->dir);
    e = summary_render(s, fx->ret, "community", JINSHAN, "md", path, &fx->opts,
                       &msg);
    assert_int_equal(e, ERR_TEMPLATE);
    assert_has(msg, "STOP-HERE");
    assert_has(msg, "summary.xsl stopped");
    assert_false(exists(path));
    summary_free(s);

    /* not well-formed: named with file and line */
    s = hostile_set(fx, "broken", "<xsl:template match=\"/\"><oops>", set,
                    sizeof set, &msg);
    assert_null(s);
    assert_has(msg, "summary.xsl:");
    free(msg);
    msg = NULL;

    /* a file missing from the set */
    copy_set(fx->dir, "missing", set, sizeof set);
    snprintf(path, sizeof path, "%s/md.xsl", set);
    assert_int_equal(unlink(path), 0);
    assert_null(summary_load(set, &msg));
    assert_has(msg, "md.xsl");
    free(msg);
    msg = NULL;

    /* no such unit, no such format, nowhere to write */
    snprintf(path, sizeof path, "%s/none.md", fx->dir);
    assert_int_equal(summary_render(fx->zh, fx->ret, "community",
                                    "999999999999", "md", path, &fx->opts,
                                    &msg),
                     ERR_USAGE);
    assert_has(msg, "999999999999");
    assert_int_equal(summary_render(fx->zh, fx->ret, "community", JINSHAN,
                                    "pdf", path, &fx->opts, &msg),
                     ERR_USAGE);
    assert_int_equal(summary_render(fx->zh, fx->ret, "community", "1'2", "md",
                                    path, &fx->opts, &msg),
                     ERR_USAGE);
    assert_false(exists(path));
    snprintf(path, sizeof path, "%s/no/such/folder/x.docx", fx->dir);
    assert_int_not_equal(summary_render(fx->zh, fx->ret, "community", JINSHAN,
                                        "docx", path, &fx->opts, &msg),
                         ERR_OK);
    assert_false(exists(path));
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zh_community),
        cmocka_unit_test(test_zh_docx_package),
        cmocka_unit_test(test_zh_rollup),
        cmocka_unit_test(test_en),
        cmocka_unit_test(test_zero_and_one),
        cmocka_unit_test(test_partial),
        cmocka_unit_test(test_byte_identical),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_edited_template),
        cmocka_unit_test(test_forbidden_read),
        cmocka_unit_test(test_document_self_allowed),
        cmocka_unit_test(test_view_one_unit),
        cmocka_unit_test(test_render_set_once),
        cmocka_unit_test(test_forbidden_write),
        cmocka_unit_test(test_forbidden_include),
        cmocka_unit_test(test_template_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
