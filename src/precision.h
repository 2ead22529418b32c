/*
 * precision: when a run stops: at a precision (simulation.precision, the
 * relative half-width of every group's 95 % interval on its service
 * unavailability), at a time limit (simulation.timeLimit, wall seconds), or
 * after simulation.replicas, whichever comes first.
 *
 * It follows each group's service unavailability through the replicas in
 * replica order (running moments), so the precision it sees after P
 * replicas depends on replicas 0..P-1 alone.  It looks only at fixed
 * checkpoints, P = PRECISION_FIRST x sqrt(2)^k rounded up to whole blocks
 * of BATCH_BLOCK: a run stopped by the precision stops after the same
 * replicas, and so writes the same bytes, for any thread count (and a
 * handful of looks, not one per block, keeps the stopping rule from
 * picking a lucky moment of a heavy-tailed sample).  A time limit is
 * looked at after every block; where it stops depends on the machine,
 * which the run then says.  A group with no outage at all never reaches a
 * precision (its relative error is unknown).
 */
#ifndef FDSIM_PRECISION_H
#define FDSIM_PRECISION_H

#include "batch.h"
#include "scenario.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRECISION_FIRST 512 /* replicas before the first look at the precision */

/* Why a run ended. */
typedef enum precision_stop {
    PRECISION_RUNNING,   /* not yet */
    PRECISION_REPLICAS,  /* simulation.replicas done (a precision, if any, not reached) */
    PRECISION_REACHED,   /* every group's precision reached at a checkpoint */
    PRECISION_TIME,      /* the time limit */
} precision_stop;

typedef struct precision precision;

/* Follow the replicas of `s` (borrowed) from wall time `t0` (a monotonic
 * clock, seconds: when the run began, pilot included).  FD_OK or
 * FD_ENOMEM. */
int precision_create(precision **out, const scenario *s, double t0);

/* Free it.  NULL is a no-op. */
void precision_destroy(precision *p);

/* Take the next block of replicas (in order): FD_OK to go on, BATCH_HALT
 * when the run has what it asked for (the block counts).  O(block x
 * groups). */
int precision_add(precision *p, const batch_block *blk);

/* Whether precision_add has returned BATCH_HALT.  O(1). */
bool precision_ended(const precision *p);

/* Why the run ended; PRECISION_REPLICAS once every replica was added
 * without another reason.  Call after the run. */
precision_stop precision_reason(const precision *p);

/* The wall seconds from t0 to now (monotonic clock), for callers that
 * time the same run. */
double precision_clock(void);

/* Group g's relative 95 % half-width of service unavailability over the
 * replicas added (t-interval over the mean; INFINITY with no outage or
 * fewer than 2 replicas), and the replicas it would need at the run's
 * precision (same spread: P x (relative / precision)^2, at least P).  */
double precision_relative(const precision *p, size_t g);
double precision_replicas_needed(const precision *p, size_t g);

/* Replicas added, and the wall seconds they took (from t0 to the last
 * block). */
uint64_t precision_replicas(const precision *p);
double precision_seconds(const precision *p);

#endif
