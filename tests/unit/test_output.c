/* test_output.c — output.c: output names, whole files, a set replaced in
 * one step (stale outputs gone, the user's files kept), an uncommitted set
 * leaving OUTDIR as it was, inputs refused, the sink for libxlsxwriter,
 * the unnamed stream written straight to the disk (build's findings.csv).
 * The kill -9 and permission cases are in tests/fault/run.sh. Run from
 * tests/ (scratch in out/unit-output/). */
#define _GNU_SOURCE 1
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "output.h"

#define BASE "out/unit-output"

static char *S_slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f)
        return NULL;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

static int S_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* entries of DIR whose name starts with PREFIX */
static int S_count(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += !strncmp(e->d_name, prefix, strlen(prefix));
    closedir(d);
    return n;
}

static void S_put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int S_setup(void **state)
{
    (void)state;
    if (system("rm -rf " BASE " && mkdir -p " BASE))
        return -1;
    return 0;
}

static void test_names(void **state)
{
    (void)state;
    assert_true(output_is_output_name("return.xml"));
    assert_true(output_is_output_name("returns.xlsx"));
    assert_true(output_is_output_name("findings.csv"));
    assert_true(output_is_output_name("summary-620402003005.docx"));
    assert_true(output_is_output_name("summary-street-620402003.html"));
    assert_true(output_is_output_name("summary-all.md"));
    assert_true(output_is_output_name(OUTPUT_MANIFEST));
    assert_false(output_is_output_name("summary-all.pdf"));
    assert_false(output_is_output_name("jinshan-2011.xml"));
    assert_false(output_is_output_name("notes.txt"));
    assert_false(output_is_output_name("returns.xml"));
}

static void test_write_file(void **state)
{
    char *msg = NULL;
    (void)state;
    assert_int_equal(output_write_file(BASE "/w.txt", "hello", 5, &msg),
                     ERR_OK);
    assert_string_equal(S_slurp(BASE "/w.txt"), "hello");
    assert_int_equal(output_write_file(BASE "/no-such/w.txt", "x", 1, &msg),
                     ERR_OPEN);
    assert_non_null(strstr(msg, "no-such/w.txt: cannot create"));
    free(msg);
    assert_false(S_exists(BASE "/no-such"));
}

static void test_set_replaced(void **state)
{
    output_t *o = NULL;
    char *msg = NULL, *note = NULL, *path = NULL, *u;
    (void)state;

    /* first set: return.xml and a summary */
    assert_int_equal(output_open(BASE "/out", NULL, NULL, NULL, &o, &msg),
                     ERR_OK);
    assert_int_equal(S_count(BASE, ".out.canvass-"), 1);
    assert_int_equal(output_write(o, "return.xml", "<r/>", 4, &msg), ERR_OK);
    assert_int_equal(output_path(o, "summary-all.md", &path, &msg), ERR_OK);
    /* renderers' messages name OUTDIR, not the private folder */
    u = output_unstage(o, path);
    assert_string_equal(u, BASE "/out/summary-all.md");
    free(u);
    assert_int_equal(output_write_file(path, "# all", 5, &msg), ERR_OK);
    free(path);
    assert_int_equal(output_write(o, "return.xml", "x", 1, &msg), ERR_INTERNAL);
    free(msg);
    msg = NULL;
    assert_int_equal(output_write(o, "notes.txt", "x", 1, &msg), ERR_INTERNAL);
    free(msg);
    msg = NULL;
    /* not in OUTDIR before the commit */
    assert_false(S_exists(BASE "/out/return.xml"));
    assert_int_equal(output_commit(o, &note, &msg), ERR_OK);
    assert_null(note);
    output_free(o);
    assert_string_equal(S_slurp(BASE "/out/return.xml"), "<r/>");
    assert_string_equal(S_slurp(BASE "/out/" OUTPUT_MANIFEST),
                        "canvass-manifest 1\nreturn.xml\nsummary-all.md\n");
    assert_int_equal(S_count(BASE, ".out.canvass-"), 0);

    /* the user's file and folder; a second set without the summary */
    S_put(BASE "/out/notes.txt", "mine");
    assert_int_equal(mkdir(BASE "/out/archive", 0777), 0);
    assert_int_equal(output_open(BASE "/out", NULL, NULL, NULL, &o, &msg),
                     ERR_OK);
    assert_int_equal(output_write(o, "return.xml", "<r2/>", 5, &msg), ERR_OK);
    assert_int_equal(output_commit(o, &note, &msg), ERR_OK);
    output_free(o);
    assert_string_equal(S_slurp(BASE "/out/return.xml"), "<r2/>");
    assert_false(S_exists(BASE "/out/summary-all.md")); /* stale: gone */
    assert_string_equal(S_slurp(BASE "/out/notes.txt"), "mine");
    assert_true(S_exists(BASE "/out/archive"));
    assert_int_equal(S_count(BASE, ".out.canvass-"), 0);

    /* not committed: OUTDIR as it was, no private folder */
    assert_int_equal(output_open(BASE "/out", NULL, NULL, NULL, &o, &msg),
                     ERR_OK);
    assert_int_equal(output_write(o, "return.xml", "<r3/>", 5, &msg), ERR_OK);
    output_free(o);
    assert_string_equal(S_slurp(BASE "/out/return.xml"), "<r2/>");
    assert_int_equal(S_count(BASE, ".out.canvass-"), 0);

    /* a folder at an output name is never replaced */
    assert_int_equal(mkdir(BASE "/out/returns.xlsx", 0777), 0);
    assert_int_equal(output_open(BASE "/out", NULL, NULL, NULL, &o, &msg),
                     ERR_OK);
    assert_int_equal(output_path(o, "returns.xlsx", &path, &msg), ERR_WRITE);
    assert_non_null(strstr(msg, "returns.xlsx is a folder"));
    free(msg);
    output_free(o);
    assert_int_equal(rmdir(BASE "/out/returns.xlsx"), 0);
}

static void test_inputs(void **state)
{
    const char *in[2];
    char *msg = NULL;
    (void)state;
    assert_int_equal(mkdir(BASE "/in", 0777), 0);
    S_put(BASE "/in/return.xml", "<register/>");
    S_put(BASE "/in/mine.xml", "<register/>");
    assert_int_equal(link(BASE "/in/return.xml", BASE "/elsewhere.xml"), 0);
    in[0] = BASE "/in/mine.xml";
    assert_int_equal(
        output_check_inputs(BASE "/in", in, 1, "register", "build", &msg),
        ERR_OK);
    in[1] = BASE "/in/../in/return.xml";
    assert_int_equal(
        output_check_inputs(BASE "/in", in, 2, "register", "build", &msg),
        ERR_USAGE);
    assert_non_null(strstr(msg, "would replace"));
    free(msg);
    msg = NULL;
    in[1] = BASE "/elsewhere.xml";
    assert_int_equal(
        output_check_inputs(BASE "/in", in, 2, "register", "build", &msg),
        ERR_USAGE);
    free(msg);
    msg = NULL;
    assert_int_equal(
        output_check_inputs(BASE "/none", in, 2, "register", "build", &msg),
        ERR_OK);
}

static void test_sink(void **state)
{
    FILE *sink = output_sink();
    (void)state;
    assert_non_null(sink);
    assert_true(fprintf(sink, "[ERROR] workbook_close(): %s\n",
                        "/tmp/private/returns.xlsx") > 0);
    assert_int_equal(fflush(sink), 0);
    assert_false(ferror(sink));
    assert_int_equal(fclose(sink), 0);
}

/* The byte at I of test_unnamed_stream's file. */
static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 31 + i / 7);
}

/* output_unnamed_stream: what is written in pieces of every size, across
 * its 1 MiB blocks and ending in a part of a 4 KiB block, reads back the
 * same once fclose has written the rest; the descriptor stays open for
 * the caller's fsync and link; an empty stream is an empty file. */
static void test_unnamed_stream(void **state)
{
    static const size_t pieces[] = {1, 4095, 70000, 1048576, 3, 1500000};
    size_t total = 0, i, k, got = 0;
    unsigned char *want, *back;
    char proc[64];
    struct stat st;
    int fd, rd;
    FILE *f;
    (void)state;

    for (i = 0; i < sizeof pieces / sizeof *pieces; i++)
        total += pieces[i];
    want = malloc(total);
    back = malloc(total);
    assert_non_null(want);
    assert_non_null(back);
    for (i = 0; i < total; i++)
        want[i] = pattern(i);
    f = output_unnamed_stream(BASE, &fd);
    if (!f) { /* only where the file system cannot make unnamed files */
        int t = open(BASE, O_TMPFILE | O_WRONLY, 0600);
        assert_true(t < 0);
        free(want);
        free(back);
        skip();
    }
    assert_true(fd >= 0);
    for (i = 0, k = 0; i < sizeof pieces / sizeof *pieces; k += pieces[i++])
        assert_int_equal(fwrite(want + k, 1, pieces[i], f), pieces[i]);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(fstat(fd, &st), 0); /* still open */
    assert_int_equal((size_t)st.st_size, total);
    assert_int_equal(fsync(fd), 0);
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    rd = open(proc, O_RDONLY);
    assert_true(rd >= 0);
    while (got < total) {
        ssize_t n = read(rd, back + got, total - got);
        assert_true(n > 0);
        got += (size_t)n;
    }
    close(rd);
    assert_memory_equal(back, want, total);
    remove(BASE "/straight.bin");
    assert_int_equal(linkat(AT_FDCWD, proc, AT_FDCWD, BASE "/straight.bin",
                            AT_SYMLINK_FOLLOW),
                     0);
    assert_int_equal(stat(BASE "/straight.bin", &st), 0);
    assert_int_equal((size_t)st.st_size, total);
    close(fd);
    remove(BASE "/straight.bin");

    f = output_unnamed_stream(BASE, &fd);
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_size, 0);
    close(fd);
    assert_null(output_unnamed_stream(BASE "/no-such-folder", &fd));
    assert_int_equal(fd, -1);
    free(want);
    free(back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_write_file),
        cmocka_unit_test(test_set_replaced),
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_sink),
        cmocka_unit_test(test_unnamed_stream),
    };
    return cmocka_run_group_tests(tests, S_setup, NULL);
}
