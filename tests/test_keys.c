/*
 * Every scenario key changes what is simulated: for each key, a run with
 * the key changed differs from the base run (the event trace or the
 * results), or, for the keys that are platform limits, what is accepted.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "csvio.h"
#include "inject.h"

#include <stdlib.h>
#include <string.h>

/* A busy world where every mechanism fires within two replicas. */
static const char base[] =
    "[simulation]\nhorizon = 1y\nseed = 5\n"
    "[region]\nzones = 2\nracksPerZone = 6\nhostsPerRack = 4\nvmsPerHost = 6\n"
    "[host]\ntimeToFailure = exp(mean=3y)\nrepairTime = lognormal(median=8h, sigma=1)\n"
    "[rack]\ntimeToFailure = exp(mean=2y)\noutage = uniform(1h, 6h)\n"
    "[zone]\ntimeToFailure = exp(mean=1y)\noutage = uniform(2h, 8h)\n"
    "[burst]\nenabled = true\ninterval = exp(mean=1y)\nhosts = 2\nwindow = 120s\n"
    "[spot]\nevictionRate = 0.002\nevictionPolicy = Deallocate\nrestoreTime = exp(mean=1h)\n"
    "[healing]\ntime = fixed(15m)\n"
    "[repair]\nprovisionTime = fixed(10m)\n"
    "[rebootless]\nperiod = 30d\npause = uniform(2s, 10s)\nreboot = fixed(25m)\n"
    "settle = 30m\npauseTolerance = 5s\n"
    "[rebootful]\nperiod = 90d\nreboot = fixed(25m)\nsettle = 30m\n"
    "[group.flex]\nzones = 1,2\ncount = 8\nquorum = 6\nspotShare = 0.5\n"
    "automaticRepairs = true\ngracePeriod = 10m\nslaTarget = 99.99\n"
    "[group.fixed]\nplatformFaultDomainCount = 2\ncount = 6\n"
    "vmSize = Standard_L8s_v3\n"
    "[group.pinned]\nplatformFaultDomainCount = 2\ncount = 4\nplatformFaultDomain = 1,1\n"
    "[group.avset]\norchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 2\n"
    "platformUpdateDomainCount = 5\ncount = 10\n"
    "[group.uni]\norchestrationMode = Uniform\nplatformFaultDomainCount = 2\ncount = 12\n";

typedef struct change {
    char set[96]; /* section.key=value */
} change;

static change changes[] = {
    { "simulation.horizon=300d" },
    { "simulation.seed=6" },
    { "simulation.placement=perReplica" },
    { "region.zones=3" },
    { "region.racksPerZone=7" },
    { "region.hostsPerRack=5" },
    { "region.vmsPerHost=1" },
    { "host.enabled=false" },
    { "host.timeToFailure=exp(mean=2y)" },
    { "host.repairTime=fixed(1h)" },
    { "rack.enabled=false" },
    { "rack.timeToFailure=exp(mean=1y)" },
    { "rack.outage=fixed(1h)" },
    { "zone.enabled=false" },
    { "zone.timeToFailure=exp(mean=2y)" },
    { "zone.outage=fixed(1h)" },
    { "burst.enabled=false" },
    { "burst.interval=exp(mean=2y)" },
    { "burst.hosts=3" },
    { "burst.window=1h" },
    { "spot.evictionRate=0.004" },
    { "spot.evictionPolicy=Delete" },
    { "spot.restoreTime=fixed(3h)" },
    { "healing.enabled=false" },
    { "healing.time=fixed(5m)" },
    { "repair.provisionTime=fixed(20m)" },
    { "rebootless.enabled=false" },
    { "rebootless.period=20d" },
    { "rebootless.pause=fixed(8s)" },
    { "rebootless.reboot=fixed(5m)" },
    { "rebootless.settle=1h" },
    { "rebootless.pauseTolerance=0s" },
    { "rebootful.enabled=false" },
    { "rebootful.period=60d" },
    { "rebootful.reboot=fixed(10m)" },
    { "rebootful.settle=1h" },
    { "group.uni.orchestrationMode=Flexible" },
    { "group.fixed.platformFaultDomainCount=3" },
    { "group.avset.platformUpdateDomainCount=3" },
    { "group.flex.zones=1" },
    { "group.avset.count=9" },
    { "group.flex.quorum=7" },
    { "group.fixed.vmSize=Standard_D8s_v5" },
    { "group.fixed.memoryPreservingMaintenance=true" },
    { "group.flex.spotShare=0.25" },
    { "group.avset.slaTarget=50" },
    { "group.pinned.platformFaultDomain=0,0,0,0" },
    { "group.flex.automaticRepairs=false" },
    { "group.flex.gracePeriod=30m" },
    { "group.uni.count=101" },
};

/* The trace and the results of replicas 0 and 1, as one string. */
static char *fingerprint(const char *set)
{
    const char *sets[1] = { set };
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, base, strlen(base), "base.ini", ".", sets, set ? 1 : 0,
                                    NULL, &d), FD_OK, "%s", d.msg);
    inject *in = NULL;
    cr_assert_eq(inject_create(&in, s, &d), FD_OK, "%s", d.msg);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    csvio_writer *w = csvio_writer_stream(f);
    stats_replica out[2][5];
    for (uint64_t r = 0; r < 2; r++)
        inject_replica(in, r, &(stats_out){ .rec = out[r] }, w);
    csvio_writer_commit(w, NULL);
    csvio_writer_destroy(w);
    /* the results, as text, after the trace */
    for (uint64_t r = 0; r < 2; r++)
        for (size_t g = 0; g < s->ngroups; g++) {
            const stats_replica *x = &out[r][g];
            fprintf(f, "%a %a %a %a %a %a %a %a %a %a\n", x->vm_availability,
                    x->service_availability, x->downtime_min_per_year, x->outages,
                    x->outage_mean_min, x->worst_loss, x->deficit_vm_hours, x->months_met,
                    x->months, x->alloc_failures);
        }
    fclose(f);
    inject_destroy(in);
    scenario_destroy(s);
    return buf;
}

ParameterizedTestParameters(keys, each_key_changes_the_simulation)
{
    return cr_make_param_array(change, changes, sizeof changes / sizeof changes[0]);
}

ParameterizedTest(change *c, keys, each_key_changes_the_simulation)
{
    char *a = fingerprint(NULL), *b = fingerprint(c->set);
    cr_assert(strcmp(a, b) != 0, "--set %s changed nothing", c->set);
    free(a);
    free(b);
}

Test(keys, the_base_run_is_reproducible)
{
    char *a = fingerprint(NULL), *b = fingerprint(NULL);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
}

/* Keys that are platform limits change what is accepted. */
static int accepts(const char *text, const char *set)
{
    const char *sets[1] = { set };
    scenario *s = NULL;
    int rc = scenario_load_text(&s, text, strlen(text), "t.ini", ".", sets, set ? 1 : 0,
                                NULL, NULL);
    scenario_destroy(s);
    return rc == FD_OK;
}

Test(keys, limits_change_what_is_accepted)
{
    const char *avset3 = "[group.a]\norchestrationMode = AvailabilitySet\n"
                         "platformFaultDomainCount = 3\ncount = 6\n";
    cr_assert(accepts(avset3, NULL));
    cr_assert_not(accepts(avset3, "region.name=australiaeast"), "a 2-FD region");
    cr_assert_not(accepts(avset3, "region.maximumPlatformFaultDomainCount=2"));
    const char *uni700 = "[region]\nracksPerZone = 100\n[group.u]\norchestrationMode = Uniform\n"
                         "singlePlacementGroup = false\ncount = 700\n";
    cr_assert(accepts(uni700, NULL));
    cr_assert_not(accepts(uni700, "group.u.managedImage=true"), "600 with a managed image");
    cr_assert(accepts(uni700, "group.u.managedImage=false"), "1000 with other images");
    cr_assert_not(accepts(uni700, "group.u.customImage=false"), "the removed key");
    const char *spg = "[region]\nracksPerZone = 10\n[group.u]\norchestrationMode = Uniform\n"
                      "count = 150\n";
    cr_assert(accepts(spg, NULL));
    cr_assert_not(accepts(spg, "group.u.singlePlacementGroup=true"), "at most 100 in one");
    cr_assert(accepts(avset3, "simulation.replicas=5"));
    cr_assert(accepts(avset3, "simulation.threads=2"));
}

/* zoneBalance: zone 1 has one free slot; best effort puts the rest in
 * zone 2, strict balance refuses the VM that would unbalance the zones. */
Test(keys, zone_balance_changes_placement)
{
    const char *text = "[region]\nzones = 2\nracksPerZone = 1\nhostsPerRack = 1\nvmsPerHost = 4\n"
                       "[group.a]\nzones = 1\ncount = 3\n"
                       "[group.z]\nzones = 1,2\ncount = 4\n";
    int failures[2];
    for (int strict = 0; strict < 2; strict++) {
        const char *sets[1] = { strict ? "group.z.zoneBalance=true" : "group.z.zoneBalance=false" };
        scenario *s = NULL;
        cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", sets, 1, NULL, NULL),
                     FD_OK);
        inject *in = NULL;
        cr_assert_eq(inject_create(&in, s, NULL), FD_OK);
        failures[strict] = inject_alloc_failures(in, 1);
        inject_destroy(in);
        scenario_destroy(s);
    }
    cr_assert_eq(failures[0], 0);
    cr_assert_eq(failures[1], 1);
}
