/*
 * batch: the Monte Carlo batch runner.  Runs replicas 0..R-1 of a
 * simulation on a pool of worker threads and hands their results, in
 * replica order, to a consumer, so that what the consumer makes of them
 * does not depend on the number of threads, bit for bit.
 *
 * The simulation is reached through callbacks (batch_spec), so the runner
 * can be tested without the injector: each thread makes one worker (an
 * inject) and asks it for replicas.  Work is handed out in fixed blocks of
 * BATCH_BLOCK consecutive replicas through a mutex-guarded counter; a
 * block's per-replica results go to one slot of a window of
 * batch_window(threads) slots, and the thread that called batch_run hands
 * completed blocks to spec->consume in block order and frees their slots.
 * A worker that would run more than the window ahead of the consumer
 * waits, so memory is bounded by the window, whatever R.  The one
 * floating-point sum batch makes itself (the down-count histograms) is
 * summed within a block in replica order, then over blocks by the
 * canonical tree of blocksum.h: the block size is fixed, so the sum over
 * replicas 0..P-1 is the same bytes whatever the thread count, the same as
 * a run of exactly P replicas, and the same as any split of the blocks
 * (MPI ranks, shards) reduced through a blocksum.
 *
 * Resuming: with spec->start, replicas before start->first are taken as
 * done (their sums given), the first block runs from start->first with its
 * running sum, and everything else is as above, so the result and what
 * the consumer sees of replicas start->first.. are the bytes of one run.
 *
 * Stopping: when *stop becomes non-zero (a signal handler sets it), every
 * worker finishes the replica it is running and takes no other.  The result
 * then covers the longest prefix 0..P-1 of completed replicas (later ones
 * that happened to finish are dropped, never consumed) and is flagged
 * partial; the consumer has seen exactly replicas 0..P-1.
 */
#ifndef FDSIM_BATCH_H
#define FDSIM_BATCH_H

#include "blocksum.h"
#include "diag.h"
#include "stats.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BATCH_BLOCK 16 /* replicas per work block; fixed: sums depend on it */
#define BATCH_WINDOW_PER_THREAD 4 /* window slots per worker thread */

/* A completed block of replicas, as the consumer sees it: views into a
 * window slot (not owned; valid during the consume call only). */
typedef struct batch_block {
    uint64_t first;              /* the block's first replica */
    size_t n;                    /* replicas first .. first+n-1, 1..BATCH_BLOCK */
    size_t ngroups;              /* groups per replica */
    int nmonths;                 /* months per replica */
    const stats_replica *stats;  /* [i * ngroups + g]: group g in replica first+i */
    const double *month_down;    /* [(i * ngroups + g) * nmonths + m]: service downtime
                                    of group g in month m of replica first+i, s */
    const double *downcount_sum; /* [cells, the groups' counts[g] + 1 one after the other]:
                                    the down-count seconds summed in replica order from
                                    the start of the block's BATCH_BLOCK-aligned block up
                                    to replica first+n-1 (a resumed block: from its
                                    batch_start.block_sum on) */
    uint64_t events;             /* events the block's replicas ran */
    const stats_rare *rare;      /* [i * ngroups + g]: the rare-event estimator's account
                                    of group g in replica first+i (zeros for plain ones) */
} batch_block;

/* Takes the blocks of a run in replica order, on the thread that called
 * batch_run.  FD_OK to go on; BATCH_HALT to end the batch there, complete
 * (a precision reached, a time limit): the result covers the blocks
 * consumed, this one included, and is not partial; any other code, with a
 * message in `d`, stops the batch, which then fails with that code. */
#define BATCH_HALT 1
typedef int (*batch_consume_fn)(void *sink, const batch_block *blk, diag *d);

/* Window slots batch_run uses with `threads` worker threads (before the
 * cap at the number of blocks): BATCH_WINDOW_PER_THREAD x threads. */
size_t batch_window(int threads);

/* Where a batch starts when it continues an earlier one (a resumed run,
 * ckpt in rundir.h), or when it is one shard of a run: replicas
 * 0..first-1 are done (or another shard's) and are not run again.  With
 * the sums given, the result is the same bytes as one batch over every
 * replica.  Every pointer is borrowed. */
typedef struct batch_start {
    uint64_t first;          /* the first replica to run, <= replicas */
    uint64_t end;            /* a shard: the replica to stop before (runner_run_from
                                runs replicas first..end-1); 0: every replica */
    const blocksum *sums;    /* the down-count sums of the whole blocks before first's
                                block (blocksum_end is first's block): a resumed run's
                                counter, or an empty one at first's block for a shard */
    const double *block_sum; /* [cells]: the sum of replicas from first's block's start
                                to first-1, in replica order; NULL when first is a
                                multiple of BATCH_BLOCK */
    uint64_t events;         /* events the done replicas ran */
} batch_start;

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
     * k VMs down, k = 0..counts[g]), out->month_down[g][m] (service
     * downtime in month m, seconds) and, if it has one, the rare-event
     * estimator's account out->rare[g] (zeroed before), and the number of
     * events it ran to *events.  Returns FD_OK, or FD_ENOMEM (the batch then fails).  Must
     * depend only on `replica` and the worker's construction, never on
     * which worker or thread runs it. */
    int (*replica)(void *worker, uint64_t replica, const stats_out *out, uint64_t *events);
    void *user;                   /* passed to worker_create */
    batch_consume_fn consume;     /* takes every completed block in order; NULL: none */
    void *sink;                   /* passed to consume */
    bool progress;                /* draw a progress bar on stderr if it is a terminal */
    /* A run that is one part of a larger job (a sweep): the bar counts
     * progress_done + this batch's replicas out of progress_total, after
     * progress_label (e.g. "point 3/12").  All zero / NULL: this batch alone. */
    uint64_t progress_done;       /* replicas of the job finished before this batch */
    uint64_t progress_total;      /* replicas of the whole job; 0: spec.replicas */
    const char *progress_label;   /* shown first on the bar, or NULL */
    volatile sig_atomic_t *stop;  /* non-zero: stop at the next replica boundary; may be NULL */
    const batch_start *start;     /* continue from here; NULL: from replica 0 */
    /* One rank's share of the blocks (MPI, cluster.h): NULL, every block.
     * Else the batch runs, in order, the blocks of the chunks of `chunk`
     * blocks (counted from block `base`) numbered rank, rank + ranks,
     * rank + 2 ranks, ...; blk->first
     * is the replica's global number, and the result's down-count sums and
     * replicas are not reduced (the gatherer reduces the blocks); no
     * start. */
    const struct batch_share *share;
    const uint64_t *progress_more; /* replicas finished elsewhere (other ranks), added to
                                      the bar; read on the consumer's thread; may be NULL */
} batch_spec;

/* A rank's share of the blocks (batch_spec.share). */
typedef struct batch_share {
    uint64_t base;           /* the first block shared (a shard's or resumed run's) */
    uint64_t chunk;          /* blocks per chunk, >= 1 */
    int rank;                /* this rank, 0 <= rank < ranks */
    int ranks;               /* ranks sharing the run, >= 1 */
} batch_share;

/* Blocks of a run of `replicas` replicas that `sh`'s rank runs. */
uint64_t batch_share_blocks(const batch_share *sh, uint64_t replicas);

/* The global number of the `local`-th block of `sh`'s rank. */
uint64_t batch_share_block(const batch_share *sh, uint64_t local);

/* The results of a batch: a plain record owned by the caller, freed with
 * batch_result_destroy.  Only replicas 0..replicas-1 are counted (and were
 * consumed); their per-replica results went to spec->consume. */
typedef struct batch_result {
    size_t ngroups;          /* groups per replica */
    int *counts;             /* VMs per group (owned copy) */
    int nmonths;             /* months per replica */
    uint64_t requested;      /* replicas asked for */
    uint64_t replicas;       /* replicas completed: the prefix 0..replicas-1 */
    bool partial;            /* stopped early: replicas < requested, not by the consumer */
    bool halted;             /* the consumer ended it (BATCH_HALT) */
    double **downcount;      /* downcount[g][k]: seconds at k down, summed over
                                the replicas, k = 0..counts[g] (owned) */
    uint64_t events;         /* events run by the replicas, as reported */
    double wall;             /* wall-clock seconds of the run */
    size_t window;           /* slots of the window the run used */
    size_t window_peak;      /* most blocks held at once (running or done but
                                not yet consumed): at most window */
} batch_result;

/* Run the batch described by `spec`, handing every completed block to
 * spec->consume in replica order, and return the totals in *out (owned by
 * the caller).  Returns FD_OK (also when stopped early: see
 * (*out)->partial), FD_ENOMEM with nothing allocated when the window, a
 * worker or every thread could not be made (fewer threads than asked are
 * not an error: the results do not depend on them), or the code a consume
 * call returned, its message in `d`.  Memory: O(window x BATCH_BLOCK x
 * groups x (months + 1) + window x total VMs), independent of R.  Time:
 * the replicas' time divided by the threads (or the consumer's time, if
 * that is longer), plus O(R x total VMs) to reduce. */
int batch_run(const batch_spec *spec, batch_result **out, diag *d);

/* Free a result.  NULL is a no-op. */
void batch_result_destroy(batch_result *r);

#endif
