/*
 * cluster: one run over the ranks of an MPI job (`mpirun -np K fdsim run`),
 * the same bytes as one process.
 *
 * Built with -Dmpi=enabled (FDSIM_MPI) and started by mpirun, the process
 * joins MPI's world; otherwise (no MPI build, or an MPI build started
 * without mpirun) every function here is the one-process case: one rank,
 * batch_run itself, agreement with oneself.  MPI's world is global to the
 * process, so this module keeps the rank and size it was given in two
 * statics, written once by cluster_init.
 *
 * How a batch is shared (cluster_batch_run): rank 0 broadcasts where the
 * batch starts and ends and the chunk size C; the blocks from the start
 * are dealt in chunks of C blocks, chunk j to rank j mod K, and every rank
 * runs its own blocks on its threads in order (batch_spec.share).  The
 * other ranks send each block they finish to rank 0 (MPI_Ssend: a rank
 * runs at most its window ahead of what rank 0 has taken, so memory stays
 * bounded); rank 0 takes the blocks in global block order, its own as its
 * batch hands them over and the others' as they arrive, hands each to the
 * caller's consumer (so the results directory, the digest and a precision
 * rule see exactly the blocks of one run, in order) and reduces their
 * down-count sums through a blocksum.  When rank 0 is done (every block,
 * a precision reached or a time limit, a stop at a replica boundary, an
 * error) it tells the others to stop, takes and drops what they still
 * send, until each says it has ended.  A block that ended short (a stop)
 * or a rank that ended before sending a block ends the prefix there, as
 * on one machine.
 */
#ifndef FDSIM_CLUSTER_H
#define FDSIM_CLUSTER_H

#include "batch.h"
#include "diag.h"

#include <stdbool.h>

/* Join MPI's world when built with MPI and started by mpirun (the
 * launcher's environment says so), with MPI_THREAD_FUNNELED: only the
 * thread that called batch_run talks to MPI.  Call once, first thing in
 * main.  FD_OK, or FD_EIO when MPI would not start. */
int cluster_init(int *argc, char ***argv);

/* Leave MPI's world (no-op when not in one). */
void cluster_fini(void);

/* This process's rank (0 when not distributed) and the ranks (1). */
int cluster_rank(void);
int cluster_ranks(void);

/* Whether this process writes the results: rank 0, or the only one. */
bool cluster_root(void);

/* Every rank says whether it is ready to go on (`ok`); true only when all
 * are.  Collective: every rank calls it at the same point.  One process:
 * `ok`. */
bool cluster_agree(bool ok);

/* batch_run over the ranks, as described above; one process: batch_run.
 * Every rank calls it with the same spec (the same scenario and -j);
 * spec->consume is called on rank 0 only, with the blocks of the whole
 * run in order, and only rank 0's result is the run's (replicas, sums,
 * events, partial, halted); another rank's result is its own blocks',
 * not to be reported.  A start inside a block (a resumed run stopped
 * there) is refused with FD_EINVAL.  Returns as batch_run; a rank that
 * failed makes rank 0 fail with its message ("rank R: ..."). */
int cluster_batch_run(const batch_spec *spec, batch_result **out, diag *d);

#endif
