/*
 * cli: fdsim's subcommands (see cli.h).  Each parses its options with
 * getopt_long, loads the scenario through the one shared path below, and
 * leaves the work to the library modules.
 */
#include "cli.h"

#include "diag.h"
#include "scenario.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The options every scenario-reading subcommand shares. */
typedef struct common_opts {
    const char *scenario; /* path, or NULL for the built-in default */
    const char **sets;    /* --set values, in order (owned array) */
    size_t nsets;
} common_opts;

static int add_set(common_opts *o, const char *cmd, const char *value)
{
    if (!strchr(value, '=')) {
        fprintf(stderr, "fdsim %s: --set %s: expected section.key=value, as "
                "simulation.replicas=100\n", cmd, value);
        return -1;
    }
    const char **grown = realloc(o->sets, (o->nsets + 1) * sizeof *grown);
    if (!grown) {
        fprintf(stderr, "fdsim %s: out of memory\n", cmd);
        return -1;
    }
    o->sets = grown;
    o->sets[o->nsets++] = value;
    return 0;
}

/* Take the optional SCENARIO operand; more than one is an error. */
static int take_operands(common_opts *o, const char *cmd, int argc, char **argv)
{
    if (optind < argc)
        o->scenario = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "fdsim %s: unexpected argument '%s'; give at most one "
                "scenario file\n", cmd, argv[optind]);
        return -1;
    }
    return 0;
}

static void bad_option(const char *cmd, int argc, char **argv)
{
    const char *arg = optind - 1 < argc ? argv[optind - 1] : "?";
    fprintf(stderr, "fdsim %s: unknown or incomplete option '%s'; see fdsim %s --help\n",
            cmd, arg, cmd);
}

/* Load the scenario of `o`; messages go to stderr.  NULL on failure, with
 * the exit status in *status. */
static scenario *load(const common_opts *o, int *status)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    int rc = o->scenario
        ? scenario_load_file(&s, o->scenario, o->sets, o->nsets, stderr, &d)
        : scenario_load_default(&s, o->sets, o->nsets, stderr, &d);
    if (rc != FD_OK) {
        if (rc != FD_EINVAL) /* FD_EINVAL messages are printed by the loader */
            fprintf(stderr, "fdsim: %s\n", d.msg);
        *status = diag_exit_status(rc);
        return NULL;
    }
    return s;
}

/* ----------------------------------------------------------- check -- */

static const char check_usage[] =
    "usage: fdsim check [SCENARIO] [--set section.key=value]...\n"
    "\n"
    "Validate SCENARIO (default: the built-in default scenario) against the\n"
    "scenario format and the platform rules, and print it fully resolved,\n"
    "every default filled in, as an INI file that fdsim reads back.\n"
    "\n"
    "  -s, --set section.key=value   override one key (repeatable; last wins),\n"
    "                                e.g. --set group.db.count=7\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Exit status: 0 valid, 2 invalid (every problem printed to stderr).\n";

static int check_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "set", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    common_opts o = { 0 };
    int status = FD_EXIT_OK, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (add_set(&o, "check", optarg) < 0)
                status = FD_EXIT_INPUT;
            break;
        case 'h':
            fputs(check_usage, stdout);
            free(o.sets);
            return FD_EXIT_OK;
        default:
            bad_option("check", argc, argv);
            status = FD_EXIT_INPUT;
        }
        if (status != FD_EXIT_OK) {
            free(o.sets);
            return status;
        }
    }
    if (take_operands(&o, "check", argc, argv) < 0) {
        free(o.sets);
        return FD_EXIT_INPUT;
    }
    scenario *s = load(&o, &status);
    if (s) {
        if (scenario_write(s, stdout) < 0 || fflush(stdout) != 0) {
            fprintf(stderr, "fdsim check: cannot write to standard output\n");
            status = FD_EXIT_FAIL;
        }
        scenario_destroy(s);
    }
    free(o.sets);
    return status;
}

/* ------------------------------------------------------------ table -- */

const cli_command cli_commands[] = {
    { "check", "validate a scenario and print it fully resolved", check_main },
    { NULL, NULL, NULL },
};

void cli_usage(FILE *f)
{
    fprintf(f, "usage: fdsim COMMAND [OPTIONS] [SCENARIO]\n"
               "       fdsim --version | --help\n\n"
               "Simulate how VM groups placed across fault domains, update domains and\n"
               "zones ride out failures and platform maintenance.\n\n"
               "commands:\n");
    for (const cli_command *c = cli_commands; c->name; c++)
        fprintf(f, "  %-8s %s\n", c->name, c->summary);
    fprintf(f, "\nWithout SCENARIO, a command uses the built-in default scenario.\n"
               "Run fdsim COMMAND --help for a command's options.\n");
}
