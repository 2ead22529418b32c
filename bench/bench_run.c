/*
 * bench_run: how fast fdsim simulates, and what else a run costs (issue 12,
 * items 4 and 5).  Prints figures; never passes or fails on them: exit 0,
 * 1 with a message when the benchmark cannot be set up, 2 on bad arguments.
 *
 * Worlds:
 *  R1       the speed issue's reference world: 60 racks x 16 hosts x 8
 *           slots, regional, one Flexible group of 1000 VMs with max
 *           spreading, quorum 900, one year per replica; hosts
 *           exp(mean=12.5y), repair lognormal(median=2d, sigma=1); healing
 *           lognormal(median=15m, sigma=0.5); racks exp(mean=10y), outage
 *           uniform(1h, 6h); rebootless every 30d, pause fixed(8s), settle
 *           1792s, tolerance 0s; rebootful every 1y, reboot fixed(25m),
 *           settle 30m.
 *  default  the built-in default scenario (scenarios/default.ini), loaded
 *           with scenario_load_default as `fdsim run` without SCENARIO, as
 *           a plain run (simulation.estimator = plain, no precision): these
 *           are plain Monte Carlo's figures; bench_rare times the restart
 *           estimator.
 *
 * Figures, per world:
 *  - events per replica-year: exact, the sum of inject_events over the
 *    timed replicas divided by replicas x horizon in years;
 *  - VM-years/s/core on one thread: VMs x horizon x REPLICAS over the wall
 *    time of REPLICAS replicas on one thread, best and median of 5 timed
 *    repetitions (the injectors are built before the clock starts);
 *  - speed-up on 2 threads: the same REPLICAS split in two halves, one
 *    thread each, best of 5 wall times; the 1-thread best over the 2-thread
 *    best;
 *  - peak memory: ru_maxrss of this process after its timed loops
 *    (cumulative over the worlds), and the peak RSS (VmHWM) of a child,
 *    this binary re-executed (so the figure is the child's own, not
 *    inherited), that goes through the whole `fdsim run` path on one thread
 *    at RSS_REPLICAS and 4 x RSS_REPLICAS replicas: equal figures mean
 *    memory that does not grow with the replicas;
 *  - fixed costs: every phase of `fdsim run` but the replicas (phases.h:
 *    start-up, placement, analytic check, output), best of 5, in
 *    milliseconds and as a share of one FIXED_REPLICAS-replica runner_run
 *    of the world on one thread (issue 12: none may cost more than 5 %).
 *
 * Usage:
 *  bench_run [REPLICAS]              every figure; REPLICAS per timed
 *                                    repetition (default 2000)
 *  bench_run --speed-only [REPLICAS] the speed figures alone (no 10^4 run,
 *                                    no child runs)
 *  bench_run --callgrind N [r1|default]
 *                                    run exactly N replicas of the world
 *                                    (default R1) on this thread, no timing
 *                                    loop, and print "events E replicas N
 *                                    years Y"
 *
 * Instructions per event come from two callgrind runs that differ only in
 * N, so every fixed cost (start-up, placement) cancels in the difference:
 *  valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.100 \
 *      ./build-release/bench/bench_run --callgrind 100
 *  valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.300 \
 *      ./build-release/bench/bench_run --callgrind 300
 *  callgrind_annotate /tmp/cg.100 | grep 'PROGRAM TOTALS'   (Ir; and /tmp/cg.300)
 *  instructions per event = (Ir(300) - Ir(100)) / (E(300) - E(100)),
 * E being the events each run printed.  bench/instr_per_event.sh
 * [BUILD_DIR [N1 N2]] does both runs for both worlds and prints the
 * instructions per event and per replica-year.
 *
 * Timings on a shared machine vary from run to run: the best of 5 is the
 * least disturbed, the median shows the spread.
 */
#include "inject.h"
#include "phases.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <pthread.h>
#include <spawn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define REPS 5                /* timed repetitions of every figure */
#define MAX_THREADS 2         /* the speed-up is measured on 2 threads */
#define FIXED_REPLICAS 10000L /* the run the fixed costs are a share of */
#define RSS_REPLICAS 1000L    /* the child runs: this many, then 4 times more */
#define CELL 32               /* a table cell, with NUL */

/* R1 as the header gives it; Flexible, max spreading (platformFaultDomainCount
 * = 1) and a regional world (zones = 0) are the loader's defaults. */
static const char r1_text[] =
    "[simulation]\nhorizon = 1y\n"
    "[region]\nracksPerZone = 60\nhostsPerRack = 16\nvmsPerHost = 8\n"
    "[host]\ntimeToFailure = exp(mean=12.5y)\nrepairTime = lognormal(median=2d, sigma=1)\n"
    "[healing]\ntime = lognormal(median=15m, sigma=0.5)\n"
    "[rack]\ntimeToFailure = exp(mean=10y)\noutage = uniform(1h, 6h)\n"
    "[rebootless]\nperiod = 30d\npause = fixed(8s)\nsettle = 1792s\npauseTolerance = 0s\n"
    "[rebootful]\nperiod = 1y\nreboot = fixed(25m)\nsettle = 30m\n"
    "[group.flex]\ncount = 1000\nquorum = 900\n";

static const phases_world worlds[] = {
    { "R1", r1_text },
    { "default", NULL },
};
#define NWORLDS (sizeof worlds / sizeof worlds[0])

/* ------------------------------------------------------ the rig -- */

/* A world ready to time: its scenario, its one placement and one injector
 * per thread, all built before any clock starts. */
typedef struct rig {
    scenario *s;                /* owned */
    place_result *plan;         /* owned: place_build of s */
    inject *in[MAX_THREADS];    /* owned: inject_create_placed from plan */
    double vm_years;            /* VMs x horizon per replica, years */
    double years;               /* horizon per replica, years */
} rig;

static void rig_fini(rig *r)
{
    for (int i = 0; i < MAX_THREADS; i++)
        inject_destroy(r->in[i]);
    place_result_destroy(r->plan);
    scenario_destroy(r->s);
}

/* Build `r` for world `w` with `nthreads` injectors.  FD_OK or the first
 * error, with its message in `d` (r is then finished). */
static int rig_init(rig *r, const phases_world *w, int nthreads, diag *d)
{
    *r = (rig){ 0 };
    int rc = phases_load(w, NULL, 0, &r->s, d);
    if (rc == FD_OK)
        rc = place_build(r->s, &r->plan, d);
    for (int i = 0; rc == FD_OK && i < nthreads; i++)
        rc = inject_create_placed(&r->in[i], r->s, r->plan, d);
    if (rc != FD_OK) {
        rig_fini(r);
        return rc;
    }
    r->years = r->s->horizon / (365.0 * 86400.0);
    for (size_t g = 0; g < r->s->ngroups; g++)
        r->vm_years += r->s->groups[g].count * r->years;
    return FD_OK;
}

/* One thread's share of a timed run. */
typedef struct job {
    inject *in;          /* borrowed from the rig */
    uint64_t first, n;   /* replicas [first, first + n) */
    uint64_t events;     /* events they ran */
    int rc;              /* FD_OK or inject_replica's error */
} job;

static void *work(void *arg)
{
    job *j = arg;
    stats_replica out[SCEN_MAX_GROUPS];
    j->events = 0;
    j->rc = FD_OK;
    for (uint64_t r = j->first; r < j->first + j->n && j->rc == FD_OK; r++) {
        j->rc = inject_replica(j->in, r, &(stats_out){ .rec = out }, NULL);
        j->events += inject_events(j->in);
    }
    return NULL;
}

/* Run replicas 0..n-1 split evenly over `threads` threads; the wall
 * seconds go to *wall, the events to *events.  FD_OK or an error in `d`. */
static int run_split(const rig *r, uint64_t n, int threads, double *wall, uint64_t *events,
                     diag *d)
{
    pthread_t tid[MAX_THREADS];
    job jobs[MAX_THREADS];
    int started = 0, rc = FD_OK;
    double t0 = phases_now();
    for (int i = 0; i < threads; i++) {
        uint64_t lo = n * (uint64_t)i / (uint64_t)threads;
        uint64_t hi = n * (uint64_t)(i + 1) / (uint64_t)threads;
        jobs[i] = (job){ .in = r->in[i], .first = lo, .n = hi - lo };
        if (pthread_create(&tid[i], NULL, work, &jobs[i]) != 0) {
            rc = diag_set(d, FD_ENOMEM, "cannot start thread %d of %d", i + 1, threads);
            break;
        }
        started++;
    }
    *events = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(tid[i], NULL);
        *events += jobs[i].events;
        if (jobs[i].rc != FD_OK && rc == FD_OK)
            rc = diag_set(d, jobs[i].rc, "a replica failed: %s", diag_strerror(jobs[i].rc));
    }
    *wall = phases_now() - t0;
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* REPS wall times of run_split, sorted: best t[0], median t[REPS / 2].
 * Every repetition must run the same events (replicas are deterministic):
 * a difference is told on stderr. */
static int timed(const rig *r, uint64_t n, int threads, double t[REPS], uint64_t *events,
                 diag *d)
{
    for (int i = 0; i < REPS; i++) {
        uint64_t ev;
        int rc = run_split(r, n, threads, &t[i], &ev, d);
        if (rc != FD_OK)
            return rc;
        if (i > 0 && ev != *events)
            fprintf(stderr, "bench_run: (!) %llu events, then %llu: the replicas are not "
                    "deterministic\n", (unsigned long long)*events, (unsigned long long)ev);
        *events = ev;
    }
    qsort(t, REPS, sizeof t[0], cmp_double);
    return FD_OK;
}

/* ---------------------------------------------------- the figures -- */

/* Everything measured for one world. */
typedef struct figures {
    double years;          /* horizon per replica, years */
    double vm_years;       /* VMs x horizon per replica, years */
    uint64_t replicas;     /* replicas per timed repetition */
    uint64_t events;       /* events they ran */
    double t1[REPS];       /* wall times on 1 thread, sorted */
    double t2[REPS];       /* wall times on 2 threads, sorted */
    double rss_self;       /* MiB: ru_maxrss of this process after the loops */
    double rss_small;      /* MiB: the child run at RSS_REPLICAS; NAN: none */
    double rss_large;      /* MiB: the child run at 4 x RSS_REPLICAS; NAN: none */
    phases_times phases;   /* the FIXED_REPLICAS-replica pass (not --speed-only) */
} figures;

static double self_peak_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* Linux: KiB */
}

/* The speed figures of world `w`, REPLICAS `n` per repetition. */
static int measure_speed(const phases_world *w, uint64_t n, figures *f, diag *d)
{
    rig r;
    int rc = rig_init(&r, w, MAX_THREADS, d);
    if (rc != FD_OK)
        return rc;
    f->years = r.years;
    f->vm_years = r.vm_years;
    f->replicas = n;
    uint64_t ev2 = 0;
    rc = timed(&r, n, 1, f->t1, &f->events, d);
    if (rc == FD_OK)
        rc = timed(&r, n, 2, f->t2, &ev2, d);
    if (rc == FD_OK && ev2 != f->events)
        fprintf(stderr, "bench_run: (!) %s: %llu events on 1 thread, %llu on 2\n", w->name,
                (unsigned long long)f->events, (unsigned long long)ev2);
    rig_fini(&r);
    f->rss_self = self_peak_mib();
    return rc;
}

/* The peak RSS, MiB, of `fdsim run`'s path for world `name` at `n`
 * replicas on one thread, in a child (bench_run --rss-child).  FD_OK, or
 * FD_EIO with the reason in `d`. */
static int child_peak_mib(const char *name, long n, double *mib, diag *d)
{
    int fd[2];
    if (pipe(fd) != 0)
        return diag_set(d, FD_EIO, "cannot make a pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addclose(&fa, fd[1]);
    char count[32];
    snprintf(count, sizeof count, "%ld", n);
    char *argv[] = { "bench_run", "--rss-child", (char *)name, count, NULL };
    pid_t pid;
    int err = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (err != 0) {
        close(fd[0]);
        return diag_set(d, FD_EIO, "cannot start /proc/self/exe: %s", strerror(err));
    }
    char buf[64] = "";
    size_t len = 0;
    for (ssize_t got; len < sizeof buf - 1 &&
                      (got = read(fd[0], buf + len, sizeof buf - 1 - len)) > 0;)
        len += (size_t)got;
    buf[len] = '\0';
    close(fd[0]);
    int status;
    long kib;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        sscanf(buf, "%ld", &kib) != 1)
        return diag_set(d, FD_EIO, "the child run of %s at %ld replicas failed", name, n);
    *mib = (double)kib / 1024.0;
    return FD_OK;
}

/* The child's side: `fdsim run`'s path once, then its own peak RSS in KiB
 * (VmHWM: this process image's alone) on standard output. */
static int rss_child(const phases_world *w, long n)
{
    phases_times t;
    diag d;
    diag_clear(&d);
    if (phases_run(w, n, 1, 1, &t, &d) != FD_OK) {
        fprintf(stderr, "bench_run: %s: %s\n", w->name, d.msg);
        return 1;
    }
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kib) == 1)
            break;
    if (f)
        fclose(f);
    if (kib < 0) {
        fprintf(stderr, "bench_run: no VmHWM in /proc/self/status\n");
        return 1;
    }
    printf("%ld\n", kib);
    return 0;
}

/* The child runs for world `w`; a failure is told and leaves NAN. */
static void measure_rss(const phases_world *w, figures *f)
{
    diag d;
    diag_clear(&d);
    f->rss_small = f->rss_large = NAN;
    if (child_peak_mib(w->name, RSS_REPLICAS, &f->rss_small, &d) != FD_OK ||
        child_peak_mib(w->name, 4 * RSS_REPLICAS, &f->rss_large, &d) != FD_OK)
        fprintf(stderr, "bench_run: peak RSS of the run path: %s\n", d.msg);
}

/* ------------------------------------------------------ the table -- */

/* One row: the label, then one cell per world. */
static void print_row(const char *label, char cells[NWORLDS][CELL])
{
    printf("%-48s", label);
    for (size_t i = 0; i < NWORLDS; i++)
        printf(" %22s", cells[i]);
    putchar('\n');
}

/* A row of one number per world through `fmt`; NAN shows as n/a. */
static void print_value(const char *label, const char *fmt, const double v[NWORLDS])
{
    char cells[NWORLDS][CELL];
    for (size_t i = 0; i < NWORLDS; i++)
        if (isnan(v[i]))
            snprintf(cells[i], CELL, "n/a");
        else
            snprintf(cells[i], CELL, fmt, v[i]);
    print_row(label, cells);
}

/* A row of two numbers per world ("best [median]", "ms  share"). */
static void print_pair(const char *label, const char *fmt, const double a[NWORLDS],
                       const double b[NWORLDS])
{
    char cells[NWORLDS][CELL];
    for (size_t i = 0; i < NWORLDS; i++)
        snprintf(cells[i], CELL, fmt, a[i], b[i]);
    print_row(label, cells);
}

static void print_speed(const figures f[NWORLDS])
{
    double ev[NWORLDS], b1[NWORLDS], m1[NWORLDS], evs[NWORLDS], w1[NWORLDS], w1m[NWORLDS];
    double w2[NWORLDS], w2m[NWORLDS], up[NWORLDS], vmy[NWORLDS], rss[NWORLDS];
    for (size_t i = 0; i < NWORLDS; i++) {
        double n = (double)f[i].replicas;
        vmy[i] = f[i].vm_years;
        ev[i] = (double)f[i].events / (n * f[i].years);
        b1[i] = n * f[i].vm_years / f[i].t1[0] / 1e6;
        m1[i] = n * f[i].vm_years / f[i].t1[REPS / 2] / 1e6;
        evs[i] = (double)f[i].events / f[i].t1[0] / 1e6;
        w1[i] = f[i].t1[0];
        w1m[i] = f[i].t1[REPS / 2];
        w2[i] = f[i].t2[0];
        w2m[i] = f[i].t2[REPS / 2];
        up[i] = f[i].t1[0] / f[i].t2[0];
        rss[i] = f[i].rss_self;
    }
    print_value("VM-years per replica", "%.0f", vmy);
    print_value("events per replica-year (exact)", "%.1f", ev);
    print_pair("M VM-years/s/core, 1 thread: best [median]", "%.2f [%.2f]", b1, m1);
    print_value("M events/s, 1 thread: best", "%.2f", evs);
    print_pair("wall s, 1 thread: best [median]", "%.4f [%.4f]", w1, w1m);
    print_pair("wall s, 2 threads: best [median]", "%.4f [%.4f]", w2, w2m);
    print_value("speed-up on 2 threads (best / best)", "%.2f", up);
    print_value("peak RSS MiB, this process (cumulative)", "%.1f", rss);
}

static void print_rss(const figures f[NWORLDS])
{
    double a[NWORLDS], b[NWORLDS];
    char label[80];
    for (size_t i = 0; i < NWORLDS; i++) {
        a[i] = f[i].rss_small;
        b[i] = f[i].rss_large;
    }
    snprintf(label, sizeof label, "peak RSS MiB, fdsim run path, %ld replicas", RSS_REPLICAS);
    print_value(label, "%.1f", a);
    snprintf(label, sizeof label, "peak RSS MiB, fdsim run path, %ld replicas",
             4 * RSS_REPLICAS);
    print_value(label, "%.1f", b);
}

/* The fixed costs' rows: a label and where the time is in phases_times. */
static const struct cost_row {
    const char *label;
    size_t offset;
} cost_rows[] = {
    { "start-up: scenario load + validation", offsetof(phases_times, load) },
    { "start-up: injector (inject_create_placed)", offsetof(phases_times, inject) },
    { "placement (place_build)", offsetof(phases_times, place) },
    { "analytic check (analytic_compute_placed)", offsetof(phases_times, analytic) },
    { "output: table (report_print_table)", offsetof(phases_times, table) },
    { "output: replica rows + digest, streamed", offsetof(phases_times, rows) },
    { "output: summary files (report_sink_commit)", offsetof(phases_times, write) },
};

/* One fixed cost: milliseconds and share of the run, per world. */
static void print_cost(const char *label, const figures f[NWORLDS], size_t offset)
{
    double ms[NWORLDS], pct[NWORLDS];
    for (size_t i = 0; i < NWORLDS; i++) {
        double v = *(const double *)((const char *)&f[i].phases + offset);
        ms[i] = v * 1e3;
        pct[i] = 100.0 * v / f[i].phases.run;
    }
    print_pair(label, "%.3f ms %6.2f %%", ms, pct);
}

static void print_fixed(const figures f[NWORLDS])
{
    char label[80];
    printf("\nfixed costs: best of %d, ms and share of one %ld-replica run on 1 thread\n",
           REPS, FIXED_REPLICAS);
    snprintf(label, sizeof label, "%ld-replica run (runner_run, 1 thread)", FIXED_REPLICAS);
    print_cost(label, f, offsetof(phases_times, run));
    for (size_t r = 0; r < sizeof cost_rows / sizeof cost_rows[0]; r++)
        print_cost(cost_rows[r].label, f, cost_rows[r].offset);
}

static void print_table(const figures f[NWORLDS], bool speed_only)
{
    char cells[NWORLDS][CELL];
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    printf("bench_run: %llu replicas per timed repetition, best and median of %d; "
           "%ld cores online\n\n", (unsigned long long)f[0].replicas, REPS, cores);
    for (size_t i = 0; i < NWORLDS; i++)
        snprintf(cells[i], CELL, "%s", worlds[i].name);
    print_row("", cells);
    print_speed(f);
    if (!speed_only) {
        print_rss(f);
        print_fixed(f);
    }
    printf("\ninstructions per event: bench/instr_per_event.sh (callgrind)\n");
}

/* ------------------------------------------------------- the modes -- */

/* Parse a whole number of replicas in 1..10^7.  0 or -1. */
static int parse_count(const char *arg, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(arg, &end, 10);
    if (arg[0] < '0' || arg[0] > '9' || errno || *end || x < 1 || x > 10000000)
        return -1;
    *v = x;
    return 0;
}

static const phases_world *find_world(const char *name)
{
    for (size_t i = 0; i < NWORLDS; i++)
        if (!strcasecmp(name, worlds[i].name))
            return &worlds[i];
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_run [--speed-only] [REPLICAS]   (default 2000)\n"
                    "       bench_run --callgrind N [r1|default]\n");
    return 2;
}

/* Exactly n replicas of `w` on this thread, no clock: for callgrind. */
static int callgrind_mode(const phases_world *w, uint64_t n)
{
    rig r;
    diag d;
    diag_clear(&d);
    if (rig_init(&r, w, 1, &d) != FD_OK) {
        fprintf(stderr, "bench_run: %s: %s\n", w->name, d.msg);
        return 1;
    }
    job j = { .in = r.in[0], .first = 0, .n = n };
    work(&j);
    double years = r.years;
    rig_fini(&r);
    if (j.rc != FD_OK) {
        fprintf(stderr, "bench_run: %s: a replica failed: %s\n", w->name,
                diag_strerror(j.rc));
        return 1;
    }
    printf("events %llu replicas %llu years %.17g\n", (unsigned long long)j.events,
           (unsigned long long)n, years);
    return 0;
}

/* Every figure of every world, then the table. */
static int bench_mode(uint64_t n, bool speed_only)
{
    static figures f[NWORLDS];
    diag d;
    diag_clear(&d);
    for (size_t i = 0; i < NWORLDS; i++)
        if (measure_speed(&worlds[i], n, &f[i], &d) != FD_OK)
            goto fail;
    for (size_t i = 0; !speed_only && i < NWORLDS; i++) {
        measure_rss(&worlds[i], &f[i]);
        if (phases_run(&worlds[i], FIXED_REPLICAS, 1, REPS, &f[i].phases, &d) != FD_OK)
            goto fail;
    }
    print_table(f, speed_only);
    return fflush(stdout) == 0 ? 0 : 1;
fail:
    fprintf(stderr, "bench_run: %s\n", d.msg);
    return 1;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* GSL's default handler aborts */
    uint64_t n = 2000;
    if (argc >= 3 && !strcmp(argv[1], "--callgrind")) {
        const phases_world *w = argc > 3 ? find_world(argv[3]) : &worlds[0];
        if (argc > 4 || !w || parse_count(argv[2], &n) < 0)
            return usage();
        return callgrind_mode(w, n);
    }
    if (argc == 4 && !strcmp(argv[1], "--rss-child")) { /* internal: see child_peak_mib */
        const phases_world *w = find_world(argv[2]);
        if (!w || parse_count(argv[3], &n) < 0)
            return usage();
        return rss_child(w, (long)n);
    }
    int a = 1;
    bool speed_only = argc > 1 && !strcmp(argv[1], "--speed-only");
    a += speed_only;
    if (argc > a + 1 || (argc == a + 1 && parse_count(argv[a], &n) < 0))
        return usage();
    return bench_mode(n, speed_only);
}
