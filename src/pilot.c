/*
 * pilot: the rare-event estimator's plan from a pilot run (see pilot.h).
 */
#include "pilot.h"

#include "alloc.h"
#include "inject.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 16 /* root replicas per block: fixed, the sums depend on it */

/* One (group, level, kind)'s measurements. */
typedef struct cell {
    double splits;   /* splits seen on the root paths */
    double n;        /* retrials run */
    double z, z2;    /* their accrual of service downtime, and its square */
    double work;     /* their cost */
    double nat_n, nat_nz, nat_z2; /* splits' natural continuations: count, nonzero, squares */
} cell;

/* One block's sums. */
typedef struct block {
    cell *c;         /* [(g * RARE_LEVELS + l - lo) * kinds + kind] */
    double root_work; /* events of the root paths */
    double *outages; /* [g]: outages the retrials saw */
} block;

typedef struct shared {
    const scenario *s;
    const place_result *plan;
    const rare_plan *rp;     /* every split R = 1 */
    uint64_t roots;
    uint64_t nblocks;
    block *blocks;           /* [nblocks] */
    size_t ncells;
    atomic_uint_fast64_t next; /* the next block to take */
    atomic_int failed;
} shared;

/* The observer's target: the block of the root replica in progress. */
typedef struct worker {
    shared *sh;
    block *b;
    double retrial_events; /* of the root replica in progress */
} worker;

static cell *cell_at(const shared *sh, block *b, size_t g, int l, uint32_t c)
{
    const rare_group_plan *gp = &sh->rp->g[g];
    return &b->c[((g * RARE_LEVELS) + (size_t)(l - gp->lo)) * sh->rp->kinds + c];
}

static void on_crossing(void *user, size_t g, int l, uint32_t c)
{
    worker *w = user;
    cell_at(w->sh, w->b, g, l, c)->splits++;
}

static void on_retrial(void *user, size_t g, int l, uint32_t c, double z, double work)
{
    worker *w = user;
    cell *k = cell_at(w->sh, w->b, g, l, c);
    k->n++;
    k->z += z;
    k->z2 += z * z;
    k->work += work;
    w->retrial_events += work - RARE_RESTORE_EVENTS;
}

static void on_natural(void *user, size_t g, int l, uint32_t c, double z)
{
    worker *w = user;
    cell *k = cell_at(w->sh, w->b, g, l, c);
    k->nat_n++;
    k->nat_nz += z > 0;
    k->nat_z2 += z * z;
}

static void *work_fn(void *arg)
{
    shared *sh = arg;
    const scenario *s = sh->s;
    size_t ng = s->ngroups;
    int nm = stats_months(s->horizon);
    inject *in = NULL;
    rare *r = NULL;
    stats_replica *rec = fd_calloc(ng, sizeof *rec);
    stats_rare *ra = fd_calloc(ng, sizeof *ra);
    double *months = fd_calloc(ng * (size_t)nm, sizeof *months);
    double **md = fd_calloc(ng, sizeof *md);
    worker w = { .sh = sh };
    if (!rec || !ra || !months || !md || inject_create_placed(&in, s, sh->plan, NULL) != FD_OK
        || rare_create(&r, in, sh->rp, NULL) != FD_OK) {
        atomic_store(&sh->failed, 1);
        goto done;
    }
    for (size_t g = 0; g < ng; g++)
        md[g] = months + g * (size_t)nm;
    rare_set_pilot(r, true, PILOT_PER_KIND);
    rare_set_observer(r, &(rare_observer){ on_crossing, on_retrial, on_natural, &w });
    for (;;) {
        uint64_t b = atomic_fetch_add(&sh->next, 1);
        if (b >= sh->nblocks || atomic_load(&sh->failed))
            break;
        w.b = &sh->blocks[b];
        for (uint64_t i = b * BLOCK; i < (b + 1) * BLOCK && i < sh->roots; i++) {
            uint64_t ev = 0;
            w.retrial_events = 0;
            stats_out out = { .rec = rec, .month_down = md, .rare = ra };
            if (rare_replica(r, PILOT_FIRST + i, &out, &ev) != FD_OK) {
                atomic_store(&sh->failed, 1);
                goto done;
            }
            w.b->root_work += (double)ev - w.retrial_events;
            for (size_t g = 0; g < ng; g++)
                w.b->outages[g] += ra[g].outages_seen;
        }
    }
done:
    rare_destroy(r);
    inject_destroy(in);
    free(rec);
    free(ra);
    free(months);
    free(md);
    return NULL;
}

void pilot_result_destroy(pilot_result *r)
{
    if (!r)
        return;
    free(r->g);
    free(r);
}

/* R for (group g, level l, kind c) from its measurements (pilot.h), with
 * sigma_b^2 = sb2 and the root path's cost c0. */
static double r_of(const cell *k, double sb2, double c0)
{
    if (!(k->n > 0) || !(sb2 > 0))
        return 1; /* never split in the pilot, or no outage to weigh: one retrial */
    double V = k->z2 / k->n, C = k->work / k->n;
    double R = V > 0 ? sqrt(V / C * c0 / sb2) : PILOT_R_MIN;
    R = fmin(PILOT_R_MAX, fmax(PILOT_R_MIN, R));
    /* an outage most holds of this kind reach anyway (a rack holding more
     * VMs than the slack): the root path's own continuation is as good as a
     * retrial, and free */
    if (k->nat_n >= PILOT_NATURAL_MIN && k->nat_nz >= 0.5 * k->nat_n && k->nat_z2 / k->nat_n <= V)
        R = 0;
    return R;
}

/* The plan from the summed measurements `t` (pilot.h). */
static void choose(const shared *sh, block *t, rare_plan *p, pilot_result *res)
{
    double P = (double)sh->roots, c0 = t->root_work / P;
    res->root_work = c0;
    for (size_t g = 0; g < p->ngroups; g++) {
        const rare_group_plan *gp = &p->g[g];
        pilot_group *pg = &res->g[g];
        pg->outages = t->outages[g];
        pg->scale = 1;
        double sb2 = 0;
        for (int l = gp->lo; l < gp->outage; l++)
            for (uint32_t c = 0; c < p->kinds; c++) {
                const cell *k = cell_at(sh, t, g, l, c);
                if (k->n > 0)
                    sb2 += k->splits / P * (k->z / k->n) * (k->z / k->n);
            }
        for (int pass = 0; pass < 2; pass++) { /* the plan, then within the work cap */
            pg->splits = pg->retrials = pg->work = 0;
            for (int l = gp->lo; l < gp->outage; l++)
                for (uint32_t c = 0; c < p->kinds; c++) {
                    const cell *k = cell_at(sh, t, g, l, c);
                    double R = r_of(k, sb2, c0);
                    if (R > PILOT_R_MIN) /* the cap: fewer, never none */
                        R = fmax(PILOT_R_MIN, R * pg->scale);
                    if (rare_plan_retrials(p, g, l, c) > 0)
                        rare_plan_set(p, g, l, c, R);
                    if (k->n > 0) {
                        pg->splits += k->splits / P;
                        pg->retrials += k->splits / P * R;
                        pg->work += k->splits / P * R * k->work / k->n;
                    }
                }
            if (pass > 0 || pg->work <= PILOT_WORK_MAX * c0)
                break;
            pg->capped = true;
            pg->scale = PILOT_WORK_MAX * c0 / pg->work;
        }
    }
    rare_plan_update(p);
}

int pilot_run(const scenario *s, const place_result *plan, int threads, uint64_t roots,
              rare_plan **out, pilot_result **res, diag *d)
{
    *out = NULL;
    if (res)
        *res = NULL;
    size_t ng = s->ngroups;
    shared sh = { .s = s, .plan = plan, .roots = roots ? roots : PILOT_ROOTS };
    sh.nblocks = (sh.roots + BLOCK - 1) / BLOCK;
    rare_plan *p = NULL;
    pilot_result *pr = fd_calloc(1, sizeof *pr);
    pthread_t *tids = NULL;
    block total = { 0 };
    int rc = pr ? rare_plan_create(&p, s) : FD_ENOMEM;
    if (rc != FD_OK)
        goto done;
    pr->roots = sh.roots;
    pr->ngroups = ng;
    pr->g = fd_calloc(ng ? ng : 1, sizeof *pr->g);
    /* every split level, every kind: one retrial (the pilot's caps apply) */
    for (size_t g = 0; g < ng; g++)
        for (int l = p->g[g].lo; l < p->g[g].outage; l++)
            for (uint32_t c = 0; c < p->kinds; c++)
                rare_plan_set(p, g, l, c, 1);
    rare_plan_update(p);
    sh.rp = p;
    sh.ncells = ng * RARE_LEVELS * p->kinds;
    sh.blocks = fd_calloc(sh.nblocks, sizeof *sh.blocks);
    total.c = fd_calloc(sh.ncells + 1, sizeof *total.c);
    total.outages = fd_calloc(ng + 1, sizeof *total.outages);
    rc = pr->g && sh.blocks && total.c && total.outages ? FD_OK : FD_ENOMEM;
    for (uint64_t b = 0; rc == FD_OK && b < sh.nblocks; b++) {
        sh.blocks[b].c = fd_calloc(sh.ncells + 1, sizeof *sh.blocks[b].c);
        sh.blocks[b].outages = fd_calloc(ng + 1, sizeof *sh.blocks[b].outages);
        if (!sh.blocks[b].c || !sh.blocks[b].outages)
            rc = FD_ENOMEM;
    }
    if (rc != FD_OK)
        goto done;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.failed, 0);
    int n = threads < 1 ? 1 : threads;
    if ((uint64_t)n > sh.nblocks)
        n = (int)sh.nblocks;
    tids = fd_malloc((size_t)n * sizeof *tids);
    int started = 0;
    for (int i = 0; tids && i < n; i++)
        started += pthread_create(&tids[started], NULL, work_fn, &sh) == 0;
    if (started == 0) /* no thread: run it here */
        work_fn(&sh);
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    if (atomic_load(&sh.failed)) {
        rc = FD_ENOMEM;
        goto done;
    }
    for (uint64_t b = 0; b < sh.nblocks; b++) { /* in block order: the same bits */
        const block *x = &sh.blocks[b];
        for (size_t i = 0; i < sh.ncells; i++) {
            total.c[i].splits += x->c[i].splits;
            total.c[i].n += x->c[i].n;
            total.c[i].z += x->c[i].z;
            total.c[i].z2 += x->c[i].z2;
            total.c[i].work += x->c[i].work;
            total.c[i].nat_n += x->c[i].nat_n;
            total.c[i].nat_nz += x->c[i].nat_nz;
            total.c[i].nat_z2 += x->c[i].nat_z2;
        }
        total.root_work += x->root_work;
        for (size_t g = 0; g < ng; g++)
            total.outages[g] += x->outages[g];
    }
    choose(&sh, &total, p, pr);
done:
    for (uint64_t b = 0; sh.blocks && b < sh.nblocks; b++) {
        free(sh.blocks[b].c);
        free(sh.blocks[b].outages);
    }
    free(sh.blocks);
    free(total.c);
    free(total.outages);
    free(tids);
    if (rc != FD_OK) {
        rare_plan_destroy(p);
        pilot_result_destroy(pr);
        return diag_set(d, FD_ENOMEM, "out of memory for the rare-event pilot");
    }
    *out = p;
    if (res)
        *res = pr;
    else
        pilot_result_destroy(pr);
    return FD_OK;
}
