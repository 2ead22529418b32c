/*
 * fault: test hooks at named points (see fault.h).
 */
#include "fault.h"

#include <stddef.h>

static struct {
    fault_fn fn; /* the hook, or NULL */
    void *user;  /* its argument */
} hook;

void fault_set(fault_fn fn, void *user)
{
    hook.fn = fn;
    hook.user = user;
}

int fault_point(const char *where)
{
    return hook.fn ? hook.fn(hook.user, where) : 0;
}
