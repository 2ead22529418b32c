/* Tests of batch: results independent of the thread count, bit for bit;
 * the down-count sum in replica order; stopping at a replica boundary keeps
 * a deterministic prefix; errors.  A synthetic replica callback draws every
 * value from the stream rng_derive(seed, replica, group), so no injector is
 * needed. */
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

static batch_result *run(synth *sy, uint64_t replicas, int threads, volatile sig_atomic_t *stop)
{
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
        .progress = false,
        .stop = stop,
    };
    batch_result *r = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(batch_run(&spec, &r, &d), FD_OK, "%s", d.msg);
    cr_assert_not_null(r);
    return r;
}

/* Same replicas, same bytes: every array the result holds. */
static void assert_same(const batch_result *a, const batch_result *b)
{
    cr_assert_eq(a->replicas, b->replicas);
    cr_assert_eq(a->ngroups, b->ngroups);
    cr_assert_eq(a->nmonths, b->nmonths);
    cr_assert_eq(a->events, b->events);
    size_t n = (size_t)a->replicas * a->ngroups;
    cr_assert_eq(memcmp(a->stats, b->stats, n * sizeof *a->stats), 0);
    cr_assert_eq(memcmp(a->month_down, b->month_down,
                        n * (size_t)a->nmonths * sizeof *a->month_down), 0);
    for (size_t g = 0; g < a->ngroups; g++)
        cr_assert_eq(memcmp(a->downcount[g], b->downcount[g],
                            ((size_t)a->counts[g] + 1) * sizeof(double)), 0,
                     "downcount of group %zu differs", g);
}

Test(batch, results_identical_for_1_2_4_threads)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    const uint64_t R = 1003; /* not a whole number of blocks */
    batch_result *one = run(&sy, R, 1, NULL);
    cr_assert_eq(one->replicas, R);
    cr_assert_eq(one->requested, R);
    cr_assert_not(one->partial);
    cr_assert_eq(one->events, R * (R + 1) / 2, "events are summed over replicas");
    for (int t = 2; t <= 8; t *= 2) {
        batch_result *many = run(&sy, R, t, NULL);
        assert_same(one, many);
        cr_assert_not(many->partial);
        batch_result_destroy(many);
    }
    batch_result_destroy(one);
}

Test(batch, downcount_is_summed_by_blocks_in_replica_order)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    const uint64_t R = 100;
    batch_result *r = run(&sy, R, 3, NULL);
    /* The documented order, replayed here with the same callback. */
    synth_worker *w = synth_create(&sy);
    stats_replica out[3];
    double cells[3][8], months[3][12];
    double *dc[3] = { cells[0], cells[1], cells[2] };
    double *md[3] = { months[0], months[1], months[2] };
    double total[3][8] = { { 0 } }, naive[3][8] = { { 0 } };
    for (uint64_t b = 0; b * BATCH_BLOCK < R; b++) {
        double block[3][8] = { { 0 } };
        for (uint64_t i = b * BATCH_BLOCK; i < (b + 1) * BATCH_BLOCK && i < R; i++) {
            memset(cells, 0, sizeof cells);
            uint64_t ev;
            synth_replica(w, i, &(stats_out){ out, dc, md }, &ev);
            for (int g = 0; g < 3; g++)
                for (int k = 0; k <= counts3[g]; k++) {
                    block[g][k] += cells[g][k];
                    naive[g][k] += cells[g][k];
                }
        }
        for (int g = 0; g < 3; g++)
            for (int k = 0; k <= counts3[g]; k++)
                total[g][k] += block[g][k];
    }
    for (int g = 0; g < 3; g++)
        for (int k = 0; k <= counts3[g]; k++) {
            cr_assert_eq(memcmp(&r->downcount[g][k], &total[g][k], sizeof(double)), 0,
                         "group %d, %d down: bit-identical to the block order", g, k);
            cr_assert_float_eq(r->downcount[g][k], naive[g][k], 1e-9 * naive[g][k]);
        }
    synth_destroy(w);
    batch_result_destroy(r);
}

Test(batch, stop_keeps_the_completed_prefix_on_one_thread)
{
    volatile sig_atomic_t stop = 0;
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12, .stop = &stop,
                 .stop_after = 37 };
    batch_result *part = run(&sy, 1000, 1, &stop);
    cr_assert(part->partial);
    cr_assert_eq(part->requested, 1000);
    cr_assert_eq(part->replicas, 38, "replica 37 finishes, none after it starts");
    synth plain = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    batch_result *full = run(&plain, 38, 1, NULL);
    assert_same(part, full);
    batch_result_destroy(part);
    batch_result_destroy(full);
}

Test(batch, stop_on_many_threads_equals_a_shorter_run)
{
    for (int rep = 0; rep < 5; rep++) {
        volatile sig_atomic_t stop = 0;
        synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12, .stop = &stop,
                     .stop_after = 200 };
        batch_result *part = run(&sy, 5000, 4, &stop);
        cr_assert(part->partial);
        cr_assert_lt(part->replicas, 5000);
        if (part->replicas > 0) {
            /* Whatever prefix survived, it is exactly a run of that many. */
            synth plain = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
            batch_result *full = run(&plain, part->replicas, 2, NULL);
            assert_same(part, full);
            batch_result_destroy(full);
        }
        batch_result_destroy(part);
    }
}

Test(batch, stop_before_the_start_runs_nothing)
{
    volatile sig_atomic_t stop = 1;
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 12 };
    batch_result *r = run(&sy, 100, 2, &stop);
    cr_assert(r->partial);
    cr_assert_eq(r->replicas, 0);
    cr_assert_eq(r->events, 0);
    for (size_t g = 0; g < 3; g++)
        for (int k = 0; k <= counts3[g]; k++)
            cr_assert_eq(r->downcount[g][k], 0.0);
    batch_result_destroy(r);
}

Test(batch, more_threads_than_blocks)
{
    synth sy = { .ngroups = 3, .counts = counts3, .nmonths = 1 };
    batch_result *a = run(&sy, 5, 64, NULL);
    batch_result *b = run(&sy, 5, 1, NULL);
    cr_assert_eq(a->replicas, 5);
    assert_same(a, b);
    batch_result_destroy(a);
    batch_result_destroy(b);
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
