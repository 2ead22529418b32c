/*
 * blocksum: a binary counter of block sums (see blocksum.h).
 *
 * Invariant: node[0..n-1] are aligned nodes in block order, contiguous
 * (node i ends where node i+1 starts), the last ending at `end`, and no
 * two neighbours are the two halves of one parent (they would have been
 * combined).  Their sums live in sum[i * cells ...].
 */
#include "blocksum.h"

#include "alloc.h"
#include "diag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One held node. */
typedef struct node {
    uint64_t block;          /* its first block */
    unsigned level;          /* it covers 2^level blocks */
} node;

struct blocksum {
    size_t cells;            /* doubles per vector */
    uint64_t end;            /* the next block expected */
    size_t n;                /* nodes held */
    size_t cap;              /* room for nodes in `nodes` and `sum` */
    node *nodes;             /* [cap] (owned) */
    double *sum;             /* [cap * cells] (owned) */
};

int blocksum_create(blocksum **out, size_t cells, uint64_t start)
{
    *out = NULL;
    blocksum *b = fd_calloc(1, sizeof *b);
    if (b == NULL)
        return FD_ENOMEM;
    b->cells = cells;
    b->end = start;
    b->cap = 8;
    b->nodes = fd_malloc(b->cap * sizeof *b->nodes);
    b->sum = fd_malloc(b->cap * cells * sizeof *b->sum);
    if (!b->nodes || !b->sum) {
        blocksum_destroy(b);
        return FD_ENOMEM;
    }
    *out = b;
    return FD_OK;
}

void blocksum_destroy(blocksum *b)
{
    if (b == NULL)
        return;
    free(b->nodes);
    free(b->sum);
    free(b);
}

void blocksum_reset(blocksum *b, uint64_t start)
{
    b->n = 0;
    b->end = start;
}

/* Room for `want` nodes.  FD_OK or FD_ENOMEM (unchanged). */
static int reserve(blocksum *b, size_t want)
{
    if (want <= b->cap)
        return FD_OK;
    size_t cap = b->cap * 2 > want ? b->cap * 2 : want;
    node *nn = fd_realloc(b->nodes, cap * sizeof *nn);
    if (nn == NULL)
        return FD_ENOMEM;
    b->nodes = nn;
    double *ns = fd_realloc(b->sum, cap * b->cells * sizeof *ns);
    if (ns == NULL)
        return FD_ENOMEM; /* nodes grew, sum did not: cap unchanged, still consistent */
    b->sum = ns;
    b->cap = cap;
    return FD_OK;
}

int blocksum_copy(blocksum *dst, const blocksum *src)
{
    if (dst->cells != src->cells || reserve(dst, src->n) != FD_OK)
        return FD_ENOMEM;
    memcpy(dst->nodes, src->nodes, src->n * sizeof *src->nodes);
    memcpy(dst->sum, src->sum, src->n * src->cells * sizeof *src->sum);
    dst->n = src->n;
    dst->end = src->end;
    return FD_OK;
}

size_t blocksum_cells(const blocksum *b)
{
    return b->cells;
}

uint64_t blocksum_end(const blocksum *b)
{
    return b->end;
}

/* Whether held nodes a (left) and c (right) are the two halves of one
 * parent. */
static bool siblings(const node *a, const node *c)
{
    return a->level == c->level && a->level < 63 && ((a->block >> a->level) & 1) == 0 &&
           a->block + ((uint64_t)1 << a->level) == c->block;
}

int blocksum_push(blocksum *b, uint64_t block, unsigned level, const double *sum)
{
    if (level >= 63 || block != b->end || (block & (((uint64_t)1 << level) - 1)) != 0)
        return FD_EINVAL;
    if (reserve(b, b->n + 1) != FD_OK)
        return FD_ENOMEM;
    b->nodes[b->n] = (node){ block, level };
    memcpy(b->sum + b->n * b->cells, sum, b->cells * sizeof *sum);
    b->n++;
    b->end = block + ((uint64_t)1 << level);
    while (b->n >= 2 && siblings(&b->nodes[b->n - 2], &b->nodes[b->n - 1])) {
        double *left = b->sum + (b->n - 2) * b->cells;
        const double *right = left + b->cells;
        for (size_t c = 0; c < b->cells; c++)
            left[c] = left[c] + right[c];
        b->nodes[b->n - 2].level++;
        b->n--;
    }
    return FD_OK;
}

void blocksum_total(const blocksum *b, double *out)
{
    memset(out, 0, b->cells * sizeof *out);
    for (size_t i = 0; i < b->n; i++)
        for (size_t c = 0; c < b->cells; c++)
            out[c] += b->sum[i * b->cells + c];
}

size_t blocksum_nodes(const blocksum *b)
{
    return b->n;
}

const double *blocksum_node(const blocksum *b, size_t i, uint64_t *block, unsigned *level)
{
    *block = b->nodes[i].block;
    *level = b->nodes[i].level;
    return b->sum + i * b->cells;
}
