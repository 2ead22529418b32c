/*
 * answer: JSON (jansson) and TSV forms of the terminal summaries (see
 * answer.h).
 *
 * JSON values are built with a small builder that remembers whether any
 * allocation failed (jansson returns NULL then, and a set with a NULL
 * value fails), so a document is either whole or reported as out of
 * memory; nothing is written before it is whole.
 */
#include "answer.h"
#include "alloc.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_S (365.0 * 86400.0)
#define JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(17) | JSON_ENSURE_ASCII)

int answer_format_parse(const char *arg, answer_format *out, diag *d)
{
    if (!strcmp(arg, "table"))
        *out = ANSWER_TABLE;
    else if (!strcmp(arg, "json"))
        *out = ANSWER_JSON;
    else if (!strcmp(arg, "tsv"))
        *out = ANSWER_TSV;
    else
        return diag_set(d, FD_EINVAL, "--format %s: expected json, tsv or table (the "
                        "default)", arg);
    return FD_OK;
}

/* ------------------------------------------------------------- JSON -- */

/* A builder: every helper returns a new value (or NULL without memory)
 * and records the failure. */
typedef struct jb {
    bool oom; /* an allocation failed: the document is not whole */
} jb;

static json_t *jnum(jb *b, double x)
{
    json_t *v = isfinite(x) ? json_real(x + 0.0) : json_null();
    b->oom |= v == NULL;
    return v;
}

static json_t *jint(jb *b, long long x)
{
    json_t *v = json_integer(x);
    b->oom |= v == NULL;
    return v;
}

static json_t *jstr(jb *b, const char *s)
{
    json_t *v = s ? json_string(s) : json_null();
    b->oom |= v == NULL;
    return v;
}

static json_t *jbool(jb *b, bool x)
{
    json_t *v = json_boolean(x);
    b->oom |= v == NULL;
    return v;
}

static json_t *jobj(jb *b)
{
    json_t *v = json_object();
    b->oom |= v == NULL;
    return v;
}

static json_t *jarr(jb *b)
{
    json_t *v = json_array();
    b->oom |= v == NULL;
    return v;
}

/* obj[key] = v (stolen); a NULL obj or v only records the failure. */
static void jset(jb *b, json_t *obj, const char *key, json_t *v)
{
    if (obj == NULL || v == NULL || json_object_set_new(obj, key, v) != 0) {
        b->oom = true;
        if (obj == NULL)
            json_decref(v);
    }
}

static void jpush(jb *b, json_t *arr, json_t *v)
{
    if (arr == NULL || v == NULL || json_array_append_new(arr, v) != 0) {
        b->oom = true;
        if (arr == NULL)
            json_decref(v);
    }
}

/* A statistics object: every field of `s` (NAN: null). */
static json_t *jsummary(jb *b, stats_summary s, const char *unit)
{
    json_t *o = jobj(b);
    if (unit)
        jset(b, o, "unit", jstr(b, unit));
    jset(b, o, "mean", jnum(b, s.mean));
    jset(b, o, "sd", jnum(b, s.sd));
    jset(b, o, "ci_low", jnum(b, s.ci_low));
    jset(b, o, "ci_high", jnum(b, s.ci_high));
    jset(b, o, "p5", jnum(b, s.p5));
    jset(b, o, "p50", jnum(b, s.p50));
    jset(b, o, "p95", jnum(b, s.p95));
    jset(b, o, "p99", jnum(b, s.p99));
    jset(b, o, "n", jint(b, (long long)s.n));
    return o;
}

/* The header every document opens with. */
static json_t *jdoc(jb *b, const char *schema, const char *command, const scenario *s)
{
    json_t *o = jobj(b);
    jset(b, o, "schema", jstr(b, schema));
    jset(b, o, "schema_version", jint(b, ANSWER_SCHEMA_VERSION));
    jset(b, o, "fdsim_version", jstr(b, FDSIM_VERSION));
    jset(b, o, "command", jstr(b, command));
    jset(b, o, "scenario", jstr(b, s->source));
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
    jset(b, o, "seed", jstr(b, seed));
    jset(b, o, "region", jstr(b, s->region));
    jset(b, o, "region_zones", jint(b, s->zones));
    return o;
}

/* Write a whole document to f and free it.  0 or -1. */
static int jwrite(jb *b, json_t *doc, FILE *f)
{
    int rc = -1;
    if (!b->oom && doc != NULL && json_dumpf(doc, f, JSON_FLAGS) == 0 && fputc('\n', f) != EOF)
        rc = 0;
    json_decref(doc);
    return rc == 0 && !ferror(f) ? 0 : -1;
}

/* A group's configuration, as the scenario resolved it. */
static void jgroup_spec(jb *b, json_t *o, const scen_group *sg)
{
    jset(b, o, "name", jstr(b, sg->name));
    jset(b, o, "orchestration", jstr(b, scenario_mode_name(sg->mode)));
    jset(b, o, "fault_domains", jint(b, sg->fd_count));
    jset(b, o, "update_domains", jint(b, sg->ud_count));
    json_t *z = jarr(b);
    for (int k = 1; k <= SCEN_MAX_ZONES; k++)
        if (sg->zones & (1u << (k - 1)))
            jpush(b, z, jint(b, k));
    jset(b, o, "zones", z);
    jset(b, o, "count", jint(b, sg->count));
    jset(b, o, "quorum", jint(b, sg->quorum));
    jset(b, o, "vm_size", jstr(b, sg->vm_size));
    jset(b, o, "spot_share", jnum(b, sg->spot_share));
    jset(b, o, "sla_target_pct", jnum(b, sg->sla_target));
}

/* Group g of a run: its spec, every metric, its verdict and rank. */
static json_t *jrun_group(jb *b, const report_run *run, const verdict *v, size_t g)
{
    json_t *o = jobj(b);
    jgroup_spec(b, o, &run->s->groups[g]);
    jset(b, o, "unplaced_vms", jint(b, report_unplaced_vms(run, g)));
    jset(b, o, "outages_total", jnum(b, report_outages(run, g)));
    json_t *m = jobj(b);
    for (int k = 0; k < REPORT_NMETRICS; k++) {
        if (k == REPORT_DIFF && g == run->baseline)
            continue;
        jset(b, m, report_metric_name(k),
             jsummary(b, report_summary(run, g, k), report_metric_unit(k)));
    }
    jset(b, o, "metrics", m);
    const verdict_group *vg = &v->groups[g];
    json_t *vo = jobj(b);
    jset(b, vo, "outcome", jstr(b, verdict_outcome_name(vg->outcome)));
    jset(b, vo, "basis", jstr(b, verdict_basis_name(vg->basis)));
    jset(b, vo, "target_pct", jnum(b, vg->target_pct));
    jset(b, vo, "availability_pct", jnum(b, vg->avail_pct));
    jset(b, vo, "ci_low_pct", jnum(b, vg->low_pct));
    jset(b, vo, "ci_high_pct", jnum(b, vg->high_pct));
    json_t *mo = jobj(b);
    jset(b, mo, "mean", jnum(b, vg->month.mean));
    jset(b, mo, "ci_low", jnum(b, vg->month.ci_low));
    jset(b, mo, "ci_high", jnum(b, vg->month.ci_high));
    jset(b, vo, "p_month_meets", mo);
    jset(b, o, "verdict", vo);
    jset(b, o, "rank", jint(b, (long long)vg->rank));
    json_t *tied = jarr(b);
    for (size_t k = 0; k < v->ngroups; k++) {
        size_t h = v->order[k];
        if (h != g && verdict_pair_at(v, g, h)->tied)
            jpush(b, tied, jstr(b, run->s->groups[h].name));
    }
    jset(b, o, "tied_with", tied);
    if (run->analytic && g < run->analytic->ngroups) {
        const analytic_group *ag = &run->analytic->groups[g];
        json_t *a = jobj(b);
        jset(b, a, "exact", jbool(b, ag->service.exact));
        jset(b, a, "service_unavailability", jnum(b, ag->service.unavail));
        jset(b, a, "long_run_only", jbool(b, ag->long_run_only));
        jset(b, a, "reason", jstr(b, ag->reason[0] ? ag->reason : NULL));
        jset(b, o, "analytic", a);
    } else {
        jset(b, o, "analytic", json_null());
    }
    return o;
}

/* The ranking and every pairwise comparison of a run. */
static void jranking(jb *b, json_t *doc, const report_run *run, const verdict *v)
{
    json_t *rk = jarr(b), *cmp = jarr(b);
    for (size_t k = 0; k < v->ngroups; k++) {
        size_t g = v->order[k];
        json_t *e = jobj(b);
        jset(b, e, "rank", jint(b, (long long)v->groups[g].rank));
        jset(b, e, "group", jstr(b, run->s->groups[g].name));
        jpush(b, rk, e);
        for (size_t j = k + 1; j < v->ngroups; j++) {
            size_t h = v->order[j];
            const verdict_pair *p = verdict_pair_at(v, g, h);
            json_t *c = jobj(b);
            jset(b, c, "a", jstr(b, run->s->groups[g].name));
            jset(b, c, "b", jstr(b, run->s->groups[h].name));
            jset(b, c, "test", jstr(b, verdict_test_name(p->test)));
            jset(b, c, "tied", jbool(b, p->tied));
            jset(b, c, "downtime_diff_min_per_yr",
                 p->test == VERDICT_PAIRED_T ? jsummary(b, p->diff, "min/yr") : json_null());
            jset(b, c, "p_value", jnum(b, p->p_value));
            jpush(b, cmp, c);
        }
    }
    jset(b, doc, "ranking", rk);
    jset(b, doc, "comparisons", cmp);
}

/* The run's own fields (replicas, horizon, ...). */
static void jrun_head(jb *b, json_t *o, const report_run *run)
{
    const batch_result *r = run->r;
    jset(b, o, "replicas", jint(b, (long long)r->replicas));
    jset(b, o, "replicas_requested", jint(b, (long long)r->requested));
    jset(b, o, "partial", jbool(b, r->partial));
    jset(b, o, "horizon_years", jnum(b, run->s->horizon / YEAR_S));
    jset(b, o, "placement", jstr(b, run->s->placement == PLACEMENT_ONCE ? "once"
                                                                        : "perReplica"));
    jset(b, o, "baseline", jstr(b, run->s->groups[run->baseline].name));
}

/* -------------------------------------------------------------- TSV -- */

/* The shortest of %.15g, %.16g, %.17g that reads back as x; "" for NAN
 * and infinities. */
static void tsv_num(FILE *f, double x)
{
    char buf[64];
    if (!isfinite(x))
        return;
    x += 0.0;
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fputs(buf, f);
}

/* Text with any tab or line break made a blank (names cannot hold one;
 * reasons could). */
static void tsv_text(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* The columns of a run's row per group, in order. */
static const char *const run_cols[] = {
    "group", "orchestration", "fault_domains", "update_domains", "zones", "count", "quorum",
    "sla_target_pct", "service_availability", "service_availability_ci_low",
    "service_availability_ci_high", "service_unavailability", "downtime_min_per_yr",
    "downtime_ci_low", "downtime_ci_high", "outages_per_yr", "outages_total",
    "p_month_meets", "p_month_meets_ci_low", "p_month_meets_ci_high", "worst_loss_mean",
    "worst_loss_p99", "capacity_deficit_vm_hours_per_yr", "diff_vs_baseline_min_per_yr",
    "diff_ci_low", "diff_ci_high", "unplaced_vms", "verdict", "verdict_basis", "rank",
    "tied_with", NULL,
};

static void tsv_header(FILE *f, const char *const *lead, size_t nlead)
{
    for (size_t i = 0; i < nlead; i++)
        fprintf(f, "%s\t", lead[i]);
    for (const char *const *c = run_cols; *c; c++)
        fprintf(f, "%s%s", *c, c[1] ? "\t" : "");
}

/* Group g's row (after any leading cells the caller wrote). */
static void tsv_group(FILE *f, const report_run *run, const verdict *v, size_t g)
{
    const scen_group *sg = &run->s->groups[g];
    fprintf(f, "%s\t%s\t%d\t%d\t", sg->name, scenario_mode_name(sg->mode), sg->fd_count,
            sg->ud_count);
    bool any = false;
    for (int z = 1; z <= SCEN_MAX_ZONES; z++)
        if (sg->zones & (1u << (z - 1))) {
            fprintf(f, "%s%d", any ? "," : "", z);
            any = true;
        }
    fprintf(f, "\t%d\t%d\t", sg->count, sg->quorum);
    tsv_num(f, sg->sla_target);
    stats_summary a = report_summary(run, g, REPORT_SVC_AVAIL);
    stats_summary u = report_summary(run, g, REPORT_SVC_UNAVAIL);
    stats_summary dn = report_summary(run, g, REPORT_DOWNTIME);
    stats_summary out = report_summary(run, g, REPORT_OUTAGES);
    stats_summary mo = report_summary(run, g, REPORT_MONTHS);
    stats_summary wl = report_summary(run, g, REPORT_WORST);
    stats_summary def = report_summary(run, g, REPORT_DEFICIT);
    stats_summary df = { .mean = NAN, .ci_low = NAN, .ci_high = NAN };
    if (g != run->baseline)
        df = report_summary(run, g, REPORT_DIFF);
    const double cells[] = {
        a.mean, a.ci_low, a.ci_high, u.mean, dn.mean, dn.ci_low, dn.ci_high, out.mean,
        report_outages(run, g), mo.mean, mo.ci_low, mo.ci_high, wl.mean, wl.p99, def.mean,
        df.mean, df.ci_low, df.ci_high,
    };
    for (size_t i = 0; i < sizeof cells / sizeof *cells; i++) {
        fputc('\t', f);
        tsv_num(f, cells[i]);
    }
    const verdict_group *vg = &v->groups[g];
    fprintf(f, "\t%d\t%s\t%s\t%zu\t", report_unplaced_vms(run, g),
            verdict_outcome_name(vg->outcome), verdict_basis_name(vg->basis), vg->rank);
    any = false;
    for (size_t k = 0; k < v->ngroups; k++) {
        size_t h = v->order[k];
        if (h != g && verdict_pair_at(v, g, h)->tied) {
            fprintf(f, "%s%s", any ? "," : "", run->s->groups[h].name);
            any = true;
        }
    }
}

/* -------------------------------------------------------------- run -- */

int answer_run(const report_run *run, const verdict *v, answer_format fmt, FILE *f)
{
    if (fmt == ANSWER_TSV) {
        tsv_header(f, NULL, 0);
        fputc('\n', f);
        for (size_t g = 0; g < run->s->ngroups; g++) {
            tsv_group(f, run, v, g);
            fputc('\n', f);
        }
        return ferror(f) ? -1 : 0;
    }
    jb b = { false };
    json_t *doc = jdoc(&b, "fdsim-run", "run", run->s);
    jrun_head(&b, doc, run);
    json_t *groups = jarr(&b);
    for (size_t g = 0; g < run->s->ngroups; g++)
        jpush(&b, groups, jrun_group(&b, run, v, g));
    jset(&b, doc, "groups", groups);
    jranking(&b, doc, run, v);
    return jwrite(&b, doc, f);
}

/* ------------------------------------------------------------ sweep -- */

struct answer_sweep {
    answer_format fmt;
    const sweep *sw;      /* borrowed */
    const goal *goals;    /* borrowed, ngoals */
    size_t ngoals;
    FILE *f;
    jb b;                 /* JSON: the builder */
    json_t *doc;          /* JSON: the document so far (owned) */
    json_t *points;       /* JSON: its "points" array (borrowed from doc) */
};

void answer_sweep_destroy(answer_sweep *a)
{
    if (a == NULL)
        return;
    json_decref(a->doc);
    free(a);
}

int answer_sweep_create(answer_sweep **out, answer_format fmt, const sweep *sw,
                        const scenario *s, const goal *goals, size_t ngoals, FILE *f)
{
    *out = NULL;
    answer_sweep *a = fd_calloc(1, sizeof *a);
    if (a == NULL)
        return FD_ENOMEM;
    *a = (answer_sweep){ .fmt = fmt, .sw = sw, .goals = goals, .ngoals = ngoals, .f = f };
    if (fmt == ANSWER_TSV) {
        fputs("point\t", f);
        for (size_t i = 0; i < sweep_naxes(sw); i++)
            fprintf(f, "%s\t", sweep_axis_at(sw, i)->key);
        tsv_header(f, NULL, 0);
        for (size_t i = 0; i < ngoals; i++)
            fprintf(f, "\tgoal:%s", goals[i].text);
        fputc('\n', f);
        *out = a;
        return FD_OK;
    }
    jb *b = &a->b;
    a->doc = jdoc(b, "fdsim-sweep", "sweep", s);
    jset(b, a->doc, "replicas_per_point", jint(b, s->replicas));
    jset(b, a->doc, "horizon_years", jnum(b, s->horizon / YEAR_S));
    json_t *axes = jarr(b);
    for (size_t i = 0; i < sweep_naxes(sw); i++) {
        const sweep_axis *ax = sweep_axis_at(sw, i);
        json_t *o = jobj(b), *vals = jarr(b);
        jset(b, o, "key", jstr(b, ax->key));
        for (size_t k = 0; k < ax->nvalues; k++)
            jpush(b, vals, jstr(b, ax->values[k]));
        jset(b, o, "values", vals);
        jpush(b, axes, o);
    }
    jset(b, a->doc, "axes", axes);
    a->points = jarr(b);
    jset(b, a->doc, "points", a->points);
    if (b->oom) {
        answer_sweep_destroy(a);
        return FD_ENOMEM;
    }
    *out = a;
    return FD_OK;
}

/* A point's values, key -> value text. */
static json_t *jpoint_values(jb *b, const sweep *sw, size_t p)
{
    size_t idx[SWEEP_MAX_AXES];
    sweep_point(sw, p, idx);
    json_t *o = jobj(b);
    for (size_t i = 0; i < sweep_naxes(sw); i++) {
        const sweep_axis *ax = sweep_axis_at(sw, i);
        jset(b, o, ax->key, jstr(b, ax->values[idx[i]]));
    }
    return o;
}

int answer_sweep_point(answer_sweep *a, const sweep_done *pd)
{
    const report_run *run = pd->run;
    verdict *v = NULL;
    if (verdict_create(&v, run) != FD_OK)
        return -1;
    size_t idx[SWEEP_MAX_AXES];
    sweep_point(a->sw, pd->index, idx);
    if (a->fmt == ANSWER_TSV) {
        for (size_t g = 0; g < run->s->ngroups; g++) {
            fprintf(a->f, "%s\t", pd->name);
            for (size_t i = 0; i < sweep_naxes(a->sw); i++) {
                tsv_text(a->f, sweep_axis_at(a->sw, i)->values[idx[i]]);
                fputc('\t', a->f);
            }
            tsv_group(a->f, run, v, g);
            for (size_t k = 0; k < a->ngoals; k++) {
                double mean, bound;
                goal_status st = goal_check(&a->goals[k], run, g, &mean, &bound);
                fprintf(a->f, "\t%s", goal_status_name(st));
            }
            fputc('\n', a->f);
        }
        verdict_destroy(v);
        return ferror(a->f) ? -1 : 0;
    }
    jb *b = &a->b;
    json_t *p = jobj(b);
    jset(b, p, "point", jstr(b, pd->name));
    jset(b, p, "index", jint(b, (long long)pd->index));
    jset(b, p, "values", jpoint_values(b, a->sw, pd->index));
    jrun_head(b, p, run);
    json_t *groups = jarr(b);
    for (size_t g = 0; g < run->s->ngroups; g++) {
        json_t *o = jrun_group(b, run, v, g);
        json_t *goals = jarr(b);
        for (size_t k = 0; k < a->ngoals; k++) {
            double mean, bound;
            goal_status st = goal_check(&a->goals[k], run, g, &mean, &bound);
            json_t *e = jobj(b);
            jset(b, e, "goal", jstr(b, a->goals[k].text));
            jset(b, e, "status", jstr(b, goal_status_name(st)));
            jset(b, e, "mean", jnum(b, mean));
            jset(b, e, "bound", jnum(b, bound));
            jpush(b, goals, e);
        }
        jset(b, o, "goals", goals);
        jpush(b, groups, o);
    }
    jset(b, p, "groups", groups);
    jpush(b, a->points, p);
    verdict_destroy(v);
    return b->oom ? -1 : 0;
}

/* A point as {"point": "point-05", "values": {...}}, or null for -1. */
static json_t *jpoint_ref(jb *b, const sweep *sw, long p)
{
    if (p < 0)
        return json_null();
    json_t *o = jobj(b);
    char name[32];
    jset(b, o, "point", jstr(b, sweep_point_name(sw, (size_t)p, name)));
    jset(b, o, "values", jpoint_values(b, sw, (size_t)p));
    return o;
}

int answer_sweep_finish(answer_sweep *a, const goal_track *tracks, const bool *varied,
                        const char *const *names, size_t ngroups)
{
    if (a->fmt == ANSWER_TSV)
        return fflush(a->f) != 0 || ferror(a->f) ? -1 : 0;
    jb *b = &a->b;
    json_t *goals = jarr(b);
    for (size_t k = 0; k < a->ngoals; k++) {
        const goal *gl = &a->goals[k];
        json_t *o = jobj(b), *groups = jarr(b);
        jset(b, o, "goal", jstr(b, gl->text));
        jset(b, o, "metric", jstr(b, report_metric_name(gl->metric)));
        jset(b, o, "op", jstr(b, gl->at_least ? ">=" : "<="));
        jset(b, o, "value", jnum(b, gl->value));
        for (size_t g = 0; g < ngroups; g++) {
            const goal_track *t = &tracks[k * ngroups + g];
            json_t *e = jobj(b);
            jset(b, e, "group", jstr(b, names[g]));
            jset(b, e, "varied", jbool(b, varied[g]));
            jset(b, e, "points_met", jint(b, (long long)t->met));
            jset(b, e, "smallest_met", jpoint_ref(b, a->sw, t->first_met));
            jset(b, e, "met_mean", jnum(b, t->met_mean));
            jset(b, e, "met_bound", jnum(b, t->met_bound));
            jset(b, e, "short_after", jpoint_ref(b, a->sw, t->short_after));
            jset(b, e, "estimate_only", jpoint_ref(b, a->sw, t->first_estimate));
            jset(b, e, "estimate_status", t->first_estimate < 0
                                              ? json_null()
                                              : jstr(b, goal_status_name(t->est_status)));
            jset(b, e, "estimate_mean", jnum(b, t->est_mean));
            jpush(b, groups, e);
        }
        jset(b, o, "groups", groups);
        jpush(b, goals, o);
    }
    jset(b, a->doc, "goals", goals);
    json_t *doc = a->doc;
    a->doc = NULL;
    return jwrite(b, doc, a->f);
}

/* --------------------------------------------------------- analytic -- */

static json_t *jvalue(jb *b, const analytic_value *v)
{
    json_t *o = jobj(b);
    jset(b, o, "exact", jbool(b, v->exact));
    jset(b, o, "availability", jnum(b, analytic_availability(v)));
    jset(b, o, "unavailability", jnum(b, v->unavail));
    jset(b, o, "bound_low", jnum(b, v->lo));
    jset(b, o, "bound_high", jnum(b, v->hi));
    return o;
}

int answer_analytic(const analytic_result *r, const scenario *s, answer_format fmt, FILE *f)
{
    if (fmt == ANSWER_TSV) {
        fputs("group\torchestration\tfault_domains\tupdate_domains\tcount\tquorum\t"
              "vm_exact\tvm_availability\tvm_unavailability\tservice_exact\t"
              "service_availability\tservice_unavailability\tservice_bound_low\t"
              "service_bound_high\tdowntime_min_per_yr\tlong_run_only\treason\n", f);
        for (size_t g = 0; g < r->ngroups; g++) {
            const analytic_group *a = &r->groups[g];
            const scen_group *sg = a->spec;
            fprintf(f, "%s\t%s\t%d\t%d\t%d\t%d\t%s\t", sg->name, scenario_mode_name(sg->mode),
                    sg->fd_count, sg->ud_count, sg->count, sg->quorum,
                    a->vm.exact ? "true" : "false");
            tsv_num(f, analytic_availability(&a->vm));
            fputc('\t', f);
            tsv_num(f, a->vm.unavail);
            fprintf(f, "\t%s\t", a->service.exact ? "true" : "false");
            tsv_num(f, analytic_availability(&a->service));
            fputc('\t', f);
            tsv_num(f, a->service.unavail);
            fputc('\t', f);
            tsv_num(f, a->service.lo);
            fputc('\t', f);
            tsv_num(f, a->service.hi);
            fputc('\t', f);
            tsv_num(f, analytic_downtime_min_per_year(&a->service));
            fprintf(f, "\t%s\t", a->long_run_only ? "true" : "false");
            tsv_text(f, a->reason);
            fputc('\n', f);
        }
        return ferror(f) ? -1 : 0;
    }
    jb b = { false };
    json_t *doc = jdoc(&b, "fdsim-analytic", "analytic", s);
    json_t *groups = jarr(&b);
    for (size_t g = 0; g < r->ngroups; g++) {
        const analytic_group *a = &r->groups[g];
        json_t *o = jobj(&b);
        jgroup_spec(&b, o, a->spec);
        jset(&b, o, "vm", jvalue(&b, &a->vm));
        jset(&b, o, "service", jvalue(&b, &a->service));
        jset(&b, o, "downtime_min_per_yr",
             jnum(&b, analytic_downtime_min_per_year(&a->service)));
        jset(&b, o, "long_run_only", jbool(&b, a->long_run_only));
        jset(&b, o, "reason", jstr(&b, a->reason[0] ? a->reason : NULL));
        json_t *notes = jarr(&b);
        for (int i = 0; i < a->nnotes; i++)
            jpush(&b, notes, jstr(&b, a->notes[i]));
        jset(&b, o, "assumptions", notes);
        jset(&b, o, "convolutions", jint(&b, a->convolutions));
        jpush(&b, groups, o);
    }
    jset(&b, doc, "groups", groups);
    return jwrite(&b, doc, f);
}

/* ------------------------------------------------------------ place -- */

static json_t *jcounts(jb *b, const int *v, int n)
{
    json_t *a = jarr(b);
    for (int i = 0; i < n; i++)
        jpush(b, a, jint(b, v[i]));
    return a;
}

static void tsv_counts(FILE *f, const int *v, int n)
{
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%d", i ? "," : "", v[i]);
}

int answer_place(const place_result *r, const scenario *s, answer_format fmt, FILE *f)
{
    if (fmt == ANSWER_TSV) {
        fputs("group\torchestration\tfault_domains\tupdate_domains\tcount\tplaced\tspot\t"
              "vms_per_fd\tvms_per_ud\tvms_per_zone\tracks_used\thosts_used\t"
              "worst_rack\tworst_step\tworst_zone\tworst_host\talloc_failures\treason\n", f);
        for (size_t g = 0; g < place_ngroups(r); g++) {
            const place_group *pg = place_group_at(r, g);
            place_summary sm;
            place_summarize(r, g, &sm);
            fprintf(f, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t", pg->spec->name,
                    scenario_mode_name(pg->spec->mode), pg->spec->fd_count,
                    pg->spec->ud_count, sm.count, sm.placed, sm.spot);
            tsv_counts(f, sm.per_fd, sm.nfd);
            fputc('\t', f);
            tsv_counts(f, sm.per_ud, sm.nud);
            fputc('\t', f);
            tsv_counts(f, s->zones ? sm.per_zone + 1 : sm.per_zone, s->zones ? s->zones : 1);
            fprintf(f, "\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t", sm.racks_used, sm.hosts_used,
                    sm.worst_rack, sm.worst_step, sm.worst_zone, sm.worst_host, sm.failures);
            tsv_text(f, pg->reason);
            fputc('\n', f);
        }
        return ferror(f) ? -1 : 0;
    }
    jb b = { false };
    json_t *doc = jdoc(&b, "fdsim-place", "place", s);
    json_t *world = jobj(&b);
    jset(&b, world, "zones", jint(&b, s->zones));
    jset(&b, world, "racks_per_zone", jint(&b, s->racks_per_zone));
    jset(&b, world, "hosts_per_rack", jint(&b, s->hosts_per_rack));
    jset(&b, world, "vms_per_host", jint(&b, s->vms_per_host));
    jset(&b, doc, "world", world);
    json_t *groups = jarr(&b);
    for (size_t g = 0; g < place_ngroups(r) && !b.oom; g++) {
        const place_group *pg = place_group_at(r, g);
        place_summary sm;
        place_summarize(r, g, &sm);
        json_t *o = jobj(&b);
        jgroup_spec(&b, o, pg->spec);
        jset(&b, o, "placed", jint(&b, sm.placed));
        jset(&b, o, "spot", jint(&b, sm.spot));
        jset(&b, o, "placement_groups", jint(&b, pg->npg));
        jset(&b, o, "vms_per_fd", jcounts(&b, sm.per_fd, sm.nfd));
        jset(&b, o, "vms_per_ud", jcounts(&b, sm.per_ud, sm.nud));
        /* index z: zone z; [0] the regional cluster of a zoneless region */
        jset(&b, o, "vms_per_zone", jcounts(&b, sm.per_zone, SCEN_MAX_ZONES + 1));
        jset(&b, o, "racks_used", jint(&b, sm.racks_used));
        jset(&b, o, "hosts_used", jint(&b, sm.hosts_used));
        json_t *w = jobj(&b);
        jset(&b, w, "rack", jint(&b, sm.worst_rack));
        jset(&b, w, "step", jint(&b, sm.worst_step));
        jset(&b, w, "zone", jint(&b, sm.worst_zone));
        jset(&b, w, "host", jint(&b, sm.worst_host));
        jset(&b, o, "worst_loss", w);
        jset(&b, o, "alloc_failures", jint(&b, sm.failures));
        jset(&b, o, "reason", jstr(&b, pg->reason[0] ? pg->reason : NULL));
        json_t *vms = jarr(&b);
        for (int i = 0; i < pg->count && !b.oom; i++) {
            const place_vm *v = &pg->vms[i];
            json_t *e = jobj(&b);
            jset(&b, e, "vm", jint(&b, i));
            jset(&b, e, "zone", jint(&b, v->zone));
            jset(&b, e, "fault_domain", jint(&b, v->fd));
            jset(&b, e, "update_domain", v->ud < 0 ? json_null() : jint(&b, v->ud));
            jset(&b, e, "placement_group", jint(&b, v->pg));
            jset(&b, e, "rack", v->placed ? jint(&b, v->rack) : json_null());
            jset(&b, e, "host", v->placed ? jint(&b, v->host) : json_null());
            jset(&b, e, "spot", jbool(&b, v->spot));
            jset(&b, e, "placed", jbool(&b, v->placed));
            jpush(&b, vms, e);
        }
        jset(&b, o, "vms", vms);
        jpush(&b, groups, o);
    }
    jset(&b, doc, "groups", groups);
    return jwrite(&b, doc, f);
}
