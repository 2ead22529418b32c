/*
 * place: the placement engine (rules in place.h).
 *
 * Each group keeps, per unit (zone slot x placement group), the rotation
 * start drawn from its stream, the round-robin cursor (max spreading), and
 * the rack and population of each logical FD (fixed spreading), so that a
 * VM re-placed later follows the same rules as at creation.
 *
 * Invariants: a placed VM holds exactly one slot of its host; pop[] and
 * zpop[] count the placed VMs of each FD and zone; a unit's FD racks are
 * all -1 (not chosen yet) or F distinct racks of its candidate set.
 */
#include "place.h"

#include "alloc.h"
#include "rng.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A group's placement and the state its re-placements need. */
typedef struct gstate {
    place_group pub;              /* what callers see */
    int F;                        /* logical FDs per unit; 1 = max spreading */
    int nzslots;                  /* zone slots: 3 for a zonal group, else 1 */
    int nunits;                   /* nzslots * pub.npg */
    int home;                     /* a regional group in a region with zones: the
                                     zone it lives in (1..3); otherwise 0 */
    int *start;                   /* per unit: rotation start among its candidates */
    int *cursor;                  /* per unit: next round-robin position */
    int *racks;                   /* per unit x F: rack of each logical FD, -1 unset */
    int *pop;                     /* per unit x F: placed VMs per logical FD */
    int zpop[SCEN_MAX_ZONES + 1]; /* placed VMs per zone (zonal group) */
} gstate;

struct place_result {
    world *w;           /* place_build: the world as placed (owned); else NULL */
    const scen_group *specs; /* the scenario's groups, ngroups of them (not owned) */
    gstate *groups;     /* ngroups states, scenario order */
    size_t ngroups;     /* entries in groups */
    int zones;          /* the world's zones (0: regional) */
    int racks_per_zone; /* the world's racks per zone block */
    int *hostcount;     /* per host: VMs of the group being placed (all of its
                           hosts while filling; else only the rack pick_host
                           counted); zero between uses */
    bool filling;       /* fill_group keeps hostcount up to date as it places */
    gsl_rng *rng;       /* the groups' placement streams, derived per group */
};

/* ---------------------------------------------------------- helpers -- */

static void set_reason(char *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_reason(char *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, PLACE_REASON_MAX, fmt, ap);
    va_end(ap);
}

/* First rack and number of candidate racks for a VM in `zone` (0: the
 * group is regional, every rack of the world is a candidate). */
static void candidates(const world *w, int zone, int *first, int *n)
{
    if (zone == 0) {
        *first = 0;
        *n = world_racks(w);
    } else {
        *first = (zone - 1) * world_racks_per_zone(w);
        *n = world_racks_per_zone(w);
    }
}

static int unit_of(const gstate *st, int zone, int pg)
{
    int zslot = st->pub.spec->zones ? zone - 1 : 0;
    return zslot * st->pub.npg + pg;
}

static const char *zone_text(int zone, char *buf, size_t len)
{
    if (zone)
        snprintf(buf, len, "zone %d", zone);
    else
        snprintf(buf, len, "the region");
    return buf;
}

/* The host of `rack` with room holding the fewest VMs of the group (ties:
 * most free slots, then lowest index); -1 when the rack is full. */
static int pick_host(place_result *r, const world *w, const gstate *st, int rack)
{
    int first = world_rack_first_host(w, rack), n = world_hosts_per_rack(w);
    int *count = r->hostcount + first;
    if (!r->filling) { /* a single re-placement: count the rack's VMs of the group */
        memset(count, 0, (size_t)n * sizeof *count);
        for (int i = 0; i < st->pub.count; i++) {
            const place_vm *v = &st->pub.vms[i];
            if (v->placed && v->rack == rack)
                count[v->host - first]++;
        }
    }
    int best = -1;
    for (int j = 0; j < n; j++) {
        int fr = world_host_free(w, first + j);
        if (fr == 0)
            continue;
        if (best < 0 || count[j] < count[best]
            || (count[j] == count[best] && fr > world_host_free(w, first + best)))
            best = j;
    }
    if (!r->filling)
        memset(count, 0, (size_t)n * sizeof *count);
    return best < 0 ? -1 : first + best;
}

/* Map the F logical FDs of unit `u` to the F candidate racks with the most
 * free slots (ties: rotation order from the unit's start).  False, with a
 * reason, when fewer than F racks have room; the unit stays unset. */
static bool choose_racks(const world *w, gstate *st, int u, int zone, char *why)
{
    int first, n, F = st->F, *racks = &st->racks[u * F];
    candidates(w, zone, &first, &n);
    int found = 0;
    for (int f = 0; f < F; f++) {
        int best = -1;
        for (int k = 0; k < n; k++) {
            int rack = first + (st->start[u] + k) % n;
            bool taken = false;
            for (int e = 0; e < f; e++)
                taken = taken || racks[e] == rack;
            if (!taken && world_rack_free(w, rack) > 0
                && (best < 0 || world_rack_free(w, rack) > world_rack_free(w, best)))
                best = rack;
        }
        if (best < 0)
            break;
        racks[f] = best;
        found++;
    }
    if (found < F) {
        for (int f = 0; f < F; f++)
            racks[f] = -1;
        char zt[16];
        set_reason(why, "fixed spreading needs %d racks with room in %s; only %d ha%s",
                   F, zone_text(zone, zt, sizeof zt), found, found == 1 ? "s" : "ve");
        return false;
    }
    return true;
}

/* Put VM `i` in `zone` (its zone must be set by the caller) on logical FD
 * `fd` (-1: the least-populated), taking a slot.  False with a reason when
 * there is no room under the rules. */
static bool place_in(place_result *r, world *w, gstate *st, int i, int zone, int fd,
                     char *why)
{
    place_vm *v = &st->pub.vms[i];
    int u = unit_of(st, zone, v->pg), first, n, rack = -1;
    char zt[16];
    candidates(w, zone, &first, &n);
    if (st->F == 1) {
        for (int k = 0; k < n && rack < 0; k++) {
            int p = (st->cursor[u] + k) % n;
            if (world_rack_free(w, first + p) > 0) {
                rack = first + p;
                st->cursor[u] = (p + 1) % n;
            }
        }
        if (rack < 0) {
            set_reason(why, "max spreading: no rack of %s has a free slot",
                       zone_text(zone, zt, sizeof zt));
            return false;
        }
        fd = 0;
    } else {
        if (st->racks[u * st->F] < 0 && !choose_racks(w, st, u, zone, why))
            return false;
        if (fd < 0) {
            fd = 0;
            for (int f = 1; f < st->F; f++)
                if (st->pop[u * st->F + f] < st->pop[u * st->F + fd])
                    fd = f;
        }
        rack = st->racks[u * st->F + fd];
        if (world_rack_free(w, rack) == 0) {
            v->fd = fd;
            set_reason(why, "fault domain %d (rack %d in %s) has no free slot; fixed "
                       "spreading never moves a VM to another rack", fd, rack,
                       zone_text(zone, zt, sizeof zt));
            return false;
        }
    }
    int host = pick_host(r, w, st, rack);
    assert(host >= 0); /* the rack had room */
    world_take(w, host);
    if (r->filling)
        r->hostcount[host]++;
    v->zone = zone;
    v->fd = fd;
    v->rack = rack;
    v->host = host;
    v->placed = true;
    if (st->F > 1)
        st->pop[u * st->F + fd]++;
    st->zpop[zone]++;
    return true;
}

static void fail_vm(gstate *st, int i, const char *why)
{
    place_vm *v = &st->pub.vms[i];
    v->placed = false;
    v->rack = v->host = -1;
    if (st->pub.failures++ == 0)
        set_reason(st->pub.reason, "VM %d: %s", i, why);
}

/* Initial placement of VM i: choose the zone, then place. */
static void place_new(place_result *r, world *w, gstate *st, int i)
{
    const scen_group *g = st->pub.spec;
    place_vm *v = &st->pub.vms[i];
    int pin = i < g->npins ? g->pins[i] : -1;
    char why[PLACE_REASON_MAX] = "", other[PLACE_REASON_MAX];
    if (g->zones == 0) {
        v->zone = st->home;
        if (!place_in(r, w, st, i, st->home, pin, why))
            fail_vm(st, i, why);
        return;
    }
    /* zones of the group by (population, zone) */
    int order[SCEN_MAX_ZONES] = { 0 }, nz = 0;
    for (int z = 1; z <= SCEN_MAX_ZONES; z++) {
        if (!(g->zones & (1u << (z - 1))))
            continue;
        int k = nz++;
        while (k > 0 && st->zpop[order[k - 1]] > st->zpop[z]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = z;
    }
    int least = st->zpop[order[0]];
    v->zone = order[0];
    for (int k = 0; k < nz; k++) {
        int z = order[k];
        if (g->zone_balance && st->zpop[z] + 1 - least > 1) {
            set_reason(other, "%s; strict zone balance forbids the other zones (they "
                       "would end up more than 1 VM apart)", why);
            fail_vm(st, i, other);
            return;
        }
        if (place_in(r, w, st, i, z, pin, k == 0 ? why : other))
            return;
    }
    fail_vm(st, i, why);
}

static int count_pgs(const scen_group *g)
{
    if (g->mode != MODE_UNIFORM || g->single_placement_group)
        return 1;
    return (g->count + PLACE_PG_SIZE - 1) / PLACE_PG_SIZE;
}

/* The zone a regional group lives in, in a region with zones: Azure
 * promises a regional group no zone spread (an Availability Set is one
 * cluster, hence one zone), so the whole group goes to one zone, drawn
 * uniformly among the zones with room for all of it (and, for fixed
 * spreading, F racks with room for a fault domain's share), else the zone
 * with the most free slots (ties: the lowest).  One draw whatever the capacity; none
 * (and 0) in a region without zones or for a zonal group. */
static int choose_home(const world *w, const scen_group *g, gsl_rng *rng)
{
    int zones = world_zones(w), rpz = world_racks_per_zone(w);
    if (g->zones || zones == 0)
        return 0;
    double u = gsl_rng_uniform(rng);
    int fit[SCEN_MAX_ZONES], nfit = 0, best = 1;
    long most = -1;
    /* fixed spreading also needs F racks with room for a unit's share each */
    int F = g->fd_count, unit = count_pgs(g) > 1 ? PLACE_PG_SIZE : g->count;
    int share = F > 1 ? (unit + F - 1) / F : 1;
    for (int z = 1; z <= zones; z++) {
        long free = 0;
        int roomy = 0;
        for (int k = (z - 1) * rpz; k < z * rpz; k++) {
            free += world_rack_free(w, k);
            roomy += world_rack_free(w, k) >= share;
        }
        if (free >= g->count && roomy >= F)
            fit[nfit++] = z;
        if (free > most) {
            most = free;
            best = z;
        }
    }
    return nfit ? fit[(int)(u * nfit)] : best;
}

/* Place every VM of group st afresh on `w`, drawing from `rng`: the home
 * zone, every unit's rotation start (up front, in unit order, so the draws
 * never depend on capacity), then VM by VM.  No allocation. */
static void fill_group(place_result *r, world *w, gstate *st, gsl_rng *rng)
{
    place_group *pg = &st->pub;
    const scen_group *g = pg->spec;
    pg->failures = 0;
    pg->reason[0] = '\0';
    memset(st->zpop, 0, sizeof st->zpop);
    memset(st->pop, 0, (size_t)st->nunits * (size_t)st->F * sizeof *st->pop);
    st->home = choose_home(w, g, rng);
    for (int u = 0; u < st->nunits; u++) {
        int first, n;
        candidates(w, g->zones ? u / pg->npg + 1 : st->home, &first, &n);
        st->start[u] = (int)gsl_rng_uniform_int(rng, (unsigned long)n);
        st->cursor[u] = st->start[u];
    }
    for (int k = 0; k < st->nunits * st->F; k++)
        st->racks[k] = -1;
    for (int i = 0; i < g->count; i++) {
        place_vm *v = &pg->vms[i];
        v->pg = pg->npg > 1 ? i / PLACE_PG_SIZE : 0;
        v->ud = g->mode == MODE_FLEXIBLE ? -1 : (i - v->pg * PLACE_PG_SIZE) % g->ud_count;
        v->spot = floor((i + 1) * g->spot_share + 1e-9) > floor(i * g->spot_share + 1e-9);
        v->fd = 0;
        v->rack = v->host = -1;
        v->placed = false;
        /* a slot an autoscaling group has not filled yet: in its first zone
         * until placed (place_new chooses every placed VM's zone) */
        v->zone = g->zones ? __builtin_ctz(g->zones) + 1 : st->home;
    }
    r->filling = true;
    /* after the reset: hosts count the placed; an autoscaling group deploys
     * the target at time 0, its other slots wait for scale-outs */
    for (int i = 0; i < (g->autoscale ? g->initial : g->count); i++)
        place_new(r, w, st, i);
    r->filling = false;
    for (int i = 0; i < g->count; i++)
        if (pg->vms[i].placed)
            r->hostcount[pg->vms[i].host] = 0;
}

/* Allocate group st's records for `g` (place_all fills them). */
static int group_alloc(gstate *st, const scen_group *g)
{
    place_group *pg = &st->pub;
    pg->spec = g;
    pg->count = g->count;
    pg->npg = count_pgs(g);
    st->F = g->fd_count;
    st->nzslots = g->zones ? SCEN_MAX_ZONES : 1;
    st->nunits = st->nzslots * pg->npg;
    pg->vms = fd_calloc((size_t)g->count, sizeof *pg->vms);
    st->start = fd_calloc((size_t)st->nunits, sizeof *st->start);
    st->cursor = fd_calloc((size_t)st->nunits, sizeof *st->cursor);
    st->racks = fd_malloc((size_t)st->nunits * (size_t)st->F * sizeof *st->racks);
    st->pop = fd_calloc((size_t)st->nunits * (size_t)st->F, sizeof *st->pop);
    return pg->vms && st->start && st->cursor && st->racks && st->pop ? FD_OK : FD_ENOMEM;
}

/* Group g's placement stream: replica UINT64_MAX for the run's one
 * placement (never a replica's), else the replica's own, apart from the
 * streams the replica's simulation draws from. */
static void derive(place_result *r, uint64_t seed, uint64_t replica, const scen_group *g)
{
    uint64_t id = rng_stream_id(g->name);
    rng_derive(r->rng, seed, replica, replica == UINT64_MAX ? id : id ^ 0x706c6163656d6e74ull);
}

static void gstate_fini(gstate *st)
{
    free(st->pub.vms);
    free(st->start);
    free(st->cursor);
    free(st->racks);
    free(st->pop);
}

/* ----------------------------------------------------------- public -- */

/* A result for `n` groups of `specs` (the scenario's array) on a world
 * shaped like `w`, every group's records allocated, nothing placed.
 * FD_OK or FD_ENOMEM (*out then holds what was made, for destroying). */
static int result_alloc(place_result **out, const world *w, const scen_group *specs, size_t n)
{
    place_result *r = fd_calloc(1, sizeof *r);
    *out = r;
    if (!r || !(r->rng = rng_create()))
        return FD_ENOMEM;
    r->zones = world_zones(w);
    r->racks_per_zone = world_racks_per_zone(w);
    r->groups = fd_calloc(n ? n : 1, sizeof *r->groups);
    r->hostcount = fd_calloc((size_t)world_hosts(w), sizeof *r->hostcount);
    if (!r->groups || !r->hostcount)
        return FD_ENOMEM;
    r->ngroups = n;
    r->specs = specs;
    for (size_t g = 0; g < n; g++)
        if (group_alloc(&r->groups[g], &specs[g]) != FD_OK)
            return FD_ENOMEM;
    return FD_OK;
}

int place_all(world *w, const scenario *s, uint64_t seed, place_result **out, diag *d)
{
    place_result *r;
    if (result_alloc(&r, w, s->groups, s->ngroups) != FD_OK) {
        place_result_destroy(r);
        *out = NULL;
        return diag_set(d, FD_ENOMEM, "out of memory placing VMs");
    }
    for (size_t g = 0; g < s->ngroups; g++) {
        derive(r, seed, UINT64_MAX, &s->groups[g]);
        fill_group(r, w, &r->groups[g], r->rng);
    }
    *out = r;
    return FD_OK;
}

void place_again(place_result *r, world *w, uint64_t seed, uint64_t replica)
{
    for (size_t g = 0; g < r->ngroups; g++) {
        derive(r, seed, replica, r->groups[g].pub.spec);
        fill_group(r, w, &r->groups[g], r->rng);
    }
}

void place_result_destroy(place_result *r)
{
    if (!r)
        return;
    for (size_t g = 0; g < r->ngroups; g++)
        gstate_fini(&r->groups[g]);
    free(r->groups);
    free(r->hostcount);
    rng_destroy(r->rng);
    world_destroy(r->w);
    free(r);
}

size_t place_ngroups(const place_result *r)
{
    return r->ngroups;
}

const place_group *place_group_at(const place_result *r, size_t g)
{
    assert(g < r->ngroups);
    return &r->groups[g].pub;
}

void place_release_vm(place_result *r, world *w, size_t g, int vm)
{
    assert(g < r->ngroups);
    gstate *st = &r->groups[g];
    assert(vm >= 0 && vm < st->pub.count);
    place_vm *v = &st->pub.vms[vm];
    if (!v->placed)
        return;
    world_release(w, v->host);
    if (st->F > 1)
        st->pop[unit_of(st, v->zone, v->pg) * st->F + v->fd]--;
    st->zpop[v->zone]--;
    v->placed = false;
    v->rack = v->host = -1;
}

int place_build(const scenario *s, place_result **out, diag *d)
{
    world *w = NULL;
    *out = NULL;
    int rc = world_create(&w, s, d);
    if (rc == FD_OK)
        rc = place_all(w, s, s->seed, out, d);
    if (rc != FD_OK) {
        world_destroy(w);
        return rc;
    }
    (*out)->w = w;
    return FD_OK;
}

const world *place_world(const place_result *r)
{
    return r->w;
}

int place_clone(place_result **out, const place_result *src, diag *d)
{
    assert(src->w); /* built by place_build: it knows the world's size */
    if (result_alloc(out, src->w, src->specs, src->ngroups) != FD_OK) {
        place_result_destroy(*out);
        *out = NULL;
        return diag_set(d, FD_ENOMEM, "out of memory copying the placement");
    }
    place_copy(*out, src);
    return FD_OK;
}

void place_copy(place_result *dst, const place_result *src)
{
    assert(dst->ngroups == src->ngroups);
    for (size_t g = 0; g < src->ngroups; g++) {
        gstate *d = &dst->groups[g];
        const gstate *s = &src->groups[g];
        size_t nv = (size_t)s->pub.count, nu = (size_t)s->nunits;
        size_t nf = nu * (size_t)s->F;
        assert(d->pub.count == s->pub.count && d->nunits == s->nunits && d->F == s->F);
        place_vm *vms = d->pub.vms;
        int *start = d->start, *cursor = d->cursor, *racks = d->racks, *pop = d->pop;
        *d = *s;
        d->pub.vms = vms;
        d->start = start;
        d->cursor = cursor;
        d->racks = racks;
        d->pop = pop;
        memcpy(vms, s->pub.vms, nv * sizeof *vms);
        memcpy(start, s->start, nu * sizeof *start);
        memcpy(cursor, s->cursor, nu * sizeof *cursor);
        memcpy(racks, s->racks, nf * sizeof *racks);
        memcpy(pop, s->pop, nf * sizeof *pop);
    }
}

void place_copy_vm(place_result *dst, const place_result *src, size_t g, int vm)
{
    assert(g < dst->ngroups && dst->groups[g].pub.count == src->groups[g].pub.count);
    dst->groups[g].pub.vms[vm] = src->groups[g].pub.vms[vm];
}

void place_move_vm(place_result *r, world *w, size_t g, int vm, int host)
{
    assert(g < r->ngroups);
    place_vm *v = &r->groups[g].pub.vms[vm];
    assert(v->placed && world_host_rack(w, host) == v->rack);
    world_release(w, v->host);
    world_take(w, host);
    v->host = host;
}

int place_replace_vm(place_result *r, world *w, size_t g, int vm, diag *d)
{
    place_release_vm(r, w, g, vm);
    gstate *st = &r->groups[g];
    place_vm *v = &st->pub.vms[vm];
    char why[PLACE_REASON_MAX];
    /* fixed spreading keeps the logical FD; a unit whose racks were never
     * chosen (no room at creation) chooses them now */
    int fd = st->F > 1 && st->racks[unit_of(st, v->zone, v->pg) * st->F] >= 0 ? v->fd : -1;
    if (place_in(r, w, st, vm, v->zone, fd, why))
        return FD_OK;
    fail_vm(st, vm, why);
    return diag_set(d, FD_ECAPACITY, "group %s, VM %d: %s", st->pub.spec->name, vm, why);
}

int place_add_vm(place_result *r, world *w, size_t g, int vm, diag *d)
{
    assert(g < r->ngroups);
    gstate *st = &r->groups[g];
    const scen_group *sp = st->pub.spec;
    place_vm *v = &st->pub.vms[vm];
    assert(!v->placed && sp->npins == 0);
    if (sp->mode != MODE_FLEXIBLE) { /* the least-populated UD of its placement group */
        int per[PLACE_MAX_UD] = { 0 };
        for (int i = 0; i < st->pub.count; i++)
            if (st->pub.vms[i].placed && st->pub.vms[i].pg == v->pg)
                per[st->pub.vms[i].ud]++;
        v->ud = 0;
        for (int u = 1; u < sp->ud_count && u < PLACE_MAX_UD; u++)
            if (per[u] < per[v->ud])
                v->ud = u;
    }
    int before = st->pub.failures;
    place_new(r, w, st, vm);
    if (v->placed)
        return FD_OK;
    assert(st->pub.failures == before + 1);
    return diag_set(d, FD_ECAPACITY, "group %s, VM %d: no room under the mode's rules",
                    sp->name, vm);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Distinct values and the longest run of equal values of sorted a[0..n-1]. */
static void runs(const int *a, int n, int *distinct, int *longest)
{
    *distinct = *longest = 0;
    for (int i = 0, run = 0; i < n; i++) {
        run = i > 0 && a[i] == a[i - 1] ? run + 1 : 1;
        if (run == 1)
            (*distinct)++;
        if (run > *longest)
            *longest = run;
    }
}

static int max_of(const int *a, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        m = a[i] > m ? a[i] : m;
    return m;
}

void place_summarize(const place_result *r, size_t g, place_summary *out)
{
    assert(g < r->ngroups);
    const gstate *st = &r->groups[g];
    const place_group *pg = &st->pub;
    const scen_group *spec = pg->spec;
    memset(out, 0, sizeof *out);
    out->count = pg->count;
    out->failures = pg->failures;
    out->nfd = st->F;
    out->nud = spec->mode == MODE_FLEXIBLE ? 0 : spec->ud_count;
    assert(out->nfd <= PLACE_MAX_FD && out->nud <= PLACE_MAX_UD);
    int *racks = fd_malloc((size_t)pg->count * sizeof *racks + 1);
    int *hosts = fd_malloc((size_t)pg->count * sizeof *hosts + 1);
    for (int i = 0; i < pg->count; i++) {
        const place_vm *v = &pg->vms[i];
        out->spot += v->spot;
        if (!v->placed)
            continue;
        if (racks && hosts) {
            racks[out->placed] = v->rack;
            hosts[out->placed] = v->host;
        }
        out->placed++;
        out->per_fd[v->fd]++;
        if (v->ud >= 0)
            out->per_ud[v->ud]++;
        out->per_zone[r->zones ? v->rack / r->racks_per_zone + 1 : 0]++;
    }
    if (racks && hosts) {
        qsort(racks, (size_t)out->placed, sizeof *racks, cmp_int);
        qsort(hosts, (size_t)out->placed, sizeof *hosts, cmp_int);
        runs(racks, out->placed, &out->racks_used, &out->worst_rack);
        runs(hosts, out->placed, &out->hosts_used, &out->worst_host);
    } else {
        /* no memory for the sort: the conservative bound */
        out->racks_used = out->hosts_used = -1;
        out->worst_rack = out->worst_host = out->placed;
    }
    free(racks);
    free(hosts);
    out->worst_zone = max_of(out->per_zone, SCEN_MAX_ZONES + 1);
    if (out->nud > 0)
        out->worst_step = max_of(out->per_ud, out->nud);
    else if (out->nfd > 1)
        out->worst_step = max_of(out->per_fd, out->nfd);
    else
        out->worst_step = out->worst_rack;
}

void place_write_csv(const place_result *r, csvio_writer *w)
{
    static const char *const head[] = { "group", "vm", "zone", "fault_domain",
        "update_domain", "placement_group", "rack", "host", "spot", "placed" };
    for (size_t k = 0; k < sizeof head / sizeof *head; k++)
        csvio_cell(w, head[k]);
    csvio_end_row(w);
    for (size_t g = 0; g < r->ngroups; g++) {
        const place_group *pg = &r->groups[g].pub;
        for (int i = 0; i < pg->count; i++) {
            const place_vm *v = &pg->vms[i];
            csvio_cell(w, pg->spec->name);
            csvio_cell_int(w, i);
            csvio_cell_int(w, v->zone);
            csvio_cell_int(w, v->fd);
            if (v->ud >= 0)
                csvio_cell_int(w, v->ud);
            else
                csvio_cell(w, NULL);
            csvio_cell_int(w, v->pg);
            if (v->placed) {
                csvio_cell_int(w, v->rack);
                csvio_cell_int(w, v->host);
            } else {
                csvio_cell(w, NULL);
                csvio_cell(w, NULL);
            }
            csvio_cell_int(w, v->spot);
            csvio_cell_int(w, v->placed);
            csvio_end_row(w);
        }
    }
}

static void print_counts(FILE *f, const char *label, const int *a, int n)
{
    fprintf(f, "  %-22s", label);
    for (int k = 0; k < n; k++)
        fprintf(f, "%s%d", k ? " / " : "", a[k]);
    fputc('\n', f);
}

static const char *vms(int n)
{
    return n == 1 ? "VM" : "VMs";
}

int place_print_table(const place_result *r, const scenario *s, FILE *f)
{
    char zlabel[32] = "VMs per zone";
    if (s->zones)
        fprintf(f, "Placement in %s: %d zones x ", s->region, s->zones);
    else
        fprintf(f, "Placement in %s: one regional cluster of ", s->region);
    fprintf(f, "%d racks x %d host%s x %d slot%s\n", s->racks_per_zone, s->hosts_per_rack,
            s->hosts_per_rack == 1 ? "" : "s", s->vms_per_host, s->vms_per_host == 1 ? "" : "s");
    size_t zl = strlen(zlabel);
    for (int z = 1; z <= s->zones; z++, zl += 2)
        snprintf(zlabel + zl, sizeof zlabel - zl, "%c%d", z == 1 ? ' ' : '/', z);
    for (size_t g = 0; g < r->ngroups; g++) {
        const place_group *pg = &r->groups[g].pub;
        const scen_group *spec = pg->spec;
        place_summary sm;
        place_summarize(r, g, &sm);
        char zones[32] = "regional";
        if (r->groups[g].home)
            snprintf(zones, sizeof zones, "regional, in zone %d", r->groups[g].home);
        if (spec->zones) {
            int len = snprintf(zones, sizeof zones, "zones");
            for (int z = 1; z <= SCEN_MAX_ZONES; z++)
                if (spec->zones & (1u << (z - 1)))
                    len += snprintf(zones + len, sizeof zones - (size_t)len, "%s%d",
                                    len == 5 ? " " : ",", z);
        }
        fprintf(f, "\ngroup %s: %s, %d VMs, %s\n", spec->name,
                scenario_mode_name(spec->mode), pg->count, zones);
        if (sm.nfd == 1)
            fprintf(f, "  %-22s1 (max spreading over the racks%s)\n", "fault domains",
                    spec->zones ? " of each zone" : "");
        else
            fprintf(f, "  %-22s%d (fixed spreading)\n", "fault domains", sm.nfd);
        if (sm.nud)
            fprintf(f, "  %-22s%d\n", "update domains", sm.nud);
        else
            fprintf(f, "  %-22snone (maintenance goes fault domain by fault domain)\n",
                    "update domains");
        if (pg->npg > 1)
            fprintf(f, "  %-22s%d (of up to %d VMs, each spread on its own)\n",
                    "placement groups", pg->npg, PLACE_PG_SIZE);
        if (spec->autoscale) /* the time-0 deployment of the schedule's target */
            fprintf(f, "  %-22s%d to %d VMs by schedule, %d at time 0 (Monday 00:00)\n",
                    "autoscale", spec->as_min, spec->as_max, spec->initial);
        fprintf(f, "  %-22s%d of %d", "placed", sm.placed,
                spec->autoscale ? spec->initial : sm.count);
        if (sm.spot)
            fprintf(f, " (%d Spot)", sm.spot);
        fputc('\n', f);
        print_counts(f, sm.nfd > 1 ? "VMs per FD" : "VMs per FD (API view)", sm.per_fd, sm.nfd);
        if (sm.nud)
            print_counts(f, "VMs per UD", sm.per_ud, sm.nud);
        if (s->zones)
            print_counts(f, zlabel, sm.per_zone + 1, s->zones);
        fprintf(f, "  %-22s%d racks, %d hosts\n", "spread over", sm.racks_used, sm.hosts_used);
        fprintf(f, "  worst case lost to\n");
        fprintf(f, "    %-20s%4d %s\n", "one rack failure", sm.worst_rack, vms(sm.worst_rack));
        fprintf(f, "    %-20s%4d %s\n", sm.nud ? "one UD step" : "one FD step",
                sm.worst_step, vms(sm.worst_step));
        if (s->zones)
            fprintf(f, "    %-20s%4d %s\n", "one zone outage", sm.worst_zone,
                    vms(sm.worst_zone));
        fprintf(f, "    %-20s%4d %s\n", "one host failure", sm.worst_host, vms(sm.worst_host));
        fprintf(f, "  %-22s%d%s%s\n", "allocation failures", sm.failures,
                sm.failures ? "; first: " : "", pg->reason);
    }
    return ferror(f) ? -1 : 0;
}
