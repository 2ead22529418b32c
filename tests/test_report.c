/* Tests of report: the CSV schemas parse back; t and Wilson intervals for a
 * known small input; formula-safe group names; the atomic results
 * directory, replicas.csv streamed into it (complete, no temporary file,
 * nothing on failure); bytes independent of threads, also past the exact
 * cap; partial runs marked; run.ini reloads. */
#include <criterion/criterion.h>

#include "batch.h"
#include "csvio.h"
#include "report.h"
#include "rng.h"
#include "scenario.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char mini_ini[] =
    "[simulation]\nhorizon = 1y\nreplicas = 4\nseed = 7\n"
    "[region]\nname = eastus\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
    "[group.a]\norchestrationMode = Flexible\ncount = 3\nquorum = 2\n"
    "[group.b]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 2\n"
    "platformUpdateDomainCount = 3\ncount = 3\nquorum = 2\n";

static scenario *mini(void)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, mini_ini, strlen(mini_ini), "t.ini", ".", NULL, 0,
                                    NULL, &d), FD_OK, "%s", d.msg);
    return s;
}

/* The known replicas for `mini`: 4 replicas, 2 groups, 12 months. */
typedef struct known {
    stats_replica rec[8];  /* [i * 2 + g] */
    double md[8 * 12];     /* [(i * 2 + g) * 12 + m]: month downtime, s */
} known;

static void known_init(known *k)
{
    memset(k, 0, sizeof *k);
    static const double down_a[] = { 10, 20, 30, 40 }, down_b[] = { 13, 19, 35, 49 };
    static const double met_a[] = { 12, 11, 12, 10 };
    for (int i = 0; i < 4; i++)
        for (int g = 0; g < 2; g++) {
            stats_replica *p = &k->rec[i * 2 + g];
            p->downtime_min_per_year = g ? down_b[i] : down_a[i];
            p->service_unavailability = p->downtime_min_per_year / (365 * 1440.0);
            p->service_availability = 1 - p->service_unavailability;
            p->vm_unavailability = 1e-4 * i;
            p->vm_availability = 1 - p->vm_unavailability;
            p->outages = i;                  /* replica 0 has no outage */
            p->outage_mean_min = i ? 5.0 * i : 0;
            p->worst_loss = i % 3;
            p->deficit_vm_hours = 0.5 * i;
            p->months_met = g ? 12 : met_a[i];
            p->months = 12;
            /* month 1 (index 0): 0.1 % down in replica i >= 2 */
            k->md[(i * 2 + g) * 12] = i >= 2 ? 0.001 * STATS_MONTH : 0;
        }
}

/* A run to report and what it owns. */
typedef struct fixture {
    batch_result *r;     /* the totals */
    report_sink *sink;   /* the digest (and the directory, if any) */
    report_run run;      /* over them */
} fixture;

static void fixture_free(fixture *f)
{
    batch_result_destroy(f->r);
    report_sink_destroy(f->sink);
}

/* The known replicas of `k` reduced for `mini` (`s`): the totals by hand,
 * the digest through a sink fed one block, as batch would. */
static fixture known_run(const scenario *s, const known *k, size_t baseline)
{
    fixture f = { 0 };
    batch_result *r = f.r = calloc(1, sizeof *r);
    r->ngroups = 2;
    r->nmonths = 12;
    r->requested = r->replicas = 4;
    r->counts = malloc(2 * sizeof *r->counts);
    r->counts[0] = r->counts[1] = 3;
    r->downcount = calloc(2, sizeof *r->downcount);
    for (int g = 0; g < 2; g++) {
        r->downcount[g] = calloc(4, sizeof(double));
        /* 1 % of the time with one VM down, 0.5 % with two */
        r->downcount[g][1] = 0.01 * 4 * 365 * 86400.0;
        r->downcount[g][2] = 0.005 * 4 * 365 * 86400.0;
        r->downcount[g][0] = (1 - 0.015) * 4 * 365 * 86400.0;
    }
    cr_assert_eq(report_sink_create(&f.sink, s, baseline, NULL, 0, NULL), FD_OK);
    batch_block blk = { .first = 0, .n = 4, .ngroups = 2, .nmonths = 12, .stats = k->rec,
                        .month_down = k->md };
    cr_assert_eq(report_sink_consume(f.sink, &blk, NULL), FD_OK);
    f.run = (report_run){ .s = s, .r = r, .digest = report_sink_digest(f.sink),
                          .baseline = baseline };
    return f;
}

/* Parsed CSV: rows of cells (row 0 is the header). */
typedef struct table {
    char ***cells;
    size_t *ncells;
    size_t nrows;
} table;

static int collect(void *user, char **f, size_t n, size_t row)
{
    (void)row;
    table *t = user;
    t->cells = realloc(t->cells, (t->nrows + 1) * sizeof *t->cells);
    t->ncells = realloc(t->ncells, (t->nrows + 1) * sizeof *t->ncells);
    t->cells[t->nrows] = calloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        t->cells[t->nrows][i] = strdup(f[i]);
    t->ncells[t->nrows++] = n;
    return 0;
}

static table parse(const char *buf, size_t len)
{
    table t = { 0 };
    diag d;
    diag_clear(&d);
    cr_assert_eq(csvio_parse(buf, len, "t.csv", collect, &t, &d), 0, "%s", d.msg);
    return t;
}

static table parse_file(const char *path)
{
    char *buf;
    size_t len;
    cr_assert_eq(csvio_slurp(path, 64 << 20, &buf, &len, NULL), FD_OK, "%s", path);
    table t = parse(buf, len);
    free(buf);
    return t;
}

static void table_free(table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t i = 0; i < t->ncells[r]; i++)
            free(t->cells[r][i]);
        free(t->cells[r]);
    }
    free(t->cells);
    free(t->ncells);
}

static size_t col(const table *t, const char *name)
{
    for (size_t i = 0; i < t->ncells[0]; i++)
        if (!strcmp(t->cells[0][i], name))
            return i;
    cr_assert_fail("no column %s", name);
    return 0;
}

/* The row of (group, metric), or -1. */
static long find_row(const table *t, const char *group, const char *metric)
{
    size_t cg = col(t, "group"), cm = col(t, "metric");
    for (size_t r = 1; r < t->nrows; r++)
        if (!strcmp(t->cells[r][cg], group) && !strcmp(t->cells[r][cm], metric))
            return (long)r;
    return -1;
}

static double num(const table *t, long row, const char *name)
{
    cr_assert_geq(row, 1);
    const char *s = t->cells[row][col(t, name)];
    return *s ? strtod(s, NULL) : NAN;
}

/* Write a CSV with `fn` to memory. */
static char *to_memory(int (*fn)(const report_run *, csvio_writer *), const report_run *run,
                       size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    csvio_writer *w = csvio_writer_stream(f);
    cr_assert_eq(fn(run, w), FD_OK);
    cr_assert_eq(csvio_writer_commit(w, NULL), FD_OK);
    csvio_writer_destroy(w);
    fclose(f);
    return buf;
}

Test(report, summary_has_the_schema_and_a_row_per_group_and_metric)
{
    scenario *s = mini();
    known k;
    known_init(&k);
    fixture f = known_run(s, &k, 0);
    size_t len;
    char *buf = to_memory(report_write_summary, &f.run, &len);
    table t = parse(buf, len);
    static const char *const head[] = {
        "group", "orchestration", "fault_domains", "update_domains", "zones", "count",
        "quorum", "metric", "unit", "mean", "sd", "ci_low", "ci_high", "p5", "p50",
        "p95", "p99", "replicas", "partial",
    };
    cr_assert_eq(t.ncells[0], 19);
    for (size_t i = 0; i < 19; i++)
        cr_assert_str_eq(t.cells[0][i], head[i]);
    cr_assert_eq(t.nrows, 1 + 12 + 11, "12 metrics per group, no difference for the baseline");
    for (size_t i = 1; i < t.nrows; i++) {
        cr_assert_eq(t.ncells[i], 19);
        cr_assert_str_eq(t.cells[i][col(&t, "partial")], "0");
    }
    cr_assert_eq(find_row(&t, "a", "downtime_diff_vs_baseline"), -1);
    long row = find_row(&t, "b", "downtime");
    cr_assert_str_eq(t.cells[row][col(&t, "orchestration")], "AvailabilitySet");
    cr_assert_str_eq(t.cells[row][col(&t, "fault_domains")], "2");
    cr_assert_str_eq(t.cells[row][col(&t, "update_domains")], "3");
    cr_assert_str_eq(t.cells[row][col(&t, "zones")], "regional");
    cr_assert_str_eq(t.cells[row][col(&t, "unit")], "min/yr");
    table_free(&t);
    free(buf);
    fixture_free(&f);
    scenario_destroy(s);
}

/* Summary rows with leading cells, into memory. */
static char *rows_to_memory(const report_run *run, const report_lead *lead)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    csvio_writer *w = csvio_writer_stream(f);
    cr_assert_eq(report_write_summary_rows(run, w, lead), FD_OK);
    cr_assert_eq(csvio_writer_commit(w, NULL), FD_OK);
    csvio_writer_destroy(w);
    fclose(f);
    return buf;
}

Test(report, summary_rows_take_leading_cells)
{
    scenario *s = mini();
    known k;
    known_init(&k);
    fixture f = known_run(s, &k, 1);
    const report_run run = f.run;
    size_t len;
    char *plain = to_memory(report_write_summary, &run, &len);
    static const char *const head[] = { "point", "group.b.count" };
    static const char *const cells[] = { "point-07", "3" };
    report_lead lead = { .head = head, .cells = cells, .n = 2, .header = true };
    char *led = rows_to_memory(&run, &lead);
    /* Every line of summary.csv, each after the leading cells. */
    char *want = malloc(2 * len + 4096), *q = want;
    int negatives = 0;
    for (const char *line = plain; *line;) {
        size_t n = strcspn(line, "\n") + 1;
        q += sprintf(q, "%s,%s,", line == plain ? "point" : "point-07",
                     line == plain ? "group.b.count" : "3");
        memcpy(q, line, n);
        q += n;
        line += n;
    }
    *q = '\0';
    for (const char *p = plain; (p = strstr(p, ",-")) != NULL; p++)
        negatives++;
    cr_assert_gt(negatives, 0, "the known input has a negative difference");
    cr_expect_str_eq(led, want);
    /* Without the header; numbers as text: a negative one is guarded. */
    lead.header = false;
    lead.numbers_as_text = true;
    char *text = rows_to_memory(&run, &lead);
    size_t guarded = 0;
    char *bare = strdup(text), *o = bare;
    for (const char *p = text; *p; p++) {
        guarded += p[0] == ',' && p[1] == '\'' && p[2] == '-';
        if (!(p > text && p[-1] == ',' && p[0] == '\'' && p[1] == '-'))
            *o++ = *p;
    }
    *o = '\0';
    cr_expect_str_eq(bare, strstr(led, "\r\n") + 2, "the same rows, the guards aside");
    free(bare);
    cr_expect_eq(guarded, (size_t)negatives);
    free(text);
    free(want);
    free(led);
    free(plain);
    fixture_free(&f);
    scenario_destroy(s);
}

Test(report, t_interval_percentiles_and_wilson_for_a_known_input)
{
    scenario *s = mini();
    known k;
    known_init(&k);
    for (int i = 0; i < 4; i++) /* enough outages behind the estimates for intervals */
        k.rec[i * 2].outages = k.rec[i * 2 + 1].outages = 10 * i;
    fixture f = known_run(s, &k, 0);
    size_t len;
    char *buf = to_memory(report_write_summary, &f.run, &len);
    table t = parse(buf, len);

    /* downtime of a: 10, 20, 30, 40 */
    long row = find_row(&t, "a", "downtime");
    double sd = sqrt(500.0 / 3), half = 3.182446305284263 * sd / 2; /* t(0.975, 3) */
    cr_assert_float_eq(num(&t, row, "mean"), 25, 1e-9);
    cr_assert_float_eq(num(&t, row, "sd"), sd, 1e-8);
    cr_assert_float_eq(num(&t, row, "ci_low"), 25 - half, 1e-7);
    cr_assert_float_eq(num(&t, row, "ci_high"), 25 + half, 1e-7);
    cr_assert_float_eq(num(&t, row, "p5"), 11.5, 1e-9);   /* 10 + 0.15 x 10 */
    cr_assert_float_eq(num(&t, row, "p50"), 25, 1e-9);
    cr_assert_float_eq(num(&t, row, "p95"), 38.5, 1e-9);  /* 30 + 0.85 x 10 */
    cr_assert_float_eq(num(&t, row, "p99"), 39.7, 1e-9);
    cr_assert_eq(num(&t, row, "replicas"), 4);

    /* 45 of 48 months met, 12/11/12/10 per replica: Wilson on the effective
     * months p(1-p)/var, var = sum (met_i - 12p)^2 / (4 x 3 x 12^2) */
    row = find_row(&t, "a", "month_meets_target");
    double p = 45 / 48.0, var = 2.75 / (4 * 3 * 144.0), n = p * (1 - p) / var;
    double z = 1.959963984540054, z2 = z * z;
    double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    double w = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    cr_assert_float_eq(num(&t, row, "mean"), p, 1e-9);
    cr_assert_float_eq(num(&t, row, "ci_low"), centre - w, 1e-9);
    cr_assert_float_eq(num(&t, row, "ci_high"), centre + w, 1e-9);
    cr_assert(isnan(num(&t, row, "sd")) && isnan(num(&t, row, "p50")),
              "no sd or percentiles for a proportion");

    /* paired difference b - a: 3, -1, 5, 9 */
    row = find_row(&t, "b", "downtime_diff_vs_baseline");
    double dm = 4, dsd = sqrt((1 + 25 + 1 + 25) / 3.0), dh = 3.182446305284263 * dsd / 2;
    cr_assert_float_eq(num(&t, row, "mean"), dm, 1e-9);
    cr_assert_float_eq(num(&t, row, "ci_low"), dm - dh, 1e-7);
    cr_assert_float_eq(num(&t, row, "ci_high"), dm + dh, 1e-7);

    /* mean outage length over the 3 replicas that had outages: 5, 10, 15 */
    row = find_row(&t, "a", "outage_mean_length");
    cr_assert_float_eq(num(&t, row, "mean"), 10, 1e-9);
    cr_assert_eq(num(&t, row, "replicas"), 3);
    /* outages per year over a horizon of one year: 0, 10, 20, 30 */
    cr_assert_float_eq(num(&t, find_row(&t, "a", "outages"), "mean"), 15, 1e-9);
    table_free(&t);
    free(buf);
    fixture_free(&f);
    scenario_destroy(s);
}

Test(report, downcount_and_months_for_a_known_input)
{
    scenario *s = mini();
    known k;
    known_init(&k);
    fixture f = known_run(s, &k, 0);
    const report_run run = f.run;
    size_t len;
    char *buf = to_memory(report_write_downcount, &run, &len);
    table t = parse(buf, len);
    cr_assert_eq(t.nrows, 1 + 2 * 4);
    cr_assert_str_eq(t.cells[0][3], "hours_per_year");
    cr_assert_str_eq(t.cells[2][1], "1");
    cr_assert_float_eq(strtod(t.cells[2][2], NULL), 0.01, 1e-12);
    cr_assert_float_eq(strtod(t.cells[2][3], NULL), 87.6, 1e-9);
    table_free(&t);
    free(buf);

    buf = to_memory(report_write_months, &run, &len);
    t = parse(buf, len);
    cr_assert_eq(t.nrows, 1 + 2 * 12);
    static const char *const head[] = { "group", "month", "sla_target_pct", "uptime_mean_pct",
                                        "uptime_p5_pct", "uptime_p50_pct", "share_met",
                                        "replicas" };
    for (size_t i = 0; i < 8; i++)
        cr_assert_str_eq(t.cells[0][i], head[i]);
    /* month 1 of a: 100, 100, 99.9, 99.9 % against a 99.95 % target (default) */
    cr_assert_str_eq(t.cells[1][1], "1");
    cr_assert_float_eq(strtod(t.cells[1][2], NULL), s->groups[0].sla_target, 1e-12);
    cr_assert_float_eq(strtod(t.cells[1][3], NULL), 99.95, 1e-9);
    cr_assert_float_eq(strtod(t.cells[1][6], NULL), s->groups[0].sla_target <= 99.9 ? 1 : 0.5,
                       1e-12);
    cr_assert_float_eq(strtod(t.cells[2][3], NULL), 100, 1e-12, "month 2: no downtime");
    table_free(&t);
    free(buf);
    fixture_free(&f);
    scenario_destroy(s);
}

/* replicas.csv of the known replicas: its header and one block's rows, as
 * report_sink streams them (a writer for to_memory). */
static const known *known_for_replicas;

static int replicas_of_known(const report_run *run, csvio_writer *w)
{
    batch_block blk = { .first = 0, .n = 4, .ngroups = 2, .nmonths = 12,
                        .stats = known_for_replicas->rec,
                        .month_down = known_for_replicas->md };
    report_write_replicas_header(run->s, w);
    report_write_replica_rows(run->s, &blk, w);
    return FD_OK;
}

Test(report, formula_like_group_names_are_written_safely)
{
    scenario *s = mini();
    strcpy(s->groups[0].name, "=cmd");  /* not loadable, but say it were */
    strcpy(s->groups[1].name, "-x");    /* a legal group name */
    known k;
    known_init(&k);
    fixture f = known_run(s, &k, 0);
    const report_run run = f.run;
    int (*const writers[])(const report_run *, csvio_writer *) = {
        report_write_summary, replicas_of_known, report_write_downcount,
        report_write_months,
    };
    known_for_replicas = &k;
    for (size_t k = 0; k < 4; k++) {
        size_t len;
        char *buf = to_memory(writers[k], &run, &len);
        cr_assert_null(strstr(buf, "\n=cmd"), "writer %zu", k);
        cr_assert_null(strstr(buf, ",=cmd"), "writer %zu", k);
        cr_assert_null(strstr(buf, "\n-x"), "writer %zu", k);
        cr_assert_null(strstr(buf, ",-x"), "writer %zu", k);
        table t = parse(buf, len);
        size_t cg = col(&t, "group");
        bool seen[2] = { false, false };
        for (size_t i = 1; i < t.nrows; i++) {
            const char *g = t.cells[i][cg];
            cr_assert(!strcmp(g, "'=cmd") || !strcmp(g, "'-x"), "group cell %s", g);
            seen[g[1] == '-'] = true;
        }
        cr_assert(seen[0] && seen[1]);
        table_free(&t);
        free(buf);
    }
    fixture_free(&f);
    scenario_destroy(s);
}

/* ---------------------------------------------- directory, threads -- */

typedef struct synth {
    const scenario *s;
    volatile sig_atomic_t *stop;
    uint64_t stop_after;
} synth;

typedef struct synth_worker {
    gsl_rng *r;
    const synth *sy;
} synth_worker;

static void *synth_create(void *user)
{
    synth_worker *w = malloc(sizeof *w);
    cr_assert_not_null(w);
    w->r = rng_create();
    w->sy = user;
    return w;
}

static void synth_destroy(void *worker)
{
    synth_worker *w = worker;
    rng_destroy(w->r);
    free(w);
}

/* Draws month downtimes from rng_derive(seed, replica, group) and derives
 * the rest from them, consistently. */
static int synth_replica(void *worker, uint64_t replica, const stats_out *res,
                         uint64_t *events)
{
    stats_replica *out = res->rec;
    double *const *downcount = res->downcount, *const *month_down = res->month_down;
    gsl_rng *r = ((synth_worker *)worker)->r;
    const synth *sy = ((synth_worker *)worker)->sy;
    const scenario *s = sy->s;
    for (size_t g = 0; g < s->ngroups; g++) {
        rng_derive(r, s->seed, replica, g);
        double down = 0, months_met = 0;
        for (int m = 0; m < 12; m++) {
            month_down[g][m] = gsl_rng_uniform(r) < 0.3 ? 3600 * gsl_rng_uniform(r) : 0;
            down += month_down[g][m];
            months_met += 100 * (STATS_MONTH - month_down[g][m]) / STATS_MONTH >=
                          s->groups[g].sla_target;
        }
        int count = s->groups[g].count;
        downcount[g][1] = down * 3;
        downcount[g][count] = down;
        downcount[g][0] = s->horizon - downcount[g][1] - downcount[g][count];
        out[g] = (stats_replica){
            .vm_availability = 1 - (down * 3 + count * down) / (count * s->horizon),
            .service_availability = 1 - down / s->horizon,
            .downtime_min_per_year = down / 60,
            .outages = down > 0,
            .outage_mean_min = down / 60,
            .worst_loss = down > 0 ? count : 1,
            .deficit_vm_hours = down / 3600 * 2,
            .months_met = months_met,
            .months = 12,
        };
    }
    if (sy->stop && replica == sy->stop_after)
        *sy->stop = 1;
    *events = 1;
    return FD_OK;
}

/* Run the synthetic replicas of sy->s on `threads` threads into a sink
 * (with `dir`: replicas.csv streamed into that results directory, not yet
 * committed), keeping up to `cap` replicas exactly (0: the default), with
 * differences against `baseline`.  FD_OK, or report_sink_create's error
 * (then nothing is left to free). */
static int synth_run(synth *sy, int threads, const char *dir, uint64_t cap, size_t baseline,
                     fixture *f, diag *d)
{
    const scenario *s = sy->s;
    memset(f, 0, sizeof *f);
    int rc = report_sink_create(&f->sink, s, baseline, dir, cap, d);
    if (rc != FD_OK)
        return rc;
    int counts[SCEN_MAX_GROUPS];
    for (size_t g = 0; g < s->ngroups; g++)
        counts[g] = s->groups[g].count;
    batch_spec spec = {
        .ngroups = s->ngroups, .counts = counts, .nmonths = 12,
        .replicas = (uint64_t)s->replicas, .threads = threads,
        .worker_create = synth_create, .worker_destroy = synth_destroy,
        .replica = synth_replica, .user = sy, .consume = report_sink_consume,
        .sink = f->sink, .stop = sy->stop,
    };
    cr_assert_eq(batch_run(&spec, &f->r, NULL), FD_OK);
    f->run = (report_run){ .s = s, .r = f->r, .digest = report_sink_digest(f->sink),
                           .baseline = baseline };
    return FD_OK;
}

/* A whole results directory of the synthetic replicas: FD_OK, or the
 * error of the sink or the commit (nothing left behind but what was
 * there). */
static int synth_dir(synth *sy, int threads, const char *dir, uint64_t cap, size_t baseline,
                     const char *cmdline, diag *d)
{
    fixture f;
    int rc = synth_run(sy, threads, dir, cap, baseline, &f, d);
    if (rc != FD_OK)
        return rc;
    f.run.cmdline = cmdline;
    rc = report_sink_commit(f.sink, &f.run, d);
    fixture_free(&f);
    return rc;
}

/* The default scenario, as a plain run of a fixed count (the fixtures'
 * replicas are synthetic plain ones), with one more override. */
static scenario *default_with(const char *set)
{
    scenario *s = NULL;
    const char *sets[] = { "simulation.estimator=plain", "simulation.precision=0", set };
    cr_assert_eq(scenario_load_default(&s, sets, set ? 3 : 2, NULL, NULL), FD_OK);
    return s;
}

/* A fresh temporary directory name (not created). */
static void tmpdir(char *out, size_t size, const char *leaf)
{
    char base[] = "/tmp/fdsim-report-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    snprintf(out, size, "%s/%s", base, leaf);
}

/* Names in `dir`, sorted, as one string "a b c". */
static void listing(const char *dir, char *out, size_t size)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    cr_assert_geq(n, 0, "%s", dir);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            if (out[0])
                strncat(out, " ", size - strlen(out) - 1);
            strncat(out, names[i]->d_name, size - strlen(out) - 1);
        }
        free(names[i]);
    }
    free(names);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *buf;
    cr_assert_eq(csvio_slurp(path, 64 << 20, &buf, len, NULL), FD_OK, "%s", path);
    return buf;
}

Test(report, directory_holds_every_file_and_no_temporary)
{
    scenario *s = default_with("simulation.replicas=50");
    synth sy = { .s = s };
    char dir[256], names[512];
    tmpdir(dir, sizeof dir, "results");
    diag d;
    diag_clear(&d);
    fixture f;
    cr_assert_eq(synth_run(&sy, 2, dir, 0, 1, &f, &d), FD_OK, "%s", d.msg);
    listing(dir, names, sizeof names);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "replicas.csv.tmp-%ld", (long)getpid());
    cr_assert_str_eq(names, tmp, "during the run only replicas.csv's temporary file");
    f.run.cmdline = "fdsim run -n 50";
    cr_assert_eq(report_sink_commit(f.sink, &f.run, &d), FD_OK, "%s", d.msg);
    fixture_free(&f);
    listing(dir, names, sizeof names);
    cr_assert_str_eq(names, "downcount.csv months.csv replicas.csv run.ini summary.csv");
    size_t nfiles = 0;
    for (const char *const *f = report_files; *f; f++)
        nfiles++;
    cr_assert_eq(nfiles, 5);
    /* Writing again over it replaces the files and still leaves no temporary. */
    cr_assert_eq(synth_dir(&sy, 2, dir, 0, 1, "fdsim run -n 50", &d), FD_OK, "%s", d.msg);
    listing(dir, names, sizeof names);
    cr_assert_str_eq(names, "downcount.csv months.csv replicas.csv run.ini summary.csv");
    table t = parse_file(strcat(strcpy(names, dir), "/replicas.csv"));
    cr_assert_eq(t.nrows, 1 + 50 * s->ngroups);
    cr_assert_eq(t.ncells[0], 14);
    cr_assert_str_eq(t.cells[0][0], "replica");
    cr_assert_str_eq(t.cells[0][5], "service_unavailability");
    cr_assert_str_eq(t.cells[0][13], "alloc_failures");
    for (size_t i = 1; i < t.nrows; i++) /* in replica order, every group */
        cr_assert_eq(strtoull(t.cells[i][0], NULL, 10), (i - 1) / s->ngroups);
    table_free(&t);
    scenario_destroy(s);
}

Test(report, a_failed_write_commits_nothing_and_leaves_nothing)
{
    scenario *s = default_with("simulation.replicas=20");
    synth sy = { .s = s };
    char dir[256], path[512], names[512];
    diag d;

    /* The target's parent is a file: cannot create it. */
    tmpdir(dir, sizeof dir, "file");
    FILE *f = fopen(dir, "w");
    cr_assert_not_null(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/results", dir);
    diag_clear(&d);
    cr_assert_eq(synth_dir(&sy, 1, path, 0, 0, NULL, &d), FD_EIO);
    cr_assert_neq(d.msg[0], '\0');
    /* The target is a file. */
    diag_clear(&d);
    cr_assert_eq(synth_dir(&sy, 1, dir, 0, 0, NULL, &d), FD_EIO);
    cr_assert(strstr(d.msg, "not a directory"), "%s", d.msg);

    /* A write fails half way (the third file's temporary name is taken by
     * a directory): nothing is committed, every temporary file removed. */
    tmpdir(dir, sizeof dir, "results");
    cr_assert_eq(mkdir(dir, 0777), 0);
    snprintf(path, sizeof path, "%s/months.csv.tmp-%ld", dir, (long)getpid());
    cr_assert_eq(mkdir(path, 0777), 0);
    diag_clear(&d);
    cr_assert_eq(synth_dir(&sy, 1, dir, 0, 0, NULL, &d), FD_EIO);
    listing(dir, names, sizeof names);
    char expect[64];
    snprintf(expect, sizeof expect, "months.csv.tmp-%ld", (long)getpid());
    cr_assert_str_eq(names, expect, "only our obstacle is left");
    rmdir(path);

    /* A directory we cannot write to (only meaningful when not root). */
    if (geteuid() != 0) {
        cr_assert_eq(chmod(dir, 0555), 0);
        diag_clear(&d);
        cr_assert_eq(synth_dir(&sy, 1, dir, 0, 0, NULL, &d), FD_EIO);
        listing(dir, names, sizeof names);
        cr_assert_str_eq(names, "");
        chmod(dir, 0755);
    }
    /* A directory the sink made is removed when nothing is committed. */
    fixture fx;
    tmpdir(dir, sizeof dir, "made");
    cr_assert_eq(synth_run(&sy, 1, dir, 0, 0, &fx, &d), FD_OK, "%s", d.msg);
    struct stat st;
    cr_assert_eq(stat(dir, &st), 0, "made at the start of the run");
    fixture_free(&fx);
    cr_assert_neq(stat(dir, &st), 0, "removed with its temporary file");
    scenario_destroy(s);
}

/* Every file of the directory, the same bytes for 1, 2 and 4 threads,
 * with every replica kept exactly (the default cap) and past a cap of 100
 * (P² percentiles, Welford sds, histogram percentiles of the counts). */
Test(report, bytes_identical_for_1_2_4_threads)
{
    scenario *s = default_with("simulation.replicas=333");
    for (uint64_t cap = 0; cap <= 100; cap += 100) {
        char dirs[3][256];
        for (int i = 0; i < 3; i++) {
            synth sy = { .s = s };
            tmpdir(dirs[i], sizeof dirs[i], "out");
            cr_assert_eq(synth_dir(&sy, 1 << i, dirs[i], cap, 2, "fdsim run", NULL), FD_OK);
        }
        for (const char *const *f = report_files; *f; f++) {
            size_t la, lb;
            char *a = slurp(dirs[0], *f, &la);
            for (int i = 1; i < 3; i++) {
                char *b = slurp(dirs[i], *f, &lb);
                cr_assert(la == lb && memcmp(a, b, la) == 0,
                          "%s differs with %d threads (cap %llu)", *f, 1 << i,
                          (unsigned long long)cap);
                free(b);
            }
            free(a);
        }
    }
    scenario_destroy(s);
}

Test(report, partial_runs_are_marked_and_reproducible)
{
    scenario *s = default_with("simulation.replicas=1000");
    volatile sig_atomic_t stop = 0;
    synth sy = { .s = s, .stop = &stop, .stop_after = 99 };
    char dir[256];
    tmpdir(dir, sizeof dir, "partial");
    fixture fx;
    cr_assert_eq(synth_run(&sy, 1, dir, 0, 0, &fx, NULL), FD_OK);
    const batch_result *r = fx.r;
    cr_assert(r->partial);
    cr_assert_eq(r->replicas, 100);
    const report_run run = fx.run;
    cr_assert_eq(report_sink_commit(fx.sink, &run, NULL), FD_OK);
    /* replicas.csv holds exactly the prefix the results cover */
    char path[512];
    snprintf(path, sizeof path, "%s/replicas.csv", dir);
    table rt = parse_file(path);
    cr_assert_eq(rt.nrows, 1 + 100 * s->ngroups);
    cr_assert_str_eq(rt.cells[rt.nrows - 1][0], "99");
    table_free(&rt);
    size_t len;
    char *buf = to_memory(report_write_summary, &run, &len);
    table t = parse(buf, len);
    for (size_t i = 1; i < t.nrows; i++) {
        cr_assert_str_eq(t.cells[i][col(&t, "partial")], "1");
        if (strcmp(t.cells[i][col(&t, "metric")], "outage_mean_length"))
            cr_assert_str_eq(t.cells[i][col(&t, "replicas")], "100");
    }
    table_free(&t);
    free(buf);

    /* run.ini says so, and records the 100 replicas the results cover */
    char *ini = NULL;
    FILE *f = open_memstream(&ini, &len);
    cr_assert_eq(report_write_ini(&run, f), 0);
    fclose(f);
    cr_assert(strstr(ini, "; partial: yes"), "%s", ini);
    cr_assert(strstr(ini, "; replicas: 100 of 1000"));
    scenario *again = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&again, ini, len, "run.ini", ".", NULL, 0, NULL, &d),
                 FD_OK, "%s", d.msg);
    cr_assert_eq(again->replicas, 100);
    cr_assert_eq(again->seed, s->seed);
    scenario_destroy(again);
    free(ini);
    fixture_free(&fx);
    scenario_destroy(s);
}

Test(report, run_ini_reloads_to_the_same_scenario)
{
    scenario *s = default_with("simulation.seed=18446744073709551615");
    synth sy = { .s = s };
    fixture fx;
    cr_assert_eq(synth_run(&sy, 2, NULL, 0, 0, &fx, NULL), FD_OK);
    report_run run = fx.run;
    run.cmdline = "fdsim run --seed 'x\ny'";
    char *ini = NULL;
    size_t len;
    FILE *f = open_memstream(&ini, &len);
    cr_assert_eq(report_write_ini(&run, f), 0);
    fclose(f);
    cr_assert(strstr(ini, "; fdsim " FDSIM_VERSION));
    cr_assert(strstr(ini, "; command: fdsim run --seed 'x y'"), "no line break in a comment");
    cr_assert(strstr(ini, "; partial: no"));
    scenario *again = NULL;
    cr_assert_eq(scenario_load_text(&again, ini, len, "run.ini", ".", NULL, 0, NULL, NULL),
                 FD_OK);
    /* Written again, both give the same INI below scenario_write's first line. */
    char *a = NULL, *b = NULL;
    size_t la, lb;
    f = open_memstream(&a, &la);
    scenario_write(s, f);
    fclose(f);
    f = open_memstream(&b, &lb);
    scenario_write(again, f);
    fclose(f);
    cr_assert_str_eq(strchr(a, '\n'), strchr(b, '\n'));
    free(a);
    free(b);
    free(ini);
    scenario_destroy(again);
    fixture_free(&fx);
    scenario_destroy(s);
}

Test(report, table_shows_every_group_side_by_side)
{
    scenario *s = default_with("simulation.replicas=40");
    synth sy = { .s = s };
    fixture fx;
    cr_assert_eq(synth_run(&sy, 2, NULL, 0, 1, &fx, NULL), FD_OK);
    const report_run run = fx.run;
    char *out = NULL;
    size_t len;
    FILE *f = open_memstream(&out, &len);
    cr_assert_eq(report_print_table(&run, f), 0);
    fclose(f);
    for (size_t g = 0; g < s->ngroups; g++)
        cr_assert(strstr(out, s->groups[g].name), "%s", s->groups[g].name);
    cr_assert(strstr(out, "(baseline)"));
    cr_assert(strstr(out, "against flex-fd3"));
    cr_assert(strstr(out, "service availability"));
    cr_assert(strstr(out, "P(month meets target)"));
    cr_assert(strstr(out, "FD max / no UD"));
    cr_assert(strstr(out, "FD 3 / UD 5"));
    for (char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        size_t n = strcspn(line, "\n");
        cr_assert_leq(n, 100, "lines fit 100 columns");
    }
    free(out);
    fixture_free(&fx);
    scenario_destroy(s);
}

/* Write summary.csv / months.csv / the table for a result into memory. */
static char *table_text(const report_run *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(report_print_table(run, f), 0);
    fclose(f);
    return buf;
}

/* No outage in any replica: no [0, 0] interval anywhere, but what the run
 * supports (the rule-of-three bound on outages); no SLA where none is
 * published; every figure in its range and in full precision. */
Test(report, no_outage_and_no_sla_are_said_not_faked)
{
    scenario *s = mini();
    s->groups[1].sla_target = NAN; /* as scenario.c leaves a group with no SLA */
    known k;
    known_init(&k);
    for (int i = 0; i < 4; i++)
        for (int g = 0; g < 2; g++) {
            stats_replica *p = &k.rec[i * 2 + g];
            p->downtime_min_per_year = p->outages = p->outage_mean_min = 0;
            p->deficit_vm_hours = 0;
            p->service_unavailability = 0;
            p->service_availability = 1;
            p->vm_unavailability = 3.7e-12 * (i + 1);
            p->vm_availability = 1 - p->vm_unavailability;
        }
    fixture f = known_run(s, &k, 0);
    const report_run run = f.run;
    size_t len;
    char *buf = to_memory(report_write_summary, &run, &len);
    table t = parse(buf, len);
    long row = find_row(&t, "a", "downtime");
    cr_assert_eq(num(&t, row, "mean"), 0);
    cr_assert_eq(num(&t, row, "ci_low"), 0);
    cr_assert(isnan(num(&t, row, "ci_high")), "no upper end, not [0, 0]");
    row = find_row(&t, "a", "service_availability");
    cr_assert(isnan(num(&t, row, "ci_low")));
    cr_assert_eq(num(&t, row, "ci_high"), 1);
    row = find_row(&t, "a", "outages");
    cr_assert_float_eq(num(&t, row, "ci_high"), 2.995732273553991 / 4, 1e-12,
                       "rule of three over 4 replica-years");
    row = find_row(&t, "a", "vm_unavailability");
    cr_assert_eq(num(&t, row, "mean"), 9.25e-12, "full precision, computed directly");
    row = find_row(&t, "a", "vm_availability");
    cr_assert_eq(num(&t, row, "mean"), 1 - 9.25e-12, "round-trip exact");
    row = find_row(&t, "b", "month_meets_target");
    cr_assert_neq(row, -1, "the row stays, with empty cells");
    cr_assert(isnan(num(&t, row, "mean")) && isnan(num(&t, row, "ci_low")));
    cr_assert(!isnan(num(&t, find_row(&t, "a", "month_meets_target"), "mean")));
    for (size_t i = 1; i < t.nrows; i++)
        for (size_t c = col(&t, "mean"); c <= col(&t, "ci_high"); c++)
            cr_assert(t.cells[i][c][0] != '-' || !strcmp(t.cells[i][7],
                      "downtime_diff_vs_baseline"), "row %zu: %s", i, t.cells[i][c]);
    table_free(&t);
    free(buf);
    buf = to_memory(report_write_months, &run, &len);
    t = parse(buf, len);
    for (size_t i = 1; i < t.nrows; i++)
        if (!strcmp(t.cells[i][0], "b")) {
            cr_assert_str_eq(t.cells[i][2], "", "no target");
            cr_assert_str_eq(t.cells[i][6], "", "no share met");
        }
    table_free(&t);
    free(buf);
    char *text = table_text(&run);
    cr_assert(strstr(text, "no outage in 4 replica-yr"), "%s", text);
    cr_assert(strstr(text, "no outage in either"), "%s", text);
    cr_assert(strstr(text, "no SLA"), "%s", text);
    cr_assert(strstr(text, "- (no target)"), "%s", text);
    cr_assert_null(strstr(text, "[0, 0]"), "%s", text);
    cr_assert_null(strstr(text, "+0 [+0, +0]"), "%s", text);
    cr_assert_null(strstr(text, "-0.0"), "%s", text);
    free(text);
    fixture_free(&f);
    scenario_destroy(s);
}

/* Enough outages: the downtime interval is clipped at 0, not negative;
 * table figures carry the digits the interval supports, not twelve
 * decimals.  Too few (one): no interval at all, in the CSV or the table,
 * and an exact Poisson interval on the outage rate. */
Test(report, intervals_stay_in_range_and_digits_follow_the_interval)
{
    scenario *s = mini();
    known k;
    known_init(&k);
    for (int i = 0; i < 4; i++) {
        stats_replica *p = &k.rec[i * 2 + 1];
        p->downtime_min_per_year = i == 3 ? 0.1 : 0;
        p->outages = i == 3 ? REPORT_MIN_OUTAGES : 0;
        p->service_unavailability = p->downtime_min_per_year / (365 * 1440.0);
        p->service_availability = 1 - p->service_unavailability;
    }
    fixture f = known_run(s, &k, 0);
    report_run run = f.run;
    size_t len;
    char *buf = to_memory(report_write_summary, &run, &len);
    table t = parse(buf, len);
    long row = find_row(&t, "b", "downtime");
    cr_assert_eq(num(&t, row, "ci_low"), 0, "clipped at 0, not negative");
    cr_assert_float_eq(num(&t, row, "mean"), 0.025, 1e-15);
    row = find_row(&t, "b", "service_availability");
    cr_assert_eq(num(&t, row, "ci_high"), 1);
    cr_assert_leq(num(&t, row, "ci_low"), 1);
    table_free(&t);
    free(buf);
    char *text = table_text(&run);
    /* sd 0.05 over 4: half-width 0.0796 -> 2 significant digits: 3 decimals;
     * an end that is exactly 0 prints as 0 */
    cr_assert(strstr(text, "0.025 [0, 0.105]"), "%s", text);
    free(text);

    k.rec[3 * 2 + 1].outages = 1;
    fixture_free(&f);
    f = known_run(s, &k, 0);
    run = f.run;
    buf = to_memory(report_write_summary, &run, &len);
    t = parse(buf, len);
    const char *metrics_without[] = { "downtime", "service_availability",
                                      "service_unavailability", "capacity_deficit" };
    for (size_t m = 0; m < 4; m++) {
        row = find_row(&t, "b", metrics_without[m]);
        cr_assert_str_eq(t.cells[row][col(&t, "ci_low")], "", "%s", metrics_without[m]);
        cr_assert_str_eq(t.cells[row][col(&t, "ci_high")], "", "%s", metrics_without[m]);
    }
    row = find_row(&t, "b", "outages");
    double years = 4 * s->horizon / (365 * 86400.0);
    cr_assert_float_eq(num(&t, row, "ci_low"), 0.0253 / years, 1e-3 / years); /* chi2(.025; 2)/2 */
    cr_assert_float_eq(num(&t, row, "ci_high"), 5.5716 / years, 1e-3 / years); /* chi2(.975; 4)/2 */
    table_free(&t);
    free(buf);
    text = table_text(&run);
    cr_assert(strstr(text, "none: 1 outage"), "%s", text);
    cr_assert(strstr(text, "too few for a 95 % interval"), "%s", text);
    free(text);
    fixture_free(&f);
    scenario_destroy(s);
}
