/*
 * goal: a planner's target on one metric, "METRIC>=VALUE" or
 * "METRIC<=VALUE", checked against a run's results with 95 % confidence
 * (fdsim sweep --goal).
 *
 * METRIC is a metric of summary.csv (service_availability, downtime,
 * month_meets_target, worst_loss, ...; downtime_diff_vs_baseline is not a
 * goal), or `nines` (-log10 of the service unavailability: nines>=4 is
 * service_unavailability<=1e-4).  VALUE is a number in the metric's unit;
 * a fraction (availability, unavailability, probability) may be written in
 * percent with a % sign ("99.99%"), and a fraction past 1 without one is
 * refused rather than guessed.
 *
 * A goal is met with confidence when the end of the metric's 95 %
 * interval on the goal's side meets it (ci_low for >=, ci_high for <=),
 * and on its estimate only when the mean meets it but the run supports no
 * such end: a group with no outage has no lower end on its availability
 * (the run bounds how often outages come, not how long they last), and
 * one with fewer than REPORT_MIN_OUTAGES outages no interval at all.
 * When the mean meets it and the interval end does not, the run cannot
 * tell (undecided).
 */
#ifndef FDSIM_GOAL_H
#define FDSIM_GOAL_H

#include "diag.h"
#include "report.h"

#include <stdbool.h>

#define GOAL_TEXT_MAX 128

/* One goal, as parsed. */
typedef struct goal {
    char text[GOAL_TEXT_MAX]; /* as given, for messages */
    report_metric metric;     /* the summary.csv metric checked */
    bool at_least;            /* >= (true) or <= (false), on `metric` */
    double value;             /* the bound, in the metric's unit (nines turned
                                 into an unavailability) */
} goal;

/* How one group's result stands against a goal. */
typedef enum goal_status {
    GOAL_MET,      /* with 95 % confidence */
    GOAL_ESTIMATE, /* on its estimate only: no interval end to confirm it */
    GOAL_UNDECIDED,/* the estimate meets it, its 95 % interval end does not */
    GOAL_NOT_MET,  /* the estimate does not meet it */
} goal_status;

/* Parse "METRIC>=VALUE" / "METRIC<=VALUE" into *g.  FD_OK, or FD_EINVAL
 * with a message naming the argument and what is valid (the operators,
 * the metric names, the value's unit).  O(length). */
int goal_parse(const char *arg, goal *g, diag *d);

/* Check group `group` of `run` against `g`: the status, and the figures
 * it rests on (in the metric's unit): *mean, and *bound the interval end
 * on the goal's side (NAN when the run supports none).  O(1). */
goal_status goal_check(const goal *g, const report_run *run, size_t group, double *mean,
                       double *bound);

/* Whether the goal's metric is a fraction best shown in percent. */
bool goal_in_percent(const goal *g);

/* A status as the JSON and TSV answers write it ("met", "estimate",
 * "undecided", "not_met"). */
const char *goal_status_name(goal_status st);

/* One group against one goal across a sweep's points, fed in point order:
 * the first point that meets it with confidence, the first earlier one
 * (or, with none, the first at all) that meets it on its estimate only,
 * and whether a later point falls short again.  Plain caller storage. */
typedef struct goal_track {
    size_t points;           /* points seen */
    size_t met;              /* of them, met with confidence */
    size_t estimates;        /* of them, met on the estimate only (ESTIMATE or UNDECIDED) */
    long first_met;          /* the first met with confidence; -1: none */
    double met_mean;         /* its figures (goal_check) */
    double met_bound;
    long first_estimate;     /* the first meeting it on its estimate only (ESTIMATE or
                                UNDECIDED) before first_met, or anywhere if none; -1 */
    goal_status est_status;  /* that point's status */
    double est_mean;         /* and its figures */
    double est_bound;
    double est_outages;      /* and the group's outages there (why no interval) */
    long short_after;        /* the first point after first_met not met with
                                confidence; -1: none */
} goal_track;

/* An empty track.  O(1). */
void goal_track_init(goal_track *t);

/* Point `point` (the next, in order): its status and figures, and the
 * group's outages there.  O(1). */
void goal_track_add(goal_track *t, size_t point, goal_status st, double mean, double bound,
                    double outages);

#endif
