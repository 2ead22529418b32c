/*
 * batch: the Monte Carlo batch runner.  Runs replicas 0..R-1 of a
 * simulation on a pool of worker threads and gathers their results so that
 * they do not depend on the number of threads, bit for bit.
 *
 * The simulation is reached through callbacks (batch_spec), so the runner
 * can be tested without the injector: each thread makes one worker (an
 * inject) and asks it for replicas.  Work is handed out in fixed blocks of
 * BATCH_BLOCK consecutive replicas through a mutex-guarded counter; a
 * replica's results go to preallocated arrays indexed by replica, and the
 * one floating-point sum (the down-count histograms) is summed within a
 * block in replica order, then over blocks in block order.  The block size
 * is fixed, so the sum over replicas 0..P-1 is the same bytes whatever the
 * thread count, and the same as a run of exactly P replicas.
 *
 * Stopping: when *stop becomes non-zero (a signal handler sets it), every
 * worker finishes the replica it is running and takes no other.  The result
 * then covers the longest prefix 0..P-1 of completed replicas (later ones
 * that happened to finish are dropped) and is flagged partial.
 */
#ifndef FDSIM_BATCH_H
#define FDSIM_BATCH_H

#include "diag.h"
#include "stats.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BATCH_BLOCK 16 /* replicas per work block; fixed: sums depend on it */

/* What to run.  Every pointer is borrowed for the duration of batch_run. */
typedef struct batch_spec {
    size_t ngroups;          /* groups per replica, >= 1 */
    const int *counts;       /* VMs per group: downcount arrays have counts[g]+1 cells */
    int nmonths;             /* months per replica, >= 1 */
    uint64_t replicas;       /* replicas to run, >= 1 */
    int threads;             /* worker threads, >= 1 (capped at the number of blocks) */
    /* Make one worker; called once in each worker thread with `user`.
     * NULL means out of memory: the batch then fails with FD_ENOMEM. */
    void *(*worker_create)(void *user);
    /* Free a worker made by worker_create (never called with NULL). */
    void (*worker_destroy)(void *worker);
    /* Run replica `replica` on `worker` and write its results to `out`:
     * for each group g, out->rec[g], out->downcount[g][k] (the seconds with
     * k VMs down, k = 0..counts[g]) and out->month_down[g][m] (service
     * downtime in month m, seconds), and the number of events it ran to
     * *events.  Returns FD_OK, or FD_ENOMEM (the batch then fails).  Must
     * depend only on `replica` and the worker's construction, never on
     * which worker or thread runs it. */
    int (*replica)(void *worker, uint64_t replica, const stats_out *out, uint64_t *events);
    void *user;                   /* passed to worker_create */
    bool progress;                /* draw a progress bar on stderr if it is a terminal */
    /* A run that is one part of a larger job (a sweep): the bar counts
     * progress_done + this batch's replicas out of progress_total, after
     * progress_label (e.g. "point 3/12").  All zero / NULL: this batch alone. */
    uint64_t progress_done;       /* replicas of the job finished before this batch */
    uint64_t progress_total;      /* replicas of the whole job; 0: spec.replicas */
    const char *progress_label;   /* shown first on the bar, or NULL */
    volatile sig_atomic_t *stop;  /* non-zero: stop at the next replica boundary; may be NULL */
} batch_spec;

/* The results of a batch: a plain record owned by the caller, freed with
 * batch_result_destroy.  Only replicas 0..replicas-1 are present. */
typedef struct batch_result {
    size_t ngroups;          /* groups per replica */
    int *counts;             /* VMs per group (owned copy) */
    int nmonths;             /* months per replica */
    uint64_t requested;      /* replicas asked for */
    uint64_t replicas;       /* replicas completed: the prefix 0..replicas-1 */
    bool partial;            /* stopped early: replicas < requested */
    stats_replica *stats;    /* [r * ngroups + g]: group g in replica r (owned) */
    double **downcount;      /* downcount[g][k]: seconds at k down, summed over
                                the replicas, k = 0..counts[g] (owned) */
    double *month_down;      /* [(r * ngroups + g) * nmonths + m]: service
                                downtime of group g in month m of replica r, s (owned) */
    uint64_t events;         /* events run by the replicas, as reported */
    double wall;             /* wall-clock seconds of the run */
} batch_result;

/* Run the batch described by `spec` and return its results in *out (owned
 * by the caller).  Returns FD_OK (also when stopped early: see
 * (*out)->partial), or FD_ENOMEM with nothing allocated when the result
 * arrays, a worker or every thread could not be made (fewer threads than
 * asked are not an error: the results do not depend on them).  Memory: O(R x groups x (months + 1)) for the per-replica
 * results plus O(R / BATCH_BLOCK x total VMs) for the block sums.  Time: the
 * replicas' time divided by the threads, plus O(R x total VMs) to reduce. */
int batch_run(const batch_spec *spec, batch_result **out, diag *d);

/* Free a result.  NULL is a no-op. */
void batch_result_destroy(batch_result *r);

#endif
