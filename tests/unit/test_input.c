/* test_input.c — opening an input: a regular file opens (blocking reads),
 * a directory, a FIFO with no writer (without hanging) and /dev/null are
 * refused for what they are, a missing file is ERR_OPEN with its errno;
 * input_read fills whole chunks and says where the file ends. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "input.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_input.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

static void test_regular_file(void **state)
{
    char path[128];
    unsigned char buf[8];
    FILE *f;
    int fd, err;
    uint64_t size = 0;
    input_why why;
    (void)state;
    snprintf(path, sizeof path, "%s/r.xml", dir);
    assert_non_null(f = fopen(path, "w"));
    fputs("0123456789", f);
    fclose(f);
    assert_int_equal(input_open(path, &fd, &size, &why, &err), ERR_OK);
    assert_int_equal(size, 10);
    assert_true(fd >= 0);
    assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(input_read(fd, buf, sizeof buf), 8);
    assert_memory_equal(buf, "01234567", 8);
    assert_int_equal(input_read(fd, buf, sizeof buf), 2); /* the end */
    assert_int_equal(input_read(fd, buf, sizeof buf), 0);
    close(fd);
}

static void test_refused(void **state)
{
    char path[128];
    int fd = 7, err;
    input_why why;
    (void)state;
    assert_int_equal(input_open(dir, &fd, NULL, &why, &err), ERR_NOT_REGULAR);
    assert_int_equal(why, INPUT_DIRECTORY);
    assert_int_equal(fd, -1);
    snprintf(path, sizeof path, "%s/fifo", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    /* no writer: a plain open would wait for one */
    assert_int_equal(input_open(path, &fd, NULL, &why, &err), ERR_NOT_REGULAR);
    assert_int_equal(why, INPUT_NOT_REGULAR);
    assert_int_equal(input_open("/dev/null", &fd, NULL, &why, &err),
                     ERR_NOT_REGULAR);
    assert_int_equal(why, INPUT_NOT_REGULAR);
    snprintf(path, sizeof path, "%s/missing.xml", dir);
    assert_int_equal(input_open(path, &fd, NULL, &why, &err), ERR_OPEN);
    assert_int_equal(why, INPUT_FAULT);
    assert_int_equal(err, ENOENT);
}

static void test_read_through_a_pipe(void **state)
{
    /* short reads (a pipe gives what was written so far) are joined */
    int p[2];
    unsigned char buf[6];
    pid_t pid;
    struct timespec pause = {0, 50000000};
    (void)state;
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        if (write(p[1], "abc", 3) != 3)
            _exit(1);
        nanosleep(&pause, NULL);
        if (write(p[1], "def", 3) != 3)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    assert_int_equal(input_read(p[0], buf, sizeof buf), 6);
    assert_memory_equal(buf, "abcdef", 6);
    close(p[0]);
    waitpid(pid, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regular_file),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_read_through_a_pipe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
