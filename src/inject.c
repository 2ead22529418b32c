/*
 * inject: the failure and maintenance injector (see inject.h).
 *
 * Layout: each mechanism is a pair of event handlers (start, end) plus the
 * few per-replica arrays it needs; inject_replica() rewinds every mechanism,
 * seeds each process with its first event and steps the simulation to the
 * horizon, telling each group's tally whenever the group's count of VMs down
 * changes.  Draws come from the stream of the process that makes them
 * (sim.h), so the world's sample path is the same whatever the groups are.
 *
 * A host is "blocked" (offers no room to placement or healing) while it has
 * failed or its rack or zone is out; `block` counts those causes per host.
 */
#include "inject.h"

#include "dur.h"
#include "place.h"
#include "rng.h"
#include "sim.h"
#include "vmstate.h"
#include "world.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Event types; `id` and `data` carry what the comment says. */
enum {
    EV_HOST_FAIL,    /* id host (ORIGIN_POOL: any up host), data origin */
    EV_HOST_REPAIR,  /* id host, data origin */
    EV_HEAL,         /* id host, data failure episode */
    EV_RACK_FAIL,    /* id rack */
    EV_RACK_REPAIR,  /* id rack */
    EV_ZONE_FAIL,    /* id zone block */
    EV_ZONE_REPAIR,  /* id zone block */
    EV_BURST,        /* id rack */
    EV_RL_WAVE,      /* data period index */
    EV_RL_STEP,      /* id step of the walk (rl_order); id = racks: the walk has ended */
    EV_RL_END,       /* id rack, data 0 pause (memory-preserving), 1 reboot */
    EV_RF_WAVE,      /* data period index */
    EV_RF_STEP,      /* id group, data step */
    EV_RF_END,       /* id group, data step */
    EV_SPOT_EVICT,   /* id group */
    EV_SPOT_RESTORE, /* id group, data VM */
    EV_REPAIR_CHECK, /* id group, data node << 32 | episode */
    EV_REPAIR_DONE,  /* id group, data VM (or a retry when VM >= count) */
    EV_COUNT
};

/* Stream ids of the rebootless walks: RL_WALK_STREAM + wave index, apart
 * from the world's (0x5eed...) and the groups' (name hashes). */
#define RL_WALK_STREAM 0x7761766500000000ull

static const char *const ev_names[EV_COUNT] = {
    "host_fail", "host_repair", "heal", "rack_fail", "rack_repair", "zone_fail",
    "zone_repair", "burst", "rebootless_wave", "rebootless_step", "rebootless_end",
    "rebootful_wave", "rebootful_step", "rebootful_end", "spot_evict", "spot_restore",
    "repair_check", "repair_done",
};

/* Which process a failure came from. */
enum { ORIGIN_POOL, ORIGIN_OWN, ORIGIN_BURST };

/* Units (hosts, racks, zones, a group's Spot VMs) that fail independently
 * after exponential times while up, run as one superposed process: the
 * next failure comes at rate (units up) / mean and hits an up unit chosen
 * uniformly.  Exact for exponential times, and the queue holds one event
 * for the whole class instead of one per unit. */
typedef struct pool {
    bool on;           /* the class runs pooled */
    double mean;       /* mean time to failure of one unit, s */
    uint32_t type, id; /* the event of a pooled failure: (type, id, ORIGIN_POOL) */
    int *up;           /* the units up */
    int *pos;          /* each unit's index in up, -1 while down */
    int n;             /* units up */
    int last;          /* the unit the last pooled failure hit (for the trace) */
    evq_handle ev;     /* the pending failure, or EVQ_NONE */
} pool;

/* One group's rebootful walk. */
typedef struct walk {
    bool busy;          /* a walk is in progress */
    int pending;        /* waves that arrived while busy */
    int nsteps;         /* steps of the current walk */
    int *steps;         /* UD walk: zone slot * U + UD; Flexible: rack */
} walk;

/* Per-group state that lives across events. */
typedef struct gstate {
    const scen_group *spec; /* the group */
    bool mp;            /* memory-preserving maintenance */
    int nzs;            /* zone slots of UD lists: 3 zonal, else 1 */
    int U;              /* update domains (UD walks), 0 for Flexible */
    int *ud_first;      /* per (zone slot, UD): start in ud_vms; nzs*U+1 entries */
    int *ud_vms;        /* VMs sorted by (zone slot, UD) */
    int *ud_fill;       /* scratch of index_uds: per cell, VMs filed so far */
    walk rf;            /* the rebootful walk */
    pool spot;          /* the Spot VMs running, evicted as a pool */
    int cap;            /* instance repairs at once */
    int active;         /* repairs in progress */
    int max_active;     /* the most at once this replica */
    evq_handle retry;   /* the pending retry of a repair that found no room */
    int initial_failures; /* VMs placement could not allocate at the start */
    int *queue;         /* VMs waiting for repair (FIFO ring of count) */
    int qhead, qlen;
    bool *queued;       /* VM queued or in repair */
    stats_tally tally;  /* the replica's results */
    int last_down;      /* down count last told to the tally */
} gstate;

struct inject {
    const scenario *s;
    sim *sim;
    const place_result *plan; /* the run's placement, every replica's start */
    place_result *own_plan; /* the plan, when inject_create made it (owned) */
    world *w;           /* the replica's capacity */
    place_result *pr;   /* the replica's placement (copied from plan per replica) */
    vmstate *vs;
    size_t ng;
    gstate *g;
    int zb, racks, hosts, hpr, rpz;
    /* per-replica world state */
    int *hfail;         /* active failures per host */
    int *block;         /* causes keeping each host from taking VMs */
    unsigned *episode;  /* per vmstate node: outages started (repair checks) */
    pool host_pool, rack_pool, zone_pool; /* the classes, pooled or not */
    bool rl_busy;       /* a rebootless walk is in progress */
    int rl_pending;     /* waves that arrived while a walk was in progress */
    int *rl_order;      /* the racks in the order the current walk visits them */
    double *rl_pause, *rl_reboot; /* per step of the current walk: its durations */
    uint64_t rl_wave;   /* the wave whose walk is in progress (or last was) */
    gsl_rng *walk_rng;  /* a walk's own stream, derived from (seed, replica, wave) */
    bool any_mp;        /* some group pauses (memory-preserving) */
    int *scratch;       /* VMs collected from a node or host */
    size_t *scratch_g;
    int nscratch_max;
    int *hbuf;          /* 2 x hosts per rack: a burst's choice */
    csvio_writer *trace;
    inject_observe_fn obs; /* called after each event, or NULL */
    void *obs_user;     /* passed to obs */
};

static double draw(const dist *d, gsl_rng *r)
{
    return dist_sample(d, r);
}

static double now(const inject *in)
{
    return sim_now(in->sim);
}

/* ------------------------------------------------------------- hosts -- */

static void set_block(inject *in, int h, int delta)
{
    in->block[h] += delta;
    assert(in->block[h] >= 0);
    world_set_host_up(in->w, h, in->block[h] == 0);
}

/* Make `p` a pool of `units` units (none up yet) failing at mean `mean`
 * each, announced by events (type, id).  FD_OK or FD_ENOMEM. */
static int pool_init(pool *p, bool on, int units, double mean, uint32_t type, uint32_t id)
{
    p->on = on;
    p->mean = mean;
    p->type = type;
    p->id = id;
    p->up = malloc((size_t)units * sizeof(int) + 1);
    p->pos = malloc((size_t)units * sizeof(int) + 1);
    return p->up && p->pos ? FD_OK : FD_ENOMEM;
}

static void pool_fini(pool *p)
{
    free(p->up);
    free(p->pos);
}

/* Empty the pool for a new replica: `units` units, all down. */
static void pool_clear(pool *p, int units)
{
    p->n = 0;
    p->ev = EVQ_NONE;
    for (int u = 0; u < units; u++)
        p->pos[u] = -1;
}

static void pool_up(pool *p, int u)
{
    assert(p->pos[u] < 0);
    p->pos[u] = p->n;
    p->up[p->n++] = u;
}

static void pool_down(pool *p, int u)
{
    int i = p->pos[u], last = p->up[--p->n];
    assert(i >= 0);
    p->up[i] = last;
    p->pos[last] = i;
    p->pos[u] = -1;
}

/* Draw the pool's next failure afresh (memoryless: valid whenever the
 * number of units up has changed), replacing the pending one. */
static void pool_schedule(inject *in, pool *p, gsl_rng *r)
{
    sim_cancel(in->sim, p->ev);
    p->ev = EVQ_NONE;
    if (p->n == 0)
        return;
    double t = now(in) + gsl_ran_exponential(r, p->mean / p->n);
    p->ev = sim_at(in->sim, t, p->type, p->id, ORIGIN_POOL);
}

/* The unit a pooled failure event hits (uniform among those up). */
static int pool_pick(pool *p, gsl_rng *r)
{
    p->ev = EVQ_NONE;
    p->last = p->up[gsl_rng_uniform_int(r, (unsigned long)p->n)];
    return p->last;
}

/* Groups with automatic repairs and VMs under `node` get a check after
 * their grace period, tied to the node's current outage episode. */
static void schedule_checks(inject *in, vmstate_node node)
{
    for (size_t g = 0; g < in->ng; g++) {
        const scen_group *sp = in->g[g].spec;
        if (sp->automatic_repairs && vmstate_vms_under(in->vs, g, node) > 0)
            sim_at(in->sim, now(in) + sp->grace_period, EV_REPAIR_CHECK, (uint32_t)g,
                   (uint64_t)node << 32 | in->episode[node]);
    }
}

static void host_fail(inject *in, int h, uint64_t origin)
{
    const scenario *s = in->s;
    gsl_rng *r = sim_world_rng(in->sim, SIM_STREAM_HOST);
    double repair = draw(&s->host.outage, r);
    sim_at(in->sim, now(in) + repair, EV_HOST_REPAIR, (uint32_t)h, origin);
    if (in->hfail[h]++ > 0)
        return; /* already down: this failure only extends the outage */
    vmstate_node node = vmstate_host_node(in->vs, h);
    in->episode[node]++;
    vmstate_world_cause(in->vs, node, +1);
    set_block(in, h, +1);
    if (in->host_pool.on) {
        pool_down(&in->host_pool, h);
        pool_schedule(in, &in->host_pool, r);
    }
    size_t g;
    int vm;
    if (s->healing_enabled && vmstate_host_first(in->vs, h, &g, &vm)) {
        double t = draw(&s->healing_time, sim_world_rng(in->sim, SIM_STREAM_HEALING));
        sim_at(in->sim, now(in) + t, EV_HEAL, (uint32_t)h, in->episode[node]);
    }
    schedule_checks(in, node);
}

static void on_host_fail(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    (void)sm;
    if (ev->data == ORIGIN_POOL) {
        host_fail(in, pool_pick(&in->host_pool, sim_world_rng(in->sim, SIM_STREAM_HOST)),
                  ORIGIN_POOL);
    } else {
        host_fail(in, (int)ev->id, ev->data);
    }
}

static void on_host_repair(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    int h = (int)ev->id;
    (void)sm;
    assert(in->hfail[h] > 0);
    if (--in->hfail[h] == 0) {
        vmstate_world_cause(in->vs, vmstate_host_node(in->vs, h), -1);
        set_block(in, h, -1);
        if (in->host_pool.on) {
            pool_up(&in->host_pool, h);
            pool_schedule(in, &in->host_pool, sim_world_rng(in->sim, SIM_STREAM_HOST));
        }
    }
    if (ev->data == ORIGIN_OWN) {
        double t = draw(&in->s->host.ttf, sim_world_rng(in->sim, SIM_STREAM_HOST));
        sim_at(in->sim, now(in) + t, EV_HOST_FAIL, (uint32_t)h, ORIGIN_OWN);
    }
}

/* Collect the VMs on host h (of group `only`, or of every group when
 * only == SIZE_MAX) into the scratch arrays, from position n on. */
static int collect_host(inject *in, int h, size_t only, int n)
{
    size_t g;
    int vm;
    for (int ok = vmstate_host_first(in->vs, h, &g, &vm); ok;
         ok = vmstate_host_next(in->vs, &g, &vm))
        if (only == SIZE_MAX || g == only) {
            assert(n < in->nscratch_max);
            in->scratch_g[n] = g;
            in->scratch[n++] = vm;
        }
    return n;
}

/* Service healing: the failed host's VMs restart on the host of the same
 * rack with the most room (ties: the lowest), when one has any. */
static void on_heal(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    int h = (int)ev->id;
    (void)sm;
    if (in->hfail[h] == 0 || in->episode[vmstate_host_node(in->vs, h)] != ev->data)
        return; /* repaired (and maybe failed again) since */
    int n = collect_host(in, h, SIZE_MAX, 0);
    int first = world_rack_first_host(in->w, world_host_rack(in->w, h));
    for (int i = 0; i < n; i++) {
        int best = -1, room = 0;
        for (int k = first; k < first + in->hpr; k++)
            if (world_host_free(in->w, k) > room) {
                room = world_host_free(in->w, k);
                best = k;
            }
        if (best < 0)
            return; /* no healthy host with room: the rest wait for the repair */
        place_move_vm(in->pr, in->w, in->scratch_g[i], in->scratch[i], best);
        vmstate_place(in->vs, in->scratch_g[i], in->scratch[i], best);
    }
}

/* ------------------------------------------------------- racks, zones -- */

/* A class of units whose outage takes down a subtree: racks or zones. */
typedef struct unitclass {
    pool *p;               /* the pool, when the class runs pooled */
    const scen_failure *f; /* its distributions */
    sim_stream stream;     /* its random stream */
    uint32_t fail, repair; /* its event types */
    bool zone;             /* zone blocks, else racks */
    int hosts;             /* hosts under one unit */
} unitclass;

static unitclass rack_class(inject *in)
{
    return (unitclass){ &in->rack_pool, &in->s->rack, SIM_STREAM_RACK, EV_RACK_FAIL,
                        EV_RACK_REPAIR, false, in->hpr };
}

static unitclass zone_class(inject *in)
{
    return (unitclass){ &in->zone_pool, &in->s->zone, SIM_STREAM_ZONE, EV_ZONE_FAIL,
                        EV_ZONE_REPAIR, true, in->rpz * in->hpr };
}

/* Unit u's outage starts (+1) or ends (-1): its subtree goes down or up and
 * its hosts take no VMs meanwhile; a start opens a new episode for the
 * instance-repair checks. */
static void outage(inject *in, const unitclass *c, int u, int delta)
{
    vmstate_node node = c->zone ? vmstate_zone_node(in->vs, u) : vmstate_rack_node(in->vs, u);
    if (delta > 0)
        in->episode[node]++;
    vmstate_world_cause(in->vs, node, delta);
    for (int h = u * c->hosts; h < (u + 1) * c->hosts; h++)
        set_block(in, h, delta);
    if (delta > 0)
        schedule_checks(in, node);
}

/* A unit of class c fails (the pool picks which, or the event names it);
 * its repair is queued. */
static void unit_fail(inject *in, const unitclass *c, const evq_event *ev)
{
    gsl_rng *r = sim_world_rng(in->sim, c->stream);
    int u = ev->data == ORIGIN_POOL ? pool_pick(c->p, r) : (int)ev->id;
    if (c->p->on) {
        pool_down(c->p, u);
        pool_schedule(in, c->p, r);
    }
    sim_at(in->sim, now(in) + draw(&c->f->outage, r), c->repair, (uint32_t)u, 0);
    outage(in, c, u, +1);
}

/* Unit u of class c is repaired: its next failure follows. */
static void unit_repair(inject *in, const unitclass *c, int u)
{
    outage(in, c, u, -1);
    gsl_rng *r = sim_world_rng(in->sim, c->stream);
    if (c->p->on) {
        pool_up(c->p, u);
        pool_schedule(in, c->p, r);
    } else {
        sim_at(in->sim, now(in) + draw(&c->f->ttf, r), c->fail, (uint32_t)u, ORIGIN_OWN);
    }
}

static void on_rack_fail(sim *sm, const evq_event *ev, void *ctx)
{
    unitclass c = rack_class(ctx);
    (void)sm;
    unit_fail(ctx, &c, ev);
}

static void on_rack_repair(sim *sm, const evq_event *ev, void *ctx)
{
    unitclass c = rack_class(ctx);
    (void)sm;
    unit_repair(ctx, &c, (int)ev->id);
}

static void on_zone_fail(sim *sm, const evq_event *ev, void *ctx)
{
    unitclass c = zone_class(ctx);
    (void)sm;
    unit_fail(ctx, &c, ev);
}

static void on_zone_repair(sim *sm, const evq_event *ev, void *ctx)
{
    unitclass c = zone_class(ctx);
    (void)sm;
    unit_repair(ctx, &c, (int)ev->id);
}

/* A correlated burst: `hosts` distinct hosts of the rack fail, each at a
 * uniform time within the window, each repaired like any host failure. */
static void on_burst(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    const scenario *s = in->s;
    int k = (int)ev->id;
    (void)sm;
    gsl_rng *r = sim_world_rng(in->sim, SIM_STREAM_BURST);
    int *all = in->hbuf, *pick = in->hbuf + in->hpr;
    for (int i = 0; i < in->hpr; i++)
        all[i] = k * in->hpr + i;
    gsl_ran_choose(r, pick, (size_t)s->burst_hosts, all, (size_t)in->hpr, sizeof(int));
    for (int i = 0; i < s->burst_hosts; i++)
        sim_at(in->sim, now(in) + gsl_rng_uniform(r) * s->burst_window, EV_HOST_FAIL,
               (uint32_t)pick[i], ORIGIN_BURST);
    sim_at(in->sim, now(in) + draw(&s->burst_interval, r), EV_BURST, (uint32_t)k, 0);
}

/* ------------------------------------------------- rebootless waves -- */

static double wave_time(double period, uint64_t k, gsl_rng *r)
{
    return ((double)k + gsl_rng_uniform(r)) * period;
}

/* Shuffle a[0..n-1] (GSL's shuffle is undefined for n = 0). */
static void shuffle(gsl_rng *r, int *a, int n)
{
    if (n > 1)
        gsl_ran_shuffle(r, a, (size_t)n, sizeof *a);
}

/* Start the rebootless walk of wave k: zone by zone, the zones in a random
 * order and the racks of each zone in a random order (Azure documents
 * neither), and every step's pause and reboot durations, all drawn up front
 * from the walk's own stream (seed, replica, wave), so a walk's draws never
 * depend on when it runs or on what else happens meanwhile. */
static void rl_walk_start(inject *in, uint64_t k)
{
    gsl_rng *r = in->walk_rng;
    rng_derive(r, in->s->seed, sim_replica(in->sim), RL_WALK_STREAM + k);
    int zones[SCEN_MAX_ZONES];
    for (int z = 0; z < in->zb; z++)
        zones[z] = z;
    shuffle(r, zones, in->zb);
    for (int i = 0; i < in->zb; i++) {
        int *o = in->rl_order + i * in->rpz;
        for (int j = 0; j < in->rpz; j++)
            o[j] = zones[i] * in->rpz + j;
        shuffle(r, o, in->rpz);
    }
    for (int i = 0; i < in->racks; i++) {
        in->rl_pause[i] = draw(&in->s->rl_pause, r);
        in->rl_reboot[i] = draw(&in->s->rl_reboot, r);
    }
    in->rl_wave = k;
    in->rl_busy = true;
    sim_at(in->sim, now(in), EV_RL_STEP, 0, 0);
}

static void on_rl_wave(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    (void)sm;
    gsl_rng *r = sim_world_rng(in->sim, SIM_STREAM_REBOOTLESS);
    sim_at(in->sim, wave_time(in->s->rl_period, ev->data + 1, r), EV_RL_WAVE, 0, ev->data + 1);
    if (in->rl_busy)
        in->rl_pending++;
    else
        rl_walk_start(in, ev->data);
}

/* Does a VM of a group without memory-preserving support sit under `node`? */
static bool reboots_under(const inject *in, vmstate_node node)
{
    for (size_t g = 0; g < in->ng; g++)
        if (!in->g[g].mp && vmstate_vms_under(in->vs, g, node) > 0)
            return true;
    return false;
}

/* One rack's step: memory-preserving groups pause (unless the pause is
 * within the tolerance), the others reboot.  The step lasts as long as the
 * longest impact on the rack's VMs: the pause, or the reboot where a VM on
 * the rack reboots; the next rack follows after the settle gap. */
static void on_rl_step(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    const scenario *s = in->s;
    int i = (int)ev->id;
    (void)sm;
    if (i == in->racks) { /* the walk is over */
        in->rl_busy = false;
        if (in->rl_pending > 0) { /* the next wave, which arrived meanwhile */
            in->rl_pending--;
            rl_walk_start(in, in->rl_wave + 1);
        }
        return;
    }
    int k = in->rl_order[i];
    double pause = in->rl_pause[i], reboot = in->rl_reboot[i];
    bool pause_counts = pause > s->rl_tolerance;
    vmstate_node node = vmstate_rack_node(in->vs, k);
    bool reboots = reboots_under(in, node);
    for (size_t g = 0; g < in->ng; g++)
        if (in->g[g].mp ? pause_counts : reboots)
            vmstate_group_cause(in->vs, g, node, +1);
    if (in->any_mp && pause_counts)
        sim_at(in->sim, now(in) + pause, EV_RL_END, (uint32_t)k, 0);
    if (reboots)
        sim_at(in->sim, now(in) + reboot, EV_RL_END, (uint32_t)k, 1);
    double next = now(in) + (reboots ? fmax(pause, reboot) : pause);
    sim_at(in->sim, i + 1 < in->racks ? next + s->rl_settle : next, EV_RL_STEP,
           (uint32_t)(i + 1), 0);
}

static void on_rl_end(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    (void)sm;
    vmstate_node node = vmstate_rack_node(in->vs, (int)ev->id);
    bool reboot = ev->data == 1;
    for (size_t g = 0; g < in->ng; g++)
        if (in->g[g].mp != reboot)
            vmstate_group_cause(in->vs, g, node, -1);
}

/* -------------------------------------------------- rebootful waves -- */

/* Lay out group g's walk, zone by zone with the zones in a random order:
 * Availability Sets and Uniform walk their update domains, Flexible groups
 * the racks holding their VMs (its fault domains), in a random order within
 * each zone (Azure documents neither order), drawn from the group's stream. */
static void walk_start(inject *in, size_t g)
{
    gstate *st = &in->g[g];
    walk *wk = &st->rf;
    gsl_rng *r = sim_group_rng(in->sim, g);
    int zones[SCEN_MAX_ZONES], nz = st->U > 0 ? st->nzs : in->zb;
    for (int z = 0; z < nz; z++)
        zones[z] = z;
    shuffle(r, zones, nz);
    wk->nsteps = 0;
    for (int i = 0; i < nz; i++) {
        int zs = zones[i], base = wk->nsteps;
        if (st->U > 0) {
            for (int u = 0; u < st->U; u++)
                if (st->ud_first[zs * st->U + u + 1] > st->ud_first[zs * st->U + u])
                    wk->steps[wk->nsteps++] = zs * st->U + u;
        } else {
            for (int k = zs * in->rpz; k < (zs + 1) * in->rpz; k++)
                if (vmstate_vms_under(in->vs, g, vmstate_rack_node(in->vs, k)) > 0)
                    wk->steps[wk->nsteps++] = k;
        }
        shuffle(r, wk->steps + base, wk->nsteps - base);
    }
    wk->busy = wk->nsteps > 0;
    if (wk->busy)
        sim_at(in->sim, now(in), EV_RF_STEP, (uint32_t)g, 0);
}

static void on_rf_wave(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    (void)sm;
    gsl_rng *r = sim_world_rng(in->sim, SIM_STREAM_REBOOTFUL);
    sim_at(in->sim, wave_time(in->s->rf_period, ev->data + 1, r), EV_RF_WAVE, 0, ev->data + 1);
    for (size_t g = 0; g < in->ng; g++) {
        if (in->g[g].rf.busy)
            in->g[g].rf.pending++;
        else
            walk_start(in, g);
    }
}

/* Apply (delta +1) or lift (-1) the reboot of step `i` of g's walk. */
static void rf_apply(inject *in, size_t g, int i, int delta)
{
    gstate *st = &in->g[g];
    int step = st->rf.steps[i];
    if (st->U > 0) {
        for (int j = st->ud_first[step]; j < st->ud_first[step + 1]; j++)
            vmstate_vm_cause(in->vs, g, st->ud_vms[j], delta);
    } else {
        vmstate_group_cause(in->vs, g, vmstate_rack_node(in->vs, step), delta);
    }
}

static void on_rf_step(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    (void)sm;
    rf_apply(in, g, (int)ev->data, +1);
    double t = draw(&in->s->rf_reboot, sim_group_rng(in->sim, g));
    sim_at(in->sim, now(in) + t, EV_RF_END, (uint32_t)g, ev->data);
}

static void on_rf_end(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    int i = (int)ev->data;
    (void)sm;
    rf_apply(in, g, i, -1);
    walk *wk = &in->g[g].rf;
    if (i + 1 < wk->nsteps) {
        sim_at(in->sim, now(in) + in->s->rf_settle, EV_RF_STEP, (uint32_t)g, (uint64_t)(i + 1));
    } else {
        wk->busy = false;
        if (wk->pending > 0) {
            wk->pending--;
            walk_start(in, g);
        }
    }
}

/* ------------------------------------------------------------- spot -- */

/* A group's running Spot VMs are a pool (spot.evictionRate per VM-hour). */
static void on_spot_evict(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    pool *p = &in->g[g].spot;
    (void)sm;
    gsl_rng *r = sim_group_rng(in->sim, g);
    int vm = pool_pick(p, r);
    pool_down(p, vm);
    vmstate_vm_cause(in->vs, g, vm, +1);
    if (in->s->spot_policy == EVICT_DELETE) { /* its slot is free until it returns */
        place_release_vm(in->pr, in->w, g, vm);
        vmstate_place(in->vs, g, vm, -1);
    }
    sim_at(in->sim, now(in) + draw(&in->s->spot_restore, r), EV_SPOT_RESTORE, (uint32_t)g,
           (uint64_t)vm);
    pool_schedule(in, p, r);
}

static void on_spot_restore(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    int vm = (int)ev->data;
    (void)sm;
    gsl_rng *r = sim_group_rng(in->sim, g);
    if (in->s->spot_policy == EVICT_DELETE) {
        /* recreated through placement: try again later when there is no room */
        if (place_replace_vm(in->pr, in->w, g, vm, NULL) != FD_OK) {
            vmstate_place(in->vs, g, vm, -1);
            sim_at(in->sim, now(in) + draw(&in->s->spot_restore, r), EV_SPOT_RESTORE,
                   (uint32_t)g, (uint64_t)vm);
            return;
        }
        vmstate_place(in->vs, g, vm, place_group_at(in->pr, g)->vms[vm].host);
    }
    vmstate_vm_cause(in->vs, g, vm, -1);
    pool_up(&in->g[g].spot, vm);
    pool_schedule(in, &in->g[g].spot, r);
}

/* ---------------------------------------------- automatic instance repair -- */

/* Does VM `vm` of group g still need replacing: deleted, or on a host that
 * a host, rack or zone outage holds down?  (A VM that is down only for a
 * maintenance step or a Spot eviction does not.) */
static bool needs_repair(const inject *in, size_t g, int vm)
{
    int host = vmstate_vm_host(in->vs, g, vm);
    return host < 0 || vmstate_node_is_down(in->vs, vmstate_host_node(in->vs, host));
}

static void repair_pump(inject *in, size_t g)
{
    gstate *st = &in->g[g];
    int count = st->spec->count;
    while (st->active < st->cap && st->qlen > 0) {
        int vm = st->queue[st->qhead];
        st->qhead = (st->qhead + 1) % count;
        st->qlen--;
        if (!needs_repair(in, g, vm)) {
            st->queued[vm] = false; /* its outage ended while it waited */
            continue;
        }
        if (place_replace_vm(in->pr, in->w, g, vm, NULL) != FD_OK) {
            /* no healthy capacity: the VM is deleted and waits at the head
             * of the queue; one retry per group after a provisioning time */
            vmstate_place(in->vs, g, vm, -1);
            st->qhead = (st->qhead + count - 1) % count;
            st->queue[st->qhead] = vm;
            st->qlen++;
            if (st->retry == EVQ_NONE) {
                double t = draw(&in->s->repair_provision, sim_group_rng(in->sim, g));
                st->retry = sim_at(in->sim, now(in) + t, EV_REPAIR_DONE, (uint32_t)g,
                                   (uint64_t)count);
            }
            return;
        }
        if (++st->active > st->max_active)
            st->max_active = st->active;
        vmstate_vm_cause(in->vs, g, vm, +1); /* provisioning */
        vmstate_place(in->vs, g, vm, place_group_at(in->pr, g)->vms[vm].host);
        double t = draw(&in->s->repair_provision, sim_group_rng(in->sim, g));
        sim_at(in->sim, now(in) + t, EV_REPAIR_DONE, (uint32_t)g, (uint64_t)vm);
    }
}

/* Collect group g's VMs under `node` into the scratch array; returns n. */
static int collect_node(inject *in, size_t g, vmstate_node node)
{
    int hosts_first, nhosts;
    int hnode0 = vmstate_host_node(in->vs, 0), rnode0 = vmstate_rack_node(in->vs, 0);
    if (node >= hnode0) {
        hosts_first = node - hnode0;
        nhosts = 1;
    } else if (node >= rnode0) {
        hosts_first = (node - rnode0) * in->hpr;
        nhosts = in->hpr;
    } else {
        hosts_first = node * in->rpz * in->hpr;
        nhosts = in->rpz * in->hpr;
    }
    int n = 0;
    for (int h = hosts_first; h < hosts_first + nhosts; h++)
        n = collect_host(in, h, g, n);
    return n;
}

static void on_repair_check(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    vmstate_node node = (vmstate_node)(ev->data >> 32);
    (void)sm;
    if (in->episode[node] != (unsigned)(ev->data & 0xffffffffu)
        || !vmstate_node_is_down(in->vs, node))
        return; /* the outage is over */
    gstate *st = &in->g[g];
    int n = collect_node(in, g, node);
    for (int i = 0; i < n; i++) {
        int vm = in->scratch[i];
        if (st->queued[vm] || !needs_repair(in, g, vm))
            continue;
        st->queued[vm] = true;
        st->queue[(st->qhead + st->qlen++) % st->spec->count] = vm;
    }
    repair_pump(in, g);
}

static void on_repair_done(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    gstate *st = &in->g[g];
    (void)sm;
    if ((int)ev->data < st->spec->count) {
        int vm = (int)ev->data;
        vmstate_vm_cause(in->vs, g, vm, -1);
        st->queued[vm] = false;
        st->active--;
    } else {
        st->retry = EVQ_NONE; /* the retry fired */
    }
    repair_pump(in, g);
}

/* -------------------------------------------------------- lifecycle -- */

static const sim_handler handlers[EV_COUNT] = {
    on_host_fail, on_host_repair, on_heal, on_rack_fail, on_rack_repair, on_zone_fail,
    on_zone_repair, on_burst, on_rl_wave, on_rl_step, on_rl_end, on_rf_wave, on_rf_step,
    on_rf_end, on_spot_evict, on_spot_restore, on_repair_check, on_repair_done,
};

/* Index group g's VMs by (zone slot, update domain) for UD walks (again
 * whenever the group is placed afresh).  O(VMs + cells), no allocation. */
static void index_uds(gstate *st, const place_group *pg)
{
    int cells = st->nzs * st->U;
    if (st->U == 0)
        return;
    memset(st->ud_first, 0, ((size_t)cells + 1) * sizeof *st->ud_first);
    memset(st->ud_fill, 0, (size_t)cells * sizeof *st->ud_fill);
    for (int i = 0; i < pg->count; i++) {
        int zs = st->nzs > 1 ? pg->vms[i].zone - 1 : 0;
        st->ud_first[zs * st->U + pg->vms[i].ud + 1]++;
    }
    for (int c = 0; c < cells; c++)
        st->ud_first[c + 1] += st->ud_first[c];
    for (int i = 0; i < pg->count; i++) {
        int zs = st->nzs > 1 ? pg->vms[i].zone - 1 : 0;
        int c = zs * st->U + pg->vms[i].ud;
        st->ud_vms[st->ud_first[c] + st->ud_fill[c]++] = i;
    }
}

static int group_init(inject *in, size_t g)
{
    gstate *st = &in->g[g];
    const place_group *pg = place_group_at(in->pr, g);
    const scen_group *sp = pg->spec;
    int n = sp->count;
    st->spec = sp;
    st->mp = sp->memory_preserving;
    st->nzs = sp->zones ? SCEN_MAX_ZONES : 1;
    st->U = sp->mode == MODE_FLEXIBLE ? 0 : sp->ud_count;
    /* walk steps: every rack (Flexible), or every (zone slot, UD) cell */
    int cells = st->nzs * st->U;
    st->rf.steps = malloc((size_t)(st->U ? cells : in->racks) * sizeof(int) + 1);
    st->ud_first = calloc((size_t)cells + 1, sizeof(int));
    st->ud_fill = malloc((size_t)cells * sizeof(int) + 1);
    st->ud_vms = malloc((size_t)n * sizeof(int) + 1);
    if (!st->rf.steps || !st->ud_first || !st->ud_fill || !st->ud_vms)
        return FD_ENOMEM;
    index_uds(st, pg);
    double rate = in->s->spot_rate; /* per VM-hour */
    if (pool_init(&st->spot, rate > 0, n, rate > 0 ? DUR_HOUR / rate : 0, EV_SPOT_EVICT,
                  (uint32_t)g) != FD_OK)
        return FD_ENOMEM;
    st->queue = malloc((size_t)n * sizeof(int));
    st->queued = calloc((size_t)n, sizeof(bool));
    if (!st->queue || !st->queued)
        return FD_ENOMEM;
    st->cap = n < 20 ? 1 : (n / 20 > 1 ? n / 20 : 1); /* 5 %, one under 20 */
    st->initial_failures = pg->failures;
    if (stats_tally_init(&st->tally, n, sp->quorum, sp->sla_target, in->s->horizon) < 0)
        return FD_ENOMEM;
    return FD_OK;
}

int inject_create(inject **out, const scenario *s, diag *d)
{
    *out = NULL;
    place_result *plan = NULL;
    int rc = place_build(s, &plan, d);
    if (rc == FD_OK)
        rc = inject_create_placed(out, s, plan, d);
    if (rc != FD_OK) {
        place_result_destroy(plan);
        return rc;
    }
    (*out)->own_plan = plan;
    return FD_OK;
}

int inject_create_placed(inject **out, const scenario *s, const place_result *plan, diag *d)
{
    *out = NULL;
    inject *in = calloc(1, sizeof *in);
    if (!in)
        return diag_set(d, FD_ENOMEM, "out of memory");
    in->s = s;
    in->ng = s->ngroups;
    in->plan = plan;
    int rc = world_create(&in->w, s, d);
    if (rc == FD_OK)
        rc = place_clone(&in->pr, plan, d);
    if (rc != FD_OK)
        goto fail;
    world_copy(in->w, place_world(plan));
    rc = FD_ENOMEM;
    in->zb = s->zones ? s->zones : 1;
    in->rpz = s->racks_per_zone;
    in->hpr = s->hosts_per_rack;
    in->racks = in->zb * in->rpz;
    in->hosts = in->racks * in->hpr;

    uint64_t ids[SCEN_MAX_GROUPS];
    int counts[SCEN_MAX_GROUPS];
    for (size_t g = 0; g < in->ng; g++) {
        ids[g] = rng_stream_id(s->groups[g].name);
        counts[g] = s->groups[g].count;
    }
    if (sim_create(&in->sim, s->seed, ids, in->ng) != FD_OK)
        goto fail;
    for (uint32_t t = 0; t < EV_COUNT; t++)
        sim_register(in->sim, t, handlers[t], in);
    vmstate_shape shape = { in->zb, in->rpz, in->hpr };
    if (!(in->vs = vmstate_create(shape, in->ng, counts)))
        goto fail;
    in->g = calloc(in->ng ? in->ng : 1, sizeof *in->g);
    if (!in->g)
        goto fail;
    int most = s->vms_per_host;
    for (size_t g = 0; g < in->ng; g++) {
        if (group_init(in, g) != FD_OK)
            goto fail;
        const place_group *pg = place_group_at(in->pr, g);
        for (int i = 0; i < pg->count; i++)
            vmstate_place(in->vs, g, i, pg->vms[i].placed ? pg->vms[i].host : -1);
        most = most > pg->count ? most : pg->count;
        in->any_mp |= in->g[g].mp;
    }
    vmstate_snapshot(in->vs);

    size_t nh = (size_t)in->hosts, nodes = (size_t)(in->zb + in->racks + in->hosts);
    in->hfail = calloc(nh, sizeof(int));
    in->block = calloc(nh, sizeof(int));
    in->episode = calloc(nodes, sizeof(unsigned));
    in->nscratch_max = most * (int)(in->ng ? in->ng : 1) + s->vms_per_host;
    in->scratch = malloc((size_t)in->nscratch_max * sizeof(int));
    in->scratch_g = malloc((size_t)in->nscratch_max * sizeof(size_t));
    in->hbuf = malloc(2 * (size_t)in->hpr * sizeof(int));
    in->rl_order = malloc((size_t)in->racks * sizeof(int));
    in->rl_pause = malloc((size_t)in->racks * sizeof(double));
    in->rl_reboot = malloc((size_t)in->racks * sizeof(double));
    in->walk_rng = rng_create();
    if (pool_init(&in->host_pool, s->host.enabled && s->host.ttf.kind == DIST_EXP, in->hosts,
                  s->host.ttf.a, EV_HOST_FAIL, 0) != FD_OK
        || pool_init(&in->rack_pool, s->rack.enabled && s->rack.ttf.kind == DIST_EXP, in->racks,
                     s->rack.ttf.a, EV_RACK_FAIL, 0) != FD_OK
        || pool_init(&in->zone_pool, s->zone.enabled && s->zone.ttf.kind == DIST_EXP, in->zb,
                     s->zone.ttf.a, EV_ZONE_FAIL, 0) != FD_OK)
        goto fail;
    if (!in->hbuf || !in->rl_order || !in->rl_pause || !in->rl_reboot || !in->walk_rng
        || !in->hfail || !in->block
        || !in->episode || !in->scratch || !in->scratch_g)
        goto fail;
    *out = in;
    return FD_OK;
fail:
    inject_destroy(in);
    if (rc == FD_ENOMEM)
        diag_set(d, FD_ENOMEM, "out of memory setting up the simulation");
    return rc;
}

void inject_destroy(inject *in)
{
    if (!in)
        return;
    for (size_t g = 0; in->g && g < in->ng; g++) {
        gstate *st = &in->g[g];
        free(st->ud_first);
        free(st->ud_vms);
        free(st->ud_fill);
        free(st->rf.steps);
        pool_fini(&st->spot);
        free(st->queue);
        free(st->queued);
        stats_tally_fini(&st->tally);
    }
    free(in->g);
    free(in->hfail);
    free(in->block);
    pool_fini(&in->host_pool);
    pool_fini(&in->rack_pool);
    pool_fini(&in->zone_pool);
    free(in->episode);
    free(in->scratch);
    free(in->scratch_g);
    free(in->hbuf);
    free(in->rl_order);
    free(in->rl_pause);
    free(in->rl_reboot);
    rng_destroy(in->walk_rng);
    vmstate_destroy(in->vs);
    sim_destroy(in->sim);
    place_result_destroy(in->pr);
    place_result_destroy(in->own_plan);
    world_destroy(in->w);
    free(in);
}

/* Queue the first failures of a class of `n` units: one pooled event, or
 * one per unit drawn from `ttf` (in unit order, from the class's stream). */
static void start_units(inject *in, pool *p, bool enabled, const dist *ttf, sim_stream stream,
                        int n)
{
    pool_clear(p, n);
    if (!enabled)
        return;
    gsl_rng *r = sim_world_rng(in->sim, stream);
    if (p->on) {
        for (int u = 0; u < n; u++)
            pool_up(p, u);
        pool_schedule(in, p, r);
    } else {
        for (int u = 0; u < n; u++)
            sim_at(in->sim, draw(ttf, r), p->type, (uint32_t)u, ORIGIN_OWN);
    }
}

/* Rewind every mechanism and queue each process's first event. */
static void start(inject *in, uint64_t replica)
{
    const scenario *s = in->s;
    sim_reset(in->sim, replica);
    vmstate_reset(in->vs);
    if (s->placement == PLACEMENT_PER_REPLICA) {
        world_reset(in->w);
        place_again(in->pr, in->w, s->seed, replica);
        for (size_t g = 0; g < in->ng; g++) {
            const place_group *pg = place_group_at(in->pr, g);
            for (int i = 0; i < pg->count; i++)
                vmstate_place(in->vs, g, i, pg->vms[i].placed ? pg->vms[i].host : -1);
            index_uds(&in->g[g], pg);
            in->g[g].initial_failures = pg->failures;
        }
    } else {
        world_copy(in->w, place_world(in->plan));
        place_copy(in->pr, in->plan);
    }
    size_t nh = (size_t)in->hosts;
    memset(in->hfail, 0, nh * sizeof(int));
    memset(in->block, 0, nh * sizeof(int));
    memset(in->episode, 0, (size_t)(in->zb + in->racks + in->hosts) * sizeof(unsigned));
    in->rl_busy = false;
    in->rl_pending = 0;
    start_units(in, &in->host_pool, s->host.enabled, &s->host.ttf, SIM_STREAM_HOST, in->hosts);
    start_units(in, &in->rack_pool, s->rack.enabled, &s->rack.ttf, SIM_STREAM_RACK, in->racks);
    start_units(in, &in->zone_pool, s->zone.enabled && s->zones > 0, &s->zone.ttf,
                SIM_STREAM_ZONE, in->zb);
    if (s->burst_enabled) {
        gsl_rng *r = sim_world_rng(in->sim, SIM_STREAM_BURST);
        for (int k = 0; k < in->racks; k++)
            sim_at(in->sim, draw(&s->burst_interval, r), EV_BURST, (uint32_t)k, 0);
    }
    if (s->rl_enabled)
        sim_at(in->sim, wave_time(s->rl_period, 0, sim_world_rng(in->sim, SIM_STREAM_REBOOTLESS)),
               EV_RL_WAVE, 0, 0);
    if (s->rf_enabled)
        sim_at(in->sim, wave_time(s->rf_period, 0, sim_world_rng(in->sim, SIM_STREAM_REBOOTFUL)),
               EV_RF_WAVE, 0, 0);
    for (size_t g = 0; g < in->ng; g++) {
        gstate *st = &in->g[g];
        const place_group *pg = place_group_at(in->pr, g);
        st->rf.busy = false;
        st->rf.pending = 0;
        st->active = st->max_active = st->qhead = st->qlen = 0;
        st->retry = EVQ_NONE;
        memset(st->queued, 0, (size_t)pg->count * sizeof(bool));
        pool_clear(&st->spot, pg->count);
        for (int i = 0; i < pg->count; i++)
            if (pg->vms[i].spot && pg->vms[i].placed)
                pool_up(&st->spot, i);
        if (st->spot.on)
            pool_schedule(in, &st->spot, sim_group_rng(in->sim, g));
        st->last_down = vmstate_down(in->vs, g);
        stats_tally_reset(&st->tally, st->last_down);
    }
}

/* What an event acted on, for the trace: "host 12", "rack 3", "db UD 2". */
static const char *describe(const inject *in, const evq_event *ev, char *buf, size_t len)
{
    const char *gname = ev->id < in->ng ? in->s->groups[ev->id].name : "";
    /* a pooled failure's unit was picked by its handler */
    uint32_t id = ev->id;
    bool pooled = ev->data == ORIGIN_POOL;
    if (pooled && ev->type == EV_HOST_FAIL)
        id = (uint32_t)in->host_pool.last;
    else if (pooled && ev->type == EV_RACK_FAIL)
        id = (uint32_t)in->rack_pool.last;
    else if (pooled && ev->type == EV_ZONE_FAIL)
        id = (uint32_t)in->zone_pool.last;
    switch (ev->type) {
    case EV_HOST_FAIL:
    case EV_HOST_REPAIR:
    case EV_HEAL:
        snprintf(buf, len, "host %u (rack %u)", id, id / (unsigned)in->hpr);
        break;
    case EV_RACK_FAIL: case EV_RACK_REPAIR: case EV_BURST: case EV_RL_END:
        snprintf(buf, len, "rack %u", id);
        break;
    case EV_RL_STEP:
        if ((int)ev->id < in->racks)
            snprintf(buf, len, "rack %d", in->rl_order[ev->id]);
        else
            snprintf(buf, len, "walk done");
        break;
    case EV_ZONE_FAIL: case EV_ZONE_REPAIR:
        snprintf(buf, len, "zone %u", id + 1);
        break;
    case EV_RL_WAVE: case EV_RF_WAVE:
        snprintf(buf, len, "wave %llu", (unsigned long long)ev->data + 1);
        break;
    case EV_RF_STEP: case EV_RF_END: {
        const gstate *st = &in->g[ev->id];
        int step = st->rf.steps[ev->data];
        if (st->U > 0 && st->nzs > 1)
            snprintf(buf, len, "%s zone %d UD %d", gname, step / st->U + 1, step % st->U);
        else if (st->U > 0)
            snprintf(buf, len, "%s UD %d", gname, step);
        else
            snprintf(buf, len, "%s rack %d", gname, step);
        break;
    }
    case EV_SPOT_EVICT:
        snprintf(buf, len, "%s VM %d", gname, in->g[ev->id].spot.last);
        break;
    case EV_SPOT_RESTORE: case EV_REPAIR_DONE:
        snprintf(buf, len, "%s VM %llu", gname, (unsigned long long)ev->data);
        break;
    case EV_REPAIR_CHECK:
        snprintf(buf, len, "%s node %llu", gname, (unsigned long long)(ev->data >> 32));
        break;
    default:
        snprintf(buf, len, "%u", ev->id);
    }
    return buf;
}

/* After each event: tell the tallies what changed; write the trace row. */
static void observe(inject *in, const evq_event *ev)
{
    double t = now(in);
    for (size_t g = 0; g < in->ng; g++) {
        int down = vmstate_down(in->vs, g);
        if (down != in->g[g].last_down) {
            in->g[g].last_down = down;
            stats_tally_observe(&in->g[g].tally, t, down);
        }
    }
    if (in->trace) {
        csvio_cell_num(in->trace, "%.15g", t / DUR_HOUR);
        char what[SCEN_NAME_MAX + 64];
        csvio_cell(in->trace, ev_names[ev->type]);
        csvio_cell(in->trace, describe(in, ev, what, sizeof what));
        for (size_t g = 0; g < in->ng; g++)
            csvio_cell_int(in->trace, in->g[g].last_down);
        csvio_end_row(in->trace);
    }
    if (in->obs) {
        char what[SCEN_NAME_MAX + 64];
        in->obs(in->obs_user, in, t, ev_names[ev->type], describe(in, ev, what, sizeof what));
    }
}

void inject_set_observer(inject *in, inject_observe_fn fn, void *user)
{
    in->obs = fn;
    in->obs_user = user;
}

bool inject_vm_is_up(const inject *in, size_t g, int vm)
{
    return vmstate_vm_is_up(in->vs, g, vm) != 0;
}

void inject_trace_header(const inject *in, csvio_writer *trace)
{
    csvio_cell(trace, "time_h");
    csvio_cell(trace, "event");
    csvio_cell(trace, "target");
    for (size_t g = 0; g < in->ng; g++) {
        char col[SCEN_NAME_MAX + 8];
        snprintf(col, sizeof col, "%s_down", in->s->groups[g].name);
        csvio_cell(trace, col);
    }
    csvio_end_row(trace);
}

void inject_begin(inject *in, uint64_t replica)
{
    start(in, replica);
}

void inject_advance(inject *in, double until, csvio_writer *trace)
{
    double end = fmin(until, in->s->horizon);
    in->trace = trace;
    evq_event ev;
    while (sim_step(in->sim, end, &ev))
        observe(in, &ev);
    in->trace = NULL;
}

int inject_end(inject *in, const stats_out *out, csvio_writer *trace)
{
    inject_advance(in, in->s->horizon, trace);
    for (size_t g = 0; g < in->ng; g++)
        stats_tally_finish(&in->g[g].tally, in->g[g].initial_failures, out, g);
    return sim_status(in->sim);
}

int inject_replica(inject *in, uint64_t replica, const stats_out *out, csvio_writer *trace)
{
    inject_begin(in, replica);
    return inject_end(in, out, trace);
}

double inject_now(const inject *in)
{
    return now(in);
}

/* ---------------------------------------------- snapshot and restore -- */

static void copy_pool(pool *dst, const pool *src, int units)
{
    int *up = dst->up, *pos = dst->pos;
    *dst = *src;
    dst->up = up;
    dst->pos = pos;
    memcpy(up, src->up, (size_t)units * sizeof *up);
    memcpy(pos, src->pos, (size_t)units * sizeof *pos);
}

/* The replica state of group g: the walk, the Spot pool, the repair queue,
 * the tally, and the UD index (per-replica placement rebuilds it). */
static void copy_group(gstate *dst, const gstate *src, int racks)
{
    int n = src->spec->count, cells = src->nzs * src->U;
    dst->rf.busy = src->rf.busy;
    dst->rf.pending = src->rf.pending;
    dst->rf.nsteps = src->rf.nsteps;
    memcpy(dst->rf.steps, src->rf.steps, (size_t)(src->U ? cells : racks) * sizeof(int));
    memcpy(dst->ud_first, src->ud_first, ((size_t)cells + 1) * sizeof(int));
    memcpy(dst->ud_vms, src->ud_vms, (size_t)n * sizeof(int));
    copy_pool(&dst->spot, &src->spot, n);
    dst->active = src->active;
    dst->max_active = src->max_active;
    dst->retry = src->retry;
    dst->initial_failures = src->initial_failures;
    memcpy(dst->queue, src->queue, (size_t)n * sizeof *dst->queue);
    dst->qhead = src->qhead;
    dst->qlen = src->qlen;
    memcpy(dst->queued, src->queued, (size_t)n * sizeof *dst->queued);
    stats_tally_copy(&dst->tally, &src->tally);
    dst->last_down = src->last_down;
}

/* Everything a replica mutates, from src into dst (same scenario and plan):
 * the clock, queue and streams, the world's capacity, the placement, the
 * VMs' state, the outage bookkeeping, the pools, the walks and every
 * group's state and tally. */
static int copy_state(inject *dst, const inject *src)
{
    assert(dst->s == src->s && dst->plan == src->plan);
    if (sim_copy(dst->sim, src->sim) != FD_OK)
        return FD_ENOMEM;
    world_copy(dst->w, src->w);
    place_copy(dst->pr, src->pr);
    vmstate_copy(dst->vs, src->vs);
    size_t nh = (size_t)src->hosts, nodes = (size_t)(src->zb + src->racks + src->hosts);
    memcpy(dst->hfail, src->hfail, nh * sizeof *dst->hfail);
    memcpy(dst->block, src->block, nh * sizeof *dst->block);
    memcpy(dst->episode, src->episode, nodes * sizeof *dst->episode);
    copy_pool(&dst->host_pool, &src->host_pool, src->hosts);
    copy_pool(&dst->rack_pool, &src->rack_pool, src->racks);
    copy_pool(&dst->zone_pool, &src->zone_pool, src->zb);
    dst->rl_busy = src->rl_busy;
    dst->rl_pending = src->rl_pending;
    memcpy(dst->rl_order, src->rl_order, (size_t)src->racks * sizeof *dst->rl_order);
    memcpy(dst->rl_pause, src->rl_pause, (size_t)src->racks * sizeof *dst->rl_pause);
    memcpy(dst->rl_reboot, src->rl_reboot, (size_t)src->racks * sizeof *dst->rl_reboot);
    dst->rl_wave = src->rl_wave;
    for (size_t g = 0; g < src->ng; g++)
        copy_group(&dst->g[g], &src->g[g], src->racks);
    return FD_OK;
}

int inject_snapshot_create(inject **snap, const inject *in, diag *d)
{
    return inject_create_placed(snap, in->s, in->plan, d);
}

int inject_snapshot(inject *snap, const inject *in, diag *d)
{
    if (copy_state(snap, in) != FD_OK)
        return diag_set(d, FD_ENOMEM, "out of memory taking a snapshot of a replica");
    return FD_OK;
}

int inject_restore(inject *in, const inject *snap, diag *d)
{
    if (copy_state(in, snap) != FD_OK)
        return diag_set(d, FD_ENOMEM, "out of memory restoring a replica");
    return FD_OK;
}

uint64_t inject_events(const inject *in)
{
    return sim_events(in->sim);
}

const place_result *inject_placement(const inject *in)
{
    return in->pr;
}

int inject_max_repairs(const inject *in, size_t g)
{
    return in->g[g].max_active;
}

int inject_alloc_failures(const inject *in, size_t g)
{
    return in->g[g].initial_failures;
}
