/*
 * error.c — strings for error_code. Keep the table in the enum's order;
 * the unit test checks that every code has a distinct, non-empty string.
 */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const strings[ERR_COUNT_] = {
    [ERR_OK] = "no error",
    [ERR_NOMEM] = "out of memory",
    [ERR_USAGE] = "bad command line",
    [ERR_OPEN] = "cannot open file",
    [ERR_NOT_REGULAR] = "not a regular file",
    [ERR_READ] = "read error",
    [ERR_WRITE] = "write error",
    [ERR_NOSPACE] = "no space left on device",
    [ERR_SCHEMA] = "cannot load schema",
    [ERR_INVALID] = "invalid input",
    [ERR_TEMPLATE] = "document template failed",
    [ERR_FORBIDDEN] = "forbidden access by a template",
    [ERR_XLSX] = "workbook writer failed",
    [ERR_ZIP] = "zip writer failed",
    [ERR_INTERRUPTED] = "interrupted",
    [ERR_INTERNAL] = "internal error",
};

const char *error_string(error_code code)
{
    if ((int)code < 0 || code >= ERR_COUNT_ || !strings[code])
        return "unknown error";
    return strings[code];
}

char *error_vformat(const char *fmt, va_list ap)
{
    va_list aq;
    int n;
    char *s;

    va_copy(aq, ap);
    n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0 || !(s = malloc((size_t)n + 1)))
        return NULL;
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *error_format(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    s = error_vformat(fmt, ap);
    va_end(ap);
    return s;
}

error_code error_set(char **msg, error_code code, const char *fmt, ...)
{
    va_list ap;
    char *s;
    if (!msg)
        return code;
    va_start(ap, fmt);
    s = error_vformat(fmt, ap);
    va_end(ap);
    if (s) {
        free(*msg);
        *msg = s;
    }
    return code;
}
