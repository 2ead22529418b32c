/*
 * cli: the fdsim subcommands (check, and those later issues add), each a
 * function taking argc/argv after the subcommand name and returning the
 * process exit status (diag.h FD_EXIT_*).  Bad arguments print one line
 * naming the option and what is valid, and return FD_EXIT_INPUT.
 */
#ifndef FDSIM_CLI_H
#define FDSIM_CLI_H

#include <stdio.h>

/* A subcommand: name, one-line summary, entry point. */
typedef struct cli_command {
    const char *name;                      /* as typed after fdsim */
    const char *summary;                   /* for fdsim --help */
    int (*main)(int argc, char **argv);    /* argv[0] is the subcommand name */
} cli_command;

/* The subcommands that work, NULL-terminated. */
extern const cli_command cli_commands[];

/* Print the top-level usage to `f`. */
void cli_usage(FILE *f);

#endif
