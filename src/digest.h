/*
 * digest: what the replicas of a run add up to, for the report: every
 * per-replica figure of summary.csv, months.csv and the table, reduced one
 * replica at a time in replica order, in memory that does not grow with
 * the number of replicas.
 *
 * Per group it keeps one sample (sample.h) per metric of summary.csv that
 * has a distribution (availability, unavailability, downtime, outages,
 * outage length, worst loss, deficit, allocation failures, the paired
 * difference against the baseline), one per month (uptime %), and exact
 * integer totals: outages, months met (with their histogram, for the
 * clustered Wilson interval), replicas with VMs not allocated and the most
 * at once, and per month the replicas that met the SLA target.  Across
 * groups it keeps the running mean and variance of every pair's paired
 * downtime difference (for the verdict's ties).
 *
 * Up to the cap (digest_cap) every figure is the bits an in-memory
 * reduction of the same replicas gives (the report's outputs before the
 * digest, byte for byte); past it the percentiles of the real-valued
 * metrics are P² estimates and the sds Welford's (sample.h), the count
 * metrics' percentiles (outages, worst loss, allocation failures) stay
 * exact, and the means, totals, Poisson and Wilson intervals stay the same
 * bits.  Same replicas in the same order: same bits, whatever the threads.
 */
#ifndef FDSIM_DIGEST_H
#define FDSIM_DIGEST_H

#include "scenario.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIGEST_EXACT_MAX 65536           /* replicas kept exactly, at most */
#define DIGEST_EXACT_BYTES (64u << 20)   /* and at most this much of their values */

/* The per-replica metrics a digest keeps a distribution of. */
typedef enum digest_metric {
    DIGEST_VM_AVAIL,    /* vm_availability */
    DIGEST_SVC_AVAIL,   /* service_availability */
    DIGEST_VM_UNAVAIL,  /* vm_unavailability */
    DIGEST_SVC_UNAVAIL, /* service_unavailability */
    DIGEST_DOWNTIME,    /* downtime_min_per_year */
    DIGEST_OUTAGES,     /* outages per year (outages x 1 y / horizon) */
    DIGEST_OUTAGE_LEN,  /* outage_mean_min, of the replicas with an outage only */
    DIGEST_WORST,       /* worst_loss */
    DIGEST_DEFICIT,     /* deficit_vm_hours per year */
    DIGEST_ALLOC,       /* alloc_failures */
    DIGEST_DIFF,        /* downtime_min_per_year minus the baseline group's */
    DIGEST_NMETRICS
} digest_metric;

/* The figures of an autoscaling group (stats_replica) a digest reduces to
 * a mean, sd and t-interval (no percentiles), in replica order; per year
 * where the name says so. */
typedef enum digest_as_metric {
    DIGEST_AS_TARGET_DEFICIT, /* target_deficit_vm_hours per year */
    DIGEST_AS_MEAN_TARGET,    /* mean_target */
    DIGEST_AS_MEAN_SIZE,      /* mean_size */
    DIGEST_AS_OUTS,           /* scale_outs per year */
    DIGEST_AS_INS,            /* scale_ins per year */
    DIGEST_AS_FAILS,          /* scale_alloc_failures per year */
    DIGEST_AS_FD_IMB,         /* fd_imbalance */
    DIGEST_AS_FD_IMB_MAX,     /* fd_imbalance_max */
    DIGEST_AS_ZONE_IMB,       /* zone_imbalance */
    DIGEST_AS_ZONE_IMB_MAX,   /* zone_imbalance_max */
    DIGEST_AS_NMETRICS
} digest_as_metric;

typedef struct digest digest;

/* The cap digest_create uses for `s`: DIGEST_EXACT_MAX replicas, fewer when
 * their kept values would pass DIGEST_EXACT_BYTES (many groups or months),
 * never under 16.  O(1). */
uint64_t digest_cap(const scenario *s);

/* A digest of the replicas of `s` (borrowed: it must outlive the digest),
 * with paired differences against group `baseline`, keeping up to `cap`
 * replicas exactly (0: digest_cap(s)).  FD_OK or FD_ENOMEM.  Memory:
 * O(groups x (metrics + months) x cap) doubles at most, whatever the
 * replicas. */
int digest_create(digest **out, const scenario *s, size_t baseline, uint64_t cap);

/* Free it.  NULL is a no-op. */
void digest_destroy(digest *dg);

/* Add the next replica: rec[g] and month_down[g * nmonths + m] (service
 * downtime of group g in month m, seconds) for every group, rec[g].months
 * == the scenario's months.  FD_OK, or FD_ENOMEM (the digest is then
 * unusable).  O(groups x (metrics + months)) amortised. */
int digest_add(digest *dg, const stats_replica *rec, const double *month_down);

/* The rare-event estimator's accounts of the replica just added, rare[g]
 * for every group (rare.h): summed, in replica order.  FD_OK. */
int digest_add_rare(digest *dg, const stats_rare *rare);

/* Their sums over the replicas, for group g. */
stats_rare digest_rare(const digest *dg, size_t g);

/* Replicas whose group g had outages > 0 (for the rare-event estimator, a
 * root replica whose tree saw an outage that counts). */
uint64_t digest_with_outage(const digest *dg, size_t g);

/* Done adding: compute every summary (sorting the kept values); only the
 * readers below may be called after it.  O(groups x (metrics + months) x
 * cap log cap). */
void digest_finish(digest *dg);

/* Replicas added, and the cap. */
uint64_t digest_replicas(const digest *dg);
uint64_t digest_exact_cap(const digest *dg);

/* Metric m of group g over the replicas (DIGEST_OUTAGE_LEN: over those with
 * an outage, so its n may be smaller), unclipped (stats_clip).  Finished
 * digest only. */
stats_summary digest_summary(const digest *dg, size_t g, digest_metric m);

/* Whether the percentiles of metric m of group g are exact (sample_exact). */
bool digest_exact(const digest *dg, size_t g, digest_metric m);

/* P(a month of group g meets its SLA target): the share of all months of
 * all replicas that did, and a Wilson interval on the effective number of
 * months, the replicas taken as clusters (report.c explains); sd and
 * percentiles NAN.  Finished digest only. */
stats_summary digest_months_met(const digest *dg, size_t g);

/* Group g's uptime in month m (0-based) over the replicas, percent: mean,
 * p5 and p50 (others NAN past the cap).  Finished digest only. */
stats_summary digest_month(const digest *dg, size_t g, int m);

/* Replicas in which month m of group g met the group's SLA target. */
uint64_t digest_month_met(const digest *dg, size_t g, int m);

/* The paired difference of service downtime (min/yr) between groups a and
 * b (a != b), replica by replica (common random numbers: both lived
 * through the same failures), as a - b: its mean, sd and 95 % t-interval
 * (stats_moments), percentiles NAN; (b, a) is its mirror.  Reduced for
 * every pair as the replicas come (Welford, in replica order: the same
 * bits whatever the threads), in O(groups^2) memory.  O(1). */
stats_summary digest_pair_diff(const digest *dg, size_t a, size_t b);

/* Service outages of group g over all replicas. */
double digest_outages(const digest *dg, size_t g);

/* The most VMs of group g not allocated in one replica, and the replicas
 * with any. */
int digest_alloc_most(const digest *dg, size_t g);
uint64_t digest_alloc_replicas(const digest *dg, size_t g);

/* Autoscale figure m of group g over the replicas (Welford, in replica
 * order: the same bits whatever the threads): mean, sd and the 95 %
 * t-interval of stats_moments, percentiles NAN; all 0 for a group without
 * autoscale.  O(1). */
stats_summary digest_autoscale(const digest *dg, size_t g, digest_as_metric m);

/* Bytes the digest holds now (for tests: it must not grow with replicas
 * past the cap). */
size_t digest_bytes(const digest *dg);

#endif
