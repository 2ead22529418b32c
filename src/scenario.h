/*
 * scenario: what to simulate, loaded from an INI file (parsed with inih),
 * overridden by `--set section.key=value`, resolved (every "auto" default
 * filled in) and validated against the platform rules before anything runs.
 *
 * Invariant: a scenario returned by scenario_load() is complete and valid:
 * every value is concrete (no "auto" left) and inside its documented range,
 * every group obeys the rules of its orchestration mode (DOMAIN.md §3) and the
 * world has room for every group.  Code downstream never re-validates.
 *
 * The format itself (sections, keys, units, defaults, ranges) is documented
 * in scenarios/README.md; scenario.c holds the one table of keys that drives
 * parsing, defaults, printing and "did you mean" suggestions.
 */
#ifndef FDSIM_SCENARIO_H
#define FDSIM_SCENARIO_H

#include "diag.h"
#include "dist.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SCEN_NAME_MAX 64 /* longest group, region or size name, with NUL */
#define SCEN_MAX_ZONES 3 /* availability zones per region */
#define SCEN_MAX_GROUPS 64
#define SCEN_MAX_REPLICAS 1000000000000000LL /* 10^15: memory does not grow with replicas */
#define SCEN_MAX_PINS 1000 /* platformFaultDomain list entries per group */
#define SCEN_MAX_SET 4096  /* longest --set section.key=value, bytes: longer is refused */
#define SCEN_PATH_MAX 1024 /* longest scenario path, with NUL: longer is refused */

/* simulation.estimator: how a run estimates (rare.h). */
typedef enum scen_estimator {
    ESTIMATOR_PLAIN,   /* plain Monte Carlo: a replica is one sample path */
    ESTIMATOR_RESTART, /* splitting with importance-sampled retrials: a replica is a root
                          path and its retrials, one unbiased estimate */
} scen_estimator;

/* orchestrationMode of a group. */
typedef enum scen_mode {
    MODE_FLEXIBLE,        /* VMSS Flexible: FD by FD, no update domains */
    MODE_UNIFORM,         /* VMSS Uniform: 5 update domains, placement groups */
    MODE_AVAILABILITYSET, /* Availability Set: 2-3 FDs, up to 20 UDs */
} scen_mode;

/* What happens to a Spot VM when it is evicted. */
typedef enum scen_evict {
    EVICT_DEALLOCATE, /* stopped in place; restarts where it was */
    EVICT_DELETE,     /* deleted; recreated through placement */
} scen_evict;

/* simulation.placement: how often the groups are placed. */
typedef enum scen_placement {
    PLACEMENT_ONCE,        /* once per run, from the seed: every replica starts there */
    PLACEMENT_PER_REPLICA, /* afresh for every replica, from the replica's stream */
} scen_placement;

/* [group.NAME] autoscale schedules: a day's profile of target instance
 * counts, each from a time of day on (Azure's schedule-based autoscale
 * profiles, seed 001).  Entries are in increasing time order; before the
 * first entry of a day the last target of the day before holds. */
#define SCEN_MAX_SCHED 48 /* entries of one day's profile */
typedef struct scen_schedule {
    int n;                      /* entries; 0: no profile */
    double at[SCEN_MAX_SCHED];  /* seconds after midnight, strictly increasing */
    int target[SCEN_MAX_SCHED]; /* instance count from at[i] on */
} scen_schedule;

/* Which schedule of a group applies on a day: every day, or Monday to
 * Friday and Saturday, Sunday when given (time 0 is Monday 00:00). */
enum { SCHED_DAILY, SCHED_WEEKDAYS, SCHED_WEEKEND, SCHED_KINDS };

/* scaleInPolicy: which VMs a scale-in removes (Azure's names). */
typedef enum scen_scalein {
    SCALEIN_DEFAULT, /* balance zones, then fault domains, then the highest instance ID */
    SCALEIN_NEWEST,  /* NewestVM: balance zones, then the newest VM */
    SCALEIN_OLDEST,  /* OldestVM: balance zones, then the oldest VM */
} scen_scalein;

/* How a group's quorum is given. */
typedef enum scen_quorum {
    QUORUM_FIXED,    /* a number of VMs (`quorum`) */
    QUORUM_SHARE,    /* a share of the current target (`quorum = 80%`) */
    QUORUM_MAJORITY, /* autoscale, quorum = auto: a majority of the current target */
} scen_quorum;

/* An unplanned failure class acting on each unit (host, rack or zone). */
typedef struct scen_failure {
    bool enabled;  /* false: this class never fires */
    dist ttf;      /* time from a unit's repair to its next failure */
    dist outage;   /* how long the unit stays down */
} scen_failure;

/* One [group.NAME] section: a group of VMs deployed in one mode. */
typedef struct scen_group {
    char name[SCEN_NAME_MAX];   /* NAME of the section, unique */
    int line;                   /* line of the section header (0: --set) */
    scen_mode mode;             /* orchestrationMode */
    int fd_count;               /* platformFaultDomainCount; 1 = max spreading */
    int ud_count;               /* platformUpdateDomainCount; 0 for Flexible */
    unsigned zones;             /* bit z-1 set for zone z; 0 = regional */
    int count;                  /* number of VMs */
    int quorum;                 /* minimum VMs up for the service to be up */
    char vm_size[SCEN_NAME_MAX];/* vmSize, e.g. Standard_D4s_v5 */
    bool memory_preserving;     /* rebootless maintenance pauses, not reboots */
    double spot_share;          /* fraction of the VMs that are Spot, 0..1 */
    double sla_target;          /* monthly uptime target, percent; NAN: none (no
                                   published SLA applies and slaTarget is auto) */
    bool single_placement_group;/* Uniform: one placement group (<= 100 VMs) */
    bool zone_balance;          /* zone-spanning: strict balance */
    bool managed_image;         /* Uniform: built from a managed image (limit 600;
                                   marketplace, custom, gallery images: 1000) */
    int *pins;                  /* platformFaultDomain per VM, owned, or NULL */
    int npins;                  /* entries in pins (VMs beyond: Azure chooses) */
    bool automatic_repairs;     /* automaticRepairsPolicy.enabled */
    double grace_period;        /* automaticRepairsPolicy.gracePeriod, s */
    scen_quorum quorum_kind;    /* fixed, a share of the target, or a majority of it */
    double quorum_share;        /* QUORUM_SHARE: the share, 0 < share <= 1 */
    /* autoscale (a schedule given): count is then autoscaleMaximum (the VM
       slots the group may fill) and quorum the floor at time 0 */
    bool autoscale;             /* the group's size follows a schedule */
    scen_schedule sched[SCHED_KINDS]; /* autoscale, autoscaleWeekdays, autoscaleWeekend */
    int as_min, as_max;         /* autoscaleMinimum / Maximum: targets are clamped to them */
    int initial;                /* VMs deployed at time 0 (count without autoscale) */
    scen_scalein scale_in;      /* scaleInPolicy */
    int protect;                /* protectFromScaleIn: the first (oldest) VMs protected */
} scen_group;

/* A whole scenario.  Times are seconds. */
typedef struct scenario {
    char source[SCEN_PATH_MAX]; /* file path, or "<default>" for the built-in */

    /* [simulation] */
    double horizon;             /* simulated time per replica */
    long replicas;              /* Monte Carlo replicas, 1 .. SCEN_MAX_REPLICAS */
    uint64_t seed;              /* master seed */
    int threads;                /* worker threads; 0 = one per core */
    scen_placement placement;   /* placement once per run or per replica */
    scen_estimator estimator;   /* plain or restart */
    double precision;           /* stop once every group's service unavailability has this
                                   relative 95 % half-width (0: run `replicas`, which is
                                   then the cap) */
    double time_limit;          /* stop after this much wall time, s (0: none) */

    /* [region] */
    char region[SCEN_NAME_MAX]; /* Azure region name */
    int max_fd;                 /* maximumPlatformFaultDomainCount */
    int zones;                  /* availability zones; 0 = one regional cluster */
    int racks_per_zone;         /* physical fault domains per zone (or cluster) */
    int hosts_per_rack;         /* hosts in each rack */
    int vms_per_host;           /* VM slots on each host */

    /* [host], [rack], [zone] */
    scen_failure host;          /* host hardware incidents (outage = repair) */
    scen_failure rack;          /* rack / ToR / power: a whole physical FD */
    scen_failure zone;          /* zone outages (zonal regions only) */

    /* [burst]: correlated host failures inside one rack */
    bool burst_enabled;
    dist burst_interval;        /* time between bursts, per rack */
    int burst_hosts;            /* hosts failing in one burst */
    double burst_window;        /* the burst's hosts fail within this window */

    /* [spot] */
    double spot_rate;           /* evictions per Spot VM per hour */
    scen_evict spot_policy;     /* evictionPolicy */
    dist spot_restore;          /* time until capacity returns */

    /* [healing]: service healing after a host failure */
    bool healing_enabled;
    dist healing_time;          /* restart on a healthy host in the same FD */

    /* [repair]: automatic instance repair (per group opt-in) */
    dist repair_provision;      /* time to create the replacement VM */

    /* [autoscale]: how scale actions take effect (groups with a schedule) */
    dist as_provision;          /* time from a scale-out request to a VM serving */
    double as_retry;            /* a scale-out that could not be placed is retried after */

    /* [rebootless]: memory-preserving maintenance waves */
    bool rl_enabled;
    double rl_period;           /* a wave starts once per period, at random */
    dist rl_pause;              /* each VM of a step pauses this long */
    dist rl_reboot;             /* ...or reboots this long without MP support */
    double rl_settle;           /* gap between the end of a step and the next */
    double rl_tolerance;        /* pauses this short are not downtime */

    /* [rebootful]: maintenance waves that reboot */
    bool rf_enabled;
    double rf_period;
    dist rf_reboot;             /* each VM of a step reboots this long */
    double rf_settle;           /* recovery gap before the next domain (>= 30m) */

    scen_group *groups;         /* owned array of ngroups groups, file order */
    size_t ngroups;
} scenario;

/* Load a scenario from the file at `path`, apply the `nsets` overrides in
 * `sets` ("section.key=value", command-line order, last wins), fill in
 * defaults and validate.  On success *out owns the result (free with
 * scenario_destroy) and FD_OK is returned.  On bad input returns FD_EINVAL
 * and nothing is allocated: every problem found is written to `errs` (one
 * line each, "FILE:LINE: section.key: what is wrong; what would be valid"),
 * when `errs` is not NULL, and the first is kept in `d` (a file too large or
 * not text is bad input too).  FD_EIO when the file cannot be opened or read
 * (FD_ENOMEM when it cannot be held): the reason is in `d` only, nothing goes
 * to `errs`, since it is no problem inside the scenario and the caller reports
 * it as it reports any file it cannot open.  Cost: linear in the file size. */
int scenario_load_file(scenario **out, const char *path,
                       const char *const *sets, size_t nsets,
                       FILE *errs, diag *d);

/* As scenario_load_file, from `len` bytes of INI text shown as `name` in
 * messages; empirical() files are relative to `basedir` (NULL: "."). */
int scenario_load_text(scenario **out, const char *text, size_t len,
                       const char *name, const char *basedir,
                       const char *const *sets, size_t nsets,
                       FILE *errs, diag *d);

/* The built-in default scenario (scenarios/default.ini, embedded). */
int scenario_load_default(scenario **out, const char *const *sets,
                          size_t nsets, FILE *errs, diag *d);

/* Free a scenario and all it owns.  NULL is a no-op. */
void scenario_destroy(scenario *s);

/* Write `s` as a complete INI file (every key, defaults resolved) that
 * scenario_load_text reads back into an equal scenario.  Returns 0 or -1 on
 * a write error. */
int scenario_write(const scenario *s, FILE *f);

/* Look a group up by name; NULL when absent. */
const scen_group *scenario_group(const scenario *s, const char *name);

/* Names of modes, as written in scenarios ("Flexible", ...). */
const char *scenario_mode_name(scen_mode m);

/* Names of scale-in policies, as written in scenarios ("NewestVM", ...). */
const char *scenario_scalein_name(scen_scalein p);

/* The i-th distribution-valued key of `s` (every one is global), its
 * section and key names (static text) in *section and *key when not NULL;
 * NULL once i is past the last.  For walking every input a scenario
 * reads.  O(keys). */
dist *scenario_dist(scenario *s, size_t i, const char **section, const char **key);

/* Whether some group of `s` autoscales.  O(groups). */
bool scenario_autoscales(const scenario *s);

/* Total VM slots of the world: zones (or 1) x racks x hosts x slots. */
long scenario_world_slots(const scenario *s);

#endif
