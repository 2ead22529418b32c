/*
 * goal: parse "METRIC>=VALUE" and check results against it (see goal.h).
 */
#include "goal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether metric m is a fraction 0..1 (percent allowed in a goal). */
static bool fraction(report_metric m)
{
    return m == REPORT_VM_AVAIL || m == REPORT_SVC_AVAIL || m == REPORT_VM_UNAVAIL ||
           m == REPORT_SVC_UNAVAIL || m == REPORT_MONTHS;
}

bool goal_in_percent(const goal *g)
{
    return fraction(g->metric);
}

/* The metrics a goal may name, comma-separated, for messages. */
static void metric_list(char *buf, size_t size)
{
    size_t len = 0;
    for (int m = 0; m < REPORT_NMETRICS && len < size; m++)
        if (m != REPORT_DIFF)
            len += (size_t)snprintf(buf + len, size - len, "%s, ", report_metric_name(m));
    if (len < size)
        snprintf(buf + len, size - len, "nines");
}

int goal_parse(const char *arg, goal *g, diag *d)
{
    memset(g, 0, sizeof *g);
    char names[512];
    metric_list(names, sizeof names);
    const char *op = strpbrk(arg, "<>=");
    if (op == NULL || !(op[1] == '=' && (op[0] == '>' || op[0] == '<')))
        return diag_set(d, FD_EINVAL, "--goal %s: expected METRIC>=VALUE or METRIC<=VALUE, "
                        "e.g. --goal service_availability>=99.99%%", arg);
    if (strlen(arg) >= GOAL_TEXT_MAX)
        return diag_set(d, FD_EINVAL, "--goal %.40s...: too long", arg);
    memcpy(g->text, arg, strlen(arg) + 1);
    char name[GOAL_TEXT_MAX];
    size_t nlen = (size_t)(op - arg);
    memcpy(name, arg, nlen);
    name[nlen] = '\0';
    bool nines = !strcmp(name, "nines");
    int m = nines ? REPORT_SVC_UNAVAIL : report_metric_find(name);
    if (m < 0 || m == REPORT_DIFF)
        return diag_set(d, FD_EINVAL, "--goal %s: no metric '%s'; valid: %s", arg, name,
                        names);
    g->metric = (report_metric)m;
    g->at_least = op[0] == '>';
    const char *v = op + 2;
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    bool percent = *end == '%';
    if (percent)
        end++;
    if (end == v || *end != '\0' || errno != 0 || !isfinite(x) || isspace((unsigned char)*v))
        return diag_set(d, FD_EINVAL, "--goal %s: '%s' is not a number%s", arg, v,
                        fraction(g->metric) ? " (a fraction, or a percentage with %)" : "");
    if (nines) {
        if (percent || x < 0 || x > 20)
            return diag_set(d, FD_EINVAL, "--goal %s: nines are a plain number from 0 to 20, "
                            "e.g. nines>=4 (99.99 %%)", arg);
        g->at_least = !g->at_least; /* more nines: less unavailability */
        g->value = pow(10, -x);
        return FD_OK;
    }
    if (percent && !fraction(g->metric))
        return diag_set(d, FD_EINVAL, "--goal %s: %s is in %s, not a percentage", arg, name,
                        report_metric_unit(g->metric));
    if (percent)
        x /= 100;
    if (fraction(g->metric) && (x < 0 || x > 1))
        return diag_set(d, FD_EINVAL, "--goal %s: %s is a fraction from 0 to 1; write %g%% "
                        "for a percentage, or %g", arg, name, x, x / 100);
    if (!fraction(g->metric) && x < 0)
        return diag_set(d, FD_EINVAL, "--goal %s: %s (%s) is never negative", arg, name,
                        report_metric_unit(g->metric));
    g->value = x;
    return FD_OK;
}

goal_status goal_check(const goal *g, const report_run *run, size_t group, double *mean,
                       double *bound)
{
    stats_summary s = report_summary(run, group, g->metric);
    *mean = s.mean;
    *bound = g->at_least ? s.ci_low : s.ci_high;
    /* report.c gives no interval on an outage-driven metric resting on
     * too few outages: the t-interval would claim a confidence it lacks */
    bool meets = g->at_least ? s.mean >= g->value : s.mean <= g->value;
    if (!meets)
        return GOAL_NOT_MET;
    if (isnan(*bound))
        return GOAL_ESTIMATE;
    return (g->at_least ? *bound >= g->value : *bound <= g->value) ? GOAL_MET : GOAL_UNDECIDED;
}

const char *goal_status_name(goal_status st)
{
    switch (st) {
    case GOAL_MET: return "met";
    case GOAL_ESTIMATE: return "estimate";
    case GOAL_UNDECIDED: return "undecided";
    case GOAL_NOT_MET: return "not_met";
    }
    return "?";
}

void goal_track_init(goal_track *t)
{
    *t = (goal_track){ .first_met = -1, .first_estimate = -1, .short_after = -1,
                       .met_mean = NAN, .met_bound = NAN, .est_mean = NAN, .est_bound = NAN,
                       .est_outages = NAN, .est_status = GOAL_NOT_MET };
}

void goal_track_add(goal_track *t, size_t point, goal_status st, double mean, double bound,
                    double outages)
{
    t->points++;
    if (st == GOAL_MET) {
        t->met++;
        if (t->first_met < 0) {
            t->first_met = (long)point;
            t->met_mean = mean;
            t->met_bound = bound;
        }
        return;
    }
    t->estimates += st == GOAL_ESTIMATE || st == GOAL_UNDECIDED;
    if (t->first_met >= 0) {
        if (t->short_after < 0)
            t->short_after = (long)point;
        return;
    }
    if ((st == GOAL_ESTIMATE || st == GOAL_UNDECIDED) && t->first_estimate < 0) {
        t->first_estimate = (long)point;
        t->est_status = st;
        t->est_mean = mean;
        t->est_bound = bound;
        t->est_outages = outages;
    }
}
