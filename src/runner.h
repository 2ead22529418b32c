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
#include "place.h"
#include "scenario.h"

#include <signal.h>
#include <stdint.h>

/* Where this run sits on a longer job's progress bar (a sweep). */
typedef struct runner_progress {
    uint64_t done;      /* replicas of the job finished before this run */
    uint64_t total;     /* replicas of the whole job; 0: this run alone */
    const char *label;  /* shown first on the bar, or NULL */
} runner_progress;

/* Worker threads `s` asks for: simulation.threads, 0 = one per core. */
int runner_threads(const scenario *s);

/* Run replicas 0..s->replicas-1 of `s`, each starting from `plan` (the
 * run's placement: place_build of `s`), on runner_threads(s) threads, with
 * a progress bar on stderr when it is a terminal (`progress` may be NULL),
 * stopping at the next replica once *stop is set (`stop` may be NULL),
 * handing every block of results to consume(sink, ...) in replica order
 * (batch.h; `consume` may be NULL).  The result and what the consumer sees
 * are the same bytes for any thread count.  FD_OK (also when stopped: the
 * result says partial), FD_ENOMEM with a message in `d`, or the code the
 * consumer returned. */
int runner_run(const scenario *s, const place_result *plan, const runner_progress *progress,
               volatile sig_atomic_t *stop, batch_consume_fn consume, void *sink,
               batch_result **res, diag *d);

/* As runner_run, continuing from `start` (batch.h; NULL: from replica 0):
 * a resumed run, the same bytes as one that was never stopped. */
int runner_run_from(const scenario *s, const place_result *plan,
                    const runner_progress *progress, volatile sig_atomic_t *stop,
                    batch_consume_fn consume, void *sink, const batch_start *start,
                    batch_result **res, diag *d);

/* Run replica `k` of `s` from `plan` alone, writing every event to the CSV
 * file `path` (committed atomically).  FD_OK, FD_EIO or FD_ENOMEM with a
 * message. */
int runner_trace(const scenario *s, const place_result *plan, const char *path, uint64_t k,
                 diag *d);

#endif
