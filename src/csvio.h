/*
 * csvio: every CSV fdsim reads or writes goes through libcsv (RFC 4180).
 *
 * Writing: a csvio_writer writes rows to a temporary file beside its final
 * path ("PATH.tmp-PID") and only csvio_writer_commit() renames it into place,
 * so a reader never sees a half-written file; destroying an uncommitted
 * writer removes the temporary file, and creating one removes what a killed
 * process left under the same path's temporary name (stage_clean).  Several writers can be finished first
 * and committed together at the end of a run.  Text cells that a spreadsheet
 * would read as a formula (first character = + - @, tab or carriage return)
 * are made safe by a leading apostrophe; numeric cells are written as is.
 *
 * Reading: csvio_parse() feeds each record of a buffer to a callback.
 */
#ifndef FDSIM_CSVIO_H
#define FDSIM_CSVIO_H

#include "diag.h"

#include <stdio.h>

typedef struct csvio_writer csvio_writer;

/* The temporary name output bound for `path` is written under before it
 * is renamed into place, "PATH.tmp-PID": the one naming every atomic write
 * of fdsim uses (csvio's writers, report's run.ini, stage's directories).
 * A heap string the caller frees, or NULL without memory. */
char *csvio_temp_path(const char *path);

/* Open a writer whose output will become `path` on commit.  Returns
 * FD_OK, or FD_EIO / FD_ENOMEM with a message naming the file in `d`. */
int csvio_writer_create(csvio_writer **out, const char *path, diag *d);

/* A writer on an open stream (stdout, a test's memstream): no temporary
 * file; commit only flushes; the stream is not closed.  NULL on no memory. */
csvio_writer *csvio_writer_stream(FILE *f);

/* Append one text cell to the current row (quoted when needed, made
 * formula-safe).  NULL is written as an empty cell. */
void csvio_cell(csvio_writer *w, const char *text);

/* Append one numeric cell written with printf format `fmt` for a double
 * ("%.6g", "%.17g").  NaN is written as an empty cell. */
void csvio_cell_num(csvio_writer *w, const char *fmt, double x);

/* Append one numeric cell already formatted as `digits` (a number as
 * printf writes one: no quoting, no formula guard). */
void csvio_cell_digits(csvio_writer *w, const char *digits);

/* Append one integer cell. */
void csvio_cell_int(csvio_writer *w, long long x);

/* End the current row (CRLF line ending as RFC 4180 asks). */
void csvio_end_row(csvio_writer *w);

/* Flush and close the temporary file (for a stream writer: flush).  Returns
 * FD_OK or FD_EIO if any write since create failed (disk full...).  After
 * finish only commit or destroy may be called. */
int csvio_writer_finish(csvio_writer *w, diag *d);

/* Flush what was written so far to the file (a checkpoint: a process
 * killed after it leaves those bytes in the file) and give their count in
 * *bytes.  FD_OK or FD_EIO (a write failed).  Not after finish. */
int csvio_writer_flush(csvio_writer *w, unsigned long long *bytes, diag *d);

/* The temporary file a file writer writes to ("PATH.tmp-PID"), or the
 * final path once committed; NULL for a stream writer.  Owned by `w`. */
const char *csvio_writer_file(const csvio_writer *w);

/* Rename the finished temporary file to its final path.  FD_OK or FD_EIO. */
int csvio_writer_commit(csvio_writer *w, diag *d);

/* Free the writer; an uncommitted temporary file is removed.  NULL: no-op. */
void csvio_writer_destroy(csvio_writer *w);

/* Called once per record: `fields[0..nfields-1]` are NUL-terminated cells
 * (not owned by the callee; valid during the call), `row` is the 1-based
 * record number.  Return 0 to go on, non-zero to stop csvio_parse, which
 * then returns that value. */
typedef int (*csvio_row_fn)(void *user, char **fields, size_t nfields, size_t row);

/* Parse `len` bytes of CSV text with libcsv (strict quoting), calling `fn`
 * for each record.  Returns 0, the callback's non-zero value, or FD_EINVAL
 * (malformed CSV) / FD_ENOMEM with a message in `d` that names `name` (the
 * file name to show) and the record. */
int csvio_parse(const char *buf, size_t len, const char *name,
                csvio_row_fn fn, void *user, diag *d);

/* As csvio_parse, on the first `len` bytes of the file at `path`, read in
 * chunks (memory O(one record), whatever the file's size).  A file shorter
 * than `len` is FD_EIO ("PATH is shorter than expected").  Returns 0, the
 * callback's value, FD_EIO, FD_EINVAL or FD_ENOMEM with the message. */
int csvio_parse_file(const char *path, unsigned long long len, csvio_row_fn fn, void *user,
                     diag *d);

/* Read a whole file into a NUL-terminated heap buffer (caller frees).
 * Refuses files larger than `max_bytes`.  FD_OK, FD_EIO or FD_EINVAL. */
int csvio_slurp(const char *path, size_t max_bytes, char **buf, size_t *len, diag *d);

/* "DIR/NAME", a new string the caller frees, or NULL when memory runs
 * out.  O(length). */
char *csvio_path_join(const char *dir, const char *name);

#endif
