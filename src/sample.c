/*
 * sample: one metric over replicas in bounded memory (see sample.h).
 *
 * Invariants: n values were added.  While n <= cap, x[0..n-1] are the
 * values in order (x grows by doubling up to cap) and nothing else is kept:
 * every figure comes from them at the end, so adding a value is a store.
 * Once n > cap, x is NULL; mean and m2 are the running mean and sum of
 * squared deviations of all the values (made from the kept ones, in order,
 * when the cap was passed); every wanted p2 marker set has seen every value
 * (its first cap through its start from the sorted kept values); hist,
 * when not NULL, counts every value (hist[k]: values equal to k x unit);
 * lo and hi are the smallest and largest value, nlo and nhi how many
 * values equal them.
 */
#include "sample.h"

#include "alloc.h"

#include <assert.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NPCT 4

static const double pct_f[NPCT] = { 0.05, 0.50, 0.95, 0.99 };

/* One P² estimator: five markers, heights q at ranks pos (1-based). */
typedef struct p2 {
    double f;        /* the quantile, 0..1 */
    double q[5];     /* marker heights, non-decreasing */
    int64_t pos[5];  /* marker ranks, strictly increasing; pos[4] = n */
} p2;

struct sample {
    uint64_t cap;            /* values kept exactly */
    double unit;             /* > 0: a count sample */
    unsigned pct;            /* SAMPLE_* percentiles to estimate past cap */
    uint64_t n;              /* values added */
    long double mean;        /* running mean (gsl_stats_mean's recurrence) */
    long double m2;          /* Welford's sum of squared deviations */
    double lo, hi;           /* smallest and largest value */
    uint64_t nlo, nhi;       /* values equal to lo, to hi */
    double *x;               /* the values while n <= cap (owned) */
    uint64_t xcap;           /* room in x */
    uint64_t *hist;          /* count sample: hist[k], k < nbins (owned); NULL: none */
    size_t nbins;            /* bins in hist */
    bool hist_off;           /* a value did not fit: no histogram any more */
    p2 est[NPCT];            /* est[i] for pct_f[i], when wanted and n > cap */
    bool done;               /* sample_summary was called */
    stats_summary sum;       /* its cached result */
};

sample *sample_create(uint64_t cap, double unit, unsigned pct)
{
    assert(cap >= SAMPLE_MIN_CAP && unit >= 0);
    sample *sm = fd_calloc(1, sizeof *sm);
    if (sm == NULL)
        return NULL;
    sm->cap = cap;
    sm->unit = unit;
    sm->pct = pct;
    sm->hist_off = !(unit > 0);
    return sm;
}

void sample_destroy(sample *sm)
{
    if (sm == NULL)
        return;
    free(sm->x);
    free(sm->hist);
    free(sm);
}

uint64_t sample_count(const sample *sm)
{
    return sm->n;
}

bool sample_exact(const sample *sm)
{
    return sm->n <= sm->cap || !sm->hist_off;
}

size_t sample_bytes(const sample *sm)
{
    return sizeof *sm + sm->xcap * sizeof *sm->x + sm->nbins * sizeof *sm->hist;
}

/* ----------------------------------------------------------- P² --- */

/* Desired rank of marker i after n values: 1 + (n - 1) g_i, with g = 0,
 * f/2, f, (1 + f)/2, 1 (computed, not accumulated: no drift). */
static double desired(const p2 *e, int i, uint64_t n)
{
    const double g[5] = { 0, e->f / 2, e->f, (1 + e->f) / 2, 1 };
    return 1 + (double)(n - 1) * g[i];
}

/* Start from the sorted first m >= 5 values: each marker on the order
 * statistic nearest its desired rank. */
static void p2_start(p2 *e, double f, const double *sorted, uint64_t m)
{
    e->f = f;
    for (int i = 0; i < 5; i++)
        e->pos[i] = (int64_t)llround(desired(e, i, m));
    e->pos[0] = 1;
    e->pos[4] = (int64_t)m;
    for (int i = 1; i < 4; i++) /* strictly increasing, inside [1, m] */
        if (e->pos[i] <= e->pos[i - 1])
            e->pos[i] = e->pos[i - 1] + 1;
    for (int i = 3; i > 0; i--)
        if (e->pos[i] >= e->pos[i + 1])
            e->pos[i] = e->pos[i + 1] - 1;
    for (int i = 0; i < 5; i++)
        e->q[i] = sorted[e->pos[i] - 1];
}

/* Marker i's height moved one rank towards s (+1 or -1) on the parabola
 * through its neighbours. */
static double parabolic(const p2 *e, int i, int s)
{
    double n0 = (double)e->pos[i - 1], n1 = (double)e->pos[i], n2 = (double)e->pos[i + 1];
    return e->q[i] + s / (n2 - n0)
                         * ((n1 - n0 + s) * (e->q[i + 1] - e->q[i]) / (n2 - n1)
                            + (n2 - n1 - s) * (e->q[i] - e->q[i - 1]) / (n1 - n0));
}

static double linear(const p2 *e, int i, int s)
{
    return e->q[i] + s * (e->q[i + s] - e->q[i]) / (double)(e->pos[i + s] - e->pos[i]);
}

/* The n-th value x (n counts it). */
static void p2_add(p2 *e, double x, uint64_t n)
{
    int k;
    if (x < e->q[0]) {
        e->q[0] = x;
        k = 0;
    } else if (x >= e->q[4]) {
        e->q[4] = x;
        k = 3;
    } else {
        for (k = 0; k < 3 && x >= e->q[k + 1]; k++)
            ;
    }
    for (int i = k + 1; i < 5; i++)
        e->pos[i]++;
    for (int i = 1; i < 4; i++) {
        double d = desired(e, i, n) - (double)e->pos[i];
        if ((d >= 1 && e->pos[i + 1] - e->pos[i] > 1) ||
            (d <= -1 && e->pos[i - 1] - e->pos[i] < -1)) {
            int s = d > 0 ? 1 : -1;
            double q = parabolic(e, i, s);
            e->q[i] = e->q[i - 1] < q && q < e->q[i + 1] ? q : linear(e, i, s);
            e->pos[i] += s;
        }
    }
}

/* ---------------------------------------------------------- values -- */

/* Count the value in the histogram, or give the histogram up. */
static int hist_add(sample *sm, double x)
{
    double k = nearbyint(x / sm->unit);
    if (!(k >= 0 && k < SAMPLE_HIST_MAX && k * sm->unit == x)) {
        free(sm->hist);
        sm->hist = NULL;
        sm->nbins = 0;
        sm->hist_off = true;
        return FD_OK;
    }
    size_t b = (size_t)k;
    if (b >= sm->nbins) {
        size_t nb = sm->nbins ? sm->nbins : 16;
        while (nb <= b)
            nb *= 2;
        if (nb > SAMPLE_HIST_MAX)
            nb = SAMPLE_HIST_MAX;
        uint64_t *h = fd_realloc(sm->hist, nb * sizeof *h);
        if (h == NULL)
            return FD_ENOMEM;
        memset(h + sm->nbins, 0, (nb - sm->nbins) * sizeof *h);
        sm->hist = h;
        sm->nbins = nb;
    }
    sm->hist[b]++;
    return FD_OK;
}

/* Past the cap: every figure beyond the kept values is kept as it comes
 * (running moments, extremes, histogram, P² estimates). */
static int track(sample *sm, double x)
{
    if (!sm->hist_off && hist_add(sm, x) != FD_OK)
        return FD_ENOMEM;
    if (sm->n == 0 || x < sm->lo) {
        sm->lo = x;
        sm->nlo = 1;
    } else if (x == sm->lo) {
        sm->nlo++;
    }
    if (sm->n == 0 || x > sm->hi) {
        sm->hi = x;
        sm->nhi = 1;
    } else if (x == sm->hi) {
        sm->nhi++;
    }
    sm->n++;
    /* gsl_stats_mean's recurrence, mean += (x - mean) / (i + 1), then
     * Welford's update of the squared deviations. */
    long double delta = x - sm->mean;
    sm->mean += delta / sm->n;
    sm->m2 += delta * (x - sm->mean);
    return FD_OK;
}

/* The cap is passed: make the running figures from the kept values, in
 * the order they came (the same bits as had they been kept all along),
 * start the estimators from them sorted, and drop them. */
static int leave_exact(sample *sm)
{
    uint64_t n = sm->n;
    sm->n = 0;
    for (uint64_t k = 0; k < n; k++)
        if (track(sm, sm->x[k]) != FD_OK)
            return FD_ENOMEM;
    gsl_sort(sm->x, 1, sm->cap);
    for (int i = 0; i < NPCT; i++)
        if (sm->pct & (1u << i))
            p2_start(&sm->est[i], pct_f[i], sm->x, sm->cap);
    free(sm->x);
    sm->x = NULL;
    sm->xcap = 0;
    return FD_OK;
}

int sample_add(sample *sm, double x)
{
    assert(!sm->done && !isnan(x));
    if (sm->n < sm->cap) { /* kept: every figure comes from the values at the end */
        if (sm->n == sm->xcap) {
            uint64_t nc = sm->xcap ? 2 * sm->xcap : 64;
            if (nc > sm->cap)
                nc = sm->cap;
            double *nx = fd_realloc(sm->x, nc * sizeof *nx);
            if (nx == NULL)
                return FD_ENOMEM;
            sm->x = nx;
            sm->xcap = nc;
        }
        sm->x[sm->n++] = x;
        return FD_OK;
    }
    if (sm->n == sm->cap && leave_exact(sm) != FD_OK)
        return FD_ENOMEM;
    for (int i = 0; i < NPCT; i++)
        if (sm->pct & (1u << i))
            p2_add(&sm->est[i], x, sm->n + 1);
    return track(sm, x);
}

/* The value at 0-based rank r of the sorted values, from the histogram. */
static double hist_rank(const sample *sm, uint64_t r)
{
    uint64_t below = 0;
    for (size_t k = 0; k < sm->nbins; k++) {
        below += sm->hist[k];
        if (r < below)
            return (double)k * sm->unit;
    }
    assert(!"rank beyond the values");
    return NAN;
}

/* gsl_stats_quantile_from_sorted_data on the histogram (64-bit ranks). */
static double hist_quantile(const sample *sm, double f)
{
    uint64_t n = sm->n;
    const double index = f * (double)(n - 1);
    const uint64_t lhs = (uint64_t)index;
    const double delta = index - (double)lhs;
    if (lhs == n - 1)
        return hist_rank(sm, lhs);
    return (1 - delta) * hist_rank(sm, lhs) + delta * hist_rank(sm, lhs + 1);
}

/* Past the cap, without a histogram: percentile f, which is the smallest
 * (largest) value exactly when both ranks it interpolates between hold
 * it, else the P² estimate of est[i]. */
static double estimate(const sample *sm, int i, double f)
{
    const double index = f * (double)(sm->n - 1);
    const uint64_t lhs = (uint64_t)index, rhs = index > (double)lhs ? lhs + 1 : lhs;
    if (rhs < sm->nlo)
        return sm->lo;
    if (lhs >= sm->n - sm->nhi)
        return sm->hi;
    return sm->pct & (1u << i) ? sm->est[i].q[2] : NAN;
}

stats_summary sample_summary(sample *sm)
{
    if (sm->done)
        return sm->sum;
    sm->done = true;
    if (sm->n <= sm->cap) {
        sm->sum = stats_summarise(sm->x, (size_t)sm->n);
        return sm->sum;
    }
    double sd = (double)sqrtl(sm->m2 / (long double)(sm->n - 1));
    stats_summary s = stats_moments((size_t)sm->n, (double)sm->mean, sd);
    double *out[NPCT] = { &s.p5, &s.p50, &s.p95, &s.p99 };
    for (int i = 0; i < NPCT; i++) {
        if (!sm->hist_off)
            *out[i] = hist_quantile(sm, pct_f[i]);
        else
            *out[i] = estimate(sm, i, pct_f[i]);
    }
    sm->sum = s;
    return s;
}
