/*
 * rare: one root replica and its retrials (see rare.h for the design).
 *
 * Bookkeeping per group: `acc`, the estimate so far, is a weighted sum of
 * stretches of raw tally sums (time at each VMs-down count, service
 * downtime, capacity deficit, outages), each the difference of a tally's
 * sums between two instants: the root path's unmuted stretches with weight
 * 1, and each retrial's whole life with weight L / R.  Only differences of
 * sums are taken, at instants the tally has been integrated to exactly
 * (inject_tally), so folded maintenance steps (added to the tallies ahead
 * of the clock) never straddle a stretch's end: a fold ends before the
 * next change, and stretches end at changes or at the horizon.
 */
#include "rare.h"

#include "alloc.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_S (365.0 * 86400.0)

/* ------------------------------------------------------------ plan -- */

int rare_plan_create(rare_plan **out, const scenario *s)
{
    *out = NULL;
    rare_plan *p = fd_calloc(1, sizeof *p);
    if (!p)
        return FD_ENOMEM;
    p->ngroups = s->ngroups;
    p->kinds = inject_kinds();
    p->g = fd_calloc(s->ngroups ? s->ngroups : 1, sizeof *p->g);
    if (!p->g)
        goto fail;
    for (size_t g = 0; g < s->ngroups; g++) {
        rare_group_plan *gp = &p->g[g];
        int count = s->groups[g].count;
        gp->count = count;
        gp->outage = count - s->groups[g].quorum + 1;
        gp->lo = gp->outage - RARE_LEVELS > 1 ? gp->outage - RARE_LEVELS : 1;
        size_t levels = gp->outage > gp->lo ? (size_t)(gp->outage - gp->lo) : 0;
        gp->retrials = fd_calloc(levels * p->kinds + 1, sizeof *gp->retrials);
        for (int c = 0; c < 2; c++)
            gp->fold_cap[c] = fd_malloc(((size_t)count + 1) * sizeof(int));
        if (!gp->retrials || !gp->fold_cap[0] || !gp->fold_cap[1])
            goto fail;
    }
    rare_plan_update(p);
    *out = p;
    return FD_OK;
fail:
    rare_plan_destroy(p);
    return FD_ENOMEM;
}

void rare_plan_destroy(rare_plan *p)
{
    if (!p)
        return;
    for (size_t g = 0; p->g && g < p->ngroups; g++) {
        free(p->g[g].retrials);
        free(p->g[g].fold_cap[0]);
        free(p->g[g].fold_cap[1]);
    }
    free(p->g);
    free(p);
}

static bool split_level(const rare_group_plan *gp, int l)
{
    return l >= gp->lo && l < gp->outage;
}

double rare_plan_retrials(const rare_plan *p, size_t g, int l, uint32_t c)
{
    const rare_group_plan *gp = &p->g[g];
    if (!split_level(gp, l) || c >= p->kinds)
        return 0;
    return gp->retrials[(size_t)(l - gp->lo) * p->kinds + c];
}

void rare_plan_set(rare_plan *p, size_t g, int l, uint32_t c, double r)
{
    rare_group_plan *gp = &p->g[g];
    assert(split_level(gp, l) && c < p->kinds && r >= 0 && r <= RARE_MAX_RETRIALS);
    gp->retrials[(size_t)(l - gp->lo) * p->kinds + c] = r;
}

void rare_plan_update(rare_plan *p)
{
    for (size_t g = 0; g < p->ngroups; g++) {
        rare_group_plan *gp = &p->g[g];
        for (int cls = 0; cls < 2; cls++) {
            uint32_t kind = inject_step_kind(cls);
            int *cap = gp->fold_cap[cls], next = gp->count + 1; /* none above */
            for (int d = gp->count; d >= 0; d--) {
                cap[d] = next;
                if (rare_plan_retrials(p, g, d, kind) > 0)
                    next = d;
            }
        }
    }
}

bool rare_plan_splits(const rare_plan *p, size_t g)
{
    const rare_group_plan *gp = &p->g[g];
    for (int l = gp->lo; l < gp->outage; l++)
        for (uint32_t c = 0; c < p->kinds; c++)
            if (rare_plan_retrials(p, g, l, c) > 0)
                return true;
    return false;
}

/* ------------------------------------------------------- estimator -- */

/* A tally's additive sums at one instant. */
typedef struct sums {
    double *at;         /* at[k]: time with k VMs down, k = 0..count */
    int top;            /* at[k] = 0 above */
    double svc;         /* service downtime */
    double deficit;     /* VM-seconds below the quorum */
    double outages;     /* outages (whole ones, in a tally; weighted in acc) */
} sums;

/* One group's tree through a root replica. */
typedef struct tree {
    int count;
    sums acc;           /* the estimate so far */
    sums base;          /* the root path's sums where its unmuted stretch began */
    sums split;         /* the sums at the pending split */
    sums end;           /* a retrial's sums at its end (scratch) */
    bool watch;         /* the root path watches the group (it can split) */
    bool pending;       /* a split waits for the root path to fall below its level:
                           the root's accrual is muted meanwhile */
    int level;          /* the pending split's level, */
    int down0;          /* the VMs down then, */
    int walk;           /* a walk's start (its class, 0 or 1): the split lasts until the
                           walk is done too; -1: a level crossing */
    uint32_t kind;      /* the kind of crossing, */
    double rbar;        /* its mean number of retrials (the plan's R), */
    uint32_t r;         /* and the number drawn for it, */
    double t0;          /* and its instant */
    inject *snap;       /* the replica at that instant (owned) */
    int down;           /* VMs down at the last change seen */
    uint32_t crossings; /* splits so far in this root replica */
    double seen, w2, retrials, work; /* stats_rare */
    uint32_t *pilot_count; /* [levels x kinds]: crossings split in this root (pilot) */
} tree;

struct rare {
    inject *in;         /* the worker's injector (borrowed) */
    inject *now;        /* the root path while a split's retrials run (owned) */
    const rare_plan *plan;
    double horizon;     /* the replicas' length, s */
    size_t ng;
    tree *t;            /* [ng] */
    stats_replica *plain; /* [ng]: the root path's own results */
    rare_observer obs;  /* the pilot's, or none */
    bool pilot;         /* pilot mode: R = 1 for the first per_kind crossings of a
                           (level, kind) in a root replica, none after */
    uint32_t per_kind;
    uint64_t replica;   /* the root replica in progress */
    uint64_t extra;     /* events of its retrials */
};

static int sums_init(sums *x, int count)
{
    x->at = fd_calloc((size_t)count + 1, sizeof *x->at);
    return x->at ? FD_OK : FD_ENOMEM;
}

static void sums_zero(sums *x, int count)
{
    memset(x->at, 0, ((size_t)count + 1) * sizeof *x->at);
    x->top = 0;
    x->svc = x->deficit = x->outages = 0;
}

/* Group g's sums at time t (the current instant, or the horizon). */
static void sums_read(sums *x, rare *r, size_t g, double t)
{
    const stats_tally *ty = inject_tally(r->in, g, t);
    int top = ty->top;
    if (x->top > top) /* clear what the older reading had beyond */
        memset(x->at + top + 1, 0, (size_t)(x->top - top) * sizeof *x->at);
    memcpy(x->at, ty->at, ((size_t)top + 1) * sizeof *x->at);
    x->top = top;
    x->svc = ty->svc_down;
    x->deficit = ty->deficit;
    x->outages = ty->outages;
}

/* acc += w x (b - a), and the effective-outage account of the stretch. */
static void stretch(tree *t, double w, const sums *b, const sums *a)
{
    int top = b->top > a->top ? b->top : a->top;
    for (int k = 0; k <= top; k++)
        t->acc.at[k] += w * (b->at[k] - a->at[k]);
    if (top > t->acc.top)
        t->acc.top = top;
    double n = b->outages - a->outages;
    t->acc.svc += w * (b->svc - a->svc);
    t->acc.deficit += w * (b->deficit - a->deficit);
    t->acc.outages += w * n;
    t->seen += n;
    t->w2 += w * w * n;
}

int rare_create(rare **out, inject *in, const rare_plan *plan, diag *d)
{
    *out = NULL;
    rare *r = fd_calloc(1, sizeof *r);
    if (!r)
        return diag_set(d, FD_ENOMEM, "out of memory");
    r->in = in;
    r->plan = plan;
    r->horizon = inject_horizon(in);
    r->ng = plan->ngroups;
    r->t = fd_calloc(r->ng ? r->ng : 1, sizeof *r->t);
    r->plain = fd_calloc(r->ng ? r->ng : 1, sizeof *r->plain);
    int rc = r->t && r->plain ? inject_snapshot_create(&r->now, in, d) : FD_ENOMEM;
    for (size_t g = 0; rc == FD_OK && g < r->ng; g++) {
        tree *t = &r->t[g];
        const rare_group_plan *gp = &plan->g[g];
        t->count = gp->count;
        t->watch = rare_plan_splits(plan, g);
        t->pilot_count = fd_calloc((size_t)RARE_LEVELS * plan->kinds, sizeof *t->pilot_count);
        if (!t->pilot_count || sums_init(&t->acc, t->count) != FD_OK
            || sums_init(&t->base, t->count) != FD_OK || sums_init(&t->split, t->count) != FD_OK
            || sums_init(&t->end, t->count) != FD_OK
            || (t->watch && inject_snapshot_create(&t->snap, in, d) != FD_OK))
            rc = FD_ENOMEM;
        for (int cls = 0; cls < 2; cls++)
            inject_set_fold_cap(in, g, cls, t->watch ? gp->fold_cap[cls] : NULL);
    }
    if (rc != FD_OK) {
        rare_destroy(r);
        return diag_set(d, FD_ENOMEM, "out of memory for the rare-event estimator");
    }
    *out = r;
    return FD_OK;
}

void rare_destroy(rare *r)
{
    if (!r)
        return;
    for (size_t g = 0; r->t && g < r->ng; g++) {
        tree *t = &r->t[g];
        free(t->acc.at);
        free(t->base.at);
        free(t->split.at);
        free(t->end.at);
        free(t->pilot_count);
        inject_destroy(t->snap);
        for (int cls = 0; cls < 2; cls++)
            inject_set_fold_cap(r->in, g, cls, NULL);
        inject_watch(r->in, g, false);
    }
    inject_destroy(r->now);
    free(r->t);
    free(r->plain);
    free(r);
}

void rare_set_observer(rare *r, const rare_observer *o)
{
    r->obs = o ? *o : (rare_observer){ 0 };
}

void rare_set_pilot(rare *r, bool on, uint32_t per_kind)
{
    r->pilot = on;
    r->per_kind = per_kind;
}

/* The stream key of retrial i of the c-th split of group g in root replica
 * `replica`: splitmix64 finalisers over the four words, top bit set so no
 * key is a root replica's (those are below 10^15). */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t retrial_key(uint64_t replica, size_t g, uint32_t crossing, uint32_t i)
{
    uint64_t z = mix(replica + 0x9e3779b97f4a7c15ull);
    z = mix(z ^ ((uint64_t)g << 32 | crossing));
    z = mix(z ^ ((uint64_t)i + 0x632be59bd9b4e019ull));
    return z | 1ull << 63;
}

static void watch_root(rare *r)
{
    for (size_t g = 0; g < r->ng; g++)
        inject_watch(r->in, g, r->t[g].watch);
}

/* Whether a split of group g at level l (by the start of walk `walk`, or
 * -1) is over: g below l, and the walk done. */
static bool over(rare *r, size_t g, int l, int walk)
{
    return inject_down(r->in, g) < l && (walk < 0 || !inject_walk_busy(r->in, g, walk));
}

/* Run a retrial of group g's pending split until it is over (that instant)
 * or the horizon. */
static double retrial_run(rare *r, size_t g, int l, int walk)
{
    inject *in = r->in;
    for (;;) {
        inject_halt h;
        if (!inject_run(in, r->horizon, &h))
            return r->horizon;
        if (over(r, g, l, walk))
            return h.t;
    }
}

/* Group g's pending split, now that the root path has fallen back below
 * its level (or reached the horizon) after `hold` seconds: its R
 * retrials, each from the snapshot, importance-sampled over that hold (the
 * time the degradation lasts on the root path, which shares the retrials'
 * pending repairs and step ends), each adding its life's sums times its
 * likelihood ratio over R to the estimate.  Leaves `in` in some retrial's
 * state: the caller restores the root path. */
static int run_split(rare *r, size_t g, double hold)
{
    inject *in = r->in;
    tree *t = &r->t[g];
    const rare_group_plan *gp = &r->plan->g[g];
    if (r->obs.natural) /* the root's own stretch: base was read at the hold's end */
        r->obs.natural(r->obs.user, g, t->level, t->kind, t->base.svc - t->split.svc);
    /* theta: the failures still needed for an outage, from the split's state
     * (a walk's step takes at least one VM) */
    int need = gp->outage - t->down0 - (t->walk >= 0);
    inject_bias b = { hold > 0 ? hold : 1e-9, need, RARE_WAVE_SHARE };
    if (need <= 0) /* in an outage already: nothing to make likely, no weights to pay */
        b.theta = b.wave_share = 0;
    for (size_t k = 0; k < r->ng; k++)
        inject_watch(in, k, k == g);
    for (uint32_t i = 0; i < t->r; i++) {
        if (inject_restore(in, t->snap, NULL) != FD_OK)
            return FD_ENOMEM;
        uint64_t ev0 = inject_events(in);
        inject_reseed(in, retrial_key(r->replica, g, t->crossings, i));
        inject_bias_start(in, g, &b);
        double end = retrial_run(r, g, t->level, t->walk);
        if (inject_status(in) != FD_OK)
            return FD_ENOMEM;
        sums_read(&t->end, r, g, end);
        double lr = inject_bias_lr(in, end);
        stretch(t, lr / (r->pilot ? 1 : t->rbar), &t->end, &t->split);
        uint64_t ev = inject_events(in) - ev0;
        double work = (double)ev + RARE_RESTORE_EVENTS;
        r->extra += ev;
        t->retrials++;
        t->work += work;
        if (r->obs.retrial)
            r->obs.retrial(r->obs.user, g, t->level, t->kind, lr * (t->end.svc - t->split.svc),
                           work);
    }
    t->crossings++;
    t->pending = false;
    return FD_OK;
}

/* The mean number of retrials of a crossing of level l by `kind`: the
 * plan's R (0: no split). */
static double retrials_for(rare *r, size_t g, int l, uint32_t kind)
{
    double n = rare_plan_retrials(r->plan, g, l, kind);
    if (n > 0 && r->obs.crossing)
        r->obs.crossing(r->obs.user, g, l, kind);
    return n;
}

/* The pilot's count for a split of (level, kind): one retrial for its first
 * per_kind in a root replica, none after (the split still mutes the root
 * path, so the levels it reaches are the run's). */
static uint32_t pilot_draw(rare *r, size_t g, int l, uint32_t kind)
{
    const rare_group_plan *gp = &r->plan->g[g];
    uint32_t *seen = &r->t[g].pilot_count[(size_t)(l - gp->lo) * r->plan->kinds + kind];
    if (*seen >= r->per_kind)
        return 0;
    ++*seen;
    return 1;
}

/* Group g changed at the halt h on the root path.  A rise across a level
 * the plan splits: the root's stretch ends, the state is kept, the split
 * waits for the root to come back below the level.  A fall below a
 * pending split's level: the split is due (returns true). */
static int root_change(rare *r, size_t g, const inject_halt *h, bool *due)
{
    tree *t = &r->t[g];
    const rare_group_plan *gp = &r->plan->g[g];
    int d = inject_down(r->in, g), prev = t->down;
    t->down = d;
    *due = false;
    if (t->pending) {
        if (over(r, g, t->level, t->walk)) { /* the root's stretch resumes here */
            sums_read(&t->base, r, g, h->t);
            *due = true;
        }
        return FD_OK;
    }
    /* the level crossed: a walk's start counts as one more VM down; an
     * event that crosses several levels at once is split, or not, at the
     * lowest split level it crosses, in the pilot as in the run (so the
     * pilot measures the splits the run makes) */
    int walk = inject_walk_of(h->kind), l = walk >= 0 ? d + 1 : prev + 1, top = walk >= 0 ? d + 1 : d;
    if (l < gp->lo)
        l = gp->lo;
    if (l > top || l >= gp->outage)
        return FD_OK;
    double n = retrials_for(r, g, l, h->kind);
    if (n == 0)
        return FD_OK;
    sums_read(&t->split, r, g, h->t);
    stretch(t, 1, &t->split, &t->base);
    t->pending = true; /* muted until over on the root path */
    t->level = l;
    t->down0 = d;
    t->walk = walk;
    t->kind = h->kind;
    /* R retrials on average: floor(R), plus one with probability frac(R),
     * from a draw of the split's own (so E[count] = R and each counts
     * 1 / R: unbiased) */
    t->rbar = n;
    t->r = (uint32_t)n;
    uint64_t key = mix(retrial_key(r->replica, g, t->crossings, UINT32_MAX));
    double u = (double)(key >> 11) * 0x1p-53; /* uniform on [0, 1) */
    t->r += u < n - floor(n);
    if (r->pilot)
        t->r = pilot_draw(r, g, l, h->kind);
    t->t0 = h->t;
    if (t->r > 0 && inject_snapshot(t->snap, r->in, NULL) != FD_OK)
        return FD_ENOMEM;
    return FD_OK;
}

/* Run the splits due at time t (due[g]), the root path kept aside. */
static int run_due(rare *r, const bool *due, double t)
{
    if (inject_snapshot(r->now, r->in, NULL) != FD_OK)
        return FD_ENOMEM;
    uint64_t root_events = inject_events(r->in);
    for (size_t g = 0; g < r->ng; g++)
        if (due[g] && run_split(r, g, t - r->t[g].t0) != FD_OK)
            return FD_ENOMEM;
    if (inject_restore(r->in, r->now, NULL) != FD_OK)
        return FD_ENOMEM;
    assert(inject_events(r->in) == root_events);
    (void)root_events;
    watch_root(r);
    return FD_OK;
}

int rare_replica(rare *r, uint64_t replica, const stats_out *out, uint64_t *events)
{
    inject *in = r->in;
    double horizon = r->horizon;
    bool due[SCEN_MAX_GROUPS];
    r->replica = replica;
    r->extra = 0;
    inject_begin(in, replica);
    for (size_t g = 0; g < r->ng; g++) {
        tree *t = &r->t[g];
        sums_zero(&t->acc, t->count);
        sums_zero(&t->base, t->count);
        t->pending = false;
        t->down = inject_down(in, g);
        t->crossings = 0;
        t->seen = t->w2 = t->retrials = t->work = 0;
        memset(t->pilot_count, 0, (size_t)RARE_LEVELS * r->plan->kinds * sizeof *t->pilot_count);
    }
    watch_root(r);
    inject_halt h;
    while (inject_run(in, horizon, &h)) {
        bool any = false;
        for (size_t g = 0; g < r->ng; g++) {
            due[g] = false;
            if (inject_halted(in, g) && root_change(r, g, &h, &due[g]) != FD_OK)
                return FD_ENOMEM;
            any |= due[g];
        }
        if (any && run_due(r, due, h.t) != FD_OK)
            return FD_ENOMEM;
    }
    /* at the horizon: the stretches end, the splits still pending are due */
    bool any = false;
    for (size_t g = 0; g < r->ng; g++) {
        tree *t = &r->t[g];
        due[g] = t->pending;
        any |= due[g];
        if (!t->pending) {
            sums_read(&t->end, r, g, horizon);
            stretch(t, 1, &t->end, &t->base);
        } else {
            sums_read(&t->base, r, g, horizon); /* the root's own, for the observer */
        }
    }
    if (any && run_due(r, due, horizon) != FD_OK)
        return FD_ENOMEM;
    int rc = inject_end(in, &(stats_out){ .rec = r->plain, .month_down = out->month_down },
                        NULL);
    for (size_t g = 0; g < r->ng; g++) {
        tree *t = &r->t[g];
        const stats_replica *p = &r->plain[g];
        stats_replica *o = &out->rec[g];
        double vm_down = 0;
        for (int k = 1; k <= t->acc.top; k++)
            vm_down += k * t->acc.at[k];
        *o = *p; /* worst_loss, months_met, months, alloc_failures: the root path's */
        o->vm_unavailability = vm_down / ((double)t->count * horizon);
        o->vm_availability = 1 - o->vm_unavailability;
        o->service_unavailability = t->acc.svc / horizon;
        o->service_availability = 1 - o->service_unavailability;
        o->downtime_min_per_year = t->acc.svc / 60.0 * (YEAR_S / horizon);
        o->outages = t->acc.outages;
        o->outage_mean_min = t->acc.outages > 0 ? t->acc.svc / t->acc.outages / 60.0 : 0;
        o->deficit_vm_hours = t->acc.deficit / 3600.0;
        if (out->downcount)
            memcpy(out->downcount[g], t->acc.at, ((size_t)t->count + 1) * sizeof *t->acc.at);
        if (out->rare)
            out->rare[g] = (stats_rare){
                .outages_seen = t->seen, .outages_w2 = t->w2, .retrials = t->retrials,
                .work = t->work, .plain_down = p->service_unavailability * horizon,
                .plain_outages = p->outages,
            };
    }
    *events = inject_events(in) + r->extra;
    return rc;
}
