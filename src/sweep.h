/*
 * sweep: a parameter sweep, the Cartesian product of `--vary` axes.
 *
 * An axis is one scenario key (as `--set` names it, "group.db.count") and
 * the values it takes, given either as an inclusive numeric range
 * "KEY=a:b:step" (each bound may carry the same unit: "10d:40d:10d") or as
 * a list "KEY=v1,v2,..." (commas inside parentheses belong to the value, so
 * "host.repairTime=uniform(1h, 6h),fixed(2h)" is two values).  Points are
 * numbered 0..npoints-1 with the first axis varying slowest, so a sweep's
 * rows come out in the order the axes were given.
 *
 * The sweep stage (sweep_load_points, sweep_run) loads and validates every
 * point before anything runs, then runs them in order, each with the seed
 * the scenario gives (the same at every point unless a --vary changes it,
 * so the curves differ only by the varied keys: common random numbers),
 * into a staging directory committed whole at the end (stage.h):
 *
 *  DIR/sweep.csv     point, one column per varied key (the values as
 *                    given), then summary.csv's columns, one row per point
 *                    x group x metric; written straight from each point's
 *                    results (report_write_summary_rows), numbers as text
 *                    cells as it always has been
 *  DIR/point-NN/     each point's results directory (report_sink),
 *                    its run.ini's command line "CMDLINE  # point-NN: LABEL",
 *                    with inputs/ holding the files the point reads
 *
 * Points are named point-01.. with as many digits as the last needs (two
 * at least).  An interrupted sweep writes nothing.
 */
#ifndef FDSIM_SWEEP_H
#define FDSIM_SWEEP_H

#include "diag.h"
#include "report.h"
#include "scenario.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SWEEP_MAX_AXES 8        /* --vary options per sweep */
#define SWEEP_MAX_POINTS 100000 /* points of the whole product */

/* One --vary axis. */
typedef struct sweep_axis {
    char *key;        /* "section.key" (owned) */
    char **values;    /* the values as text, in order (owned) */
    size_t nvalues;   /* >= 1 */
    bool numeric;     /* every value is a number, all with the same unit */
    double *x;        /* numeric: each value's number without its unit (owned) */
} sweep_axis;

typedef struct sweep sweep;

/* An empty sweep (no axes: one point, the scenario itself).  NULL: no memory. */
sweep *sweep_create(void);

/* Free it.  NULL is a no-op. */
void sweep_destroy(sweep *sw);

/* Parse one --vary argument "KEY=SPEC" and add its axis.  FD_OK, or
 * FD_EINVAL with a message naming the argument and what is valid (no '=',
 * an empty or repeated key, a key that is not section.key, an empty value,
 * a range that is not a:b:step with b >= a and step > 0, with mixed units
 * or more than SWEEP_MAX_POINTS values, too many axes or points), or
 * FD_ENOMEM.  Only the syntax is checked here: whether the scenario takes
 * the key and values is the loader's to say.  Cost: O(values). */
int sweep_add(sweep *sw, const char *arg, diag *d);

/* The axes, in the order they were added. */
size_t sweep_naxes(const sweep *sw);
const sweep_axis *sweep_axis_at(const sweep *sw, size_t a);

/* Points of the product (1 with no axes). */
size_t sweep_npoints(const sweep *sw);

/* The value index of each axis at point p (idx has sweep_naxes entries). */
void sweep_point(const sweep *sw, size_t p, size_t *idx);

/* Point p's overrides as "KEY=VALUE" strings, one per axis, in axis order,
 * written to sets[0..naxes-1] (each owned by the caller; free with free()).
 * FD_OK or FD_ENOMEM (nothing left allocated). */
int sweep_point_sets(const sweep *sw, size_t p, char **sets);

/* A short description of point p, "count=3, zones=1" (the last part of
 * each key), into buf.  Returns buf. */
char *sweep_point_label(const sweep *sw, size_t p, char *buf, size_t size);

/* Whether axis `a` touches group `group`: a key group.NAME.key touches
 * the group NAME only; any other key (a global one) touches every group. */
bool sweep_axis_touches(const sweep_axis *a, const char *group);

/* As sweep_point_label, with only the axes that touch `group`; "" when
 * none does.  Returns buf. */
char *sweep_point_label_group(const sweep *sw, size_t p, const char *group, char *buf,
                              size_t size);

/* Point p's name, "point-07", into buf.  Returns buf. */
char *sweep_point_name(const sweep *sw, size_t p, char buf[32]);

/* Where a sweep's points come from.  Every pointer is borrowed. */
typedef struct sweep_source {
    const char *scenario;     /* the scenario file, or NULL: the built-in default */
    const char *const *sets;  /* --set overrides every point shares, before its own */
    size_t nsets;
} sweep_source;

/* Takes one line of a problem report (no trailing newline). */
typedef void (*sweep_say_fn)(void *ctx, const char *msg);

/* Load and validate the sweep's points: first each varied value alone
 * (the loader's message lines each passed to say() as "--vary KEY=VALUE:
 * LINE", the first bad value of each axis only), then every point (lines
 * as "point-02 (count=3, quorum=5): LINE", the first 10 bad points only).
 * On FD_OK, *points holds sweep_npoints(sw) scenarios (free with
 * sweep_points_destroy).  On FD_EINVAL every problem has gone to say() and
 * `d` carries either "... and N more invalid points" or an empty message;
 * FD_ENOMEM: likewise, nothing allocated.  Cost: one scenario load per
 * value and per point. */
int sweep_load_points(const sweep *sw, const sweep_source *src, sweep_say_fn say,
                      void *ctx, scenario ***points, diag *d);

/* Free what sweep_load_points made (NULL entries allowed).  NULL: no-op. */
void sweep_points_destroy(scenario **points, size_t npoints);

/* One finished point, for the caller's table.  Borrowed for the call. */
typedef struct sweep_done {
    size_t index;          /* 0-based point number */
    const char *name;      /* "point-03" */
    const report_run *run; /* its scenario, results and starting placement
                              (run->placement: the groups with VMs not allocated) */
} sweep_done;

/* What sweep_run tells its caller as it goes; any function may be NULL. */
typedef struct sweep_hooks {
    /* The output is staged and the first point about to run; `total` is
     * the replicas of every point together. */
    void (*start)(void *ctx, uint64_t total);
    /* Point done->index ran and its directory is written.  FD_OK to go
     * on, or an error code with `d` set to stop the sweep (nothing
     * committed). */
    int (*point)(void *ctx, const sweep_done *done, diag *d);
    void *ctx;
} sweep_hooks;

/* What a finished sweep_run did. */
typedef struct sweep_outcome {
    double wall;            /* seconds the points' replicas took */
    size_t unplaced_points; /* points with a group not fully placed */
} sweep_outcome;

/* Run every point of `points` (sweep_npoints(sw) scenarios, as
 * sweep_load_points gives them) and write the sweep directory `outdir`,
 * which must be new, an empty directory or one fdsim wrote (stage_target_ok;
 * replaced whole), through a staging directory swapped in when everything
 * is written (stage.h); each point's input files are copied into its
 * directory (inputs.h), and its scenario pointed at the copies.  `cmdline` is
 * recorded in each point's run.ini (NULL: none); the replicas stop at the
 * next one once *stop is set (`stop` may be NULL).  Returns FD_OK, or with
 * the message in `d` and nothing written: FD_EINVAL ("-o DIR: exists and
 * is not a directory ..." / "... is not empty ...": messages name the
 * directory as -o names it), FD_EINTR ("interrupted at point-03; nothing
 * written"), FD_EIO (a file or the staging directory), FD_ENOMEM, or a
 * hooks->point error.  Cost: the points' replicas; memory: one point's
 * results at a time. */
int sweep_run(const sweep *sw, scenario *const *points, const char *outdir,
              const char *cmdline, volatile sig_atomic_t *stop, const sweep_hooks *hooks,
              sweep_outcome *out, diag *d);

#endif
