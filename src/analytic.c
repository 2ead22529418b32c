/*
 * analytic: exact long-run availability where a closed form exists (see
 * analytic.h for the model and its limits).
 *
 * Layout: the scenario is first reduced to a handful of probabilities (a
 * `model`: zone, rack, host-unit and Spot unavailability, and the fraction
 * of time one maintenance step holds its VMs down); each group's placed
 * VMs are sorted by (rack, host) once; then the service unavailability is
 * summed over maintenance states, each through one truncated convolution.
 * Refusals compute the same thing under a pessimistic and an optimistic
 * relaxation and keep whichever side is a valid bound.
 *
 * Integrals of survival functions (E[min(healing, repair)], the part of a
 * pause longer than the tolerance) are closed forms for fixed, exponential,
 * uniform and empirical distributions, and adaptive Gauss-Kronrod (GSL's
 * qk21 rule, which never calls the GSL error handler) for the others.
 */
#include "analytic.h"

#include "alloc.h"
#include "world.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_MIN (365.0 * 24.0 * 60.0)
#define DP_BUDGET 1e9 /* operations before the walks' overlap is bounded instead */

/* ------------------------------------------------ distributions -- */

/* P(D > t). */
static double surv(const dist *d, double t)
{
    if (t < 0)
        return 1;
    switch (d->kind) {
    case DIST_FIXED:
        return d->a > t ? 1 : 0;
    case DIST_EXP:
        return d->a > 0 ? exp(-t / d->a) : 0;
    case DIST_WEIBULL:
        return gsl_cdf_weibull_Q(t, d->a, d->b);
    case DIST_LOGNORMAL:
        if (d->b == 0)
            return d->a > t ? 1 : 0;
        return t <= 0 ? 1 : gsl_cdf_lognormal_Q(t, log(d->a), d->b);
    case DIST_UNIFORM:
        if (t < d->a)
            return 1;
        if (t >= d->b)
            return 0;
        return (d->b - t) / (d->b - d->a);
    case DIST_EMPIRICAL: {
        size_t k = 0;
        for (size_t i = 0; i < d->n; i++)
            k += d->samples[i] > t;
        return (double)k / (double)d->n;
    }
    }
    return 0;
}

typedef double (*fn)(double x, void *p);

/* Adaptive Gauss-Kronrod on [a, b] (finite), to a relative 1e-10. */
static double adapt(fn f, void *p, double a, double b, double whole, int depth)
{
    gsl_function F = { f, p };
    double r, err, ra, rb;
    gsl_integration_qk21(&F, a, b, &r, &err, &ra, &rb);
    if (depth >= 40 || err <= 1e-10 * fabs(whole) + 1e-300 || err <= 1e-12 * fabs(r))
        return r;
    double m = 0.5 * (a + b);
    return adapt(f, p, a, m, whole, depth + 1) + adapt(f, p, m, b, whole, depth + 1);
}

static double integrate(fn f, void *p, double a, double b)
{
    if (!(b > a))
        return 0;
    gsl_function F = { f, p };
    double r, err, ra, rb;
    gsl_integration_qk21(&F, a, b, &r, &err, &ra, &rb);
    return adapt(f, p, a, b, r, 0);
}

typedef struct pm_arg {
    const dist *d;
} pm_arg;

static double surv_fn(double t, void *p)
{
    return surv(((pm_arg *)p)->d, t);
}

/* E[min(D, x)] = integral of P(D > t) over [0, x]. */
static double partial_mean(const dist *d, double x)
{
    if (x <= 0)
        return 0;
    switch (d->kind) {
    case DIST_FIXED:
        return fmin(d->a, x);
    case DIST_EXP:
        return -d->a * expm1(-x / d->a);
    case DIST_UNIFORM:
        if (x <= d->a)
            return x;
        if (x >= d->b)
            return 0.5 * (d->a + d->b);
        return x - (x - d->a) * (x - d->a) / (2 * (d->b - d->a));
    case DIST_EMPIRICAL: {
        double s = 0;
        for (size_t i = 0; i < d->n; i++)
            s += fmin(d->samples[i], x);
        return s / (double)d->n;
    }
    default: {
        pm_arg a = { d };
        return integrate(surv_fn, &a, 0, x);
    }
    }
}

typedef struct pair_arg {
    const dist *a, *b;
} pair_arg;

static double pm_of_b_fn(double x, void *p)
{
    return partial_mean(((pair_arg *)p)->b, x);
}

/* On u in [0, 1): t = u / (1 - u), the product of two survivals. */
static double both_surv_fn(double u, void *p)
{
    pair_arg *q = p;
    double t = u / (1 - u);
    return surv(q->a, t) * surv(q->b, t) / ((1 - u) * (1 - u));
}

/* E[min(A, B)] for independent A and B. */
static double mean_min(const dist *a, const dist *b)
{
    if (a->kind == DIST_FIXED || (a->kind == DIST_LOGNORMAL && a->b == 0))
        return partial_mean(b, a->a);
    if (b->kind == DIST_FIXED || (b->kind == DIST_LOGNORMAL && b->b == 0))
        return partial_mean(a, b->a);
    if (a->kind == DIST_EXP && b->kind == DIST_EXP)
        return a->a * b->a / (a->a + b->a);
    if (b->kind == DIST_EMPIRICAL || b->kind == DIST_UNIFORM) {
        const dist *t = a;
        a = b;
        b = t;
    }
    if (a->kind == DIST_EMPIRICAL) {
        double s = 0;
        for (size_t i = 0; i < a->n; i++)
            s += partial_mean(b, a->samples[i]);
        return s / (double)a->n;
    }
    pair_arg q = { a, b };
    if (a->kind == DIST_UNIFORM) {
        if (a->b <= a->a)
            return partial_mean(b, a->a);
        q.b = b;
        return integrate(pm_of_b_fn, &q, a->a, a->b) / (a->b - a->a);
    }
    return integrate(both_surv_fn, &q, 0, 1);
}

/* E[D 1{D > tau}]: the part of D's draws longer than tau, on average. */
static double tail_mean(const dist *d, double tau)
{
    if (tau <= 0)
        return dist_mean(d);
    double v = tau * surv(d, tau) + dist_mean(d) - partial_mean(d, tau);
    return v > 0 ? v : 0;
}

/* Long-run fraction of time down of an alternating renewal process. */
static double down_frac(double up_mean, double down_mean)
{
    return down_mean > 0 ? down_mean / (up_mean + down_mean) : 0;
}

static const char *kind_name(dist_kind k)
{
    static const char *const names[] = { "fixed", "exponential", "Weibull", "lognormal",
                                          "uniform", "empirical" };
    return names[k];
}

/* A duration for people: "25 min", "8.2 h", "12.5 y". */
static const char *human(double s, char *buf, size_t len)
{
    if (s < 120)
        snprintf(buf, len, "%.3g s", s);
    else if (s < 2 * 3600)
        snprintf(buf, len, "%.3g min", s / 60);
    else if (s < 3 * 86400)
        snprintf(buf, len, "%.3g h", s / 3600);
    else if (s < 365 * 86400)
        snprintf(buf, len, "%.3g d", s / 86400);
    else
        snprintf(buf, len, "%.3g y", s / (365 * 86400.0));
    return buf;
}

/* ------------------------------------------------------- the model -- */

/* The scenario reduced to what one group's availability depends on. */
typedef struct model {
    double uz;   /* P(a zone is out) */
    double ur;   /* P(a rack is out) */
    double uh;   /* P(a host unit holds its VMs down) */
    bool solo;   /* host units are single VMs (healing keeps them apart) */
    double us;   /* P(a Spot VM is evicted) */
    double mrl;  /* fraction of time one rebootless rack step holds its VMs */
    double mrf;  /* fraction of time one rebootful step holds its VMs */
} model;

/* One placed VM of the group, as the DP walks it. */
typedef struct gvm {
    int zb;     /* zone block of its rack */
    int rack;   /* global rack */
    int host;   /* global host */
    int step;   /* its rebootful step: (zone slot, UD) cell, or rack (Flexible) */
    bool spot;  /* a Spot VM */
} gvm;

/* A group prepared for the DP. */
typedef struct gdata {
    gvm *v;          /* placed VMs sorted by (rack, host), owned */
    int n;           /* placed VMs */
    int count;       /* all VMs of the group */
    int q;           /* quorum */
    int *racks;      /* distinct racks holding the group (owned) */
    int nracks;
    int *steps;      /* distinct rebootful steps holding placed VMs (owned) */
    int nsteps;
    double *buf;     /* DP scratch: 5 arrays of q + 1 (owned) */
} gdata;

static int cmp_vm(const void *a, const void *b)
{
    const gvm *x = a, *y = b;
    if (x->rack != y->rack)
        return x->rack < y->rack ? -1 : 1;
    return (x->host > y->host) - (x->host < y->host);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Sort and deduplicate x[0..n-1]; returns the distinct count. */
static int uniq(int *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_int);
    int k = 0;
    for (int i = 0; i < n; i++)
        if (k == 0 || x[k - 1] != x[i])
            x[k++] = x[i];
    return k;
}

/* c <- c (*) d, truncated at q (cell q holds ">= q").  Returns the new
 * length.  O(clen x dlen). */
static int conv(double *c, int clen, const double *d, int dlen, int q, double *tmp)
{
    int len = clen + dlen - 1 > q + 1 ? q + 1 : clen + dlen - 1;
    for (int i = 0; i < len; i++)
        tmp[i] = 0;
    for (int i = 0; i < clen; i++) {
        if (c[i] == 0)
            continue;
        for (int j = 0; j < dlen; j++) {
            int k = i + j > q ? q : i + j;
            tmp[k] += c[i] * d[j];
        }
    }
    memcpy(c, tmp, (size_t)len * sizeof *c);
    return len;
}

/* x <- (1 - u) x + u delta_0: the unit is out with probability u. */
static void mix(double *x, int len, double u)
{
    if (u <= 0)
        return;
    for (int i = 0; i < len; i++)
        x[i] *= 1 - u;
    x[0] += u;
}

/* P(fewer than quorum VMs up) given the VMs of rebootless rack `rl` and of
 * rebootful step `rf` forced down (-1: none).  O(placed VMs x quorum). */
static double below_quorum(const gdata *g, const model *m, int rl, int rf)
{
    int q = g->q, n = g->n;
    double *tot = g->buf, *zd = tot + (q + 1), *rd = zd + (q + 1), *hd = rd + (q + 1),
           *tmp = hd + (q + 1);
    int tlen = 1;
    tot[0] = 1;
    for (int i = 0; i < n;) {
        int zb = g->v[i].zb, zlen = 1;
        zd[0] = 1;
        while (i < n && g->v[i].zb == zb) {
            int rack = g->v[i].rack, rlen = 1;
            rd[0] = 1;
            while (i < n && g->v[i].rack == rack) {
                int host = g->v[i].host, hlen = 1;
                hd[0] = 1;
                do {
                    const gvm *v = &g->v[i++];
                    if (v->rack == rl || (rf >= 0 && v->step == rf))
                        continue; /* held down by maintenance */
                    double vm[2] = { v->spot ? m->us : 0, v->spot ? 1 - m->us : 1 };
                    hlen = conv(hd, hlen, vm, 2, q, tmp);
                } while (!m->solo && i < n && g->v[i].rack == rack && g->v[i].host == host);
                mix(hd, hlen, m->uh);
                rlen = conv(rd, rlen, hd, hlen, q, tmp);
            }
            mix(rd, rlen, m->ur);
            zlen = conv(zd, zlen, rd, rlen, q, tmp);
        }
        mix(zd, zlen, m->uz);
        tlen = conv(tot, tlen, zd, zlen, q, tmp);
    }
    double p = 0;
    for (int j = 0; j < q && j < tlen; j++)
        p += tot[j];
    return p;
}

/* Service unavailability: the sum over maintenance states.  When the pairs
 * (rebootless step, rebootful step) are too many to enumerate, their mass
 * goes to *unsure instead (their contribution lies in [0, *unsure]).  Adds
 * the convolutions made (one per state) to *nconv. */
static double service_unavail(const gdata *g, const model *m, double *unsure, long *nconv)
{
    int nr = m->mrl > 0 ? g->nracks : 0, ns = m->mrf > 0 ? g->nsteps : 0;
    double p0r = 1 - nr * m->mrl, p0f = 1 - ns * m->mrf;
    double per = (double)(g->n + 1) * (g->q + 1);
    *unsure = 0;
    double u = p0r * p0f * below_quorum(g, m, -1, -1);
    for (int r = 0; r < nr; r++)
        u += m->mrl * p0f * below_quorum(g, m, g->racks[r], -1);
    for (int f = 0; f < ns; f++)
        u += p0r * m->mrf * below_quorum(g, m, -1, g->steps[f]);
    *nconv += 1 + nr + ns;
    if ((double)nr * ns * per > DP_BUDGET) {
        *unsure = (double)nr * ns * m->mrl * m->mrf;
        return u;
    }
    for (int r = 0; r < nr; r++)
        for (int f = 0; f < ns; f++)
            u += m->mrl * m->mrf * below_quorum(g, m, g->racks[r], g->steps[f]);
    *nconv += (long)nr * ns;
    return u;
}

/* VM unavailability: the mean over the group's VMs of P(something holds
 * it down); VMs placement could not allocate are down for good. */
static double vm_unavail(const gdata *g, const model *m)
{
    double sum = g->count - g->n;
    double base = log1p(-m->mrl) + log1p(-m->mrf) + log1p(-m->uz) + log1p(-m->ur)
                  + log1p(-m->uh);
    for (int i = 0; i < g->n; i++)
        sum += -expm1(base + (g->v[i].spot ? log1p(-m->us) : 0));
    return g->count > 0 ? sum / g->count : 0;
}

/* ------------------------------------------------------ one group -- */

static void note(analytic_group *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(analytic_group *a, const char *fmt, ...)
{
    if (a->nnotes >= ANALYTIC_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->notes[a->nnotes++], ANALYTIC_NOTE_MAX, fmt, ap);
    va_end(ap);
}

static void refuse(analytic_group *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void refuse(analytic_group *a, const char *fmt, ...)
{
    size_t used = strlen(a->reason);
    if (used > 0 && used + 2 < sizeof a->reason) {
        strcat(a->reason, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->reason + used, sizeof a->reason - used, fmt, ap);
    va_end(ap);
}

/* Which sides of a refusal's bound stay valid. */
typedef struct sides {
    bool lo_vm, hi_vm;   /* pessimistic / optimistic VM availability */
    bool lo_svc, hi_svc; /* the same for the service */
} sides;

static void lose(sides *s, bool lo, bool hi, bool vm_too)
{
    if (lo) {
        s->lo_svc = false;
        if (vm_too)
            s->lo_vm = false;
    }
    if (hi) {
        s->hi_svc = false;
        if (vm_too)
            s->hi_vm = false;
    }
}

/* Build gdata for group `gi`; FD_OK or FD_ENOMEM. */
static int prepare(gdata *g, const scenario *s, const place_group *pg, int rpz)
{
    const scen_group *sp = pg->spec;
    memset(g, 0, sizeof *g);
    g->count = pg->count;
    g->q = sp->quorum;
    g->v = fd_malloc(((size_t)pg->count + 1) * sizeof *g->v);
    g->racks = fd_malloc(((size_t)pg->count + 1) * sizeof *g->racks);
    g->steps = fd_malloc(((size_t)pg->count + 1) * sizeof *g->steps);
    g->buf = fd_malloc(5 * ((size_t)g->q + 1) * sizeof *g->buf);
    if (!g->v || !g->racks || !g->steps || !g->buf)
        return FD_ENOMEM;
    int U = sp->mode == MODE_FLEXIBLE ? 0 : sp->ud_count;
    (void)s;
    for (int i = 0; i < pg->count; i++) {
        const place_vm *pv = &pg->vms[i];
        if (!pv->placed)
            continue;
        gvm *v = &g->v[g->n++];
        v->rack = pv->rack;
        v->host = pv->host;
        v->zb = pv->rack / rpz;
        v->spot = pv->spot;
        v->step = U > 0 ? (sp->zones ? pv->zone - 1 : 0) * U + pv->ud : pv->rack;
    }
    qsort(g->v, (size_t)g->n, sizeof *g->v, cmp_vm);
    for (int i = 0; i < g->n; i++) {
        g->racks[i] = g->v[i].rack;
        g->steps[i] = g->v[i].step;
    }
    g->nracks = uniq(g->racks, g->n);
    g->nsteps = uniq(g->steps, g->n);
    return FD_OK;
}

static void gdata_fini(gdata *g)
{
    free(g->v);
    free(g->racks);
    free(g->steps);
    free(g->buf);
}

/* Write into `buf` the VMs other groups than `gi` hold on `rack`, as
 * "flex-fd3: 34, db: 2" ("" when none).  O(VMs of the world). */
static void others_on_rack(const place_result *pr, size_t gi, int rack, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t o = 0; o < place_ngroups(pr); o++) {
        if (o == gi)
            continue;
        const place_group *pg = place_group_at(pr, o);
        int k = 0;
        for (int i = 0; i < pg->count; i++)
            k += pg->vms[i].placed && pg->vms[i].rack == rack;
        if (k == 0)
            continue;
        size_t u = strlen(buf);
        snprintf(buf + u, len - u, "%s%s: %d", u ? ", " : "", pg->spec->name, k);
    }
}

/* What the helpers of analyse() share: the inputs, the group prepared for
 * the DP, and the two relaxations a refusal bounds between. */
typedef struct actx {
    const scenario *s;        /* the scenario (not owned) */
    const place_result *pr;   /* its placement (not owned) */
    size_t gi;                /* the group analysed */
    const scen_group *sp;     /* its spec */
    const int *rack_vms;      /* every group's placed VMs per rack (not owned) */
    int reboot_racks;         /* racks holding a VM that rebootless steps reboot */
    int racks;                /* racks of the world */
    gdata g;                  /* the group prepared for the DP (owned) */
    model pess, opt;          /* pessimistic and optimistic model */
    sides ok;                 /* which sides of a bound stay valid */
    analytic_group *a;        /* the result written */
} actx;

/* Note the assumptions every group shares, and its unallocated VMs. */
static void note_common(actx *c)
{
    analytic_group *a = c->a;
    note(a, "long-run (steady-state) values: every process is an alternating renewal "
            "process, down E[outage] / (E[up] + E[outage]) of the time whatever its "
            "distributions; the simulation starts all units new and up");
    note(a, "hosts, racks, zones, Spot evictions and maintenance walks are independent; "
            "a VM is down while any of them holds it (overlaps count once)");
    if (c->g.n < c->g.count)
        note(a, "%d VM%s could not be allocated: down for good", c->g.count - c->g.n,
             c->g.count - c->g.n == 1 ? "" : "s");
}

/* Set both models' zone unavailability, when zones fail. */
static void add_zones(actx *c)
{
    const scenario *s = c->s;
    char b1[32], b2[32];
    if (!(s->zones > 0 && s->zone.enabled))
        return;
    double m = dist_mean(&s->zone.outage), t = dist_mean(&s->zone.ttf);
    c->pess.uz = c->opt.uz = down_frac(t, m);
    note(c->a, "zones fail independently: out %.3g of the time (MTTF %s, mean outage %s); "
         "an outage holds every rack of the zone", c->pess.uz, human(t, b1, sizeof b1),
         human(m, b2, sizeof b2));
}

/* Set both models' rack unavailability, when racks fail. */
static void add_racks(actx *c)
{
    const scenario *s = c->s;
    const gdata *g = &c->g;
    char b1[32], b2[32];
    if (!s->rack.enabled)
        return;
    double m = dist_mean(&s->rack.outage), t = dist_mean(&s->rack.ttf);
    c->pess.ur = c->opt.ur = down_frac(t, m);
    note(c->a, "racks fail independently: out %.3g of the time (MTTF %s, mean outage %s); "
         "the group's %d VM%s on %d rack%s are enumerated rack by rack", c->pess.ur,
         human(t, b1, sizeof b1), human(m, b2, sizeof b2), g->n, g->n == 1 ? "" : "s",
         g->nracks, g->nracks == 1 ? "" : "s");
}

/* The rack of the group that breaks "at most hosts - 1 VMs on a rack, every
 * group counted", or -1 when none does; of several, the one where this
 * group's own VMs are most (then the fullest): the group's own reason, not
 * a neighbour's.  Its own VMs there go to *own_out.  O(placed VMs). */
static int crowded_rack(const actx *c, int *own_out)
{
    const gdata *g = &c->g;
    const int *rack_vms = c->rack_vms;
    int hpr = c->s->hosts_per_rack;
    int worst = -1, worst_own = 0;
    for (int k = 0, i = 0; k < g->nracks; k++) {
        int rk = g->racks[k], own = 0;
        while (i < g->n && g->v[i].rack < rk)
            i++;
        for (; i < g->n && g->v[i].rack == rk; i++)
            own++;
        if (rack_vms[rk] > hpr - 1
            && (worst < 0 || own > worst_own
                || (own == worst_own && rack_vms[rk] > rack_vms[worst]))) {
            worst = rk;
            worst_own = own;
        }
    }
    *own_out = worst_own;
    return worst;
}

/* Refuse healing on crowded rack `worst`, which holds `worst_own` of the
 * group's VMs: no host there is sure to be empty for a healed VM. */
static void refuse_crowded(actx *c, int worst, int worst_own)
{
    analytic_group *a = c->a;
    int hpr = c->s->hosts_per_rack;
    char others[200];
    others_on_rack(c->pr, c->gi, worst, others, sizeof others);
    int rest = c->rack_vms[worst] - worst_own;
    if (worst_own > hpr - 1)
        refuse(a, "service healing may find no room or stack the group's VMs on "
               "one host: its own %d VMs on rack %d share %d hosts (exact needs "
               "at most %d VMs on a rack, every group counted)", worst_own,
               worst, hpr, hpr - 1);
    if (worst_own > hpr - 1 && rest)
        refuse(a, "rack %d also holds %d VM%s of other groups (%s)", worst, rest,
               rest == 1 ? "" : "s", others);
    else
        refuse(a, "service healing may find no room or stack the group's VMs on "
               "one host: rack %d holds %d of its VMs and %d of other groups' "
               "(%s) on %d hosts, so no host is sure to be empty for a healed VM "
               "(exact needs at most %d VMs on a rack, every group counted)",
               worst, worst_own, rest, others, hpr, hpr - 1);
    lose(&c->ok, true, true, false);
}

/* With room on every rack, the healed model is exact up to the heals that
 * fail (mean repair `r`, mean healed outage `h`, unhealed unavailability
 * `noheal`): neglect them when small, refuse otherwise. */
static void weigh_failed_heals(actx *c, double r, double h, double noheal)
{
    const gdata *g = &c->g;
    int hpr = c->s->hosts_per_rack;
    /* A heal due while the rack or zone is out fails and the VM waits
     * for the repair; that extra downtime overlaps the outage and is
     * not a product term.  Its size relative to the healed outage: */
    double miss = (c->pess.ur + c->pess.uz) * (r - h) / h;
    /* ... and so does one finding every empty host of the rack down */
    double none = 0;
    for (int k = 0; k < g->nracks; k++)
        none = fmax(none, pow(noheal, hpr - c->rack_vms[g->racks[k]]));
    miss += none * (r - h) / h;
    c->pess.solo = true;
    if (miss > 0.01) {
        refuse(c->a, "a heal due during a rack or zone outage, or with every empty "
               "host of the rack down, fails and the VM waits for the repair: "
               "%.2g of the healed host downtime, too much to neglect", miss);
    } else {
        c->pess.uh = c->opt.uh;
        if (miss > 0)
            note(c->a, "neglected: a heal due during a rack or zone outage, or with "
                 "every empty host of the rack down, fails and the VM waits for "
                 "the repair (about %.2g of the healed host downtime)", miss);
    }
}

/* Model service healing (host MTTF `t`, mean repair `r`, unhealed
 * unavailability `noheal`): the optimistic side always heals, the
 * pessimistic one only where healing is sure to find room. */
static void add_healing(actx *c, double t, double r, double noheal)
{
    const scenario *s = c->s;
    char b1[32], b2[32];
    double h = mean_min(&s->healing_time, &s->host.outage);
    c->opt.uh = down_frac(t, h);
    c->opt.solo = true;
    /* Exact needs an empty host awaiting every healed VM. */
    int worst_own;
    int worst = crowded_rack(c, &worst_own);
    if (s->host.ttf.kind != DIST_EXP) {
        refuse(c->a, "service healing with a %s host time to failure: a healed VM "
               "lands on a host of unknown age, whose remaining life is not a "
               "time to failure", kind_name(s->host.ttf.kind));
        lose(&c->ok, true, true, true);
    } else if (worst >= 0) {
        refuse_crowded(c, worst, worst_own);
    } else {
        weigh_failed_heals(c, r, h, noheal);
    }
    note(c->a, "service healing: a VM's host outage lasts min(healing, repair), mean %s "
         "(MTTF %s): down %.3g of the time%s", human(h, b1, sizeof b1),
         human(t, b2, sizeof b2), c->opt.uh,
         worst < 0 ? "; each rack holding the group has an empty healthy host, so "
                     "its VMs stay on distinct hosts and fail independently"
                   : " (the optimistic side of the VM bound)");
}

/* Set both models' host-unit unavailability, when hosts fail, healed or
 * not. */
static void add_hosts(actx *c)
{
    const scenario *s = c->s;
    char b1[32], b2[32];
    if (!s->host.enabled)
        return;
    double t = dist_mean(&s->host.ttf), r = dist_mean(&s->host.outage);
    double noheal = down_frac(t, r);
    c->pess.uh = c->opt.uh = noheal;
    if (!s->healing_enabled)
        note(c->a, "no service healing: a VM stays on its host, out %.3g of the time "
             "(MTTF %s, mean repair %s); hosts are units holding their VMs of the group",
             noheal, human(t, b1, sizeof b1), human(r, b2, sizeof b2));
    else
        add_healing(c, t, r, noheal);
}

/* Set both models' Spot unavailability, when the group has Spot VMs that
 * get evicted. */
static void add_spot(actx *c)
{
    const scenario *s = c->s;
    char b1[32], b2[32];
    bool any_spot = false;
    for (int i = 0; i < c->g.n; i++)
        any_spot |= c->g.v[i].spot;
    if (!(any_spot && s->spot_rate > 0))
        return;
    double up = 3600.0 / s->spot_rate, dn = dist_mean(&s->spot_restore);
    c->pess.us = c->opt.us = down_frac(up, dn);
    note(c->a, "each Spot VM is evicted on its own (exponential, every %s) and back after "
         "%s on average: out %.3g of the time", human(up, b1, sizeof b1),
         human(dn, b2, sizeof b2), c->pess.us);
    if (s->spot_policy == EVICT_DELETE)
        note(c->a, "evictionPolicy Delete taken as Deallocate: the recreated VM is assumed to "
             "find room at once on its rack (true for fixed spreading; max spreading may "
             "move it)");
}

/* Set both models' fraction of time a rebootless rack step holds its VMs;
 * refuse a walk that does not fit its period. */
static void add_rebootless(actx *c)
{
    const scenario *s = c->s;
    const scen_group *sp = c->sp;
    char b1[32], b2[32], b3[32];
    if (!s->rl_enabled)
        return;
    double ep = dist_mean(&s->rl_pause), er = dist_mean(&s->rl_reboot);
    double emax = ep + er - mean_min(&s->rl_pause, &s->rl_reboot);
    /* a step lasts the pause, or the reboot where a VM on the rack reboots */
    double walk = c->reboot_racks * emax + (c->racks - c->reboot_racks) * ep
                  + (c->racks - 1) * s->rl_settle;
    double held = sp->memory_preserving ? tail_mean(&s->rl_pause, s->rl_tolerance) : er;
    c->pess.mrl = c->opt.mrl = held / s->rl_period;
    if (walk >= s->rl_period) {
        refuse(c->a, "the rebootless walk (%s on average) does not fit its period (%s): "
               "waves queue up", human(walk, b1, sizeof b1), human(s->rl_period, b2, sizeof b2));
        lose(&c->ok, true, true, true);
    }
    note(c->a, "rebootless: one walk per %s over all %d racks (mean walk %s); each rack's step "
         "holds this group's VMs on it for %s (%s), a fraction %.3g of the time per rack "
         "(wave start uniform in its period; a delayed wave still walks fully)",
         human(s->rl_period, b1, sizeof b1), c->racks, human(walk, b2, sizeof b2),
         human(held, b3, sizeof b3),
         sp->memory_preserving ? "pauses longer than pauseTolerance" : "reboots",
         c->pess.mrl);
}

/* Set both models' fraction of time a rebootful step holds its VMs; refuse
 * a walk that does not fit its period. */
static void add_rebootful(actx *c)
{
    const scenario *s = c->s;
    const gdata *g = &c->g;
    char b1[32], b2[32];
    if (!(s->rf_enabled && g->nsteps > 0))
        return;
    double er = dist_mean(&s->rf_reboot);
    double walk = g->nsteps * er + (g->nsteps - 1) * s->rf_settle;
    c->pess.mrf = c->opt.mrf = er / s->rf_period;
    if (walk >= s->rf_period) {
        refuse(c->a, "the rebootful walk (%s on average) does not fit its period (%s): "
               "waves queue up", human(walk, b1, sizeof b1), human(s->rf_period, b2, sizeof b2));
        lose(&c->ok, true, true, true);
    }
    note(c->a, "rebootful: one walk per %s over the group's %d %s; each step holds its VMs "
         "for %s on average, a fraction %.3g of the time per step; steps never overlap",
         human(s->rf_period, b1, sizeof b1), g->nsteps,
         c->sp->mode == MODE_FLEXIBLE ? (g->nsteps == 1 ? "rack" : "racks")
                                      : (g->nsteps == 1 ? "update domain" : "update domains"),
         human(er, b2, sizeof b2), c->pess.mrf);
}

/* Note that the two walks overlap, when both hold VMs. */
static void note_walk_overlap(actx *c)
{
    const scenario *s = c->s;
    if ((s->rl_enabled && c->pess.mrl > 0) && (s->rf_enabled && c->pess.mrf > 0))
        note(c->a, "a rebootless and a rebootful step at once: the product of their fractions "
             "(independent wave starts), enumerated");
}

/* Refuse what has no closed form: correlated bursts and automatic repairs. */
static void refuse_no_closed_form(actx *c)
{
    char b1[32];
    if (c->s->burst_enabled) {
        refuse(c->a, "correlated bursts (several hosts of a rack within %s) break the "
               "independence of hosts", human(c->s->burst_window, b1, sizeof b1));
        lose(&c->ok, true, false, true);
    }
    if (c->sp->automatic_repairs) {
        refuse(c->a, "automatic instance repair replaces VMs within a 5 %% cap, so outages "
               "interact");
        lose(&c->ok, false, true, true);
    }
    if (c->sp->autoscale) {
        refuse(c->a, "the group autoscales (its size and floor change)");
        lose(&c->ok, true, true, true);
    }
}

/* Mark the group long-run only, with a note, when a unit's time to failure
 * is not exponential. */
static void mark_long_run_only(actx *c)
{
    const scenario *s = c->s;
    analytic_group *a = c->a;
    a->long_run_only = (s->host.enabled && s->host.ttf.kind != DIST_EXP)
                       || (s->rack.enabled && s->rack.ttf.kind != DIST_EXP)
                       || (s->zones > 0 && s->zone.enabled && s->zone.ttf.kind != DIST_EXP);
    if (a->long_run_only)
        note(a, "a non-exponential time to failure: the long-run value holds for any "
             "distribution with a finite mean, but the simulation starts every unit new, so "
             "a finite horizon differs (a Weibull shape < 1 fails early); not compared");
}

/* Run the convolutions, only for what will be shown: the exact value
 * (`refused` false), or each side of the service bound that the refusals
 * left valid; write the VM and service values. */
static void compute_values(actx *c, bool refused)
{
    analytic_group *a = c->a;
    const sides *ok = &c->ok;
    double unsure_p = 0, unsure_o = 0, usvc_p = NAN, usvc_o = NAN;
    if (!refused || ok->lo_svc)
        usvc_p = service_unavail(&c->g, &c->pess, &unsure_p, &a->convolutions);
    if (refused && ok->hi_svc)
        usvc_o = service_unavail(&c->g, &c->opt, &unsure_o, &a->convolutions);
    double uvm_p = vm_unavail(&c->g, &c->pess);
    double uvm_o = refused ? vm_unavail(&c->g, &c->opt) : uvm_p;
    if (!refused) {
        a->vm = (analytic_value){ true, uvm_p, NAN, NAN };
        if (unsure_p > 0) {
            a->service = (analytic_value){ false, NAN, 1 - (usvc_p + unsure_p), 1 - usvc_p };
            refuse(a, "too many overlapping maintenance states to enumerate; bounded");
        } else {
            a->service = (analytic_value){ true, usvc_p, NAN, NAN };
        }
    } else {
        a->vm = (analytic_value){ false, NAN, ok->lo_vm ? 1 - uvm_p : NAN,
                                  ok->hi_vm ? 1 - uvm_o : NAN };
        a->service = (analytic_value){ false, NAN, ok->lo_svc ? 1 - (usvc_p + unsure_p) : NAN,
                                       ok->hi_svc ? 1 - usvc_o : NAN };
    }
}

/* Analyse group `gi`; `rack_vms` counts every group's VMs per rack and
 * `reboot_racks` the racks holding a VM that rebootless steps reboot.  What
 * decides a refusal is settled first, from the model alone, one mechanism
 * at a time; the convolutions then run only for the figures still to give
 * (the exact value, or a side of a bound that stays valid).  FD_OK or
 * FD_ENOMEM. */
static int analyse(const scenario *s, const place_result *pr, size_t gi, const int *rack_vms,
                   int reboot_racks, analytic_group *a)
{
    const place_group *pg = place_group_at(pr, gi);
    actx c = { .s = s, .pr = pr, .gi = gi, .sp = pg->spec, .rack_vms = rack_vms,
               .reboot_racks = reboot_racks,
               .racks = (s->zones ? s->zones : 1) * s->racks_per_zone,
               .ok = { true, true, true, true }, .a = a };
    a->spec = pg->spec;
    if (prepare(&c.g, s, pg, s->racks_per_zone) != FD_OK) {
        gdata_fini(&c.g);
        return FD_ENOMEM;
    }
    note_common(&c);
    add_zones(&c);
    add_racks(&c);
    add_hosts(&c);
    add_spot(&c);
    add_rebootless(&c);
    add_rebootful(&c);
    note_walk_overlap(&c);
    refuse_no_closed_form(&c);
    bool refused = a->reason[0] != '\0';
    mark_long_run_only(&c);
    compute_values(&c, refused);
    gdata_fini(&c.g);
    return FD_OK;
}

/* ------------------------------------------------------------ API -- */

int analytic_compute_placed(const scenario *s, const place_result *pr,
                            analytic_result **out, diag *d)
{
    *out = NULL;
    int racks = (s->zones ? s->zones : 1) * s->racks_per_zone;
    analytic_result *r = fd_calloc(1, sizeof *r);
    int *rack_vms = fd_calloc((size_t)racks, sizeof *rack_vms);
    bool *reboots = fd_calloc((size_t)racks, sizeof *reboots);
    if (r)
        r->groups = fd_calloc(s->ngroups ? s->ngroups : 1, sizeof *r->groups);
    if (!r || !r->groups || !rack_vms || !reboots)
        goto fail;
    r->ngroups = s->ngroups;
    for (size_t g = 0; g < place_ngroups(pr); g++) {
        const place_group *pg = place_group_at(pr, g);
        for (int i = 0; i < pg->count; i++)
            if (pg->vms[i].placed) {
                rack_vms[pg->vms[i].rack]++;
                reboots[pg->vms[i].rack] |= !pg->spec->memory_preserving;
            }
    }
    int reboot_racks = 0; /* racks whose rebootless step waits for a reboot */
    for (int k = 0; k < racks; k++)
        reboot_racks += reboots[k];
    for (size_t g = 0; g < s->ngroups; g++)
        if (analyse(s, pr, g, rack_vms, reboot_racks, &r->groups[g]) != FD_OK)
            goto fail;
    free(rack_vms);
    free(reboots);
    *out = r;
    return FD_OK;
fail:
    free(rack_vms);
    free(reboots);
    analytic_result_destroy(r);
    return diag_set(d, FD_ENOMEM, "out of memory in the analytic model");
}

int analytic_compute(const scenario *s, analytic_result **out, diag *d)
{
    place_result *pr = NULL;
    *out = NULL;
    int rc = place_build(s, &pr, d);
    if (rc == FD_OK)
        rc = analytic_compute_placed(s, pr, out, d);
    place_result_destroy(pr);
    return rc;
}

void analytic_result_destroy(analytic_result *r)
{
    if (!r)
        return;
    free(r->groups);
    free(r);
}

double analytic_availability(const analytic_value *v)
{
    return v->exact ? 1 - v->unavail : NAN;
}

double analytic_downtime_min_per_year(const analytic_value *v)
{
    return v->exact ? v->unavail * YEAR_MIN : NAN;
}

/* "99.99876 %" with enough decimals to show the first two digits of the
 * unavailability. */
static void pct(double avail, char *buf, size_t len)
{
    double u = 1 - avail;
    int dec = 2;
    if (u > 0)
        dec = (int)ceil(-log10(100 * u)) + 3;
    dec = dec < 2 ? 2 : dec > 12 ? 12 : dec;
    snprintf(buf, len, "%.*f %%", dec, 100 * avail);
}

static void print_value(FILE *f, const char *label, const analytic_value *v, bool downtime)
{
    char b1[48], b2[48];
    if (v->exact) {
        pct(1 - v->unavail, b1, sizeof b1);
        fprintf(f, "  %-22s %s  (unavailability %.6g)", label, b1, v->unavail);
        if (downtime)
            fprintf(f, "  downtime %.6g min/yr", v->unavail * YEAR_MIN);
        fputs("  exact\n", f);
        return;
    }
    fprintf(f, "  %-22s no closed form", label);
    if (!isnan(v->lo) && !isnan(v->hi)) {
        pct(v->lo, b1, sizeof b1);
        pct(v->hi, b2, sizeof b2);
        fprintf(f, "; bound: between %s and %s", b1, b2);
    } else if (!isnan(v->lo)) {
        pct(v->lo, b1, sizeof b1);
        fprintf(f, "; bound: at least %s", b1);
        if (downtime)
            fprintf(f, " (at most %.6g min/yr)", (1 - v->lo) * YEAR_MIN);
    } else if (!isnan(v->hi)) {
        pct(v->hi, b1, sizeof b1);
        fprintf(f, "; bound: at most %s", b1);
        if (downtime)
            fprintf(f, " (at least %.6g min/yr)", (1 - v->hi) * YEAR_MIN);
    } else {
        fputs("; no bound", f);
    }
    fputc('\n', f);
}

int analytic_print(const analytic_result *r, const scenario *s, FILE *f)
{
    fprintf(f, "exact long-run availability, where a closed form exists (%s)\n", s->source);
    for (size_t g = 0; g < r->ngroups; g++) {
        const analytic_group *a = &r->groups[g];
        const scen_group *sp = a->spec;
        char fd[16];
        if (sp->fd_count == 1)
            snprintf(fd, sizeof fd, "FD max");
        else
            snprintf(fd, sizeof fd, "FD %d", sp->fd_count);
        fprintf(f, "\n%s: %s, %s", sp->name, scenario_mode_name(sp->mode), fd);
        if (sp->ud_count > 0)
            fprintf(f, ", UD %d", sp->ud_count);
        fprintf(f, ", %d VM%s, quorum %d\n", sp->count, sp->count == 1 ? "" : "s", sp->quorum);
        print_value(f, "VM availability", &a->vm, false);
        print_value(f, "service availability", &a->service, true);
        if (a->reason[0])
            fprintf(f, "  refused: %s\n", a->reason);
        fputs("  assumptions:\n", f);
        for (int i = 0; i < a->nnotes; i++)
            fprintf(f, "   - %s\n", a->notes[i]);
    }
    return ferror(f) ? -1 : 0;
}
