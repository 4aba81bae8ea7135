/*
 * i18n.h — messages through GNU gettext (glibc's libintl, no extra library).
 *
 * _("...") marks a message and translates it into the language of the
 * locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext chooses); N_()
 * only marks a string for xgettext, to be translated where it is used;
 * P_() (ngettext) chooses the plural form ("1 visit", "2 visits");
 * NP_(singular, plural) only marks the two forms, for a message formatted
 * later (a finding: diag_store_vaddn chooses the form when it is read);
 * C_("context", "...") is pgettext: the same short English ("or", ": ")
 * may need different words in different places.
 *
 * The text domain is "canvass"; main.c binds it to the catalogue folder
 * found next to the program (build tree or relocated install) and sets the
 * locale. po/canvass.pot is extracted with the keywords _, N_, P_:1,2,
 * NP_:1,2 and C_:1c,2 (make pot); po/zh_CN.po holds the Chinese.
 */
#ifndef CANVASS_I18N_H
#define CANVASS_I18N_H

#include <libintl.h>
#include <string.h>

#define I18N_DOMAIN "canvass"

#define _(s) dgettext(I18N_DOMAIN, s)
#define N_(s) (s)
#define P_(s, p, n) dngettext(I18N_DOMAIN, s, p, n)
#define NP_(s, p) s, p
#define C_(ctx, s) i18n_pgettext(ctx "\004" s, s)

/* pgettext as gettext.h has it: the catalogue keys "context\004msgid". */
__attribute__((format_arg(2))) static inline const char *
i18n_pgettext(const char *key, const char *s)
{
    const char *t = dgettext(I18N_DOMAIN, key);
    return t == key ? s : t;
}

/* The language of the schema labels that go with the locale's messages:
 * "zh" when the messages are Chinese, else "en". */
static inline const char *i18n_label_lang(void)
{
    /* TRANSLATORS: write "labels: zh" here: the messages then name the
     * register's elements, attributes and values with their Chinese
     * labels from the schema. */
    return strstr(_("labels: en"), "zh") ? "zh" : "en";
}

#endif
