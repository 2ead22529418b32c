/*
 * cli: fdsim's subcommands (see cli.h).  Each parses its options with
 * getopt_long, loads the scenario through the one shared path below, and
 * leaves the work to the library modules.
 */
#include "cli.h"

#include "analytic.h"
#include "batch.h"
#include "cmdline.h"
#include "csvio.h"
#include "diag.h"
#include "interrupt.h"
#include "place.h"
#include "plot.h"
#include "report.h"
#include "runner.h"
#include "scenario.h"
#include "sweep.h"
#include "world.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Load the scenario of `o` for subcommand `cmd`; messages go to stderr: the
 * loader's own "FILE:LINE: ..." lines, and any other failure (the file cannot
 * be read, out of memory) as "fdsim CMD: reason".  NULL on failure, with the
 * exit status in *status. */
static scenario *load(const char *cmd, const common_opts *o, int *status)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    int rc = o->scenario
        ? scenario_load_file(&s, o->scenario, o->sets, o->nsets, stderr, &d)
        : scenario_load_default(&s, o->sets, o->nsets, stderr, &d);
    if (rc != FD_OK) {
        if (rc != FD_EINVAL) /* FD_EINVAL messages are printed by the loader */
            fprintf(stderr, "fdsim %s: %s\n", cmd, d.msg);
        /* a scenario file that cannot be read is the user's to fix: nothing ran */
        *status = rc == FD_EIO ? FD_EXIT_INPUT : diag_exit_status(rc);
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
    scenario *s = load("check", &o, &status);
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
    scenario *s = load("place", &o, &status);
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

/* ------------------------------------------------------------- run -- */

static const char run_usage[] =
    "usage: fdsim run [SCENARIO] [-n REPLICAS] [--seed S] [-j THREADS] [-o DIR]\n"
    "                 [--baseline NAME] [--trace FILE [--trace-replica K]]\n"
    "                 [--set section.key=value]...\n"
    "\n"
    "Run the Monte Carlo replicas of SCENARIO (default: the built-in default\n"
    "scenario), show the groups side by side and write the results directory.\n"
    "The results are the same bytes for any number of threads.\n"
    "\n"
    "  -n, --replicas N              replicas to run (simulation.replicas)\n"
    "      --seed S                  master seed (simulation.seed)\n"
    "  -j, --threads T               worker threads; 0 = one per core\n"
    "                                (default: simulation.threads)\n"
    "  -o, --output DIR              results directory (default: results):\n"
    "                                summary.csv, replicas.csv, downcount.csv,\n"
    "                                months.csv and run.ini, which reproduces\n"
    "                                the run (fdsim run DIR/run.ini)\n"
    "      --baseline NAME           group the paired differences are taken\n"
    "                                against (default: the first)\n"
    "      --trace FILE              also write every event of one replica to FILE\n"
    "      --trace-replica K         the replica to trace (default 0)\n"
    "  -s, --set section.key=value   override one key (repeatable; last wins)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Ctrl-C stops at the next replica and writes the replicas that finished,\n"
    "marked partial.  Exit status: 0 done, 1 I/O error, 2 bad input (nothing\n"
    "run), 3 interrupted (partial results written), 4 some VMs could not be\n"
    "allocated (results written; the table marks the groups and says why).\n";

/* The long options of batch_opts, for run's and sweep's option tables. */
#define BATCH_LONGOPTS                                                         \
    { "replicas", required_argument, NULL, 'n' },                             \
    { "seed", required_argument, NULL, 'S' },                                 \
    { "threads", required_argument, NULL, 'j' },                              \
    { "output", required_argument, NULL, 'o' }

/* The options run and sweep share: -n, --seed and -j become --set
 * overrides (so validation and messages are the scenario's), -o a path. */
typedef struct batch_opts {
    common_opts *o;          /* to append -n / --seed / -j as --set values */
    char replicas[64];       /* "simulation.replicas=N" for -n */
    char seed[64];           /* "simulation.seed=S" for --seed */
    char threads[64];        /* "simulation.threads=T" for -j */
    const char *out;         /* -o DIR */
} batch_opts;

typedef struct run_opts {
    batch_opts b;            /* -n, --seed, -j, -o */
    const char *baseline;    /* --baseline NAME, or NULL */
    const char *trace;       /* --trace FILE, or NULL */
    uint64_t trace_replica;  /* --trace-replica K */
    bool trace_replica_set;  /* --trace-replica was given */
} run_opts;

/* Parse a whole decimal number in [lo, hi] (no sign, no blanks). */
static int parse_u64(const char *arg, uint64_t lo, uint64_t hi, uint64_t *v)
{
    if (arg[0] < '0' || arg[0] > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(arg, &end, 10);
    if (errno != 0 || *end != '\0' || x < lo || x > hi)
        return -1;
    *v = x;
    return 0;
}

/* Handle -n, --seed, -j or -o of subcommand `cmd`: 0 done, -1 bad value
 * (printed), 1 when `c` is none of them. */
static int batch_own(const char *cmd, batch_opts *p, int c, const char *arg)
{
    uint64_t v;
    switch (c) {
    case 'n':
        if (parse_u64(arg, 1, 10000000, &v) < 0) {
            fprintf(stderr, "fdsim %s: -n %s: expected a whole number of replicas "
                    "from 1 to 10000000, e.g. -n 1000\n", cmd, arg);
            return -1;
        }
        snprintf(p->replicas, sizeof p->replicas, "simulation.replicas=%" PRIu64, v);
        return add_set(p->o, cmd, p->replicas);
    case 'S':
        if (parse_u64(arg, 0, UINT64_MAX, &v) < 0) {
            fprintf(stderr, "fdsim %s: --seed %s: expected a whole number from 0 to "
                    "18446744073709551615\n", cmd, arg);
            return -1;
        }
        snprintf(p->seed, sizeof p->seed, "simulation.seed=%" PRIu64, v);
        return add_set(p->o, cmd, p->seed);
    case 'j':
        if (parse_u64(arg, 0, 1024, &v) < 0) {
            fprintf(stderr, "fdsim %s: -j %s: expected a number of threads from 1 to "
                    "1024, or 0 for one per core\n", cmd, arg);
            return -1;
        }
        snprintf(p->threads, sizeof p->threads, "simulation.threads=%" PRIu64, v);
        return add_set(p->o, cmd, p->threads);
    case 'o':
        if (!*arg) {
            fprintf(stderr, "fdsim %s: -o needs a directory name\n", cmd);
            return -1;
        }
        p->out = arg;
        return 0;
    default:
        return 1;
    }
}

static int run_own(void *ctx, int c, const char *arg)
{
    run_opts *p = ctx;
    int rc = batch_own("run", &p->b, c, arg);
    if (rc != 1)
        return rc;
    uint64_t v;
    switch (c) {
    case 'b':
        p->baseline = arg;
        return 0;
    case 't':
        if (!*arg) {
            fprintf(stderr, "fdsim run: --trace needs a file name\n");
            return -1;
        }
        p->trace = arg;
        return 0;
    case 'k':
        if (parse_u64(arg, 0, 10000000 - 1, &v) < 0) {
            fprintf(stderr, "fdsim run: --trace-replica %s: expected a replica number "
                    "from 0 (the first)\n", arg);
            return -1;
        }
        p->trace_replica = v;
        p->trace_replica_set = true;
        return 0;
    default:
        return -1;
    }
}

/* Tell stderr which groups of `p` have VMs placement could not allocate,
 * and why; `where` prefixes each line ("point-03: " in a sweep).  Returns
 * how many groups. */
static size_t warn_unplaced(const char *cmd, const char *where, const place_result *p)
{
    for (size_t g = 0; g < place_ngroups(p); g++) {
        const place_group *pg = place_group_at(p, g);
        int n = 0;
        for (int i = 0; i < pg->count; i++)
            n += !pg->vms[i].placed;
        if (n)
            fprintf(stderr, "fdsim %s: %sgroup %s: %d of %d VMs could not be allocated "
                    "(%s); they count as down in every replica\n", cmd, where,
                    pg->spec->name, n, pg->count, pg->reason);
    }
    return runner_unplaced_groups(p);
}

static int run_main(int argc, char **argv)
{
    static const struct option own[] = {
        BATCH_LONGOPTS,
        { "baseline", required_argument, NULL, 'b' },
        { "trace", required_argument, NULL, 't' },
        { "trace-replica", required_argument, NULL, 'k' },
        { NULL, 0, NULL, 0 },
    };
    common_opts o = { 0 };
    run_opts p = { .b = { .o = &o, .out = "results" } };
    int status = parse_args("run", run_usage, argc, argv, "n:j:o:", own, run_own, &p, &o);
    if (status >= 0) {
        free(o.sets);
        return status;
    }
    status = FD_EXIT_OK;
    scenario *s = load("run", &o, &status);
    batch_result *res = NULL;
    place_result *placed = NULL;
    char *cmdline = NULL;
    size_t baseline = 0;
    interrupt_catcher sig;
    volatile sig_atomic_t *stop = NULL;
    bool handlers = false;
    diag d;
    diag_clear(&d);
    if (!s)
        goto done;

    /* Every check on the arguments before anything runs. */
    if (p.baseline) {
        const scen_group *bg = scenario_group(s, p.baseline);
        if (!bg) {
            fprintf(stderr, "fdsim run: --baseline %s: no such group; the groups are:",
                    p.baseline);
            for (size_t g = 0; g < s->ngroups; g++)
                fprintf(stderr, "%s %s", g ? "," : "", s->groups[g].name);
            fputc('\n', stderr);
            status = FD_EXIT_INPUT;
            goto done;
        }
        baseline = (size_t)(bg - s->groups);
    }
    if (p.trace_replica_set && !p.trace) {
        fprintf(stderr, "fdsim run: --trace-replica needs --trace FILE\n");
        status = FD_EXIT_INPUT;
        goto done;
    }
    if (p.trace && p.trace_replica >= (uint64_t)s->replicas) {
        fprintf(stderr, "fdsim run: --trace-replica %" PRIu64 ": the run has replicas 0 "
                "to %ld\n", p.trace_replica, s->replicas - 1);
        status = FD_EXIT_INPUT;
        goto done;
    }
    struct stat st;
    if (stat(p.b.out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "fdsim run: -o %s: exists and is not a directory; give a "
                "directory for the results\n", p.b.out);
        status = FD_EXIT_INPUT;
        goto done;
    }
    cmdline = cmdline_quote("fdsim", argc, argv);
    if (!cmdline) {
        fprintf(stderr, "fdsim run: out of memory\n");
        status = FD_EXIT_FAIL;
        goto done;
    }
    stop = interrupt_catch(&sig);
    handlers = true;

    if (p.trace && runner_trace(s, p.trace, p.trace_replica, &d) != FD_OK) {
        fprintf(stderr, "fdsim run: --trace: %s\n", d.msg);
        status = FD_EXIT_FAIL;
        goto done;
    }
    if (runner_run(s, NULL, stop, &res, &d) != FD_OK) {
        fprintf(stderr, "fdsim run: %s\n", d.msg);
        status = FD_EXIT_FAIL;
        goto done;
    }
    analytic_result *an = NULL; /* best effort: without it the table has no check */
    if (analytic_compute(s, &an, NULL) != FD_OK)
        an = NULL;
    if (runner_place(s, &placed, &d) != FD_OK) {
        fprintf(stderr, "fdsim run: %s\n", d.msg);
        analytic_result_destroy(an);
        status = FD_EXIT_FAIL;
        goto done;
    }
    report_run rr = { .s = s, .r = res, .baseline = baseline, .cmdline = cmdline,
                      .analytic = an, .placement = placed };
    if (report_print_table(&rr, stdout) < 0) {
        fprintf(stderr, "fdsim run: cannot write to standard output\n");
        status = FD_EXIT_FAIL;
    }
    analytic_result_destroy(an);
    rr.analytic = NULL;
    if (report_write_dir(p.b.out, &rr, &d) != FD_OK) {
        fprintf(stderr, "fdsim run: %s\n", d.msg);
        status = FD_EXIT_FAIL;
        goto done;
    }
    printf("\n%llu events in %.3g s (%.3g replicas/s, %d thread%s)\nwrote %s/:",
           (unsigned long long)res->events, res->wall,
           res->wall > 0 ? (double)res->replicas / res->wall : 0.0, runner_threads(s),
           runner_threads(s) == 1 ? "" : "s", p.b.out);
    for (const char *const *f = report_files; *f; f++)
        printf(" %s", *f);
    putchar('\n');
    if (fflush(stdout) != 0 && status == FD_EXIT_OK)
        status = FD_EXIT_FAIL;
    if (res->partial) {
        fprintf(stderr, "fdsim run: interrupted: %llu of %llu replicas written, marked "
                "partial\n", (unsigned long long)res->replicas,
                (unsigned long long)res->requested);
        if (status == FD_EXIT_OK)
            status = FD_EXIT_PARTIAL;
    }
    if (warn_unplaced("run", "", placed) && status == FD_EXIT_OK)
        status = FD_EXIT_ALLOC;
done:
    if (handlers)
        interrupt_release(&sig);
    place_result_destroy(placed);
    batch_result_destroy(res);
    free(cmdline);
    scenario_destroy(s);
    free(o.sets);
    return status;
}

/* ------------------------------------------------------------ plot -- */

static const char plot_usage[] =
    "usage: fdsim plot DIR [--format png|svg|both] [--replica K] [--size WxH]\n"
    "\n"
    "Draw every chart the results in DIR support (a directory written by\n"
    "fdsim run or fdsim sweep) with gnuplot, as DIR/NAME.png (or .svg), and\n"
    "print the path of each file written:\n"
    "  availability   service availability per group, 95 % interval (summary.csv)\n"
    "  downtime_cdf   downtime per year across replicas, CDF (replicas.csv)\n"
    "  downcount      hours per year with k VMs down at once (downcount.csv)\n"
    "  months         monthly uptime against the SLA target (months.csv)\n"
    "  timeline       replica K through its first maintenance wave: VMs up per\n"
    "                 update domain or rack (replays run.ini; the same sample\n"
    "                 path as fdsim run DIR/run.ini --trace F --trace-replica K)\n"
    "  sweep          availability against the swept key (sweep.csv)\n"
    "\n"
    "  -f, --format F      png (default), svg or both\n"
    "  -k, --replica K     the replica the timeline shows (default 0)\n"
    "      --size WxH      image size in pixels (default 800x500)\n"
    "  -h, --help          show this help\n"
    "\n"
    "gnuplot must be on PATH (Debian: apt-get install gnuplot-nox).\n"
    "Exit status: 0 charts written, 1 gnuplot missing or failed, 2 bad input.\n";

static int plot_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "format", required_argument, NULL, 'f' },
        { "replica", required_argument, NULL, 'k' },
        { "size", required_argument, NULL, 'z' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    plot_opts po = { .formats = PLOT_PNG, .width = 800, .height = 500 };
    uint64_t v;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:k:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(plot_usage, stdout);
            return FD_EXIT_OK;
        case 'f':
            if (!strcmp(optarg, "png"))
                po.formats = PLOT_PNG;
            else if (!strcmp(optarg, "svg"))
                po.formats = PLOT_SVG;
            else if (!strcmp(optarg, "both"))
                po.formats = PLOT_PNG | PLOT_SVG;
            else {
                fprintf(stderr, "fdsim plot: --format %s: expected png, svg or both\n", optarg);
                return FD_EXIT_INPUT;
            }
            break;
        case 'k':
            if (parse_u64(optarg, 0, 10000000 - 1, &v) < 0) {
                fprintf(stderr, "fdsim plot: --replica %s: expected a replica number from 0 "
                        "(the first)\n", optarg);
                return FD_EXIT_INPUT;
            }
            po.replica = v;
            break;
        case 'z': {
            int w, h, n = 0;
            if (sscanf(optarg, "%dx%d%n", &w, &h, &n) != 2 || optarg[n] != '\0' || w < 100 ||
                h < 100 || w > 10000 || h > 10000) {
                fprintf(stderr, "fdsim plot: --size %s: expected WIDTHxHEIGHT in pixels, each "
                        "from 100 to 10000, e.g. 800x500\n", optarg);
                return FD_EXIT_INPUT;
            }
            po.width = w;
            po.height = h;
            break;
        }
        default:
            bad_option("plot", argc, argv);
            return FD_EXIT_INPUT;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "fdsim plot: give one results directory, e.g. fdsim plot results\n");
        return FD_EXIT_INPUT;
    }
    po.dir = argv[optind];
    diag d;
    diag_clear(&d);
    int rc = plot_render(&po, stdout, &d);
    if (fflush(stdout) != 0 && rc == FD_OK)
        rc = diag_set(&d, FD_EIO, "cannot write to standard output");
    if (rc != FD_OK) {
        fprintf(stderr, "fdsim plot: %s\n", d.msg);
        return rc == FD_EINVAL ? FD_EXIT_INPUT : FD_EXIT_FAIL;
    }
    return FD_EXIT_OK;
}

/* ----------------------------------------------------------- sweep -- */

static const char sweep_usage[] =
    "usage: fdsim sweep [SCENARIO] --vary KEY=FIRST:LAST:STEP | --vary KEY=V1,V2,...\n"
    "                   [--vary ...]... [-n REPLICAS] [--seed S] [-j THREADS]\n"
    "                   [-o DIR] [--set section.key=value]...\n"
    "\n"
    "Run SCENARIO (default: the built-in default scenario) at every point of\n"
    "the Cartesian product of the --vary values, each point with the same seed\n"
    "(common random numbers: the curves are smooth), and write DIR/sweep.csv,\n"
    "one tidy table of every point, plus each point's usual results in\n"
    "DIR/point-NN/.  Every point is validated before anything runs.\n"
    "\n"
    "  -v, --vary KEY=SPEC           a key as --set names it and its values: an\n"
    "                                inclusive range FIRST:LAST:STEP (units allowed:\n"
    "                                10d:40d:10d) or a list V1,V2,... (repeatable;\n"
    "                                the first --vary varies slowest), e.g.\n"
    "                                --vary group.db.count=3:15:2\n"
    "  -n, --replicas N              replicas per point (simulation.replicas)\n"
    "      --seed S                  master seed, the same for every point\n"
    "  -j, --threads T               worker threads; 0 = one per core\n"
    "  -o, --output DIR              a new or empty directory (default: sweep)\n"
    "  -s, --set section.key=value   override one key for every point (repeatable)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "sweep.csv: point, one column per varied key, then summary.csv's columns\n"
    "(group, orchestration, ..., metric, unit, mean, sd, ci_low, ci_high, ...).\n"
    "Chart it with fdsim plot DIR.\n"
    "\n"
    "Exit status: 0 done, 1 I/O error, 2 bad input (nothing run, nothing\n"
    "written), 3 interrupted (nothing written), 4 some VMs of some point could\n"
    "not be allocated (everything written; the table marks those rows).\n";

typedef struct sweep_opts {
    batch_opts b; /* -n, --seed, -j, -o */
    sweep *sw;    /* the --vary axes */
} sweep_opts;

static int sweep_own(void *ctx, int c, const char *arg)
{
    sweep_opts *p = ctx;
    int rc = batch_own("sweep", &p->b, c, arg);
    if (rc != 1)
        return rc;
    diag d;
    diag_clear(&d);
    switch (c) {
    case 'v':
        if (sweep_add(p->sw, arg, &d) != FD_OK) {
            fprintf(stderr, "fdsim sweep: %s\n", d.msg);
            return -1;
        }
        return 0;
    default:
        return -1;
    }
}

/* sweep_load_points' say(): one line on stderr. */
static void sweep_say(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "fdsim sweep: %s\n", msg);
}

/* What the sweep's table lines need. */
typedef struct sweep_table {
    const sweep *sw;
    uint64_t seed;   /* the scenario's seed, for the heading */
    size_t npoints;
} sweep_table;

static void sweep_start(void *ctx, uint64_t total)
{
    const sweep_table *t = ctx;
    printf("sweep of %zu point%s, %llu replicas in all, seed %llu\n\n", t->npoints,
           t->npoints == 1 ? "" : "s", (unsigned long long)total,
           (unsigned long long)t->seed);
    printf("%-10s %-28s %-20s %s\n", "point", "values", "group",
           "availability [95 % interval]");
}

/* A line per group, with the varied values only on the groups they touch,
 * and (!) on a group with VMs not placed; then why on stderr. */
static int sweep_point_done(void *ctx, const sweep_done *pd, diag *d)
{
    const sweep_table *t = ctx;
    const report_run *rr = pd->run;
    const scenario *s = rr->s;
    for (size_t g = 0; g < s->ngroups; g++) {
        char vals[1024], avail[160], name[80];
        const place_group *pg = place_group_at(rr->placement, g);
        bool lost = false;
        for (int i = 0; i < pg->count; i++)
            lost |= !pg->vms[i].placed;
        snprintf(name, sizeof name, "%s%s", s->groups[g].name, lost ? " (!)" : "");
        sweep_point_label_group(t->sw, pd->index, s->groups[g].name, vals, sizeof vals);
        if (report_format_availability(rr, g, avail, sizeof avail) < 0)
            return diag_set(d, FD_ENOMEM, "out of memory");
        printf("%-10s %-28s %-20s %s\n", pd->name, vals, name, avail);
    }
    char where[48];
    snprintf(where, sizeof where, "%s: ", pd->name);
    warn_unplaced("sweep", where, rr->placement);
    return FD_OK;
}

static int sweep_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "vary", required_argument, NULL, 'v' },
        BATCH_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    common_opts o = { 0 };
    sweep_opts p = { .b = { .o = &o, .out = "sweep" }, .sw = sweep_create() };
    if (p.sw == NULL) {
        fprintf(stderr, "fdsim sweep: out of memory\n");
        return FD_EXIT_FAIL;
    }
    int status = parse_args("sweep", sweep_usage, argc, argv, "v:n:j:o:", own, sweep_own, &p,
                            &o);
    if (status >= 0) {
        sweep_destroy(p.sw);
        free(o.sets);
        return status;
    }
    status = FD_EXIT_OK;
    size_t npoints = sweep_npoints(p.sw);
    scenario *base = NULL, **pts = NULL;
    char *cmdline = NULL;
    interrupt_catcher sig;
    bool handlers = false;
    diag d;
    diag_clear(&d);

    if (sweep_naxes(p.sw) == 0) {
        fprintf(stderr, "fdsim sweep: give at least one --vary KEY=SPEC, e.g. "
                "--vary group.db.count=3:15:2\n");
        status = FD_EXIT_INPUT;
        goto done;
    }
    if ((base = load("sweep", &o, &status)) == NULL)
        goto done;
    sweep_source src = { o.scenario, o.sets, o.nsets };
    int rc = sweep_load_points(p.sw, &src, sweep_say, NULL, &pts, &d);
    if (rc == FD_OK && (cmdline = cmdline_quote("fdsim", argc, argv)) == NULL)
        rc = diag_set(&d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK) {
        volatile sig_atomic_t *stop = interrupt_catch(&sig);
        handlers = true;
        sweep_table t = { p.sw, base->seed, npoints };
        sweep_hooks hooks = { sweep_start, sweep_point_done, &t };
        sweep_outcome out;
        rc = sweep_run(p.sw, pts, p.b.out, cmdline, stop, &hooks, &out, &d);
        if (rc == FD_OK) {
            char first[32], last[32];
            printf("\n%zu points in %.3g s\nwrote %s/: sweep.csv and %s/ to %s/ (each: "
                   "summary.csv replicas.csv downcount.csv months.csv run.ini)\n", npoints,
                   out.wall, p.b.out, sweep_point_name(p.sw, 0, first),
                   sweep_point_name(p.sw, npoints - 1, last));
            if (out.unplaced_points) {
                printf("(!) a group with VMs that could not be allocated, at %zu of %zu "
                       "points\n", out.unplaced_points, npoints);
                status = FD_EXIT_ALLOC;
            }
            if (fflush(stdout) != 0)
                status = FD_EXIT_FAIL;
        }
    }
    if (rc != FD_OK) {
        if (d.msg[0])
            fprintf(stderr, "fdsim sweep: %s\n", d.msg);
        status = diag_exit_status(rc);
    }
done:
    if (handlers)
        interrupt_release(&sig);
    sweep_points_destroy(pts, npoints);
    free(cmdline);
    scenario_destroy(base);
    sweep_destroy(p.sw);
    free(o.sets);
    return status;
}

/* -------------------------------------------------------- analytic -- */

static const char analytic_usage[] =
    "usage: fdsim analytic [SCENARIO] [--set section.key=value]...\n"
    "\n"
    "Compute, for each group of SCENARIO (default: the built-in default\n"
    "scenario), the exact long-run VM availability, service availability (at\n"
    "least quorum VMs up) and downtime per year, where the model has a closed\n"
    "form: independent hosts, racks, zones and Spot evictions (alternating\n"
    "renewal processes) and maintenance walks, combined under independence.\n"
    "Every assumption is listed; what has no closed form (correlated bursts,\n"
    "automatic instance repair, healing that may find no room, healing with\n"
    "non-exponential host failures) is refused with the reason, and a bound\n"
    "where one holds.  Nothing is simulated.\n"
    "\n"
    "  -s, --set section.key=value   override one key (repeatable; last wins)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Exit status: 0 done (also when some values are refused), 1 I/O error,\n"
    "2 bad input.\n";

static int analytic_main(int argc, char **argv)
{
    common_opts o = { 0 };
    int status = parse_args("analytic", analytic_usage, argc, argv, "", NULL, no_own_options,
                            NULL, &o);
    if (status >= 0) {
        free(o.sets);
        return status;
    }
    status = FD_EXIT_OK;
    scenario *s = load("analytic", &o, &status);
    analytic_result *an = NULL;
    diag d;
    diag_clear(&d);
    if (s && analytic_compute(s, &an, &d) != FD_OK) {
        fprintf(stderr, "fdsim analytic: %s\n", d.msg);
        status = FD_EXIT_FAIL;
    } else if (s && (analytic_print(an, s, stdout) < 0 || fflush(stdout) != 0)) {
        fprintf(stderr, "fdsim analytic: cannot write to standard output\n");
        status = FD_EXIT_FAIL;
    }
    analytic_result_destroy(an);
    scenario_destroy(s);
    free(o.sets);
    return status;
}

/* ------------------------------------------------------------ table -- */

const cli_command cli_commands[] = {
    { "check", "validate a scenario and print it fully resolved", check_main },
    { "place", "show where every VM of every group lands, and what one failure costs", place_main },
    { "run", "run the Monte Carlo replicas and write the results directory", run_main },
    { "sweep", "run a scenario over a grid of values and write sweep.csv", sweep_main },
    { "plot", "draw the charts of a results or sweep directory with gnuplot", plot_main },
    { "analytic", "exact long-run availability where a closed form exists", analytic_main },
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
