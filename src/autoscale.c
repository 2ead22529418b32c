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

/* Number the distinct (zone, fault domain) cells of the n VMs into cell[]
 * (open addressing on the pair); returns how many.  O(n). */
static int number_cells(const autoscale_vm *vms, int n, int *cell, int *cell_zone)
{
    enum { MAX_SLOTS = 2048 }; /* a power of 2 above 2 x MAX_VMS */
    int slot_of[MAX_SLOTS], dom[MAX_VMS], nk = 0;
    unsigned slots = 16;
    while (slots < 2u * (unsigned)n)
        slots *= 2;
    for (unsigned h = 0; h < slots; h++)
        slot_of[h] = -1;
    for (int i = 0; i < n; i++) {
        int z = vms[i].zone, d = vms[i].domain;
        unsigned h = ((unsigned)z * 2654435761u ^ (unsigned)d * 40503u) & (slots - 1);
        while (slot_of[h] >= 0 && (cell_zone[slot_of[h]] != z || dom[slot_of[h]] != d))
            h = (h + 1) & (slots - 1);
        if (slot_of[h] < 0) {
            slot_of[h] = nk;
            cell_zone[nk] = z;
            dom[nk++] = d;
        }
        cell[i] = slot_of[h];
    }
    return nk;
}

/* A VM's place in a policy's order, ascending in (a, b): Default the
 * highest instance ID first (a = 0, b = ~iid), NewestVM the newest (a =
 * -created, b = ~iid), OldestVM the oldest (a = created, b = iid). */
typedef struct sortkey {
    double a;   /* the creation time, or its negation, or 0 */
    uint64_t b; /* the instance ID, or its complement */
    int i;      /* the VM */
} sortkey;

/* qsort's order of sortkeys: by a, then b (unique: instance IDs are). */
static int cmp_key(const void *p, const void *q)
{
    const sortkey *x = p, *y = q;
    if (x->a != y->a)
        return x->a < y->a ? -1 : 1;
    return x->b < y->b ? -1 : x->b > y->b;
}

int autoscale_scale_in(scen_scalein policy, const autoscale_vm *vms, int n, int k, int *out)
{
    assert(n <= MAX_VMS);
    int cell[MAX_VMS], cell_zone[MAX_VMS], cnt[MAX_VMS], avail[MAX_VMS];
    int zcnt[SCEN_MAX_ZONES + 1] = { 0 }, zavail[SCEN_MAX_ZONES + 1] = { 0 };
    bool gone[MAX_VMS] = { false };
    int nk = number_cells(vms, n, cell, cell_zone);
    memset(cnt, 0, (size_t)nk * sizeof *cnt);
    memset(avail, 0, (size_t)nk * sizeof *avail);
    for (int i = 0; i < n; i++) {
        assert(vms[i].zone >= 0 && vms[i].zone <= SCEN_MAX_ZONES);
        cnt[cell[i]]++;
        zcnt[vms[i].zone]++;
        if (!vms[i].protect) {
            avail[cell[i]]++;
            zavail[vms[i].zone]++;
        }
    }
    /* the VMs in the policy's order, once */
    sortkey key[MAX_VMS];
    int order[MAX_VMS];
    for (int i = 0; i < n; i++) {
        bool newest_first = policy != SCALEIN_OLDEST;
        key[i].a = policy == SCALEIN_DEFAULT ? 0 : newest_first ? -vms[i].created : vms[i].created;
        key[i].b = newest_first ? ~vms[i].iid : vms[i].iid;
        key[i].i = i;
    }
    qsort(key, (size_t)n, sizeof *key, cmp_key);
    for (int r = 0; r < n; r++)
        order[r] = key[r].i;
    int picked = 0;
    for (; picked < k; picked++) {
        /* the zones tied for the most VMs, among those with a VM that may go */
        int zmost = -1;
        for (int z = 0; z <= SCEN_MAX_ZONES; z++)
            if (zavail[z] > 0 && zcnt[z] > zmost)
                zmost = zcnt[z];
        if (zmost < 0)
            break; /* every VM left is protected */
        /* Default: within them, the cells tied for the most */
        int dmost = -1;
        if (policy == SCALEIN_DEFAULT)
            for (int j = 0; j < nk; j++)
                if (avail[j] > 0 && zcnt[cell_zone[j]] == zmost && cnt[j] > dmost)
                    dmost = cnt[j];
        /* the first of them in the policy's order */
        int best = -1;
        for (int r = 0; r < n && best < 0; r++) {
            int i = order[r];
            if (!gone[i] && !vms[i].protect && zcnt[vms[i].zone] == zmost
                && (dmost < 0 || cnt[cell[i]] == dmost))
                best = i;
        }
        assert(best >= 0);
        gone[best] = true;
        cnt[cell[best]]--;
        avail[cell[best]]--;
        zcnt[vms[best].zone]--;
        zavail[vms[best].zone]--;
        out[picked] = best;
    }
    return picked;
}

int autoscale_pick(scen_scalein policy, const autoscale_vm *vms, int n)
{
    int i;
    return autoscale_scale_in(policy, vms, n, 1, &i) == 1 ? i : -1;
}
