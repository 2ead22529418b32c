/*
 * batch: replicas on a thread pool, consumed in replica order through a
 * bounded window (see batch.h).
 *
 * Invariants: block b (replicas b*BATCH_BLOCK ...) is run by exactly one
 * worker, in replica order, in slot b % W of the window, and only while
 * consumed <= b < consumed + W, where `consumed` counts the blocks the
 * consumer has taken (so no two blocks in flight share a slot).  A slot is
 * FREE, RUNNING (its worker writes it, nobody else touches it) or ENDED
 * (done: the prefix of its block its worker completed; read by the
 * consumer only).  Since a worker stops only between replicas, the done
 * replicas of a block are a prefix of it; hence the longest completed
 * prefix of all replicas is the blocks the consumer takes in order up to
 * and including the first one that ended short, and their down-count sums,
 * each from zero in replica order, pushed into the blocksum in block order
 * give the same bytes as any other run over the same replicas.
 *
 * With a share (an MPI rank's), the window and counters are over the
 * rank's own blocks, numbered locally; only the replica numbers a block
 * runs are global (batch_share_block).
 *
 * Threads share nothing mutable but the fields under `lock`, the progress
 * counter (atomic) and the slots, each owned by one side at a time as
 * above (the hand-over is under `lock`).
 */
#include "batch.h"

#include "alloc.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { FREE, RUNNING, ENDED };

/* One block's place in the window. */
typedef struct slot {
    int state;               /* FREE, RUNNING or ENDED (under lock) */
    uint64_t block;          /* the block it holds, when not FREE */
    uint64_t first;          /* RUNNING, ENDED: the first replica it runs (the block's
                                start, or a resumed run's first replica) */
    size_t want;             /* RUNNING, ENDED: replicas it runs, first .. first+want-1 */
    size_t done;             /* ENDED: replicas of the block completed, a prefix */
    uint64_t events;         /* ENDED: events those replicas reported */
    stats_replica *stats;    /* [i * ngroups + g] for the block's replica i (owned) */
    double *month_down;      /* [(i * ngroups + g) * nmonths + m] (owned) */
    stats_rare *rare;        /* [i * ngroups + g]: the estimator's account (owned) */
    double *sum;             /* [cells]: down-count sum of the done replicas (owned) */
} slot;

/* State shared by the workers and the consumer of one batch_run. */
typedef struct shared {
    const batch_spec *spec;
    size_t cells;            /* sum over groups of counts[g] + 1 */
    size_t *off;             /* off[g]: first cell of group g in a cell vector */
    uint64_t nblocks;        /* ceil(replicas / BATCH_BLOCK) */
    uint64_t first_block;    /* the block of the first replica to run (spec->start) */
    bool start_sum_added;    /* spec->start->block_sum is in the totals */
    blocksum *sums;          /* the blocks consumed, reduced (owned); unused with a share */
    uint64_t replicas;       /* the run's replicas (spec->replicas) */
    size_t nslots;           /* W: slots in the window */
    slot *slots;             /* [nslots] */
    pthread_mutex_t lock;    /* guards the fields below and the slots' state */
    pthread_cond_t ended;    /* to the consumer: a block ended or a worker exited */
    pthread_cond_t space;    /* to the workers: a slot was freed, or stop */
    uint64_t next_block;     /* the next block to hand out */
    uint64_t consumed;       /* blocks the consumer has taken */
    size_t peak;             /* most of next_block - consumed */
    bool halt;               /* the prefix ended (a block ended short): take no more */
    int running;             /* worker threads not yet finished */
    int failed;              /* a worker could not be made (1), a replica ran out of
                                memory (2) or the consumer failed (3): all stop */
    atomic_uint_fast64_t ndone; /* replicas completed, for the progress bar */
} shared;

uint64_t batch_share_block(const batch_share *sh, uint64_t local)
{
    uint64_t c = local / sh->chunk;
    return sh->base + (c * (uint64_t)sh->ranks + (uint64_t)sh->rank) * sh->chunk +
           local % sh->chunk;
}

uint64_t batch_share_blocks(const batch_share *sh, uint64_t replicas)
{
    uint64_t nb = (replicas + BATCH_BLOCK - 1) / BATCH_BLOCK;
    nb = nb > sh->base ? nb - sh->base : 0;
    uint64_t span = sh->chunk * (uint64_t)sh->ranks, whole = nb / span, rest = nb % span;
    uint64_t mine = rest > (uint64_t)sh->rank * sh->chunk ? rest - (uint64_t)sh->rank * sh->chunk
                                                           : 0;
    return whole * sh->chunk + (mine < sh->chunk ? mine : sh->chunk);
}

size_t batch_window(int threads)
{
    return BATCH_WINDOW_PER_THREAD * (size_t)(threads < 1 ? 1 : threads);
}

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

static void set_failed(shared *sh, int why)
{
    pthread_mutex_lock(&sh->lock);
    if (!sh->failed) /* the first cause is the one told */
        sh->failed = why;
    pthread_cond_broadcast(&sh->space);
    pthread_cond_signal(&sh->ended);
    pthread_mutex_unlock(&sh->lock);
}

/* Take the next block into its slot, waiting while the window is full.
 * Returns the slot, or NULL when there is nothing (more) to do. */
static slot *take_block(shared *sh)
{
    const batch_spec *spec = sh->spec;
    slot *sl = NULL;
    pthread_mutex_lock(&sh->lock);
    while (!sh->failed && !sh->halt && !stop_asked(spec) && sh->next_block < sh->nblocks &&
           sh->next_block >= sh->consumed + sh->nslots)
        pthread_cond_wait(&sh->space, &sh->lock);
    uint64_t b = sh->next_block;
    if (!sh->failed && !sh->halt && !stop_asked(spec) && b < sh->nblocks) {
        sh->next_block++;
        if (sh->next_block - sh->consumed > sh->peak)
            sh->peak = (size_t)(sh->next_block - sh->consumed);
        sl = &sh->slots[b % sh->nslots];
        assert(sl->state == FREE);
        sl->state = RUNNING;
        sl->block = b;
    }
    pthread_mutex_unlock(&sh->lock);
    return sl;
}

/* Run the replicas of the block in `sl` (RUNNING: ours) until it is done,
 * a stop is asked or a replica fails; then hand it to the consumer. */
static void run_block(shared *sh, slot *sl, void *w, double *scratch, double **dc, double **md)
{
    const batch_spec *spec = sh->spec;
    size_t ng = spec->ngroups, nm = (size_t)spec->nmonths;
    uint64_t gb = spec->share ? batch_share_block(spec->share, sl->block) : sl->block;
    uint64_t first = gb * BATCH_BLOCK, last = first + BATCH_BLOCK;
    if (last > spec->replicas)
        last = spec->replicas;
    size_t done = 0;
    uint64_t events = 0;
    memset(sl->sum, 0, sh->cells * sizeof *sl->sum);
    if (spec->start && sl->block == sh->first_block) { /* resumed: go on from there */
        first = spec->start->first;
        if (spec->start->block_sum)
            memcpy(sl->sum, spec->start->block_sum, sh->cells * sizeof *sl->sum);
    }
    sl->first = first;
    sl->want = (size_t)(last - first);
    for (uint64_t r = first; r < last && !stop_asked(spec); r++, done++) {
        stats_replica *rec = sl->stats + done * ng;
        stats_rare *rare = sl->rare + done * ng;
        double *months = sl->month_down + done * ng * nm;
        memset(scratch, 0, sh->cells * sizeof *scratch);
        memset(rec, 0, ng * sizeof *rec);
        memset(rare, 0, ng * sizeof *rare);
        memset(months, 0, ng * nm * sizeof *months);
        for (size_t g = 0; g < ng; g++)
            md[g] = months + g * nm;
        stats_out out = { rec, dc, md, rare };
        uint64_t ev = 0;
        if (spec->replica(w, r, &out, &ev) != FD_OK) {
            set_failed(sh, 2);
            break;
        }
        for (size_t c = 0; c < sh->cells; c++)
            sl->sum[c] += scratch[c];
        events += ev;
        atomic_fetch_add_explicit(&sh->ndone, 1, memory_order_relaxed);
    }
    pthread_mutex_lock(&sh->lock);
    sl->done = done;
    sl->events = events;
    sl->state = ENDED;
    pthread_cond_signal(&sh->ended);
    pthread_mutex_unlock(&sh->lock);
}

static void *work(void *arg)
{
    shared *sh = arg;
    const batch_spec *spec = sh->spec;
    size_t ng = spec->ngroups;
    double *scratch = fd_malloc(sh->cells * sizeof *scratch);
    double **dc = fd_malloc(ng * sizeof *dc);
    double **md = fd_malloc(ng * sizeof *md);
    void *w = scratch && dc && md ? spec->worker_create(spec->user) : NULL;
    if (w == NULL) {
        set_failed(sh, 1);
    } else {
        for (size_t g = 0; g < ng; g++)
            dc[g] = scratch + sh->off[g];
        for (slot *sl; (sl = take_block(sh)) != NULL;)
            run_block(sh, sl, w, scratch, dc, md);
        spec->worker_destroy(w);
    }
    free(scratch);
    free(dc);
    free(md);
    pthread_mutex_lock(&sh->lock);
    sh->running--;
    pthread_cond_signal(&sh->ended);
    pthread_mutex_unlock(&sh->lock);
    return NULL;
}

/* One line on stderr: "replicas 1234/10000  8123/s  ETA 1.1 s". */
static void draw(const shared *sh, double t0)
{
    const batch_spec *spec = sh->spec;
    uint64_t n = atomic_load_explicit(&sh->ndone, memory_order_relaxed);
    if (spec->progress_more)
        n += *spec->progress_more;
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

/* Hand the ended block in `sl` to the totals and the consumer (outside
 * the lock: the slot is ours until it is freed).  FD_OK or the consumer's
 * code. */
static int consume(shared *sh, const slot *sl, batch_result *res, diag *d)
{
    const batch_spec *spec = sh->spec;
    bool start_block = spec->start && spec->start->block_sum && sl->block == sh->first_block;
    if (sl->done == 0 && !start_block)
        return FD_OK;
    sh->start_sum_added |= start_block; /* the block's sum holds it */
    if (!spec->share && blocksum_push(sh->sums, sl->block, 0, sl->sum) != FD_OK)
        return diag_set(d, FD_ENOMEM, "out of memory adding up the down-count sums");
    res->events += sl->events;
    res->replicas += sl->done;
    if (spec->consume == NULL || sl->done == 0)
        return FD_OK;
    batch_block blk = {
        .first = sl->first, .n = sl->done, .ngroups = spec->ngroups,
        .nmonths = spec->nmonths, .stats = sl->stats, .month_down = sl->month_down,
        .downcount_sum = sl->sum, .events = sl->events, .rare = sl->rare,
    };
    return spec->consume(spec->sink, &blk, d);
}

/* The consumer: until every worker has exited, take the ended blocks in
 * block order, redrawing the progress bar up to 10 times a second when
 * asked to.  FD_OK or the consumer's code (its message in `d`). */
static int consume_all(shared *sh, batch_result *res, bool bar, double t0, diag *d)
{
    int rc = FD_OK;
    pthread_mutex_lock(&sh->lock);
    for (;;) {
        slot *sl = &sh->slots[sh->consumed % sh->nslots];
        if (!sh->failed && !sh->halt && sh->consumed < sh->nblocks && sl->state == ENDED &&
            sl->block == sh->consumed) {
            pthread_mutex_unlock(&sh->lock);
            bool whole = sl->done == sl->want;
            int crc = consume(sh, sl, res, d);
            pthread_mutex_lock(&sh->lock);
            if (crc == BATCH_HALT) { /* the consumer has what it needs */
                crc = FD_OK;
                sh->halt = true;
                res->halted = true;
            }
            if (crc != FD_OK && !sh->failed) {
                rc = crc;
                sh->failed = 3;
            }
            if (!whole)
                sh->halt = true; /* the prefix ends here: later blocks are dropped */
            sl->state = FREE;
            sh->consumed++;
            pthread_cond_broadcast(&sh->space);
            continue;
        }
        if (sh->running == 0)
            break;
        if (sh->failed || sh->halt)
            pthread_cond_broadcast(&sh->space); /* wake the waiting workers to exit */
        if (!bar) {
            pthread_cond_wait(&sh->ended, &sh->lock);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&sh->ended, &sh->lock, &ts);
        pthread_mutex_unlock(&sh->lock);
        draw(sh, t0);
        pthread_mutex_lock(&sh->lock);
    }
    pthread_mutex_unlock(&sh->lock);
    if (bar) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
    return rc;
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
    free(r);
}

/* Free the window. */
static void slots_free(shared *sh)
{
    for (size_t i = 0; sh->slots && i < sh->nslots; i++) {
        free(sh->slots[i].stats);
        free(sh->slots[i].month_down);
        free(sh->slots[i].rare);
        free(sh->slots[i].sum);
    }
    free(sh->slots);
    free(sh->off);
    blocksum_destroy(sh->sums);
}

/* Allocate the result and the shared state (the window for `nthreads`
 * workers) for `spec`.  FD_OK or FD_ENOMEM. */
static int setup(const batch_spec *spec, uint64_t nthreads, batch_result **resp, shared *sh)
{
    size_t ng = spec->ngroups, nm = (size_t)spec->nmonths;
    batch_result *res = fd_calloc(1, sizeof *res);
    if (res == NULL)
        return FD_ENOMEM;
    *resp = res;
    res->ngroups = ng;
    res->nmonths = spec->nmonths;
    res->requested = spec->replicas;
    res->counts = fd_malloc(ng * sizeof *res->counts);
    res->downcount = fd_calloc(ng, sizeof *res->downcount);
    sh->off = fd_malloc(ng * sizeof *sh->off);
    if (!res->counts || !res->downcount || !sh->off)
        return FD_ENOMEM;
    for (size_t g = 0; g < ng; g++) {
        assert(spec->counts[g] >= 0);
        res->counts[g] = spec->counts[g];
        sh->off[g] = sh->cells;
        sh->cells += (size_t)spec->counts[g] + 1;
        res->downcount[g] = fd_calloc((size_t)spec->counts[g] + 1, sizeof *res->downcount[g]);
        if (res->downcount[g] == NULL)
            return FD_ENOMEM;
    }
    sh->nblocks = (spec->replicas + BATCH_BLOCK - 1) / BATCH_BLOCK;
    if (spec->share)
        sh->nblocks = batch_share_blocks(spec->share, spec->replicas);
    if (blocksum_create(&sh->sums, sh->cells ? sh->cells : 1, 0) != FD_OK)
        return FD_ENOMEM;
    if (spec->start) {
        const batch_start *st = spec->start;
        assert(st->first <= spec->replicas);
        assert(st->block_sum ? st->first % BATCH_BLOCK != 0
                             : st->first % BATCH_BLOCK == 0 || st->first == spec->replicas);
        sh->first_block = st->first / BATCH_BLOCK;
        sh->next_block = sh->consumed = sh->first_block;
        res->replicas = st->first;
        res->events = st->events;
        assert(blocksum_cells(st->sums) == sh->cells);
        assert(blocksum_end(st->sums) == sh->first_block ||
               (st->first == spec->replicas && blocksum_end(st->sums) == sh->nblocks));
        if (blocksum_copy(sh->sums, st->sums) != FD_OK)
            return FD_ENOMEM;
    }
    uint64_t left = sh->nblocks - sh->first_block;
    size_t w = batch_window((int)nthreads);
    sh->nslots = w < left ? w : (size_t)left;
    res->window = sh->nslots;
    sh->slots = fd_calloc(sh->nslots ? sh->nslots : 1, sizeof *sh->slots);
    if (sh->slots == NULL)
        return FD_ENOMEM;
    for (size_t i = 0; i < sh->nslots; i++) {
        slot *sl = &sh->slots[i];
        sl->stats = fd_malloc(BATCH_BLOCK * ng * sizeof *sl->stats);
        sl->month_down = fd_malloc(BATCH_BLOCK * ng * nm * sizeof *sl->month_down);
        sl->rare = fd_malloc(BATCH_BLOCK * ng * sizeof *sl->rare);
        sl->sum = fd_malloc(sh->cells * sizeof *sl->sum);
        if (!sl->stats || !sl->month_down || !sl->rare || !sl->sum)
            return FD_ENOMEM;
    }
    return FD_OK;
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
    assert(!(spec->share && spec->start));
    uint64_t nblocks = (spec->replicas + BATCH_BLOCK - 1) / BATCH_BLOCK;
    if (spec->share)
        nblocks = batch_share_blocks(spec->share, spec->replicas);
    if (spec->start)
        nblocks -= spec->start->first / BATCH_BLOCK;
    uint64_t nthreads = (uint64_t)spec->threads < nblocks ? (uint64_t)spec->threads : nblocks;
    int rc = setup(spec, nthreads, &res, &sh);
    if (rc != FD_OK) {
        rc = diag_set(d, FD_ENOMEM, "out of memory for the results of %llu replicas",
                      (unsigned long long)spec->replicas);
        goto done;
    }
    if (nthreads == 0) /* resumed with every replica done: nothing to run */
        goto finish;
    tids = fd_malloc(nthreads * sizeof *tids);
    if (tids == NULL) {
        rc = diag_set(d, FD_ENOMEM, "out of memory for %llu threads",
                      (unsigned long long)nthreads);
        goto done;
    }
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.ended, NULL);
    pthread_cond_init(&sh.space, NULL);
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
    int crc = FD_OK;
    if (started > 0)
        crc = consume_all(&sh, res, spec->progress && isatty(fileno(stderr)), t0, d);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_cond_destroy(&sh.space);
    pthread_cond_destroy(&sh.ended);
    pthread_mutex_destroy(&sh.lock);
    if (started == 0) {
        rc = diag_set(d, FD_ENOMEM, "cannot start a worker thread: %s", strerror(err));
        goto done;
    }
    if (sh.failed == 3) {
        rc = crc;
        goto done;
    }
    if (sh.failed) {
        rc = diag_set(d, FD_ENOMEM, sh.failed == 1 ? "out of memory creating a simulation "
                      "worker" : "out of memory growing a replica's event queue");
        goto done;
    }
    if (spec->start && spec->start->block_sum && !sh.start_sum_added &&
        blocksum_push(sh.sums, sh.first_block, 0, spec->start->block_sum) != FD_OK) {
        /* stopped before the resumed block ran: its earlier replicas count */
        rc = diag_set(d, FD_ENOMEM, "out of memory adding up the down-count sums");
        goto done;
    }
finish:
    if (!spec->share) {
        double *tot = fd_malloc((sh.cells ? sh.cells : 1) * sizeof *tot);
        if (tot == NULL) {
            rc = diag_set(d, FD_ENOMEM, "out of memory adding up the down-count sums");
            goto done;
        }
        blocksum_total(sh.sums, tot);
        for (size_t g = 0; g < res->ngroups; g++)
            memcpy(res->downcount[g], tot + sh.off[g],
                   ((size_t)res->counts[g] + 1) * sizeof *tot);
        free(tot);
    }
    res->partial = res->replicas < res->requested && !res->halted;
    res->window_peak = sh.peak;
    res->wall = now_s() - t0;
    *out = res;
    res = NULL;
done:
    batch_result_destroy(res);
    free(tids);
    slots_free(&sh);
    return rc;
}
