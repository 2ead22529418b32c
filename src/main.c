/*
 * fdsim: command-line entry point.  Thin: find the subcommand, run it.
 */
#include "alloc.h"
#include "cli.h"
#include "cluster.h"
#include "diag.h"

#include <gsl/gsl_errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static int dispatch(int argc, char **argv)
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

/* Under mpirun (an MPI build), every rank runs the same command; only
 * rank 0 prints and writes (cluster.h), the others' output goes nowhere. */
int main(int argc, char **argv)
{
    if (cluster_init(&argc, &argv) != FD_OK) {
        fprintf(stderr, "fdsim: cannot start MPI (started by mpirun, but MPI_Init failed)\n");
        return FD_EXIT_FAIL;
    }
    if (!cluster_root() && (!freopen("/dev/null", "w", stdout) ||
                            !freopen("/dev/null", "w", stderr)))
        return FD_EXIT_FAIL;
    int status = dispatch(argc, argv);
    fflush(stdout);
    cluster_fini();
    return status;
}
