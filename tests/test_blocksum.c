/*
 * blocksum: the canonical tree of block sums adds any split of the blocks
 * up to the same bytes.
 */
#include "blocksum.h"
#include "diag.h"

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#define CELLS 3

/* Block b's sum: values of very different magnitudes, so that the order of
 * the additions shows in the bits. */
static void block(uint64_t b, double *v)
{
    for (int c = 0; c < CELLS; c++)
        v[c] = pow(10.0, (double)((b * 7 + (uint64_t)c * 3) % 17) - 8) * (1.0 + 0.1 * (double)b);
}

/* The total of blocks 0..n-1 pushed one by one. */
static void whole(uint64_t n, double *out)
{
    blocksum *b;
    cr_assert_eq(blocksum_create(&b, CELLS, 0), FD_OK);
    double v[CELLS];
    for (uint64_t i = 0; i < n; i++) {
        block(i, v);
        cr_assert_eq(blocksum_push(b, i, 0, v), FD_OK);
    }
    blocksum_total(b, out);
    blocksum_destroy(b);
}

Test(blocksum, shards_pushed_as_their_nodes_give_the_bytes_of_one_run)
{
    const uint64_t n = 203;
    double ref[CELLS];
    whole(n, ref);
    /* the sequential sum differs in the bits (so the test can tell) */
    double seq[CELLS] = { 0 }, v[CELLS];
    for (uint64_t i = 0; i < n; i++) {
        block(i, v);
        for (int c = 0; c < CELLS; c++)
            seq[c] += v[c];
    }
    cr_assert_neq(memcmp(seq, ref, sizeof ref), 0);
    for (uint64_t k = 1; k <= 7; k++) {
        blocksum *all;
        cr_assert_eq(blocksum_create(&all, CELLS, 0), FD_OK);
        for (uint64_t i = 0; i < k; i++) {
            uint64_t a = i * n / k, e = (i + 1) * n / k;
            blocksum *sh;
            cr_assert_eq(blocksum_create(&sh, CELLS, a), FD_OK);
            for (uint64_t b = a; b < e; b++) {
                block(b, v);
                cr_assert_eq(blocksum_push(sh, b, 0, v), FD_OK);
            }
            cr_assert_leq(blocksum_nodes(sh), 16);
            for (size_t j = 0; j < blocksum_nodes(sh); j++) {
                uint64_t first;
                unsigned level;
                const double *s = blocksum_node(sh, j, &first, &level);
                cr_assert_eq(blocksum_push(all, first, level, s), FD_OK);
            }
            blocksum_destroy(sh);
        }
        double got[CELLS];
        blocksum_total(all, got);
        cr_assert_eq(memcmp(got, ref, sizeof ref), 0, "%llu shards", (unsigned long long)k);
        blocksum_destroy(all);
    }
}

Test(blocksum, refuses_a_node_out_of_place)
{
    blocksum *b;
    double v[CELLS] = { 1, 2, 3 };
    cr_assert_eq(blocksum_create(&b, CELLS, 0), FD_OK);
    cr_assert_eq(blocksum_push(b, 1, 0, v), FD_EINVAL);   /* not the next block */
    cr_assert_eq(blocksum_push(b, 0, 2, v), FD_OK);      /* blocks 0..3 */
    cr_assert_eq(blocksum_push(b, 4, 3, v), FD_EINVAL);   /* 4 is not 8-aligned */
    cr_assert_eq(blocksum_push(b, 4, 2, v), FD_OK);      /* 4..7: combined with 0..3 */
    cr_assert_eq(blocksum_nodes(b), 1);
    cr_assert_eq(blocksum_end(b), 8);
    blocksum *c;
    cr_assert_eq(blocksum_create(&c, CELLS, 5), FD_OK);
    cr_assert_eq(blocksum_copy(c, b), FD_OK);
    double t[CELLS];
    blocksum_total(c, t);
    cr_assert_eq(t[2], 6);
    blocksum_reset(c, 3);
    cr_assert_eq(blocksum_nodes(c), 0);
    cr_assert_eq(blocksum_end(c), 3);
    blocksum_destroy(b);
    blocksum_destroy(c);
    blocksum_destroy(NULL);
}
