/*
 * world: the physical world of a scenario and its free capacity.
 *
 * Layout: zone blocks (the region's zones 1..3, or one regional cluster when
 * the region has none) x racks (physical fault domains) x hosts x VM slots.
 * Indices are global and dense: rack r = block * racks_per_zone + i, host
 * h = r * hosts_per_rack + j, so a rack's hosts are contiguous.
 *
 * Capacity: each host has free slots; each rack keeps the sum of the free
 * slots of its hosts that are up, updated incrementally, so "does this rack
 * have room" is O(1).  A host that is down (world_set_host_up) offers no
 * room but keeps the VMs it holds; releasing a slot on it is allowed.
 *
 * Invariant: 0 <= free(h) <= vms_per_host; rack_free(r) = sum of free(h)
 * over the up hosts of r.  Misuse (taking a slot that is not free, releasing
 * one that is) is a broken invariant of the caller: asserted.
 *
 * A world belongs to one simulation; it is not thread-safe.
 */
#ifndef FDSIM_WORLD_H
#define FDSIM_WORLD_H

#include "diag.h"
#include "scenario.h"

#include <stdbool.h>

typedef struct world world;

/* Build the world of scenario `s` (not kept) at full capacity, every host
 * up.  FD_OK, or FD_ENOMEM with *out = NULL and a message in `d`.
 * Cost: O(hosts + racks). */
int world_create(world **out, const scenario *s, diag *d);

/* Free the world.  NULL is a no-op.  O(1). */
void world_destroy(world *w);

/* Restore full capacity and bring every host up, as at creation (each
 * replica starts fresh).  O(hosts + racks), no allocation. */
void world_reset(world *w);

/* Copy the capacity state of `src` into `dst`, two worlds of the same
 * scenario (asserted): a cheap snapshot/restore.  O(hosts + racks). */
void world_copy(world *dst, const world *src);

/* Zones of the region: 1..3, or 0 for one regional cluster.  O(1). */
int world_zones(const world *w);

/* Racks per zone block (per regional cluster).  O(1). */
int world_racks_per_zone(const world *w);

/* Hosts per rack.  O(1). */
int world_hosts_per_rack(const world *w);

/* VM slots per host.  O(1). */
int world_slots_per_host(const world *w);

/* Total racks and hosts of the world.  O(1). */
int world_racks(const world *w);
int world_hosts(const world *w);

/* Zone (1..3) of rack `rack`, or 0 when the region is regional.  O(1). */
int world_rack_zone(const world *w, int rack);

/* Rack of host `host`.  O(1). */
int world_host_rack(const world *w, int host);

/* First host of rack `rack` (its hosts are first .. first+hosts_per_rack-1). O(1). */
int world_rack_first_host(const world *w, int rack);

/* Free slots on `host`; 0 while the host is down.  O(1). */
int world_host_free(const world *w, int host);

/* The up host of `rack` with the most free slots (the lowest of a tie), or
 * -1 when none has a free slot.  O(hosts per rack). */
int world_rack_roomiest(const world *w, int rack);

/* Free slots on the up hosts of `rack`.  O(1). */
int world_rack_free(const world *w, int rack);

/* Whether `host` is up (accepts new VMs).  O(1). */
bool world_host_up(const world *w, int host);

/* Mark `host` up or down.  A down host offers no free slot to placement;
 * the VMs it holds keep their slots.  O(1). */
void world_set_host_up(world *w, int host, bool up);

/* Take one slot on `host`, which must be up with a free slot (asserted). O(1). */
void world_take(world *w, int host);

/* Give back one slot on `host`, which must hold a VM (asserted).  O(1). */
void world_release(world *w, int host);

#endif
