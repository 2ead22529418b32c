/* Tests of interrupt: a signal sets the flag instead of ending the
 * process, and release puts the previous handler back. */
#include <criterion/criterion.h>

#include <signal.h>

#include "interrupt.h"

Test(interrupt, sigint_and_sigterm_set_the_flag)
{
    interrupt_catcher c;
    volatile sig_atomic_t *stop = interrupt_catch(&c);
    cr_assert_eq(*stop, 0);
    raise(SIGINT);
    cr_expect_neq(*stop, 0, "SIGINT stops");
    interrupt_release(&c);
    stop = interrupt_catch(&c);
    cr_assert_eq(*stop, 0, "catching again clears the flag");
    raise(SIGTERM);
    cr_expect_neq(*stop, 0, "SIGTERM stops");
    interrupt_release(&c);
}

Test(interrupt, release_restores_the_previous_handlers)
{
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    interrupt_catcher c;
    interrupt_catch(&c);
    struct sigaction now;
    sigaction(SIGINT, NULL, &now);
    cr_assert_neq(now.sa_handler, SIG_IGN);
    interrupt_release(&c);
    sigaction(SIGINT, NULL, &now);
    cr_expect_eq(now.sa_handler, SIG_IGN);
    sigaction(SIGTERM, NULL, &now);
    cr_expect_eq(now.sa_handler, SIG_IGN);
}
