/* Tests of parameter sweeps: --vary parsing, the Cartesian product, the
 * rows and columns of sweep.csv, and clear errors for bad --vary keys and
 * values (exit 2, nothing run, nothing written). */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "csvio.h"
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


Test(sweep, a_range_is_inclusive_and_keeps_its_unit)
{
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.db.count=3:15:2", NULL), FD_OK);
    cr_assert_eq(sweep_add(sw, "rebootless.period=10d:40d:10d", NULL), FD_OK);
    const sweep_axis *a = sweep_axis_at(sw, 0), *b = sweep_axis_at(sw, 1);
    cr_assert_eq(a->nvalues, 7);
    cr_expect_str_eq(a->values[0], "3");
    cr_expect_str_eq(a->values[6], "15");
    cr_expect(a->numeric);
    cr_assert_eq(b->nvalues, 4);
    cr_expect_str_eq(b->values[3], "40d");
    cr_expect(b->numeric);
    cr_expect_float_eq(b->x[3], 40.0, 1e-12);
    cr_expect_eq(sweep_npoints(sw), 28);
    sweep_destroy(sw);
}

Test(sweep, fractional_steps_do_not_drift)
{
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.db.spotShare=0:1:0.1", NULL), FD_OK);
    const sweep_axis *a = sweep_axis_at(sw, 0);
    cr_assert_eq(a->nvalues, 11);
    cr_expect_str_eq(a->values[3], "0.3");
    cr_expect_str_eq(a->values[10], "1");
    sweep_destroy(sw);
}

Test(sweep, a_list_keeps_commas_inside_parentheses)
{
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "host.repairTime=uniform(1h, 6h), fixed(2h)", NULL), FD_OK);
    cr_assert_eq(sweep_add(sw, "group.db.orchestrationMode=Flexible,Uniform", NULL), FD_OK);
    const sweep_axis *a = sweep_axis_at(sw, 0);
    cr_assert_eq(a->nvalues, 2);
    cr_expect_str_eq(a->values[0], "uniform(1h, 6h)");
    cr_expect_str_eq(a->values[1], "fixed(2h)");
    cr_expect_not(a->numeric);
    sweep_destroy(sw);
}

Test(sweep, points_vary_the_first_axis_slowest)
{
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.a.count=1,2", NULL), FD_OK);
    cr_assert_eq(sweep_add(sw, "group.a.quorum=1:3:1", NULL), FD_OK);
    char *sets[2];
    cr_assert_eq(sweep_point_sets(sw, 4, sets), FD_OK);
    cr_expect_str_eq(sets[0], "group.a.count=2");
    cr_expect_str_eq(sets[1], "group.a.quorum=2");
    free(sets[0]);
    free(sets[1]);
    char label[64];
    cr_expect_str_eq(sweep_point_label(sw, 5, label, sizeof label), "count=2, quorum=3");
    sweep_destroy(sw);
}

Test(sweep, bad_specs_are_refused_with_the_argument_named)
{
    static const char *const bad[] = {
        "group.db.count",           /* no = */
        "=3,5",                     /* no key */
        "count=3,5",                /* not section.key */
        "group.db.count=",          /* no values */
        "group.db.count=3,,5",      /* an empty value */
        "group.db.count=15:3:2",    /* LAST < FIRST */
        "group.db.count=3:15:0",    /* no step */
        "group.db.count=3:15",      /* not three parts */
        "group.db.count=3d:15h:1d", /* mixed units */
        "group.db.count=a:b:c",     /* not numbers */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sweep *sw = sweep_create();
        diag d;
        diag_clear(&d);
        cr_expect_eq(sweep_add(sw, bad[i], &d), FD_EINVAL, "%s", bad[i]);
        cr_expect_not_null(strstr(d.msg, "--vary"), "%s: %s", bad[i], d.msg);
        sweep_destroy(sw);
    }
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.db.count=1,2", NULL), FD_OK);
    cr_expect_eq(sweep_add(sw, "group.db.count=3,4", NULL), FD_EINVAL, "a key twice");
    sweep_destroy(sw);
}

/* sweep.csv read back. */
typedef struct csv {
    size_t rows, cols;
    char header[32][64];
    int bad_width;     /* rows whose width differs from the header's */
    int points[16];    /* rows per point-NN */
    int counts[16];    /* the group.avset.count cell of each point */
} csv;

static int on_row(void *user, char **f, size_t n, size_t row)
{
    csv *c = user;
    if (row == 1) {
        c->cols = n;
        for (size_t i = 0; i < n && i < 32; i++)
            snprintf(c->header[i], 64, "%s", f[i]);
    } else {
        c->bad_width += n != c->cols;
        int p = atoi(f[0] + strlen("point-"));
        if (p >= 1 && p < 16) {
            c->points[p]++;
            c->counts[p] = atoi(f[1]);
        }
    }
    c->rows++;
    return 0;
}

Test(sweep, writes_one_tidy_row_per_point_group_and_metric)
{
    char tmp[] = "/tmp/fdsim-sweep-test-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/sw", tmp);
    int rc;
    QUIET(rc, "sweep", "--vary", "group.avset.count=3:7:2", "--vary",
          "group.avset.platformUpdateDomainCount=2,5", "-n", "12", "-j", "2", "-o", dir);
    cr_assert_eq(rc, 0);
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    char *buf;
    size_t len;
    cr_assert_eq(csvio_slurp(path, 1 << 24, &buf, &len, NULL), FD_OK);
    csv c = { 0 };
    cr_assert_eq(csvio_parse(buf, len, path, on_row, &c, NULL), 0);
    free(buf);
    static const char *const head[] = {
        "point", "group.avset.count", "group.avset.platformUpdateDomainCount", "group",
        "orchestration", "fault_domains", "update_domains", "zones", "count", "quorum",
        "metric", "unit", "mean", "sd", "ci_low", "ci_high", "p5", "p50", "p95", "p99",
        "replicas", "partial",
    };
    cr_assert_eq(c.cols, sizeof head / sizeof *head);
    for (size_t i = 0; i < c.cols; i++)
        cr_expect_str_eq(c.header[i], head[i]);
    /* 4 groups x 12 metrics, less the baseline's difference to itself. */
    int per_point = 4 * 12 - 1;
    cr_expect_eq(c.rows, 1 + 6 * (size_t)per_point);
    cr_expect_eq(c.bad_width, 0);
    for (int p = 1; p <= 6; p++) {
        cr_expect_eq(c.points[p], per_point, "point %d", p);
        cr_expect_eq(c.counts[p], 3 + 2 * ((p - 1) / 2), "point %d: first axis slowest", p);
        char sub[300];
        snprintf(sub, sizeof sub, "%s/point-%02d/summary.csv", dir, p);
        cr_expect_eq(access(sub, R_OK), 0, "%s", sub);
    }
    /* The sweep chart. */
    QUIET(rc, "plot", dir);
    cr_expect_eq(rc, 0);
    struct stat st;
    snprintf(path, sizeof path, "%s/sweep.png", dir);
    cr_expect(stat(path, &st) == 0 && st.st_size > 1000);
    /* A second sweep into the same directory replaces it whole: charts too. */
    QUIET(rc, "sweep", "--vary", "group.avset.count=3,5", "-n", "2", "-o", dir);
    cr_expect_eq(rc, 0);
    cr_expect(stat(path, &st) != 0, "the old chart went with the old sweep");
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    cr_expect(stat(path, &st) == 0);
    /* A directory of other files: refused. */
    snprintf(path, sizeof path, "%s/notes.txt", tmp);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    QUIET(rc, "sweep", "--vary", "group.avset.count=3,5", "-n", "2", "-o", tmp);
    cr_expect_eq(rc, 2);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}

Test(sweep, every_point_has_the_same_seed)
{
    char tmp[] = "/tmp/fdsim-sweep-test-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/sw", tmp);
    int rc;
    /* Varying a group that is not flex-max must leave flex-max's results
     * bit for bit the same: the same world, the same failures. */
    QUIET(rc, "sweep", "--vary", "group.avset.count=3,7", "-n", "8", "-j", "1", "--estimator",
          "plain", "-o", dir);
    cr_assert_eq(rc, 0);
    char a[300], b[300], cmd[700];
    snprintf(a, sizeof a, "%s/point-01/replicas.csv", dir);
    snprintf(b, sizeof b, "%s/point-02/replicas.csv", dir);
    snprintf(cmd, sizeof cmd, "cmp -s <(grep ',flex-max,' '%s') <(grep ',flex-max,' '%s')",
             a, b);
    char sh[800];
    snprintf(sh, sizeof sh, "bash -c \"%s\"", cmd);
    cr_expect_eq(system(sh), 0, "flex-max identical at both points");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}

/* Run a sweep that must fail with exit 2; return its stderr. */
static char *fails(int argc, char **argv, const char *dir)
{
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    int rc = run_cli(argc, argv);
    fclose(stdout);
    stdout = saved;
    cr_expect_eq(rc, 2);
    cr_expect_neq(access(dir, F_OK), 0, "nothing written");
    fflush(stderr);
    static char buf[8192];
    FILE *f = cr_get_redirected_stderr();
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    return buf;
}

#define FAILS(dir, ...)                                                        \
    fails((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)),           \
          (char *[]){ __VA_ARGS__, NULL }, dir)

Test(sweep, an_unknown_key_is_named_with_a_suggestion, .init = cr_redirect_stderr)
{
    char dir[] = "/tmp/fdsim-sweep-never-written";
    char *err = FAILS(dir, "sweep", "--vary", "group.avset.cont=3,5", "-o", dir);
    cr_expect_not_null(strstr(err, "--vary group.avset.cont=3"), "got: %s", err);
    cr_expect_not_null(strstr(err, "did you mean count"), "got: %s", err);
}

Test(sweep, an_unknown_group_is_named, .init = cr_redirect_stderr)
{
    char dir[] = "/tmp/fdsim-sweep-never-written";
    char *err = FAILS(dir, "sweep", "--vary", "group.nope.count=3,5", "-o", dir);
    cr_expect_not_null(strstr(err, "--vary group.nope.count=3"), "got: %s", err);
    cr_expect_not_null(strstr(err, "no group named"), "got: %s", err);
}

Test(sweep, a_bad_value_is_named, .init = cr_redirect_stderr)
{
    char dir[] = "/tmp/fdsim-sweep-never-written";
    char *err = FAILS(dir, "sweep", "--vary", "group.avset.platformUpdateDomainCount=5:25:5",
                      "-o", dir);
    cr_expect_not_null(strstr(err, "--vary group.avset.platformUpdateDomainCount=25"),
                       "got: %s", err);
}

Test(sweep, a_bad_combination_names_the_point, .init = cr_redirect_stderr)
{
    /* Each value is valid alone; quorum 5 of 3 VMs is not. */
    char dir[] = "/tmp/fdsim-sweep-never-written";
    char *err = FAILS(dir, "sweep", "--vary", "group.avset.count=3,5", "--vary",
                      "group.avset.quorum=2,5", "-o", dir);
    cr_expect_not_null(strstr(err, "point-02 (count=3, quorum=5)"), "got: %s", err);
}

Test(sweep, a_malformed_vary_or_none_is_exit_status_2, .init = cr_redirect_stderr)
{
    char dir[] = "/tmp/fdsim-sweep-never-written";
    char *err = FAILS(dir, "sweep", "--vary", "group.avset.count=9:3:1", "-o", dir);
    cr_expect_not_null(strstr(err, "--vary group.avset.count=9:3:1"), "got: %s", err);
    err = FAILS(dir, "sweep", "-o", dir);
    cr_expect_not_null(strstr(err, "at least one --vary"), "got: %s", err);
}

/* A group key touches its group only; a global key touches every group. */
Test(sweep, a_varied_value_is_labelled_only_on_the_groups_it_touches)
{
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.flex-fd3.count=100:110:5", NULL), FD_OK);
    cr_assert_eq(sweep_add(sw, "rack.enabled=true,false", NULL), FD_OK);
    const sweep_axis *a = sweep_axis_at(sw, 0), *b = sweep_axis_at(sw, 1);
    cr_assert(sweep_axis_touches(a, "flex-fd3"));
    cr_assert_not(sweep_axis_touches(a, "flex-max"));
    cr_assert_not(sweep_axis_touches(a, "flex-fd"), "a prefix of the name is another group");
    cr_assert(sweep_axis_touches(b, "flex-max"));
    char buf[256];
    cr_assert_str_eq(sweep_point_label_group(sw, 1, "flex-fd3", buf, sizeof buf),
                     "count=100, enabled=false");
    cr_assert_str_eq(sweep_point_label_group(sw, 1, "flex-max", buf, sizeof buf),
                     "enabled=false");
    sweep_destroy(sw);
    sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.a.count=3,5", NULL), FD_OK);
    cr_assert_str_eq(sweep_point_label_group(sw, 0, "b", buf, sizeof buf), "");
    cr_assert_str_eq(sweep_point_label(sw, 1, buf, sizeof buf), "count=5");
    sweep_destroy(sw);
}

/* ------------------------------------------------- sweep_run, direct -- */

typedef struct seen {
    size_t starts, points;  /* hook calls */
    uint64_t total;         /* replicas the start hook was told */
    int fail_at;            /* point index whose hook fails; -1: none */
    char lines[4][600];     /* say() lines, the first few */
    size_t nlines;
} seen;

static void on_start(void *ctx, uint64_t total)
{
    seen *s = ctx;
    s->starts++;
    s->total = total;
}

static int on_point(void *ctx, const sweep_done *pd, diag *d)
{
    seen *s = ctx;
    cr_expect_eq(pd->index, s->points);
    cr_expect_not_null(pd->run->placement);
    s->points++;
    if ((int)pd->index == s->fail_at)
        return diag_set(d, FD_EIO, "the hook says no at %s", pd->name);
    return FD_OK;
}

static void on_say(void *ctx, const char *msg)
{
    seen *s = ctx;
    if (s->nlines < 4)
        snprintf(s->lines[s->nlines], sizeof s->lines[0], "%s", msg);
    s->nlines++;
}

static const char *const quiet_sets[] = {
    "simulation.replicas=3", "host.enabled=false", "rack.enabled=false",
};

/* A 2-point sweep of the default scenario, loaded. */
static sweep *two_points(scenario ***pts)
{
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.avset.count=3,5", NULL), FD_OK);
    sweep_source src = { NULL, quiet_sets, 3 };
    diag d;
    diag_clear(&d);
    cr_assert_eq(sweep_load_points(sw, &src, NULL, NULL, pts, &d), FD_OK, "%s", d.msg);
    return sw;
}

Test(sweep, run_writes_the_directory_whole_and_calls_the_hooks)
{
    char tmp[] = "/tmp/fdsim-sweep-run-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    scenario **pts;
    sweep *sw = two_points(&pts);
    seen s = { .fail_at = -1 };
    sweep_hooks hooks = { on_start, on_point, &s };
    sweep_outcome out;
    diag d;
    diag_clear(&d);
    /* The target is the (empty) temporary directory itself: replaced. */
    cr_assert_eq(sweep_run(sw, pts, tmp, "fdsim sweep x", NULL, &hooks, &out, &d), FD_OK,
                 "%s", d.msg);
    cr_expect_eq(s.starts, 1);
    cr_expect_eq(s.total, 6);
    cr_expect_eq(s.points, 2);
    cr_expect_eq(out.unplaced_points, 0);
    char path[300];
    snprintf(path, sizeof path, "%s/sweep.csv", tmp);
    cr_expect_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/point-02/run.ini", tmp);
    char *buf;
    size_t len;
    cr_assert_eq(csvio_slurp(path, 1 << 20, &buf, &len, NULL), FD_OK);
    cr_expect_not_null(strstr(buf, "; command: fdsim sweep x  # point-02: count=5"), "%s", buf);
    free(buf);
    /* Holding other files too, it is refused before anything runs. */
    snprintf(path, sizeof path, "%s/notes.txt", tmp);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/sweep.csv", tmp);
    cr_assert_eq(unlink(path), 0);
    s.points = 0;
    diag_clear(&d);
    cr_expect_eq(sweep_run(sw, pts, tmp, NULL, NULL, &hooks, &out, &d), FD_EINVAL);
    cr_expect_not_null(strstr(d.msg, "is not empty"), "%s", d.msg);
    cr_expect_eq(s.points, 0);
    sweep_points_destroy(pts, 2);
    sweep_destroy(sw);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}

Test(sweep, a_failure_or_a_stop_part_way_writes_nothing)
{
    char tmp[] = "/tmp/fdsim-sweep-run-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/sw", tmp);
    scenario **pts;
    sweep *sw = two_points(&pts);
    seen s = { .fail_at = 1 };
    sweep_hooks hooks = { on_start, on_point, &s };
    sweep_outcome out;
    diag d;
    diag_clear(&d);
    cr_expect_eq(sweep_run(sw, pts, dir, NULL, NULL, &hooks, &out, &d), FD_EIO);
    cr_expect_str_eq(d.msg, "the hook says no at point-02");
    cr_expect_neq(access(dir, F_OK), 0, "nothing written");
    volatile sig_atomic_t stop = 1;
    diag_clear(&d);
    cr_expect_eq(sweep_run(sw, pts, dir, NULL, &stop, NULL, &out, &d), FD_EINTR);
    cr_expect_str_eq(d.msg, "interrupted at point-01; nothing written");
    cr_expect_neq(access(dir, F_OK), 0, "nothing written");
    sweep_points_destroy(pts, 2);
    sweep_destroy(sw);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
    cr_expect_neq(access(tmp, F_OK), 0, "no staging directory left beside it");
}

Test(sweep, bad_points_are_said_line_by_line)
{
    sweep *sw = sweep_create();
    cr_assert_eq(sweep_add(sw, "group.avset.count=3:14:1", NULL), FD_OK);
    cr_assert_eq(sweep_add(sw, "group.avset.quorum=3,14", NULL), FD_OK);
    const char *sets[] = { "group.avset.count=14" };
    sweep_source src = { NULL, sets, 1 };
    seen s = { .fail_at = -1 };
    scenario **pts = (scenario **)&s; /* must come back NULL */
    diag d;
    diag_clear(&d);
    cr_assert_eq(sweep_load_points(sw, &src, on_say, &s, &pts, &d), FD_EINVAL);
    cr_expect_null(pts);
    cr_expect_eq(s.nlines, 10, "the first 10 of 11 bad points");
    cr_expect_not_null(strstr(s.lines[0], "point-02 (count=3, quorum=14): "), "%s",
                       s.lines[0]);
    cr_expect_str_eq(d.msg, "... and 1 more invalid points");
    sweep_destroy(sw);
}
