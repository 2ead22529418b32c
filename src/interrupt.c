/*
 * interrupt: stop-at-the-next-replica signal handling (see interrupt.h).
 */
#include "interrupt.h"

#include <string.h>

/* Set by the handler; a global because a handler can reach nothing else. */
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

volatile sig_atomic_t *interrupt_catch(interrupt_catcher *c)
{
    struct sigaction sa;
    stop_flag = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* a write to a pipe is not cut short by Ctrl-C */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &c->old_int);
    sigaction(SIGTERM, &sa, &c->old_term);
    return &stop_flag;
}

void interrupt_release(const interrupt_catcher *c)
{
    sigaction(SIGINT, &c->old_int, NULL);
    sigaction(SIGTERM, &c->old_term, NULL);
}
