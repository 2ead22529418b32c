/*
 * Fuzz every CSV reader on its input bytes; the first byte picks it:
 *
 *  0  csvio_parse itself.  Oracle: what parses, written back through a
 *     csvio writer, parses to the same records, field for field.
 *  1  the empirical() reader (dist.c), on the bytes as a file, first
 *     column and column=hours / unit=m.  Oracle: what loads has samples,
 *     each finite and >= 0, and dist_format of it parses to the same
 *     samples.
 *  2  csvio_parse_file on a prefix of the file (the resume reader's
 *     chunked path): the same records as csvio_parse of the same bytes.
 */
#include "fuzz.h"

#include "csvio.h"
#include "dist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Records as one flat text: fields joined by \x1f, records ended by \x1e. */
typedef struct flat {
    char *text;
    size_t len, cap;
} flat;

static void put(flat *f, const char *s, size_t n)
{
    if (f->len + n + 1 > f->cap) {
        size_t cap = f->cap ? f->cap : 256;
        while (f->len + n + 1 > cap)
            cap *= 2;
        char *t = realloc(f->text, cap);
        if (t == NULL)
            fuzz_fail("out of memory", NULL);
        f->text = t;
        f->cap = cap;
    }
    memcpy(f->text + f->len, s, n);
    f->len += n;
    f->text[f->len] = '\0';
}

static int gather(void *user, char **fields, size_t n, size_t row)
{
    (void)row;
    flat *f = user;
    for (size_t i = 0; i < n; i++) {
        if (i)
            put(f, "\x1f", 1);
        put(f, fields[i], strlen(fields[i]));
    }
    put(f, "\x1e", 1);
    return 0;
}

/* Write the records of `f` back as CSV. */
static char *rewrite(const flat *f, size_t *len)
{
    char *out = NULL;
    FILE *m = open_memstream(&out, len);
    csvio_writer *w = m ? csvio_writer_stream(m) : NULL;
    if (w == NULL)
        fuzz_fail("cannot open a writer", NULL);
    const char *p = f->text ? f->text : "";
    while (*p) {
        size_t n = strcspn(p, "\x1f\x1e");
        char *cell = strndup(p, n);
        csvio_cell_digits(w, cell); /* quoted as needed, no formula guard */
        free(cell);
        p += n;
        if (*p == '\x1e')
            csvio_end_row(w);
        if (*p)
            p++;
    }
    if (csvio_writer_finish(w, NULL) != FD_OK)
        fuzz_fail("cannot write", NULL);
    csvio_writer_destroy(w);
    fclose(m);
    return out;
}

static void round_trip(const char *buf, size_t len)
{
    /* a field holding \x1f or \x1e would blur the flat text: not these */
    if (memchr(buf, 0x1e, len) || memchr(buf, 0x1f, len))
        return;
    flat a = { 0 }, b = { 0 };
    if (csvio_parse(buf, len, "fuzz", gather, &a, NULL) == 0) {
        size_t wl;
        char *w = rewrite(&a, &wl);
        if (csvio_parse(w, wl, "rewritten", gather, &b, NULL) != 0)
            fuzz_fail("what csvio writes does not parse", w);
        if (a.len != b.len || (a.len && memcmp(a.text, b.text, a.len) != 0))
            fuzz_fail("written and parsed again: the records differ", w);
        free(w);
    }
    free(a.text);
    free(b.text);
}

/* The input as a file, for the readers that open one. */
static const char *as_file(const char *buf, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/fdsim-fuzz-%ld.csv", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        fuzz_fail("cannot write the input file", path);
    return path;
}

static void empirical(const char *buf, size_t len)
{
    const char *path = as_file(buf, len);
    const char *forms[] = { "empirical(%s)", "empirical(%s, column=hours, unit=m)" };
    for (size_t i = 0; i < 2; i++) {
        char text[256], why[512], again_text[1200];
        snprintf(text, sizeof text, forms[i], path);
        dist d, e;
        if (dist_parse(text, NULL, &d, why, sizeof why) != 0)
            continue;
        if (d.kind != DIST_EMPIRICAL || d.n == 0)
            fuzz_fail("an empirical distribution without samples", text);
        for (size_t k = 0; k < d.n; k++)
            if (!isfinite(d.samples[k]) || d.samples[k] < 0)
                fuzz_fail("a sample that is not a duration", text);
        dist_format(&d, again_text, sizeof again_text);
        if (dist_parse(again_text, NULL, &e, why, sizeof why) != 0)
            fuzz_fail("dist_format's text does not parse", why);
        if (e.n != d.n || memcmp(e.samples, d.samples, d.n * sizeof *d.samples) != 0)
            fuzz_fail("formatted and parsed again: the samples differ", again_text);
        dist_fini(&d);
        dist_fini(&e);
    }
    unlink(path);
}

static void chunked(const char *buf, size_t len)
{
    const char *path = as_file(buf, len);
    flat a = { 0 }, b = { 0 };
    size_t keep = len ? (len * 7) / 8 : 0;
    int ra = csvio_parse(buf, keep, "fuzz", gather, &a, NULL);
    int rb = csvio_parse_file(path, keep, gather, &b, NULL);
    if (ra != rb || a.len != b.len || (a.len && memcmp(a.text, b.text, a.len) != 0))
        fuzz_fail("a file's prefix parses unlike the same bytes in memory", NULL);
    free(a.text);
    free(b.text);
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    switch (data[0] % 3) {
    case 0: round_trip(buf, len); break;
    case 1: empirical(buf, len); break;
    default: chunked(buf, len); break;
    }
    return 0;
}
