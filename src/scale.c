/*
 * scale: autoscale in a replica, one more mechanism of the injector
 * (inject_impl.h), beside failures (inject.c) and maintenance (maint.c).
 *
 * An autoscaling group has autoscaleMaximum VM slots.  At each entry of its
 * schedule (EV_SCALE) the target becomes the schedule's (autoscale.h), the
 * floor follows it (quorum: fixed, a share, a majority), and the set
 * moves towards it at once:
 *  - scale-out: each missing VM takes the lowest free slot and goes through
 *    the placement engine as a new VM (place_add_vm: where the mode puts
 *    it); it is a member from then on, down (one VM cause) until its
 *    provisioning time (autoscale.provisionTime, drawn from the group's
 *    stream) has passed (EV_SCALE_READY).  A VM that cannot be placed is an
 *    allocation failure; the set stays short and tries again after
 *    autoscale.retryInterval (EV_SCALE_RETRY) until it reaches the target
 *    or the target falls;
 *  - scale-in: the surplus is removed one VM at a time, each chosen by the
 *    scale-in policy among the unprotected members (autoscale_pick); it
 *    leaves at once, serving or not,
 *    and its host slot is free.
 * The group's tally counts VMs down among the members (provisioning ones
 * are down), against the floor and the target of the moment
 * (stats_tally_resize).  Imbalance across fault domains and zones is the
 * members' layout, which only scale actions change here (service healing
 * keeps a VM's rack; Spot and instance repair are refused with autoscale),
 * so it is integrated exactly from one scale action to the next.
 *
 * Update domains (Uniform): a new VM takes its placement group's
 * least-populated UD, and the UD index of rebootful walks is rebuilt; a UD
 * step in progress keeps exactly the VMs of its UD down (a VM joining it
 * is taken down with it, one leaving it is let go).
 *
 * Cost: a scale action costs O(VMs of the group x VMs moved) for scale-in
 * choices and O(VMs + racks) for the layout; a few per day.  A group
 * without autoscale costs nothing here.
 */
#include "inject_impl.h"

#include "alloc.h"
#include "place.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double now(const inject *in)
{
    return sim_now(in->sim);
}

int scale_init(inject *in, size_t g)
{
    scale_state *as = &in->g[g].as;
    const scen_group *sp = in->g[g].spec;
    memset(as, 0, sizeof *as);
    as->on = sp->autoscale;
    if (!as->on)
        return FD_OK;
    size_t n = (size_t)sp->count;
    as->member = fd_calloc(n, sizeof *as->member);
    as->prov = fd_calloc(n, sizeof *as->prov);
    as->gen = fd_calloc(n, sizeof *as->gen);
    as->iid = fd_calloc(n, sizeof *as->iid);
    as->created = fd_calloc(n, sizeof *as->created);
    as->cand = fd_calloc(n, sizeof *as->cand);
    as->cand_slot = fd_calloc(n, sizeof *as->cand_slot);
    as->mark = fd_calloc(n, sizeof *as->mark);
    as->picks = fd_calloc(n, sizeof *as->picks);
    as->per = fd_calloc((size_t)in->racks, sizeof *as->per);
    if (!as->member || !as->prov || !as->gen || !as->iid || !as->created || !as->cand
        || !as->cand_slot || !as->mark || !as->per || !as->picks)
        return FD_ENOMEM;
    return FD_OK;
}

void scale_fini(inject *in, size_t g)
{
    scale_state *as = &in->g[g].as;
    free(as->member);
    free(as->prov);
    free(as->gen);
    free(as->iid);
    free(as->created);
    free(as->cand);
    free(as->cand_slot);
    free(as->mark);
    free(as->picks);
    free(as->per);
    memset(as, 0, sizeof *as);
}

/* ----------------------------------------------------------- layout -- */

/* The members' imbalance now: the most minus the fewest VMs across the
 * group's zones (zone-spanning groups), and across the fault domains of
 * each unit (zone x placement group; logical FDs, or the racks of the zone
 * under max spreading), the worst unit.  O(VMs + racks). */
static void imbalance(inject *in, size_t g, int *fd_out, int *zone_out)
{
    gstate *st = &in->g[g];
    scale_state *as = &st->as;
    const scen_group *sp = st->spec;
    const place_group *pg = place_group_at(in->pr, g);
    int zpop[SCEN_MAX_ZONES + 1] = { 0 };
    for (int i = 0; i < pg->count; i++)
        if (as->member[i])
            zpop[pg->vms[i].zone]++;
    int zone_imb = 0;
    if (__builtin_popcount(sp->zones) >= 2) {
        int lo = INT32_MAX, hi = 0;
        for (int z = 1; z <= SCEN_MAX_ZONES; z++)
            if (sp->zones & (1u << (z - 1))) {
                lo = zpop[z] < lo ? zpop[z] : lo;
                hi = zpop[z] > hi ? zpop[z] : hi;
            }
        zone_imb = hi - lo;
    }
    int F = sp->fd_count, worst = 0;
    for (int zone = 0; zone <= SCEN_MAX_ZONES; zone++) {
        if (zpop[zone] == 0)
            continue;
        for (int p = 0; p < pg->npg; p++) {
            /* the unit's domains: F logical FDs, or the zone's racks */
            int first = 0, nd = F;
            if (F == 1) { /* a zone's racks, or the racks of the zoneless region */
                first = zone ? (zone - 1) * in->rpz : 0;
                nd = zone ? in->rpz : in->racks;
            }
            memset(as->per, 0, (size_t)nd * sizeof *as->per);
            int any = 0;
            for (int i = 0; i < pg->count; i++) {
                const place_vm *v = &pg->vms[i];
                if (!as->member[i] || v->zone != zone || v->pg != p)
                    continue;
                as->per[F == 1 ? v->rack - first : v->fd]++;
                any++;
            }
            if (!any)
                continue;
            int lo = INT32_MAX, hi = 0;
            for (int k = 0; k < nd; k++) {
                lo = as->per[k] < lo ? as->per[k] : lo;
                hi = as->per[k] > hi ? as->per[k] : hi;
            }
            worst = hi - lo > worst ? hi - lo : worst;
        }
    }
    *fd_out = worst;
    *zone_out = zone_imb;
}

/* Integrate the imbalance up to t. */
static void imbalance_to(scale_state *as, double t)
{
    double dt = t - as->imb_t;
    if (dt > 0) {
        as->fd_int += as->fd_imb * dt;
        as->zone_int += as->zone_imb * dt;
        as->imb_t = t;
    }
}

/* The layout changed at `now`: new imbalance; the tally told the set's
 * size, its VMs down, the floor and the target. */
static void changed(inject *in, size_t g)
{
    gstate *st = &in->g[g];
    scale_state *as = &st->as;
    double t = now(in);
    imbalance_to(as, t);
    imbalance(in, g, &as->fd_imb, &as->zone_imb);
    as->fd_max = as->fd_imb > as->fd_max ? as->fd_imb : as->fd_max;
    as->zone_max = as->zone_imb > as->zone_max ? as->zone_imb : as->zone_max;
    st->last_down = scale_down(in, g);
    stats_tally_resize(&st->tally, t, as->members, st->last_down, as->floor, as->target);
}

/* Rebuild the UD index of group g after a VM's UD or membership changed,
 * keeping a rebootful UD step in progress exact: the VMs of its UD (cell)
 * before and after hold one cause each.  O(VMs). */
static void reindex(inject *in, size_t g)
{
    gstate *st = &in->g[g];
    scale_state *as = &st->as;
    if (st->U == 0)
        return;
    const place_group *pg = place_group_at(in->pr, g);
    int cell = st->rf.busy && st->rf.open ? st->rf.steps[st->rf.i - 1] : -1;
    if (cell >= 0)
        for (int j = st->ud_first[cell]; j < st->ud_first[cell + 1]; j++)
            as->mark[st->ud_vms[j]] = true;
    inject_index_uds(st, pg);
    if (cell < 0)
        return;
    for (int j = st->ud_first[cell]; j < st->ud_first[cell + 1]; j++) {
        int vm = st->ud_vms[j];
        if (as->mark[vm])
            as->mark[vm] = false; /* in the step before and after */
        else
            vmstate_vm_cause(in->vs, g, vm, +1); /* joined the UD under maintenance */
    }
    for (int vm = 0; vm < pg->count; vm++)
        if (as->mark[vm]) { /* left the UD under maintenance */
            as->mark[vm] = false;
            vmstate_vm_cause(in->vs, g, vm, -1);
        }
}

/* --------------------------------------------------------- actions -- */

/* Remove member `vm`: its provisioning ends unfinished, it leaves its
 * host. */
static void remove_vm(inject *in, size_t g, int vm)
{
    scale_state *as = &in->g[g].as;
    assert(as->member[vm]);
    if (as->prov[vm]) {
        as->prov[vm] = false;
        vmstate_vm_cause(in->vs, g, vm, -1);
    }
    as->gen[vm]++;
    as->member[vm] = false;
    as->members--;
    as->ins++;
    vmstate_place(in->vs, g, vm, -1);
    place_release_vm(in->pr, in->w, g, vm);
    in->replaced = true;
}

/* Scale in by `k` VMs, by the group's policy; protected VMs stay. */
static void scale_in(inject *in, size_t g, int k)
{
    gstate *st = &in->g[g];
    scale_state *as = &st->as;
    const scen_group *sp = st->spec;
    const place_group *pg = place_group_at(in->pr, g);
    int n = 0;
    for (int i = 0; i < pg->count; i++) {
        if (!as->member[i])
            continue;
        const place_vm *v = &pg->vms[i];
        as->cand[n] = (autoscale_vm){ .zone = v->zone, .domain = sp->fd_count > 1 ? v->fd : v->rack,
                                      .iid = as->iid[i], .created = as->created[i],
                                      .protect = as->iid[i] < (uint64_t)sp->protect };
        as->cand_slot[n++] = i;
    }
    int *picks = as->picks, got = autoscale_scale_in(sp->scale_in, as->cand, n, k, picks);
    for (int i = 0; i < got; i++) /* fewer than k: the rest are protected */
        remove_vm(in, g, as->cand_slot[picks[i]]);
}

/* Scale out towards the target: place missing VMs until one fails; a
 * failure queues a retry. */
static void scale_out(inject *in, size_t g, int k)
{
    gstate *st = &in->g[g];
    scale_state *as = &st->as;
    const place_group *pg = place_group_at(in->pr, g);
    gsl_rng *r = sim_group_rng(in->sim, g);
    int slot = 0;
    for (; k > 0; k--) {
        while (slot < pg->count && as->member[slot])
            slot++;
        assert(slot < pg->count); /* target <= maximum = slots */
        in->replaced = true;
        if (place_add_vm(in->pr, in->w, g, slot, NULL) != FD_OK) {
            as->fails += k; /* this VM and those behind it: not allocated */
            if (as->retry == EVQ_NONE)
                as->retry = sim_at(in->sim, now(in) + in->s->as_retry, EV_SCALE_RETRY,
                                   (uint32_t)g, 0);
            return;
        }
        as->member[slot] = as->prov[slot] = true;
        as->members++;
        as->outs++;
        as->iid[slot] = as->next_iid++;
        as->created[slot] = now(in);
        vmstate_vm_cause(in->vs, g, slot, +1); /* provisioning */
        vmstate_place(in->vs, g, slot, pg->vms[slot].host);
        double t = dist_sample(&in->s->as_provision, r);
        sim_at(in->sim, now(in) + t, EV_SCALE_READY, (uint32_t)g,
               (uint64_t)slot | (uint64_t)as->gen[slot] << 32);
    }
}

/* Move the set towards the target now. */
static void settle(inject *in, size_t g)
{
    scale_state *as = &in->g[g].as;
    int want = as->target - as->members;
    if (want > 0)
        scale_out(in, g, want);
    else if (want < 0)
        scale_in(in, g, -want);
    if (as->members >= as->target && as->retry != EVQ_NONE) {
        sim_cancel(in->sim, as->retry);
        as->retry = EVQ_NONE;
    }
    reindex(in, g);
    changed(in, g);
}

void scale_on_scale(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    gstate *st = &in->g[g];
    scale_state *as = &st->as;
    (void)sm;
    as->target = autoscale_target(st->spec, now(in));
    as->floor = autoscale_floor(st->spec, as->target);
    double next = autoscale_next(st->spec, now(in));
    if (next < in->s->horizon && !autoscale_constant(st->spec))
        sim_at(in->sim, next, EV_SCALE, (uint32_t)g, 0);
    settle(in, g);
}

void scale_on_ready(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    scale_state *as = &in->g[g].as;
    int vm = (int)(ev->data & 0xffffffffu);
    (void)sm;
    if (as->gen[vm] != (unsigned)(ev->data >> 32) || !as->prov[vm]) {
        in->idle = true; /* removed before it served */
        return;
    }
    as->prov[vm] = false;
    vmstate_vm_cause(in->vs, g, vm, -1);
}

void scale_on_retry(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    size_t g = ev->id;
    (void)sm;
    in->g[g].as.retry = EVQ_NONE;
    settle(in, g);
}

/* ------------------------------------------------------- lifecycle -- */

void scale_start(inject *in, size_t g)
{
    gstate *st = &in->g[g];
    scale_state *as = &st->as;
    const scen_group *sp = st->spec;
    const place_group *pg = place_group_at(in->pr, g);
    as->members = 0;
    as->next_iid = 0;
    for (int i = 0; i < pg->count; i++) {
        as->member[i] = pg->vms[i].placed;
        as->prov[i] = false;
        as->gen[i] = 0;
        as->created[i] = 0;
        as->iid[i] = as->member[i] ? as->next_iid++ : 0;
        as->members += as->member[i];
    }
    as->next_iid = (uint64_t)sp->initial > as->next_iid ? (uint64_t)sp->initial : as->next_iid;
    as->target = autoscale_target(sp, 0);
    as->floor = autoscale_floor(sp, as->target);
    as->retry = EVQ_NONE;
    as->outs = as->ins = as->fails = 0;
    as->imb_t = 0;
    as->fd_int = as->zone_int = 0;
    as->fd_max = as->zone_max = 0;
    inject_index_uds(st, pg);
    double next = autoscale_next(sp, 0);
    if (next < in->s->horizon && !autoscale_constant(sp)) /* a constant one never acts */
        sim_at(in->sim, next, EV_SCALE, (uint32_t)g, 0);
    if (as->members < as->target)
        as->retry = sim_at(in->sim, in->s->as_retry, EV_SCALE_RETRY, (uint32_t)g, 0);
    imbalance(in, g, &as->fd_imb, &as->zone_imb);
    as->fd_max = as->fd_imb;
    as->zone_max = as->zone_imb;
    st->last_down = scale_down(in, g);
    stats_tally_resize(&st->tally, 0, as->members, st->last_down, as->floor, as->target);
}

void scale_finish(inject *in, size_t g, const stats_out *out)
{
    scale_state *as = &in->g[g].as;
    if (!as->on)
        return;
    double T = in->s->horizon;
    imbalance_to(as, T);
    stats_replica *rec = &out->rec[g];
    rec->scale_outs = as->outs;
    rec->scale_ins = as->ins;
    rec->scale_alloc_failures = as->fails;
    rec->fd_imbalance = as->fd_int / T;
    rec->fd_imbalance_max = as->fd_max;
    rec->zone_imbalance = as->zone_int / T;
    rec->zone_imbalance_max = as->zone_max;
}
