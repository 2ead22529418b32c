/* Test helper: run an fdsim subcommand in-process, as `fdsim ARGS...`.
 * RUN("place", "--csv", "x.csv") returns the subcommand's exit status. */
#ifndef FDSIM_TEST_RUN_CLI_H
#define FDSIM_TEST_RUN_CLI_H

#include <criterion/criterion.h>

#include "cli.h"

#include <string.h>

static inline int run_cli(int argc, char **argv)
{
    for (const cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(c->name, argv[0]))
            return c->main(argc, argv);
    cr_assert_fail("no command %s", argv[0]);
    return -1;
}

#define RUN(...)                                                               \
    run_cli((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)),         \
            (char *[]){ __VA_ARGS__, NULL })

#endif
