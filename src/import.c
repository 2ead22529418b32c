/*
 * import: Azure deployments into a scenario (see import.h).
 *
 * Three passes: read and classify every file (jansson parses; a
 * parameters file's values and -p go to every template's scope); walk
 * the resources, making a group per scale set and availability set and a
 * record per VM that references one; then match the VMs to their sets,
 * fix the region and the world's size, and write the scenario, which the
 * scenario loader and the placement engine check before it is returned.
 *
 * Every value read from a resource is marked seen (resource-level keys,
 * "properties" and the objects inside it that were read); what is left
 * unseen is listed in the group's comments as not modelled.  Strings in
 * the lists live in jansson arrays (json_t), which also own them.
 */
#include "import.h"
#include "alloc.h"

#include "armexpr.h"
#include "catalog.h"
#include "csvio.h"
#include "jsonloc.h"
#include "place.h"
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILE (64u << 20)  /* refuse JSON files larger than this */
#define MAX_COPY 10000        /* a copy loop's count, at most */
#define NAME_MAX_LEN 63       /* a group name (SCEN_NAME_MAX - 1) */
#define WRAP 98               /* comment lines wrap here */

#define T_VMSS "Microsoft.Compute/virtualMachineScaleSets"
#define T_AVSET "Microsoft.Compute/availabilitySets"
#define T_VM "Microsoft.Compute/virtualMachines"
#define T_DEPLOY "Microsoft.Resources/deployments"

/* ------------------------------------------------------------ records -- */

typedef enum file_kind { F_TEMPLATE, F_PARAMS, F_AZ } file_kind;

/* One input file. */
typedef struct file {
    const char *path;   /* as given (borrowed) */
    char *text;         /* its bytes (owned) */
    size_t len;
    json_t *root;       /* parsed (owned) */
    file_kind kind;
} file;

/* A key read from an object, for the list of what is not modelled. */
typedef struct seen {
    json_t *obj;    /* the object (borrowed from the document, or held by child) */
    char *key;      /* (owned) */
    json_t *child;  /* the value read, when it was descended into (owned ref) */
} seen;

typedef enum group_kind { G_VMSS, G_AVSET } group_kind;

/* One scale set or availability set. */
typedef struct group {
    group_kind kind;
    char name[NAME_MAX_LEN + 1]; /* the group's section name */
    char rname[256];        /* the resource's name, for matching VMs */
    char where[1200];       /* "FILE:LINE:COL: resource 'x' (TYPE)" */
    char location[64];      /* normalised; "" when unknown */
    bool location_open;     /* known only at deployment */
    int mode;               /* MODE_FLEXIBLE, MODE_UNIFORM; MODE_AVAILABILITYSET */
    bool mode_default;      /* a scale set with no orchestrationMode */
    long fd, ud;            /* 0: auto */
    unsigned zones;         /* bit z-1 for zone z */
    long capacity;          /* sku.capacity, or an az availability set's VM list */
    bool listed;            /* capacity is the set's own VM list (az) */
    long vms;               /* VMs found that reference it */
    char size[64];          /* vmSize; "" when unknown */
    bool size_unknown;      /* a size was given, of no family of the catalog */
    int spg, zone_balance, managed_image; /* -1: not given */
    bool spot_all;          /* every VM Spot (priority Spot, no mix) */
    bool mix;               /* priorityMixPolicy given */
    long mix_base;          /* baseRegularPriorityCount */
    double mix_pct;         /* regularPriorityPercentageAboveBase */
    char evict[16];         /* the Spot eviction policy, "" */
    bool repairs;           /* automaticRepairsPolicy.enabled */
    double grace_s;         /* its gracePeriod, s; 0: not given */
    json_t *pins;           /* platformFaultDomain of each VM that joins (int array) */
    bool pins_partial;      /* some VMs that join gave none */
    json_t *notes;          /* comment lines (owned) */
} group;

/* A VM that references a set (or none). */
typedef struct vmref {
    char set_type[128];     /* the set's type, "" for none */
    char set_name[256];
    long copies;            /* VMs this resource deploys */
    char size[64];
    char name[256];
    char where[1200];
    bool spot;
    long pin;               /* platformFaultDomain, -1 none */
    json_t *unused;         /* its properties not modelled (owned) */
} vmref;

/* The import as it goes. */
typedef struct ctx {
    const import_spec *spec;
    file *files;
    size_t nfiles;
    group *groups;
    size_t ngroups;
    vmref *vms;
    size_t nvms;
    json_t *given;          /* [[name, value, origin], ...]: values for every template */
    json_t *notes;          /* scenario-wide comment lines */
    json_t *others;         /* other resources, "TYPE 'name'" */
    json_t *params_used;    /* parameter lines for the header */
    FILE *errs;
    diag *d;
    int errors;             /* problems reported */
    bool oom;
} ctx;

/* One resource being read. */
typedef struct res {
    ctx *c;
    const file *f;
    json_t *raw;            /* the resource object */
    const arm_scope *scope; /* NULL: az output (literal values) */
    char type[128];
    char name[256];
    char where[1200];       /* "FILE:LINE:COL: resource 'NAME' (TYPE)" */
    seen *seen;
    size_t nseen;
    bool failed;            /* an error was reported for it */
} res;

/* ------------------------------------------------------------ errors -- */

static void problem(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(ctx *c, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (c->errs)
        fprintf(c->errs, "%s\n", line);
    diag_set(c->d, FD_EINVAL, "%s", line);
    c->errors++;
}

/* "FILE:LINE:COL" of obj[key] in f, else of the resource. */
static void position(const res *r, json_t *obj, const char *key, char *buf, size_t size)
{
    int line, col;
    if (obj && jsonloc_find(r->f->text, r->f->len, r->f->root, obj, key, &line, &col))
        snprintf(buf, size, "%s:%d:%d", r->f->path, line, col);
    else
        snprintf(buf, size, "%.1000s", r->where);
}

/* Report a problem with obj[key] (its path `path`) of resource r. */
static void res_problem(res *r, json_t *obj, const char *key, const char *path,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void res_problem(res *r, json_t *obj, const char *key, const char *path,
                        const char *fmt, ...)
{
    char pos[1200], msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    position(r, obj, key, pos, sizeof pos);
    /* r->where is "FILE:L:C: resource ..."; keep the resource part */
    const char *what = strstr(r->where, ": resource ");
    problem(r->c, "%s%s: %s: %s", pos, what && strcmp(pos, r->where) ? what : "", path, msg);
    r->failed = true;
}

/* A comment line for a list (a jansson array of strings). */
static void note(ctx *c, json_t *list, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(ctx *c, json_t *list, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (json_array_append_new(list, json_string(line)) != 0)
        c->oom = true;
}

/* ------------------------------------------------------------ reading -- */

static void res_fini(res *r)
{
    for (size_t i = 0; i < r->nseen; i++) {
        free(r->seen[i].key);
        json_decref(r->seen[i].child);
    }
    free(r->seen);
    r->seen = NULL;
    r->nseen = 0;
}

static void mark(res *r, json_t *obj, const char *key, json_t *child)
{
    seen *s = fd_realloc(r->seen, (r->nseen + 1) * sizeof *s);
    if (s == NULL) {
        r->c->oom = true;
        return;
    }
    r->seen = s;
    s[r->nseen].obj = obj;
    s[r->nseen].key = fd_strdup(key);
    s[r->nseen].child = child ? json_incref(child) : NULL;
    if (s[r->nseen].key == NULL)
        r->c->oom = true;
    r->nseen++;
}

/* Case-insensitive member of an object (ARM property names are). */
static json_t *member(json_t *obj, const char *key, const char **found)
{
    const char *k;
    json_t *v;
    if (!json_is_object(obj))
        return NULL;
    json_object_foreach(obj, k, v) if (!strcasecmp(k, key)) {
        if (found)
            *found = k;
        return v;
    }
    return NULL;
}

/* Read obj[key] (path: its name in messages): its value evaluated, a new
 * reference in *out (NULL when absent or null).  Marks it seen (with the
 * value, to descend into, when `descend`).  0, or -1 when it cannot be
 * evaluated (reported). */
static int rd(res *r, json_t *obj, const char *key, const char *path, bool descend,
              json_t **out)
{
    *out = NULL;
    const char *k = key;
    json_t *raw = member(obj, key, &k);
    if (raw == NULL)
        return 0;
    json_t *v;
    char why[ARM_WHY_MAX];
    if (r->scope) {
        v = arm_eval(r->scope, raw, why, sizeof why);
        if (v == NULL) {
            mark(r, obj, k, NULL);
            res_problem(r, obj, k, path, "%s", why);
            return -1;
        }
    } else {
        v = json_incref(raw);
    }
    mark(r, obj, k, descend && json_is_object(v) ? v : NULL);
    if (json_is_null(v)) {
        json_decref(v);
        v = NULL;
    }
    *out = v;
    return 0;
}

/* rd() for a string: copied into buf; 1 read, 0 absent, -1 error. */
static int rd_str(res *r, json_t *obj, const char *key, const char *path, char *buf,
                  size_t size)
{
    json_t *v;
    if (rd(r, obj, key, path, false, &v) < 0)
        return -1;
    if (v == NULL)
        return 0;
    if (!json_is_string(v)) {
        res_problem(r, obj, key, path, "expected a string");
        json_decref(v);
        return -1;
    }
    snprintf(buf, size, "%s", json_string_value(v));
    json_decref(v);
    return 1;
}

/* rd() for a whole number in [lo, hi] (a string of digits too). */
static int rd_int(res *r, json_t *obj, const char *key, const char *path, long lo, long hi,
                  long *x)
{
    json_t *v;
    if (rd(r, obj, key, path, false, &v) < 0)
        return -1;
    if (v == NULL)
        return 0;
    long long n = 0;
    bool ok = json_is_integer(v);
    if (ok)
        n = json_integer_value(v);
    else if (json_is_string(v)) {
        char *end;
        n = strtoll(json_string_value(v), &end, 10);
        ok = *json_string_value(v) && !*end;
    }
    json_decref(v);
    if (!ok || n < lo || n > hi) {
        res_problem(r, obj, key, path, "expected a whole number from %ld to %ld", lo, hi);
        return -1;
    }
    *x = (long)n;
    return 1;
}

/* rd() for a boolean (true/false, or "true"/"false"). */
static int rd_bool(res *r, json_t *obj, const char *key, const char *path, bool *x)
{
    json_t *v;
    if (rd(r, obj, key, path, false, &v) < 0)
        return -1;
    if (v == NULL)
        return 0;
    bool ok = json_is_boolean(v);
    if (ok)
        *x = json_is_true(v);
    else if (json_is_string(v) && (!strcasecmp(json_string_value(v), "true") ||
                                   !strcasecmp(json_string_value(v), "false"))) {
        *x = !strcasecmp(json_string_value(v), "true");
        ok = true;
    }
    json_decref(v);
    if (!ok) {
        res_problem(r, obj, key, path, "expected true or false");
        return -1;
    }
    return 1;
}

/* rd() for a zones list ["1", "2"] (or numbers): the bit set. */
static int rd_zones(res *r, json_t *obj, const char *key, const char *path, unsigned *zones)
{
    json_t *v;
    if (rd(r, obj, key, path, false, &v) < 0)
        return -1;
    *zones = 0;
    if (v == NULL)
        return 0;
    if (!json_is_array(v)) {
        json_decref(v);
        res_problem(r, obj, key, path, "expected a list of zones, e.g. [\"1\", \"2\", \"3\"]");
        return -1;
    }
    size_t i;
    json_t *z;
    int bad = 0;
    json_array_foreach(v, i, z) {
        long n = json_is_integer(z) ? (long)json_integer_value(z)
                 : json_is_string(z) ? strtol(json_string_value(z), NULL, 10) : 0;
        if (n < 1 || n > SCEN_MAX_ZONES)
            bad = 1;
        else
            *zones |= 1u << (n - 1);
    }
    json_decref(v);
    if (bad) {
        res_problem(r, obj, key, path, "zones are \"1\", \"2\" or \"3\"");
        return -1;
    }
    return 1;
}

/* An ISO 8601 duration of hours, minutes and seconds ("PT30M", "PT1H",
 * "PT1H15M", "PT600S"): seconds, or -1. */
static double iso_duration(const char *s)
{
    if (strncasecmp(s, "PT", 2) != 0)
        return -1;
    s += 2;
    double total = 0;
    bool any = false;
    while (*s) {
        char *end;
        double x = strtod(s, &end);
        if (end == s || x < 0)
            return -1;
        switch (toupper((unsigned char)*end)) {
        case 'H': total += 3600 * x; break;
        case 'M': total += 60 * x; break;
        case 'S': total += x; break;
        default: return -1;
        }
        any = true;
        s = end + 1;
    }
    return any ? total : -1;
}

/* What fdsim leaves out, and why, for keys it knows. */
static const char *why_not(const char *key)
{
    static const struct {
        const char *key, *why;
    } known[] = {
        { "upgradePolicy", "OS image and extension upgrades are the owner's, not platform "
                           "maintenance" },
        { "rollingUpgradePolicy", "OS image and extension upgrades are the owner's" },
        { "automaticOSUpgradePolicy", "OS image upgrades are the owner's" },
        { "proximityPlacementGroup", "co-location in one datacenter is not modelled" },
        { "hostGroup", "dedicated hosts are not modelled" },
        { "host", "dedicated hosts are not modelled" },
        { "scaleInPolicy", "scaling is not modelled: the group keeps its count" },
        { "overprovision", "scaling is not modelled: the group keeps its count" },
        { "doNotRunExtensionsOnOverprovisionedVMs", "scaling is not modelled" },
        { "constrainedMaximumCapacity", "scaling is not modelled" },
        { "spotRestorePolicy", "restoring Spot VMs is spot.restoreTime" },
        { "billingProfile", "a Spot maximum price is not modelled: evictions come at "
                            "spot.evictionRate" },
        { "scheduledEventsProfile", "notice before maintenance is not modelled" },
        { "scheduledEventsPolicy", "notice before maintenance is not modelled" },
        { "extensionProfile", "extensions (a health probe too) are not modelled: repairs act "
                              "on the outages fdsim simulates" },
        { "resiliencyPolicy", "resilient create and delete are not modelled" },
        { "capacityReservation", "capacity reservations are not modelled" },
        { "additionalCapabilities", "no bearing on failures or maintenance" },
        { "securityProfile", "no bearing on failures or maintenance" },
    };
    const char *last = strrchr(key, '.');
    last = last ? last + 1 : key;
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcasecmp(known[i].key, last))
            return known[i].why;
    return NULL;
}

/* Keys that are not deployment properties: template mechanics and read-only
 * state. */
static bool mechanics(const char *key)
{
    static const char *const k[] = {
        "type", "apiVersion", "dependsOn", "comments", "metadata", "condition", "copy",
        "id", "resourceGroup", "etag", "provisioningState", "uniqueId", "timeCreated",
        "statuses", "instanceView", "scope", "existing", NULL,
    };
    for (const char *const *p = k; *p; p++)
        if (!strcasecmp(*p, key))
            return true;
    return false;
}

/* The paths under obj not seen, appended to `out` (prefix: obj's path). */
static void unused(res *r, json_t *obj, const char *prefix, bool top, json_t *out)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        (void)top;
        /* not set (null, {} or []) is no property to model */
        if (mechanics(k) || json_is_null(v) || (json_is_object(v) && !json_object_size(v)) ||
            (json_is_array(v) && !json_array_size(v)))
            continue;
        const seen *s = NULL;
        for (size_t i = 0; i < r->nseen; i++)
            if (r->seen[i].obj == obj && !strcmp(r->seen[i].key, k))
                s = &r->seen[i];
        char path[512];
        snprintf(path, sizeof path, "%s%s", prefix, k);
        if (s == NULL)
            json_array_append_new(out, json_string(path));
        else if (s->child) {
            char sub[520];
            snprintf(sub, sizeof sub, "%s.", path);
            unused(r, s->child, sub, false, out);
        }
    }
}

/* The unused paths of resource r as comment lines: one per key with a
 * known reason, then the rest in one line. */
static void unused_notes(res *r, const char *what, json_t *notes)
{
    json_t *list = json_array();
    if (list == NULL) {
        r->c->oom = true;
        return;
    }
    unused(r, r->raw, "", true, list);
    char rest[4096] = "";
    size_t len = 0;
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p) {
        const char *path = json_string_value(p), *why = why_not(path);
        if (why)
            note(r->c, notes, "not modelled%s: %s: %s", what, path, why);
        else if (len < sizeof rest)
            len += (size_t)snprintf(rest + len, sizeof rest - len, "%s%s", len ? ", " : "",
                                    path);
    }
    if (len)
        note(r->c, notes, "not modelled%s (no bearing on fdsim's failure and maintenance "
             "model): %s", what, rest);
    json_decref(list);
}

/* The group's section name from a resource name: letters, digits, _ and
 * -, at most 63, unique. */
static void group_name(ctx *c, const char *want, const char *fallback, char *out)
{
    char base[NAME_MAX_LEN + 1];
    size_t n = 0;
    for (const char *p = want; *p && n < NAME_MAX_LEN - 4; p++)
        base[n++] = isalnum((unsigned char)*p) || *p == '_' || *p == '-' ? *p : '-';
    base[n] = '\0';
    if (n == 0)
        snprintf(base, sizeof base, "%s", fallback);
    snprintf(out, NAME_MAX_LEN + 1, "%s", base);
    for (int k = 2;; k++) {
        bool clash = false;
        for (size_t g = 0; g < c->ngroups; g++) /* out may be a group's own name */
            clash = clash || (c->groups[g].name != out && !strcasecmp(c->groups[g].name, out));
        if (!clash)
            return;
        snprintf(out, NAME_MAX_LEN + 1, "%s-%d", base, k);
    }
}

/* "East US" -> "eastus", as Azure normalises a location. */
static void normalise_location(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 1 < size; in++)
        if (!isspace((unsigned char)*in))
            out[n++] = (char)tolower((unsigned char)*in);
    out[n] = '\0';
}

static group *new_group(ctx *c, group_kind kind)
{
    group *g = fd_realloc(c->groups, (c->ngroups + 1) * sizeof *g);
    if (g == NULL) {
        c->oom = true;
        return NULL;
    }
    c->groups = g;
    group *n = &g[c->ngroups];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->spg = n->zone_balance = n->managed_image = -1;
    n->notes = json_array();
    n->pins = json_array();
    if (!n->notes || !n->pins) {
        json_decref(n->notes);
        json_decref(n->pins);
        c->oom = true;
        return NULL;
    }
    c->ngroups++;
    return n;
}

/* The resource's name and location, read first (a name that cannot be
 * evaluated falls back to `fallback`, noted). */
static void res_identity(res *r, group *g, const char *fallback)
{
    json_t *v = NULL;
    const char *k = "name";
    json_t *raw = member(r->raw, "name", &k);
    char why[ARM_WHY_MAX] = "";
    if (raw)
        v = r->scope ? arm_eval(r->scope, raw, why, sizeof why) : json_incref(raw);
    if (raw)
        mark(r, r->raw, k, NULL);
    if (json_is_string(v))
        snprintf(g->rname, sizeof g->rname, "%s", json_string_value(v));
    group_name(r->c, g->rname, fallback, g->name);
    if (!json_is_string(v) && g)
        note(r->c, g->notes, "the resource's name %s: named %s here", why[0] ? why : "is not "
             "given", g->name);
    json_decref(v);
    raw = member(r->raw, "location", &k);
    if (raw) {
        mark(r, r->raw, k, NULL);
        v = r->scope ? arm_eval(r->scope, raw, why, sizeof why) : json_incref(raw);
        if (json_is_string(v))
            normalise_location(json_string_value(v), g->location, sizeof g->location);
        else
            g->location_open = true;
        json_decref(v);
    }
}

/* sku.name -> g->size, checked against the catalog (an unknown family
 * keeps the default, noted). */
static void take_size(ctx *c, group *g, const char *size)
{
    char fam[32];
    if (catalog_sku_memory_preserving(size, fam, sizeof fam) < 0) {
        char families[256];
        catalog_sku_families(families, sizeof families);
        note(c, g->notes, "vmSize %s: no family of data/skus.csv matches it (%s), so whether "
             "its maintenance pauses or reboots is unknown: the default size is used; set "
             "vmSize and memoryPreservingMaintenance", size, families);
        g->size_unknown = true;
        return;
    }
    snprintf(g->size, sizeof g->size, "%s", size);
}

/* The "properties" of a resource: template resources keep them under
 * "properties"; az may print them flattened (then the object itself). */
static json_t *props_of(res *r, const char **prefix, json_t **held)
{
    *held = NULL;
    *prefix = "";
    if (member(r->raw, "properties", NULL) == NULL)
        return r->raw;
    if (rd(r, r->raw, "properties", "properties", true, held) < 0 || !json_is_object(*held))
        return NULL;
    *prefix = "properties.";
    return *held;
}

/* A scale set. */
static void take_vmss(res *r)
{
    ctx *c = r->c;
    group *g = new_group(c, G_VMSS);
    if (g == NULL)
        return;
    char fb[32];
    snprintf(fb, sizeof fb, "vmss-%zu", c->ngroups);
    res_identity(r, g, fb);
    snprintf(g->where, sizeof g->where, "%s", r->where);
    json_t *sku = NULL, *held = NULL;
    if (rd(r, r->raw, "sku", "sku", true, &sku) == 0 && json_is_object(sku)) {
        char size[64];
        rd_int(r, sku, "capacity", "sku.capacity", 0, 100000, &g->capacity);
        if (rd_str(r, sku, "name", "sku.name", size, sizeof size) == 1)
            take_size(c, g, size);
    }
    json_decref(sku);
    rd_zones(r, r->raw, "zones", "zones", &g->zones);
    const char *pre;
    json_t *p = props_of(r, &pre, &held);
    if (p == NULL) {
        json_decref(held);
        return;
    }
    char path[256], mode[32];
#define P(k) (snprintf(path, sizeof path, "%s%s", pre, k), path)
    int got = rd_str(r, p, "orchestrationMode", P("orchestrationMode"), mode, sizeof mode);
    if (got == 1 && !strcasecmp(mode, "Flexible"))
        g->mode = MODE_FLEXIBLE;
    else if (got == 1 && !strcasecmp(mode, "Uniform"))
        g->mode = MODE_UNIFORM;
    else if (got == 1)
        res_problem(r, p, "orchestrationMode", path, "'%s': expected Flexible or Uniform", mode);
    else if (got == 0) {
        g->mode = MODE_UNIFORM;
        g->mode_default = true;
    }
    rd_int(r, p, "platformFaultDomainCount", P("platformFaultDomainCount"), 1, 5, &g->fd);
    bool b;
    if (rd_bool(r, p, "singlePlacementGroup", P("singlePlacementGroup"), &b) == 1)
        g->spg = b;
    if (rd_bool(r, p, "zoneBalance", P("zoneBalance"), &b) == 1)
        g->zone_balance = b;
    json_t *arp = NULL;
    if (rd(r, p, "automaticRepairsPolicy", P("automaticRepairsPolicy"), true, &arp) == 0 &&
        json_is_object(arp)) {
        char gp[64], act[32], apath[300];
        snprintf(apath, sizeof apath, "%sautomaticRepairsPolicy.", pre);
        char q[320];
        snprintf(q, sizeof q, "%senabled", apath);
        if (rd_bool(r, arp, "enabled", q, &b) == 1)
            g->repairs = b;
        snprintf(q, sizeof q, "%sgracePeriod", apath);
        if (rd_str(r, arp, "gracePeriod", q, gp, sizeof gp) == 1) {
            g->grace_s = iso_duration(gp);
            if (g->grace_s < 0)
                res_problem(r, arp, "gracePeriod", q, "'%s' is not an ISO 8601 duration such "
                            "as PT30M", gp);
        }
        snprintf(q, sizeof q, "%srepairAction", apath);
        if (rd_str(r, arp, "repairAction", q, act, sizeof act) == 1 &&
            strcasecmp(act, "Replace") != 0)
            note(c, g->notes, "not modelled: %s%s: fdsim's repairs replace the VM (Replace); "
                 "%s is modelled as Replace", apath, "repairAction", act);
    }
    json_decref(arp);
    json_t *mix = NULL;
    if (rd(r, p, "priorityMixPolicy", P("priorityMixPolicy"), true, &mix) == 0 &&
        json_is_object(mix)) {
        char q[320];
        g->mix = true;
        g->mix_pct = 100;
        snprintf(q, sizeof q, "%spriorityMixPolicy.baseRegularPriorityCount", pre);
        rd_int(r, mix, "baseRegularPriorityCount", q, 0, 100000, &g->mix_base);
        snprintf(q, sizeof q, "%spriorityMixPolicy.regularPriorityPercentageAboveBase", pre);
        long pct = 100;
        if (rd_int(r, mix, "regularPriorityPercentageAboveBase", q, 0, 100, &pct) >= 0)
            g->mix_pct = (double)pct;
    }
    json_decref(mix);
    json_t *prof = NULL;
    if (rd(r, p, "virtualMachineProfile", P("virtualMachineProfile"), true, &prof) == 0 &&
        json_is_object(prof)) {
        char prio[32], q[320];
        snprintf(q, sizeof q, "%svirtualMachineProfile.priority", pre);
        if (rd_str(r, prof, "priority", q, prio, sizeof prio) == 1)
            g->spot_all = !strcasecmp(prio, "Spot") || !strcasecmp(prio, "Low");
        snprintf(q, sizeof q, "%svirtualMachineProfile.evictionPolicy", pre);
        rd_str(r, prof, "evictionPolicy", q, g->evict, sizeof g->evict);
        json_t *st = NULL, *img = NULL;
        snprintf(q, sizeof q, "%svirtualMachineProfile.storageProfile", pre);
        if (rd(r, prof, "storageProfile", q, true, &st) == 0 && json_is_object(st)) {
            snprintf(q, sizeof q, "%svirtualMachineProfile.storageProfile.imageReference", pre);
            if (rd(r, st, "imageReference", q, false, &img) == 0 && json_is_object(img)) {
                const char *id = json_string_value(member(img, "id", NULL));
                if (id && strstr(id, "/images/") && !strstr(id, "/galleries/"))
                    g->managed_image = 1; /* a managed image: 600 VMs at most (Uniform) */
                else if (id && !r->scope)
                    g->managed_image = 0;
                else if (id) {
                    char why[ARM_WHY_MAX];
                    json_t *ev = arm_eval(r->scope, member(img, "id", NULL), why, sizeof why);
                    const char *s = json_string_value(ev);
                    g->managed_image = s && strstr(s, "/images/") && !strstr(s, "/galleries/");
                    json_decref(ev);
                }
            }
            json_decref(img);
        }
        json_decref(st);
    }
    json_decref(prof);
#undef P
    json_decref(held);
}

/* An availability set. */
static void take_avset(res *r)
{
    ctx *c = r->c;
    group *g = new_group(c, G_AVSET);
    if (g == NULL)
        return;
    char fb[32];
    snprintf(fb, sizeof fb, "avset-%zu", c->ngroups);
    res_identity(r, g, fb);
    snprintf(g->where, sizeof g->where, "%s", r->where);
    g->mode = MODE_AVAILABILITYSET;
    json_t *sku = NULL, *held = NULL;
    if (rd(r, r->raw, "sku", "sku", true, &sku) == 0 && json_is_object(sku)) {
        char name[32];
        if (rd_str(r, sku, "name", "sku.name", name, sizeof name) == 1 &&
            strcasecmp(name, "Aligned") != 0)
            note(c, g->notes, "sku.name %s (unmanaged disks): modelled as Aligned, whose fault "
                 "domains line up with the disks'", name);
    }
    json_decref(sku);
    unsigned zones = 0;
    if (rd_zones(r, r->raw, "zones", "zones", &zones) == 1 && zones)
        res_problem(r, r->raw, "zones", "zones", "an availability set cannot be zonal; valid: "
                    "no zones (a zonal deployment is a scale set)");
    const char *pre;
    json_t *p = props_of(r, &pre, &held);
    if (p == NULL) {
        json_decref(held);
        return;
    }
    char path[256];
    snprintf(path, sizeof path, "%splatformFaultDomainCount", pre);
    rd_int(r, p, "platformFaultDomainCount", path, 1, 3, &g->fd);
    snprintf(path, sizeof path, "%splatformUpdateDomainCount", pre);
    rd_int(r, p, "platformUpdateDomainCount", path, 1, 20, &g->ud);
    json_t *list = NULL;
    snprintf(path, sizeof path, "%svirtualMachines", pre);
    if (rd(r, p, "virtualMachines", path, false, &list) == 0 && json_is_array(list) &&
        json_array_size(list) > 0) {
        g->capacity = (long)json_array_size(list);
        g->listed = true;
    }
    json_decref(list);
    json_decref(held);
}

/* A VM: which set it joins, its size, priority and FD. */
static void take_vm(res *r, long copies)
{
    ctx *c = r->c;
    vmref *v = fd_realloc(c->vms, (c->nvms + 1) * sizeof *v);
    if (v == NULL) {
        c->oom = true;
        return;
    }
    c->vms = v;
    vmref *m = &v[c->nvms++];
    memset(m, 0, sizeof *m);
    m->copies = copies;
    m->pin = -1;
    m->unused = json_array();
    snprintf(m->where, sizeof m->where, "%s", r->where);
    snprintf(m->name, sizeof m->name, "%s", r->name);
    mark(r, r->raw, "name", NULL);
    mark(r, r->raw, "location", NULL);
    unsigned zones = 0;
    rd_zones(r, r->raw, "zones", "zones", &zones);
    json_t *held = NULL;
    const char *pre;
    json_t *p = props_of(r, &pre, &held);
    if (p != NULL) {
        static const char *const refs[] = { "availabilitySet", "virtualMachineScaleSet" };
        for (int i = 0; i < 2 && !m->set_type[0]; i++) {
            json_t *ref = NULL;
            char path[256];
            snprintf(path, sizeof path, "%s%s", pre, refs[i]);
            if (rd(r, p, refs[i], path, true, &ref) == 0 && json_is_object(ref)) {
                char id[1024], q[300];
                snprintf(q, sizeof q, "%s.id", path);
                if (rd_str(r, ref, "id", q, id, sizeof id) == 1 &&
                    !arm_id_split(id, m->set_type, sizeof m->set_type, m->set_name,
                                  sizeof m->set_name))
                    res_problem(r, ref, "id", q, "'%s' is not a resource id", id);
            }
            json_decref(ref);
        }
        json_t *hw = NULL;
        char path[256];
        snprintf(path, sizeof path, "%shardwareProfile", pre);
        if (rd(r, p, "hardwareProfile", path, true, &hw) == 0 && json_is_object(hw)) {
            snprintf(path, sizeof path, "%shardwareProfile.vmSize", pre);
            rd_str(r, hw, "vmSize", path, m->size, sizeof m->size);
        }
        json_decref(hw);
        char prio[32];
        snprintf(path, sizeof path, "%spriority", pre);
        if (rd_str(r, p, "priority", path, prio, sizeof prio) == 1)
            m->spot = !strcasecmp(prio, "Spot") || !strcasecmp(prio, "Low");
        snprintf(path, sizeof path, "%splatformFaultDomain", pre);
        rd_int(r, p, "platformFaultDomain", path, 0, 4, &m->pin);
    }
    json_decref(held);
    if (zones && m->set_type[0] && !strcasecmp(m->set_type, T_AVSET))
        res_problem(r, r->raw, "zones", "zones", "a VM in an availability set cannot be zonal");
    unused(r, r->raw, "", true, m->unused);
}

/* ---------------------------------------------------------- templates -- */

/* Whether `needle` occurs in `hay`, ASCII case-insensitively. */
static bool strcasestr_ascii(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return true;
    return false;
}

static void walk_resources(ctx *c, const file *f, json_t *resources, const arm_scope *scope,
                           const char *where);

/* The resources of one template resource, copies expanded. */
static void take_resource(ctx *c, const file *f, json_t *raw, const arm_scope *scope,
                          const char *where_prefix)
{
    const char *type = json_string_value(member(raw, "type", NULL));
    if (type == NULL)
        return;
    int line = 0, col = 0;
    jsonloc_find(f->text, f->len, f->root, raw, "type", &line, &col);
    if (json_is_true(member(raw, "existing", NULL))) {
        json_array_append_new(c->others, json_sprintf("%s (existing, not deployed by the "
                                                      "template)", type));
        return;
    }
    json_t *copy = member(raw, "copy", NULL);
    long count = 1;
    const char *loop = NULL;
    char why[ARM_WHY_MAX];
    res r = { .c = c, .f = f, .raw = raw, .scope = scope };
    snprintf(r.where, sizeof r.where, "%s:%d:%d: resource", f->path, line, col);
    if (json_is_object(copy)) {
        loop = json_string_value(member(copy, "name", NULL));
        json_t *n = arm_eval(scope, member(copy, "count", NULL), why, sizeof why);
        if (!json_is_integer(n) || json_integer_value(n) < 0 ||
            json_integer_value(n) > MAX_COPY) {
            res_problem(&r, copy, "count", "copy.count", "%s",
                        n ? "expected a whole number of copies from 0 to 10000" : why);
            json_decref(n);
            return;
        }
        count = (long)json_integer_value(n);
        json_decref(n);
    }
    /* A VM deployed in a loop is one record with its copies, unless its
     * set or FD varies with the index: then one per copy. */
    bool per_copy = strcasecmp(type, T_VM) != 0 || copy == NULL;
    static const char *const varying[] = { "availabilitySet", "virtualMachineScaleSet",
                                           "platformFaultDomain", "hardwareProfile",
                                           "priority" };
    for (size_t k = 0; !per_copy && k < sizeof varying / sizeof *varying; k++) {
        json_t *part = member(member(raw, "properties", NULL), varying[k], NULL);
        char *text = part ? json_dumps(part, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        per_copy = text && strcasestr_ascii(text, "copyIndex");
        free(text);
    }
    long n = per_copy ? count : (count > 0 ? 1 : 0);
    for (long i = 0; i < n; i++) {
        arm_scope *cs = copy ? arm_scope_copy(scope, loop, i) : NULL;
        if (copy && cs == NULL) {
            c->oom = true;
            return;
        }
        const arm_scope *s = cs ? cs : scope;
        res rr = { .c = c, .f = f, .raw = raw, .scope = s };
        snprintf(rr.type, sizeof rr.type, "%s", type);
        json_t *nm = arm_eval(s, member(raw, "name", NULL), why, sizeof why);
        snprintf(rr.name, sizeof rr.name, "%s", json_is_string(nm) ? json_string_value(nm)
                                                                    : "(name known only at deployment)");
        json_decref(nm);
        snprintf(rr.where, sizeof rr.where, "%s:%d:%d: %sresource '%s' (%s)", f->path, line,
                 col, where_prefix, rr.name, type);
        json_t *cond = member(raw, "condition", NULL);
        json_t *cv = cond ? arm_eval(s, cond, why, sizeof why) : json_true();
        if (cond && cv == NULL) {
            res_problem(&rr, raw, "condition", "condition", "%s", why);
        } else if (!json_is_true(cv) && !(json_is_string(cv) &&
                                          !strcasecmp(json_string_value(cv), "true"))) {
            json_array_append_new(c->others, json_sprintf("%s '%s' (condition false: not "
                                                          "deployed)", type, rr.name));
        } else if (!strcasecmp(type, T_VMSS)) {
            take_vmss(&rr);
            if (!rr.failed)
                unused_notes(&rr, "", c->groups[c->ngroups - 1].notes);
        } else if (!strcasecmp(type, T_AVSET)) {
            take_avset(&rr);
            if (!rr.failed)
                unused_notes(&rr, "", c->groups[c->ngroups - 1].notes);
        } else if (!strcasecmp(type, T_VM)) {
            take_vm(&rr, per_copy ? 1 : count);
        } else if (!strcasecmp(type, T_DEPLOY)) {
            json_t *props = member(raw, "properties", NULL);
            json_t *inner = member(props, "template", NULL);
            if (!json_is_object(inner)) {
                json_array_append_new(c->others, json_sprintf(
                    "%s '%s' (a linked template, not fetched: import it as a file, with its "
                    "parameters)", type, rr.name));
            } else {
                const char *sc = json_string_value(
                    member(member(props, "expressionEvaluationOptions", NULL), "scope", NULL));
                bool inner_scope = sc && !strcasecmp(sc, "inner");
                arm_scope *ns = inner_scope ? arm_scope_create(inner) : NULL;
                if (inner_scope && ns == NULL) {
                    c->oom = true;
                } else {
                    json_t *pv = member(props, "parameters", NULL);
                    const char *k;
                    json_t *val;
                    if (ns)
                        json_object_foreach(pv, k, val) {
                            json_t *x = member(val, "value", NULL);
                            if (x && arm_scope_give_expr(ns, k, x, s, rr.name) != 0)
                                c->oom = true;
                        }
                    char pre[512];
                    snprintf(pre, sizeof pre, "%sdeployment '%s': ", where_prefix, rr.name);
                    walk_resources(c, f, member(inner, "resources", NULL), ns ? ns : s, pre);
                    if (ns && arm_scope_used(ns, c->params_used) != 0)
                        c->oom = true;
                    arm_scope_destroy(ns);
                }
            }
        } else if (!strncasecmp(type, "Microsoft.Insights/autoscalesettings", 36)) {
            json_array_append_new(c->others, json_sprintf(
                "%s '%s' (autoscale changes a set's count: not modelled, the count deployed "
                "is used)", type, rr.name));
        } else {
            json_array_append_new(c->others, json_sprintf("%s '%s'", type, rr.name));
        }
        json_decref(cv);
        res_fini(&rr);
        arm_scope_destroy(cs);
    }
}

static void walk_resources(ctx *c, const file *f, json_t *resources, const arm_scope *scope,
                           const char *where)
{
    if (json_is_array(resources)) {
        size_t i;
        json_t *r;
        json_array_foreach(resources, i, r) {
            take_resource(c, f, r, scope, where);
            /* child resources nested in a resource */
            json_t *kids = member(r, "resources", NULL);
            if (kids)
                walk_resources(c, f, kids, scope, where);
        }
    } else if (json_is_object(resources)) { /* languageVersion 2.0: symbolic names */
        const char *k;
        json_t *r;
        json_object_foreach(resources, k, r) take_resource(c, f, r, scope, where);
    }
}

/* Give a template's scope every value of the parameters files and -p. */
static int give_all(ctx *c, arm_scope *s)
{
    size_t i;
    json_t *e;
    json_array_foreach(c->given, i, e) {
        const char *name = json_string_value(json_array_get(e, 0));
        const char *origin = json_string_value(json_array_get(e, 2));
        json_t *v = json_array_get(e, 1);
        if (!arm_scope_declares(s, name))
            continue;
        json_t *typed = v;
        if (json_is_string(v) && !strcmp(origin, "-p")) {
            char why[ARM_WHY_MAX];
            typed = arm_scope_convert(s, name, json_string_value(v), why, sizeof why);
            if (typed == NULL) {
                problem(c, "-p %s=%s: %s", name, json_string_value(v), why);
                continue;
            }
        } else {
            json_incref(typed);
        }
        if (arm_scope_give(s, name, typed, origin) != 0)
            c->oom = true;
        json_decref(typed);
    }
    return 0;
}

/* --------------------------------------------------------------- files -- */

static void take_az(ctx *c, const file *f, json_t *obj)
{
    const char *type = json_string_value(member(obj, "type", NULL));
    int line = 0, col = 0;
    jsonloc_find(f->text, f->len, f->root, obj, "type", &line, &col);
    const char *name = json_string_value(member(obj, "name", NULL));
    res r = { .c = c, .f = f, .raw = obj };
    snprintf(r.type, sizeof r.type, "%s", type ? type : "");
    snprintf(r.name, sizeof r.name, "%s", name ? name : "(no name)");
    snprintf(r.where, sizeof r.where, "%s:%d:%d: resource '%s' (%s)", f->path, line, col,
             r.name, r.type);
    if (type && !strcasecmp(type, T_VMSS)) {
        take_vmss(&r);
        if (!r.failed)
            unused_notes(&r, "", c->groups[c->ngroups - 1].notes);
    } else if (type && !strcasecmp(type, T_AVSET)) {
        take_avset(&r);
        if (!r.failed)
            unused_notes(&r, "", c->groups[c->ngroups - 1].notes);
    } else if (type && !strcasecmp(type, T_VM)) {
        take_vm(&r, 1);
    } else {
        json_array_append_new(c->others, json_sprintf("%s '%s'", type ? type : "(no type)",
                                                      r.name));
    }
    res_fini(&r);
}

/* Read, parse and classify file i. */
static int read_file(ctx *c, size_t i)
{
    file *f = &c->files[i];
    f->path = c->spec->files[i];
    diag e;
    diag_clear(&e);
    int rc = csvio_slurp(f->path, MAX_FILE, &f->text, &f->len, &e);
    if (rc != FD_OK)
        return diag_set(c->d, rc == FD_EINVAL ? FD_EINVAL : FD_EIO, "%s", e.msg);
    json_error_t err;
    f->root = json_loadb(f->text, f->len, JSON_REJECT_DUPLICATES, &err);
    if (f->root == NULL) {
        problem(c, "%s:%d:%d: invalid JSON: %s", f->path, err.line, err.column, err.text);
        return FD_EINVAL;
    }
    const char *schema = json_string_value(member(f->root, "$schema", NULL));
    bool params = false;
    for (const char *p = schema; p && *p && !params; p++)
        params = !strncasecmp(p, "deploymentParameters", 20);
    if (json_is_object(f->root) && params)
        f->kind = F_PARAMS;
    else if (json_is_object(f->root) && member(f->root, "resources", NULL) &&
             (schema || member(f->root, "contentVersion", NULL)))
        f->kind = F_TEMPLATE;
    else if ((json_is_object(f->root) && json_is_string(member(f->root, "type", NULL))) ||
             (json_is_array(f->root) && json_array_size(f->root) > 0 &&
              json_is_string(member(json_array_get(f->root, 0), "type", NULL))))
        f->kind = F_AZ;
    else {
        problem(c, "%s:1:1: neither an ARM template (\"$schema\" and \"resources\"), a "
                "parameters file (\"$schema\" .../deploymentParameters.json) nor what az vmss "
                "show, az vm availability-set show or az vm show print (an object with "
                "\"type\": \"Microsoft.Compute/...\")", f->path);
        return FD_EINVAL;
    }
    return FD_OK;
}

/* A parameters file's values, for every template. */
static void take_params_file(ctx *c, const file *f)
{
    json_t *params = member(f->root, "parameters", NULL);
    const char *k;
    json_t *v;
    json_object_foreach(params, k, v) {
        json_t *val = member(v, "value", NULL);
        if (val == NULL) {
            note(c, c->notes, "parameter %s of %s is a Key Vault reference: not resolved "
                 "(fdsim never needs secrets; give -p %s=VALUE if a modelled value needs it)",
                 k, f->path, k);
            continue;
        }
        json_array_append_new(c->given, json_pack("[sOs]", k, val, f->path));
    }
}

/* ---------------------------------------------------------- matching -- */

static group *find_set(ctx *c, const char *type, const char *name)
{
    group_kind kind = !strcasecmp(type, T_AVSET) ? G_AVSET : G_VMSS;
    if (strcasecmp(type, T_AVSET) && strcasecmp(type, T_VMSS))
        return NULL;
    for (size_t g = 0; g < c->ngroups; g++)
        if (c->groups[g].kind == kind && !strcasecmp(c->groups[g].rname, name))
            return &c->groups[g];
    return NULL;
}

static void match_vms(ctx *c)
{
    for (size_t i = 0; i < c->nvms; i++) {
        vmref *m = &c->vms[i];
        group *g = m->set_type[0] ? find_set(c, m->set_type, m->set_name) : NULL;
        if (g == NULL) {
            if (m->set_type[0])
                json_array_append_new(c->others, json_sprintf(
                    "%s '%s' (joins %s '%s', which is not in these files: import its JSON "
                    "too)", T_VM, m->name, m->set_type, m->set_name));
            else
                json_array_append_new(c->others, json_sprintf(
                    "%s '%s' (a single VM in no scale set or availability set)", T_VM,
                    m->name));
            continue;
        }
        if (!g->listed)
            g->vms += m->copies;
        if (m->size[0] && !g->size[0])
            take_size(c, g, m->size);
        else if (m->size[0] && strcasecmp(m->size, g->size) != 0)
            note(c, g->notes, "VM '%s' is %s, not %s: one size per group is modelled", m->name,
                 m->size, g->size);
        if (m->spot && g->kind == G_AVSET)
            note(c, g->notes, "VM '%s' is Spot: an availability set holds regular VMs only; "
                 "modelled as regular", m->name);
        if (m->spot && g->kind == G_VMSS && g->mode == MODE_FLEXIBLE)
            note(c, g->notes, "VM '%s' is Spot: a Flexible set's own Spot mix is "
                 "priorityMixPolicy; the VMs that join it are modelled as the set's", m->name);
        for (long k = 0; k < m->copies && m->pin >= 0; k++)
            json_array_append_new(g->pins, json_integer(m->pin));
        if (m->pin < 0 && g->kind == G_VMSS)
            g->pins_partial = true;
        bool again = false; /* a copy of a VM already described */
        for (size_t j = 0; j < i && !again; j++)
            again = !strcmp(c->vms[j].where + 0, m->where) ||
                    (strstr(m->where, ": resource ") && strstr(c->vms[j].where, ": resource ") &&
                     !strncmp(c->vms[j].where, m->where,
                              (size_t)(strstr(m->where, ": resource ") - m->where)));
        if (json_array_size(m->unused) && !again) {
            char list[2048] = "";
            size_t len = 0, j;
            json_t *p;
            json_array_foreach(m->unused, j, p) if (len < sizeof list) len += (size_t)snprintf(
                list + len, sizeof list - len, "%s%s", len ? ", " : "", json_string_value(p));
            note(c, g->notes, "not modelled, VM '%s'%s (no bearing on fdsim's model): %s",
                 m->name, m->copies > 1 ? " and its copies" : "", list);
        }
    }
}

/* ------------------------------------------------------------ writing -- */

/* A comment, wrapped at WRAP columns after "; ". */
static void comment(FILE *f, const char *text)
{
    size_t len = strlen(text);
    const char *p = text;
    while (len > WRAP - 2) {
        size_t cut = WRAP - 2;
        while (cut > 0 && p[cut] != ' ')
            cut--;
        if (cut == 0)
            cut = strcspn(p, " ");
        if (cut >= len)
            break;
        fprintf(f, "; %.*s\n", (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
        len = strlen(p);
    }
    fprintf(f, "; %s\n", p);
}

static void comments(FILE *f, json_t *list)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) comment(f, json_string_value(v));
}

/* The groups' count: capacity plus the VMs that join (a Flexible set). */
static long count_of(const group *g)
{
    return g->listed ? g->capacity : g->capacity + g->vms;
}

/* Spot VMs of a scale set of n VMs: all, none, or priorityMixPolicy's
 * share: regular = min(n, base) + ceil(pct % of the rest). */
static long spot_of(const group *g, long n)
{
    if (!g->spot_all)
        return 0;
    if (!g->mix || g->mode != MODE_FLEXIBLE)
        return n;
    long base = g->mix_base < n ? g->mix_base : n;
    long regular = base + (long)ceil(g->mix_pct / 100.0 * (double)(n - base) - 1e-9);
    return n - (regular < n ? regular : n);
}

/* The shortest decimal that reads back as x. */
static void shortest(char *buf, size_t size, double x)
{
    for (int p = 15; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, x);
        if (strtod(buf, NULL) == x)
            return;
    }
}

/* Write the scenario text with racks of `hosts` hosts. */
static void write_scenario(ctx *c, FILE *f, const char *region, int zones, int racks, int hosts,
                           const char *evict)
{
    fprintf(f, "; fdsim scenario written by fdsim import (fdsim %s) from:\n", FDSIM_VERSION);
    for (size_t i = 0; i < c->nfiles; i++)
        fprintf(f, ";   %s (%s)\n", c->files[i].path,
                c->files[i].kind == F_TEMPLATE ? "ARM template"
                : c->files[i].kind == F_PARAMS ? "parameters file" : "az output");
    if (json_array_size(c->params_used)) {
        fputs("; template parameters read:\n", f);
        size_t i;
        json_t *v;
        json_array_foreach(c->params_used, i, v) fprintf(f, ";   %s\n", json_string_value(v));
    }
    comment(f, "quorum is not an Azure property: every group's is auto (a majority); set it "
               "to the VMs your service needs up. Check the result with fdsim check, run it "
               "with fdsim run.");
    comments(f, c->notes);
    if (json_array_size(c->others)) {
        char list[8192] = "";
        size_t len = 0, i;
        json_t *v;
        json_array_foreach(c->others, i, v) if (len < sizeof list) len += (size_t)snprintf(
            list + len, sizeof list - len, "%s%s", len ? "; " : "", json_string_value(v));
        char line[8300];
        snprintf(line, sizeof line, "other resources, not modelled: %s", list);
        comment(f, line);
    }
    fprintf(f, "\n[region]\nname = %s\n", region);
    if (!catalog_region_max_fd(region)) {
        int need = 2;
        for (size_t g = 0; g < c->ngroups; g++)
            if (c->groups[g].fd > need && c->groups[g].fd <= 3 &&
                c->groups[g].mode != MODE_UNIFORM)
                need = (int)c->groups[g].fd;
        comment(f, "the region is not in data/regions.csv: its maximum aligned fault-domain "
                   "count is taken from the deployment; check it (az vm list-skus, "
                   "MaximumPlatformFaultDomainCount)");
        fprintf(f, "maximumPlatformFaultDomainCount = %d\n", need);
    }
    if (zones)
        fprintf(f, "zones = %d\n", zones);
    if (racks != 20)
        fprintf(f, "racksPerZone = %d\n", racks);
    if (hosts != 16) {
        comment(f, "hostsPerRack raised from 16 so that the largest fault domain of a group "
                   "fits on one rack (a logical FD maps onto one physical rack)");
        fprintf(f, "hostsPerRack = %d\n", hosts);
    }
    if (evict[0])
        fprintf(f, "\n[spot]\n; spot.evictionRate is not in the deployment: the default (0.05 "
                   "per VM-hour) is used; set it\nevictionPolicy = %s\n", evict);
    for (size_t i = 0; i < c->ngroups; i++) {
        const group *g = &c->groups[i];
        long n = count_of(g);
        fprintf(f, "\n[group.%s]\n", g->name);
        char from[1300];
        snprintf(from, sizeof from, "from %s", g->where);
        comment(f, from);
        if (g->mode_default)
            comment(f, "orchestrationMode not given: Uniform, the API's default for a scale "
                       "set");
        comments(f, g->notes);
        fprintf(f, "orchestrationMode = %s\n", scenario_mode_name(g->mode));
        if (g->fd)
            fprintf(f, "platformFaultDomainCount = %ld\n", g->fd);
        if (g->ud)
            fprintf(f, "platformUpdateDomainCount = %ld\n", g->ud);
        if (g->zones) {
            fputs("zones = ", f);
            bool any = false;
            for (int z = 1; z <= SCEN_MAX_ZONES; z++)
                if (g->zones & (1u << (z - 1))) {
                    fprintf(f, "%s%d", any ? "," : "", z);
                    any = true;
                }
            fputc('\n', f);
        }
        if (g->listed)
            fprintf(f, "count = %ld ; the set's VMs\n", n);
        else if (g->vms && g->capacity)
            fprintf(f, "count = %ld ; sku.capacity %ld + %ld VMs that join it\n", n,
                    g->capacity, g->vms);
        else if (g->vms)
            fprintf(f, "count = %ld ; the VMs that reference it\n", n);
        else
            fprintf(f, "count = %ld\n", n);
        if (g->size[0])
            fprintf(f, "vmSize = %s\n", g->size);
        else if (!g->size_unknown)
            fputs("; vmSize: not in the deployment: the default is used\n", f);
        if (g->spg >= 0 && g->mode == MODE_UNIFORM)
            fprintf(f, "singlePlacementGroup = %s\n", g->spg ? "true" : "false");
        else if (g->spg == 1)
            fputs("; singlePlacementGroup = true: a Flexible set has none (Azure requires "
                  "false)\n", f);
        if (g->zone_balance == 1)
            fputs("zoneBalance = true\n", f);
        if (g->managed_image == 1 && g->mode == MODE_UNIFORM)
            fputs("managedImage = true ; built from a managed image: 600 VMs at most\n", f);
        long spot = spot_of(g, n);
        if (spot > 0 && n > 0) {
            char s[40];
            shortest(s, sizeof s, (double)spot / (double)n);
            fprintf(f, "spotShare = %s%s\n", s, g->mix ? " ; priorityMixPolicy" : "");
        }
        size_t np = json_array_size(g->pins);
        if (np && g->mode == MODE_FLEXIBLE && !g->pins_partial && g->capacity == 0) {
            fputs("platformFaultDomain = ", f);
            for (size_t k = 0; k < np; k++)
                fprintf(f, "%s%lld", k ? "," : "",
                        (long long)json_integer_value(json_array_get(g->pins, k)));
            fputc('\n', f);
        } else if (np) {
            fputs("; platformFaultDomain of the VMs that join: not modelled, some of the set's "
                  "VMs have none\n", f);
        }
        if (g->repairs) {
            fputs("automaticRepairs = true\n", f);
            if (g->grace_s > 0) {
                if (fmod(g->grace_s, 60) == 0)
                    fprintf(f, "gracePeriod = %.0fm\n", g->grace_s / 60);
                else
                    fprintf(f, "gracePeriod = %.0fs\n", g->grace_s);
            }
        }
    }
}

/* The loader's message lines for the text, each prefixed by the
 * resource its group came from. */
static void report_invalid(ctx *c, const char *lines)
{
    for (const char *p = lines; *p;) {
        size_t n = strcspn(p, "\n");
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        const group *from = NULL;
        for (size_t g = 0; g < c->ngroups; g++) {
            char key[80];
            snprintf(key, sizeof key, "group.%s.", c->groups[g].name);
            if (strstr(line, key))
                from = &c->groups[g];
        }
        /* the loader's "<import>:LINE: " prefix means nothing to the user */
        const char *msg = strstr(line, ": ");
        msg = msg ? msg + 2 : line;
        if (from)
            problem(c, "%s: %s", from->where, msg);
        else
            problem(c, "the imported scenario: %s", msg);
        p += n + (p[n] == '\n');
    }
}

/* ------------------------------------------------------------ driver -- */

static void ctx_fini(ctx *c)
{
    for (size_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].text);
        json_decref(c->files[i].root);
    }
    free(c->files);
    for (size_t g = 0; g < c->ngroups; g++) {
        json_decref(c->groups[g].notes);
        json_decref(c->groups[g].pins);
    }
    free(c->groups);
    for (size_t i = 0; i < c->nvms; i++)
        json_decref(c->vms[i].unused);
    free(c->vms);
    json_decref(c->given);
    json_decref(c->notes);
    json_decref(c->others);
    json_decref(c->params_used);
}

/* -p NAME=VALUE or @FILE into c->given (files read as parameters files). */
static int take_params(ctx *c)
{
    for (size_t i = 0; i < c->spec->nparams; i++) {
        const char *p = c->spec->params[i];
        if (p[0] == '@') {
            json_error_t err;
            json_t *root = json_load_file(p + 1, JSON_REJECT_DUPLICATES, &err);
            if (root == NULL) {
                problem(c, "-p %s: %s:%d:%d: %s", p, p + 1, err.line, err.column, err.text);
                continue;
            }
            file f = { .path = p + 1, .root = root, .kind = F_PARAMS };
            json_t *params = member(root, "parameters", NULL);
            if (!json_is_object(params))
                problem(c, "-p %s: no \"parameters\" object: not a parameters file", p);
            else
                take_params_file(c, &f);
            json_decref(root);
            continue;
        }
        const char *eq = strchr(p, '=');
        if (eq == NULL || eq == p) {
            problem(c, "-p %s: expected NAME=VALUE or @FILE (a parameters file)", p);
            continue;
        }
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - p), p);
        json_array_append_new(c->given, json_pack("[sss]", name, eq + 1, "-p"));
    }
    return c->errors ? FD_EINVAL : FD_OK;
}

/* Every -p name must be declared by some template. */
static void check_params_declared(ctx *c)
{
    size_t i;
    json_t *e;
    char names[1024] = "";
    size_t nl = 0;
    for (size_t f = 0; f < c->nfiles; f++) {
        const char *k;
        json_t *v;
        json_t *params = c->files[f].kind == F_TEMPLATE
            ? json_object_get(c->files[f].root, "parameters") : NULL;
        json_object_foreach(params, k, v) if (nl < sizeof names) nl += (size_t)snprintf(
            names + nl, sizeof names - nl, "%s%s", nl ? ", " : "", k);
    }
    json_array_foreach(c->given, i, e) {
        const char *name = json_string_value(json_array_get(e, 0));
        const char *origin = json_string_value(json_array_get(e, 2));
        if (strcmp(origin, "-p") != 0)
            continue;
        bool found = false;
        for (size_t f = 0; f < c->nfiles && !found; f++) {
            if (c->files[f].kind != F_TEMPLATE)
                continue;
            arm_scope *s = arm_scope_create(c->files[f].root);
            found = s && arm_scope_declares(s, name);
            arm_scope_destroy(s);
        }
        if (!found)
            problem(c, "-p %s: no template among the files declares a parameter '%s'; they "
                    "declare: %s", name, name, nl ? names : "none");
    }
}

int import_scenario(const import_spec *spec, char **text, size_t *len, FILE *errs, diag *d)
{
    *text = NULL;
    *len = 0;
    ctx c = { .spec = spec, .errs = errs, .d = d };
    c.files = fd_calloc(spec->nfiles ? spec->nfiles : 1, sizeof *c.files);
    c.given = json_array();
    c.notes = json_array();
    c.others = json_array();
    c.params_used = json_array();
    int rc = FD_OK;
    if (!c.files || !c.given || !c.notes || !c.others || !c.params_used) {
        ctx_fini(&c);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < spec->nfiles && rc != FD_EIO; i++) {
        int r = read_file(&c, i);
        c.nfiles = i + 1;
        if (r == FD_EIO)
            rc = FD_EIO;
    }
    if (rc == FD_EIO || c.errors) {
        ctx_fini(&c);
        return rc == FD_EIO ? FD_EIO : FD_EINVAL;
    }
    for (size_t i = 0; i < c.nfiles; i++)
        if (c.files[i].kind == F_PARAMS)
            take_params_file(&c, &c.files[i]);
    take_params(&c);
    check_params_declared(&c);
    for (size_t i = 0; i < c.nfiles && !c.errors; i++) {
        file *f = &c.files[i];
        if (f->kind == F_TEMPLATE) {
            arm_scope *s = arm_scope_create(f->root);
            if (s == NULL) {
                c.oom = true;
                break;
            }
            give_all(&c, s);
            if (c.errors) { /* a -p value of the wrong type: nothing to evaluate with */
                arm_scope_destroy(s);
                break;
            }
            walk_resources(&c, f, member(f->root, "resources", NULL), s, "");
            if (arm_scope_used(s, c.params_used) != 0)
                c.oom = true;
            arm_scope_destroy(s);
        } else if (f->kind == F_AZ) {
            if (json_is_array(f->root)) {
                size_t k;
                json_t *o;
                json_array_foreach(f->root, k, o) take_az(&c, f, o);
            } else {
                take_az(&c, f, f->root);
            }
        }
    }
    match_vms(&c);
    if (c.oom) {
        ctx_fini(&c);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    /* the region: one per scenario */
    char region[64] = "";
    const group *first = NULL;
    bool open = false;
    for (size_t g = 0; g < c.ngroups; g++) {
        const group *gr = &c.groups[g];
        open = open || gr->location_open;
        if (!gr->location[0])
            continue;
        if (!region[0]) {
            snprintf(region, sizeof region, "%s", gr->location);
            first = gr;
        } else if (strcmp(region, gr->location) != 0) {
            problem(&c, "%s: in %s, but %s is in %s: a scenario models one region; import "
                    "each region's deployments on their own", gr->where, gr->location,
                    first->name, region);
        }
    }
    if (!region[0] && spec->location)
        normalise_location(spec->location, region, sizeof region);
    if (!region[0]) {
        snprintf(region, sizeof region, "eastus");
        note(&c, c.notes, "%s: region.name is the default (eastus); set it, import with "
             "--location REGION, or give the template's location parameter (-p "
             "location=REGION)", open ? "the location is known only when Azure deploys "
             "(resourceGroup().location)" : "no location in the deployment");
    } else if (open && !spec->location) {
        note(&c, c.notes, "some locations are known only when Azure deploys: taken as %s, "
             "the others'", region);
    }
    if (c.ngroups == 0 && !c.errors)
        problem(&c, "no virtual machine scale set or availability set in %s%s: nothing to "
                "import (fdsim models groups of VMs deployed as one of those)",
                spec->nfiles ? spec->files[0] : "the files", spec->nfiles > 1 ? " and the rest"
                                                                            : "");
    int zones = 0;
    long most_fd = 0;
    for (size_t g = 0; g < c.ngroups; g++) {
        group *gr = &c.groups[g];
        for (int z = SCEN_MAX_ZONES; z >= 1; z--)
            if ((gr->zones & (1u << (z - 1))) && z > zones)
                zones = z;
        long n = count_of(gr);
        if (n == 0 && !c.errors)
            problem(&c, "%s: no VMs: %s; valid: a set with VMs", gr->where,
                    gr->kind == G_AVSET ? "no VM in these files references the availability "
                                          "set (import the template or az vm show JSON of "
                                          "its VMs too)"
                                        : "sku.capacity is 0 and no VM joins the set");
        if (gr->spot_all && gr->evict[0] && strcasecmp(gr->evict, "Delete") &&
            strcasecmp(gr->evict, "Deallocate"))
            problem(&c, "%s: evictionPolicy %s: expected Delete or Deallocate", gr->where,
                    gr->evict);
        /* the most VMs of a group on one rack: an FD of fixed spreading */
        long f = gr->fd > 1 && gr->mode != MODE_UNIFORM ? gr->fd : 1;
        long per = f > 1 ? (n + f - 1) / f : 0;
        if (per > most_fd)
            most_fd = per;
    }
    const char *evict = "";
    for (size_t g = 0; g < c.ngroups; g++)
        if (c.groups[g].spot_all && c.groups[g].evict[0]) {
            if (!evict[0])
                evict = c.groups[g].evict;
            else if (strcasecmp(evict, c.groups[g].evict))
                note(&c, c.groups[g].notes, "evictionPolicy %s: fdsim has one policy for "
                     "every Spot VM: %s (the first set's) is used", c.groups[g].evict, evict);
        }
    if (c.errors) {
        ctx_fini(&c);
        return FD_EINVAL;
    }
    /* Size the racks so the largest fixed-spreading FD fits on one, then
     * check the text with the loader and the placement, growing the world
     * until every VM is placed. */
    int hosts = 16, racks = 20;
    while ((long)hosts * 8 < most_fd + 8 && hosts < 10000)
        hosts *= 2;
    for (int attempt = 0;; attempt++) {
        char *buf = NULL;
        size_t blen = 0;
        FILE *f = open_memstream(&buf, &blen);
        if (f == NULL) {
            ctx_fini(&c);
            return diag_set(d, FD_ENOMEM, "out of memory");
        }
        write_scenario(&c, f, region, zones, racks, hosts, evict);
        if (fclose(f) != 0 || c.oom) {
            free(buf);
            ctx_fini(&c);
            return diag_set(d, FD_ENOMEM, "out of memory");
        }
        char *errtext = NULL;
        size_t elen = 0;
        FILE *ef = open_memstream(&errtext, &elen);
        scenario *s = NULL;
        diag ld;
        diag_clear(&ld);
        rc = ef ? scenario_load_text(&s, buf, blen, "<import>", ".", NULL, 0, ef, &ld)
                : FD_ENOMEM;
        if (ef)
            fclose(ef);
        if (rc == FD_EINVAL) {
            report_invalid(&c, errtext ? errtext : "");
            free(errtext);
            free(buf);
            ctx_fini(&c);
            return FD_EINVAL;
        }
        free(errtext);
        place_result *pr = NULL;
        bool fits = rc == FD_OK && place_build(s, &pr, &ld) == FD_OK;
        for (size_t g = 0; fits && g < place_ngroups(pr); g++)
            fits = place_group_at(pr, g)->failures == 0;
        place_result_destroy(pr);
        scenario_destroy(s);
        if (rc != FD_OK) {
            free(buf);
            ctx_fini(&c);
            return diag_set(d, rc, "%s", ld.msg);
        }
        if (fits || attempt == 6) {
            *text = buf;
            *len = blen;
            break;
        }
        free(buf);
        racks *= 2; /* room for the groups side by side */
        if (hosts < 10000)
            hosts *= 2;
    }
    ctx_fini(&c);
    return FD_OK;
}
