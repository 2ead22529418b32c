/*
 * verdict: what a finished run means for a planner's decision, group by
 * group and across groups.
 *
 * Per group: whether it meets its SLA target (the monthly uptime target
 * Azure publishes for it, or slaTarget), judged on its long-run service
 * availability against the target:
 *
 *   meets      the 95 % interval lies at or above the target
 *   misses     the 95 % interval lies below it
 *   undecided  the interval straddles it: the run cannot tell
 *
 * A group that never lost its quorum meets any target (it met it in every
 * month of every replica; the run bounds its outage rate, not how long
 * outages would last).  A group with some outages but fewer than
 * REPORT_MIN_OUTAGES has no interval (report.h): it is judged on its
 * estimate, and says so.  A group with no target is not judged.  Beside
 * each verdict: P(a month meets the target), with its interval.
 *
 * Across groups: a ranking by service availability, best first, naming
 * the groups the run cannot tell apart ("tied", each pair at 95 %):
 *
 *   - both groups with at least REPORT_MIN_OUTAGES outages: the paired
 *     difference of their downtime, replica by replica (common random
 *     numbers, digest_pair_diff); tied when its 95 % t-interval holds 0;
 *   - otherwise (a t-interval on so few outages covers far less than
 *     95 %): their outage counts, with the exact conditional test for
 *     equal rates (given k = ka + kb outages over the same replica-years,
 *     ka ~ Binomial(k, 1/2)); tied when the two-sided p-value is at least
 *     0.05.  Two groups with no outage are tied.
 *
 * Groups are sorted by mean unavailability (ties: fewer outages, then
 * scenario order).  Ranks: the first group is 1; each next group shares
 * the rank of the leader of the current tier when tied with it, else
 * starts a new tier at its position (1, 1, 3, ...).  Ties are not
 * transitive: every pair found tied is listed.
 */
#ifndef FDSIM_VERDICT_H
#define FDSIM_VERDICT_H

#include "report.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A group against its target. */
typedef enum verdict_outcome {
    VERDICT_NO_TARGET, /* no SLA target: nothing to judge */
    VERDICT_MEETS,     /* at or above the target */
    VERDICT_MISSES,    /* below it */
    VERDICT_UNDECIDED, /* the 95 % interval straddles it */
} verdict_outcome;

/* What the outcome rests on. */
typedef enum verdict_basis {
    VERDICT_INTERVAL,  /* the 95 % interval on service availability */
    VERDICT_ESTIMATE,  /* too few outages for an interval: the estimate alone */
    VERDICT_NO_OUTAGE, /* no outage in any replica */
    VERDICT_SAME,      /* the same availability in every replica (no spread) */
} verdict_basis;

/* How a pair of groups was compared. */
typedef enum verdict_test {
    VERDICT_PAIRED_T,      /* 95 % t-interval on the paired downtime difference */
    VERDICT_OUTAGE_COUNTS, /* exact conditional test on the outage counts */
} verdict_test;

/* One group's verdict. */
typedef struct verdict_group {
    verdict_outcome outcome;
    verdict_basis basis;
    double target_pct;   /* the monthly SLA target, percent; NAN: none */
    double avail_pct;    /* service availability, percent (mean) */
    double low_pct;      /* its 95 % interval, percent; NAN where none */
    double high_pct;
    double unavail;      /* service unavailability (mean), fraction: the sort key */
    stats_summary month; /* P(a month meets the target): mean, ci_low, ci_high;
                            NAN without a target */
    double outages;      /* what the figures rest on: service outages over every replica
                            (plain), root replicas with an outage in their tree (restart) */
    size_t rank;         /* 1-based rank by service availability */
} verdict_group;

/* One pair of groups compared. */
typedef struct verdict_pair {
    verdict_test test;
    stats_summary diff;  /* PAIRED_T: downtime a - b, min/yr, as digest_pair_diff */
    double p_value;      /* OUTAGE_COUNTS: two-sided p-value; NAN for PAIRED_T */
    bool tied;           /* the run cannot tell the two apart at 95 % */
} verdict_pair;

/* The verdict of a run: a plain record owned by the caller. */
typedef struct verdict {
    size_t ngroups;         /* the scenario's groups */
    verdict_group *groups;  /* [ngroups], scenario order (owned) */
    size_t *order;          /* [ngroups]: group indices, best first (owned) */
    verdict_pair *pairs;    /* [ngroups x ngroups], (a, b) at a * ngroups + b;
                               (b, a) mirrors (a, b); the diagonal unused (owned) */
} verdict;

/* Judge every group of `run` (replicas > 0, finished digest) and compare
 * every pair.  FD_OK with *out owned by the caller (verdict_destroy), or
 * FD_ENOMEM.  Cost: O(groups^2). */
int verdict_create(verdict **out, const report_run *run);

/* Free it.  NULL is a no-op. */
void verdict_destroy(verdict *v);

/* The comparison of groups a and b (a != b).  O(1). */
const verdict_pair *verdict_pair_at(const verdict *v, size_t a, size_t b);

/* Words for the enums, as the JSON and TSV answers write them
 * ("meets", "interval", "paired_t", ...). */
const char *verdict_outcome_name(verdict_outcome o);
const char *verdict_basis_name(verdict_basis b);
const char *verdict_test_name(verdict_test t);

/* Print, below the table: one line per group (its verdict against its
 * target and P(a month meets it)), then the ranking with the ties named.
 * Lines wrap at 100 columns.  0, or -1 on a write error.  O(groups^2). */
int verdict_print(const verdict *v, const report_run *run, FILE *f);

#endif
