/*
 * csvio: CSV writing and reading through libcsv (see csvio.h).
 *
 * Writing: we only decide *whether* a cell needs quotes; the quoting and
 * escaping itself is libcsv's csv_fwrite().  libcsv's reader trims unquoted
 * blanks and drops blank lines, so a cell with a leading or trailing blank is
 * quoted, and a row made of one empty cell is written as "" (not as an empty
 * line), so that everything we write reads back the same.
 *
 * Reading: libcsv calls us once per field (cb1) and once per end of record
 * (cb2); fields of the current record are gathered in one growable byte
 * buffer, and the user's callback sees them at the end of the record.
 */
#include "csvio.h"

#include "alloc.h"
#include "stage.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct csvio_writer {
    FILE *f;         /* output: the temporary file, or the caller's stream */
    char *path;      /* final path (owned); NULL for a stream writer */
    char *tmp;       /* temporary path "PATH.tmp-PID" (owned); NULL for a stream */
    int err;         /* errno of the first failed write, 0 if none */
    int finished;    /* finish was called: f is closed (file writer) */
    int committed;   /* the temporary file was renamed into place */
    size_t ncells;   /* cells written on the current row */
    int last_empty;  /* the last cell of the current row was empty */
};

char *csvio_temp_path(const char *path)
{
    size_t n = strlen(path) + 32;
    char *tmp = fd_malloc(n);
    if (tmp != NULL)
        snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
    return tmp;
}

int csvio_writer_create(csvio_writer **out, const char *path, diag *d)
{
    *out = NULL;
    int rc;
    csvio_writer *w = fd_calloc(1, sizeof *w);
    if (w == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory opening %s", path);
    w->path = fd_strdup(path);
    w->tmp = csvio_temp_path(path);
    if (w->path == NULL || w->tmp == NULL) {
        rc = diag_set(d, FD_ENOMEM, "out of memory opening %s", path);
        goto fail;
    }
    stage_clean(path, NULL); /* "PATH.tmp-PID" left by a killed writer of the same path */
    w->f = fopen(w->tmp, "wb");
    if (w->f == NULL) {
        rc = diag_set(d, FD_EIO, "cannot create %s (for %s): %s", w->tmp, path,
                      strerror(errno));
        goto fail;
    }
    *out = w;
    return FD_OK;
fail:
    free(w->path);
    free(w->tmp);
    free(w);
    return rc;
}

csvio_writer *csvio_writer_stream(FILE *f)
{
    csvio_writer *w = fd_calloc(1, sizeof *w);
    if (w != NULL)
        w->f = f;
    return w;
}

/* Whether libcsv's reader would not give `s` back unquoted: a separator, a
 * quote, a line break, a blank it would trim, or a leading byte-order mark
 * (csvio_parse skips one at the start of the input). */
static int needs_quotes(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    if (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t')
        return 1;
    if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) /* at a file's start, read as a BOM */
        return 1;
    return strpbrk(s, ",\"\r\n") != NULL;
}

static void note_error(csvio_writer *w)
{
    if (w->err == 0)
        w->err = errno != 0 ? errno : EIO;
}

/* Write one cell's bytes (already made formula-safe) after a separator. */
static void put_cell(csvio_writer *w, const char *s)
{
    if (w->finished || w->err != 0)
        return;
    if (w->ncells > 0 && putc_unlocked(',', w->f) == EOF)
        note_error(w);
    size_t len = strlen(s);
    if (needs_quotes(s, len)) {
        if (csv_fwrite(w->f, s, len) != 0)
            note_error(w);
    } else {
        /* a cell is short: byte by byte without stdio's lock per call (a
         * writer's FILE belongs to one thread) */
        for (size_t i = 0; i < len; i++)
            if (putc_unlocked(s[i], w->f) == EOF) {
                note_error(w);
                break;
            }
    }
    w->ncells++;
    w->last_empty = len == 0;
}

void csvio_cell(csvio_writer *w, const char *text)
{
    if (text == NULL)
        text = "";
    if (strchr("=+-@\t\r", text[0]) == NULL || text[0] == '\0') {
        put_cell(w, text);
        return;
    }
    /* A spreadsheet would run this as a formula: make it text. */
    size_t len = strlen(text);
    char small[256];
    char *safe = len + 2 <= sizeof small ? small : fd_malloc(len + 2);
    if (safe == NULL) {
        errno = ENOMEM;
        note_error(w);
        return;
    }
    safe[0] = '\'';
    memcpy(safe + 1, text, len + 1);
    put_cell(w, safe);
    if (safe != small)
        free(safe);
}

void csvio_cell_num(csvio_writer *w, const char *fmt, double x)
{
    char buf[128];
    if (isnan(x))
        buf[0] = '\0';
    else
        snprintf(buf, sizeof buf, fmt, x);
    put_cell(w, buf);
}

void csvio_cell_digits(csvio_writer *w, const char *digits)
{
    put_cell(w, digits);
}

void csvio_cell_int(csvio_writer *w, long long x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", x);
    put_cell(w, buf);
}

void csvio_end_row(csvio_writer *w)
{
    if (w->finished || w->err != 0)
        return;
    /* A lone empty cell would be an empty line, which readers skip. */
    if (w->ncells == 1 && w->last_empty && fputs("\"\"", w->f) == EOF)
        note_error(w);
    if (fputs("\r\n", w->f) == EOF)
        note_error(w);
    w->ncells = 0;
    w->last_empty = 0;
}

int csvio_writer_finish(csvio_writer *w, diag *d)
{
    const char *name = w->path != NULL ? w->path : "output stream";
    if (w->finished)
        return w->err == 0 ? FD_OK
                           : diag_set(d, FD_EIO, "cannot write %s: %s", name,
                                      strerror(w->err));
    w->finished = 1;
    errno = 0;
    if (fflush(w->f) != 0 || ferror(w->f))
        note_error(w);
    if (w->tmp != NULL) {
        if (fclose(w->f) != 0)
            note_error(w);
        w->f = NULL;
    }
    if (w->err != 0)
        return diag_set(d, FD_EIO, "cannot write %s: %s", name, strerror(w->err));
    return FD_OK;
}

int csvio_writer_flush(csvio_writer *w, unsigned long long *bytes, diag *d)
{
    const char *name = w->path != NULL ? w->path : "output stream";
    errno = 0;
    if (!w->finished && (fflush(w->f) != 0 || ferror(w->f)))
        note_error(w);
    if (w->err != 0 || w->finished)
        return diag_set(d, FD_EIO, "cannot write %s: %s", name,
                        strerror(w->err ? w->err : EBADF));
    long at = ftell(w->f);
    if (at < 0)
        return diag_set(d, FD_EIO, "cannot write %s: %s", name, strerror(errno));
    *bytes = (unsigned long long)at;
    return FD_OK;
}

const char *csvio_writer_file(const csvio_writer *w)
{
    return w->committed ? w->path : w->tmp;
}

int csvio_writer_commit(csvio_writer *w, diag *d)
{
    /* Committing unfinished output finishes it first; a failed write is
     * never renamed into place. */
    int rc = csvio_writer_finish(w, d);
    if (rc != FD_OK || w->tmp == NULL || w->committed)
        return rc;
    if (rename(w->tmp, w->path) != 0)
        return diag_set(d, FD_EIO, "cannot rename %s to %s: %s", w->tmp, w->path,
                        strerror(errno));
    w->committed = 1;
    return FD_OK;
}

void csvio_writer_destroy(csvio_writer *w)
{
    if (w == NULL)
        return;
    if (w->tmp != NULL) {
        if (w->f != NULL)
            fclose(w->f);
        if (!w->committed)
            remove(w->tmp);
    }
    free(w->path);
    free(w->tmp);
    free(w);
}

/* State shared with libcsv's callbacks during one csvio_parse. */
typedef struct parse_state {
    csvio_row_fn fn; /* the user's callback */
    void *user;      /* its argument */
    char *bytes;     /* the current record's fields, each NUL-terminated */
    size_t used;     /* bytes in use */
    size_t cap;      /* bytes allocated */
    size_t *starts;  /* offset of each field in `bytes` */
    size_t nfields;  /* fields in the current record */
    size_t fcap;     /* entries allocated in `starts` */
    char **ptrs;     /* field pointers handed to fn (rebuilt per record) */
    size_t pcap;     /* entries allocated in `ptrs` */
    size_t row;      /* records delivered so far */
    int stop;        /* non-zero: fn's return value, or FD_ENOMEM */
} parse_state;

static void on_field(void *field, size_t len, void *data)
{
    parse_state *st = data;
    if (st->stop != 0)
        return;
    if (st->nfields == st->fcap) {
        size_t cap = st->fcap == 0 ? 16 : 2 * st->fcap;
        size_t *p = fd_realloc(st->starts, cap * sizeof *p);
        if (p == NULL) {
            st->stop = FD_ENOMEM;
            return;
        }
        st->starts = p;
        st->fcap = cap;
    }
    if (st->cap - st->used < len + 1) {
        size_t cap = st->cap == 0 ? 256 : st->cap;
        while (cap - st->used < len + 1)
            cap *= 2;
        char *p = fd_realloc(st->bytes, cap);
        if (p == NULL) {
            st->stop = FD_ENOMEM;
            return;
        }
        st->bytes = p;
        st->cap = cap;
    }
    if (len > 0)
        memcpy(st->bytes + st->used, field, len);
    st->bytes[st->used + len] = '\0';
    st->starts[st->nfields++] = st->used;
    st->used += len + 1;
}

static void on_record(int term, void *data)
{
    (void)term;
    parse_state *st = data;
    if (st->stop != 0)
        return;
    if (st->pcap < st->nfields) {
        char **p = fd_realloc(st->ptrs, st->nfields * sizeof *p);
        if (p == NULL) {
            st->stop = FD_ENOMEM;
            return;
        }
        st->ptrs = p;
        st->pcap = st->nfields;
    }
    for (size_t i = 0; i < st->nfields; i++)
        st->ptrs[i] = st->bytes + st->starts[i];
    st->row++;
    st->stop = st->fn(st->user, st->ptrs, st->nfields, st->row);
    st->nfields = 0;
    st->used = 0;
}

enum { CHUNK = 64 * 1024 }; /* bytes fed per csv_parse, to stop early */

/* Where the bytes come from: a buffer, or a file read chunk by chunk. */
typedef struct source {
    const char *buf;   /* the buffer, or NULL */
    FILE *f;           /* or the file */
    size_t left;       /* bytes still to hand out */
    char chunk[CHUNK]; /* the file's current chunk */
    int err;           /* errno of a failed read; -1: the file ended early */
} source;

/* The next up to CHUNK bytes in *at, their count (0: done or failed). */
static size_t next_chunk(source *src, const char **at)
{
    size_t n = src->left < CHUNK ? src->left : CHUNK;
    if (n == 0)
        return 0;
    if (src->buf) {
        *at = src->buf;
        src->buf += n;
    } else {
        size_t got = fread(src->chunk, 1, n, src->f);
        if (got < n) {
            src->err = ferror(src->f) ? (errno ? errno : EIO) : -1;
            if (got == 0)
                return 0;
            n = got;
        }
        *at = src->chunk;
    }
    src->left -= n;
    return n;
}

/* csvio_parse over a source. */
static int parse_source(source *src, const char *name, csvio_row_fn fn, void *user, diag *d)
{
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return diag_set(d, FD_ENOMEM, "out of memory reading %s", name);
    csv_set_realloc_func(&p, fd_realloc); /* libcsv's buffer through the hook too */
    csv_set_free_func(&p, free);
    parse_state st = {.fn = fn, .user = user};
    int rc = 0;
    const char *at;
    size_t n;
    bool first = true;
    while (st.stop == 0 && (n = next_chunk(src, &at)) > 0) {
        if (first && n >= 3 && !memcmp(at, "\xEF\xBB\xBF", 3)) { /* a UTF-8 BOM */
            at += 3;
            n -= 3;
        }
        first = false;
        if (csv_parse(&p, at, n, on_field, on_record, &st) != n)
            break;
    }
    if (src->err != 0) {
        csv_free(&p);
        free(st.bytes);
        free(st.starts);
        free(st.ptrs);
        return src->err > 0 ? diag_set(d, FD_EIO, "cannot read %s: %s", name, strerror(src->err))
                            : diag_set(d, FD_EIO, "%s is shorter than expected", name);
    }
    if (st.stop == 0 && csv_error(&p) == CSV_SUCCESS)
        csv_fini(&p, on_field, on_record, &st);

    if (st.stop == FD_ENOMEM)
        rc = diag_set(d, FD_ENOMEM, "out of memory reading %s", name);
    else if (st.stop != 0)
        rc = st.stop;
    else if (csv_error(&p) == CSV_ENOMEM || csv_error(&p) == CSV_ETOOBIG)
        rc = diag_set(d, FD_ENOMEM, "%s: record %zu: %s", name, st.row + 1,
                      csv_strerror(csv_error(&p)));
    else if (csv_error(&p) != CSV_SUCCESS)
        rc = diag_set(d, FD_EINVAL,
                      "%s: record %zu is not valid CSV (%s); quote a field "
                      "that holds a comma, quote or line break as \"...\", "
                      "double any quote inside it, and close every quote",
                      name, st.row + 1, csv_strerror(csv_error(&p)));
    csv_free(&p);
    free(st.bytes);
    free(st.starts);
    free(st.ptrs);
    return rc;
}

int csvio_parse(const char *buf, size_t len, const char *name,
                csvio_row_fn fn, void *user, diag *d)
{
    source src = { .buf = buf, .left = len };
    return parse_source(&src, name, fn, user, d);
}

int csvio_parse_file(const char *path, unsigned long long len, csvio_row_fn fn, void *user,
                     diag *d)
{
    source *src = fd_calloc(1, sizeof *src);
    if (src == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory reading %s", path);
    if ((src->f = fopen(path, "rb")) == NULL) {
        int rc = diag_set(d, FD_EIO, "cannot open %s: %s", path, strerror(errno));
        free(src);
        return rc;
    }
    src->left = (size_t)len;
    int rc = parse_source(src, path, fn, user, d);
    fclose(src->f);
    free(src);
    return rc;
}

int csvio_slurp(const char *path, size_t max_bytes, char **buf, size_t *len, diag *d)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return diag_set(d, FD_EIO, "cannot open %s: %s", path, strerror(errno));
    int rc = FD_OK;
    size_t cap = 4096, n = 0;
    char *b = fd_malloc(cap);
    if (b == NULL) {
        rc = diag_set(d, FD_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    for (;;) {
        if (cap - n < 2) {
            char *nb = fd_realloc(b, cap * 2);
            if (nb == NULL) {
                rc = diag_set(d, FD_ENOMEM, "out of memory reading %s", path);
                goto done;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (n > max_bytes) {
            rc = diag_set(d, FD_EINVAL, "%s is too large: more than %zu bytes",
                          path, max_bytes);
            goto done;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = diag_set(d, FD_EIO, "cannot read %s: %s", path, strerror(errno));
        goto done;
    }
    if (memchr(b, '\0', n) != NULL) {
        rc = diag_set(d, FD_EINVAL, "%s is not a text file (it holds NUL bytes)",
                      path);
        goto done;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    b = NULL;
done:
    free(b);
    fclose(f);
    return rc;
}

char *csvio_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = fd_malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}
