/*
 * runner: replicas on the batch pool with injectors (see runner.h).
 */
#include "runner.h"

#include "alloc.h"
#include "cluster.h"
#include "csvio.h"
#include "inject.h"
#include "pilot.h"
#include "precision.h"
#include "rare.h"
#include "stats.h"
#include "world.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What every worker shares, read-only. */
typedef struct ctx {
    const scenario *s; /* the scenario every worker runs */
    const place_result *plan; /* the run's placement, every replica's start */
    int nmonths;       /* months per replica, as batch_spec */
    const rare_plan *rp; /* restart: the estimator's plan; NULL: plain */
    precision *stop;   /* the stopping rule (owned unless resumed) */
    batch_consume_fn consume; /* the caller's consumer, and its sink */
    void *sink;
} ctx;

/* One worker thread's state. */
typedef struct worker {
    inject *in;        /* this thread's injector */
    rare *r;           /* restart: its estimator */
    const ctx *c;      /* shared */
} worker;

static void *worker_create(void *user)
{
    worker *w = fd_calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->c = user;
    if (inject_create_placed(&w->in, w->c->s, w->c->plan, NULL) != FD_OK
        || (w->c->rp && rare_create(&w->r, w->in, w->c->rp, NULL) != FD_OK)) {
        inject_destroy(w->in);
        free(w);
        return NULL;
    }
    return w;
}

static void worker_destroy(void *p)
{
    worker *w = p;
    rare_destroy(w->r);
    inject_destroy(w->in);
    free(w);
}

static int replica(void *p, uint64_t k, const stats_out *out, uint64_t *events)
{
    worker *w = p;
    if (w->r)
        return rare_replica(w->r, k, out, events);
    int rc = inject_replica(w->in, k, out, NULL);
    *events = inject_events(w->in);
    return rc;
}

/* The caller's consumer first, then the stopping rule. */
static int consume_then_stop(void *sink, const batch_block *blk, diag *d)
{
    const ctx *c = sink;
    int rc = c->consume ? c->consume(c->sink, blk, d) : FD_OK;
    return rc == FD_OK ? precision_add(c->stop, blk) : rc;
}

int runner_threads(const scenario *s)
{
    if (s->threads > 0)
        return s->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

void runner_outcome_fini(runner_outcome *o)
{
    if (!o)
        return;
    pilot_result_destroy(o->pilot);
    rare_plan_destroy(o->plan);
    free(o->relative);
    free(o->needed);
    *o = (runner_outcome){ 0 };
}

int runner_run(const scenario *s, const place_result *plan, const runner_progress *progress,
               volatile sig_atomic_t *stop, batch_consume_fn consume, void *sink,
               batch_result **res, runner_outcome *oc, diag *d)
{
    return runner_run_from(s, plan, progress, stop, consume, sink, NULL, res, oc, d);
}

int runner_run_from(const scenario *s, const place_result *plan,
                    const runner_progress *progress, volatile sig_atomic_t *stop,
                    batch_consume_fn consume, void *sink, const runner_resume *from,
                    batch_result **res, runner_outcome *oc, diag *d)
{
    const batch_start *start = from ? from->start : NULL;
    precision *resumed = from ? from->stop : NULL;
    runner_outcome none_oc = { 0 };
    if (!oc)
        oc = &none_oc;
    *oc = (runner_outcome){ .estimator = s->estimator };
    double t0 = precision_clock();
    int *counts = fd_malloc(s->ngroups * sizeof *counts + 1);
    oc->relative = fd_calloc(s->ngroups + 1, sizeof *oc->relative);
    oc->needed = fd_calloc(s->ngroups + 1, sizeof *oc->needed);
    ctx c = { .s = s, .plan = plan, .nmonths = stats_months(s->horizon), .consume = consume,
              .sink = sink };
    int rc = !counts || !oc->relative || !oc->needed ? FD_ENOMEM
           : resumed                                 ? (c.stop = resumed, FD_OK)
                                                     : precision_create(&c.stop, s, t0);
    if (rc != FD_OK) {
        free(counts);
        runner_outcome_fini(oc);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    for (size_t g = 0; g < s->ngroups; g++)
        counts[g] = s->groups[g].count;
    if (s->estimator == ESTIMATOR_RESTART) {
        rc = pilot_run(s, plan, runner_threads(s), 0, &oc->plan, &oc->pilot, d);
        if (rc != FD_OK) {
            free(counts);
            if (!resumed)
                precision_destroy(c.stop);
            runner_outcome_fini(oc);
            return rc;
        }
        c.rp = oc->plan;
        oc->pilot_seconds = precision_clock() - t0;
    }
    runner_progress none = { 0, 0, NULL };
    if (!progress)
        progress = &none;
    batch_spec spec = {
        .ngroups = s->ngroups,
        .counts = counts,
        .nmonths = c.nmonths,
        .replicas = start && start->end ? start->end : (uint64_t)s->replicas,
        .threads = runner_threads(s),
        .worker_create = worker_create,
        .worker_destroy = worker_destroy,
        .replica = replica,
        .user = &c,
        .consume = consume,
        .sink = &c,
        .progress = true,
        .progress_done = progress->done,
        .progress_total = progress->total,
        .progress_label = progress->label,
        .stop = stop,
        .start = start,
    };
    spec.consume = c.consume || s->precision > 0 || s->time_limit > 0 ? consume_then_stop : NULL;
    bool ended = resumed && start && precision_ended(resumed); /* killed before the swap */
    if (ended)
        spec.replicas = start->first;
    rc = cluster_batch_run(&spec, res, d); /* batch_run, or over MPI ranks */
    if (rc == FD_OK && ended) { /* as the run that reached it said */
        (*res)->halted = true;
        (*res)->requested = (uint64_t)s->replicas;
    }
    if (rc == FD_OK) {
        oc->stop = precision_reason(c.stop);
        oc->seconds = precision_seconds(c.stop);
        for (size_t g = 0; g < s->ngroups; g++) {
            oc->relative[g] = precision_relative(c.stop, g);
            oc->needed[g] = precision_replicas_needed(c.stop, g);
        }
    }
    free(counts);
    if (!resumed)
        precision_destroy(c.stop);
    if (oc == &none_oc)
        runner_outcome_fini(oc);
    return rc;
}

int runner_trace(const scenario *s, const place_result *plan, const char *path, uint64_t k,
                 diag *d)
{
    inject *in = NULL;
    csvio_writer *w = NULL;
    stats_replica *out = fd_calloc(s->ngroups, sizeof *out);
    int rc = out ? inject_create_placed(&in, s, plan, d)
                 : diag_set(d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK)
        rc = csvio_writer_create(&w, path, d);
    if (rc == FD_OK) {
        inject_trace_header(in, w);
        if (inject_replica(in, k, &(stats_out){ .rec = out }, w) != FD_OK)
            rc = diag_set(d, FD_ENOMEM, "out of memory growing the event queue");
        else
            rc = csvio_writer_commit(w, d);
    }
    csvio_writer_destroy(w);
    inject_destroy(in);
    free(out);
    return rc;
}
