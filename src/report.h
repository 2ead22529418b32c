/*
 * report: what a batch of replicas means, written for a spreadsheet and
 * shown on a terminal.
 *
 * A results directory holds (every CSV through csvio: RFC 4180, CRLF, text
 * cells made formula-safe; numbers in full precision: the shortest of
 * %.15g / %.16g / %.17g that reads back as the same double):
 *
 *  summary.csv    tidy long format, one row per group x metric:
 *                 group,orchestration,fault_domains,update_domains,zones,
 *                 count,quorum,metric,unit,mean,sd,ci_low,ci_high,p5,p50,
 *                 p95,p99,replicas,partial
 *  replicas.csv   one row per replica x group: replica,group, then every
 *                 field of stats_replica (stats.h) by its name; streamed to
 *                 its temporary file as the replicas come (report_sink), in
 *                 replica order, and committed with the rest.  With the
 *                 restart estimator a row is one root replica: its values
 *                 are the weighted estimate of its tree (rare.h), rows are
 *                 independent and identically distributed, each of weight
 *                 1 (the `weight` column), so means and t-intervals over
 *                 rows are right; then weight, retrials, outages_seen (in
 *                 its tree, unweighted), plain_service_unavailability and
 *                 plain_outages (the root path's own: the plain replica's);
 *                 worst_loss and months_met are the root path's own
 *  downcount.csv  group,vms_down,fraction_of_time,hours_per_year
 *  months.csv     group,month,sla_target_pct,uptime_mean_pct,uptime_p5_pct,
 *                 uptime_p50_pct,share_met,replicas
 *  run.ini        the fully resolved scenario (scenario_write) after comment
 *                 lines giving the fdsim version, seed, replicas, command
 *                 line and whether the run is partial.  simulation.replicas
 *                 in it is the number of replicas the results cover, so
 *                 `fdsim run DIR/run.ini` writes the same CSV bytes (for a
 *                 partial run, the same except the partial column).
 *
 * Metrics of summary.csv (metric, unit): vm_availability (fraction),
 * service_availability (fraction), vm_unavailability and
 * service_unavailability (fraction, from the downtime itself: availability
 * is their mirror, so small values keep their digits), downtime (min/yr), outages (count/yr),
 * outage_mean_length (min; over the replicas that had an outage, which the
 * replicas column counts), worst_loss (VMs), capacity_deficit (VM-hours/yr),
 * alloc_failures (VMs), month_meets_target (probability: mean = share of
 * all months of all replicas that met the group's SLA target, ci = Wilson
 * interval, sd and percentiles empty), downtime_diff_vs_baseline (min/yr:
 * the per-replica paired difference group - baseline under common random
 * numbers; no row for the baseline itself).  An empty cell is a value that
 * does not exist (no replicas, no outages, no SLA target: month_meets_target
 * keeps its row with empty cells, as months.csv's sla_target_pct and
 * share_met).  Every mean and interval end lies in the metric's range
 * (stats_summarise_range); an empty interval end is one the replicas do
 * not support (all equal, e.g. no outage), and with no outage at all the
 * outages row's ci_high is the rule-of-three bound.  partial is 1 on every row when
 * the run was stopped before all its replicas.
 *
 * Every figure is reduced in replica order as the replicas come (digest.h),
 * in memory that does not grow with them.  Up to digest_cap replicas
 * (65536 for the scenario library) every figure is exact, the bits of an
 * in-memory reduction; above it the percentiles (p5..p99, months.csv's
 * uptime_p5/p50) of real-valued metrics are P² estimates and their sds
 * Welford's, while the counts' percentiles (outages, worst_loss,
 * alloc_failures), every mean and every interval on counts stay exact.
 */
#ifndef FDSIM_REPORT_H
#define FDSIM_REPORT_H

#include "analytic.h"
#include "batch.h"
#include "csvio.h"
#include "diag.h"
#include "digest.h"
#include "place.h"
#include "runner.h"
#include "scenario.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A finished run to report.  Every pointer is borrowed. */
typedef struct report_run {
    const scenario *s;       /* the resolved scenario that was run */
    const batch_result *r;   /* its totals; r->ngroups == s->ngroups */
    const digest *digest;    /* its replicas, reduced and finished (report_sink_digest);
                                digest_replicas == r->replicas */
    size_t baseline;         /* group the paired differences are taken against */
    const char *cmdline;     /* the command line, for run.ini; NULL: not recorded */
    const analytic_result *analytic; /* exact values to show beside the simulated
                                        ones (report_print_table); NULL: none */
    const place_result *placement;   /* the replicas' starting placement, to name the
                                        groups with VMs it could not allocate
                                        (report_print_table); NULL: not checked */
    const runner_outcome *outcome;   /* how the run estimated and why it ended (the
                                        table's header and trust lines, run.ini);
                                        NULL: plain, run to simulation.replicas */
} report_run;

/* The metrics of summary.csv, in its row order (names and units above). */
typedef enum report_metric {
    REPORT_VM_AVAIL,    /* vm_availability, fraction */
    REPORT_SVC_AVAIL,   /* service_availability, fraction */
    REPORT_VM_UNAVAIL,  /* vm_unavailability, fraction */
    REPORT_SVC_UNAVAIL, /* service_unavailability, fraction */
    REPORT_DOWNTIME,    /* downtime, min/yr */
    REPORT_OUTAGES,     /* outages, count/yr */
    REPORT_OUTAGE_LEN,  /* outage_mean_length, min */
    REPORT_WORST,       /* worst_loss, VMs */
    REPORT_DEFICIT,     /* capacity_deficit, VM-hours/yr */
    REPORT_ALLOC,       /* alloc_failures, VMs */
    REPORT_MONTHS,      /* month_meets_target, probability */
    REPORT_DIFF,        /* downtime_diff_vs_baseline, min/yr */
    REPORT_NMETRICS
} report_metric;

/* A metric's name and unit as summary.csv writes them. */
const char *report_metric_name(report_metric m);
const char *report_metric_unit(report_metric m);

/* The metric named `name` (summary.csv's metric column), or -1. */
int report_metric_find(const char *name);

/* Metric m of group g: the figures of its summary.csv row (clipped to the
 * metric's range, NAN where the run supports no value; REPORT_DIFF not for
 * the baseline).  O(1) on a finished digest. */
stats_summary report_summary(const report_run *run, size_t g, report_metric m);

/* Service outages of group g over every replica; replica-years run.  O(1). */
double report_outages(const report_run *run, size_t g);

/* What group g's service interval rests on, as the table judges it: its
 * outages (plain Monte Carlo), or its root replicas with an outage in
 * their tree (the restart estimator, whose weighted outage count is no
 * count of evidence).  O(1). */
double report_evidence(const report_run *run, size_t g);
double report_replica_years(const report_run *run);

/* Group g's VMs that could not be allocated, as one line into `buf`: from
 * the run's one placement (run->placement), or, with simulation.placement
 * = perReplica, from the replicas' results (in how many replicas, the most
 * at once).  False, and nothing written, when every VM was allocated. */
bool report_unplaced_line(const report_run *run, size_t g, char *buf, size_t len);

/* VMs of group g that could not be allocated (as above: with perReplica
 * placement, the most in one replica); 0 when every VM was. */
int report_unplaced_vms(const report_run *run, size_t g);

/* Groups of the run with VMs that could not be allocated (as above). */
size_t report_unplaced_groups(const report_run *run);

/* The files report_sink_commit writes, in the order it commits them
 * (summary.csv last), NULL-terminated. */
extern const char *const report_files[];

/* A run's results on their way in: the digest of the replicas and, with a
 * directory, the results directory with replicas.csv streamed into its
 * temporary file as blocks of replicas come (report_sink_consume is a
 * batch_consume_fn).  Nothing reaches its final name before
 * report_sink_commit; a sink destroyed uncommitted (an error, an interrupt
 * before the first replica) removes every temporary file, and the
 * directory if report_sink_create made it. */
typedef struct report_sink report_sink;

/* Make a sink for the replicas of `s` (borrowed; it must outlive the
 * sink), with paired differences against group `baseline`, keeping up to
 * `cap` replicas exactly (0: digest_cap(s)); with `dir` (not NULL), make
 * the results directory (one level) if missing, an existing non-directory
 * being an error, and open replicas.csv's temporary file in it.  FD_OK, or
 * FD_EIO / FD_ENOMEM with a message naming the directory in `d`.  Cost:
 * digest_create's memory. */
int report_sink_create(report_sink **out, const scenario *s, size_t baseline,
                       const char *dir, uint64_t cap, diag *d);

/* A batch_consume_fn: add the block's replicas (the next ones, in order)
 * to the digest and their rows to replicas.csv.  FD_OK or FD_ENOMEM;
 * write errors stay in the writer until the commit.  Cost: O(block x
 * groups x (metrics + months)). */
int report_sink_consume(void *sink, const batch_block *blk, diag *d);

/* The writer streaming replicas.csv (for a checkpoint to flush and
 * measure it: csvio_writer_flush), or NULL without a directory.  Owned
 * by the sink. */
csvio_writer *report_sink_replicas(report_sink *sink);

/* The digest of every replica consumed, finished (digest_finish): no
 * block may be consumed after it.  Owned by the sink. */
const digest *report_sink_digest(report_sink *sink);

/* Write the rest of the results directory for `run` (run->digest is this
 * sink's digest, run->r the same run's totals): every file first to a
 * temporary name beside its final one; only when all are written are they
 * renamed into place (replicas.csv first, summary.csv last), so a failed
 * write commits nothing (destroying the sink then leaves no temporary file
 * and removes the directory if the sink made it).  A rename failing part
 * way (a target replaced by a directory meanwhile) can leave earlier files
 * of the set committed, each whole.  FD_OK, or FD_EIO / FD_ENOMEM with a
 * message naming the file in `d`.  Cost: O(groups x (metrics + months))
 * after digest_finish. */
int report_sink_commit(report_sink *sink, const report_run *run, diag *d);

/* Free the sink (see above for what an uncommitted one removes).  NULL is
 * a no-op. */
void report_sink_destroy(report_sink *sink);

/* The writers behind report_sink_commit, one per CSV: each writes its
 * header and rows to `w` (neither finished nor committed) and returns FD_OK
 * (the int is kept for writers that may need memory).  Write errors stay in
 * `w` until csvio_writer_finish.  Cost: O(groups x (metrics + months)). */
int report_write_summary(const report_run *run, csvio_writer *w);
int report_write_downcount(const report_run *run, csvio_writer *w);
int report_write_months(const report_run *run, csvio_writer *w);

/* autoscale.csv, written only when some group autoscales: per autoscaling
 * group, one row per figure (group, orchestration, fault_domains, zones,
 * scale_in_policy, minimum, maximum, metric, unit, mean, sd, ci_low,
 * ci_high, replicas): availability, downtime and deficit against the floor
 * (as summary.csv has them), the deficit below the target, the mean target
 * and instance count, VMs scaled out and in, scale-out allocation failures
 * (per year), and the imbalance across fault domains and zones (time
 * average and largest).  Always FD_OK (write errors surface at
 * csvio_writer_finish).  O(groups). */
int report_write_autoscale(const report_run *run, csvio_writer *w);

/* replicas.csv's header row, and the rows of one block of replicas of `s`
 * (blk->ngroups == s->ngroups).  Write errors stay in `w`.  O(block x
 * groups). */
void report_write_replicas_header(const scenario *s, csvio_writer *w);
void report_write_replica_rows(const scenario *s, const batch_block *blk, csvio_writer *w);

/* Leading columns put before summary.csv's on every row (sweep.csv's
 * point and varied keys).  Every pointer is borrowed. */
typedef struct report_lead {
    const char *const *head;  /* the leading columns' header cells (n of them) */
    const char *const *cells; /* this run's leading cells on every row (n of them) */
    size_t n;                 /* leading columns; 0: none (summary.csv itself) */
    bool header;              /* write the header row first */
    bool numbers_as_text;     /* write numbers as text cells, so a negative one is
                                 made formula-safe ('-0.5) like any text: sweep.csv's
                                 format since its first version, kept byte for byte */
} report_lead;

/* Write summary.csv's rows (its header row first when lead->header) with
 * lead's leading cells in front of each; `lead` NULL is summary.csv
 * itself.  FD_OK; write errors stay in `w`.  Cost: O(groups x metrics). */
int report_write_summary_rows(const report_run *run, csvio_writer *w,
                              const report_lead *lead);

/* Write run.ini's content to `f`.  0 or -1 on a write error. */
int report_write_ini(const report_run *run, FILE *f);

/* Print the groups side by side to `f` (one column per group, wrapped into
 * blocks of columns to fit 100 characters): mode and FD/UD configuration,
 * service availability with its 95 % interval, downtime minutes per year,
 * P(a month meets its target), worst concurrent loss and the paired
 * difference against the baseline; figures to the digits their interval
 * supports, a group with no outage as "no outage in N replica-yr" (never
 * [0, 0]), no SLA as "no SLA", and a group with VMs run->placement could
 * not allocate marked "(!)" with the count and, below, the reason.  Then,
 * per group, how many service
 * outages the downtime estimate rests on and its relative error (half the
 * 95 % interval over the mean), with a warning when they are too few to
 * trust (REPORT_MIN_OUTAGES, REPORT_MAX_RELERR); and, when run->analytic is
 * set, the exact service availability beside the simulated one: "agrees"
 * when it lies in the simulated 95 % interval, "DISAGREES" when not, the
 * reason when no closed form applies.  With the restart estimator (or a
 * precision) the header says the estimator and why the run stopped, each
 * column its method and relative precision; the trust lines say how many
 * independent root replicas the estimate rests on, how many saw an outage
 * in their tree (the count the interval rule uses instead of outages), the
 * outages the retrials simulated, the count of outages that would be as
 * precise ((1.96 / relative)^2), the precision reached or what reaching it
 * would take, and that worst loss and the monthly figures are the root
 * paths' own (plain).  0, or -1 on a write error or
 * without memory.  Cost: O(groups). */
int report_print_table(const report_run *run, FILE *f);

/* Group g's service availability and its 95 % interval as one line of
 * text, to the digits the interval supports (two significant digits of its
 * half-width): "99.97372 % [99.97227, 99.97516]"; "100 % (no outage in N
 * replica-yr)" when the group never lost its quorum (an interval [100, 100]
 * would claim a certainty the run does not have).  0 (the int is kept for
 * callers that check it).  Cost: O(1). */
int report_format_availability(const report_run *run, size_t g, char *buf, size_t size);

#define REPORT_MIN_OUTAGES 30  /* fewer outages behind an estimate: warn */
#define REPORT_MAX_RELERR 0.2  /* a larger relative error: warn */

#endif
