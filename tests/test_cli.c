/* Tests of the command line: exit statuses, outputs, bad arguments. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "csvio.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Test(cli, check_exit_statuses, .init = cr_redirect_stdout)
{
    cr_assert_eq(RUN("check"), 0);
    cr_assert_eq(RUN("check", "--help"), 0);
    cr_assert_eq(RUN("check", "--frobnicate"), 2);
    cr_assert_eq(RUN("check", "a.ini", "b.ini"), 2);
    cr_assert_eq(RUN("check", "--set", "nonsense"), 2);
    cr_assert_eq(RUN("check", "--set", "group.flex-max.count=-1"), 2);
    cr_assert_eq(RUN("check", "/nonexistent.ini"), 2);
    cr_assert_eq(RUN("check", "--set"), 2);
}

Test(cli, place_prints_every_group, .init = cr_redirect_stdout)
{
    cr_assert_eq(RUN("place"), 0);
    fflush(stdout);
    cr_assert_stdout_neq_str("");
}

static int count_rows(void *user, char **f, size_t n, size_t row)
{
    (void)f;
    (void)n;
    (void)row;
    ++*(int *)user;
    return 0;
}

Test(cli, place_writes_a_csv_row_per_vm)
{
    char dir[] = "/tmp/fdsim-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/place.csv", dir);
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    int rc = RUN("place", "--csv", path);
    fclose(stdout);
    stdout = saved;
    cr_assert_eq(rc, 0);
    char *buf;
    size_t len;
    cr_assert_eq(csvio_slurp(path, 1 << 20, &buf, &len, NULL), FD_OK);
    int rows = 0;
    cr_assert_eq(csvio_parse(buf, len, path, count_rows, &rows, NULL), 0);
    cr_assert_eq(rows, 1 + 4 * 5, "header + 4 groups of 5 VMs");
    free(buf);
    unlink(path);
    rmdir(dir);
}

Test(cli, place_reports_allocation_failures, .init = cr_redirect_stdout)
{
    /* 3 racks of 2 slots: fault domain 0 of a 3-FD Availability Set needs
     * 3 slots for 7 VMs (3 / 2 / 2), so its third VM fails */
    char path[] = "/tmp/fdsim-alloc-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char text[] = "[region]\nracksPerZone = 3\nhostsPerRack = 1\nvmsPerHost = 2\n"
                        "[group.a]\norchestrationMode = AvailabilitySet\n"
                        "platformFaultDomainCount = 3\ncount = 6\n";
    cr_assert_eq(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    cr_assert_eq(RUN("place", path), 0, "6 VMs fit 2 / 2 / 2");
    cr_assert_eq(RUN("place", path, "--set", "group.a.count=7", "--set",
                     "region.vmsPerHost=3", "--set", "region.racksPerZone=3"), 0);
    cr_assert_eq(RUN("place", path, "--set", "region.hostsPerRack=2", "--set",
                     "region.vmsPerHost=1", "--set", "group.a.count=6"), 0);
    unlink(path);
    strcpy(path, "/tmp/fdsim-alloc-XXXXXX");
    fd = mkstemp(path);
    const char tight[] = "[region]\nracksPerZone = 4\nhostsPerRack = 1\nvmsPerHost = 2\n"
                         "[group.a]\norchestrationMode = AvailabilitySet\n"
                         "platformFaultDomainCount = 3\ncount = 7\n";
    cr_assert_eq(write(fd, tight, sizeof tight - 1), (ssize_t)(sizeof tight - 1));
    close(fd);
    cr_assert_eq(RUN("place", path), 4, "FD 0 needs 3 slots on a rack of 2");
    unlink(path);
}

Test(cli, place_bad_arguments, .init = cr_redirect_stdout)
{
    cr_assert_eq(RUN("place", "--csv"), 2);
    cr_assert_eq(RUN("place", "--csv", ""), 2);
    cr_assert_eq(RUN("place", "--csv", "/nonexistent-dir/x.csv"), 1);
    cr_assert_eq(RUN("place", "-x"), 2);
}

Test(cli, usage_lists_the_working_commands, .init = cr_redirect_stdout)
{
    cli_usage(stdout);
    fflush(stdout);
    cr_assert_stdout_neq_str("");
}

Test(cli, run_rejects_bad_arguments_before_running, .init = cr_redirect_stderr)
{
    /* Every one of these fails before a replica runs or a file is written. */
    cr_assert_eq(RUN("run", "-n", "0"), 2);
    cr_assert_eq(RUN("run", "-n", "abc"), 2);
    cr_assert_eq(RUN("run", "-n", "-5"), 2);
    cr_assert_eq(RUN("run", "-n"), 2);
    cr_assert_eq(RUN("run", "-j", "-1"), 2);
    cr_assert_eq(RUN("run", "-j", "two"), 2);
    cr_assert_eq(RUN("run", "--seed", "abc"), 2);
    cr_assert_eq(RUN("run", "--seed", "-1"), 2);
    cr_assert_eq(RUN("run", "--baseline", "nosuchgroup"), 2);
    cr_assert_eq(RUN("run", "--trace-replica", "3"), 2, "needs --trace");
    cr_assert_eq(RUN("run", "--trace", "t.csv", "--trace-replica", "1000000"), 2);
    cr_assert_eq(RUN("run", "--set", "simulation.replicas=0"), 2);
    cr_assert_eq(RUN("run", "a.ini", "b.ini"), 2);
    cr_assert_eq(RUN("run", "-o", "meson.build"), 2, "an existing file is not a directory");
}

/* The replica limit is 10^15 (memory does not grow with replicas): above
 * it -n says what is valid; the old limit of 10^7 is gone. */
Test(cli, run_takes_up_to_10_15_replicas, .init = cr_redirect_stderr)
{
    cr_assert_eq(RUN("run", "-n", "1000000000000001"), 2);
    fflush(stderr);
    cr_assert_stderr_eq_str("fdsim run: -n 1000000000000001: expected a whole number of "
                            "replicas from 1 to 1000000000000000, e.g. -n 1000\n");
}

Test(cli, run_takes_trace_replicas_past_the_old_limit, .init = cr_redirect_stderr)
{
    /* --trace-replica 20000000 parses; it is refused only because the run
     * (the default's at most 10^6 replicas) does not have it */
    cr_assert_eq(RUN("run", "--trace", "t.csv", "--trace-replica", "20000000"), 2);
    fflush(stderr);
    cr_assert_stderr_eq_str("fdsim run: --trace-replica 20000000: the run has replicas 0 "
                            "to 999999\n");
}

Test(cli, run_names_the_groups_of_an_unknown_baseline, .init = cr_redirect_stderr)
{
    cr_assert_eq(RUN("run", "--baseline", "nosuchgroup"), 2);
    fflush(stderr);
    cr_assert_stderr_eq_str("fdsim run: --baseline nosuchgroup: no such group; the groups "
                            "are: flex-max, flex-fd3, uniform, avset\n");
}

/* A scenario file that cannot be opened: exit 2, and the message carries the
 * subcommand's prefix like every other message of the command. */
Test(cli, unreadable_scenario_is_named_with_the_command_prefix, .init = cr_redirect_stderr)
{
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    cr_assert_eq(RUN("check", "/nonexistent.ini"), 2);
    cr_assert_eq(RUN("place", "/nonexistent.ini"), 2);
    cr_assert_eq(RUN("run", "/nonexistent.ini"), 2);
    cr_assert_eq(RUN("sweep", "/nonexistent.ini", "--vary", "group.db.count=3:5:2"), 2);
    cr_assert_eq(RUN("analytic", "/nonexistent.ini"), 2);
    fclose(stdout);
    stdout = saved;
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "fdsim check: cannot open /nonexistent.ini: No such file or directory\n"
        "fdsim place: cannot open /nonexistent.ini: No such file or directory\n"
        "fdsim run: cannot open /nonexistent.ini: No such file or directory\n"
        "fdsim sweep: cannot open /nonexistent.ini: No such file or directory\n"
        "fdsim analytic: cannot open /nonexistent.ini: No such file or directory\n");
}

Test(cli, run_help_exits_0, .init = cr_redirect_stdout)
{
    cr_assert_eq(RUN("run", "--help"), 0);
}

/* A group placement cannot fully allocate: run and sweep name it (and
 * why) on stderr, mark it in the table, still write every file, exit 4. */
Test(cli, run_and_sweep_report_vms_that_could_not_be_allocated, .init = cr_redirect_stderr)
{
    char path[] = "/tmp/fdsim-runalloc-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char tight[] = "[simulation]\nreplicas = 20\n"
                         "[region]\nracksPerZone = 4\nhostsPerRack = 1\nvmsPerHost = 2\n"
                         "[group.ok]\ncount = 2\n"
                         "[group.tight]\norchestrationMode = AvailabilitySet\n"
                         "platformFaultDomainCount = 3\ncount = 6\n";
    cr_assert_eq(write(fd, tight, sizeof tight - 1), (ssize_t)(sizeof tight - 1));
    close(fd);
    char dir[] = "/tmp/fdsim-runalloc-out-XXXXXX", sdir[] = "/tmp/fdsim-sweepalloc-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_not_null(mkdtemp(sdir));
    char out[4096] = "";
    FILE *saved = stdout;
    stdout = fmemopen(out, sizeof out - 1, "w");
    int rc = RUN("run", path, "-o", dir);
    fclose(stdout);
    stdout = saved;
    cr_assert_eq(rc, 4, "a run with VMs not placed exits 4");
    cr_assert(strstr(out, "tight (!)") && strstr(out, "NOT PLACED"), "%s", out);
    cr_assert(strstr(out, "VMs could not be allocated"), "%s", out);
    char f[4200];
    snprintf(f, sizeof f, "%s/summary.csv", dir);
    cr_assert_eq(access(f, R_OK), 0, "the results are still written");
    QUIET(rc, "sweep", path, "--vary", "group.tight.count=5,6", "-n", "4", "-o", sdir);
    cr_assert_eq(rc, 4, "a sweep with a point not fully placed exits 4");
    snprintf(f, sizeof f, "%s/sweep.csv", sdir);
    cr_assert_eq(access(f, R_OK), 0, "the sweep is still written");
    /* Every VM placed: 0. */
    QUIET(rc, "run", path, "-o", dir, "--set", "group.tight.count=5");
    cr_assert_eq(rc, 0);
    unlink(path);
    fflush(stderr);
}

Test(cli, every_message_is_one_line_after_the_command, .init = cr_redirect_stderr)
{
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    cr_assert_eq(RUN("check", "--set", "nonsense"), 2);
    cr_assert_eq(RUN("place", "--csv", ""), 2);
    cr_assert_eq(RUN("run", "-o", "meson.build"), 2);
    cr_assert_eq(RUN("plot", "--format", "gif", "x"), 2);
    cr_assert_eq(RUN("plot"), 2);
    cr_assert_eq(RUN("sweep", "-o", "/tmp/fdsim-never"), 2);
    cr_assert_eq(RUN("sweep", "--vary", "group.avset.count=3,5", "-n", "2", "-o",
                     "meson.build"), 2);
    cr_assert_eq(RUN("analytic", "--bogus"), 2);
    fclose(stdout);
    stdout = saved;
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "fdsim check: --set nonsense: expected section.key=value, as simulation.replicas=100\n"
        "fdsim place: --csv needs a file name (or - for stdout)\n"
        "fdsim run: -o meson.build: exists and is not a directory; give a directory for "
        "the results\n"
        "fdsim plot: --format gif: expected png, svg or both\n"
        "fdsim plot: give one results directory, e.g. fdsim plot results\n"
        "fdsim sweep: give at least one --vary KEY=SPEC, e.g. --vary group.db.count=3:15:2\n"
        "fdsim sweep: -o meson.build: exists and is not a directory; give a new directory "
        "for the sweep\n"
        "fdsim analytic: unknown or incomplete option '--bogus'; see fdsim analytic --help\n");
}

/* An output directory that cannot be made is refused before anything is
 * simulated (exit 2), not after every replica has run. */
Test(cli, run_refuses_an_output_directory_it_cannot_make, .init = cr_redirect_stderr)
{
    cr_assert_eq(RUN("run", "-n", "5", "-o", "/nonexistent-fdsim-dir/x"), 2);
    cr_assert_eq(RUN("run", "-n", "5", "-o", "/nonexistent-fdsim-dir/x/"), 2);
    fflush(stderr);
    cr_assert_stderr_eq_str("fdsim run: -o /nonexistent-fdsim-dir/x: cannot be created: "
                            "/nonexistent-fdsim-dir is not a writable directory\n"
                            "fdsim run: -o /nonexistent-fdsim-dir/x/: cannot be created: "
                            "/nonexistent-fdsim-dir is not a writable directory\n");
}
