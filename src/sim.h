/*
 * sim: the simulation context of one replica: clock, event queue, random
 * streams and the table of event handlers.  No globals: everything a
 * simulation touches hangs off a sim, so two run side by side in one test
 * and worker threads share nothing mutable.
 *
 * Time is a double in seconds and never goes backwards (asserted, with the
 * seed and replica in the message).  Events run in (time, insertion) order,
 * so a replica is a pure function of (scenario, seed, replica index).
 *
 * Random streams (common random numbers, DOMAIN.md §7): each replica has one
 * stream per world process (host, rack and zone failures, bursts,
 * maintenance waves) and one per group, each derived from (master seed,
 * replica, stream id) with rng_derive; a group's id is the hash of its name.
 * So the world's sample path does not depend on which groups are placed in
 * it, nor a group's draws on the other groups.  Deriving all streams for a
 * replica costs O(streams), a few dozen multiplications each.
 */
#ifndef FDSIM_SIM_H
#define FDSIM_SIM_H

#include "evq.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

/* The world's processes, each with its own stream. */
typedef enum sim_stream {
    SIM_STREAM_HOST,      /* host failure times and repairs */
    SIM_STREAM_RACK,      /* rack failures */
    SIM_STREAM_ZONE,      /* zone outages */
    SIM_STREAM_BURST,     /* correlated bursts */
    SIM_STREAM_REBOOTLESS,/* rebootless wave times (each walk draws from its own) */
    SIM_STREAM_REBOOTFUL, /* rebootful wave times */
    SIM_STREAM_HEALING,   /* service-healing times */
    SIM_NWORLD_STREAMS,
} sim_stream;

#define SIM_MAX_TYPES 32 /* event types a sim can dispatch */

typedef struct sim sim;

/* Handles one event; `ctx` is what was registered with the type. */
typedef void (*sim_handler)(sim *s, const evq_event *ev, void *ctx);

/* Make a simulation context for master `seed` whose groups have the stream
 * ids `group_ids[0..ngroups-1]` (rng_stream_id of their names).  FD_OK or
 * FD_ENOMEM (*out = NULL). */
int sim_create(sim **out, uint64_t seed, const uint64_t *group_ids, size_t ngroups);

/* Free the context.  NULL is a no-op. */
void sim_destroy(sim *s);

/* Start replica `replica`: empty the queue, clock to 0, derive every
 * stream from (seed, replica, id).  Handlers stay registered.
 * O(queued events + streams). */
void sim_reset(sim *s, uint64_t replica);

/* Make `dst` (a sim of the same seed and groups) continue exactly where
 * `src` is: clock, replica, events run, the queue (handles included) and
 * every stream's state; handlers are not copied.  FD_OK or FD_ENOMEM (the
 * queue could not grow).  O(queued events + streams). */
int sim_copy(sim *dst, const sim *src);

/* Rederive every stream from (seed, key, id) instead of (seed, replica,
 * id), leaving the clock, the queue and the replica as they are: a retrial
 * of the rare-event estimator, cloned from a replica mid-run, continues
 * with futures of its own.  sim_reset(s, r) is sim_reseed(s, r) on an
 * emptied queue.  O(streams). */
void sim_reseed(sim *s, uint64_t key);

/* The key the streams were last derived from (the replica, after
 * sim_reset): streams made on demand (a maintenance walk's) derive from it
 * too.  O(1). */
uint64_t sim_key(const sim *s);

/* Move the clock forward to t, no later than the earliest queued event
 * (asserted): the instant of a change played between queued events (a
 * maintenance step), so that what is queued next is drawn from there.
 * O(1). */
void sim_set_now(sim *s, double t);

/* The time of the earliest queued event (INFINITY when none, or when the
 * replica has stopped, sim_status), and a copy of it (0 when none or
 * stopped), without taking it.  O(1). */
double sim_next_time(const sim *s);
int sim_peek(const sim *s, evq_event *next);

/* Route events of `type` (< SIM_MAX_TYPES) to `fn` with `ctx`. */
void sim_register(sim *s, uint32_t type, sim_handler fn, void *ctx);

/* Current simulated time, seconds. */
double sim_now(const sim *s);

/* The replica being simulated. */
uint64_t sim_replica(const sim *s);

/* The master seed. */
uint64_t sim_seed(const sim *s);

/* The stream of a world process, or of group `g`. */
gsl_rng *sim_world_rng(sim *s, sim_stream which);
gsl_rng *sim_group_rng(sim *s, size_t g);

/* Queue an event at absolute time `at` (>= now, asserted).  Returns its
 * handle, or EVQ_NONE when the queue could not grow: then the replica
 * stops (sim_step runs nothing more) and sim_status says FD_ENOMEM, a
 * recoverable error its caller reports.  O(log n). */
evq_handle sim_at(sim *s, double at, uint32_t type, uint32_t id, uint64_t data);

/* Move a queued event to absolute time `at` (>= now, asserted), as if
 * cancelled and queued again (same handle).  Returns 0, or -1 when `h`
 * has already fired or been cancelled (nothing changes).  O(log n). */
int sim_reschedule(sim *s, evq_handle h, double at);

/* Whether the event named by `h` is still queued.  O(1). */
int sim_pending(const sim *s, evq_handle h);

/* Cancel a queued event; a handle that already fired is ignored.  O(log n). */
void sim_cancel(sim *s, evq_handle h);

/* Run the earliest event: advance the clock to its time and call its
 * handler; copy the event to *ran when `ran` is not NULL.  Returns 1 if an
 * event ran, 0 if none is queued at or before `until` (the clock is then
 * left unchanged).  O(log n) + the handler. */
int sim_step(sim *s, double until, evq_event *ran);

/* Take the earliest event due at or before `until` off the queue into
 * *next and advance the clock to its time, without running it (run it with
 * sim_dispatch).  Returns 1, or 0 when none is due (or the replica has
 * stopped, sim_status).  sim_step is sim_next then sim_dispatch.
 * O(log n). */
int sim_next(sim *s, double until, evq_event *next);

/* Run the handler of `ev`, the event sim_next took.  O(the handler). */
void sim_dispatch(sim *s, const evq_event *ev);

/* Step until no event is due at or before `until`, then set the clock to
 * `until`.  Returns the number of events run. */
uint64_t sim_run(sim *s, double until);

/* FD_OK, or FD_ENOMEM once an event could not be queued since the last
 * reset (the replica is then incomplete and must not be used).  O(1). */
int sim_status(const sim *s);

/* Events run since the last reset. */
uint64_t sim_events(const sim *s);

#endif
