/*
 * The rare-event estimator (rare.h, pilot.h) against closed forms at
 * unavailabilities of 10^-6, 10^-9 and 10^-12, its interval's coverage over
 * many seeds, and its agreement with plain Monte Carlo on the same root
 * replicas.
 *
 * Closed forms, from all units new and up at time 0:
 *  - k of n independent VMs (one per host, exponential failures and
 *    repairs, no healing): a VM is down at t with probability
 *    q (1 - exp(-(lambda + mu) t)), q = MTTR / (MTBF + MTTR), independently,
 *    and the unavailability over the horizon is the time average of the
 *    binomial tail (integrated numerically);
 *  - racks or zones failing independently (exponential up and down times):
 *    the same time average over the 2^F states of the units holding the
 *    group;
 *  - maintenance walks with failures: fdsim analytic's exact value (the
 *    long-run value, which a one-year horizon from new matches to far
 *    within these intervals).
 * Each check asserts the exact value lies within twice the 95 % half-width
 * (as test_closedform does: the interval's own coverage is tested over
 * seeds below) and that the interval is narrow enough to mean something.
 */
#include <criterion/criterion.h>

#include "analytic.h"
#include "inject.h"
#include "pilot.h"
#include "place.h"
#include "rare.h"
#include "stats.h"
#include "support.h"

#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600.0
#define YEAR (365 * 86400.0)
#define PILOT 256 /* root replicas of the tests' pilots */

/* ------------------------------------------------------- harness -- */

typedef struct est {
    stats_summary u;     /* service unavailability per root replica, clipped to [0, 1] */
    stats_summary diff;  /* restart minus the root path's own (plain), per root replica */
    stats_summary plain; /* the root paths' own service unavailability */
    double retrials;     /* per root replica */
} est;

/* `roots` root replicas of `s` with `plan` (NULL: a pilot of PILOT root
 * replicas makes one; *made gets it when not NULL): e[g] for every group. */
static void run_all(const scenario *s, uint64_t roots, const rare_plan *plan, rare_plan **made,
                    est *e)
{
    diag d;
    diag_clear(&d);
    place_result *pl = NULL;
    cr_assert_eq(place_build(s, &pl, &d), FD_OK, "%s", d.msg);
    rare_plan *own = NULL;
    if (!plan) {
        cr_assert_eq(pilot_run(s, pl, 2, PILOT, &own, NULL, &d), FD_OK, "%s", d.msg);
        plan = own;
    }
    inject *in = NULL;
    rare *r = NULL;
    cr_assert_eq(inject_create_placed(&in, s, pl, &d), FD_OK, "%s", d.msg);
    cr_assert_eq(rare_create(&r, in, plan, &d), FD_OK, "%s", d.msg);
    size_t ng = s->ngroups;
    stats_replica *rec = calloc(ng, sizeof *rec);
    stats_rare *ra = calloc(ng, sizeof *ra);
    int nm = stats_months(s->horizon);
    double *months = calloc(ng * (size_t)nm, sizeof *months);
    double **md = calloc(ng, sizeof *md);
    for (size_t k = 0; k < ng; k++)
        md[k] = months + k * (size_t)nm;
    double *u = malloc(ng * roots * sizeof *u), *df = malloc(ng * roots * sizeof *df);
    double *pu = malloc(ng * roots * sizeof *pu), *retrials = calloc(ng, sizeof *retrials);
    for (uint64_t i = 0; i < roots; i++) {
        uint64_t ev;
        stats_out out = { .rec = rec, .month_down = md, .rare = ra };
        cr_assert_eq(rare_replica(r, i, &out, &ev), FD_OK);
        for (size_t g = 0; g < ng; g++) {
            u[g * roots + i] = rec[g].service_unavailability;
            pu[g * roots + i] = ra[g].plain_down / s->horizon;
            df[g * roots + i] = u[g * roots + i] - pu[g * roots + i];
            retrials[g] += ra[g].retrials;
        }
    }
    for (size_t g = 0; g < ng; g++)
        e[g] = (est){ .u = stats_summarise_range(u + g * roots, roots, 0, 1),
                      .diff = stats_summarise(df + g * roots, roots),
                      .plain = stats_summarise(pu + g * roots, roots),
                      .retrials = retrials[g] / (double)roots };
    free(u);
    free(df);
    free(pu);
    free(retrials);
    free(rec);
    free(ra);
    free(months);
    free(md);
    rare_destroy(r);
    inject_destroy(in);
    if (made)
        *made = own;
    else
        rare_plan_destroy(own);
    place_result_destroy(pl);
}

/* As run_all, for group g alone. */
static est run_restart(const scenario *s, size_t g, uint64_t roots, const rare_plan *plan,
                       rare_plan **made)
{
    est e[SCEN_MAX_GROUPS];
    run_all(s, roots, plan, made, e);
    return e[g];
}

/* The exact value within twice the 95 % half-width, and a relative
 * half-width of at most `rel`. */
static void assert_agrees(const est *e, double exact, double rel, const char *what)
{
    double half = (e->u.ci_high - e->u.ci_low) / 2;
    cr_log_info("%s: exact %.4g, restart %.4g +- %.2g (%.3f), %.1f retrials per root", what,
                exact, e->u.mean, half, half / e->u.mean, e->retrials);
    cr_assert(fabs(e->u.mean - exact) <= 2 * half,
              "%s: exact %.6g outside %.6g +- 2 x %.3g (%zu root replicas)", what, exact,
              e->u.mean, half, e->u.n);
    cr_assert_leq(half, rel * exact, "%s: relative half-width %.3f is more than %.2f", what,
                  half / exact, rel);
}

/* ------------------------------------------------------------ k of n -- */

/* P(at least m of n down), each down with probability p. */
static double tail(int m, int n, double p)
{
    double s = 0;
    for (int j = m; j <= n; j++)
        s += gsl_sf_choose((unsigned)n, (unsigned)j) * pow(p, j) * pow(1 - p, n - j);
    return s;
}

/* The time average over [0, T] of the tail for units that start up and
 * flip at rates lambda (fail) and mu (repair): Simpson's rule on a grid
 * fine at the start (the transient lasts about 1 / (lambda + mu)). */
static double from_new(int m, int n, double lambda, double mu, double T)
{
    double q = lambda / (lambda + mu), k = lambda + mu, sum = 0;
    double t1 = fmin(T, 50 / k); /* past it the transient is gone */
    int steps = 20000;
    double h = t1 / steps;
    for (int i = 0; i <= steps; i++) {
        double t = i * h, w = i == 0 || i == steps ? 1 : i % 2 ? 4 : 2;
        sum += w * tail(m, n, q * (1 - exp(-k * t)));
    }
    return (sum * h / 3 + (T - t1) * tail(m, n, q * (1 - exp(-k * t1)))) / T;
}

typedef struct kofn {
    int n, k;          /* VMs, quorum */
    double target;     /* about this unavailability */
    uint64_t roots;
    double rel;        /* relative half-width to reach, at most */
} kofn;

static char *kofn_text(int n, int k, double mtbf_h, double mttr_h)
{
    char *text = malloc(1024);
    snprintf(text, 1024,
             "[simulation]\nhorizon = 1y\n"
             "[region]\nracksPerZone = 1\nhostsPerRack = %d\nvmsPerHost = 1\n"
             "[host]\nenabled = true\ntimeToFailure = exp(mean=%.17gh)\n"
             "repairTime = exp(mean=%.17gh)\n"
             "[group.g]\ncount = %d\nquorum = %d\n", n, mtbf_h, mttr_h, n, k);
    return text;
}

/* The MTBF that gives `target`, with a repair of 1 h: m = n - k + 1 down
 * out of n, P ~ C(n, m) q^m. */
static double mtbf_for(int n, int k, double target)
{
    int m = n - k + 1;
    double q = pow(target / gsl_sf_choose((unsigned)n, (unsigned)m), 1.0 / m);
    return (1 - q) / q;
}

static void run_kofn(kofn c)
{
    double mttr = 1, mtbf = mtbf_for(c.n, c.k, c.target);
    char *text = kofn_text(c.n, c.k, mtbf, mttr);
    scenario *s = load_quiet(text, 31);
    est e = run_restart(s, 0, c.roots, NULL, NULL);
    double exact = from_new(c.n - c.k + 1, c.n, 1 / (mtbf * HOUR), 1 / (mttr * HOUR), YEAR);
    char what[96];
    snprintf(what, sizeof what, "%d of %d at %.0e", c.k, c.n, c.target);
    assert_agrees(&e, exact, c.rel, what);
    scenario_destroy(s);
    free(text);
}

Test(rare, k_of_n_3_of_5_at_1e_6) { run_kofn((kofn){ 5, 3, 1e-6, 2000, 0.1 }); }
Test(rare, k_of_n_3_of_5_at_1e_9) { run_kofn((kofn){ 5, 3, 1e-9, 20000, 0.1 }); }
Test(rare, k_of_n_3_of_5_at_1e_12) { run_kofn((kofn){ 5, 3, 1e-12, 20000, 0.1 }); }
Test(rare, k_of_n_2_of_3_at_1e_9) { run_kofn((kofn){ 3, 2, 1e-9, 20000, 0.1 }); }
Test(rare, k_of_n_4_of_7_at_1e_12) { run_kofn((kofn){ 7, 4, 1e-12, 20000, 0.1 }); }

/* ----------------------------------------------- racks and zones -- */

/* The time average over [0, T] of P(fewer than q VMs on up units), units
 * f = 0..F-1 holding per[f] VMs, each starting up and flipping at rates
 * lambda and mu independently: the 2^F states at each t (Simpson). */
static double units_from_new(const int *per, int F, int q, double lambda, double mu, double T)
{
    double k = lambda + mu, t1 = fmin(T, 50 / k), sum = 0;
    int steps = 4000;
    double h = t1 / steps;
    for (int i = 0; i <= steps + 1; i++) {
        double t = i <= steps ? i * h : t1; /* the last: the steady tail */
        double p = lambda / k * (1 - exp(-k * t)), pm = 0;
        for (unsigned m = 0; m < (1u << F); m++) {
            double pr = 1;
            int up = 0;
            for (int f = 0; f < F; f++) {
                bool down = m & (1u << f);
                pr *= down ? p : 1 - p;
                up += down ? 0 : per[f];
            }
            if (up < q)
                pm += pr;
        }
        if (i <= steps)
            sum += (i == 0 || i == steps ? 1 : i % 2 ? 4 : 2) * pm;
        else
            sum = sum * h / 3 + (T - t1) * pm;
    }
    return sum / T;
}

/* VMs of group 0 per distinct unit (rack, or zone), as placed. */
static int per_unit(const scenario *s, bool zones, int *per)
{
    place_result *pl = NULL;
    cr_assert_eq(place_build(s, &pl, NULL), FD_OK);
    const place_group *pg = place_group_at(pl, 0);
    int F = 0, unit[16];
    for (int i = 0; i < pg->count; i++) {
        int u = zones ? pg->vms[i].zone : pg->vms[i].rack, f = 0;
        while (f < F && unit[f] != u)
            f++;
        if (f == F) {
            unit[F] = u;
            per[F++] = 0;
        }
        per[f]++;
    }
    place_result_destroy(pl);
    return F;
}

typedef struct unitcase {
    const char *what;
    const char *text; /* the scenario, with %.17g for the MTBF and MTTR in hours */
    bool zones;       /* units are zones, else racks */
    double mtbf_h, mttr_h;
    uint64_t roots;
} unitcase;

static void run_units(unitcase c)
{
    char text[2048];
    snprintf(text, sizeof text, c.text, c.mtbf_h, c.mttr_h);
    scenario *s = load_quiet(text, 41);
    int per[16], F = per_unit(s, c.zones, per);
    double exact = units_from_new(per, F, s->groups[0].quorum, 1 / (c.mtbf_h * HOUR),
                                  1 / (c.mttr_h * HOUR), s->horizon);
    est e = run_restart(s, 0, c.roots, NULL, NULL);
    assert_agrees(&e, exact, 0.1, c.what);
    scenario_destroy(s);
}

#define RACKS_TEXT                                                                         \
    "[simulation]\nhorizon = 1y\n[region]\nracksPerZone = 12\nhostsPerRack = 4\n"         \
    "[rack]\nenabled = true\ntimeToFailure = exp(mean=%.17gh)\noutage = exp(mean=%.17gh)\n"

/* Flexible over 3 fixed FDs: 5 VMs as 2 / 2 / 1, quorum 3: two racks down. */
Test(rare, fault_domains_flexible_fd3_at_1e_9)
{
    run_units((unitcase){ "FD 3, 2/2/1, two racks", RACKS_TEXT
                          "[group.g]\nplatformFaultDomainCount = 3\ncount = 5\nquorum = 3\n",
                          false, 3 / 1.826e-5, 3, 60000 });
}

/* Max spreading: 5 VMs on 5 racks, quorum 3: three racks down. */
Test(rare, fault_domains_max_spreading_at_1e_12)
{
    run_units((unitcase){ "FD max, 5 racks, three", RACKS_TEXT
                          "[group.g]\nplatformFaultDomainCount = 1\ncount = 5\nquorum = 3\n",
                          false, 3 / 4.64e-5, 3, 60000 });
}

/* An Availability Set of 2 FDs, 6 VMs (3 / 3), quorum 3: both racks down,
 * at about 1e-6. */
Test(rare, fault_domains_availability_set_at_1e_6)
{
    run_units((unitcase){ "AvSet FD 2, both racks", RACKS_TEXT
                          "[group.g]\norchestrationMode = AvailabilitySet\n"
                          "platformFaultDomainCount = 2\ncount = 6\nquorum = 3\n",
                          false, 3 / 1e-3, 3, 20000 });
}

/* A zonal group of 6 VMs over zones 1, 2, 3 (2 each), quorum 3: two zones
 * down. */
Test(rare, zones_two_of_three_down_at_1e_9)
{
    run_units((unitcase){ "zones 1,2,3, two down",
                          "[simulation]\nhorizon = 1y\n[region]\nzones = 3\nracksPerZone = 4\n"
                          "hostsPerRack = 4\n[zone]\nenabled = true\n"
                          "timeToFailure = exp(mean=%.17gh)\noutage = exp(mean=%.17gh)\n"
                          "[group.g]\nzones = 1,2,3\ncount = 6\nquorum = 3\n",
                          true, 4 / 1.826e-5, 4, 100000 });
}

/* ------------------------------------- maintenance walks with failures -- */

/* Every group of `s` (the default scenario with `sets`) against fdsim
 * analytic's exact value. */
static void run_analytic(const char *const *sets, size_t nsets, uint64_t roots, double rel)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_default(&s, sets, nsets, NULL, &d), FD_OK, "%s", d.msg);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, &d), FD_OK, "%s", d.msg);
    est e[SCEN_MAX_GROUPS];
    run_all(s, roots, NULL, NULL, e);
    for (size_t g = 0; g < s->ngroups; g++) {
        cr_assert(an->groups[g].service.exact, "%s: no closed form", s->groups[g].name);
        assert_agrees(&e[g], an->groups[g].service.unavail, rel, s->groups[g].name);
    }
    analytic_result_destroy(an);
    scenario_destroy(s);
}

/* Racks and the rebootful walk: the outages of the 3.7e-12 groups need two
 * rack failures during a walk's step, those of the 1.6e-8 groups one rack
 * of two VMs during one. */
Test(rare, rebootful_walk_with_rack_failures_at_3e_12_and_2e_8)
{
    static const char *const sets[] = { "host.enabled=false", "rebootless.enabled=false" };
    run_analytic(sets, 2, 24000, 0.12);
}

/* Racks and the rebootless walk's 2-10 s pauses. */
Test(rare, rebootless_walk_with_rack_failures_at_7e_13_and_5e_9)
{
    static const char *const sets[] = { "host.enabled=false", "rebootful.enabled=false" };
    run_analytic(sets, 2, 8000, 0.12);
}

/* The default scenario itself: hosts with healing, racks, both walks. */
Test(rare, the_default_scenario_agrees_with_fdsim_analytic)
{
    run_analytic(NULL, 0, 10000, 0.12);
}

/* --------------------------------------------------------- coverage -- */

/* An interval is a promise.  Over `seeds` seeds, each a run of `roots`
 * root replicas of group 0 of `text` (one pilot's plan for all: the plan
 * steers the effort, not what is estimated), the 95 % interval as the
 * report computes it (the t-interval over root replicas, clipped to
 * [0, 1]) covers `exact` in [lo, hi] of them. */
static void coverage(const char *text, const char *const *sets, size_t nsets, double exact,
                     int seeds, uint64_t roots, int lo, int hi)
{
    rare_plan *plan = NULL;
    scenario *s0 = NULL;
    cr_assert_eq(scenario_load_text(&s0, text, strlen(text), "t.ini", ".", sets, nsets, NULL,
                                    NULL), FD_OK);
    run_restart(s0, 0, 16, NULL, &plan);
    int covered = 0, above = 0;
    for (int k = 1; k <= seeds; k++) {
        char seed[64];
        snprintf(seed, sizeof seed, "simulation.seed=%d", k * 7919);
        const char *all[8];
        for (size_t i = 0; i < nsets; i++)
            all[i] = sets[i];
        all[nsets] = seed;
        scenario *s = NULL;
        cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", all, nsets + 1,
                                        NULL, NULL), FD_OK);
        est e = run_restart(s, 0, roots, plan, NULL);
        covered += e.u.ci_low <= exact && exact <= e.u.ci_high;
        above += e.u.ci_low > exact;
        scenario_destroy(s);
    }
    cr_log_info("covered in %d of %d seeds (%d above, %d below)", covered, seeds, above,
                seeds - covered - above);
    cr_assert(covered >= lo && covered <= hi, "covered in %d of %d seeds (%d above, %d below)",
              covered, seeds, above, seeds - covered - above);
    rare_plan_destroy(plan);
    scenario_destroy(s0);
}

/* 3 of 5 independent VMs at 1e-9, repairs uniform on [0.5 h, 1.5 h]: 1000
 * seeds of 200 root replicas; a binomial(1000, 0.95) lies in 930..970 with
 * probability 0.996.  The exact value is the long-run binomial tail in
 * q = E[repair] / (MTBF + E[repair]) (renewal-reward): from new, the first
 * hour differs, by about 1e-4 of the value, far inside the intervals. */
Test(rare, interval_covers_3_of_5_at_1e_9_in_93_to_97_percent_of_seeds, .timeout = 280)
{
    double mtbf = mtbf_for(5, 3, 1e-9), q = 1 / (mtbf + 1);
    char text[1024];
    snprintf(text, sizeof text,
             "[simulation]\nhorizon = 1y\n"
             "[region]\nracksPerZone = 1\nhostsPerRack = 5\nvmsPerHost = 1\n"
             "[host]\nenabled = true\ntimeToFailure = exp(mean=%.17gh)\n"
             "repairTime = uniform(0.5h, 1.5h)\n"
             "[group.g]\ncount = 5\nquorum = 3\n", mtbf);
    static const char *const off[] = { "rack.enabled=false", "zone.enabled=false",
                                       "rebootless.enabled=false", "rebootful.enabled=false",
                                       "healing.enabled=false" };
    coverage(text, off, 5, tail(3, 5, q), 1000, 200, 930, 970);
}

/* Two rack failures during a rebootful walk's step, the default scenario's
 * way to an outage (here at 1.4e-10, racks failing every 2 years), in a
 * world of 6 racks: 1000 seeds of 400 root replicas. */
Test(rare, interval_covers_walk_and_racks_in_93_to_97_percent_of_seeds, .timeout = 280)
{
    static const char text[] =
        "[simulation]\nhorizon = 1y\n"
        "[region]\nracksPerZone = 6\nhostsPerRack = 2\n"
        "[rack]\nenabled = true\ntimeToFailure = exp(mean=2y)\noutage = uniform(1h, 6h)\n"
        "[rebootful]\nenabled = true\nperiod = 1y\nreboot = fixed(25m)\nsettle = 30m\n"
        "[group.g]\nplatformFaultDomainCount = 1\ncount = 5\nquorum = 3\n";
    static const char *const off[] = { "host.enabled=false", "zone.enabled=false",
                                       "rebootless.enabled=false", "healing.enabled=false" };
    scenario *s = NULL;
    cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", off, 4, NULL, NULL),
                 FD_OK);
    analytic_result *an = NULL;
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    cr_assert(an->groups[0].service.exact);
    double exact = an->groups[0].service.unavail;
    cr_log_info("walk and racks: exact %.4g", exact);
    coverage(text, off, 4, exact, 1000, 400, 930, 970);
    analytic_result_destroy(an);
    scenario_destroy(s);
}

/* ------------------------------------------------ plain and restart -- */

/* Where plain Monte Carlo sees the outages, the two agree, on the same
 * root replicas: the root path is the plain replica, so the per-root
 * difference of the restart estimate and the root path's own is a paired
 * sample of mean 0.  Racks failing every 0.5 y with the rebootful walk:
 * outages at about 6e-9 and 2e-6, hundreds of them per 10^4 replica-years. */
Test(rare, restart_agrees_with_plain_where_plain_sees_outages)
{
    static const char *const sets[] = { "host.enabled=false", "rebootless.enabled=false",
                                        "rack.timeToFailure=exp(mean=0.5y)" };
    scenario *s = NULL;
    cr_assert_eq(scenario_load_default(&s, sets, 3, NULL, NULL), FD_OK);
    est e[SCEN_MAX_GROUPS];
    run_all(s, 4000, NULL, NULL, e);
    for (size_t g = 0; g < s->ngroups; g++) {
        if (!(e[g].plain.mean > 0))
            continue; /* plain saw none: nothing to agree on */
        cr_log_info("%s: restart %.4g, plain %.4g, paired difference %.3g [%.3g, %.3g]",
                    s->groups[g].name, e[g].u.mean, e[g].plain.mean, e[g].diff.mean,
                    e[g].diff.ci_low, e[g].diff.ci_high);
        double half = (e[g].diff.ci_high - e[g].diff.ci_low) / 2;
        cr_assert(fabs(e[g].diff.mean) <= 2 * half, "%s: restart %.6g and plain %.6g differ "
                  "by %.3g, more than twice the paired half-width %.3g", s->groups[g].name,
                  e[g].u.mean, e[g].plain.mean, e[g].diff.mean, half);
        /* and restart is the more precise */
        cr_assert_lt(e[g].u.ci_high - e[g].u.ci_low, e[g].plain.ci_high - e[g].plain.ci_low);
    }
    scenario_destroy(s);
}

/* A plan that never splits makes the estimator the plain replica, bit for
 * bit: no watch, no fold cap, the same arithmetic. */
Test(rare, a_plan_that_never_splits_is_the_plain_replica)
{
    scenario *s = NULL;
    cr_assert_eq(scenario_load_default(&s, NULL, 0, NULL, NULL), FD_OK);
    inject *in = NULL, *plain = NULL;
    rare_plan *p = NULL;
    rare *r = NULL;
    cr_assert_eq(inject_create(&in, s, NULL), FD_OK);
    cr_assert_eq(inject_create(&plain, s, NULL), FD_OK);
    cr_assert_eq(rare_plan_create(&p, s), FD_OK);
    cr_assert_eq(rare_create(&r, in, p, NULL), FD_OK);
    stats_replica a[4], b[4];
    double dca[4][6], dcb[4][6], mda[4][12], mdb[4][12];
    double *pa[4], *pb[4], *qa[4], *qb[4];
    for (int g = 0; g < 4; g++)
        pa[g] = dca[g], pb[g] = dcb[g], qa[g] = mda[g], qb[g] = mdb[g];
    for (uint64_t rep = 0; rep < 50; rep++) {
        uint64_t ev;
        cr_assert_eq(rare_replica(r, rep, &(stats_out){ a, pa, qa, NULL }, &ev), FD_OK);
        cr_assert_eq(inject_replica(plain, rep, &(stats_out){ b, pb, qb, NULL }, NULL), FD_OK);
        cr_assert_eq(ev, inject_events(plain));
        for (int g = 0; g < 4; g++) {
            cr_assert(a[g].service_unavailability == b[g].service_unavailability
                      && a[g].vm_unavailability == b[g].vm_unavailability
                      && a[g].outages == b[g].outages && a[g].worst_loss == b[g].worst_loss
                      && a[g].months_met == b[g].months_met
                      && a[g].deficit_vm_hours == b[g].deficit_vm_hours,
                      "replica %llu group %d", (unsigned long long)rep, g);
            cr_assert(memcmp(dca[g], dcb[g], sizeof dca[g]) == 0);
            cr_assert(memcmp(mda[g], mdb[g], sizeof mda[g]) == 0);
        }
    }
    rare_destroy(r);
    rare_plan_destroy(p);
    inject_destroy(in);
    inject_destroy(plain);
    scenario_destroy(s);
}
