/*
 * fdsim: command-line entry point.  Thin: find the subcommand, run it.
 */
#include "alloc.h"
#include "cli.h"
#include "diag.h"

#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL's default handler aborts */
    json_set_alloc_funcs(fd_malloc, free); /* jansson allocates through the hook too */
    if (argc < 2) {
        cli_usage(stderr);
        return FD_EXIT_INPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        cli_usage(stdout);
        return FD_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("fdsim %s\nLicense: %s (the LICENSE file, installed in share/doc/fdsim)\n",
               FDSIM_VERSION, FDSIM_LICENSE);
        return FD_EXIT_OK;
    }
    for (const cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->main(argc - 1, argv + 1);
    fprintf(stderr, "fdsim: unknown command '%s'; see fdsim --help\n", argv[1]);
    return FD_EXIT_INPUT;
}
