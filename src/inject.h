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

/* The simulated time of the replica in progress, seconds.  O(1). */
double inject_now(const inject *in);

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

/* VMs of group g that placement could not allocate. */
int inject_alloc_failures(const inject *in, size_t g);

#endif
