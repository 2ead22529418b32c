/*
 * alloc: the allocation hook (see alloc.h).
 */
#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static struct {
    atomic_bool armed;          /* count allocations */
    atomic_uint_fast64_t count; /* allocations since armed */
    atomic_bool failed;         /* the chosen one failed */
    uint64_t fail_at;           /* the one to fail, 1-based (written while unarmed) */
} hook;

void fd_alloc_fail_at(uint64_t k)
{
    atomic_store(&hook.armed, false);
    hook.fail_at = k;
    atomic_store(&hook.count, 0);
    atomic_store(&hook.failed, false);
    atomic_store(&hook.armed, k != 0);
}

uint64_t fd_alloc_count(void)
{
    return atomic_load(&hook.count);
}

bool fd_alloc_failed(void)
{
    return atomic_load(&hook.failed);
}

bool fd_alloc_ok(void)
{
    if (!atomic_load_explicit(&hook.armed, memory_order_relaxed))
        return true;
    uint64_t n = atomic_fetch_add(&hook.count, 1) + 1;
    if (n != hook.fail_at)
        return true;
    atomic_store(&hook.failed, true);
    return false;
}

void *fd_malloc(size_t n)
{
    return fd_alloc_ok() ? malloc(n) : NULL;
}

void *fd_calloc(size_t n, size_t size)
{
    return fd_alloc_ok() ? calloc(n, size) : NULL;
}

void *fd_realloc(void *p, size_t n)
{
    return fd_alloc_ok() ? realloc(p, n) : NULL;
}

char *fd_strdup(const char *s)
{
    return fd_alloc_ok() ? strdup(s) : NULL;
}

char *fd_strndup(const char *s, size_t n)
{
    return fd_alloc_ok() ? strndup(s, n) : NULL;
}
