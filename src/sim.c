/*
 * sim: clock, queue, streams and dispatch of one replica (see sim.h).
 */
#include "sim.h"

#include "alloc.h"
#include "diag.h"
#include "rng.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct sim {
    double now;                /* simulated time, seconds */
    uint64_t seed;             /* master seed */
    uint64_t replica;          /* current replica */
    uint64_t key;              /* the streams' key: the replica, or a retrial's (sim_reseed) */
    uint64_t events;           /* events run since reset */
    int status;                /* FD_OK, or FD_ENOMEM once an event could not be queued */
    evq *q;                    /* future events, owned */
    gsl_rng *world[SIM_NWORLD_STREAMS]; /* world process streams, owned */
    gsl_rng **group;           /* ngroups group streams, owned */
    uint64_t *group_ids;       /* their stream ids, owned copy */
    size_t ngroups;
    sim_handler fn[SIM_MAX_TYPES]; /* handler per event type */
    void *ctx[SIM_MAX_TYPES];      /* its context */
};

/* Stream ids of the world processes: far from any name hash's low values. */
static uint64_t world_id(sim_stream w)
{
    return 0x5eed000000000000ULL + (uint64_t)w;
}

int sim_create(sim **out, uint64_t seed, const uint64_t *group_ids, size_t ngroups)
{
    *out = NULL;
    sim *s = fd_calloc(1, sizeof *s);
    if (!s)
        return FD_ENOMEM;
    s->seed = seed;
    s->ngroups = ngroups;
    if (evq_create(&s->q, 1024) != FD_OK)
        goto fail;
    for (int w = 0; w < SIM_NWORLD_STREAMS; w++)
        if (!(s->world[w] = rng_create()))
            goto fail;
    s->group = fd_calloc(ngroups ? ngroups : 1, sizeof *s->group);
    s->group_ids = fd_calloc(ngroups ? ngroups : 1, sizeof *s->group_ids);
    if (!s->group || !s->group_ids)
        goto fail;
    for (size_t g = 0; g < ngroups; g++) {
        s->group_ids[g] = group_ids[g];
        if (!(s->group[g] = rng_create()))
            goto fail;
    }
    sim_reset(s, 0);
    *out = s;
    return FD_OK;
fail:
    sim_destroy(s);
    return FD_ENOMEM;
}

void sim_destroy(sim *s)
{
    if (!s)
        return;
    evq_destroy(s->q);
    for (int w = 0; w < SIM_NWORLD_STREAMS; w++)
        rng_destroy(s->world[w]);
    for (size_t g = 0; s->group && g < s->ngroups; g++)
        rng_destroy(s->group[g]);
    free(s->group);
    free(s->group_ids);
    free(s);
}

void sim_reset(sim *s, uint64_t replica)
{
    evq_clear(s->q);
    s->now = 0;
    s->events = 0;
    s->status = FD_OK;
    s->replica = replica;
    sim_reseed(s, replica);
}

void sim_reseed(sim *s, uint64_t key)
{
    s->key = key;
    for (int w = 0; w < SIM_NWORLD_STREAMS; w++)
        rng_derive(s->world[w], s->seed, key, world_id((sim_stream)w));
    for (size_t g = 0; g < s->ngroups; g++)
        rng_derive(s->group[g], s->seed, key, s->group_ids[g]);
}

uint64_t sim_key(const sim *s)
{
    return s->key;
}


void sim_register(sim *s, uint32_t type, sim_handler fn, void *ctx)
{
    assert(type < SIM_MAX_TYPES);
    s->fn[type] = fn;
    s->ctx[type] = ctx;
}

double sim_now(const sim *s) { return s->now; }
uint64_t sim_replica(const sim *s) { return s->replica; }
uint64_t sim_seed(const sim *s) { return s->seed; }
uint64_t sim_events(const sim *s) { return s->events; }

gsl_rng *sim_world_rng(sim *s, sim_stream which)
{
    assert(which < SIM_NWORLD_STREAMS);
    return s->world[which];
}

gsl_rng *sim_group_rng(sim *s, size_t g)
{
    assert(g < s->ngroups);
    return s->group[g];
}

/* A broken invariant of ours: say where (time, seed, replica) and stop. */
static void die(const sim *s, const char *what)
{
    fprintf(stderr, "fdsim: internal error at t=%.17g s (seed %" PRIu64 ", replica %"
            PRIu64 "): %s\n", s->now, s->seed, s->replica, what);
    abort();
}

void sim_set_now(sim *s, double t)
{
    if (!(t >= s->now) || !(t <= evq_next_time(s->q)))
        die(s, "the clock was set past a queued event or back in time");
    s->now = t;
}

double sim_next_time(const sim *s)
{
    return s->status == FD_OK ? evq_next_time(s->q) : INFINITY;
}

int sim_peek(const sim *s, evq_event *next)
{
    return s->status == FD_OK && evq_peek(s->q, next) == 0;
}

evq_handle sim_at(sim *s, double at, uint32_t type, uint32_t id, uint64_t data)
{
    if (!(at >= s->now))
        die(s, "an event was scheduled in the past");
    evq_handle h = evq_push(s->q, at, type, id, data);
    if (h == EVQ_NONE) /* no memory: the replica stops and fails (sim_status) */
        s->status = FD_ENOMEM;
    return h;
}

int sim_copy(sim *dst, const sim *src)
{
    assert(dst->seed == src->seed && dst->ngroups == src->ngroups);
    if (evq_copy(dst->q, src->q) != FD_OK)
        return FD_ENOMEM;
    dst->now = src->now;
    dst->replica = src->replica;
    dst->key = src->key;
    dst->events = src->events;
    dst->status = src->status;
    for (int w = 0; w < SIM_NWORLD_STREAMS; w++)
        gsl_rng_memcpy(dst->world[w], src->world[w]);
    for (size_t g = 0; g < src->ngroups; g++)
        gsl_rng_memcpy(dst->group[g], src->group[g]);
    return FD_OK;
}

int sim_reschedule(sim *s, evq_handle h, double at)
{
    if (!(at >= s->now))
        die(s, "an event was rescheduled into the past");
    return evq_reschedule(s->q, h, at);
}

int sim_pending(const sim *s, evq_handle h)
{
    return evq_pending(s->q, h);
}

void sim_cancel(sim *s, evq_handle h)
{
    (void)evq_cancel(s->q, h);
}

int sim_status(const sim *s)
{
    return s->status;
}

int sim_next(sim *s, double until, evq_event *next)
{
    if (s->status != FD_OK)
        return 0;
    if (!(evq_next_time(s->q) <= until))
        return 0;
    evq_pop(s->q, next);
    if (next->time < s->now)
        die(s, "time went backwards");
    s->now = next->time;
    s->events++;
    return 1;
}

void sim_dispatch(sim *s, const evq_event *ev)
{
    if (ev->type >= SIM_MAX_TYPES || !s->fn[ev->type])
        die(s, "an event has no handler");
    s->fn[ev->type](s, ev, s->ctx[ev->type]);
}

int sim_step(sim *s, double until, evq_event *ran)
{
    evq_event ev;
    if (!sim_next(s, until, &ev))
        return 0;
    sim_dispatch(s, &ev);
    if (ran)
        *ran = ev;
    return 1;
}

uint64_t sim_run(sim *s, double until)
{
    uint64_t n = 0;
    while (sim_step(s, until, NULL))
        n++;
    if (until > s->now)
        s->now = until;
    return n;
}
