/*
 * inject: the failure and maintenance injector, and the replica it drives.
 *
 * An inject owns everything one replica mutates: the simulation context,
 * the world's capacity, the placement and the VMs' up/down state.  It places
 * the scenario's groups once; each inject_replica() rewinds to that
 * placement (simulation.placement = once) or places them afresh from the
 * replica's stream (perReplica), then plays one horizon of:
 *  - unplanned failures, each class an independent process on the physical
 *    world with its own stream: hosts (time to failure per host, then out for
 *    repairTime), racks (every host of the rack down for the outage), zones,
 *    correlated bursts (several hosts of one rack within a window), and Spot
 *    evictions of each group's Spot VMs (a rate per VM-hour; Deallocate
 *    restarts in place after restoreTime, Delete re-places);
 *  - recovery: service healing restarts a failed host's VMs on healthy
 *    hosts of the same rack with room after the healing time (else they wait
 *    for the repair); automatic instance repair (groups that opt in)
 *    replaces a VM that a host, rack or zone failure has kept down for the
 *    grace period, through the placement engine, within the 5 % cap;
 *  - autoscale (groups with a schedule, scale.c): at each entry of a group's
 *    schedule its target and floor change; scale-outs place new VMs through
 *    the placement engine (down while they provision; an allocation failure
 *    is retried), scale-ins remove VMs by the group's scale-in policy;
 *  - planned maintenance in waves, each starting at a random time within its
 *    period: rebootless waves walk the racks (physical fault domains) one at a
 *    time, zone by zone, pausing every VM of the rack (rebooting it when its
 *    size lacks memory-preserving support; the step lasts the pause, or the
 *    reboot where a VM on the rack reboots); rebootful waves walk each
 *    Availability Set's and Uniform set's update domains and each Flexible
 *    group's racks, zone by zone, rebooting one domain at a time with a
 *    settle gap before the next.  Azure documents no walk order, so every
 *    walk draws its own: the zones, and the domains within each zone.
 *
 * Cost: events live at the level of hosts, racks and zones; vmstate keeps
 * each group's count of VMs down incrementally, so a rack failure is one
 * event whose cost does not grow with the VMs on the rack.  Maintenance
 * costs one event per wave: its walk is a cursor (maint.c) played up to
 * each event that can change a VM, each step that overlaps nothing added
 * to the tallies as an excursion (whole walks with fixed durations as one
 * sum per group), so a replica's cost grows with its unplanned failures,
 * not with its maintenance steps.  Each class of units whose times to
 * failure are exponential (hosts, racks, zones, a group's Spot VMs) runs as
 * one superposed process (exact for exponential times), so the queue holds
 * one event per class, not one per unit; the world's classes by thinning,
 * so a unit going down or up costs no queue operation.
 *
 * Not thread-safe: one inject per worker thread.  Two injects built from the
 * same scenario produce identical replicas.
 */
#ifndef FDSIM_INJECT_H
#define FDSIM_INJECT_H

#include "csvio.h"
#include "diag.h"
#include "place.h"
#include "scenario.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct inject inject;

/* Get ready to run replicas of `s` from the placement `plan` (the run's
 * placement stage: place_build of `s`), working on copies of its world and
 * placement; `s` and `plan` are borrowed and must outlive the inject.
 * FD_OK or FD_ENOMEM.  Cost: O(world + VMs). */
int inject_create_placed(inject **out, const scenario *s, const place_result *plan, diag *d);

/* As inject_create_placed, with a placement of its own (place_build of
 * `s`): for a single injector, e.g. in tests. */
int inject_create(inject **out, const scenario *s, diag *d);

/* Free it.  NULL is a no-op. */
void inject_destroy(inject *in);

/* Run replica `replica` from time 0 to the horizon and write every group's
 * results to `out` (its record, downcount and month downtimes: one value
 * per replica).  When `trace` is not NULL, every event is written to it as
 * a CSV row (time in hours, event, target, then each group's VMs down after
 * it); inject_trace_header writes the header.  Returns FD_OK, or
 * FD_ENOMEM when the event queue could not grow (the results are then
 * incomplete: do not use them).  Cost: O(events x groups). */
int inject_replica(inject *in, uint64_t replica, const stats_out *out, csvio_writer *trace);

/* The same replica in steps: inject_begin rewinds to the run's placement
 * (or places afresh, per replica) and queues each process's first event at
 * time 0; inject_advance runs the events due at or before `until` (capped
 * at the horizon), writing them to `trace` when not NULL; inject_end runs
 * the rest to the horizon and writes the results.  begin then end is
 * inject_replica, bytes and all, however the replica is advanced between;
 * inject_end returns what inject_replica does. */
void inject_begin(inject *in, uint64_t replica);
void inject_advance(inject *in, double until, csvio_writer *trace);
int inject_end(inject *in, const stats_out *out, csvio_writer *trace);

/* The simulated time of the replica in progress, seconds, and the
 * horizon the replicas run to.  O(1). */
double inject_now(const inject *in);
double inject_horizon(const inject *in);

/* Snapshots, to clone a replica mid-run (the rare-event estimator splits
 * replicas at level crossings).  A snapshot is an inject of the same
 * scenario and placement that holds a copy of the replica state:
 * everything a replica mutates (the clock, the queue with its handles and
 * every random stream; the world's capacity; the placement; every VM's
 * state; the outage bookkeeping, the failure pools, the maintenance walks
 * and every group's repair queue and tally).  Create one per slot with
 * inject_snapshot_create (it borrows `in`'s scenario and placement: destroy
 * it first, with inject_destroy).  inject_snapshot copies `in`'s state into
 * `snap`; inject_restore copies it back, so that `in` continues exactly as
 * it would have from the moment of the snapshot, with the same streams.
 * Both cost O(world + VMs + queue capacity + months) and allocate only when
 * the queue must grow (FD_ENOMEM then, with the message in `d`).  Restore
 * only from a snapshot that was taken.  The walk stream is not copied:
 * each walk derives it afresh and draws everything at its start. */
int inject_snapshot_create(inject **snap, const inject *in, diag *d);
int inject_snapshot(inject *snap, const inject *in, diag *d);
int inject_restore(inject *in, const inject *snap, diag *d);

/* ------------------------------------------------ splitting support --
 * What the rare-event estimator (rare.h) needs to split a replica at the
 * instants a group's count of VMs down changes, and to run retrials of it.
 *
 * A watched advance (inject_run) stops right after any change of a watched
 * group's VMs down, at a consistent instant: the event (or the maintenance
 * step) that made it has been applied and told to the tallies, nothing
 * after it has; the clock is at the change, so a snapshot taken then and
 * restored later continues from there.  Maintenance steps that a fold cap
 * forbids folding (inject_set_fold_cap) are played as changes, so every
 * change that could split is seen at its instant. */

/* Where and why a watched advance stopped. */
typedef struct inject_halt {
    double t;        /* the instant of the change, s */
    uint32_t kind;   /* the event type that made it (inject_kind_name) */
} inject_halt;

/* Halt watched advances after any change of group g's VMs down (on), or
 * not.  Not part of the replica state (snapshots leave it alone).  O(groups). */
void inject_watch(inject *in, size_t g, bool on);

/* Run the replica in progress up to `until` (capped at the horizon), as
 * inject_advance without a trace; when some group is watched, stop after
 * the first change of a watched group, fill *h and return true (then
 * inject_halted says which groups changed).  False: `until` was reached.
 * Cost: inject_advance's, plus one look at the next event per event. */
bool inject_run(inject *in, double until, inject_halt *h);

/* Whether group g changed in the change the last inject_run stopped at. */
bool inject_halted(const inject *in, size_t g);

/* The kinds of change (the event types and the walks' ends): their number
 * and their names, as a trace shows them ("rack_fail", "rebootful_step").
 * O(1). */
uint32_t inject_kinds(void);
const char *inject_kind_name(uint32_t kind);

/* A watched advance also halts, for the groups a walk may take down, when
 * the walk starts (kind: its wave, rebootless_wave or rebootful_wave) and
 * when it is done (rebootless_walk_done, rebootful_walk_done): a walk in
 * progress is a degraded state of its own.  inject_walk_of: the class of
 * walk a wave kind starts (0 rebootless, 1 rebootful), -1 for any other
 * kind; inject_walk_busy: whether that walk, for group g, is in progress. */
int inject_walk_of(uint32_t kind);
bool inject_walk_busy(const inject *in, size_t g, int cls);

/* The kind of a rebootless (cls 0) or rebootful (1) maintenance step. */
uint32_t inject_step_kind(int cls);

/* FD_OK, or FD_ENOMEM once the replica in progress could not queue an
 * event (it is then incomplete).  O(1). */
int inject_status(const inject *in);

/* Group g's VMs down now (as its tally was last told).  O(1). */
int inject_down(const inject *in, size_t g);

/* Group g's tally, integrated up to time t (>= its last change, no later
 * than the next change: the current instant, or the horizon once the
 * replica has been run to it), without closing it: its sums are exact up
 * to t.  The pointer is valid until the inject changes.  O(1). */
const stats_tally *inject_tally(inject *in, size_t g, double t);

/* Forbid folding maintenance steps of class `cls` (0 rebootless, 1
 * rebootful) for group g that would take it from d VMs down to cap[d] or
 * more (cap has count + 1 entries, borrowed until replaced; NULL: fold as
 * before).  A folded step is not seen as a change; a played one is.
 * O(1). */
void inject_set_fold_cap(inject *in, size_t g, int cls, const int *cap);

/* Make the replica in progress a retrial of itself: every random stream
 * (the world's, the groups', the bias's, those of the walks in progress)
 * is rederived from (seed, key) instead of (seed, replica), and the clocks
 * that are memoryless, the pending failures of the exponential classes
 * (pooled hosts, racks, zones, Spot VMs), are redrawn from now from the
 * new streams; other pending events (repairs in progress, their drawn
 * residuals; waves) are kept, which leaves the retrial a sample of the
 * future given the present.  An active bias ends.  O(streams + walks). */
void inject_reseed(inject *in, uint64_t key);

/* Importance sampling for a retrial of group g, from now (bias.c):
 *  - each exponential failure class that runs pooled fails faster by a
 *    factor beta in the units holding an up VM of g now, for `window`
 *    seconds, with beta chosen so that those units fail `theta` times in
 *    the window on average (no faster than naturally);
 *  - the pending rebootless and rebootful waves (uniform in their period)
 *    are redrawn, with probability `wave_share` uniformly within the window
 *    (where it meets their period), else uniformly over what is left of the
 *    period.
 * The path's likelihood ratio (natural over biased: each biased failure
 * 1/beta, the survival exp((beta - 1) x exposure), each wave its density
 * ratio) is inject_bias_lr.  Call after inject_reseed.  O(VMs of g). */
typedef struct inject_bias {
    double window;     /* s, > 0 */
    double theta;      /* failures of the group's units expected in the window, >= 0 */
    double wave_share; /* 0..1 */
} inject_bias;
void inject_bias_start(inject *in, size_t g, const inject_bias *b);

/* The likelihood ratio of the path from the bias's start up to time t
 * (>= now, no later than the next event: the instant a retrial ends), 1
 * with no bias.  Its mean under the biased law is 1 at any t, so weighting
 * what a retrial accrues up to t by it is unbiased.  O(classes). */
double inject_bias_lr(inject *in, double t);

/* Called after every event of a replica, once the VMs' states reflect it:
 * `t` is the simulated time in seconds, `event` and `target` the names a
 * trace row shows ("rebootful_step", "avset UD 2").  The strings are valid
 * during the call only.  The observer may read the inject (inject_vm_is_up,
 * inject_placement) but must not change it. */
typedef void (*inject_observe_fn)(void *user, const inject *in, double t,
                                  const char *event, const char *target);

/* Call `fn(user, ...)` after every event of the following replicas; NULL
 * stops.  Cost: the describing of each event, plus what `fn` does. */
void inject_set_observer(inject *in, inject_observe_fn fn, void *user);

/* Whether VM `vm` of group g is up now.  O(depth of the world tree). */
bool inject_vm_is_up(const inject *in, size_t g, int vm);

/* Write the header row of a trace. */
void inject_trace_header(const inject *in, csvio_writer *trace);

/* Events run by the last replica. */
uint64_t inject_events(const inject *in);

/* The placement as the last replica left it (healing and re-placement
 * move VMs); valid until the next replica or inject_destroy. */
const place_result *inject_placement(const inject *in);

/* The most instance repairs group g had in progress at once in the last
 * replica (the 5 % cap bounds it). */
int inject_max_repairs(const inject *in, size_t g);

/* Autoscaling group g now (scale.c): whether slot `vm` is a member of the
 * set, the instance ID of a member (increasing with creation), the target
 * and the set's size.  For a group without autoscale: every VM a member,
 * its index its ID, count the target and size.  O(1). */
bool inject_scale_member(const inject *in, size_t g, int vm);
uint64_t inject_scale_iid(const inject *in, size_t g, int vm);
int inject_scale_target(const inject *in, size_t g);
int inject_scale_size(const inject *in, size_t g);

/* VMs of group g that placement could not allocate. */
int inject_alloc_failures(const inject *in, size_t g);

#endif
