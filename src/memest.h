/*
 * memest: the peak memory of a run, estimated from the scenario's shape
 * before anything is allocated, and the check that refuses a run that
 * would not fit.
 *
 * The estimate adds up the arrays the run allocates and writes, counted
 * from the code that allocates them (every term below names its module):
 *
 *  per worker thread (each holds its own copy of the world, runner.c):
 *    world.c    5 B a host (free slots, up), 4 B a rack
 *    place.c    the placement's clone: 4 B a host, sizeof(place_vm) a VM
 *    vmstate.c  ints: 4 per node (zone, rack or host) plus 5 per node and
 *               group, 8 per VM, 2 per host
 *    inject.c   16 B a host (failure counts, blocks, the host pool), 4 B a
 *               node (episodes), 8 B a rack (the rack pool), per group
 *               17 B a VM (update domains, Spot pool, repair queue) and its
 *               tally (8 B a down count and a month), the scratch lists
 *    maint.c    12 B a rack per group (walk steps, rack profile)
 *    batch.c    the worker's down-count scratch, 8 B a cell
 *  once:
 *    place.c    the run's placement and its world (9 B a host, a VM each)
 *    batch.c    the window, batch_window(threads) slots (at most the
 *               blocks): a block's records, month downtimes and down-count
 *               sums (8 B a cell, cells = sum of counts + 1)
 *    digest.c   the exact store: (DIGEST_NMETRICS + months) doubles per
 *               group and kept replica, min(replicas, digest_cap) of them
 *    rundir.c   the checkpoint's sums, 16 B a cell
 *    the program itself (code, libraries, stacks, stdio): MEMEST_BASE,
 *    measured.
 *
 * What it leaves out (the event queue, GSL's generators, file buffers,
 * the analytic check) is a few hundred KB for any world.  Measured against
 * the peak RSS of `fdsim run` (tests/test_memest.c: 4 x 10^2 to 1.2 x 10^6
 * hosts, 1 to 16 groups, 1 and 2 threads, long horizons, replicas past
 * the cap) it is within 25 %.
 */
#ifndef FDSIM_MEMEST_H
#define FDSIM_MEMEST_H

#include "diag.h"
#include "scenario.h"

#include <stdint.h>

#define MEMEST_BASE (4.5 * 1048576) /* bytes of a run of the smallest world, measured */
#define MEMEST_SHARE 0.5             /* the default limit: this share of physical memory */

/* A run's peak memory, by part, in bytes. */
typedef struct memest {
    double worker;    /* one worker thread's world, placement, VM state and injector */
    int threads;      /* worker threads the run uses */
    double placement; /* the run's own placement and world */
    double window;    /* the batch window and the run's down-count sums */
    double digest;    /* the digest's exact store at its largest */
    double base;      /* the program itself */
    double total;     /* all of it: worker x threads + the rest */
} memest;

/* Estimate the run of `s` on `threads` workers (before the cap at the
 * number of blocks, which this applies).  O(groups). */
memest memest_run(const scenario *s, int threads);

/* The default limit: MEMEST_SHARE of physical memory (sysconf), or 0
 * when it cannot be told (no limit). */
uint64_t memest_default_limit(void);

/* Refuse a run whose estimate passes `limit` bytes (0: no limit), before
 * anything is allocated: FD_EINVAL with a message giving the estimate by
 * part, the limit (`limit_what` says where it comes from, e.g. "half the
 * physical memory; --memory-limit sets it") and the key to change (the
 * world's size when the workers' copies dominate, -j, the groups' counts,
 * months or replicas otherwise).  FD_OK when it fits.  O(groups). */
int memest_check(const scenario *s, int threads, uint64_t limit, const char *limit_what,
                 diag *d);

/* "1.55 GB", "830 MB", "12 KB" into buf.  Returns buf. */
char *memest_format(double bytes, char *buf, size_t size);

#endif
