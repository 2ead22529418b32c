/*
 * runner: replicas on the batch pool with injectors (see runner.h).
 */
#include "runner.h"

#include "alloc.h"
#include "csvio.h"
#include "inject.h"
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
} ctx;

/* One worker thread's state. */
typedef struct worker {
    inject *in;        /* this thread's injector */
    const ctx *c;      /* shared */
} worker;

static void *worker_create(void *user)
{
    worker *w = fd_calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->c = user;
    if (inject_create_placed(&w->in, w->c->s, w->c->plan, NULL) != FD_OK) {
        free(w);
        return NULL;
    }
    return w;
}

static void worker_destroy(void *p)
{
    worker *w = p;
    inject_destroy(w->in);
    free(w);
}

static int replica(void *p, uint64_t k, const stats_out *out, uint64_t *events)
{
    worker *w = p;
    int rc = inject_replica(w->in, k, out, NULL);
    *events = inject_events(w->in);
    return rc;
}

int runner_threads(const scenario *s)
{
    if (s->threads > 0)
        return s->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 1024 ? 1024 : (int)n;
}

int runner_run(const scenario *s, const place_result *plan, const runner_progress *progress,
               volatile sig_atomic_t *stop, batch_consume_fn consume, void *sink,
               batch_result **res, diag *d)
{
    return runner_run_from(s, plan, progress, stop, consume, sink, NULL, res, d);
}

int runner_run_from(const scenario *s, const place_result *plan,
                    const runner_progress *progress, volatile sig_atomic_t *stop,
                    batch_consume_fn consume, void *sink, const batch_start *start,
                    batch_result **res, diag *d)
{
    int *counts = fd_malloc(s->ngroups * sizeof *counts + 1);
    if (!counts)
        return diag_set(d, FD_ENOMEM, "out of memory");
    for (size_t g = 0; g < s->ngroups; g++)
        counts[g] = s->groups[g].count;
    ctx c = { .s = s, .plan = plan, .nmonths = stats_months(s->horizon) };
    runner_progress none = { 0, 0, NULL };
    if (!progress)
        progress = &none;
    batch_spec spec = {
        .ngroups = s->ngroups,
        .counts = counts,
        .nmonths = c.nmonths,
        .replicas = (uint64_t)s->replicas,
        .threads = runner_threads(s),
        .worker_create = worker_create,
        .worker_destroy = worker_destroy,
        .replica = replica,
        .user = &c,
        .consume = consume,
        .sink = sink,
        .progress = true,
        .progress_done = progress->done,
        .progress_total = progress->total,
        .progress_label = progress->label,
        .stop = stop,
        .start = start,
    };
    int rc = batch_run(&spec, res, d);
    free(counts);
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
