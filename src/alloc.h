/*
 * alloc: every heap allocation fdsim makes goes through this one hook, so
 * that a test can make the k-th one fail and show that each failure ends
 * in a clean error, no leak and no partial output (tests/test_alloc.c).
 *
 * fd_malloc, fd_calloc, fd_realloc, fd_strdup and fd_strndup behave as the
 * C library's (memory they return is freed with free()); libcsv's parser
 * is given fd_realloc; the one allocation a library makes for us that
 * cannot be routed (none today besides stdio's and pthread's own) checks
 * fd_alloc_ok() first.
 *
 * The hook's state is the one static variable of this module: a counter
 * of allocations and the number of the one to fail, both atomic (workers
 * allocate too).  Unarmed, an allocation costs one relaxed load more.
 */
#ifndef FDSIM_ALLOC_H
#define FDSIM_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *fd_malloc(size_t n);
void *fd_calloc(size_t n, size_t size);
void *fd_realloc(void *p, size_t n);
char *fd_strdup(const char *s);
char *fd_strndup(const char *s, size_t n);

/* Arm the hook: count allocations from now on, and make the k-th of them
 * (1-based) fail, returning NULL; k = 0 disarms it (no counting), k =
 * UINT64_MAX counts without failing.  Not while allocations run on other
 * threads. */
void fd_alloc_fail_at(uint64_t k);

/* Allocations counted since fd_alloc_fail_at, and whether the one chosen
 * has failed. */
uint64_t fd_alloc_count(void);
bool fd_alloc_failed(void);

/* For an allocation made inside a library: false when the hook says this
 * one fails (counted as one allocation). */
bool fd_alloc_ok(void);

#endif
