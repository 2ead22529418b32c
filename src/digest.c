/*
 * digest: the replicas of a run reduced in replica order (see digest.h).
 *
 * Invariant: after n replicas, every sample of group g has seen metric m of
 * replicas 0..n-1 in order (DIGEST_OUTAGE_LEN: those with an outage), each
 * month sample the uptime of its month, and the totals count them all;
 * met_seq[0..n-1] holds each replica's months met while n <= cap (the
 * exact replay of the clustered variance), met_hist their histogram
 * always.  The values are computed here exactly as the report's in-memory
 * reduction computed them (the same expressions), so that up to the cap
 * the bits are the same.
 */
#include "digest.h"

#include "alloc.h"
#include "diag.h"
#include "sample.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_S (365.0 * 86400.0)

/* One group's reductions. */
typedef struct group {
    sample *m[DIGEST_NMETRICS]; /* per metric (NULL: DIGEST_DIFF of the baseline) */
    sample **month;          /* [nmonths]: uptime % of each month */
    uint64_t *month_met;     /* [nmonths]: replicas whose month met the target */
    double outages;          /* service outages, summed (whole numbers: exact) */
    uint64_t with_outage;    /* replicas with outages > 0 */
    stats_rare rare;         /* the rare-event estimator's accounts, summed */
    uint64_t met;            /* months met, over every replica */
    uint32_t *met_seq;       /* [cap]: months met by each replica, while n <= cap */
    uint64_t *met_hist;      /* [nmonths + 1]: replicas by months met */
    int alloc_most;          /* most VMs not allocated in one replica */
    uint64_t alloc_reps;     /* replicas with any */
    stats_summary met_sum;   /* digest_months_met, once finished */
    double as_mean[DIGEST_AS_NMETRICS]; /* autoscale figures: Welford means */
    double as_m2[DIGEST_AS_NMETRICS];   /* and sums of squared deviations */
} group;

struct digest {
    const scenario *s;       /* borrowed */
    size_t ngroups;
    size_t baseline;         /* group the differences are taken against */
    int nmonths;             /* months per replica */
    uint64_t cap;            /* replicas kept exactly */
    double per_year;         /* 1 y / horizon */
    uint64_t n;              /* replicas added */
    bool finished;
    group *g;                /* [ngroups] */
    double *pair_mean;       /* [npairs]: Welford mean of downtime a - b (a < b) */
    double *pair_m2;         /* [npairs]: its sum of squared deviations */
};

/* Index of the pair (a, b), a < b, in the pair arrays: row a of the upper
 * triangle holds the pairs (a, a+1 .. n-1). */
static size_t pair_index(size_t n, size_t a, size_t b)
{
    assert(a < b && b < n);
    return a * (2 * n - a - 1) / 2 + (b - a - 1);
}

uint64_t digest_cap(const scenario *s)
{
    size_t per = s->ngroups * ((size_t)(DIGEST_NMETRICS + stats_months(s->horizon)) *
                               sizeof(double) + sizeof(uint32_t));
    uint64_t cap = DIGEST_EXACT_BYTES / per;
    if (cap > DIGEST_EXACT_MAX)
        cap = DIGEST_EXACT_MAX;
    return cap < 16 ? 16 : cap;
}

void digest_destroy(digest *dg)
{
    if (dg == NULL)
        return;
    for (size_t i = 0; dg->g && i < dg->ngroups; i++) {
        group *gr = &dg->g[i];
        for (int m = 0; m < DIGEST_NMETRICS; m++)
            sample_destroy(gr->m[m]);
        for (int k = 0; gr->month && k < dg->nmonths; k++)
            sample_destroy(gr->month[k]);
        free(gr->month);
        free(gr->month_met);
        free(gr->met_seq);
        free(gr->met_hist);
    }
    free(dg->g);
    free(dg->pair_mean);
    free(dg->pair_m2);
    free(dg);
}

/* Make group i's samples.  FD_OK or FD_ENOMEM. */
static int group_init(digest *dg, size_t i)
{
    group *gr = &dg->g[i];
    for (int m = 0; m < DIGEST_NMETRICS; m++) {
        if (m == DIGEST_DIFF && i == dg->baseline)
            continue;
        double unit = m == DIGEST_OUTAGES ? dg->per_year
                      : m == DIGEST_WORST || m == DIGEST_ALLOC ? 1 : 0;
        if ((gr->m[m] = sample_create(dg->cap, unit, SAMPLE_ALL)) == NULL)
            return FD_ENOMEM;
    }
    size_t nm = (size_t)dg->nmonths;
    gr->month = fd_calloc(nm, sizeof *gr->month);
    gr->month_met = fd_calloc(nm, sizeof *gr->month_met);
    gr->met_hist = fd_calloc(nm + 1, sizeof *gr->met_hist);
    if (!gr->month || !gr->month_met || !gr->met_hist)
        return FD_ENOMEM;
    for (size_t k = 0; k < nm; k++)
        if ((gr->month[k] = sample_create(dg->cap, 0, SAMPLE_P5 | SAMPLE_P50)) == NULL)
            return FD_ENOMEM;
    return FD_OK;
}

int digest_create(digest **out, const scenario *s, size_t baseline, uint64_t cap)
{
    assert(s->ngroups >= 1 && baseline < s->ngroups);
    *out = NULL;
    digest *dg = fd_calloc(1, sizeof *dg);
    if (dg == NULL)
        return FD_ENOMEM;
    dg->s = s;
    dg->ngroups = s->ngroups;
    dg->baseline = baseline;
    dg->nmonths = stats_months(s->horizon);
    dg->cap = cap ? cap : digest_cap(s);
    if (dg->cap < SAMPLE_MIN_CAP)
        dg->cap = SAMPLE_MIN_CAP;
    dg->per_year = YEAR_S / s->horizon;
    dg->g = fd_calloc(dg->ngroups, sizeof *dg->g);
    size_t npairs = dg->ngroups * (dg->ngroups - 1) / 2;
    dg->pair_mean = fd_calloc(npairs ? npairs : 1, sizeof *dg->pair_mean);
    dg->pair_m2 = fd_calloc(npairs ? npairs : 1, sizeof *dg->pair_m2);
    if (dg->g == NULL || dg->pair_mean == NULL || dg->pair_m2 == NULL) {
        digest_destroy(dg);
        return FD_ENOMEM;
    }
    for (size_t i = 0; i < dg->ngroups; i++)
        if (group_init(dg, i) != FD_OK) {
            digest_destroy(dg);
            return FD_ENOMEM;
        }
    *out = dg;
    return FD_OK;
}

/* Metric m of one group's record, as the report has always computed it
 * (rec: the replica's records, for the baseline's downtime). */
static double value(const digest *dg, const stats_replica *rec, size_t g, int m)
{
    const stats_replica *p = &rec[g];
    switch (m) {
    case DIGEST_VM_AVAIL: return p->vm_availability;
    case DIGEST_SVC_AVAIL: return p->service_availability;
    case DIGEST_VM_UNAVAIL: return p->vm_unavailability;
    case DIGEST_SVC_UNAVAIL: return p->service_unavailability;
    case DIGEST_DOWNTIME: return p->downtime_min_per_year;
    case DIGEST_OUTAGES: return p->outages * dg->per_year;
    case DIGEST_OUTAGE_LEN: return p->outage_mean_min;
    case DIGEST_WORST: return p->worst_loss;
    case DIGEST_DEFICIT: return p->deficit_vm_hours * dg->per_year;
    case DIGEST_ALLOC: return p->alloc_failures;
    case DIGEST_DIFF:
        return p->downtime_min_per_year - rec[dg->baseline].downtime_min_per_year;
    default: assert(!"not a metric"); return NAN;
    }
}

/* Add group g of the replica to its reductions. */
/* Welford on group g's autoscale figures of replica p (the n-th + 1). */
static void autoscale_add(digest *dg, group *gr, const stats_replica *p)
{
    const double y = dg->per_year;
    const double x[DIGEST_AS_NMETRICS] = {
        [DIGEST_AS_TARGET_DEFICIT] = p->target_deficit_vm_hours * y,
        [DIGEST_AS_MEAN_TARGET] = p->mean_target,
        [DIGEST_AS_MEAN_SIZE] = p->mean_size,
        [DIGEST_AS_OUTS] = p->scale_outs * y,
        [DIGEST_AS_INS] = p->scale_ins * y,
        [DIGEST_AS_FAILS] = p->scale_alloc_failures * y,
        [DIGEST_AS_FD_IMB] = p->fd_imbalance,
        [DIGEST_AS_FD_IMB_MAX] = p->fd_imbalance_max,
        [DIGEST_AS_ZONE_IMB] = p->zone_imbalance,
        [DIGEST_AS_ZONE_IMB_MAX] = p->zone_imbalance_max,
    };
    double k = (double)(dg->n + 1);
    for (int m = 0; m < DIGEST_AS_NMETRICS; m++) {
        double delta = x[m] - gr->as_mean[m];
        gr->as_mean[m] += delta / k;
        gr->as_m2[m] += delta * (x[m] - gr->as_mean[m]);
    }
}

stats_summary digest_autoscale(const digest *dg, size_t g, digest_as_metric m)
{
    const group *gr = &dg->g[g];
    uint64_t n = dg->n;
    double sd = n > 1 ? sqrt(fmax(0, gr->as_m2[m]) / (double)(n - 1)) : 0;
    return stats_moments((size_t)n, gr->as_mean[m], sd);
}

static int group_add(digest *dg, size_t g, const stats_replica *rec, const double *md)
{
    group *gr = &dg->g[g];
    const stats_replica *p = &rec[g];
    if (dg->s->groups[g].autoscale)
        autoscale_add(dg, gr, p);
    assert(p->months == dg->nmonths && p->months_met >= 0 && p->months_met <= p->months);
    for (int m = 0; m < DIGEST_NMETRICS; m++) {
        if (gr->m[m] == NULL || (m == DIGEST_OUTAGE_LEN && !(p->outages > 0)))
            continue;
        if (sample_add(gr->m[m], value(dg, rec, g, m)) != FD_OK)
            return FD_ENOMEM;
    }
    double sla = dg->s->groups[g].sla_target;
    for (int m = 0; m < dg->nmonths; m++) {
        /* As stats_tally_finish: the last month may be shorter. */
        double len = stats_month_length(dg->s->horizon, m);
        double x = 100.0 * (len - md[m]) / len;
        gr->month_met[m] += x >= sla;
        if (sample_add(gr->month[m], x) != FD_OK)
            return FD_ENOMEM;
    }
    gr->outages += p->outages;
    gr->with_outage += p->outages > 0;
    uint32_t met = (uint32_t)p->months_met;
    gr->met += met;
    gr->met_hist[met]++;
    if (dg->n < dg->cap) {
        if (gr->met_seq == NULL && (gr->met_seq = fd_malloc(dg->cap * sizeof *gr->met_seq)) == NULL)
            return FD_ENOMEM;
        gr->met_seq[dg->n] = met;
    } else {
        free(gr->met_seq); /* past the cap: the histogram does */
        gr->met_seq = NULL;
    }
    gr->alloc_most = (int)fmax(gr->alloc_most, p->alloc_failures);
    gr->alloc_reps += p->alloc_failures > 0;
    return FD_OK;
}

int digest_add_rare(digest *dg, const stats_rare *rare)
{
    assert(!dg->finished && dg->n > 0);
    for (size_t g = 0; g < dg->ngroups; g++) {
        stats_rare *t = &dg->g[g].rare;
        const stats_rare *x = &rare[g];
        t->outages_seen += x->outages_seen;
        t->outages_w2 += x->outages_w2;
        t->retrials += x->retrials;
        t->work += x->work;
        t->plain_down += x->plain_down;
        t->plain_outages += x->plain_outages;
    }
    return FD_OK;
}

stats_rare digest_rare(const digest *dg, size_t g)
{
    return dg->g[g].rare;
}

uint64_t digest_with_outage(const digest *dg, size_t g)
{
    return dg->g[g].with_outage;
}

int digest_add(digest *dg, const stats_replica *rec, const double *month_down)
{
    assert(!dg->finished);
    for (size_t g = 0; g < dg->ngroups; g++)
        if (group_add(dg, g, rec, month_down + g * (size_t)dg->nmonths) != FD_OK)
            return FD_ENOMEM;
    /* Welford on every pair's paired difference, in replica order */
    double k = (double)(dg->n + 1);
    size_t i = 0;
    for (size_t a = 0; a < dg->ngroups; a++)
        for (size_t b = a + 1; b < dg->ngroups; b++, i++) {
            double x = rec[a].downtime_min_per_year - rec[b].downtime_min_per_year;
            double delta = x - dg->pair_mean[i];
            dg->pair_mean[i] += delta / k;
            dg->pair_m2[i] += delta * (x - dg->pair_mean[i]);
        }
    dg->n++;
    return FD_OK;
}

/* P(a month meets its target): the share of all months, with a Wilson
 * interval on the effective number of months.  The months of one replica
 * are not independent (they share its failures and maintenance waves), so
 * the replicas are clusters: the variance of the share comes from how the
 * replicas' met months scatter around it, and the effective number of
 * months is p(1 - p) / that variance, at most the number of months.  Up to
 * the cap the scatter is summed replica by replica, as it always was; past
 * it, over the histogram of months met (each replica has nmonths). */
static stats_summary months_met(const digest *dg, const group *gr)
{
    uint64_t n = dg->n;
    int M = dg->nmonths;
    double met = (double)gr->met, months = (double)n * M;
    stats_summary s = { .mean = NAN, .sd = NAN, .ci_low = NAN, .ci_high = NAN, .p5 = NAN,
                        .p50 = NAN, .p95 = NAN, .p99 = NAN, .n = (size_t)n };
    if (months <= 0)
        return s;
    double p = met / months, neff = months;
    if (n > 1 && p > 0 && p < 1) {
        double ss = 0, mbar = months / (double)n;
        if (n <= dg->cap) {
            for (uint64_t i = 0; i < n; i++) {
                double e = (double)gr->met_seq[i] - p * M;
                ss += e * e;
            }
        } else {
            long double acc = 0;
            for (int k = 0; k <= M; k++) {
                double e = k - p * M;
                acc += (long double)gr->met_hist[k] * (e * e);
            }
            ss = (double)acc;
        }
        double var = ss / ((double)n * (double)(n - 1) * mbar * mbar);
        if (var > 0 && p * (1 - p) / var < months)
            neff = p * (1 - p) / var;
    } else if (p == 0 || p == 1) {
        /* no spread to measure the clustering from: a replica's months may
         * all go together, so count replicas, not months (conservative) */
        neff = (double)n;
    }
    s.mean = p;
    stats_wilson(p * neff, neff, &s.ci_low, &s.ci_high);
    return s;
}

void digest_finish(digest *dg)
{
    if (dg->finished)
        return;
    dg->finished = true;
    for (size_t g = 0; g < dg->ngroups; g++) {
        group *gr = &dg->g[g];
        for (int m = 0; m < DIGEST_NMETRICS; m++)
            if (gr->m[m])
                sample_summary(gr->m[m]);
        for (int k = 0; k < dg->nmonths; k++)
            sample_summary(gr->month[k]);
        gr->met_sum = months_met(dg, gr);
        free(gr->met_seq);
        gr->met_seq = NULL;
    }
}

uint64_t digest_replicas(const digest *dg)
{
    return dg->n;
}

uint64_t digest_exact_cap(const digest *dg)
{
    return dg->cap;
}

stats_summary digest_summary(const digest *dg, size_t g, digest_metric m)
{
    assert(dg->finished && g < dg->ngroups && dg->g[g].m[m] != NULL);
    /* finished: sample_summary only reads its cache */
    return sample_summary(dg->g[g].m[m]);
}

bool digest_exact(const digest *dg, size_t g, digest_metric m)
{
    assert(g < dg->ngroups && dg->g[g].m[m] != NULL);
    return sample_exact(dg->g[g].m[m]);
}

stats_summary digest_months_met(const digest *dg, size_t g)
{
    assert(dg->finished && g < dg->ngroups);
    return dg->g[g].met_sum;
}

stats_summary digest_month(const digest *dg, size_t g, int m)
{
    assert(dg->finished && g < dg->ngroups && m >= 0 && m < dg->nmonths);
    return sample_summary(dg->g[g].month[m]);
}

uint64_t digest_month_met(const digest *dg, size_t g, int m)
{
    assert(g < dg->ngroups && m >= 0 && m < dg->nmonths);
    return dg->g[g].month_met[m];
}

stats_summary digest_pair_diff(const digest *dg, size_t a, size_t b)
{
    assert(a < dg->ngroups && b < dg->ngroups && a != b);
    size_t i = pair_index(dg->ngroups, a < b ? a : b, a < b ? b : a);
    double sd = dg->n > 1 ? sqrt(fmax(0, dg->pair_m2[i]) / (double)(dg->n - 1)) : 0;
    stats_summary s = stats_moments((size_t)dg->n, dg->pair_mean[i] + 0.0, sd);
    if (a > b) { /* the same pair the other way round */
        double lo = s.ci_low;
        s.mean = -s.mean + 0.0;
        s.ci_low = -s.ci_high;
        s.ci_high = -lo;
    }
    return s;
}

double digest_outages(const digest *dg, size_t g)
{
    return dg->g[g].outages;
}

int digest_alloc_most(const digest *dg, size_t g)
{
    return dg->g[g].alloc_most;
}

uint64_t digest_alloc_replicas(const digest *dg, size_t g)
{
    return dg->g[g].alloc_reps;
}

size_t digest_bytes(const digest *dg)
{
    size_t b = sizeof *dg + dg->ngroups * sizeof *dg->g;
    b += dg->ngroups * (dg->ngroups - 1) / 2 * (sizeof *dg->pair_mean + sizeof *dg->pair_m2);
    for (size_t i = 0; i < dg->ngroups; i++) {
        const group *gr = &dg->g[i];
        for (int m = 0; m < DIGEST_NMETRICS; m++)
            b += gr->m[m] ? sample_bytes(gr->m[m]) : 0;
        for (int k = 0; k < dg->nmonths; k++)
            b += sample_bytes(gr->month[k]);
        b += (size_t)dg->nmonths * (sizeof *gr->month + sizeof *gr->month_met);
        b += ((size_t)dg->nmonths + 1) * sizeof *gr->met_hist;
        b += gr->met_seq ? dg->cap * sizeof *gr->met_seq : 0;
    }
    return b;
}
