/*
 * analytic: the exact long-run availability of each group, where the
 * scenario's model has a closed form, computed beside the simulation so a
 * planner can see the simulator show its work.
 *
 * The model is the one inject.c simulates (scenarios/README.md, "What the
 * simulator does with these keys"), read as a product of independent
 * stationary processes:
 *
 *  - zones, racks and hosts are alternating renewal processes (up for a
 *    timeToFailure draw, down for an outage draw); in the long run each is
 *    down with probability E[outage] / (E[ttf] + E[outage]) whatever the
 *    distributions (renewal-reward), and independent units are independent;
 *  - a VM's own host outage lasts min(healing.time, repairTime) when healing
 *    finds room, else repairTime; Spot VMs are also evicted on their own
 *    (up ~ exp(1 / rate), down ~ restoreTime);
 *  - maintenance walks hold a step's VMs down: the long-run fraction of time
 *    a walk spends in one step is E[step's downtime] / period (one walk per
 *    period, a delayed wave still walks fully), and the rebootless and
 *    rebootful walks are independent of each other and of failures;
 *  - a VM is up when nothing holds it down (union).
 *
 * Service unavailability is then a sum over maintenance states (idle, or
 * which rebootless rack and which rebootful step is in progress) of the
 * state's probability times P(fewer than quorum VMs up | the state's VMs
 * forced down), the latter by dynamic programming over zones > racks >
 * hosts > VMs: a convolution of the distribution of VMs up, truncated at the
 * quorum, so the cost is O(states x hosts x quorum), not 2^units.
 *
 * What has no closed form is refused, with the reason and, where one holds,
 * a bound: correlated bursts, automatic instance repair (its 5 % cap),
 * service healing that may find no room (or move VMs onto shared hosts),
 * healing with non-exponential host failures, walks longer than their
 * period.  Every assumption made is listed, as sentences, per group.
 */
#ifndef FDSIM_ANALYTIC_H
#define FDSIM_ANALYTIC_H

#include "diag.h"
#include "place.h"
#include "scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define ANALYTIC_MAX_NOTES 16   /* assumptions kept per group */
#define ANALYTIC_NOTE_MAX 320   /* longest assumption or reason, with NUL */

/* One figure: exact, or refused with an optional bound.  Availabilities are
 * fractions 0..1; `unavail` keeps the small complement without rounding. */
typedef struct analytic_value {
    bool exact;      /* true: `unavail` is the exact long-run value */
    double unavail;  /* exact: 1 - availability; NAN when refused */
    double lo, hi;   /* refused: bounds on the availability; NAN where none */
} analytic_value;

/* What the analysis says about one group. */
typedef struct analytic_group {
    const scen_group *spec;     /* the group (points into the scenario) */
    analytic_value vm;          /* VM availability: fraction of VM-time up */
    analytic_value service;     /* P(>= quorum VMs up) */
    bool long_run_only;         /* a non-exponential time to failure: the
                                   simulation starts every unit new, and its
                                   finite horizon need not match the long run */
    char reason[ANALYTIC_NOTE_MAX];        /* why refused, in this group's own
                                              terms; "" when exact */
    char notes[ANALYTIC_MAX_NOTES][ANALYTIC_NOTE_MAX]; /* assumptions used */
    int nnotes;                 /* entries of notes */
    long convolutions;          /* truncated convolutions run for this group (one
                                   per maintenance state and model): the cost; 0
                                   when refused with no service bound to give */
} analytic_group;

/* The analysis of every group of a scenario: a plain record owned by the
 * caller, freed with analytic_result_destroy. */
typedef struct analytic_result {
    size_t ngroups;             /* the scenario's groups, in order */
    analytic_group *groups;     /* owned array of ngroups */
} analytic_result;

/* Analyse every group of `s` on its placement `pr` (as place_all made it
 * with s->seed, or inject_placement before any replica).  `s` must outlive
 * the result.  FD_OK with *out owned by the caller, or FD_ENOMEM.
 * Cost: O(groups x states x hosts x quorum) with states = (racks of the
 * group + 1) x (rebootful steps + 1); beyond about 1e9 operations the
 * overlap of the two walks is bounded instead of enumerated.  Whether a
 * group has a closed form is decided first, in O(VMs): a group refused with
 * no service bound costs no convolution, one with a one-sided bound one
 * model's worth. */
int analytic_compute_placed(const scenario *s, const place_result *pr,
                            analytic_result **out, diag *d);

/* As analytic_compute_placed, placing the groups itself the way
 * inject_create does (world_create, place_all with s->seed).  FD_OK,
 * FD_ENOMEM. */
int analytic_compute(const scenario *s, analytic_result **out, diag *d);

/* Free a result.  NULL is a no-op. */
void analytic_result_destroy(analytic_result *r);

/* Availability of a value as a fraction (1 - unavail), NAN when refused. */
double analytic_availability(const analytic_value *v);

/* Service downtime in minutes per 365-day year, NAN when refused. */
double analytic_downtime_min_per_year(const analytic_value *v);

/* Print per group the exact values (or the refusal, its reason and the
 * bound) and the assumptions, for `fdsim analytic`.  0, or -1 on a write
 * error.  O(groups x notes). */
int analytic_print(const analytic_result *r, const scenario *s, FILE *f);

#endif
