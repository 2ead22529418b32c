/*
 * autoscale: a group's schedule of target instance counts, its floor, and
 * the choice of the VMs a scale-in removes (Azure's scale-in policies).
 *
 * Time: simulated time 0 is a Monday, 00:00 (a model: Azure's schedules
 * name days and times of day; fdsim has no calendar of its own).  Day d
 * (d = floor(t / 1 day)) is a weekday when d mod 7 < 5.  A day's profile
 * is the group's autoscaleWeekdays or autoscaleWeekend when given for that
 * day, else its autoscale (every day).  The target at time t is the last
 * entry of the day's profile at or before t's time of day, or, before the
 * day's first entry, the last target of the day before; it is clamped to
 * [autoscaleMinimum, autoscaleMaximum], as Azure bounds every profile.
 *
 * Scale-in (scaleInPolicy, Azure's documentation of scale-in policies):
 *  - Default: balance across zones (remove from the zone with the most
 *    VMs), then across fault domains within it (the logical FD with the
 *    most, or for max spreading the physical FD, the rack, with the most:
 *    best effort), then remove the VM with the highest instance ID;
 *  - NewestVM: balance across zones, then remove the newest VM;
 *  - OldestVM: balance across zones, then remove the oldest VM.
 * Protected VMs (protectFromScaleIn) are never removed.  "The zone with the
 * most VMs" is every zone tied for the most (among those holding a VM that
 * may go), and likewise for fault domains (counted within their zone): the
 * rule that follows (highest ID, newest, oldest) chooses among all their
 * VMs, so the choice is the documented one, never a draw.
 *
 * Pure functions of their arguments: no state, no random numbers.
 */
#ifndef FDSIM_AUTOSCALE_H
#define FDSIM_AUTOSCALE_H

#include "scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTOSCALE_DAY 86400.0  /* seconds in a day */
#define AUTOSCALE_WEEK (7 * AUTOSCALE_DAY)

/* Parse a day's profile "HH:MM N, HH:MM N, ..." (times strictly increasing,
 * targets in [lo, hi]) or "none" into *out.  0, or -1 with `why` (naming
 * the entry at fault and what is valid) and *out untouched.  O(length). */
int autoscale_parse(const char *value, int lo, int hi, scen_schedule *out, char *why,
                    size_t wl);

/* Write a profile as autoscale_parse reads it ("none" when empty) into
 * buf; returns buf.  O(entries). */
const char *autoscale_format(const scen_schedule *s, char *buf, size_t len);

/* Whether group gr's schedules cover every day: an every-day profile, or
 * both the weekday and the weekend ones.  O(1). */
bool autoscale_usable(const scen_group *gr);

/* The target instance count of group gr (autoscale_usable) at time t >= 0,
 * clamped to [as_min, as_max].  O(entries). */
int autoscale_target(const scen_group *gr, double t);

/* The first instant after t at which an entry of gr's schedules takes
 * effect (a target may change then), > t.  O(entries). */
double autoscale_next(const scen_group *gr, double t);

/* Whether gr's target never changes: every entry, clamped, is the same.
 * O(entries). */
bool autoscale_constant(const scen_group *gr);

/* The floor (the group's quorum) when the target is `target`: the fixed
 * quorum, ceil(share x target) (at least 1), or a majority of the target.
 * O(1). */
int autoscale_floor(const scen_group *gr, int target);

/* One VM of a group, as a scale-in sees it. */
typedef struct autoscale_vm {
    int zone;         /* its zone (0: regional) */
    int domain;       /* its fault domain for balancing: the logical FD, or its rack
                         under max spreading */
    uint64_t iid;     /* its instance ID (increasing with creation) */
    double created;   /* when it was created, s */
    bool protect;     /* protected from scale-in */
} autoscale_vm;

/* The index (< n <= 1000) of the VM a scale-in by policy `policy` removes
 * from the n VMs of `vms` (the set's members); -1 when every VM is
 * protected.  O(n). */
int autoscale_pick(scen_scalein policy, const autoscale_vm *vms, int n);

/* The k VMs a scale-in by k removes, in order (each the one autoscale_pick
 * chooses once those before it are gone), their indices into out[0..k-1];
 * returns how many (fewer when the rest are protected).  O(n + k x (n +
 * cells)), cells the distinct (zone, fault domain) pairs. */
int autoscale_scale_in(scen_scalein policy, const autoscale_vm *vms, int n, int k, int *out);

#endif
