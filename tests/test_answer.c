/* Tests of answer and goal: `--format json` of run, sweep, analytic and
 * place parsed back with jansson and checked against the CSVs and the
 * library's own values (full precision: the same doubles); `--format tsv`
 * read back by header name; bad formats and goals refused; goals parsed
 * and checked against results. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "analytic.h"
#include "csvio.h"
#include "goal.h"
#include "place.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Run an fdsim command with its standard output into a new temporary
 * file, whose path goes to `out` (size 64); the exit status. */
static int capture(char out[64], int argc, char **argv)
{
    snprintf(out, 64, "/tmp/fdsim-answer-XXXXXX");
    int fd = mkstemp(out);
    cr_assert_geq(fd, 0);
    close(fd);
    FILE *saved = stdout;
    stdout = fopen(out, "w");
    cr_assert_not_null(stdout);
    int rc = run_cli(argc, argv);
    fclose(stdout);
    stdout = saved;
    return rc;
}

#define CAPTURE(out, ...)                                                      \
    capture(out, (int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)),    \
            (char *[]){ __VA_ARGS__, NULL })

static json_t *load_json(const char *path)
{
    json_error_t err;
    json_t *doc = json_load_file(path, 0, &err);
    cr_assert_not_null(doc, "%s:%d:%d: %s", path, err.line, err.column, err.text);
    return doc;
}

static char *mkdir_tmp(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/fdsim-answer-dir-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void rm_rf(const char *path)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    cr_assert_eq(system(cmd), 0);
}

/* A CSV (or TSV) in memory. */
typedef struct rows {
    char ***cell;
    size_t *n;
    size_t nrows;
} rows;

static int keep(void *user, char **f, size_t n, size_t row)
{
    (void)row;
    rows *t = user;
    t->cell = realloc(t->cell, (t->nrows + 1) * sizeof *t->cell);
    t->n = realloc(t->n, (t->nrows + 1) * sizeof *t->n);
    t->cell[t->nrows] = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        t->cell[t->nrows][i] = strdup(f[i][0] == '\'' ? f[i] + 1 : f[i]);
    t->n[t->nrows++] = n;
    return 0;
}

static rows read_csv(const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_slurp(path, 1u << 26, &buf, &len, &d), FD_OK, "%s", d.msg);
    rows t = { 0 };
    cr_assert_eq(csvio_parse(buf, len, path, keep, &t, &d), FD_OK, "%s", d.msg);
    free(buf);
    return t;
}

/* A TSV: split on tabs and newlines (no quoting, by contract). */
static rows read_tsv(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    rows t = { 0 };
    char line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        t.cell = realloc(t.cell, (t.nrows + 1) * sizeof *t.cell);
        t.n = realloc(t.n, (t.nrows + 1) * sizeof *t.n);
        size_t n = 1;
        for (char *c = line; *c; c++)
            n += *c == '\t';
        t.cell[t.nrows] = calloc(n + 1, sizeof(char *));
        char *p = line;
        for (size_t i = 0; i < n; i++) {
            size_t k = strcspn(p, "\t");
            t.cell[t.nrows][i] = strndup(p, k);
            p += k + (p[k] == '\t');
        }
        t.n[t.nrows++] = n;
    }
    fclose(f);
    return t;
}

static void rows_free(rows *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->n[r]; i++)
            free(t->cell[r][i]);
        free(t->cell[r]);
    }
    free(t->cell);
    free(t->n);
}

static size_t column(const rows *t, const char *name)
{
    for (size_t i = 0; i < t->n[0]; i++)
        if (!strcmp(t->cell[0][i], name))
            return i;
    cr_assert_fail("no column %s", name);
    return 0;
}

/* The same double, or both absent (an empty cell is JSON null). */
static void same_number(const char *cellv, json_t *j, const char *what)
{
    if (!*cellv) {
        cr_expect(json_is_null(j), "%s: empty in the CSV, not null in the JSON", what);
        return;
    }
    cr_assert(json_is_number(j), "%s: %s in the CSV, not a number in the JSON", what, cellv);
    double x = strtod(cellv, NULL), y = json_number_value(j);
    cr_expect(x == y, "%s: %.17g in the CSV, %.17g in the JSON", what, x, y);
}

Test(answer, run_json_carries_every_figure_of_summary_csv)
{
    char *dir = mkdir_tmp(), out[64];
    int rc = CAPTURE(out, "run", "scenarios/web-tier-100.ini", "-n", "200", "-j", "2",
                     "-o", dir, "--format", "json");
    cr_assert_eq(rc, 0);
    json_t *doc = load_json(out);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "schema")), "fdsim-run");
    cr_expect_eq(json_integer_value(json_object_get(doc, "schema_version")), 1);
    cr_expect_eq(json_integer_value(json_object_get(doc, "replicas")), 200);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "seed")), "20261121");
    json_t *groups = json_object_get(doc, "groups");
    cr_assert_eq(json_array_size(groups), 4);
    char path[256];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    rows t = read_csv(path);
    size_t cg = column(&t, "group"), cm = column(&t, "metric");
    static const char *const stats[] = { "mean", "sd", "ci_low", "ci_high", "p5", "p50",
                                         "p95", "p99" };
    size_t checked = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        json_t *g = NULL;
        for (size_t i = 0; i < json_array_size(groups); i++)
            if (!strcmp(json_string_value(json_object_get(json_array_get(groups, i), "name")),
                        t.cell[r][cg]))
                g = json_array_get(groups, i);
        cr_assert_not_null(g, "group %s", t.cell[r][cg]);
        json_t *m = json_object_get(json_object_get(g, "metrics"), t.cell[r][cm]);
        cr_assert_not_null(m, "%s: no metric %s", t.cell[r][cg], t.cell[r][cm]);
        for (size_t k = 0; k < 8; k++) {
            char what[128];
            snprintf(what, sizeof what, "%s %s %s", t.cell[r][cg], t.cell[r][cm], stats[k]);
            same_number(t.cell[r][column(&t, stats[k])], json_object_get(m, stats[k]), what);
            checked++;
        }
    }
    cr_expect_geq(checked, 4 * 11 * 8);
    /* the verdict, the ranking and a comparison per pair */
    json_t *g1 = json_array_get(groups, 1);
    cr_expect_str_eq(json_string_value(json_object_get(g1, "name")), "flex-fd3");
    json_t *v = json_object_get(g1, "verdict");
    cr_expect_str_eq(json_string_value(json_object_get(v, "outcome")), "meets");
    cr_expect(json_is_number(json_object_get(json_object_get(v, "p_month_meets"), "mean")));
    cr_expect_eq(json_array_size(json_object_get(doc, "ranking")), 4);
    cr_expect_eq(json_array_size(json_object_get(doc, "comparisons")), 6);
    cr_expect_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(doc, "ranking"), 3), "group")),
                     "flex-fd3", "flex-fd3 has the most downtime");
    json_decref(doc);
    rows_free(&t);
    unlink(out);
    rm_rf(dir);
}

Test(answer, run_tsv_has_a_row_per_group_read_by_header)
{
    char *dir = mkdir_tmp(), out[64];
    int rc = CAPTURE(out, "run", "-n", "50", "-j", "1", "-o", dir, "--format", "tsv");
    cr_assert_eq(rc, 0);
    rows t = read_tsv(out);
    cr_assert_eq(t.nrows, 5, "a header and the default's 4 groups");
    char path[256];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    rows s = read_csv(path);
    size_t ca = column(&t, "service_availability"), cg = column(&t, "group");
    size_t sg = column(&s, "group"), sm = column(&s, "metric"), smean = column(&s, "mean");
    for (size_t r = 1; r < t.nrows; r++) {
        cr_expect_eq(t.n[r], t.n[0], "row %zu has every column", r);
        for (size_t q = 1; q < s.nrows; q++)
            if (!strcmp(s.cell[q][sg], t.cell[r][cg]) &&
                !strcmp(s.cell[q][sm], "service_availability"))
                cr_expect_eq(strtod(t.cell[r][ca], NULL), strtod(s.cell[q][smean], NULL));
    }
    cr_expect_str_eq(t.cell[1][column(&t, "verdict")], "meets");
    cr_expect_str_eq(t.cell[0][0], "group");
    rows_free(&t);
    rows_free(&s);
    unlink(out);
    rm_rf(dir);
}

Test(answer, sweep_json_and_tsv_have_every_point_and_the_goals)
{
    char *dir = mkdir_tmp(), out[64];
    char sub[128];
    snprintf(sub, sizeof sub, "%s/s", dir);
    int rc = CAPTURE(out, "sweep", "--vary", "group.flex-fd3.count=4,5", "-n", "30", "-j",
                     "1", "-o", sub, "--goal", "month_meets_target>=0.5", "--format", "json");
    cr_assert_eq(rc, 0);
    json_t *doc = load_json(out);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "schema")), "fdsim-sweep");
    json_t *points = json_object_get(doc, "points");
    cr_assert_eq(json_array_size(points), 2);
    json_t *p1 = json_array_get(points, 1);
    cr_expect_str_eq(json_string_value(json_object_get(p1, "point")), "point-02");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(p1, "values"),
                                                       "group.flex-fd3.count")), "5");
    json_t *g = json_array_get(json_object_get(p1, "groups"), 1);
    cr_expect_eq(json_integer_value(json_object_get(g, "count")), 5);
    json_t *goals = json_object_get(doc, "goals");
    cr_assert_eq(json_array_size(goals), 1);
    json_t *fd3 = json_array_get(json_object_get(json_array_get(goals, 0), "groups"), 1);
    cr_expect(json_is_true(json_object_get(fd3, "varied")));
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(fd3, "smallest_met"),
                                                       "point")), "point-01");
    json_t *fm = json_array_get(json_object_get(json_array_get(goals, 0), "groups"), 0);
    cr_expect(json_is_false(json_object_get(fm, "varied")), "the key touches flex-fd3 only");
    json_decref(doc);
    unlink(out);
    rm_rf(sub);
    rc = CAPTURE(out, "sweep", "--vary", "group.flex-fd3.count=4,5", "-n", "30", "-j", "1",
                 "-o", sub, "--goal", "nines>=3", "--format", "tsv");
    cr_assert_eq(rc, 0);
    rows t = read_tsv(out);
    cr_expect_eq(t.nrows, 1 + 2 * 4);
    cr_expect_str_eq(t.cell[0][1], "group.flex-fd3.count");
    size_t cgoal = column(&t, "goal:nines>=3");
    for (size_t r = 1; r < t.nrows; r++)
        cr_expect(!strcmp(t.cell[r][cgoal], "met") || !strcmp(t.cell[r][cgoal], "estimate")
                  || !strcmp(t.cell[r][cgoal], "undecided")
                  || !strcmp(t.cell[r][cgoal], "not_met"), "%s", t.cell[r][cgoal]);
    rows_free(&t);
    unlink(out);
    rm_rf(dir);
}

Test(answer, analytic_json_is_the_librarys_values)
{
    char out[64];
    cr_assert_eq(CAPTURE(out, "analytic", "--format", "json"), 0);
    json_t *doc = load_json(out);
    scenario *s = NULL;
    analytic_result *an = NULL;
    cr_assert_eq(scenario_load_default(&s, NULL, 0, NULL, NULL), FD_OK);
    cr_assert_eq(analytic_compute(s, &an, NULL), FD_OK);
    json_t *groups = json_object_get(doc, "groups");
    cr_assert_eq(json_array_size(groups), an->ngroups);
    for (size_t g = 0; g < an->ngroups; g++) {
        json_t *svc = json_object_get(json_array_get(groups, g), "service");
        cr_expect_eq(json_is_true(json_object_get(svc, "exact")), an->groups[g].service.exact);
        if (an->groups[g].service.exact)
            cr_expect_eq(json_real_value(json_object_get(svc, "unavailability")),
                         an->groups[g].service.unavail, "group %zu", g);
        cr_expect_eq(json_array_size(json_object_get(json_array_get(groups, g),
                                                     "assumptions")),
                     (size_t)an->groups[g].nnotes);
    }
    analytic_result_destroy(an);
    scenario_destroy(s);
    json_decref(doc);
    unlink(out);
    cr_assert_eq(CAPTURE(out, "analytic", "--format", "tsv"), 0);
    rows t = read_tsv(out);
    cr_expect_eq(t.nrows, 5);
    cr_expect_str_eq(t.cell[0][column(&t, "service_unavailability")], "service_unavailability");
    rows_free(&t);
    unlink(out);
}

Test(answer, place_json_has_every_vm_as_the_csv_does)
{
    char out[64], csv[] = "/tmp/fdsim-answer-place-XXXXXX";
    int fd = mkstemp(csv);
    close(fd);
    cr_assert_eq(CAPTURE(out, "place", "scenarios/quorum-3-5-7.ini", "--format", "json",
                         "--csv", csv), 0);
    json_t *doc = load_json(out);
    rows t = read_csv(csv);
    json_t *groups = json_object_get(doc, "groups");
    size_t vms = 0;
    for (size_t g = 0; g < json_array_size(groups); g++) {
        json_t *o = json_array_get(groups, g);
        json_t *list = json_object_get(o, "vms");
        vms += json_array_size(list);
        long long per_fd = 0;
        for (size_t k = 0; k < json_array_size(json_object_get(o, "vms_per_fd")); k++)
            per_fd += json_integer_value(json_array_get(json_object_get(o, "vms_per_fd"), k));
        cr_expect_eq(per_fd, json_integer_value(json_object_get(o, "placed")));
    }
    cr_expect_eq(vms, t.nrows - 1, "a VM per CSV row");
    /* the first VM's rack and host, as the CSV has them */
    json_t *v0 = json_array_get(json_object_get(json_array_get(groups, 0), "vms"), 0);
    cr_expect_eq(json_integer_value(json_object_get(v0, "rack")),
                 strtoll(t.cell[1][column(&t, "rack")], NULL, 10));
    cr_expect_eq(json_integer_value(json_object_get(v0, "host")),
                 strtoll(t.cell[1][column(&t, "host")], NULL, 10));
    rows_free(&t);
    json_decref(doc);
    unlink(out);
    unlink(csv);
    cr_assert_eq(CAPTURE(out, "place", "--format", "tsv"), 0);
    rows p = read_tsv(out);
    cr_expect_eq(p.nrows, 5);
    cr_expect_str_eq(p.cell[2][column(&p, "vms_per_fd")], "2,2,1");
    rows_free(&p);
    unlink(out);
}

Test(answer, bad_formats_and_goals_are_refused, .init = cr_redirect_stderr)
{
    FILE *saved = stdout;
    stdout = fopen("/dev/null", "w");
    cr_expect_eq(RUN("run", "--format", "xml"), 2);
    cr_expect_eq(RUN("place", "--format", "json", "--csv", "-"), 2);
    cr_expect_eq(RUN("sweep", "--vary", "group.avset.count=3,5", "--goal", "uptime>=3"), 2);
    fclose(stdout);
    stdout = saved;
    fflush(stderr);
    cr_expect_stderr_eq_str(
        "fdsim run: --format xml: expected json, tsv or table (the default)\n"
        "fdsim place: --csv - and --format json would both write to standard output; give "
        "--csv a file\n"
        "fdsim sweep: --goal uptime>=3: no metric 'uptime'; valid: vm_availability, "
        "service_availability, vm_unavailability, service_unavailability, downtime, "
        "outages, outage_mean_length, worst_loss, capacity_deficit, alloc_failures, "
        "month_meets_target, nines\n");
}

Test(goal, parses_metrics_operators_and_units)
{
    goal g;
    diag d;
    diag_clear(&d);
    cr_assert_eq(goal_parse("service_availability>=99.99%", &g, &d), FD_OK, "%s", d.msg);
    cr_expect_eq(g.metric, REPORT_SVC_AVAIL);
    cr_expect(g.at_least);
    cr_expect_float_eq(g.value, 0.9999, 1e-15);
    cr_assert_eq(goal_parse("downtime<=30", &g, &d), FD_OK);
    cr_expect(!g.at_least && g.value == 30 && g.metric == REPORT_DOWNTIME);
    cr_assert_eq(goal_parse("nines>=4", &g, &d), FD_OK);
    cr_expect(g.metric == REPORT_SVC_UNAVAIL && !g.at_least);
    cr_expect_float_eq(g.value, 1e-4, 1e-18);
    static const struct {
        const char *arg, *msg;
    } bad[] = {
        { "service_availability=0.9", "expected METRIC>=VALUE or METRIC<=VALUE" },
        { "service_availability>0.9", "expected METRIC>=VALUE or METRIC<=VALUE" },
        { "service_availability>=99.99", "is a fraction from 0 to 1; write 99.99% for a "
                                         "percentage, or 0.9999" },
        { "downtime<=5%", "downtime is in min/yr, not a percentage" },
        { "downtime<=-1", "is never negative" },
        { "downtime<=abc", "'abc' is not a number" },
        { "downtime_diff_vs_baseline<=0", "no metric 'downtime_diff_vs_baseline'" },
        { "nines>=50", "nines are a plain number from 0 to 20" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        diag_clear(&d);
        cr_expect_eq(goal_parse(bad[i].arg, &g, &d), FD_EINVAL, "%s", bad[i].arg);
        cr_expect_not_null(strstr(d.msg, bad[i].msg), "%s: %s", bad[i].arg, d.msg);
        cr_expect_not_null(strstr(d.msg, bad[i].arg), "the message names the goal: %s", d.msg);
    }
}

Test(goal, a_track_finds_the_first_point_met_with_confidence)
{
    goal_track t;
    goal_track_init(&t);
    goal_track_add(&t, 0, GOAL_NOT_MET, 1, 0.5, 40);
    goal_track_add(&t, 1, GOAL_ESTIMATE, 2, NAN, 0);
    goal_track_add(&t, 2, GOAL_MET, 3, 2.5, 50);
    goal_track_add(&t, 3, GOAL_UNDECIDED, 3, 1, 50);
    goal_track_add(&t, 4, GOAL_MET, 3, 2.6, 50);
    cr_expect_eq(t.first_met, 2);
    cr_expect_eq(t.met_bound, 2.5);
    cr_expect_eq(t.first_estimate, 1);
    cr_expect_eq(t.est_status, GOAL_ESTIMATE);
    cr_expect_eq(t.est_outages, 0);
    cr_expect_eq(t.short_after, 3, "point 3 falls short after the first met");
    cr_expect_eq(t.met, 2);
    cr_expect_eq(t.estimates, 2);
    cr_expect_eq(t.points, 5);
}
