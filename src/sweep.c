/*
 * sweep: --vary axes and their Cartesian product (see sweep.h).
 */
#include "sweep.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sweep {
    sweep_axis axes[SWEEP_MAX_AXES]; /* axes[0..naxes-1] */
    size_t naxes;
};

sweep *sweep_create(void)
{
    return calloc(1, sizeof(sweep));
}

static void axis_fini(sweep_axis *a)
{
    for (size_t i = 0; i < a->nvalues; i++)
        free(a->values[i]);
    free(a->values);
    free(a->x);
    free(a->key);
    memset(a, 0, sizeof *a);
}

void sweep_destroy(sweep *sw)
{
    if (sw == NULL)
        return;
    for (size_t i = 0; i < sw->naxes; i++)
        axis_fini(&sw->axes[i]);
    free(sw);
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Split "12.5d" into its number and unit (letters only after the number).
 * 0, or -1 when `s` is not a number with an optional unit. */
static int split_number(const char *s, double *x, const char **unit)
{
    char *end;
    errno = 0;
    if (!*s || isspace((unsigned char)*s))
        return -1;
    *x = strtod(s, &end);
    if (end == s || errno != 0 || !isfinite(*x))
        return -1;
    for (const char *u = end; *u; u++)
        if (!isalpha((unsigned char)*u))
            return -1;
    *unit = end;
    return 0;
}

static int add_value(sweep_axis *a, const char *text, size_t len)
{
    char **grown = realloc(a->values, (a->nvalues + 1) * sizeof *grown);
    if (grown == NULL)
        return FD_ENOMEM;
    a->values = grown;
    if ((a->values[a->nvalues] = dup_n(text, len)) == NULL)
        return FD_ENOMEM;
    a->nvalues++;
    return FD_OK;
}

/* a:b:step, inclusive; the bounds and step share one unit (or none). */
static int parse_range(sweep_axis *a, const char *arg, const char *spec, diag *d)
{
    char part[3][128];
    const char *p = spec;
    for (int i = 0; i < 3; i++) {
        size_t n = i < 2 ? strcspn(p, ":") : strlen(p);
        if ((i < 2 && p[n] != ':') || n == 0 || n >= sizeof part[i])
            return diag_set(d, FD_EINVAL, "--vary %s: a range is FIRST:LAST:STEP, e.g. "
                            "group.db.count=3:15:2 or rebootless.period=10d:40d:10d", arg);
        memcpy(part[i], p, n);
        part[i][n] = '\0';
        p += n + (i < 2);
    }
    double v[3];
    const char *unit[3];
    for (int i = 0; i < 3; i++)
        if (split_number(part[i], &v[i], &unit[i]) < 0)
            return diag_set(d, FD_EINVAL, "--vary %s: \"%s\" is not a number; a range is "
                            "FIRST:LAST:STEP, e.g. 3:15:2 or 10d:40d:10d", arg, part[i]);
    if (strcmp(unit[0], unit[1]) != 0 || strcmp(unit[0], unit[2]) != 0)
        return diag_set(d, FD_EINVAL, "--vary %s: the range's bounds and step must carry "
                        "the same unit (\"%s\", \"%s\", \"%s\")", arg, unit[0], unit[1],
                        unit[2]);
    if (!(v[2] > 0) || v[1] < v[0])
        return diag_set(d, FD_EINVAL, "--vary %s: a range needs LAST >= FIRST and a "
                        "positive STEP", arg);
    double steps = floor((v[1] - v[0]) / v[2] + 1e-9);
    if (steps + 1 > SWEEP_MAX_POINTS)
        return diag_set(d, FD_EINVAL, "--vary %s: %.0f values; at most %d", arg, steps + 1,
                        SWEEP_MAX_POINTS);
    for (long i = 0; i <= (long)steps; i++) {
        double x = v[0] + (double)i * v[2];
        if (fabs(x) < 1e-12 * v[2])
            x = 0; /* 0.1:0.3:0.1 must not print 2.7e-17 */
        char text[160];
        int n = snprintf(text, sizeof text, "%.10g%s", x, unit[0]);
        if (add_value(a, text, (size_t)n) != FD_OK)
            return diag_set(d, FD_ENOMEM, "out of memory");
    }
    return FD_OK;
}

/* v1,v2,...: commas inside parentheses belong to a value. */
static int parse_list(sweep_axis *a, const char *arg, const char *spec, diag *d)
{
    const char *start = spec;
    int depth = 0;
    for (const char *p = spec;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && depth > 0)
            depth--;
        if (*p == '\0' || (*p == ',' && depth == 0)) {
            const char *b = start, *e = p;
            while (b < e && isspace((unsigned char)*b))
                b++;
            while (e > b && isspace((unsigned char)e[-1]))
                e--;
            if (e == b)
                return diag_set(d, FD_EINVAL, "--vary %s: an empty value; write the values "
                                "separated by commas, e.g. zones=1,3", arg);
            if (a->nvalues >= SWEEP_MAX_POINTS)
                return diag_set(d, FD_EINVAL, "--vary %s: more than %d values", arg,
                                SWEEP_MAX_POINTS);
            if (add_value(a, b, (size_t)(e - b)) != FD_OK)
                return diag_set(d, FD_ENOMEM, "out of memory");
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    return FD_OK;
}

/* Whether every value is a number with one common unit; fill a->x. */
static int classify(sweep_axis *a)
{
    a->x = malloc(a->nvalues * sizeof *a->x);
    if (a->x == NULL)
        return FD_ENOMEM;
    a->numeric = true;
    const char *unit0 = NULL;
    for (size_t i = 0; i < a->nvalues && a->numeric; i++) {
        const char *unit;
        if (split_number(a->values[i], &a->x[i], &unit) < 0 ||
            (unit0 && strcmp(unit, unit0) != 0))
            a->numeric = false;
        unit0 = unit;
    }
    return FD_OK;
}

int sweep_add(sweep *sw, const char *arg, diag *d)
{
    const char *eq = strchr(arg, '=');
    if (eq == NULL || eq == arg || eq[1] == '\0')
        return diag_set(d, FD_EINVAL, "--vary %s: expected KEY=FIRST:LAST:STEP or "
                        "KEY=V1,V2,..., e.g. group.db.count=3:15:2", arg);
    size_t klen = (size_t)(eq - arg);
    const char *dot = memchr(arg, '.', klen);
    if (dot == NULL || dot == arg || dot == eq - 1)
        return diag_set(d, FD_EINVAL, "--vary %s: \"%.*s\" is not a scenario key; keys "
                        "are section.key as --set takes them, e.g. group.db.count or "
                        "rebootless.period", arg, (int)klen, arg);
    for (size_t i = 0; i < sw->naxes; i++)
        if (strlen(sw->axes[i].key) == klen && !memcmp(sw->axes[i].key, arg, klen))
            return diag_set(d, FD_EINVAL, "--vary %s: %s is already varied; give each key "
                            "once", arg, sw->axes[i].key);
    if (sw->naxes == SWEEP_MAX_AXES)
        return diag_set(d, FD_EINVAL, "--vary %s: at most %d keys can be varied at once",
                        arg, SWEEP_MAX_AXES);
    sweep_axis a = { 0 };
    if ((a.key = dup_n(arg, klen)) == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    const char *spec = eq + 1;
    /* A range has two colons and no parenthesis or comma. */
    int rc = strchr(spec, ':') && !strpbrk(spec, "(,") ? parse_range(&a, arg, spec, d)
                                                       : parse_list(&a, arg, spec, d);
    if (rc == FD_OK && classify(&a) != FD_OK)
        rc = diag_set(d, FD_ENOMEM, "out of memory");
    size_t total = sweep_npoints(sw) * (rc == FD_OK ? a.nvalues : 1);
    if (rc == FD_OK && total > SWEEP_MAX_POINTS)
        rc = diag_set(d, FD_EINVAL, "--vary %s: the sweep would have %zu points; at most %d",
                      arg, total, SWEEP_MAX_POINTS);
    if (rc != FD_OK) {
        axis_fini(&a);
        return rc;
    }
    sw->axes[sw->naxes++] = a;
    return FD_OK;
}

size_t sweep_naxes(const sweep *sw)
{
    return sw->naxes;
}

const sweep_axis *sweep_axis_at(const sweep *sw, size_t a)
{
    return &sw->axes[a];
}

size_t sweep_npoints(const sweep *sw)
{
    size_t n = 1;
    for (size_t i = 0; i < sw->naxes; i++)
        n *= sw->axes[i].nvalues;
    return n;
}

void sweep_point(const sweep *sw, size_t p, size_t *idx)
{
    for (size_t i = sw->naxes; i-- > 0;) {
        idx[i] = p % sw->axes[i].nvalues;
        p /= sw->axes[i].nvalues;
    }
}

int sweep_point_sets(const sweep *sw, size_t p, char **sets)
{
    size_t idx[SWEEP_MAX_AXES];
    sweep_point(sw, p, idx);
    for (size_t i = 0; i < sw->naxes; i++) {
        const char *k = sw->axes[i].key, *v = sw->axes[i].values[idx[i]];
        size_t n = strlen(k) + strlen(v) + 2;
        if ((sets[i] = malloc(n)) == NULL) {
            while (i-- > 0)
                free(sets[i]);
            return FD_ENOMEM;
        }
        snprintf(sets[i], n, "%s=%s", k, v);
    }
    return FD_OK;
}

bool sweep_axis_touches(const sweep_axis *a, const char *group)
{
    static const char prefix[] = "group.";
    size_t np = sizeof prefix - 1;
    if (strncmp(a->key, prefix, np) != 0)
        return true;
    const char *name = a->key + np, *dot = strrchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);
    return strlen(group) == len && !strncmp(name, group, len);
}

/* The label of point p from the axes `group` touches (all: NULL). */
static char *label(const sweep *sw, size_t p, const char *group, char *buf, size_t size)
{
    size_t idx[SWEEP_MAX_AXES], len = 0;
    sweep_point(sw, p, idx);
    buf[0] = '\0';
    for (size_t i = 0; i < sw->naxes && len < size; i++) {
        if (group && !sweep_axis_touches(&sw->axes[i], group))
            continue;
        const char *k = strrchr(sw->axes[i].key, '.');
        len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", len ? ", " : "", k + 1,
                                sw->axes[i].values[idx[i]]);
    }
    return buf;
}

char *sweep_point_label(const sweep *sw, size_t p, char *buf, size_t size)
{
    return label(sw, p, NULL, buf, size);
}

char *sweep_point_label_group(const sweep *sw, size_t p, const char *group, char *buf,
                              size_t size)
{
    return label(sw, p, group, buf, size);
}
