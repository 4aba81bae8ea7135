/*
 * summary.h — the activity summary (活动总结) of one unit of a return, as
 * .docx, .html or .md, from an editable XSLT template set.
 *
 * A template set is a folder (output-templates/zh, output-templates/en, or
 * any folder given with --templates) holding:
 *
 *   summary.xsl     the wording: return + (level, code) → intermediate text
 *   docx.xsl        intermediate → body of word/document.xml
 *   html.xsl        intermediate → printable HTML page
 *   md.xsl          intermediate → Markdown
 *   reference.docx  styles, page set-up, footers of every summary.docx
 *
 * (output-templates/README.md describes the intermediate document.) No
 * wording lives in C: a user changes a sentence by editing summary.xsl, and
 * the three formats change together.
 *
 * Templates run sandboxed: they may read files inside their own folder
 * only (xsl:include, xsl:import, document()), and may not write files,
 * create folders or use the network; a template that tries is refused with
 * ERR_FORBIDDEN and nothing is written.
 *
 * A loaded summary_t is immutable: several threads may call summary_render
 * with the same summary_t and the same return document at once.
 */
#ifndef CANVASS_SUMMARY_H
#define CANVASS_SUMMARY_H

#include <libxml/tree.h>
#include "error.h"
#include "render.h"

typedef struct summary summary_t;

/* Loads and compiles the template set in folder DIR once (summary.xsl,
 * docx.xsl, html.xsl, md.xsl, reference.docx). Returns NULL on failure
 * and, if MSG is not NULL, sets *MSG to a malloc'd message naming the file
 * and line (caller frees). Caller frees the result with summary_free. */
summary_t *summary_load(const char *dir, char **msg);

/* No-op on NULL. */
void summary_free(summary_t *s);

/* Renders the summary of unit (LEVEL, CODE) of the return document RET —
 * e.g. ("community", "620402003005"), ("street", "620402003"), ("all",
 * "") — in FORMAT "docx", "html" or "md", to the file PATH (created or
 * truncated). OPTS->created dates the .docx (core.xml and zip entries);
 * equal inputs give byte-identical files. OPTS may be NULL (time 0).
 *
 * RET is borrowed and only read (summary.xsl sees a private copy of its
 * campaign, sources, the unit and, for a roll-up, the communities under
 * it). Returns ERR_OK, or an error with *MSG set to a malloc'd message
 * (caller frees), and PATH removed:
 *   ERR_USAGE      bad LEVEL, CODE or FORMAT, or no such unit in RET
 *   ERR_INVALID    RET is not a return document
 *   ERR_FORBIDDEN  a template tried to read outside its folder, to write
 *                  a file or to use the network
 *   ERR_TEMPLATE   a template failed (its errors, or the text of an
 *                  xsl:message terminate="yes", are in *MSG)
 *   ERR_OPEN, ERR_WRITE, ERR_NOSPACE, ERR_ZIP, ERR_NOMEM  writing PATH */
error_code summary_render(const summary_t *s, const xmlDoc *ret,
                          const char *level, const char *code,
                          const char *format, const char *path,
                          const render_opts *opts, char **msg);

/* One output of a summary set: FORMAT ("docx", "html", "md") to PATH. */
typedef struct {
    const char *format;
    const char *path;
} summary_out;

/* The summary of unit (LEVEL, CODE) in each of the N formats of OUTS (at
 * most one of each): the view and summary.xsl run once for the unit, then
 * each layout stylesheet on the one intermediate document — the same
 * files as N calls of summary_render, at a third of the wording's cost.
 * Same errors as summary_render; on failure every PATH of OUTS is removed
 * and, if FAILED is not NULL, *FAILED is the index of the output that
 * failed (0 when the failure is not one output's). */
error_code summary_render_set(const summary_t *s, const xmlDoc *ret,
                              const char *level, const char *code,
                              const summary_out *outs, size_t n,
                              const render_opts *opts, size_t *failed,
                              char **msg);

#endif
