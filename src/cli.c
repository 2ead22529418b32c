/*
 * cli: fdsim's subcommands (see cli.h).  Each parses its options with
 * getopt_long, loads the scenario through the one shared path below, and
 * leaves the work to the library modules.
 */
#include "cli.h"

#include "analytic.h"
#include "batch.h"
#include "diag.h"
#include "csvio.h"
#include "inject.h"
#include "place.h"
#include "report.h"
#include "scenario.h"
#include "world.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
    "run), 3 interrupted (partial results written).\n";

typedef struct run_opts {
    common_opts *o;          /* to append -n / --seed / -j as --set values */
    char replicas[64];       /* "simulation.replicas=N" for -n */
    char seed[64];           /* "simulation.seed=S" for --seed */
    char threads[64];        /* "simulation.threads=T" for -j */
    const char *out;         /* -o DIR */
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

static int run_own(void *ctx, int c, const char *arg)
{
    run_opts *p = ctx;
    uint64_t v;
    switch (c) {
    case 'n':
        if (parse_u64(arg, 1, 100000000, &v) < 0) {
            fprintf(stderr, "fdsim run: -n %s: expected a whole number of replicas "
                    "from 1 to 100000000, e.g. -n 1000\n", arg);
            return -1;
        }
        snprintf(p->replicas, sizeof p->replicas, "simulation.replicas=%" PRIu64, v);
        return add_set(p->o, "run", p->replicas);
    case 'S':
        if (parse_u64(arg, 0, UINT64_MAX, &v) < 0) {
            fprintf(stderr, "fdsim run: --seed %s: expected a whole number from 0 to "
                    "18446744073709551615\n", arg);
            return -1;
        }
        snprintf(p->seed, sizeof p->seed, "simulation.seed=%" PRIu64, v);
        return add_set(p->o, "run", p->seed);
    case 'j':
        if (parse_u64(arg, 0, 1024, &v) < 0) {
            fprintf(stderr, "fdsim run: -j %s: expected a number of threads from 1 to "
                    "1024, or 0 for one per core\n", arg);
            return -1;
        }
        snprintf(p->threads, sizeof p->threads, "simulation.threads=%" PRIu64, v);
        return add_set(p->o, "run", p->threads);
    case 'o':
        if (!*arg) {
            fprintf(stderr, "fdsim run: -o needs a directory name\n");
            return -1;
        }
        p->out = arg;
        return 0;
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
        if (parse_u64(arg, 0, 100000000 - 1, &v) < 0) {
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

/* Set by SIGINT / SIGTERM while a run is in progress.  A global because a
 * signal handler can reach nothing else; only run_main installs the
 * handler, and batch only reads the flag, at replica boundaries. */
static volatile sig_atomic_t run_stop;

static void on_signal(int sig)
{
    (void)sig;
    run_stop = 1;
}

/* The command line as typed, quoted for a POSIX shell where needed.
 * `argv` starts at the subcommand.  Heap string, or NULL. */
static char *command_line(int argc, char **argv)
{
    size_t n = sizeof "fdsim";
    for (int i = 0; i < argc; i++)
        n += 4 * strlen(argv[i]) + 3;
    char *s = malloc(n), *p = s;
    if (s == NULL)
        return NULL;
    p += sprintf(p, "fdsim");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        *p++ = ' ';
        if (*a && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789_-+=./,:@%") == strlen(a)) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++)
            p += *a == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *a);
        *p++ = '\'';
        *p = '\0';
    }
    return s;
}

/* batch callbacks on the injector: one inject per worker thread. */
typedef struct run_ctx {
    const scenario *s; /* the scenario every worker runs */
    int nmonths;       /* months per replica, as batch_spec */
} run_ctx;

typedef struct run_worker {
    inject *in;          /* this thread's injector */
    const run_ctx *ctx;  /* shared, read-only */
} run_worker;

static void *run_worker_create(void *user)
{
    run_worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->ctx = user;
    if (inject_create(&w->in, w->ctx->s, NULL) != FD_OK) {
        free(w);
        return NULL;
    }
    return w;
}

static void run_worker_destroy(void *worker)
{
    run_worker *w = worker;
    inject_destroy(w->in);
    free(w);
}

static uint64_t run_replica(void *worker, uint64_t replica, stats_replica *out,
                            double *const *downcount, double *const *month_down)
{
    run_worker *w = worker;
    const scenario *s = w->ctx->s;
    inject_replica(w->in, replica, out, NULL);
    for (size_t g = 0; g < s->ngroups; g++) {
        int nm = 0;
        const double *md = inject_month_downtime(w->in, g, &nm);
        assert(nm == w->ctx->nmonths);
        memcpy(month_down[g], md, (size_t)nm * sizeof *md);
        memcpy(downcount[g], inject_downcount(w->in, g),
               ((size_t)s->groups[g].count + 1) * sizeof *downcount[g]);
    }
    return inject_events(w->in);
}

/* Months in a horizon, as stats_tally_init counts them. */
static int months_in(double horizon)
{
    int n = (int)ceil(horizon / STATS_MONTH - 1e-9);
    return n < 1 ? 1 : n;
}

/* Run replica K alone with a trace to `path`, committed at once. */
static int run_trace(const scenario *s, const char *path, uint64_t k)
{
    diag d;
    diag_clear(&d);
    inject *in = NULL;
    csvio_writer *w = NULL;
    stats_replica *out = calloc(s->ngroups, sizeof *out);
    int rc = out ? inject_create(&in, s, &d) : diag_set(&d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK)
        rc = csvio_writer_create(&w, path, &d);
    if (rc == FD_OK) {
        inject_trace_header(in, w);
        inject_replica(in, k, out, w);
        rc = csvio_writer_commit(w, &d);
    }
    if (rc != FD_OK)
        fprintf(stderr, "fdsim run: --trace: %s\n", d.msg[0] ? d.msg : diag_strerror(rc));
    csvio_writer_destroy(w);
    inject_destroy(in);
    free(out);
    return rc;
}

static int run_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "replicas", required_argument, NULL, 'n' },
        { "seed", required_argument, NULL, 'S' },
        { "threads", required_argument, NULL, 'j' },
        { "output", required_argument, NULL, 'o' },
        { "baseline", required_argument, NULL, 'b' },
        { "trace", required_argument, NULL, 't' },
        { "trace-replica", required_argument, NULL, 'k' },
        { NULL, 0, NULL, 0 },
    };
    common_opts o = { 0 };
    run_opts p = { .o = &o, .out = "results" };
    int status = parse_args("run", run_usage, argc, argv, "n:j:o:", own, run_own, &p, &o);
    if (status >= 0) {
        free(o.sets);
        return status;
    }
    status = FD_EXIT_OK;
    scenario *s = load(&o, &status);
    batch_result *res = NULL;
    int *counts = NULL;
    char *cmdline = NULL;
    size_t baseline = 0;
    struct sigaction sa, old_int, old_term;
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
    if (stat(p.out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "fdsim run: -o %s: exists and is not a directory; give a "
                "directory for the results\n", p.out);
        status = FD_EXIT_INPUT;
        goto done;
    }
    cmdline = command_line(argc, argv);
    counts = malloc(s->ngroups * sizeof *counts);
    if (!cmdline || !counts) {
        fprintf(stderr, "fdsim run: out of memory\n");
        status = FD_EXIT_FAIL;
        goto done;
    }
    for (size_t g = 0; g < s->ngroups; g++)
        counts[g] = s->groups[g].count;

    run_stop = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    handlers = true;

    if (p.trace && run_trace(s, p.trace, p.trace_replica) != FD_OK) {
        status = FD_EXIT_FAIL;
        goto done;
    }
    int threads = s->threads;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
    }
    run_ctx ctx = { .s = s, .nmonths = months_in(s->horizon) };
    batch_spec spec = {
        .ngroups = s->ngroups,
        .counts = counts,
        .nmonths = ctx.nmonths,
        .replicas = (uint64_t)s->replicas,
        .threads = threads,
        .worker_create = run_worker_create,
        .worker_destroy = run_worker_destroy,
        .replica = run_replica,
        .user = &ctx,
        .progress = true,
        .stop = &run_stop,
    };
    if (batch_run(&spec, &res, &d) != FD_OK) {
        fprintf(stderr, "fdsim run: %s\n", d.msg);
        status = FD_EXIT_FAIL;
        goto done;
    }
    analytic_result *an = NULL; /* best effort: without it the table has no check */
    if (analytic_compute(s, &an, NULL) != FD_OK)
        an = NULL;
    report_run rr = { .s = s, .r = res, .baseline = baseline, .cmdline = cmdline,
                      .analytic = an };
    if (report_print_table(&rr, stdout) < 0) {
        fprintf(stderr, "fdsim run: cannot write to standard output\n");
        status = FD_EXIT_FAIL;
    }
    analytic_result_destroy(an);
    rr.analytic = NULL;
    if (report_write_dir(p.out, &rr, &d) != FD_OK) {
        fprintf(stderr, "fdsim run: %s\n", d.msg);
        status = FD_EXIT_FAIL;
        goto done;
    }
    printf("\n%llu events in %.3g s (%.3g replicas/s, %d thread%s)\nwrote %s/:",
           (unsigned long long)res->events, res->wall,
           res->wall > 0 ? (double)res->replicas / res->wall : 0.0, threads,
           threads == 1 ? "" : "s", p.out);
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
done:
    if (handlers) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    batch_result_destroy(res);
    free(counts);
    free(cmdline);
    scenario_destroy(s);
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
    scenario *s = load(&o, &status);
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
