/*
 * verdict: each group against its SLA target, and the groups ranked with
 * their statistical ties (see verdict.h).
 */
#include "verdict.h"
#include "alloc.h"

#include "digest.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 100 /* wrap printed lines at this many columns */

const char *verdict_outcome_name(verdict_outcome o)
{
    switch (o) {
    case VERDICT_NO_TARGET: return "no_target";
    case VERDICT_MEETS: return "meets";
    case VERDICT_MISSES: return "misses";
    case VERDICT_UNDECIDED: return "undecided";
    }
    return "?";
}

const char *verdict_basis_name(verdict_basis b)
{
    switch (b) {
    case VERDICT_INTERVAL: return "interval";
    case VERDICT_ESTIMATE: return "estimate";
    case VERDICT_NO_OUTAGE: return "no_outage";
    case VERDICT_SAME: return "same_every_replica";
    }
    return "?";
}

const char *verdict_test_name(verdict_test t)
{
    return t == VERDICT_PAIRED_T ? "paired_t" : "outage_counts";
}

/* Group g against its target. */
static verdict_group judge(const report_run *run, size_t g)
{
    verdict_group v = { .target_pct = run->s->groups[g].sla_target };
    stats_summary a = report_summary(run, g, REPORT_SVC_AVAIL);
    stats_summary u = report_summary(run, g, REPORT_SVC_UNAVAIL);
    v.outages = report_evidence(run, g); /* restart: root replicas with an outage */
    v.avail_pct = 100 * a.mean;
    v.low_pct = 100 * a.ci_low;
    v.high_pct = 100 * a.ci_high;
    v.unavail = u.mean;
    if (v.outages == 0)
        v.basis = VERDICT_NO_OUTAGE;
    else if (v.outages < REPORT_MIN_OUTAGES)
        v.basis = VERDICT_ESTIMATE;
    else if (isnan(a.ci_low) || isnan(a.ci_high))
        v.basis = VERDICT_SAME;
    else
        v.basis = VERDICT_INTERVAL;
    if (v.basis != VERDICT_INTERVAL) /* report.c gives these no interval */
        v.low_pct = v.high_pct = NAN;
    v.month = report_summary(run, g, REPORT_MONTHS);
    double t = v.target_pct;
    if (isnan(t))
        v.outcome = VERDICT_NO_TARGET;
    else if (v.basis == VERDICT_NO_OUTAGE)
        v.outcome = VERDICT_MEETS;
    else if (v.basis != VERDICT_INTERVAL)
        v.outcome = v.avail_pct >= t ? VERDICT_MEETS : VERDICT_MISSES;
    else if (v.low_pct >= t)
        v.outcome = VERDICT_MEETS;
    else if (v.high_pct < t)
        v.outcome = VERDICT_MISSES;
    else
        v.outcome = VERDICT_UNDECIDED;
    return v;
}

/* Two-sided exact conditional p-value for equal Poisson rates over the
 * same exposure: given k = ka + kb, ka ~ Binomial(k, 1/2). */
static double counts_p_value(double ka, double kb)
{
    double k = ka + kb;
    if (k == 0)
        return 1;
    if (k > (double)UINT_MAX)
        return 0; /* far past any tie: each has billions of outages more */
    double lo = fmin(ka, kb);
    double p = 2 * gsl_cdf_binomial_P((unsigned)lo, 0.5, (unsigned)k);
    return fmin(1, p);
}

static verdict_pair compare(const report_run *run, const verdict_group *ga,
                            const verdict_group *gb, size_t a, size_t b)
{
    verdict_pair p = { .p_value = NAN };
    p.diff = (stats_summary){ .mean = NAN, .sd = NAN, .ci_low = NAN, .ci_high = NAN,
                              .p5 = NAN, .p50 = NAN, .p95 = NAN, .p99 = NAN };
    if (ga->outages >= REPORT_MIN_OUTAGES && gb->outages >= REPORT_MIN_OUTAGES) {
        p.test = VERDICT_PAIRED_T;
        p.diff = digest_pair_diff(run->digest, a, b);
        p.tied = !(p.diff.ci_low > 0) && !(p.diff.ci_high < 0);
    } else {
        p.test = VERDICT_OUTAGE_COUNTS;
        p.p_value = counts_p_value(ga->outages, gb->outages);
        p.tied = p.p_value >= 0.05;
    }
    return p;
}

/* qsort context: no globals, so the order is carried in the elements. */
typedef struct ranked {
    size_t g;
    double unavail, outages;
} ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->unavail != b->unavail)
        return a->unavail < b->unavail ? -1 : 1;
    if (a->outages != b->outages)
        return a->outages < b->outages ? -1 : 1;
    return (a->g > b->g) - (a->g < b->g);
}

void verdict_destroy(verdict *v)
{
    if (v == NULL)
        return;
    free(v->groups);
    free(v->order);
    free(v->pairs);
    free(v);
}

int verdict_create(verdict **out, const report_run *run)
{
    assert(run->r->replicas > 0 && run->digest != NULL);
    size_t n = run->s->ngroups;
    *out = NULL;
    verdict *v = fd_calloc(1, sizeof *v);
    ranked *rk = fd_calloc(n, sizeof *rk);
    if (v == NULL || rk == NULL)
        goto fail;
    v->ngroups = n;
    v->groups = fd_calloc(n, sizeof *v->groups);
    v->order = fd_calloc(n, sizeof *v->order);
    v->pairs = fd_calloc(n * n, sizeof *v->pairs);
    if (!v->groups || !v->order || !v->pairs)
        goto fail;
    for (size_t g = 0; g < n; g++) {
        v->groups[g] = judge(run, g);
        rk[g] = (ranked){ g, v->groups[g].unavail, v->groups[g].outages };
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            verdict_pair p = compare(run, &v->groups[a], &v->groups[b], a, b);
            v->pairs[a * n + b] = p;
            if (p.test == VERDICT_PAIRED_T) { /* the mirror: b - a */
                double lo = p.diff.ci_low;
                p.diff.mean = -p.diff.mean + 0.0;
                p.diff.ci_low = -p.diff.ci_high;
                p.diff.ci_high = -lo;
            }
            v->pairs[b * n + a] = p;
        }
    qsort(rk, n, sizeof *rk, cmp_ranked);
    size_t leader = rk[0].g;
    for (size_t k = 0; k < n; k++) {
        size_t g = rk[k].g;
        v->order[k] = g;
        if (k > 0 && v->pairs[g * n + leader].tied) {
            v->groups[g].rank = v->groups[leader].rank;
        } else {
            leader = g;
            v->groups[g].rank = k + 1;
        }
    }
    free(rk);
    *out = v;
    return FD_OK;
fail:
    free(rk);
    verdict_destroy(v);
    return FD_ENOMEM;
}

const verdict_pair *verdict_pair_at(const verdict *v, size_t a, size_t b)
{
    assert(a < v->ngroups && b < v->ngroups && a != b);
    return &v->pairs[a * v->ngroups + b];
}

/* Print `text` (which starts at column 2) wrapped at WIDTH on blanks,
 * its own spacing kept; continuation lines indented by `indent` blanks. */
static void wrapped(FILE *f, const char *text, int indent)
{
    int col = 2;
    size_t len = strlen(text);
    while ((int)len + col > WIDTH) {
        int room = WIDTH - col, cut = -1;
        for (int i = 0; i <= room && (size_t)i < len; i++)
            if (text[i] == ' ')
                cut = i;
        if (cut <= 0) /* one long word: let it run past */
            cut = (int)strcspn(text, " ");
        if ((size_t)cut >= len)
            break;
        fwrite(text, 1, (size_t)cut, f);
        fprintf(f, "\n%*s", indent, "");
        col = indent;
        text += cut;
        while (*text == ' ')
            text++;
        len = strlen(text);
    }
    fputs(text, f);
    fputc('\n', f);
}

/* "P(a month meets it) 0.8935 [0.8879, 0.8989]", and how often a month
 * misses when that is often enough to plan for (1 in 1000 or more). */
static void month_text(const verdict_group *v, char *buf, size_t size)
{
    int n = snprintf(buf, size, "P(a month meets it) %.4f [%.4f, %.4f]", v->month.mean,
                     v->month.ci_low, v->month.ci_high);
    double miss = 1 - v->month.mean;
    if (n > 0 && (size_t)n < size && miss >= 0.001 && miss < 0.5)
        snprintf(buf + n, size - (size_t)n, ": about 1 month in %.0f misses it", 1 / miss);
    else if (n > 0 && (size_t)n < size && miss >= 0.5)
        snprintf(buf + n, size - (size_t)n, ": most months miss it");
}

/* One group's verdict as a sentence. */
static void group_line(const verdict *v, const report_run *run, size_t g, char *buf,
                       size_t size)
{
    const verdict_group *vg = &v->groups[g];
    const char *name = run->s->groups[g].name;
    char avail[200], month[120];
    report_format_availability(run, g, avail, sizeof avail);
    month_text(vg, month, sizeof month);
    double t = vg->target_pct;
    switch (vg->outcome) {
    case VERDICT_NO_TARGET:
        snprintf(buf, size, "%s: no SLA target to judge (no published SLA applies; set "
                 "slaTarget to judge it); service availability %s", name, avail);
        return;
    case VERDICT_MEETS:
        if (vg->basis == VERDICT_NO_OUTAGE)
            snprintf(buf, size, "%s: MEETS its %.10g %% target: no outage in %.6g "
                     "replica-years, so every month met it; %s", name, t,
                     report_replica_years(run), month);
        else if (vg->basis == VERDICT_INTERVAL)
            snprintf(buf, size, "%s: MEETS its %.10g %% target in the long run: %s; %s",
                     name, t, avail, month);
        else
            snprintf(buf, size, "%s: meets its %.10g %% target on its estimate only: %s; %s",
                     name, t, avail, month);
        return;
    case VERDICT_MISSES:
        if (vg->basis == VERDICT_INTERVAL)
            snprintf(buf, size, "%s: MISSES its %.10g %% target: %s; %s", name, t, avail,
                     month);
        else
            snprintf(buf, size, "%s: misses its %.10g %% target on its estimate only: %s; %s",
                     name, t, avail, month);
        return;
    case VERDICT_UNDECIDED:
        snprintf(buf, size, "%s: too close to call against its %.10g %% target: %s "
                 "straddles it (add replicas); %s", name, t, avail, month);
        return;
    }
}

int verdict_print(const verdict *v, const report_run *run, FILE *f)
{
    char line[1024];
    fputs("\nverdict: each group's long-run service availability against its monthly SLA "
          "target (95 %)\n", f);
    for (size_t g = 0; g < v->ngroups; g++) {
        group_line(v, run, g, line, sizeof line);
        fputs("  ", f);
        wrapped(f, line, 6);
    }
    fputs("\nranking by service availability, best first (tied: the run cannot tell them "
          "apart at 95 %)\n", f);
    int namew = 0;
    for (size_t g = 0; g < v->ngroups; g++) {
        int len = (int)strlen(run->s->groups[g].name);
        namew = len > namew ? len : namew;
    }
    for (size_t k = 0; k < v->ngroups; k++) {
        size_t g = v->order[k];
        char avail[200];
        report_format_availability(run, g, avail, sizeof avail);
        size_t len = (size_t)snprintf(line, sizeof line, "%3zu. %-*s  %s", v->groups[g].rank,
                                      namew, run->s->groups[g].name, avail);
        bool any = false;
        for (size_t j = 0; j < v->ngroups && len < sizeof line; j++) {
            size_t h = v->order[j];
            if (h == g || !verdict_pair_at(v, g, h)->tied)
                continue;
            len += (size_t)snprintf(line + len, sizeof line - len, "%s%s",
                                    any ? ", " : "; tied with ", run->s->groups[h].name);
            any = true;
        }
        fputs("  ", f);
        wrapped(f, line, 9 + namew);
    }
    return ferror(f) ? -1 : 0;
}
