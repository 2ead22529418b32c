/*
 * analytic: the exact long-run values against the simulator, the
 * refusals, and the exact worst-case invariants of DOMAIN.md section 6 on
 * traces.
 *
 * Agreement: each scenario inflates its failure rates so that outages are
 * common, runs long horizons (10 y, to make the start-up transient, about
 * one repair time, negligible) and enough replicas, and asserts that the
 * analytic value lies in the simulated interval for the mean.  The interval
 * is the 99.9 % one (3.29 standard errors), not 95 %: sixteen 95 % checks
 * would fail somewhere by chance more often than not, which a fixed seed
 * only hides.  Each check also asserts the interval is narrow (within 10 %
 * of the unavailability), so agreement means something.
 */
#include <criterion/criterion.h>

#include "analytic.h"
#include "csvio.h"
#include "inject.h"
#include "place.h"
#include "support.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void init(void)
{
    gsl_set_error_handler_off();
}

TestSuite(analytic, .init = init);


/* mean +- 3.29 standard errors */
static void assert_agrees(const char *what, const char *metric, const double *x, int n,
                          double exact_unavail)
{
    double m = 0, v = 0;
    for (int i = 0; i < n; i++)
        m += x[i];
    m /= n;
    for (int i = 0; i < n; i++)
        v += (x[i] - m) * (x[i] - m);
    double se = sqrt(v / (n - 1) / n), half = 3.29 * se;
    cr_assert(fabs(m - exact_unavail) <= half,
              "%s, %s: analytic unavailability %.6g outside the simulated [%.6g, %.6g] "
              "(%d replicas)", what, metric, exact_unavail, m - half, m + half, n);
    cr_assert_lt(half, 0.1 * exact_unavail, "%s, %s: interval +-%.3g too wide for %.3g", what,
                 metric, half, exact_unavail);
}

/* Run `reps` replicas of `text` and compare group 0 with the analytic
 * values computed on the inject's own placement (before any replica moves
 * a VM). */
static void agree(const char *what, const char *text, uint64_t seed, int reps)
{
    scenario *s = load_quiet(text, seed);
    inject *in = NULL;
    cr_assert_eq(inject_create(&in, s, NULL), FD_OK);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute_placed(s, inject_placement(in), &an, NULL), FD_OK);
    const analytic_group *ag = &an->groups[0];
    cr_assert(ag->service.exact && ag->vm.exact, "%s: refused: %s", what, ag->reason);
    double *svc = malloc((size_t)reps * sizeof *svc), *vm = malloc((size_t)reps * sizeof *vm);
    stats_replica out[4];
    for (int r = 0; r < reps; r++) {
        inject_replica(in, (uint64_t)r, &(stats_out){ .rec = out }, NULL);
        svc[r] = 1 - out[0].service_availability;
        vm[r] = 1 - out[0].vm_availability;
    }
    assert_agrees(what, "service", svc, reps, ag->service.unavail);
    assert_agrees(what, "VM", vm, reps, ag->vm.unavail);
    free(svc);
    free(vm);
    analytic_result_destroy(an);
    inject_destroy(in);
    scenario_destroy(s);
}

#define WORLD "[simulation]\nhorizon = 10y\n[region]\nracksPerZone = 8\nhostsPerRack = 4\n" \
              "vmsPerHost = 2\n"
/* healing needs empty hosts: with 8 per rack, all empty ones down is negligible */
#define WORLD_BIG "[simulation]\nhorizon = 10y\n[region]\nracksPerZone = 8\nhostsPerRack = 8\n" \
                  "vmsPerHost = 2\n"
#define HOSTS_NOHEAL "[host]\nenabled = true\ntimeToFailure = exp(mean=300h)\n" \
                     "repairTime = exp(mean=20h)\n"
#define HOSTS_HEAL "[host]\nenabled = true\ntimeToFailure = exp(mean=300h)\n" \
                   "repairTime = exp(mean=20h)\n[healing]\nenabled = true\ntime = fixed(2h)\n"
#define RACKS "[rack]\nenabled = true\ntimeToFailure = exp(mean=200h)\noutage = exp(mean=10h)\n"
#define ZONES "[zone]\nenabled = true\ntimeToFailure = exp(mean=500h)\noutage = exp(mean=20h)\n"
#define REBOOTLESS "[rebootless]\nenabled = true\nperiod = 2d\npause = fixed(40m)\n" \
                   "reboot = fixed(1h)\nsettle = 30m\n"
#define REBOOTFUL "[rebootful]\nenabled = true\nperiod = 5d\nreboot = fixed(3h)\nsettle = 1h\n"

/* ------------------------------------------------------- Flexible -- */

Test(analytic, flexible_max_spreading_hosts_without_healing_agree)
{
    agree("flex max, hosts", WORLD HOSTS_NOHEAL "[group.g]\ncount = 5\nquorum = 3\n", 1, 300);
}

Test(analytic, flexible_max_spreading_healing_and_rebootless_agree)
{
    agree("flex max, healing, rebootless",
          WORLD_BIG HOSTS_HEAL REBOOTLESS "[group.g]\ncount = 6\nquorum = 5\n", 2, 200);
}

Test(analytic, flexible_fixed_2_racks_and_rebootful_agree)
{
    agree("flex FD 2, racks, rebootful",
          WORLD RACKS REBOOTFUL "[group.g]\nplatformFaultDomainCount = 2\ncount = 6\nquorum = 3\n",
          3, 300);
}

Test(analytic, flexible_fixed_3_hosts_racks_both_walks_agree)
{
    agree("flex FD 3, hosts, racks, both walks",
          WORLD HOSTS_NOHEAL RACKS REBOOTLESS REBOOTFUL
          "[group.g]\nplatformFaultDomainCount = 3\ncount = 7\nquorum = 5\n", 4, 200);
}

Test(analytic, flexible_zonal_zones_racks_agree)
{
    agree("flex zonal",
          "[simulation]\nhorizon = 10y\n[region]\nname = eastus\nzones = 3\nracksPerZone = 3\n"
          "hostsPerRack = 4\nvmsPerHost = 2\n" ZONES RACKS
          "[group.g]\nzones = 1,2,3\ncount = 6\nquorum = 4\n", 5, 300);
}

Test(analytic, flexible_spot_share_agree)
{
    agree("flex spot",
          WORLD HOSTS_NOHEAL "[spot]\nevictionRate = 0.02\nrestoreTime = exp(mean=5h)\n"
          "[group.g]\ncount = 6\nquorum = 4\nspotShare = 0.5\n", 6, 200);
}

Test(analytic, flexible_without_memory_preserving_reboots_in_rebootless_walks_agree)
{
    agree("flex, no memory-preserving",
          WORLD REBOOTLESS REBOOTFUL "[group.g]\nplatformFaultDomainCount = 3\ncount = 6\n"
          "quorum = 4\nmemoryPreservingMaintenance = false\n", 7, 300);
}

/* -------------------------------------------------------- Uniform -- */

Test(analytic, uniform_fd5_racks_and_update_domains_agree)
{
    agree("uniform FD 5", WORLD RACKS REBOOTFUL
          "[group.g]\norchestrationMode = Uniform\ncount = 10\nquorum = 7\n", 8, 300);
}

Test(analytic, uniform_zonal_zones_and_update_domains_agree)
{
    agree("uniform zonal",
          "[simulation]\nhorizon = 10y\n[region]\nname = eastus\nzones = 3\nracksPerZone = 4\n"
          "hostsPerRack = 4\nvmsPerHost = 2\n" ZONES REBOOTFUL HOSTS_NOHEAL
          "[group.g]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 9\nquorum = 7\n",
          9, 200);
}

Test(analytic, uniform_several_placement_groups_agree)
{
    agree("uniform 2 placement groups",
          "[simulation]\nhorizon = 10y\n[region]\nracksPerZone = 10\nhostsPerRack = 8\n"
          "vmsPerHost = 4\n" RACKS REBOOTFUL
          "[group.g]\norchestrationMode = Uniform\nsinglePlacementGroup = false\n"
          "count = 150\nquorum = 120\n", 10, 100);
}

/* ------------------------------------------------ Availability Set -- */

Test(analytic, availability_set_fd2_ud5_agree)
{
    agree("avset FD 2 UD 5", WORLD RACKS REBOOTFUL HOSTS_NOHEAL
          "[group.g]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 2\n"
          "platformUpdateDomainCount = 5\ncount = 5\nquorum = 3\n", 11, 300);
}

Test(analytic, availability_set_fd3_ud20_agree)
{
    agree("avset FD 3 UD 20", WORLD REBOOTFUL REBOOTLESS HOSTS_NOHEAL
          "[group.g]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 3\n"
          "platformUpdateDomainCount = 20\ncount = 20\nquorum = 18\n", 12, 200);
}

Test(analytic, availability_set_hosts_healing_agree)
{
    agree("avset healing", WORLD_BIG HOSTS_HEAL
          "[group.g]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 3\n"
          "count = 6\nquorum = 5\n", 13, 150);
}

/* ------------------------------------------------- closed forms -- */

/* With only hosts, one VM per host: binomial k of n. */
Test(analytic, hosts_only_is_binomial_k_of_n)
{
    scenario *s = load_quiet(WORLD HOSTS_NOHEAL "[group.g]\ncount = 5\nquorum = 3\n", 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    double u = 20.0 / 320.0, p = 0;
    /* P(fewer than 3 up) = P(at least 3 down) */
    p += 10 * pow(u, 3) * pow(1 - u, 2) + 5 * pow(u, 4) * (1 - u) + pow(u, 5);
    cr_assert_float_eq(an->groups[0].service.unavail, p, 1e-15);
    cr_assert_float_eq(an->groups[0].vm.unavail, u, 1e-15);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

/* A walk alone: each of U steps holds n/U VMs; quorum n: always down in a step. */
Test(analytic, a_walk_alone_is_arithmetic)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 6\n" REBOOTFUL
                       "[group.g]\norchestrationMode = AvailabilitySet\n"
                       "platformUpdateDomainCount = 5\ncount = 10\nquorum = 10\n", 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    double m = 3.0 / (5 * 24);
    cr_assert_float_eq(an->groups[0].service.unavail, 5 * m, 1e-12);
    cr_assert_float_eq(an->groups[0].vm.unavail, m, 1e-12);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

Test(analytic, pauses_within_the_tolerance_do_not_count)
{
    scenario *s = load_quiet("[rebootless]\nenabled = true\npause = uniform(2s, 10s)\n"
                       "pauseTolerance = 6s\n[group.g]\ncount = 3\nquorum = 3\n", 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    /* E[P 1{P > 6}] for P ~ U(2, 10): (10^2 - 6^2) / 2 / 8 = 4 s per step */
    double m = 4.0 / (30 * 86400.0);
    cr_assert_float_eq(an->groups[0].vm.unavail, m, 1e-15);
    cr_assert_float_eq(an->groups[0].service.unavail, 3 * m, 1e-15);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

/* ------------------------------------------------------- refusals -- */

static analytic_group refused(const char *text)
{
    scenario *s = load_quiet(text, 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    analytic_group g = an->groups[0];
    analytic_result_destroy(an);
    scenario_destroy(s);
    cr_assert(!g.service.exact && !g.vm.exact);
    cr_assert(g.reason[0] != '\0');
    return g;
}

/* A rebootless step waits for a reboot only where a VM on the rack
 * reboots: 60 racks of 8 s pauses and 1792 s of settle walk in 29.5 h, which
 * fits a 30 h period; a VM of a size without memory-preserving support on
 * 5 of the racks stretches the walk to 31.6 h, which does not. */
Test(analytic, the_rebootless_walk_waits_for_reboots_only_where_vms_reboot)
{
#define LONGWALK "[region]\nracksPerZone = 60\n[rebootless]\nenabled = true\nperiod = 30h\n" \
                 "pause = fixed(8s)\nreboot = fixed(25m)\nsettle = 1792s\n"
    scenario *s = load_quiet(LONGWALK "[group.g]\ncount = 5\n", 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    cr_assert(an->groups[0].service.exact, "%s", an->groups[0].reason);
    analytic_result_destroy(an);
    scenario_destroy(s);
    analytic_group g = refused(LONGWALK "[group.g]\ncount = 5\n"
                               "vmSize = Standard_NC24ads_A100_v4\n");
    cr_assert(strstr(g.reason, "does not fit its period"), "%s", g.reason);
#undef LONGWALK
}

Test(analytic, bursts_are_refused_with_an_upper_bound)
{
    analytic_group g = refused(WORLD HOSTS_NOHEAL "[burst]\nenabled = true\n"
                               "[group.g]\ncount = 5\nquorum = 3\n");
    cr_assert(strstr(g.reason, "bursts"), "%s", g.reason);
    cr_assert(isnan(g.service.lo) && !isnan(g.service.hi));
}

Test(analytic, instance_repair_is_refused_with_a_lower_bound)
{
    analytic_group g = refused(WORLD HOSTS_NOHEAL "[group.g]\ncount = 5\nquorum = 3\n"
                               "automaticRepairs = true\n");
    cr_assert(strstr(g.reason, "instance repair"), "%s", g.reason);
    cr_assert(!isnan(g.service.lo) && isnan(g.service.hi));
}

Test(analytic, healing_without_room_is_refused)
{
    analytic_group g = refused("[region]\nracksPerZone = 2\nhostsPerRack = 2\nvmsPerHost = 4\n"
                               HOSTS_HEAL "[group.g]\ncount = 6\nquorum = 4\n");
    cr_assert(strstr(g.reason, "no room"), "%s", g.reason);
    cr_assert(!isnan(g.vm.lo) && !isnan(g.vm.hi) && g.vm.lo <= g.vm.hi);
    cr_assert(isnan(g.service.lo) && isnan(g.service.hi));
}

/* Whether a closed form applies is settled before any convolution: a group
 * refused with no service bound runs none, one refused with a one-sided
 * bound runs one model's states, an exact one runs every state once. */
Test(analytic, refusal_is_decided_before_the_convolutions)
{
    analytic_group g = refused("[region]\nracksPerZone = 2\nhostsPerRack = 2\nvmsPerHost = 4\n"
                               HOSTS_HEAL REBOOTLESS REBOOTFUL "[group.g]\ncount = 6\nquorum = 4\n");
    cr_assert(isnan(g.service.lo) && isnan(g.service.hi), "no service bound");
    cr_assert(!isnan(g.vm.lo) && !isnan(g.vm.hi), "the VM bound stays");
    cr_assert_eq(g.convolutions, 0);

    /* 2 racks, Flexible: rebootful steps are the racks; states (1 + 2) x (1 + 2) */
    const char *walks = WORLD REBOOTLESS REBOOTFUL "[group.g]\nplatformFaultDomainCount = 2\n"
                        "count = 4\nquorum = 3\n";
    scenario *s = load_quiet(walks, 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    cr_assert(an->groups[0].service.exact, "%s", an->groups[0].reason);
    cr_assert_eq(an->groups[0].convolutions, 9);
    analytic_result_destroy(an);
    scenario_destroy(s);

    g = refused(WORLD REBOOTLESS REBOOTFUL "[burst]\nenabled = true\n[group.g]\n"
                "platformFaultDomainCount = 2\ncount = 4\nquorum = 3\n");
    cr_assert(isnan(g.service.lo) && !isnan(g.service.hi));
    cr_assert_eq(g.convolutions, 9, "the optimistic model only");
}

/* Each group's refusal names its own reason: a group crowded by a
 * neighbour says so (and who), a group crowding its own racks says that. */
Test(analytic, each_group_refusal_names_its_own_rack)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 8\n"
                             HOSTS_HEAL "[group.spread]\ncount = 4\nquorum = 3\n"
                             "[group.dense]\nplatformFaultDomainCount = 2\ncount = 20\n"
                             "quorum = 15\n", 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    const char *spread = an->groups[0].reason, *dense = an->groups[1].reason;
    cr_assert(strstr(spread, "holds 1 of its VMs and 10 of other groups' (dense: 10) on 4 hosts"),
              "%s", spread);
    cr_assert(strstr(dense, "its own 10 VMs on rack"), "%s", dense);
    cr_assert(strstr(dense, "also holds 1 VM of other groups (spread: 1)"), "%s", dense);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

Test(analytic, healing_with_every_empty_host_often_down_is_refused)
{
    analytic_group g = refused(WORLD "[host]\nenabled = true\ntimeToFailure = exp(mean=100h)\n"
                               "repairTime = exp(mean=20h)\n[healing]\nenabled = true\n"
                               "time = fixed(2h)\n[group.g]\ncount = 5\nquorum = 3\n");
    cr_assert(strstr(g.reason, "fails and the VM waits"), "%s", g.reason);
    cr_assert(!isnan(g.service.lo) && !isnan(g.service.hi) && g.service.lo <= g.service.hi);
}

Test(analytic, healing_with_weibull_host_failures_is_refused)
{
    analytic_group g = refused(WORLD "[host]\nenabled = true\n"
                               "timeToFailure = weibull(shape=0.7, scale=100h)\n"
                               "[healing]\nenabled = true\n[group.g]\ncount = 5\nquorum = 3\n");
    cr_assert(strstr(g.reason, "Weibull"), "%s", g.reason);
}

Test(analytic, weibull_racks_are_long_run_only)
{
    scenario *s = load_quiet(WORLD "[rack]\nenabled = true\ntimeToFailure = weibull(shape=0.7, "
                       "scale=100h)\n[group.g]\ncount = 5\nquorum = 3\n", 1);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    cr_assert(an->groups[0].service.exact);
    cr_assert(an->groups[0].long_run_only);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

Test(analytic, default_scenario_is_exact_and_prints)
{
    scenario *s = NULL;
    cr_assert_eq(scenario_load_default(&s, NULL, 0, NULL, NULL), FD_OK);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    for (size_t g = 0; g < an->ngroups; g++) {
        cr_assert(an->groups[g].service.exact, "%s", an->groups[g].reason);
        cr_assert(an->groups[g].nnotes >= 3);
    }
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(analytic_print(an, s, f), 0);
    fclose(f);
    cr_assert(strstr(out, "service availability"));
    cr_assert(strstr(out, "assumptions:"));
    free(out);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

/* The DP is a truncated convolution: 1000 VMs take well under a second. */
Test(analytic, a_thousand_vms_is_fast)
{
    scenario *s = NULL;
    const char *sets[] = { "group.flex-max.count=1000", "group.flex-max.quorum=900",
                           "region.racksPerZone=100", "rebootful.enabled=false" };
    cr_assert_eq(scenario_load_default(&s, sets, 4, NULL, NULL), FD_OK);
    clock_t t0 = clock();
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    cr_assert(an->groups[0].service.exact, "%s", an->groups[0].reason);
    cr_assert_lt(secs, 5.0, "%.2f s", secs);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

/* --------------------------------------------- worst-case invariants -- */

/* Run replica 0 of `text` with a trace and hand every row to `row`:
 * time (h), event, target, group 0's VMs down. */
static void trace_rows(const char *text, void (*row)(double, const char *, const char *, int,
                                                     void *), void *ctx)
{
    scenario *s = load_quiet(text, 3);
    inject *in = NULL;
    cr_assert_eq(inject_create(&in, s, NULL), FD_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csvio_writer *w = csvio_writer_stream(f);
    inject_trace_header(in, w);
    stats_replica out[2];
    inject_replica(in, 0, &(stats_out){ .rec = out }, w);
    cr_assert_eq(csvio_writer_finish(w, NULL), FD_OK);
    csvio_writer_destroy(w);
    fclose(f);
    char *line = strchr(buf, '\n') + 1; /* past the header */
    while (line && *line) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char ev[64], target[128];
        double t;
        int down;
        cr_assert_eq(sscanf(line, "%lf,%63[^,],%127[^,],%d", &t, ev, target, &down), 4, "%s",
                     line);
        row(t, ev, target, down, ctx);
        line = end ? end + 1 : NULL;
    }
    free(buf);
    inject_destroy(in);
    scenario_destroy(s);
}

typedef struct inv {
    int last;      /* VMs down before the row */
    int most;      /* the most one event took down / the most down at once */
    int active;    /* steps in progress */
    int max_active;
    int events;    /* rows of interest seen */
} inv;

static void rack_row(double t, const char *ev, const char *target, int down, void *ctx)
{
    inv *v = ctx;
    (void)t;
    (void)target;
    if (!strcmp(ev, "rack_fail")) {
        v->events++;
        if (down - v->last > v->most)
            v->most = down - v->last;
    }
    v->last = down;
}

Test(analytic, one_rack_failure_takes_at_most_ceil_n_over_f)
{
    inv v = { 0 };
    trace_rows("[simulation]\nhorizon = 5y\n[region]\nracksPerZone = 6\n"
               "[rack]\nenabled = true\ntimeToFailure = exp(mean=2000h)\noutage = fixed(1h)\n"
               "[group.g]\nplatformFaultDomainCount = 3\ncount = 10\nquorum = 6\n",
               rack_row, &v);
    cr_assert_gt(v.events, 50);
    cr_assert_leq(v.most, 4, "one rack took %d VMs down; ceil(10/3) = 4", v.most);
    cr_assert_eq(v.most, 4, "the worst case is reached");
}

static void ud_row(double t, const char *ev, const char *target, int down, void *ctx)
{
    inv *v = ctx;
    (void)t;
    (void)target;
    if (!strcmp(ev, "rebootful_step")) {
        v->events++;
        if (++v->active > v->max_active)
            v->max_active = v->active;
    } else if (!strcmp(ev, "rebootful_end")) {
        v->active--;
    }
    if (down > v->most)
        v->most = down;
}

Test(analytic, update_domain_steps_take_at_most_ceil_n_over_u_and_never_overlap)
{
    inv v = { 0 };
    trace_rows("[simulation]\nhorizon = 2y\n[region]\nracksPerZone = 6\n"
               "[rebootful]\nenabled = true\nperiod = 10d\nreboot = exp(mean=2h)\nsettle = 30m\n"
               "[group.g]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 3\n"
               "platformUpdateDomainCount = 5\ncount = 11\nquorum = 6\n",
               ud_row, &v);
    cr_assert_gt(v.events, 300);
    cr_assert_leq(v.most, 3, "a UD step took %d VMs down; ceil(11/5) = 3", v.most);
    cr_assert_eq(v.max_active, 1, "UD steps overlapped");
}
