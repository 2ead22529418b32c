/* Tests of sim: dispatch order, the clock, replicas and stream independence. */
#include <criterion/criterion.h>

#include "diag.h"
#include "rng.h"
#include "sim.h"

#include <signal.h>

typedef struct trace {
    double t[64];   /* times seen */
    uint32_t id[64];/* ids seen */
    int n;
} trace;

static void record(sim *s, const evq_event *ev, void *ctx)
{
    trace *tr = ctx;
    tr->t[tr->n] = sim_now(s);
    tr->id[tr->n++] = ev->id;
    if (ev->data == 1) /* a chained event: schedule one more, later */
        sim_at(s, sim_now(s) + 5, 0, ev->id + 100, 0);
}

static sim *make(uint64_t seed, const char *const *names, size_t n)
{
    uint64_t ids[8] = { 0 };
    for (size_t i = 0; i < n; i++)
        ids[i] = rng_stream_id(names[i]);
    sim *s;
    cr_assert_eq(sim_create(&s, seed, ids, n), 0);
    return s;
}

Test(sim, events_run_in_time_then_insertion_order)
{
    sim *s = make(1, NULL, 0);
    trace tr = { .n = 0 };
    sim_register(s, 0, record, &tr);
    sim_at(s, 10, 0, 1, 0);
    sim_at(s, 5, 0, 2, 0);
    sim_at(s, 10, 0, 3, 0);
    sim_at(s, 7, 0, 4, 1);
    cr_assert_eq(sim_run(s, 100), 5);
    uint32_t want[] = { 2, 4, 1, 3, 104 };
    for (int i = 0; i < 5; i++)
        cr_assert_eq(tr.id[i], want[i], "event %d", i);
    cr_assert_float_eq(tr.t[4], 12, 1e-12);
    cr_assert_float_eq(sim_now(s), 100, 1e-12);
    sim_destroy(s);
}

Test(sim, run_stops_at_the_horizon_and_resumes)
{
    sim *s = make(1, NULL, 0);
    trace tr = { .n = 0 };
    sim_register(s, 0, record, &tr);
    sim_at(s, 10, 0, 1, 0);
    sim_at(s, 20, 0, 2, 0);
    cr_assert_eq(sim_run(s, 15), 1);
    cr_assert_float_eq(sim_now(s), 15, 1e-12);
    cr_assert_eq(sim_step(s, 19, NULL), 0, "nothing due before 19");
    cr_assert_eq(sim_run(s, 30), 1);
    cr_assert_eq(sim_events(s), 2);
    sim_destroy(s);
}

Test(sim, cancelled_events_do_not_run)
{
    sim *s = make(1, NULL, 0);
    trace tr = { .n = 0 };
    sim_register(s, 0, record, &tr);
    evq_handle h = sim_at(s, 10, 0, 1, 0);
    sim_at(s, 11, 0, 2, 0);
    sim_cancel(s, h);
    sim_run(s, 100);
    sim_cancel(s, h); /* already gone: ignored */
    cr_assert_eq(tr.n, 1);
    cr_assert_eq(tr.id[0], 2);
    sim_destroy(s);
}

Test(sim, scheduling_in_the_past_is_a_broken_invariant, .signal = SIGABRT)
{
    sim *s = make(1, NULL, 0);
    trace tr = { .n = 0 };
    sim_register(s, 0, record, &tr);
    sim_at(s, 10, 0, 1, 0);
    sim_run(s, 10);
    sim_at(s, 5, 0, 1, 0);
}

Test(sim, reset_replays_a_replica_exactly)
{
    const char *names[] = { "db" };
    sim *s = make(42, names, 1);
    sim_reset(s, 7);
    double a = gsl_rng_uniform(sim_world_rng(s, SIM_STREAM_HOST));
    double b = gsl_rng_uniform(sim_group_rng(s, 0));
    sim_reset(s, 8);
    cr_assert_neq(gsl_rng_uniform(sim_world_rng(s, SIM_STREAM_HOST)), a);
    sim_reset(s, 7);
    cr_assert_eq(gsl_rng_uniform(sim_world_rng(s, SIM_STREAM_HOST)), a);
    cr_assert_eq(gsl_rng_uniform(sim_group_rng(s, 0)), b);
    cr_assert_eq(sim_replica(s), 7);
    cr_assert_eq(sim_seed(s), 42);
    sim_destroy(s);
}

Test(sim, streams_do_not_depend_on_the_other_groups)
{
    const char *one[] = { "db" };
    const char *three[] = { "web", "cache", "db" };
    sim *a = make(9, one, 1), *b = make(9, three, 3);
    sim_reset(a, 3);
    sim_reset(b, 3);
    for (int i = 0; i < 100; i++) {
        cr_assert_eq(gsl_rng_get(sim_group_rng(a, 0)), gsl_rng_get(sim_group_rng(b, 2)));
        cr_assert_eq(gsl_rng_get(sim_world_rng(a, SIM_STREAM_RACK)),
                     gsl_rng_get(sim_world_rng(b, SIM_STREAM_RACK)));
    }
    cr_assert_neq(gsl_rng_get(sim_group_rng(b, 0)), gsl_rng_get(sim_group_rng(b, 1)));
    cr_assert_neq(gsl_rng_get(sim_world_rng(b, SIM_STREAM_HOST)),
                  gsl_rng_get(sim_world_rng(b, SIM_STREAM_RACK)));
    sim_destroy(a);
    sim_destroy(b);
}

Test(sim, two_simulations_side_by_side_are_independent)
{
    sim *a = make(5, NULL, 0), *b = make(5, NULL, 0);
    trace ta = { .n = 0 }, tb = { .n = 0 };
    sim_register(a, 0, record, &ta);
    sim_register(b, 0, record, &tb);
    sim_at(a, 1, 0, 1, 0);
    sim_at(b, 2, 0, 2, 0);
    sim_run(a, 10);
    cr_assert_eq(ta.n, 1);
    cr_assert_eq(tb.n, 0);
    cr_assert_float_eq(sim_now(b), 0, 1e-12);
    sim_destroy(a);
    sim_destroy(b);
    sim_destroy(NULL);
}

/* Out of memory mid-replica is an error the caller reports, not an abort:
 * with the address space capped (this test runs in its own process), a
 * queue that keeps growing fails, sim_step runs nothing more and
 * sim_status says FD_ENOMEM; a reset clears it. */
#if defined(__SANITIZE_ADDRESS__)
Test(sim, running_out_of_memory_stops_the_replica, .disabled = true) {}
#else
#include <sys/resource.h>

static void flood(sim *s, const evq_event *ev, void *ctx)
{
    (void)ev;
    (void)ctx;
    for (int i = 0; i < 1000; i++)
        sim_at(s, sim_now(s) + 1 + i, 0, 0, 0);
}

Test(sim, running_out_of_memory_stops_the_replica)
{
    sim *s = make(1, NULL, 0);
    sim_register(s, 0, flood, NULL);
    struct rlimit lim = { 256u << 20, 256u << 20 };
    cr_assert_eq(setrlimit(RLIMIT_AS, &lim), 0);
    sim_at(s, 0, 0, 0, 0);
    uint64_t n = 0;
    while (sim_step(s, 1e300, NULL) && n < 100000000)
        n++;
    cr_assert_eq(sim_status(s), FD_ENOMEM, "after %llu events", (unsigned long long)n);
    cr_assert_eq(sim_step(s, 1e300, NULL), 0, "nothing more runs");
    sim_reset(s, 1);
    cr_assert_eq(sim_status(s), FD_OK);
    sim_destroy(s);
}
#endif
