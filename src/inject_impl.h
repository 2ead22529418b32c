/*
 * inject_impl: the state of an inject, shared by the modules that make it
 * up: inject.c (failures, recovery, the replica's life cycle), maint.c
 * (planned maintenance) and bias.c (retrials: new streams, importance
 * sampling).  Private to them: nothing else includes it.
 */
#ifndef FDSIM_INJECT_IMPL_H
#define FDSIM_INJECT_IMPL_H

#include "autoscale.h"
#include "inject.h"
#include "sim.h"
#include "vmstate.h"
#include "world.h"

#include <gsl/gsl_rng.h>

/* Event types; `id` and `data` carry what the comment says.  The steps,
 * ends and completions of maintenance walks are not queued (maint.c plays
 * them); their types name them in traces. */
enum {
    EV_HOST_FAIL,    /* id host (ORIGIN_POOL: any up host), data origin */
    EV_HOST_REPAIR,  /* id host, data origin */
    EV_HEAL,         /* id host, data failure episode */
    EV_RACK_FAIL,    /* id rack */
    EV_RACK_REPAIR,  /* id rack */
    EV_ZONE_FAIL,    /* id zone block */
    EV_ZONE_REPAIR,  /* id zone block */
    EV_BURST,        /* id rack */
    EV_RL_WAVE,      /* data period index */
    EV_RL_STEP,      /* id step of the walk; id = racks: the walk has ended */
    EV_RL_END,       /* id rack, data 0 pause (memory-preserving), 1 reboot */
    EV_RF_WAVE,      /* data period index */
    EV_RF_STEP,      /* id group, data step */
    EV_RF_END,       /* id group, data step */
    EV_SPOT_EVICT,   /* id group */
    EV_SPOT_RESTORE, /* id group, data VM */
    EV_REPAIR_CHECK, /* id group, data node << 32 | episode */
    EV_REPAIR_DONE,  /* id group, data VM (or a retry when VM >= count) */
    EV_BIAS,         /* id failure class (BIAS_HOST..): an extra, biased failure (bias.c) */
    EV_SCALE,        /* id group: an entry of its autoscale schedule takes effect (scale.c) */
    EV_SCALE_READY,  /* id group, data VM | generation << 32: a scale-out VM serves */
    EV_SCALE_RETRY,  /* id group: retry the scale-out that could not be placed */
    EV_COUNT
};

/* Kinds of halt beyond the event types: a rebootless (+0) or rebootful (+1)
 * walk is done (a watched advance halts then; inject_kinds counts them). */
#define HALT_WALK_DONE EV_COUNT

/* Units (hosts, racks, zones, a group's Spot VMs) that fail independently
 * after exponential times while up, run as one superposed process, exact
 * for exponential times, and the queue holds one event for the whole class
 * instead of one per unit.  Either the next failure comes at rate (units
 * up) / mean and hits an up unit chosen uniformly, redrawn whenever a unit
 * goes down or up; or (`thin`) it comes at rate units / mean, whatever is
 * up, and hits any unit, and a hit on a unit that is down is dropped
 * (thinning: each unit still fails at rate 1 / mean while up), so a unit's
 * going down or up costs no queue operation. */
typedef struct pool {
    bool on;           /* the class runs pooled */
    bool thin;         /* by thinning */
    int units;         /* units in the class */
    double mean;       /* mean time to failure of one unit, s */
    uint32_t type, id; /* the event of a pooled failure: (type, id, ORIGIN_POOL) */
    int *up;           /* the units up */
    int *pos;          /* each unit's index in up, -1 while down */
    int n;             /* units up */
    int last;          /* the unit the last pooled failure hit (for the trace) */
    evq_handle ev;     /* the pending failure, or EVQ_NONE */
} pool;

/* A maintenance walk: the rebootless walk over the racks, or one group's
 * rebootful walk over its update domains or racks (maint.c). */
typedef struct mwalk {
    bool busy;          /* a walk is in progress */
    int pending;        /* waves that arrived while busy */
    uint64_t wave;      /* the wave of the walk in progress (or the last) */
    bool ordered;       /* its steps are drawn (when first needed) */
    int nsteps;         /* steps of the walk, once ordered */
    int *steps;         /* rebootless: racks; rebootful: zone slot * U + UD, or rack */
    int i;              /* steps started */
    double next;        /* when step i starts; i == nsteps: when the walk ends */
    bool open;          /* step i - 1 is applied to the VMs' state, its ends pending */
    double end[2];      /* when its pause and its reboot end (INFINITY: not pending) */
    bool drawn;         /* step i's durations are drawn (pause, reboot) */
    double pause, reboot;
    gsl_rng *dur;       /* the walk's stream for step durations */
    gsl_rng *ord;       /* the walk's stream for its order */
} mwalk;

/* Group g's VMs per rack, for folding whole walks: `n[j]` racks hold `v[j]`
 * of its VMs, v[j] > 0 (maint.c; valid while vmstate_layout is unchanged). */
typedef struct rack_profile {
    int len, max;       /* entries; the largest v */
    int *v, *n;         /* racks entries each */
    int *hist;          /* scratch: count + 1 */
} rack_profile;

/* Importance sampling for one group's retrial (bias.c): the exponential
 * failure classes (hosts, racks, zones, when pooled, and the group's own
 * Spot VMs) fail faster, by a factor beta, in the units that held an up VM
 * of the group when the bias started (the set), until `until`; the walks'
 * pending waves were drawn from a density leaning towards the window.
 * `log_lr` is the log of the likelihood ratio (natural over biased) of the
 * path since the start. */
enum { BIAS_HOST, BIAS_RACK, BIAS_ZONE, BIAS_SPOT, BIAS_CLASSES };

typedef struct bias_class {
    int n;              /* units in the set */
    int *units;         /* the set, n of them (capacity: the class's units) */
    bool *member;       /* per unit of the class: in the set */
    int up;             /* units of the set up now (pool_is_up) */
    double rate;        /* extra failure rate of a set unit while up, 1/s: (beta - 1) / mean */
    evq_handle ev;      /* the pending extra failure, or EVQ_NONE */
} bias_class;

typedef struct bias_state {
    bool on;            /* a bias is active (since inject_bias_start) */
    size_t g;           /* for this group (its Spot VMs are BIAS_SPOT's units) */
    double until;       /* the window's end: the classes fail at their natural rates after */
    double t;           /* the survival terms of log_lr are integrated up to here */
    double log_beta;    /* log of beta, the same for every class */
    double log_lr;      /* log likelihood ratio of the path so far (up to t) */
    bias_class c[BIAS_CLASSES];
    gsl_rng *rng;       /* the bias's own stream: the extra failures, the waves */
} bias_state;

/* An autoscaling group's state in a replica (scale.c).  A VM slot (index
 * < count = autoscaleMaximum) is a member of the set or free; a member is
 * placed (holds a host slot); a free slot is not.  Arrays: count entries,
 * owned. */
typedef struct scale_state {
    bool on;            /* the group autoscales (everything below is used) */
    int target;         /* the target instance count now */
    int floor;          /* the floor (quorum) now */
    int members;        /* VMs in the set: serving or provisioning */
    bool *member;       /* per slot: in the set */
    bool *prov;         /* per slot: provisioning (holds one VM cause) */
    unsigned *gen;      /* per slot: bumped when it leaves the set (stale ready events) */
    uint64_t *iid;      /* per member: instance ID, increasing with creation */
    double *created;    /* per member: creation time, s */
    uint64_t next_iid;  /* the next instance ID */
    evq_handle retry;   /* the pending retry, or EVQ_NONE */
    double outs, ins;   /* VMs created by scale-outs, removed by scale-ins */
    double fails;       /* scale-out allocations that failed */
    double imb_t;       /* the imbalance integrals run up to here */
    int fd_imb, zone_imb; /* imbalance now (VMs) */
    int fd_max, zone_max; /* the largest so far */
    double fd_int, zone_int; /* their time integrals, VM-seconds */
    autoscale_vm *cand; /* scratch: the members as a scale-in sees them */
    int *cand_slot;     /* scratch: their slots */
    int *per;           /* scratch: VMs per rack (racks entries) */
    bool *mark;         /* scratch: per slot, for re-indexing update domains */
    int *picks;         /* scratch: the members a scale-in removes (autoscale_scale_in) */
} scale_state;

/* Per-group state that lives across events. */
typedef struct gstate {
    const scen_group *spec; /* the group */
    bool mp;            /* memory-preserving maintenance */
    int nzs;            /* zone slots of UD lists: 3 zonal, else 1 */
    int U;              /* update domains (UD walks), 0 for Flexible */
    int *ud_first;      /* per (zone slot, UD): start in ud_vms; nzs*U+1 entries */
    int *ud_vms;        /* VMs sorted by (zone slot, UD) */
    int *ud_fill;       /* scratch of index_uds: per cell, VMs filed so far */
    mwalk rf;           /* the rebootful walk */
    rack_profile prof;  /* VMs per rack */
    pool spot;          /* the Spot VMs running, evicted as a pool */
    int cap;            /* instance repairs at once */
    int active;         /* repairs in progress */
    int max_active;     /* the most at once this replica */
    evq_handle retry;   /* the pending retry of a repair that found no room */
    int initial_failures; /* VMs placement could not allocate at the start */
    int *queue;         /* VMs waiting for repair (FIFO ring of count) */
    int qhead, qlen;
    bool *queued;       /* VM queued or in repair */
    stats_tally tally;  /* the replica's results */
    int last_down;      /* down count last told to the tally */
    const int *fold_cap[2]; /* NULL, or per down count d: a rebootless [0] or rebootful
                               [1] step from d reaching this many VMs down is played,
                               not folded (inject_set_fold_cap; borrowed) */
    bool watch;         /* a watched advance halts after a change of this group */
    bool halted;        /* it changed in the event the advance halted after */
    scale_state as;     /* autoscale (scale.c) */
} gstate;

struct inject {
    const scenario *s;
    sim *sim;
    const place_result *plan; /* the run's placement, every replica's start */
    place_result *own_plan; /* the plan, when inject_create made it (owned) */
    world *w;           /* the replica's capacity */
    place_result *pr;   /* the replica's placement (copied from plan per replica) */
    vmstate *vs;
    size_t ng;
    gstate *g;
    int zb, racks, hosts, hpr, rpz;
    /* per-replica world state */
    int *hfail;         /* active failures per host */
    int *block;         /* causes keeping each host from taking VMs */
    unsigned *episode;  /* per vmstate node: outages started (repair checks) */
    pool host_pool, rack_pool, zone_pool; /* the classes, pooled or not */
    mwalk rl;           /* the rebootless walk */
    bool any_mp;        /* some group pauses (memory-preserving) */
    bool any_reboots;   /* some group reboots in rebootless maintenance */
    bool any_as;        /* some group autoscales (scale.c) */
    unsigned prof_layout; /* vmstate_layout the profiles were made for */
    bool prof_valid;
    int reboot_racks;   /* racks holding a VM that reboots in rebootless steps */
    int *scratch;       /* VMs collected from a node or host */
    size_t *scratch_g;
    int nscratch_max;
    /* what this replica changed in the placement, to rewind it cheaply */
    bool replaced;      /* a VM was released or placed afresh: copy it all */
    int nmoved;         /* VMs moved by healing (moved_g, moved_vm), unless replaced */
    int *moved_g, *moved_vm;
    int moved_max;
    int *hbuf;          /* 2 x hosts per rack: a burst's choice */
    bool idle;          /* the event just run changed nothing (a dropped failure) */
    evq_handle wave_ev[2]; /* the pending rebootless [0] and rebootful [1] wave events */
    uint64_t wave_k[2]; /* their period indices */
    bias_state bias;    /* importance sampling of a retrial (bias.c) */
    bool watching;      /* some group is watched (inject_watch) */
    bool halt;          /* a watched group changed: the advance stops at the next
                           consistent instant */
    double halt_t;      /* when */
    uint32_t halt_kind; /* the event type that changed it */
    csvio_writer *trace;
    inject_observe_fn obs; /* called after each event, or NULL */
    void *obs_user;     /* passed to obs */
};

/* After the event `ev` (at ev->time), queued or played by a walk: tell the
 * tallies what changed and write its trace row (inject.c). */
void inject_observe(inject *in, const evq_event *ev);

/* bias.c.  Allocate (FD_OK or FD_ENOMEM) and free the bias state; copy it
 * (copy_state); the pooled unit u of class `cls` goes down (-1, `failed`:
 * by a failure of its class) or up (+1): the likelihood ratio's terms. */
int bias_init(inject *in);
void bias_fini(inject *in);
void bias_copy(inject *dst, const inject *src);
void bias_unit(inject *in, int cls, int u, int delta, bool failed);
void bias_spot(inject *in, size_t g, int vm, int delta, bool failed);

/* The handler of EV_BIAS (registered by inject.c), and the failure of a
 * pooled unit it causes (inject.c): host h, rack or zone u. */
void bias_on_event(sim *sm, const evq_event *ev, void *ctx);

/* End an active bias, cancelling its extra failures (bias_stop), or forget
 * it after the queue was emptied (bias_clear, a new replica); derive its
 * stream from (seed, key) (bias_reseed). */
void bias_stop(inject *in);
void bias_clear(inject *in);
void bias_reseed(inject *in, uint64_t key);

/* Group g's VMs down now, as its tally counts them: of the set's members
 * for an autoscaling group, of all its VMs otherwise (scale.c).  Inline:
 * every event asks it of every group.  O(1). */
static inline int scale_down(const inject *in, size_t g)
{
    const gstate *st = &in->g[g];
    return st->as.on ? st->as.members - vmstate_up(in->vs, g) : vmstate_down(in->vs, g);
}

/* Whether pooled unit u is up. */
static inline bool pool_is_up(const pool *p, int u)
{
    return p->pos[u] >= 0;
}
void inject_fail_host(inject *in, int h);
void inject_fail_unit(inject *in, int cls, int u);
void inject_evict_spot(inject *in, size_t g, int vm);

/* scale.c.  Allocate group g's autoscale state (FD_OK or FD_ENOMEM; none
 * for a group without autoscale), free it. */
int scale_init(inject *in, size_t g);
void scale_fini(inject *in, size_t g);

/* Start a replica for group g (after its placement is rewound and its
 * tally reset): the members are the VMs placed at time 0; the target and
 * floor those at time 0; the first schedule entry and, when the set is
 * short, a retry are queued; the tally is told.  O(VMs). */
void scale_start(inject *in, size_t g);


/* Write group g's autoscale figures into out->rec[g] (after
 * stats_tally_finish).  O(1). */
void scale_finish(inject *in, size_t g, const stats_out *out);

/* The handlers of EV_SCALE, EV_SCALE_READY, EV_SCALE_RETRY (registered by
 * inject.c). */
void scale_on_scale(sim *sm, const evq_event *ev, void *ctx);
void scale_on_ready(sim *sm, const evq_event *ev, void *ctx);
void scale_on_retry(sim *sm, const evq_event *ev, void *ctx);

/* Index group g's VMs by (zone slot, update domain) (inject.c). */
void inject_index_uds(gstate *st, const place_group *pg);

/* maint.c.  Allocate the walks' state (FD_OK or FD_ENOMEM), free it. */
int maint_init(inject *in);
void maint_fini(inject *in);

/* Start a replica: no walk in progress; queue the first waves. */
void maint_start(inject *in);

/* Play every walk's steps, ends and completions due at or before `until`,
 * knowing that nothing else changes the VMs before `until` (the caller
 * calls it before each queued event, with the event's time, and at the
 * end of an advance).  Cost: O(walks) per step that overlaps something
 * else; a whole walk that overlaps nothing, O(groups x distinct VMs per
 * rack) when its durations are fixed. */
void maint_sync(inject *in, double until);

/* Rederive the step-duration streams of the walks in progress from (seed,
 * key) (inject_reseed). */
void maint_reseed(inject *in, uint64_t key);

/* Copy the walks' state from src to dst (copy_state). */
void maint_copy(inject *dst, const inject *src);

/* The wave handlers (registered by inject.c). */
void maint_on_rl_wave(sim *sm, const evq_event *ev, void *ctx);
void maint_on_rf_wave(sim *sm, const evq_event *ev, void *ctx);

#endif
