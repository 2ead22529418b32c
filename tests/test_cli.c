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
    /* an output that cannot be written is bad input, found before placing */
    cr_assert_eq(RUN("place", "--csv", "/nonexistent-dir/x.csv"), 2);
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
        "fdsim sweep: -o meson.build: exists and is not a directory; give a directory for "
        "the results\n"
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

/* `--output json` (az's format flag) is refused before anything runs, and
 * writes no directory named json/; the results directory is -o or
 * --results-dir. */
Test(cli, output_is_not_the_results_directory, .init = cr_redirect_stderr)
{
    char dir[] = "/tmp/fdsim-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cwd[4096];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    char scen[4200];
    snprintf(scen, sizeof scen, "%s/scenarios/default.ini", cwd);
    cr_assert_eq(chdir(dir), 0);
    int rc = RUN("run", scen, "--output", "json", "-n", "10");
    int rs = RUN("sweep", scen, "--vary", "group.avset.count=3,5", "--output", "json");
    cr_expect_eq(access("json", F_OK), -1, "no json/ directory");
    int ok;
    QUIET(ok, "run", scen, "--results-dir", "named", "-n", "3", "-j", "1");
    cr_expect_eq(ok, 0);
    cr_expect_eq(access("named/summary.csv", F_OK), 0);
    cr_assert_eq(chdir(cwd), 0);
    cr_expect_eq(rc, 2);
    cr_expect_eq(rs, 2);
    fflush(stderr);
    cr_expect_stderr_eq_str(
        "fdsim run: --output json: no such option; the results directory is -o DIR "
        "(--results-dir DIR), and the printed answer's form is --format json|tsv|table\n"
        "fdsim sweep: --output json: no such option; the results directory is -o DIR "
        "(--results-dir DIR), and the printed answer's form is --format json|tsv|table\n");
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* fdsim(1) documents every command and every option its --help shows, and
 * names every exit status. */
Test(cli, the_man_page_has_every_command_and_option)
{
    char *man = NULL;
    size_t len = 0;
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_slurp("doc/fdsim.1", 1 << 20, &man, &len, &d), FD_OK, "%s", d.msg);
    /* troff's \- is a plain - to a reader */
    size_t w = 0;
    for (size_t r = 0; r < len; r++) {
        if (man[r] == '\\' && man[r + 1] == '-')
            r++;
        man[w++] = man[r];
    }
    man[w] = '\0';
    for (const cli_command *c = cli_commands; c->name; c++) {
        char want[64], help[16384] = "";
        snprintf(want, sizeof want, "fdsim %s", c->name);
        cr_expect_not_null(strstr(man, want), "the man page has no \"%s\"", want);
        FILE *saved = stdout;
        stdout = fmemopen(help, sizeof help - 1, "w");
        c->main(2, (char *[]){ (char *)c->name, "--help", NULL });
        fclose(stdout);
        stdout = saved;
        for (const char *p = help; (p = strstr(p, "-")) != NULL; p++) {
            if (p > help && p[-1] != ' ' && p[-1] != '[')
                continue; /* inside a word: spot-mix, point-NN */
            char opt[64];
            size_t k = 0;
            while ((p[k] == '-' || (p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z'))
                   && k + 1 < sizeof opt)
                opt[k] = p[k], k++;
            opt[k] = '\0';
            bool is_opt = (k >= 3 && opt[0] == '-' && opt[1] == '-') || (k == 2 && opt[1] != '-');
            if (!is_opt || (p[k] != ' ' && p[k] != ',' && p[k] != ']' && p[k] != '\n'
                            && p[k] != '='))
                continue;
            cr_expect_not_null(strstr(man, opt), "fdsim %s %s is not in the man page", c->name,
                               opt);
        }
    }
    const char *sections[] = { ".SH EXIT STATUS", ".SH FILES", ".SH ANSWERS FOR PROGRAMS",
                               ".B 0\n", ".B 1\n", ".B 2\n", ".B 3\n", ".B 4\n", "run.ini",
                               "summary.csv", "sweep.csv", "bash-completion", "scenarios/" };
    for (size_t i = 0; i < sizeof sections / sizeof *sections; i++)
        cr_expect_not_null(strstr(man, sections[i]), "the man page has no %s", sections[i]);
    free(man);
}

/* Nothing is cut silently: an over-long --set is read whole (and refused
 * past SCEN_MAX_SET), a long message keeps its reason, a UTF-8 BOM is no
 * content, and an output path is checked before anything runs. */
Test(cli, no_input_or_message_is_cut_silently, .init = cr_redirect_stderr)
{
    char set[3200];
    int n = snprintf(set, sizeof set, "simulation.replicas=7");
    memset(set + n, ' ', 3000);
    snprintf(set + n + 3000, sizeof set - (size_t)n - 3000, "junk");
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    const char *sets[] = { set };
    cr_expect_eq(scenario_load_default(&s, sets, 1, NULL, &d), FD_EINVAL,
                 "the junk after 3000 blanks is seen");
    cr_expect_not_null(strstr(d.msg, "not a whole number"), "the reason survives: %s", d.msg);
    cr_expect_not_null(strstr(d.msg, "bytes cut"), "and the cut is said: %s", d.msg);
    char big[SCEN_MAX_SET + 100];
    n = snprintf(big, sizeof big, "group.web.vmSize=");
    memset(big + n, 'x', sizeof big - (size_t)n - 1);
    big[sizeof big - 1] = '\0';
    sets[0] = big;
    diag_clear(&d);
    cr_expect_eq(scenario_load_default(&s, sets, 1, NULL, &d), FD_EINVAL);
    cr_expect_not_null(strstr(d.msg, "a --set is at most 4096 bytes"), "%s", d.msg);
    /* a BOM at the top of a scenario */
    const char bom[] = "\xEF\xBB\xBF[simulation]\nreplicas = 5\n[group.a]\ncount = 3\n";
    diag_clear(&d);
    cr_expect_eq(scenario_load_text(&s, bom, sizeof bom - 1, "bom.ini", ".", NULL, 0, NULL, &d),
                 FD_OK, "%s", d.msg);
    cr_expect_eq(s->replicas, 5);
    scenario_destroy(s);
    /* --trace into a directory: refused before the run, nothing written */
    char base[] = "/tmp/fdsim-trace-dir-XXXXXX", out[600];
    cr_assert_not_null(mkdtemp(base));
    snprintf(out, sizeof out, "%s/out", base);
    cr_expect_eq(RUN("run", "-n", "5", "--trace", base, "-o", out), 2);
    cr_expect_neq(access(out, F_OK), 0, "nothing was run or written");
    rmdir(base);
}

