/* Tests of digest: up to the cap, every figure is the bits of the
 * in-memory reduction the report made before (gather every replica's value
 * into an array, stats_summarise it; months met summed replica by replica);
 * past the cap the means and counts keep their bits, the counts'
 * percentiles stay exact, and the memory high-water mark does not grow
 * with the replicas (200 000 of them). */
#include <criterion/criterion.h>

#include "digest.h"
#include "rng.h"
#include "scenario.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_S (365.0 * 86400.0)

static const char ini[] =
    "[simulation]\nhorizon = 1y\nreplicas = 4\nseed = 7\n"
    "[region]\nname = eastus\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
    "[group.a]\norchestrationMode = Flexible\ncount = 3\nquorum = 2\n"
    "[group.b]\norchestrationMode = Flexible\ncount = 5\nquorum = 3\nslaTarget = 99.9\n"
    "[group.c]\norchestrationMode = Flexible\ncount = 4\nquorum = 2\n";

static scenario *load(void)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, ini, strlen(ini), "t.ini", ".", NULL, 0, NULL, &d),
                 FD_OK, "%s", d.msg);
    cr_assert_eq(s->ngroups, 3);
    s->groups[2].sla_target = NAN; /* one group with no target */
    return s;
}

/* Replica i of a made-up run: every field from the stream (seed, i, g). */
static void fake(const scenario *s, gsl_rng *r, uint64_t i, stats_replica *rec, double *md)
{
    for (size_t g = 0; g < s->ngroups; g++) {
        rng_derive(r, 11, i, g);
        int count = s->groups[g].count, met = 0;
        double down = 0;
        for (int m = 0; m < 12; m++) {
            double x = gsl_rng_uniform(r) < 0.7 ? 0 : 3000 * gsl_rng_uniform(r);
            md[g * 12 + m] = x;
            down += x;
            met += 100 * (STATS_MONTH - x) / STATS_MONTH >= 99.95;
        }
        unsigned long outages = gsl_rng_uniform(r) < 0.6 ? 0 : gsl_rng_uniform_int(r, 6) + 1;
        rec[g] = (stats_replica){
            .vm_unavailability = 1e-4 * gsl_rng_uniform(r),
            .service_unavailability = down / YEAR_S,
            .downtime_min_per_year = down / 60,
            .outages = (double)outages,
            .outage_mean_min = outages ? down / 60 / outages : 0,
            .worst_loss = (double)gsl_rng_uniform_int(r, (unsigned long)count + 1),
            .deficit_vm_hours = down / 3600 * gsl_rng_uniform(r),
            .months_met = met,
            .months = 12,
            .alloc_failures = gsl_rng_uniform(r) < 0.01 ? 1 : 0,
        };
        rec[g].vm_availability = 1 - rec[g].vm_unavailability;
        rec[g].service_availability = 1 - rec[g].service_unavailability;
    }
}

/* A run of n made-up replicas: in a digest and in full, in arrays. */
typedef struct run {
    digest *dg;
    uint64_t n;
    stats_replica *rec; /* [i * 3 + g] */
    double *md;         /* [(i * 3 + g) * 12 + m] */
} run;

static run make(const scenario *s, uint64_t n, size_t baseline, uint64_t cap)
{
    run x = { .n = n };
    cr_assert_eq(digest_create(&x.dg, s, baseline, cap), FD_OK);
    x.rec = calloc(n * 3, sizeof *x.rec);
    x.md = calloc(n * 3 * 12, sizeof *x.md);
    gsl_rng *r = rng_create();
    for (uint64_t i = 0; i < n; i++) {
        fake(s, r, i, x.rec + i * 3, x.md + i * 36);
        cr_assert_eq(digest_add(x.dg, x.rec + i * 3, x.md + i * 36), FD_OK);
    }
    rng_destroy(r);
    digest_finish(x.dg);
    cr_assert_eq(digest_replicas(x.dg), n);
    return x;
}

static void run_free(run *x)
{
    digest_destroy(x->dg);
    free(x->rec);
    free(x->md);
}

/* The report's reduction before the digest: metric m of group g of every
 * replica, gathered into x (its old `gather`); returns how many. */
static size_t gather(const scenario *s, const run *x, size_t g, int m, size_t base, double *v)
{
    double per_year = YEAR_S / s->horizon;
    size_t n = 0;
    for (uint64_t i = 0; i < x->n; i++) {
        const stats_replica *p = &x->rec[i * 3 + g];
        switch (m) {
        case DIGEST_VM_AVAIL: v[n++] = p->vm_availability; break;
        case DIGEST_SVC_AVAIL: v[n++] = p->service_availability; break;
        case DIGEST_VM_UNAVAIL: v[n++] = p->vm_unavailability; break;
        case DIGEST_SVC_UNAVAIL: v[n++] = p->service_unavailability; break;
        case DIGEST_DOWNTIME: v[n++] = p->downtime_min_per_year; break;
        case DIGEST_OUTAGES: v[n++] = p->outages * per_year; break;
        case DIGEST_OUTAGE_LEN:
            if (p->outages > 0)
                v[n++] = p->outage_mean_min;
            break;
        case DIGEST_WORST: v[n++] = p->worst_loss; break;
        case DIGEST_DEFICIT: v[n++] = p->deficit_vm_hours * per_year; break;
        case DIGEST_ALLOC: v[n++] = p->alloc_failures; break;
        case DIGEST_DIFF:
            v[n++] = p->downtime_min_per_year - x->rec[i * 3 + base].downtime_min_per_year;
            break;
        default: cr_assert_fail();
        }
    }
    return n;
}

/* The old months_summary, replica by replica. */
static stats_summary old_months_met(const run *x, size_t g)
{
    double met = 0, months = 0;
    uint64_t n = x->n;
    for (uint64_t i = 0; i < n; i++) {
        met += x->rec[i * 3 + g].months_met;
        months += x->rec[i * 3 + g].months;
    }
    stats_summary s = { .n = n };
    double p = met / months, neff = months;
    if (n > 1 && p > 0 && p < 1) {
        double ss = 0, mbar = months / (double)n;
        for (uint64_t i = 0; i < n; i++) {
            const stats_replica *r = &x->rec[i * 3 + g];
            double e = r->months_met - p * r->months;
            ss += e * e;
        }
        double var = ss / ((double)n * (double)(n - 1) * mbar * mbar);
        if (var > 0 && p * (1 - p) / var < months)
            neff = p * (1 - p) / var;
    } else if (p == 0 || p == 1) {
        neff = (double)n;
    }
    s.mean = p;
    stats_wilson(p * neff, neff, &s.ci_low, &s.ci_high);
    return s;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void assert_same_summary(stats_summary a, stats_summary b, const char *what)
{
    const double x[] = { a.mean, a.sd, a.ci_low, a.ci_high, a.p5, a.p50, a.p95, a.p99 };
    const double y[] = { b.mean, b.sd, b.ci_low, b.ci_high, b.p5, b.p50, b.p95, b.p99 };
    cr_assert_eq(a.n, b.n, "%s", what);
    for (size_t i = 0; i < 8; i++)
        cr_assert(same_bits(x[i], y[i]), "%s, field %zu: %.17g vs %.17g", what, i, x[i], y[i]);
}

Test(digest, up_to_the_cap_every_figure_is_the_in_memory_reduction)
{
    scenario *s = load();
    const uint64_t n = 777;
    run x = make(s, n, 1, 0);
    cr_assert_geq(digest_exact_cap(x.dg), n);
    double *v = malloc(n * sizeof *v);
    char what[64];
    for (size_t g = 0; g < 3; g++) {
        for (int m = 0; m < DIGEST_NMETRICS; m++) {
            if (m == DIGEST_DIFF && g == 1)
                continue;
            size_t k = gather(s, &x, g, m, 1, v);
            snprintf(what, sizeof what, "group %zu metric %d", g, m);
            assert_same_summary(digest_summary(x.dg, g, m), stats_summarise(v, k), what);
            cr_assert(digest_exact(x.dg, g, m));
        }
        for (int m = 0; m < 12; m++) {
            double len = stats_month_length(s->horizon, m), met = 0;
            for (uint64_t i = 0; i < n; i++) {
                v[i] = 100.0 * (len - x.md[(i * 3 + g) * 12 + m]) / len;
                met += v[i] >= s->groups[g].sla_target;
            }
            snprintf(what, sizeof what, "group %zu month %d", g, m);
            assert_same_summary(digest_month(x.dg, g, m), stats_summarise(v, n), what);
            cr_assert_eq((double)digest_month_met(x.dg, g, m), met, "%s", what);
        }
        stats_summary a = digest_months_met(x.dg, g), b = old_months_met(&x, g);
        cr_assert(same_bits(a.mean, b.mean) && same_bits(a.ci_low, b.ci_low) &&
                  same_bits(a.ci_high, b.ci_high), "months met of group %zu", g);
        double outages = 0, reps = 0;
        int most = 0;
        for (uint64_t i = 0; i < n; i++) {
            outages += x.rec[i * 3 + g].outages;
            reps += x.rec[i * 3 + g].alloc_failures > 0;
            most = (int)fmax(most, x.rec[i * 3 + g].alloc_failures);
        }
        cr_assert_eq(digest_outages(x.dg, g), outages);
        cr_assert_eq((double)digest_alloc_replicas(x.dg, g), reps);
        cr_assert_eq(digest_alloc_most(x.dg, g), most);
    }
    free(v);
    run_free(&x);
    scenario_destroy(s);
}

Test(digest, past_the_cap_means_counts_and_count_percentiles_keep_their_bits)
{
    scenario *s = load();
    const uint64_t n = 5000;
    run x = make(s, n, 0, 64);
    double *v = malloc(n * sizeof *v);
    for (size_t g = 0; g < 3; g++) {
        for (int m = 0; m < DIGEST_NMETRICS; m++) {
            if (m == DIGEST_DIFF && g == 0)
                continue;
            size_t k = gather(s, &x, g, m, 0, v);
            stats_summary got = digest_summary(x.dg, g, m), want = stats_summarise(v, k);
            cr_assert_eq(got.n, k);
            cr_assert(same_bits(got.mean, want.mean), "group %zu metric %d: mean", g, m);
            cr_assert_float_eq(got.sd, want.sd, 1e-12 * want.sd + 1e-300);
            bool count = m == DIGEST_OUTAGES || m == DIGEST_WORST || m == DIGEST_ALLOC;
            cr_assert_eq(digest_exact(x.dg, g, m), count, "group %zu metric %d", g, m);
            if (count)
                cr_assert(same_bits(got.p5, want.p5) && same_bits(got.p50, want.p50) &&
                          same_bits(got.p95, want.p95) && same_bits(got.p99, want.p99),
                          "group %zu metric %d: percentiles from the histogram", g, m);
        }
        stats_summary a = digest_months_met(x.dg, g), b = old_months_met(&x, g);
        cr_assert(same_bits(a.mean, b.mean), "months met of group %zu: the share", g);
        cr_assert_float_eq(a.ci_low, b.ci_low, 1e-12);
        cr_assert_float_eq(a.ci_high, b.ci_high, 1e-12);
    }
    free(v);
    run_free(&x);
    scenario_destroy(s);
}

/* 200 000 replicas through a digest with the default cap: its memory peaks
 * at the cap (the kept values, bounded by DIGEST_EXACT_BYTES) and is flat
 * once every sample is past it, the same at 180 000 replicas as at 200 000
 * (outage_mean_length, which counts only the ~40 % of replicas with an
 * outage, passes the cap last, near 164 000). */
Test(digest, memory_does_not_grow_with_the_replicas)
{
    scenario *s = load();
    digest *dg = NULL;
    cr_assert_eq(digest_create(&dg, s, 0, 0), FD_OK);
    uint64_t cap = digest_exact_cap(dg);
    cr_assert_eq(cap, DIGEST_EXACT_MAX);
    stats_replica rec[3];
    double md[36];
    gsl_rng *r = rng_create();
    size_t peak = 0, at_half = 0;
    for (uint64_t i = 0; i < 200000; i++) {
        if (i % 64 == 0) /* fresh draws now and then: cheap enough for 200 000 */
            fake(s, r, i, rec, md);
        cr_assert_eq(digest_add(dg, rec, md), FD_OK);
        size_t b = digest_bytes(dg);
        if (b > peak)
            peak = b;
        if (i + 1 == 180000)
            at_half = b;
    }
    rng_destroy(r);
    size_t per = 3 * ((DIGEST_NMETRICS + 12) * sizeof(double) + sizeof(uint32_t));
    cr_assert_leq(peak, cap * per + (1u << 20), "peak %zu B, cap %llu x %zu B", peak,
                  (unsigned long long)cap, per);
    cr_assert_leq(cap * per, DIGEST_EXACT_BYTES);
    cr_assert_eq(digest_bytes(dg), at_half, "flat past the cap");
    cr_assert_lt(at_half, 1u << 20, "past the cap: a few KiB per group, %zu B", at_half);
    digest_finish(dg);
    cr_assert_eq(digest_replicas(dg), 200000);
    digest_destroy(dg);
    scenario_destroy(s);
}

Test(digest, the_cap_shrinks_for_many_months_and_groups)
{
    scenario *s = load();
    cr_assert_eq(digest_cap(s), DIGEST_EXACT_MAX);
    s->horizon = 1000 * YEAR_S; /* 12 000 months */
    uint64_t cap = digest_cap(s);
    cr_assert_lt(cap, DIGEST_EXACT_MAX);
    cr_assert_geq(cap, 16);
    cr_assert_leq(cap * 3 * ((DIGEST_NMETRICS + 12000) * sizeof(double) + 4),
                  DIGEST_EXACT_BYTES);
    scenario_destroy(s);
}

/* Every pair's paired downtime difference: the mean, sd and t-interval of
 * the per-replica differences (two-pass, from the arrays), within
 * rounding; (b, a) is the mirror of (a, b); and the pair against the
 * baseline agrees with DIGEST_DIFF. */
Test(digest, every_pair_has_its_paired_difference)
{
    scenario *s = load();
    const uint64_t n = 300;
    run x = make(s, n, 0, 0);
    double *v = malloc(n * sizeof *v);
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 3; b++) {
            if (a == b)
                continue;
            for (uint64_t i = 0; i < n; i++)
                v[i] = x.rec[i * 3 + a].downtime_min_per_year
                       - x.rec[i * 3 + b].downtime_min_per_year;
            stats_summary want = stats_summarise(v, n), got = digest_pair_diff(x.dg, a, b);
            double tol = 1e-9 * (1 + fabs(want.sd));
            cr_expect_eq(got.n, n);
            cr_expect(fabs(got.mean - want.mean) < tol, "%zu-%zu mean %.17g vs %.17g", a, b,
                      got.mean, want.mean);
            cr_expect(fabs(got.sd - want.sd) < tol, "%zu-%zu sd", a, b);
            cr_expect(fabs(got.ci_low - want.ci_low) < tol, "%zu-%zu ci_low", a, b);
            cr_expect(fabs(got.ci_high - want.ci_high) < tol, "%zu-%zu ci_high", a, b);
            cr_expect(isnan(got.p50));
        }
    stats_summary d = digest_summary(x.dg, 2, DIGEST_DIFF), p = digest_pair_diff(x.dg, 2, 0);
    cr_expect(fabs(d.mean - p.mean) < 1e-9 && fabs(d.ci_low - p.ci_low) < 1e-9);
    free(v);
    run_free(&x);
    scenario_destroy(s);
}
