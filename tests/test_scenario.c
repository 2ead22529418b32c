/*
 * Tests of the scenario loader: every key reaches the resolved scenario,
 * defaults resolve per mode, the resolved text reads back equal, and each
 * malformed scenario gets its own message at the right line, exit status 2.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "dur.h"
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static scenario *load_ok(const char *text, const char *const *sets, size_t nsets)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    int rc = scenario_load_text(&s, text, strlen(text), "t.ini", ".", sets, nsets, NULL, &d);
    cr_assert_eq(rc, FD_OK, "load failed: %s", d.msg);
    return s;
}

Test(scenario, minimal_group_gets_documented_defaults)
{
    scenario *s = load_ok("[group.db]\ncount = 5\n", NULL, 0);
    cr_assert_float_eq(s->horizon, DUR_YEAR, 1e-9);
    cr_assert_eq(s->replicas, 1000);
    cr_assert_eq(s->seed, 1);
    cr_assert_str_eq(s->region, "eastus");
    cr_assert_eq(s->max_fd, 3, "eastus has 3 FDs in data/regions.csv");
    cr_assert_eq(s->ngroups, 1);
    const scen_group *g = &s->groups[0];
    cr_assert_eq(g->mode, MODE_FLEXIBLE);
    cr_assert_eq(g->fd_count, 1);
    cr_assert_eq(g->ud_count, 0);
    cr_assert_eq(g->quorum, 3, "majority of 5");
    cr_assert(g->memory_preserving);
    cr_assert_float_eq(g->sla_target, 99.95, 1e-12);
    cr_assert_eq(s->host.ttf.kind, DIST_EXP);
    cr_assert_float_eq(s->host.ttf.a, 12.5 * DUR_YEAR, 1e-3);
    scenario_destroy(s);
}

Test(scenario, defaults_resolve_per_mode)
{
    scenario *s = load_ok("[region]\nzones = 3\n"
                          "[group.u]\norchestrationMode = Uniform\ncount = 150\n"
                          "[group.uz]\norchestrationMode = Uniform\nzones = 1,2,3\ncount = 9\n"
                          "[group.a]\norchestrationMode = AvailabilitySet\ncount = 4\n"
                          "[group.n]\nvmSize = Standard_NC24ads_A100_v4\ncount = 4\n",
                          NULL, 0);
    const scen_group *u = scenario_group(s, "u"), *uz = scenario_group(s, "uz");
    const scen_group *a = scenario_group(s, "a"), *n = scenario_group(s, "n");
    cr_assert_eq(u->fd_count, 5);
    cr_assert_eq(u->ud_count, 5);
    cr_assert_not(u->single_placement_group, "150 VMs need several placement groups");
    cr_assert_eq(uz->fd_count, 1);
    cr_assert_eq(uz->zones, 7u);
    cr_assert_float_eq(uz->sla_target, 99.99, 1e-12);
    cr_assert(uz->single_placement_group);
    cr_assert_eq(a->fd_count, 2);
    cr_assert_eq(a->ud_count, 5);
    cr_assert_not(n->memory_preserving, "N series lacks memory-preserving updates");
    scenario_destroy(s);
}

/* Every documented key set to a non-default value reaches the scenario. */
static const char every_key[] =
    "[simulation]\nhorizon = 2y\nreplicas = 77\nseed = 18446744073709551615\nthreads = 3\n"
    "[region]\nname = westeurope\nmaximumPlatformFaultDomainCount = 2\nzones = 3\n"
    "racksPerZone = 7\nhostsPerRack = 5\nvmsPerHost = 4\n"
    "[host]\nenabled = false\ntimeToFailure = weibull(shape=0.7, scale=10y)\n"
    "repairTime = fixed(3h)\n"
    "[rack]\nenabled = false\ntimeToFailure = exp(mean=9y)\noutage = fixed(2h)\n"
    "[zone]\nenabled = false\ntimeToFailure = exp(mean=40y)\noutage = fixed(5h)\n"
    "[burst]\nenabled = true\ninterval = exp(mean=3y)\nhosts = 3\nwindow = 60s\n"
    "[spot]\nevictionRate = 0.25\nevictionPolicy = Delete\nrestoreTime = fixed(2h)\n"
    "[healing]\nenabled = false\ntime = fixed(20m)\n"
    "[repair]\nprovisionTime = fixed(7m)\n"
    "[rebootless]\nenabled = false\nperiod = 20d\npause = fixed(5s)\nreboot = fixed(20m)\n"
    "settle = 10m\npauseTolerance = 10s\n"
    "[rebootful]\nenabled = false\nperiod = 90d\nreboot = fixed(15m)\nsettle = 45m\n"
    "[group.f]\norchestrationMode = Flexible\nplatformFaultDomainCount = 1\nzones = 1,3\n"
    "count = 10\nquorum = 4\nvmSize = Standard_L8s_v3\nmemoryPreservingMaintenance = true\n"
    "spotShare = 0.5\nslaTarget = 99.9\nzoneBalance = true\n"
    "automaticRepairs = true\ngracePeriod = 30m\n"
    "[group.p]\nplatformFaultDomainCount = 2\ncount = 4\nplatformFaultDomain = 1,1,0\n"
    "[group.u]\norchestrationMode = Uniform\nplatformFaultDomainCount = 3\n"
    "platformUpdateDomainCount = 5\ncount = 120\nsinglePlacementGroup = false\n"
    "managedImage = true\n"
    "[group.a]\norchestrationMode = AvailabilitySet\nplatformUpdateDomainCount = 20\ncount = 3\n";

Test(scenario, every_key_reaches_the_scenario)
{
    scenario *s = load_ok(every_key, NULL, 0);
    cr_assert_float_eq(s->horizon, 2 * DUR_YEAR, 1e-6);
    cr_assert_eq(s->replicas, 77);
    cr_assert_eq(s->seed, UINT64_MAX);
    cr_assert_eq(s->threads, 3);
    cr_assert_str_eq(s->region, "westeurope");
    cr_assert_eq(s->max_fd, 2);
    cr_assert_eq(s->zones, 3);
    cr_assert_eq(s->racks_per_zone, 7);
    cr_assert_eq(s->hosts_per_rack, 5);
    cr_assert_eq(s->vms_per_host, 4);
    cr_assert_not(s->host.enabled);
    cr_assert_eq(s->host.ttf.kind, DIST_WEIBULL);
    cr_assert_float_eq(s->host.outage.a, 3 * DUR_HOUR, 1e-9);
    cr_assert_not(s->rack.enabled);
    cr_assert_float_eq(s->rack.ttf.a, 9 * DUR_YEAR, 1e-3);
    cr_assert_float_eq(s->rack.outage.a, 2 * DUR_HOUR, 1e-9);
    cr_assert_not(s->zone.enabled);
    cr_assert_float_eq(s->zone.ttf.a, 40 * DUR_YEAR, 1e-3);
    cr_assert_float_eq(s->zone.outage.a, 5 * DUR_HOUR, 1e-9);
    cr_assert(s->burst_enabled);
    cr_assert_float_eq(s->burst_interval.a, 3 * DUR_YEAR, 1e-3);
    cr_assert_eq(s->burst_hosts, 3);
    cr_assert_float_eq(s->burst_window, 60, 1e-9);
    cr_assert_float_eq(s->spot_rate, 0.25, 1e-12);
    cr_assert_eq(s->spot_policy, EVICT_DELETE);
    cr_assert_float_eq(s->spot_restore.a, 2 * DUR_HOUR, 1e-9);
    cr_assert_not(s->healing_enabled);
    cr_assert_float_eq(s->healing_time.a, 20 * DUR_MINUTE, 1e-9);
    cr_assert_float_eq(s->repair_provision.a, 7 * DUR_MINUTE, 1e-9);
    cr_assert_not(s->rl_enabled);
    cr_assert_float_eq(s->rl_period, 20 * DUR_DAY, 1e-9);
    cr_assert_float_eq(s->rl_pause.a, 5, 1e-9);
    cr_assert_float_eq(s->rl_reboot.a, 20 * DUR_MINUTE, 1e-9);
    cr_assert_float_eq(s->rl_settle, 10 * DUR_MINUTE, 1e-9);
    cr_assert_float_eq(s->rl_tolerance, 10, 1e-9);
    cr_assert_not(s->rf_enabled);
    cr_assert_float_eq(s->rf_period, 90 * DUR_DAY, 1e-9);
    cr_assert_float_eq(s->rf_reboot.a, 15 * DUR_MINUTE, 1e-9);
    cr_assert_float_eq(s->rf_settle, 45 * DUR_MINUTE, 1e-9);

    const scen_group *f = scenario_group(s, "f");
    cr_assert_eq(f->mode, MODE_FLEXIBLE);
    cr_assert_eq(f->zones, 5u);
    cr_assert_eq(f->count, 10);
    cr_assert_eq(f->quorum, 4);
    cr_assert_str_eq(f->vm_size, "Standard_L8s_v3");
    cr_assert(f->memory_preserving, "the explicit key overrides the L family");
    cr_assert_float_eq(f->spot_share, 0.5, 1e-12);
    cr_assert_float_eq(f->sla_target, 99.9, 1e-12);
    cr_assert(f->zone_balance);
    cr_assert(f->automatic_repairs);
    cr_assert_float_eq(f->grace_period, 30 * DUR_MINUTE, 1e-9);
    const scen_group *p = scenario_group(s, "p");
    cr_assert_eq(p->npins, 3);
    cr_assert_eq(p->pins[0], 1);
    cr_assert_eq(p->pins[2], 0);
    const scen_group *u = scenario_group(s, "u");
    cr_assert_eq(u->mode, MODE_UNIFORM);
    cr_assert_eq(u->fd_count, 3);
    cr_assert_eq(u->ud_count, 5);
    cr_assert_not(u->single_placement_group);
    cr_assert(u->managed_image);
    const scen_group *a = scenario_group(s, "a");
    cr_assert_eq(a->ud_count, 20);
    scenario_destroy(s);
}

static char *write_to_string(const scenario *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(scenario_write(s, f), 0);
    fclose(f);
    return buf;
}

Test(scenario, resolved_text_reads_back_equal)
{
    scenario *s = load_ok(every_key, NULL, 0);
    char *first = write_to_string(s);
    scenario *t = load_ok(first, NULL, 0);
    char *second = write_to_string(t);
    /* the first line names the source; the rest must match */
    cr_assert_str_eq(strchr(first, '\n'), strchr(second, '\n'));
    free(first);
    free(second);
    scenario_destroy(s);
    scenario_destroy(t);
}

Test(scenario, default_scenario_loads_and_reads_back)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_default(&s, NULL, 0, NULL, &d), FD_OK, "%s", d.msg);
    cr_assert_geq(s->ngroups, 3);
    bool modes[3] = { false };
    for (size_t g = 0; g < s->ngroups; g++) {
        modes[s->groups[g].mode] = true;
        cr_assert_eq(s->groups[g].count, 5);
        cr_assert_eq(s->groups[g].quorum, 3);
    }
    cr_assert(modes[0] && modes[1] && modes[2], "all three modes side by side");
    cr_assert_eq(s->max_fd, 3);
    char *text = write_to_string(s);
    scenario *t = load_ok(text, NULL, 0);
    free(text);
    scenario_destroy(t);
    scenario_destroy(s);
}

Test(scenario, set_overrides_file_values_in_order)
{
    const char *sets[] = { "group.db.count=9", "simulation.replicas=10",
                           "group.db.count = 7", "region.name=westus2" };
    scenario *s = load_ok("[simulation]\nreplicas = 5\n[group.db]\ncount = 5\n", sets, 4);
    cr_assert_eq(s->replicas, 10);
    cr_assert_eq(s->groups[0].count, 7, "the last --set wins");
    cr_assert_eq(s->groups[0].quorum, 4, "auto quorum follows the new count");
    cr_assert_str_eq(s->region, "westus2");
    scenario_destroy(s);
}

Test(scenario, replicas_go_to_10_15)
{
    scenario *s = load_ok("[simulation]\nreplicas = 1000000000000000\n[group.db]\ncount = 5\n",
                          NULL, 0);
    cr_assert_eq(s->replicas, 1000000000000000L, "past the old limit of 10^7");
    scenario_destroy(s);
}

Test(scenario, auto_keeps_the_resolved_default)
{
    scenario *s = load_ok("[group.u]\norchestrationMode = Uniform\n"
                          "platformFaultDomainCount = auto\ncount = 3\nquorum = auto\n", NULL, 0);
    cr_assert_eq(s->groups[0].fd_count, 5);
    cr_assert_eq(s->groups[0].quorum, 2);
    scenario_destroy(s);
}

Test(scenario, comments_and_blank_lines_are_free)
{
    scenario *s = load_ok("; a comment\n# another\n\n   [group.db]   \n"
                          "   count = 5   ; inline comment\n", NULL, 0);
    cr_assert_eq(s->groups[0].count, 5);
    scenario_destroy(s);
}

Test(scenario, empirical_file_is_relative_to_the_scenario)
{
    char dir[] = "/tmp/fdsim-scen-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[256], csv[256];
    snprintf(csv, sizeof csv, "%s/repairs.csv", dir);
    FILE *f = fopen(csv, "w");
    fputs("minutes\n10m\n20m\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/s.ini", dir);
    f = fopen(path, "w");
    fputs("[host]\nrepairTime = empirical(repairs.csv)\n[group.db]\ncount = 3\n", f);
    fclose(f);
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_file(&s, path, NULL, 0, NULL, &d), FD_OK, "%s", d.msg);
    cr_assert_eq(s->host.outage.kind, DIST_EMPIRICAL);
    cr_assert_eq(s->host.outage.n, 2);
    scenario_destroy(s);
    unlink(csv);
    unlink(path);
    rmdir(dir);
}

/* ------------------------------------------------------------ errors -- */

/* Criterion runs each parameter in a new process of the same (position
 * independent) binary, so a case holds its text inline, not as pointers. */
typedef struct bad_case {
    char text[640];  /* the scenario */
    int line;        /* expected line in the message; 0: no line */
    char want[96];   /* substring of the first message */
} bad_case;

#define G "[group.db]\ncount = 5\n"

static bad_case bad_cases[] = {
    { "[simulaton]\n" G, 1, "did you mean [simulation]" },
    { "[simulation]\nreplica = 5\n" G, 2, "did you mean replicas" },
    { "[simulation]\nhorizon = 1 year\n" G, 2, "simulation.horizon" },
    { "[simulation]\nhorizon = 15\n" G, 2, "unit" },
    { "[simulation]\nreplicas = 0\n" G, 2, "out of range; valid: 1 to" },
    { "[simulation]\nreplicas = 1000000000000001\n" G, 2,
      "out of range; valid: 1 to 1000000000000000" },
    { "[simulation]\nseed = abc\n" G, 2, "not a seed" },
    { "[simulation]\nthreads = -1\n" G, 2, "simulation.threads" },
    { "[group.db]\ncount = -3\n", 2, "out of range" },
    { "[group.db]\ncount = 1e308\n", 2, "not a whole number" },
    { "[group.db]\ncount = 5\nspotShare = nan\n", 3, "not a number" },
    { "[group.db]\ncount = 5\nspotShare = 1.5\n", 3, "valid: 0 to 1" },
    { "[host]\nenabled = maybe\n" G, 2, "write true or false" },
    { "[host]\ntimeToFailure = expo(mean=1y)\n" G, 2, "host.timeToFailure" },
    { "[group.db]\norchestrationMode = Flex\ncount = 5\n", 2, "did you mean Flexible" },
    { "[region]\nzones = 3\n[group.db]\nzones = 1,2,3\nplatformFaultDomainCount = 3\ncount = 6\n",
      5, "max spreading inside each zone" },
    { "[region]\nzones = 3\n[group.db]\norchestrationMode = Uniform\nzones = 1\n"
      "platformFaultDomainCount = 3\ncount = 6\n", 6, "valid: 1 or 5" },
    { "[region]\nzones = 3\n[group.db]\norchestrationMode = AvailabilitySet\nzones = 1\ncount = 6\n",
      5, "do not support availability zones" },
    { "[region]\nname = australiaeast\n[group.db]\norchestrationMode = AvailabilitySet\n"
      "platformFaultDomainCount = 3\ncount = 6\n", 5, "in australiaeast uses 2 fault domains; valid: 2" },
    { "[group.db]\norchestrationMode = AvailabilitySet\nplatformUpdateDomainCount = 21\ncount = 6\n",
      3, "at most 20 update domains" },
    { "[group.db]\ncount = 1001\n", 2, "Flexible scale set holds at most 1000" },
    { "[group.db]\nvmSize = Standard_NC24ads_A100_v4\nplatformFaultDomainCount = 3\ncount = 201\n",
      4, "holds at most 200" },
    { "[group.db]\norchestrationMode = Uniform\ncount = 1001\n", 3, "Uniform scale set holds at most 1000" },
    { "[group.db]\norchestrationMode = Uniform\nmanagedImage = true\nsinglePlacementGroup = false\n"
      "count = 601\n", 5, "holds at most 600 with a managed image (managedImage = true)" },
    { "[group.db]\norchestrationMode = Uniform\ncustomImage = true\ncount = 6\n", 3,
      "group.db.customImage: removed: it set the 600-VM limit, which belongs to managed images" },
    { "[group.db]\ncount = 6\nmanagedImage = true\n", 3,
      "managed-image limit (600 VMs) applies to Uniform" },
    { "[group.db]\norchestrationMode = Uniform\nsinglePlacementGroup = true\ncount = 150\n", 3,
      "single placement group holds at most 100" },
    { "[group.db]\norchestrationMode = AvailabilitySet\ncount = 201\n", 3,
      "Availability Set holds at most 200" },
    { "[group.db]\norchestrationMode = AvailabilitySet\ncount = 4\nspotShare = 0.5\n", 4,
      "regular VMs only" },
    { "[group.db]\norchestrationMode = Uniform\ncount = 4\nspotShare = 0.5\n", 4,
      "all Spot or all regular" },
    { "[group.db]\nvmSize = Standard_NC24ads_A100_v4\nplatformFaultDomainCount = 2\ncount = 4\n"
      "spotShare = 0.5\n", 5, "group.db.spotShare: a Flexible scale set with fixed spreading" },
    { "[group.db]\nplatformFaultDomainCount = 3\nmemoryPreservingMaintenance = false\n"
      "count = 4\nplatformFaultDomain = 0,1\n", 5, "cannot assign a VM to a fault domain; remove" },
    { "[group.db]\ncount = 5\nquorum = 6\n", 3, "larger than count" },
    { "[region]\nracksPerZone = 1\nhostsPerRack = 1\nvmsPerHost = 2\n" G, 2, "world too small" },
    { "[group.db]\nplatformUpdateDomainCount = 5\ncount = 5\n", 2, "no update domains" },
    { "[group.db]\ncount = 5\ncount = 6\n", 3, "set twice in the file (first at line 2)" },
    { G "[group.db]\ncount = 3\n", 3, "defined twice" },
    { "[region]\nname = eastuss\n" G, 2, "did you mean eastus" },
    { "[region]\nname = austriaeast\n" G, 2, "maximumPlatformFaultDomainCount = 2 or 3" },
    { "[group.db]\nquorum = 2\n", 1, "count: missing" },
    { "", 0, "no [group.NAME] section" },
    { "[group.db]\ncount = 5\n\x01\x02\xff", 3, "binary data" },
    { "[group.db]\ncount 5\n", 2, "expected key = value" },
    { "[region\n" G, 1, "malformed section header" },
    { "replicas = 5\n" G, 1, "before any [section]" },
    { "[group.db]\nvmSize = Standard_Q4\ncount = 5\n", 2, "unknown VM size" },
    { "[region]\nname = australiaeast\n[group.db]\nplatformFaultDomainCount = 3\ncount = 5\n",
      4, "allows at most 2 fault domains" },
    { "[group.db]\nzones = 1\ncount = 5\n", 2, "without zones" },
    { "[group.db]\nzones = 4\ncount = 5\n", 2, "is not a zone" },
    { "[group.db]\nautomaticRepairs = true\ngracePeriod = 5m\ncount = 5\n", 3, "group.db.gracePeriod" },
    { "[rebootful]\nsettle = 10m\n" G, 2, "rebootful.settle" },
    { "[group.db]\nplatformFaultDomain = 0,1\ncount = 5\n", 2, "only when platformFaultDomainCount" },
    { "[group.db]\nplatformFaultDomainCount = 3\nplatformFaultDomain = 0,1,9\ncount = 5\n", 3,
      "\"9\" is not a fault domain" },
    { "[group.db]\nplatformFaultDomainCount = 2\nplatformFaultDomain = 0,2\ncount = 5\n", 3,
      "valid: 0 to 1" },
    { "[region]\nzones = 3\n[group.db]\nzones = 1\nzoneBalance = true\ncount = 5\n", 5,
      "2 or more zones" },
    { "[group.db]\norchestrationMode = AvailabilitySet\nautomaticRepairs = true\ncount = 5\n", 3,
      "scale-set feature" },
    { "[region]\nhostsPerRack = 4\n[burst]\nenabled = true\nhosts = 5\n" G, 5, "racks hold 4 hosts" },
    { "[region]\nracksPerZone = 2\n[group.db]\norchestrationMode = AvailabilitySet\n"
      "platformFaultDomainCount = 3\ncount = 5\n", 5, "need 3 racks" },
    /* a regional group in a region with zones lives in one zone's racks */
    { "[region]\nzones = 3\nracksPerZone = 2\n[group.db]\nplatformFaultDomainCount = 3\n"
      "count = 5\n", 5, "need 3 racks but the zone has 2" },
    { "[group.db]\norchestrationMode = Flexible\nsinglePlacementGroup = false\ncount = 5\n", 3,
      "belong to Uniform" },
    { "[group.db]\ncount = 5\nverylongkey = "
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 3, "line too long" },
    { "[group.web]\nCount = 5\n", 2, "did you mean count" },
    { "[group.bad name]\ncount = 5\n", 1, "not a valid group name" },
    { "[region]\nvmsPerHost = 0\n" G, 2, "region.vmsPerHost: 0 is out of range" },
    { "[group.db]\ncount = 5\nslaTarget = 100\n", 3, "group.db.slaTarget" },
};

ParameterizedTestParameters(scenario, malformed_is_rejected_with_line_and_reason)
{
    return cr_make_param_array(bad_case, bad_cases, sizeof bad_cases / sizeof bad_cases[0]);
}

ParameterizedTest(bad_case *c, scenario, malformed_is_rejected_with_line_and_reason)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    int rc = scenario_load_text(&s, c->text, strlen(c->text), "t.ini", ".", NULL, 0, NULL, &d);
    cr_assert_eq(rc, FD_EINVAL, "accepted: %s", c->text);
    cr_assert_null(s);
    cr_assert_eq(diag_exit_status(rc), FD_EXIT_INPUT);
    char prefix[32];
    if (c->line)
        snprintf(prefix, sizeof prefix, "t.ini:%d: ", c->line);
    else
        snprintf(prefix, sizeof prefix, "t.ini: ");
    cr_assert(strncmp(d.msg, prefix, strlen(prefix)) == 0,
              "want prefix \"%s\", got \"%s\"", prefix, d.msg);
    cr_assert(strstr(d.msg, c->want), "want \"%s\" in \"%s\"", c->want, d.msg);
}

/* Seed 002: Flexible with fixed spreading (FD count > 1) on a size without
 * memory-preserving updates can neither mix Spot and regular VMs nor assign
 * a VM to a fault domain; either alone (max spreading, or a memory-preserving
 * size) lifts both rules, and an all-Spot or all-regular set is no mix. */
static bool loads(const char *group)
{
    char text[512];
    snprintf(text, sizeof text, "[group.g]\ncount = 6\n%s", group);
    scenario *s = NULL;
    int rc = scenario_load_text(&s, text, strlen(text), "t.ini", ".", NULL, 0, NULL, NULL);
    scenario_destroy(s);
    return rc == FD_OK;
}

Test(scenario, flexible_fixed_spreading_without_memory_preserving_refuses_spot_mix_and_pins)
{
    const char *n3 = "vmSize = Standard_NC24ads_A100_v4\nplatformFaultDomainCount = 3\n";
    char buf[256];
    snprintf(buf, sizeof buf, "%sspotShare = 0.5\n", n3);
    cr_assert_not(loads(buf), "a Spot mix");
    snprintf(buf, sizeof buf, "%splatformFaultDomain = 0,1,2\n", n3);
    cr_assert_not(loads(buf), "fault-domain pins");
    snprintf(buf, sizeof buf, "%sspotShare = 1\n", n3);
    cr_assert(loads(buf), "all Spot is no mix");
    snprintf(buf, sizeof buf, "%sspotShare = 0\n", n3);
    cr_assert(loads(buf));
    cr_assert(loads("vmSize = Standard_NC24ads_A100_v4\nspotShare = 0.5\n"),
              "max spreading may mix");
    cr_assert(loads("platformFaultDomainCount = 3\nspotShare = 0.5\n"
                    "platformFaultDomain = 0,1,2\n"), "a memory-preserving size may both");
    snprintf(buf, sizeof buf, "%smemoryPreservingMaintenance = true\nspotShare = 0.5\n"
             "platformFaultDomain = 2\n", n3);
    cr_assert(loads(buf), "the explicit key decides, not the family");
}

/* The messages `text` loads with, as one string (caller frees). */
static char *load_messages(const char *text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *errs = open_memstream(&buf, &len);
    cr_assert_not_null(errs);
    scenario *s = NULL;
    cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", NULL, 0, errs, NULL),
                 FD_EINVAL, "accepted: %s", text);
    fclose(errs);
    return buf;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A bad platformFaultDomainCount gets one message that names exactly the
 * counts both the mode and the world's racks allow. */
Test(scenario, fault_domain_count_error_is_one_message_with_the_exact_valid_counts)
{
    static const struct {
        int racks, fd;
        const char *want;
    } cases[] = {
        { 20, 3, "t.ini:6: group.u.platformFaultDomainCount: a zonal Uniform scale set uses "
                 "1 or 5 fault domains; valid: 1 or 5\n" },
        { 4, 3, "t.ini:6: group.u.platformFaultDomainCount: a zonal Uniform scale set uses "
                "1 or 5 fault domains; valid: 1\n" },
        { 3, 4, "t.ini:6: group.u.platformFaultDomainCount: a zonal Uniform scale set uses "
                "1 or 5 fault domains; valid: 1\n" },
        { 4, 5, "t.ini:6: group.u.platformFaultDomainCount: 5 fault domains need 5 racks but "
                "the zone has 4 (region.racksPerZone); valid: 1\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[region]\nzones = 3\nracksPerZone = %d\n[group.u]\n"
                 "orchestrationMode = Uniform\nplatformFaultDomainCount = %d\nzones = 1,2,3\n"
                 "count = 10\n", cases[i].racks, cases[i].fd);
        char *msgs = load_messages(text);
        cr_assert_eq(count_lines(msgs), 1, "racks %d, F %d: %s", cases[i].racks, cases[i].fd,
                     msgs);
        cr_assert_str_eq(msgs, cases[i].want);
        free(msgs);
    }
    char *msgs = load_messages("[region]\nracksPerZone = 1\n[group.a]\n"
                               "orchestrationMode = AvailabilitySet\ncount = 3\n");
    cr_assert_eq(count_lines(msgs), 1, "%s", msgs);
    cr_assert(strstr(msgs, "no count fits this world (the mode allows 2 to 3): add racks"),
              "%s", msgs);
    free(msgs);
}

Test(scenario, all_problems_are_listed)
{
    const char *text = "[simulation]\nreplicas = 0\nseed = x\n[group.db]\ncount = 5\n";
    char *buf = NULL;
    size_t len = 0;
    FILE *errs = open_memstream(&buf, &len);
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", NULL, 0, errs, &d),
                 FD_EINVAL);
    fclose(errs);
    cr_assert(strstr(buf, "t.ini:2: simulation.replicas"));
    cr_assert(strstr(buf, "t.ini:3: simulation.seed"));
    free(buf);
}

Test(scenario, bad_set_names_the_override)
{
    const char *sets[][1] = { { "group.web.count=3" }, { "simulation.replicas" },
                              { "group.db.count=abc" }, { "simulaton.seed=3" },
                              { "group.db.quorum=9" } };
    const char *want[] = { "--set group.web.count=3: no group named \"web\"",
                           "--set simulation.replicas: expected section.key=value",
                           "--set group.db.count=abc: group.db.count: \"abc\" is not a whole",
                           "did you mean [simulation]",
                           "--set group.db.quorum=9: group.db.quorum: 9 is larger than count" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        scenario *s = NULL;
        diag d;
        diag_clear(&d);
        const char *text = "[group.db]\ncount = 5\n";
        cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", sets[i], 1,
                                        NULL, &d), FD_EINVAL);
        cr_assert(strstr(d.msg, want[i]), "want \"%s\" in \"%s\"", want[i], d.msg);
    }
}

Test(scenario, huge_file_is_refused)
{
    size_t n = (2u << 20);
    char *text = malloc(n);
    memset(text, ';', n);
    for (size_t i = 99; i < n; i += 100)
        text[i] = '\n';
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, text, n, "t.ini", ".", NULL, 0, NULL, &d), FD_EINVAL);
    cr_assert(strstr(d.msg, "file too large"), "%s", d.msg);
    free(text);
}

/* A file that cannot be opened is FD_EIO, with the reason in `d` only: the
 * caller prints it with its own prefix (nothing goes to errs). */
Test(scenario, missing_file_is_left_to_the_caller_to_report)
{
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    char *buf = NULL;
    size_t len = 0;
    FILE *errs = open_memstream(&buf, &len);
    int rc = scenario_load_file(&s, "/nonexistent/x.ini", NULL, 0, errs, &d);
    fclose(errs);
    cr_assert_eq(rc, FD_EIO);
    cr_assert_null(s);
    cr_assert_str_eq(d.msg, "cannot open /nonexistent/x.ini: No such file or directory");
    cr_assert_str_eq(buf, "");
    free(buf);
}

Test(scenario, every_file_in_scenarios_is_valid)
{
    FILE *ls = popen("ls scenarios/*.ini", "r");
    cr_assert_not_null(ls);
    char path[512];
    int n = 0;
    while (fgets(path, sizeof path, ls)) {
        path[strcspn(path, "\n")] = '\0';
        scenario *s = NULL;
        diag d;
        diag_clear(&d);
        cr_assert_eq(scenario_load_file(&s, path, NULL, 0, NULL, &d), FD_OK,
                     "%s: %s", path, d.msg);
        scenario_destroy(s);
        n++;
    }
    pclose(ls);
    cr_assert_geq(n, 1);
}


/* slaTarget auto: the figure seed 002's SLA row publishes for the group,
 * NAN where none applies; an explicit value is always kept; run.ini
 * writes auto back, which resolves the same way. */
Test(scenario, sla_target_defaults_only_where_azure_publishes_one)
{
    scenario *s = load_ok("[region]\nzones = 3\n"
                          "[group.fmax]\ncount = 5\n"
                          "[group.ffd3]\nplatformFaultDomainCount = 3\ncount = 5\n"
                          "[group.fzone1]\nzones = 2\ncount = 5\n"
                          "[group.fzones]\nzones = 1,2\ncount = 5\n"
                          "[group.one]\ncount = 1\n"
                          "[group.u5]\norchestrationMode = Uniform\ncount = 50\n"
                          "[group.u1]\norchestrationMode = Uniform\n"
                          "platformFaultDomainCount = 1\ncount = 50\n"
                          "[group.upgs]\norchestrationMode = Uniform\ncount = 150\n"
                          "[group.uzone1]\norchestrationMode = Uniform\nzones = 1\ncount = 9\n"
                          "[group.uzones]\norchestrationMode = Uniform\nzones = 1,2,3\n"
                          "count = 9\n"
                          "[group.av]\norchestrationMode = AvailabilitySet\ncount = 4\n"
                          "[group.set]\norchestrationMode = Uniform\nzones = 1\ncount = 9\n"
                          "slaTarget = 99.9\n",
                          NULL, 0);
    static const struct { const char *g; double sla; } want[] = {
        { "fmax", 99.95 },  { "ffd3", 99.95 }, { "fzone1", 99.95 }, { "fzones", 99.99 },
        { "one", NAN },     { "u5", 99.95 },   { "u1", NAN },       { "upgs", NAN },
        { "uzone1", NAN },  { "uzones", 99.99 }, { "av", 99.95 },   { "set", 99.9 },
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        double got = scenario_group(s, want[i].g)->sla_target;
        if (isnan(want[i].sla))
            cr_expect(isnan(got), "%s: no published SLA, got %g", want[i].g, got);
        else
            cr_expect_float_eq(got, want[i].sla, 1e-12, "%s", want[i].g);
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(scenario_write(s, f), 0);
    fclose(f);
    cr_assert_null(strstr(buf, "= nan"), "no NAN in the written scenario");
    scenario *back = load_ok(buf, NULL, 0);
    cr_assert(isnan(scenario_group(back, "u1")->sla_target));
    cr_assert_float_eq(scenario_group(back, "set")->sla_target, 99.9, 1e-12);
    free(buf);
    scenario_destroy(back);
    scenario_destroy(s);
}
