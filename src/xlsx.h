/*
 * xlsx.h — the returns workbook (returns.xlsx), rendered from a return.
 *
 * One entry point, like every renderer (render.h): it reads the return
 * document only — never a register — and writes one .xlsx file at the path
 * it is given. Labels come from the return's zh/en attributes and from
 * opts->labels (return.xsd: table, level, rule, severity).
 */
#ifndef CANVASS_XLSX_H
#define CANVASS_XLSX_H

#include <libxml/tree.h>
#include "error.h"
#include "render.h"

/* Writes the returns workbook of the return document RET to PATH.
 * PATH's folder is used as libxlsxwriter's tmpdir. Returns ERR_OK, or an
 * error code with *MSG set to a malloc'd message (caller frees).
 *
 * RET and OPTS are borrowed and only read; several renders may run at once
 * in different threads (no global state). The finished file is re-opened
 * and every XML part parsed before ERR_OK is returned; on any failure PATH
 * is unlinked (ERR_NOSPACE when the disk is full, ERR_OPEN when PATH's
 * folder is unusable, ERR_XLSX otherwise, ERR_NOMEM, ERR_INVALID when RET
 * is not a return document). The same RET and OPTS (including
 * opts->created) give a byte-identical file. */
error_code xlsx_render(const xmlDoc *ret, const char *path,
                       const render_opts *opts, char **msg);

/* The check xlsx_render makes of the file it wrote: PATH is a zip whose
 * every XML part (.xml, .rels) is well-formed and which holds sheets
 * 1..NSHEETS. 0, or -1 with WHAT (WHATLEN bytes) naming the part. */
int xlsx_verify(const char *path, size_t nsheets, char *what, size_t whatlen);

#endif
