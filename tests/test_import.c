/* Tests of import, armexpr and jsonloc: a table of deployments (templates
 * shaped like Microsoft's quickstart templates, parameters files, az
 * output) and the scenario each must give, group by group; malformed and
 * unsupported inputs and the messages they must give (file, line, column,
 * what is valid); ARM expressions; key positions. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "armexpr.h"
#include "import.h"
#include "jsonloc.h"
#include "place.h"
#include "scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIR "tests/import/"

/* What one group of the imported scenario must be. */
typedef struct want_group {
    const char *name;
    scen_mode mode;
    int fd, ud;        /* as resolved by the loader */
    unsigned zones;
    int count;
    const char *size;
    double spot;
    bool repairs;
    double grace_s;    /* with repairs */
    bool spg;          /* Uniform */
    bool managed_image;
} want_group;

/* One case: the files and -p values, and what must come out. */
typedef struct icase {
    const char *what;
    const char *files[4];
    const char *params[4];
    const char *location;
    int rc;                      /* FD_OK or FD_EINVAL */
    const char *region;          /* FD_OK: region.name */
    int zones;                   /* region.zones */
    want_group groups[3];        /* FD_OK: every group, in order */
    const char *has[6];          /* substrings the text (FD_OK) or the errors must hold */
} icase;

static const icase cases[] = {
    {
        "Flexible quickstart: nested deployments, inner scope, parameters by default",
        { DIR "vmss-flex-quickstart.json" }, { NULL }, NULL, FD_OK, "eastus", 0,
        { { "vmss-quickstart", MODE_FLEXIBLE, 1, 0, 0, 3, "Standard_B1s", 0, false, 0, false,
            false } },
        { "from " DIR "vmss-flex-quickstart.json:89:15: deployment 'vmss-bicep': resource "
          "'vmss-quickstart'",
          "properties.virtualMachineProfile.osProfile",
          "properties.virtualMachineProfile.storageProfile.osDisk",
          "the location is known only when Azure deploys (resourceGroup().location)",
          "Microsoft.Network/virtualNetworks", "instanceCount=3 (default)" },
    },
    {
        "Flexible quickstart with parameters: 3 zones, 12 VMs, a known location",
        { DIR "vmss-flex-quickstart.json" },
        { "instanceCount=12", "zones=[\"1\",\"2\",\"3\"]", "location=swedencentral",
          "sku=Standard_D4s_v5" },
        NULL, FD_OK, "swedencentral", 3,
        { { "vmss-quickstart", MODE_FLEXIBLE, 1, 0, 7, 12, "Standard_D4s_v5", 0, false, 0, false,
            false } },
        { "instanceCount=12 (-p)", "zones = 1,2,3" },
    },
    {
        "availability set with a copy loop of VMs, location \"West US 2\"",
        { DIR "vm-availability-set.json" }, { NULL }, NULL, FD_OK, "westus2", 0,
        { { "AvSet", MODE_AVAILABILITYSET, 2, 5, 0, 2, "Standard_D2s_v3", 0, false, 0, false,
            false } },
        { "count = 2 ; the VMs that reference it", "not modelled, VM 'myVM0' and its copies",
          "properties.osProfile", "Microsoft.Network/networkInterfaces 'nic1'" },
    },
    {
        "availability set with its parameters file (a Key Vault reference left alone)",
        { DIR "vm-availability-set.json", DIR "vm-availability-set.parameters.json" }, { NULL },
        NULL, FD_OK, "westus2", 0,
        { { "AvSet", MODE_AVAILABILITYSET, 2, 5, 0, 4, "Standard_D2s_v3", 0, false, 0, false,
            false } },
        { "numberOfInstances=4 (" DIR "vm-availability-set.parameters.json)",
          "adminPassword of " DIR "vm-availability-set.parameters.json is a Key Vault "
          "reference" },
    },
    {
        "-p wins over a parameters file given before it",
        { DIR "vm-availability-set.json" },
        { "@" DIR "vm-availability-set.parameters.json", "numberOfInstances=5" }, NULL, FD_OK,
        "westus2", 0,
        { { "AvSet", MODE_AVAILABILITYSET, 2, 5, 0, 5, "Standard_D2s_v3", 0, false, 0, false,
            false } },
        { "numberOfInstances=5 (-p)" },
    },
    {
        "zone-redundant Uniform: repairs, a managed image, rolling upgrades, a health probe",
        { DIR "vmss-uniform-zones.json" }, { NULL }, NULL, FD_OK, "eastus2", 3,
        { { "web", MODE_UNIFORM, 1, 5, 7, 6, "Standard_D4s_v5", 0, true, 1800, false, true } },
        { "not modelled: properties.upgradePolicy: OS image and extension upgrades",
          "not modelled: properties.virtualMachineProfile.extensionProfile",
          "not modelled: properties.overprovision", "zoneBalance = true" },
    },
    {
        "Uniform all Spot with Delete (a bool parameter through if())",
        { DIR "vmss-uniform-zones.json" }, { "useSpot=true" }, NULL, FD_OK, "eastus2", 3,
        { { "web", MODE_UNIFORM, 1, 5, 7, 6, "Standard_D4s_v5", 1, true, 1800, false, true } },
        { "[spot]", "evictionPolicy = Delete" },
    },
    {
        "languageVersion 2.0 (symbolic names): a Spot mix, a condition false",
        { DIR "vmss-flex-spot-mix.json" }, { NULL }, NULL, FD_OK, "westeurope", 0,
        { { "batch", MODE_FLEXIBLE, 1, 0, 0, 10, "Standard_F8s_v2", 0.4, false, 0, false,
            false } },
        { "spotShare = 0.4 ; priorityMixPolicy", "'never' (condition false: not deployed)",
          "not modelled: properties.virtualMachineProfile.billingProfile",
          "evictionPolicy = Deallocate" },
    },
    {
        "az vmss show, az vm availability-set show and az vm show together",
        { DIR "az-vmss-show.json", DIR "az-avset-show.json", DIR "az-vm-show.json" }, { NULL },
        NULL, FD_OK, "eastus2", 3,
        { { "api", MODE_FLEXIBLE, 1, 0, 7, 9, "Standard_D2s_v5", 0, true, 600, false, false },
          { "dbset", MODE_AVAILABILITYSET, 3, 5, 0, 3, "Standard_E8s_v5", 0, false, 0, false,
            false } },
        { "repairAction: fdsim's repairs replace the VM (Replace); Restart is modelled as Replace",
          "count = 3 ; the set's VMs", "not modelled: upgradePolicy", "tags" },
    },
    {
        "a size of no known family keeps the default, said so; a dedicated host named",
        { DIR "unknown-size.json" }, { NULL }, NULL, FD_OK, "eastus", 0,
        { { "odd", MODE_FLEXIBLE, 1, 0, 0, 4, "Standard_D2s_v5", 0, false, 0, false, false } },
        { "vmSize Standard_Q9zz: no family of data/skus.csv matches it",
          "not modelled: hostGroup: dedicated hosts are not modelled" },
    },
    {
        "--location for a location known only at deployment",
        { DIR "vmss-flex-quickstart.json" }, { NULL }, "North Europe", FD_OK, "northeurope", 0,
        { { "vmss-quickstart", MODE_FLEXIBLE, 1, 0, 0, 3, "Standard_B1s", 0, false, 0, false,
            false } },
        { "[region]\nname = northeurope" },
    },
    { "malformed JSON: line and column", { DIR "malformed.json" }, { NULL }, NULL, FD_EINVAL,
      NULL, 0, { { NULL } },
      { DIR "malformed.json:4:13: invalid JSON: '}' expected near '\"resources\"'" } },
    { "a template with no scale set or availability set", { DIR "network-only.json" },
      { NULL }, NULL, FD_EINVAL, NULL, 0, { { NULL } },
      { "no virtual machine scale set or availability set in " DIR "network-only.json" } },
    { "JSON that is not Azure's", { DIR "not-azure.json" }, { NULL }, NULL, FD_EINVAL, NULL, 0,
      { { NULL } }, { DIR "not-azure.json:1:1: neither an ARM template" } },
    { "a needed parameter with no value: the key's line and column",
      { DIR "needs-parameter.json" }, { NULL }, NULL, FD_EINVAL, NULL, 0, { { NULL } },
      { DIR "needs-parameter.json:12:16: resource 'etcd' "
        "(Microsoft.Compute/virtualMachineScaleSets): sku.capacity: parameter 'nodes' has no "
        "value and no defaultValue: give it with -p nodes=VALUE or a parameters file" } },
    { "a -p value of the wrong type", { DIR "needs-parameter.json" }, { "nodes=three" }, NULL,
      FD_EINVAL, NULL, 0, { { NULL } },
      { "-p nodes=three: parameter 'nodes' is an int; 'three' is not a whole number" } },
    { "a -p name no template declares", { DIR "needs-parameter.json" }, { "node=3" }, NULL,
      FD_EINVAL, NULL, 0, { { NULL } },
      { "-p node: no template among the files declares a parameter 'node'; they declare: "
        "nodes" } },
    { "a value known only at deployment", { DIR "deploy-time-capacity.json" }, { NULL }, NULL,
      FD_EINVAL, NULL, 0, { { NULL } },
      { DIR "deploy-time-capacity.json:10:43: resource 'late' "
        "(Microsoft.Compute/virtualMachineScaleSets): sku.capacity: reference() is known only "
        "when Azure deploys the template" } },
    { "a deployment the platform rules reject, named by its resource",
      { DIR "uniform-too-big.json" }, { NULL }, NULL, FD_EINVAL, NULL, 0, { { NULL } },
      { DIR "uniform-too-big.json:6:7: resource 'huge' "
        "(Microsoft.Compute/virtualMachineScaleSets): group.huge.count: 1200 VMs; a Uniform "
        "scale set holds at most 1000" } },
    { "two regions in one scenario", { DIR "az-vmss-show.json", DIR "other-region.json" },
      { NULL }, NULL, FD_EINVAL, NULL, 0, { { NULL } },
      { DIR "other-region.json:6:7: resource 'west' (Microsoft.Compute/availabilitySets): in "
        "westus, but api is in eastus2: a scenario models one region" } },
};

static size_t count_of(const char *const *v, size_t max)
{
    size_t n = 0;
    while (n < max && v[n])
        n++;
    return n;
}

/* Run one case: the text or the errors. */
static int run_case(const icase *k, char **text, char **errs)
{
    import_spec spec = {
        .files = k->files, .nfiles = count_of(k->files, 4),
        .params = k->params, .nparams = count_of(k->params, 4), .location = k->location,
    };
    size_t len, elen;
    FILE *e = open_memstream(errs, &elen);
    diag d;
    diag_clear(&d);
    int rc = import_scenario(&spec, text, &len, e, &d);
    fclose(e);
    if (rc == FD_OK)
        cr_expect_eq(strlen(*text), len);
    else
        cr_expect_not_null(strstr(*errs, d.msg), "the first problem is in d");
    return rc;
}

Test(import, every_case_of_the_table)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const icase *k = &cases[i];
        char *text = NULL, *errs = NULL;
        int rc = run_case(k, &text, &errs);
        cr_expect_eq(rc, k->rc, "%s: rc %d, errors:\n%s", k->what, rc, errs);
        /* comments wrap: look in the text with each "\n; " a blank */
        char *flat = strdup(rc == FD_OK ? text : errs ? errs : "");
        for (char *p = flat; (p = strstr(p, "\n; ")) != NULL;)
            memmove(p, p + 2, strlen(p + 2) + 1), *p = ' ';
        const char *where = flat;
        for (size_t h = 0; h < 6 && k->has[h]; h++)
            cr_expect_not_null(strstr(where ? where : "", k->has[h]), "%s: no \"%s\" in:\n%s",
                               k->what, k->has[h], where);
        free(flat);
        if (rc != FD_OK || k->rc != FD_OK) {
            cr_expect_null(text, "%s: nothing is returned on bad input", k->what);
            free(text);
            free(errs);
            continue;
        }
        scenario *s = NULL;
        diag d;
        diag_clear(&d);
        cr_assert_eq(scenario_load_text(&s, text, strlen(text), "imported.ini", ".", NULL, 0,
                                        NULL, &d), FD_OK, "%s: %s\n%s", k->what, d.msg, text);
        cr_expect_str_eq(s->region, k->region, "%s", k->what);
        cr_expect_eq(s->zones, k->zones, "%s", k->what);
        size_t ng = 0;
        while (ng < 3 && k->groups[ng].name)
            ng++;
        cr_expect_eq(s->ngroups, ng, "%s: groups", k->what);
        for (size_t g = 0; g < ng && g < s->ngroups; g++) {
            const want_group *w = &k->groups[g];
            const scen_group *sg = &s->groups[g];
            cr_expect_str_eq(sg->name, w->name, "%s", k->what);
            cr_expect_eq(sg->mode, w->mode, "%s: %s mode", k->what, w->name);
            cr_expect_eq(sg->fd_count, w->fd, "%s: %s FDs", k->what, w->name);
            cr_expect_eq(sg->ud_count, w->ud, "%s: %s UDs", k->what, w->name);
            cr_expect_eq(sg->zones, w->zones, "%s: %s zones", k->what, w->name);
            cr_expect_eq(sg->count, w->count, "%s: %s count", k->what, w->name);
            cr_expect_str_eq(sg->vm_size, w->size, "%s: %s size", k->what, w->name);
            cr_expect_float_eq(sg->spot_share, w->spot, 1e-12, "%s: %s spot", k->what, w->name);
            cr_expect_eq(sg->automatic_repairs, w->repairs, "%s: %s repairs", k->what, w->name);
            if (w->repairs)
                cr_expect_float_eq(sg->grace_period, w->grace_s, 1e-9, "%s", k->what);
            if (w->mode == MODE_UNIFORM) {
                cr_expect_eq(sg->single_placement_group, w->spg, "%s", k->what);
                cr_expect_eq(sg->managed_image, w->managed_image, "%s", k->what);
            }
        }
        /* every comment line of the text is a comment to the loader, and
         * the text runs as is */
        scenario_destroy(s);
        free(text);
        free(errs);
    }
}

/* A 1000-VM Flexible set with 3 fixed FDs: 334 VMs per FD must fit on
 * one rack, so the import grows the racks and the result places. */
Test(import, the_world_is_sized_so_every_vm_is_placed)
{
    char path[] = "/tmp/fdsim-import-XXXXXX";
    int fd = mkstemp(path);
    const char big[] =
        "{\"type\": \"Microsoft.Compute/virtualMachineScaleSets\", \"name\": \"big\", "
        "\"location\": \"eastus\", \"orchestrationMode\": \"Flexible\", "
        "\"platformFaultDomainCount\": 3, \"sku\": {\"name\": \"Standard_D2s_v5\", "
        "\"capacity\": 1000}}";
    cr_assert_eq(write(fd, big, sizeof big - 1), (ssize_t)(sizeof big - 1));
    close(fd);
    const char *files[] = { path };
    import_spec spec = { .files = files, .nfiles = 1 };
    char *text = NULL;
    size_t len;
    diag d;
    diag_clear(&d);
    cr_assert_eq(import_scenario(&spec, &text, &len, NULL, &d), FD_OK, "%s", d.msg);
    cr_expect_not_null(strstr(text, "hostsPerRack = "), "%s", text);
    scenario *s = NULL;
    cr_assert_eq(scenario_load_text(&s, text, len, "big.ini", ".", NULL, 0, NULL, &d), FD_OK);
    cr_expect_geq((long)s->hosts_per_rack * s->vms_per_host, 334);
    place_result *pr = NULL;
    cr_assert_eq(place_build(s, &pr, &d), FD_OK);
    cr_expect_eq(place_group_at(pr, 0)->failures, 0);
    place_result_destroy(pr);
    scenario_destroy(s);
    free(text);
    unlink(path);
}

Test(import, the_command_writes_the_scenario_or_nothing, .init = cr_redirect_stderr)
{
    char dir[] = "/tmp/fdsim-import-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[256];
    snprintf(out, sizeof out, "%s/web.ini", dir);
    int rc;
    QUIET(rc, "import", DIR "vmss-uniform-zones.json", "-p", "instanceCount=9", "-o", out);
    cr_expect_eq(rc, 0);
    QUIET(rc, "check", out);
    cr_expect_eq(rc, 0, "the written scenario checks");
    char bad[256];
    snprintf(bad, sizeof bad, "%s/bad.ini", dir);
    QUIET(rc, "import", DIR "malformed.json", "-o", bad);
    cr_expect_eq(rc, 2);
    cr_expect_eq(access(bad, F_OK), -1, "nothing written on bad input");
    QUIET(rc, "import");
    cr_expect_eq(rc, 2);
    QUIET(rc, "import", "/nonexistent.json");
    cr_expect_eq(rc, 2);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    fflush(stderr);
    cr_expect_stderr_eq_str(
        DIR "malformed.json:4:13: invalid JSON: '}' expected near '\"resources\"'\n"
        "fdsim import: give at least one JSON file: an ARM template, a parameters file, or "
        "what az vmss show prints\n"
        "fdsim import: cannot open /nonexistent.json: No such file or directory\n");
}

/* ------------------------------------------------------------ armexpr -- */

Test(armexpr, evaluates_the_functions_templates_use)
{
    const char tmpl[] =
        "{\"parameters\": {\"n\": {\"type\": \"int\", \"defaultValue\": 3},"
        " \"name\": {\"type\": \"string\", \"defaultValue\": \"[concat('web-', 'tier')]\"},"
        " \"zones\": {\"type\": \"array\", \"defaultValue\": [\"1\", \"2\"]},"
        " \"loc\": {\"type\": \"string\", \"defaultValue\": \"[resourceGroup().location]\"}},"
        " \"variables\": {\"obj\": {\"size\": \"[concat('Standard_', 'D4s_v5')]\", \"n\": 7},"
        " \"list\": [10, 20, 30]}}";
    json_t *t = json_loads(tmpl, 0, NULL);
    arm_scope *s = arm_scope_create(t);
    static const struct {
        const char *expr, *want; /* want: JSON, or NULL: an error holding `why` */
        const char *why;
    } cases[] = {
        { "[parameters('n')]", "3", NULL },
        { "[parameters('name')]", "\"web-tier\"", NULL },
        { "[add(parameters('n'), mul(2, 4))]", "11", NULL },
        { "[format('{0}-{1:D2}', 'vm', 7)]", "\"vm-7\"", NULL },
        { "[variables('obj').size]", "\"Standard_D4s_v5\"", NULL },
        { "[variables('list')[1]]", "20", NULL },
        { "[length(parameters('zones'))]", "2", NULL },
        { "[if(equals(parameters('n'), 3), 'yes', reference('x'))]", "\"yes\"", NULL },
        { "[if(false(), reference('x'), createArray(1, 2))]", "[1, 2]", NULL },
        { "[toLower('East US')]", "\"east us\"", NULL },
        { "[string(parameters('n'))]", "\"3\"", NULL },
        { "[int('42')]", "42", NULL },
        { "[resourceId('Microsoft.Compute/availabilitySets', 'set1')]",
          "\"/providers/Microsoft.Compute/availabilitySets/set1\"", NULL },
        { "[[literal]", "\"[literal]\"", NULL },
        { "[empty(createArray())]", "true", NULL },
        { "[contains(parameters('zones'), '2')]", "true", NULL },
        { "[coalesce(null(), 'x')]", "\"x\"", NULL },
        { "[max(3, 9, 4)]", "9", NULL },
        { "[split('a,b', ',')[1]]", "\"b\"", NULL },
        { "[parameters('loc')]", NULL, "resourceGroup() is known only when Azure deploys" },
        { "[uniqueString('a')]", NULL, "uniqueString() is known only when Azure deploys" },
        { "[parameters('nope')]", NULL, "the template declares no such parameter" },
        { "[copyIndex()]", NULL, "copyIndex() outside a copy loop" },
        { "[frobnicate(1)]", NULL, "frobnicate(): not a template function" },
        { "[concat('a', ]", NULL, "the expression ends early" },
        { "[concat('a' 'b')]", NULL, "concat(: expected ',' or ')' at column 13" },
        { "[variables('obj').nothere]", NULL, "no property 'nothere'" },
        { "[div(1, 0)]", NULL, "div() by zero" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *raw = json_string(cases[i].expr);
        char why[ARM_WHY_MAX] = "";
        json_t *v = arm_eval(s, raw, why, sizeof why);
        if (cases[i].want) {
            json_t *want = json_loads(cases[i].want, JSON_DECODE_ANY, NULL);
            cr_expect(v && json_equal(v, want), "%s: %s", cases[i].expr, v ? "differs" : why);
            json_decref(want);
        } else {
            cr_expect_null(v, "%s evaluates", cases[i].expr);
            cr_expect_not_null(strstr(why, cases[i].why), "%s: %s", cases[i].expr, why);
        }
        json_decref(v);
        json_decref(raw);
    }
    /* copy loops see their index; defaults do not */
    arm_scope *c = arm_scope_copy(s, "loop", 4);
    json_t *raw = json_string("[copyIndex(1)]");
    char why[ARM_WHY_MAX];
    json_t *v = arm_eval(c, raw, why, sizeof why);
    cr_expect_eq(json_integer_value(v), 5);
    json_decref(v);
    json_decref(raw);
    arm_scope_destroy(c);
    /* a value given wins over the default, converted to the declared type */
    json_t *given = arm_scope_convert(s, "n", "12", why, sizeof why);
    cr_assert_not_null(given);
    cr_assert_eq(arm_scope_give(s, "n", given, "-p"), 0);
    json_decref(given);
    raw = json_string("[parameters('n')]");
    v = arm_eval(s, raw, why, sizeof why);
    cr_expect_eq(json_integer_value(v), 12);
    json_decref(v);
    json_decref(raw);
    cr_expect_null(arm_scope_convert(s, "n", "twelve", why, sizeof why));
    json_t *used = json_array();
    arm_scope_used(s, used);
    bool found = false;
    for (size_t i = 0; i < json_array_size(used); i++)
        found = found || !strcmp(json_string_value(json_array_get(used, i)), "n=3 (default)");
    cr_expect(found, "the parameters read are recorded");
    json_decref(used);
    arm_scope_destroy(s);
    json_decref(t);
}

Test(armexpr, splits_resource_ids)
{
    char type[128], name[128];
    cr_assert(arm_id_split("/subscriptions/s/resourceGroups/RG/providers/Microsoft.Compute/"
                           "availabilitySets/DBSET", type, sizeof type, name, sizeof name));
    cr_expect_str_eq(type, "Microsoft.Compute/availabilitySets");
    cr_expect_str_eq(name, "DBSET");
    cr_assert(arm_id_split("/providers/Microsoft.Network/loadBalancers/lb/backendAddressPools/p",
                           type, sizeof type, name, sizeof name));
    cr_expect_str_eq(type, "Microsoft.Network/loadBalancers/backendAddressPools");
    cr_expect_str_eq(name, "p");
    cr_expect(!arm_id_split("not an id", type, sizeof type, name, sizeof name));
}

/* ------------------------------------------------------------ jsonloc -- */

Test(jsonloc, finds_the_kth_key_of_a_name)
{
    const char text[] = "{\n  \"a\": {\"x\": 1},\n  \"note\": \"say \\\"x\\\": here\",\n"
                        "  \"b\": [ {\"x\": 2}, {\"y\": 3, \"x\" : 4} ]\n}\n";
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
    cr_assert_not_null(root);
    int line, col;
    json_t *b1 = json_array_get(json_object_get(root, "b"), 1);
    cr_assert(jsonloc_find(text, strlen(text), root, b1, "x", &line, &col));
    cr_expect_eq(line, 4);
    cr_expect_eq(col, 29, "the escaped \"x\": in the note is not a key");
    cr_assert(jsonloc_find(text, strlen(text), root, json_object_get(root, "a"), "x", &line,
                           &col));
    cr_expect_eq(line, 2);
    cr_expect_eq(col, 9);
    cr_expect(!jsonloc_find(text, strlen(text), root, b1, "z", &line, &col));
    json_decref(root);
}
