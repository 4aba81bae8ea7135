/*
 * intake.h — the input stage of the reader: a register's bytes in, UTF-8
 * text for libxml2 out, with the first bad byte or refused construct
 * located.
 *
 * The reader hands each read of the file to intake_push, which decodes it
 * (UTF-8 validated; GB18030, GBK, GB2312 and UTF-16 through iconv),
 * carries a character cut by the end of one read over to the next, counts
 * lines and columns (characters) of the text, and runs a small lexer that
 * refuses a start tag with more than 100 attributes and a text of more
 * than 1 MB between two tags (libxml2 takes quadratic time over both).
 * Messages describe bytes, never quote them.
 */
#ifndef CANVASS_INTAKE_H
#define CANVASS_INTAKE_H

#include <stddef.h>

typedef struct intake intake_t;

/* A fresh input stage (position 1:1), NULL on no memory. */
intake_t *intake_new(void);
/* No-op on NULL. */
void intake_free(intake_t *in);

/* Picks the encoding from the file's first N bytes at P (a byte order
 * mark, UTF-16 without one, or the XML declaration) and sets *SKIP to the
 * length of the byte order mark, which the text does not include. Returns
 * NULL when the register can be read, else why not (a message borrowed
 * from IN or static: compressed, not XML, an encoding not accepted, a
 * declaration its bytes contradict). */
const char *intake_begin(intake_t *in, const unsigned char *p, size_t n,
                         size_t *skip);

/* Takes the next N bytes of the file (EOF: none follow). *TEXT is set to
 * the decoded UTF-8 (borrowed: IN's, or P itself when P is UTF-8 that
 * needs no carrying over; valid until the next call and while P is) and
 * *OK to the
 * number of its bytes that may be parsed. Returns 0 when all may; 1 when
 * the input is refused after those *OK bytes (intake_error says where and
 * why); -1 on no memory. After 1, no more input may be pushed. */
int intake_push(intake_t *in, const unsigned char *p, size_t n, int eof,
                const unsigned char **text, size_t *ok);

/* After intake_push returned 1: the message (borrowed) and its place. */
const char *intake_error(const intake_t *in, unsigned *line, unsigned *col);

/* Whether any byte other than a blank has been decoded. */
int intake_has_content(const intake_t *in);

#endif
