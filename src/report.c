/*
 * report: results directory and terminal table (see report.h).
 *
 * Every figure comes from the run's digest (digest.h), which reduced the
 * replicas in replica order as they came, so the bytes written depend only
 * on the scenario and the replicas completed, never on threads or timing;
 * replicas.csv is written as they come (report_sink), never held.
 */
#include "report.h"

#include "alloc.h"
#include "place.h"
#include "stats.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define YEAR_S (365.0 * 86400.0)
#define MIN_PER_YEAR (365.0 * 1440.0)

/* Write x as the shortest of %.15g, %.16g, %.17g that reads back as the
 * same double (full precision: a five-nines planner needs every digit of
 * 0.99999999963), with -0 written as 0 and NAN as an empty cell. */
static void num_cell(csvio_writer *w, double x)
{
    static const char *const fmts[] = { "%.15g", "%.16g", "%.17g" };
    char buf[64];
    x += 0.0;
    if (isnan(x)) {
        csvio_cell_digits(w, "");
        return;
    }
    if (x == floor(x) && fabs(x) < 1e15) { /* what %.15g writes, without printf */
        char *p = buf + sizeof buf;
        long long v = (long long)x;
        unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
        *--p = '\0';
        do
            *--p = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        if (v < 0)
            *--p = '-';
        csvio_cell_digits(w, p);
        return;
    }
    /* the shortest of the three: 17 digits always read back; most values
     * need 16 or 17, so try 16 first, then 15 only when 16 does */
    snprintf(buf, sizeof buf, fmts[1], x);
    if (strtod(buf, NULL) != x) {
        snprintf(buf, sizeof buf, fmts[2], x);
    } else {
        char shorter[64];
        snprintf(shorter, sizeof shorter, fmts[0], x);
        if (strtod(shorter, NULL) == x)
            memcpy(buf, shorter, sizeof buf);
    }
    csvio_cell_digits(w, buf);
}

const char *const report_files[] = {
    "replicas.csv", "downcount.csv", "months.csv", "run.ini", "summary.csv", NULL,
};

/* The metrics of summary.csv, in row order (report.h). */
enum {
    M_VM_AVAIL = REPORT_VM_AVAIL,
    M_SVC_AVAIL = REPORT_SVC_AVAIL,
    M_VM_UNAVAIL = REPORT_VM_UNAVAIL,
    M_SVC_UNAVAIL = REPORT_SVC_UNAVAIL,
    M_DOWNTIME = REPORT_DOWNTIME,
    M_OUTAGES = REPORT_OUTAGES,
    M_OUTAGE_LEN = REPORT_OUTAGE_LEN,
    M_WORST = REPORT_WORST,
    M_DEFICIT = REPORT_DEFICIT,
    M_ALLOC = REPORT_ALLOC,
    M_MONTHS = REPORT_MONTHS,
    M_DIFF = REPORT_DIFF,
    M_COUNT = REPORT_NMETRICS
};

static const struct {
    const char *name; /* metric column */
    const char *unit; /* unit column */
} metrics[M_COUNT] = {
    [M_VM_AVAIL] = { "vm_availability", "fraction" },
    [M_SVC_AVAIL] = { "service_availability", "fraction" },
    [M_VM_UNAVAIL] = { "vm_unavailability", "fraction" },
    [M_SVC_UNAVAIL] = { "service_unavailability", "fraction" },
    [M_DOWNTIME] = { "downtime", "min/yr" },
    [M_OUTAGES] = { "outages", "count/yr" },
    [M_OUTAGE_LEN] = { "outage_mean_length", "min" },
    [M_WORST] = { "worst_loss", "VMs" },
    [M_DEFICIT] = { "capacity_deficit", "VM-hours/yr" },
    [M_ALLOC] = { "alloc_failures", "VMs" },
    [M_MONTHS] = { "month_meets_target", "probability" },
    [M_DIFF] = { "downtime_diff_vs_baseline", "min/yr" },
};

const char *report_metric_name(report_metric m)
{
    assert(m >= 0 && m < REPORT_NMETRICS);
    return metrics[m].name;
}

const char *report_metric_unit(report_metric m)
{
    assert(m >= 0 && m < REPORT_NMETRICS);
    return metrics[m].unit;
}

int report_metric_find(const char *name)
{
    for (int m = 0; m < M_COUNT; m++)
        if (!strcmp(metrics[m].name, name))
            return m;
    return -1;
}

/* The digest's metric behind a per-replica metric of summary.csv. */
static digest_metric metric_of(int m)
{
    static const digest_metric map[M_COUNT] = {
        [M_VM_AVAIL] = DIGEST_VM_AVAIL, [M_SVC_AVAIL] = DIGEST_SVC_AVAIL,
        [M_VM_UNAVAIL] = DIGEST_VM_UNAVAIL, [M_SVC_UNAVAIL] = DIGEST_SVC_UNAVAIL,
        [M_DOWNTIME] = DIGEST_DOWNTIME, [M_OUTAGES] = DIGEST_OUTAGES,
        [M_OUTAGE_LEN] = DIGEST_OUTAGE_LEN, [M_WORST] = DIGEST_WORST,
        [M_DEFICIT] = DIGEST_DEFICIT, [M_ALLOC] = DIGEST_ALLOC, [M_DIFF] = DIGEST_DIFF,
    };
    assert(m != M_MONTHS && m >= 0 && m < M_COUNT);
    return map[m];
}

/* Service outages of group g over all replicas. */
static double total_outages(const report_run *run, size_t g)
{
    return digest_outages(run->digest, g);
}

/* Replica-years the run covers. */
static double replica_years(const report_run *run)
{
    return (double)run->r->replicas * run->s->horizon / YEAR_S;
}

/* Whether the run used the rare-event estimator: a replica is then a root
 * replica, its figures the weighted estimate of its tree (rare.h). */
static bool restart(const report_run *run)
{
    return run->s->estimator == ESTIMATOR_RESTART;
}

/* What group g's service figures rest on: its outages (plain), or the root
 * replicas whose tree saw an outage that counts (restart: their weighted
 * outages are no count). */
static double evidence(const report_run *run, size_t g)
{
    return restart(run) ? (double)digest_with_outage(run->digest, g) : total_outages(run, g);
}

/* Whether group g's service figures rest on too few outages for an
 * interval: some, but fewer than REPORT_MIN_OUTAGES (for restart, root
 * replicas with an outage).  Below that the per-replica downtime is so
 * skewed (mostly zeros, a few outages) that a t-interval covers far less
 * than 95 % (about 50 % with under 10 outages, measured against k-of-n
 * closed forms), so none is given. */
static bool few_outages(const report_run *run, size_t g)
{
    double k = evidence(run, g);
    return k > 0 && k < REPORT_MIN_OUTAGES;
}

/* Whether group g has a monthly target to judge: a published SLA or an
 * explicit slaTarget (scenario.c leaves it NAN otherwise). */
static bool has_target(const report_run *run, size_t g)
{
    return !isnan(run->s->groups[g].sla_target);
}

/* Summary of metric m of group g, from the digest.  Every
 * mean and interval end lies in the metric's range (availability and
 * unavailability in [0, 1]; downtime, counts and VM-hours >= 0; losses at
 * most the group's VMs): the t-interval is clipped to it
 * (stats_summarise_range), which keeps its coverage.  Availability is the
 * mirror of unavailability, which is computed from the downtime itself, so
 * a small unavailability keeps its digits and an exact one gives exactly 1.
 * Outages with none seen: the upper end is the rule-of-three bound. */
static stats_summary summarise(const report_run *run, size_t g, int m)
{
    if (m == M_MONTHS) {
        if (!has_target(run, g))
            return (stats_summary){ .mean = NAN, .sd = NAN, .ci_low = NAN, .ci_high = NAN,
                                    .p5 = NAN, .p50 = NAN, .p95 = NAN, .p99 = NAN,
                                    .n = run->r->replicas };
        return digest_months_met(run->digest, g);
    }
    if (m == M_VM_AVAIL || m == M_SVC_AVAIL) {
        stats_summary u = summarise(run, g, m == M_VM_AVAIL ? M_VM_UNAVAIL : M_SVC_UNAVAIL);
        stats_summary a = stats_clip(digest_summary(run->digest, g, metric_of(m)), 0, 1);
        a.mean = 1 - u.mean;
        a.ci_low = 1 - u.ci_high;
        a.ci_high = 1 - u.ci_low;
        return a;
    }
    double lo = 0, hi = INFINITY, count = run->s->groups[g].count;
    switch (m) {
    case M_VM_UNAVAIL:
    case M_SVC_UNAVAIL: hi = 1; break;
    case M_DOWNTIME: hi = MIN_PER_YEAR; break;
    case M_WORST:
    case M_ALLOC: hi = count; break;
    case M_DIFF: lo = -MIN_PER_YEAR; hi = MIN_PER_YEAR; break;
    default: break;
    }
    stats_summary s = stats_clip(digest_summary(run->digest, g, metric_of(m)), lo, hi);
    size_t n = s.n;
    bool outage_driven = m == M_SVC_UNAVAIL || m == M_DOWNTIME || m == M_OUTAGE_LEN
                         || m == M_DEFICIT || m == M_DIFF;
    if (m == M_OUTAGES && n > 1 && s.mean == 0) {
        s.ci_high = stats_zero_events_upper(replica_years(run));
    } else if (m == M_OUTAGES || outage_driven) { /* one scan of the outages */
        bool few = few_outages(run, g);
        if (m == M_OUTAGES && few && restart(run)) /* weighted: no count to count on */
            s.ci_low = s.ci_high = NAN;
        else if (m == M_OUTAGES && few) /* a count: its exact interval */
            stats_poisson_rate(total_outages(run, g), replica_years(run), &s.ci_low,
                               &s.ci_high);
        else if (outage_driven && (few || (m == M_DIFF && few_outages(run, run->baseline))))
            s.ci_low = s.ci_high = NAN;
    }
    return s;
}

stats_summary report_summary(const report_run *run, size_t g, report_metric m)
{
    assert(g < run->s->ngroups && m >= 0 && m < REPORT_NMETRICS);
    assert(!(m == REPORT_DIFF && g == run->baseline));
    return summarise(run, g, (int)m);
}

double report_outages(const report_run *run, size_t g)
{
    return total_outages(run, g);
}

double report_evidence(const report_run *run, size_t g)
{
    return evidence(run, g);
}

double report_replica_years(const report_run *run)
{
    return replica_years(run);
}

/* "regional", or the zones as "1 2 3". */
static void zones_text(unsigned zones, char *buf, size_t size)
{
    if (!zones) {
        snprintf(buf, size, "regional");
        return;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (int z = 1; z <= SCEN_MAX_ZONES; z++)
        if (zones & (1u << (z - 1)))
            len += (size_t)snprintf(buf + len, size - len, "%s%d", len ? " " : "", z);
}

/* A number as num_cell writes it, as a text cell (report_lead). */
static void num_text_cell(csvio_writer *w, double x)
{
    static const char *const fmts[] = { "%.15g", "%.16g", "%.17g" };
    char buf[64] = "";
    x += 0.0;
    for (size_t i = 0; i < 3 && !isnan(x); i++) {
        snprintf(buf, sizeof buf, fmts[i], x);
        if (strtod(buf, NULL) == x)
            break;
    }
    csvio_cell(w, buf);
}

static void int_cell(csvio_writer *w, long long x, bool as_text)
{
    char buf[32];
    if (!as_text) {
        csvio_cell_int(w, x);
        return;
    }
    snprintf(buf, sizeof buf, "%lld", x);
    csvio_cell(w, buf);
}

int report_write_summary(const report_run *run, csvio_writer *w)
{
    return report_write_summary_rows(run, w, NULL);
}

int report_write_summary_rows(const report_run *run, csvio_writer *w,
                              const report_lead *lead)
{
    static const char *const head[] = {
        "group", "orchestration", "fault_domains", "update_domains", "zones", "count",
        "quorum", "metric", "unit", "mean", "sd", "ci_low", "ci_high", "p5", "p50",
        "p95", "p99", "replicas", "partial",
    };
    static const report_lead none = { .header = true };
    if (lead == NULL)
        lead = &none;
    bool text = lead->numbers_as_text;
    if (lead->header) {
        for (size_t i = 0; i < lead->n; i++)
            csvio_cell(w, lead->head[i]);
        for (size_t i = 0; i < sizeof head / sizeof *head; i++)
            csvio_cell(w, head[i]);
        csvio_end_row(w);
    }
    const scenario *s = run->s;
    for (size_t g = 0; g < s->ngroups; g++) {
        const scen_group *sg = &s->groups[g];
        char zones[32];
        zones_text(sg->zones, zones, sizeof zones);
        for (int m = 0; m < M_COUNT; m++) {
            if (m == M_DIFF && g == run->baseline)
                continue;
            stats_summary sm = summarise(run, g, m);
            for (size_t i = 0; i < lead->n; i++)
                csvio_cell(w, lead->cells[i]);
            csvio_cell(w, sg->name);
            csvio_cell(w, scenario_mode_name(sg->mode));
            int_cell(w, sg->fd_count, text);
            int_cell(w, sg->ud_count, text);
            csvio_cell(w, zones);
            int_cell(w, sg->count, text);
            int_cell(w, sg->quorum, text);
            csvio_cell(w, metrics[m].name);
            csvio_cell(w, metrics[m].unit);
            const double v[] = { sm.mean, sm.sd, sm.ci_low, sm.ci_high,
                                 sm.p5, sm.p50, sm.p95, sm.p99 };
            for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
                if (text)
                    num_text_cell(w, v[i]);
                else
                    num_cell(w, v[i]);
            }
            int_cell(w, (long long)sm.n, text);
            int_cell(w, run->r->partial, text);
            csvio_end_row(w);
        }
    }
    return FD_OK;
}

int report_write_autoscale(const report_run *run, csvio_writer *w)
{
    static const char *const head[] = {
        "group", "orchestration", "fault_domains", "zones", "scale_in_policy", "minimum",
        "maximum", "metric", "unit", "mean", "sd", "ci_low", "ci_high", "replicas",
    };
    static const struct {
        const char *name, *unit;
        int summary;          /* a metric of summary.csv (M_*), or -1 */
        digest_as_metric as;  /* else this autoscale figure */
    } rows[] = {
        { "floor_availability", "fraction", M_SVC_AVAIL, 0 },
        { "floor_downtime", "min/yr", M_DOWNTIME, 0 },
        { "floor_deficit", "VM-hours/yr", M_DEFICIT, 0 },
        { "target_deficit", "VM-hours/yr", -1, DIGEST_AS_TARGET_DEFICIT },
        { "mean_target", "VMs", -1, DIGEST_AS_MEAN_TARGET },
        { "mean_instances", "VMs", -1, DIGEST_AS_MEAN_SIZE },
        { "scale_out_vms", "VMs/yr", -1, DIGEST_AS_OUTS },
        { "scale_in_vms", "VMs/yr", -1, DIGEST_AS_INS },
        { "alloc_failures", "VMs/yr", -1, DIGEST_AS_FAILS },
        { "fd_imbalance_mean", "VMs", -1, DIGEST_AS_FD_IMB },
        { "fd_imbalance_max", "VMs", -1, DIGEST_AS_FD_IMB_MAX },
        { "zone_imbalance_mean", "VMs", -1, DIGEST_AS_ZONE_IMB },
        { "zone_imbalance_max", "VMs", -1, DIGEST_AS_ZONE_IMB_MAX },
    };
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        csvio_cell(w, head[i]);
    csvio_end_row(w);
    const scenario *s = run->s;
    for (size_t g = 0; g < s->ngroups; g++) {
        const scen_group *sg = &s->groups[g];
        if (!sg->autoscale)
            continue;
        char zones[32];
        zones_text(sg->zones, zones, sizeof zones);
        for (size_t k = 0; k < sizeof rows / sizeof *rows; k++) {
            /* every figure is >= 0: the interval is clipped there (stats_clip) */
            stats_summary sm = rows[k].summary >= 0
                             ? summarise(run, g, rows[k].summary)
                             : stats_clip(digest_autoscale(run->digest, g, rows[k].as), 0,
                                          INFINITY);
            csvio_cell(w, sg->name);
            csvio_cell(w, scenario_mode_name(sg->mode));
            csvio_cell_int(w, sg->fd_count);
            csvio_cell(w, zones);
            csvio_cell(w, scenario_scalein_name(sg->scale_in));
            csvio_cell_int(w, sg->as_min);
            csvio_cell_int(w, sg->as_max);
            csvio_cell(w, rows[k].name);
            csvio_cell(w, rows[k].unit);
            num_cell(w, sm.mean);
            num_cell(w, sm.sd);
            num_cell(w, sm.ci_low);
            num_cell(w, sm.ci_high);
            csvio_cell_int(w, (long long)sm.n);
            csvio_end_row(w);
        }
    }
    return FD_OK;
}

void report_write_replicas_header(const scenario *s, csvio_writer *w)
{
    static const char *const head[] = {
        "replica", "group", "vm_availability", "service_availability",
        "vm_unavailability", "service_unavailability", "downtime_min_per_year", "outages", "outage_mean_min", "worst_loss",
        "deficit_vm_hours", "months_met", "months", "alloc_failures",
    };
    /* restart: a row is a root replica's estimate; its account after */
    static const char *const rare[] = {
        "weight", "retrials", "outages_seen", "plain_service_unavailability", "plain_outages",
    };
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        csvio_cell(w, head[i]);
    for (size_t i = 0; s->estimator == ESTIMATOR_RESTART && i < sizeof rare / sizeof *rare; i++)
        csvio_cell(w, rare[i]);
    csvio_end_row(w);
}

void report_write_replica_rows(const scenario *s, const batch_block *blk, csvio_writer *w)
{
    assert(blk->ngroups == s->ngroups);
    for (size_t i = 0; i < blk->n; i++)
        for (size_t g = 0; g < s->ngroups; g++) {
            const stats_replica *p = &blk->stats[i * blk->ngroups + g];
            csvio_cell_int(w, (long long)(blk->first + i));
            csvio_cell(w, s->groups[g].name);
            const double v[] = { p->vm_availability, p->service_availability,
                                 p->vm_unavailability, p->service_unavailability,
                                 p->downtime_min_per_year, p->outages, p->outage_mean_min,
                                 p->worst_loss, p->deficit_vm_hours, p->months_met,
                                 p->months, p->alloc_failures };
            for (size_t k = 0; k < sizeof v / sizeof *v; k++)
                num_cell(w, v[k]);
            if (s->estimator == ESTIMATOR_RESTART && !blk->rare) { /* no account given */
                for (int k = 0; k < 5; k++)
                    csvio_cell_digits(w, "");
            } else if (s->estimator == ESTIMATOR_RESTART) {
                const stats_rare *ra = &blk->rare[i * blk->ngroups + g];
                const double x[] = { 1, ra->retrials, ra->outages_seen,
                                     ra->plain_down / s->horizon, ra->plain_outages };
                for (size_t k = 0; k < sizeof x / sizeof *x; k++)
                    num_cell(w, x[k]);
            }
            csvio_end_row(w);
        }
}

int report_write_downcount(const report_run *run, csvio_writer *w)
{
    static const char *const head[] = {
        "group", "vms_down", "fraction_of_time", "hours_per_year",
    };
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        csvio_cell(w, head[i]);
    csvio_end_row(w);
    const batch_result *r = run->r;
    double total = (double)r->replicas * run->s->horizon;
    for (size_t g = 0; g < run->s->ngroups; g++)
        for (int k = 0; k <= r->counts[g]; k++) {
            double frac = total > 0 ? r->downcount[g][k] / total : NAN;
            csvio_cell(w, run->s->groups[g].name);
            csvio_cell_int(w, k);
            num_cell(w, frac);
            num_cell(w, frac * 8760.0);
            csvio_end_row(w);
        }
    return FD_OK;
}

int report_write_months(const report_run *run, csvio_writer *w)
{
    static const char *const head[] = {
        "group", "month", "sla_target_pct", "uptime_mean_pct", "uptime_p5_pct",
        "uptime_p50_pct", "share_met", "replicas",
    };
    for (size_t i = 0; i < sizeof head / sizeof *head; i++)
        csvio_cell(w, head[i]);
    csvio_end_row(w);
    const batch_result *r = run->r;
    for (size_t g = 0; g < run->s->ngroups; g++) {
        double sla = run->s->groups[g].sla_target;
        for (int m = 0; m < r->nmonths; m++) {
            stats_summary sm = digest_month(run->digest, g, m);
            double met = (double)digest_month_met(run->digest, g, m);
            csvio_cell(w, run->s->groups[g].name);
            csvio_cell_int(w, m + 1);
            /* No target (no published SLA, none set): both cells empty. */
            num_cell(w, sla);
            num_cell(w, sm.mean);
            num_cell(w, sm.p5);
            num_cell(w, sm.p50);
            num_cell(w, r->replicas && !isnan(sla) ? met / (double)r->replicas : NAN);
            csvio_cell_int(w, (long long)r->replicas);
            csvio_end_row(w);
        }
    }
    return FD_OK;
}

int report_write_ini(const report_run *run, FILE *f)
{
    const batch_result *r = run->r;
    /* Record the replicas the results cover, so the file reproduces them:
     * replicas 0..P-1 of a longer run are the same as a run of P. */
    scenario rec = *run->s;
    rec.replicas = (long)r->replicas;
    if (r->halted) { /* stopped at a precision or a time: these replicas, no rule */
        rec.precision = 0;
        rec.time_limit = 0;
    }
    fprintf(f, "; fdsim %s run record: load this file to reproduce the results\n",
            FDSIM_VERSION);
    fprintf(f, "; (fdsim run run.ini writes the same CSV bytes, with any -j)\n");
    fprintf(f, "; seed: %llu\n", (unsigned long long)run->s->seed);
    fprintf(f, "; replicas: %llu of %llu requested\n", (unsigned long long)r->replicas,
            (unsigned long long)r->requested);
    if (r->partial)
        fprintf(f, "; partial: yes (interrupted; set simulation.replicas = %llu to "
                   "run them all)\n", (unsigned long long)r->requested);
    else
        fprintf(f, "; partial: no\n");
    if (r->halted)
        fprintf(f, "; stopped by %s (precision %.17g, time limit %.17g s): the replicas it "
                "ran are recorded, without the rule\n",
                run->outcome && run->outcome->stop == PRECISION_TIME ? "the time limit"
                                                                      : "the precision",
                run->s->precision, run->s->time_limit);
    if (run->cmdline) {
        fputs("; command: ", f);
        for (const char *c = run->cmdline; *c; c++)
            fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
        fputc('\n', f);
    }
    fputc('\n', f);
    if (scenario_write(&rec, f) < 0)
        return -1;
    return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------ sink -- */

struct report_sink {
    const scenario *s;       /* the scenario run (borrowed) */
    digest *dg;              /* the replicas consumed, reduced (owned) */
    char *dir;               /* the results directory (owned); NULL: digest only */
    bool created;            /* report_sink_create made dir */
    bool committed;          /* every file is in place */
    csvio_writer *replicas;  /* replicas.csv, streamed to its temporary file (owned) */
};

void report_sink_destroy(report_sink *k)
{
    if (k == NULL)
        return;
    csvio_writer_destroy(k->replicas); /* removes an uncommitted temporary file */
    if (k->created && !k->committed)
        rmdir(k->dir); /* fails harmlessly if something was committed */
    digest_destroy(k->dg);
    free(k->dir);
    free(k);
}

/* Make (one level) or check the results directory and open replicas.csv's
 * temporary file in it.  FD_OK, FD_EIO or FD_ENOMEM with the message. */
static int open_dir(report_sink *k, const char *dir, diag *d)
{
    if ((k->dir = fd_strdup(dir)) == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory writing %s", dir);
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return diag_set(d, FD_EIO, "%s exists and is not a directory; give another "
                            "results directory with -o", dir);
    } else if (errno != ENOENT || mkdir(dir, 0777) != 0) {
        return diag_set(d, FD_EIO, "cannot create the results directory %s: %s", dir,
                        strerror(errno));
    } else {
        k->created = true;
    }
    char *path = csvio_path_join(dir, "replicas.csv");
    if (path == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory writing %s", dir);
    int rc = csvio_writer_create(&k->replicas, path, d);
    free(path);
    if (rc == FD_OK)
        report_write_replicas_header(k->s, k->replicas);
    return rc;
}

int report_sink_create(report_sink **out, const scenario *s, size_t baseline,
                       const char *dir, uint64_t cap, diag *d)
{
    *out = NULL;
    report_sink *k = fd_calloc(1, sizeof *k);
    if (k == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    k->s = s;
    int rc = FD_OK;
    if (digest_create(&k->dg, s, baseline, cap) != FD_OK)
        rc = diag_set(d, FD_ENOMEM, "out of memory for the summaries of the replicas");
    else if (dir != NULL)
        rc = open_dir(k, dir, d);
    if (rc != FD_OK) {
        report_sink_destroy(k);
        return rc;
    }
    *out = k;
    return FD_OK;
}

int report_sink_consume(void *sink, const batch_block *blk, diag *d)
{
    report_sink *k = sink;
    assert(blk->ngroups == k->s->ngroups && blk->nmonths == stats_months(k->s->horizon));
    assert(blk->first == digest_replicas(k->dg)); /* in replica order, none missed */
    size_t per = blk->ngroups * (size_t)blk->nmonths;
    for (size_t i = 0; i < blk->n; i++)
        if (digest_add(k->dg, blk->stats + i * blk->ngroups, blk->month_down + i * per) != FD_OK
            || (blk->rare && digest_add_rare(k->dg, blk->rare + i * blk->ngroups) != FD_OK))
            return diag_set(d, FD_ENOMEM, "out of memory reducing replica %llu",
                            (unsigned long long)(blk->first + i));
    if (k->replicas != NULL)
        report_write_replica_rows(k->s, blk, k->replicas);
    return FD_OK;
}

csvio_writer *report_sink_replicas(report_sink *k)
{
    return k->replicas;
}

const digest *report_sink_digest(report_sink *k)
{
    digest_finish(k->dg);
    return k->dg;
}

int report_sink_commit(report_sink *k, const report_run *run, diag *d)
{
    assert(k->dir != NULL && !k->committed && run->digest == k->dg);
    assert(run->r->ngroups == run->s->ngroups && run->baseline < run->s->ngroups);
    assert(run->r->replicas == digest_replicas(k->dg));
    enum { NCSV = 4 };
    static int (*const writers[NCSV])(const report_run *, csvio_writer *) = {
        report_write_downcount, report_write_months, report_write_autoscale,
        report_write_summary,
    };
    static const char *const names[NCSV] = { "downcount.csv", "months.csv", "autoscale.csv",
                                             "summary.csv" };
    bool as = scenario_autoscales(run->s); /* autoscale.csv: only then */
    const char *dir = k->dir;
    csvio_writer *w[NCSV] = { NULL };
    char *ini = NULL, *ini_tmp = NULL;
    FILE *f = NULL;
    int rc = csvio_writer_finish(k->replicas, d);

    for (int i = 0; i < NCSV && rc == FD_OK; i++) {
        if (i == 2 && !as)
            continue;
        char *path = csvio_path_join(dir, names[i]);
        if (path == NULL) {
            rc = diag_set(d, FD_ENOMEM, "out of memory writing %s", dir);
            break;
        }
        rc = csvio_writer_create(&w[i], path, d);
        free(path);
        if (rc == FD_OK && writers[i](run, w[i]) != FD_OK)
            rc = diag_set(d, FD_ENOMEM, "out of memory writing %s/%s", dir, names[i]);
        if (rc == FD_OK)
            rc = csvio_writer_finish(w[i], d);
    }
    if (rc == FD_OK) {
        ini = csvio_path_join(dir, "run.ini");
        ini_tmp = ini ? csvio_temp_path(ini) : NULL;
        if (ini_tmp == NULL) {
            rc = diag_set(d, FD_ENOMEM, "out of memory writing %s", dir);
        } else {
            f = fopen(ini_tmp, "w");
            if (f == NULL)
                rc = diag_set(d, FD_EIO, "cannot create %s (for %s): %s", ini_tmp, ini,
                              strerror(errno));
            else if (report_write_ini(run, f) < 0 || fflush(f) != 0)
                rc = diag_set(d, FD_EIO, "cannot write %s: %s", ini, strerror(errno));
            if (f != NULL && fclose(f) != 0 && rc == FD_OK)
                rc = diag_set(d, FD_EIO, "cannot write %s: %s", ini, strerror(errno));
            f = NULL;
        }
    }
    /* Commit: every file is whole; summary.csv, the one a reader opens
     * first, last. */
    if (rc == FD_OK)
        rc = csvio_writer_commit(k->replicas, d);
    for (int i = 0; i < NCSV - 1 && rc == FD_OK; i++)
        if (w[i] != NULL)
            rc = csvio_writer_commit(w[i], d);
    if (rc == FD_OK && rename(ini_tmp, ini) != 0)
        rc = diag_set(d, FD_EIO, "cannot rename %s to %s: %s", ini_tmp, ini,
                      strerror(errno));
    else if (rc == FD_OK) {
        free(ini_tmp);
        ini_tmp = NULL;
    }
    if (rc == FD_OK)
        rc = csvio_writer_commit(w[NCSV - 1], d);

    for (int i = 0; i < NCSV; i++)
        csvio_writer_destroy(w[i]); /* removes any uncommitted temporary file */
    if (ini_tmp != NULL)
        remove(ini_tmp);
    free(ini);
    free(ini_tmp);
    k->committed = rc == FD_OK;
    return rc;
}

/* ----------------------------------------------------------- table -- */

#define CELL 80    /* bytes of one table cell (a name is < 64) */
#define WIDTH 100  /* wrap the columns to fit this many characters */
#define LABEL 26   /* width of the label column */

enum {
    R_NAME,
    R_MODE,
    R_DOMAINS,
    R_ZONES,
    R_VMS,
    R_AVAIL,
    R_AVAIL_CI,
    R_METHOD,
    R_NINES,
    R_DOWN,
    R_TARGET,
    R_MONTH,
    R_WORST,
    R_DIFF,
    R_COUNT
};

static const char *const row_labels[R_COUNT] = {
    [R_NAME] = "",
    [R_MODE] = "mode",
    [R_DOMAINS] = "fault / update domains",
    [R_ZONES] = "zones",
    [R_VMS] = "VMs (quorum)",
    [R_AVAIL] = "service availability",
    [R_AVAIL_CI] = "  95 % interval",
    [R_METHOD] = "  method, precision",
    [R_NINES] = "  nines [95 %]",
    [R_DOWN] = "downtime min/yr [95 %]",
    [R_TARGET] = "monthly SLA target",
    [R_MONTH] = "P(month meets target)",
    [R_WORST] = "worst concurrent loss",
    [R_DIFF] = "vs baseline, min/yr",
};

/* Decimals that show two significant digits of the half-width of
 * [lo, hi] (the digits the interval supports), within [min, max]. */
static int ci_decimals(double lo, double hi, int min, int max)
{
    double half = (hi - lo) / 2;
    int dec = min;
    if (half > 0 && isfinite(half)) {
        int need = 1 - (int)floor(log10(half));
        if (need > dec)
            dec = need;
    }
    return dec > max ? max : dec;
}

/* VMs of group g that placement could not allocate (0 without a
 * placement), and the first reason. */
static int unplaced(const report_run *run, size_t g, const char **why)
{
    *why = "";
    if (run->s->placement == PLACEMENT_PER_REPLICA) /* each replica its own */
        return run->digest ? digest_alloc_most(run->digest, g) : 0;
    if (!run->placement || g >= place_ngroups(run->placement))
        return 0;
    const place_group *pg = place_group_at(run->placement, g);
    int n = 0;
    const scen_group *sg = &run->s->groups[g];
    for (int i = 0; i < (sg->autoscale ? sg->initial : pg->count); i++) /* an autoscaling group's other
                                                           slots wait for scale-outs */
        n += !pg->vms[i].placed;
    *why = pg->reason;
    return n;
}

/* Replicas in which group g had VMs not allocated. */
static uint64_t unplaced_replicas(const report_run *run, size_t g)
{
    return run->digest ? digest_alloc_replicas(run->digest, g) : 0;
}

bool report_unplaced_line(const report_run *run, size_t g, char *buf, size_t len)
{
    const char *why;
    int lost = unplaced(run, g, &why);
    const scen_group *sg = &run->s->groups[g];
    if (!lost)
        return false;
    if (run->s->placement == PLACEMENT_PER_REPLICA)
        snprintf(buf, len, "group %s: up to %d of %d VMs could not be allocated, in %llu of "
                 "%llu replicas (each placed afresh); they count as down in those replicas",
                 sg->name, lost, sg->count, (unsigned long long)unplaced_replicas(run, g),
                 (unsigned long long)run->r->replicas);
    else
        snprintf(buf, len, "group %s: %d of %d VMs could not be allocated (%s); they count "
                 "as down in every replica", sg->name, lost, sg->count, why);
    return true;
}

int report_unplaced_vms(const report_run *run, size_t g)
{
    const char *why;
    return unplaced(run, g, &why);
}

size_t report_unplaced_groups(const report_run *run)
{
    size_t n = 0;
    const char *why;
    for (size_t g = 0; g < run->s->ngroups; g++)
        n += unplaced(run, g, &why) > 0;
    return n;
}

/* "1.1e-09 [3.3e-10, 1.8e-09]"-style nines: -log10 of an unavailability. */
static double nines(double u)
{
    return u > 0 ? -log10(u) + 0.0 : INFINITY;
}

/* Fill the cells of group g's column. */
static void column(const report_run *run, size_t g, char cell[R_COUNT][CELL])
{
    const scen_group *sg = &run->s->groups[g];
    const char *why;
    int lost = unplaced(run, g, &why);
    snprintf(cell[R_NAME], CELL, "%s%s", sg->name, lost ? " (!)" : "");
    snprintf(cell[R_MODE], CELL, "%s", scenario_mode_name(sg->mode));
    char fd[16], ud[16];
    if (sg->fd_count == 1)
        snprintf(fd, sizeof fd, "FD max");
    else
        snprintf(fd, sizeof fd, "FD %d", sg->fd_count);
    if (sg->ud_count > 0)
        snprintf(ud, sizeof ud, "UD %d", sg->ud_count);
    else
        snprintf(ud, sizeof ud, "no UD");
    snprintf(cell[R_DOMAINS], CELL, "%s / %s", fd, ud);
    zones_text(sg->zones, cell[R_ZONES], CELL);
    if (!sg->zones && run->s->zones > 0) { /* a regional group lives in one zone */
        if (run->placement && run->s->placement == PLACEMENT_ONCE)
            snprintf(cell[R_ZONES], CELL, "regional, in zone %d",
                     place_group_at(run->placement, g)->vms[0].zone);
        else
            snprintf(cell[R_ZONES], CELL, "regional, one zone");
    }
    if (lost)
        snprintf(cell[R_VMS], CELL, "%d (%d), %s%d NOT PLACED", sg->count, sg->quorum,
                 run->s->placement == PLACEMENT_PER_REPLICA ? "up to " : "", lost);
    else
        snprintf(cell[R_VMS], CELL, "%d (%d)", sg->count, sg->quorum);
    if (sg->autoscale) { /* the range, and the floor as written */
        char floor[24];
        if (sg->quorum_kind == QUORUM_SHARE)
            snprintf(floor, sizeof floor, "%.4g %%", sg->quorum_share * 100);
        else if (sg->quorum_kind == QUORUM_MAJORITY)
            snprintf(floor, sizeof floor, "majority");
        else
            snprintf(floor, sizeof floor, "%d", sg->quorum);
        size_t u = strlen(cell[R_VMS]);
        snprintf(cell[R_VMS] + u, CELL - u, "%s%d-%d auto (%s)", lost ? ", " : "",
                 sg->as_min, sg->as_max, floor);
        if (!lost)
            snprintf(cell[R_VMS], CELL, "%d-%d auto (%s)", sg->as_min, sg->as_max, floor);
    }
    if (has_target(run, g))
        snprintf(cell[R_TARGET], CELL, "%.10g %%", sg->sla_target);
    else
        snprintf(cell[R_TARGET], CELL, "no SLA");
    if (run->r->replicas == 0) {
        for (int i = R_AVAIL; i < R_COUNT; i++)
            if (i != R_TARGET)
                snprintf(cell[i], CELL, "-");
        return;
    }
    double years = replica_years(run), events = evidence(run, g);
    stats_summary a = summarise(run, g, M_SVC_AVAIL);
    {
        stats_summary uu = summarise(run, g, M_SVC_UNAVAIL);
        double rel = uu.mean > 0 && isfinite(uu.ci_high) && isfinite(uu.ci_low)
                         ? (uu.ci_high - uu.ci_low) / 2 / uu.mean : INFINITY;
        if (isfinite(rel))
            snprintf(cell[R_METHOD], CELL, "%s, +-%.2g %%", restart(run) ? "restart" : "plain",
                     100 * rel);
        else
            snprintf(cell[R_METHOD], CELL, "%s, none", restart(run) ? "restart" : "plain");
    }
    stats_summary u = summarise(run, g, M_SVC_UNAVAIL);
    stats_summary dn = summarise(run, g, M_DOWNTIME);
    if (events == 0) {
        /* [0, 0] would claim a certainty the run does not have: say what
         * it saw, and the rate bound it supports (rule of three). */
        snprintf(cell[R_AVAIL], CELL, "100 %% (no outage)");
        snprintf(cell[R_AVAIL_CI], CELL, "no outage in %.6g replica-yr", years);
        snprintf(cell[R_NINES], CELL, "-");
        snprintf(cell[R_DOWN], CELL, "0; outages < %.2g/yr", stats_zero_events_upper(years));
    } else if (few_outages(run, g)) {
        /* an estimate, but no interval it could keep */
        snprintf(cell[R_AVAIL], CELL, "%.10g %%", 100 * a.mean);
        if (restart(run))
            snprintf(cell[R_AVAIL_CI], CELL, "none: %.0f root%s with outages", events,
                     events == 1 ? "" : "s");
        else
            snprintf(cell[R_AVAIL_CI], CELL, "none: %.0f outage%s", events,
                     events == 1 ? "" : "s");
        snprintf(cell[R_NINES], CELL, "%.1f (no interval)", nines(u.mean));
        snprintf(cell[R_DOWN], CELL, "%.2g (no interval)", dn.mean);
    } else if (isnan(a.ci_low) || isnan(a.ci_high)) {
        snprintf(cell[R_AVAIL], CELL, "%.6g %%", 100 * a.mean);
        snprintf(cell[R_AVAIL_CI], CELL, "same in every replica");
        snprintf(cell[R_NINES], CELL, "%.2g", nines(u.mean));
        snprintf(cell[R_DOWN], CELL, "%.6g, every replica", dn.mean);
    } else {
        int dec = ci_decimals(100 * a.ci_low, 100 * a.ci_high, 2, 12);
        snprintf(cell[R_AVAIL], CELL, "%.*f %%", dec, 100 * a.mean);
        snprintf(cell[R_AVAIL_CI], CELL, "[%.*f, %.*f]", dec, 100 * a.ci_low, dec,
                 100 * a.ci_high);
        if (u.ci_low > 0)
            snprintf(cell[R_NINES], CELL, "%.1f [%.1f, %.1f]", nines(u.mean),
                     nines(u.ci_high), nines(u.ci_low));
        else
            snprintf(cell[R_NINES], CELL, "%.1f [%.1f, -]", nines(u.mean), nines(u.ci_high));
        int dd = ci_decimals(dn.ci_low, dn.ci_high, 0, 12);
        /* an end clipped to exactly 0 prints as 0, not as 0.000 */
        snprintf(cell[R_DOWN], CELL, "%.*f [%.*f, %.*f]", dd, dn.mean,
                 dn.ci_low == 0 ? 0 : dd, dn.ci_low, dd, dn.ci_high);
    }
    if (has_target(run, g)) {
        stats_summary mo = summarise(run, g, M_MONTHS);
        snprintf(cell[R_MONTH], CELL, "%.4f [%.4f, %.4f]", mo.mean, mo.ci_low, mo.ci_high);
    } else {
        snprintf(cell[R_MONTH], CELL, "- (no target)");
    }
    stats_summary wl = summarise(run, g, M_WORST);
    snprintf(cell[R_WORST], CELL, "mean %.3g, p99 %.3g", wl.mean, wl.p99);
    if (g == run->baseline) {
        snprintf(cell[R_DIFF], CELL, "(baseline)");
    } else if (events == 0 && evidence(run, run->baseline) == 0) {
        snprintf(cell[R_DIFF], CELL, "no outage in either");
    } else {
        stats_summary df = summarise(run, g, M_DIFF);
        if (few_outages(run, g) || few_outages(run, run->baseline)) {
            snprintf(cell[R_DIFF], CELL, "%+.2g (too few outages)", df.mean);
        } else if (isnan(df.ci_low) || isnan(df.ci_high)) {
            snprintf(cell[R_DIFF], CELL, "%+.6g, every replica", df.mean);
        } else {
            int dd = ci_decimals(df.ci_low, df.ci_high, 0, 12);
            snprintf(cell[R_DIFF], CELL, "%+.*f [%+.*f, %+.*f]", dd, df.mean, dd, df.ci_low,
                     dd, df.ci_high);
        }
    }
}

int report_format_availability(const report_run *run, size_t g, char *buf, size_t size)
{
    if (run->r->replicas == 0) {
        snprintf(buf, size, "-");
    } else if (evidence(run, g) == 0) {
        snprintf(buf, size, "100 %% (no outage in %.6g replica-yr)", replica_years(run));
    } else {
        stats_summary a = summarise(run, g, M_SVC_AVAIL);
        if (few_outages(run, g)) {
            double k = evidence(run, g);
            snprintf(buf, size, "%.10g %% (no interval: %.0f %s%s)", 100 * a.mean, k,
                     restart(run) ? "root with outages" : "outage",
                     k == 1 || restart(run) ? "" : "s");
        } else if (isnan(a.ci_low) || isnan(a.ci_high)) {
            snprintf(buf, size, "%.6g %% (same in every replica)", 100 * a.mean);
        } else {
            int dec = ci_decimals(100 * a.ci_low, 100 * a.ci_high, 2, 12);
            snprintf(buf, size, "%.*f %% [%.*f, %.*f]", dec, 100 * a.mean, dec,
                     100 * a.ci_low, dec, 100 * a.ci_high);
        }
    }
    return 0;
}

/* Print `text` wrapped at WIDTH columns on blanks, continuation lines
 * indented by four. */
static void print_wrapped(FILE *f, const char *text)
{
    int col = 0, indent = 0;
    while (*text) {
        size_t word = strcspn(text, " ");
        if (col > indent && col + 1 + (int)word > WIDTH) {
            fputs("\n    ", f);
            col = indent = 4;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(text, 1, word, f);
        col += (int)word;
        text += word;
        while (*text == ' ')
            text++;
    }
    fputc('\n', f);
}

/* What group g's restart estimate rests on: its root replicas (and those
 * whose tree saw an outage that counts), the outages its trees simulated
 * (raw, and the counted outages as precise as it: (1.96 / relative)^2),
 * the retrials, and its relative error. */
static void restart_line(const report_run *run, size_t g, double rel, char *buf, size_t len)
{
    stats_rare ra = digest_rare(run->digest, g);
    uint64_t n = run->r->replicas, with = digest_with_outage(run->digest, g);
    if (with == 0) {
        snprintf(buf, len, "restart: no outage in %llu root replicas, retrials included "
                 "(%.0f retrials): the run cannot say how rare they are - add root replicas",
                 (unsigned long long)n, ra.retrials);
        return;
    }
    int k = snprintf(buf, len, "restart estimate from %llu independent root replicas (%llu with "
                     "an outage in their tree), %.0f outages simulated in %.0f retrials",
                     (unsigned long long)n, (unsigned long long)with, ra.outages_seen,
                     ra.retrials);
    if (isfinite(rel) && rel > 0)
        snprintf(buf + k, len - (size_t)k, ", as precise as %.0f counted outages; relative "
                 "error %.2g%s", (1.96 / rel) * (1.96 / rel), rel,
                 with < REPORT_MIN_OUTAGES ? ": too few root replicas with an outage for an "
                 "interval - add root replicas" : rel > REPORT_MAX_RELERR ? ": too imprecise "
                 "to trust - add root replicas" : "");
}

/* Whether the run asked for a precision: then what it reached for group g
 * (or how many replicas, and about how long, it would need). */
static bool precision_line(const report_run *run, size_t g, double rel, char *buf, size_t len)
{
    const runner_outcome *oc = run->outcome;
    double want = run->s->precision;
    if (!(want > 0) || !oc || !oc->relative)
        return false;
    if (rel <= want) {
        snprintf(buf, len, "precision +-%.3g %% reached (%.2g)", 100 * want, rel);
        return true;
    }
    double need = oc->needed[g], n = (double)run->r->replicas;
    if (!isfinite(need)) {
        snprintf(buf, len, "precision +-%.3g %% not reached, and no outage to say how far it "
                 "is", 100 * want);
        return true;
    }
    double secs = n > 0 ? oc->seconds * need / n : NAN;
    snprintf(buf, len, "precision +-%.3g %% not reached: it would need about %.0f %sreplicas "
             "(about %.2g s at this run's pace)", 100 * want, need,
             restart(run) ? "root " : "", secs);
    return true;
}

/* How much to trust group g's downtime estimate, the VMs placement could
 * not allocate, and the analytic value beside the simulated one. */
static void print_checks(const report_run *run, size_t g, FILE *f)
{
    const batch_result *r = run->r;
    const char *name = run->s->groups[g].name;
    char line[2 * ANALYTIC_NOTE_MAX + PLACE_REASON_MAX + 256];
    if (report_unplaced_line(run, g, line, sizeof line))
        print_wrapped(f, line);
    double events = evidence(run, g), years = replica_years(run);
    stats_summary dn = summarise(run, g, M_DOWNTIME);
    double rel = dn.mean > 0 && isfinite(dn.ci_high) ? (dn.ci_high - dn.ci_low) / 2 / dn.mean
                                                      : INFINITY;
    bool weak = events < REPORT_MIN_OUTAGES || rel > REPORT_MAX_RELERR;
    int n = snprintf(line, sizeof line, "%s: ", name);
    if (restart(run))
        restart_line(run, g, rel, line + n, sizeof line - (size_t)n);
    else if (events == 0)
        snprintf(line + n, sizeof line - (size_t)n, "no outage in %.6g replica-years: fewer "
                 "than %.2g outages a year (95 %%, rule of three); how long they last the "
                 "run cannot say, so it bounds neither downtime nor availability - add "
                 "replicas", years, stats_zero_events_upper(years));
    else if (few_outages(run, g))
        snprintf(line + n, sizeof line - (size_t)n, "the downtime estimate rests on %.0f "
                 "outage%s: too few for a 95 %% interval (a t-interval on so few covers far "
                 "less), so none is given - add replicas (about %.0f for %d outages)", events,
                 events == 1 ? "" : "s",
                 ceil((double)r->replicas * REPORT_MIN_OUTAGES / events), REPORT_MIN_OUTAGES);
    else if (!isfinite(dn.ci_high) || !isfinite(dn.ci_low))
        snprintf(line + n, sizeof line - (size_t)n, "the downtime estimate rests on %.0f "
                 "outage%s, the same downtime in every replica", events,
                 events == 1 ? "" : "s");
    else if (weak)
        snprintf(line + n, sizeof line - (size_t)n, "the downtime estimate rests on %.0f "
                 "outage%s; relative error %.2g: too few to trust - add replicas (about %.0f "
                 "for +-%.0f %%)", events, events == 1 ? "" : "s", rel,
                 ceil((double)r->replicas
                      * fmax(rel * rel / (REPORT_MAX_RELERR * REPORT_MAX_RELERR),
                             REPORT_MIN_OUTAGES / events)),
                 100 * REPORT_MAX_RELERR);
    else
        snprintf(line + n, sizeof line - (size_t)n, "the downtime estimate rests on %.0f "
                 "outages; relative error %.2g", events, rel);
    print_wrapped(f, line);
    if (precision_line(run, g, rel, line + n, sizeof line - (size_t)n))
        print_wrapped(f, line);
    if (restart(run)) {
        stats_rare ra = digest_rare(run->digest, g);
        snprintf(line + n, sizeof line - (size_t)n, "worst concurrent loss and P(month meets "
                 "target) are the root paths' own: plain Monte Carlo (%.0f outage%s in %.6g "
                 "replica-years)", ra.plain_outages, ra.plain_outages == 1 ? "" : "s", years);
        print_wrapped(f, line);
    }
    if (!run->analytic || g >= run->analytic->ngroups)
        return;
    const analytic_group *ag = &run->analytic->groups[g];
    if (!ag->service.exact) {
        snprintf(line, sizeof line, "%s: analytic: no closed form: %s", name, ag->reason);
        print_wrapped(f, line);
        return;
    }
    /* Unavailability and nines carry the digits that matter; an
     * availability printed to twelve decimals does not. */
    double ex = ag->service.unavail;
    char exact[64];
    if (ex > 0)
        snprintf(exact, sizeof exact, "unavailability %.3g (%.1f nines)", ex, nines(ex));
    else
        snprintf(exact, sizeof exact, "unavailability 0");
    if (ag->long_run_only) {
        snprintf(line, sizeof line, "%s: analytic (long run): %s; not compared: with a "
                 "non-exponential time to failure a finite horizon from new differs", name,
                 exact);
        print_wrapped(f, line);
        return;
    }
    stats_summary u = summarise(run, g, M_SVC_UNAVAIL);
    if (events == 0 || few_outages(run, g)) {
        snprintf(line, sizeof line, "%s: analytic: %s; not compared: the run saw %s", name,
                 exact, events == 0 ? "no outage" : "too few outages for an interval");
        print_wrapped(f, line);
        return;
    }
    if (run->s->placement == PLACEMENT_PER_REPLICA) {
        snprintf(line, sizeof line, "%s: analytic: %s, for the seed's placement; not compared: "
                 "the run averages over placements (simulated %.2g [%.2g, %.2g])", name, exact,
                 u.mean, u.ci_low, u.ci_high);
        print_wrapped(f, line);
        return;
    }
    bool agrees = u.ci_low <= ex && ex <= u.ci_high;
    snprintf(line, sizeof line, "%s: analytic: %s (simulated %.2g [%.2g, %.2g]) %s", name,
             exact, u.mean, u.ci_low, u.ci_high,
             weak ? (agrees ? "inside the interval; too few outages to judge"
                            : "outside the interval; too few outages to judge")
                  : (agrees ? "agrees" : "DISAGREES"));
    print_wrapped(f, line);
}

/* The estimator and why the run ended, when either is not the plain
 * default. */
static void print_method(const report_run *run, FILE *f)
{
    const scenario *s = run->s;
    const runner_outcome *oc = run->outcome;
    if (restart(run)) {
        fprintf(f, "estimator: restart (rare events): each root replica is a plain path and "
                "its importance-sampled\nretrials, one unbiased estimate per group");
        if (oc && oc->pilot)
            fprintf(f, "; retrials per split set by a pilot of %llu root\nreplicas (%.2g s)",
                    (unsigned long long)oc->pilot->roots, oc->pilot_seconds);
        fputs("\n", f);
        for (size_t g = 0; oc && oc->pilot && g < oc->pilot->ngroups; g++)
            if (oc->pilot->g[g].capped)
                fprintf(f, "%s: retrials capped at %.0f root paths' work per root replica "
                        "(x %.2g): less precise per replica than the pilot's plan\n",
                        s->groups[g].name, PILOT_WORK_MAX, oc->pilot->g[g].scale);
    }
    if (!oc || (!(s->precision > 0) && !(s->time_limit > 0)))
        return;
    switch (oc->stop) {
    case PRECISION_REACHED:
        fprintf(f, "stopped: every group to +-%.3g %% (95 %%), after %llu %sreplicas, %.2g s "
                "(the same for any -j)\n", 100 * s->precision,
                (unsigned long long)run->r->replicas, restart(run) ? "root " : "", oc->seconds);
        break;
    case PRECISION_TIME:
        fprintf(f, "stopped: the time limit of %.3g s, after %llu %sreplicas (where a time "
                "limit stops depends on the\nmachine; run.ini records the count, which "
                "reproduces these bytes)%s\n", s->time_limit,
                (unsigned long long)run->r->replicas, restart(run) ? "root " : "",
                s->precision > 0 ? "; the precision was not reached for every group" : "");
        break;
    default:
        fprintf(f, "stopped: the %llu %sreplicas asked for (simulation.replicas)%s\n",
                (unsigned long long)run->r->replicas, restart(run) ? "root " : "",
                s->precision > 0 ? ", before every group reached its precision" : "");
        break;
    }
}

int report_print_table(const report_run *run, FILE *f)
{
    const scenario *s = run->s;
    const batch_result *r = run->r;
    size_t ng = s->ngroups;
    char (*cells)[R_COUNT][CELL] = fd_calloc(ng, sizeof *cells);
    int *width = fd_calloc(ng, sizeof *width);
    if (!cells || !width) {
        free(cells);
        free(width);
        errno = ENOMEM;
        return -1;
    }
    for (size_t g = 0; g < ng; g++) {
        column(run, g, cells[g]);
        for (int i = 0; i < R_COUNT; i++) {
            int len = (int)strlen(cells[g][i]);
            if (len > width[g])
                width[g] = len;
        }
    }
    fprintf(f, "%llu %sreplica%s of %.6g year%s, seed %llu", (unsigned long long)r->replicas,
            restart(run) ? "root " : "", r->replicas == 1 ? "" : "s", s->horizon / YEAR_S,
            s->horizon == YEAR_S ? "" : "s", (unsigned long long)s->seed);
    if (r->partial)
        fprintf(f, "  -- PARTIAL: interrupted after %llu of %llu replicas",
                (unsigned long long)r->replicas, (unsigned long long)r->requested);
    fputc('\n', f);
    print_method(run, f);
    fprintf(f, "paired differences (common random numbers) against %s\n",
            s->groups[run->baseline].name);
    if (s->placement == PLACEMENT_ONCE)
        fprintf(f, "one placement for every replica, from the seed: results are conditional on "
                "it (which racks\ngroups share, a regional group's zone, ties between racks); "
                "simulation.placement = perReplica\naverages over placements\n");
    else
        fprintf(f, "every replica placed afresh (simulation.placement = perReplica)\n");
    for (size_t first = 0; first < ng;) {
        /* A block: as many columns as fit, at least one. */
        size_t last = first;
        int used = LABEL;
        do {
            used += 2 + width[last];
            last++;
        } while (last < ng && used + 2 + width[last] <= WIDTH);
        fputc('\n', f);
        for (int i = 0; i < R_COUNT; i++) {
            if (i == R_METHOD && !restart(run) && !(s->precision > 0))
                continue;
            fprintf(f, "%-*s", LABEL, row_labels[i]);
            for (size_t g = first; g < last; g++)
                fprintf(f, "  %*s", width[g], cells[g][i]);
            fputc('\n', f);
        }
        first = last;
    }
    const char *why;
    for (size_t g = 0; g < ng; g++)
        if (unplaced(run, g, &why)) {
            fputs("(!) some VMs of the group could not be allocated: see below\n", f);
            break;
        }
    if (r->replicas > 0) {
        fputc('\n', f);
        for (size_t g = 0; g < ng; g++)
            print_checks(run, g, f);
    }
    free(cells);
    free(width);
    return ferror(f) ? -1 : 0;
}
