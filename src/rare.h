/*
 * rare: the rare-event estimator of `fdsim run --estimator restart`: one
 * root replica, split into retrials where a group's VMs down cross a
 * level, each retrial importance-sampled, giving for every group an
 * unbiased estimate of what the plain replica would have given.
 *
 * Why this design.  A quorum group's outage needs two or three independent
 * things down at once: a rack failure, a second one, a maintenance walk's
 * step.  Plain Monte Carlo meets that a few times in 10^8 replica-hours.
 * Splitting on the VMs down (RESTART, Villen-Altamirano 1991) alone does not
 * get there in seconds: with integer levels of VMs down the probability of
 * going one level up before coming back is 10^-3 to 10^-5 (a second rack
 * failing within the first's few hours), so balanced growth would need
 * thousands of retrials per crossing; and a retrial cloned from a replica
 * keeps the time of the next maintenance wave, so no number of retrials
 * makes a wave meet a failure the root path did not already hold.  What
 * makes such coincidences likely is importance sampling, and what keeps
 * its likelihood ratios from degenerating over a year of events is to
 * apply it only inside a retrial, for the hours of one degradation.  So:
 *
 *  - the root path is the plain replica, simulated once and untouched (its
 *    streams are saved and restored around every split): common random
 *    numbers across groups hold, and the plain replica's own figures come
 *    with it;
 *  - one tree per group, sharing the root path.  When group g's VMs down
 *    rise across a split level l (1 <= l < outage level M = count - quorum
 *    + 1, at most RARE_LEVELS of them, the highest) by an event of kind c
 *    (the event type: rack_fail, rebootful_step, ...), or a maintenance
 *    walk that can take its VMs down starts (kind rebootless_wave,
 *    rebootful_wave: level d + 1 at d down, the walk counting as one more
 *    VM), and the plan has R = R[l][c] > 0, the state is kept (a
 *    snapshot) and the root path's accrual for g is muted until it is over
 *    on the root path: g below l again, and the walk done.  Then R
 *    retrials run from the snapshot, each with streams of its own
 *    (inject_reseed: derived from (seed, replica, group, split, retrial)),
 *    memoryless clocks redrawn, and importance sampling (inject_bias_start)
 *    over the hold, the time the root path took to be over: failures of
 *    the group's units made likely in it, the pending waves drawn towards
 *    it.  The root path shares the retrials' pending repairs and step ends,
 *    so its hold is the degradation's own length, known for each split
 *    without a pilot; it is independent of the retrials' streams, so
 *    choosing the window from it keeps them unbiased.  A retrial ends when
 *    it is over in turn, or at the horizon;
 *  - the estimate for g: what the root path accrued while not muted, plus
 *    for every split, each retrial's accrual from the split to its end
 *    times its likelihood ratio at the end, over R.  R may be a fraction:
 *    floor(R) retrials, and one more with probability frac(R) (a draw of
 *    the split's own), each weighted 1 / R.  A split replaces the root's
 *    own continuation by an unbiased estimate of its conditional mean
 *    given the state at the split (the tower property over the splits'
 *    stopping times), so the estimate is unbiased for any distributions:
 *    whatever the retrials cannot bias (non-exponential clocks, bursts,
 *    repairs, repair queues) they simulate as it is.  R depends on the kind of
 *    split, known at the split: maintenance steps make many short level-1
 *    crossings (seconds), failures few long ones (hours), walks one a
 *    period; the pilot (pilot.h) gives each what it is worth.  Walks are
 *    split on at their start because a failure during a walk in progress
 *    is a rare state of the root path that no later retrial can revisit
 *    (a walk that has started cannot be redrawn), and it carries most of
 *    the outages of groups whose outages need a walk and two failures;
 * *  - additive figures (VM and service unavailability, downtime, outages,
 *    capacity deficit, the VMs-down distribution) are these weighted sums;
 *    non-additive ones (worst concurrent loss, months meeting the target,
 *    monthly uptime) are the root path's own, that is the plain replica's:
 *    unbiased, at plain precision; the mean outage length of a root
 *    replica is its tree's weighted downtime over its weighted outages (a
 *    ratio, consistent but not unbiased), and percentiles over root
 *    replicas are those of the estimates, not of downtimes;
 *  - root replicas are independent and identically distributed, so a
 *    95 % t-interval over them is as valid as for plain replicas, paired
 *    differences between groups stay paired (the same root path), and each
 *    root's whole tree runs inside one worker: the bytes do not depend on
 *    the thread count.
 * A sweep runs a pilot per point, so across points the root paths are the
 * same (common random numbers) but the retrials per split may differ: the
 * points' estimates are paired through their root paths, not bit for bit.
 *
 * Every level crossing that could split must be seen at its instant, so a
 * maintenance step that would cross one is played, not folded
 * (inject_set_fold_cap): the plan's fold caps.
 *
 * Cost per root replica: the root path (its events, plus a halt per change
 * of a watched group), plus per split a snapshot and per retrial a restore
 * (O(live state)) and its events until g recovers.
 */
#ifndef FDSIM_RARE_H
#define FDSIM_RARE_H

#include "diag.h"
#include "inject.h"
#include "scenario.h"
#include "stats.h"

#include <stdint.h>

#define RARE_LEVELS 4       /* split levels per group, at most: the last below the outage */
#define RARE_MAX_RETRIALS 4096 /* retrials per split, at most */
#define RARE_WAVE_SHARE 0.5 /* share of a redrawn wave's density in the window */

/* Where and how the estimator splits: a plain record, one per run, shared
 * read-only by every worker.  rare_plan_create makes one that never splits
 * (the estimate is then the plain replica's, bytes apart); the pilot
 * (pilot.h) fills it in. */
typedef struct rare_group_plan {
    int count;           /* the group's VMs */
    int outage;          /* M = count - quorum + 1: VMs down at which the service is down */
    int lo;              /* the lowest split level: max(1, M - RARE_LEVELS) */
    double *retrials;    /* [(l - lo) * kinds + c]: R for a crossing of level l, lo <= l < M,
                            by kind c, the mean number of retrials (a fraction is drawn);
                            0: no split */
    int *fold_cap[2];    /* [cls][d], d = 0..count: the lowest split level above d that a
                            rebootless (0) or rebootful (1) step could cross (count + 1: none) */
} rare_group_plan;

typedef struct rare_plan {
    size_t ngroups;
    uint32_t kinds;      /* inject_kinds() */
    rare_group_plan *g;  /* [ngroups] */
} rare_plan;

/* A plan for `s` that never splits.  FD_OK or FD_ENOMEM.  O(groups x kinds). */
int rare_plan_create(rare_plan **out, const scenario *s);

/* Free it.  NULL is a no-op. */
void rare_plan_destroy(rare_plan *p);

/* R for a crossing of level l (lo <= l < M) of group g by kind c, and set
 * it (then rare_plan_update). */
double rare_plan_retrials(const rare_plan *p, size_t g, int l, uint32_t c);
void rare_plan_set(rare_plan *p, size_t g, int l, uint32_t c, double r);

/* Recompute the fold caps after rare_plan_set.  O(groups x count). */
void rare_plan_update(rare_plan *p);

/* Whether group g has any split. */
bool rare_plan_splits(const rare_plan *p, size_t g);

/* One worker's estimator, driving the worker's injector `in` (borrowed; it
 * is given the plan's fold caps and watches) with `plan` (borrowed, read
 * only).  FD_OK, or FD_ENOMEM with a message. */
typedef struct rare rare;
int rare_create(rare **out, inject *in, const rare_plan *plan, diag *d);

/* Free it (and give the injector back its plain folding).  NULL: no-op. */
void rare_destroy(rare *r);

/* Observations for the pilot: `crossing` for every crossing of a split
 * level the plan would split on the root path (before the pilot's caps),
 * `retrial` for every retrial with its weighted accrual of service
 * downtime `z` (s) and its cost `work` (events plus RARE_RESTORE_EVENTS),
 * `natural` for every split with the root path's own accrual over the
 * hold.  NULL members: not wanted. */
typedef struct rare_observer {
    void (*crossing)(void *user, size_t g, int l, uint32_t c);
    void (*retrial)(void *user, size_t g, int l, uint32_t c, double z, double work);
    /* for every split, the root path's own accrual of service downtime over
     * the hold (what the retrials stand for): the natural continuation */
    void (*natural)(void *user, size_t g, int l, uint32_t c, double z);
    void *user;
} rare_observer;
void rare_set_observer(rare *r, const rare_observer *o);

/* Pilot mode (on): a crossing the plan would split gets one retrial, and
 * only the first `per_kind` crossings of a (level, kind) in a root replica
 * do (0: none splits, the root path is only observed); off: the plan's R. */
void rare_set_pilot(rare *r, bool on, uint32_t per_kind);

#define RARE_RESTORE_EVENTS 30.0 /* a restore and reseed cost about as many events */

/* Run root replica `replica` and write every group's estimate to `out`:
 * rec[g] (the weighted sums; worst_loss and months_met the root path's
 * own), downcount[g] (weighted) and month_down[g] (the root path's own, so
 * that months.csv stays a plain estimate), and rare[g] where wanted; the
 * events of the whole tree to *events.  FD_OK or FD_ENOMEM (an event queue
 * or a snapshot could not grow: the results are then unusable).  Depends
 * only on the plan and the replica, never on the worker. */
int rare_replica(rare *r, uint64_t replica, const stats_out *out, uint64_t *events);

#endif
