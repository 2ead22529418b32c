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
#include "inject_impl.h"

#include "alloc.h"
#include "dur.h"
#include "place.h"
#include "rng.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const ev_names[EV_COUNT] = {
    "host_fail", "host_repair", "heal", "rack_fail", "rack_repair", "zone_fail",
    "zone_repair", "burst", "rebootless_wave", "rebootless_step", "rebootless_end",
    "rebootful_wave", "rebootful_step", "rebootful_end", "spot_evict", "spot_restore",
    "repair_check", "repair_done", "biased_failure", "scale", "scale_ready", "scale_retry",
};

/* Which process a failure came from. */
enum { ORIGIN_POOL, ORIGIN_OWN, ORIGIN_BURST };

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
static int pool_init(pool *p, bool on, bool thin, int units, double mean, uint32_t type,
                     uint32_t id)
{
    p->on = on;
    p->thin = thin;
    p->units = units;
    p->mean = mean;
    p->type = type;
    p->id = id;
    p->up = fd_malloc((size_t)units * sizeof(int) + 1);
    p->pos = fd_malloc((size_t)units * sizeof(int) + 1);
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
 * number of units up has changed), replacing the pending one; a thinned
 * pool's only when its last one has fired. */
static void pool_schedule(inject *in, pool *p, gsl_rng *r)
{
    if (p->thin) {
        /* -mean log U, U uniform on (0, 1]: exponential; not gsl_ran_exponential,
         * whose log1p costs twice log and buys precision no sample needs */
        double gap = -(p->mean / p->units) * log(1.0 - gsl_rng_uniform(r));
        p->ev = sim_at(in->sim, now(in) + gap, p->type, p->id, ORIGIN_POOL);
        return;
    }
    if (p->n == 0) {
        sim_cancel(in->sim, p->ev);
        p->ev = EVQ_NONE;
        return;
    }
    double t = now(in) + gsl_ran_exponential(r, p->mean / p->n);
    if (sim_reschedule(in->sim, p->ev, t) != 0)
        p->ev = sim_at(in->sim, t, p->type, p->id, ORIGIN_POOL);
}

/* The unit a pooled failure event hits (uniform among those up; a thinned
 * pool's, among all, then its next failure is queued: the hit counts only
 * if pool_is_up).  */
static int pool_pick(inject *in, pool *p, gsl_rng *r)
{
    p->ev = EVQ_NONE;
    if (p->thin) {
        p->last = (int)rng_below(r, (uint32_t)p->units);
        pool_schedule(in, p, r);
    } else {
        p->last = p->up[rng_below(r, (uint32_t)p->n)];
    }
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
        bias_unit(in, BIAS_HOST, h, -1, origin == ORIGIN_POOL);
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
        pool *p = &in->host_pool;
        int h = pool_pick(in, p, sim_world_rng(in->sim, SIM_STREAM_HOST));
        if (pool_is_up(p, h))
            host_fail(in, h, ORIGIN_POOL);
        else
            in->idle = true; /* thinned: a host that is down does not fail */
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
            bias_unit(in, BIAS_HOST, h, +1, false);
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

/* Remember that healing moved VM `vm` of group g (start() rewinds it). */
static void note_move(inject *in, size_t g, int vm)
{
    if (in->nmoved == in->moved_max) {
        in->replaced = true; /* too many to list: rewind everything */
        return;
    }
    in->moved_g[in->nmoved] = (int)g;
    in->moved_vm[in->nmoved++] = vm;
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
    int rack = world_host_rack(in->w, h);
    for (int i = 0; i < n; i++) {
        int best = world_rack_roomiest(in->w, rack);
        if (best < 0)
            return; /* no healthy host with room: the rest wait for the repair */
        place_move_vm(in->pr, in->w, in->scratch_g[i], in->scratch[i], best);
        note_move(in, in->scratch_g[i], in->scratch[i]);
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
    int bias;              /* its class for importance sampling (BIAS_RACK, BIAS_ZONE) */
} unitclass;

static unitclass rack_class(inject *in)
{
    return (unitclass){ &in->rack_pool, &in->s->rack, SIM_STREAM_RACK, EV_RACK_FAIL,
                        EV_RACK_REPAIR, false, in->hpr, BIAS_RACK };
}

static unitclass zone_class(inject *in)
{
    return (unitclass){ &in->zone_pool, &in->s->zone, SIM_STREAM_ZONE, EV_ZONE_FAIL,
                        EV_ZONE_REPAIR, true, in->rpz * in->hpr, BIAS_ZONE };
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

/* Unit u of class c fails (when pooled, only if it is up: thinning); its
 * repair is queued. */
static void fail_unit(inject *in, const unitclass *c, int u)
{
    gsl_rng *r = sim_world_rng(in->sim, c->stream);
    if (c->p->on) {
        if (!pool_is_up(c->p, u)) {
            in->idle = true; /* thinned: a unit that is out does not fail */
            return;
        }
        pool_down(c->p, u);
        bias_unit(in, c->bias, u, -1, true);
    }
    sim_at(in->sim, now(in) + draw(&c->f->outage, r), c->repair, (uint32_t)u, 0);
    outage(in, c, u, +1);
}

/* A unit of class c fails: the pool picks which, or the event names it. */
static void unit_fail(inject *in, const unitclass *c, const evq_event *ev)
{
    int u = ev->data == ORIGIN_POOL ? pool_pick(in, c->p, sim_world_rng(in->sim, c->stream))
                                    : (int)ev->id;
    fail_unit(in, c, u);
}

/* Unit u of class c is repaired: its next failure follows. */
static void unit_repair(inject *in, const unitclass *c, int u)
{
    outage(in, c, u, -1);
    gsl_rng *r = sim_world_rng(in->sim, c->stream);
    if (c->p->on) {
        pool_up(c->p, u);
        bias_unit(in, c->bias, u, +1, false);
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

void inject_fail_host(inject *in, int h)
{
    if (pool_is_up(&in->host_pool, h))
        host_fail(in, h, ORIGIN_POOL);
    else
        in->idle = true; /* thinned, as the pool's own hits */
}

void inject_fail_unit(inject *in, int cls, int u)
{
    unitclass c = cls == BIAS_RACK ? rack_class(in) : zone_class(in);
    fail_unit(in, &c, u);
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

/* ------------------------------------------------------------- spot -- */

/* A group's running Spot VMs are a pool (spot.evictionRate per VM-hour). */
/* Spot VM `vm` of group g (running) is evicted; the pool's next eviction
 * is drawn afresh (fewer run). */
static void evict(inject *in, size_t g, int vm)
{
    pool *p = &in->g[g].spot;
    gsl_rng *r = sim_group_rng(in->sim, g);
    pool_down(p, vm);
    bias_spot(in, g, vm, -1, true);
    vmstate_vm_cause(in->vs, g, vm, +1);
    if (in->s->spot_policy == EVICT_DELETE) { /* its slot is free until it returns */
        place_release_vm(in->pr, in->w, g, vm);
        in->replaced = true;
        vmstate_place(in->vs, g, vm, -1);
    }
    sim_at(in->sim, now(in) + draw(&in->s->spot_restore, r), EV_SPOT_RESTORE, (uint32_t)g,
           (uint64_t)vm);
    pool_schedule(in, p, r);
}

static void on_spot_evict(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    (void)sm;
    evict(in, g, pool_pick(in, &in->g[g].spot, sim_group_rng(in->sim, g)));
}

void inject_evict_spot(inject *in, size_t g, int vm)
{
    if (pool_is_up(&in->g[g].spot, vm))
        evict(in, g, vm);
    else
        in->idle = true; /* thinned: a VM evicted already is not evicted again */
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
        in->replaced = true;
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
    bias_spot(in, g, vm, +1, false);
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
        in->replaced = true;
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
    on_zone_repair, on_burst, maint_on_rl_wave, NULL, NULL, maint_on_rf_wave, NULL,
    NULL, on_spot_evict, on_spot_restore, on_repair_check, on_repair_done, bias_on_event,
    scale_on_scale, scale_on_ready, scale_on_retry,
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

void inject_index_uds(gstate *st, const place_group *pg)
{
    index_uds(st, pg);
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
    int cells = st->nzs * st->U;
    st->ud_first = fd_calloc((size_t)cells + 1, sizeof(int));
    st->ud_fill = fd_malloc((size_t)cells * sizeof(int) + 1);
    st->ud_vms = fd_malloc((size_t)n * sizeof(int) + 1);
    if (!st->ud_first || !st->ud_fill || !st->ud_vms)
        return FD_ENOMEM;
    index_uds(st, pg);
    double rate = in->s->spot_rate; /* per VM-hour */
    if (pool_init(&st->spot, rate > 0, false, n, rate > 0 ? DUR_HOUR / rate : 0, EV_SPOT_EVICT,
                  (uint32_t)g) != FD_OK)
        return FD_ENOMEM;
    st->queue = fd_malloc((size_t)n * sizeof(int));
    st->queued = fd_calloc((size_t)n, sizeof(bool));
    if (!st->queue || !st->queued)
        return FD_ENOMEM;
    st->cap = n < 20 ? 1 : (n / 20 > 1 ? n / 20 : 1); /* 5 %, one under 20 */
    st->initial_failures = pg->failures;
    if (stats_tally_init(&st->tally, n, sp->quorum, sp->sla_target, in->s->horizon) < 0)
        return FD_ENOMEM;
    in->any_as |= sp->autoscale;
    return scale_init(in, g);
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
    inject *in = fd_calloc(1, sizeof *in);
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
    in->g = fd_calloc(in->ng ? in->ng : 1, sizeof *in->g);
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
    }
    vmstate_snapshot(in->vs);

    size_t nh = (size_t)in->hosts, nodes = (size_t)(in->zb + in->racks + in->hosts);
    in->hfail = fd_calloc(nh, sizeof(int));
    in->block = fd_calloc(nh, sizeof(int));
    in->episode = fd_calloc(nodes, sizeof(unsigned));
    in->nscratch_max = most * (int)(in->ng ? in->ng : 1) + s->vms_per_host;
    in->scratch = fd_malloc((size_t)in->nscratch_max * sizeof(int));
    in->scratch_g = fd_malloc((size_t)in->nscratch_max * sizeof(size_t));
    in->hbuf = fd_malloc(2 * (size_t)in->hpr * sizeof(int));
    in->moved_max = most * (int)(in->ng ? in->ng : 1);
    in->moved_g = fd_malloc((size_t)in->moved_max * sizeof(int) + 1);
    in->moved_vm = fd_malloc((size_t)in->moved_max * sizeof(int) + 1);
    if (pool_init(&in->host_pool, s->host.enabled && s->host.ttf.kind == DIST_EXP, true, in->hosts,
                  s->host.ttf.a, EV_HOST_FAIL, 0) != FD_OK
        || pool_init(&in->rack_pool, s->rack.enabled && s->rack.ttf.kind == DIST_EXP, true,
                     in->racks,
                     s->rack.ttf.a, EV_RACK_FAIL, 0) != FD_OK
        || pool_init(&in->zone_pool, s->zone.enabled && s->zone.ttf.kind == DIST_EXP, true, in->zb,
                     s->zone.ttf.a, EV_ZONE_FAIL, 0) != FD_OK)
        goto fail;
    if (maint_init(in) != FD_OK || bias_init(in) != FD_OK || !in->hbuf || !in->moved_g || !in->moved_vm || !in->hfail || !in->block
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
    maint_fini(in);
    bias_fini(in);
    for (size_t g = 0; in->g && g < in->ng; g++) {
        gstate *st = &in->g[g];
        free(st->ud_first);
        free(st->ud_vms);
        free(st->ud_fill);
        pool_fini(&st->spot);
        free(st->queue);
        free(st->queued);
        stats_tally_fini(&st->tally);
        scale_fini(in, g);
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
    free(in->moved_g);
    free(in->moved_vm);
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
    gsl_rng *r = sim_world_rng(in->sim, stream);
    if (enabled && p->on) { /* every unit up */
        for (int u = 0; u < n; u++)
            p->up[u] = p->pos[u] = u;
        p->n = n;
        p->ev = EVQ_NONE;
        pool_schedule(in, p, r);
        return;
    }
    pool_clear(p, n);
    if (enabled)
        for (int u = 0; u < n; u++)
            sim_at(in->sim, draw(ttf, r), p->type, (uint32_t)u, ORIGIN_OWN);
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
        if (in->replaced) {
            place_copy(in->pr, in->plan);
        } else {
            for (int i = 0; i < in->nmoved; i++)
                place_copy_vm(in->pr, in->plan, (size_t)in->moved_g[i], in->moved_vm[i]);
        }
    }
    in->replaced = false;
    in->nmoved = 0;
    size_t nh = (size_t)in->hosts;
    memset(in->hfail, 0, nh * sizeof(int));
    memset(in->block, 0, nh * sizeof(int));
    memset(in->episode, 0, (size_t)(in->zb + in->racks + in->hosts) * sizeof(unsigned));
    start_units(in, &in->host_pool, s->host.enabled, &s->host.ttf, SIM_STREAM_HOST, in->hosts);
    start_units(in, &in->rack_pool, s->rack.enabled, &s->rack.ttf, SIM_STREAM_RACK, in->racks);
    start_units(in, &in->zone_pool, s->zone.enabled && s->zones > 0, &s->zone.ttf,
                SIM_STREAM_ZONE, in->zb);
    if (s->burst_enabled) {
        gsl_rng *r = sim_world_rng(in->sim, SIM_STREAM_BURST);
        for (int k = 0; k < in->racks; k++)
            sim_at(in->sim, draw(&s->burst_interval, r), EV_BURST, (uint32_t)k, 0);
    }
    bias_clear(in);
    maint_start(in);
    for (size_t g = 0; g < in->ng; g++) {
        gstate *st = &in->g[g];
        const place_group *pg = place_group_at(in->pr, g);
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
        if (st->as.on)
            scale_start(in, g);
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
            snprintf(buf, len, "rack %d", in->rl.steps[ev->id]);
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
    case EV_SCALE: case EV_SCALE_RETRY:
        snprintf(buf, len, "%s target %d", gname, in->g[ev->id].as.target);
        break;
    case EV_SCALE_READY:
        snprintf(buf, len, "%s VM %llu", gname, (unsigned long long)(ev->data & 0xffffffffu));
        break;
    case EV_BIAS:
        snprintf(buf, len, "%s", ev->id == BIAS_HOST ? "a host" : ev->id == BIAS_RACK
                                                                   ? "a rack" : "a zone");
        break;
    default:
        snprintf(buf, len, "%u", ev->id);
    }
    return buf;
}

/* After each event: tell the tallies what changed; write the trace row. */
void inject_observe(inject *in, const evq_event *ev)
{
    if (in->idle) { /* a dropped failure: nothing to tell, no row */
        in->idle = false;
        return;
    }
    double t = ev->time;
    bool any_as = in->any_as;
    for (size_t g = 0; g < in->ng; g++) {
        int down = any_as ? scale_down(in, g) : vmstate_down(in->vs, g);
        if (down != in->g[g].last_down) {
            in->g[g].last_down = down;
            stats_tally_observe(&in->g[g].tally, t, down);
            if (in->g[g].watch) {
                in->g[g].halted = true;
                in->halt = true;
                in->halt_t = t;
                in->halt_kind = ev->type;
            }
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

/* Whether the queued event `ev` may change a VM's state or place, so that
 * the maintenance walks must be played up to it first.  A host's failure
 * or repair changes nothing for VMs when the host holds none (healing
 * moved them away); a burst only queues failures.  With a trace or an
 * observer, every event is in time order with the walks' steps. */
static bool touches_vms(const inject *in, const evq_event *ev)
{
    size_t g;
    int vm;
    if (in->trace || in->obs)
        return true;
    switch (ev->type) {
    case EV_HOST_FAIL:
        return ev->data == ORIGIN_POOL || vmstate_host_first(in->vs, (int)ev->id, &g, &vm);
    case EV_HOST_REPAIR:
        return vmstate_host_first(in->vs, (int)ev->id, &g, &vm);
    case EV_BURST:
        return false;
    default:
        return true;
    }
}

void inject_advance(inject *in, double until, csvio_writer *trace)
{
    double end = fmin(until, in->s->horizon);
    in->trace = trace;
    evq_event ev;
    while (sim_next(in->sim, end, &ev)) {
        if (touches_vms(in, &ev)) /* the walks up to it: nothing else changed the VMs */
            maint_sync(in, ev.time);
        sim_dispatch(in->sim, &ev);
        inject_observe(in, &ev);
    }
    maint_sync(in, end);
    in->trace = NULL;
}

/* The watched advance: as inject_advance, but looking at the next event
 * before taking it, so that it can stop after any change of a watched
 * group at a consistent instant (after the event, or after the walk step,
 * that made it), with the clock at the change and the event that follows
 * still queued.  Returns true when it stopped so. */
static bool run_watched(inject *in, double end)
{
    evq_event ev;
    while (sim_peek(in->sim, &ev) && ev.time <= end) {
        /* the walks up to every event, not only those touching VMs, so that
         * a change they make is seen before anything later happens */
        maint_sync(in, ev.time);
        if (in->halt)
            return true;
        sim_next(in->sim, end, &ev);
        sim_dispatch(in->sim, &ev);
        inject_observe(in, &ev);
        if (in->halt)
            return true;
    }
    maint_sync(in, end);
    return in->halt;
}

bool inject_run(inject *in, double until, inject_halt *h)
{
    double end = fmin(until, in->s->horizon);
    in->halt = false;
    for (size_t g = 0; g < in->ng; g++)
        in->g[g].halted = false;
    if (!in->watching) {
        inject_advance(in, end, NULL);
        return false;
    }
    if (!run_watched(in, end))
        return false;
    if (in->halt_t > sim_now(in->sim)) /* a walk's step, between queued events */
        sim_set_now(in->sim, in->halt_t);
    assert(sim_now(in->sim) == in->halt_t);
    h->t = in->halt_t;
    h->kind = in->halt_kind;
    return true;
}

void inject_watch(inject *in, size_t g, bool on)
{
    in->g[g].watch = on;
    in->watching = false;
    for (size_t k = 0; k < in->ng; k++)
        in->watching |= in->g[k].watch;
}

bool inject_halted(const inject *in, size_t g)
{
    return in->g[g].halted;
}

const char *inject_kind_name(uint32_t kind)
{
    if (kind == HALT_WALK_DONE || kind == HALT_WALK_DONE + 1)
        return kind == HALT_WALK_DONE ? "rebootless_walk_done" : "rebootful_walk_done";
    return kind < EV_COUNT ? ev_names[kind] : "?";
}

uint32_t inject_kinds(void)
{
    return HALT_WALK_DONE + 2;
}

int inject_walk_of(uint32_t kind)
{
    return kind == EV_RL_WAVE ? 0 : kind == EV_RF_WAVE ? 1 : -1;
}

bool inject_walk_busy(const inject *in, size_t g, int cls)
{
    return cls == 0 ? in->rl.busy : in->g[g].rf.busy;
}

uint32_t inject_step_kind(int cls)
{
    return cls == 0 ? EV_RL_STEP : EV_RF_STEP;
}

int inject_status(const inject *in)
{
    return sim_status(in->sim);
}

int inject_down(const inject *in, size_t g)
{
    return in->g[g].last_down;
}

const stats_tally *inject_tally(inject *in, size_t g, double t)
{
    stats_tally *ty = &in->g[g].tally;
    if (t > ty->t)
        stats_tally_observe(ty, t, ty->down); /* integrate up to t, no change */
    return ty;
}

/* Redraw pooled class p's pending failure from now (memoryless). */
static void redraw(inject *in, pool *p, gsl_rng *r)
{
    if (!p->on || !sim_pending(in->sim, p->ev))
        return;
    if (!p->thin) {
        pool_schedule(in, p, r);
        return;
    }
    double gap = -(p->mean / p->units) * log(1.0 - gsl_rng_uniform(r));
    sim_reschedule(in->sim, p->ev, now(in) + gap);
}

void inject_reseed(inject *in, uint64_t key)
{
    sim_reseed(in->sim, key);
    bias_stop(in);
    bias_reseed(in, key);
    maint_reseed(in, key);
    redraw(in, &in->host_pool, sim_world_rng(in->sim, SIM_STREAM_HOST));
    redraw(in, &in->rack_pool, sim_world_rng(in->sim, SIM_STREAM_RACK));
    redraw(in, &in->zone_pool, sim_world_rng(in->sim, SIM_STREAM_ZONE));
    for (size_t g = 0; g < in->ng; g++)
        redraw(in, &in->g[g].spot, sim_group_rng(in->sim, g));
}

void inject_set_fold_cap(inject *in, size_t g, int cls, const int *cap)
{
    in->g[g].fold_cap[cls] = cap;
}

int inject_end(inject *in, const stats_out *out, csvio_writer *trace)
{
    inject_advance(in, in->s->horizon, trace);
    for (size_t g = 0; g < in->ng; g++) {
        stats_tally_finish(&in->g[g].tally, in->g[g].initial_failures, out, g);
        scale_finish(in, g, out);
    }
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

double inject_horizon(const inject *in)
{
    return in->s->horizon;
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
static void copy_group(gstate *dst, const gstate *src)
{
    int n = src->spec->count, cells = src->nzs * src->U;
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
    maint_copy(dst, src);
    bias_copy(dst, src);
    memcpy(dst->wave_ev, src->wave_ev, sizeof dst->wave_ev);
    memcpy(dst->wave_k, src->wave_k, sizeof dst->wave_k);
    dst->replaced = src->replaced;
    dst->nmoved = src->nmoved;
    memcpy(dst->moved_g, src->moved_g, (size_t)src->nmoved * sizeof *dst->moved_g);
    memcpy(dst->moved_vm, src->moved_vm, (size_t)src->nmoved * sizeof *dst->moved_vm);
    for (size_t g = 0; g < src->ng; g++)
        copy_group(&dst->g[g], &src->g[g]);
    return FD_OK;
}

int inject_snapshot_create(inject **snap, const inject *in, diag *d)
{
    *snap = NULL;
    if (scenario_autoscales(in->s)) /* scenario.c refuses restart with autoscale */
        return diag_set(d, FD_EINVAL, "a replica of an autoscaling group cannot be "
                        "snapshot (its scale actions are not part of a snapshot)");
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

bool inject_scale_member(const inject *in, size_t g, int vm)
{
    return in->g[g].as.on ? in->g[g].as.member[vm] : true;
}

uint64_t inject_scale_iid(const inject *in, size_t g, int vm)
{
    return in->g[g].as.on ? in->g[g].as.iid[vm] : (uint64_t)vm;
}

int inject_scale_target(const inject *in, size_t g)
{
    return in->g[g].as.on ? in->g[g].as.target : in->g[g].spec->count;
}

int inject_scale_size(const inject *in, size_t g)
{
    return in->g[g].as.on ? in->g[g].as.members : in->g[g].spec->count;
}

int inject_alloc_failures(const inject *in, size_t g)
{
    return in->g[g].initial_failures;
}
