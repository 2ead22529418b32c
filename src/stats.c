/*
 * stats: per-replica tallies and reductions over replicas (see stats.h).
 */
#include "stats.h"

#include "alloc.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void stats_scale_get(const stats_replica *p, double v[STATS_SCALE_FIELDS])
{
    const double x[STATS_SCALE_FIELDS] = {
        p->target_deficit_vm_hours, p->mean_target, p->mean_size, p->scale_outs,
        p->scale_ins, p->scale_alloc_failures, p->fd_imbalance, p->fd_imbalance_max,
        p->zone_imbalance, p->zone_imbalance_max,
    };
    memcpy(v, x, sizeof x);
}

void stats_scale_set(stats_replica *p, const double v[STATS_SCALE_FIELDS])
{
    p->target_deficit_vm_hours = v[0];
    p->mean_target = v[1];
    p->mean_size = v[2];
    p->scale_outs = v[3];
    p->scale_ins = v[4];
    p->scale_alloc_failures = v[5];
    p->fd_imbalance = v[6];
    p->fd_imbalance_max = v[7];
    p->zone_imbalance = v[8];
    p->zone_imbalance_max = v[9];
}

int stats_months(double horizon)
{
    int n = (int)ceil(horizon / STATS_MONTH - 1e-9);
    return n < 1 ? 1 : n;
}

double stats_month_length(double horizon, int m)
{
    return m == stats_months(horizon) - 1 ? horizon - m * STATS_MONTH : STATS_MONTH;
}

int stats_tally_init(stats_tally *t, int count, int quorum, double sla, double horizon)
{
    memset(t, 0, sizeof *t);
    t->count = t->size = t->target = count;
    t->quorum = quorum;
    t->sla = sla;
    t->horizon = horizon;
    t->nmonths = stats_months(horizon);
    t->at = fd_calloc((size_t)count + 1, sizeof *t->at);
    t->month_down = fd_calloc((size_t)t->nmonths, sizeof *t->month_down);
    if (!t->at || !t->month_down) {
        stats_tally_fini(t);
        return -1;
    }
    return 0;
}

void stats_tally_fini(stats_tally *t)
{
    free(t->at);
    free(t->month_down);
    t->at = t->month_down = NULL;
}

void stats_tally_copy(stats_tally *dst, const stats_tally *src)
{
    assert(dst->count == src->count && dst->nmonths == src->nmonths);
    double *at = dst->at, *month_down = dst->month_down;
    *dst = *src;
    dst->at = at;
    dst->month_down = month_down;
    memcpy(at, src->at, ((size_t)src->count + 1) * sizeof *at);
    memcpy(month_down, src->month_down, (size_t)src->nmonths * sizeof *month_down);
}

void stats_tally_reset(stats_tally *t, int down)
{
    memset(t->at, 0, ((size_t)t->top + 1) * sizeof *t->at);
    t->top = 0;
    memset(t->month_down, 0, (size_t)t->nmonths * sizeof *t->month_down);
    t->t = 0;
    t->down = down;
    t->svc_down = t->deficit = 0;
    t->tdeficit = t->short_time = t->target_time = 0;
    t->worst = 0;
    t->outages = 0;
    t->outage_start = -1;
}

/* Add service downtime [a, b) to the months it falls in. */
static void add_months(stats_tally *t, double a, double b)
{
    while (a < b) {
        int m = (int)(a / STATS_MONTH);
        if (m >= t->nmonths)
            m = t->nmonths - 1;
        double end = (m + 1) * STATS_MONTH;
        if (m == t->nmonths - 1 || end > b)
            end = b;
        t->month_down[m] += end - a;
        a = end;
    }
}

/* Integrate the current state over [t->t, now). */
static void integrate(stats_tally *t, double now)
{
    double dt = now - t->t;
    if (dt <= 0)
        return;
    int down = t->down, missing = t->quorum - (t->size - down);
    if (t->dyn) {
        int below = t->target - (t->size - down);
        if (below > 0)
            t->tdeficit += below * dt;
        t->short_time += (t->count - t->size) * dt;
        t->target_time += t->target * dt;
    }
    t->at[down] += dt;
    if (down > t->top)
        t->top = down;
    if (down > t->worst)
        t->worst = down;
    if (missing > 0) {
        t->svc_down += dt;
        t->deficit += missing * dt;
        add_months(t, t->t, now);
        if (t->outage_start < 0) {
            t->outages++;
            t->outage_start = t->t;
        }
    } else {
        t->outage_start = -1;
    }
    t->t = now;
}

void stats_tally_observe(stats_tally *t, double now, int down)
{
    integrate(t, now);
    t->down = down;
}

void stats_tally_resize(stats_tally *t, double now, int size, int down, int quorum, int target)
{
    assert(size >= 0 && size <= t->count && down >= 0 && down <= size);
    integrate(t, now);
    t->dyn = true;
    t->size = size;
    t->down = down;
    t->quorum = quorum;
    t->target = target;
}

void stats_tally_finish(stats_tally *t, int alloc_failures, const stats_out *res, size_t g)
{
    stats_replica *out = &res->rec[g];
    integrate(t, t->horizon);
    double T = t->horizon;
    double vm_down = 0;
    for (int k = 1; k <= t->top; k++)
        vm_down += k * t->at[k];
    /* over the VM-time of the set: count x T less the slots' time outside
     * it (0, exactly, when the set stays full: today's figure, bit for bit) */
    double vm_time = (double)t->count * T - t->short_time;
    out->vm_unavailability = vm_time > 0 ? vm_down / vm_time : 0;
    out->service_unavailability = t->svc_down / T;
    out->vm_availability = 1 - out->vm_unavailability;
    out->service_availability = 1 - out->service_unavailability;
    out->downtime_min_per_year = t->svc_down / 60.0 * (365.0 * 86400.0 / T);
    out->outages = t->outages;
    out->outage_mean_min = t->outages ? t->svc_down / t->outages / 60.0 : 0;
    out->worst_loss = t->worst;
    out->deficit_vm_hours = t->deficit / 3600.0;
    int met = 0;
    for (int m = 0; m < t->nmonths; m++) {
        double len = stats_month_length(T, m);
        double uptime = 100.0 * (len - t->month_down[m]) / len;
        met += uptime >= t->sla;
    }
    out->months_met = met;
    out->months = t->nmonths;
    out->alloc_failures = alloc_failures;
    out->target_deficit_vm_hours = t->dyn ? t->tdeficit / 3600.0 : 0;
    out->mean_target = t->dyn ? t->target_time / T : 0;
    out->mean_size = t->dyn ? t->count - t->short_time / T : 0;
    out->scale_outs = out->scale_ins = out->scale_alloc_failures = 0; /* the injector's */
    out->fd_imbalance = out->fd_imbalance_max = 0;
    out->zone_imbalance = out->zone_imbalance_max = 0;
    if (res->downcount)
        memcpy(res->downcount[g], t->at, ((size_t)t->count + 1) * sizeof *t->at);
    if (res->month_down)
        memcpy(res->month_down[g], t->month_down, (size_t)t->nmonths * sizeof *t->month_down);
}

stats_summary stats_moments(size_t n, double mean, double sd)
{
    stats_summary s = { .n = n, .mean = mean, .sd = sd };
    s.p5 = s.p50 = s.p95 = s.p99 = NAN;
    if (n == 0) {
        s.mean = s.sd = s.ci_low = s.ci_high = NAN;
        return s;
    }
    double half = n > 1 ? gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * s.sd / sqrt((double)n) : 0;
    s.ci_low = s.mean - half;
    s.ci_high = s.mean + half;
    return s;
}

stats_summary stats_summarise(double *x, size_t n)
{
    if (n == 0)
        return stats_moments(0, NAN, NAN);
    double lo, hi;
    gsl_stats_minmax(&lo, &hi, x, 1, n);
    if (lo == hi) { /* all alike (no outage anywhere, ...): the same bits, without a sort */
        stats_summary s = stats_moments(n, lo, 0);
        s.p5 = s.p50 = s.p95 = s.p99 = lo;
        return s;
    }
    double mean = gsl_stats_mean(x, 1, n);
    stats_summary s = stats_moments(n, mean, n > 1 ? gsl_stats_sd_m(x, 1, n, mean) : 0);
    gsl_sort(x, 1, n);
    s.p5 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.05);
    s.p50 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.50);
    s.p95 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.95);
    s.p99 = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.99);
    return s;
}

stats_summary stats_clip(stats_summary s, double lo, double hi)
{
    if (s.n == 0)
        return s;
    s.mean = fmin(hi, fmax(lo, s.mean));
    if (s.n < 2) { /* one value says nothing about its spread */
        s.ci_low = s.ci_high = NAN;
    } else if (s.sd == 0) {
        s.ci_low = s.mean == lo ? lo : NAN;
        s.ci_high = s.mean == hi ? hi : NAN;
    } else {
        s.ci_low = fmin(hi, fmax(lo, s.ci_low));
        s.ci_high = fmin(hi, fmax(lo, s.ci_high));
    }
    /* -0.0 prints as "-0": make every zero a plain one. */
    s.mean += 0.0;
    s.ci_low += 0.0;
    s.ci_high += 0.0;
    return s;
}

stats_summary stats_summarise_range(double *x, size_t n, double lo, double hi)
{
    return stats_clip(stats_summarise(x, n), lo, hi);
}

void stats_poisson_rate(double k, double exposure, double *low, double *high)
{
    *low = k > 0 ? gsl_cdf_chisq_Pinv(0.025, 2 * k) / (2 * exposure) : 0;
    *high = gsl_cdf_chisq_Pinv(0.975, 2 * k + 2) / (2 * exposure);
}

double stats_zero_events_upper(double exposure)
{
    return exposure > 0 ? -log(0.05) / exposure : INFINITY;
}

void stats_wilson(double k, double n, double *low, double *high)
{
    if (n <= 0) {
        *low = 0;
        *high = 1;
        return;
    }
    double z = gsl_cdf_ugaussian_Pinv(0.975), p = k / n, z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    *low = fmax(0, centre - half);
    *high = fmin(1, centre + half);
}
