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
 * Cost: events live at the level of hosts, racks, zones and maintenance
 * steps; vmstate keeps each group's count of VMs down incrementally, so a
 * rack failure or a rebootless step is one event whose cost does not grow
 * with the VMs on the rack.  Each class of units whose times to failure are
 * exponential (hosts, racks, zones, a group's Spot VMs) runs as one
 * superposed process over the units that are up (exact for exponential
 * times), so the queue holds one event per class, not one per unit.
 *
 * Not thread-safe: one inject per worker thread.  Two injects built from the
 * same scenario produce identical replicas.
 */
#ifndef FDSIM_INJECT_H
#define FDSIM_INJECT_H

#include "csvio.h"
#include "diag.h"
#include "scenario.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct inject inject;

/* Build the world, place the groups (seed s->seed) and get ready to run
 * replicas of `s`, which must outlive the inject.  FD_OK or FD_ENOMEM. */
int inject_create(inject **out, const scenario *s, diag *d);

/* Free it.  NULL is a no-op. */
void inject_destroy(inject *in);

/* Run replica `replica` from time 0 to the horizon and write every group's
 * results to `out` (its record, downcount and month downtimes: one value
 * per replica).  When `trace` is not NULL, every event is written to it as
 * a CSV row (time in hours, event, target, then each group's VMs down after
 * it); inject_trace_header writes the header.  Cost: O(events x groups). */
void inject_replica(inject *in, uint64_t replica, const stats_out *out, csvio_writer *trace);

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
const struct place_result *inject_placement(const inject *in);

/* The most instance repairs group g had in progress at once in the last
 * replica (the 5 % cap bounds it). */
int inject_max_repairs(const inject *in, size_t g);

/* VMs of group g that placement could not allocate. */
int inject_alloc_failures(const inject *in, size_t g);

#endif
