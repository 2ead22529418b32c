/*
 * place: the placement engine.  Puts every VM of every group of a scenario
 * on a zone, a logical fault domain, an update domain, a placement group, a
 * physical rack and a host, by the rules of DOMAIN.md section 3:
 *
 *  - Zones: a zonal group's VM goes to its least-populated zone (ties: the
 *    lowest).  Best effort (default): when that zone has no room, the next
 *    least-populated zone with room.  Strict (zoneBalance): only zones that
 *    keep the group's zones within +-1 of each other; else the VM fails.
 *  - Regional groups: no zone spread is promised (an Availability Set is one
 *    cluster, hence one zone).  In a region with zones a regional group lives
 *    in one zone, drawn from its stream among the zones with room for all of
 *    it (else the zone with the most free slots); a zone outage takes all of
 *    it.  In a region without zones it uses the one regional cluster.
 *  - Candidate racks: the racks of the VM's zone (a zonal group's zone, a
 *    regional group's home zone) or every rack of a zoneless world.  A
 *    "unit" is (zone, placement group): each unit is spread on its own.
 *  - Max spreading (F = 1): round-robin over the unit's racks with room,
 *    from a start drawn from the group's stream; full racks are skipped.
 *  - Fixed spreading (F > 1): the unit's F logical FDs are mapped, at its
 *    first VM, to the F candidate racks with the most free slots (ties: the
 *    rotation from the drawn start).  A VM goes to the least-populated FD
 *    (ties: the lowest) or to its pin (Flexible platformFaultDomain); when
 *    that FD's rack is full the VM fails: it never moves to another rack.
 *  - Update domains: Availability Set i mod U; Uniform (index within its
 *    placement group) mod 5; Flexible none (-1).
 *  - Placement groups (Uniform, not single): PG p holds VMs 100p..100p+99.
 *  - Hosts: in the chosen rack, the host with room holding the fewest VMs
 *    of the group (ties: most free slots, then the lowest index).
 *  - Spot: VM i is Spot iff floor((i+1)s + 1e-9) > floor(is + 1e-9) for
 *    s = spotShare: Spot VMs are interleaved and there are exactly
 *    floor(count * s + 1e-9) of them (floor, not round: 5 VMs at 0.5 -> 2).
 *
 * Populations count placed VMs only: a VM whose allocation failed does not
 * exist in any zone or FD, so after a failure the next VM is offered the
 * same zone / FD again.  Allocation failures are results, not errors: they
 * are counted per group with the first reason.
 *
 * Determinism: each group draws from its own stream (seed, UINT64_MAX, name), apart from every replica's streams, so its
 * draws do not depend on other groups; its racks still depend on the free
 * capacity the groups before it left (fixed spreading picks the emptiest).
 */
#ifndef FDSIM_PLACE_H
#define FDSIM_PLACE_H

#include "csvio.h"
#include "diag.h"
#include "scenario.h"
#include "world.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PLACE_PG_SIZE 100     /* VMs per Uniform placement group */
#define PLACE_MAX_FD 5        /* most logical FDs of any mode */
#define PLACE_MAX_UD 20       /* most update domains (Availability Set) */
#define PLACE_REASON_MAX 256  /* longest failure reason, with NUL */

/* Where one VM is.  For a VM that is not placed, zone/fd/ud/pg still say
 * where it was meant to go; rack and host are -1. */
typedef struct place_vm {
    int zone;   /* the zone the VM is in, 1..3 (a regional group's home zone in a
                   region with zones); 0 in a region without zones */
    int fd;     /* logical fault domain 0..F-1 (0 for max spreading: the API shows one FD) */
    int ud;     /* update domain 0..U-1, or -1 (Flexible has none) */
    int pg;     /* Uniform placement group (0-based), else 0 */
    int rack;   /* global physical rack (physical FD) - the hidden FD for max spreading */
    int host;   /* global host index */
    bool spot;  /* a Spot VM */
    bool placed;/* false: allocation failed (or the VM was released) */
} place_vm;

/* The placement of one group.  Owned by its place_result. */
typedef struct place_group {
    const scen_group *spec;        /* the group's spec; the scenario must outlive the result */
    place_vm *vms;                 /* count records, VM i at index i */
    int count;                     /* VMs of the group (spec->count) */
    int npg;                       /* placement groups (1 unless Uniform, not single) */
    int failures;                  /* failed allocations: initial ones and re-placements */
    char reason[PLACE_REASON_MAX]; /* the first failure's reason; "" when none */
} place_group;

/* What a capacity planner wants to know about one group's placement. */
typedef struct place_summary {
    int count;                     /* VMs of the group */
    int placed;                    /* VMs holding a slot */
    int spot;                      /* Spot VMs (placed or not) */
    int failures;                  /* failed allocations (place_group.failures) */
    int nfd;                       /* logical FDs F (1 for max spreading) */
    int per_fd[PLACE_MAX_FD];      /* placed VMs per logical FD, summed over PGs and zones */
    int nud;                       /* update domains U; 0 for Flexible */
    int per_ud[PLACE_MAX_UD];      /* placed VMs per update domain, summed over PGs */
    int per_zone[SCEN_MAX_ZONES + 1]; /* placed VMs per physical zone of their rack;
                                         [0]: the regional cluster of a zoneless region */
    int racks_used;                /* distinct racks holding a VM of the group */
    int hosts_used;                /* distinct hosts holding a VM of the group */
    int worst_rack;                /* VMs lost to one rack failure (most on one rack) */
    int worst_step;                /* VMs down in one maintenance step: most per UD
                                      (Availability Set, Uniform); Flexible goes FD by
                                      FD: most per logical FD, or per rack for F = 1 */
    int worst_zone;                /* VMs lost to one zone outage (most in one zone) */
    int worst_host;                /* VMs lost to one host failure (most on one host) */
} place_summary;

typedef struct place_result place_result;

/* Place every group of `s` in scenario order on world `w` (taking its
 * slots).  Group g draws from stream rng_derive(seed, 0, rng_stream_id(name)).
 * On FD_OK *out owns the result (place_result_destroy); it points into `s`
 * (group specs), which must outlive it.  Allocation failures are results
 * (place_group.failures), not errors; the only error is FD_ENOMEM (then
 * *out = NULL; slots already taken are not given back: reset the world).
 * Cost: O(VMs x (racks + hosts per rack + VMs of the group)) at worst. */
int place_all(world *w, const scenario *s, uint64_t seed, place_result **out, diag *d);

/* The placement stage: build the world of `s` and place every group on it
 * (place_all with s->seed), once per run; everyone downstream (injectors,
 * analytic, `place`, `plot`) reads this one result.  *out owns the world it
 * placed on (place_world).  FD_OK, or FD_ENOMEM with *out = NULL.
 * Cost: world_create plus place_all. */
int place_build(const scenario *s, place_result **out, diag *d);

/* The world as placed (every slot the groups took is taken) of a result of
 * place_build; NULL for place_all's.  O(1). */
const world *place_world(const place_result *r);

/* A new result, owned by the caller, equal to `src` (a result of
 * place_build) but with no world of its own: an injector's working copy,
 * which replicas move VMs in.  FD_OK or FD_ENOMEM (*out = NULL).
 * O(VMs). */
int place_clone(place_result **out, const place_result *src, diag *d);

/* Place every group of `r` afresh on `w` (whose slots must all be free,
 * e.g. after world_reset), group g drawing from its stream for `replica`
 * (apart from the run's one placement and from the replica's simulation
 * streams): simulation.placement = perReplica.  Allocation failures are
 * counted afresh.  No allocation; the cost of place_all. */
void place_again(place_result *r, world *w, uint64_t seed, uint64_t replica);

/* Free a result.  NULL is a no-op. */
void place_result_destroy(place_result *r);

/* Groups in the result (the scenario's ngroups).  O(1). */
size_t place_ngroups(const place_result *r);

/* Group `g` (< place_ngroups), valid until the result is destroyed.  O(1). */
const place_group *place_group_at(const place_result *r, size_t g);

/* Give back the slot of VM `vm` of group `g` (Spot Delete, a deleted VM);
 * the record keeps its zone and FD and becomes not placed.  A VM that is
 * not placed is left as is.  O(1). */
void place_release_vm(place_result *r, world *w, size_t g, int vm);

/* Place VM `vm` of group `g` again (automatic instance repair, a Spot VM
 * recreated): release its slot if it holds one, then place it under the
 * same rules: the same zone (zonal group), the same logical FD on that FD's
 * rack (fixed spreading), the unit's next round-robin rack with room (max
 * spreading), a host by the usual host rule (it may be the one it left:
 * mark a failed host down with world_set_host_up first).  FD_OK, or
 * FD_ECAPACITY with the reason in `d` (also counted in the group's
 * failures); the VM is then not placed.
 * Cost: O(racks + hosts per rack + VMs of the group). */
int place_replace_vm(place_result *r, world *w, size_t g, int vm, diag *d);

/* Place VM `vm` of group `g`, which holds no slot, as a new VM of the
 * group (an autoscale scale-out): the least-populated zone (strict zone
 * balance, or the next with room), the least-populated logical FD of its
 * unit on that FD's rack (fixed spreading), the unit's next round-robin
 * rack with room (max spreading), a host by the usual rule; Uniform: the
 * least-populated update domain of its placement group.  FD_OK, or
 * FD_ECAPACITY (counted in the group's failures, the VM not placed; `d`
 * may be NULL).  Cost: O(racks + hosts per rack + VMs of the group). */
int place_add_vm(place_result *r, world *w, size_t g, int vm, diag *d);

/* Copy every group's placement and the engine's round-robin and
 * fault-domain state from `src` into `dst`, which must have the same
 * groups (a place_clone of the same result): how each replica returns to
 * the run's placement (the world's capacity is the caller's to copy, e.g.
 * world_copy from place_world).  O(VMs), no allocation. */
void place_copy(place_result *dst, const place_result *src);

/* Move placed VM `vm` of group g to `host`, which must be up, have room and
 * be on the VM's rack (service healing keeps the fault domain).  O(1). */
void place_move_vm(place_result *r, world *w, size_t g, int vm, int host);

/* Put VM `vm` of group g back where `src` (a result of the same scenario)
 * has it, after place_move_vm moved it: its record only (the world's
 * capacity is the caller's to restore).  O(1). */
void place_copy_vm(place_result *dst, const place_result *src, size_t g, int vm);

/* Fill `out` with the summary of group `g`.  Should memory for the sort run
 * out, racks_used and hosts_used are -1 and worst_rack / worst_host the
 * bound `placed`.  O(VMs log VMs). */
void place_summarize(const place_result *r, size_t g, place_summary *out);

/* Write one CSV row per VM of every group, after the header
 * group,vm,zone,fault_domain,update_domain,placement_group,rack,host,spot,placed
 * (update_domain empty for Flexible; rack and host empty when not placed;
 * spot and placed as 0/1).  Write errors surface at csvio_writer_finish.
 * O(VMs). */
void place_write_csv(const place_result *r, csvio_writer *w);

/* Print per group a summary for a capacity planner: mode, FD/UD setup, VMs
 * per FD / UD / zone, racks and hosts used, the worst case lost to one rack,
 * one UD (or FD) step, one zone, one host, and the allocation failures with
 * the first reason.  Returns 0, or -1 on a write error.  O(VMs log VMs). */
int place_print_table(const place_result *r, const scenario *s, FILE *f);

#endif
