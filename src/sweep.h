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
 * A sweep only describes points: loading, validating and running each one
 * is the caller's (cli.c), which gives every point the same seed so the
 * curves differ only by the varied keys (common random numbers).
 */
#ifndef FDSIM_SWEEP_H
#define FDSIM_SWEEP_H

#include "diag.h"

#include <stdbool.h>
#include <stddef.h>

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

#endif
