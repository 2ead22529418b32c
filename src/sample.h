/*
 * sample: one metric's values over the replicas of a run, taken one at a
 * time in replica order and reduced in memory that does not grow with the
 * number of values.
 *
 * Which estimator gives a summary, by the number n of values added:
 *
 *  - n <= cap ("exact"): the values themselves are kept, and the summary is
 *    stats_summarise's on them, bit for bit what an in-memory reduction of
 *    the same values gives: mean, two-pass sd, t-interval, percentiles.
 *  - n > cap ("streaming"): the kept values are dropped once the cap is
 *    passed, and
 *      mean   is the running-mean recurrence gsl_stats_mean itself uses
 *             (long double, in the same order), so it keeps the same bits
 *             at any n;
 *      sd     is Welford's running sum of squared deviations (long double):
 *             the last bits may differ from a two-pass sd;
 *      p5, p50, p95, p99: for a count sample (unit > 0: every value is
 *             k x unit, k = 0 .. SAMPLE_HIST_MAX - 1) exact, from a
 *             histogram of k, with gsl_stats_quantile_from_sorted_data's
 *             interpolation; otherwise (or once a count's value fell
 *             outside the histogram) P² estimates (Jain & Chlamtac, CACM
 *             1985), five markers per percentile, started at the cap from
 *             the exact order statistics of the values kept so far; except
 *             that a percentile falling inside the run of values equal to
 *             the smallest (largest) one, e.g. the zeros of a downtime or
 *             the ones of an availability, is that value exactly (P²
 *             assumes a continuous distribution and would give 1e-10 for
 *             a zero).  P² has no error bound in general; on the smooth
 *             and point-mass distributions of tests/test_sample.c it is
 *             within 0.2 % of the rank.
 *
 * The P² here is our own rather than gsl_rstat_quantile: GSL keeps marker
 * positions in an int (wrong past 2^31 values, and replicas go to 10^15)
 * and accumulates desired positions by repeated addition (which drifts
 * at large n); here positions are 64-bit and desired positions are
 * computed from n.  Starting from the exact order statistics at the cap,
 * rather than from the first five values, also makes it better and saves
 * its cost below the cap.
 *
 * Memory: up to cap doubles in the exact phase, O(1) after it, plus the
 * histogram of a count sample (at most SAMPLE_HIST_MAX counters).
 * Deterministic: the same values in the same order give the same bits.
 */
#ifndef FDSIM_SAMPLE_H
#define FDSIM_SAMPLE_H

#include "diag.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SAMPLE_MIN_CAP 5        /* P² needs five values to start from */
#define SAMPLE_HIST_MAX 65536   /* bins of a count sample's histogram */

/* The percentiles a sample estimates past its cap (up to the cap all four
 * are exact anyway); a summary gives NAN for one not asked for. */
enum {
    SAMPLE_P5 = 1,
    SAMPLE_P50 = 2,
    SAMPLE_P95 = 4,
    SAMPLE_P99 = 8,
    SAMPLE_ALL = 15,
};

typedef struct sample sample;

/* A sample that keeps its values exactly up to `cap` (>= SAMPLE_MIN_CAP)
 * and estimates the percentiles in `pct` (SAMPLE_* flags) past it; `unit`
 * > 0 makes it a count sample (values k x unit, see above), 0 a real one.
 * NULL without memory.  O(1): the kept values grow with them. */
sample *sample_create(uint64_t cap, double unit, unsigned pct);

/* Free it.  NULL is a no-op. */
void sample_destroy(sample *sm);

/* Add the next value (not NAN).  FD_OK, or FD_ENOMEM when the kept values
 * or the histogram could not grow (the sample is then unusable).  O(1)
 * amortised; O(cap log cap) once, at the value that passes the cap. */
int sample_add(sample *sm, double x);

/* Values added so far. */
uint64_t sample_count(const sample *sm);

/* Whether the percentiles are exact: n <= cap, or a count sample whose
 * every value fitted its histogram. */
bool sample_exact(const sample *sm);

/* The summary of every value added, unclipped (stats_clip applies a
 * range).  Sorts the kept values, so nothing may be added after it; the
 * result is cached, so calling it again is O(1).  O(cap log cap) once
 * (exact phase), else O(SAMPLE_HIST_MAX) or O(1). */
stats_summary sample_summary(sample *sm);

/* Bytes the sample holds now (its record, kept values, histogram). */
size_t sample_bytes(const sample *sm);

#endif
