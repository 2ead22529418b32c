/*
 * phases: `fdsim run`'s path, one timed phase at a time (see phases.h).
 * Each time_* function is one phase: it calls what src/cli.c's run_work or
 * run_report calls, with the arguments `fdsim run` gives it, and keeps the
 * best of its repetitions; what a phase builds stays for the next.
 */
#include "phases.h"

#include "analytic.h"
#include "batch.h"
#include "inject.h"
#include "place.h"
#include "report.h"
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double phases_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Keep in *best the time since t0 if it is shorter. */
static void keep(double *best, double t0)
{
    double dt = phases_now() - t0;
    if (dt < *best)
        *best = dt;
}

int phases_load(const phases_world *w, const char *const *sets, size_t nsets, scenario **s,
                diag *d)
{
    if (w->text)
        return scenario_load_text(s, w->text, strlen(w->text), w->name, ".", sets, nsets,
                                  stderr, d);
    /* the default scenario as a plain run of a fixed count (it asks for the
     * restart estimator and a precision): the phases time plain replicas */
    const char *all[16] = { "simulation.estimator=plain", "simulation.precision=0",
                            "simulation.timeLimit=0s" };
    size_t n = 3;
    for (size_t i = 0; i < nsets && n < 16; i++)
        all[n++] = sets[i];
    return scenario_load_default(s, all, n, stderr, d);
}

/* Start-up: load the scenario; the last load stays in *s. */
static int time_load(const phases_world *w, const char *const *sets, size_t nsets, int reps,
                     scenario **s, phases_times *t, diag *d)
{
    for (int i = 0; i < reps; i++) {
        scenario_destroy(*s);
        *s = NULL;
        double t0 = phases_now();
        int rc = phases_load(w, sets, nsets, s, d);
        keep(&t->load, t0);
        if (rc != FD_OK)
            return rc;
    }
    return FD_OK;
}

/* Placement: the run's one place_build; the last stays in *plan. */
static int time_place(const scenario *s, int reps, place_result **plan, phases_times *t,
                      diag *d)
{
    for (int i = 0; i < reps; i++) {
        place_result_destroy(*plan);
        *plan = NULL;
        double t0 = phases_now();
        int rc = place_build(s, plan, d);
        keep(&t->place, t0);
        if (rc != FD_OK)
            return rc;
    }
    return FD_OK;
}

/* Start-up: one worker's injector, as runner_run's worker_create builds
 * it (inside the run, too: this shows its share). */
static int time_inject(const scenario *s, const place_result *plan, int reps, phases_times *t,
                       diag *d)
{
    for (int i = 0; i < reps; i++) {
        inject *in = NULL;
        double t0 = phases_now();
        int rc = inject_create_placed(&in, s, plan, d);
        keep(&t->inject, t0);
        inject_destroy(in);
        if (rc != FD_OK)
            return rc;
    }
    return FD_OK;
}

/* The replicas: runner_run once, with no consumer (the replicas alone). */
static int time_run(const scenario *s, const place_result *plan, phases_times *t, diag *d)
{
    batch_result *res = NULL;
    double t0 = phases_now();
    int rc = runner_run(s, plan, NULL, NULL, NULL, NULL, &res, NULL, d);
    keep(&t->run, t0);
    if (rc == FD_OK) {
        t->replicas = res->replicas;
        t->events = res->events;
    }
    batch_result_destroy(res);
    return rc;
}

/* The table's cross-check, best effort as in `fdsim run` (a result it
 * cannot make is no check); the last stays in *an. */
static void time_analytic(const scenario *s, const place_result *plan, int reps,
                          analytic_result **an, phases_times *t)
{
    for (int i = 0; i < reps; i++) {
        analytic_result_destroy(*an);
        *an = NULL;
        double t0 = phases_now();
        if (analytic_compute_placed(s, plan, an, NULL) != FD_OK)
            *an = NULL;
        keep(&t->analytic, t0);
    }
}

/* Remove the flat directory `dir` and every file in it.  0 or -1. */
static int remove_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    if (!dp)
        return -1;
    int rc = 0;
    for (struct dirent *e; (e = readdir(dp)) != NULL;) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char path[4096];
        int len = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (len < 0 || (size_t)len >= sizeof path || unlink(path) != 0)
            rc = -1;
    }
    closedir(dp);
    return rmdir(dir) != 0 ? -1 : rc;
}

/* Make a fresh temporary directory name in $TMPDIR (else /tmp) into dir. */
static int temp_dir(char *dir, size_t size, diag *d)
{
    const char *tmp = getenv("TMPDIR");
    int len = snprintf(dir, size, "%s/fdsim-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (len < 0 || (size_t)len >= size)
        return diag_set(d, FD_EIO, "TMPDIR is too long for a temporary directory");
    if (!mkdtemp(dir))
        return diag_set(d, FD_EIO, "cannot make a temporary directory %s: %s", dir,
                        strerror(errno));
    return FD_OK;
}

/* The results sink, with the time spent in it added up. */
typedef struct timed_sink {
    report_sink *sink;
    double spent;
} timed_sink;

static int timed_consume(void *user, const batch_block *blk, diag *d)
{
    timed_sink *ts = user;
    double t0 = phases_now();
    int rc = report_sink_consume(ts->sink, blk, d);
    ts->spent += phases_now() - t0;
    return rc;
}

/* Output, as `fdsim run` does it: the same run again with the results
 * sink streaming replicas.csv into a fresh temporary directory, then the
 * table (to /dev/null, `reps` times) and the commit of the other files.
 * The output's cost is the time spent in the sink (consuming blocks, on
 * the calling thread) plus the commit.  Kept in this one function so that
 * a change of report's interface is fixed here alone. */
static int time_output(const scenario *s, const place_result *plan, const analytic_result *an,
                       int reps, phases_times *t, diag *d)
{
    char dir[3072];
    int rc = temp_dir(dir, sizeof dir, d);
    if (rc != FD_OK)
        return rc;
    report_sink *sink = NULL;
    batch_result *res = NULL;
    double t0 = phases_now();
    rc = report_sink_create(&sink, s, 0, dir, 0, d);
    timed_sink ts = { sink, phases_now() - t0 };
    if (rc == FD_OK)
        rc = runner_run(s, plan, NULL, NULL, timed_consume, &ts, &res, NULL, d);
    report_run rr = { .s = s, .r = res, .baseline = 0, .cmdline = "bench_run", .analytic = an,
                      .placement = plan };
    if (rc == FD_OK) {
        rr.digest = report_sink_digest(sink);
        FILE *null = fopen("/dev/null", "w");
        if (!null)
            rc = diag_set(d, FD_EIO, "cannot open /dev/null: %s", strerror(errno));
        for (int i = 0; i < reps && rc == FD_OK; i++) {
            double t1 = phases_now();
            if (report_print_table(&rr, null) < 0)
                rc = diag_set(d, FD_EIO, "cannot write the table to /dev/null");
            keep(&t->table, t1);
        }
        if (null)
            fclose(null);
    }
    if (rc == FD_OK) {
        rr.analytic = NULL; /* as run_report: the files carry no analytic result */
        double t1 = phases_now();
        rc = report_sink_commit(sink, &rr, d);
        keep(&t->write, t1);
        t->rows = ts.spent;
    }
    report_sink_destroy(sink);
    batch_result_destroy(res);
    if (remove_dir(dir) != 0 && rc == FD_OK)
        rc = diag_set(d, FD_EIO, "cannot remove the temporary directory %s: %s", dir,
                      strerror(errno));
    return rc;
}

int phases_run(const phases_world *w, long replicas, int threads, int reps, phases_times *t,
               diag *d)
{
    char nrep[64], nthr[64];
    snprintf(nrep, sizeof nrep, "simulation.replicas=%ld", replicas);
    snprintf(nthr, sizeof nthr, "simulation.threads=%d", threads);
    const char *const sets[] = { nrep, nthr };
    *t = (phases_times){ .load = INFINITY, .place = INFINITY, .inject = INFINITY,
                         .run = INFINITY, .analytic = INFINITY, .table = INFINITY,
                         .rows = INFINITY, .write = INFINITY };
    scenario *s = NULL;
    place_result *plan = NULL;
    analytic_result *an = NULL;
    int rc = time_load(w, sets, 2, reps, &s, t, d);
    if (rc == FD_OK)
        rc = time_place(s, reps, &plan, t, d);
    if (rc == FD_OK)
        rc = time_inject(s, plan, reps, t, d);
    if (rc == FD_OK)
        rc = time_run(s, plan, t, d);
    if (rc == FD_OK) {
        time_analytic(s, plan, reps, &an, t);
        rc = time_output(s, plan, an, reps, t, d);
    }
    analytic_result_destroy(an);
    place_result_destroy(plan);
    scenario_destroy(s);
    return rc;
}
