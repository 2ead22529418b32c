/*
 * maint: planned maintenance, played without queue events.
 *
 * A wave is one queued event; the walk it starts (the rebootless walk over
 * the racks, zone by zone; each group's rebootful walk over its update
 * domains or racks) is a cursor: the start of its next step, or the ends
 * of the step in progress.  maint_sync plays the cursors up to the next
 * queued event, in time order, knowing that nothing else changes the VMs
 * until then:
 *  - a whole walk with fixed durations that ends before anything else
 *    happens, and whose steps leave every group's service state as it is,
 *    is added to the tallies in one go: each group's time with v more VMs
 *    down grows by (step length) x (racks or domains holding v of its VMs);
 *    its order is never drawn, since nothing it reports depends on it;
 *  - a step that ends before anything else happens is added to the tallies
 *    as an excursion (stats_tally_excursion), without touching the VMs;
 *  - any other step is applied to the VMs' state (vmstate) and its ends are
 *    played when due, exactly as queued events were.
 * So a walk costs queue events only through the failures it overlaps.
 * Traces and observers see every step: with either, nothing is folded.
 * Nor is a step that a group's fold cap forbids (inject_set_fold_cap: one
 * that would take it across a level where the rare-event estimator may
 * split), whole walks included: it is applied and told like any change,
 * at its instant.  For a watched advance (inject_run) maint_sync returns
 * right after a change of a watched group, and a walk's start and end halt
 * it too (walk_halt), so that the estimator sees them where they happen.
 *
 * Random numbers: each walk draws from two streams of its own, derived from
 * (seed, key, walk, wave), the key the replica (a retrial's own: sim_key):
 * one for its order (drawn when first needed), one for its step durations
 * (drawn step by step, in step order).  So what a walk draws never depends
 * on when it is played, or whether it is folded.  A retrial rederives the
 * durations of the walks in progress from its key (maint_reseed); their
 * order, already drawn, stays.
 */
#include "inject_impl.h"

#include "alloc.h"
#include "dur.h"
#include "rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Stream ids: rebootless wave k, RL_STREAM + 2k (durations) and + 2k + 1
 * (order); rebootful wave k of a group, its stream id ^ RF_STREAM, + 2k and
 * + 2k + 1.  Apart from the world's (0x5eed...) and groups' (name hashes). */
#define RL_STREAM 0x7761766500000000ull
#define RF_STREAM 0x7266776b00000000ull

enum { END_PAUSE, END_REBOOT };

static const double NEVER = INFINITY;

static bool fixed(const dist *d)
{
    return d->kind == DIST_FIXED;
}

/* Walk k: group k's rebootful walk for k < groups, the rebootless walk
 * for k == groups. */
static mwalk *walk_at(inject *in, size_t k)
{
    return k < in->ng ? &in->g[k].rf : &in->rl;
}

static bool folding(const inject *in)
{
    return in->trace == NULL && in->obs == NULL;
}

/* Whether group g may fold a step of walk k that takes `extra` more of its
 * VMs down: below its fold cap (inject_set_fold_cap), if it has one. */
static bool may_fold(const inject *in, size_t k, size_t g, int extra)
{
    const int *cap = in->g[g].fold_cap[k < in->ng];
    int down = in->g[g].tally.down;
    return cap == NULL || extra <= 0 || down + extra < cap[down];
}

/* ----------------------------------------------------------- setup -- */

static int walk_init(mwalk *w, int steps)
{
    w->steps = fd_malloc((size_t)steps * sizeof(int) + 1);
    w->dur = rng_create();
    w->ord = rng_create();
    return w->steps && w->dur && w->ord ? FD_OK : FD_ENOMEM;
}

static void walk_fini(mwalk *w)
{
    free(w->steps);
    rng_destroy(w->dur);
    rng_destroy(w->ord);
}

int maint_init(inject *in)
{
    if (walk_init(&in->rl, in->racks) != FD_OK)
        return FD_ENOMEM;
    for (size_t g = 0; g < in->ng; g++) {
        gstate *st = &in->g[g];
        rack_profile *p = &st->prof;
        if (walk_init(&st->rf, st->U ? st->nzs * st->U : in->racks) != FD_OK)
            return FD_ENOMEM;
        p->v = fd_malloc((size_t)in->racks * sizeof(int));
        p->n = fd_malloc((size_t)in->racks * sizeof(int));
        p->hist = fd_calloc((size_t)st->spec->count + 1, sizeof(int));
        if (!p->v || !p->n || !p->hist)
            return FD_ENOMEM;
        in->any_mp |= st->mp;
        in->any_reboots |= !st->mp;
    }
    return FD_OK;
}

void maint_fini(inject *in)
{
    walk_fini(&in->rl);
    for (size_t g = 0; in->g && g < in->ng; g++) {
        walk_fini(&in->g[g].rf);
        free(in->g[g].prof.v);
        free(in->g[g].prof.n);
        free(in->g[g].prof.hist);
    }
}

static double wave_time(double period, uint64_t k, gsl_rng *r)
{
    return ((double)k + gsl_rng_uniform(r)) * period;
}

void maint_start(inject *in)
{
    const scenario *s = in->s;
    in->rl.busy = false;
    in->rl.pending = 0;
    for (size_t g = 0; g < in->ng; g++) {
        in->g[g].rf.busy = false;
        in->g[g].rf.pending = 0;
    }
    in->wave_ev[0] = in->wave_ev[1] = EVQ_NONE;
    in->wave_k[0] = in->wave_k[1] = 0;
    if (s->rl_enabled)
        in->wave_ev[0] = sim_at(in->sim, wave_time(s->rl_period, 0,
                                                   sim_world_rng(in->sim, SIM_STREAM_REBOOTLESS)),
                                EV_RL_WAVE, 0, 0);
    if (s->rf_enabled)
        in->wave_ev[1] = sim_at(in->sim, wave_time(s->rf_period, 0,
                                                   sim_world_rng(in->sim, SIM_STREAM_REBOOTFUL)),
                                EV_RF_WAVE, 0, 0);
}

/* ----------------------------------------------------------- waves -- */

static uint64_t stream_of(const inject *in, size_t k, uint64_t wave)
{
    uint64_t base = k < in->ng ? (rng_stream_id(in->s->groups[k].name) ^ RF_STREAM) : RL_STREAM;
    return base + 2 * wave;
}

/* A watched advance halts when walk k starts or ends at t (kind: the
 * wave's event type, or HALT_WALK_DONE + class), for the groups it walks:
 * the rare-event estimator splits on it (inject.h). */
static void walk_halt(inject *in, size_t k, uint32_t kind, double t)
{
    if (!in->watching)
        return;
    for (size_t g = 0; g < in->ng; g++)
        if (in->g[g].watch && (k == in->ng || k == g)) {
            in->g[g].halted = true;
            in->halt = true;
            in->halt_t = t;
            in->halt_kind = kind;
        }
}

/* Walk k of wave `wave` starts at time t: its first step is due then. */
static void walk_start(inject *in, size_t k, uint64_t wave, double t)
{
    mwalk *w = walk_at(in, k);
    w->busy = true;
    w->wave = wave;
    w->ordered = false;
    w->i = 0;
    w->next = t;
    w->open = false;
    w->end[END_PAUSE] = w->end[END_REBOOT] = NEVER;
    w->drawn = false;
    rng_derive(w->dur, in->s->seed, sim_key(in->sim), stream_of(in, k, wave));
    walk_halt(in, k, k == in->ng ? EV_RL_WAVE : EV_RF_WAVE, t);
}

static void wave_arrives(inject *in, size_t k, uint64_t wave)
{
    mwalk *w = walk_at(in, k);
    if (w->busy)
        w->pending++;
    else
        walk_start(in, k, wave, sim_now(in->sim));
}

void maint_on_rl_wave(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    gsl_rng *r = sim_world_rng(sm, SIM_STREAM_REBOOTLESS);
    in->wave_k[0] = ev->data + 1;
    in->wave_ev[0] = sim_at(sm, wave_time(in->s->rl_period, ev->data + 1, r), EV_RL_WAVE, 0,
                            ev->data + 1);
    wave_arrives(in, in->ng, ev->data);
}

void maint_on_rf_wave(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    gsl_rng *r = sim_world_rng(sm, SIM_STREAM_REBOOTFUL);
    in->wave_k[1] = ev->data + 1;
    in->wave_ev[1] = sim_at(sm, wave_time(in->s->rf_period, ev->data + 1, r), EV_RF_WAVE, 0,
                            ev->data + 1);
    for (size_t g = 0; g < in->ng; g++)
        wave_arrives(in, g, ev->data);
}

/* ----------------------------------------------------------- order -- */

/* Shuffle a[0..n-1] uniformly (Fisher-Yates).  Not gsl_ran_shuffle: its
 * generic element swaps through memcpy and its divisions per draw cost
 * several times as much, and walks shuffle a rack list every wave. */
static void shuffle(gsl_rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1), x = a[i];
        a[i] = a[j];
        a[j] = x;
    }
}

/* Draw walk k's steps: zone by zone, the zones in a random order and the
 * domains of each zone in a random order (Azure documents neither).  The
 * rebootless walk visits every rack; a rebootful walk each update domain
 * holding a VM of the group (Availability Sets, Uniform), or each rack
 * holding one (Flexible). */
static void walk_order(inject *in, size_t k)
{
    mwalk *w = walk_at(in, k);
    gsl_rng *r = w->ord;
    rng_derive(r, in->s->seed, sim_key(in->sim), stream_of(in, k, w->wave) + 1);
    const gstate *st = k < in->ng ? &in->g[k] : NULL;
    bool uds = st && st->U > 0;
    int zones[SCEN_MAX_ZONES], nz = uds ? st->nzs : in->zb;
    for (int z = 0; z < nz; z++)
        zones[z] = z;
    shuffle(r, zones, nz);
    w->nsteps = 0;
    for (int j = 0; j < nz; j++) {
        int zs = zones[j], base = w->nsteps;
        if (uds) {
            for (int u = 0; u < st->U; u++)
                if (st->ud_first[zs * st->U + u + 1] > st->ud_first[zs * st->U + u])
                    w->steps[w->nsteps++] = zs * st->U + u;
        } else {
            for (int rack = zs * in->rpz; rack < (zs + 1) * in->rpz; rack++)
                if (!st || vmstate_vms_under(in->vs, k, vmstate_rack_node(in->vs, rack)) > 0)
                    w->steps[w->nsteps++] = rack;
        }
        shuffle(r, w->steps + base, w->nsteps - base);
    }
    w->ordered = true;
}

/* ----------------------------------------------------------- steps -- */

/* What one step does: to each group, `down[g]` more VMs down for `len[g]`
 * (0: untouched); the walk's next step follows `length` after its start
 * (plus the settle gap). */
typedef struct impact {
    int where;          /* the rack, or the UD cell */
    double pause, reboot; /* rebootless: the pause, and the reboot of VMs without
                             memory-preserving support; rebootful: the reboot */
    bool pause_counts, reboots; /* rebootless: the pause exceeds the tolerance; a VM
                                   on the rack reboots */
    double length;      /* how long the step lasts */
} impact;

/* Does a VM of a group without memory-preserving support sit on rack k? */
static bool reboots_on(const inject *in, int rack)
{
    if (!in->any_reboots)
        return false;
    vmstate_node node = vmstate_rack_node(in->vs, rack);
    for (size_t g = 0; g < in->ng; g++)
        if (!in->g[g].mp && vmstate_vms_under(in->vs, g, node) > 0)
            return true;
    return false;
}

/* Draw step i's durations, once, in step order: the pause and reboot of a
 * rebootless step, the reboot of a rebootful one. */
static void draw_step(inject *in, size_t k)
{
    const scenario *s = in->s;
    mwalk *w = walk_at(in, k);
    if (w->drawn)
        return;
    if (k == in->ng) {
        w->pause = dist_sample(&s->rl_pause, w->dur); /* a fixed one draws nothing */
        w->reboot = dist_sample(&s->rl_reboot, w->dur);
    } else {
        w->reboot = dist_sample(&s->rf_reboot, w->dur);
    }
    w->drawn = true;
}

/* Work out step i of walk k. */
static impact step_impact(inject *in, size_t k)
{
    const scenario *s = in->s;
    mwalk *w = walk_at(in, k);
    impact im = { .where = w->steps[w->i] };
    draw_step(in, k);
    im.pause = w->pause;
    im.reboot = w->reboot;
    if (k == in->ng) {
        im.pause_counts = im.pause > s->rl_tolerance;
        im.reboots = reboots_on(in, im.where);
        im.length = im.reboots ? fmax(im.pause, im.reboot) : im.pause;
    } else {
        im.reboots = true;
        im.length = im.reboot;
    }
    return im;
}

/* Whether the step takes down group g's VMs, and for how long. */
static bool affects(const inject *in, size_t k, size_t g, const impact *im)
{
    if (k < in->ng)
        return g == k;
    return in->g[g].mp ? im->pause_counts : im->reboots;
}

static double touches(const inject *in, size_t k, size_t g, const impact *im)
{
    if (!affects(in, k, g, im))
        return 0;
    return k == in->ng && in->g[g].mp ? im->pause : im->reboot;
}

/* Group g's VMs the step takes down that are up now. */
static int up_in_step(const inject *in, size_t k, size_t g, int where)
{
    const gstate *st = &in->g[g];
    if (k == in->ng || st->U == 0)
        return vmstate_up_under(in->vs, g, vmstate_rack_node(in->vs, where));
    int first = st->ud_first[where], last = st->ud_first[where + 1];
    if (vmstate_up(in->vs, g) == st->spec->count)
        return last - first;
    int n = 0;
    for (int j = first; j < last; j++)
        n += vmstate_vm_is_up(in->vs, g, st->ud_vms[j]);
    return n;
}

/* Apply (+1) or lift (-1) walk k's step at `where` for group g. */
static void apply(inject *in, size_t k, size_t g, int where, int delta)
{
    const gstate *st = &in->g[g];
    if (k < in->ng && st->U > 0) {
        for (int j = st->ud_first[where]; j < st->ud_first[where + 1]; j++)
            vmstate_vm_cause(in->vs, g, st->ud_vms[j], delta);
    } else {
        vmstate_group_cause(in->vs, g, vmstate_rack_node(in->vs, where), delta);
    }
}

static void tell(inject *in, double t, uint32_t type, uint32_t id, uint64_t data)
{
    evq_event ev = { .time = t, .type = type, .id = id, .data = data };
    inject_observe(in, &ev);
}

/* Apply the step `im` starting at t to the VMs' state; its ends follow
 * when due. */
static void open_step(inject *in, size_t k, const impact *im, double t)
{
    mwalk *w = walk_at(in, k);
    size_t g0 = k < in->ng ? k : 0, g1 = k < in->ng ? k + 1 : in->ng;
    for (size_t g = g0; g < g1; g++)
        if (affects(in, k, g, im))
            apply(in, k, g, im->where, +1);
    if (k == in->ng) {
        w->end[END_PAUSE] = in->any_mp && im->pause_counts ? t + im->pause : NEVER;
        w->end[END_REBOOT] = im->reboots ? t + im->reboot : NEVER;
        tell(in, t, EV_RL_STEP, (uint32_t)w->i, 0);
    } else {
        w->end[END_REBOOT] = t + im->reboot;
        tell(in, t, EV_RF_STEP, (uint32_t)k, (uint64_t)w->i);
    }
    w->open = w->end[END_PAUSE] < NEVER || w->end[END_REBOOT] < NEVER;
}

/* The rebootless walk's steps while each is over by `quiet`, when steps
 * only pause (no group reboots in them: the common case): a lookup and an excursion per
 * group each.  A step that is not over by then keeps its draws for step(). */
static void rl_pause_steps(inject *in, double quiet)
{
    mwalk *w = &in->rl;
    double settle = in->s->rl_settle, tolerance = in->s->rl_tolerance;
    while (w->i < w->nsteps && w->next <= quiet) {
        draw_step(in, in->ng);
        double len = w->pause > tolerance ? w->pause : 0; /* the VMs' time down */
        if (w->next + len > quiet)
            return;
        if (len > 0) {
            vmstate_node node = vmstate_rack_node(in->vs, w->steps[w->i]);
            for (size_t g = 0; g < in->ng; g++)
                if (!may_fold(in, in->ng, g, vmstate_up_under(in->vs, g, node)))
                    return; /* a change that may split: step() plays it */
            for (size_t g = 0; g < in->ng; g++)
                stats_tally_excursion(&in->g[g].tally, w->next, vmstate_up_under(in->vs, g, node),
                                      len);
        }
        w->drawn = false;
        w->i++;
        w->next = w->next + w->pause + (w->i < w->nsteps ? settle : 0); /* as step() adds */
    }
}

/* Step i of walk k starts at w->next, and nothing else changes the VMs
 * before `quiet`: each step over by then is an excursion of the groups it
 * touches, and the steps follow one another here while they are; the
 * first that is not is applied to the VMs. */
static void step(inject *in, size_t k, double quiet)
{
    mwalk *w = walk_at(in, k);
    size_t g0 = k < in->ng ? k : 0, g1 = k < in->ng ? k + 1 : in->ng;
    double settle = k == in->ng ? in->s->rl_settle : in->s->rf_settle;
    bool fold = folding(in);
    if (fold && k == in->ng && !in->any_reboots) {
        rl_pause_steps(in, quiet);
        if (w->i == w->nsteps || w->next > quiet)
            return;
    }
    do {
        double t = w->next;
        impact im = step_impact(in, k);
        double last = t;
        bool may = fold;
        for (size_t g = g0; g < g1; g++) {
            double len = touches(in, k, g, &im);
            last = fmax(last, t + len);
            if (len > 0 && may)
                may = may_fold(in, k, g, up_in_step(in, k, g, im.where));
        }
        if (!may || last > quiet) {
            open_step(in, k, &im, t);
        } else {
            for (size_t g = g0; g < g1; g++) {
                double len = touches(in, k, g, &im);
                if (len > 0)
                    stats_tally_excursion(&in->g[g].tally, t, up_in_step(in, k, g, im.where), len);
            }
        }
        w->drawn = false;
        w->i++;
        w->next = t + im.length + (w->i < w->nsteps ? settle : 0);
    } while (!w->open && w->i < w->nsteps && w->next <= quiet);
}

/* The open step's earlier end is due at t. */
static void step_end(inject *in, size_t k)
{
    mwalk *w = walk_at(in, k);
    int which = w->end[END_PAUSE] <= w->end[END_REBOOT] ? END_PAUSE : END_REBOOT;
    double t = w->end[which];
    int where = w->steps[w->i - 1];
    w->end[which] = NEVER;
    w->open = w->end[END_PAUSE] < NEVER || w->end[END_REBOOT] < NEVER;
    if (k < in->ng) {
        apply(in, k, k, where, -1);
        tell(in, t, EV_RF_END, (uint32_t)k, (uint64_t)(w->i - 1));
        return;
    }
    for (size_t g = 0; g < in->ng; g++)
        if (in->g[g].mp == (which == END_PAUSE))
            apply(in, k, g, where, -1);
    tell(in, t, EV_RL_END, (uint32_t)where, (uint64_t)which);
}

/* Walk k is over at w->next; a wave that arrived meanwhile starts now. */
static void walk_done(inject *in, size_t k)
{
    mwalk *w = walk_at(in, k);
    double t = w->next;
    w->busy = false;
    if (k == in->ng && !folding(in))
        tell(in, t, EV_RL_STEP, (uint32_t)in->racks, 0);
    walk_halt(in, k, HALT_WALK_DONE + (k < in->ng), t);
    if (w->pending > 0) {
        w->pending--;
        walk_start(in, k, w->wave + 1, t);
    }
}

/* ----------------------------------------------------- whole walks -- */

/* Every group's VMs per rack, and the racks where a VM reboots in a
 * rebootless step, for the current layout.  O(groups x racks). */
static void profiles(inject *in)
{
    if (in->prof_valid && in->prof_layout == vmstate_layout(in->vs))
        return;
    for (size_t g = 0; g < in->ng; g++) {
        rack_profile *p = &in->g[g].prof;
        p->len = p->max = 0;
        for (int r = 0; r < in->racks; r++)
            p->hist[vmstate_vms_under(in->vs, g, vmstate_rack_node(in->vs, r))]++;
        for (int r = 0; r < in->racks; r++) {
            int v = vmstate_vms_under(in->vs, g, vmstate_rack_node(in->vs, r));
            if (v > 0 && p->hist[v] > 0) {
                p->v[p->len] = v;
                p->n[p->len++] = p->hist[v];
                p->max = v > p->max ? v : p->max;
            }
            p->hist[v] = 0;
        }
    }
    in->reboot_racks = 0;
    for (int r = 0; r < in->racks; r++)
        in->reboot_racks += reboots_on(in, r);
    in->prof_layout = vmstate_layout(in->vs);
    in->prof_valid = true;
}

/* Group g can take the whole walk as a sum: none of its placed VMs is down
 * (so each step takes down all of its VMs there), and a step with `most`
 * of them leaves its service state as it is. */
static bool whole(const inject *in, size_t k, size_t g, int most, bool uds)
{
    int up = vmstate_up(in->vs, g);
    int all = uds ? in->g[g].spec->count : vmstate_placed(in->vs, g);
    return up == all && stats_tally_folds(&in->g[g].tally, most) && may_fold(in, k, g, most);
}

/* Add group g's excursions of a whole walk that keeps each of its racks
 * (or UD cells) down for `len`. */
static void add_whole(inject *in, size_t k, size_t g, double len)
{
    gstate *st = &in->g[g];
    stats_tally *t = &st->tally;
    if (k < in->ng && st->U > 0) {
        for (int c = 0; c < st->nzs * st->U; c++)
            stats_tally_excursion(t, 0, st->ud_first[c + 1] - st->ud_first[c], len);
        return;
    }
    for (int j = 0; j < st->prof.len; j++)
        stats_tally_excursion(t, 0, st->prof.v[j], len * st->prof.n[j]);
}

/* The rebootless walk starting at t as one sum, if it can be: fixed
 * durations, over by `quiet`, and every group whole. */
static bool fold_rl(inject *in, double t, double quiet)
{
    const scenario *s = in->s;
    if (!fixed(&s->rl_pause) || !fixed(&s->rl_reboot))
        return false;
    profiles(in);
    double p = s->rl_pause.a, r = s->rl_reboot.a;
    double span = (in->racks - in->reboot_racks) * p + in->reboot_racks * fmax(p, r)
                  + (in->racks - 1) * s->rl_settle;
    if (!(t + span <= quiet))
        return false;
    impact im = { .pause = p, .reboot = r, .pause_counts = p > s->rl_tolerance, .reboots = true };
    for (size_t g = 0; g < in->ng; g++)
        if (touches(in, in->ng, g, &im) > 0 && !whole(in, in->ng, g, in->g[g].prof.max, false))
            return false;
    for (size_t g = 0; g < in->ng; g++) {
        double len = touches(in, in->ng, g, &im);
        if (len > 0)
            add_whole(in, in->ng, g, len);
    }
    in->rl.next = t + span;
    return true;
}

/* Group g's rebootful walk starting at t as one sum, likewise. */
static bool fold_rf(inject *in, size_t g, double t, double quiet)
{
    const scenario *s = in->s;
    gstate *st = &in->g[g];
    if (!fixed(&s->rf_reboot))
        return false;
    int steps = 0, most = 0;
    if (st->U > 0) {
        for (int c = 0; c < st->nzs * st->U; c++) {
            int n = st->ud_first[c + 1] - st->ud_first[c];
            steps += n > 0;
            most = n > most ? n : most;
        }
    } else {
        profiles(in);
        for (int j = 0; j < st->prof.len; j++)
            steps += st->prof.n[j];
        most = st->prof.max;
    }
    double span = steps > 0 ? steps * s->rf_reboot.a + (steps - 1) * s->rf_settle : 0;
    if (!(t + span <= quiet) || !whole(in, g, g, most, st->U > 0))
        return false;
    add_whole(in, g, g, s->rf_reboot.a);
    st->rf.next = t + span;
    return true;
}

/* ------------------------------------------------------------ sync -- */

static double due(const mwalk *w)
{
    if (!w->busy)
        return NEVER;
    return w->open ? fmin(w->end[END_PAUSE], w->end[END_REBOOT]) : w->next;
}

/* Walk k's next step, end or completion, due now; nothing else changes
 * the VMs before `quiet`. */
static void advance(inject *in, size_t k, double quiet)
{
    mwalk *w = walk_at(in, k);
    if (w->open) {
        step_end(in, k);
        return;
    }
    if (!w->ordered) {
        double t = w->next;
        if (folding(in) && (k == in->ng ? fold_rl(in, t, quiet) : fold_rf(in, k, t, quiet))) {
            w->ordered = true; /* nothing left to order: the walk ends at next */
            w->nsteps = w->i = 0;
            return;
        }
        walk_order(in, k);
    }
    if (w->i == w->nsteps)
        walk_done(in, k);
    else
        step(in, k, quiet);
}

/* Whether walks j and k can change what the other's steps do: the
 * rebootless walk touches every group; a rebootful walk only its own.
 * In a watched advance every walk's step may halt it (a retrial then
 * continues from there with another future), so no walk is folded past
 * another's next step. */
static bool interact(const inject *in, size_t j, size_t k)
{
    return in->watching || j == in->ng || k == in->ng;
}

void maint_sync(inject *in, double until)
{
    for (;;) {
        size_t best = SIZE_MAX;
        double t1 = NEVER;
        for (size_t k = 0; k <= in->ng; k++) {
            double t = due(walk_at(in, k));
            if (t < t1) {
                t1 = t;
                best = k;
            }
        }
        if (best == SIZE_MAX || t1 > until)
            return;
        double quiet = until; /* until the next change the walk's steps can see */
        for (size_t k = 0; k <= in->ng; k++)
            if (k != best && interact(in, best, k))
                quiet = fmin(quiet, due(walk_at(in, k)));
        advance(in, best, quiet);
        if (in->halt) /* a watched group changed: stop here, consistent */
            return;
    }
}

void maint_reseed(inject *in, uint64_t key)
{
    for (size_t k = 0; k <= in->ng; k++) {
        mwalk *w = walk_at(in, k);
        if (w->busy)
            rng_derive(w->dur, in->s->seed, key, stream_of(in, k, w->wave));
    }
}

/* ------------------------------------------------------------ copy -- */

static void walk_copy(mwalk *dst, const mwalk *src, int steps)
{
    int *buf = dst->steps;
    gsl_rng *dur = dst->dur, *ord = dst->ord;
    *dst = *src;
    dst->steps = buf;
    dst->dur = dur;
    dst->ord = ord;
    memcpy(buf, src->steps, (size_t)steps * sizeof *buf);
    gsl_rng_memcpy(dur, src->dur);
    gsl_rng_memcpy(ord, src->ord);
}

void maint_copy(inject *dst, const inject *src)
{
    walk_copy(&dst->rl, &src->rl, src->racks);
    for (size_t g = 0; g < src->ng; g++) {
        const gstate *st = &src->g[g];
        walk_copy(&dst->g[g].rf, &st->rf, st->U ? st->nzs * st->U : src->racks);
    }
    dst->prof_valid = false;
}
