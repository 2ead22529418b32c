/*
 * autoscale: schedules, floors and scale-in choices (see autoscale.h).
 */
#include "autoscale.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_VMS 1000 /* the most VMs of any scale set (scenario.c checks) */

/* One "HH:MM N" entry at p: its time of day and target, and the rest after
 * it in *end.  0, or -1 with why. */
static int parse_entry(const char *p, int lo, int hi, double *at, int *target,
                       const char **end, char *why, size_t wl)
{
    while (isspace((unsigned char)*p))
        p++;
    const char *start = p;
    int hh = -1, mm = -1, n = 0;
    char *e;
    if (isdigit((unsigned char)*p)) {
        hh = (int)strtol(p, &e, 10);
        if (*e == ':' && isdigit((unsigned char)e[1]) && isdigit((unsigned char)e[2])) {
            mm = (int)strtol(e + 1, &e, 10);
            p = e;
        } else {
            hh = -1;
        }
    }
    long x = -1;
    if (hh >= 0 && isspace((unsigned char)*p)) {
        while (isspace((unsigned char)*p))
            p++;
        if (isdigit((unsigned char)*p)) {
            x = strtol(p, &e, 10);
            p = e;
        }
    }
    while (isspace((unsigned char)*p))
        p++;
    n = (int)strcspn(start, ",");
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59 || x < 0 || (*p && *p != ',')) {
        snprintf(why, wl, "\"%.*s\" is not an entry; write HH:MM COUNT entries separated by "
                 "commas, times 00:00 to 23:59, as 08:00 100, 20:00 60 (or none)", n, start);
        return -1;
    }
    if (x < lo || x > hi) {
        snprintf(why, wl, "\"%.*s\": %ld VMs is out of range; valid: %d to %d", n, start, x,
                 lo, hi);
        return -1;
    }
    *at = hh * 3600.0 + mm * 60.0;
    *target = (int)x;
    *end = p;
    return 0;
}

int autoscale_parse(const char *value, int lo, int hi, scen_schedule *out, char *why,
                    size_t wl)
{
    scen_schedule s = { .n = 0 };
    const char *p = value;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p || !strcasecmp(p, "none")) {
        *out = s;
        return 0;
    }
    for (;;) {
        double at;
        int target;
        if (s.n == SCEN_MAX_SCHED) {
            snprintf(why, wl, "more than %d entries in a day's profile", SCEN_MAX_SCHED);
            return -1;
        }
        if (parse_entry(p, lo, hi, &at, &target, &p, why, wl) < 0)
            return -1;
        if (s.n > 0 && at <= s.at[s.n - 1]) {
            snprintf(why, wl, "entry %d (%02d:%02d) is not after the one before it; list "
                     "the day's entries in increasing time order", s.n + 1,
                     (int)(at / 3600), (int)fmod(at / 60, 60));
            return -1;
        }
        s.at[s.n] = at;
        s.target[s.n++] = target;
        if (*p != ',')
            break;
        p++;
    }
    *out = s;
    return 0;
}

const char *autoscale_format(const scen_schedule *s, char *buf, size_t len)
{
    size_t u = 0;
    buf[0] = '\0';
    if (s->n == 0)
        snprintf(buf, len, "none");
    for (int i = 0; i < s->n && u < len; i++) {
        int min = (int)(s->at[i] / 60);
        u += (size_t)snprintf(buf + u, len - u, "%s%02d:%02d %d", i ? ", " : "", min / 60,
                              min % 60, s->target[i]);
    }
    return buf;
}

bool autoscale_usable(const scen_group *gr)
{
    return gr->sched[SCHED_DAILY].n > 0
        || (gr->sched[SCHED_WEEKDAYS].n > 0 && gr->sched[SCHED_WEEKEND].n > 0);
}

/* The profile of day d (>= 0, or -1: the day before time 0, a Sunday). */
static const scen_schedule *profile(const scen_group *gr, long d)
{
    bool weekend = ((d % 7) + 7) % 7 >= 5;
    const scen_schedule *own = &gr->sched[weekend ? SCHED_WEEKEND : SCHED_WEEKDAYS];
    return own->n > 0 ? own : &gr->sched[SCHED_DAILY];
}

int autoscale_target(const scen_group *gr, double t)
{
    long d = (long)floor(t / AUTOSCALE_DAY);
    double tod = t - d * AUTOSCALE_DAY;
    const scen_schedule *p = profile(gr, d);
    int target = -1;
    for (int i = 0; i < p->n && p->at[i] <= tod; i++)
        target = p->target[i];
    if (target < 0) { /* before the day's first entry: the day before's last */
        const scen_schedule *q = profile(gr, d - 1);
        assert(q->n > 0);
        target = q->target[q->n - 1];
    }
    if (target < gr->as_min)
        target = gr->as_min;
    if (target > gr->as_max)
        target = gr->as_max;
    return target;
}

double autoscale_next(const scen_group *gr, double t)
{
    long d = (long)floor(t / AUTOSCALE_DAY);
    for (long k = d; k <= d + 8; k++) {
        const scen_schedule *p = profile(gr, k);
        for (int i = 0; i < p->n; i++) {
            double at = k * AUTOSCALE_DAY + p->at[i];
            if (at > t)
                return at;
        }
    }
    return INFINITY; /* no entry at all: not usable */
}

bool autoscale_constant(const scen_group *gr)
{
    int first = -1;
    for (int k = 0; k < SCHED_KINDS; k++)
        for (int i = 0; i < gr->sched[k].n; i++) {
            int t = gr->sched[k].target[i];
            t = t < gr->as_min ? gr->as_min : t > gr->as_max ? gr->as_max : t;
            if (first >= 0 && t != first)
                return false;
            first = t;
        }
    return true;
}

int autoscale_floor(const scen_group *gr, int target)
{
    switch (gr->quorum_kind) {
    case QUORUM_SHARE: {
        int q = (int)ceil(gr->quorum_share * target - 1e-9);
        return q < 1 ? 1 : q;
    }
    case QUORUM_MAJORITY:
        return target / 2 + 1;
    case QUORUM_FIXED:
    default:
        return gr->quorum;
    }
}

/* Keep in ok[] only the VMs of the busiest cells: a cell is a zone
 * (by_zone) or a (zone, fault domain); its count is every member in it
 * (protected or not), and only cells holding a VM still ok compete. */
static void keep_busiest(const autoscale_vm *vms, int n, bool *ok, bool by_zone)
{
    int zone[MAX_VMS], dom[MAX_VMS], counts[MAX_VMS], nk = 0, cell[MAX_VMS];
    bool any[MAX_VMS];
    for (int i = 0; i < n; i++) {
        int z = vms[i].zone, d = by_zone ? 0 : vms[i].domain, j = 0;
        while (j < nk && (zone[j] != z || dom[j] != d))
            j++;
        if (j == nk) {
            zone[nk] = z;
            dom[nk] = d;
            counts[nk] = 0;
            any[nk++] = false;
        }
        counts[j]++;
        any[j] |= ok[i];
        cell[i] = j;
    }
    int most = -1;
    for (int j = 0; j < nk; j++)
        if (any[j] && counts[j] > most)
            most = counts[j];
    for (int i = 0; i < n; i++)
        ok[i] = ok[i] && counts[cell[i]] == most;
}

int autoscale_pick(scen_scalein policy, const autoscale_vm *vms, int n)
{
    assert(n <= MAX_VMS);
    bool ok[MAX_VMS];
    int nok = 0;
    for (int i = 0; i < n; i++)
        nok += ok[i] = !vms[i].protect;
    if (nok == 0)
        return -1;
    keep_busiest(vms, n, ok, true);
    if (policy == SCALEIN_DEFAULT)
        keep_busiest(vms, n, ok, false);
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        if (best < 0) {
            best = i;
            continue;
        }
        const autoscale_vm *a = &vms[i], *b = &vms[best];
        bool better;
        if (policy == SCALEIN_OLDEST)
            better = a->created < b->created || (a->created == b->created && a->iid < b->iid);
        else if (policy == SCALEIN_NEWEST)
            better = a->created > b->created || (a->created == b->created && a->iid > b->iid);
        else
            better = a->iid > b->iid;
        if (better)
            best = i;
    }
    return best;
}
