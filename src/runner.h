/*
 * runner: a scenario's Monte Carlo replicas on the batch pool, with one
 * injector per worker thread; and a single traced replica.  The glue
 * between batch (generic, callback-driven) and inject, shared by
 * `fdsim run` and `fdsim sweep`.
 */
#ifndef FDSIM_RUNNER_H
#define FDSIM_RUNNER_H

#include "batch.h"
#include "diag.h"
#include "pilot.h"
#include "place.h"
#include "precision.h"
#include "rare.h"
#include "scenario.h"

#include <signal.h>
#include <stdint.h>

/* Where this run sits on a longer job's progress bar (a sweep). */
typedef struct runner_progress {
    uint64_t done;      /* replicas of the job finished before this run */
    uint64_t total;     /* replicas of the whole job; 0: this run alone */
    const char *label;  /* shown first on the bar, or NULL */
} runner_progress;

/* What a run was, beside its results: how it estimated and why it ended.
 * Owned by the caller: runner_outcome_fini. */
typedef struct runner_outcome {
    scen_estimator estimator; /* as the scenario asked */
    rare_plan *plan;          /* restart: the estimator's plan (owned) */
    pilot_result *pilot;      /* restart: what its pilot measured (owned) */
    double pilot_seconds;     /* restart: the pilot's wall time */
    precision_stop stop;      /* why the run ended */
    double seconds;           /* wall seconds from the start (pilot included) to the
                                 last replica */
    double *relative;         /* [groups]: relative 95 % half-width of the service
                                 unavailability reached (precision.h; owned) */
    double *needed;           /* [groups]: replicas the precision would need (owned) */
} runner_outcome;

/* Free what an outcome owns and zero it.  NULL is a no-op. */
void runner_outcome_fini(runner_outcome *o);

/* Worker threads `s` asks for: simulation.threads, 0 = one per core. */
int runner_threads(const scenario *s);

/* Run replicas 0..s->replicas-1 of `s`, each starting from `plan` (the
 * run's placement: place_build of `s`), on runner_threads(s) threads, with
 * a progress bar on stderr when it is a terminal (`progress` may be NULL),
 * stopping at the next replica once *stop is set (`stop` may be NULL),
 * handing every block of results to consume(sink, ...) in replica order
 * (batch.h; `consume` may be NULL).  With simulation.estimator = restart a
 * replica is a root replica of the rare-event estimator (rare.h), whose
 * plan a pilot makes first (pilot.h); with simulation.precision or
 * timeLimit the run ends as precision.h says (the result is then not
 * partial: res->halted).  The result and what the consumer sees are the
 * same bytes for any thread count, unless the time limit ended the run.
 * What the run was goes to *oc when not NULL.  FD_OK (also when stopped:
 * the result says partial), FD_ENOMEM with a message in `d`, or the code
 * the consumer returned. */
int runner_run(const scenario *s, const place_result *plan, const runner_progress *progress,
               volatile sig_atomic_t *stop, batch_consume_fn consume, void *sink,
               batch_result **res, runner_outcome *oc, diag *d);

/* Where a resumed run goes on from (rundir.h).  Both borrowed. */
typedef struct runner_resume {
    const batch_start *start; /* the done replicas (batch.h) */
    precision *stop;          /* the stopping rule as they left it (rundir_precision):
                                 the run goes on with it; NULL: a new one */
} runner_resume;

/* As runner_run, continuing from `from` (NULL: from replica 0): a resumed
 * run, the same bytes as one that was never stopped, for either estimator
 * and with a precision (a time limit counts from the resume).  A stopping
 * rule that had already ended the run runs no replica more.  Or a shard
 * (shard.h): replicas from->start->first..from->start->end-1 only. */
int runner_run_from(const scenario *s, const place_result *plan,
                    const runner_progress *progress, volatile sig_atomic_t *stop,
                    batch_consume_fn consume, void *sink, const runner_resume *from,
                    batch_result **res, runner_outcome *oc, diag *d);

/* Run replica `k` of `s` from `plan` alone, writing every event to the CSV
 * file `path` (committed atomically).  FD_OK, FD_EIO or FD_ENOMEM with a
 * message. */
int runner_trace(const scenario *s, const place_result *plan, const char *path, uint64_t k,
                 diag *d);

#endif
