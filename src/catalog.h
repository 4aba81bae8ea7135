/*
 * catalog.h — a gettext message catalogue (.mo) read by canvass itself,
 * for the documents' language (--lang), which need not be the locale's.
 */
#ifndef CANVASS_CATALOG_H
#define CANVASS_CATALOG_H

#include "error.h"

typedef struct catalog catalog_t;

/* Loads the .mo file PATH into *OUT (caller frees with catalog_free).
 * ERR_OK; ERR_OPEN, ERR_READ, ERR_INVALID (not a .mo file, or damaged),
 * ERR_NOMEM with *MSG set. */
error_code catalog_load(const char *path, catalog_t **out, char **msg);
void catalog_free(catalog_t *c);

/* The translation of MSGID (borrowed: lives as long as C), or MSGID when
 * the catalogue has none. C may be NULL (no translation). */
const char *catalog_text(const catalog_t *c, const char *msgid);

/* The form for N of the message SINGULAR/PLURAL (as ngettext), or the
 * English form when the catalogue has none. */
const char *catalog_plural(const catalog_t *c, const char *singular,
                           const char *plural, unsigned long n);

#endif
