/*
 * batch: replicas on a thread pool, reduced in replica order (see batch.h).
 *
 * Invariant: block b (replicas b*BATCH_BLOCK ...) is run by exactly one
 * worker, in replica order, and its down-count sum blocksum[b] holds the sum
 * of the replicas of b that are done (done[r] = 1), added in replica order
 * from zero.  Since a worker stops only between replicas, the done replicas
 * of a block are a prefix of it; hence the longest done prefix 0..P-1 of all
 * replicas is covered exactly by the blocks before P's block plus P's block
 * itself, and their sums added in block order give the same bytes as any
 * other run over 0..P-1.
 *
 * Threads share nothing mutable but the block counter (under `lock`), the
 * progress counter (atomic) and disjoint slots of the result arrays.
 */
#include "batch.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* State shared by the workers of one batch_run. */
typedef struct shared {
    const batch_spec *spec;
    batch_result *res;
    size_t cells;            /* sum over groups of counts[g] + 1 */
    size_t *off;             /* off[g]: first cell of group g in a cell vector */
    uint64_t nblocks;        /* ceil(replicas / BATCH_BLOCK) */
    double *blocksum;        /* [b * cells + c]: down-count sums of block b */
    unsigned char *done;     /* done[r]: replica r completed */
    uint64_t *events;        /* events[r]: events replica r reported */
    pthread_mutex_t lock;    /* guards the three fields below */
    pthread_cond_t cv;       /* signalled when a worker exits */
    uint64_t next_block;     /* the next block to hand out */
    int running;             /* worker threads not yet finished */
    int failed;              /* a worker could not be made (1) or a replica ran out
                                of memory (2): everyone stops */
    atomic_uint_fast64_t ndone; /* replicas completed, for the progress bar */
} shared;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Whether the user asked to stop.  The flag is a sig_atomic_t written by a
 * signal handler; workers only read it, at replica boundaries. */
static bool stop_asked(const batch_spec *spec)
{
    return spec->stop != NULL && *spec->stop != 0;
}

static void *work(void *arg)
{
    shared *sh = arg;
    const batch_spec *spec = sh->spec;
    batch_result *res = sh->res;
    size_t ng = spec->ngroups;
    double *scratch = malloc(sh->cells * sizeof *scratch);
    double **dc = malloc(ng * sizeof *dc);
    double **md = malloc(ng * sizeof *md);
    void *w = scratch && dc && md ? spec->worker_create(spec->user) : NULL;
    if (w == NULL) {
        pthread_mutex_lock(&sh->lock);
        if (!sh->failed)
            sh->failed = 1;
        pthread_mutex_unlock(&sh->lock);
        goto out;
    }
    for (size_t g = 0; g < ng; g++)
        dc[g] = scratch + sh->off[g];
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        uint64_t b = sh->next_block;
        bool go = !sh->failed && b < sh->nblocks && !stop_asked(spec);
        if (go)
            sh->next_block++;
        pthread_mutex_unlock(&sh->lock);
        if (!go)
            break;
        double *sum = sh->blocksum + b * sh->cells;
        uint64_t first = b * BATCH_BLOCK, last = first + BATCH_BLOCK;
        if (last > spec->replicas)
            last = spec->replicas;
        for (uint64_t r = first; r < last && !stop_asked(spec); r++) {
            memset(scratch, 0, sh->cells * sizeof *scratch);
            for (size_t g = 0; g < ng; g++)
                md[g] = res->month_down + (r * ng + g) * (size_t)spec->nmonths;
            stats_out out = { res->stats + r * ng, dc, md };
            if (spec->replica(w, r, &out, &sh->events[r]) != FD_OK) {
                pthread_mutex_lock(&sh->lock);
                if (!sh->failed) /* the first cause is the one told */
                    sh->failed = 2;
                pthread_mutex_unlock(&sh->lock);
                break;
            }
            for (size_t c = 0; c < sh->cells; c++)
                sum[c] += scratch[c];
            sh->done[r] = 1;
            atomic_fetch_add_explicit(&sh->ndone, 1, memory_order_relaxed);
        }
    }
out:
    if (w != NULL)
        spec->worker_destroy(w);
    free(scratch);
    free(dc);
    free(md);
    pthread_mutex_lock(&sh->lock);
    sh->running--;
    pthread_cond_signal(&sh->cv);
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

/* One line on stderr: "replicas 1234/10000  8123/s  ETA 1.1 s". */
static void draw(const shared *sh, double t0)
{
    const batch_spec *spec = sh->spec;
    uint64_t n = atomic_load_explicit(&sh->ndone, memory_order_relaxed);
    uint64_t total = spec->progress_total ? spec->progress_total : spec->replicas;
    uint64_t all = spec->progress_done + n; /* of the whole job */
    double el = now_s() - t0, rate = el > 0 ? n / el : 0;
    fprintf(stderr, "\r%s%sreplicas %llu/%llu  %.0f/s",
            spec->progress_label ? spec->progress_label : "",
            spec->progress_label ? "  " : "", (unsigned long long)all,
            (unsigned long long)total, rate);
    if (rate > 0 && total >= all)
        fprintf(stderr, "  ETA %.1f s", (double)(total - all) / rate);
    fputs("\033[K", stderr);
    fflush(stderr);
}

/* Wait for every worker, redrawing the progress bar up to 10 times a
 * second when asked to. */
static void wait_workers(shared *sh, bool bar, double t0)
{
    pthread_mutex_lock(&sh->lock);
    while (sh->running > 0) {
        if (!bar) {
            pthread_cond_wait(&sh->cv, &sh->lock);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&sh->cv, &sh->lock, &ts);
        pthread_mutex_unlock(&sh->lock);
        draw(sh, t0);
        pthread_mutex_lock(&sh->lock);
    }
    pthread_mutex_unlock(&sh->lock);
    if (bar) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

void batch_result_destroy(batch_result *r)
{
    if (r == NULL)
        return;
    if (r->downcount != NULL)
        for (size_t g = 0; g < r->ngroups; g++)
            free(r->downcount[g]);
    free(r->downcount);
    free(r->counts);
    free(r->stats);
    free(r->month_down);
    free(r);
}

/* Allocate the result and the shared state for `spec`.  FD_OK or FD_ENOMEM. */
static int setup(const batch_spec *spec, batch_result **resp, shared *sh)
{
    size_t ng = spec->ngroups;
    uint64_t R = spec->replicas;
    batch_result *res = calloc(1, sizeof *res);
    if (res == NULL)
        return FD_ENOMEM;
    *resp = res;
    res->ngroups = ng;
    res->nmonths = spec->nmonths;
    res->requested = R;
    res->counts = malloc(ng * sizeof *res->counts);
    res->downcount = calloc(ng, sizeof *res->downcount);
    res->stats = calloc(R * ng, sizeof *res->stats);
    res->month_down = calloc(R * ng * (size_t)spec->nmonths, sizeof *res->month_down);
    sh->off = malloc(ng * sizeof *sh->off);
    if (!res->counts || !res->downcount || !res->stats || !res->month_down || !sh->off)
        return FD_ENOMEM;
    for (size_t g = 0; g < ng; g++) {
        assert(spec->counts[g] >= 0);
        res->counts[g] = spec->counts[g];
        sh->off[g] = sh->cells;
        sh->cells += (size_t)spec->counts[g] + 1;
        res->downcount[g] = calloc((size_t)spec->counts[g] + 1, sizeof *res->downcount[g]);
        if (res->downcount[g] == NULL)
            return FD_ENOMEM;
    }
    sh->nblocks = (R + BATCH_BLOCK - 1) / BATCH_BLOCK;
    sh->blocksum = calloc(sh->nblocks * sh->cells, sizeof *sh->blocksum);
    sh->done = calloc(R, 1);
    sh->events = calloc(R, sizeof *sh->events);
    if (!sh->blocksum || !sh->done || !sh->events)
        return FD_ENOMEM;
    return FD_OK;
}

/* Keep the longest done prefix and sum its blocks in block order. */
static void reduce(shared *sh, batch_result *res)
{
    uint64_t P = 0;
    while (P < res->requested && sh->done[P])
        P++;
    res->replicas = P;
    res->partial = P < res->requested;
    for (uint64_t r = 0; r < P; r++)
        res->events += sh->events[r];
    uint64_t nb = (P + BATCH_BLOCK - 1) / BATCH_BLOCK;
    for (uint64_t b = 0; b < nb; b++)
        for (size_t g = 0; g < res->ngroups; g++) {
            const double *sum = sh->blocksum + b * sh->cells + sh->off[g];
            for (int k = 0; k <= res->counts[g]; k++)
                res->downcount[g][k] += sum[k];
        }
}

int batch_run(const batch_spec *spec, batch_result **out, diag *d)
{
    assert(spec->ngroups >= 1 && spec->nmonths >= 1 && spec->replicas >= 1);
    assert(spec->threads >= 1 && spec->worker_create && spec->worker_destroy && spec->replica);
    *out = NULL;
    double t0 = now_s();
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.spec = spec;
    atomic_init(&sh.ndone, 0);
    batch_result *res = NULL;
    pthread_t *tids = NULL;
    int rc = setup(spec, &res, &sh);
    if (rc != FD_OK) {
        rc = diag_set(d, FD_ENOMEM, "out of memory for the results of %llu replicas",
                      (unsigned long long)spec->replicas);
        goto done;
    }
    sh.res = res;
    uint64_t nthreads = (uint64_t)spec->threads < sh.nblocks ? (uint64_t)spec->threads
                                                              : sh.nblocks;
    tids = malloc(nthreads * sizeof *tids);
    if (tids == NULL) {
        rc = diag_set(d, FD_ENOMEM, "out of memory for %llu threads",
                      (unsigned long long)nthreads);
        goto done;
    }
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.cv, NULL);
    int started = 0, err = 0;
    for (uint64_t i = 0; i < nthreads; i++) {
        pthread_mutex_lock(&sh.lock);
        sh.running++;
        pthread_mutex_unlock(&sh.lock);
        err = pthread_create(&tids[started], NULL, work, &sh);
        if (err != 0) {
            /* Run on the threads we have: results do not depend on them. */
            pthread_mutex_lock(&sh.lock);
            sh.running--;
            pthread_mutex_unlock(&sh.lock);
            break;
        }
        started++;
    }
    if (started > 0)
        wait_workers(&sh, spec->progress && isatty(fileno(stderr)), t0);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_cond_destroy(&sh.cv);
    pthread_mutex_destroy(&sh.lock);
    if (started == 0) {
        rc = diag_set(d, FD_ENOMEM, "cannot start a worker thread: %s", strerror(err));
        goto done;
    }
    if (sh.failed) {
        rc = diag_set(d, FD_ENOMEM, sh.failed == 1 ? "out of memory creating a simulation "
                      "worker" : "out of memory growing a replica's event queue");
        goto done;
    }
    reduce(&sh, res);
    res->wall = now_s() - t0;
    *out = res;
    res = NULL;
done:
    batch_result_destroy(res);
    free(tids);
    free(sh.off);
    free(sh.blocksum);
    free(sh.done);
    free(sh.events);
    return rc;
}
