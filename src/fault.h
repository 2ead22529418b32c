/*
 * fault: named points along the writing of a results directory where a
 * test can stop the process (SIGKILL) or make the step fail, to show that
 * what is under the final name is always one whole run.
 *
 * Without a hook every point costs one load and a compare.  The hook is
 * the one static variable of this module (a test's, set before the code
 * under test runs and cleared after); the program itself never sets it.
 */
#ifndef FDSIM_FAULT_H
#define FDSIM_FAULT_H

/* Called at every point with its name ("stage-swap", ...): return 0 to go
 * on, or an errno value to make the step at that point fail as if the
 * system call had returned it (the hook may also never return: raise). */
typedef int (*fault_fn)(void *user, const char *where);

/* Install `fn` (NULL: none) with `user`.  Not thread-safe: set it while
 * nothing else runs. */
void fault_set(fault_fn fn, void *user);

/* The point `where`: 0 to go on, else the errno the hook chose.  O(1)
 * without a hook. */
int fault_point(const char *where);

#endif
