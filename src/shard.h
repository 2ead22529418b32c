/*
 * shard: one run split into job-array shards that merge into exactly the
 * results directory one run would have written.
 *
 * `fdsim run --shard i/K -o DIR_i` runs the i-th of K block-aligned,
 * contiguous ranges of the run's replicas (shard_range) and writes a
 * partial result (shard_writer):
 *
 *  DIR_i/replicas.csv        the range's rows, as one run writes them
 *  DIR_i/inputs/             the files the scenario reads (inputs.h)
 *  DIR_i/shard/scenario.ini  the scenario as resolved (inputs named inputs/NAME)
 *  DIR_i/shard/records.bin   each replica's record as rundir's records.bin
 *                            holds it: its service downtime per group and
 *                            month and, for the restart estimator, its
 *                            accounts per group (stats_rare; native bytes)
 *  DIR_i/shard/shard.ini     written last: fdsim's version, seed, shard
 *                            i/K, the replica range, the run's replicas,
 *                            events, the bytes of the two files above, the
 *                            command line (its -o named by a placeholder)
 *                            and the down-count sums as the canonical nodes
 *                            of its blocks (blocksum.h, hex floats: exact)
 *
 * `fdsim merge DIR_1 ... DIR_K -o DIR` loads every shard.ini first
 * (shard_set_load): the shards must be of one scenario (its resolved text,
 * simulation.threads aside), seed and version, and their ranges disjoint
 * and complete; anything else is refused with a message naming the shard
 * directory, before anything is written.  Then rundir replays the shards'
 * rows in replica order through one report sink (rundir_replay), pushes
 * their nodes into one blocksum and commits the directory.
 */
#ifndef FDSIM_SHARD_H
#define FDSIM_SHARD_H

#include "batch.h"
#include "blocksum.h"
#include "diag.h"
#include "scenario.h"

#include <stddef.h>
#include <stdint.h>

/* The placeholder a shard's recorded command line has for its -o
 * directory; fdsim merge puts its own -o there. */
#define SHARD_DIR_MARK "@FDSIM_SHARD_DIR@"

#define SHARD_MAX 1000000 /* shards of a run, at most */

/* Parse "I/K" (decimal digits only, 1 <= I <= K <= SHARD_MAX) into *i and
 * *k.  0, or -1 for anything else (nothing wraps).  O(length). */
int shard_parse(const char *text, unsigned *i, unsigned *k);

/* Replicas first..end-1 of shard i (1..k) of a run of `replicas`: the
 * run's blocks (BATCH_BLOCK) split into k contiguous ranges of as equal
 * size as can be.  FD_OK, or FD_EINVAL with a message when k exceeds the
 * blocks (a shard would be empty). */
int shard_range(uint64_t replicas, unsigned i, unsigned k, uint64_t *first, uint64_t *end,
                diag *d);

typedef struct shard_writer shard_writer;

/* Stage the shard directory `dir` (replaced whole when `force`; else as -o
 * allows, stage.h) for replicas first..end-1 of `s` (borrowed; its inputs
 * are pointed at their copies), shard i of k, with baseline `baseline` and
 * the command line `cmdline` (copied; NULL: none) to record.  FD_OK, or
 * FD_EIO / FD_ENOMEM with the message and nothing left behind. */
int shard_writer_create(shard_writer **out, scenario *s, size_t baseline, const char *dir,
                        unsigned i, unsigned k, uint64_t first, uint64_t end,
                        const char *cmdline, bool force, diag *d);

/* Where the shard's batch starts (runner_run_from): first, end and an
 * empty blocksum at first's block.  Owned by the writer. */
const batch_start *shard_writer_start(const shard_writer *w);

/* A batch_consume_fn: the block's rows, months and down-count sum.  FD_OK,
 * FD_EIO or FD_ENOMEM. */
int shard_writer_consume(void *w, const batch_block *blk, diag *d);

/* Commit a complete shard: shard.ini, then the swap.  `replicas` is what
 * the batch covered (must be end: an interrupted shard is not written) and
 * `events` the events of the shard's replicas.  FD_OK, or FD_EINTR (not
 * complete: nothing written), FD_EIO / FD_ENOMEM with the message. */
int shard_writer_commit(shard_writer *w, uint64_t replicas, diag *d);

/* Free; uncommitted, the stage is removed.  NULL: no-op. */
void shard_writer_destroy(shard_writer *w);

/* One shard, as its shard.ini says. */
typedef struct shard_info {
    char *dir;               /* its directory (owned) */
    unsigned index, count;   /* shard index of count (1-based) */
    uint64_t first, end;     /* its replicas first..end-1 */
    uint64_t replicas;       /* the run's replicas */
    uint64_t seed;           /* the run's seed */
    uint64_t events;         /* its replicas' events */
    size_t baseline;         /* the run's baseline group */
    size_t cells;            /* down-count cells */
    unsigned long long rbytes, mbytes; /* bytes of replicas.csv and records.bin */
    char *version;           /* fdsim's version that wrote it (owned) */
    char *command;           /* the command line, SHARD_DIR_MARK for -o (owned), or NULL */
    char *source;            /* the scenario's source as first loaded (owned) */
    char *scenario;          /* shard/scenario.ini's text (owned) */
    blocksum *sums;          /* its blocks' nodes (owned) */
} shard_info;

/* A set of shards that belong together, in replica order. */
typedef struct shard_set {
    shard_info *v;           /* [n], sorted by first (owned) */
    size_t n;
} shard_set;

/* Read the shard.ini of every one of dirs[0..n-1] and check that they are
 * one run's complete set: FD_OK and the set in *set (shard_set_fini), or
 * FD_EINVAL / FD_EIO / FD_ENOMEM with a message naming the shard directory
 * at fault (missing, duplicated, foreign, corrupt).  Cost: the shard.ini
 * and scenario.ini files, and a stat of the data files. */
int shard_set_load(char *const *dirs, size_t n, shard_set *set, diag *d);

/* Free what the set owns.  NULL and an empty set are fine. */
void shard_set_fini(shard_set *set);

/* The set's scenario (the first shard's scenario.ini, inputs relative to
 * its directory, source as first loaded) in *s.  FD_OK or the loader's
 * code with the message (its own lines go to `errs`). */
int shard_set_scenario(const shard_set *set, scenario **s, FILE *errs, diag *d);

/* The merged run's command line: the first shard's with `dir` (quoted)
 * in place of SHARD_DIR_MARK.  A heap string, NULL when none was recorded
 * or without memory (*nomem then true). */
char *shard_set_command(const shard_set *set, const char *dir, bool *nomem);

#endif
