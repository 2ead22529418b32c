/*
 * rundir: the results directory of one `fdsim run`, from the first
 * replica to the swap, and the state that lets a killed or interrupted run
 * continue where it was.
 *
 * It puts together a stage (stage.h: the new directory built beside the
 * old and swapped in whole), the run's input files (inputs.h), the report
 * sink (report.h: the digest and replicas.csv streamed) and checkpoints:
 *
 *  STAGE/resume/scenario.ini  the scenario as it was started (every key
 *                             resolved, all the replicas asked for, the
 *                             inputs named inputs/NAME), written first
 *  STAGE/resume/records.bin   what the digest needs of each replica that
 *                             replicas.csv lacks: its service downtime per
 *                             group and month, a restart run's accounts,
 *                             an autoscaling run's figures (record.h)
 *  STAGE/resume/state.ini     the checkpoint: replicas done (P), the bytes
 *                             of replicas.csv and records.bin that hold
 *                             them, the down-count sums of the whole blocks
 *                             before P (the blocksum's held nodes, one
 *                             "node BLOCK LEVEL =" line each: blocksum.h)
 *                             and the running sum of P's block (hex floats:
 *                             exact), events, baseline, command line
 *
 * A checkpoint is taken after a block of replicas is consumed, at most
 * every `checkpoint` seconds (default 1; FDSIM_CHECKPOINT_SECONDS in the
 * environment sets it, 0 for every block), and once more at a stop: the
 * data files are flushed and fsync'd, then state.ini is written to a
 * temporary name and renamed, so a process killed at any instant leaves a
 * state.ini that names bytes that are in the files.
 *
 * Resuming (rundir_find, rundir_load, then rundir_create with the state):
 * the new stage replays the done replicas from the old state's files
 * (replicas.csv parsed back, exact because every number in it is written
 * to the shortest text that reads back as the same double; records.bin)
 * through the same sink and through a stopping rule of its own
 * (precision.h), so the digest, replicas.csv and the precision reached are
 * the ones an uninterrupted run has at P, and the batch goes on from P
 * with the saved sums (batch_start) and that stopping rule
 * (rundir_precision).  The pilot of a restart run is run again: it is
 * deterministic, so the plan is the same bits.  A time limit counts from
 * the resume.  No replica is simulated twice, and the finished
 * directory is the same bytes as a run that was never stopped (run.ini
 * too: it records the first command line).
 *
 * Where a state lives: in the stage of a run that was killed (a leftover
 * "DIR.tmp-PID", stage.h), and in DIR itself after a stop by Ctrl-C or
 * SIGTERM, whose partial results keep resume/ beside them.  A finished
 * run's directory has no resume/.
 */
#ifndef FDSIM_RUNDIR_H
#define FDSIM_RUNDIR_H

#include "batch.h"
#include "diag.h"
#include "digest.h"
#include "precision.h"
#include "report.h"
#include "scenario.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct rundir rundir;

/* How to open a run's directory. */
typedef struct rundir_opts {
    bool force;          /* the directory may hold other files: replaced whole */
    const char *resume;  /* a state directory (rundir_find) to continue, or NULL */
    double checkpoint;   /* seconds between checkpoints; < 0: the default */
} rundir_opts;

/* Stage the results directory `dir` for the run of `s` (borrowed; its
 * empirical inputs are pointed at their copies, inputs.h) with paired
 * differences against `baseline` and `cmdline` (copied; NULL: none) for
 * run.ini, write resume/scenario.ini and, with opts->resume, replay the
 * done replicas of that state (which `s` must be the scenario of:
 * rundir_load).  FD_OK, or FD_EIO / FD_EINVAL (a state that does not hold
 * together: "cannot resume from X: ...") / FD_ENOMEM with the message, and
 * nothing left behind.  Cost: the inputs' bytes, and for a resume parsing
 * the done replicas' rows (no simulation). */
int rundir_create(rundir **out, scenario *s, size_t baseline, const char *dir,
                  const char *cmdline, const rundir_opts *opts, diag *d);

/* Where the batch starts: NULL for a new run, else the resumed state. */
const batch_start *rundir_start(const rundir *rd);

/* A resumed run's stopping rule, fed the done replicas (owned by rd; the
 * runner goes on with it: runner_resume), or NULL for a new run. */
precision *rundir_precision(rundir *rd);

/* A batch_consume_fn: the block to the sink and records.bin, and a
 * checkpoint when one is due.  FD_OK, FD_ENOMEM or FD_EIO. */
int rundir_consume(void *rd, const batch_block *blk, diag *d);

/* The digest of every replica consumed, finished (report_sink_digest). */
const digest *rundir_digest(rundir *rd);

/* Commit: the report files (report_sink_commit), then, for a partial run,
 * a last checkpoint kept in resume/ (else resume/ is removed), then the
 * swap (stage_commit); a resumed leftover is removed after it.  FD_OK, or
 * FD_EIO / FD_ENOMEM with the message and the old directory as it was. */
int rundir_commit(rundir *rd, const report_run *run, diag *d);

/* Merging shards (shard.h) into rd, made without a resume state: replay
 * replicas first..end-1 from the rows of `rfile` (its first `rbytes`
 * bytes, replicas.csv as fdsim writes it) and the records of `mfile`
 * (as records.bin holds them) through the sink, as a resume replays its done replicas; they must be
 * the next ones (first = the replicas consumed so far).  Then push the
 * shard's down-count nodes `sums` and add its `events`.  FD_OK, or
 * FD_EINVAL ("cannot merge: ..." naming the file) / FD_EIO / FD_ENOMEM.
 * Cost: parsing the rows (no simulation). */
int rundir_merge(rundir *rd, const char *rfile, unsigned long long rbytes, const char *mfile,
                 uint64_t first, uint64_t end, const blocksum *sums, uint64_t events, diag *d);

/* The totals of what rd holds as a complete run's batch_result (owned by
 * the caller: batch_result_destroy): replicas, down-count sums, events; not
 * partial.  FD_OK or FD_ENOMEM. */
int rundir_result(const rundir *rd, batch_result **out);

/* Free; uncommitted, the stage is removed (the old directory, and a state
 * being resumed, are as they were).  NULL: no-op. */
void rundir_destroy(rundir *rd);

/* The state to continue a run into `dir` from: the newest resume/state.ini
 * among DIR itself (partial results) and the leftovers of killed runs into
 * it; none newer than a finished DIR's run.ini.  A heap path of the
 * directory holding resume/ in *src.  FD_OK, FD_EINVAL ("nothing to resume
 * in DIR: ...") or FD_ENOMEM.  Cost: a listing of DIR's parent. */
int rundir_find(const char *dir, char **src, diag *d);

/* Load the state at `src`: its scenario (resume/scenario.ini; inputs
 * relative to src), baseline and first command line (a heap string, NULL
 * when none was recorded).  FD_OK, or FD_EINVAL / FD_EIO / FD_ENOMEM with
 * the message (the scenario's own problems go to `errs` as the loader
 * writes them). */
int rundir_load(const char *src, scenario **s, size_t *baseline, char **cmdline, FILE *errs,
                diag *d);

#endif
