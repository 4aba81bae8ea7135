/*
 * error.c — strings for error_code. Keep the table in the enum's order;
 * the unit test checks that every code has a distinct, non-empty string.
 * The strings are marked for gettext and translated when asked for.
 */
#include "error.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const strings[ERR_COUNT_] = {
    [ERR_OK] = N_("no error"),
    [ERR_NOMEM] = N_("out of memory"),
    [ERR_USAGE] = N_("bad command line"),
    [ERR_OPEN] = N_("cannot open file"),
    [ERR_NOT_REGULAR] = N_("not a regular file"),
    [ERR_READ] = N_("read error"),
    [ERR_WRITE] = N_("write error"),
    [ERR_NOSPACE] = N_("no space left on device"),
    [ERR_SCHEMA] = N_("cannot load schema"),
    [ERR_INVALID] = N_("invalid input"),
    [ERR_TEMPLATE] = N_("document template failed"),
    [ERR_FORBIDDEN] = N_("forbidden access by a template"),
    [ERR_XLSX] = N_("workbook writer failed"),
    [ERR_ZIP] = N_("zip writer failed"),
    [ERR_INTERRUPTED] = N_("interrupted"),
    [ERR_INTERNAL] = N_("internal error"),
};

const char *error_string(error_code code)
{
    if ((int)code < 0 || code >= ERR_COUNT_ || !strings[code])
        return _("unknown error");
    return _(strings[code]);
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
