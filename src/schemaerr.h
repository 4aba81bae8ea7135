/*
 * schemaerr.h — libxml2's parser and validator errors rewritten for people.
 *
 * From libxml2's structured error (its code, the element and attribute its
 * message names, the value in str1, the allowed set in str2) this writes
 * what is wrong, where and what is allowed, in the language of the locale
 * (gettext), naming elements, attributes and values with the labels of the
 * register schema (vocab_decl_find, vocab_label). When the value given is
 * the label of an allowed value (平房 for bungalow), it says so. Values of
 * personal attributes and free text are never repeated. Errors not covered
 * keep libxml2's own text, tidied, redacted and marked as such.
 *
 * Pure functions of their arguments; safe from any thread once the locale
 * is set.
 */
#ifndef CANVASS_SCHEMAERR_H
#define CANVASS_SCHEMAERR_H

#include <libxml/xmlerror.h>
#include "vocab.h"

/* The message for E (domain parser or schemas) with the labels of V (may
 * be NULL: names only). Malloc'd (caller frees); NULL on no memory. */
char *schemaerr_message(const xmlError *e, const vocab_t *v);

/* The same; with WITHHOLD the value E quotes (str1) is never repeated (it
 * may be personal data). With REWRITTEN (not NULL), an error this module
 * does not rewrite gives NULL and *REWRITTEN 0 instead of libxml2's text
 * (the caller redacts that its own way); *REWRITTEN is 1 otherwise, and
 * NULL then means no memory. */
char *schemaerr_message_withheld(const xmlError *e, const vocab_t *v,
                                 int withhold, int *rewritten);

/* Language of the labels to use with the current locale's messages: "zh"
 * when the messages are Chinese, else "en". */
const char *schemaerr_label_lang(void);

#endif
