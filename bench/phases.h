/*
 * phases: `fdsim run`'s path through the library (src/cli.c run_work and
 * run_report), one phase at a time, each timed alone, so the benchmark can
 * show that no fixed cost hides in a run.
 *
 * The phases, in the order `fdsim run` meets them: load (parse, resolve and
 * validate the scenario), place (place_build), inject (one worker's
 * injector, inject_create_placed: what each thread of runner_run builds
 * before its first replica), run (runner_run: the replicas), analytic
 * (analytic_compute_placed: the table's exact cross-check), table
 * (report_print_table, here to /dev/null) and write (the results sink:
 * the time spent in it streaming replicas.csv during a run, plus committing
 * the other files, into a fresh mkdtemp directory, removed afterwards).
 *
 * Every phase but run is repeated `reps` times and its best time kept (the
 * least disturbed by a shared machine); run goes once.
 */
#ifndef FDSIM_BENCH_PHASES_H
#define FDSIM_BENCH_PHASES_H

#include "diag.h"
#include "scenario.h"

#include <stddef.h>
#include <stdint.h>

/* A world to measure.  Both strings are borrowed. */
typedef struct phases_world {
    const char *name;  /* shown in the table and in messages: "R1" */
    const char *text;  /* INI text of the scenario; NULL: the built-in default
                          scenario (scenario_load_default, as `fdsim run` with
                          no SCENARIO) */
} phases_world;

/* Best wall seconds of each phase of one pass, and what the run did. */
typedef struct phases_times {
    double load;       /* scenario_load_text / scenario_load_default */
    double place;      /* place_build */
    double inject;     /* inject_create_placed, one injector */
    double run;        /* runner_run, once */
    double analytic;   /* analytic_compute_placed */
    double table;      /* report_print_table to /dev/null */
    double rows;       /* time in the results sink during a run: replicas.csv rows, digest */
    double write;      /* committing the results directory: the summary files */
    uint64_t replicas; /* replicas the run completed */
    uint64_t events;   /* events they ran */
} phases_times;

/* Monotonic wall-clock seconds from an arbitrary origin. */
double phases_now(void);

/* Load `w` with the `nsets` overrides in `sets` ("section.key=value", as
 * --set takes them) into *s (scenario_destroy frees it).  FD_OK, or the
 * loader's code with its first message in `d` (the rest on stderr). */
int phases_load(const phases_world *w, const char *const *sets, size_t nsets, scenario **s,
                diag *d);

/* Go through `fdsim run`'s path for `w` with `replicas` replicas on
 * `threads` threads, timing each phase (every phase but the run `reps`
 * times, best kept, reps >= 1) into *t.  Nothing is left behind: the
 * results directory is made in $TMPDIR (else /tmp) and removed.  FD_OK, or
 * the first error's code with its message in `d`.  Cost: the run, plus
 * reps times each fixed phase. */
int phases_run(const phases_world *w, long replicas, int threads, int reps, phases_times *t,
               diag *d);

#endif
