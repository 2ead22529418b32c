/* Tests of sample: up to the cap, bit for bit stats_summarise; past it,
 * the mean still bit for bit gsl_stats_mean, the sd Welford's (1e-12 of
 * the two-pass one), a count sample's percentiles exact from its
 * histogram, and the P² percentiles against the exact percentiles of known
 * distributions (tolerance: the estimate's rank among the values within
 * 0.002 of the percentile's, and within 0.5 % of the closed-form quantile);
 * point masses at the ends exact; memory flat past the cap; determinism. */
#include <criterion/criterion.h>

#include "sample.h"
#include "rng.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEED 7000ULL

typedef double (*draw_fn)(gsl_rng *r);

static double draw_uniform(gsl_rng *r) { return gsl_rng_uniform(r); }
static double draw_exponential(gsl_rng *r) { return gsl_ran_exponential(r, 1.0); }
static double draw_lognormal(gsl_rng *r) { return gsl_ran_lognormal(r, 0, 1.5); }
/* A downtime-like mixture: 90 % no outage, else an exponential of mean 30. */
static double draw_downtime(gsl_rng *r)
{
    return gsl_rng_uniform(r) < 0.9 ? 0 : gsl_ran_exponential(r, 30);
}
static double draw_poisson(gsl_rng *r) { return gsl_ran_poisson(r, 3.5); }

/* n values drawn with `fn` into a new array, and into `sm` if not NULL. */
static double *feed(sample *sm, size_t n, draw_fn fn, unsigned long seed)
{
    gsl_rng *r = rng_create();
    rng_derive(r, SEED, seed, 0);
    double *x = malloc(n * sizeof *x);
    cr_assert_not_null(x);
    for (size_t i = 0; i < n; i++) {
        x[i] = fn(r);
        if (sm)
            cr_assert_eq(sample_add(sm, x[i]), FD_OK);
    }
    rng_destroy(r);
    return x;
}

static bool same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Fraction of sorted[0..n-1] at or below v. */
static double rank_of(const double *sorted, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (sorted[m] <= v)
            lo = m + 1;
        else
            hi = m;
    }
    return (double)lo / (double)n;
}

Test(sample, up_to_the_cap_it_is_stats_summarise_bit_for_bit)
{
    for (size_t n = 1; n <= 1000; n = n * 3 + 1) {
        sample *sm = sample_create(1000, 0, SAMPLE_ALL);
        double *x = feed(sm, n, draw_lognormal, n);
        stats_summary want = stats_summarise(x, n), got = sample_summary(sm);
        cr_assert(sample_exact(sm));
        cr_assert_eq(got.n, n);
        const double w[] = { want.mean, want.sd, want.ci_low, want.ci_high,
                             want.p5, want.p50, want.p95, want.p99 };
        const double g[] = { got.mean, got.sd, got.ci_low, got.ci_high,
                             got.p5, got.p50, got.p95, got.p99 };
        for (size_t i = 0; i < 8; i++)
            cr_assert(same_bits(w[i], g[i]), "n %zu, field %zu: %.17g vs %.17g", n, i, w[i],
                      g[i]);
        free(x);
        sample_destroy(sm);
    }
}

Test(sample, past_the_cap_the_mean_keeps_its_bits_and_the_sd_its_digits)
{
    const size_t n = 200000;
    sample *sm = sample_create(1000, 0, SAMPLE_ALL);
    double *x = feed(sm, n, draw_lognormal, 1);
    stats_summary s = sample_summary(sm);
    cr_assert_not(sample_exact(sm));
    cr_assert_eq(s.n, n);
    double mean = gsl_stats_mean(x, 1, n), sd = gsl_stats_sd_m(x, 1, n, mean);
    cr_assert(same_bits(s.mean, mean), "%.17g vs %.17g", s.mean, mean);
    cr_assert_float_eq(s.sd, sd, 1e-12 * sd);
    stats_summary m = stats_moments(n, mean, sd);
    cr_assert_float_eq(s.ci_low, m.ci_low, 1e-12 * fabs(m.ci_low));
    cr_assert_float_eq(s.ci_high, m.ci_high, 1e-12 * fabs(m.ci_high));
    free(x);
    sample_destroy(sm);
}

Test(sample, a_count_samples_percentiles_stay_exact_past_the_cap)
{
    const size_t n = 100000;
    const double unit = 365.0 / 730.0 * 2.1; /* a scale like outages per year */
    sample *sm = sample_create(100, unit, SAMPLE_ALL);
    gsl_rng *r = rng_create();
    rng_derive(r, SEED, 2, 0);
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
        x[i] = gsl_ran_poisson(r, 3.5) * unit; /* as the digest computes it */
        cr_assert_eq(sample_add(sm, x[i]), FD_OK);
    }
    rng_destroy(r);
    stats_summary s = sample_summary(sm);
    cr_assert(sample_exact(sm));
    gsl_sort(x, 1, n);
    const double f[] = { 0.05, 0.5, 0.95, 0.99 }, got[] = { s.p5, s.p50, s.p95, s.p99 };
    for (size_t i = 0; i < 4; i++) {
        double want = gsl_stats_quantile_from_sorted_data(x, 1, n, f[i]);
        cr_assert(same_bits(got[i], want), "p%g: %.17g vs %.17g", 100 * f[i], got[i], want);
    }
    free(x);
    sample_destroy(sm);
}

Test(sample, a_count_value_outside_the_histogram_falls_back_to_p2)
{
    sample *sm = sample_create(100, 1, SAMPLE_ALL);
    double *x = feed(sm, 5000, draw_poisson, 3);
    cr_assert(sample_exact(sm));
    cr_assert_eq(sample_add(sm, 0.5), FD_OK, "not a whole number of units");
    cr_assert_not(sample_exact(sm));
    stats_summary s = sample_summary(sm);
    cr_assert(s.p50 >= 2 && s.p50 <= 5, "%g", s.p50);
    free(x);
    sample_destroy(sm);
}

/* The P² estimate past the cap, against the exact percentiles of 10^6
 * values: within 0.002 of the rank, and, where the distribution has a
 * closed-form quantile, within 0.5 % of it (sampling error included). */
static void check_p2(draw_fn fn, double (*quantile)(double p), uint64_t cap)
{
    const size_t n = 1000000;
    sample *sm = sample_create(cap, 0, SAMPLE_ALL);
    double *x = feed(sm, n, fn, cap);
    stats_summary s = sample_summary(sm);
    cr_assert_not(sample_exact(sm));
    gsl_sort(x, 1, n);
    const double f[] = { 0.05, 0.5, 0.95, 0.99 }, got[] = { s.p5, s.p50, s.p95, s.p99 };
    for (size_t i = 0; i < 4; i++) {
        double exact = gsl_stats_quantile_from_sorted_data(x, 1, n, f[i]);
        double rank = rank_of(x, n, got[i]);
        cr_assert(fabs(rank - f[i]) <= 0.002 || got[i] == exact,
                  "p%g: estimate %.6g (rank %.5f), exact %.6g", 100 * f[i], got[i], rank,
                  exact);
        if (quantile)
            cr_assert_float_eq(got[i], quantile(f[i]), 0.005 * quantile(f[i]), "p%g",
                               100 * f[i]);
    }
    free(x);
    sample_destroy(sm);
}

static double q_uniform(double p) { return p; }
static double q_exponential(double p) { return -log1p(-p); }

Test(sample, p2_past_the_cap_against_a_uniform) { check_p2(draw_uniform, q_uniform, 1000); }
Test(sample, p2_past_the_cap_against_an_exponential)
{
    check_p2(draw_exponential, q_exponential, 65536);
}
Test(sample, p2_past_the_cap_against_a_lognormal) { check_p2(draw_lognormal, NULL, 1000); }

Test(sample, a_point_mass_at_the_smallest_value_is_exact)
{
    const size_t n = 300000;
    sample *sm = sample_create(1000, 0, SAMPLE_ALL);
    double *x = feed(sm, n, draw_downtime, 4);
    stats_summary s = sample_summary(sm);
    cr_assert_eq(s.p5, 0.0, "90 %% zeros: %g", s.p5);
    cr_assert_eq(s.p50, 0.0, "%g", s.p50);
    gsl_sort(x, 1, n);
    double p95 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.95);
    cr_assert_float_eq(s.p95, p95, 0.01 * p95);
    free(x);
    sample_destroy(sm);

    /* the same at the top: an availability that is mostly exactly 1 */
    sm = sample_create(100, 0, SAMPLE_ALL);
    for (size_t i = 0; i < 10000; i++)
        cr_assert_eq(sample_add(sm, i % 50 == 0 ? 0.999 : 1.0), FD_OK);
    s = sample_summary(sm);
    cr_assert_eq(s.p5, 1.0);
    cr_assert_eq(s.p99, 1.0);
    sample_destroy(sm);
}

Test(sample, memory_is_flat_past_the_cap)
{
    sample *sm = sample_create(1000, 0, SAMPLE_ALL);
    double *x = feed(sm, 1000, draw_uniform, 5);
    size_t at_cap = sample_bytes(sm);
    cr_assert_geq(at_cap, 1000 * sizeof(double), "the values are kept up to the cap");
    free(x);
    x = feed(sm, 10000, draw_uniform, 6);
    size_t past = sample_bytes(sm);
    free(x);
    x = feed(sm, 200000, draw_uniform, 7);
    cr_assert_eq(sample_bytes(sm), past, "no growth past the cap");
    cr_assert_lt(past, 1024, "only the record past the cap");
    free(x);
    sample_destroy(sm);
}

Test(sample, same_values_same_bits)
{
    sample *a = sample_create(64, 0, SAMPLE_ALL), *b = sample_create(64, 0, SAMPLE_ALL);
    double *x = feed(a, 10000, draw_lognormal, 8), *y = feed(b, 10000, draw_lognormal, 8);
    stats_summary sa = sample_summary(a), sb = sample_summary(b);
    cr_assert_eq(memcmp(&sa, &sb, sizeof sa), 0);
    stats_summary again = sample_summary(a);
    cr_assert_eq(memcmp(&sa, &again, sizeof sa), 0, "cached");
    free(x);
    free(y);
    sample_destroy(a);
    sample_destroy(b);
}

Test(sample, empty_and_single_values)
{
    sample *sm = sample_create(SAMPLE_MIN_CAP, 0, SAMPLE_ALL);
    stats_summary s = sample_summary(sm);
    cr_assert_eq(s.n, 0);
    cr_assert(isnan(s.mean) && isnan(s.p50) && isnan(s.ci_low));
    sample_destroy(sm);
    sm = sample_create(SAMPLE_MIN_CAP, 0, SAMPLE_P50);
    cr_assert_eq(sample_add(sm, 4.25), FD_OK);
    s = sample_summary(sm);
    cr_assert_eq(s.mean, 4.25);
    cr_assert_eq(s.sd, 0);
    cr_assert_eq(s.p99, 4.25, "exact up to the cap, whatever was asked for");
    sample_destroy(sm);
    /* past the cap, a percentile not asked for is NAN */
    sm = sample_create(SAMPLE_MIN_CAP, 0, SAMPLE_P50);
    double *x = feed(sm, 1000, draw_uniform, 9);
    s = sample_summary(sm);
    cr_assert(!isnan(s.p50) && isnan(s.p95));
    free(x);
    sample_destroy(sm);
    sample_destroy(NULL);
}
