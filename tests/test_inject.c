/*
 * Tests of the injector on tiny worlds with fixed distributions, whose
 * timelines are known exactly, and invariants checked on random ones.
 */
#include <criterion/criterion.h>

#include "csvio.h"
#include "dur.h"
#include "inject.h"
#include "place.h"
#include "support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define H 3600.0


typedef struct row {
    double t;        /* hours */
    char ev[32];     /* event name */
    char what[96];   /* target */
    int down[4];     /* per group */
} row;

typedef struct trace {
    row *rows;
    int n, cap, ngroups;
} trace;

static int add_row(void *user, char **f, size_t n, size_t rec)
{
    trace *tr = user;
    if (rec == 1)
        return 0;
    if (tr->n == tr->cap) {
        tr->cap = tr->cap ? 2 * tr->cap : 256;
        tr->rows = realloc(tr->rows, (size_t)tr->cap * sizeof *tr->rows);
    }
    row *r = &tr->rows[tr->n++];
    r->t = atof(f[0]);
    snprintf(r->ev, sizeof r->ev, "%s", f[1]);
    snprintf(r->what, sizeof r->what, "%s", f[2]);
    tr->ngroups = (int)n - 3;
    for (size_t g = 3; g < n && g < 7; g++)
        r->down[g - 3] = atoi(f[g]);
    return 0;
}


/* Run replica `rep` of `in`, with its trace parsed into `tr`. */
static void run_traced(inject *in, uint64_t rep, stats_replica *out, trace *tr)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csvio_writer *w = csvio_writer_stream(f);
    inject_trace_header(in, w);
    inject_replica(in, rep, &(stats_out){ .rec = out }, w);
    cr_assert_eq(csvio_writer_commit(w, NULL), FD_OK);
    csvio_writer_destroy(w);
    fclose(f);
    memset(tr, 0, sizeof *tr);
    cr_assert_eq(csvio_parse(buf, len, "trace", add_row, tr, NULL), 0);
    free(buf);
}

static inject *make(const scenario *s)
{
    inject *in = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(inject_create(&in, s, &d), FD_OK, "%s", d.msg);
    return in;
}

Test(inject, availability_set_reboots_one_update_domain_at_a_time)
{
    scenario *s = load_quiet("[rebootful]\nenabled = true\nperiod = 1y\nreboot = fixed(25m)\n"
                       "settle = 30m\n"
                       "[group.a]\norchestrationMode = AvailabilitySet\n"
                       "platformFaultDomainCount = 2\nplatformUpdateDomainCount = 5\n"
                       "count = 10\nquorum = 8\n", 1);
    inject *in = make(s);
    stats_replica r;
    trace tr;
    run_traced(in, 0, &r, &tr);
    int steps = 0;
    double last_end = -1;
    bool seen_ud[5] = { false };
    for (int i = 0; i < tr.n; i++) {
        row *x = &tr.rows[i];
        cr_assert_leq(x->down[0], 2, "at most ceil(10/5) = 2 VMs down at once");
        if (!strcmp(x->ev, "rebootful_step")) {
            cr_assert_eq(x->down[0], 2, "a UD holds exactly 2 VMs");
            if (last_end >= 0)
                cr_assert_float_eq(x->t - last_end, 0.5, 1e-9, "30 min settle");
            int ud = atoi(strstr(x->what, "UD ") + 3);
            cr_assert_not(seen_ud[ud], "each UD once per wave");
            seen_ud[ud] = true;
            cr_assert_str_eq(tr.rows[i + 1].ev, "rebootful_end", "never overlapping");
            cr_assert_float_eq(tr.rows[i + 1].t - x->t, 25.0 / 60, 1e-9, "25 min reboot");
            cr_assert_eq(tr.rows[i + 1].down[0], 0);
            steps++;
        } else if (!strcmp(x->ev, "rebootful_end")) {
            last_end = x->t;
        }
    }
    cr_assert_eq(steps, 5);
    /* 2 of 10 down never breaks a quorum of 8: the service stays up */
    cr_assert_float_eq(r.service_availability, 1, 0);
    cr_assert_float_eq(r.vm_availability, 1 - 10 * 25 * 60.0 / (10 * DUR_YEAR), 1e-12);
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, flexible_fixed_three_is_paused_fault_domain_by_fault_domain)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 5\n"
                       "[rebootless]\nenabled = true\nperiod = 1y\npause = fixed(10s)\n"
                       "reboot = fixed(10s)\nsettle = 30m\n"
                       "[group.f]\nplatformFaultDomainCount = 3\ncount = 6\nquorum = 5\n", 1);
    inject *in = make(s);
    stats_replica r;
    trace tr;
    run_traced(in, 3, &r, &tr);
    int pauses = 0, steps = 0;
    for (int i = 0; i < tr.n; i++) {
        row *x = &tr.rows[i];
        cr_assert_leq(x->down[0], 2, "one FD (2 VMs) at a time");
        if (!strcmp(x->ev, "rebootless_step") && strncmp(x->what, "walk", 4)) {
            steps++;
            if (x->down[0] == 2) {
                pauses++;
                cr_assert_float_eq(tr.rows[i + 1].t - x->t, 10 / H, 1e-9);
                cr_assert_eq(tr.rows[i + 1].down[0], 0);
            }
        }
    }
    cr_assert_eq(steps, 5, "the wave walks all 5 racks");
    cr_assert_eq(pauses, 3, "3 of them hold the group's 3 FDs");
    cr_assert_float_eq(r.downtime_min_per_year, 3 * 10 / 60.0, 1e-9, "2 of 6 down < quorum 5");
    cr_assert_float_eq(r.outages, 3, 0);
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, pause_tolerance_hides_short_pauses)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 5\n"
                       "[rebootless]\nenabled = true\nperiod = 1y\npause = fixed(10s)\n"
                       "pauseTolerance = 10s\n"
                       "[group.f]\nplatformFaultDomainCount = 3\ncount = 6\nquorum = 5\n", 1);
    inject *in = make(s);
    stats_replica r;
    inject_replica(in, 3, &(stats_out){ .rec = &r }, NULL);
    cr_assert_float_eq(r.vm_availability, 1, 0);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, a_size_without_memory_preservation_reboots_instead_of_pausing)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 5\n"
                       "[rebootless]\nenabled = true\nperiod = 1y\npause = fixed(10s)\n"
                       "reboot = fixed(25m)\nsettle = 30m\n"
                       "[group.mp]\nplatformFaultDomainCount = 3\ncount = 6\n"
                       "[group.n]\nplatformFaultDomainCount = 3\ncount = 6\n"
                       "vmSize = Standard_NC24ads_A100_v4\n", 1);
    inject *in = make(s);
    stats_replica r[2];
    inject_replica(in, 0, &(stats_out){ .rec = r }, NULL);
    double mp = 6 * (1 - r[0].vm_availability) * DUR_YEAR;
    double n = 6 * (1 - r[1].vm_availability) * DUR_YEAR;
    cr_assert_float_eq(mp, 6 * 10, 1e-6, "each VM pauses 10 s once");
    cr_assert_float_eq(n, 6 * 25 * 60, 1e-6, "each VM reboots 25 min once");
    inject_destroy(in);
    scenario_destroy(s);
}

/* Times (h) of a trace's rebootless steps that visit a rack, and their racks. */
static int rl_steps(const trace *tr, double *t, int *rack, int max)
{
    int n = 0;
    for (int i = 0; i < tr->n && n < max; i++)
        if (!strcmp(tr->rows[i].ev, "rebootless_step") && !strncmp(tr->rows[i].what, "rack ", 5)) {
            t[n] = tr->rows[i].t;
            rack[n++] = atoi(tr->rows[i].what + 5);
        }
    return n;
}

Test(inject, a_rebootless_step_waits_for_a_reboot_only_where_a_vm_reboots)
{
    /* 60 racks; every VM pauses 8 s: a step every 8 s + 1792 s = 30 min, the
     * reboot (25 min) drawn but waited for nowhere */
    scenario *s = load_quiet("[region]\nracksPerZone = 60\n"
                             "[rebootless]\nenabled = true\nperiod = 1y\npause = fixed(8s)\n"
                             "reboot = fixed(25m)\nsettle = 1792s\n"
                             "[group.f]\ncount = 60\n", 1);
    inject *in = make(s);
    stats_replica r[2];
    trace tr;
    run_traced(in, 0, r, &tr);
    double t[64];
    int rack[64];
    int n = rl_steps(&tr, t, rack, 64);
    cr_assert_eq(n, 60);
    for (int k = 1; k < n; k++)
        cr_assert_float_eq(t[k] - t[k - 1], 0.5, 1e-9, "step %d after %g h", k, t[k] - t[k - 1]);
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);

    /* one VM without memory-preserving support: its rack's step alone
     * lasts the reboot */
    s = load_quiet("[region]\nracksPerZone = 6\n"
                   "[rebootless]\nenabled = true\nperiod = 1y\npause = fixed(8s)\n"
                   "reboot = fixed(25m)\nsettle = 1792s\n"
                   "[group.f]\ncount = 6\n"
                   "[group.n]\ncount = 1\nvmSize = Standard_NC24ads_A100_v4\n", 1);
    in = make(s);
    run_traced(in, 0, r, &tr);
    n = rl_steps(&tr, t, rack, 64);
    cr_assert_eq(n, 6);
    int nrack = place_group_at(inject_placement(in), 1)->vms[0].rack, longer = 0;
    for (int k = 1; k < n; k++) {
        double want = (rack[k - 1] == nrack ? 25 * 60.0 : 8.0) + 1792;
        longer += rack[k - 1] == nrack;
        cr_assert_float_eq(t[k] - t[k - 1], want / H, 1e-9);
    }
    cr_assert_eq(longer, rack[n - 1] != nrack, "the reboot rack's step, unless walked last");
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

/* Azure promises no walk order: across replicas every rack is walked
 * first about equally often, in a zoned region every zone is, and a zone
 * once left is not visited again. */
Test(inject, rebootless_walks_are_drawn_per_wave_zone_by_zone)
{
    scenario *s = load_quiet("[region]\nzones = 3\nracksPerZone = 4\n"
                             "[rebootless]\nenabled = true\nperiod = 1y\npause = fixed(8s)\n"
                             "settle = 30m\n[group.f]\nzones = 1,2,3\ncount = 12\n", 1);
    inject *in = make(s);
    int first[12] = { 0 }, zfirst[3] = { 0 }, walks = 0;
    for (int rep = 0; rep < 1200; rep++) {
        stats_replica r;
        trace tr;
        run_traced(in, (uint64_t)rep, &r, &tr);
        double t[16];
        int rack[16];
        int n = rl_steps(&tr, t, rack, 16);
        if (n < 12) { /* the walk did not finish before the horizon */
            free(tr.rows);
            continue;
        }
        walks++;
        first[rack[0]]++;
        zfirst[rack[0] / 4]++;
        bool left[3] = { false };
        for (int k = 1; k < n; k++) {
            int z = rack[k] / 4, zp = rack[k - 1] / 4;
            if (z != zp)
                left[zp] = true;
            cr_assert(!left[z], "zone %d visited again", z + 1);
        }
        free(tr.rows);
    }
    cr_assert_gt(walks, 1150);
    for (int k = 0; k < 12; k++) /* ~100 each; binomial sd ~9.6 */
        cr_assert(first[k] > 60 && first[k] < 140, "rack %d first in %d walks", k, first[k]);
    for (int z = 0; z < 3; z++)
        cr_assert(zfirst[z] > 330 && zfirst[z] < 470, "zone %d first %d times", z + 1, zfirst[z]);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, overlapping_causes_count_once)
{
    /* every host fails at 100 h for 3 h; every rack at 101 h for 1 h:
     * the VMs are down from 100 h to 103 h, once */
    scenario *s = load_quiet("[region]\nracksPerZone = 3\nhostsPerRack = 2\n"
                       "[host]\nenabled = true\ntimeToFailure = fixed(100h)\nrepairTime = fixed(3h)\n"
                       "[rack]\nenabled = true\ntimeToFailure = fixed(101h)\noutage = fixed(1h)\n"
                       "[healing]\nenabled = false\n"
                       "[simulation]\nhorizon = 150h\n"
                       "[group.g]\ncount = 4\n", 1);
    inject *in = make(s);
    stats_replica r;
    trace tr;
    run_traced(in, 0, &r, &tr);
    cr_assert_float_eq(r.vm_availability, 1 - 3.0 / 150, 1e-12);
    cr_assert_float_eq(r.outages, 1, 0);
    cr_assert_float_eq(r.worst_loss, 4, 0);
    for (int i = 0; i < tr.n; i++) {
        row *x = &tr.rows[i];
        if (i + 1 < tr.n && tr.rows[i + 1].t == x->t)
            continue; /* judge each instant after its last event */
        int want = x->t >= 100 && x->t < 103 ? 4 : 0;
        cr_assert_eq(x->down[0], want, "at %g h after %s", x->t, x->ev);
    }
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, healing_restarts_vms_in_the_same_fault_domain)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 4\nhostsPerRack = 6\nvmsPerHost = 4\n"
                       "[host]\nenabled = true\ntimeToFailure = exp(mean=2000h)\n"
                       "repairTime = fixed(48h)\n"
                       "[healing]\nenabled = true\ntime = fixed(15m)\n"
                       "[group.a]\norchestrationMode = AvailabilitySet\n"
                       "platformFaultDomainCount = 3\ncount = 12\n", 1);
    inject *in = make(s);
    int racks0[12];
    for (int i = 0; i < 12; i++)
        racks0[i] = place_group_at(inject_placement(in), 0)->vms[i].rack;
    stats_replica r;
    trace tr;
    run_traced(in, 1, &r, &tr);
    int moved = 0;
    for (int i = 0; i < 12; i++) {
        const place_vm *v = &place_group_at(inject_placement(in), 0)->vms[i];
        cr_assert_eq(v->rack, racks0[i], "VM %d left its fault domain", i);
        moved += v->host != -1;
    }
    /* every VM outage is healed 15 min after its host failed */
    int heals = 0;
    for (int i = 1; i < tr.n; i++)
        if (!strcmp(tr.rows[i].ev, "heal")) {
            heals++;
            cr_assert_eq(tr.rows[i].down[0], 0, "healing brings every VM back");
        }
    cr_assert_gt(heals, 0, "the seed gives host failures under the group");
    double vm_down = (1 - r.vm_availability) * 12 * DUR_YEAR;
    cr_assert_float_eq(remainder(vm_down, 15 * 60.0), 0, 1e-3, "down time in whole 15-minute steps: %.9g", vm_down);
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, without_healing_vms_wait_for_the_host_repair)
{
    const char *text = "[region]\nracksPerZone = 4\nhostsPerRack = 6\nvmsPerHost = 4\n"
                       "[host]\nenabled = true\ntimeToFailure = exp(mean=2000h)\n"
                       "repairTime = fixed(48h)\n"
                       "[group.a]\norchestrationMode = AvailabilitySet\n"
                       "platformFaultDomainCount = 3\ncount = 12\n";
    double down[2];
    for (int healing = 0; healing < 2; healing++) {
        const char *set = healing ? "healing.enabled=true" : "healing.enabled=false";
        const char *sets[] = { "rack.enabled=false", "zone.enabled=false",
                               "rebootless.enabled=false", "rebootful.enabled=false", set };
        scenario *s = NULL;
        cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", sets, 5, NULL,
                                        NULL), FD_OK);
        inject *in = make(s);
        stats_replica r;
        inject_replica(in, 1, &(stats_out){ .rec = &r }, NULL);
        down[healing] = (1 - r.vm_availability) * 12 * DUR_YEAR;
        inject_destroy(in);
        scenario_destroy(s);
    }
    cr_assert_gt(down[1], 0);
    cr_assert_gt(down[0], 48 * H, "without healing a VM outage lasts the 48 h repair");
    cr_assert_gt(down[0], 20 * down[1], "healing after 15 min instead of 48 h");
}

Test(inject, instance_repair_replaces_after_the_grace_period_within_the_cap)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 6\nhostsPerRack = 10\nvmsPerHost = 4\n"
                       "[rack]\nenabled = true\ntimeToFailure = exp(mean=3000h)\n"
                       "outage = fixed(10h)\n"
                       "[repair]\nprovisionTime = fixed(5m)\n"
                       "[group.g]\ncount = 60\nautomaticRepairs = true\ngracePeriod = 10m\n", 1);
    inject *in = make(s);
    stats_replica r;
    trace tr;
    run_traced(in, 2, &r, &tr);
    int fails = 0;
    for (int i = 0; i < tr.n; i++) {
        if (strcmp(tr.rows[i].ev, "rack_fail") != 0 || tr.rows[i].down[0] == 0)
            continue;
        fails++;
        /* k VMs of the rack go down; 10 min later repairs begin, 3 at a time
         * (5 % of 60), each 5 min, so all are back within 10 + ceil(k/3) x 5 min */
        double t0 = tr.rows[i].t;
        int k = tr.rows[i].down[0];
        double window = (10 + (k + 2) / 3 * 5) / 60.0;
        bool back = false;
        for (int j = i + 1; j < tr.n && tr.rows[j].t <= t0 + window + 1e-9; j++)
            if (tr.rows[j].t < t0 + 10.0 / 60 - 1e-9)
                cr_assert_geq(tr.rows[j].down[0], tr.rows[i].down[0], "no repair before the grace");
            else if (tr.rows[j].down[0] == 0)
                back = true;
        cr_assert(back, "repaired within %g h of the rack failure at %g h", window, t0);
    }
    cr_assert_gt(fails, 0);
    cr_assert_eq(inject_max_repairs(in, 0), 3, "5 %% of 60 at a time");
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, a_small_group_repairs_one_vm_at_a_time)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 6\nhostsPerRack = 10\nvmsPerHost = 4\n"
                       "[rack]\nenabled = true\ntimeToFailure = exp(mean=3000h)\n"
                       "outage = fixed(10h)\n"
                       "[group.g]\ncount = 18\nautomaticRepairs = true\n", 1);
    inject *in = make(s);
    stats_replica r;
    inject_replica(in, 2, &(stats_out){ .rec = &r }, NULL);
    cr_assert_eq(inject_max_repairs(in, 0), 1);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, a_zone_outage_takes_exactly_the_zones_vms)
{
    scenario *s = load_quiet("[region]\nzones = 3\nracksPerZone = 4\n"
                       "[zone]\nenabled = true\ntimeToFailure = exp(mean=1000h)\noutage = fixed(4h)\n"
                       "[group.z]\nzones = 1,2,3\ncount = 10\n"
                       "[group.r]\ncount = 7\n", 1);
    inject *in = make(s);
    place_summary zs, rs;
    place_summarize(inject_placement(in), 0, &zs);
    place_summarize(inject_placement(in), 1, &rs);
    stats_replica r[2];
    trace tr;
    run_traced(in, 0, r, &tr);
    int outages = 0;
    for (int i = 0; i < tr.n; i++) {
        if (strcmp(tr.rows[i].ev, "zone_fail") != 0)
            continue;
        int z = atoi(tr.rows[i].what + 5);
        if (i > 0 && (tr.rows[i - 1].down[0] || tr.rows[i - 1].down[1]))
            continue; /* overlapping outages: checked elsewhere */
        outages++;
        cr_assert_eq(tr.rows[i].down[0], zs.per_zone[z], "zone %d", z);
        cr_assert_eq(tr.rows[i].down[1], rs.per_zone[z], "zone %d, regional group", z);
    }
    cr_assert_gt(outages, 2);
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, spot_evictions_follow_the_rate)
{
    scenario *s = load_quiet("[spot]\nevictionRate = 0.01\nrestoreTime = fixed(1h)\n"
                       "[group.s]\ncount = 10\nspotShare = 1\n"
                       "[group.r]\ncount = 10\n", 1);
    inject *in = make(s);
    stats_replica r[2];
    inject_replica(in, 0, &(stats_out){ .rec = r }, NULL);
    /* each Spot VM runs ~8760/(100+1) h between... down fraction = 1/(100+1) */
    double frac = 1 - r[0].vm_availability;
    cr_assert_float_eq(frac, 1.0 / 101, 0.15 / 101, "down fraction %g", frac);
    cr_assert_float_eq(r[1].vm_availability, 1, 0, "regular VMs are never evicted");
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, same_replica_same_results_and_groups_share_the_world)
{
    scenario *s = load_quiet("[host]\nenabled = true\n[rack]\nenabled = true\n"
                       "[rebootless]\nenabled = true\n[rebootful]\nenabled = true\n"
                       "[zone]\nenabled = true\n[group.a]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 3\n"
                       "count = 5\n[group.b]\ncount = 5\n", 1);
    inject *one = make(s), *two = make(s);
    stats_replica a[2], b[2];
    inject_replica(one, 7, &(stats_out){ .rec = a }, NULL);
    inject_replica(two, 3, &(stats_out){ .rec = b }, NULL);
    inject_replica(two, 7, &(stats_out){ .rec = b }, NULL);
    cr_assert_eq(memcmp(a, b, sizeof a), 0, "replica 7 twice, after another replica");
    cr_assert_eq(inject_events(one), inject_events(two));
    inject_destroy(one);
    inject_destroy(two);
    scenario_destroy(s);
}

Test(inject, a_zonal_uniform_group_walks_its_zones_update_domains)
{
    /* zones 1 and 3 only: the walk visits 2 zones x 5 UDs, zone by zone (a
     * zone, once left, is not visited again), in either order */
    scenario *s = load_quiet("[region]\nzones = 3\nracksPerZone = 5\n"
                             "[rebootful]\nenabled = true\nperiod = 1y\nreboot = fixed(25m)\n"
                             "[group.u]\norchestrationMode = Uniform\nzones = 1,3\ncount = 10\n",
                             1);
    inject *in = make(s);
    stats_replica r;
    trace tr;
    run_traced(in, 0, &r, &tr);
    int steps = 0, zone = 0;
    bool left[4] = { false };
    for (int i = 0; i < tr.n; i++)
        if (!strcmp(tr.rows[i].ev, "rebootful_step")) {
            int z = atoi(strstr(tr.rows[i].what, "zone ") + 5);
            cr_assert(z == 1 || z == 3);
            cr_assert(!left[z], "zone by zone");
            if (zone && z != zone)
                left[zone] = true;
            zone = z;
            cr_assert_eq(tr.rows[i].down[0], 1, "one VM per (zone, UD)");
            steps++;
        }
    cr_assert_eq(steps, 10);
    free(tr.rows);
    inject_destroy(in);
    scenario_destroy(s);
}

/* The repair check: no VM is moved off a host that is up.  Spot evictions
 * (10 per VM-hour) keep VMs down after their host's 1 h repair, while the
 * queue (one repair at a time, 2 h each) still holds them. */
typedef struct hostwatch {
    int down[16];  /* active failures per host */
    int where[8];  /* each VM's host as last seen */
    int moves;     /* re-placements seen */
    int bad;       /* ...of a VM whose host was up */
} hostwatch;

static void watch(void *user, const inject *in, double t, const char *ev, const char *what)
{
    hostwatch *w = user;
    int h;
    (void)t;
    if (!strcmp(ev, "host_fail") && sscanf(what, "host %d", &h) == 1)
        w->down[h]++;
    if (!strcmp(ev, "host_repair") && sscanf(what, "host %d", &h) == 1)
        w->down[h]--;
    const place_group *pg = place_group_at(inject_placement(in), 0);
    for (int i = 0; i < pg->count; i++) {
        int now_on = pg->vms[i].placed ? pg->vms[i].host : -1;
        if (now_on == w->where[i])
            continue;
        w->moves++;
        w->bad += w->where[i] >= 0 && w->down[w->where[i]] == 0;
        w->where[i] = now_on;
    }
}

Test(inject, a_repair_never_moves_a_vm_whose_host_is_up)
{
    scenario *s = load_quiet("[region]\nracksPerZone = 2\nhostsPerRack = 2\nvmsPerHost = 3\n"
                             "[host]\nenabled = true\ntimeToFailure = uniform(10d, 20d)\n"
                             "repairTime = fixed(1h)\n"
                             "[repair]\nprovisionTime = fixed(2h)\n"
                             "[spot]\nevictionRate = 10\nrestoreTime = fixed(30m)\n"
                             "[group.g]\ncount = 8\nspotShare = 1\nautomaticRepairs = true\n", 5);
    inject *in = make(s);
    hostwatch w = { .moves = 0 };
    const place_group *pg = place_group_at(inject_placement(in), 0);
    int start[8];
    for (int i = 0; i < 8; i++)
        start[i] = pg->vms[i].host;
    inject_set_observer(in, watch, &w);
    stats_replica r;
    for (uint64_t k = 0; k < 10; k++) {
        memset(w.down, 0, sizeof w.down);
        memcpy(w.where, start, sizeof start);
        inject_replica(in, k, &(stats_out){ .rec = &r }, NULL);
        cr_assert_float_eq(r.alloc_failures, 0, 0, "alloc_failures counts the start only");
    }
    cr_assert_gt(w.moves, 20, "repairs happen");
    cr_assert_eq(w.bad, 0, "%d of %d re-placements moved a VM off an up host", w.bad, w.moves);
    inject_destroy(in);
    scenario_destroy(s);
}

/* simulation.placement = perReplica: every replica is placed afresh from
 * its own stream (a regional group's zone varies), and a replica run twice
 * is placed and played the same; `once` keeps one placement for all. */
Test(inject, per_replica_placement_places_every_replica_afresh)
{
#define WORLD "[region]\nzones = 3\nracksPerZone = 4\n" \
              "[zone]\nenabled = true\ntimeToFailure = exp(mean=2y)\n" \
              "[group.av]\norchestrationMode = AvailabilitySet\n" \
              "platformFaultDomainCount = 2\ncount = 6\nquorum = 1\n"
    scenario *s = load_quiet(WORLD, 3);
    scenario *p = load_quiet("[simulation]\nplacement = perReplica\n" WORLD, 3);
#undef WORLD
    inject *once = make(s), *per = make(p);
    int zones_once[4] = { 0 }, zones_per[4] = { 0 }, hit = 0;
    for (uint64_t rep = 0; rep < 300; rep++) {
        inject *ins[2] = { once, per };
        int *zones[2] = { zones_once, zones_per };
        for (int k = 0; k < 2; k++) {
            stats_replica a;
            trace tr;
            run_traced(ins[k], rep, &a, &tr);
            int home = place_group_at(inject_placement(ins[k]), 0)->vms[0].zone;
            zones[k][home]++;
            /* quorum 1, all of it in one zone: down exactly when that zone is */
            bool home_failed = false;
            for (int i = 0; i < tr.n; i++)
                home_failed |= !strcmp(tr.rows[i].ev, "zone_fail")
                               && atoi(tr.rows[i].what + 5) == home;
            cr_assert_eq(a.downtime_min_per_year > 0, home_failed,
                         "replica %llu: zone %d failed %d, down %g", (unsigned long long)rep,
                         home, home_failed, a.downtime_min_per_year);
            hit += home_failed;
            free(tr.rows);
        }
        stats_replica b, again;
        inject_replica(per, rep, &(stats_out){ .rec = &b }, NULL);
        inject_replica(per, rep, &(stats_out){ .rec = &again }, NULL);
        cr_assert_eq(memcmp(&b, &again, sizeof b), 0, "replica %llu twice",
                     (unsigned long long)rep);
    }
    int used_once = 0, used_per = 0;
    for (int z = 1; z <= 3; z++) {
        used_once += zones_once[z] > 0;
        used_per += zones_per[z] > 50;
    }
    cr_assert_eq(used_once, 1, "one placement for every replica");
    cr_assert_eq(used_per, 3, "each zone home to ~100 of 300 replicas");
    cr_assert_gt(hit, 100, "zone outages happen (mean 2y per zone)");
    inject_destroy(once);
    inject_destroy(per);
    scenario_destroy(s);
    scenario_destroy(p);
}

/* ----------------------------------------------- snapshot and restore -- */

/* Every mechanism at once, so busy that at any moment something is in
 * progress: hosts out for days, racks and zones failing, walks a quarter
 * of the time, repairs queued, Spot VMs evicted and re-placed. */
#define BUSY "[simulation]\nhorizon = 60d\n" \
    "[region]\nzones = 2\nracksPerZone = 6\nhostsPerRack = 4\nvmsPerHost = 6\n" \
    "[host]\nenabled = true\ntimeToFailure = exp(mean=20d)\nrepairTime = lognormal(median=2d, sigma=1)\n" \
    "[rack]\nenabled = true\ntimeToFailure = weibull(shape=0.8, scale=30d)\noutage = uniform(1h, 6h)\n" \
    "[zone]\nenabled = true\ntimeToFailure = exp(mean=20d)\noutage = uniform(2h, 8h)\n" \
    "[burst]\nenabled = true\ninterval = exp(mean=20d)\n" \
    "[spot]\nevictionRate = 0.02\nevictionPolicy = Delete\n" \
    "[healing]\nenabled = true\n" \
    "[repair]\nprovisionTime = fixed(2h)\n" \
    "[rebootless]\nenabled = true\nperiod = 2d\n" \
    "[rebootful]\nenabled = true\nperiod = 5d\n" \
    "[group.flex]\nzones = 1,2\ncount = 8\nquorum = 6\nspotShare = 0.5\nautomaticRepairs = true\n" \
    "[group.fixed]\nplatformFaultDomainCount = 2\ncount = 6\nvmSize = Standard_L8s_v3\n" \
    "automaticRepairs = true\n" \
    "[group.avset]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 2\n" \
    "platformUpdateDomainCount = 5\ncount = 10\n" \
    "[group.uni]\norchestrationMode = Uniform\nplatformFaultDomainCount = 2\ncount = 12\n"

/* One replica's whole output: results, downcount and months of 4 groups. */
#define WG 6  /* groups */
#define WN 64 /* down counts (VMs + 1) and months */
typedef struct whole {
    stats_replica rec[WG];
    double dc[WG][WN], md[WG][WN];
} whole;

static stats_out out_of(whole *w)
{
    static double *dc[WG], *md[WG];
    for (int g = 0; g < WG; g++) {
        dc[g] = w->dc[g];
        md[g] = w->md[g];
    }
    return (stats_out){ w->rec, dc, md, NULL };
}

/* Open a trace into memory; close it and return its bytes. */
static csvio_writer *trace_open(FILE **f, char **buf, size_t *len)
{
    *f = open_memstream(buf, len);
    return csvio_writer_stream(*f);
}

static void trace_close(csvio_writer *w, FILE *f)
{
    cr_assert_eq(csvio_writer_commit(w, NULL), FD_OK);
    csvio_writer_destroy(w);
    fclose(f);
}

static void snapshot_case(const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", extra, BUSY);
    scenario *s = load_quiet(text, 17);
    inject *in = make(s), *other = NULL, *snap = NULL;
    cr_assert_eq(inject_snapshot_create(&snap, in, NULL), FD_OK);
    cr_assert_eq(inject_snapshot_create(&other, in, NULL), FD_OK); /* same placement */
    for (uint64_t rep = 0; rep < 40; rep++) {
        whole a, b, c;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        memset(&c, 0, sizeof c);
        double cut = s->horizon * (0.05 + 0.9 * (double)rep / 40);
        /* uninterrupted, with the trace of its part after the cut */
        FILE *f;
        char *ta = NULL, *tb = NULL, *tc = NULL;
        size_t la, lb, lc;
        inject_begin(in, rep);
        inject_advance(in, cut, NULL);
        uint64_t events = inject_events(in);
        csvio_writer *w = trace_open(&f, &ta, &la);
        stats_out oa = out_of(&a);
        inject_end(in, &oa, w);
        trace_close(w, f);
        /* again, snapshot at the cut, run on */
        inject_begin(in, rep);
        inject_advance(in, cut, NULL);
        cr_assert_eq(inject_events(in), events);
        cr_assert_eq(inject_snapshot(snap, in, NULL), FD_OK);
        w = trace_open(&f, &tb, &lb);
        stats_out ob = out_of(&b);
        inject_end(in, &ob, w);
        trace_close(w, f);
        /* another injector, busy with another replica, restored from it */
        stats_replica junk[WG];
        inject_replica(other, rep + 100, &(stats_out){ .rec = junk }, NULL);
        cr_assert_eq(inject_restore(other, snap, NULL), FD_OK);
        cr_assert_float_eq(inject_now(other), inject_now(snap), 0);
        w = trace_open(&f, &tc, &lc);
        stats_out oc = out_of(&c);
        inject_end(other, &oc, w);
        trace_close(w, f);
        cr_assert_gt(la, 200, "replica %llu: a busy second part", (unsigned long long)rep);
        cr_assert(la == lb && memcmp(ta, tb, la) == 0, "replica %llu: snapshot changed the run",
                  (unsigned long long)rep);
        cr_assert(la == lc && memcmp(ta, tc, la) == 0, "replica %llu: restored run differs",
                  (unsigned long long)rep);
        cr_assert_eq(memcmp(&a, &b, sizeof a), 0);
        cr_assert_eq(memcmp(&a, &c, sizeof a), 0, "replica %llu: results differ",
                     (unsigned long long)rep);
        free(ta);
        free(tb);
        free(tc);
    }
    inject_destroy(snap);
    inject_destroy(other);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, a_replica_restored_from_a_mid_run_snapshot_runs_on_identically)
{
    snapshot_case("");
}

Test(inject, a_snapshot_carries_a_per_replica_placement)
{
    snapshot_case("[simulation]\nplacement = perReplica\n");
}

/* ------------------------------------------------ folded maintenance -- */

static void no_op(void *user, const inject *in, double t, const char *event, const char *target)
{
    (void)user, (void)in, (void)t, (void)event, (void)target;
}

static void near(double a, double b, const char *what, uint64_t rep)
{
    cr_assert(fabs(a - b) <= 1e-9 * fmax(1.0, fmax(fabs(a), fabs(b))),
              "replica %llu: %s folded %.17g, played %.17g", (unsigned long long)rep, what, a, b);
}

/* Replicas of `text` with maintenance folded (no observer) and played out
 * step by step (an observer turns folding off) give the same results: the
 * walks draw the same numbers either way. */
static void folded_case(const char *text, int replicas)
{
    scenario *s = load_quiet(text, 17);
    cr_assert_leq(s->ngroups, WG);
    for (size_t g = 0; g < s->ngroups; g++)
        cr_assert_lt(s->groups[g].count, WN);
    cr_assert_leq(stats_months(s->horizon), WN);
    inject *in = make(s);
    for (uint64_t rep = 0; rep < (uint64_t)replicas; rep++) {
        whole a, b;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        stats_out o = out_of(&a); /* (out_of's arrays are static: one at a time) */
        inject_set_observer(in, NULL, NULL);
        inject_replica(in, rep, &o, NULL);
        o = out_of(&b);
        inject_set_observer(in, no_op, NULL);
        inject_replica(in, rep, &o, NULL);
        for (size_t g = 0; g < s->ngroups; g++) {
            const stats_replica *x = &a.rec[g], *y = &b.rec[g];
            near(x->vm_unavailability, y->vm_unavailability, "vm unavailability", rep);
            near(x->service_unavailability, y->service_unavailability, "service", rep);
            near(x->deficit_vm_hours, y->deficit_vm_hours, "deficit", rep);
            cr_assert_eq(x->outages, y->outages, "replica %llu: outages", (unsigned long long)rep);
            cr_assert_eq(x->worst_loss, y->worst_loss, "replica %llu: worst", (unsigned long long)rep);
            cr_assert_eq(x->months_met, y->months_met);
            for (int k = 0; k <= s->groups[g].count && k < WN; k++) {
                char what[64];
                snprintf(what, sizeof what, "group %zu downcount %d", g, k);
                near(a.dc[g][k], b.dc[g][k], what, rep);
            }
            for (int m = 0; m < stats_months(s->horizon) && m < WN; m++)
                near(a.md[g][m], b.md[g][m], "month downtime", rep);
        }
    }
    inject_set_observer(in, NULL, NULL);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, folded_maintenance_gives_what_playing_every_step_gives)
{
    folded_case(BUSY, 60);
    /* fixed durations: whole walks fold; walks overlap each other and outages */
    folded_case("[simulation]\nhorizon = 90d\n"
                "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                "[host]\nenabled = true\ntimeToFailure = exp(mean=60d)\n"
                "repairTime = fixed(3h)\n[healing]\nenabled = false\n"
                "[rebootless]\nenabled = true\nperiod = 3d\npause = fixed(10m)\n"
                "settle = 1h\npauseTolerance = 0s\n"
                "[rebootful]\nenabled = true\nperiod = 4d\nreboot = fixed(30m)\nsettle = 2h\n"
                "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 9\n"
                "[group.nseries]\nzones = 1,2,3\ncount = 6\nquorum = 5\n"
                "vmSize = Standard_NC6s_v3\n"
                "[group.avset]\norchestrationMode = AvailabilitySet\n"
                "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 5\ncount = 10\n"
                "quorum = 8\n"
                "[group.uni]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 9\n"
                "quorum = 8\n", 60);
    /* every rebootless step the same (fixed, memory-preserving sizes only) */
    folded_case("[simulation]\nhorizon = 90d\n"
                "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                "[host]\nenabled = true\ntimeToFailure = exp(mean=30d)\n"
                "repairTime = fixed(3h)\n[healing]\nenabled = true\n"
                "[rack]\nenabled = true\ntimeToFailure = exp(mean=60d)\n"
                "[rebootless]\nenabled = true\nperiod = 3d\npause = fixed(10m)\n"
                "settle = 1h\npauseTolerance = 0s\n"
                "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 10\n"
                "[group.avset]\norchestrationMode = AvailabilitySet\n"
                "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 5\ncount = 10\n"
                "quorum = 8\n", 60);
}

Test(inject, a_walk_that_overlaps_nothing_costs_no_event_per_step)
{
    /* maintenance only: a year of monthly rebootless walks over 60 racks and
     * a yearly rebootful one is 12 + 1 wave events (and the next waves) */
    scenario *s = load_quiet("[simulation]\nhorizon = 1y\n"
                             "[region]\nracksPerZone = 60\nhostsPerRack = 16\nvmsPerHost = 8\n"
                             "[rebootless]\nenabled = true\nperiod = 30d\npause = fixed(8s)\nsettle = 1792s\n"
                             "pauseTolerance = 0s\n"
                             "[rebootful]\nenabled = true\nperiod = 1y\nreboot = fixed(25m)\nsettle = 30m\n"
                             "[group.flex]\ncount = 1000\nquorum = 900\n", 17);
    inject *in = make(s);
    stats_replica r;
    for (uint64_t rep = 0; rep < 20; rep++) {
        inject_replica(in, rep, &(stats_out){ .rec = &r }, NULL);
        cr_assert_leq(inject_events(in), 15, "replica %llu: %llu events", (unsigned long long)rep,
                      (unsigned long long)inject_events(in));
        /* 11 to 13 walks of 60 racks x 8 s with ~16.7 VMs each (the horizon may
         * cut one), and at most one reboot of every VM for 25 min */
        double vm_down = r.vm_unavailability * 1000 * s->horizon;
        cr_assert(vm_down > 11 * 8000.0 - 1e-6 && vm_down < 13 * 8000.0 + 1000 * 1500.0 + 1e-6,
                  "replica %llu: %.9g VM-seconds down", (unsigned long long)rep, vm_down);
        /* a rack's share of 1000 VMs over 60 racks; two when the walks overlap */
        cr_assert(r.worst_loss >= 16 && r.worst_loss <= 34, "worst %g", r.worst_loss);
    }
    inject_destroy(in);
    scenario_destroy(s);
}

/* ------------------------------- folded vs played: review 12 cases -- */

/* A rebootless step that takes nothing down (its pause within the
 * tolerance, no VM that reboots on its rack) must not stop the walk. */
Test(inject, folded_equals_played_when_a_pause_is_within_the_tolerance)
{
    folded_case("[simulation]\nhorizon = 30d\n"
                "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                "[rebootless]\nenabled = true\nperiod = 3d\npause = uniform(1s, 20s)\n"
                "reboot = fixed(10m)\nsettle = 1h\npauseTolerance = 10s\n"
                "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 10\n"
                "[group.nseries]\nzones = 1\ncount = 3\nquorum = 2\n"
                "vmSize = Standard_NC6s_v3\n", 20);
}

/* Every group reboots in rebootless steps: a rack without VMs is a step
 * with no pause end and no reboot end. */
Test(inject, folded_equals_played_when_no_group_preserves_memory)
{
    folded_case("[simulation]\nhorizon = 30d\n"
                "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                "[rebootless]\nenabled = true\nperiod = 3d\npause = fixed(10s)\n"
                "reboot = fixed(10m)\nsettle = 1h\npauseTolerance = 0s\n"
                "[group.nseries]\nzones = 1\ncount = 4\nquorum = 3\n"
                "vmSize = Standard_NC6s_v3\n", 20);
}

/* Walks cut by the horizon: long walks (fixed and drawn durations), the
 * horizon falling anywhere in them. */
Test(inject, folded_equals_played_when_the_horizon_cuts_walks)
{
    const char *body =
        "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
        "[rebootless]\nenabled = true\nperiod = 2d\npause = %s\n"
        "reboot = %s\nsettle = 2h\npauseTolerance = 0s\n"
        "[rebootful]\nenabled = true\nperiod = 3d\nreboot = %s\nsettle = 3h\n"
        "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 10\n"
        "[group.nseries]\nzones = 1,2\ncount = 4\nquorum = 3\nvmSize = Standard_NC6s_v3\n"
        "[group.avset]\norchestrationMode = AvailabilitySet\n"
        "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 5\ncount = 10\nquorum = 8\n";
    const char *horizons[] = { "1d", "2d", "3d", "50h", "77h", "5d" };
    char text[2048];
    for (int f = 0; f < 2; f++)
        for (size_t i = 0; i < sizeof horizons / sizeof *horizons; i++) {
            char head[64];
            snprintf(head, sizeof head, "[simulation]\nhorizon = %s\n", horizons[i]);
            int n = snprintf(text, sizeof text, "%s", head);
            snprintf(text + n, sizeof text - (size_t)n, body,
                     f ? "uniform(1s, 30s)" : "fixed(10m)", f ? "uniform(5m, 30m)" : "fixed(20m)",
                     f ? "uniform(10m, 40m)" : "fixed(30m)");
            folded_case(text, 30);
        }
}

/* Waves arriving while a walk is busy: the next walk starts at the end of
 * the previous one. */
Test(inject, folded_equals_played_when_waves_queue_up)
{
    folded_case("[simulation]\nhorizon = 20d\n"
                "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                "[rebootless]\nenabled = true\nperiod = 2h\npause = fixed(10m)\n"
                "reboot = fixed(20m)\nsettle = 1h\npauseTolerance = 0s\n"
                "[rebootful]\nenabled = true\nperiod = 1h\nreboot = fixed(30m)\nsettle = 30m\n"
                "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 10\n"
                "[group.nseries]\nzones = 1,2\ncount = 4\nquorum = 3\nvmSize = Standard_NC6s_v3\n"
                "[group.uni]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 9\n"
                "quorum = 8\n", 20);
    folded_case("[simulation]\nhorizon = 20d\n"
                "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                "[rebootless]\nenabled = true\nperiod = 2h\npause = uniform(1s, 20m)\n"
                "reboot = uniform(1m, 30m)\nsettle = 1h\npauseTolerance = 0s\n"
                "[rebootful]\nenabled = true\nperiod = 1h\nreboot = uniform(1m, 40m)\nsettle = 30m\n"
                "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 10\n"
                "[group.nseries]\nzones = 1,2\ncount = 4\nquorum = 3\nvmSize = Standard_NC6s_v3\n"
                "[group.uni]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 9\n"
                "quorum = 8\n", 20);
}

/* Walks overlapping each other and outages, steps crossing the quorum
 * (quorum = count: every step is an outage), months and deficit. */
Test(inject, folded_equals_played_when_steps_cross_the_quorum)
{
    const char *pauses[] = { "fixed(10m)", "uniform(1m, 3h)" };
    for (int i = 0; i < 2; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "[simulation]\nhorizon = 200d\n"
                 "[region]\nzones = 3\nracksPerZone = 3\nhostsPerRack = 3\nvmsPerHost = 4\n"
                 "[host]\nenabled = true\ntimeToFailure = exp(mean=20d)\n"
                 "repairTime = uniform(1h, 20h)\n"
                 "[rack]\nenabled = true\ntimeToFailure = exp(mean=40d)\n"
                 "[healing]\nenabled = true\n"
                 "[rebootless]\nenabled = true\nperiod = 5d\npause = %s\n"
                 "reboot = %s\nsettle = 1h\npauseTolerance = 0s\n"
                 "[rebootful]\nenabled = true\nperiod = 7d\nreboot = %s\nsettle = 30m\n"
                 "[group.all]\nzones = 1,2,3\ncount = 6\nquorum = 6\nslaTarget = 99.99\n"
                 "[group.one]\nzones = 1,2,3\ncount = 9\nquorum = 8\n"
                 "[group.nseries]\nzones = 1,2,3\ncount = 6\nquorum = 5\n"
                 "vmSize = Standard_NC6s_v3\n"
                 "[group.avset]\norchestrationMode = AvailabilitySet\n"
                 "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 3\ncount = 12\n"
                 "quorum = 8\n"
                 "[group.zuni]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 12\n"
                 "quorum = 11\n",
                 pauses[i], i ? "uniform(1m, 2h)" : "fixed(1h)", i ? "uniform(1m, 3h)" : "fixed(2h)");
        folded_case(text, 30);
    }
}

/* Fixed(0) reboots; reboots longer and shorter than pauses. */
Test(inject, folded_equals_played_with_zero_and_long_reboots)
{
    const char *rl[][2] = { { "fixed(10m)", "fixed(0s)" }, { "fixed(1m)", "fixed(1h)" },
                            { "fixed(2h)", "fixed(1m)" }, { "uniform(0s, 1h)", "uniform(0s, 1h)" } };
    const char *rf[] = { "fixed(0s)", "fixed(1h)", "fixed(0s)", "uniform(0s, 1h)" };
    for (int i = 0; i < 4; i++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "[simulation]\nhorizon = 40d\n"
                 "[region]\nzones = 3\nracksPerZone = 3\nhostsPerRack = 3\nvmsPerHost = 4\n"
                 "[host]\nenabled = true\ntimeToFailure = exp(mean=20d)\n"
                 "repairTime = uniform(1h, 20h)\n[healing]\nenabled = false\n"
                 "[rebootless]\nenabled = true\nperiod = 3d\npause = %s\n"
                 "reboot = %s\nsettle = 0s\npauseTolerance = 5m\n"
                 "[rebootful]\nenabled = true\nperiod = 4d\nreboot = %s\nsettle = 30m\n"
                 "[group.flex]\nzones = 1,2,3\ncount = 9\nquorum = 8\n"
                 "[group.nseries]\nzones = 1,2,3\ncount = 6\nquorum = 5\n"
                 "vmSize = Standard_NC6s_v3\n"
                 "[group.n2]\ncount = 3\nquorum = 3\nvmSize = Standard_NC6s_v3\n",
                 rl[i][0], rl[i][1], rf[i]);
        folded_case(text, 30);
    }
}

/* UD walks (Availability Set, Uniform, zonal Uniform) of groups placement
 * could not wholly allocate: fixed spreading with its fault domains' racks
 * full; strict zone balance with zone 1 full. */
Test(inject, folded_equals_played_with_vms_placement_could_not_allocate)
{
    const char *groups[] = {
        "[region]\nracksPerZone = 6\nhostsPerRack = 1\nvmsPerHost = 3\n"
        "[group.avset]\norchestrationMode = AvailabilitySet\n"
        "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 5\ncount = 12\n"
        "quorum = 7\n"
        "[group.uni]\norchestrationMode = Uniform\nplatformFaultDomainCount = 3\n"
        "count = 6\nquorum = 4\n",
        "[region]\nzones = 3\nracksPerZone = 2\nhostsPerRack = 1\nvmsPerHost = 3\n"
        "[group.full]\nzones = 1\ncount = 6\nquorum = 5\n"
        "[group.zuni]\norchestrationMode = Uniform\nzones = 1,2,3\nzoneBalance = true\n"
        "count = 12\nquorum = 2\n",
    };
    const char *reboot[] = { "fixed(30m)", "uniform(10m, 1h)" };
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 2; i++) {
            char text[2048];
            snprintf(text, sizeof text,
                     "[simulation]\nhorizon = 40d\n"
                     "[host]\nenabled = true\ntimeToFailure = exp(mean=30d)\n"
                     "repairTime = uniform(1h, 20h)\n"
                     "[rebootless]\nenabled = true\nperiod = 3d\npause = %s\n"
                     "reboot = fixed(20m)\nsettle = 1h\n"
                     "[rebootful]\nenabled = true\nperiod = 2d\nreboot = %s\nsettle = 30m\n"
                     "%s",
                     i ? "uniform(1s, 20m)" : "fixed(10m)", reboot[i], groups[j]);
            scenario *s = load_quiet(text, 17);
            inject *in = make(s);
            int failed = 0;
            for (size_t g = 0; g < s->ngroups; g++)
                failed += inject_alloc_failures(in, g);
            cr_assert_gt(failed, 0, "some VMs were not allocated");
            inject_destroy(in);
            scenario_destroy(s);
            folded_case(text, 30);
        }
}

/* Spot VMs evicted with Delete leave their racks and come back elsewhere
 * (the rack profiles must follow); instance repairs move VMs across racks;
 * healing moves them within a rack.  Fixed durations, so whole walks fold
 * whenever nothing else happens. */
Test(inject, folded_equals_played_when_vms_change_racks)
{
    const char *extra[] = { "", "[simulation]\nplacement = perReplica\n" };
    for (int i = 0; i < 2; i++) {
        char text[4096];
        snprintf(text, sizeof text,
                 "%s"
                 "[simulation]\nhorizon = 60d\n"
                 "[region]\nzones = 2\nracksPerZone = 4\nhostsPerRack = 3\nvmsPerHost = 3\n"
                 "[host]\nenabled = true\ntimeToFailure = exp(mean=30d)\n"
                 "repairTime = uniform(2h, 3d)\n"
                 "[rack]\nenabled = true\ntimeToFailure = exp(mean=60d)\noutage = uniform(1h, 2d)\n"
                 "[healing]\nenabled = true\n"
                 "[spot]\nevictionRate = 0.01\nevictionPolicy = Delete\nrestoreTime = exp(mean=6h)\n"
                 "[repair]\nprovisionTime = fixed(1h)\n"
                 "[rebootless]\nenabled = true\nperiod = 3d\npause = fixed(5m)\n"
                 "reboot = fixed(20m)\nsettle = 30m\npauseTolerance = 0s\n"
                 "[rebootful]\nenabled = true\nperiod = 4d\nreboot = fixed(30m)\nsettle = 30m\n"
                 "[group.spot]\nzones = 1,2\ncount = 12\nquorum = 9\nspotShare = 0.5\n"
                 "automaticRepairs = true\n"
                 "[group.nspot]\nzones = 1,2\ncount = 6\nquorum = 4\nspotShare = 0.5\n"
                 "vmSize = Standard_NC6s_v3\n"
                 "[group.rep]\nzones = 1,2\ncount = 10\nquorum = 8\nautomaticRepairs = true\n"
                 "[group.uni]\norchestrationMode = Uniform\nplatformFaultDomainCount = 2\n"
                 "count = 8\nquorum = 6\nautomaticRepairs = true\n",
                 extra[i]);
        folded_case(text, 40);
    }
}

/* A replica's results do not depend on the replicas an injector ran
 * before (caches: rack profiles, tallies cleared up to `top`, healing
 * moves rewound one by one), folded or played. */
Test(inject, a_replica_does_not_depend_on_the_replicas_before_it)
{
    const char *extra[] = { "", "[simulation]\nplacement = perReplica\n" };
    for (int i = 0; i < 2; i++) {
        char text[4096];
        snprintf(text, sizeof text,
                 "%s"
                 "[simulation]\nhorizon = 60d\n"
                 "[region]\nzones = 2\nracksPerZone = 4\nhostsPerRack = 3\nvmsPerHost = 3\n"
                 "[host]\nenabled = true\ntimeToFailure = exp(mean=20d)\n"
                 "repairTime = uniform(2h, 3d)\n"
                 "[rack]\nenabled = true\ntimeToFailure = exp(mean=60d)\noutage = uniform(1h, 2d)\n"
                 "[healing]\nenabled = true\n"
                 "[spot]\nevictionRate = 0.01\nevictionPolicy = Delete\nrestoreTime = exp(mean=6h)\n"
                 "[repair]\nprovisionTime = fixed(1h)\n"
                 "[rebootless]\nenabled = true\nperiod = 3d\npause = fixed(5m)\n"
                 "reboot = fixed(20m)\nsettle = 30m\npauseTolerance = 0s\n"
                 "[rebootful]\nenabled = true\nperiod = 4d\nreboot = fixed(30m)\nsettle = 30m\n"
                 "[group.spot]\nzones = 1,2\ncount = 12\nquorum = 9\nspotShare = 0.5\n"
                 "automaticRepairs = true\n"
                 "[group.nspot]\nzones = 1,2\ncount = 6\nquorum = 4\nspotShare = 0.5\n"
                 "vmSize = Standard_NC6s_v3\n"
                 "[group.rep]\nzones = 1,2\ncount = 10\nquorum = 8\nautomaticRepairs = true\n"
                 "[group.uni]\norchestrationMode = Uniform\nplatformFaultDomainCount = 2\n"
                 "count = 8\nquorum = 6\nautomaticRepairs = true\n",
                 extra[i]);
        scenario *s = load_quiet(text, 17);
        inject *shared = make(s);
        for (int played = 0; played < 2; played++) {
            inject_set_observer(shared, played ? no_op : NULL, NULL);
            for (uint64_t rep = 0; rep < 30; rep++) {
                whole a, b;
                memset(&a, 0, sizeof a);
                memset(&b, 0, sizeof b);
                stats_out o = out_of(&a);
                inject_replica(shared, rep, &o, NULL);
                inject *fresh = make(s);
                inject_set_observer(fresh, played ? no_op : NULL, NULL);
                o = out_of(&b);
                inject_replica(fresh, rep, &o, NULL);
                inject_destroy(fresh);
                cr_assert_eq(memcmp(&a, &b, sizeof a), 0, "%s replica %llu differs after others",
                             played ? "played" : "folded", (unsigned long long)rep);
            }
        }
        inject_destroy(shared);
        scenario_destroy(s);
    }
}

/* Folded replicas cut anywhere (mid-walk: a step open, a step drawn but not
 * played), snapshot and restored into another injector: the restored run
 * gives the same bits as the one that went on, and what an uncut run gives. */
static void snapshot_folded_case(const char *text, int replicas, int cuts)
{
    scenario *s = load_quiet(text, 17);
    cr_assert_leq(s->ngroups, WG);
    inject *in = make(s), *other = NULL, *snap = NULL;
    cr_assert_eq(inject_snapshot_create(&snap, in, NULL), FD_OK);
    cr_assert_eq(inject_snapshot_create(&other, in, NULL), FD_OK);
    for (uint64_t rep = 0; rep < (uint64_t)replicas; rep++) {
        whole a;
        memset(&a, 0, sizeof a);
        stats_out o = out_of(&a);
        inject_replica(in, rep, &o, NULL);
        whole a0 = a;
        for (int c = 0; c < cuts; c++) {
            whole b, x;
            memset(&b, 0, sizeof b);
            memset(&x, 0, sizeof x);
            double cut = s->horizon * (c + 0.5 + 0.37 * sin((double)(rep * 31 + (uint64_t)c))) / cuts;
            inject_begin(in, rep);
            inject_advance(in, cut, NULL);
            cr_assert_eq(inject_snapshot(snap, in, NULL), FD_OK);
            o = out_of(&b);
            inject_end(in, &o, NULL);
            stats_replica junk[WG];
            inject_replica(other, rep + 1000, &(stats_out){ .rec = junk }, NULL);
            cr_assert_eq(inject_restore(other, snap, NULL), FD_OK);
            o = out_of(&x);
            inject_end(other, &o, NULL);
            cr_assert_eq(memcmp(&b, &x, sizeof b), 0, "replica %llu cut %d: restored run differs",
                         (unsigned long long)rep, c);
            for (size_t g = 0; g < s->ngroups; g++) {
                const stats_replica *p = &a0.rec[g], *q = &b.rec[g];
                near(p->vm_unavailability, q->vm_unavailability, "vm unavailability (cut)", rep);
                near(p->service_unavailability, q->service_unavailability, "service (cut)", rep);
                near(p->deficit_vm_hours, q->deficit_vm_hours, "deficit (cut)", rep);
                cr_assert_eq(p->outages, q->outages, "replica %llu cut %d: outages",
                             (unsigned long long)rep, c);
                cr_assert_eq(p->worst_loss, q->worst_loss);
                for (int k = 0; k <= s->groups[g].count && k < WN; k++)
                    near(a0.dc[g][k], b.dc[g][k], "downcount (cut)", rep);
            }
        }
    }
    inject_destroy(snap);
    inject_destroy(other);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, a_folded_replica_cut_mid_walk_restores_and_runs_on)
{
    /* memory-preserving sizes only, drawn pauses: the tight loop leaves a
     * step drawn but not played at the cut */
    snapshot_folded_case("[simulation]\nhorizon = 20d\n"
                         "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                         "[host]\nenabled = true\ntimeToFailure = exp(mean=20d)\n"
                         "repairTime = uniform(1h, 20h)\n"
                         "[rebootless]\nenabled = true\nperiod = 1d\npause = uniform(10m, 2h)\n"
                         "settle = 10m\npauseTolerance = 0s\n"
                         "[rebootful]\nenabled = true\nperiod = 2d\nreboot = uniform(10m, 1h)\n"
                         "settle = 30m\n"
                         "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 10\n"
                         "[group.avset]\norchestrationMode = AvailabilitySet\n"
                         "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 5\ncount = 10\n"
                         "quorum = 8\n", 20, 40);
    /* fixed durations (whole walks), a size that reboots, Spot Delete */
    snapshot_folded_case("[simulation]\nhorizon = 20d\n"
                         "[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 4\nvmsPerHost = 4\n"
                         "[host]\nenabled = true\ntimeToFailure = exp(mean=20d)\n"
                         "repairTime = uniform(1h, 20h)\n[healing]\nenabled = true\n"
                         "[spot]\nevictionRate = 0.01\nevictionPolicy = Delete\n"
                         "[rebootless]\nenabled = true\nperiod = 1d\npause = fixed(30m)\n"
                         "reboot = fixed(1h)\nsettle = 10m\npauseTolerance = 0s\n"
                         "[rebootful]\nenabled = true\nperiod = 2d\nreboot = fixed(40m)\n"
                         "settle = 30m\n"
                         "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 10\nspotShare = 0.5\n"
                         "[group.nseries]\nzones = 1,2\ncount = 4\nquorum = 3\n"
                         "vmSize = Standard_NC6s_v3\n"
                         "[group.uni]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 9\n"
                         "quorum = 8\n", 20, 40);
}

/* Everything at once, at random: zones failing, bursts, Deallocate and
 * Delete, a pause equal to the tolerance, no settle between racks. */
Test(inject, folded_equals_played_with_everything_at_once)
{
    const char *mix[] = {
        "[spot]\nevictionRate = 0.02\nevictionPolicy = Deallocate\n"
        "[rebootless]\nenabled = true\nperiod = 2d\npause = fixed(5m)\nreboot = fixed(15m)\n"
        "settle = 0s\npauseTolerance = 5m\n"
        "[rebootful]\nenabled = true\nperiod = 3d\nreboot = fixed(20m)\nsettle = 30m\n",
        "[spot]\nevictionRate = 0.02\nevictionPolicy = Delete\n"
        "[rebootless]\nenabled = true\nperiod = 2d\npause = fixed(6m)\nreboot = fixed(15m)\n"
        "settle = 0s\npauseTolerance = 5m\n"
        "[rebootful]\nenabled = true\nperiod = 3d\nreboot = fixed(20m)\nsettle = 30m\n",
        "[spot]\nevictionRate = 0.02\nevictionPolicy = Delete\n"
        "[rebootless]\nenabled = true\nperiod = 1d\npause = uniform(0s, 10m)\n"
        "reboot = uniform(0s, 30m)\nsettle = 0s\npauseTolerance = 5m\n"
        "[rebootful]\nenabled = true\nperiod = 1d\nreboot = uniform(0s, 30m)\nsettle = 30m\n",
    };
    for (int i = 0; i < 3; i++) {
        char text[4096];
        snprintf(text, sizeof text,
                 "%s"
                 "[simulation]\nhorizon = 60d\n"
                 "[region]\nzones = 3\nracksPerZone = 3\nhostsPerRack = 3\nvmsPerHost = 4\n"
                 "[host]\nenabled = true\ntimeToFailure = exp(mean=20d)\n"
                 "repairTime = lognormal(median=5h, sigma=1)\n"
                 "[rack]\nenabled = true\ntimeToFailure = weibull(shape=0.8, scale=40d)\n"
                 "[zone]\nenabled = true\ntimeToFailure = exp(mean=40d)\n"
                 "[burst]\nenabled = true\ninterval = exp(mean=20d)\n"
                 "[healing]\nenabled = true\n"
                 "[repair]\nprovisionTime = uniform(10m, 2h)\n"
                 "[group.flex]\nzones = 1,2,3\ncount = 12\nquorum = 9\nspotShare = 0.5\n"
                 "automaticRepairs = true\n"
                 "[group.regional]\ncount = 6\nquorum = 5\n"
                 "[group.nseries]\nzones = 1,2,3\ncount = 6\nquorum = 4\n"
                 "vmSize = Standard_NC6s_v3\nautomaticRepairs = true\n"
                 "[group.avset]\norchestrationMode = AvailabilitySet\n"
                 "platformFaultDomainCount = 3\nplatformUpdateDomainCount = 4\ncount = 9\n"
                 "quorum = 7\n"
                 "[group.zuni]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 12\n"
                 "quorum = 10\nautomaticRepairs = true\n"
                 "[group.spotuni]\norchestrationMode = Uniform\nplatformFaultDomainCount = 1\n"
                 "count = 8\nquorum = 6\nspotShare = 1\n",
                 mix[i]);
        folded_case(text, 60);
    }
}

/* One group each, so that its rebootful walk folds whole when nothing else
 * happens (several groups' walks start together and overlap each other):
 * Flexible with Spot Delete (its racks change), an Availability Set with
 * VMs not allocated, a zonal Uniform set; with the rebootless walk too. */
Test(inject, folded_equals_played_for_whole_rebootful_walks)
{
    const char *groups[] = {
        "[spot]\nevictionRate = 0.005\nevictionPolicy = Delete\nrestoreTime = exp(mean=12h)\n"
        "[group.flex]\nzones = 1,2,3\ncount = 14\nquorum = 11\nspotShare = 0.5\n"
        "automaticRepairs = true\n",
        "[group.nseries]\nzones = 1,2,3\ncount = 8\nquorum = 6\nvmSize = Standard_NC6s_v3\n"
        "automaticRepairs = true\n",
        "[group.zuni]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 15\nquorum = 12\n",
        "[group.full]\nzones = 1\ncount = 14\nquorum = 1\n"
        "[group.zuni]\norchestrationMode = Uniform\nzones = 1,2,3\nzoneBalance = true\n"
        "count = 15\nquorum = 4\n",
    };
    for (int j = 0; j < 4; j++)
        for (int rl = 0; rl < 2; rl++) {
            char text[4096];
            snprintf(text, sizeof text,
                     "[simulation]\nhorizon = 60d\n"
                     "[region]\nzones = 3\nracksPerZone = 3\nhostsPerRack = 2\nvmsPerHost = 3\n"
                     "[host]\nenabled = true\ntimeToFailure = exp(mean=200d)\n"
                     "repairTime = uniform(1h, 10h)\n[healing]\nenabled = true\n"
                     "[repair]\nprovisionTime = fixed(1h)\n"
                     "%s"
                     "[rebootful]\nenabled = true\nperiod = 2d\nreboot = fixed(30m)\nsettle = 30m\n"
                     "%s",
                     rl ? "[rebootless]\nenabled = true\nperiod = 3d\npause = fixed(10m)\n"
                          "reboot = fixed(20m)\nsettle = 1h\n" : "",
                     groups[j]);
            folded_case(text, 40);
        }
}

/* ------------------------------------------------- splitting support -- */

/* A retrial made from a snapshot (restore, then reseed) has a future of
 * its own: the same key gives the same future, another key or none
 * another one. */
Test(inject, a_retrial_from_a_snapshot_has_a_future_of_its_own)
{
    scenario *s = load_quiet(BUSY, 17);
    inject *in = make(s), *snap = NULL;
    cr_assert_eq(inject_snapshot_create(&snap, in, NULL), FD_OK);
    int differ = 0;
    for (uint64_t rep = 0; rep < 10; rep++) {
        whole a, b, c;
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        memset(&c, 0, sizeof c);
        inject_begin(in, rep);
        inject_advance(in, s->horizon / 3, NULL);
        cr_assert_eq(inject_snapshot(snap, in, NULL), FD_OK);
        stats_out o = out_of(&a);
        inject_end(in, &o, NULL);
        for (int k = 0; k < 2; k++) {
            cr_assert_eq(inject_restore(in, snap, NULL), FD_OK);
            inject_reseed(in, (1ull << 63) | rep);
            o = out_of(k ? &c : &b);
            inject_end(in, &o, NULL);
        }
        cr_assert(memcmp(&b, &c, sizeof b) == 0, "replica %llu: one key, two futures",
                  (unsigned long long)rep);
        differ += memcmp(&a.rec, &b.rec, sizeof a.rec) != 0;
    }
    cr_assert_geq(differ, 9, "a retrial's future is its own (%d of 10 differ)", differ);
    inject_destroy(snap);
    inject_destroy(in);
    scenario_destroy(s);
}

/* A watched advance stops after each change of the watched group's VMs
 * down, in time order, with the clock at the change; with every fold
 * forbidden it sees as many changes as a trace (which plays every step)
 * shows, and the replica's results are those of an unwatched one. */
Test(inject, a_watched_advance_halts_at_every_change_of_the_group)
{
    scenario *s = load_quiet(BUSY, 17);
    inject *in = make(s);
    int cap[2][32];
    for (int d = 0; d < 32; d++)
        cap[0][d] = cap[1][d] = d + 1; /* any step that takes a VM down is played */
    for (uint64_t rep = 0; rep < 5; rep++) {
        /* the trace: rows where group 2's VMs down change */
        trace tr;
        stats_replica plain[4];
        run_traced(in, rep, plain, &tr);
        int changes = 0, last = 0;
        for (int i = 0; i < tr.n; i++) {
            int down = tr.rows[i].down[2];
            changes += down != last;
            last = down;
        }
        inject_set_fold_cap(in, 2, 0, cap[0]);
        inject_set_fold_cap(in, 2, 1, cap[1]);
        inject_watch(in, 2, true);
        inject_begin(in, rep);
        int halts = 0, prev = 0;
        double t = 0;
        inject_halt h;
        while (inject_run(in, s->horizon, &h)) {
            cr_assert(inject_halted(in, 2));
            cr_assert_geq(h.t, t, "halts in time order");
            cr_assert_eq(inject_now(in), h.t, "the clock at the change");
            int d = inject_down(in, 2);
            halts += d != prev; /* walk starts and ends halt too, without a change */
            prev = d;
            t = h.t;
        }
        whole w;
        memset(&w, 0, sizeof w);
        stats_out o = out_of(&w);
        inject_end(in, &o, NULL);
        cr_assert_eq(halts, changes, "replica %llu: %d halts, %d changes in the trace",
                     (unsigned long long)rep, halts, changes);
        for (size_t g = 0; g < s->ngroups; g++) {
            near(w.rec[g].service_unavailability, plain[g].service_unavailability, "service",
                 rep);
            near(w.rec[g].vm_unavailability, plain[g].vm_unavailability, "vm", rep);
        }
        inject_watch(in, 2, false);
        inject_set_fold_cap(in, 2, 0, NULL);
        inject_set_fold_cap(in, 2, 1, NULL);
        free(tr.rows);
    }
    inject_destroy(in);
    scenario_destroy(s);
}

/* Importance sampling for a retrial: the likelihood ratio has mean 1 under
 * the biased law, and weighting by it gives back the natural law's means
 * (of the VMs down some hours later, the pooled hosts and zones and the
 * group's Spot VMs failing faster and the waves drawn towards the window):
 * for group flex (zonal, half Spot) and avset. */
static void lr_case(size_t g)
{
    scenario *s = load_quiet(BUSY, 17);
    inject *in = make(s), *snap = NULL;
    cr_assert_eq(inject_snapshot_create(&snap, in, NULL), FD_OK);
    inject_begin(in, 3);
    inject_advance(in, 4 * 86400.0, NULL);
    cr_assert_eq(inject_snapshot(snap, in, NULL), FD_OK);
    double t0 = inject_now(in), t1 = t0 + 6 * 3600.0;
    enum { N = 20000 };
    double sl = 0, sl2 = 0, sw = 0, sw2 = 0, sn = 0, sn2 = 0;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(inject_restore(in, snap, NULL), FD_OK);
        inject_reseed(in, (1ull << 63) | (uint64_t)i);
        inject_bias_start(in, g, &(inject_bias){ 3 * 3600.0, 3, 0.5 });
        inject_advance(in, t1, NULL);
        double l = inject_bias_lr(in, t1), x = l * inject_down(in, g);
        sl += l, sl2 += l * l, sw += x, sw2 += x * x;
        cr_assert_eq(inject_restore(in, snap, NULL), FD_OK);
        inject_reseed(in, (1ull << 62) | (uint64_t)i);
        inject_advance(in, t1, NULL);
        double y = inject_down(in, g);
        sn += y, sn2 += y * y;
    }
    double ml = sl / N, el = 3 * sqrt((sl2 / N - ml * ml) / N);
    double mw = sw / N, mn = sn / N;
    double e = 3 * sqrt((sw2 / N - mw * mw) / N + (sn2 / N - mn * mn) / N);
    cr_log_info("group %zu: mean L %.4f +- %.4f; down %.4f weighted, %.4f natural", g, ml, el,
                mw, mn);
    cr_assert(fabs(ml - 1) <= el, "mean likelihood ratio %.4f, not 1 (+- %.4f)", ml, el);
    cr_assert(fabs(mw - mn) <= e, "weighted %.4f, natural %.4f (+- %.4f)", mw, mn, e);
    cr_assert_gt(el, 0, "the bias changed something");
    inject_destroy(snap);
    inject_destroy(in);
    scenario_destroy(s);
}

Test(inject, the_likelihood_ratio_has_mean_one_and_gives_back_the_natural_law)
{
    lr_case(0);
    lr_case(2);
}

