/*
 * vmstate: which VMs are up, kept exactly and incrementally under
 * overlapping causes.
 *
 * The world is a tree: zone blocks (one block for a regional cluster) >
 * racks > hosts > VMs.  Every node holds a count of active causes that take
 * down everything under it: world causes (a zone outage, a rack failure, a
 * host failure: they hit every group) and group causes (a maintenance step
 * on a rack for one group; a VM's own reboot, eviction or replacement).  A VM
 * is up exactly when no node on its path to the root has an active cause, so
 * overlapping causes count once and nothing stays down after its last cause
 * ends.
 *
 * Invariant, per group g and node x: inner[g][x] = the number of g's VMs
 * under x that are up when x's own causes are ignored; up[g] is the same at
 * the root.  A cause starting or ending at x changes the group's up count by
 * inner[g][x], found by walking at most 3 parents, and the walk stops at the
 * first parent that is itself down.  So a rack failure costs O(groups), not
 * O(VMs on the rack), and a maintenance step on a rack costs O(1) per group.
 *
 * Costs: world cause O(groups x depth); group or VM cause O(depth); moving a
 * VM to another host O(depth); reset O(groups x nodes) by one copy.
 */
#ifndef FDSIM_VMSTATE_H
#define FDSIM_VMSTATE_H

#include <stddef.h>

typedef struct vmstate vmstate;

/* The shape of the world: zone blocks x racks x hosts. */
typedef struct vmstate_shape {
    int zone_blocks;    /* zones, or 1 for a regional cluster */
    int racks_per_zone; /* racks per zone block */
    int hosts_per_rack; /* hosts per rack */
} vmstate_shape;

/* Node ids: zone blocks first, then racks, then hosts. */
typedef int vmstate_node;

/* Make the state for `ngroups` groups of `counts[g]` VMs each, all up and
 * nowhere (place them with vmstate_place).  NULL on out of memory. */
vmstate *vmstate_create(vmstate_shape shape, size_t ngroups, const int *counts);

/* Free it.  NULL is a no-op. */
void vmstate_destroy(vmstate *v);

/* Put VM `vm` of group `g` on host `host` (a global host index), or take it
 * off its host with host = -1 (an unplaced VM is down).  Setting up: call
 * for each VM, then vmstate_snapshot.  During a replica: this moves a VM
 * (service healing, re-placement).  O(depth). */
void vmstate_place(vmstate *v, size_t g, int vm, int host);

/* Remember the current state as the start of every replica. */
void vmstate_snapshot(vmstate *v);

/* Return to the snapshot: every cause cleared, every VM where it was.
 * O(groups x (nodes + VMs)), a few memcpy. */
void vmstate_reset(vmstate *v);

/* Make `dst` (made with the same shape and groups) hold exactly the state
 * of `src`: causes, up counts, placement (its snapshot is left alone).
 * O(groups x nodes + VMs), no allocation. */
void vmstate_copy(vmstate *dst, const vmstate *src);

/* Node ids of a zone block, a rack, a host (global indices). */
vmstate_node vmstate_zone_node(const vmstate *v, int zone_block);
vmstate_node vmstate_rack_node(const vmstate *v, int rack);
vmstate_node vmstate_host_node(const vmstate *v, int host);

/* A world cause at `node` starts (+1) or ends (-1): every group. */
void vmstate_world_cause(vmstate *v, vmstate_node node, int delta);

/* A cause at `node` for group g only (a maintenance step). */
void vmstate_group_cause(vmstate *v, size_t g, vmstate_node node, int delta);

/* A cause on VM `vm` of group g only (a reboot, an eviction). */
void vmstate_vm_cause(vmstate *v, size_t g, int vm, int delta);

/* VMs of group g that are up now; down = count - up. */
int vmstate_up(const vmstate *v, size_t g);
int vmstate_down(const vmstate *v, size_t g);

/* Whether VM `vm` of group g is up now.  O(depth). */
int vmstate_vm_is_up(const vmstate *v, size_t g, int vm);

/* The host VM `vm` of group g is on, or -1. */
int vmstate_vm_host(const vmstate *v, size_t g, int vm);

/* Whether a node has an active world cause on it or on an ancestor (for a
 * host: it cannot take VMs now).  O(depth). */
int vmstate_node_is_down(const vmstate *v, vmstate_node node);

/* Group g's VMs placed under `node` (whatever their state).  O(1). */
int vmstate_vms_under(const vmstate *v, size_t g, vmstate_node node);

/* Group g's VMs under `node` that are up now: 0 while the node or one of
 * its ancestors has a cause (world, or group g's), else those of them
 * without a cause of their own below.  O(depth). */
int vmstate_up_under(const vmstate *v, size_t g, vmstate_node node);

/* Group g's VMs placed on some host.  O(zone blocks). */
int vmstate_placed(const vmstate *v, size_t g);

/* A number that changes whenever a VM may have moved to another rack (or
 * on or off a host), and on reset and copy: what is cached from the VMs'
 * racks is valid while it stays the same.  O(1). */
unsigned vmstate_layout(const vmstate *v);

/* Iterate the VMs on `host`: returns the first (group, vm) in *g, *vm and 1,
 * or 0 when the host is empty; then vmstate_host_next with the last pair. */
int vmstate_host_first(const vmstate *v, int host, size_t *g, int *vm);
int vmstate_host_next(const vmstate *v, size_t *g, int *vm);

#endif
