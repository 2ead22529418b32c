/*
 * blocksum: the canonical reduction of the blocks' down-count sums, so
 * that any split of a run's blocks (threads, MPI ranks, job-array shards,
 * a resumed run) adds up to the same bytes.
 *
 * Floating-point addition is not associative, so "the sum over blocks"
 * must be one fixed expression of the block sums, whatever the order they
 * were computed in.  blocksum fixes it as a binary tree over block
 * indices: node (level l, index i) covers blocks i*2^l .. (i+1)*2^l - 1
 * and its sum is node(l-1, 2i) + node(l-1, 2i+1) (left + right, cell by
 * cell); a level-0 node is one block's own sum (summed in replica order
 * from zero: batch.h).  A blocksum is a binary counter over that tree: it
 * holds, in block order, the maximal nodes among the blocks pushed so far
 * that it could not combine yet; pushing a node that completes its sibling
 * pair combines the two, and so on up.  Its total is the held nodes added
 * from zero in block order.
 *
 * Hence the state after blocks a..b-1 depends only on a, b and the block
 * sums, and pushing an aligned node (the whole subtree at once: a shard's
 * stored node) leaves the same state as pushing its blocks one by one.  A
 * shard that ran blocks a..b-1 from an empty counter at a stores its held
 * nodes (O(log(b - a)) of them, the canonical decomposition of a..b-1); a
 * merge pushes shard 1's, then shard 2's, ... into a counter at 0 and gets
 * the bytes of one run.  A resume checkpoint stores the held nodes too.
 */
#ifndef FDSIM_BLOCKSUM_H
#define FDSIM_BLOCKSUM_H

#include <stddef.h>
#include <stdint.h>

typedef struct blocksum blocksum;

/* Make an empty counter of `cells`-cell vectors (>= 1) expecting block
 * `start` first.  FD_OK or FD_ENOMEM (*out NULL).  Memory: O(cells x
 * levels held), grown as needed. */
int blocksum_create(blocksum **out, size_t cells, uint64_t start);

/* Free.  NULL is a no-op. */
void blocksum_destroy(blocksum *b);

/* Empty `b` and expect block `start` next. */
void blocksum_reset(blocksum *b, uint64_t start);

/* Make `dst` (same cells) hold what `src` holds.  FD_OK or FD_ENOMEM
 * (dst then unchanged). */
int blocksum_copy(blocksum *dst, const blocksum *src);

/* Cells of each vector. */
size_t blocksum_cells(const blocksum *b);

/* The block the counter expects next: the end of what it holds. */
uint64_t blocksum_end(const blocksum *b);

/* Push the node of blocks block .. block + 2^level - 1 with sum `sum`
 * (copied; `cells` doubles).  The node must start at blocksum_end and be
 * aligned (block a multiple of 2^level, level < 63).  FD_OK, FD_EINVAL
 * (not the next aligned node: nothing changed) or FD_ENOMEM.  Cost: O(cells
 * x the combinations it makes), amortised O(cells) per block. */
int blocksum_push(blocksum *b, uint64_t block, unsigned level, const double *sum);

/* The total: the held nodes added from zero in block order, into
 * out[cells].  O(cells x nodes). */
void blocksum_total(const blocksum *b, double *out);

/* Nodes held, in block order, and node i: its first block and level in
 * *block and *level, its sum returned (owned by b, valid until the next
 * push or reset). */
size_t blocksum_nodes(const blocksum *b);
const double *blocksum_node(const blocksum *b, size_t i, uint64_t *block, unsigned *level);

#endif
