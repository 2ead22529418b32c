/*
 * cli: fdsim's subcommands (see cli.h), parsing and printing only.
 *
 * Every subcommand is a cmd_spec (its options, whether it reads a scenario,
 * its work) run by one skeleton, command(): parse the options (getopt_long;
 * --set and --help are common), check what needs no scenario, load the
 * scenario, do the work, tear down.  The work itself is the library's
 * (place, runner, report, sweep, plot, analytic); a subcommand's work
 * function only calls it and prints.
 *
 * Errors go through one funnel: every message is put in the command's diag
 * record and printed by complain() as "fdsim CMD: MESSAGE"; the exit
 * status is chosen where the error is met.  The only lines that do not are
 * the scenario loader's own "FILE:LINE: ..." lines, which it writes itself.
 */
#include "cli.h"

#include "alloc.h"
#include "analytic.h"
#include "answer.h"
#include "batch.h"
#include "cluster.h"
#include "cmdline.h"
#include "csvio.h"
#include "diag.h"
#include "goal.h"
#include "import.h"
#include "dur.h"
#include "interrupt.h"
#include "memest.h"
#include "place.h"
#include "plot.h"
#include "report.h"
#include "rundir.h"
#include "runner.h"
#include "scenario.h"
#include "shard.h"
#include "stage.h"
#include "sweep.h"
#include "verdict.h"
#include "world.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------ the skeleton -- */

/* The options every scenario-reading subcommand shares. */
typedef struct common_opts {
    const char *scenario; /* path, or NULL for the built-in default */
    const char **sets;    /* --set values, in order (owned array) */
    size_t nsets;
} common_opts;

/* One subcommand as it runs. */
typedef struct cmd_env {
    const char *name;  /* "run": the CMD of every message */
    int argc;          /* the arguments, argv[0] the subcommand */
    char **argv;
    int optind;        /* the first operand after the options */
    common_opts o;     /* --set values and SCENARIO */
    scenario *s;       /* the loaded scenario (cmd_spec.scenario), else NULL */
    diag d;            /* the error to print */
} cmd_env;

/* A subcommand: its options and its work. */
typedef struct cmd_spec {
    const char *name;              /* as typed after fdsim */
    const char *usage;             /* printed by --help */
    const char *shortopts;         /* its own short options, "n:j:o:" */
    const struct option *longopts; /* its own long options; NULL: none */
    /* One of its own options: 0, or -1 with e->d saying why (exit 2). */
    int (*option)(void *opts, cmd_env *e, int c, const char *arg);
    bool scenario;                 /* takes --set and [SCENARIO], loaded before work */
    /* Checks that need no scenario: 0, or -1 with e->d (exit 2); may be NULL. */
    int (*ready)(void *opts, cmd_env *e);
    /* The work, once everything is parsed and loaded: the exit status. */
    int (*work)(void *opts, cmd_env *e);
} cmd_spec;

/* The funnel: print what `d` carries as "fdsim CMD: MESSAGE" on stderr
 * (nothing when it carries no message: the messages went out where they
 * arose, as the loader's FILE:LINE lines).  Returns `status`. */
static int complain(const char *cmd, const diag *d, int status)
{
    if (d->msg[0])
        fprintf(stderr, "fdsim %s: %s\n", cmd, d->msg);
    return status;
}

/* Print e's error and return `status`. */
static int fail(cmd_env *e, int status)
{
    return complain(e->name, &e->d, status);
}

/* Record a printf-style error `code` in e->d, print it, and return the
 * exit status the code maps to. */
static int failf(cmd_env *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int failf(cmd_env *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vset(&e->d, code, fmt, ap);
    va_end(ap);
    return fail(e, diag_exit_status(code));
}

/* A warning that does not stop the command, through the same funnel. */
static void warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(const char *cmd, const char *fmt, ...)
{
    diag w;
    diag_clear(&w);
    va_list ap;
    va_start(ap, fmt);
    diag_vset(&w, FD_EINVAL, fmt, ap);
    va_end(ap);
    complain(cmd, &w, 0);
}

static int add_set(cmd_env *e, const char *value)
{
    if (!strchr(value, '='))
        return diag_set(&e->d, FD_EINVAL, "--set %s: expected section.key=value, as "
                        "simulation.replicas=100", value), -1;
    const char **grown = fd_realloc(e->o.sets, (e->o.nsets + 1) * sizeof *grown);
    if (!grown)
        return diag_set(&e->d, FD_ENOMEM, "out of memory"), -1;
    e->o.sets = grown;
    e->o.sets[e->o.nsets++] = value;
    return 0;
}

/* Parse the options of `c` into `opts` and e: --help (and, for a command
 * that reads a scenario, --set) are common, the rest go to c->option; then
 * the optional SCENARIO operand.  Returns -1 to go on, else the exit status
 * to return at once (help printed, or bad arguments). */
static int parse_args(const cmd_spec *c, void *opts, cmd_env *e)
{
    struct option longopts[40];
    size_t n = 0;
    for (; c->longopts && c->longopts[n].name; n++) {
        assert(n + 3 < sizeof longopts / sizeof *longopts); /* room for set, help, end */
        longopts[n] = c->longopts[n];
    }
    if (c->scenario)
        longopts[n++] = (struct option){ "set", required_argument, NULL, 's' };
    longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
    longopts[n] = (struct option){ NULL, 0, NULL, 0 };
    char shortopts[64];
    snprintf(shortopts, sizeof shortopts, ":%sh%s", c->scenario ? "s:" : "", c->shortopts);
    optind = 0;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(e->argc, e->argv, shortopts, longopts, NULL)) != -1) {
        if (ch == 'h') {
            fputs(c->usage, stdout);
            return FD_EXIT_OK;
        }
        int rc;
        if (ch == '?' || ch == ':') {
            const char *arg = optind - 1 < e->argc ? e->argv[optind - 1] : "?";
            return failf(e, FD_EINVAL, "unknown or incomplete option '%s'; see fdsim %s "
                         "--help", arg, c->name);
        }
        rc = c->scenario && ch == 's' ? add_set(e, optarg) : c->option(opts, e, ch, optarg);
        if (rc < 0) /* bad input, or memory that ran out */
            return fail(e, e->d.code == FD_ENOMEM ? FD_EXIT_FAIL : FD_EXIT_INPUT);
    }
    e->optind = optind;
    if (!c->scenario)
        return -1;
    if (e->optind < e->argc)
        e->o.scenario = e->argv[e->optind++];
    if (e->optind < e->argc)
        return failf(e, FD_EINVAL, "unexpected argument '%s'; give at most one scenario "
                     "file", e->argv[e->optind]);
    return -1;
}

/* Load e's scenario into e->s.  -1 to go on, else the exit status: the
 * loader prints its own FILE:LINE lines for bad input; any other failure
 * (the file cannot be read, out of memory) goes through the funnel. */
static int load(cmd_env *e)
{
    int rc = e->o.scenario
        ? scenario_load_file(&e->s, e->o.scenario, e->o.sets, e->o.nsets, stderr, &e->d)
        : scenario_load_default(&e->s, e->o.sets, e->o.nsets, stderr, &e->d);
    if (rc == FD_OK)
        return -1;
    if (rc == FD_EINVAL)
        diag_clear(&e->d); /* printed by the loader, line by line */
    /* a scenario file that cannot be read is the user's to fix: nothing ran */
    return fail(e, rc == FD_EIO ? FD_EXIT_INPUT : diag_exit_status(rc));
}

/* Run subcommand `c` on argv (argv[0] its name) with its option record
 * `opts`: parse, check, load, work, tear down.  Returns the exit status. */
static int command(const cmd_spec *c, void *opts, int argc, char **argv)
{
    cmd_env e = { .name = c->name, .argc = argc, .argv = argv };
    diag_clear(&e.d);
    int status = parse_args(c, opts, &e);
    if (status < 0 && c->ready && c->ready(opts, &e) < 0)
        status = fail(&e, FD_EXIT_INPUT);
    if (status < 0 && c->scenario)
        status = load(&e);
    if (status < 0)
        status = c->work(opts, &e);
    scenario_destroy(e.s);
    free(e.o.sets);
    return status;
}

static int no_options(void *opts, cmd_env *e, int c, const char *arg)
{
    (void)opts;
    (void)e;
    (void)c;
    (void)arg;
    return -1;
}

/* Standard output written and flushed, or the error through the funnel. */
static int flushed(cmd_env *e, int printed)
{
    if (printed < 0 || fflush(stdout) != 0)
        return failf(e, FD_EIO, "cannot write to standard output");
    return FD_EXIT_OK;
}

/* The --format option of run, sweep, analytic and place. */
#define FORMAT_LONGOPT { "format", required_argument, NULL, 'F' }
#define FORMAT_USAGE                                                           \
    "      --format F                how to print the answer: table (default, for\n" \
    "                                people), json or tsv (for programs; full\n"    \
    "                                precision; README: Answers for programs)\n"

static int format_own(answer_format *fmt, cmd_env *e, const char *arg)
{
    return answer_format_parse(arg, fmt, &e->d) == FD_OK ? 0 : -1;
}

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

/* Tell stderr which groups of the run have VMs placement could not
 * allocate, and why; `where` prefixes each line ("point-03: " in a
 * sweep).  Returns how many groups. */
static size_t warn_unplaced(const char *cmd, const char *where, const report_run *rr)
{
    char line[PLACE_REASON_MAX + 320];
    for (size_t g = 0; g < rr->s->ngroups; g++)
        if (report_unplaced_line(rr, g, line, sizeof line))
            warn(cmd, "%s%s", where, line);
    return report_unplaced_groups(rr);
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

static int check_work(void *opts, cmd_env *e)
{
    (void)opts;
    return flushed(e, scenario_write(e->s, stdout));
}

static const cmd_spec check_spec = {
    "check", check_usage, "", NULL, no_options, true, NULL, check_work,
};

static int check_main(int argc, char **argv)
{
    return command(&check_spec, NULL, argc, argv);
}

/* ----------------------------------------------------------- place -- */

static const char place_usage[] =
    "usage: fdsim place [SCENARIO] [--csv FILE] [--format table|json|tsv]\n"
    "                   [--set section.key=value]...\n"
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
    FORMAT_USAGE
    "  -s, --set section.key=value   override one key (repeatable; last wins)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Exit status: 0 every VM placed, 1 I/O error, 2 bad input, 4 some VMs\n"
    "could not be allocated (the table says which and why).\n";

typedef struct place_opts {
    const char *csv;   /* --csv FILE, or NULL */
    answer_format fmt; /* --format */
} place_opts;

static int place_own(void *opts, cmd_env *e, int c, const char *arg)
{
    place_opts *p = opts;
    if (c == 'F')
        return format_own(&p->fmt, e, arg);
    if (c != 'c')
        return -1;
    if (!*arg)
        return diag_set(&e->d, FD_EINVAL, "--csv needs a file name (or - for stdout)"), -1;
    if (strcmp(arg, "-") != 0 && stage_file_ok(arg, "--csv", &e->d) != FD_OK)
        return -1;
    p->csv = arg;
    return 0;
}

/* Write the placement's rows to p->csv ("-": standard output). */
static int place_csv(const place_opts *p, const place_result *r, cmd_env *e)
{
    csvio_writer *csv = NULL;
    int rc = strcmp(p->csv, "-") == 0
        ? ((csv = csvio_writer_stream(stdout)) ? FD_OK : FD_ENOMEM)
        : csvio_writer_create(&csv, p->csv, &e->d);
    if (rc == FD_OK) {
        place_write_csv(r, csv);
        rc = csvio_writer_commit(csv, &e->d);
    }
    csvio_writer_destroy(csv);
    if (rc != FD_OK && !e->d.msg[0])
        diag_set(&e->d, rc, "%s", diag_strerror(rc));
    return rc;
}

static int place_work(void *opts, cmd_env *e)
{
    const place_opts *p = opts;
    place_result *r = NULL;
    int status = FD_EXIT_OK;
    if (place_build(e->s, &r, &e->d) != FD_OK || (p->csv && place_csv(p, r, e) != FD_OK))
        status = fail(e, FD_EXIT_FAIL);
    else if (p->csv && !strcmp(p->csv, "-") && p->fmt != ANSWER_TABLE)
        status = failf(e, FD_EINVAL, "--csv - and --format %s would both write to standard "
                       "output; give --csv a file", p->fmt == ANSWER_JSON ? "json" : "tsv");
    else if (p->fmt != ANSWER_TABLE)
        status = answer_place(r, e->s, p->fmt, stdout) < 0 || fflush(stdout) != 0
                     ? failf(e, FD_EIO, "cannot write to standard output (or out of memory)")
                     : FD_EXIT_OK;
    else if (!p->csv || strcmp(p->csv, "-") != 0)
        status = flushed(e, place_print_table(r, e->s, stdout));
    for (size_t g = 0; status == FD_EXIT_OK && g < place_ngroups(r); g++)
        if (place_group_at(r, g)->failures > 0)
            status = FD_EXIT_ALLOC;
    place_result_destroy(r);
    return status;
}

static int place_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "csv", required_argument, NULL, 'c' },
        FORMAT_LONGOPT,
        { NULL, 0, NULL, 0 },
    };
    static const cmd_spec spec = {
        "place", place_usage, "", own, place_own, true, NULL, place_work,
    };
    place_opts p = { 0 };
    return command(&spec, &p, argc, argv);
}

/* ------------------------------------------------------------- run -- */

static const char run_usage[] =
    "usage: fdsim run [SCENARIO] [-n REPLICAS] [--seed S] [-j THREADS] [-o DIR]\n"
    "                 [--format table|json|tsv] [--force] [--baseline NAME]\n"
    "                 [--estimator restart|plain] [--precision P] [--time-limit T]\n"
    "                 [--trace FILE [--trace-replica K]]\n"
    "                 [--set section.key=value]...\n"
    "       fdsim run --resume DIR [-j THREADS]\n"
    "       fdsim run [SCENARIO] --shard I/K -o DIR_I [options as above]\n"
    "\n"
    "Run the Monte Carlo replicas of SCENARIO (default: the built-in default\n"
    "scenario), show the groups side by side and write the results directory.\n"
    "The results are the same bytes for any number of threads.\n"
    "\n"
    "  -n, --replicas N              replicas to run (simulation.replicas); with a\n"
    "                                precision, the most to run\n"
    "      --seed S                  master seed (simulation.seed)\n"
    "      --estimator E             restart: rare-event splitting, one replica a\n"
    "                                root path and its importance-sampled retrials\n"
    "                                (for outages too rare to count); plain: plain\n"
    "                                Monte Carlo (simulation.estimator)\n"
    "      --precision P             stop once every group's service unavailability\n"
    "                                has a 95 %% interval of +-P relative (0.1 or 10%%),\n"
    "                                looked at after 512, 724, 1024, ... replicas,\n"
    "                                so the same bytes for any -j\n"
    "                                (simulation.precision)\n"
    "      --time-limit T            stop after T of wall time (30s, 2m): where it\n"
    "                                stops depends on the machine, and the run says\n"
    "                                so (simulation.timeLimit)\n"
    "  -j, --threads T               worker threads; 0 = one per core\n"
    "                                (default: simulation.threads)\n"
    "  -o, --results-dir DIR         results directory (default: results):\n"
    "                                summary.csv, replicas.csv, downcount.csv,\n"
    "                                months.csv and run.ini, which reproduces\n"
    "                                the run (fdsim run DIR/run.ini), and inputs/\n"
    "                                with every file the scenario reads; DIR is\n"
    "                                built beside the old one and swapped in whole\n"
    FORMAT_USAGE
    "      --force                   replace DIR even if it holds files that are\n"
    "                                not fdsim results (they are deleted)\n"
    "      --resume DIR              continue the run that was interrupted or\n"
    "                                killed into DIR from where it was; the end\n"
    "                                result is the bytes of an uninterrupted run\n"
    "      --shard I/K               run shard I of K into DIR_I (an array job's\n"
    "                                task); fdsim merge joins the K (fdsim(1))\n"
    "      --baseline NAME           group the paired differences are taken\n"
    "                                against (default: the first)\n"
    "      --memory-limit SIZE       refuse, before simulating, a run estimated to\n"
    "                                need more (8G, 500M; 0: no limit; default:\n"
    "                                half the physical memory)\n"
    "      --trace FILE              also write every event of one replica to FILE\n"
    "      --trace-replica K         the replica to trace (default 0)\n"
    "  -s, --set section.key=value   override one key (repeatable; last wins)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Ctrl-C stops at the next replica and writes the replicas that finished,\n"
    "marked partial; fdsim run --resume DIR finishes such a run, or one that\n"
    "was killed.  Exit status: 0 done, 1 I/O error or out of memory, 2 bad\n"
    "input (nothing run: also an output that cannot be written, or a run over\n"
    "the memory limit), 3 interrupted (partial results written), 4 some VMs\n"
    "could not be allocated (results written; the table marks the groups).\n";

/* The long options of batch_opts, for run's and sweep's option tables. */
#define BATCH_LONGOPTS                                                         \
    { "replicas", required_argument, NULL, 'n' },                             \
    { "seed", required_argument, NULL, 'S' },                                 \
    { "threads", required_argument, NULL, 'j' },                              \
    { "results-dir", required_argument, NULL, 'o' },                          \
    { "output", required_argument, NULL, 'O' },                               \
    { "memory-limit", required_argument, NULL, 'M' },                         \
    { "estimator", required_argument, NULL, 'E' },                            \
    { "precision", required_argument, NULL, 'P' },                            \
    { "time-limit", required_argument, NULL, 'T' }

/* The options run and sweep share: -n, --seed and -j become --set
 * overrides (so validation and messages are the scenario's), -o a path. */
typedef struct batch_opts {
    char replicas[64];       /* "simulation.replicas=N" for -n */
    char seed[64];           /* "simulation.seed=S" for --seed */
    char threads[64];        /* "simulation.threads=T" for -j */
    char estimator[64];      /* "simulation.estimator=E" for --estimator */
    char precision[64];      /* "simulation.precision=P" for --precision */
    char time_limit[96];     /* "simulation.timeLimit=T" for --time-limit */
    const char *out;         /* -o DIR */
    bool out_given;          /* -o was given */
    uint64_t memory_limit;   /* --memory-limit in bytes; 0: none */
    bool memory_limit_given; /* else memest_default_limit() */
} batch_opts;

/* --memory-limit SIZE: "8G", "500M", "2.5GB", a number of bytes, or 0 for
 * none.  0 or -1. */
static int parse_size(const char *arg, uint64_t *v)
{
    char *end;
    errno = 0;
    double x = strtod(arg, &end);
    if (end == arg || errno != 0 || !(x >= 0) || arg[0] == '-')
        return -1;
    double unit = 1;
    switch (*end) {
    case 'K': case 'k': unit = 1e3; end++; break;
    case 'M': case 'm': unit = 1e6; end++; break;
    case 'G': case 'g': unit = 1e9; end++; break;
    case 'T': case 't': unit = 1e12; end++; break;
    default: break;
    }
    if ((*end == 'B' || *end == 'b') && unit > 1)
        end++;
    if (*end != '\0' || x * unit > 1.8e19)
        return -1;
    *v = (uint64_t)(x * unit);
    return 0;
}

/* The memory check of a run of `s` before anything is allocated: 0, or -1
 * with e->d (the estimate and what to change). */
static int memory_ok(const batch_opts *b, const scenario *s, cmd_env *e)
{
    uint64_t limit = b->memory_limit_given ? b->memory_limit : memest_default_limit();
    const char *what = b->memory_limit_given ? "--memory-limit"
                                             : "half the physical memory; --memory-limit "
                                               "sets another, 0 none";
    return memest_check(s, runner_threads(s), limit, what, &e->d) == FD_OK ? 0 : -1;
}

typedef struct run_opts {
    batch_opts b;            /* -n, --seed, -j, -o */
    answer_format fmt;       /* --format */
    const char *baseline;    /* --baseline NAME, or NULL */
    const char *trace;       /* --trace FILE, or NULL */
    uint64_t trace_replica;  /* --trace-replica K */
    bool trace_replica_set;  /* --trace-replica was given */
    bool force;              /* --force: DIR may hold other files */
    const char *resume;      /* --resume DIR, or NULL */
    unsigned shard_i;        /* --shard I/K: I (1..K); 0: not a shard */
    unsigned shard_k;        /* K */
} run_opts;

/* Handle -n, --seed, -j or -o: 0 done, -1 bad value (in e->d), 1 when `c`
 * is none of them. */
static int batch_own(batch_opts *p, cmd_env *e, int c, const char *arg)
{
    uint64_t v;
    switch (c) {
    case 'n':
        if (parse_u64(arg, 1, SCEN_MAX_REPLICAS, &v) < 0)
            return diag_set(&e->d, FD_EINVAL, "-n %s: expected a whole number of replicas "
                            "from 1 to %" PRIu64 ", e.g. -n 1000", arg,
                            (uint64_t)SCEN_MAX_REPLICAS), -1;
        snprintf(p->replicas, sizeof p->replicas, "simulation.replicas=%" PRIu64, v);
        return add_set(e, p->replicas);
    case 'S':
        if (parse_u64(arg, 0, UINT64_MAX, &v) < 0)
            return diag_set(&e->d, FD_EINVAL, "--seed %s: expected a whole number from 0 "
                            "to 18446744073709551615", arg), -1;
        snprintf(p->seed, sizeof p->seed, "simulation.seed=%" PRIu64, v);
        return add_set(e, p->seed);
    case 'j':
        if (parse_u64(arg, 0, 1024, &v) < 0)
            return diag_set(&e->d, FD_EINVAL, "-j %s: expected a number of threads from 1 "
                            "to 1024, or 0 for one per core", arg), -1;
        snprintf(p->threads, sizeof p->threads, "simulation.threads=%" PRIu64, v);
        return add_set(e, p->threads);
    case 'o':
        if (!*arg)
            return diag_set(&e->d, FD_EINVAL, "-o needs a directory name"), -1;
        p->out = arg;
        p->out_given = true;
        return 0;
    case 'M':
        if (parse_size(arg, &p->memory_limit) < 0)
            return diag_set(&e->d, FD_EINVAL, "--memory-limit %s: expected a size such as "
                            "8G, 500M or 2.5GB (powers of 1000), or 0 for no limit", arg), -1;
        p->memory_limit_given = true;
        return 0;
    case 'O': /* az's --output is a format; here it would have been a directory */
        return diag_set(&e->d, FD_EINVAL, "--output %s: no such option; the results "
                        "directory is -o DIR (--results-dir DIR), and the printed answer's "
                        "form is --format json|tsv|table", arg), -1;
    case 'E':
        if (strcmp(arg, "plain") && strcmp(arg, "restart"))
            return diag_set(&e->d, FD_EINVAL, "--estimator %s: expected restart (splitting "
                            "with importance-sampled retrials, for rare outages) or plain "
                            "(plain Monte Carlo)", arg), -1;
        snprintf(p->estimator, sizeof p->estimator, "simulation.estimator=%s", arg);
        return add_set(e, p->estimator);
    case 'P': {
        char *end;
        double x = strtod(arg, &end);
        bool pct = end != arg && strcmp(end, "%") == 0;
        if (pct)
            x /= 100;
        if (end == arg || (*end && !pct) || !(x > 0 && x < 1))
            return diag_set(&e->d, FD_EINVAL, "--precision %s: expected the relative "
                            "half-width of each group's 95 %% interval, above 0 and below "
                            "1, e.g. --precision 0.1 (or 10%%)", arg), -1;
        snprintf(p->precision, sizeof p->precision, "simulation.precision=%.17g", x);
        return add_set(e, p->precision);
    }
    case 'T': {
        double t;
        char why[128];
        if (dur_parse(arg, &t, why, sizeof why) < 0 || !(t > 0))
            return diag_set(&e->d, FD_EINVAL, "--time-limit %s: expected a wall-clock "
                            "duration above 0, e.g. --time-limit 30s or 2m", arg), -1;
        snprintf(p->time_limit, sizeof p->time_limit, "simulation.timeLimit=%s", arg);
        return add_set(e, p->time_limit);
    }
    default:
        return 1;
    }
}

static int run_own(void *opts, cmd_env *e, int c, const char *arg)
{
    run_opts *p = opts;
    int rc = batch_own(&p->b, e, c, arg);
    if (rc != 1)
        return rc;
    uint64_t v;
    switch (c) {
    case 'F':
        return format_own(&p->fmt, e, arg);
    case 'b':
        p->baseline = arg;
        return 0;
    case 't':
        if (!*arg)
            return diag_set(&e->d, FD_EINVAL, "--trace needs a file name"), -1;
        p->trace = arg;
        return 0;
    case 'k':
        if (parse_u64(arg, 0, SCEN_MAX_REPLICAS - 1, &v) < 0)
            return diag_set(&e->d, FD_EINVAL, "--trace-replica %s: expected a replica "
                            "number from 0 (the first)", arg), -1;
        p->trace_replica = v;
        p->trace_replica_set = true;
        return 0;
    case 'f':
        p->force = true;
        return 0;
    case 'R':
        if (!*arg)
            return diag_set(&e->d, FD_EINVAL, "--resume needs the results directory of "
                            "the run to continue"), -1;
        p->resume = arg;
        return 0;
    case 'H': {
        if (shard_parse(arg, &p->shard_i, &p->shard_k) < 0)
            return diag_set(&e->d, FD_EINVAL, "--shard %s: expected I/K, shard I of K with "
                            "1 <= I <= K, e.g. --shard 2/8", arg), -1;
        return 0;
    }
    default:
        return -1;
    }
}

/* Every check of run's arguments against the scenario, before anything
 * runs: 0, or -1 with e->d.  The baseline's index goes to *baseline. */
static int run_checks(const run_opts *p, cmd_env *e, size_t *baseline)
{
    const scenario *s = e->s;
    *baseline = 0;
    if (p->baseline) {
        const scen_group *bg = scenario_group(s, p->baseline);
        if (!bg) {
            char names[DIAG_MSG_MAX] = "";
            size_t len = 0;
            for (size_t g = 0; g < s->ngroups && len < sizeof names; g++)
                len += (size_t)snprintf(names + len, sizeof names - len, "%s %s",
                                        g ? "," : "", s->groups[g].name);
            return diag_set(&e->d, FD_EINVAL, "--baseline %s: no such group; the groups "
                            "are:%s", p->baseline, names), -1;
        }
        *baseline = (size_t)(bg - s->groups);
    }
    if (p->trace_replica_set && !p->trace)
        return diag_set(&e->d, FD_EINVAL, "--trace-replica needs --trace FILE"), -1;
    if (p->trace && p->trace_replica >= (uint64_t)s->replicas)
        return diag_set(&e->d, FD_EINVAL, "--trace-replica %" PRIu64 ": the run has "
                        "replicas 0 to %ld", p->trace_replica, s->replicas - 1), -1;
    if (stage_target_ok(p->b.out, p->force, p->resume ? "--resume" : "-o", &e->d) != FD_OK)
        return -1;
    if (p->trace && stage_file_ok(p->trace, "--trace", &e->d) != FD_OK)
        return -1;
    if (memory_ok(&p->b, s, e) < 0)
        return -1;
    return 0;
}

/* --resume DIR: take the interrupted run's scenario, baseline and command
 * line in place of e's (only -j may be given besides).  0, or -1 with
 * e->d. */
static int run_resume(run_opts *p, cmd_env *e, size_t *baseline, char **cmdline, char **src)
{
    size_t own = p->b.threads[0] != '\0'; /* -j is a --set of its own */
    if (e->o.scenario || e->o.nsets != own || p->b.out_given || p->baseline || p->trace ||
        p->force)
        return diag_set(&e->d, FD_EINVAL, "--resume %s: the run goes on as it was started; "
                        "give no SCENARIO, --set, -n, --seed, -o, --force, --baseline or "
                        "--trace with it (-j may be given)", p->resume), -1;
    scenario *s = NULL;
    if (rundir_find(p->resume, src, &e->d) != FD_OK ||
        rundir_load(*src, &s, baseline, cmdline, stderr, &e->d) != FD_OK)
        return -1;
    if (own)
        s->threads = atoi(strchr(p->b.threads, '=') + 1);
    scenario_destroy(e->s);
    e->s = s;
    p->b.out = p->resume;
    return 0;
}

/* Print the table, commit the results directory (streamed into `sink`)
 * and say what was written. */
static int run_report(const run_opts *p, cmd_env *e, rundir *sink, report_run *rr)
{
    const batch_result *res = rr->r;
    int status = FD_EXIT_OK;
    if (res->replicas == 0) /* interrupted before any: keep what DIR held */
        return failf(e, FD_EINTR, "interrupted before the first replica; nothing written");
    verdict *v = NULL;
    if (verdict_create(&v, rr) != FD_OK)
        return failf(e, FD_ENOMEM, "out of memory");
    bool table = p->fmt == ANSWER_TABLE;
    errno = 0;
    if (table ? report_print_table(rr, stdout) < 0 || verdict_print(v, rr, stdout) < 0
              : answer_run(rr, v, p->fmt, stdout) < 0) /* the results are still written */
        status = errno == ENOMEM ? failf(e, FD_ENOMEM, "out of memory printing the table")
                                 : failf(e, FD_EIO, "cannot write to standard output");
    verdict_destroy(v);
    analytic_result_destroy((analytic_result *)rr->analytic);
    rr->analytic = NULL;
    diag w;
    diag_clear(&w);
    if (rundir_commit(sink, rr, &w) != FD_OK)
        return complain(e->name, &w, FD_EXIT_FAIL);
    int threads = runner_threads(e->s);
    if (table) { /* json and tsv: the answer alone on standard output */
        printf("\n%llu events in %.3g s (%.3g replicas/s, %d thread%s)\nwrote %s/:",
               (unsigned long long)res->events, res->wall,
               res->wall > 0 ? (double)res->replicas / res->wall : 0.0, threads,
               threads == 1 ? "" : "s", p->b.out);
        for (const char *const *f = report_files; *f; f++)
            printf(" %s", *f);
        if (scenario_autoscales(e->s))
            printf(" autoscale.csv");
        putchar('\n');
    }
    if (fflush(stdout) != 0 && status == FD_EXIT_OK)
        status = FD_EXIT_FAIL;
    if (res->partial) {
        warn(e->name, "interrupted: %llu of %llu replicas written, marked partial",
             (unsigned long long)res->replicas, (unsigned long long)res->requested);
        if (status == FD_EXIT_OK)
            status = FD_EXIT_PARTIAL;
    }
    if (warn_unplaced(e->name, "", rr) && status == FD_EXIT_OK)
        status = FD_EXIT_ALLOC;
    return status;
}

/* The command line a shard records: argv without --shard, its -o
 * directory as SHARD_DIR_MARK (fdsim merge puts its own there), so the
 * merged run.ini records what one run into the merge's directory would
 * have.  A heap string, or NULL without memory. */
static char *shard_cmdline(const cmd_env *e)
{
    char **v = fd_calloc((size_t)e->argc + 1, sizeof *v);
    char *mark = NULL, *out = NULL;
    int n = 0;
    if (v == NULL)
        return NULL;
    for (int i = 0; i < e->argc; i++) {
        const char *a = e->argv[i];
        if (!strcmp(a, "--shard")) {
            i++;
            continue;
        }
        if (!strncmp(a, "--shard=", 8))
            continue;
        v[n++] = e->argv[i];
        if ((!strcmp(a, "-o") || !strcmp(a, "--results-dir")) && i + 1 < e->argc) {
            v[n++] = SHARD_DIR_MARK;
            i++;
        } else if (!strncmp(a, "--results-dir=", 14) || (a[0] == '-' && a[1] == 'o' && a[2])) {
            size_t keep = a[1] == 'o' ? 2 : 14, len = keep + strlen(SHARD_DIR_MARK) + 1;
            free(mark);
            if ((mark = fd_malloc(len)) == NULL)
                goto done;
            snprintf(mark, len, "%.*s%s", (int)keep, a, SHARD_DIR_MARK);
            v[n - 1] = mark;
        }
    }
    out = cmdline_quote("fdsim", n, v);
done:
    free(mark);
    free(v);
    return out;
}

/* fdsim run --shard I/K: run the shard's replicas into its directory
 * (shard.h).  The exit status. */
static int run_shard(run_opts *p, cmd_env *e, size_t baseline)
{
    const scenario *s = e->s;
    if (p->resume)
        return failf(e, FD_EINVAL, "--shard with --resume: a shard is run whole; run it "
                     "again");
    if (p->trace)
        return failf(e, FD_EINVAL, "--shard with --trace: trace the replica in a run of its "
                     "own (fdsim run --trace FILE --trace-replica K)");
    if (s->precision > 0 || s->time_limit > 0)
        return failf(e, FD_EINVAL, "--shard %u/%u: the run has a precision or time limit "
                     "(simulation.precision, timeLimit), which decides where it ends from "
                     "every replica before; shards need a fixed count: add --set "
                     "simulation.precision=0 --set simulation.timeLimit=0s (and -n N)",
                     p->shard_i, p->shard_k);
    uint64_t first, end;
    if (shard_range((uint64_t)s->replicas, p->shard_i, p->shard_k, &first, &end, &e->d) !=
        FD_OK)
        return fail(e, FD_EXIT_INPUT);
    char *cmdline = shard_cmdline(e);
    if (cmdline == NULL)
        return failf(e, FD_ENOMEM, "out of memory");
    place_result *placed = NULL;
    shard_writer *w = NULL;
    batch_result *res = NULL;
    runner_outcome oc = { 0 };
    int status = FD_EXIT_OK;
    interrupt_catcher sig;
    volatile sig_atomic_t *stop = interrupt_catch(&sig);
    bool root = cluster_root(); /* under mpirun, rank 0 writes the shard */
    blocksum *none = NULL;      /* the other ranks' start: where the shard begins */
    batch_start follow = { .first = first, .end = end };
    bool ready = place_build(e->s, &placed, &e->d) == FD_OK &&
                 (root ? shard_writer_create(&w, e->s, baseline, p->b.out, p->shard_i,
                                             p->shard_k, first, end, cmdline, p->force,
                                             &e->d) == FD_OK
                       : blocksum_create(&none, 1, first / BATCH_BLOCK) == FD_OK);
    follow.sums = none;
    if (!cluster_agree(ready) || !ready ||
        runner_run_from(e->s, placed, NULL, stop, root ? shard_writer_consume : NULL, w,
                        &(runner_resume){ root ? shard_writer_start(w) : &follow, NULL }, &res,
                        &oc, &e->d) != FD_OK) {
        status = ready && !e->d.msg[0] ? failf(e, FD_EIO, "another MPI rank could not start "
                                               "the shard")
                                       : fail(e, FD_EXIT_FAIL);
    } else if (!root) {
        status = FD_EXIT_OK;
    } else if (shard_writer_commit(w, res->replicas, &e->d) != FD_OK) {
        status = fail(e, diag_exit_status(e->d.code));
    } else if (p->fmt == ANSWER_TABLE) {
        printf("shard %u/%u: replicas %llu..%llu of %llu, %llu events in %.3g s (%.3g "
               "replicas/s)\nwrote %s/: replicas.csv shard/ inputs/; fdsim merge puts the %u "
               "shards together\n", p->shard_i, p->shard_k, (unsigned long long)first,
               (unsigned long long)end - 1, (unsigned long long)s->replicas,
               (unsigned long long)res->events, res->wall,
               res->wall > 0 ? (double)(end - first) / res->wall : 0.0, p->b.out, p->shard_k);
        if (fflush(stdout) != 0)
            status = FD_EXIT_FAIL;
    }
    interrupt_release(&sig);
    runner_outcome_fini(&oc);
    blocksum_destroy(none);
    shard_writer_destroy(w);
    place_result_destroy(placed);
    batch_result_destroy(res);
    free(cmdline);
    return status;
}

static int run_work(void *opts, cmd_env *e)
{
    run_opts *p = opts;
    size_t baseline = 0;
    char *cmdline = NULL, *src = NULL;
    if (p->resume && run_resume(p, e, &baseline, &cmdline, &src) < 0) {
        free(cmdline);
        free(src);
        return fail(e, diag_exit_status(e->d.code));
    }
    size_t resumed_baseline = baseline;
    if (run_checks(p, e, &baseline) < 0) {
        free(cmdline);
        free(src);
        return fail(e, diag_exit_status(e->d.code)); /* 2, or 1 when memory ran out */
    }
    if (p->resume)
        baseline = resumed_baseline;
    if (p->shard_k)
        return run_shard(p, e, baseline);
    if (!cmdline && !(cmdline = cmdline_quote("fdsim", e->argc, e->argv))) {
        free(src);
        return failf(e, FD_ENOMEM, "out of memory");
    }
    batch_result *res = NULL;
    place_result *placed = NULL;
    analytic_result *an = NULL;
    rundir *sink = NULL;
    rundir_opts ro = { .force = p->force, .resume = src, .checkpoint = -1 };
    runner_outcome oc = { 0 };
    int status = FD_EXIT_OK;
    interrupt_catcher sig;
    volatile sig_atomic_t *stop = interrupt_catch(&sig);
    diag t;
    diag_clear(&t);
    /* under mpirun every rank runs the replicas, rank 0 alone writes (cluster.h) */
    bool root = cluster_root(), ready = false;
    if (place_build(e->s, &placed, &e->d) != FD_OK) { /* the run's one placement */
        status = fail(e, FD_EXIT_FAIL);
    } else if (root && p->trace &&
               runner_trace(e->s, placed, p->trace, p->trace_replica, &t) != FD_OK) {
        status = failf(e, FD_EIO, "--trace: %s", t.msg);
    } else if (root && rundir_create(&sink, e->s, baseline, p->b.out, cmdline, &ro, &e->d)
                           != FD_OK) {
        /* built beside DIR; replicas.csv streamed into it as the replicas come */
        status = fail(e, FD_EXIT_FAIL);
    } else {
        ready = true;
    }
    if (!cluster_agree(ready)) { /* every rank starts, or none */
        if (ready)
            status = failf(e, FD_EIO, "another MPI rank could not start the run");
    } else if (runner_run_from(e->s, placed, NULL, stop, root ? rundir_consume : NULL, sink,
                               root ? &(runner_resume){ rundir_start(sink),
                                                        rundir_precision(sink) } : NULL,
                               &res, &oc, &e->d) != FD_OK) {
        status = fail(e, FD_EXIT_FAIL);
    } else if (root) {
        /* best effort: without it the table has no check */
        if (analytic_compute_placed(e->s, placed, &an, NULL) != FD_OK)
            an = NULL;
        report_run rr = { .s = e->s, .r = res, .digest = rundir_digest(sink),
                          .baseline = baseline, .cmdline = cmdline, .analytic = an,
                          .placement = placed, .outcome = &oc };
        status = run_report(p, e, sink, &rr);
    }
    interrupt_release(&sig);
    runner_outcome_fini(&oc);
    rundir_destroy(sink); /* uncommitted: removes what it wrote, DIR as it was */
    place_result_destroy(placed);
    batch_result_destroy(res);
    free(cmdline);
    free(src);
    return status;
}

static int run_main(int argc, char **argv)
{
    static const struct option own[] = {
        BATCH_LONGOPTS,
        { "baseline", required_argument, NULL, 'b' },
        { "trace", required_argument, NULL, 't' },
        { "trace-replica", required_argument, NULL, 'k' },
        FORMAT_LONGOPT,
        { "force", no_argument, NULL, 'f' },
        { "resume", required_argument, NULL, 'R' },
        { "shard", required_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 },
    };
    static const cmd_spec spec = {
        "run", run_usage, "n:j:o:", own, run_own, true, NULL, run_work,
    };
    run_opts p = { .b = { .out = "results" } };
    return command(&spec, &p, argc, argv);
}

/* ----------------------------------------------------------- merge -- */

static const char merge_usage[] =
    "usage: fdsim merge DIR_1 ... DIR_K -o DIR [--force] [--format table|json|tsv]\n"
    "\n"
    "Put the K shards of one run (fdsim run --shard I/K -o DIR_I, e.g. the tasks\n"
    "of an array job) together into the results directory DIR: exactly the\n"
    "files, byte for byte, that one run of the same scenario and seed writes\n"
    "(its run.ini records the shards' command line without --shard, into DIR).\n"
    "The shards may be given in any order.  A shard that is missing,\n"
    "duplicated, of another run (scenario, seed, fdsim version) or corrupt is\n"
    "refused with a message that names it, and nothing is written.\n"
    "\n"
    "  -o, --results-dir DIR         the merged results directory (required)\n"
    FORMAT_USAGE
    "      --force                   replace DIR even if it holds files that are\n"
    "                                not fdsim results (they are deleted)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Exit status: 0 done, 1 I/O error or out of memory, 2 a shard set refused\n"
    "(nothing written), 4 some VMs could not be allocated (as fdsim run).\n";

static int merge_own(void *opts, cmd_env *e, int c, const char *arg)
{
    run_opts *p = opts;
    switch (c) {
    case 'o':
        if (!*arg)
            return diag_set(&e->d, FD_EINVAL, "-o needs a directory name"), -1;
        p->b.out = arg;
        p->b.out_given = true;
        return 0;
    case 'F':
        return format_own(&p->fmt, e, arg);
    case 'f':
        p->force = true;
        return 0;
    default:
        return -1;
    }
}

static int merge_work(void *opts, cmd_env *e)
{
    run_opts *p = opts;
    if (!p->b.out_given)
        return failf(e, FD_EINVAL, "no -o DIR: give the merged results directory");
    if (e->optind >= e->argc)
        return failf(e, FD_EINVAL, "no shard directories: fdsim merge DIR_1 ... DIR_K -o DIR");
    if (stage_target_ok(p->b.out, p->force, "-o", &e->d) != FD_OK)
        return fail(e, diag_exit_status(e->d.code));
    shard_set set;
    if (shard_set_load(e->argv + e->optind, (size_t)(e->argc - e->optind), &set, &e->d) !=
        FD_OK)
        return fail(e, diag_exit_status(e->d.code == FD_EIO ? FD_EINVAL : e->d.code));
    bool nomem = false;
    char *cmdline = NULL;
    if (shard_set_scenario(&set, &e->s, stderr, &e->d) != FD_OK) {
        shard_set_fini(&set);
        return fail(e, diag_exit_status(e->d.code));
    }
    cmdline = shard_set_command(&set, p->b.out, &nomem);
    double t0 = precision_clock();
    size_t baseline = set.v[0].baseline;
    rundir *sink = NULL;
    batch_result *res = NULL;
    place_result *placed = NULL;
    analytic_result *an = NULL;
    rundir_opts ro = { .force = p->force, .resume = NULL, .checkpoint = -1 };
    runner_outcome oc = { .estimator = e->s->estimator, .stop = PRECISION_REPLICAS };
    int status = FD_EXIT_OK, rc = FD_OK;
    if (nomem) {
        status = failf(e, FD_ENOMEM, "out of memory");
    } else if (place_build(e->s, &placed, &e->d) != FD_OK ||
               rundir_create(&sink, e->s, baseline, p->b.out, cmdline, &ro, &e->d) != FD_OK) {
        status = fail(e, FD_EXIT_FAIL);
    } else {
        for (size_t i = 0; i < set.n && rc == FD_OK; i++) {
            const shard_info *x = &set.v[i];
            char *rp = csvio_path_join(x->dir, "replicas.csv");
            char *mp = csvio_path_join(x->dir, "shard/records.bin");
            rc = rp && mp ? rundir_merge(sink, rp, x->rbytes, mp, x->first, x->end, x->sums,
                                         x->events, &e->d)
                          : diag_set(&e->d, FD_ENOMEM, "out of memory");
            if (rc != FD_OK && rc != FD_ENOMEM) {
                diag w = e->d;
                diag_clear(&e->d);
                rc = diag_set(&e->d, FD_EINVAL, "shard %s: corrupt: %s", x->dir, w.msg);
            }
            free(rp);
            free(mp);
        }
        if (rc == FD_OK && rundir_result(sink, &res) != FD_OK)
            rc = diag_set(&e->d, FD_ENOMEM, "out of memory");
        if (rc != FD_OK) {
            status = fail(e, diag_exit_status(rc));
        } else {
            res->wall = precision_clock() - t0;
            if (analytic_compute_placed(e->s, placed, &an, NULL) != FD_OK)
                an = NULL;
            report_run rr = { .s = e->s, .r = res, .digest = rundir_digest(sink),
                              .baseline = baseline, .cmdline = cmdline, .analytic = an,
                              .placement = placed, .outcome = &oc };
            status = run_report(p, e, sink, &rr);
        }
    }
    rundir_destroy(sink); /* uncommitted: removes what it wrote */
    place_result_destroy(placed);
    batch_result_destroy(res);
    shard_set_fini(&set);
    free(cmdline);
    return status;
}

static int merge_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "results-dir", required_argument, NULL, 'o' },
        FORMAT_LONGOPT,
        { "force", no_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    static const cmd_spec spec = {
        "merge", merge_usage, "o:", own, merge_own, false, NULL, merge_work,
    };
    run_opts p = { .b = { .out = NULL } };
    return command(&spec, &p, argc, argv);
}

/* ------------------------------------------------------------ plot -- */

static const char plot_usage[] =
    "usage: fdsim plot DIR [--format png|svg|both] [--replica K] [--size WxH]\n"
    "\n"
    "Draw every chart the results in DIR support (a directory written by\n"
    "fdsim run or fdsim sweep) with gnuplot, as DIR/NAME.png (or .svg), and\n"
    "print the path of each file written:\n"
    "  availability   service availability per group on a nines axis, 95 %\n"
    "                 interval and each group's SLA target (summary.csv)\n"
    "  downtime_cdf   downtime per year across replicas: the share of replicas\n"
    "                 with more than x, log-log (replicas.csv)\n"
    "  downcount      hours per year with k >= 1 VMs down at once (downcount.csv)\n"
    "  months         monthly uptime (mean, 5th percentile) against each SLA\n"
    "                 target, on a nines axis (months.csv)\n"
    "  timeline       replica K through its first maintenance wave: VMs up per\n"
    "                 update domain or rack (replays run.ini; the same sample\n"
    "                 path as fdsim run DIR/run.ini --trace F --trace-replica K)\n"
    "  sweep          availability against the swept key, for the groups it\n"
    "                 varies; steps for a count (sweep.csv)\n"
    "\n"
    "  -f, --format F      png (default), svg or both\n"
    "  -k, --replica K     the replica the timeline shows (default 0)\n"
    "      --size WxH      image size in pixels (default 800x500; the timeline\n"
    "                      grows with its panels unless a size is given)\n"
    "  -h, --help          show this help\n"
    "\n"
    "gnuplot must be on PATH (Debian: apt-get install gnuplot-nox).\n"
    "Exit status: 0 charts written, 1 gnuplot missing or failed, 2 bad input.\n";

static int plot_own(void *opts, cmd_env *e, int c, const char *arg)
{
    plot_opts *po = opts;
    uint64_t v;
    int w, h, n = 0;
    switch (c) {
    case 'f':
        if (!strcmp(arg, "png"))
            po->formats = PLOT_PNG;
        else if (!strcmp(arg, "svg"))
            po->formats = PLOT_SVG;
        else if (!strcmp(arg, "both"))
            po->formats = PLOT_PNG | PLOT_SVG;
        else
            return diag_set(&e->d, FD_EINVAL, "--format %s: expected png, svg or both",
                            arg), -1;
        return 0;
    case 'k':
        if (parse_u64(arg, 0, SCEN_MAX_REPLICAS - 1, &v) < 0)
            return diag_set(&e->d, FD_EINVAL, "--replica %s: expected a replica number "
                            "from 0 (the first)", arg), -1;
        po->replica = v;
        return 0;
    case 'z':
        if (sscanf(arg, "%dx%d%n", &w, &h, &n) != 2 || arg[n] != '\0' || w < 100 ||
            h < 100 || w > 10000 || h > 10000)
            return diag_set(&e->d, FD_EINVAL, "--size %s: expected WIDTHxHEIGHT in "
                            "pixels, each from 100 to 10000, e.g. 800x500", arg), -1;
        po->width = w;
        po->height = h;
        po->sized = true;
        return 0;
    default:
        return -1;
    }
}

static int plot_work(void *opts, cmd_env *e)
{
    plot_opts *po = opts;
    if (e->optind != e->argc - 1)
        return failf(e, FD_EINVAL, "give one results directory, e.g. fdsim plot results");
    po->dir = e->argv[e->optind];
    int rc = plot_render(po, stdout, &e->d);
    if (fflush(stdout) != 0 && rc == FD_OK)
        rc = diag_set(&e->d, FD_EIO, "cannot write to standard output");
    if (rc != FD_OK)
        return fail(e, rc == FD_EINVAL ? FD_EXIT_INPUT : FD_EXIT_FAIL);
    return FD_EXIT_OK;
}

static int plot_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "format", required_argument, NULL, 'f' },
        { "replica", required_argument, NULL, 'k' },
        { "size", required_argument, NULL, 'z' },
        { NULL, 0, NULL, 0 },
    };
    static const cmd_spec spec = {
        "plot", plot_usage, "f:k:", own, plot_own, false, NULL, plot_work,
    };
    plot_opts po = { .formats = PLOT_PNG, .width = 800, .height = 500 };
    return command(&spec, &po, argc, argv);
}

/* ----------------------------------------------------------- sweep -- */

#define SWEEP_MAX_GOALS 8 /* --goal options per sweep */

static const char sweep_usage[] =
    "usage: fdsim sweep [SCENARIO] --vary KEY=FIRST:LAST:STEP | --vary KEY=V1,V2,...\n"
    "                   [--vary ...]... [--goal METRIC>=VALUE]... [-n REPLICAS]\n"
    "                   [--seed S] [-j THREADS] [-o DIR] [--format table|json|tsv]\n"
    "                   [--set section.key=value]...\n"
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
    "  -g, --goal METRIC>=VALUE      print, per group, the first point (in the\n"
    "                                sweep's order: the smallest value of one\n"
    "                                ascending --vary) that meets the goal with\n"
    "                                95 % confidence; METRIC<=VALUE too; METRIC a\n"
    "                                summary.csv metric or nines, fractions also in\n"
    "                                percent: --goal service_availability>=99.99%\n"
    "                                (repeatable)\n"
    "  -n, --replicas N              replicas per point (simulation.replicas)\n"
    "      --seed S                  master seed, the same for every point\n"
    "      --estimator E             restart or plain, as fdsim run --help says\n"
    "      --precision P             per point, as fdsim run --help says\n"
    "      --time-limit T            per point, as fdsim run --help says\n"
    "  -j, --threads T               worker threads; 0 = one per core\n"
    "  -o, --results-dir DIR         a new or empty directory, or an earlier\n"
    "                                sweep's (replaced whole; default: sweep)\n"
    FORMAT_USAGE
    "      --memory-limit SIZE       refuse a point estimated to need more\n"
    "                                (8G, 500M; 0: none; default: half the memory)\n"
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
    batch_opts b;      /* -n, --seed, -j, -o */
    sweep *sw;         /* the --vary axes */
    cmd_env *e;        /* for the hooks: messages */
    uint64_t seed;     /* the scenario's seed, for the heading */
    answer_format fmt; /* --format */
    goal goals[SWEEP_MAX_GOALS]; /* --goal, in order */
    size_t ngoals;
    const scenario *base; /* the scenario the points come from (borrowed) */
    answer_sweep *ans; /* json / tsv: the answer being written (owned) */
    goal_track *tracks;/* [ngoals x groups] (owned) */
    bool *varied;      /* [groups]: some --vary key touches the group (owned) */
} sweep_opts;

static int sweep_own(void *opts, cmd_env *e, int c, const char *arg)
{
    sweep_opts *p = opts;
    int rc = batch_own(&p->b, e, c, arg);
    if (rc != 1)
        return rc;
    if (c == 'F')
        return format_own(&p->fmt, e, arg);
    if (c == 'g') {
        if (p->ngoals == SWEEP_MAX_GOALS)
            return diag_set(&e->d, FD_EINVAL, "--goal %s: at most %d goals", arg,
                            SWEEP_MAX_GOALS), -1;
        return goal_parse(arg, &p->goals[p->ngoals++], &e->d) == FD_OK ? 0 : -1;
    }
    if (c != 'v')
        return -1;
    return sweep_add(p->sw, arg, &e->d) == FD_OK ? 0 : -1;
}

static int sweep_ready(void *opts, cmd_env *e)
{
    const sweep_opts *p = opts;
    if (sweep_naxes(p->sw) > 0)
        return 0;
    return diag_set(&e->d, FD_EINVAL, "give at least one --vary KEY=SPEC, e.g. "
                    "--vary group.db.count=3:15:2"), -1;
}

/* sweep_load_points' say(): one line through the funnel. */
static void sweep_say(void *ctx, const char *msg)
{
    warn("sweep", "%s", msg);
    (void)ctx;
}

static void sweep_start(void *ctx, uint64_t total)
{
    const sweep_opts *p = ctx;
    if (p->fmt != ANSWER_TABLE)
        return;
    size_t npoints = sweep_npoints(p->sw);
    printf("sweep of %zu point%s, %llu replicas in all, seed %llu\n\n", npoints,
           npoints == 1 ? "" : "s", (unsigned long long)total, (unsigned long long)p->seed);
    printf("%-10s %-28s %-20s %s\n", "point", "values", "group",
           "availability [95 % interval]");
}

/* A line per group, with the varied values only on the groups they touch,
 * and (!) on a group with VMs not placed; then why on stderr.  Each goal's
 * status goes into its track. */
static int sweep_point_done(void *ctx, const sweep_done *pd, diag *d)
{
    sweep_opts *p = ctx;
    const report_run *rr = pd->run;
    const scenario *s = rr->s;
    assert(s->ngroups == p->base->ngroups);
    for (size_t k = 0; k < p->ngoals; k++)
        for (size_t g = 0; g < s->ngroups; g++) {
            double mean, bound;
            goal_status st = goal_check(&p->goals[k], rr, g, &mean, &bound);
            goal_track_add(&p->tracks[k * s->ngroups + g], pd->index, st, mean, bound,
                           report_outages(rr, g));
        }
    if (p->ans && answer_sweep_point(p->ans, pd) < 0)
        return diag_set(d, FD_EIO, "cannot write to standard output (or out of memory)");
    for (size_t g = 0; p->fmt == ANSWER_TABLE && g < s->ngroups; g++) {
        char vals[1024], avail[160], name[80];
        char line[PLACE_REASON_MAX + 320];
        bool lost = report_unplaced_line(rr, g, line, sizeof line);
        snprintf(name, sizeof name, "%s%s", s->groups[g].name, lost ? " (!)" : "");
        sweep_point_label_group(p->sw, pd->index, s->groups[g].name, vals, sizeof vals);
        if (report_format_availability(rr, g, avail, sizeof avail) < 0)
            return diag_set(d, FD_ENOMEM, "out of memory");
        printf("%-10s %-28s %-20s %s\n", pd->name, vals, name, avail);
    }
    char where[48];
    snprintf(where, sizeof where, "%s: ", pd->name);
    warn_unplaced("sweep", where, rr);
    return FD_OK;
}

/* A goal's figure in its unit ("99.99 %" for fractions). */
static void goal_figure(const goal *gl, double x, char *buf, size_t size)
{
    if (isnan(x))
        snprintf(buf, size, "-");
    else if (goal_in_percent(gl))
        snprintf(buf, size, "%.10g %%", 100 * x);
    else
        snprintf(buf, size, "%.6g %s", x, report_metric_unit(gl->metric));
}

/* Print, per goal and group, the first point that meets it with confidence
 * (and the earlier one that meets it on its estimate only). */
static void sweep_print_goals(const sweep_opts *p)
{
    const scenario *s = p->base;
    size_t ng = s->ngroups, npoints = sweep_npoints(p->sw);
    for (size_t k = 0; k < p->ngoals; k++) {
        const goal *gl = &p->goals[k];
        char val[64];
        goal_figure(gl, gl->value, val, sizeof val);
        printf("\ngoal %s: %s %s %s, with 95 %% confidence (the interval's %s end meets it)\n",
               gl->text, report_metric_name(gl->metric), gl->at_least ? ">=" : "<=", val,
               gl->at_least ? "lower" : "upper");
        for (size_t g = 0; g < ng; g++) {
            const goal_track *t = &p->tracks[k * ng + g];
            const char *name = s->groups[g].name;
            char lbl[1024], pname[32], a[64], bnd[64];
            if (!p->varied[g]) {
                printf("  %s: not varied (no --vary key touches it): met with confidence at "
                       "%zu of %zu points", name, t->met, npoints);
                if (t->estimates)
                    printf(", on its estimate only at %zu", t->estimates);
                putchar('\n');
                continue;
            }
            if (t->first_met >= 0) {
                goal_figure(gl, t->met_mean, a, sizeof a);
                goal_figure(gl, t->met_bound, bnd, sizeof bnd);
                sweep_point_label_group(p->sw, (size_t)t->first_met, name, lbl, sizeof lbl);
                printf("  %s: smallest point that meets it: %s (%s): %s, 95 %% %s end %s",
                       name, sweep_point_name(p->sw, (size_t)t->first_met, pname), lbl, a,
                       gl->at_least ? "lower" : "upper", bnd);
                if (t->short_after >= 0)
                    printf("; but %s, after it, does not",
                           sweep_point_name(p->sw, (size_t)t->short_after, pname));
                putchar('\n');
            } else {
                printf("  %s: no point meets it with 95 %% confidence\n", name);
            }
            if (t->first_estimate >= 0) {
                char why[160];
                goal_figure(gl, t->est_mean, a, sizeof a);
                goal_figure(gl, t->est_bound, bnd, sizeof bnd);
                sweep_point_label_group(p->sw, (size_t)t->first_estimate, name, lbl,
                                        sizeof lbl);
                if (t->est_status == GOAL_UNDECIDED)
                    snprintf(why, sizeof why, "its 95 %% %s end, %s, does not",
                             gl->at_least ? "lower" : "upper", bnd);
                else if (t->est_outages == 0)
                    snprintf(why, sizeof why, "no outage seen: the run bounds how often "
                             "outages come, not how long they last");
                else
                    snprintf(why, sizeof why, "%.0f outage%s: too few for an interval",
                             t->est_outages, t->est_outages == 1 ? "" : "s");
                printf("    %s (%s) meets it on its estimate only (%s; %s) - add replicas\n",
                       sweep_point_name(p->sw, (size_t)t->first_estimate, pname), lbl, a, why);
            }
        }
    }
}

static int sweep_work(void *opts, cmd_env *e)
{
    sweep_opts *p = opts;
    size_t npoints = sweep_npoints(p->sw);
    scenario **pts = NULL;
    sweep_source src = { e->o.scenario, e->o.sets, e->o.nsets };
    int rc = sweep_load_points(p->sw, &src, sweep_say, NULL, &pts, &e->d);
    if (rc != FD_OK)
        return fail(e, diag_exit_status(rc));
    for (size_t pt = 0; pt < npoints; pt++) /* one point at a time: each must fit */
        if (memory_ok(&p->b, pts[pt], e) < 0) {
            char name[32];
            sweep_point_name(p->sw, pt, name);
            diag w = e->d;
            diag_clear(&e->d);
            diag_set(&e->d, FD_EINVAL, "%s: %s", name, w.msg);
            sweep_points_destroy(pts, npoints);
            return fail(e, FD_EXIT_INPUT);
        }
    char *cmdline = cmdline_quote("fdsim", e->argc, e->argv);
    size_t ng = e->s->ngroups;
    p->base = e->s;
    p->tracks = fd_calloc(p->ngoals * ng + 1, sizeof *p->tracks);
    p->varied = fd_calloc(ng, sizeof *p->varied);
    if (!cmdline || !p->tracks || !p->varied ||
        (p->fmt != ANSWER_TABLE && answer_sweep_create(&p->ans, p->fmt, p->sw, e->s, p->goals,
                                                       p->ngoals, stdout) != FD_OK)) {
        sweep_points_destroy(pts, npoints);
        free(cmdline);
        return failf(e, FD_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < p->ngoals * ng; i++)
        goal_track_init(&p->tracks[i]);
    for (size_t g = 0; g < ng; g++)
        for (size_t a = 0; a < sweep_naxes(p->sw); a++)
            p->varied[g] |= sweep_axis_touches(sweep_axis_at(p->sw, a), e->s->groups[g].name);
    p->seed = e->s->seed;
    interrupt_catcher sig;
    volatile sig_atomic_t *stop = interrupt_catch(&sig);
    sweep_hooks hooks = { sweep_start, sweep_point_done, p };
    sweep_outcome out;
    int status = FD_EXIT_OK;
    rc = sweep_run(p->sw, pts, p->b.out, cmdline, stop, &hooks, &out, &e->d);
    interrupt_release(&sig);
    if (rc != FD_OK) {
        status = fail(e, diag_exit_status(rc));
    } else {
        if (p->fmt == ANSWER_TABLE) {
            char first[32], last[32];
            printf("\n%zu points in %.3g s\nwrote %s/: sweep.csv and %s/ to %s/ (each: "
                   "summary.csv replicas.csv downcount.csv months.csv run.ini)\n", npoints,
                   out.wall, p->b.out, sweep_point_name(p->sw, 0, first),
                   sweep_point_name(p->sw, npoints - 1, last));
            sweep_print_goals(p);
        } else {
            const char *names[SCEN_MAX_GROUPS];
            for (size_t g = 0; g < ng; g++)
                names[g] = e->s->groups[g].name;
            if (answer_sweep_finish(p->ans, p->tracks, p->varied, names, ng) < 0)
                status = failf(e, FD_EIO, "cannot write to standard output (or out of memory)");
        }
        if (out.unplaced_points) {
            if (p->fmt == ANSWER_TABLE)
                printf("(!) a group with VMs that could not be allocated, at %zu of %zu "
                       "points\n", out.unplaced_points, npoints);
            if (status == FD_EXIT_OK)
                status = FD_EXIT_ALLOC;
        }
        if (fflush(stdout) != 0)
            status = FD_EXIT_FAIL;
    }
    sweep_points_destroy(pts, npoints);
    free(cmdline);
    return status;
}

static int sweep_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "vary", required_argument, NULL, 'v' },
        { "goal", required_argument, NULL, 'g' },
        BATCH_LONGOPTS,
        FORMAT_LONGOPT,
        { NULL, 0, NULL, 0 },
    };
    static const cmd_spec spec = {
        "sweep", sweep_usage, "v:g:n:j:o:", own, sweep_own, true, sweep_ready, sweep_work,
    };
    sweep_opts p = { .b = { .out = "sweep" }, .sw = sweep_create() };
    if (p.sw == NULL) {
        diag d;
        diag_clear(&d);
        diag_set(&d, FD_ENOMEM, "out of memory");
        return complain("sweep", &d, FD_EXIT_FAIL);
    }
    int status = command(&spec, &p, argc, argv);
    answer_sweep_destroy(p.ans);
    free(p.tracks);
    free(p.varied);
    sweep_destroy(p.sw);
    return status;
}

/* -------------------------------------------------------- analytic -- */

static const char analytic_usage[] =
    "usage: fdsim analytic [SCENARIO] [--format table|json|tsv]\n"
    "                      [--set section.key=value]...\n"
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
    FORMAT_USAGE
    "  -s, --set section.key=value   override one key (repeatable; last wins)\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Exit status: 0 done (also when some values are refused), 1 I/O error,\n"
    "2 bad input.\n";

static int analytic_own(void *opts, cmd_env *e, int c, const char *arg)
{
    return c == 'F' ? format_own(opts, e, arg) : -1;
}

static int analytic_work(void *opts, cmd_env *e)
{
    answer_format fmt = *(const answer_format *)opts;
    analytic_result *an = NULL;
    int status;
    if (analytic_compute(e->s, &an, &e->d) != FD_OK)
        status = fail(e, FD_EXIT_FAIL);
    else if (fmt != ANSWER_TABLE)
        status = answer_analytic(an, e->s, fmt, stdout) < 0 || fflush(stdout) != 0
                     ? failf(e, FD_EIO, "cannot write to standard output (or out of memory)")
                     : FD_EXIT_OK;
    else
        status = flushed(e, analytic_print(an, e->s, stdout));
    analytic_result_destroy(an);
    return status;
}

static int analytic_main(int argc, char **argv)
{
    static const struct option own[] = {
        FORMAT_LONGOPT,
        { NULL, 0, NULL, 0 },
    };
    static const cmd_spec spec = {
        "analytic", analytic_usage, "", own, analytic_own, true, NULL, analytic_work,
    };
    answer_format fmt = ANSWER_TABLE;
    return command(&spec, &fmt, argc, argv);
}

/* ---------------------------------------------------------- import -- */

static const char import_usage[] =
    "usage: fdsim import FILE... [-p NAME=VALUE | -p @PARAMETERS.json]...\n"
    "                    [--location REGION] [-o SCENARIO]\n"
    "\n"
    "Write a scenario with one [group.NAME] per deployment found in the FILEs:\n"
    "ARM templates (virtual machine scale sets, availability sets and the\n"
    "virtual machines that reference them; parameters, variables, copy loops,\n"
    "conditions and inline nested deployments evaluated), parameters files,\n"
    "and the JSON that az vmss show, az vm availability-set show and az vm show\n"
    "print (or az vmss list).  Every property fdsim does not model is named in\n"
    "a comment.  The scenario is checked (fdsim check) before it is written.\n"
    "\n"
    "  -p, --parameters NAME=VALUE   a template parameter's value (its declared\n"
    "                                type: int, bool, string; arrays and objects\n"
    "                                as JSON), or @FILE: a parameters file\n"
    "                                (repeatable; the last value wins)\n"
    "      --location REGION         region.name when the location is known only\n"
    "                                at deployment ([resourceGroup().location])\n"
    "  -o, --to SCENARIO             write the scenario there (atomically), not\n"
    "                                to standard output\n"
    "  -h, --help                    show this help\n"
    "\n"
    "Exit status: 0 written, 1 I/O error, 2 bad input (malformed JSON as\n"
    "FILE:LINE:COLUMN, a value that cannot be evaluated or is not valid, a\n"
    "deployment the platform rules reject; nothing written).\n";

typedef struct import_opts {
    const char *params[256];  /* -p values, in order */
    size_t nparams;
    const char *location;     /* --location, or NULL */
    const char *to;           /* -o FILE, or NULL: standard output */
} import_opts;

static int import_own(void *opts, cmd_env *e, int c, const char *arg)
{
    import_opts *p = opts;
    switch (c) {
    case 'p':
        if (p->nparams == sizeof p->params / sizeof *p->params)
            return diag_set(&e->d, FD_EINVAL, "-p %s: at most 256 parameters", arg), -1;
        p->params[p->nparams++] = arg;
        return 0;
    case 'L':
        if (!*arg)
            return diag_set(&e->d, FD_EINVAL, "--location needs a region, e.g. eastus"), -1;
        p->location = arg;
        return 0;
    case 'o':
        if (!*arg)
            return diag_set(&e->d, FD_EINVAL, "-o needs a file name for the scenario"), -1;
        p->to = arg;
        return 0;
    default:
        return -1;
    }
}

/* Write `len` bytes to `path` through a temporary file renamed into
 * place.  FD_OK or FD_EIO (the message in d, nothing left behind). */
static int write_atomically(const char *path, const char *text, size_t len, diag *d)
{
    char *tmp = csvio_temp_path(path);
    if (tmp == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    FILE *f = fopen(tmp, "w");
    int rc = FD_OK;
    if (f == NULL)
        rc = diag_set(d, FD_EIO, "cannot create %s (for %s): %s", tmp, path, strerror(errno));
    else if (fwrite(text, 1, len, f) != len || fflush(f) != 0)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    if (f && fclose(f) != 0 && rc == FD_OK)
        rc = diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    if (rc == FD_OK && rename(tmp, path) != 0)
        rc = diag_set(d, FD_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (rc != FD_OK)
        remove(tmp);
    free(tmp);
    return rc;
}

static int import_work(void *opts, cmd_env *e)
{
    const import_opts *p = opts;
    if (e->optind >= e->argc)
        return failf(e, FD_EINVAL, "give at least one JSON file: an ARM template, a "
                     "parameters file, or what az vmss show prints");
    import_spec spec = {
        .files = (const char *const *)e->argv + e->optind,
        .nfiles = (size_t)(e->argc - e->optind),
        .params = p->params,
        .nparams = p->nparams,
        .location = p->location,
    };
    char *text = NULL;
    size_t len = 0;
    int rc = import_scenario(&spec, &text, &len, stderr, &e->d);
    if (rc == FD_EINVAL) {
        diag_clear(&e->d); /* each problem is on its own line already */
        return FD_EXIT_INPUT;
    }
    if (rc == FD_EIO) /* a file that cannot be read: the user's to fix, nothing ran */
        return fail(e, FD_EXIT_INPUT);
    if (rc != FD_OK)
        return fail(e, diag_exit_status(rc));
    int status = FD_EXIT_OK;
    if (p->to) {
        if (write_atomically(p->to, text, len, &e->d) != FD_OK)
            status = fail(e, FD_EXIT_FAIL);
    } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        status = failf(e, FD_EIO, "cannot write to standard output");
    }
    free(text);
    return status;
}

static int import_main(int argc, char **argv)
{
    static const struct option own[] = {
        { "parameters", required_argument, NULL, 'p' },
        { "location", required_argument, NULL, 'L' },
        { "to", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    static const cmd_spec spec = {
        "import", import_usage, "p:o:", own, import_own, false, NULL, import_work,
    };
    import_opts p = { .nparams = 0 };
    return command(&spec, &p, argc, argv);
}

/* ------------------------------------------------------------ table -- */

const cli_command cli_commands[] = {
    { "import", "write a scenario from ARM templates or az vmss / availability-set JSON", import_main },
    { "check", "validate a scenario and print it fully resolved", check_main },
    { "place", "show where every VM of every group lands, and what one failure costs", place_main },
    { "run", "run the Monte Carlo replicas and write the results directory", run_main },
    { "sweep", "run a scenario over a grid of values and write sweep.csv", sweep_main },
    { "merge", "put the shards of one run (run --shard I/K) together", merge_main },
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
