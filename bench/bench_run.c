/*
 * bench_run: how fast fdsim simulates.  Prints figures; never passes or fails.
 *
 * World: 3 zones x 12 racks x 16 hosts x 8 slots, one Flexible group of
 * 1000 VMs spread over the three zones, one simulated year per replica,
 * with host, rack and zone failures, service healing, rebootless and
 * rebootful maintenance (the built-in defaults).  Reports events per second
 * and VM-years simulated per second per core on 1 thread, then the speed-up
 * on 2 threads, and on 1 thread with every replica placed afresh
 * (simulation.placement = perReplica); then the built-in default
 * scenario's replicas per second.
 *
 * Each figure is the best of 5 timed repetitions (the machine's speed
 * varies from run to run; the median is printed beside it).
 *
 * First the speed issue's reference world R1 (60 racks x 16 hosts x 8
 * slots, regional, 1000 VMs with max spreading, quorum 900).
 *
 * usage: bench_run [REPLICAS]   (default 2000)
 */
#include "inject.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char bench_world[] =
    "[simulation]\nhorizon = 1y\n"
    "[region]\nzones = 3\nracksPerZone = 12\nhostsPerRack = 16\nvmsPerHost = 8\n"
    "[group.big]\nzones = 1,2,3\ncount = 1000\n";

typedef struct job {
    const scenario *s;
    uint64_t first, n;  /* replicas [first, first + n) */
    uint64_t events;    /* events run */
} job;

static void *work(void *arg)
{
    job *j = arg;
    inject *in;
    diag d;
    diag_clear(&d);
    if (inject_create(&in, j->s, &d) != FD_OK) {
        fprintf(stderr, "bench_run: %s\n", d.msg);
        exit(1);
    }
    stats_replica out[SCEN_MAX_GROUPS];
    for (uint64_t r = j->first; r < j->first + j->n; r++) {
        inject_replica(in, r, &(stats_out){ .rec = out }, NULL);
        j->events += inject_events(in);
    }
    inject_destroy(in);
    return NULL;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Run n replicas on `threads` threads; returns wall seconds, sets *events. */
static double run(const scenario *s, uint64_t n, int threads, uint64_t *events)
{
    pthread_t tid[2];
    job jobs[2];
    double t0 = seconds();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (job){ s, n * (uint64_t)i / (uint64_t)threads,
                         n * (uint64_t)(i + 1) / (uint64_t)threads - n * (uint64_t)i / (uint64_t)threads, 0 };
        pthread_create(&tid[i], NULL, work, &jobs[i]);
    }
    *events = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        *events += jobs[i].events;
    }
    return seconds() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Best and median wall time of 5 repetitions of run(). */
static void timed(const scenario *s, uint64_t n, int threads, double *best, double *median,
                  uint64_t *events)
{
    double t[5];
    for (int i = 0; i < 5; i++)
        t[i] = run(s, n, threads, events);
    qsort(t, 5, sizeof t[0], cmp_double);
    *best = t[0];
    *median = t[2];
}

/* The speed issue's reference world R1: 60 racks x 16 hosts x 8 slots,
 * regional, one Flexible group of 1000 VMs with max spreading, quorum 900. */
static const char r1_world[] =
    "[simulation]\nhorizon = 1y\n"
    "[region]\nracksPerZone = 60\nhostsPerRack = 16\nvmsPerHost = 8\n"
    "[host]\ntimeToFailure = exp(mean=12.5y)\nrepairTime = lognormal(median=2d, sigma=1)\n"
    "[healing]\ntime = lognormal(median=15m, sigma=0.5)\n"
    "[rack]\ntimeToFailure = exp(mean=10y)\noutage = uniform(1h, 6h)\n"
    "[rebootless]\nperiod = 30d\npause = fixed(8s)\nsettle = 1792s\npauseTolerance = 0s\n"
    "[rebootful]\nperiod = 1y\nreboot = fixed(25m)\nsettle = 30m\n"
    "[group.flex]\ncount = 1000\nquorum = 900\n";

/* Print a 1000-VM world's figures; the 1-thread best time goes to *t1. */
static int figures(const char *title, const char *text, uint64_t n, double *t1)
{
    scenario *s;
    diag d;
    diag_clear(&d);
    if (scenario_load_text(&s, text, strlen(text), "bench", ".", NULL, 0, stderr, &d))
        return -1;
    double vm_years = 1000.0 * (s->horizon / (365.0 * 86400.0));
    uint64_t ev1, ev2;
    double m1, t2, m2;
    timed(s, n, 1, t1, &m1, &ev1);
    timed(s, n, 2, &t2, &m2, &ev2);
    printf("%s, %llu replicas of 1 year (best of 5; median in brackets)\n", title,
           (unsigned long long)n);
    printf("  events per replica-year       %.0f\n", (double)ev1 / (double)n);
    printf("  1 thread:  %.3f s [%.3f]  %.2f M events/s  %.2f M VM-years/s per core [%.2f]\n",
           *t1, m1, (double)ev1 / *t1 / 1e6, (double)n * vm_years / *t1 / 1e6,
           (double)n * vm_years / m1 / 1e6);
    printf("  2 threads: %.3f s [%.3f]  speed-up %.2f\n", t2, m2, *t1 / t2);
    scenario_destroy(s);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000;
    scenario *s;
    diag d;
    diag_clear(&d);
    double t1, r1;
    if (figures("R1 (60 racks, 1000 VMs, quorum 900)", r1_world, n, &r1) < 0 ||
        figures("1000-VM world over 3 zones", bench_world, n, &t1) < 0)
        return 1;
    uint64_t ev1, ev2;
    double vm_years = 1000.0;

    /* the same world placed afresh for every replica */
    const char *per = "simulation.placement=perReplica";
    if (scenario_load_text(&s, bench_world, strlen(bench_world), "bench", ".", &per, 1, stderr, &d))
        return 1;
    double tp, mp;
    timed(s, n, 1, &tp, &mp, &ev1);
    printf("  placement = perReplica, 1 thread: %.3f s [%.3f]  %.2f M VM-years/s per core "
           "(%+.0f %% against once)\n", tp, mp, (double)n * vm_years / tp / 1e6,
           100 * (tp / t1 - 1));
    scenario_destroy(s);

    if (scenario_load_default(&s, NULL, 0, stderr, &d))
        return 1;
    uint64_t m = 10000;
    double td, md;
    timed(s, m, 2, &td, &md, &ev2);
    printf("default scenario (%zu groups), %llu replicas on 2 threads: %.3f s [%.3f] "
           "(%.0f events per replica)\n", s->ngroups, (unsigned long long)m, td, md,
           (double)ev2 / (double)m);
    scenario_destroy(s);
    return 0;
}
