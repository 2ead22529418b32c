/*
 * answer: the terminal summary of run, sweep, analytic and place as a
 * program reads it (--format json or tsv), every number in full
 * precision.  The table (--format table, the default) stays each
 * command's own printing; this module writes the other two.
 *
 * JSON (jansson): one document on standard output, an object with
 *   "schema": "fdsim-run" | "fdsim-sweep" | "fdsim-analytic" | "fdsim-place",
 *   "schema_version": 1, "fdsim_version", "command", "scenario", and the
 * command's fields (README.md, "Answers for programs", lists them).
 * Compatibility: readers must ignore keys they do not know; within one
 * schema_version keys are only ever added (a metric, a statistic such as
 * a weight or an effective sample count, a group field), never removed,
 * renamed or given another type or meaning; anything else bumps it.
 * Statistics are objects keyed by name ({"mean", "sd", "ci_low",
 * "ci_high", "p5", "p50", "p95", "p99", "n"}), metrics objects keyed by
 * summary.csv's metric names, so either can grow.  A value the run does
 * not support (an interval end with no outage, no SLA target) is null.
 * Reals are written with 17 significant digits (they read back as the
 * same double); 64-bit seeds as decimal strings (most JSON readers hold
 * integers only to 2^53).
 *
 * TSV: a header row, then one row per group (per point x group for a
 * sweep), cells separated by tabs, no quoting (no cell holds a tab or a
 * newline: names are letters, digits, _ and -); an empty cell is a value
 * the run does not support; numbers are the shortest decimal that reads
 * back as the same double.  Columns are only ever added at the end: read
 * them by header name.
 *
 * Every writer returns 0, or -1 on a write error or without memory
 * (nothing useful is left on the stream then: the caller says so and
 * exits non-zero).
 */
#ifndef FDSIM_ANSWER_H
#define FDSIM_ANSWER_H

#include "analytic.h"
#include "diag.h"
#include "goal.h"
#include "place.h"
#include "report.h"
#include "scenario.h"
#include "sweep.h"
#include "verdict.h"

#include <stdio.h>

#define ANSWER_SCHEMA_VERSION 1

/* --format of run, sweep, analytic and place. */
typedef enum answer_format {
    ANSWER_TABLE, /* the command's table, for people (default) */
    ANSWER_JSON,  /* one JSON document */
    ANSWER_TSV,   /* tab-separated rows */
} answer_format;

/* Parse a --format value: FD_OK, or FD_EINVAL with a message saying what
 * is valid. */
int answer_format_parse(const char *arg, answer_format *out, diag *d);

/* fdsim run: the table's figures per group (every metric of summary.csv),
 * the verdict `v` of the same run, the ranking and every pairwise
 * comparison (JSON), or a row per group (TSV).  O(groups^2). */
int answer_run(const report_run *run, const verdict *v, answer_format fmt, FILE *f);

/* fdsim sweep, point by point: create before the first point, add each
 * point as it finishes, finish with the goals.  TSV rows go out as the
 * points come; the JSON document is written by answer_sweep_finish.
 * Memory: JSON keeps every point's group objects (O(points x groups)). */
typedef struct answer_sweep answer_sweep;

/* For the sweep `sw` (borrowed; it must outlive the writer) of scenario
 * `s` (its first point: seed, source), with `ngoals` goals (borrowed),
 * writing `fmt` (JSON or TSV) to `f`.  FD_OK or FD_ENOMEM. */
int answer_sweep_create(answer_sweep **out, answer_format fmt, const sweep *sw,
                        const scenario *s, const goal *goals, size_t ngoals, FILE *f);

/* Point pd->index ran: its groups (and, with goals, each group's status).
 * 0, or -1 on a write error or without memory. */
int answer_sweep_point(answer_sweep *a, const sweep_done *pd);

/* Done: with JSON, the whole document, the goals' findings per group
 * (tracks[goal * ngroups + g], `varied[g]`: some --vary key touches group
 * g; `names`: the groups' names, ngroups of them) included.  TSV writes
 * nothing more.  0 or -1. */
int answer_sweep_finish(answer_sweep *a, const goal_track *tracks, const bool *varied,
                        const char *const *names, size_t ngroups);

/* Free it.  NULL is a no-op. */
void answer_sweep_destroy(answer_sweep *a);

/* fdsim analytic: every group's exact values or refusal, bounds and
 * assumptions.  O(groups x notes). */
int answer_analytic(const analytic_result *r, const scenario *s, answer_format fmt, FILE *f);

/* fdsim place: per group the summary place_print_table prints (VMs per
 * FD, UD and zone, racks and hosts used, the worst cases, allocation
 * failures) and, in JSON, every VM's placement.  O(VMs log VMs). */
int answer_place(const place_result *r, const scenario *s, answer_format fmt, FILE *f);

#endif
