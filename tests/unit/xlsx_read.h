/*
 * xlsx_read.h — reading a written .xlsx back, independently of the writer.
 *
 * For tests: unzips with libzip and parses xl/workbook.xml, its relations,
 * xl/sharedStrings.xml and xl/worksheets/sheetN.xml with libxml2. Cells are
 * found by sheet name and reference ("D7"). Nothing here shares code with
 * src/xlsx.c.
 *
 * Test programs include xlsx_read.c directly (the Makefile links each
 * tests/unit/test_*.c with the src objects only).
 */
#ifndef CANVASS_XLSX_READ_H
#define CANVASS_XLSX_READ_H

#include <stddef.h>

typedef struct xlsx_book xlsx_book;

/* Opens the workbook at PATH; NULL if it is not a readable workbook.
 * Caller frees with xlsx_read_close. */
xlsx_book *xlsx_read_open(const char *path);

/* No-op on NULL. */
void xlsx_read_close(xlsx_book *b);

/* Number of sheets, and the name of sheet I (0-based, workbook order;
 * borrowed, NULL past the end). */
size_t xlsx_read_nsheets(const xlsx_book *b);
const char *xlsx_read_sheet_name(const xlsx_book *b, size_t i);

/* The text a reader sees in cell REF of SHEET: the shared or inline string,
 * or the stored value (<v>) of a number or formula. Malloc'd (caller
 * frees); NULL if the sheet or cell does not exist or has no value. */
char *xlsx_read_cell(xlsx_book *b, const char *sheet, const char *ref);

/* The formula of cell REF (text of <f>, no leading '='), malloc'd; NULL if
 * the cell holds no formula. */
char *xlsx_read_formula(xlsx_book *b, const char *sheet, const char *ref);

/* The reference ("B7") of the first cell of SHEET, in row order, whose text
 * (as xlsx_read_cell) equals TEXT, written into REF (16 bytes); with COL
 * >= 0 only cells in that column (0 = A). Returns 0, or -1 if none. */
int xlsx_read_find(xlsx_book *b, const char *sheet, const char *text, int col,
                   char ref[16]);

/* Number of cells of SHEET whose text equals TEXT (in column COL if >= 0). */
size_t xlsx_read_count(xlsx_book *b, const char *sheet, const char *text,
                       int col);

/* The raw text of part NAME ("docProps/core.xml"), or with NAME NULL of
 * SHEET's worksheet part. Malloc'd; NULL if absent. */
char *xlsx_read_part(xlsx_book *b, const char *name, const char *sheet);

#endif
