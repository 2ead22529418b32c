/*
 * interrupt: Ctrl-C (SIGINT) and SIGTERM stop a long run at the next
 * replica instead of killing the process, so what finished can be written
 * (a run) or everything discarded (a sweep).
 *
 * A signal handler can reach nothing but a global, so the flag it sets is
 * the one static variable of this module; only interrupt_catch and the
 * handler write it, and batch reads it at replica boundaries.  One catcher
 * at a time: catch and release nest like a stack.
 */
#ifndef FDSIM_INTERRUPT_H
#define FDSIM_INTERRUPT_H

#include <signal.h>

/* The handlers installed before interrupt_catch, to restore. */
typedef struct interrupt_catcher {
    struct sigaction old_int;  /* SIGINT's previous action */
    struct sigaction old_term; /* SIGTERM's previous action */
} interrupt_catcher;

/* Clear the flag and install a handler for SIGINT and SIGTERM that sets
 * it; the previous handlers go to `c`.  Returns the flag, for runner_run's
 * `stop` (non-zero once a signal came). */
volatile sig_atomic_t *interrupt_catch(interrupt_catcher *c);

/* Put back the handlers `c` saved.  The flag keeps its value. */
void interrupt_release(const interrupt_catcher *c);

#endif
