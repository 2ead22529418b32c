/* Tests of batch: what the consumer sees is independent of the thread
 * count, bit for bit, and in replica order; the down-count sum in replica
 * order; stopping at a replica boundary keeps a deterministic prefix; the
 * window bounds the memory whatever the replicas; errors.  A synthetic
 * replica callback draws every value from the stream rng_derive(seed,
 * replica, group), so no injector is needed. */
#include <criterion/criterion.h>

#include "batch.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEED 20260101ULL

/* The synthetic simulation: what every worker shares. */
typedef struct synth {
    size_t ngroups;
    const int *counts;
    int nmonths;
    volatile sig_atomic_t *stop; /* set after replica stop_after, if not NULL */
    uint64_t stop_after;
    bool fail_create;            /* worker_create returns NULL */
} synth;

typedef struct synth_worker {
    const synth *sy;
    gsl_rng *r;
} synth_worker;

static void *synth_create(void *user)
{
    const synth *sy = user;
    if (sy->fail_create)
        return NULL;
    synth_worker *w = calloc(1, sizeof *w);
    cr_assert_not_null(w);
    w->sy = sy;
    w->r = rng_create();
    cr_assert_not_null(w->r);
    return w;
}

static void synth_destroy(void *worker)
{
    synth_worker *w = worker;
    rng_destroy(w->r);
    free(w);
}

static int synth_replica(void *worker, uint64_t replica, const stats_out *res,
                         uint64_t *events)
{
    stats_replica *out = res->rec;
    double *const *downcount = res->downcount, *const *month_down = res->month_down;
    synth_worker *w = worker;
    const synth *sy = w->sy;
    for (size_t g = 0; g < sy->ngroups; g++) {
        rng_derive(w->r, SEED, replica, g);
        double u = gsl_rng_uniform(w->r);
        out[g] = (stats_replica){
            .vm_availability = 1 - 1e-3 * u,
            .service_availability = 1 - 1e-4 * gsl_rng_uniform(w->r),
            .downtime_min_per_year = 100 * gsl_rng_uniform(w->r),
            .outages = (double)gsl_rng_uniform_int(w->r, 5),
            .outage_mean_min = 30 * gsl_rng_uniform(w->r),
            .worst_loss = (double)gsl_rng_uniform_int(w->r, (unsigned long)sy->counts[g] + 1),
            .deficit_vm_hours = gsl_rng_uniform(w->r),
            .months_met = (double)gsl_rng_uniform_int(w->r, (unsigned long)sy->nmonths + 1),
            .months = sy->nmonths,
            .alloc_failures = 0,
        };
        for (int k = 0; k <= sy->counts[g]; k++) {
            cr_assert_eq(downcount[g][k], 0.0, "downcount arrays are zeroed");
            downcount[g][k] = 1e4 * gsl_rng_uniform(w->r) + 0.1 * k;
        }
        for (int m = 0; m < sy->nmonths; m++)
            month_down[g][m] = 600 * gsl_rng_uniform(w->r);
    }
    if (sy->stop && replica == sy->stop_after)
        *sy->stop = 1;
    *events = replica + 1;
    return FD_OK;
}

static const int counts3[] = { 5, 3, 7 };

/* A consumer that keeps every block it is given, checking their order. */
typedef struct collect {
    size_t ngroups;
    int nmonths;
    uint64_t n;                /* replicas seen */
    stats_replica *stats;      /* [r * ngroups + g] */
    double *month_down;        /* [(r * ngroups + g) * nmonths + m] */
} collect;

static int collect_block(void *sink, const batch_block *blk, diag *d)
{
    (void)d;
    collect *c = sink;
    cr_assert_eq(blk->first, c->n, "blocks come in replica order, none missed");
    cr_assert_eq(blk->first % BATCH_BLOCK, 0);
    cr_assert(blk->n >= 1 && blk->n <= BATCH_BLOCK);
    cr_assert_eq(blk->ngroups, c->ngroups);
    cr_assert_eq(blk->nmonths, c->nmonths);
    size_t per = c->ngroups, mper = c->ngroups * (size_t)c->nmonths;
    c->stats = realloc(c->stats, (c->n + blk->n) * per * sizeof *c->stats);
    c->month_down = realloc(c->month_down, (c->n + blk->n) * mper * sizeof *c->month_down);
    cr_assert(c->stats && c->month_down);
    memcpy(c->stats + c->n * per, blk->stats, blk->n * per * sizeof *c->stats);
    memcpy(c->month_down + c->n * mper, blk->month_down, blk->n * mper * sizeof *c->month_down);
    c->n += blk->n;
    return FD_OK;
}

/* A batch result with everything its consumer saw. */
typedef struct run_out {
    batch_result *r;
    collect c;
} run_out;

static void run_out_free(run_out *o)
{
    batch_result_destroy(o->r);
    free(o->c.stats);
    free(o->c.month_down);
}

static run_out run(synth *sy, uint64_t replicas, int threads, volatile sig_atomic_t *stop)
{
    run_out o = { .c = { .ngroups = sy->ngroups, .nmonths = sy->nmonths } };
    batch_spec spec = {
        .ngroups = sy->ngroups,
        .counts = sy->counts,
        .nmonths = sy->nmonths,
        .replicas = replicas,
        .threads = threads,
        .worker_create = synth_create,
        .worker_destroy = synth_destroy,
        .replica = synth_replica,
        .user = sy,
        .consume = collect_block,
        .sink = &o.c,
        .progress = false,
        .stop = stop,
    };
    diag d;
    diag_clear(&d);
    cr_assert_eq(batch_run(&spec, &o.r, &d), FD_OK, "%s", d.msg);
    cr_assert_not_null(o.r);
    cr_assert_eq(o.c.n, o.r->replicas, "the consumer saw exactly the replicas counted");
    cr_assert_leq(o.r->window_peak, o.r->window);
    return o;
}

/* Same replicas, same bytes: the totals and everything consumed. */
static void assert_same(const run_out *x, const run_out *y)
{
    const batch_result *a = x->r, *b = y->r;
    cr_assert_eq(a->replicas, b->replicas);
    cr_assert_eq(a->ngroups, b->ngroups);
    cr_assert_eq(a->nmonths, b->nmonths);
    cr_assert_eq(a->events, b->events);
    size_t n = (size_t)a->replicas * a->ngroups;
    cr_assert_eq(memcmp(x->c.stats, y->c.stats, n * sizeof *x->c.stats), 0);
    cr_assert_eq(memcmp(x->c.month_down, y->c.month_down,
                        n * (size_t)a->nmonths * sizeof *x->c.month_down), 0);
    for (size_t g = 0; g < a->ngroups; g++)
        cr_assert_eq(memcmp(a->downcount[g], b->downcount[g],
                            ((size_t)a->counts[g] + 1) * sizeof(double)), 0,
                     "downcount of group %zu differs", g);
}

Test(batch, results_identical_for_1_2_4_threads)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    const uint64_t R = 1003; /* not a whole number of blocks */
    run_out one = run(&sy, R, 1, NULL);
    cr_assert_eq(one.r->replicas, R);
    cr_assert_eq(one.r->requested, R);
    cr_assert_not(one.r->partial);
    cr_assert_eq(one.r->events, R * (R + 1) / 2, "events are summed over replicas");
    for (int t = 2; t <= 8; t *= 2) {
        run_out many = run(&sy, R, t, NULL);
        assert_same(&one, &many);
        cr_assert_not(many.r->partial);
        run_out_free(&many);
    }
    run_out_free(&one);
}

Test(batch, downcount_is_summed_by_blocks_in_replica_order)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    const uint64_t R = 100;
    run_out o = run(&sy, R, 3, NULL);
    const batch_result *r = o.r;
    /* The documented order, replayed here with the same callback. */
    synth_worker *w = synth_create(&sy);
    stats_replica out[3];
    double cells[3][8], months[3][12];
    double *dc[3] = { cells[0], cells[1], cells[2] };
    double *md[3] = { months[0], months[1], months[2] };
    double total[3][8] = { { 0 } }, naive[3][8] = { { 0 } }, blocks[7][3][8] = { { { 0 } } };
    for (uint64_t b = 0; b * BATCH_BLOCK < R; b++) {
        double (*block)[8] = blocks[b];
        for (uint64_t i = b * BATCH_BLOCK; i < (b + 1) * BATCH_BLOCK && i < R; i++) {
            memset(cells, 0, sizeof cells);
            uint64_t ev;
            synth_replica(w, i, &(stats_out){ out, dc, md, NULL }, &ev);
            for (int g = 0; g < 3; g++)
                for (int k = 0; k <= counts3[g]; k++) {
                    block[g][k] += cells[g][k];
                    naive[g][k] += cells[g][k];
                }
        }
    }
    /* 7 blocks, by the tree (blocksum.h): ((b0 + b1) + (b2 + b3)), (b4 + b5), b6 */
    for (int g = 0; g < 3; g++)
        for (int k = 0; k <= counts3[g]; k++) {
            double (*x)[3][8] = blocks;
            double a = (x[0][g][k] + x[1][g][k]) + (x[2][g][k] + x[3][g][k]);
            total[g][k] = ((0.0 + a) + (x[4][g][k] + x[5][g][k])) + x[6][g][k];
        }
    for (int g = 0; g < 3; g++)
        for (int k = 0; k <= counts3[g]; k++) {
            cr_assert_eq(memcmp(&r->downcount[g][k], &total[g][k], sizeof(double)), 0,
                         "group %d, %d down: bit-identical to the block order", g, k);
            cr_assert_float_eq(r->downcount[g][k], naive[g][k], 1e-9 * naive[g][k]);
        }
    synth_destroy(w);
    run_out_free(&o);
}

Test(batch, stop_keeps_the_completed_prefix_on_one_thread)
{
    volatile sig_atomic_t stop = 0;
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12, .stop = &stop,
                 .stop_after = 37 };
    run_out part = run(&sy, 1000, 1, &stop);
    cr_assert(part.r->partial);
    cr_assert_eq(part.r->requested, 1000);
    cr_assert_eq(part.r->replicas, 38, "replica 37 finishes, none after it starts");
    synth plain = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    run_out full = run(&plain, 38, 1, NULL);
    assert_same(&part, &full);
    run_out_free(&part);
    run_out_free(&full);
}

Test(batch, stop_on_many_threads_equals_a_shorter_run)
{
    for (int rep = 0; rep < 5; rep++) {
        volatile sig_atomic_t stop = 0;
        synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12, .stop = &stop,
                     .stop_after = 200 };
        run_out part = run(&sy, 5000, 4, &stop);
        cr_assert(part.r->partial);
        cr_assert_lt(part.r->replicas, 5000);
        if (part.r->replicas > 0) {
            /* Whatever prefix survived, it is exactly a run of that many,
             * and the consumer saw exactly it. */
            synth plain = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
            run_out full = run(&plain, part.r->replicas, 2, NULL);
            assert_same(&part, &full);
            run_out_free(&full);
        }
        run_out_free(&part);
    }
}

Test(batch, stop_before_the_start_runs_nothing)
{
    volatile sig_atomic_t stop = 1;
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    run_out o = run(&sy, 100, 2, &stop);
    const batch_result *r = o.r;
    cr_assert(r->partial);
    cr_assert_eq(r->replicas, 0);
    cr_assert_eq(r->events, 0);
    cr_assert_eq(o.c.n, 0, "nothing consumed");
    for (size_t g = 0; g < 3; g++)
        for (int k = 0; k <= counts3[g]; k++)
            cr_assert_eq(r->downcount[g][k], 0.0);
    run_out_free(&o);
}

Test(batch, more_threads_than_blocks)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 1 };
    run_out a = run(&sy, 5, 64, NULL);
    run_out b = run(&sy, 5, 1, NULL);
    cr_assert_eq(a.r->replicas, 5);
    cr_assert_eq(a.r->window, 1, "the window is capped at the blocks");
    assert_same(&a, &b);
    run_out_free(&a);
    run_out_free(&b);
}

Test(batch, a_worker_that_cannot_be_made_fails_with_enomem)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12, .fail_create = true };
    batch_spec spec = {
        .ngroups = 3, .counts = counts3, .nmonths = 12, .replicas = 100, .threads = 2,
        .worker_create = synth_create, .worker_destroy = synth_destroy,
        .replica = synth_replica, .user = &sy,
    };
    batch_result *r = (batch_result *)&spec; /* must be reset to NULL */
    diag d;
    diag_clear(&d);
    cr_assert_eq(batch_run(&spec, &r, &d), FD_ENOMEM);
    cr_assert_null(r);
    cr_assert_neq(d.msg[0], '\0');
}

Test(batch, destroy_null_is_a_no_op)
{
    batch_result_destroy(NULL);
}

/* The memory for per-replica results is the window, whatever the replicas:
 * 200 000 cheap replicas (12 500 blocks) pass through at most
 * batch_window(threads) distinct slots, and no worker runs more than the
 * window ahead of the consumer. */
typedef struct slots_seen {
    const void *ptr[256];      /* distinct block storage handed to the consumer */
    size_t n;
    uint64_t replicas;
} slots_seen;

static int note_slot(void *sink, const batch_block *blk, diag *d)
{
    (void)d;
    slots_seen *ss = sink;
    cr_assert_eq(blk->first, ss->replicas, "in replica order");
    ss->replicas += blk->n;
    for (size_t i = 0; i < ss->n; i++)
        if (ss->ptr[i] == blk->stats)
            return FD_OK;
    cr_assert_lt(ss->n, 256, "more distinct slots than any window");
    ss->ptr[ss->n++] = blk->stats;
    return FD_OK;
}

static int cheap_replica(void *worker, uint64_t replica, const stats_out *res, uint64_t *events)
{
    (void)worker;
    res->rec[0].downtime_min_per_year = (double)replica;
    res->downcount[0][0] = 1;
    res->month_down[0][0] = 0;
    *events = 1;
    return FD_OK;
}

static void *cheap_create(void *user)
{
    return user;
}

static void cheap_destroy(void *worker)
{
    (void)worker;
}

Test(batch, the_window_bounds_memory_whatever_the_replicas)
{
    static const int one[] = { 1 };
    for (int threads = 1; threads <= 2; threads++) {
        static int token;
        slots_seen ss = { .n = 0 };
        batch_spec spec = {
            .ngroups = 1, .counts = one, .nmonths = 1, .replicas = 200000,
            .threads = threads, .worker_create = cheap_create,
            .worker_destroy = cheap_destroy, .replica = cheap_replica, .user = &token,
            .consume = note_slot, .sink = &ss,
        };
        batch_result *r = NULL;
        cr_assert_eq(batch_run(&spec, &r, NULL), FD_OK);
        cr_assert_eq(r->replicas, 200000);
        cr_assert_eq(ss.replicas, 200000);
        cr_assert_eq(r->window, batch_window(threads));
        cr_assert_leq(r->window_peak, r->window, "ran at most the window ahead");
        cr_assert_leq(ss.n, r->window, "%zu distinct slots for a window of %zu", ss.n,
                      r->window);
        cr_assert_float_eq(r->downcount[0][0], 200000.0, 1e-6);
        batch_result_destroy(r);
    }
}

/* A consumer that fails stops the batch, which fails with its code and
 * message. */
static int fail_at_third(void *sink, const batch_block *blk, diag *d)
{
    int *calls = sink;
    (void)blk;
    if (++*calls == 3)
        return diag_set(d, FD_EIO, "the sink is full");
    return FD_OK;
}

Test(batch, a_failing_consumer_fails_the_batch)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    int calls = 0;
    batch_spec spec = {
        .ngroups = 3, .counts = counts3, .nmonths = 12, .replicas = 5000, .threads = 2,
        .worker_create = synth_create, .worker_destroy = synth_destroy,
        .replica = synth_replica, .user = &sy, .consume = fail_at_third, .sink = &calls,
    };
    batch_result *r = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(batch_run(&spec, &r, &d), FD_EIO);
    cr_assert_null(r);
    cr_assert_str_eq(d.msg, "the sink is full");
    cr_assert_eq(calls, 3, "no block after the failure");
}

/* A consumer that keeps, as a checkpoint does (rundir.c), the replicas
 * seen, the sums of the whole blocks and the running sum of a short last
 * block. */
typedef struct resumable {
    collect c;                 /* the replicas, from `from` on */
    uint64_t from;             /* the first replica expected */
    size_t cells;
    uint64_t replicas;         /* of the whole run */
    blocksum *total;           /* the whole blocks (made on the first block) */
    double partial[32];
    bool has_partial;
    uint64_t events;
} resumable;

static int resumable_block(void *sink, const batch_block *blk, diag *d)
{
    (void)d;
    resumable *k = sink;
    cr_assert_eq(blk->first, k->from + k->c.n, "blocks come in replica order from the start");
    size_t per = k->c.ngroups, mper = per * (size_t)k->c.nmonths;
    k->c.stats = realloc(k->c.stats, (k->c.n + blk->n) * per * sizeof *k->c.stats);
    k->c.month_down = realloc(k->c.month_down,
                              (k->c.n + blk->n) * mper * sizeof *k->c.month_down);
    memcpy(k->c.stats + k->c.n * per, blk->stats, blk->n * per * sizeof *k->c.stats);
    memcpy(k->c.month_down + k->c.n * mper, blk->month_down,
           blk->n * mper * sizeof *k->c.month_down);
    k->c.n += blk->n;
    uint64_t end = blk->first + blk->n;
    if (end % BATCH_BLOCK == 0 || end == k->replicas) {
        if (k->total == NULL)
            cr_assert_eq(blocksum_create(&k->total, k->cells, blk->first / BATCH_BLOCK), FD_OK);
        cr_assert_eq(blocksum_push(k->total, blk->first / BATCH_BLOCK, 0, blk->downcount_sum),
                     FD_OK);
        k->has_partial = false;
    } else {
        memcpy(k->partial, blk->downcount_sum, k->cells * sizeof *k->partial);
        k->has_partial = true;
    }
    k->events += blk->events;
    return FD_OK;
}

static batch_result *run_from(synth *sy, uint64_t replicas, int threads, resumable *k,
                              const batch_start *start, volatile sig_atomic_t *stop)
{
    batch_spec spec = {
        .ngroups = sy->ngroups, .counts = sy->counts, .nmonths = sy->nmonths,
        .replicas = replicas, .threads = threads, .worker_create = synth_create,
        .worker_destroy = synth_destroy, .replica = synth_replica, .user = sy,
        .consume = resumable_block, .sink = k, .stop = stop, .start = start,
    };
    batch_result *r = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(batch_run(&spec, &r, &d), FD_OK, "%s", d.msg);
    return r;
}

Test(batch, a_resumed_batch_gives_the_bytes_of_one_run)
{
    const uint64_t R = 203;
    size_t cells = 0;
    for (int g = 0; g < 3; g++)
        cells += (size_t)counts3[g] + 1;
    synth whole = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    run_out ref = run(&whole, R, 2, NULL);
    /* stopped inside a block (after 37: 38 done), at a block's end (47),
     * and in the last, short block (199) */
    uint64_t stops[] = { 37, 47, 199 };
    for (size_t t = 0; t < 3; t++) {
        volatile sig_atomic_t stop = 0;
        synth sy = whole;
        sy.stop = &stop;
        sy.stop_after = stops[t];
        resumable a = { .c = { .ngroups = 3, .nmonths = 12 }, .cells = cells, .replicas = R };
        batch_result *ra = run_from(&sy, R, 1, &a, NULL, &stop);
        uint64_t P = ra->replicas;
        cr_assert_eq(P, stops[t] + 1);
        cr_assert_eq(a.has_partial, P % BATCH_BLOCK != 0);
        if (a.total == NULL)
            cr_assert_eq(blocksum_create(&a.total, cells, 0), FD_OK);
        batch_start st = { .first = P, .sums = a.total,
                           .block_sum = a.has_partial ? a.partial : NULL, .events = a.events };
        /* resumed, then stopped at once: the same as a run of P replicas */
        volatile sig_atomic_t at_once = 1;
        resumable none = { .c = { .ngroups = 3, .nmonths = 12 }, .from = P, .cells = cells,
                           .replicas = R };
        batch_result *rn = run_from(&whole, R, 3, &none, &st, &at_once);
        cr_assert_eq(rn->replicas, P);
        cr_assert(rn->partial);
        for (size_t g = 0; g < 3; g++)
            cr_assert_eq(memcmp(rn->downcount[g], ra->downcount[g],
                                ((size_t)counts3[g] + 1) * sizeof(double)), 0);
        /* resumed to the end on 3 threads */
        resumable b = { .c = { .ngroups = 3, .nmonths = 12 }, .from = P, .cells = cells,
                        .replicas = R };
        batch_result *rb = run_from(&whole, R, 3, &b, &st, NULL);
        cr_assert_eq(rb->replicas, R);
        cr_assert_not(rb->partial);
        cr_assert_eq(rb->events, ref.r->events);
        for (size_t g = 0; g < 3; g++)
            cr_assert_eq(memcmp(rb->downcount[g], ref.r->downcount[g],
                                ((size_t)counts3[g] + 1) * sizeof(double)), 0,
                         "stopped after %llu: downcount of group %zu",
                         (unsigned long long)stops[t], g);
        size_t per = 3;
        cr_assert_eq(memcmp(a.c.stats, ref.c.stats, P * per * sizeof *a.c.stats), 0);
        cr_assert_eq(memcmp(b.c.stats, ref.c.stats + P * per,
                            (R - P) * per * sizeof *b.c.stats), 0);
        batch_result_destroy(ra);
        batch_result_destroy(rn);
        batch_result_destroy(rb);
        free(a.c.stats);
        free(a.c.month_down);
        blocksum_destroy(a.total);
        blocksum_destroy(b.total);
        blocksum_destroy(none.total);
        free(b.c.stats);
        free(b.c.month_down);
        free(none.c.stats);
        free(none.c.month_down);
    }
    /* every replica done already: nothing runs, the totals are given back */
    resumable full = { .c = { .ngroups = 3, .nmonths = 12 }, .cells = cells, .replicas = R };
    batch_result *rf = run_from(&whole, R, 2, &full, NULL, NULL);
    batch_start all = { .first = R, .sums = full.total, .events = ref.r->events };
    resumable z = { .c = { .ngroups = 3, .nmonths = 12 }, .from = R, .cells = cells,
                    .replicas = R };
    batch_result *rz = run_from(&whole, R, 2, &z, &all, NULL);
    cr_assert_eq(rz->replicas, R);
    cr_assert_not(rz->partial);
    cr_assert_eq(z.c.n, 0);
    cr_assert_eq(memcmp(rz->downcount[2], ref.r->downcount[2], 8 * sizeof(double)), 0);
    batch_result_destroy(rz);
    batch_result_destroy(rf);
    blocksum_destroy(full.total);
    free(full.c.stats);
    free(full.c.month_down);
    run_out_free(&ref);
}
