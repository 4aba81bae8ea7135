/* test_error.c — every error code has its own non-empty string. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"

static void test_strings_in_step(void **state)
{
    int i, j;
    (void)state;
    for (i = 0; i < ERR_COUNT_; i++) {
        const char *s = error_string((error_code)i);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, "unknown error");
        for (j = 0; j < i; j++)
            assert_string_not_equal(s, error_string((error_code)j));
    }
    assert_string_equal(error_string(ERR_COUNT_), "unknown error");
    assert_string_equal(error_string((error_code)-1), "unknown error");
    assert_string_equal(error_string(ERR_NOSPACE), "no space left on device");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings_in_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
