/* Tests of verdict: each group against its target (meets, misses,
 * undecided, on an estimate, no outage, no target), the ranking and its
 * ties (paired t on common random numbers; exact counts test for rare
 * outages), the ranks, and the printed lines. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "batch.h"
#include "report.h"
#include "rng.h"
#include "scenario.h"
#include "verdict.h"
#include "support.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define R 200 /* replicas */

/* Groups, in scenario order, and each one's downtime per replica. */
enum { PERFECT, RARE, NONE, GOOD, GOOD2, GOOD3, CLOSE, BAD, NG };
static const char *const names[NG] = {
    "perfect", "rare", "none", "good", "good2", "good3", "close", "bad",
};

static scenario *load(void)
{
    char ini[4096];
    size_t len = (size_t)snprintf(ini, sizeof ini,
        "[simulation]\nreplicas = %d\n[region]\nname = eastus\nracksPerZone = 8\n", R);
    for (int g = 0; g < NG; g++)
        len += (size_t)snprintf(ini + len, sizeof ini - len,
                                "[group.%s]\ncount = 3\nquorum = 2\nslaTarget = 99.95\n",
                                names[g]);
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, ini, len, "t.ini", ".", NULL, 0, NULL, &d), FD_OK,
                 "%s", d.msg);
    s->groups[NONE].sla_target = NAN; /* as a group with no published SLA */
    return s;
}

/* Group g's downtime (min/yr) and outages in replica i; `noise` is the
 * replica's shared draw (common random numbers: every group sees it). */
static void replica_of(int g, int i, double noise, double *down, double *outages)
{
    *outages = 1;
    switch (g) {
    case PERFECT: *down = 0; *outages = 0; break;
    case RARE: *down = i < 3 ? 5 : 0; *outages = i < 3; break;
    case NONE: *down = 50 + 0.1 * noise; break;
    case GOOD: case GOOD2: *down = 100 + 30 * noise; break;
    case GOOD3: *down = 101 + 30 * noise; break; /* 1 min/yr worse, every replica */
    case CLOSE: *down = 262.8 + 150 * noise; break;
    case BAD: *down = 400 + 30 * noise; break;
    }
    if (*down < 0)
        *down = 0;
}

typedef struct fixture {
    scenario *s;
    batch_result *r;
    report_sink *sink;
    report_run run;
} fixture;

static fixture make(void)
{
    fixture f = { .s = load() };
    batch_result *r = f.r = calloc(1, sizeof *r);
    r->ngroups = NG;
    r->nmonths = 12;
    r->requested = r->replicas = R;
    r->counts = calloc(NG, sizeof *r->counts);
    r->downcount = calloc(NG, sizeof *r->downcount);
    for (int g = 0; g < NG; g++) {
        r->counts[g] = 3;
        r->downcount[g] = calloc(4, sizeof(double));
    }
    cr_assert_eq(report_sink_create(&f.sink, f.s, 0, NULL, 0, NULL), FD_OK);
    stats_replica rec[R * NG];
    static double md[R * NG * 12];
    memset(rec, 0, sizeof rec);
    memset(md, 0, sizeof md);
    gsl_rng *rng = rng_create();
    for (int i = 0; i < R; i++) {
        rng_derive(rng, 5, (uint64_t)i, 0);
        double noise = gsl_ran_gaussian(rng, 1);
        for (int g = 0; g < NG; g++) {
            stats_replica *p = &rec[i * NG + g];
            double down, outages;
            replica_of(g, i, noise, &down, &outages);
            p->downtime_min_per_year = down;
            p->service_unavailability = down / (365 * 1440.0);
            p->service_availability = 1 - p->service_unavailability;
            p->vm_availability = 1;
            p->outages = outages;
            p->outage_mean_min = outages ? down / outages : 0;
            p->months = 12;
            /* all the downtime in month 1: it meets 99.95 % when under 21.9 min */
            md[(i * NG + g) * 12] = down * 60;
            p->months_met = 11 + (100 * (STATS_MONTH - down * 60) / STATS_MONTH >= 99.95);
        }
    }
    rng_destroy(rng);
    batch_block blk = { .first = 0, .n = R, .ngroups = NG, .nmonths = 12, .stats = rec,
                        .month_down = md };
    cr_assert_eq(report_sink_consume(f.sink, &blk, NULL), FD_OK);
    f.run = (report_run){ .s = f.s, .r = r, .digest = report_sink_digest(f.sink) };
    return f;
}

static void fixture_free(fixture *f)
{
    batch_result_destroy(f->r);
    report_sink_destroy(f->sink);
    scenario_destroy(f->s);
}

Test(verdict, each_group_against_its_target)
{
    fixture f = make();
    verdict *v = NULL;
    cr_assert_eq(verdict_create(&v, &f.run), FD_OK);
    static const struct {
        int g;
        verdict_outcome o;
        verdict_basis b;
    } want[] = {
        { PERFECT, VERDICT_MEETS, VERDICT_NO_OUTAGE },
        { RARE, VERDICT_MEETS, VERDICT_ESTIMATE },
        { NONE, VERDICT_NO_TARGET, VERDICT_INTERVAL },
        { GOOD, VERDICT_MEETS, VERDICT_INTERVAL },
        { CLOSE, VERDICT_UNDECIDED, VERDICT_INTERVAL },
        { BAD, VERDICT_MISSES, VERDICT_INTERVAL },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const verdict_group *vg = &v->groups[want[i].g];
        cr_expect_eq(vg->outcome, want[i].o, "%s: %s", names[want[i].g],
                     verdict_outcome_name(vg->outcome));
        cr_expect_eq(vg->basis, want[i].b, "%s: %s", names[want[i].g],
                     verdict_basis_name(vg->basis));
    }
    /* the interval is the report's, in percent */
    stats_summary a = report_summary(&f.run, BAD, REPORT_SVC_AVAIL);
    cr_expect_float_eq(v->groups[BAD].low_pct, 100 * a.ci_low, 1e-12);
    cr_expect(v->groups[BAD].high_pct < 99.95);
    cr_expect(isnan(v->groups[RARE].low_pct), "no interval on 3 outages");
    /* P(month meets): 11 of 12 months for the groups down every replica */
    cr_expect_float_eq(v->groups[BAD].month.mean, 11.0 / 12, 1e-12);
    cr_expect(isnan(v->groups[NONE].month.mean));
    verdict_destroy(v);
    fixture_free(&f);
}

Test(verdict, ranks_and_ties)
{
    fixture f = make();
    verdict *v = NULL;
    cr_assert_eq(verdict_create(&v, &f.run), FD_OK);
    static const int order[NG] = { PERFECT, RARE, NONE, GOOD, GOOD2, GOOD3, CLOSE, BAD };
    static const size_t rank[NG] = { 1, 1, 3, 4, 4, 6, 7, 8 };
    for (int k = 0; k < NG; k++) {
        cr_expect_eq(v->order[k], (size_t)order[k], "position %d: %s", k, names[v->order[k]]);
        cr_expect_eq(v->groups[order[k]].rank, rank[k], "%s", names[order[k]]);
    }
    /* 0 vs 3 outages: p = 2 * 0.5^3 = 0.25, tied */
    const verdict_pair *p = verdict_pair_at(v, PERFECT, RARE);
    cr_expect_eq(p->test, VERDICT_OUTAGE_COUNTS);
    cr_expect_float_eq(p->p_value, 0.25, 1e-12);
    cr_expect(p->tied);
    /* 0 vs 200 outages: not tied */
    cr_expect(!verdict_pair_at(v, PERFECT, NONE)->tied);
    /* identical downtime: the paired difference is 0, tied */
    p = verdict_pair_at(v, GOOD, GOOD2);
    cr_expect_eq(p->test, VERDICT_PAIRED_T);
    cr_expect(p->tied);
    /* 1 min/yr worse in every replica: the marginal intervals (sd 30)
     * overlap, the paired one does not hold 0 */
    stats_summary a = report_summary(&f.run, GOOD, REPORT_DOWNTIME);
    stats_summary b = report_summary(&f.run, GOOD3, REPORT_DOWNTIME);
    cr_expect(a.ci_high > b.ci_low, "the marginal intervals overlap");
    p = verdict_pair_at(v, GOOD3, GOOD);
    cr_expect(!p->tied);
    cr_expect_float_eq(p->diff.mean, 1.0, 1e-9);
    cr_expect_float_eq(verdict_pair_at(v, GOOD, GOOD3)->diff.mean, -1.0, 1e-9);
    verdict_destroy(v);
    fixture_free(&f);
}

Test(verdict, prints_a_line_per_group_and_the_ranking, .init = cr_redirect_stdout)
{
    fixture f = make();
    verdict *v = NULL;
    cr_assert_eq(verdict_create(&v, &f.run), FD_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    cr_assert_eq(verdict_print(v, &f.run, m), 0);
    fclose(m);
    const char *want[] = {
        "  perfect: MEETS its 99.95 % target: no outage in 200 replica-years",
        "  rare: meets its 99.95 % target on its estimate only",
        "  none: no SLA target to judge",
        "  bad: MISSES its 99.95 % target",
        "  close: too close to call against its 99.95 % target",
        "about 1 month in 12 misses it",
        "    1. perfect  100 % (no outage in 200 replica-yr); tied with rare\n",
        "    4. good2 ",
        "; tied with good\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_expect_not_null(strstr(buf, want[i]), "missing \"%s\" in:\n%s", want[i], buf);
    for (char *line = buf; *line;) {
        size_t n = strcspn(line, "\n");
        cr_expect_leq(n, 100, "a line past 100 columns: %.*s", (int)n, line);
        line += n + (line[n] == '\n');
    }
    free(buf);
    verdict_destroy(v);
    fixture_free(&f);
}

/* The restart estimator's interval rests on its root replicas with an
 * outage, not on its weighted outage count (a few 1e-8): the default
 * scenario's run, precise to +-10 %, is judged on its intervals. */
Test(verdict, a_restart_estimate_is_judged_on_its_interval, .init = cr_redirect_stdout)
{
    char dir[] = "/tmp/fdsim-verdict-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[64];
    snprintf(out, sizeof out, "%s/r", dir);
    cr_assert_eq(RUN("run", "-o", out), 0);
    fflush(stdout);
    FILE *f = cr_get_redirected_stdout();
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    int meets = 0;
    for (const char *p = text; (p = strstr(p, "MEETS its 99.95 % target in the long run")); p++)
        meets++;
    cr_expect_eq(meets, 4, "every group meets its target on its interval:\n%s", text);
    cr_expect_null(strstr(text, "on its estimate only"));
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}
