/*
 * Tests of place: the rules of every mode hold for every legal FD/UD count
 * and counts 1..1000 (balanced FDs, UDs, zones and racks; F distinct racks
 * for fixed spreading; placement groups of at most 100), allocation failures
 * when capacity runs out, groups sharing a world, pins, determinism and
 * stream independence, re-placement, and the CSV and table reports.
 */
#include <criterion/criterion.h>

#include "place.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers -- */

static scenario *load(const char *text, const char *const *sets, size_t nsets)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    int rc = scenario_load_text(&s, text, strlen(text), "t.ini", ".", sets, nsets, NULL, &d);
    cr_assert_eq(rc, FD_OK, "load failed: %s\n%s", d.msg, text);
    return s;
}

/* Place every group of `s` on a fresh world; *wp receives the world. */
static place_result *run(const scenario *s, uint64_t seed, world **wp)
{
    diag d;
    diag_clear(&d);
    cr_assert_eq(world_create(wp, s, &d), FD_OK);
    place_result *r = NULL;
    cr_assert_eq(place_all(*wp, s, seed, &r, &d), FD_OK, "%s", d.msg);
    return r;
}

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

/* Every rule of place.h on group 0 of a result with enough capacity. */
static void check_rules(const place_result *r, const world *w, const char *what)
{
    const place_group *pg = place_group_at(r, 0);
    const scen_group *g = pg->spec;
    int n = pg->count, F = g->fd_count, U = g->ud_count;
    int rpz = world_racks_per_zone(w), hpr = world_hosts_per_rack(w);
    cr_assert_eq(pg->failures, 0, "%s n=%d: %s", what, n, pg->reason);

    /* per unit (zone slot 0..3 x PG): VMs, per FD, per UD, per rack */
    enum { MAXU = 4 * 10 };
    int unit_n[MAXU] = { 0 }, unit_fd[MAXU][5] = { { 0 } }, unit_fd_rack[MAXU][5];
    int pg_n[10] = { 0 }, pg_ud[10][20] = { { 0 } }, ud[20] = { 0 }, zone_n[4] = { 0 };
    memset(unit_fd_rack, -1, sizeof unit_fd_rack);
    int *rack_n = calloc((size_t)world_racks(w) * MAXU, sizeof *rack_n);
    int *host_n = calloc((size_t)world_hosts(w), sizeof *host_n);
    int *rack_all = calloc((size_t)world_racks(w), sizeof *rack_all);
    int spot = 0;
    for (int i = 0; i < n; i++) {
        const place_vm *v = &pg->vms[i];
        cr_assert(v->placed, "%s n=%d: VM %d not placed", what, n, i);
        cr_assert(v->pg < 10);
        int u = v->zone * 10 + v->pg;
        unit_n[u]++;
        unit_fd[u][v->fd]++;
        if (F > 1) {
            if (unit_fd_rack[u][v->fd] < 0)
                unit_fd_rack[u][v->fd] = v->rack;
            cr_assert_eq(unit_fd_rack[u][v->fd], v->rack, "%s n=%d: FD %d on two racks",
                         what, n, v->fd);
        }
        cr_assert_eq(world_rack_zone(w, v->rack), world_zones(w) ? v->zone : world_rack_zone(w, v->rack),
                     "%s: VM %d outside its zone", what, i);
        if (g->zones)
            cr_assert(g->zones & (1u << (v->zone - 1)));
        else if (world_zones(w)) /* a regional group lives in one zone */
            cr_assert(v->zone >= 1 && v->zone == pg->vms[0].zone, "%s: VM %d in zone %d", what,
                      i, v->zone);
        else
            cr_assert_eq(v->zone, 0);
        cr_assert_eq(world_host_rack(w, v->host), v->rack);
        pg_n[v->pg]++;
        if (g->mode == MODE_FLEXIBLE) {
            cr_assert_eq(v->ud, -1);
        } else {
            cr_assert(v->ud >= 0 && v->ud < U);
            pg_ud[v->pg][v->ud]++;
            ud[v->ud]++;
        }
        zone_n[v->zone]++;
        rack_n[(size_t)u * (size_t)world_racks(w) + (size_t)v->rack]++;
        rack_all[v->rack]++;
        host_n[v->host]++;
        spot += v->spot;
    }
    cr_assert_eq(spot, (int)(n * g->spot_share + 1e-9), "%s n=%d: Spot count", what, n);
    for (int u = 0; u < MAXU; u++) {
        int m = unit_n[u];
        if (m == 0)
            continue;
        int distinct = 0;
        for (int f = 0; f < F; f++) {
            cr_assert(unit_fd[u][f] >= m / F && unit_fd[u][f] <= ceil_div(m, F),
                      "%s n=%d: unit %d FD %d holds %d of %d", what, n, u, f, unit_fd[u][f], m);
            for (int e = 0; e < f && F > 1; e++)
                cr_assert(unit_fd_rack[u][f] < 0 || unit_fd_rack[u][f] != unit_fd_rack[u][e],
                          "%s n=%d: FDs %d and %d share a rack", what, n, e, f);
            distinct += F > 1 && unit_fd_rack[u][f] >= 0;
        }
        if (F > 1)
            cr_assert_eq(distinct, m < F ? m : F);
        if (F == 1) {
            int R = world_zones(w) ? rpz : world_racks(w);
            for (int k = 0; k < world_racks(w); k++)
                cr_assert(rack_n[(size_t)u * (size_t)world_racks(w) + (size_t)k] <= ceil_div(m, R),
                          "%s n=%d: max spreading put %d of %d on rack %d", what, n,
                          rack_n[(size_t)u * (size_t)world_racks(w) + (size_t)k], m, k);
        }
    }
    for (int p = 0; p < pg->npg; p++) {
        cr_assert(pg_n[p] > 0);
        cr_assert(g->mode != MODE_UNIFORM || pg->npg == 1 || pg_n[p] <= PLACE_PG_SIZE);
        for (int k = 0; k < U && g->mode == MODE_UNIFORM; k++)
            cr_assert(pg_ud[p][k] <= ceil_div(pg_n[p], U));
    }
    if (g->mode == MODE_AVAILABILITYSET)
        for (int k = 0; k < U; k++)
            cr_assert(ud[k] >= n / U && ud[k] <= ceil_div(n, U),
                      "%s n=%d: UD %d holds %d", what, n, k, ud[k]);
    if (g->zones) {
        int lo = n, hi = 0;
        for (int z = 1; z <= 3; z++)
            if (g->zones & (1u << (z - 1))) {
                lo = zone_n[z] < lo ? zone_n[z] : lo;
                hi = zone_n[z] > hi ? zone_n[z] : hi;
            }
        cr_assert(hi - lo <= 1, "%s n=%d: zones %d..%d apart", what, n, lo, hi);
    }
    /* hosts: a rack's VMs of the group spread over its hosts */
    for (int k = 0; k < world_racks(w); k++)
        for (int j = 0; j < hpr; j++)
            cr_assert(host_n[k * hpr + j] <= ceil_div(rack_all[k], hpr),
                      "%s n=%d: host %d holds %d of its rack's %d", what, n, k * hpr + j,
                      host_n[k * hpr + j], rack_all[k]);
    free(rack_n);
    free(host_n);
    free(rack_all);
}

/* A region big enough for any legal group: 3 zones x 10 racks x 64 hosts x
 * 8 slots (512 slots per rack, so 1000 VMs fit on 2 racks). */
#define BIG_REGION "[region]\nzones = 3\nracksPerZone = 10\nhostsPerRack = 64\nvmsPerHost = 8\n"

/* Place group `body` for every count in [lo, hi] on one reused world. */
static void sweep(const char *body, int lo, int hi)
{
    char text[1024];
    snprintf(text, sizeof text, BIG_REGION "[group.g]\ncount = 1\n%s", body);
    scenario *s = load(text, NULL, 0);
    world *w = NULL;
    cr_assert_eq(world_create(&w, s, NULL), FD_OK);
    scenario_destroy(s);
    for (int n = lo; n <= hi; n++) {
        char set[64];
        snprintf(set, sizeof set, "group.g.count=%d", n);
        const char *sets[] = { set };
        s = load(text, sets, 1);
        world_reset(w);
        place_result *r = NULL;
        cr_assert_eq(place_all(w, s, 42, &r, NULL), FD_OK);
        check_rules(r, w, body);
        place_result_destroy(r);
        scenario_destroy(s);
    }
    world_destroy(w);
}

/* Counts 1..60, 99..101, 197..200 and 997..1000 up to `max`. */
static void sweep_subset(const char *body, int max)
{
    static const int ranges[][2] = { { 1, 60 }, { 99, 101 }, { 197, 200 }, { 997, 1000 } };
    for (size_t k = 0; k < sizeof ranges / sizeof *ranges; k++)
        if (ranges[k][0] <= max)
            sweep(body, ranges[k][0], ranges[k][1] < max ? ranges[k][1] : max);
}

/* ----------------------------------------------- rules in every mode -- */

Test(place, flexible_max_spreading_counts_1_to_1000)
{
    sweep("orchestrationMode = Flexible\nspotShare = 0.3\n", 1, 1000);
}

Test(place, flexible_fixed_spreading_counts_1_to_1000)
{
    sweep("orchestrationMode = Flexible\nplatformFaultDomainCount = 3\n", 1, 1000);
    sweep_subset("orchestrationMode = Flexible\nplatformFaultDomainCount = 2\n"
                 "spotShare = 0.5\n", 1000);
}

Test(place, flexible_zonal_balances_zones)
{
    sweep("orchestrationMode = Flexible\nzones = 1,2,3\n", 1, 300);
    sweep_subset("orchestrationMode = Flexible\nzones = 1,3\n", 1000);
    sweep_subset("orchestrationMode = Flexible\nzones = 2\n", 1000);
}

Test(place, uniform_five_fds_counts_1_to_1000)
{
    sweep("orchestrationMode = Uniform\nplatformFaultDomainCount = 5\n", 1, 1000);
}

Test(place, uniform_every_fd_count_and_zones)
{
    for (int F = 1; F <= 4; F++) {
        char body[128];
        snprintf(body, sizeof body, "orchestrationMode = Uniform\nplatformFaultDomainCount = %d\n", F);
        sweep_subset(body, 1000);
    }
    sweep_subset("orchestrationMode = Uniform\nspotShare = 1\nzones = 1,2,3\n", 1000);
    sweep_subset("orchestrationMode = Uniform\nzones = 1,2,3\nplatformFaultDomainCount = 5\n", 1000);
    sweep_subset("orchestrationMode = Uniform\nzones = 1,2\nplatformFaultDomainCount = 5\n"
                 "singlePlacementGroup = true\n", 100);
}

Test(place, availability_set_every_fd_and_ud_count)
{
    sweep("orchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 3\n", 1, 200);
    for (int F = 2; F <= 3; F++)
        for (int U = 1; U <= 20; U++) {
            char body[160];
            snprintf(body, sizeof body, "orchestrationMode = AvailabilitySet\n"
                     "platformFaultDomainCount = %d\nplatformUpdateDomainCount = %d\n", F, U);
            sweep(body, 1, U == 5 || U == 20 ? 200 : 45);
        }
}

Test(place, update_domains_follow_the_documented_formulas)
{
    scenario *s = load(BIG_REGION
                       "[group.a]\norchestrationMode = AvailabilitySet\nplatformUpdateDomainCount = 7\ncount = 30\n"
                       "[group.u]\norchestrationMode = Uniform\ncount = 250\n"
                       "[group.f]\ncount = 3\n", NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    const place_group *a = place_group_at(r, 0), *u = place_group_at(r, 1), *f = place_group_at(r, 2);
    for (int i = 0; i < 30; i++)
        cr_assert_eq(a->vms[i].ud, i % 7);
    cr_assert_eq(u->npg, 3);
    for (int i = 0; i < 250; i++) {
        cr_assert_eq(u->vms[i].pg, i / 100);
        cr_assert_eq(u->vms[i].ud, (i % 100) % 5);
    }
    for (int i = 0; i < 3; i++)
        cr_assert_eq(f->vms[i].ud, -1);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, spot_vms_are_interleaved_floor_of_share)
{
    scenario *s = load("[group.a]\ncount = 10\nspotShare = 0.3\n"
                       "[group.b]\ncount = 5\nspotShare = 0.5\n", NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    const place_group *a = place_group_at(r, 0), *b = place_group_at(r, 1);
    int want_a[10] = { 0, 0, 0, 1, 0, 0, 1, 0, 0, 1 };
    for (int i = 0; i < 10; i++)
        cr_assert_eq(a->vms[i].spot, want_a[i], "VM %d", i);
    place_summary sm;
    place_summarize(r, 1, &sm);
    cr_assert_eq(sm.spot, 2, "floor(5 x 0.5) = 2");
    cr_assert(!b->vms[0].spot && b->vms[1].spot);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

/* ------------------------------------------------- capacity running out -- */

Test(place, fixed_spreading_fails_when_fd_rack_is_full)
{
    scenario *s = load("[region]\nracksPerZone = 5\nhostsPerRack = 1\nvmsPerHost = 2\n"
                       "[group.a]\norchestrationMode = AvailabilitySet\n"
                       "platformFaultDomainCount = 3\ncount = 9\n", NULL, 0);
    world *w;
    place_result *r = run(s, 7, &w);
    const place_group *a = place_group_at(r, 0);
    for (int i = 0; i < 6; i++)
        cr_assert(a->vms[i].placed, "VM %d", i);
    for (int i = 6; i < 9; i++)
        cr_assert_not(a->vms[i].placed, "VM %d", i);
    cr_assert_eq(a->failures, 3);
    cr_assert_eq(a->vms[6].fd, 0);
    char want[64];
    snprintf(want, sizeof want, "VM 6: fault domain 0 (rack %d", a->vms[0].rack);
    cr_assert(strstr(a->reason, want), "reason: %s", a->reason);
    place_summary sm;
    place_summarize(r, 0, &sm);
    cr_assert_eq(sm.racks_used, 3, "never moved to the two free racks");
    cr_assert_eq(sm.placed, 6);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, fixed_spreading_needs_f_racks_with_room)
{
    /* a fills 5 of the 6 slots round-robin: one rack keeps room */
    scenario *s = load("[region]\nracksPerZone = 3\nhostsPerRack = 1\nvmsPerHost = 2\n"
                       "[group.a]\ncount = 5\n"
                       "[group.b]\norchestrationMode = AvailabilitySet\ncount = 1\n", NULL, 0);
    world *w;
    place_result *r = run(s, 3, &w);
    const place_group *b = place_group_at(r, 1);
    cr_assert_eq(place_group_at(r, 0)->failures, 0);
    cr_assert_eq(b->failures, 1);
    cr_assert_not(b->vms[0].placed);
    cr_assert(strstr(b->reason, "fixed spreading needs 2 racks with room in the region; only 1 has"),
              "reason: %s", b->reason);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, max_spreading_skips_full_racks)
{
    /* a takes 2 slots on each of 3 racks; b then fills every slot left */
    scenario *s = load("[region]\nracksPerZone = 4\nhostsPerRack = 1\nvmsPerHost = 4\n"
                       "[group.a]\nplatformFaultDomainCount = 3\ncount = 6\n"
                       "[group.b]\ncount = 10\n", NULL, 0);
    world *w;
    place_result *r = run(s, 5, &w);
    cr_assert_eq(place_group_at(r, 0)->failures, 0);
    cr_assert_eq(place_group_at(r, 1)->failures, 0, "%s", place_group_at(r, 1)->reason);
    for (int k = 0; k < 4; k++)
        cr_assert_eq(world_rack_free(w, k), 0);
    /* nothing left anywhere: a re-placement fails once its host is down */
    const place_group *b = place_group_at(r, 1);
    int host = b->vms[0].host;
    place_release_vm(r, w, 1, 0);
    world_set_host_up(w, host, false);
    diag d;
    diag_clear(&d);
    cr_assert_eq(place_replace_vm(r, w, 1, 0, &d), FD_ECAPACITY);
    cr_assert(strstr(d.msg, "max spreading: no rack of the region has a free slot"), "%s", d.msg);
    cr_assert_not(b->vms[0].placed);
    cr_assert_eq(b->failures, 1);
    world_set_host_up(w, host, true);
    cr_assert_eq(place_replace_vm(r, w, 1, 0, NULL), FD_OK);
    cr_assert_eq(b->vms[0].host, host);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, strict_zone_balance_fails_where_best_effort_succeeds)
{
    const char *text = "[region]\nzones = 3\nracksPerZone = 1\nhostsPerRack = 1\nvmsPerHost = 4\n"
                       "[group.full]\nzones = 1\ncount = 4\n"
                       "[group.g]\nzones = 1,2,3\ncount = 6\n";
    scenario *s = load(text, NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    place_summary sm;
    place_summarize(r, 1, &sm);
    cr_assert_eq(sm.failures, 0, "best effort uses zones 2 and 3");
    cr_assert_eq(sm.per_zone[2], 3);
    cr_assert_eq(sm.per_zone[3], 3);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);

    const char *sets[] = { "group.g.zoneBalance=true" };
    s = load(text, sets, 1);
    r = run(s, 1, &w);
    place_summarize(r, 1, &sm);
    cr_assert_eq(sm.placed, 2, "1 VM in zone 2 and 1 in zone 3 keep the zones within 1");
    cr_assert_eq(sm.failures, 4);
    const place_group *g = place_group_at(r, 1);
    cr_assert(strstr(g->reason, "VM 2: ") && strstr(g->reason, "strict zone balance"),
              "%s", g->reason);
    cr_assert_eq(g->vms[2].zone, 1, "the failed VM was meant for the least-populated zone");
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, groups_share_the_world_capacity)
{
    scenario *s = load("[region]\nracksPerZone = 2\nhostsPerRack = 2\nvmsPerHost = 3\n"
                       "[group.a]\nplatformFaultDomainCount = 2\ncount = 5\n"
                       "[group.b]\norchestrationMode = AvailabilitySet\ncount = 4\n"
                       "[group.c]\ncount = 3\n", NULL, 0);
    world *w;
    place_result *r = run(s, 9, &w);
    int *used = calloc((size_t)world_hosts(w), sizeof *used), total = 0;
    for (size_t g = 0; g < place_ngroups(r); g++) {
        const place_group *pg = place_group_at(r, g);
        cr_assert_eq(pg->failures, 0, "%s: %s", pg->spec->name, pg->reason);
        for (int i = 0; i < pg->count; i++, total++)
            used[pg->vms[i].host]++;
    }
    cr_assert_eq(total, 12);
    for (int h = 0; h < world_hosts(w); h++)
        cr_assert_eq(used[h] + world_host_free(w, h), 3, "host %d", h);
    free(used);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, vms_spread_over_distinct_hosts)
{
    scenario *s = load("[region]\nracksPerZone = 2\nhostsPerRack = 4\nvmsPerHost = 8\n"
                       "[group.a]\nplatformFaultDomainCount = 2\ncount = 8\n", NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    place_summary sm;
    place_summarize(r, 0, &sm);
    cr_assert_eq(sm.hosts_used, 8);
    cr_assert_eq(sm.worst_host, 1);
    cr_assert_eq(sm.worst_rack, 4);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

/* ---------------------------------------------------- pins, summaries -- */

Test(place, pins_put_vms_on_their_fault_domain)
{
    scenario *s = load("[group.f]\nplatformFaultDomainCount = 3\ncount = 5\n"
                       "platformFaultDomain = 2,2,2\n", NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    const place_group *f = place_group_at(r, 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(f->vms[i].fd, 2, "VM %d", i);
    cr_assert_eq(f->vms[3].fd, 0, "then the least-populated FDs");
    cr_assert_eq(f->vms[4].fd, 1);
    cr_assert_eq(f->vms[0].rack, f->vms[2].rack);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, summary_of_the_default_scenario)
{
    scenario *s = NULL;
    cr_assert_eq(scenario_load_default(&s, NULL, 0, NULL, NULL), FD_OK);
    world *w;
    place_result *r = run(s, s->seed, &w);
    place_summary sm;
    place_summarize(r, 3, &sm); /* avset: 3 FDs, 5 UDs, 5 VMs */
    cr_assert_eq(sm.per_fd[0], 2);
    cr_assert_eq(sm.per_fd[1], 2);
    cr_assert_eq(sm.per_fd[2], 1);
    cr_assert_eq(sm.worst_rack, 2);
    cr_assert_eq(sm.worst_step, 1, "one VM per UD");
    cr_assert_eq(sm.worst_zone, 5, "a regional cluster is one zone");
    cr_assert_eq(sm.racks_used, 3);
    place_summarize(r, 0, &sm); /* flex-max: 5 VMs over 24 racks */
    cr_assert_eq(sm.nfd, 1);
    cr_assert_eq(sm.per_fd[0], 5);
    cr_assert_eq(sm.racks_used, 5);
    cr_assert_eq(sm.worst_step, 1, "Flexible max spreading: one rack per step");
    place_summarize(r, 1, &sm); /* flex-fd3 */
    cr_assert_eq(sm.nud, 0);
    cr_assert_eq(sm.worst_step, 2, "Flexible goes FD by FD");
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

/* ---------------------------------------------------------- determinism -- */

static bool same_vms(const place_group *a, const place_group *b, bool hosts)
{
    if (a->count != b->count)
        return false;
    for (int i = 0; i < a->count; i++) {
        const place_vm *x = &a->vms[i], *y = &b->vms[i];
        if (x->zone != y->zone || x->fd != y->fd || x->ud != y->ud || x->pg != y->pg
            || x->rack != y->rack || x->spot != y->spot || x->placed != y->placed
            || (hosts && x->host != y->host))
            return false;
    }
    return true;
}

Test(place, same_seed_same_placement)
{
    scenario *s = load(BIG_REGION "[group.a]\ncount = 40\n"
                       "[group.u]\norchestrationMode = Uniform\ncount = 300\n"
                       "[group.z]\nzones = 1,2,3\ncount = 31\n", NULL, 0);
    world *w1, *w2;
    place_result *r1 = run(s, 99, &w1), *r2 = run(s, 99, &w2);
    for (size_t g = 0; g < 3; g++)
        cr_assert(same_vms(place_group_at(r1, g), place_group_at(r2, g), true));
    place_result *r3 = NULL;
    bool differs = false;
    for (uint64_t seed = 100; seed < 104; seed++) {
        world_reset(w2);
        place_result_destroy(r3);
        cr_assert_eq(place_all(w2, s, seed, &r3, NULL), FD_OK);
        differs = differs || !same_vms(place_group_at(r1, 0), place_group_at(r3, 0), true);
    }
    cr_assert(differs, "the round-robin start depends on the seed");
    place_result_destroy(r1);
    place_result_destroy(r2);
    place_result_destroy(r3);
    world_destroy(w1);
    world_destroy(w2);
    scenario_destroy(s);
}

Test(place, group_unchanged_when_another_is_added_before_it)
{
    const char *groups = "[group.x]\nzones = 1\ncount = 7\n"
                         "[group.y]\norchestrationMode = Uniform\nzones = 1,2\n"
                         "platformFaultDomainCount = 5\ncount = 230\n"
                         "[group.m]\ncount = 33\n";
    char a[1024], b[1024];
    snprintf(a, sizeof a, BIG_REGION "%s", groups);
    snprintf(b, sizeof b, BIG_REGION "[group.w]\nzones = 3\ncount = 50\n%s", groups);
    scenario *sa = load(a, NULL, 0), *sb = load(b, NULL, 0);
    world *wa, *wb;
    place_result *ra = run(sa, 5, &wa), *rb = run(sb, 5, &wb);
    cr_assert(same_vms(place_group_at(ra, 0), place_group_at(rb, 1), true), "x moved");
    cr_assert(same_vms(place_group_at(ra, 1), place_group_at(rb, 2), true), "y moved");
    /* m is regional and shares zone 3 with w: its racks (not its hosts,
     * chosen by free slots) stay the same */
    cr_assert(same_vms(place_group_at(ra, 2), place_group_at(rb, 3), false), "m moved");
    place_result_destroy(ra);
    place_result_destroy(rb);
    world_destroy(wa);
    world_destroy(wb);
    scenario_destroy(sa);
    scenario_destroy(sb);
}

/* --------------------------------------------------------- re-placement -- */

Test(place, replacement_keeps_zone_and_fault_domain)
{
    scenario *s = load(BIG_REGION
                       "[group.u]\norchestrationMode = Uniform\nzones = 1,2,3\n"
                       "platformFaultDomainCount = 5\ncount = 130\n"
                       "[group.z]\nzones = 2,3\ncount = 20\n"
                       "[group.a]\norchestrationMode = AvailabilitySet\n"
                       "platformFaultDomainCount = 3\ncount = 12\n", NULL, 0);
    world *w;
    place_result *r = run(s, 11, &w);
    for (size_t g = 0; g < 3; g++) {
        const place_group *pg = place_group_at(r, g);
        for (int i = 0; i < pg->count; i++) {
            place_vm before = pg->vms[i];
            /* the old host goes down, as for automatic instance repair */
            world_set_host_up(w, before.host, false);
            cr_assert_eq(place_replace_vm(r, w, g, i, NULL), FD_OK);
            world_set_host_up(w, before.host, true);
            const place_vm *v = &pg->vms[i];
            cr_assert(v->placed);
            cr_assert_eq(v->zone, before.zone, "%s VM %d", pg->spec->name, i);
            cr_assert_eq(v->fd, before.fd);
            cr_assert_eq(v->ud, before.ud);
            cr_assert_eq(v->pg, before.pg);
            cr_assert_neq(v->host, before.host);
            if (pg->spec->fd_count > 1)
                cr_assert_eq(v->rack, before.rack, "fixed spreading keeps the FD's rack");
            if (pg->spec->zones)
                cr_assert_eq(world_rack_zone(w, v->rack), v->zone);
        }
    }
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, replacement_fails_when_the_fd_rack_is_full)
{
    scenario *s = load("[region]\nracksPerZone = 2\nhostsPerRack = 1\nvmsPerHost = 2\n"
                       "[group.a]\norchestrationMode = AvailabilitySet\ncount = 4\n", NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    const place_group *a = place_group_at(r, 0);
    int rack = a->vms[0].rack, host = a->vms[0].host;
    world_set_host_up(w, host, false);
    diag d;
    diag_clear(&d);
    cr_assert_eq(place_replace_vm(r, w, 0, 0, &d), FD_ECAPACITY);
    char want[64];
    snprintf(want, sizeof want, "fault domain 0 (rack %d", rack);
    cr_assert(strstr(d.msg, want), "%s", d.msg);
    cr_assert_not(a->vms[0].placed);
    cr_assert_eq(a->vms[0].fd, 0);
    cr_assert_eq(a->failures, 1);
    world_set_host_up(w, host, true);
    cr_assert_eq(place_replace_vm(r, w, 0, 0, NULL), FD_OK);
    cr_assert_eq(a->vms[0].rack, rack);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

/* ------------------------------------------------------------ reporting -- */

typedef struct rows {
    size_t n;          /* records seen */
    int flex_ud_empty; /* Flexible rows with an empty update_domain */
    int header_ok;     /* the header matched */
} rows;

static int count_row(void *user, char **fields, size_t nfields, size_t row)
{
    rows *r = user;
    cr_assert_eq(nfields, 10);
    if (row == 1)
        r->header_ok = !strcmp(fields[0], "group") && !strcmp(fields[4], "update_domain")
                       && !strcmp(fields[9], "placed");
    else if (!strcmp(fields[0], "f") && fields[4][0] == '\0')
        r->flex_ud_empty++;
    r->n++;
    return 0;
}

Test(place, csv_parses_back_with_a_row_per_vm)
{
    scenario *s = load("[group.f]\ncount = 7\n"
                       "[group.a]\norchestrationMode = AvailabilitySet\ncount = 4\n", NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    csvio_writer *cw = csvio_writer_stream(f);
    place_write_csv(r, cw);
    cr_assert_eq(csvio_writer_finish(cw, NULL), FD_OK);
    csvio_writer_destroy(cw);
    fclose(f);
    rows got = { 0 };
    cr_assert_eq(csvio_parse(text, len, "place.csv", count_row, &got, NULL), 0);
    cr_assert_eq(got.n, 1 + 7 + 4);
    cr_assert(got.header_ok);
    cr_assert_eq(got.flex_ud_empty, 7);
    free(text);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, table_shows_worst_cases_and_failures)
{
    scenario *s = load("[region]\nzones = 3\nracksPerZone = 5\nhostsPerRack = 1\nvmsPerHost = 2\n"
                       "[group.a]\norchestrationMode = Uniform\nplatformFaultDomainCount = 3\n"
                       "count = 9\n"
                       "[group.z]\nzones = 1,2\ncount = 5\n", NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(place_print_table(r, s, f), 0);
    fclose(f);
    cr_assert(strstr(text, "group a: Uniform, 9 VMs, regional"), "%s", text);
    cr_assert(strstr(text, "one UD step"));
    cr_assert(strstr(text, "one zone outage"));
    cr_assert(strstr(text, "group z: Flexible, 5 VMs, zones 1,2"), "%s", text);
    cr_assert(strstr(text, "one FD step"));
    cr_assert(strstr(text, "allocation failures   0"));
    free(text);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

/* --------------------------------------------- regional groups, zones -- */

/* A regional group in a region with zones lives in one zone (a zone
 * outage takes all of it), drawn per seed among the zones with room. */
Test(place, a_regional_group_in_a_zoned_region_lives_in_one_zone)
{
    scenario *s = load("[region]\nzones = 3\nracksPerZone = 4\n"
                       "[group.av]\norchestrationMode = AvailabilitySet\n"
                       "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 5\ncount = 10\n"
                       "[group.flex]\ncount = 12\n", NULL, 0);
    int home[2][4] = { { 0 } };
    for (uint64_t seed = 1; seed <= 300; seed++) {
        world *w;
        place_result *r = run(s, seed, &w);
        for (size_t g = 0; g < 2; g++) {
            place_summary sm;
            place_summarize(r, g, &sm);
            cr_assert_eq(sm.worst_zone, sm.count, "seed %llu: one zone outage takes all",
                         (unsigned long long)seed);
            home[g][place_group_at(r, g)->vms[0].zone]++;
        }
        place_result_destroy(r);
        world_destroy(w);
    }
    for (size_t g = 0; g < 2; g++)
        for (int z = 1; z <= 3; z++) /* ~100 each */
            cr_assert(home[g][z] > 60 && home[g][z] < 140, "group %zu in zone %d %d times", g,
                      z, home[g][z]);
    scenario_destroy(s);
}

Test(place, a_regional_group_goes_to_a_zone_with_room_for_all_of_it)
{
    /* zones hold 2 x 4 x 2 = 16 slots; the first group takes 10 of one zone,
     * so the 12-VM group never goes there */
    scenario *s = load("[region]\nzones = 3\nracksPerZone = 2\nhostsPerRack = 4\nvmsPerHost = 2\n"
                       "[group.a]\ncount = 10\n[group.b]\ncount = 12\n", NULL, 0);
    for (uint64_t seed = 1; seed <= 50; seed++) {
        world *w;
        place_result *r = run(s, seed, &w);
        int za = place_group_at(r, 0)->vms[0].zone, zb = place_group_at(r, 1)->vms[0].zone;
        cr_assert_neq(za, zb);
        cr_assert_eq(place_group_at(r, 1)->failures, 0);
        place_result_destroy(r);
        world_destroy(w);
    }
    scenario_destroy(s);
}

Test(place, placement_again_draws_a_new_placement_per_replica)
{
    scenario *s = load("[region]\nzones = 3\nracksPerZone = 4\n[group.f]\ncount = 12\n"
                       "[group.fd3]\nplatformFaultDomainCount = 3\ncount = 4\n", NULL, 0);
    world *w;
    place_result *r = run(s, 5, &w);
    int zones[4] = { 0 };
    for (uint64_t rep = 0; rep < 90; rep++) {
        world_reset(w);
        place_again(r, w, 5, rep);
        check_rules(r, w, "again");
        zones[place_group_at(r, 0)->vms[0].zone]++;
        /* the same replica gives the same placement */
        place_vm first[12];
        memcpy(first, place_group_at(r, 0)->vms, sizeof first);
        world_reset(w);
        place_again(r, w, 5, rep);
        for (int i = 0; i < 12; i++) {
            const place_vm *v = &place_group_at(r, 0)->vms[i];
            cr_assert(v->zone == first[i].zone && v->rack == first[i].rack
                          && v->host == first[i].host && v->placed == first[i].placed,
                      "replica %llu VM %d: zone %d/%d rack %d/%d host %d/%d",
                      (unsigned long long)rep, i, v->zone, first[i].zone, v->rack,
                      first[i].rack, v->host, first[i].host);
        }
    }
    for (int z = 1; z <= 3; z++)
        cr_assert(zones[z] > 15, "zone %d home in %d of 90 replicas", z, zones[z]);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}

Test(place, a_regional_fixed_spreading_group_needs_f_racks_with_room_in_its_zone)
{
    /* the 28-VM group leaves 2 slots on 2 racks of its zone: the Availability
     * Set (3 FDs) must go to another zone, never there */
    scenario *s = load("[region]\nzones = 3\nracksPerZone = 3\nhostsPerRack = 1\nvmsPerHost = 10\n"
                       "[group.big]\ncount = 28\n"
                       "[group.av]\norchestrationMode = AvailabilitySet\n"
                       "platformFaultDomainCount = 3\ncount = 2\n", NULL, 0);
    for (uint64_t seed = 1; seed <= 60; seed++) {
        world *w;
        place_result *r = run(s, seed, &w);
        cr_assert_eq(place_group_at(r, 1)->failures, 0, "seed %llu: %s",
                     (unsigned long long)seed, place_group_at(r, 1)->reason);
        cr_assert_neq(place_group_at(r, 1)->vms[0].zone, place_group_at(r, 0)->vms[0].zone);
        place_result_destroy(r);
        world_destroy(w);
    }
    scenario_destroy(s);
}

/* An autoscaling group places its time-0 target only; a new VM
 * (place_add_vm) takes the least-populated update domain and fault domain
 * and its zone by the usual rule; a fixed-FD VM whose FD's rack is full
 * fails, counted, and is not placed. */
Test(place, a_scale_out_vm_goes_where_the_mode_puts_it)
{
    scenario *s = load("[region]\nracksPerZone = 5\nhostsPerRack = 1\nvmsPerHost = 3\n"
                       "[group.u]\norchestrationMode = Uniform\nautoscale = 00:00 5, 12:00 12\n",
                       NULL, 0);
    world *w;
    place_result *r = run(s, 1, &w);
    const place_group *pg = place_group_at(r, 0);
    cr_assert_eq(pg->count, 12);
    for (int i = 0; i < 12; i++)
        cr_assert_eq(pg->vms[i].placed, i < 5, "VM %d", i);
    cr_assert_eq(pg->failures, 0);
    /* VMs 0..4 hold UDs and FDs 0..4; free UD 2 and FD 2, then UD 3 */
    place_release_vm(r, w, 0, 2);
    place_release_vm(r, w, 0, 3);
    cr_assert_eq(place_add_vm(r, w, 0, 7, NULL), FD_OK);
    cr_assert_eq(pg->vms[7].ud, 2, "the least-populated UD, the lowest of a tie");
    cr_assert_eq(pg->vms[7].fd, 2, "the least-populated FD, the lowest of a tie");
    /* fill up to the maximum: 5 racks of 3 slots hold all 12 */
    int placed = 4;
    for (int vm = 0; vm < 12; vm++)
        if (!pg->vms[vm].placed && placed < 12)
            placed += place_add_vm(r, w, 0, vm, NULL) == FD_OK;
    cr_assert_eq(placed, 12);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);

    s = load("[region]\nracksPerZone = 3\nhostsPerRack = 1\nvmsPerHost = 2\n"
             "[group.f]\nplatformFaultDomainCount = 3\nautoscale = 00:00 6, 12:00 7\n", NULL, 0);
    r = run(s, 1, &w);
    cr_assert_eq(place_add_vm(r, w, 0, 6, NULL), FD_ECAPACITY, "every FD's rack is full");
    pg = place_group_at(r, 0);
    cr_assert_not(pg->vms[6].placed);
    cr_assert_eq(pg->failures, 1);
    place_result_destroy(r);
    world_destroy(w);
    scenario_destroy(s);
}
