/*
 * sweep: --vary axes and their Cartesian product (see sweep.h).
 */
#include "sweep.h"

#include "alloc.h"
#include "cluster.h"
#include "csvio.h"
#include "inputs.h"
#include "runner.h"
#include "stage.h"

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
    return fd_calloc(1, sizeof(sweep));
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
    char *p = fd_malloc(n + 1);
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
    char **grown = fd_realloc(a->values, (a->nvalues + 1) * sizeof *grown);
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
    a->x = fd_malloc(a->nvalues * sizeof *a->x);
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
        if ((sets[i] = fd_malloc(n)) == NULL) {
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

/* ------------------------------------------------------ the stage -- */

char *sweep_point_name(const sweep *sw, size_t p, char buf[32])
{
    int width = 2;
    for (size_t n = sweep_npoints(sw); n >= 100; n /= 10)
        width++;
    snprintf(buf, 32, "point-%0*u", width & 7, (unsigned)((p + 1) % 10000000u));
    return buf;
}

/* Load src with `extra` overrides after its own; the loader's messages go
 * to *msgs (a heap string, caller frees). */
static int load_with(const sweep_source *src, char *const *extra, size_t nextra,
                     scenario **s, char **msgs)
{
    size_t n = src->nsets + nextra;
    const char **sets = fd_malloc((n + 1) * sizeof *sets);
    size_t len = 0;
    *msgs = NULL;
    FILE *errs = fd_alloc_ok() ? open_memstream(msgs, &len) : NULL; /* it allocates */
    if (!sets || !errs) {
        free(sets);
        if (errs)
            fclose(errs);
        free(*msgs);
        *msgs = fd_strdup("out of memory\n");
        return FD_ENOMEM;
    }
    for (size_t i = 0; i < src->nsets; i++)
        sets[i] = src->sets[i];
    for (size_t i = 0; i < nextra; i++)
        sets[src->nsets + i] = extra[i];
    diag d;
    diag_clear(&d);
    int rc = src->scenario ? scenario_load_file(s, src->scenario, sets, n, errs, &d)
                           : scenario_load_default(s, sets, n, errs, &d);
    if (rc != FD_OK && rc != FD_EINVAL)
        fprintf(errs, "%s\n", d.msg);
    fclose(errs);
    free(sets);
    return rc;
}

/* Pass each of the loader's lines to say() after `prefix`, turning
 * "--set SET: " at a line's start into "". */
static void say_lines(sweep_say_fn say, void *ctx, const char *prefix, const char *msgs,
                      const char *set)
{
    size_t sl = strlen(set);
    for (const char *line = msgs; line && *line;) {
        size_t n = strcspn(line, "\n");
        const char *l = line;
        size_t ln = n;
        if (ln > 6 + sl + 2 && !strncmp(l, "--set ", 6) && !strncmp(l + 6, set, sl) &&
            !strncmp(l + 6 + sl, ": ", 2)) {
            l += 6 + sl + 2;
            ln -= 6 + sl + 2;
        }
        size_t ml = strlen(prefix) + ln + 4;
        char *msg = fd_malloc(ml); /* the line whole, however long */
        if (msg != NULL) {
            snprintf(msg, ml, "%s: %.*s", prefix, (int)ln, l);
            if (say)
                say(ctx, msg);
        } else if (say) {
            say(ctx, "out of memory");
        }
        free(msg);
        line += n + (line[n] == '\n');
    }
}

/* FD_ENOMEM over FD_EINVAL over FD_OK. */
static int worse(int a, int b)
{
    return a == FD_ENOMEM || b == FD_ENOMEM ? FD_ENOMEM : a != FD_OK ? a : b;
}

int sweep_load_points(const sweep *sw, const sweep_source *src, sweep_say_fn say,
                      void *ctx, scenario ***points, diag *d)
{
    size_t npoints = sweep_npoints(sw), naxes = sw->naxes;
    char *msgs = NULL, *sets[SWEEP_MAX_AXES] = { NULL };
    int status = FD_OK;
    *points = NULL;
    /* Each value alone first: one bad value is enough to show the key is wrong. */
    for (size_t a = 0; a < naxes; a++) {
        const sweep_axis *ax = &sw->axes[a];
        for (size_t i = 0; i < ax->nvalues; i++) {
            size_t sl = strlen(ax->key) + strlen(ax->values[i]) + 2;
            char *set = fd_malloc(sl), *prefix = fd_malloc(sl + 8);
            if (set == NULL || prefix == NULL) {
                free(set);
                free(prefix);
                return diag_set(d, FD_ENOMEM, "out of memory");
            }
            snprintf(set, sl, "%s=%s", ax->key, ax->values[i]);
            char *one = set;
            scenario *s = NULL;
            int rc = load_with(src, &one, 1, &s, &msgs);
            scenario_destroy(s);
            if (rc != FD_OK) {
                snprintf(prefix, sl + 8, "--vary %s", set);
                say_lines(say, ctx, prefix, msgs, set);
                status = worse(status, rc);
            }
            free(set);
            free(prefix);
            free(msgs);
            msgs = NULL;
            if (rc != FD_OK)
                break;
        }
    }
    if (status != FD_OK)
        return diag_set(d, status, "%s", "");
    scenario **pts = fd_calloc(npoints, sizeof *pts);
    if (pts == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    int bad = 0;
    for (size_t pt = 0; pt < npoints; pt++) {
        if (sweep_point_sets(sw, pt, sets) != FD_OK) {
            sweep_points_destroy(pts, npoints);
            return diag_set(d, FD_ENOMEM, "out of memory");
        }
        int rc = load_with(src, sets, naxes, &pts[pt], &msgs);
        if (rc != FD_OK && bad++ < 10) {
            char label[1024], prefix[1100], name[32];
            snprintf(prefix, sizeof prefix, "%s (%s)", sweep_point_name(sw, pt, name),
                     sweep_point_label(sw, pt, label, sizeof label));
            say_lines(say, ctx, prefix, msgs, "");
        }
        status = worse(status, rc);
        free(msgs);
        msgs = NULL;
        for (size_t a = 0; a < naxes; a++) {
            free(sets[a]);
            sets[a] = NULL;
        }
    }
    if (status != FD_OK) {
        sweep_points_destroy(pts, npoints);
        return bad > 10 ? diag_set(d, status, "... and %d more invalid points", bad - 10)
                        : diag_set(d, status, "%s", "");
    }
    *points = pts;
    return FD_OK;
}

void sweep_points_destroy(scenario **points, size_t npoints)
{
    for (size_t p = 0; points && p < npoints; p++)
        scenario_destroy(points[p]);
    free(points);
}

/* Run point `pt` into the stage and its rows into sweep.csv (`w`); *ran
 * says whether its replicas ran (under mpirun: every rank agreed to). */
static int run_point(const sweep *sw, size_t pt, scenario *s, const char *stagedir,
                     const char *cmdline, volatile sig_atomic_t *stop,
                     const runner_progress *prog, const sweep_hooks *hooks, csvio_writer *w,
                     sweep_outcome *out, uint64_t *done_reps, bool *ran, diag *d)
{
    char point[32], label[1024], bar[64];
    *ran = false;
    sweep_point_name(sw, pt, point);
    sweep_point_label(sw, pt, label, sizeof label);
    snprintf(bar, sizeof bar, "point %zu/%zu", pt + 1, sweep_npoints(sw));
    runner_progress pr = { *done_reps, prog->total, bar };
    batch_result *res = NULL;
    place_result *placed = NULL;
    report_sink *sink = NULL;
    char *pcmd = NULL, *pdir = csvio_path_join(stagedir, point);
    int rc = FD_OK;
    bool agreed = false; /* the ranks agreed to run the point (cluster_agree) */
    if (cmdline) {
        size_t pl = strlen(cmdline) + strlen(label) + 64;
        if ((pcmd = fd_malloc(pl)) != NULL)
            snprintf(pcmd, pl, "%s  # %s: %s", cmdline, point, label);
    }
    if (pdir == NULL || (cmdline && pcmd == NULL)) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        goto done;
    }
    diag e;
    diag_clear(&e);
    if ((rc = place_build(s, &placed, &e)) != FD_OK) { /* the point's one placement */
        diag_set(d, rc, "%s: %s", point, e.msg);
        goto done;
    }
    if ((rc = report_sink_create(&sink, s, 0, pdir, 0, d)) != FD_OK)
        goto done;
    if ((rc = inputs_copy(s, pdir, d)) != FD_OK) /* run.ini then names the copies */
        goto done;
    agreed = true;
    if (!cluster_agree(true)) { /* under mpirun: another rank could not start the point */
        rc = diag_set(d, FD_EIO, "%s: another MPI rank could not start it", point);
        goto done;
    }
    *ran = true;
    if ((rc = runner_run(s, placed, &pr, stop, report_sink_consume, sink, &res, NULL, &e)) != FD_OK) {
        diag_set(d, rc, "%s: %s", point, e.msg);
        goto done;
    }
    out->wall += res->wall;
    if (res->partial) {
        rc = diag_set(d, FD_EINTR, "interrupted at %s; nothing written", point);
        goto done;
    }
    *done_reps += res->replicas;
    report_run rr = { .s = s, .r = res, .digest = report_sink_digest(sink), .baseline = 0,
                      .cmdline = pcmd };
    rr.placement = placed;
    if ((rc = report_sink_commit(sink, &rr, d)) != FD_OK)
        goto done;
    sweep_done done = { .index = pt, .name = point, .run = &rr };
    if (hooks && hooks->point && (rc = hooks->point(hooks->ctx, &done, d)) != FD_OK)
        goto done;
    if (report_unplaced_groups(&rr))
        out->unplaced_points++;
    /* The point's summary rows, after the point and its values. */
    const char *head[SWEEP_MAX_AXES + 1], *cells[SWEEP_MAX_AXES + 1];
    size_t idx[SWEEP_MAX_AXES];
    sweep_point(sw, pt, idx);
    head[0] = "point";
    cells[0] = point;
    for (size_t a = 0; a < sw->naxes; a++) {
        head[a + 1] = sw->axes[a].key;
        cells[a + 1] = sw->axes[a].values[idx[a]];
    }
    report_lead lead = { .head = head, .cells = cells, .n = sw->naxes + 1,
                         .header = pt == 0, .numbers_as_text = true };
    if (report_write_summary_rows(&rr, w, &lead) != FD_OK)
        rc = diag_set(d, FD_ENOMEM, "out of memory");
done:
    if (!agreed)
        cluster_agree(false); /* the other ranks wait to run it: none will */
    report_sink_destroy(sink);
    place_result_destroy(placed);
    batch_result_destroy(res);
    free(pcmd);
    free(pdir);
    return rc;
}

/* Another MPI rank than 0 (cluster.h): run each point's share of the
 * replicas, writing nothing, as long as rank 0 goes on (it says so before
 * and after every point).  FD_OK, or the code that stopped it. */
static int follow(scenario *const *points, size_t npoints, volatile sig_atomic_t *stop,
                  diag *d)
{
    int rc = FD_OK;
    for (size_t pt = 0; pt < npoints && rc == FD_OK; pt++) {
        place_result *placed = NULL;
        batch_result *res = NULL;
        bool ok = place_build(points[pt], &placed, d) == FD_OK;
        if (!cluster_agree(ok))
            rc = ok ? FD_EINTR : FD_EIO;
        else if (!cluster_agree((rc = runner_run(points[pt], placed, NULL, stop, NULL, NULL,
                                                 &res, NULL, d)) == FD_OK) && rc == FD_OK)
            rc = FD_EINTR; /* rank 0 (or another) stopped there */
        place_result_destroy(placed);
        batch_result_destroy(res);
    }
    return rc;
}

int sweep_run(const sweep *sw, scenario *const *points, const char *outdir,
              const char *cmdline, volatile sig_atomic_t *stop, const sweep_hooks *hooks,
              sweep_outcome *out, diag *d)
{
    size_t npoints = sweep_npoints(sw);
    *out = (sweep_outcome){ 0 };
    if (!cluster_root())
        return follow(points, npoints, stop, d);
    int rc = stage_target_ok(outdir, false, "-o", d);
    if (rc != FD_OK) {
        cluster_agree(false); /* the other ranks wait for the first point */
        return rc;
    }
    stage *st = NULL;
    csvio_writer *w = NULL;
    char *csv = NULL;
    uint64_t total = 0, done_reps = 0;
    for (size_t pt = 0; pt < npoints; pt++) /* for the bar: saturates, never wraps */
        total = (uint64_t)points[pt]->replicas > UINT64_MAX - total
                    ? UINT64_MAX : total + (uint64_t)points[pt]->replicas;
    rc = stage_create(&st, outdir, NULL, false, d);
    if (rc != FD_OK) {
        cluster_agree(false);
        return rc;
    }
    if ((csv = csvio_path_join(stage_dir(st), "sweep.csv")) == NULL) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        cluster_agree(false);
        goto done;
    }
    if ((rc = csvio_writer_create(&w, csv, d)) != FD_OK) {
        cluster_agree(false);
        goto done;
    }
    if (hooks && hooks->start)
        hooks->start(hooks->ctx, total);
    runner_progress prog = { 0, total, NULL };
    for (size_t pt = 0; pt < npoints && rc == FD_OK; pt++) {
        bool point_ran;
        rc = run_point(sw, pt, points[pt], stage_dir(st), cmdline, stop, &prog, hooks, w, out,
                       &done_reps, &point_ran, d);
        /* the other ranks go on to the next point only if this one went well:
         * after a failure before the run, run_point already said no */
        if (cluster_ranks() > 1 && point_ran)
            cluster_agree(rc == FD_OK);
    }
    if (rc == FD_OK && (rc = csvio_writer_commit(w, d)) == FD_OK)
        rc = stage_commit(st, d);
done:
    csvio_writer_destroy(w);
    stage_destroy(st); /* uncommitted: removed with everything in it */
    free(csv);
    return rc;
}
