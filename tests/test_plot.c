/* Tests of fdsim plot: every chart renders a non-empty image from a small
 * results directory made here; bad input and a missing gnuplot are clear
 * errors.  gnuplot is required (CI installs it). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

Test(plot, a_chart_is_replaced_whole_and_a_killed_plots_temporary_is_removed)
{
    char tmp[] = "/tmp/fdsim-plot-atomic-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    char dir[256], stale[400];
    snprintf(dir, sizeof dir, "%s/results", tmp);
    int rc;
    QUIET(rc, "run", "-n", "20", "-o", dir);
    cr_assert_eq(rc, 0);
    pid_t dead = fork(); /* a process id that is no longer there */
    if (dead == 0)
        _exit(0);
    cr_assert_eq(waitpid(dead, NULL, 0), dead);
    snprintf(stale, sizeof stale, "%s/availability.png.tmp-%ld", dir, (long)dead);
    FILE *f = fopen(stale, "w");
    fputs("half a chart", f);
    fclose(f);
    QUIET(rc, "plot", dir);
    cr_assert_eq(rc, 0);
    cr_expect_neq(access(stale, F_OK), 0, "the killed plot's temporary is gone");
    cr_expect_gt(file_size(dir, "availability.png"), 1000);
    DIR *dp = opendir(dir);
    for (struct dirent *e; dp && (e = readdir(dp)) != NULL;)
        cr_expect_null(strstr(e->d_name, ".tmp-"), "%s left behind", e->d_name);
    closedir(dp);
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

/* ------------------------------------------------ what the charts show -- */

/* One chart's prepared data (kept with plot_opts.keep): the rows of a
 * .dat file, tokens split on blanks with "..." as one token, blocks
 * separated by two blank lines. */
typedef struct dat_rows {
    char tok[4096][12][160];
    int ntok[4096];
    int block[4096];
    int nrows;
} dat_rows;

static void read_dat(const char *path, dat_rows *d)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[4096];
    int block = 0, blanks = 0;
    d->nrows = 0;
    while (fgets(line, sizeof line, f) && d->nrows < 4096) {
        if (line[0] == '\n') {
            if (++blanks == 2)
                block++;
            continue;
        }
        blanks = 0;
        if (line[0] == '#')
            continue;
        int n = 0;
        for (char *p = line; *p && n < 12;) {
            while (*p == ' ' || *p == '\n')
                p++;
            if (!*p)
                break;
            size_t k = 0;
            if (*p == '"') {
                for (p++; *p && *p != '"' && k < 159; p++)
                    d->tok[d->nrows][n][k++] = *p;
                p += *p == '"';
            } else {
                for (; *p && *p != ' ' && *p != '\n' && k < 159; p++)
                    d->tok[d->nrows][n][k++] = *p;
            }
            d->tok[d->nrows][n++][k] = '\0';
        }
        d->ntok[d->nrows] = n;
        d->block[d->nrows++] = block;
    }
    fclose(f);
}

/* A variable of a kept NAME.vars ("name=value; ..."): its text, quotes
 * removed, into buf; false when absent. */
static bool var_of(const char *dir, const char *chart, const char *name, char *buf, size_t size)
{
    char path[512], text[16384] = "";
    snprintf(path, sizeof path, "%s/%s.vars", dir, chart);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    char key[64];
    snprintf(key, sizeof key, "%s=", name);
    for (char *p = text; (p = strstr(p, key)) != NULL; p++) {
        if (p != text && p[-1] != ' ')
            continue;
        p += strlen(key);
        size_t k = 0;
        if (*p == '\'') {
            for (p++; *p && !(*p == '\'' && p[1] != '\'') && k + 1 < size; p++) {
                if (*p == '\'' && p[1] == '\'')
                    p++;
                buf[k++] = *p;
            }
        } else {
            for (; *p && *p != ';' && k + 1 < size; p++)
                buf[k++] = *p;
        }
        buf[k] = '\0';
        return true;
    }
    return false;
}

static double var_num_of(const char *dir, const char *chart, const char *name)
{
    char buf[256];
    cr_assert(var_of(dir, chart, name, buf, sizeof buf), "%s: no variable %s", chart, name);
    return strtod(buf, NULL);
}

/* A results directory of `scenario` (n replicas) and its charts, with the
 * prepared data kept in DIR/keep. */
static void run_and_plot(char *dir, char *scenario, char *n, char *vary)
{
    cr_assert_not_null(mkdtemp(dir));
    char out[300], keep[300];
    snprintf(out, sizeof out, "%s/r", dir);
    snprintf(keep, sizeof keep, "%s/keep", dir);
    cr_assert_eq(mkdir(keep, 0777), 0);
    int rc;
    if (vary)
        QUIET(rc, "sweep", scenario, "--vary", vary, "-n", n, "-j", "1", "-o", out);
    else
        QUIET(rc, "run", scenario, "-n", n, "-j", "1", "-o", out);
    cr_assert_eq(rc, 0);
    plot_opts po = { .dir = out, .formats = PLOT_PNG, .width = 800, .height = 500,
                     .keep = keep };
    FILE *sink = fopen("/dev/null", "w");
    diag d;
    diag_clear(&d);
    cr_assert_eq(plot_render(&po, sink, &d), FD_OK, "%s", d.msg);
    fclose(sink);
}

/* The mean of `metric` of `group` in DIR/r/summary.csv. */
static double summary_mean(const char *dir, const char *group, const char *metric)
{
    char path[400], line[4096];
    snprintf(path, sizeof path, "%s/r/summary.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    double v = NAN;
    while (fgets(line, sizeof line, f)) {
        char *cells[20];
        int n = 0;
        for (char *p = strtok(line, ",\r\n"); p && n < 20; p = strtok(NULL, ",\r\n"))
            cells[n++] = p;
        /* group,orchestration,fd,ud,zones,count,quorum,metric,unit,mean */
        if (n > 9 && !strcmp(cells[0], group) && !strcmp(cells[7], metric))
            v = strtod(cells[9], NULL);
    }
    fclose(f);
    return v;
}

Test(chart, availability_is_on_a_nines_axis_with_each_groups_own_target)
{
    char dir[] = "/tmp/fdsim-chart-XXXXXX";
    run_and_plot(dir, "scenarios/zonal-vs-regional.ini", "60", NULL);
    char keep[300];
    snprintf(keep, sizeof keep, "%s/keep", dir);
    static dat_rows d;
    char path[400];
    snprintf(path, sizeof path, "%s/availability.dat", keep);
    read_dat(path, &d);
    cr_assert_eq(d.nrows, 4);
    double top = var_num_of(keep, "availability", "ytop");
    cr_expect_gt(var_num_of(keep, "availability", "ymax"), top, "the axis ends above the top");
    static const char *const names[] = { "zonal-flex", "zonal-uniform", "one-zone-fd1",
                                         "regional" };
    static const double target[] = { 99.99, 99.99, 99.95, 99.95 };
    for (int g = 0; g < 4; g++) {
        double u = summary_mean(dir, names[g], "service_unavailability");
        double y = strtod(d.tok[g][2], NULL);
        if (u > 0)
            cr_expect_float_eq(y, -log10(u), 1e-9, "%s: the nines of its unavailability",
                               names[g]);
        else
            cr_expect_eq(y, top, "%s: no outage, drawn at the top", names[g]);
        cr_expect_leq(strtod(d.tok[g][4], NULL), top, "never past the top (100 %%)");
        cr_expect_float_eq(strtod(d.tok[g][7], NULL), -log10(1 - target[g] / 100), 1e-9,
                           "%s: its own target", names[g]);
    }
    /* each run of equal targets labelled once, with its own value */
    cr_expect_str_eq(d.tok[0][8], "SLA 99.99 %");
    cr_expect_str_eq(d.tok[1][8], "");
    cr_expect_str_eq(d.tok[2][8], "SLA 99.95 %");
    char yt[2048];
    cr_assert(var_of(keep, "availability", "yt", yt, sizeof yt));
    cr_expect_not_null(strstr(yt, "\"99.99 %%\" 4"), "ticks labelled as availability: %s", yt);
    cr_expect_not_null(strstr(yt, "\"no outage\""), "%s", yt);
    remove_all(dir);
}

Test(chart, months_label_each_target_with_its_own_groups)
{
    char dir[] = "/tmp/fdsim-chart-XXXXXX";
    run_and_plot(dir, "scenarios/zonal-vs-regional.ini", "40", NULL);
    char keep[300], tl[512];
    snprintf(keep, sizeof keep, "%s/keep", dir);
    cr_expect_eq(var_num_of(keep, "months", "ntargets"), 2);
    cr_expect_float_eq(var_num_of(keep, "months", "tn1"), 4, 1e-9, "99.99 %% is 4 nines");
    cr_assert(var_of(keep, "months", "tl1", tl, sizeof tl));
    cr_expect_str_eq(tl, "SLA target 99.99 % (zonal-flex, zonal-uniform)");
    cr_assert(var_of(keep, "months", "tl2", tl, sizeof tl));
    cr_expect_str_eq(tl, "SLA target 99.95 % (one-zone-fd1, regional)");
    remove_all(dir);
}

Test(chart, a_sweep_draws_only_the_groups_its_key_varies_as_steps_for_a_count)
{
    char dir[] = "/tmp/fdsim-chart-XXXXXX";
    run_and_plot(dir, "scenarios/default.ini", "20", "group.flex-fd3.count=4,5,6");
    char keep[300], buf[512], path[400];
    snprintf(keep, sizeof keep, "%s/keep", dir);
    cr_expect_eq(var_num_of(keep, "sweep", "discrete"), 1, "a count is drawn as steps");
    cr_expect_eq(var_num_of(keep, "sweep", "nlines"), 1, "one group varies");
    cr_assert(var_of(keep, "sweep", "still", buf, sizeof buf));
    cr_expect_str_eq(buf, "flex-max, uniform, avset");
    cr_assert(var_of(keep, "sweep", "titles", buf, sizeof buf));
    cr_expect_str_eq(buf, "\"flex-fd3\"");
    static dat_rows d;
    snprintf(path, sizeof path, "%s/sweep.dat", keep);
    read_dat(path, &d);
    cr_expect_eq(d.nrows, 3, "a point per value");
    remove_all(dir);
    /* a global key varies every group; a duration is continuous */
    char dir2[] = "/tmp/fdsim-chart-XXXXXX";
    run_and_plot(dir2, "scenarios/default.ini", "20", "rebootless.period=10d,20d");
    snprintf(keep, sizeof keep, "%s/keep", dir2);
    cr_expect_eq(var_num_of(keep, "sweep", "discrete"), 0);
    cr_expect_eq(var_num_of(keep, "sweep", "nlines"), 4);
    cr_assert(var_of(keep, "sweep", "xunit", buf, sizeof buf));
    cr_expect_str_eq(buf, "d");
    remove_all(dir2);
}

Test(chart, downtime_is_a_survival_curve_from_the_share_with_any)
{
    char dir[] = "/tmp/fdsim-chart-XXXXXX";
    run_and_plot(dir, "scenarios/web-tier-100.ini", "60", NULL);
    char keep[300], path[400], buf[1024];
    snprintf(keep, sizeof keep, "%s/keep", dir);
    static dat_rows d;
    snprintf(path, sizeof path, "%s/downtime_cdf.dat", keep);
    read_dat(path, &d);
    /* flex-fd3 (its first block): every replica has downtime, so the
     * curve starts at 1 and only falls */
    cr_assert_gt(d.nrows, 2);
    cr_expect_float_eq(strtod(d.tok[0][1], NULL), 1.0, 1e-12);
    for (int r = 1; r < d.nrows && d.block[r] == 0; r++)
        cr_expect_leq(strtod(d.tok[r][1], NULL), strtod(d.tok[r - 1][1], NULL),
                      "a survival curve never rises");
    cr_assert(var_of(keep, "downtime_cdf", "zero", buf, sizeof buf));
    cr_expect_not_null(strstr(buf, "flex-max: no downtime in any of 60 replicas"), "%s", buf);
    cr_assert(var_of(keep, "downtime_cdf", "titles", buf, sizeof buf));
    cr_expect_null(strstr(buf, "flex-max"), "no curve for a group with none: %s", buf);
    remove_all(dir);
}

Test(chart, the_downcount_axis_ends_where_the_data_do)
{
    char dir[] = "/tmp/fdsim-chart-XXXXXX";
    run_and_plot(dir, "scenarios/web-tier-100.ini", "60", NULL);
    char keep[300], path[400];
    snprintf(keep, sizeof keep, "%s/keep", dir);
    static dat_rows d;
    snprintf(path, sizeof path, "%s/downcount.dat", keep);
    read_dat(path, &d);
    double most = 0;
    for (int r = 0; r < d.nrows; r++) {
        double k = strtod(d.tok[r][0], NULL);
        cr_expect_geq(k, 1, "no row for 0 VMs down");
        most = fmax(most, k);
    }
    cr_expect_eq(var_num_of(keep, "downcount", "maxk"), most);
    cr_expect_lt(most, 50, "a fault domain of 34, not the group's 100");
    remove_all(dir);
}

Test(chart, the_timeline_grows_with_its_panels)
{
    char dir[] = "/tmp/fdsim-chart-XXXXXX";
    run_and_plot(dir, "scenarios/web-tier-100.ini", "3", NULL);
    char keep[300], buf[512];
    snprintf(keep, sizeof keep, "%s/keep", dir);
    cr_expect_eq(var_num_of(keep, "timeline", "auto_height"), 80 + 170 * 4);
    cr_assert(var_of(keep, "timeline", "units", buf, sizeof buf));
    cr_expect_str_eq(buf, "racks racks UDs UDs");
    cr_assert(var_of(keep, "timeline", "descs", buf, sizeof buf));
    cr_expect_not_null(strstr(buf, "\"AvailabilitySet, FD 3, UD 20\""), "%s", buf);
    const char *s = plot_script("timeline");
    cr_expect_not_null(strstr(s, "a line each"), "a panel of many domains keeps a key entry");
    remove_all(dir);
}
