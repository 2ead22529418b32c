/*
 * cli: fdsim's subcommands (see cli.h).  Each parses its options with
 * getopt_long, loads the scenario through the one shared path below, and
 * leaves the work to the library modules.
 */
#include "cli.h"

#include "diag.h"
#include "csvio.h"
#include "place.h"
#include "scenario.h"
#include "world.h"

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

/* Parse the options of subcommand `cmd`: --set and --help are common; the
 * command's own options are in `extra` (getopt_long entries) and go to
 * `own(ctx, c, optarg)`, which returns 0 or -1 after printing why.  Takes
 * the optional SCENARIO operand.  Returns -1 to go on, else the exit status
 * to return at once (help printed, or bad arguments). */
static int parse_args(const char *cmd, const char *usage, int argc, char **argv,
                      const char *shortopts, const struct option *extra,
                      int (*own)(void *ctx, int c, const char *arg), void *ctx,
                      common_opts *o)
{
    struct option longopts[16];
    size_t n = 0;
    for (; extra && extra[n].name; n++)
        longopts[n] = extra[n];
    longopts[n++] = (struct option){ "set", required_argument, NULL, 's' };
    longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
    longopts[n] = (struct option){ NULL, 0, NULL, 0 };
    char opts[64];
    snprintf(opts, sizeof opts, ":s:h%s", shortopts);
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, opts, longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return FD_EXIT_OK;
        }
        if (c == 's') {
            if (add_set(o, cmd, optarg) < 0)
                return FD_EXIT_INPUT;
        } else if (c == '?' || c == ':') {
            bad_option(cmd, argc, argv);
            return FD_EXIT_INPUT;
        } else if (own(ctx, c, optarg) < 0) {
            return FD_EXIT_INPUT;
        }
    }
    if (take_operands(o, cmd, argc, argv) < 0)
        return FD_EXIT_INPUT;
    return -1;
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

static int no_own_options(void *ctx, int c, const char *arg)
{
    (void)ctx;
    (void)c;
    (void)arg;
    return -1;
}

static int check_main(int argc, char **argv)
{
    common_opts o = { 0 };
    int status = parse_args("check", check_usage, argc, argv, "", NULL, no_own_options,
                            NULL, &o);
    if (status >= 0) {
        free(o.sets);
        return status;
    }
    status = FD_EXIT_OK;
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

/* ----------------------------------------------------------- place -- */

static const char place_usage[] =
    "usage: fdsim place [SCENARIO] [--csv FILE] [--set section.key=value]...\n"
    "\n"
    "Place every group of SCENARIO (default: the built-in default scenario) on\n"
    "the region's zones, racks and hosts as the platform does, and show for\n"
    "each group its VMs per fault domain, update domain and zone, and the\n"
    "most VMs one rack failure, one maintenance step, one zone outage and one\n"
    "host failure take down.  Placement depends on simulation.seed.\n"
    "\n"
    "  --csv FILE                    also write one row per VM (group, vm, zone,\n"
    "                                fault_domain, update_domain, placement_group,\n"
    "                                rack, host, spot, placed) to FILE; - for stdout\n"
    "  -s, --set section.key=value   override one key (repeatable; last wins)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Exit status: 0 every VM placed, 1 I/O error, 2 bad input, 4 some VMs\n"
    "could not be allocated (the table says which and why).\n";

typedef struct place_opts {
    const char *csv; /* --csv FILE, or NULL */
} place_opts;

static int place_own(void *ctx, int c, const char *arg)
{
    place_opts *p = ctx;
    if (c != 'c')
        return -1;
    if (!*arg) {
        fprintf(stderr, "fdsim place: --csv needs a file name (or - for stdout)\n");
        return -1;
    }
    p->csv = arg;
    return 0;
}

static int place_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "csv", required_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    common_opts o = { 0 };
    place_opts p = { 0 };
    int status = parse_args("place", place_usage, argc, argv, "", own, place_own, &p, &o);
    if (status >= 0) {
        free(o.sets);
        return status;
    }
    status = FD_EXIT_OK;
    scenario *s = load(&o, &status);
    world *w = NULL;
    place_result *r = NULL;
    csvio_writer *csv = NULL;
    diag d;
    diag_clear(&d);
    if (!s)
        goto done;
    if (world_create(&w, s, &d) != FD_OK || place_all(w, s, s->seed, &r, &d) != FD_OK) {
        fprintf(stderr, "fdsim place: %s\n", d.msg);
        status = FD_EXIT_FAIL;
        goto done;
    }
    if (p.csv) {
        int rc = strcmp(p.csv, "-") == 0
            ? ((csv = csvio_writer_stream(stdout)) ? FD_OK : FD_ENOMEM)
            : csvio_writer_create(&csv, p.csv, &d);
        if (rc != FD_OK) {
            fprintf(stderr, "fdsim place: %s\n", d.msg[0] ? d.msg : diag_strerror(rc));
            status = FD_EXIT_FAIL;
            goto done;
        }
        place_write_csv(r, csv);
        if (csvio_writer_commit(csv, &d) != FD_OK) {
            fprintf(stderr, "fdsim place: %s\n", d.msg);
            status = FD_EXIT_FAIL;
            goto done;
        }
    }
    if (!p.csv || strcmp(p.csv, "-") != 0) {
        if (place_print_table(r, s, stdout) < 0 || fflush(stdout) != 0) {
            fprintf(stderr, "fdsim place: cannot write to standard output\n");
            status = FD_EXIT_FAIL;
            goto done;
        }
    }
    for (size_t g = 0; g < place_ngroups(r); g++)
        if (place_group_at(r, g)->failures > 0)
            status = FD_EXIT_ALLOC;
done:
    csvio_writer_destroy(csv);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
    free(o.sets);
    return status;
}

/* ------------------------------------------------------------ table -- */

const cli_command cli_commands[] = {
    { "check", "validate a scenario and print it fully resolved", check_main },
    { "place", "show where every VM of every group lands, and what one failure costs", place_main },
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
