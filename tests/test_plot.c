/* Tests of fdsim plot: every chart renders a non-empty image from a small
 * results directory made here; bad input and a missing gnuplot are clear
 * errors.  gnuplot is required (CI installs it). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "plot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static off_t file_size(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? st.st_size : -1;
}

static void remove_all(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(plot, every_chart_renders_a_png_and_an_svg_from_a_small_run)
{
    char tmp[] = "/tmp/fdsim-plot-test-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/results", tmp);
    int rc;
    QUIET(rc, "run", "-n", "40", "-j", "2", "-o", dir);
    cr_assert_eq(rc, 0);
    QUIET(rc, "plot", dir, "--format", "both", "--size", "640x400");
    cr_assert_eq(rc, 0);
    static const char *const charts[] = {
        "availability", "downtime_cdf", "downcount", "months", "timeline",
    };
    for (size_t i = 0; i < sizeof charts / sizeof *charts; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.png", charts[i]);
        cr_expect_gt(file_size(dir, name), 1000, "%s: a real PNG", name);
        snprintf(name, sizeof name, "%s.svg", charts[i]);
        cr_expect_gt(file_size(dir, name), 1000, "%s: a real SVG", name);
    }
    cr_expect_eq(file_size(dir, "sweep.png"), -1, "no sweep.csv, no sweep chart");
    remove_all(tmp);
}

Test(plot, each_script_is_embedded_and_documents_its_variables)
{
    for (const char *const *n = plot_names; *n; n++) {
        const char *s = plot_script(*n);
        cr_assert_not_null(s, "%s", *n);
        cr_expect_not_null(strstr(s, "Variables"), "%s", *n);
        cr_expect_not_null(strstr(s, "set output out"), "%s", *n);
    }
}

Test(plot, the_timeline_replays_any_replica_of_the_run)
{
    char tmp[] = "/tmp/fdsim-plot-test-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/r", tmp);
    int rc;
    QUIET(rc, "run", "-n", "5", "-j", "1", "-o", dir);
    cr_assert_eq(rc, 0);
    QUIET(rc, "plot", dir, "--replica", "4");
    cr_assert_eq(rc, 0);
    cr_expect_gt(file_size(dir, "timeline.png"), 1000);
    QUIET(rc, "plot", dir, "--replica", "5");
    cr_expect_eq(rc, 2, "replica 5 of a 5-replica run: bad input");
    remove_all(tmp);
}

Test(plot, bad_arguments_are_exit_status_2, .init = cr_redirect_stderr)
{
    cr_expect_eq(RUN("plot"), 2);
    cr_expect_eq(RUN("plot", "/nonexistent-dir"), 2);
    cr_expect_eq(RUN("plot", "/tmp", "--format", "gif"), 2);
    cr_expect_eq(RUN("plot", "/tmp", "--size", "10x10"), 2);
    cr_expect_eq(RUN("plot", "a", "b"), 2);
    char tmp[] = "/tmp/fdsim-plot-test-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    cr_expect_eq(RUN("plot", tmp), 2, "an empty directory holds no results");
    rmdir(tmp);
}

Test(plot, a_missing_gnuplot_is_a_clear_error, .init = cr_redirect_stderr)
{
    char tmp[] = "/tmp/fdsim-plot-test-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/r", tmp);
    int rc;
    QUIET(rc, "run", "-n", "3", "-j", "1", "-o", dir);
    cr_assert_eq(rc, 0);
    char *path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", "/nonexistent", 1);
    QUIET(rc, "plot", dir);
    if (path) {
        setenv("PATH", path, 1);
        free(path);
    }
    cr_expect_eq(rc, 1);
    fflush(stderr);
    char buf[1024] = "";
    FILE *f = cr_get_redirected_stderr();
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    cr_expect_not_null(strstr(buf, "gnuplot is not on PATH"), "got: %s", buf);
    remove_all(tmp);
}
