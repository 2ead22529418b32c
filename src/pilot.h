/*
 * pilot: how many retrials each kind of split is worth, from a short pilot
 * run of the rare-event estimator (rare.h), before the run proper.
 *
 * The pilot runs PILOT_ROOTS root replicas of their own (replica numbers
 * from PILOT_FIRST: no run's replicas) with one retrial for the first
 * PILOT_PER_KIND splits of each (level, kind) in a root replica, and
 * measures for each (group, level, kind): how often the root path splits
 * (n per root replica), and of one retrial its mean accrual of service
 * downtime mu, its second moment V and its cost C (events, plus
 * RARE_RESTORE_EVENTS).  Then, as in two-stage sampling (a root replica the
 * first stage, a split's retrials the second), the variance of a root
 * replica's estimate is about sigma_b^2 + sum n V / R at a cost of
 * C_0 + sum n R C, and their product is least at
 *
 *     R = sqrt((V / C) / (sigma_b^2 / C_0)),
 *
 * with C_0 the root path's own cost and sigma_b^2 the variance between root
 * replicas, taken as sum n mu^2 (splits arriving as a Poisson stream: a
 * lower bound, which errs towards more retrials).  R is kept within
 * [PILOT_R_MIN, PILOT_R_MAX]; a kind the pilot never saw split gets 1, one
 * it saw often but never lead to an outage PILOT_R_MIN (not 0: a split not
 * taken would leave the root path's own, natural, outages in the estimate
 * at weight 1, the heavy tail this estimator is there to avoid).  The one
 * kind that gets 0 is one whose holds mostly end in an outage anyway (at
 * least half of PILOT_NATURAL_MIN or more, on the root paths: a rack
 * holding more of the group's VMs than its slack) and whose root paths'
 * own accrual has a second moment no larger than a retrial's: there the
 * root path is as good an estimate as a retrial, at no cost.
 * A group whose pilot saw no outage at all keeps R = 1 everywhere.  A
 * group's retrials may cost at most PILOT_WORK_MAX times the root path per
 * root replica: past that every R of the group is scaled down to fit (not
 * below PILOT_R_MIN), and the result says so (pilot_group.capped).
 *
 * Deterministic: the pilot's root replicas run in fixed blocks on the
 * threads and their measurements are summed within blocks and then over
 * blocks in block order, so the plan is the same bits for any thread
 * count.  Cost: PILOT_ROOTS root replicas with a few retrials each.
 */
#ifndef FDSIM_PILOT_H
#define FDSIM_PILOT_H

#include "diag.h"
#include "place.h"
#include "rare.h"
#include "scenario.h"

#include <stdint.h>

#define PILOT_ROOTS 1024           /* root replicas of the pilot */
#define PILOT_FIRST (1ull << 62)   /* their replica numbers start here */
#define PILOT_PER_KIND 4           /* splits of a (level, kind) per root replica with a retrial */
#define PILOT_R_MIN (1.0 / 16)
#define PILOT_R_MAX 256.0
#define PILOT_NATURAL_MIN 30        /* natural holds a kind needs to be left unsplit */
#define PILOT_WORK_MAX 200.0        /* a group's retrials may cost this many root paths */

/* What the pilot measured for one group, for the report. */
typedef struct pilot_group {
    double splits;     /* splits per root replica */
    double retrials;   /* retrials per root replica the plan expects */
    double work;       /* and their cost per root replica, events */
    double outages;    /* outages its retrials saw, unweighted */
    bool capped;       /* its retrials were scaled down to the work cap */
    double scale;      /* by this factor */
} pilot_group;

typedef struct pilot_result {
    uint64_t roots;    /* root replicas run */
    double root_work;  /* events of a root path, mean */
    pilot_group *g;    /* [ngroups] */
    size_t ngroups;
} pilot_result;

/* Run the pilot for `s` from the placement `plan` (place_build of s) on
 * `threads` threads with `roots` root replicas (0: PILOT_ROOTS) and make the
 * plan (*out, owned by the caller; rare_plan_destroy) and, when `res` is
 * not NULL, what it measured (pilot_result_destroy).  FD_OK, or
 * FD_ENOMEM with a message. */
int pilot_run(const scenario *s, const place_result *plan, int threads, uint64_t roots,
              rare_plan **out, pilot_result **res, diag *d);

/* Free a pilot result.  NULL is a no-op. */
void pilot_result_destroy(pilot_result *r);

#endif
