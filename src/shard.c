/*
 * shard: job-array shards and their set (see shard.h).
 *
 * Invariant of a writer, between blocks: replicas.csv's temporary file
 * holds the rows of replicas first..done-1, records.bin their records, and
 * `sums` the nodes of their blocks (every block whole but the run's last).
 */
#include "shard.h"

#include "alloc.h"
#include "cmdline.h"
#include "csvio.h"
#include "inputs.h"
#include "record.h"
#include "report.h"
#include "stage.h"
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SHARD_FORMAT 1

struct shard_writer {
    scenario *s;              /* the run's scenario (borrowed) */
    size_t baseline;          /* for the merge's paired differences */
    char *cmdline;            /* recorded (owned), or NULL */
    unsigned index, count;    /* shard index of count */
    stage *st;                /* the stage (owned) */
    char *sdir;               /* STAGE/shard (owned) */
    csvio_writer *rows;       /* replicas.csv (owned) */
    FILE *months;             /* STAGE/shard/records.bin (owned) */
    unsigned long long mbytes;/* bytes written to it */
    record_layout rec;        /* what a replica's record holds (record.h) */
    blocksum *sums;           /* the nodes of the blocks done (owned) */
    batch_start start;        /* the batch's start: first, end, sums */
    uint64_t done;            /* the next replica expected */
    uint64_t events;          /* events of the replicas done */
};

/* A decimal number from 1 to SHARD_MAX at *p, moving *p past it; 0 if none. */
static unsigned long shard_number(const char **p)
{
    unsigned long v = 0;
    const char *c = *p;
    while (*c >= '0' && *c <= '9' && v <= SHARD_MAX)
        v = v * 10 + (unsigned long)(*c++ - '0');
    if (c == *p || v > SHARD_MAX || (*c >= '0' && *c <= '9'))
        return 0;
    *p = c;
    return v;
}

int shard_parse(const char *text, unsigned *i, unsigned *k)
{
    const char *p = text;
    unsigned long a = shard_number(&p);
    if (a == 0 || *p++ != '/')
        return -1;
    unsigned long b = shard_number(&p);
    if (b == 0 || *p != '\0' || a > b)
        return -1;
    *i = (unsigned)a;
    *k = (unsigned)b;
    return 0;
}

int shard_range(uint64_t replicas, unsigned i, unsigned k, uint64_t *first, uint64_t *end,
                diag *d)
{
    uint64_t nb = (replicas + BATCH_BLOCK - 1) / BATCH_BLOCK;
    if (k < 1 || i < 1 || i > k)
        return diag_set(d, FD_EINVAL, "--shard %u/%u: expected I/K with 1 <= I <= K", i, k);
    if (k > nb)
        return diag_set(d, FD_EINVAL, "--shard %u/%u: the run's %llu replicas make %llu "
                        "blocks of %d, fewer than %u shards; use at most %llu shards",
                        i, k, (unsigned long long)replicas, (unsigned long long)nb,
                        BATCH_BLOCK, k, (unsigned long long)nb);
    uint64_t b0 = nb * (i - 1) / k, b1 = nb * i / k;
    *first = b0 * BATCH_BLOCK;
    *end = b1 * BATCH_BLOCK < replicas ? b1 * BATCH_BLOCK : replicas;
    return FD_OK;
}

/* ------------------------------------------------------------ writer -- */

void shard_writer_destroy(shard_writer *w)
{
    if (w == NULL)
        return;
    if (w->months)
        fclose(w->months);
    csvio_writer_destroy(w->rows);
    stage_destroy(w->st); /* uncommitted: removed with all it holds */
    blocksum_destroy(w->sums);
    free(w->sdir);
    free(w->cmdline);
    free(w);
}

/* Write `s` to PATH as the shard's scenario.ini.  FD_OK, FD_EIO or FD_ENOMEM. */
static int write_scenario(const scenario *s, const char *dir, diag *d)
{
    char *path = csvio_path_join(dir, "scenario.ini");
    FILE *f = path ? fopen(path, "w") : NULL;
    int rc = FD_OK;
    if (f == NULL) {
        rc = path ? diag_set(d, FD_EIO, "cannot create %s: %s", path, strerror(errno))
                  : diag_set(d, FD_ENOMEM, "out of memory");
        free(path);
        return rc;
    }
    fprintf(f, "; fdsim %s: the scenario of a sharded run, as it was started\n", FDSIM_VERSION);
    if (scenario_write(s, f) < 0 || fflush(f) != 0)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    if (fclose(f) != 0 && rc == FD_OK)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    free(path);
    return rc;
}

int shard_writer_create(shard_writer **out, scenario *s, size_t baseline, const char *dir,
                        unsigned i, unsigned k, uint64_t first, uint64_t end,
                        const char *cmdline, bool force, diag *d)
{
    *out = NULL;
    shard_writer *w = fd_calloc(1, sizeof *w);
    if (w == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    w->s = s;
    w->baseline = baseline;
    w->index = i;
    w->count = k;
    w->rec = record_layout_of(s);
    w->done = first;
    size_t cells = 0;
    for (size_t g = 0; g < s->ngroups; g++)
        cells += (size_t)s->groups[g].count + 1;
    int rc = FD_OK;
    char *rpath = NULL, *mpath = NULL;
    if ((cmdline && !(w->cmdline = fd_strdup(cmdline))) ||
        blocksum_create(&w->sums, cells, first / BATCH_BLOCK) != FD_OK) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        goto fail;
    }
    w->start = (batch_start){ .first = first, .end = end, .sums = w->sums };
    if ((rc = stage_create(&w->st, dir, NULL, force, d)) != FD_OK)
        goto fail;
    const char *sd = stage_dir(w->st);
    if ((rc = inputs_copy(s, sd, d)) != FD_OK)
        goto fail;
    if (!(w->sdir = csvio_path_join(sd, "shard")) || !(rpath = csvio_path_join(sd, "replicas.csv"))
        || !(mpath = csvio_path_join(w->sdir, "records.bin"))) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        goto fail;
    }
    if (mkdir(w->sdir, 0777) != 0 || (w->months = fopen(mpath, "wb")) == NULL) {
        rc = diag_set(d, FD_EIO, "cannot create %s: %s", mpath, strerror(errno));
        goto fail;
    }
    if ((rc = write_scenario(s, w->sdir, d)) != FD_OK)
        goto fail;
    if ((rc = csvio_writer_create(&w->rows, rpath, d)) != FD_OK)
        goto fail;
    report_write_replicas_header(s, w->rows);
    free(rpath);
    free(mpath);
    *out = w;
    return FD_OK;
fail:
    free(rpath);
    free(mpath);
    shard_writer_destroy(w);
    return rc;
}

const batch_start *shard_writer_start(const shard_writer *w)
{
    return &w->start;
}

int shard_writer_consume(void *p, const batch_block *blk, diag *d)
{
    shard_writer *w = p;
    if (blk->first != w->done) /* batch hands the blocks in order: ours is a bug */
        return diag_set(d, FD_EINVAL, "shard: block at replica %llu, expected %llu",
                        (unsigned long long)blk->first, (unsigned long long)w->done);
    report_write_replica_rows(w->s, blk, w->rows);
    for (size_t i = 0; i < blk->n; i++) { /* as rundir's records.bin */
        if (record_write(w->months, &w->rec, blk, i) != 0)
            return diag_set(d, FD_EIO, "cannot write %s/records.bin: %s", w->sdir,
                            strerror(errno));
        w->mbytes += record_bytes(&w->rec);
    }
    w->done = blk->first + blk->n;
    w->events += blk->events;
    /* a short block is the run's last (else the shard was stopped: not committed) */
    int rc = blocksum_push(w->sums, blk->first / BATCH_BLOCK, 0, blk->downcount_sum);
    return rc == FD_OK      ? FD_OK
           : rc == FD_ENOMEM ? diag_set(d, FD_ENOMEM, "out of memory")
                             : diag_set(d, rc, "shard: block %llu out of order",
                                        (unsigned long long)(blk->first / BATCH_BLOCK));
}

/* Write `text` with newlines turned to blanks (one INI line). */
static void put_line(FILE *f, const char *key, const char *text)
{
    fprintf(f, "%s = ", key);
    for (const char *c = text; *c; c++)
        fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
    fputc('\n', f);
}

int shard_writer_commit(shard_writer *w, uint64_t replicas, diag *d)
{
    if (replicas != w->start.end || w->done != w->start.end)
        return diag_set(d, FD_EINTR, "interrupted: shard %u/%u not complete; nothing written "
                        "(run it again)", w->index, w->count);
    int rc = csvio_writer_finish(w->rows, d);
    if (rc == FD_OK)
        rc = csvio_writer_commit(w->rows, d);
    if (rc != FD_OK)
        return rc;
    if (fclose(w->months) != 0) {
        w->months = NULL;
        return diag_set(d, FD_EIO, "cannot write %s/records.bin: %s", w->sdir, strerror(errno));
    }
    w->months = NULL;
    struct stat sb;
    const char *rfile = csvio_writer_file(w->rows);
    if (stat(rfile, &sb) != 0)
        return diag_set(d, FD_EIO, "cannot read %s: %s", rfile, strerror(errno));
    char *path = csvio_path_join(w->sdir, "shard.ini");
    FILE *f = path ? fopen(path, "w") : NULL;
    if (f == NULL) {
        rc = path ? diag_set(d, FD_EIO, "cannot create %s: %s", path, strerror(errno))
                  : diag_set(d, FD_ENOMEM, "out of memory");
        free(path);
        return rc;
    }
    fprintf(f, "; fdsim shard: fdsim merge DIR_1 ... DIR_K -o DIR puts the shards together\n");
    fprintf(f, "format = %d\n", SHARD_FORMAT);
    fprintf(f, "version = %s\n", FDSIM_VERSION);
    fprintf(f, "shard = %u/%u\n", w->index, w->count);
    fprintf(f, "seed = %llu\n", (unsigned long long)w->s->seed);
    fprintf(f, "replicas = %llu\n", (unsigned long long)w->s->replicas);
    fprintf(f, "first = %llu\n", (unsigned long long)w->start.first);
    fprintf(f, "end = %llu\n", (unsigned long long)w->start.end);
    fprintf(f, "events = %llu\n", (unsigned long long)w->events);
    fprintf(f, "baseline = %zu\n", w->baseline);
    fprintf(f, "cells = %zu\n", blocksum_cells(w->sums));
    fprintf(f, "replicas_bytes = %llu\n", (unsigned long long)sb.st_size);
    fprintf(f, "records_bytes = %llu\n", w->mbytes);
    put_line(f, "source", w->s->source);
    if (w->cmdline)
        put_line(f, "command", w->cmdline);
    for (size_t n = 0; n < blocksum_nodes(w->sums); n++) {
        uint64_t b;
        unsigned l;
        const double *v = blocksum_node(w->sums, n, &b, &l);
        fprintf(f, "node %llu %u =", (unsigned long long)b, l);
        for (size_t c = 0; c < blocksum_cells(w->sums); c++)
            fprintf(f, " %a", v[c]);
        fputc('\n', f);
    }
    if (ferror(f) | (fflush(f) != 0))
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    if (fclose(f) != 0 && rc == FD_OK)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    free(path);
    return rc == FD_OK ? stage_commit(w->st, d) : rc;
}

/* -------------------------------------------------------------- set -- */

static void info_fini(shard_info *x)
{
    free(x->dir);
    free(x->version);
    free(x->command);
    free(x->source);
    free(x->scenario);
    blocksum_destroy(x->sums);
    memset(x, 0, sizeof *x);
}

void shard_set_fini(shard_set *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->n; i++)
        info_fini(&set->v[i]);
    free(set->v);
    set->v = NULL;
    set->n = 0;
}

static int get_u64(const char *text, unsigned long long *v)
{
    char *end;
    errno = 0;
    if (*text < '0' || *text > '9')
        return -1;
    *v = strtoull(text, &end, 10);
    return errno == 0 && *end == '\0' ? 0 : -1;
}

/* A "node B L = SUMS" line into x->sums.  0 or -1 (FD_ENOMEM in *nomem). */
static int get_node(shard_info *x, const char *key, const char *val, bool *nomem)
{
    unsigned long long block;
    unsigned level;
    int used = 0;
    if (x->cells == 0 || sscanf(key, "node %llu %u%n", &block, &level, &used) != 2 ||
        key[used] != '\0' || level >= 63)
        return -1;
    double *v = fd_malloc(x->cells * sizeof *v);
    if (v == NULL || (!x->sums && blocksum_create(&x->sums, x->cells, block) != FD_OK)) {
        free(v);
        *nomem = true;
        return -1;
    }
    char *end;
    const char *p = val;
    int rc = 0;
    for (size_t c = 0; c < x->cells && rc == 0; c++) {
        v[c] = strtod(p, &end);
        if (end == p || !isfinite(v[c]))
            rc = -1;
        p = end;
    }
    while (rc == 0 && *p == ' ')
        p++;
    if (rc == 0 && (*p != '\0' || blocksum_push(x->sums, block, level, v) != FD_OK))
        rc = -1;
    free(v);
    return rc;
}

/* Read DIR/shard/shard.ini and scenario.ini into *x.  FD_OK, or FD_EINVAL /
 * FD_EIO / FD_ENOMEM with "shard DIR: ..." in `d`. */
static int info_read(const char *dir, shard_info *x, diag *d)
{
    memset(x, 0, sizeof *x);
    if ((x->dir = fd_strdup(dir)) == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    char *path = csvio_path_join(dir, "shard/shard.ini");
    char *spath = csvio_path_join(dir, "shard/scenario.ini");
    char *text = NULL;
    size_t len = 0, slen = 0;
    diag local;
    diag_clear(&local);
    if (!path || !spath) {
        free(path);
        free(spath);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    int rc = csvio_slurp(path, (size_t)1 << 30, &text, &len, &local);
    if (rc != FD_OK) {
        rc = diag_set(d, rc == FD_ENOMEM ? FD_ENOMEM : FD_EINVAL, "shard %s: not a shard "
                      "fdsim run --shard wrote (%s)", dir, local.msg);
        goto done;
    }
    if ((rc = csvio_slurp(spath, 64u << 20, &x->scenario, &slen, &local)) != FD_OK) {
        rc = diag_set(d, rc == FD_ENOMEM ? FD_ENOMEM : FD_EINVAL, "shard %s: corrupt: %s",
                      dir, local.msg);
        goto done;
    }
    unsigned long long v, format = 0;
    unsigned have = 0;
    int lineno = 0;
    bool nomem = false, bad = false;
    for (char *line = text, *next; !bad && line && *line; line = next) {
        lineno++;
        if ((next = strchr(line, '\n')) != NULL)
            *next++ = '\0';
        if (line[0] == ';' || line[0] == '\0')
            continue;
        char *eq = strstr(line, " = ");
        if (eq == NULL) {
            bad = true;
            break;
        }
        *eq = '\0';
        const char *key = line, *val = eq + 3;
        char **keep = !strcmp(key, "version") ? &x->version : !strcmp(key, "command")
                    ? &x->command : !strcmp(key, "source") ? &x->source : NULL;
        if (keep) {
            free(*keep);
            if ((*keep = fd_strdup(val)) == NULL)
                nomem = bad = true;
            continue;
        }
        if (!strncmp(key, "node ", 5)) {
            bad = get_node(x, key, val, &nomem) < 0;
            continue;
        }
        if (!strcmp(key, "shard")) {
            bad = shard_parse(val, &x->index, &x->count) < 0;
            have |= 1u << 10;
            continue;
        }
        static const char *const nums[] = { "format", "seed", "replicas", "first", "end",
                                            "events", "baseline", "cells", "replicas_bytes",
                                            "records_bytes" };
        size_t k = 0;
        while (k < sizeof nums / sizeof *nums && strcmp(key, nums[k]) != 0)
            k++;
        if (k == sizeof nums / sizeof *nums || get_u64(val, &v) < 0) {
            bad = true;
            break;
        }
        have |= 1u << k;
        switch (k) {
        case 0: format = v; break;
        case 1: x->seed = v; break;
        case 2: x->replicas = v; break;
        case 3: x->first = v; break;
        case 4: x->end = v; break;
        case 5: x->events = v; break;
        case 6: x->baseline = (size_t)v; break;
        case 7: x->cells = (size_t)v; bad = x->cells == 0 || x->cells > ((size_t)1 << 30); break;
        case 8: x->rbytes = v; break;
        default: x->mbytes = v; break;
        }
    }
    if (nomem) {
        rc = diag_set(d, FD_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    if (bad || have != 0x7ffu || format != SHARD_FORMAT || !x->version || !x->source) {
        rc = diag_set(d, FD_EINVAL, "shard %s: corrupt: %s is not a shard state fdsim %s "
                      "wrote (line %d)", dir, path, FDSIM_VERSION, lineno);
        goto done;
    }
    if (!x->sums && blocksum_create(&x->sums, x->cells, x->first / BATCH_BLOCK) != FD_OK) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        goto done;
    }
    if (x->first % BATCH_BLOCK != 0 || x->end <= x->first || x->end > x->replicas ||
        (x->end % BATCH_BLOCK != 0 && x->end != x->replicas) ||
        blocksum_nodes(x->sums) == 0 || blocksum_cells(x->sums) != x->cells) {
        rc = diag_set(d, FD_EINVAL, "shard %s: corrupt: its replica range %llu..%llu does not "
                      "hold together", dir, (unsigned long long)x->first,
                      (unsigned long long)x->end);
        goto done;
    }
    uint64_t b0;
    unsigned lv;
    blocksum_node(x->sums, 0, &b0, &lv);
    if (b0 != x->first / BATCH_BLOCK ||
        blocksum_end(x->sums) != (x->end + BATCH_BLOCK - 1) / BATCH_BLOCK) {
        rc = diag_set(d, FD_EINVAL, "shard %s: corrupt: its down-count sums do not cover its "
                      "replicas %llu..%llu", dir, (unsigned long long)x->first,
                      (unsigned long long)x->end - 1);
        goto done;
    }
    rc = FD_OK;
done:
    free(text);
    free(path);
    free(spath);
    return rc;
}

/* Whether two scenario.ini texts are one scenario: the same lines but
 * simulation.threads (how many threads a shard ran on never matters). */
static bool same_scenario(const char *a, const char *b)
{
    for (;;) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        bool ta = !strncmp(a, "threads = ", 10), tb = !strncmp(b, "threads = ", 10);
        if (!(ta && tb) && (la != lb || memcmp(a, b, la) != 0))
            return false;
        if (!ea || !eb)
            return !ea && !eb;
        a = ea + 1;
        b = eb + 1;
    }
}

static int by_first(const void *pa, const void *pb)
{
    const shard_info *a = pa, *b = pb;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* The file DIR/NAME holds exactly `bytes`: FD_OK, or FD_EINVAL with the
 * message. */
static int size_is(const char *dir, const char *name, unsigned long long bytes, diag *d)
{
    char *path = csvio_path_join(dir, name);
    struct stat sb;
    if (path == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    int rc = FD_OK;
    if (stat(path, &sb) != 0)
        rc = diag_set(d, FD_EINVAL, "shard %s: corrupt: cannot read %s: %s", dir, path,
                      strerror(errno));
    else if ((unsigned long long)sb.st_size != bytes)
        rc = diag_set(d, FD_EINVAL, "shard %s: corrupt: %s has %llu bytes, its shard.ini "
                      "says %llu", dir, path, (unsigned long long)sb.st_size, bytes);
    free(path);
    return rc;
}

int shard_set_load(char *const *dirs, size_t n, shard_set *set, diag *d)
{
    *set = (shard_set){ 0 };
    if (n == 0)
        return diag_set(d, FD_EINVAL, "no shard directories given");
    if ((set->v = fd_calloc(n, sizeof *set->v)) == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    int rc = FD_OK;
    for (size_t i = 0; i < n && rc == FD_OK; i++, set->n++) {
        rc = info_read(dirs[i], &set->v[i], d);
        if (rc == FD_OK)
            rc = size_is(dirs[i], "replicas.csv", set->v[i].rbytes, d);
        if (rc == FD_OK)
            rc = size_is(dirs[i], "shard/records.bin", set->v[i].mbytes, d);
    }
    const shard_info *one = &set->v[0];
    for (size_t i = 0; i < n && rc == FD_OK; i++)
        if (strcmp(set->v[i].version, FDSIM_VERSION) != 0)
            rc = diag_set(d, FD_EINVAL, "shard %s: foreign: fdsim %s wrote it, this is fdsim "
                          "%s; merge it with the fdsim that ran it", dirs[i],
                          set->v[i].version, FDSIM_VERSION);
    for (size_t i = 1; i < n && rc == FD_OK; i++) {
        const shard_info *x = &set->v[i];
        const char *what = strcmp(x->version, one->version) ? "fdsim version"
                         : x->seed != one->seed ? "seed"
                         : x->count != one->count ? "number of shards (K of --shard I/K)"
                         : x->replicas != one->replicas ||
                           x->cells != one->cells || x->baseline != one->baseline ||
                           !same_scenario(x->scenario, one->scenario) ? "scenario" : NULL;
        if (what)
            rc = diag_set(d, FD_EINVAL, "shard %s: foreign: its %s is not that of %s (shard "
                          "%u/%u); the shards of one run share scenario, seed and version",
                          x->dir, what, one->dir, one->index, one->count);
    }
    if (rc == FD_OK)
        qsort(set->v, set->n, sizeof *set->v, by_first);
    uint64_t at = 0;
    for (size_t i = 0; i < n && rc == FD_OK; i++) {
        const shard_info *x = &set->v[i];
        if (x->first < at) {
            const shard_info *prev = &set->v[i - 1];
            rc = diag_set(d, FD_EINVAL, "shard %s: duplicated: its replicas %llu..%llu "
                          "(shard %u/%u) are also in %s (shard %u/%u)", x->dir,
                          (unsigned long long)x->first, (unsigned long long)x->end - 1,
                          x->index, x->count, prev->dir, prev->index, prev->count);
        } else if (x->first > at) {
            rc = diag_set(d, FD_EINVAL, "missing shard: replicas %llu..%llu of %llu are in "
                          "none of the shards given (%s holds %llu..%llu); give every shard of "
                          "the %u", (unsigned long long)at, (unsigned long long)x->first - 1,
                          (unsigned long long)x->replicas, x->dir,
                          (unsigned long long)x->first, (unsigned long long)x->end - 1,
                          x->count);
        }
        at = x->end;
    }
    if (rc == FD_OK && at != one->replicas)
        rc = diag_set(d, FD_EINVAL, "missing shard: replicas %llu..%llu of %llu are in none of "
                      "the shards given (the last, %s, ends at %llu); give every shard of the "
                      "%u", (unsigned long long)at, (unsigned long long)one->replicas - 1,
                      (unsigned long long)one->replicas, set->v[set->n - 1].dir,
                      (unsigned long long)at - 1, set->v[0].count);
    if (rc != FD_OK)
        shard_set_fini(set);
    return rc;
}

int shard_set_scenario(const shard_set *set, scenario **s, FILE *errs, diag *d)
{
    const shard_info *x = &set->v[0];
    char *path = csvio_path_join(x->dir, "shard/scenario.ini");
    if (path == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    int rc = scenario_load_text(s, x->scenario, strlen(x->scenario), path, x->dir, NULL, 0,
                                errs, d);
    free(path);
    if (rc == FD_OK && x->baseline >= (*s)->ngroups) {
        size_t ng = (*s)->ngroups;
        scenario_destroy(*s);
        *s = NULL;
        return diag_set(d, FD_EINVAL, "shard %s: corrupt: baseline %zu of %zu groups", x->dir,
                        x->baseline, ng);
    }
    if (rc == FD_OK) /* the name the run was loaded under, for run.ini */
        snprintf((*s)->source, sizeof (*s)->source, "%s", x->source);
    return rc;
}

char *shard_set_command(const shard_set *set, const char *dir, bool *nomem)
{
    *nomem = false;
    const char *cmd = set->v[0].command;
    if (cmd == NULL)
        return NULL;
    char *const argv[1] = { (char *)dir };
    char *q = cmdline_quote("", 1, argv); /* " DIR", quoted */
    const char *at = strstr(cmd, SHARD_DIR_MARK);
    size_t len = strlen(cmd) + (q ? strlen(q) : 0) + 1;
    char *out = q ? fd_malloc(len) : NULL;
    if (out == NULL) {
        free(q);
        *nomem = true;
        return NULL;
    }
    if (at)
        snprintf(out, len, "%.*s%s%s", (int)(at - cmd), cmd, q + 1,
                 at + strlen(SHARD_DIR_MARK));
    else
        snprintf(out, len, "%s", cmd);
    free(q);
    return out;
}
