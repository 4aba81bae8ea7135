/*
 * error.h — the one error enum of canvass, with a string per value.
 *
 * Modules return an error_code (or report through a callback); only main.c
 * prints and exits. error_string() gives the fixed English text of a code;
 * the context (file, line, what to do) travels in the message the module
 * hands back. tests/unit/test_error.c keeps the enum and the strings in step.
 */
#ifndef CANVASS_ERROR_H
#define CANVASS_ERROR_H

#include <stdarg.h>

typedef enum {
    ERR_OK = 0,      /**< no error */
    ERR_NOMEM,       /**< out of memory */
    ERR_USAGE,       /**< bad command line */
    ERR_OPEN,        /**< a file could not be opened */
    ERR_NOT_REGULAR, /**< an input is not a regular file */
    ERR_READ,        /**< reading an input failed */
    ERR_WRITE,       /**< writing an output failed */
    ERR_NOSPACE,     /**< no space left for an output */
    ERR_SCHEMA,      /**< a schema could not be loaded */
    ERR_INVALID,     /**< an input is not valid */
    ERR_TEMPLATE,    /**< a document template failed */
    ERR_FORBIDDEN,   /**< a template tried a forbidden access */
    ERR_XLSX,        /**< the workbook library failed */
    ERR_ZIP,         /**< the zip library failed */
    ERR_INTERRUPTED, /**< interrupted by a signal */
    ERR_INTERNAL,    /**< a bug in canvass */
    ERR_COUNT_       /**< number of codes, not a code */
} error_code;

/* Fixed text for CODE; never NULL ("unknown error" out of range). */
const char *error_string(error_code code);

/* A malloc'd printf-formatted message (caller frees), or NULL on no
 * memory. */
char *error_vformat(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
char *error_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Replaces *MSG (when MSG is not NULL) with a formatted message and
 * returns CODE: `return error_set(msg, ERR_OPEN, "%s: ...", path);`. On no
 * memory *MSG is left as it was. */
error_code error_set(char **msg, error_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
