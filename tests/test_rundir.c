/*
 * Results directories that stay true (rundir, stage, inputs): whatever
 * kills a run, what is under the final name is one whole run, the old or
 * the new; leftovers go at the next run; a killed or interrupted run
 * resumes to the bytes of an uninterrupted one; a directory reproduces its
 * run after the scenario and its CSV are gone.
 *
 * Kills are real: the run goes on in a forked child (the CLI in-process),
 * killed with SIGKILL by the parent after a delay, or by itself at a named
 * point (fault.h): inside the swap, between checkpoints.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "csvio.h"
#include "fault.h"
#include "inputs.h"
#include "stage.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const files[] = { "summary.csv", "replicas.csv", "downcount.csv",
                                     "months.csv", "run.ini", "autoscale.csv", NULL };

/* The bytes of a results directory's files (NULL where one is missing). */
typedef struct snap {
    char *b[6]; /* NULL: no such file (autoscale.csv unless the scenario autoscales) */
    size_t n[6];
} snap;

static snap take(const char *dir)
{
    snap s;
    for (int i = 0; files[i]; i++) {
        char *path = csvio_path_join(dir, files[i]);
        if (csvio_slurp(path, 256u << 20, &s.b[i], &s.n[i], NULL) != FD_OK)
            s.b[i] = NULL;
        free(path);
    }
    return s;
}

static void drop(snap *s)
{
    for (int i = 0; files[i]; i++)
        free(s->b[i]);
}

/* Whether file i is the same in both (both without it: the same). */
static bool same_file(const snap *a, const snap *b, int i)
{
    if (!a->b[i] || !b->b[i])
        return !a->b[i] && !b->b[i];
    return a->n[i] == b->n[i] && !memcmp(a->b[i], b->b[i], a->n[i]);
}

static bool same(const snap *a, const snap *b)
{
    for (int i = 0; files[i]; i++)
        if (!same_file(a, b, i))
            return false;
    return true;
}

/* Which file of `a` differs from `b` first, for messages. */
static const char *differs(const snap *a, const snap *b)
{
    for (int i = 0; files[i]; i++)
        if (!same_file(a, b, i))
            return files[i];
    return "none";
}

static void rm_rf(const char *path)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    cr_assert_eq(system(cmd), 0);
}

/* Entries of the parent `base` whose name starts with "out.": leftovers. */
static int leftovers(const char *base)
{
    DIR *dp = opendir(base);
    cr_assert_not_null(dp);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL)
        n += !strncmp(e->d_name, "out.", 4);
    closedir(dp);
    return n;
}

/* A fault hook: SIGKILL (or SIGINT) at the nth passage of `where`. */
typedef struct killer {
    const char *where;
    int nth;
    int sig;
} killer;

static int kill_at(void *user, const char *where)
{
    killer *k = user;
    if (!strcmp(where, k->where) && --k->nth == 0)
        raise(k->sig);
    return 0;
}

static pid_t child(char **argv, int argc, killer *k, double checkpoint)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid > 0)
        return pid;
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    char every[32];
    snprintf(every, sizeof every, "%g", checkpoint);
    setenv("FDSIM_CHECKPOINT_SECONDS", every, 1);
    if (k)
        fault_set(kill_at, k);
    _exit(run_cli(argc, argv));
}

/* Run argv in a child killed by `k` (or by the parent after `delay_ms`
 * when k is NULL and delay_ms >= 0); returns the wait status. */
static int run_killed(char **argv, int argc, killer *k, int delay_ms, double checkpoint)
{
    pid_t pid = child(argv, argc, k, checkpoint);
    if (!k && delay_ms >= 0) {
        struct timespec ts = { delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return status;
}

#define ARGC(a) ((int)(sizeof(a) / sizeof *(a)) - 1)

Test(rundir, a_kill_anywhere_leaves_the_old_run_or_the_new_one_whole)
{
    char base[] = "/tmp/fdsim-kill-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    /* plain replicas: the swap is the same for either estimator, and these
     * are cheap enough to kill at many moments */
#define PLAIN "--estimator", "plain", "-s", "simulation.precision=0", "-s", "simulation.timeLimit=0s"
    char *new_run[] = { "run", "-n", "6000", "--seed", "222", "-j", "2", "-o", dir, PLAIN, NULL };
    int rc;
    QUIET(rc, "run", "-n", "6000", "--seed", "222", "-j", "2", "-o", dir, PLAIN);
    cr_assert_eq(rc, 0);
    snap fresh = take(dir);
    QUIET(rc, "run", "-n", "200", "--seed", "111", "-o", dir, PLAIN);
    cr_assert_eq(rc, 0);
    snap old = take(dir);
    cr_assert(!same(&old, &fresh));
    /* inside the swap and around it, then at moments along the run */
    killer points[] = {
        { "checkpoint", 1, SIGKILL },       { "checkpoint", 3, SIGKILL },
        { "stage-swap", 1, SIGKILL },       { "stage-swapped", 1, SIGKILL },
        { "stage-remove-old", 1, SIGKILL }, { "stage-done", 1, SIGKILL },
    };
    int delays[] = { 0, 2, 5, 10, 20, 40, 60, 90, 130, 180, 250, 400 };
    size_t np = sizeof points / sizeof *points, nd = sizeof delays / sizeof *delays;
    int saw_old = 0, saw_new = 0;
    for (size_t t = 0; t < np + nd; t++) {
        int status = run_killed(new_run, ARGC(new_run), t < np ? &points[t] : NULL,
                                t < np ? -1 : delays[t - np], 0.01);
        snap now = take(dir);
        bool was_old = same(&now, &old), was_new = same(&now, &fresh);
        cr_expect(was_old || was_new, "trial %zu (%s): DIR is neither run whole (%s differs "
                  "from the old run)", t, t < np ? points[t].where : "timed",
                  differs(&now, &old));
        if (t < np)
            cr_expect(WIFSIGNALED(status), "trial %zu: killed at %s", t, points[t].where);
        saw_old += was_old;
        saw_new += was_new;
        drop(&now);
        /* the next run into the same place removes what the killed one left */
        QUIET(rc, "run", "-n", "200", "--seed", "111", "-o", dir, PLAIN);
        cr_assert_eq(rc, 0);
        cr_expect_eq(leftovers(base), 0, "trial %zu: leftovers of the killed run remain", t);
        snap back = take(dir);
        cr_assert(same(&back, &old));
        drop(&back);
    }
    cr_expect_gt(saw_old, 0);
    cr_expect_gt(saw_new, 0, "some kill came after the swap");
    drop(&old);
    drop(&fresh);
    rm_rf(base);
}

/* Without RENAME_EXCHANGE (forced by the hook), a kill between the two
 * renames leaves DIR missing; the next run puts the old one back first. */
static int no_exchange(void *user, const char *where)
{
    killer *k = user;
    if (!strcmp(where, "stage-swap"))
        return EINVAL;
    return kill_at(k, where);
}

Test(rundir, the_fallback_swap_is_repaired_by_the_next_run)
{
    char base[] = "/tmp/fdsim-fallback-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    int rc;
    QUIET(rc, "run", "-n", "100", "--seed", "1", "-o", dir);
    cr_assert_eq(rc, 0);
    snap old = take(dir);
    char *argv[] = { "run", "-n", "150", "--seed", "2", "-o", dir, NULL };
    killer k = { "stage-fallback-between", 1, SIGKILL };
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        fault_set(no_exchange, &k);
        _exit(run_cli(ARGC(argv), argv));
    }
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFSIGNALED(status));
    struct stat sb;
    cr_expect_neq(stat(dir, &sb), 0, "killed between the renames: DIR is missing");
    stage_clean(dir, NULL);
    snap back = take(dir);
    cr_expect(same(&back, &old), "the old run is back whole");
    drop(&back);
    /* and the fallback completes when not killed */
    fault_set(no_exchange, &(killer){ "none", 1, SIGKILL });
    QUIET(rc, "run", "-n", "150", "--seed", "2", "-o", dir);
    fault_set(NULL, NULL);
    cr_expect_eq(rc, 0);
    snap now = take(dir);
    cr_expect(!same(&now, &old));
    cr_expect_eq(leftovers(base), 0);
    drop(&now);
    drop(&old);
    rm_rf(base);
}

Test(rundir, a_results_directory_is_replaced_whole_and_others_need_force,
     .init = cr_redirect_stderr)
{
    char base[] = "/tmp/fdsim-replace-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600], path[700];
    snprintf(dir, sizeof dir, "%s/out", base);
    int rc;
    QUIET(rc, "run", "-n", "20", "-o", dir);
    cr_assert_eq(rc, 0);
    snprintf(path, sizeof path, "%s/availability.png", dir); /* a chart of the old run */
    FILE *f = fopen(path, "w");
    fclose(f);
    QUIET(rc, "run", "-n", "30", "-o", dir);
    cr_assert_eq(rc, 0);
    cr_expect_neq(access(path, F_OK), 0, "the old chart went with the old run");
    /* a directory of other files: refused, untouched; --force replaces it */
    char other[600];
    snprintf(other, sizeof other, "%s/mine", base);
    mkdir(other, 0777);
    snprintf(path, sizeof path, "%s/notes.txt", other);
    fclose(fopen(path, "w"));
    QUIET(rc, "run", "-n", "20", "-o", other);
    cr_expect_eq(rc, 2);
    cr_expect_eq(access(path, F_OK), 0);
    QUIET(rc, "run", "-n", "20", "-o", other, "--force");
    cr_expect_eq(rc, 0);
    cr_expect_neq(access(path, F_OK), 0);
    snprintf(path, sizeof path, "%s/summary.csv", other);
    cr_expect_eq(access(path, F_OK), 0);
    QUIET(rc, "run", "-n", "20", "-o", ".");
    cr_expect_eq(rc, 2, "the current directory cannot replace itself");
    rm_rf(base);
}

Test(rundir, a_directory_reproduces_its_run_after_the_inputs_are_deleted)
{
    char base[] = "/tmp/fdsim-inputs-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char ini[600], csv[600], a[600], b[600];
    snprintf(ini, sizeof ini, "%s/s.ini", base);
    snprintf(csv, sizeof csv, "%s/repair times.csv", base);
    FILE *f = fopen(csv, "w");
    fputs("hours,other\n2,x\n7.5,y\n30m,z\n11,w\n", f);
    fclose(f);
    f = fopen(ini, "w");
    fputs("[simulation]\nreplicas = 64\nseed = 9\n"
          "[host]\nrepairTime = empirical(repair times.csv, column=hours)\n"
          "[rack]\noutage = empirical(file = repair times.csv)\n"
          "[group.web]\ncount = 6\nquorum = 4\n", f);
    fclose(f);
    snprintf(a, sizeof a, "%s/first", base);
    snprintf(b, sizeof b, "%s/again", base);
    int rc;
    QUIET(rc, "run", ini, "-o", a);
    cr_assert_eq(rc, 0);
    char path[700];
    snprintf(path, sizeof path, "%s/inputs/repair_times.csv", a);
    char *copy;
    size_t len;
    cr_assert_eq(csvio_slurp(path, 1 << 20, &copy, &len, NULL), FD_OK, "the input is copied");
    cr_expect_str_eq(copy, "hours,other\n2,x\n7.5,y\n30m,z\n11,w\n");
    free(copy);
    snap first = take(a);
    cr_assert_not_null(strstr(first.b[4], "repairTime = empirical(inputs/repair_times.csv, "
                                          "column=hours)"), "%s", first.b[4]);
    cr_assert_eq(unlink(csv), 0);
    cr_assert_eq(unlink(ini), 0);
    snprintf(path, sizeof path, "%s/run.ini", a);
    QUIET(rc, "run", path, "-o", b);
    cr_assert_eq(rc, 0);
    snap again = take(b);
    for (int i = 0; i < 4; i++) /* run.ini records its own command line */
        cr_expect(again.n[i] == first.n[i] && !memcmp(again.b[i], first.b[i], first.n[i]),
                  "%s differs", files[i]);
    drop(&first);
    drop(&again);
    rm_rf(base);
}

/* The bytes an uninterrupted run into `dir` gives. */
static snap reference(char **argv, int argc, const char *dir)
{
    int status = run_killed(argv, argc, NULL, -1, 1);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    snap s = take(dir);
    rm_rf(dir);
    return s;
}

/* Kill the run `run` at each of `at` (and its resume once), resume it, and
 * expect the bytes of `want` each time. */
static void killed_and_resumed(char **run, int argc, const char *base, const char *dir,
                               const snap *want, const killer *at, size_t nat)
{
    char *resume[] = { "run", "--resume", (char *)dir, "-j", "2", NULL };
    for (size_t i = 0; i < nat; i++) {
        killer k = at[i];
        int status = run_killed(run, argc, &k, -1, 0);
        cr_assert(WIFSIGNALED(status), "killed at %s %d", at[i].where, at[i].nth);
        cr_assert_eq(leftovers(base), 1, "the killed run's stage is there to resume");
        killer k2 = { "checkpoint", 3, SIGKILL }; /* unless it has less left to do */
        status = run_killed(resume, ARGC(resume), &k2, -1, 0);
        if (WIFSIGNALED(status))
            status = run_killed(resume, ARGC(resume), NULL, -1, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "resumed after %s %d",
                  at[i].where, at[i].nth);
        snap got = take(dir);
        cr_expect(same(&got, want), "killed at %s %d: %s differs", at[i].where, at[i].nth,
                  differs(&got, want));
        cr_expect_eq(leftovers(base), 0, "the resumed state is removed");
        char path[700];
        snprintf(path, sizeof path, "%s/resume", dir);
        cr_expect_neq(access(path, F_OK), 0, "a finished run keeps no resume state");
        drop(&got);
        rm_rf(dir);
    }
}

Test(rundir, a_killed_run_resumes_to_the_bytes_of_an_uninterrupted_one)
{
    char base[] = "/tmp/fdsim-resume-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    /* plain Monte Carlo, a fixed number of replicas */
    char *run[] = { "run", "-n", "700", "--seed", "31", "-j", "2", "-o", dir, "--estimator", "plain",
                    "-s", "simulation.precision=0", "-s", "simulation.timeLimit=0s", NULL };
    char *resume[] = { "run", "--resume", dir, "-j", "2", NULL };
    snap want = reference(run, ARGC(run), dir);
    /* killed before checkpoint 2 (the first, at the start, says nothing is
     * done yet), 7 and 30; then killed again while resuming */
    killer at[] = { { "checkpoint", 2, SIGKILL }, { "checkpoint", 7, SIGKILL },
                    { "checkpoint", 30, SIGKILL } };
    killed_and_resumed(run, ARGC(run), base, dir, &want, at, sizeof at / sizeof *at);
    /* killed at moments of the clock, with the default checkpoint interval */
    int delays[] = { 30, 120 };
    for (size_t i = 0; i < sizeof delays / sizeof *delays; i++) {
        run_killed(run, ARGC(run), NULL, delays[i], 0.02);
        int status = run_killed(resume, ARGC(resume), NULL, -1, 0.02);
        snap got = take(dir);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            cr_expect(same(&got, &want), "killed after %d ms: %s differs", delays[i],
                      differs(&got, &want));
        else /* killed before its first checkpoint or after it finished */
            cr_expect(WEXITSTATUS(status) == 2 && (same(&got, &want) || !got.b[0]),
                      "after %d ms: nothing to resume, and nothing half there", delays[i]);
        drop(&got);
        rm_rf(dir);
    }
    drop(&want);
    rm_rf(base);
}

Test(rundir, a_killed_restart_run_with_a_precision_resumes_to_the_same_bytes)
{
    char base[] = "/tmp/fdsim-resume-rare-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600], ini[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    snprintf(ini, sizeof ini, "%s/db.ini", base);
    /* the default scenario's estimator: root replicas with their retrials,
     * ended by the precision (looks at 512, 736, 1024, 1456 root replicas),
     * no time limit (which depends on the machine); one small group, cheap */
    FILE *f = fopen(ini, "w");
    fputs("[simulation]\nestimator = restart\nprecision = 0.2\nreplicas = 40000\nseed = 8\n"
          "[region]\nracksPerZone = 6\nhostsPerRack = 4\n"
          "[host]\ntimeToFailure = exp(mean=2y)\nrepairTime = uniform(4h, 12h)\n"
          "[group.db]\ncount = 5\nquorum = 3\n", f);
    fclose(f);
    char *run[] = { "run", ini, "-j", "2", "-o", dir, NULL };
    snap want = reference(run, ARGC(run), dir);
    cr_assert_not_null(strstr(want.b[4], "; stopped by the precision"), "%s", want.b[4]);
    const char *rows = strstr(want.b[4], "; replicas: ");
    unsigned long long done = 0;
    cr_assert(rows && sscanf(rows, "; replicas: %llu", &done) == 1);
    int blocks = (int)(done / 16);
    cr_assert_gt(blocks, 33, "the run goes past checkpoint 33 (%llu root replicas)", done);
    /* killed past the first look at the precision, before its last block,
     * and after it (committing): the stopping rule goes on from what
     * the replayed replicas left, or has already ended the run */
    killer at[] = { { "checkpoint", 33, SIGKILL }, { "checkpoint", blocks + 1, SIGKILL },
                    { "commit", 1, SIGKILL } };
    killed_and_resumed(run, ARGC(run), base, dir, &want, at, sizeof at / sizeof *at);
    drop(&want);
    rm_rf(base);
}

Test(rundir, an_interrupted_run_resumes_from_its_partial_results)
{
    char base[] = "/tmp/fdsim-partial-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    char *run[] = { "run", "-n", "900", "--seed", "77", "-j", "2", "-o", dir, "--estimator", "plain",
                    "-s", "simulation.precision=0", "-s", "simulation.timeLimit=0s", NULL };
    char *resume[] = { "run", "--resume", dir, "-j", "1", NULL };
    snap want = reference(run, ARGC(run), dir);
    int at[] = { 2, 11, 40 };
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        killer k = { "checkpoint", at[i], SIGINT }; /* Ctrl-C */
        int status = run_killed(run, ARGC(run), &k, -1, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 3, "partial, exit 3");
        char path[700];
        snprintf(path, sizeof path, "%s/resume/state.ini", dir);
        cr_assert_eq(access(path, F_OK), 0, "the partial results keep their state");
        snap part = take(dir);
        cr_expect_not_null(strstr(part.b[4], "; partial: yes"));
        drop(&part);
        status = run_killed(resume, ARGC(resume), NULL, -1, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        snap got = take(dir);
        /* -j 1 on resume: run.ini records the thread count, the CSVs do not move */
        for (int f = 0; f < 4; f++)
            cr_expect(got.n[f] == want.n[f] && !memcmp(got.b[f], want.b[f], want.n[f]),
                      "interrupted at checkpoint %d: %s differs", at[i], files[f]);
        drop(&got);
        rm_rf(dir);
    }
    drop(&want);
    rm_rf(base);
}

Test(rundir, resume_refuses_what_it_cannot_continue, .init = cr_redirect_stderr)
{
    char base[] = "/tmp/fdsim-noresume-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    int rc;
    QUIET(rc, "run", "--resume", dir);
    cr_expect_eq(rc, 2, "nothing there");
    QUIET(rc, "run", "-n", "20", "-o", dir);
    cr_assert_eq(rc, 0);
    QUIET(rc, "run", "--resume", dir);
    cr_expect_eq(rc, 2, "a finished run");
    QUIET(rc, "run", "--resume", dir, "-n", "40");
    cr_expect_eq(rc, 2, "the run goes on as it was started");
    rm_rf(base);
}

Test(rundir, inputs_are_copied_once_named_apart_and_a_vanished_one_is_named)
{
    char base[] = "/tmp/fdsim-copy-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char a[700], b[700], sub[600], out[600], text[2400];
    snprintf(sub, sizeof sub, "%s/other", base);
    mkdir(sub, 0777);
    snprintf(a, sizeof a, "%s/r.csv", base);
    snprintf(b, sizeof b, "%s/r.csv", sub);
    snprintf(out, sizeof out, "%s/out", base);
    mkdir(out, 0777);
    FILE *f = fopen(a, "w");
    fputs("1\n2\n", f);
    fclose(f);
    f = fopen(b, "w");
    fputs("3\n4\n", f);
    fclose(f);
    snprintf(text, sizeof text, "[host]\nrepairTime = empirical(r.csv)\n[rack]\n"
             "outage = empirical(other/r.csv, unit=m)\n[zone]\noutage = empirical(r.csv)\n"
             "[group.a]\ncount = 3\n");
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", base, NULL, 0, NULL, &d),
                 FD_OK, "%s", d.msg);
    cr_expect_eq(inputs_count(s), 2, "two files, one of them read twice");
    cr_assert_eq(inputs_copy(s, out, &d), FD_OK, "%s", d.msg);
    char buf[256];
    cr_expect_str_eq(dist_format(&s->host.outage, buf, sizeof buf), "empirical(inputs/r.csv)");
    cr_expect_str_eq(dist_format(&s->rack.outage, buf, sizeof buf),
                     "empirical(inputs/r-2.csv, unit=m)", "the same name apart");
    cr_expect_str_eq(dist_format(&s->zone.outage, buf, sizeof buf), "empirical(inputs/r.csv)");
    char path[700];
    snprintf(path, sizeof path, "%s/inputs/r-2.csv", out);
    cr_expect_eq(access(path, R_OK), 0);
    scenario_destroy(s);
    /* loaded, then gone before the copy: the key is named */
    cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", base, NULL, 0, NULL, &d),
                 FD_OK, "%s", d.msg);
    unlink(b);
    diag_clear(&d);
    cr_expect_eq(inputs_copy(s, out, &d), FD_EIO);
    cr_expect_not_null(strstr(d.msg, "rack.outage: cannot open"), "%s", d.msg);
    scenario_destroy(s);
    rm_rf(base);
}

/* An autoscaling run resumes to the same bytes, autoscale.csv included:
 * its records keep the autoscale figures replicas.csv does not hold. */
Test(rundir, a_killed_autoscaling_run_resumes_to_the_same_bytes)
{
    char base[] = "/tmp/fdsim-resume-as-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600], ini[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    snprintf(ini, sizeof ini, "%s/as.ini", base);
    FILE *f = fopen(ini, "w");
    fputs("[simulation]\nhorizon = 30d\n[group.web]\nautoscale = 08:00 10, 20:00 6\n"
          "quorum = 80%\n", f);
    fclose(f);
    char *run[] = { "run", ini, "-n", "400", "--seed", "5", "-j", "2", "-o", dir, NULL };
    snap want = reference(run, ARGC(run), dir);
    cr_assert_not_null(want.b[5], "an autoscaling run writes autoscale.csv");
    killer at[] = { { "checkpoint", 2, SIGKILL }, { "checkpoint", 11, SIGKILL } };
    killed_and_resumed(run, ARGC(run), base, dir, &want, at, sizeof at / sizeof *at);
    drop(&want);
    rm_rf(base);
}
