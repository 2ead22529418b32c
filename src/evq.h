/*
 * evq: the event queue, a priority queue of future events.
 *
 * Order: events leave by (time, seq), where seq is the queue's insertion
 * counter, so events at equal times leave first-in first-out and the order
 * never depends on memory layout: the same pushes give the same pops.
 *
 * Structure: an array-backed 4-ary min-heap of compact keys (time, seq,
 * slot), beside a slot table that holds each event's payload, its heap
 * position and a generation count.  A handle names a slot and the generation
 * it was issued under, so a handle whose event has already left (popped,
 * cancelled or cleared) is recognised as stale rather than hitting a reused
 * slot.  Freed slots are reused through a free list and both arrays grow
 * geometrically, so a queue whose size stays below its capacity allocates
 * nothing.
 *
 * Costs, n = events queued: push, pop and cancel O(log n) (push amortised
 * over growth), peek, next_time and size O(1), clear O(n).
 *
 * Limits: at most 2^32 - 1 events at once.  A slot's generation is 32 bits,
 * so a stale handle could alias a live event only after the same slot has
 * been reused 2^31 times while the handle was kept.
 *
 * The queue does not check that time runs forward: a simulation loop asserts
 * that itself.  Times must not be NaN (asserted).  Not thread-safe: one
 * queue belongs to one simulation.
 */
#ifndef FDSIM_EVQ_H
#define FDSIM_EVQ_H

#include <stddef.h>
#include <stdint.h>

typedef struct evq evq;

/* Names one pushed event until it leaves the queue.  Opaque: slot index and
 * generation.  EVQ_NONE is never issued for an event. */
typedef uint64_t evq_handle;
#define EVQ_NONE ((evq_handle)0)

/* One event as it leaves the queue.  A plain value: copy freely. */
typedef struct evq_event {
    double time;   /* when it happens, seconds of simulated time */
    uint64_t seq;  /* insertion number in this queue, breaks ties FIFO */
    uint32_t type; /* the caller's event kind */
    uint32_t id;   /* the caller's target, e.g. a host index */
    uint64_t data; /* anything else the caller needs */
} evq_event;

/* Make an empty queue with room for `capacity_hint` events before it first
 * grows (0 picks a small default).  Stores it in *q and returns FD_OK, or
 * returns FD_ENOMEM with *q = NULL.  O(capacity_hint). */
int evq_create(evq **q, size_t capacity_hint);

/* Make `dst` an exact copy of `src`: the same events, order, insertion
 * counter and handles (a handle of src names the same event in dst).
 * FD_OK, or FD_ENOMEM when dst could not grow (dst is then unchanged but
 * for spare capacity).  O(slots either queue has ever used). */
int evq_copy(evq *dst, const evq *src);

/* Free the queue and everything it holds.  NULL is a no-op.  O(1). */
void evq_destroy(evq *q);

/* Queue an event at `time` (not NaN) carrying (type, id, data).  Returns its
 * handle, or EVQ_NONE if the queue had to grow and memory ran out (the
 * queue is then unchanged).  O(log n) amortised; allocates only when the
 * queue is full. */
evq_handle evq_push(evq *q, double time, uint32_t type, uint32_t id,
                    uint64_t data);

/* Remove the earliest event (smallest time, then smallest seq) and copy it
 * to *out.  Returns 0, or -1 if the queue is empty (*out untouched).
 * Its handle becomes stale.  O(log n). */
int evq_pop(evq *q, evq_event *out);

/* Copy the earliest event to *out without removing it.  Returns 0, or -1
 * if the queue is empty (*out untouched).  O(1). */
int evq_peek(const evq *q, evq_event *out);

/* The time of the earliest event, or +INFINITY if the queue is empty.  O(1). */
double evq_next_time(const evq *q);

/* Move the event named by `h` to `time`, keeping its handle and payload;
 * it then leaves as if pushed now (its tie-breaking insertion number is
 * renewed), so this is cancel-then-push in one step.  Returns 0, or -1 if
 * `h` is EVQ_NONE or stale (nothing changes).  O(log n). */
int evq_reschedule(evq *q, evq_handle h, double time);

/* Remove the event named by `h`.  Returns 0 if it was queued and is now
 * removed, or -1 if `h` is EVQ_NONE, stale (its event already popped,
 * cancelled or cleared) or never issued by this queue.  Cancelling an event
 * that has already fired is therefore safe.  O(log n). */
int evq_cancel(evq *q, evq_handle h);

/* Is the event named by `h` still queued?  O(1). */
int evq_pending(const evq *q, evq_handle h);

/* The number of events queued.  O(1). */
size_t evq_size(const evq *q);

/* How many events fit before the queue next allocates.  Stays constant
 * while the queue's size stays within it.  O(1). */
size_t evq_capacity(const evq *q);

/* Remove every event, keeping the memory.  Every outstanding handle becomes
 * stale and the insertion counter restarts at 0, so replaying the same
 * pushes and pops on a cleared queue gives the same events (seq included)
 * as on a new one.  O(n). */
void evq_clear(evq *q);

#endif
