/*
 * precision: the stopping rule of a run (see precision.h).
 */
#include "precision.h"

#include "alloc.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

/* Welford's running mean and sum of squared deviations of one group. */
typedef struct moments {
    double mean, m2;
} moments;

struct precision {
    const scenario *s;
    size_t ng;
    moments *m;          /* [ng]: service unavailability */
    uint64_t n;          /* replicas added */
    uint64_t next;       /* the next checkpoint */
    double look;         /* it, before rounding to blocks */
    double t0, t_last;   /* start, and the clock at the last block */
    precision_stop why;
};

double precision_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A checkpoint: `x` rounded up to whole blocks. */
static uint64_t blocks(double x)
{
    uint64_t b = (uint64_t)ceil(x / BATCH_BLOCK);
    return (b ? b : 1) * BATCH_BLOCK;
}

int precision_create(precision **out, const scenario *s, double t0)
{
    *out = NULL;
    precision *p = fd_calloc(1, sizeof *p);
    if (!p)
        return FD_ENOMEM;
    p->s = s;
    p->ng = s->ngroups;
    p->m = fd_calloc(p->ng ? p->ng : 1, sizeof *p->m);
    if (!p->m) {
        free(p);
        return FD_ENOMEM;
    }
    p->look = PRECISION_FIRST;
    p->next = blocks(p->look);
    p->t0 = p->t_last = t0;
    *out = p;
    return FD_OK;
}

void precision_destroy(precision *p)
{
    if (!p)
        return;
    free(p->m);
    free(p);
}

double precision_relative(const precision *p, size_t g)
{
    const moments *m = &p->m[g];
    if (p->n < 2 || !(m->mean > 0))
        return INFINITY;
    double sd = sqrt(m->m2 / (double)(p->n - 1));
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(p->n - 1)) * sd / sqrt((double)p->n);
    return half / m->mean;
}

double precision_replicas_needed(const precision *p, size_t g)
{
    double rel = precision_relative(p, g), want = p->s->precision;
    if (!isfinite(rel) || !(want > 0))
        return INFINITY;
    double need = (double)p->n * (rel / want) * (rel / want);
    return need > (double)p->n ? ceil(need) : (double)p->n;
}

static bool reached(const precision *p)
{
    for (size_t g = 0; g < p->ng; g++)
        if (!(precision_relative(p, g) <= p->s->precision))
            return false;
    return true;
}

int precision_add(precision *p, const batch_block *blk)
{
    for (size_t i = 0; i < blk->n; i++) {
        p->n++;
        for (size_t g = 0; g < p->ng; g++) {
            double x = blk->stats[i * blk->ngroups + g].service_unavailability;
            moments *m = &p->m[g];
            double d = x - m->mean;
            m->mean += d / (double)p->n;
            m->m2 += d * (x - m->mean);
        }
    }
    p->t_last = precision_clock();
    if (p->s->precision > 0 && p->n >= p->next) {
        while (p->next <= p->n) {
            p->look *= 1.4142135623730951; /* sqrt(2) */
            p->next = blocks(p->look);
        }
        if (reached(p)) {
            p->why = PRECISION_REACHED;
            return BATCH_HALT;
        }
    }
    if (p->s->time_limit > 0 && p->t_last - p->t0 >= p->s->time_limit) {
        p->why = PRECISION_TIME;
        return BATCH_HALT;
    }
    return FD_OK;
}

bool precision_ended(const precision *p)
{
    return p->why != PRECISION_RUNNING;
}

precision_stop precision_reason(const precision *p)
{
    return p->why == PRECISION_RUNNING ? PRECISION_REPLICAS : p->why;
}

uint64_t precision_replicas(const precision *p)
{
    return p->n;
}

double precision_seconds(const precision *p)
{
    return p->t_last - p->t0;
}
