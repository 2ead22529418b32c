/*
 * Allocation failures (alloc.h): along a whole `fdsim run` of a small
 * scenario, the k-th allocation is made to fail, for every k; each time
 * the run either ends with an "out of memory" error, exit status 1, and
 * no output (no results directory, no leftover beside it; only when the
 * table printed before the commit is what failed, the whole results), or
 * - where an allocation is only an extra (the analytic check beside the
 * table, cleaning leftovers, a buffer libcsv retries smaller) - goes on
 * to write exactly the results of a run that never failed.  The run uses
 * one worker thread besides the main one, so which allocation is the k-th
 * can vary from run to run; every k up to the count is tried.  Under AddressSanitizer (CI's second pass) every path is also
 * checked for leaks.
 */
#include <criterion/criterion.h>

#include "support.h"
#include "alloc.h"
#include "csvio.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const files[] = { "summary.csv", "replicas.csv", "downcount.csv",
                                     "months.csv", "run.ini", "autoscale.csv" };
static size_t nfiles = 5; /* 6 for a scenario that autoscales */

/* Whether DIR holds the same files, byte for byte, as REF. */
static bool same_dir(const char *dir, const char *ref)
{
    for (size_t i = 0; i < nfiles; i++) {
        char a[700], b[700];
        snprintf(a, sizeof a, "%s/%s", dir, files[i]);
        snprintf(b, sizeof b, "%s/%s", ref, files[i]);
        char *x = NULL, *y = NULL;
        size_t xl, yl;
        bool ok = csvio_slurp(a, 1 << 24, &x, &xl, NULL) == FD_OK &&
                  csvio_slurp(b, 1 << 24, &y, &yl, NULL) == FD_OK;
        /* run.ini records the command line, which names the directory */
        ok = ok && (i == 4 ? xl > 0 : xl == yl && !memcmp(x, y, xl));
        free(x);
        free(y);
        if (!ok)
            return false;
    }
    return true;
}

/* Entries of `base` other than the scenario and the reference. */
static int strays(const char *base)
{
    DIR *dp = opendir(base);
    int n = 0;
    struct dirent *e;
    while (dp && (e = readdir(dp)) != NULL)
        n += e->d_name[0] != '.' && strcmp(e->d_name, "s.ini") && strcmp(e->d_name, "ref");
    if (dp)
        closedir(dp);
    return n;
}

/* Run fdsim's `argv` (argc words, the subcommand first) with stdout to
 * nowhere and stderr's text in `err`. */
static int captured(int argc, char **argv, char *err, size_t errlen)
{
    fflush(stdout);
    fflush(stderr);
    int out = dup(1), errfd = dup(2);
    int null = open("/dev/null", O_WRONLY);
    FILE *cap = tmpfile();
    cr_assert(out >= 0 && errfd >= 0 && null >= 0 && cap);
    dup2(null, 1);
    dup2(fileno(cap), 2);
    int rc = run_cli(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(errfd, 2);
    close(out);
    close(errfd);
    close(null);
    rewind(cap);
    size_t n = fread(err, 1, errlen - 1, cap);
    err[n] = '\0';
    fclose(cap);
    return rc;
}

/* Run the scenario into `dir` (captured). */
static int run_captured(const char *ini, const char *dir, char *err, size_t errlen)
{
    char *argv[] = { "run", (char *)ini, "-n", "20", "-j", "1", "-o", (char *)dir, NULL };
    return captured(8, argv, err, errlen);
}

/* The sweep, for a run of the scenario `text`. */
static void sweep(const char *text)
{
    char base[] = "/tmp/fdsim-alloc-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char ini[600], dir[600], ref[600], err[8192];
    snprintf(ini, sizeof ini, "%s/s.ini", base);
    snprintf(dir, sizeof dir, "%s/out", base);
    snprintf(ref, sizeof ref, "%s/ref", base);
    FILE *f = fopen(ini, "w");
    fputs(text, f);
    fclose(f);
    cr_assert_eq(run_captured(ini, ref, err, sizeof err), 0, "%s", err);
    fd_alloc_fail_at(UINT64_MAX); /* count them */
    cr_assert_eq(run_captured(ini, dir, err, sizeof err), 0, "%s", err);
    uint64_t n = fd_alloc_count();
    fd_alloc_fail_at(0);
    cr_assert(same_dir(dir, ref));
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_gt(n, 100, "a run allocates (%llu)", (unsigned long long)n);
    uint64_t failed_cleanly = 0, tolerated = 0;
    for (uint64_t k = 1; k <= n + 10; k++) {
        fd_alloc_fail_at(k);
        int rc = run_captured(ini, dir, err, sizeof err);
        bool failed = fd_alloc_failed();
        fd_alloc_fail_at(0);
        struct stat st;
        bool there = stat(dir, &st) == 0;
        if (!failed) {
            cr_expect_eq(rc, 0, "k = %llu: nothing failed, yet: %s", (unsigned long long)k, err);
        } else if (rc == 0) { /* an extra that could not be had: the results are whole */
            cr_expect(there && same_dir(dir, ref), "k = %llu: exit 0 but the results differ",
                      (unsigned long long)k);
            tolerated++;
        } else {
            cr_expect_eq(rc, 1, "k = %llu: exit %d: %s", (unsigned long long)k, rc, err);
            cr_expect_not_null(strstr(err, "out of memory"), "k = %llu: %s",
                               (unsigned long long)k, err);
            /* the table, printed before the commit, may be what failed: the
             * results are written all the same, whole; never in part */
            cr_expect(!there || same_dir(dir, ref), "k = %llu: failed, and left a results "
                      "directory that is not the whole run", (unsigned long long)k);
            failed_cleanly++;
        }
        cr_expect_eq(strays(base), there ? 1 : 0, "k = %llu: leftovers beside the results",
                     (unsigned long long)k);
        if (there)
            cr_assert_eq(system(cmd), 0);
    }
    cr_log_info("%llu allocations: %llu failures ended cleanly, %llu were tolerated",
                (unsigned long long)n, (unsigned long long)failed_cleanly,
                (unsigned long long)tolerated);
    fprintf(stderr, "alloc: %llu allocations: %llu failures ended cleanly, %llu tolerated\n",
            (unsigned long long)n, (unsigned long long)failed_cleanly,
            (unsigned long long)tolerated);
    cr_expect_gt(failed_cleanly, n / 2);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    cr_assert_eq(system(cmd), 0);
}

Test(alloc, every_allocation_of_a_run_can_fail_cleanly, .timeout = 600)
{
    nfiles = 5;
    sweep("[simulation]\nseed = 3\n[region]\nracksPerZone = 4\nhostsPerRack = 2\n"
          "vmsPerHost = 2\n[group.web]\ncount = 4\nquorum = 3\n"
          "[group.db]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 2\n"
          "platformUpdateDomainCount = 2\ncount = 2\n");
}

/* The same with an autoscaling group (its scale state, autoscale.csv). */
Test(alloc, every_allocation_of_an_autoscale_run_can_fail_cleanly, .timeout = 600)
{
    nfiles = 6;
    sweep("[simulation]\nseed = 3\nhorizon = 30d\n[region]\nracksPerZone = 4\n"
          "hostsPerRack = 2\nvmsPerHost = 2\n[group.web]\nautoscale = 08:00 6, 20:00 3\n"
          "quorum = 80%\n[group.u]\norchestrationMode = Uniform\nplatformFaultDomainCount = 2\n"
          "autoscale = 09:00 4, 18:00 2\n");
}

/* The same for `fdsim merge` of two shards: every allocation of the merge
 * fails in turn; it ends with "out of memory", exit 1 and nothing
 * written, or writes exactly the merged results. */
Test(alloc, every_allocation_of_a_merge_can_fail_cleanly, .timeout = 600)
{
    char base[] = "/tmp/fdsim-alloc-merge-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char ini[600], s1[600], s2[600], dir[600], ref[600], err[8192], cmd[700];
    snprintf(ini, sizeof ini, "%s/s.ini", base);
    snprintf(s1, sizeof s1, "%s/s1", base);
    snprintf(s2, sizeof s2, "%s/s2", base);
    snprintf(dir, sizeof dir, "%s/out", base);
    snprintf(ref, sizeof ref, "%s/ref", base);
    FILE *f = fopen(ini, "w");
    fputs("[simulation]\nseed = 3\n[region]\nracksPerZone = 4\nhostsPerRack = 2\n"
          "vmsPerHost = 2\n[group.web]\ncount = 4\nquorum = 3\n", f);
    fclose(f);
    char *sh1[] = { "run", ini, "-n", "40", "-j", "1", "--shard", "1/2", "-o", s1, NULL };
    char *sh2[] = { "run", ini, "-n", "40", "-j", "1", "--shard", "2/2", "-o", s2, NULL };
    cr_assert_eq(captured(10, sh1, err, sizeof err), 0, "%s", err);
    cr_assert_eq(captured(10, sh2, err, sizeof err), 0, "%s", err);
    char *mref[] = { "merge", s1, s2, "-o", ref, NULL };
    char *mout[] = { "merge", s2, s1, "-o", dir, NULL };
    cr_assert_eq(captured(5, mref, err, sizeof err), 0, "%s", err);
    fd_alloc_fail_at(UINT64_MAX);
    cr_assert_eq(captured(5, mout, err, sizeof err), 0, "%s", err);
    uint64_t n = fd_alloc_count();
    fd_alloc_fail_at(0);
    cr_assert(same_dir(dir, ref));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
    uint64_t failed_cleanly = 0;
    for (uint64_t k = 1; k <= n + 10; k++) {
        fd_alloc_fail_at(k);
        int rc = captured(5, mout, err, sizeof err);
        bool failed = fd_alloc_failed();
        fd_alloc_fail_at(0);
        struct stat st;
        bool there = stat(dir, &st) == 0;
        if (!failed || rc == 0) {
            cr_expect_eq(rc, 0, "k = %llu: %s", (unsigned long long)k, err);
            cr_expect(there && same_dir(dir, ref), "k = %llu: exit 0 but the results differ",
                      (unsigned long long)k);
        } else {
            cr_expect_eq(rc, 1, "k = %llu: exit %d: %s", (unsigned long long)k, rc, err);
            cr_expect_not_null(strstr(err, "out of memory"), "k = %llu: %s",
                               (unsigned long long)k, err);
            cr_expect(!there || same_dir(dir, ref), "k = %llu: failed, and left a results "
                      "directory that is not the whole merge", (unsigned long long)k);
            failed_cleanly++;
        }
        /* beside s.ini, ref, s1 and s2: the results or nothing */
        DIR *dp = opendir(base);
        int entries = 0;
        for (struct dirent *e; dp && (e = readdir(dp)) != NULL;)
            entries += e->d_name[0] != '.';
        if (dp)
            closedir(dp);
        cr_expect_eq(entries, there ? 5 : 4, "k = %llu: leftovers beside the results",
                     (unsigned long long)k);
        if (there)
            cr_assert_eq(system(cmd), 0);
    }
    fprintf(stderr, "alloc: merge: %llu allocations, %llu failures ended cleanly\n",
            (unsigned long long)n, (unsigned long long)failed_cleanly);
    cr_expect_gt(failed_cleanly, n / 2);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    cr_assert_eq(system(cmd), 0);
}
