/* Tests of rng: the xoshiro256** type against the reference outputs, stream
 * derivation (reproducible, distinct), and GSL's distributions on top of it,
 * checked against closed forms with fixed seeds. */
#include <criterion/criterion.h>

#include "rng.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void no_gsl_abort(void)
{
    gsl_set_error_handler_off();
}

TestSuite(rng, .init = no_gsl_abort);

static gsl_rng *make(uint64_t master, uint64_t replica, uint64_t stream)
{
    gsl_rng *r = rng_create();
    cr_assert_not_null(r);
    rng_derive(r, master, replica, stream);
    return r;
}

/* Two 32-bit draws as one 64-bit value: a fingerprint of a stream's start. */
static uint64_t draw64(gsl_rng *r)
{
    uint64_t hi = gsl_rng_get(r);
    return hi << 32 | gsl_rng_get(r);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

Test(rng, matches_reference_xoshiro256ss_outputs)
{
    /* The reference C code from state {1, 2, 3, 4} gives 11520, 0,
     * 1509978240, 1215971899390074240, 1216172134540287360, ...; get()
     * returns their top 32 bits, uniform() their top 53 bits. */
    gsl_rng *r = rng_create();
    const uint64_t s[4] = { 1, 2, 3, 4 };
    memcpy(r->state, s, sizeof s);
    const unsigned long want[] = { 0, 0, 0, 283115520ul, 283162140ul };
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(gsl_rng_get(r), want[i], "output %zu", i);
    double u = gsl_rng_uniform(r);
    cr_assert_eq(u, (double)(UINT64_C(607988272756665600) >> 11) * 0x1.0p-53);
    rng_destroy(r);
}

Test(rng, type_is_usable_through_gsl_rng_alloc)
{
    gsl_rng *a = gsl_rng_alloc(rng_xoshiro256ss());
    gsl_rng *b = gsl_rng_alloc(rng_xoshiro256ss());
    cr_assert_not_null(a);
    cr_assert_str_eq(gsl_rng_name(a), "xoshiro256**");
    cr_assert_eq(gsl_rng_max(a), 0xfffffffful);
    cr_assert_eq(gsl_rng_min(a), 0);
    gsl_rng_set(a, 12345);
    gsl_rng_set(b, 12345);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng *c = gsl_rng_clone(a);
    cr_assert_eq(gsl_rng_uniform(a), gsl_rng_uniform(c));
    gsl_rng_free(c);
    rng_destroy(a);
    rng_destroy(b);
    rng_destroy(NULL);
}

Test(rng, same_triple_gives_same_sequence)
{
    uint64_t id = rng_stream_id("failures");
    gsl_rng *a = make(42, 7, id);
    gsl_rng *b = make(1, 2, 3);
    for (int i = 0; i < 500; i++) /* move b along another stream first */
        gsl_rng_get(b);
    rng_derive(b, 42, 7, id); /* reseeding in place restarts the stream */
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
    rng_derive(a, 42, 7, id);
    rng_derive(b, 42, 7, id);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(gsl_rng_uniform(a), gsl_rng_uniform(b));
    rng_destroy(a);
    rng_destroy(b);
}

Test(rng, created_generator_is_stream_zero)
{
    gsl_rng *a = rng_create();
    gsl_rng *b = make(0, 0, 0);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b));
    rng_destroy(a);
    rng_destroy(b);
}

Test(rng, distinct_triples_give_distinct_sequences)
{
    /* 3 masters x 100 replicas x 100 streams (small, adjacent values, the
     * worst case for weak seeding): no two streams share their first 64
     * bits, nor their second 64 bits. */
    enum { M = 3, R = 100, S = 100, N = M * R * S };
    uint64_t *first = malloc(N * sizeof *first);
    uint64_t *second = malloc(N * sizeof *second);
    cr_assert(first && second);
    gsl_rng *r = rng_create();
    size_t n = 0;
    for (uint64_t m = 0; m < M; m++)
        for (uint64_t rep = 0; rep < R; rep++)
            for (uint64_t s = 0; s < S; s++) {
                rng_derive(r, m, rep, s);
                first[n] = draw64(r);
                second[n++] = draw64(r);
            }
    qsort(first, N, sizeof *first, cmp_u64);
    qsort(second, N, sizeof *second, cmp_u64);
    for (size_t i = 1; i < N; i++) {
        cr_assert_neq(first[i], first[i - 1]);
        cr_assert_neq(second[i], second[i - 1]);
    }
    /* Swapping the words of a triple gives another stream. */
    gsl_rng *a = make(1, 2, 3), *b = make(3, 2, 1), *c = make(2, 1, 3);
    uint64_t x = draw64(a), y = draw64(b), z = draw64(c);
    cr_assert(x != y && y != z && x != z);
    rng_destroy(a);
    rng_destroy(b);
    rng_destroy(c);
    rng_destroy(r);
    free(first);
    free(second);
}

Test(rng, neighbouring_streams_are_uncorrelated)
{
    /* Streams s and s+1 of one replica: the sample correlation of their
     * uniform draws is within 4 standard errors (1/sqrt(n)) of 0. */
    enum { N = 200000 };
    gsl_rng *a = make(9, 0, 1), *b = make(9, 0, 2);
    double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
    for (int i = 0; i < N; i++) {
        double x = gsl_rng_uniform(a), y = gsl_rng_uniform(b);
        sx += x; sy += y; sxy += x * y; sxx += x * x; syy += y * y;
    }
    double cov = sxy / N - (sx / N) * (sy / N);
    double corr = cov / sqrt((sxx / N - sx * sx / N / N) * (syy / N - sy * sy / N / N));
    cr_assert_lt(fabs(corr), 4.0 / sqrt(N), "correlation %g", corr);
    rng_destroy(a);
    rng_destroy(b);
}

Test(rng, uniform_doubles_lie_in_unit_interval_with_mean_half)
{
    enum { N = 1000000 };
    gsl_rng *r = make(2024, 3, rng_stream_id("uniform"));
    double sum = 0, lo = 1, hi = 0;
    for (int i = 0; i < N; i++) {
        double u = gsl_rng_uniform(r);
        cr_assert(u >= 0.0 && u < 1.0);
        sum += u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    double se = sqrt(1.0 / 12.0 / N);
    cr_assert_lt(fabs(sum / N - 0.5), 4 * se, "mean %g", sum / N);
    cr_assert_lt(lo, 1e-4);
    cr_assert_gt(hi, 1 - 1e-4);
    rng_destroy(r);
}

Test(rng, exponential_mean_within_four_standard_errors)
{
    enum { N = 1000000 };
    const double mean = 2.5; /* sd of an exponential equals its mean */
    gsl_rng *r = make(1, 0, rng_stream_id("exp"));
    double sum = 0;
    for (int i = 0; i < N; i++)
        sum += gsl_ran_exponential(r, mean);
    cr_assert_lt(fabs(sum / N - mean), 4 * mean / sqrt(N), "mean %g", sum / N);
    rng_destroy(r);
}

Test(rng, weibull_mean_within_four_standard_errors)
{
    enum { N = 1000000 };
    const double scale = 3.0, shape = 1.5;
    double m1 = scale * gsl_sf_gamma(1 + 1 / shape);
    double m2 = scale * scale * gsl_sf_gamma(1 + 2 / shape);
    double sd = sqrt(m2 - m1 * m1);
    gsl_rng *r = make(1, 0, rng_stream_id("weibull"));
    double sum = 0;
    for (int i = 0; i < N; i++)
        sum += gsl_ran_weibull(r, scale, shape);
    cr_assert_lt(fabs(sum / N - m1), 4 * sd / sqrt(N), "mean %g, want %g",
                 sum / N, m1);
    rng_destroy(r);
}

Test(rng, uniform_int_covers_range_evenly)
{
    /* Chi-square with 36 degrees of freedom: the 99.99th percentile is
     * about 75, so 100 fails only a broken generator. */
    enum { K = 37, PER = 10000, N = K * PER };
    long count[K] = { 0 };
    gsl_rng *r = make(5, 1, rng_stream_id("uniform_int"));
    for (int i = 0; i < N; i++) {
        unsigned long k = gsl_rng_uniform_int(r, K);
        cr_assert_lt(k, (unsigned long)K);
        count[k]++;
    }
    double chi2 = 0;
    for (int k = 0; k < K; k++)
        chi2 += (count[k] - PER) * (double)(count[k] - PER) / PER;
    cr_assert_lt(chi2, 100.0, "chi-square %g", chi2);

    /* The widest range GSL allows for this type still works. */
    unsigned long big = gsl_rng_uniform_int(r, 0xfffffffful);
    cr_assert_lt(big, 0xfffffffful);
    rng_destroy(r);
}

Test(rng, below_is_uniform_over_its_range)
{
    /* The same chi-square test as for gsl_rng_uniform_int, for sizes that
     * need rejection (a multiply-shift alone would favour some values). */
    static const uint32_t sizes[] = { 37, 60, 3, 1000 };
    for (size_t c = 0; c < sizeof sizes / sizeof sizes[0]; c++) {
        uint32_t K = sizes[c];
        enum { PER = 2000 };
        long *count = calloc(K, sizeof *count);
        gsl_rng *r = make(5, c, rng_stream_id("below"));
        for (long i = 0; i < (long)K * PER; i++) {
            uint32_t k = rng_below(r, K);
            cr_assert_lt(k, K);
            count[k]++;
        }
        double chi2 = 0;
        for (uint32_t k = 0; k < K; k++)
            chi2 += (count[k] - PER) * (double)(count[k] - PER) / PER;
        /* the 99.99th percentile of chi-square(K - 1) is below K - 1 + 9 sqrt(K) */
        cr_assert_lt(chi2, K - 1 + 9 * sqrt((double)K), "n = %u: chi-square %g", K, chi2);
        free(count);
        rng_destroy(r);
    }
    gsl_rng *r = make(5, 9, 1);
    cr_assert_eq(rng_below(r, 1), 0);
    cr_assert_lt(rng_below(r, 0xffffffffu), 0xffffffffu);
    rng_destroy(r);
}

Test(rng, every_output_bit_is_fair)
{
    enum { N = 100000 };
    long ones[32] = { 0 };
    gsl_rng *r = make(77, 0, 0);
    for (int i = 0; i < N; i++) {
        unsigned long x = gsl_rng_get(r);
        for (int b = 0; b < 32; b++)
            ones[b] += (long)((x >> b) & 1);
    }
    double se = sqrt(0.25 * N);
    for (int b = 0; b < 32; b++)
        cr_assert_lt(fabs(ones[b] - N / 2.0), 5 * se, "bit %d: %ld", b, ones[b]);
    rng_destroy(r);
}

Test(rng, derive_is_cheap_and_reusable)
{
    /* A million derivations on one generator: no allocation, and the state
     * always changes. */
    gsl_rng *r = rng_create();
    unsigned long prev = 0, same = 0;
    for (uint64_t i = 0; i < 1000000; i++) {
        rng_derive(r, 11, i / 1000, i % 1000);
        unsigned long x = gsl_rng_get(r);
        same += x == prev;
        prev = x;
    }
    cr_assert_lt(same, 5ul);
    rng_destroy(r);
}

Test(rng, stream_id_is_fnv1a_64)
{
    cr_assert_eq(rng_stream_id(""), UINT64_C(0xcbf29ce484222325));
    cr_assert_eq(rng_stream_id("a"), UINT64_C(0xaf63dc4c8601ec8c));
    cr_assert_eq(rng_stream_id("foobar"), UINT64_C(0x85944171f73967e8));
    cr_assert_neq(rng_stream_id("web"), rng_stream_id("db"));
}
