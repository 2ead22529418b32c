/*
 * bench_rare: what the restart estimator buys on the built-in default
 * scenario, per group (issue 13's targets).  Prints figures; never passes
 * or fails on them: exit 0, 1 with a message when it cannot run, 2 on bad
 * arguments.
 *
 *  - restart: `fdsim run`'s runner on the default scenario as it is
 *    (restart, precision 0.1, its pilot included) on THREADS threads: the
 *    wall time, the root replicas, and per group the estimate, its relative
 *    95 % half-width, the relative variance per root replica
 *    (N x (half-width / t)^2 / mean^2 ... that is N x (rel / 1.96)^2), the
 *    CPU seconds per root replica (getrusage over the run, pilot included,
 *    divided by N), and the work-normalised relative variance
 *    WNRV = relative variance x CPU seconds per replica: the CPU seconds a
 *    relative variance of 1 of the mean costs.  The wall time to +-10 % of
 *    a group is the run's wall time x the root replicas that group needs
 *    (N x (rel / 0.1)^2) over N, plus the pilot.
 *  - plain: the same scenario with simulation.estimator = plain and
 *    PLAIN_REPLICAS replicas: per group the relative variance per replica
 *    and its WNRV where the replicas saw at least 30 outages; where they saw
 *    fewer, the relative variance per replica is estimated from the restart
 *    run as (1 + cv^2) / r, r = outages per replica-year and cv = 1 for
 *    the outage lengths (marked "model"), the plain run's CPU time per
 *    replica giving its WNRV.
 *  - the ratio of the two WNRVs: the variance reduction at equal CPU time.
 *
 * Usage: bench_rare [PLAIN_REPLICAS (default 400000)] [THREADS (default 2)]
 */
#include "digest.h"
#include "place.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6
           + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
}

/* One run of the default scenario with `sets`: its digest's figures. */
typedef struct figures {
    uint64_t n;                   /* replicas */
    double wall, cpu, pilot;      /* s */
    double mean[SCEN_MAX_GROUPS]; /* service unavailability */
    double rel[SCEN_MAX_GROUPS];  /* relative 95 % half-width */
    double outages[SCEN_MAX_GROUPS]; /* (weighted) outages per replica */
    double evidence[SCEN_MAX_GROUPS]; /* outages seen (plain) or roots with one (restart) */
    char name[SCEN_MAX_GROUPS][SCEN_NAME_MAX];
    size_t ng;
} figures;

static int run(const char *const *sets, size_t nsets, figures *f, diag *d)
{
    scenario *s = NULL;
    place_result *pl = NULL;
    report_sink *sink = NULL;
    batch_result *res = NULL;
    runner_outcome oc = { 0 };
    int rc = scenario_load_default(&s, sets, nsets, stderr, d);
    if (rc == FD_OK)
        rc = place_build(s, &pl, d);
    if (rc == FD_OK)
        rc = report_sink_create(&sink, s, 0, NULL, 0, d);
    double t0 = now_s(), c0 = cpu_s();
    if (rc == FD_OK)
        rc = runner_run(s, pl, NULL, NULL, report_sink_consume, sink, &res, &oc, d);
    if (rc == FD_OK) {
        f->wall = now_s() - t0;
        f->cpu = cpu_s() - c0;
        f->pilot = oc.pilot_seconds;
        f->n = res->replicas;
        f->ng = s->ngroups;
        const digest *dg = report_sink_digest(sink);
        for (size_t g = 0; g < s->ngroups; g++) {
            stats_summary u = digest_summary(dg, g, DIGEST_SVC_UNAVAIL);
            snprintf(f->name[g], sizeof f->name[g], "%s", s->groups[g].name);
            f->mean[g] = u.mean;
            f->rel[g] = u.mean > 0 ? (u.ci_high - u.ci_low) / 2 / u.mean : INFINITY;
            f->outages[g] = digest_outages(dg, g) / (double)res->replicas;
            f->evidence[g] = s->estimator == ESTIMATOR_RESTART
                                 ? (double)digest_with_outage(dg, g) : digest_outages(dg, g);
        }
    }
    runner_outcome_fini(&oc);
    batch_result_destroy(res);
    report_sink_destroy(sink);
    place_result_destroy(pl);
    scenario_destroy(s);
    return rc;
}

int main(int argc, char **argv)
{
    long plain_n = argc > 1 ? atol(argv[1]) : 400000;
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    if (plain_n < 1000 || threads < 1 || argc > 3) {
        fprintf(stderr, "usage: bench_rare [PLAIN_REPLICAS >= 1000] [THREADS]\n");
        return 2;
    }
    char th[64], pn[64];
    snprintf(th, sizeof th, "simulation.threads=%d", threads);
    snprintf(pn, sizeof pn, "simulation.replicas=%ld", plain_n);
    const char *rsets[] = { th };
    const char *psets[] = { th, pn, "simulation.estimator=plain", "simulation.precision=0",
                            "simulation.timeLimit=0s" };
    figures r = { 0 }, p = { 0 };
    diag d;
    diag_clear(&d);
    if (run(rsets, 1, &r, &d) != FD_OK || run(psets, 5, &p, &d) != FD_OK) {
        fprintf(stderr, "bench_rare: %s\n", d.msg);
        return 1;
    }
    printf("default scenario, %d threads\n", threads);
    printf("restart: %llu root replicas to +-10 %%, %.2f s wall (pilot %.2f s), %.2f CPU s, "
           "%.0f us CPU per root replica\n", (unsigned long long)r.n, r.wall, r.pilot, r.cpu,
           1e6 * r.cpu / (double)r.n);
    printf("plain:   %llu replicas, %.2f s wall, %.2f CPU s, %.1f us CPU per replica\n\n",
           (unsigned long long)p.n, p.wall, p.cpu, 1e6 * p.cpu / (double)p.n);
    printf("%-9s %12s %7s %10s %11s %11s %12s %11s %11s %9s\n", "group", "restart U", "+-",
           "relvar", "WNRV s", "wall +-10%", "plain U", "relvar", "WNRV s", "gain");
    for (size_t g = 0; g < r.ng; g++) {
        double rv = (double)r.n * pow(r.rel[g] / 1.96, 2), w = rv * r.cpu / (double)r.n;
        double need = (double)r.n * pow(r.rel[g] / 0.1, 2);
        double wall10 = r.pilot + (r.wall - r.pilot) * need / (double)r.n;
        double prv, pw;
        const char *how = "";
        if (p.evidence[g] >= 30 && isfinite(p.rel[g])) {
            prv = (double)p.n * pow(p.rel[g] / 1.96, 2);
        } else { /* too few outages to measure: (1 + cv^2) / r, cv = 1 */
            prv = 2 / r.outages[g];
            how = " (model)";
        }
        pw = prv * p.cpu / (double)p.n;
        printf("%-9s %12.4g %6.1f%% %10.3g %11.3g %10.2fs %12.4g %11.3g %11.3g %9.3g%s\n",
               r.name[g], r.mean[g], 100 * r.rel[g], rv, w, wall10, p.mean[g], prv, pw, pw / w,
               how);
    }
    return 0;
}
