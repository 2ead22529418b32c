/*
 * stats: what a replica means for one group, and what many replicas mean.
 *
 * A tally follows one group through one replica: it is told the group's
 * count of VMs down each time it may have changed (stats_tally_observe) and
 * integrates the step function exactly: the time spent at each down count,
 * service downtime (fewer than `quorum` VMs up), outages and their lengths,
 * the worst concurrent loss, the capacity deficit below the quorum in
 * VM-hours, and service downtime per month.  A month is 1/12 of fdsim's
 * 365-day year (730 h); a horizon that is not a whole number of months ends
 * with a shorter month, judged on its own length.
 *
 * A summary reduces one metric over replicas with GSL: mean, standard
 * deviation, a 95 % Student-t interval for the mean, and percentiles.
 * Reductions run in replica order, so results do not depend on threads.
 */
#ifndef FDSIM_STATS_H
#define FDSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>

#define STATS_MONTH (365.0 * 86400.0 / 12.0) /* seconds in fdsim's month */

/* One group's results for one replica. */
typedef struct stats_replica {
    double vm_availability;      /* fraction of VM-time up, 0..1 */
    double service_availability; /* fraction of time with >= quorum up, 0..1 */
    double vm_unavailability;    /* fraction of VM-time down, 0..1, computed from the
                                    down time itself (not 1 - vm_availability), so a
                                    small value keeps its digits and none is exactly 0 */
    double service_unavailability; /* fraction of time below quorum, likewise */
    double downtime_min_per_year;/* service downtime, minutes per 365-day year */
    double outages;              /* service outages (periods below quorum) */
    double outage_mean_min;      /* their mean length, minutes; 0 when none */
    double worst_loss;           /* most VMs down at once */
    double deficit_vm_hours;     /* integral of (quorum - up)+ dt, VM-hours */
    double months_met;           /* months whose uptime met the SLA target */
    double months;               /* months in the horizon */
    double alloc_failures;       /* VMs the placement could not allocate */
    /* autoscaling groups only (0 for the others): */
    double target_deficit_vm_hours; /* integral of (target - VMs up)+ dt, VM-hours */
    double mean_target;          /* time-average target instance count */
    double mean_size;            /* time-average instance count (VMs in the set) */
    double scale_outs;           /* VMs the scale-outs created */
    double scale_ins;            /* VMs the scale-ins removed */
    double scale_alloc_failures; /* scale-out allocations that failed (each try) */
    double fd_imbalance;         /* time-average of the most minus the fewest VMs
                                    across the fault domains of a unit (the worst unit) */
    double fd_imbalance_max;     /* its largest value */
    double zone_imbalance;       /* time-average of the most minus the fewest VMs
                                    across the group's zones (0 unless zone-spanning) */
    double zone_imbalance_max;   /* its largest value */
} stats_replica;

/* What the rare-event estimator (rare.h) tells about one group's estimate
 * from one root replica, beside its stats_replica; all zero for a plain
 * replica.  Sums, so that a run's totals are the sums over its replicas. */
typedef struct stats_rare {
    double outages_seen;   /* outages simulated in the replica's tree that count in
                              the estimate (root path and retrials), unweighted */
    double outages_w2;     /* the sum of their weights squared (the weighted count is
                              stats_replica.outages): (sum w)^2 / (sum w^2) is the
                              effective number of outages (Kish) */
    double retrials;       /* retrials run for the group from this root replica */
    double work;           /* their cost: events, plus RARE_RESTORE_EVENTS each */
    double plain_down;     /* the root path's own service downtime, s: the plain
                              replica's (the root path is the plain replica) */
    double plain_outages;  /* and its own outages */
} stats_rare;

/* An autoscaling group's figures of a record (target_deficit_vm_hours ..
 * zone_imbalance_max), in that order: what replicas.csv does not hold, so a
 * resumed or merged run keeps them beside it (rundir.h).  O(1). */
#define STATS_SCALE_FIELDS 10
void stats_scale_get(const stats_replica *p, double v[STATS_SCALE_FIELDS]);
void stats_scale_set(stats_replica *p, const double v[STATS_SCALE_FIELDS]);

/* Months in a horizon: a month is STATS_MONTH, and a horizon that is not a
 * whole number of months ends with a shorter one; at least 1.  O(1). */
int stats_months(double horizon);

/* Length of month m (< stats_months(horizon)) of a horizon, seconds.  O(1). */
double stats_month_length(double horizon, int m);

/* Where one replica writes its results, one value for every group: views
 * into the caller's storage (not owned), filled by stats_tally_finish. */
typedef struct stats_out {
    stats_replica *rec;        /* rec[g]: group g's results */
    double *const *downcount;  /* downcount[g][k]: seconds with k VMs down,
                                  k = 0..count; NULL: not wanted */
    double *const *month_down; /* month_down[g][m]: service downtime in month
                                  m, seconds, m < stats_months; NULL: not wanted */
    stats_rare *rare;          /* rare[g]: the estimator's account (rare.h); NULL:
                                  not wanted (plain replicas leave it alone) */
} stats_out;

/* Follows one group through one replica.  Caller storage: stats_tally_init
 * / stats_tally_fini. */
typedef struct stats_tally {
    int count;            /* VMs in the group (an autoscaling group's slots) */
    int quorum;           /* minimum VMs up for the service to be up (the floor) */
    bool dyn;             /* the size, floor and target change (stats_tally_resize) */
    int size;             /* VMs in the set now (count unless dyn); down counts of them */
    int target;           /* the target instance count now (count unless dyn) */
    double tdeficit;      /* dyn: integral of (target - up)+, VM-seconds */
    double short_time;    /* dyn: integral of count - size (slots not in the set), VM-s */
    double target_time;   /* dyn: integral of target, VM-seconds */
    double sla;           /* monthly uptime target, percent */
    double horizon;       /* replica length, seconds */
    double t;             /* time of the last observation */
    int down;             /* VMs down since t */
    double *at;           /* at[k]: time spent with k VMs down, k = 0..count */
    int top;              /* at[k] = 0 for k > top (what a reset must clear) */
    double svc_down;      /* time below quorum */
    double deficit;       /* integral of missing VMs below quorum, VM-seconds */
    int worst;            /* most VMs down over a positive duration */
    int outages;          /* outages ended or in progress */
    double outage_start;  /* start of the current outage, if below quorum */
    int nmonths;          /* months in the horizon */
    double *month_down;   /* service downtime per month, seconds */
} stats_tally;

/* Set up a tally for a group of `count` VMs.  Returns 0 or -1 (no memory). */
int stats_tally_init(stats_tally *t, int count, int quorum, double sla, double horizon);

/* Release its memory.  NULL-safe on a zeroed tally. */
void stats_tally_fini(stats_tally *t);

/* Make `dst` (initialised for the same group and horizon) continue
 * exactly where `src` is.  O(count + months), no allocation. */
void stats_tally_copy(stats_tally *dst, const stats_tally *src);

/* Start a replica at time 0 with `down` VMs down (those placement could
 * not allocate are down for good).  O(count + months). */
void stats_tally_reset(stats_tally *t, int down);

/* The group has `down` VMs down from time `now` on.  Integrates the time
 * since the last observation; a change at the same instant replaces the
 * last one (zero-length states count for nothing, not even as outages).
 * O(1) amortised (plus months crossed while below quorum). */
void stats_tally_observe(stats_tally *t, double now, int down);

/* Whether an excursion of `extra` more VMs down leaves the service's state
 * (below quorum or not) as it is now, so that stats_tally_excursion can add
 * it without knowing when it happens.  O(1). */
static inline bool stats_tally_folds(const stats_tally *t, int extra)
{
    int slack = t->size - t->quorum;
    return t->down > slack || t->down + extra <= slack;
}

/* The group has `extra` more VMs down during [at, at + len) and returns to
 * its current count after, with no other change between: the same as
 * observing (at, down + extra) then (at + len, down), with at >= the last
 * observation.  When stats_tally_folds, it is added in O(1) without moving
 * the tally's clock (and `at` is not used): the time the next integration
 * gives the current count loses `len` to the excursion's.  Else those two
 * observations are made.  Inline: maintenance walks call it per step. */
static inline void stats_tally_excursion(stats_tally *t, double at, int extra, double len)
{
    if (extra <= 0 || !(len > 0))
        return;
    int down = t->down;
    if (!stats_tally_folds(t, extra)) { /* an outage starts and ends: play it */
        stats_tally_observe(t, at, down + extra);
        stats_tally_observe(t, at + len, down);
        return;
    }
    int high = down + extra;
    t->at[high] += len;
    t->at[down] -= len;
    if (high > t->worst)
        t->worst = high;
    if (high > t->top)
        t->top = high;
    if (t->quorum - (t->size - high) > 0) /* below quorum throughout: the deficit grows */
        t->deficit += extra * len;
    if (t->dyn) { /* below target: the part of the excursion under it */
        int before = t->target - (t->size - down), after = t->target - (t->size - high);
        t->tdeficit += ((after > 0 ? after : 0) - (before > 0 ? before : 0)) * len;
    }
}

/* An autoscaling group's tally (stats_tally_init made it for its slots):
 * from `now` on (>= the last observation) the set holds `size` VMs, `down`
 * of them down, the floor is `quorum` and the target `target`.  Marks the
 * tally dyn (its replica's results then include the autoscale figures).
 * O(1) amortised, as stats_tally_observe. */
void stats_tally_resize(stats_tally *t, double now, int size, int down, int quorum, int target);

/* Close the replica at the horizon and write its results as group `g` of
 * `out` (the record, and the downcount and month downtimes where wanted);
 * `alloc_failures` is copied in.  O(count + months). */
void stats_tally_finish(stats_tally *t, int alloc_failures, const stats_out *out, size_t g);

/* A metric reduced over replicas. */
typedef struct stats_summary {
    double mean, sd;             /* sample mean and standard deviation */
    double ci_low, ci_high;      /* 95 % Student-t interval for the mean */
    double p5, p50, p95, p99;    /* percentiles (GSL, linear interpolation) */
    size_t n;                    /* replicas */
} stats_summary;

/* Summarise x[0..n-1] (values in replica order; `x` is sorted in place):
 * the mean (gsl_stats_mean), the two-pass sd (gsl_stats_sd_m), the
 * t-interval as stats_moments gives it, and GSL's interpolated percentiles.
 * With n == 1 the interval is the point itself.  O(n log n). */
stats_summary stats_summarise(double *x, size_t n);

/* A summary of n values from their mean and sd alone: the 95 % Student-t
 * interval mean -+ t(0.975; n - 1) sd / sqrt(n) (the point itself when
 * n == 1; everything NAN when n == 0), percentiles NAN for the caller to
 * fill.  The same arithmetic as stats_summarise, so a streaming reduction
 * with the same mean and sd gives the same bits.  O(1). */
stats_summary stats_moments(size_t n, double mean, double sd);

/* Keep a summary of a quantity that lies in [lo, hi] inside that range,
 * as stats_summarise_range describes (uses s.n, s.sd; percentiles are left
 * as they are).  O(1). */
stats_summary stats_clip(stats_summary s, double lo, double hi);

/* As stats_summarise, for a quantity that lies in [lo, hi] (lo may be
 * -INFINITY, hi INFINITY): the mean is kept inside the range (rounding
 * alone could push it out), and the t-interval is clipped to the range,
 * which keeps its coverage, since the true mean lies in the range too.
 * When every value is the same (sd = 0, e.g. no outage in any replica) the
 * sample says nothing about its spread: an end of the interval that sits
 * on a bound of the range is that bound, any other end is NAN (no interval
 * supported), never a zero-width interval.  O(n log n). */
stats_summary stats_summarise_range(double *x, size_t n, double lo, double hi);

/* The 95 % upper bound on a Poisson rate when no event was seen in
 * `exposure` units (rule of three: -ln 0.05 / exposure = 2.996 / exposure).
 * INFINITY when exposure <= 0. */
/* The exact (Garwood) 95 % interval on the rate of a Poisson process that
 * gave k events in `exposure` (> 0): [chi2(0.025; 2k) / 2E, chi2(0.975;
 * 2k + 2) / 2E], the low end 0 for k = 0.  O(1). */
void stats_poisson_rate(double k, double exposure, double *low, double *high);

double stats_zero_events_upper(double exposure);

/* A 95 % Wilson score interval for a proportion of k successes in n. */
void stats_wilson(double k, double n, double *low, double *high);

#endif
