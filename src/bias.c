/*
 * bias: importance sampling for a retrial of the rare-event estimator (see
 * inject.h, "splitting support", and rare.h for how it is used).
 *
 * A retrial of group g starts at the instant the group's VMs down crossed a
 * level.  Reaching an outage from there needs more of its VMs down before
 * the ones down come back: another failure of a unit holding one of its up
 * VMs, or a maintenance walk reaching it.  Both are rare in the hours a
 * degradation lasts, so the retrial makes them likely and weights its path
 * by the likelihood ratio L (natural law over the biased one):
 *
 *  - failures: each exponential class that runs pooled (hosts, racks,
 *    zones: a thinned superposed process, inject.c; the group's Spot VMs,
 *    evicted as a pool) gets an extra Poisson process of rate (beta - 1) /
 *    mean per unit of the set (the units that held an up VM of g at the
 *    start, the Spot VMs of g running then), hitting a unit of the set
 *    uniformly and dropped when it is down (thinning, as the pools' own
 *    hits), for `window` seconds.  A unit of the set then fails at beta / mean while
 *    up, any other unit at 1 / mean, so L gains 1 / beta per failure of a
 *    set unit in the window and exp((beta - 1) / mean x its up-time in the
 *    window) for surviving: log_lr sums those terms as they happen
 *    (bias_unit), the survival integrated piecewise between changes;
 *  - waves: a wave of a walk comes at (k + U) x period, U uniform, drawn at
 *    the wave before.  Given the present (wave k not yet come), it is
 *    uniform on [max(now, k x period), (k + 1) x period]; the retrial
 *    redraws it from the mixture q = share x uniform on the part of that
 *    range inside the window + (1 - share) x uniform on all of it, which
 *    covers the natural density everywhere, and L gains p / q.
 *
 * L is a martingale of mean 1 under the biased law, so a retrial's accrual
 * weighted by L at its end is an unbiased estimate of the natural accrual,
 * whatever happens after the window (natural rates again) and whatever the
 * other mechanisms (non-exponential clocks, bursts, repairs, restores are
 * simulated as they are; only their efficiency is not helped).  L is
 * bounded above on paths with no biased failure (by exp(theta) times
 * 1 / (1 - share) per wave), so the weights cannot blow up.
 *
 * Costs: inject_bias_start O(VMs of g + set); a change of a set unit O(1);
 * the extra failures are events like the pool's own.
 */
#include "inject_impl.h"

#include "alloc.h"
#include "rng.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The bias's stream id: apart from the world's (0x5eed...), the groups'
 * (name hashes) and the walks' (maint.c). */
#define BIAS_STREAM 0x6269617300000000ull

static pool *class_pool(inject *in, int c)
{
    switch (c) {
    case BIAS_HOST: return &in->host_pool;
    case BIAS_RACK: return &in->rack_pool;
    case BIAS_ZONE: return &in->zone_pool;
    default: return &in->g[in->bias.g].spot;
    }
}

/* Units a class can hold: the Spot class, the largest group's VMs. */
static int class_units(const inject *in, int c)
{
    int most = 0;
    for (size_t g = 0; c == BIAS_SPOT && g < in->ng; g++)
        most = in->g[g].spec->count > most ? in->g[g].spec->count : most;
    return c == BIAS_HOST ? in->hosts : c == BIAS_RACK ? in->racks : c == BIAS_ZONE ? in->zb : most;
}

int bias_init(inject *in)
{
    bias_state *b = &in->bias;
    b->rng = rng_create();
    for (int c = 0; c < BIAS_CLASSES; c++) {
        size_t n = (size_t)class_units(in, c);
        b->c[c].units = fd_malloc(n * sizeof(int) + 1);
        b->c[c].member = fd_calloc(n + 1, sizeof(bool));
        if (!b->c[c].units || !b->c[c].member)
            return FD_ENOMEM;
    }
    return b->rng ? FD_OK : FD_ENOMEM;
}

void bias_fini(inject *in)
{
    bias_state *b = &in->bias;
    rng_destroy(b->rng);
    for (int c = 0; c < BIAS_CLASSES; c++) {
        free(b->c[c].units);
        free(b->c[c].member);
    }
}

/* Forget the set (the queue's extra failures are the caller's). */
static void clear(bias_state *b)
{
    for (int c = 0; c < BIAS_CLASSES; c++) {
        bias_class *k = &b->c[c];
        for (int i = 0; i < k->n; i++)
            k->member[k->units[i]] = false;
        k->n = k->up = 0;
        k->rate = 0;
        k->ev = EVQ_NONE;
    }
    b->on = false;
    b->log_lr = 0;
}

void bias_copy(inject *dst, const inject *src)
{
    bias_state *d = &dst->bias;
    const bias_state *s = &src->bias;
    clear(d);
    d->on = s->on;
    d->g = s->g;
    d->until = s->until;
    d->t = s->t;
    d->log_beta = s->log_beta;
    d->log_lr = s->log_lr;
    for (int c = 0; c < BIAS_CLASSES; c++) {
        bias_class *k = &d->c[c];
        const bias_class *j = &s->c[c];
        k->n = j->n;
        k->up = j->up;
        k->rate = j->rate;
        k->ev = j->ev;
        memcpy(k->units, j->units, (size_t)j->n * sizeof *k->units);
        for (int i = 0; i < j->n; i++)
            k->member[j->units[i]] = true;
    }
    gsl_rng_memcpy(d->rng, s->rng);
}

/* Integrate the survival terms up to t (not past the window). */
static void sync(bias_state *b, double t)
{
    double e = fmin(t, b->until);
    if (!(e > b->t))
        return;
    for (int c = 0; c < BIAS_CLASSES; c++)
        b->log_lr += b->c[c].rate * b->c[c].up * (e - b->t);
    b->t = e;
}

void bias_spot(inject *in, size_t g, int vm, int delta, bool failed)
{
    if (in->bias.on && in->bias.g == g)
        bias_unit(in, BIAS_SPOT, vm, delta, failed);
}

void bias_unit(inject *in, int cls, int u, int delta, bool failed)
{
    bias_state *b = &in->bias;
    if (!b->on || !b->c[cls].member[u])
        return;
    double t = sim_now(in->sim);
    sync(b, t);
    b->c[cls].up += delta;
    if (failed && t < b->until)
        b->log_lr -= b->log_beta; /* intensity 1/mean over beta/mean */
}

/* Queue class c's next extra failure, if it falls in the window. */
static void schedule(inject *in, int c)
{
    bias_state *b = &in->bias;
    bias_class *k = &b->c[c];
    k->ev = EVQ_NONE;
    if (!(k->rate > 0) || k->n == 0)
        return;
    double t = sim_now(in->sim) - log(1.0 - gsl_rng_uniform(b->rng)) / (k->rate * k->n);
    if (t < b->until)
        k->ev = sim_at(in->sim, t, EV_BIAS, (uint32_t)c, 0);
}

void bias_on_event(sim *sm, const evq_event *ev, void *ctx)
{
    inject *in = ctx;
    int c = (int)ev->id;
    bias_class *k = &in->bias.c[c];
    (void)sm;
    int u = k->units[rng_below(in->bias.rng, (uint32_t)k->n)];
    k->ev = EVQ_NONE;
    if (c == BIAS_HOST)
        inject_fail_host(in, u);
    else if (c == BIAS_SPOT)
        inject_evict_spot(in, in->bias.g, u);
    else
        inject_fail_unit(in, c, u);
    schedule(in, c);
}

void bias_stop(inject *in)
{
    for (int c = 0; c < BIAS_CLASSES; c++)
        sim_cancel(in->sim, in->bias.c[c].ev);
    clear(&in->bias);
}

void bias_clear(inject *in)
{
    clear(&in->bias);
}

void bias_reseed(inject *in, uint64_t key)
{
    rng_derive(in->bias.rng, in->s->seed, key, BIAS_STREAM);
}

static void add(inject *in, int c, int u)
{
    bias_class *k = &in->bias.c[c];
    if (!class_pool(in, c)->on || k->member[u])
        return;
    k->member[u] = true;
    k->units[k->n++] = u;
}

/* Redraw pending wave w (0 rebootless, 1 rebootful) as the header says. */
static void redraw_wave(inject *in, int w, double t0, double window, double share)
{
    const scenario *s = in->s;
    bool on = w == 0 ? s->rl_enabled : s->rf_enabled;
    double period = w == 0 ? s->rl_period : s->rf_period;
    if (!on || !sim_pending(in->sim, in->wave_ev[w]))
        return;
    double a = fmax(t0, (double)in->wave_k[w] * period), b = (double)(in->wave_k[w] + 1) * period;
    if (!(b > a))
        return;
    double e = fmin(fmin(b, t0 + window), s->horizon);
    gsl_rng *r = in->bias.rng;
    double at;
    if (e > a && share > 0) {
        bool near = gsl_rng_uniform(r) < share;
        at = near ? a + gsl_rng_uniform(r) * (e - a) : a + gsl_rng_uniform(r) * (b - a);
        double p = 1 / (b - a), q = (1 - share) * p + (at <= e ? share / (e - a) : 0);
        in->bias.log_lr += log(p / q);
    } else {
        at = a + gsl_rng_uniform(r) * (b - a);
    }
    sim_reschedule(in->sim, in->wave_ev[w], at);
}

void inject_bias_start(inject *in, size_t g, const inject_bias *bs)
{
    bias_state *b = &in->bias;
    double t0 = sim_now(in->sim);
    assert(!b->on && bs->window > 0);
    const scen_group *sp = in->g[g].spec;
    b->g = g;
    for (int i = 0; i < sp->count; i++) {
        if (in->g[g].spot.on && pool_is_up(&in->g[g].spot, i))
            add(in, BIAS_SPOT, i); /* a running Spot VM */
        if (!vmstate_vm_is_up(in->vs, g, i))
            continue;
        int h = vmstate_vm_host(in->vs, g, i), rack = h / in->hpr;
        add(in, BIAS_HOST, h);
        add(in, BIAS_RACK, rack);
        if (in->s->zones > 0)
            add(in, BIAS_ZONE, rack / in->rpz);
    }
    double lam = 0; /* the set's natural failure rate */
    for (int c = 0; c < BIAS_CLASSES; c++) {
        bias_class *k = &b->c[c];
        pool *p = class_pool(in, c);
        k->up = 0;
        for (int i = 0; i < k->n; i++)
            k->up += pool_is_up(p, k->units[i]);
        if (k->n > 0)
            lam += k->n / p->mean;
    }
    double beta = lam > 0 && bs->theta > 0 ? fmax(1, bs->theta / (lam * bs->window)) : 1;
    b->on = true;
    b->until = t0 + bs->window;
    b->t = t0;
    b->log_beta = log(beta);
    b->log_lr = 0;
    for (int c = 0; c < BIAS_CLASSES; c++) {
        bias_class *k = &b->c[c];
        k->rate = k->n > 0 ? (beta - 1) / class_pool(in, c)->mean : 0;
        schedule(in, c);
    }
    for (int w = 0; w < 2; w++)
        redraw_wave(in, w, t0, bs->window, bs->wave_share);
}

double inject_bias_lr(inject *in, double t)
{
    bias_state *b = &in->bias;
    if (!b->on)
        return 1;
    sync(b, t);
    return exp(b->log_lr);
}
