/*
 * End to end: `fdsim run` with the real injector writes the same bytes for
 * any thread count, its run.ini reproduces them, its CSVs parse back, and
 * --trace writes the chosen replica.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "csvio.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const files[] = { "summary.csv", "replicas.csv", "downcount.csv",
                                     "months.csv", "run.ini" };

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *buf;
    cr_assert_eq(csvio_slurp(path, 64u << 20, &buf, len, NULL), FD_OK, "%s", path);
    return buf;
}

static void rm_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static int count_rows(void *user, char **f, size_t n, size_t row)
{
    (void)f;
    (void)row;
    size_t *cells = user;
    cells[0]++;
    cells[1] = n;
    return 0;
}

Test(run, same_bytes_for_1_2_4_threads_and_from_run_ini, .init = cr_redirect_stdout)
{
    char base[] = "/tmp/fdsim-run-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dirs[4][600];
    const char *threads[] = { "1", "2", "4" };
    for (int i = 0; i < 3; i++) {
        snprintf(dirs[i], sizeof dirs[i], "%s/j%s", base, threads[i]);
        cr_assert_eq(RUN("run", "-n", "300", "-j", (char *)threads[i], "-o", dirs[i]), 0);
    }
    char ini[700];
    snprintf(ini, sizeof ini, "%s/run.ini", dirs[0]);
    snprintf(dirs[3], sizeof dirs[3], "%s/again", base);
    cr_assert_eq(RUN("run", ini, "-j", "3", "-o", dirs[3]), 0);
    for (size_t f = 0; f < 4; f++) { /* run.ini records the command line: skip it */
        size_t la, lb;
        char *a = slurp(dirs[0], files[f], &la);
        for (int i = 1; i < 4; i++) {
            char *b = slurp(dirs[i], files[f], &lb);
            cr_assert(la == lb && memcmp(a, b, la) == 0, "%s differs in %s", files[f], dirs[i]);
            free(b);
        }
        size_t cells[2] = { 0, 0 };
        cr_assert_eq(csvio_parse(a, la, files[f], count_rows, cells, NULL), 0, "%s parses", files[f]);
        cr_assert_gt(cells[0], 1);
        if (f == 1)
            cr_assert_eq(cells[0], 1 + 300 * 4, "replicas.csv: a row per replica and group");
        free(a);
    }
    rm_dir(base);
}

Test(run, trace_writes_every_event_of_one_replica, .init = cr_redirect_stdout)
{
    char base[] = "/tmp/fdsim-trace-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char out[600], trace[600];
    snprintf(out, sizeof out, "%s/res", base);
    snprintf(trace, sizeof trace, "%s/trace.csv", base);
    cr_assert_eq(RUN("run", "-n", "5", "-o", out, "--trace", trace, "--trace-replica", "3"), 0);
    size_t len;
    char *buf = slurp(base, "trace.csv", &len);
    size_t cells[2] = { 0, 0 };
    cr_assert_eq(csvio_parse(buf, len, "trace.csv", count_rows, cells, NULL), 0);
    cr_assert_gt(cells[0], 100, "a year of events");
    cr_assert_eq(cells[1], 3 + 4, "time, event, target and one column per group");
    cr_assert(strstr(buf, "rebootless_step") && strstr(buf, "rebootful_step"));
    free(buf);
    rm_dir(base);
}

Test(run, bad_arguments_run_nothing, .init = cr_redirect_stdout)
{
    char base[] = "/tmp/fdsim-bad-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char out[600];
    snprintf(out, sizeof out, "%s/res", base);
    cr_assert_eq(RUN("run", "-n", "0", "-o", out), 2);
    cr_assert_eq(RUN("run", "-n", "abc", "-o", out), 2);
    cr_assert_eq(RUN("run", "-j", "-1", "-o", out), 2);
    cr_assert_eq(RUN("run", "--seed", "abc", "-o", out), 2);
    cr_assert_eq(RUN("run", "--bogus", "-o", out), 2);
    cr_assert_eq(RUN("run", "--set", "group.avset.count=900", "-o", out), 2);
    cr_assert_eq(access(out, F_OK), -1, "nothing was written");
    rm_dir(base);
}

/* The restart estimator writes the same bytes for any thread count (each
 * root replica's tree runs in one worker, its retrials' streams derived
 * from the seed and the replica), and so does a run that stops at a
 * precision, which stops after the same root replicas; run.ini replays it
 * (the replicas it ran, without the rule). */
Test(run, restart_and_precision_runs_are_the_same_bytes_for_any_threads,
     .init = cr_redirect_stdout)
{
    char base[] = "/tmp/fdsim-rare-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dirs[5][600];
    const char *threads[] = { "1", "2" };
    for (int i = 0; i < 2; i++) {
        snprintf(dirs[i], sizeof dirs[i], "%s/n%s", base, threads[i]);
        cr_assert_eq(RUN("run", "--estimator", "restart", "-n", "48", "-j", (char *)threads[i],
                         "-o", dirs[i]), 0);
        snprintf(dirs[2 + i], sizeof dirs[2 + i], "%s/p%s", base, threads[i]);
        cr_assert_eq(RUN("run", "--estimator", "restart", "--precision", "0.4", "-n", "100000",
                         "-j", (char *)threads[i], "-o", dirs[2 + i]), 0);
    }
    char ini[700];
    snprintf(ini, sizeof ini, "%s/run.ini", dirs[2]);
    snprintf(dirs[4], sizeof dirs[4], "%s/again", base);
    cr_assert_eq(RUN("run", ini, "-j", "2", "-o", dirs[4]), 0);
    for (size_t f = 0; f < 4; f++) {
        size_t la, lb;
        for (int pair = 0; pair < 2; pair++) {
            char *a = slurp(dirs[2 * pair], files[f], &la);
            for (int i = 2 * pair + 1; i < (pair ? 5 : 2); i++) {
                char *b = slurp(dirs[i], files[f], &lb);
                cr_assert(la == lb && memcmp(a, b, la) == 0, "%s differs in %s", files[f],
                          dirs[i]);
                free(b);
            }
            free(a);
        }
    }
    size_t len;
    char *rows = slurp(dirs[2], "replicas.csv", &len);
    size_t cells[2] = { 0, 0 };
    cr_assert_eq(csvio_parse(rows, len, "replicas.csv", count_rows, cells, NULL), 0);
    cr_assert_lt(cells[0], 1 + 100000 * 4, "stopped at the precision");
    cr_assert_eq((cells[0] - 1) / 4 % 16, 0, "at a whole block");
    cr_assert_eq(cells[1], 14 + 5, "replicas.csv carries the estimator's account");
    cr_assert(strstr(rows, "weight,retrials,outages_seen,plain_service_unavailability"));
    free(rows);
    rm_dir(base);
}

Test(run, bad_estimator_precision_or_time_limit_run_nothing, .init = cr_redirect_stdout)
{
    char base[] = "/tmp/fdsim-bad-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char out[600];
    snprintf(out, sizeof out, "%s/res", base);
    cr_assert_eq(RUN("run", "--estimator", "splitting", "-o", out), 2);
    cr_assert_eq(RUN("run", "--precision", "0", "-o", out), 2);
    cr_assert_eq(RUN("run", "--precision", "1.5", "-o", out), 2);
    cr_assert_eq(RUN("run", "--precision", "ten", "-o", out), 2);
    cr_assert_eq(RUN("run", "--time-limit", "soon", "-o", out), 2);
    cr_assert_eq(RUN("run", "--time-limit", "0s", "-o", out), 2);
    cr_assert_eq(RUN("run", "--set", "simulation.estimator=fast", "-o", out), 2);
    cr_assert_eq(access(out, F_OK), -1, "nothing was written");
    rm_dir(base);
}
