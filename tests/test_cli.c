/* Tests of the command line: exit statuses, outputs, bad arguments. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "cli.h"
#include "csvio.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run_cli(int argc, char **argv)
{
    for (const cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(c->name, argv[0]))
            return c->main(argc, argv);
    cr_assert_fail("no command %s", argv[0]);
    return -1;
}

/* RUN("place", "--csv", "x.csv"): argc counted from the arguments. */
#define RUN(...)                                                               \
    run_cli((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)),         \
            (char *[]){ __VA_ARGS__, NULL })

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
    /* 4 racks of 2 slots; 3 slots go to the first groups, so no 3 racks
     * have 2 free slots each for the Availability Set's 2 / 2 / 1 VMs */
    cr_assert_eq(RUN("place", "--set", "region.racksPerZone=4", "--set", "region.hostsPerRack=1",
                     "--set", "region.vmsPerHost=2", "--set", "group.flex-max.count=1",
                     "--set", "group.flex-fd3.count=1", "--set", "group.uniform.count=1",
                     "--set", "group.flex-max.quorum=1", "--set", "group.flex-fd3.quorum=1",
                     "--set", "group.uniform.quorum=1",
                     "--set", "group.uniform.platformFaultDomainCount=1",
                     "--set", "group.avset.count=5"),
                 4, "an Availability Set VM finds its FD's rack full");
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
