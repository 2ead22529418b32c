/*
 * rundir: a run's results directory, checkpointed and resumable (see
 * rundir.h).
 *
 * Invariant, between blocks: the sink has seen replicas 0..done-1 in
 * order, records.bin holds exactly their records (month downtimes, and
 * the rare-event accounts of a restart run), `total` holds the down-count
 * sums of the whole blocks among them (pushed into a blocksum in block
 * order, as batch does) and, when done is not at a block boundary,
 * partial[] the running sum of done's block.  A checkpoint writes exactly
 * that (the blocksum's held nodes).
 */
#include "rundir.h"

#include "alloc.h"
#include "csvio.h"
#include "fault.h"
#include "inputs.h"
#include "record.h"
#include "stage.h"
#include "stats.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STATE_FORMAT 3
#define REPLICA_FIELDS 14 /* replicas.csv's columns (report_write_replicas_header) */
#define RARE_FIELDS 5     /* and a restart run's columns after them */

struct rundir {
    scenario *s;              /* the run's scenario (borrowed) */
    size_t baseline;          /* group the differences are taken against */
    char *cmdline;            /* for run.ini and the state (owned), or NULL */
    stage *st;                /* the stage (owned) */
    report_sink *sink;        /* the report sink, writing into the stage (owned) */
    char *resume_dir;         /* STAGE/resume (owned) */
    FILE *records;            /* STAGE/resume/records.bin, appended (owned) */
    unsigned long long records_bytes; /* bytes written to it */
    size_t ng;                /* groups */
    int nm;                   /* months per replica */
    record_layout rec;        /* what a replica's record holds (record.h) */
    precision *prec;          /* a resumed run's stopping rule, fed the replayed
                                 replicas (owned), or NULL */
    size_t cells;             /* down-count cells: sum of counts + 1 */
    blocksum *total;          /* the sums of the whole blocks done (owned) */
    double *partial;          /* [cells]: running sum of done's block (owned) */
    bool has_partial;         /* done is inside a block: partial holds its sum */
    uint64_t done;            /* replicas consumed */
    uint64_t events;          /* events they ran */
    double every;             /* seconds between checkpoints */
    double last;              /* monotonic time of the last checkpoint */
    bool sink_committed;      /* report_sink_commit succeeded: replicas.csv is final */
    batch_start start;        /* a resumed run's start */
    bool resumed;             /* start is set */
    char *leftover;           /* the resumed state when it was a killed run's stage,
                                 removed once this one is committed (owned), or NULL */
};

/* A state.ini, read back. */
typedef struct state {
    uint64_t done;            /* replicas done */
    uint64_t events;          /* their events */
    unsigned long long rbytes;/* bytes of the replicas file that hold them */
    unsigned long long mbytes;/* bytes of records.bin that hold them */
    char *rfile;              /* the replicas file, relative to the state's directory */
    size_t baseline;
    size_t cells;
    char *command;            /* the first command line, or NULL */
    char *source;             /* the scenario's source as first loaded, or NULL */
    blocksum *total;          /* the held nodes of the whole blocks done */
    double *partial;          /* [cells] or NULL */
} state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void state_fini(state *st)
{
    free(st->rfile);
    free(st->command);
    free(st->source);
    blocksum_destroy(st->total);
    free(st->partial);
    memset(st, 0, sizeof *st);
}

/* fsync the file at `path`.  0 or an errno. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int err = fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    close(fd);
    return err;
}

/* Write `n` doubles as hex floats (exact) after "key =". */
static void put_sums(FILE *f, const char *key, const double *v, size_t n)
{
    fprintf(f, "%s =", key);
    for (size_t i = 0; i < n; i++)
        fprintf(f, " %a", v[i]);
    fputc('\n', f);
}

/* Take a checkpoint: the data files flushed and synced, then state.ini
 * replaced.  FD_OK or FD_EIO / FD_ENOMEM with the message. */
static int checkpoint(rundir *rd, diag *d)
{
    csvio_writer *w = report_sink_replicas(rd->sink);
    const char *rfile = csvio_writer_file(w);
    unsigned long long rbytes = 0;
    int rc = FD_OK, err;
    struct stat sb;
    if (rd->sink_committed) {
        if (stat(rfile, &sb) != 0)
            return diag_set(d, FD_EIO, "cannot read %s: %s", rfile, strerror(errno));
        rbytes = (unsigned long long)sb.st_size;
    } else if ((rc = csvio_writer_flush(w, &rbytes, d)) != FD_OK) {
        return rc;
    }
    if (fflush(rd->records) != 0 || fsync(fileno(rd->records)) != 0)
        return diag_set(d, FD_EIO, "cannot write %s/records.bin: %s", rd->resume_dir,
                        strerror(errno));
    if ((err = sync_file(rfile)) != 0)
        return diag_set(d, FD_EIO, "cannot sync %s: %s", rfile, strerror(err));
    char *path = csvio_path_join(rd->resume_dir, "state.ini");
    char *tmp = path ? csvio_temp_path(path) : NULL;
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    if (f == NULL) {
        rc = tmp ? diag_set(d, FD_EIO, "cannot create %s: %s", tmp, strerror(errno))
                 : diag_set(d, FD_ENOMEM, "out of memory");
        free(path);
        free(tmp);
        return rc;
    }
    const char *base = strrchr(rfile, '/');
    fprintf(f, "; fdsim resume state: fdsim run --resume DIR continues this run\n");
    fprintf(f, "format = %d\n", STATE_FORMAT);
    fprintf(f, "replicas_done = %llu\n", (unsigned long long)rd->done);
    fprintf(f, "replicas_file = %s\n", base ? base + 1 : rfile);
    fprintf(f, "replicas_bytes = %llu\n", rbytes);
    fprintf(f, "records_bytes = %llu\n", rd->records_bytes);
    fprintf(f, "events = %llu\n", (unsigned long long)rd->events);
    fprintf(f, "baseline = %zu\n", rd->baseline);
    fprintf(f, "cells = %zu\n", rd->cells);
    if (rd->cmdline) {
        fputs("command = ", f);
        for (const char *c = rd->cmdline; *c; c++)
            fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
        fputc('\n', f);
    }
    fputs("source = ", f); /* for run.ini's "from ..." line */
    for (const char *c = rd->s->source; *c; c++)
        fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
    fputc('\n', f);
    for (size_t i = 0; i < blocksum_nodes(rd->total); i++) {
        uint64_t b;
        unsigned l;
        const double *v = blocksum_node(rd->total, i, &b, &l);
        char key[64];
        snprintf(key, sizeof key, "node %llu %u", (unsigned long long)b, l);
        put_sums(f, key, v, rd->cells);
    }
    if (rd->has_partial)
        put_sums(f, "partial", rd->partial, rd->cells);
    if (ferror(f) | (fflush(f) != 0) || fsync(fileno(f)) != 0)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", tmp, strerror(errno));
    if (fclose(f) != 0 && rc == FD_OK)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", tmp, strerror(errno));
    if (rc == FD_OK && (err = fault_point("checkpoint")) != 0)
        rc = diag_set(d, FD_EIO, "cannot rename %s: %s", tmp, strerror(err));
    if (rc == FD_OK && rename(tmp, path) != 0)
        rc = diag_set(d, FD_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (rc != FD_OK)
        unlink(tmp);
    free(path);
    free(tmp);
    rd->last = now_s();
    return rc;
}

/* The block to the sink and records.bin (no sums: a replayed block). */
static int feed(rundir *rd, const batch_block *blk, diag *d)
{
    int rc = report_sink_consume(rd->sink, blk, d);
    if (rc != FD_OK)
        return rc;
    assert(!rd->rec.rare || blk->rare);
    for (size_t i = 0; i < blk->n; i++)
        if (record_write(rd->records, &rd->rec, blk, i) != 0)
            return diag_set(d, FD_EIO, "cannot write %s/records.bin: %s", rd->resume_dir,
                            strerror(errno));
    rd->records_bytes += blk->n * record_bytes(&rd->rec);
    rd->done = blk->first + blk->n;
    return FD_OK;
}

int rundir_consume(void *p, const batch_block *blk, diag *d)
{
    rundir *rd = p;
    int rc = feed(rd, blk, d);
    if (rc != FD_OK)
        return rc;
    uint64_t end = blk->first + blk->n;
    if (end % BATCH_BLOCK == 0 || end == (uint64_t)rd->s->replicas) {
        /* as batch adds it: block order */
        if (blocksum_push(rd->total, blk->first / BATCH_BLOCK, 0, blk->downcount_sum) != FD_OK)
            return diag_set(d, FD_ENOMEM, "out of memory");
        rd->has_partial = false;
    } else { /* the last block of a stopped run */
        memcpy(rd->partial, blk->downcount_sum, rd->cells * sizeof *rd->partial);
        rd->has_partial = true;
    }
    rd->events += blk->events;
    if (now_s() - rd->last >= rd->every)
        return checkpoint(rd, d);
    return FD_OK;
}

const batch_start *rundir_start(const rundir *rd)
{
    return rd->resumed ? &rd->start : NULL;
}

precision *rundir_precision(rundir *rd)
{
    return rd->resumed ? rd->prec : NULL;
}

const digest *rundir_digest(rundir *rd)
{
    return report_sink_digest(rd->sink);
}

/* ------------------------------------------------------- state files -- */

/* Parse `n` hex or decimal doubles from `text`.  0 or -1. */
static int get_sums(const char *text, double *v, size_t n)
{
    char *end;
    for (size_t i = 0; i < n; i++) {
        errno = 0;
        v[i] = strtod(text, &end);
        if (end == text || errno == ERANGE || !isfinite(v[i]))
            return -1;
        text = end;
    }
    while (*text == ' ')
        text++;
    return *text == '\0' ? 0 : -1;
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

/* A "node BLOCK LEVEL = SUMS" line of a state or shard file (`key` is
 * "node BLOCK LEVEL"), pushed into *b (made at the first node's block when
 * NULL).  FD_OK, FD_EINVAL (not a node that follows) or FD_ENOMEM. */
static int get_node(blocksum **b, size_t cells, const char *key, const char *val)
{
    unsigned long long block;
    unsigned level;
    int used = 0;
    if (cells == 0 || sscanf(key, "node %llu %u%n", &block, &level, &used) != 2 ||
        key[used] != '\0' || level >= 63)
        return FD_EINVAL;
    double *v = fd_malloc(cells * sizeof *v);
    if (v == NULL || (*b == NULL && blocksum_create(b, cells, block) != FD_OK)) {
        free(v);
        return FD_ENOMEM;
    }
    int rc = get_sums(val, v, cells) < 0 ? FD_EINVAL : blocksum_push(*b, block, level, v);
    free(v);
    return rc;
}

/* Read SRC/resume/state.ini into `st`.  FD_OK, or FD_EINVAL / FD_EIO /
 * FD_ENOMEM with "cannot resume from SRC: ..." in `d`. */
static int state_read(const char *src, state *st, diag *d)
{
    memset(st, 0, sizeof *st);
    char *path = csvio_path_join(src, "resume/state.ini");
    if (path == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    char *text = NULL;
    size_t tlen = 0;
    diag local;
    diag_clear(&local);
    if (csvio_slurp(path, (size_t)1 << 30, &text, &tlen, &local) != FD_OK) {
        int rc = diag_set(d, local.code == FD_ENOMEM ? FD_ENOMEM : FD_EIO,
                          "cannot resume from %s: %s", src, local.msg);
        free(path);
        return rc;
    }
    int rc = FD_OK, lineno = 0;
    unsigned long long v, format = 0;
    char *partial = NULL;
    bool have[6] = { false };
    for (char *line = text, *next; rc == FD_OK && line && *line; line = next) {
        lineno++;
        if ((next = strchr(line, '\n')) != NULL)
            *next++ = '\0';
        size_t len = strlen(line);
        while (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (line[0] == ';' || line[0] == '\0')
            continue;
        char *eq = strstr(line, " = ");
        if (eq == NULL) {
            rc = FD_EINVAL;
            break;
        }
        *eq = '\0';
        const char *key = line, *val = eq + 3;
        if (!strncmp(key, "node ", 5)) {
            rc = have[5] ? get_node(&st->total, st->cells, key, val) : FD_EINVAL;
            continue;
        }
        char **keep = !strcmp(key, "partial") ? &partial
                    : !strcmp(key, "replicas_file") ? &st->rfile
                    : !strcmp(key, "command") ? &st->command
                    : !strcmp(key, "source") ? &st->source : NULL;
        if (keep) {
            free(*keep);
            if ((*keep = fd_strdup(val)) == NULL)
                rc = FD_ENOMEM;
            continue;
        }
        static const char *const nums[] = { "format", "replicas_done", "replicas_bytes",
                                            "records_bytes", "events", "baseline", "cells" };
        size_t k = 0;
        while (k < sizeof nums / sizeof *nums && strcmp(key, nums[k]) != 0)
            k++;
        if (k == sizeof nums / sizeof *nums || get_u64(val, &v) < 0) {
            rc = FD_EINVAL;
            break;
        }
        switch (k) {
        case 0: format = v; break;
        case 1: st->done = v; have[0] = true; break;
        case 2: st->rbytes = v; have[1] = true; break;
        case 3: st->mbytes = v; have[2] = true; break;
        case 4: st->events = v; have[3] = true; break;
        case 5: st->baseline = (size_t)v; have[4] = true; break;
        default: st->cells = (size_t)v; have[5] = true; break;
        }
    }
    free(text);
    bool complete = format == STATE_FORMAT && st->rfile && !strchr(st->rfile, '/');
    for (int i = 0; i < 6; i++)
        complete = complete && have[i];
    if (rc == FD_OK && complete && st->cells > 0 && st->cells < ((size_t)1 << 40)) {
        st->partial = partial ? fd_malloc(st->cells * sizeof *st->partial) : NULL;
        if ((!st->total && blocksum_create(&st->total, st->cells, 0) != FD_OK) ||
            (partial && !st->partial))
            rc = FD_ENOMEM;
        else if (partial && get_sums(partial, st->partial, st->cells) < 0)
            rc = FD_EINVAL;
    } else if (rc == FD_OK) {
        rc = FD_EINVAL;
    }
    free(partial);
    if (rc == FD_ENOMEM)
        diag_set(d, rc, "out of memory reading %s", path);
    else if (rc != FD_OK)
        diag_set(d, rc, "cannot resume from %s: %s is not a resume state fdsim %s wrote "
                 "(line %d)", src, path, FDSIM_VERSION, lineno);
    if (rc != FD_OK)
        state_fini(st);
    free(path);
    return rc;
}

int rundir_load(const char *src, scenario **s, size_t *baseline, char **cmdline, FILE *errs,
                diag *d)
{
    *s = NULL;
    *cmdline = NULL;
    state st;
    int rc = state_read(src, &st, d);
    if (rc != FD_OK)
        return rc;
    char *path = csvio_path_join(src, "resume/scenario.ini"), *text = NULL;
    size_t len = 0;
    if (path == NULL)
        rc = diag_set(d, FD_ENOMEM, "out of memory");
    else if ((rc = csvio_slurp(path, 64u << 20, &text, &len, d)) == FD_OK)
        rc = scenario_load_text(s, text, len, path, src, NULL, 0, errs, d);
    if (rc == FD_OK && st.baseline >= (*s)->ngroups)
        rc = diag_set(d, FD_EINVAL, "cannot resume from %s: baseline %zu of %zu groups", src,
                      st.baseline, (*s)->ngroups);
    if (rc == FD_OK && st.source) /* the name the run was loaded under, for run.ini */
        snprintf((*s)->source, sizeof (*s)->source, "%s", st.source);
    if (rc == FD_OK) {
        *baseline = st.baseline;
        *cmdline = st.command;
        st.command = NULL;
    } else {
        scenario_destroy(*s);
        *s = NULL;
    }
    free(text);
    free(path);
    state_fini(&st);
    return rc;
}

/* mtime of SRC/NAME, or false when it has none. */
static bool mtime_of(const char *src, const char *name, struct timespec *t)
{
    char *path = csvio_path_join(src, name);
    struct stat sb;
    bool ok = path && stat(path, &sb) == 0;
    if (ok)
        *t = sb.st_mtim;
    free(path);
    return ok;
}

static bool later(struct timespec a, struct timespec b)
{
    return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

int rundir_find(const char *dir, char **src, diag *d)
{
    *src = NULL;
    char **left = NULL;
    size_t n = 0;
    if (stage_leftovers(dir, &left, &n) != FD_OK)
        return diag_set(d, FD_ENOMEM, "out of memory");
    struct timespec best = { 0, 0 }, t, done;
    const char *pick = NULL;
    if (mtime_of(dir, "resume/state.ini", &t)) {
        pick = dir;
        best = t;
    }
    for (size_t i = 0; i < n; i++)
        if (mtime_of(left[i], "resume/state.ini", &t) && (!pick || later(t, best))) {
            pick = left[i];
            best = t;
        }
    /* a finished run into DIR after the state was left: nothing to go on with */
    if (pick && pick != dir && !mtime_of(dir, "resume/state.ini", &t) &&
        mtime_of(dir, "run.ini", &done) && later(done, best))
        pick = NULL;
    int rc = FD_OK;
    if (pick == NULL)
        rc = diag_set(d, FD_EINVAL, "--resume %s: nothing to resume: no partial results "
                      "there (DIR/resume/) and no state left by a killed run into it "
                      "(%s.tmp-PID); run it anew with fdsim run SCENARIO -o %s", dir, dir, dir);
    else if ((*src = fd_strdup(pick)) == NULL)
        rc = diag_set(d, FD_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        free(left[i]);
    free(left);
    return rc;
}

/* ------------------------------------------------------------ replay -- */

/* Replaying a state's replicas.csv, row by row, a block at a time. */
typedef struct replay {
    rundir *rd;
    FILE *records;            /* the state's records.bin */
    const char *name;         /* the replicas file, for messages */
    size_t fields;            /* its columns */
    stats_replica *stats;     /* [BATCH_BLOCK * ng] */
    double *md;               /* [BATCH_BLOCK * ng * nm] */
    stats_rare *ra;           /* [BATCH_BLOCK * ng]: restart, else NULL */
    uint64_t first;           /* the block's first replica */
    size_t n;                 /* its replicas gathered */
    size_t g;                 /* the next row's group */
    uint64_t want;            /* replicas to replay */
    diag *d;
} replay;

/* The group name as replicas.csv writes it (csvio_cell's formula guard). */
static bool same_name(const char *cell, const char *name)
{
    if (strchr("=+-@", name[0]) != NULL && name[0] != '\0')
        return cell[0] == '\'' && !strcmp(cell + 1, name);
    return !strcmp(cell, name);
}

/* Hand the gathered block on: to the sink and records.bin, and to the
 * stopping rule as the run proper would have (a precision reached there
 * ends the resumed run at once: precision_ended). */
static int replay_flush(replay *r)
{
    rundir *rd = r->rd;
    for (size_t i = 0; i < r->n; i++)
        if (record_read(r->records, &rd->rec, i, r->md, r->ra, r->stats) != 0)
            return diag_set(r->d, FD_EINVAL, "cannot resume: the records.bin beside %s is "
                            "shorter than its state says", r->name);
    batch_block blk = { .first = r->first, .n = r->n, .ngroups = rd->ng, .nmonths = rd->nm,
                        .stats = r->stats, .month_down = r->md, .rare = r->ra };
    int rc = feed(rd, &blk, r->d);
    if (rc == FD_OK && !precision_ended(rd->prec))
        precision_add(rd->prec, &blk);
    r->first += r->n;
    r->n = 0;
    return rc;
}

static int replay_row(void *user, char **f, size_t nf, size_t row)
{
    replay *r = user;
    rundir *rd = r->rd;
    if (row == 1)
        return nf == r->fields && !strcmp(f[0], "replica") && !strcmp(f[1], "group")
                   ? 0
                   : diag_set(r->d, FD_EINVAL, "cannot resume: %s does not start with "
                              "replicas.csv's header", r->name);
    uint64_t k = r->first + r->n;
    unsigned long long idx;
    if (nf != r->fields || get_u64(f[0], &idx) < 0 || idx != k || k >= r->want ||
        !same_name(f[1], rd->s->groups[r->g].name))
        return diag_set(r->d, FD_EINVAL, "cannot resume: %s row %zu is not replica %llu of "
                        "group %s", r->name, row, (unsigned long long)k,
                        rd->s->groups[r->g].name);
    /* every figure of a replica is a finite number in its range (what fdsim
     * writes); anything else is a file changed since, refused whole.  A
     * restart row's figures are weighted estimates (rare.h): only finite,
     * but for the root path's own whole numbers (worst_loss on) */
    const double count = rd->s->groups[r->g].count;
    static const char *const names[REPLICA_FIELDS - 2] = {
        "vm_availability", "service_availability", "vm_unavailability",
        "service_unavailability", "downtime_min_per_year", "outages", "outage_mean_min",
        "worst_loss", "deficit_vm_hours", "months_met", "months", "alloc_failures",
    };
    const double hi[REPLICA_FIELDS - 2] = { 1, 1, 1, 1, 525600, 1e15, 1e15 * 525600, count,
                                            1e15, rd->nm, rd->nm, count };
    const bool whole[REPLICA_FIELDS - 2] = { [5] = true, [7] = true, [9] = true, [10] = true,
                                             [11] = true };
    double v[REPLICA_FIELDS - 2];
    for (size_t i = 0; i < REPLICA_FIELDS - 2; i++) {
        char *end;
        errno = 0;
        v[i] = strtod(f[i + 2], &end);
        bool weighted = rd->rec.rare && (i <= 6 || i == 8); /* through outage_mean_min, deficit */
        bool ok = weighted ? isfinite(v[i]) : v[i] >= 0 && v[i] <= hi[i];
        if (!f[i + 2][0] || *end != '\0' || errno == ERANGE || !ok ||
            (whole[i] && !weighted && v[i] != floor(v[i])))
            return diag_set(r->d, FD_EINVAL, "cannot resume: %s row %zu: %s = \"%s\" is not "
                            "what fdsim writes there (a number from 0 to %g%s)", r->name, row,
                            names[i], f[i + 2], hi[i], whole[i] ? ", whole" : "");
    }
    stats_replica *p = &r->stats[r->n * rd->ng + r->g];
    *p = (stats_replica){
        .vm_availability = v[0], .service_availability = v[1], .vm_unavailability = v[2],
        .service_unavailability = v[3], .downtime_min_per_year = v[4], .outages = v[5],
        .outage_mean_min = v[6], .worst_loss = v[7], .deficit_vm_hours = v[8],
        .months_met = v[9], .months = v[10], .alloc_failures = v[11],
    };
    if (p->months != rd->nm)
        return diag_set(r->d, FD_EINVAL, "cannot resume: %s row %zu: %g months, the scenario "
                        "has %d", r->name, row, p->months, rd->nm);
    if (++r->g < rd->ng)
        return 0;
    r->g = 0;
    r->n++;
    uint64_t end = r->first + r->n;
    return end % BATCH_BLOCK == 0 || end == r->want ? replay_flush(r) : 0;
}

/* Set `r` up to replay into rd from the records file `mfile`: its block
 * buffers and the file open.  FD_OK, or FD_ENOMEM / FD_EIO with the
 * message ("cannot `verb`: ..."); replay_close either way. */
static int replay_open(replay *r, rundir *rd, const char *mfile, const char *verb, diag *d)
{
    r->fields = REPLICA_FIELDS + (rd->rec.rare ? RARE_FIELDS : 0);
    r->stats = fd_calloc(BATCH_BLOCK * rd->ng, sizeof *r->stats);
    r->md = fd_calloc(BATCH_BLOCK * rd->ng * (size_t)rd->nm, sizeof *r->md);
    r->ra = rd->rec.rare ? fd_calloc(BATCH_BLOCK * rd->ng, sizeof *r->ra) : NULL;
    if (!mfile || !r->stats || !r->md || (rd->rec.rare && !r->ra) ||
        (!rd->prec && precision_create(&rd->prec, rd->s, precision_clock()) != FD_OK))
        return diag_set(d, FD_ENOMEM, "out of memory");
    if ((r->records = fopen(mfile, "rb")) == NULL)
        return diag_set(d, FD_EIO, "cannot %s: cannot open %s: %s", verb, mfile,
                        strerror(errno));
    return FD_OK;
}

static void replay_close(replay *r)
{
    if (r->records)
        fclose(r->records);
    free(r->stats);
    free(r->md);
    free(r->ra);
}

/* Replay the done replicas of the state at `src` into rd.  FD_OK or an
 * error with "cannot resume ..." in `d`. */
static int replay_state(rundir *rd, const char *src, diag *d)
{
    state st;
    int rc = state_read(src, &st, d);
    if (rc != FD_OK)
        return rc;
    uint64_t per = record_bytes(&rd->rec);
    if (st.cells != rd->cells || st.baseline != rd->baseline ||
        st.done > (uint64_t)rd->s->replicas || st.mbytes != st.done * per ||
        blocksum_cells(st.total) != rd->cells || blocksum_end(st.total) != (st.done + (st.done == (uint64_t)rd->s->replicas
                                               ? BATCH_BLOCK - 1 : 0)) / BATCH_BLOCK ||
        (st.partial != NULL) != (st.done % BATCH_BLOCK != 0 &&
                                 st.done != (uint64_t)rd->s->replicas)) {
        state_fini(&st);
        return diag_set(d, FD_EINVAL, "cannot resume from %s: its state does not match its "
                        "scenario", src);
    }
    char *rpath = csvio_path_join(src, st.rfile), *mpath = csvio_path_join(src,
                                                                       "resume/records.bin");
    replay r = { .rd = rd, .name = rpath, .want = st.done, .d = d };
    rc = rpath ? replay_open(&r, rd, mpath, "resume", d)
               : diag_set(d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK && st.done > 0)
        rc = csvio_parse_file(rpath, st.rbytes, replay_row, &r, d);
    if (rc == FD_OK && (r.first != st.done || r.n != 0 || r.g != 0))
        rc = diag_set(d, FD_EINVAL, "cannot resume: %s holds %llu of the %llu replicas its "
                      "state says", rpath ? rpath : src, (unsigned long long)r.first,
                      (unsigned long long)st.done);
    if (rc == FD_OK) {
        rc = blocksum_copy(rd->total, st.total) == FD_OK ? FD_OK
                                                          : diag_set(d, FD_ENOMEM, "out of memory");
    }
    if (rc == FD_OK) {
        rd->has_partial = st.partial != NULL;
        if (st.partial)
            memcpy(rd->partial, st.partial, rd->cells * sizeof *rd->partial);
        rd->events = st.events;
        rd->done = st.done;
        rd->start = (batch_start){ .first = st.done, .sums = rd->total,
                                   .block_sum = rd->has_partial ? rd->partial : NULL,
                                   .events = st.events };
        rd->resumed = true;
    }
    replay_close(&r);
    free(rpath);
    free(mpath);
    state_fini(&st);
    return rc;
}

/* ------------------------------------------------------- create, commit -- */

/* The checkpoint interval: opts, else FDSIM_CHECKPOINT_SECONDS, else 1 s. */
static double interval(const rundir_opts *o)
{
    if (o && o->checkpoint >= 0)
        return o->checkpoint;
    const char *env = getenv("FDSIM_CHECKPOINT_SECONDS");
    char *end;
    double v = env ? strtod(env, &end) : NAN;
    return env && *env && *end == '\0' && v >= 0 && v <= 86400 ? v : 1.0;
}

/* Write STAGE/resume/scenario.ini.  FD_OK or FD_EIO / FD_ENOMEM. */
static int write_scenario(rundir *rd, diag *d)
{
    char *path = csvio_path_join(rd->resume_dir, "scenario.ini");
    FILE *f = path ? fopen(path, "w") : NULL;
    int rc = FD_OK;
    if (f == NULL) {
        rc = path ? diag_set(d, FD_EIO, "cannot create %s: %s", path, strerror(errno))
                  : diag_set(d, FD_ENOMEM, "out of memory");
        free(path);
        return rc;
    }
    fprintf(f, "; fdsim %s: the scenario of a run, as it was started (resume state)\n",
            FDSIM_VERSION);
    if (scenario_write(rd->s, f) < 0 || fflush(f) != 0)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    if (fclose(f) != 0 && rc == FD_OK)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    free(path);
    return rc;
}

int rundir_create(rundir **out, scenario *s, size_t baseline, const char *dir,
                  const char *cmdline, const rundir_opts *opts, diag *d)
{
    *out = NULL;
    rundir *rd = fd_calloc(1, sizeof *rd);
    if (rd == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    rd->s = s;
    rd->baseline = baseline;
    rd->ng = s->ngroups;
    rd->nm = stats_months(s->horizon);
    rd->rec = record_layout_of(s);
    for (size_t g = 0; g < s->ngroups; g++)
        rd->cells += (size_t)s->groups[g].count + 1;
    rd->every = interval(opts);
    const char *resume = opts ? opts->resume : NULL;
    int rc = FD_OK;
    if (blocksum_create(&rd->total, rd->cells ? rd->cells : 1, 0) != FD_OK)
        rd->total = NULL;
    rd->partial = fd_calloc(rd->cells, sizeof *rd->partial);
    if (!rd->total || !rd->partial || (cmdline && !(rd->cmdline = fd_strdup(cmdline))) ||
        (resume && strcmp(resume, dir) != 0 && !(rd->leftover = fd_strdup(resume)))) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = stage_create(&rd->st, dir, rd->leftover, opts && opts->force, d)) != FD_OK)
        goto fail;
    const char *sd = stage_dir(rd->st);
    if ((rc = inputs_copy(s, sd, d)) != FD_OK)
        goto fail;
    if ((rc = report_sink_create(&rd->sink, s, baseline, sd, 0, d)) != FD_OK)
        goto fail;
    char *mpath = NULL;
    if ((rd->resume_dir = csvio_path_join(sd, "resume")) == NULL ||
        (mpath = csvio_path_join(rd->resume_dir, "records.bin")) == NULL) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        goto fail;
    }
    if (mkdir(rd->resume_dir, 0777) != 0 || (rd->records = fopen(mpath, "wb")) == NULL) {
        rc = diag_set(d, FD_EIO, "cannot create %s: %s", mpath, strerror(errno));
        free(mpath);
        goto fail;
    }
    free(mpath);
    if ((rc = write_scenario(rd, d)) != FD_OK)
        goto fail;
    if (resume && (rc = replay_state(rd, resume, d)) != FD_OK)
        goto fail;
    if ((rc = checkpoint(rd, d)) != FD_OK) /* from the start, a state to resume */
        goto fail;
    *out = rd;
    return FD_OK;
fail:
    rundir_destroy(rd);
    return rc;
}

int rundir_commit(rundir *rd, const report_run *run, diag *d)
{
    fault_point("commit"); /* a test kills the run here: every replica checkpointed */
    int rc = report_sink_commit(rd->sink, run, d);
    if (rc != FD_OK)
        return rc;
    rd->sink_committed = true;
    if (run->r->partial) {
        rc = checkpoint(rd, d); /* kept with the partial results */
    } else {
        fclose(rd->records);
        rd->records = NULL;
        stage_remove_tree(rd->resume_dir);
    }
    if (rc == FD_OK)
        rc = stage_commit(rd->st, d);
    if (rc == FD_OK && rd->leftover) /* what it resumed from is in the new one now */
        stage_remove_tree(rd->leftover);
    return rc;
}

void rundir_destroy(rundir *rd)
{
    if (rd == NULL)
        return;
    if (rd->records)
        fclose(rd->records);
    precision_destroy(rd->prec);
    report_sink_destroy(rd->sink);
    stage_destroy(rd->st); /* uncommitted: removed with all it holds */
    free(rd->resume_dir);
    blocksum_destroy(rd->total);
    free(rd->partial);
    free(rd->cmdline);
    free(rd->leftover);
    free(rd);
}

/* ------------------------------------------------------------- merge -- */

int rundir_merge(rundir *rd, const char *rfile, unsigned long long rbytes, const char *mfile,
                 uint64_t first, uint64_t end, const blocksum *sums, uint64_t events, diag *d)
{
    if (first != rd->done || blocksum_end(rd->total) != first / BATCH_BLOCK)
        return diag_set(d, FD_EINVAL, "cannot merge: %s starts at replica %llu, the merge is "
                        "at %llu", rfile, (unsigned long long)first,
                        (unsigned long long)rd->done);
    replay r = { .rd = rd, .name = rfile, .first = first, .want = end, .d = d };
    int rc = replay_open(&r, rd, mfile, "merge", d);
    if (rc == FD_OK)
        rc = csvio_parse_file(rfile, rbytes, replay_row, &r, d);
    if (rc == FD_OK && (r.first != end || r.n != 0 || r.g != 0))
        rc = diag_set(d, FD_EINVAL, "cannot merge: %s holds replicas %llu..%llu, not %llu..%llu",
                      rfile, (unsigned long long)first, (unsigned long long)r.first - 1,
                      (unsigned long long)first, (unsigned long long)end - 1);
    if (rc == FD_OK && fgetc(r.records) != EOF)
        rc = diag_set(d, FD_EINVAL, "cannot merge: %s is longer than its replicas", mfile);
    for (size_t i = 0; rc == FD_OK && i < blocksum_nodes(sums); i++) {
        uint64_t b;
        unsigned l;
        const double *v = blocksum_node(sums, i, &b, &l);
        rc = blocksum_push(rd->total, b, l, v);
        if (rc != FD_OK)
            rc = diag_set(d, rc, rc == FD_ENOMEM ? "out of memory" : "cannot merge: the "
                          "down-count sums of %s do not follow the merge's", rfile);
    }
    if (rc == FD_OK)
        rd->events += events;
    if (rc != FD_OK && !strncmp(d->msg, "cannot resume: ", 15)) { /* replay_row's words */
        char msg[DIAG_MSG_MAX];
        snprintf(msg, sizeof msg, "cannot merge: %s", d->msg + 15);
        int code = d->code;
        diag_clear(d);
        diag_set(d, code, "%s", msg);
    }
    replay_close(&r);
    return rc;
}

int rundir_result(const rundir *rd, batch_result **out)
{
    *out = NULL;
    batch_result *r = fd_calloc(1, sizeof *r);
    double *tot = fd_malloc(rd->cells * sizeof *tot);
    if (r == NULL || tot == NULL) {
        free(r);
        free(tot);
        return FD_ENOMEM;
    }
    r->ngroups = rd->ng;
    r->nmonths = rd->nm;
    r->requested = r->replicas = rd->done;
    r->events = rd->events;
    r->counts = fd_malloc(rd->ng * sizeof *r->counts);
    r->downcount = fd_calloc(rd->ng, sizeof *r->downcount);
    int rc = r->counts && r->downcount ? FD_OK : FD_ENOMEM;
    blocksum_total(rd->total, tot);
    for (size_t g = 0, off = 0; rc == FD_OK && g < rd->ng; g++) {
        size_t n = (size_t)rd->s->groups[g].count + 1;
        r->counts[g] = rd->s->groups[g].count;
        if ((r->downcount[g] = fd_malloc(n * sizeof *r->downcount[g])) == NULL)
            rc = FD_ENOMEM;
        else
            memcpy(r->downcount[g], tot + off, n * sizeof *tot);
        off += n;
    }
    free(tot);
    if (rc != FD_OK) {
        batch_result_destroy(r);
        return rc;
    }
    *out = r;
    return FD_OK;
}
