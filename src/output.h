/*
 * output.h — the one way canvass writes its outputs (see output.c).
 *
 * A build opens OUTDIR (output_open: lock, clean up dead leftovers, make a
 * private folder beside OUTDIR), has each renderer write one file at the
 * path output_path gives, and either commits (output_commit: the whole new
 * set replaces the old one in one step) or frees without committing (the
 * private folder is removed; OUTDIR is untouched).
 *
 * Every function returns an error_code and, on failure, a malloc'd message
 * in *MSG (caller frees) that names OUTDIR or the output, never the private
 * folder.
 */
#ifndef CANVASS_OUTPUT_H
#define CANVASS_OUTPUT_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "error.h"

/* Name of the list of what canvass wrote, kept in OUTDIR. */
#define OUTPUT_MANIFEST ".canvass-manifest"

typedef struct output output_t;

/* Called once, before output_open blocks, when another build holds the
 * lock of OUTDIR. */
typedef void (*output_wait_fn)(void *arg, const char *outdir);

/* True when NAME (a file name, no folder) is one canvass writes or may
 * write: return.xml, returns.xlsx, findings.csv, summary-*.docx|html|md,
 * the manifest. */
int output_is_output_name(const char *name);

/* Refuses (ERR_USAGE) any of the N input paths that a build into OUTDIR
 * could replace or remove: an input whose file is one of OUTDIR's entries
 * at an output name or listed in OUTDIR's manifest, compared by device and
 * inode (through symlinks and hard links) and by resolved name. A missing
 * OUTDIR holds no input. Reads only; writes nothing. The message calls
 * the input a WHAT ("register", "return") and the writer CMD ("build",
 * "merge"). */
error_code output_check_inputs(const char *outdir, const char *const *inputs,
                               size_t n, const char *what, const char *cmd,
                               char **msg);

/* Opens OUTDIR (created if missing) for a build: takes its lock (waiting
 * for another build, after calling ON_WAIT), removes the leftovers of
 * builds that died, and makes the private folder. STOP (may be NULL) is
 * the caller's interrupt flag: a wait ends with ERR_INTERRUPTED when it is
 * set, and output_commit will not replace anything once it is set. OUTDIR
 * is borrowed for the life of *OUT. */
error_code output_open(const char *outdir, output_wait_fn on_wait, void *arg,
                       const volatile sig_atomic_t *stop, output_t **out,
                       char **msg);

/* Adds NAME to the new set and gives the path (malloc'd) at which its
 * renderer writes it. Fails when NAME is not an output name, is already in
 * the set, or OUTDIR holds a folder of that name (never replaced). */
error_code output_path(output_t *o, const char *name, char **path, char **msg);

/* output_path, then output_write_file of BUF. */
error_code output_write(output_t *o, const char *name, const void *buf,
                        size_t len, char **msg);

/* Makes every file of the set durable, writes the manifest, carries the
 * user's own files of OUTDIR over, and swaps the private folder with
 * OUTDIR in one step; then removes the old set. On success *NOTE (may be
 * NULL) receives a malloc'd remark for the user, or NULL. On failure
 * OUTDIR is as it was. */
error_code output_commit(output_t *o, char **note, char **msg);

/* The new set, in the order added. */
size_t output_count(const output_t *o);
const char *output_name(const output_t *o, size_t i);

/* True when the file system of the private folder is full (ENOSPC,
 * EDQUOT or under 64 KiB free): what a renderer's failure really was. */
int output_full(const output_t *o, int err);

/* MSG (borrowed) with the private folder's path replaced by OUTDIR's, so
 * that a renderer's message names the output the user will see. Malloc'd;
 * NULL on no memory. */
char *output_unstage(const output_t *o, const char *msg);

/* Without commit: removes the private folder and everything in it; OUTDIR
 * keeps the old set. Releases the locks. NULL is a no-op. */
void output_free(output_t *o);

/* Writes LEN bytes of BUF to PATH (created or truncated); on failure PATH
 * is removed, ERR_NOSPACE for a full disk. Not synced: output_commit syncs
 * every file of the set, when the system has written most of them back
 * already (a sync here, the first after the batch's findings.csv, waited
 * for the whole of it). */
error_code output_write_file(const char *path, const void *buf, size_t len,
                             char **msg);

/* True when ERR is ENOSPC or EDQUOT, or the file system of DIR (may be
 * NULL) has under 64 KiB free. */
int output_nospace(const char *dir, int err);

/* A stream for a big file written once and not read back soon (build's
 * findings.csv): an unnamed file (O_TMPFILE) in DIR whose bytes go to the
 * disk straight (O_DIRECT, 1 MiB at a time; what is left at fclose, less
 * than 4 KiB, through the page cache), not through the page cache, where
 * each of its pages would cost system time to take, fill and write back
 * (0.3 to 0.9 s for the 470 MB of a 1,000,000-household register's
 * findings). Where the file system cannot write straight, it writes the
 * usual way. *FD is its descriptor, the caller's to fsync, link and
 * close: fclose writes what is left and reports its failure, and leaves
 * *FD open. NULL when no unnamed file can be made in DIR. */
FILE *output_unnamed_stream(const char *dir, int *fd);

/* An unnamed file (O_TMPFILE) in DIR, open for reading and writing through
 * the page cache, for a big file that is read back at once (build's
 * return.xml when it lists every finding: written as it is made, then
 * mapped). Its descriptor, the caller's to link and close; -1 (errno) when
 * none can be made there. */
int output_unnamed_file(const char *dir);

/* Where canvass keeps its temporary files: $TMPDIR when set and not
 * empty, else /tmp (borrowed). */
const char *output_tmpdir(void);

/* A scratch file in output_tmpdir(), named canvass-NAME-XXXXXX and
 * unlinked at once (gone when closed, whatever happens), open for reading
 * and writing: its descriptor, or -1 (errno). For what is spilled and
 * read back by the same process: a register's findings (diag_store.c),
 * merge's sort of findings (findsort.c). */
int output_scratch_file(const char *name);

/* The LEN bytes of the file FD mapped read-only, then zeros to the end of
 * a page (as a string in memory has its NUL): the mapping, *SPAN long, to
 * munmap; NULL (errno) when it cannot be made. For a file of our own
 * that nobody else writes (build's return.xml, a loaded return's copy of
 * its list). */
char *output_map(int fd, size_t len, size_t *span);

/* A stream that discards everything written to it (fclose it), or NULL.
 * libxlsxwriter 1.1.4 prints "[ERROR]..." lines naming temporary files on
 * stdio's stderr and offers no hook: main.c points stderr at this sink
 * around the workbook, so a failure is one canvass message. */
FILE *output_sink(void);

#endif
