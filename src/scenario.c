/*
 * scenario: INI loading, overrides, defaults and validation (see scenario.h).
 *
 * One table, `keys`, lists every key: its section, name, type, where it is
 * stored, its default (as scenario text, so defaults go through the same
 * parser as the file) and its range.  The same table drives parsing, "did you
 * mean", scenario_write() and the range checks; scenarios/README.md documents
 * it for people.
 *
 * Loading runs in four passes over a `loader`: (1) a line reader feeding
 * inih checks each raw line (text only, length, syntax, known section) and
 * counts lines, so the key handler knows the line it is called for; (2) the
 * handler parses each value into the scenario; (3) the `--set` overrides go
 * through the same handler; (4) resolve() fills "auto" values and validate()
 * applies the platform rules.  Every problem is reported, not just the first.
 */
#include "scenario.h"

#include "alloc.h"
#include "autoscale.h"
#include "catalog.h"
#include "csvio.h"
#include "dur.h"
#include "embed.h"

#include <ini.h>

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FILE_BYTES (1u << 20) /* a scenario is a small text file */
#define MAX_LINE 190              /* inih's line buffer is 200 bytes */
#define MAX_ERRORS 25             /* stop reporting after this many */
#define MAX_WORLD_SLOTS 100000000L
#define MAX_WORLD_HOSTS 4000000L  /* every host costs ~100 B per thread and group (memest.h) */

/* ---------------------------------------------------------------- keys -- */

typedef enum ktype {
    K_DUR,   /* double seconds */
    K_DIST,  /* dist */
    K_INT,   /* int */
    K_LONG,  /* long */
    K_SEED,  /* uint64_t */
    K_REAL,  /* double */
    K_BOOL,  /* bool */
    K_STR,   /* char[SCEN_NAME_MAX] */
    K_ENUM,  /* int (enum), value from `names` */
    K_ZONES, /* unsigned bit set */
    K_PINS,  /* int list (pins, npins) */
    K_SCHED, /* scen_schedule: "08:00 100, 20:00 60" (autoscale.h) */
    K_QUORUM,/* int, or a share of the target "80%" (quorum, quorum_kind, quorum_share) */
} ktype;

typedef enum sect {
    S_SIMULATION,
    S_REGION,
    S_HOST,
    S_RACK,
    S_ZONE,
    S_BURST,
    S_SPOT,
    S_HEALING,
    S_REPAIR,
    S_AUTOSCALE,
    S_REBOOTLESS,
    S_REBOOTFUL,
    S_GROUP, /* [group.NAME]: offsets are into scen_group */
    S_COUNT,
    S_BAD = -1,
} sect;

static const char *const sect_names[S_COUNT] = {
    "simulation", "region", "host", "rack", "zone", "burst", "spot",
    "healing", "repair", "autoscale", "rebootless", "rebootful", "group",
};

static const char *const mode_names[] = { "Flexible", "Uniform", "AvailabilitySet", NULL };
static const char *const placement_names[] = { "once", "perReplica", NULL };
static const char *const estimator_names[] = { "plain", "restart", NULL };
static const char *const evict_names[] = { "Deallocate", "Delete", NULL };
static const char *const scalein_names[] = { "Default", "NewestVM", "OldestVM", NULL };

typedef struct keydef {
    sect section;             /* where the key lives */
    const char *name;         /* as written in the file */
    ktype type;               /* how the value is parsed and stored */
    size_t off;               /* offset in scenario (or scen_group) */
    const char *def;          /* default as text; "auto": resolve() decides; NULL: required */
    double lo, hi;            /* inclusive valid range (numbers; durations in s) */
    const char *const *names; /* K_ENUM: the valid words */
} keydef;

#define SO(f) offsetof(scenario, f)
#define GO(f) offsetof(scen_group, f)
#define Y DUR_YEAR
#define H DUR_HOUR
#define MIN DUR_MINUTE

static const keydef keys[] = {
    { S_SIMULATION, "horizon", K_DUR, SO(horizon), "1y", 1, 1000 * Y, NULL },
    { S_SIMULATION, "replicas", K_LONG, SO(replicas), "1000", 1, SCEN_MAX_REPLICAS, NULL },
    { S_SIMULATION, "seed", K_SEED, SO(seed), "1", 0, 0, NULL },
    { S_SIMULATION, "threads", K_INT, SO(threads), "0", 0, 1024, NULL },
    { S_SIMULATION, "placement", K_ENUM, SO(placement), "once", 0, 0, placement_names },
    { S_SIMULATION, "estimator", K_ENUM, SO(estimator), "plain", 0, 0, estimator_names },
    { S_SIMULATION, "precision", K_REAL, SO(precision), "0", 0, 1, NULL },
    { S_SIMULATION, "timeLimit", K_DUR, SO(time_limit), "0s", 0, 1000 * Y, NULL },

    { S_REGION, "name", K_STR, SO(region), "eastus", 0, 0, NULL },
    { S_REGION, "maximumPlatformFaultDomainCount", K_INT, SO(max_fd), "auto", 1, 3, NULL },
    { S_REGION, "zones", K_INT, SO(zones), "0", 0, SCEN_MAX_ZONES, NULL },
    { S_REGION, "racksPerZone", K_INT, SO(racks_per_zone), "20", 1, 100000, NULL },
    { S_REGION, "hostsPerRack", K_INT, SO(hosts_per_rack), "16", 1, 10000, NULL },
    { S_REGION, "vmsPerHost", K_INT, SO(vms_per_host), "8", 1, 10000, NULL },

    { S_HOST, "enabled", K_BOOL, SO(host.enabled), "true", 0, 0, NULL },
    { S_HOST, "timeToFailure", K_DIST, SO(host.ttf), "exp(mean=12.5y)", 0, 0, NULL },
    { S_HOST, "repairTime", K_DIST, SO(host.outage), "lognormal(median=8h, sigma=1)", 0, 0, NULL },

    { S_RACK, "enabled", K_BOOL, SO(rack.enabled), "true", 0, 0, NULL },
    { S_RACK, "timeToFailure", K_DIST, SO(rack.ttf), "exp(mean=10y)", 0, 0, NULL },
    { S_RACK, "outage", K_DIST, SO(rack.outage), "uniform(1h, 6h)", 0, 0, NULL },

    { S_ZONE, "enabled", K_BOOL, SO(zone.enabled), "true", 0, 0, NULL },
    { S_ZONE, "timeToFailure", K_DIST, SO(zone.ttf), "exp(mean=50y)", 0, 0, NULL },
    { S_ZONE, "outage", K_DIST, SO(zone.outage), "uniform(2h, 8h)", 0, 0, NULL },

    { S_BURST, "enabled", K_BOOL, SO(burst_enabled), "false", 0, 0, NULL },
    { S_BURST, "interval", K_DIST, SO(burst_interval), "exp(mean=20y)", 0, 0, NULL },
    { S_BURST, "hosts", K_INT, SO(burst_hosts), "2", 2, 10000, NULL },
    { S_BURST, "window", K_DUR, SO(burst_window), "120s", 0, 1 * H, NULL },

    { S_SPOT, "evictionRate", K_REAL, SO(spot_rate), "0.05", 0, 100, NULL },
    { S_SPOT, "evictionPolicy", K_ENUM, SO(spot_policy), "Deallocate", 0, 0, evict_names },
    { S_SPOT, "restoreTime", K_DIST, SO(spot_restore), "exp(mean=1h)", 0, 0, NULL },

    { S_HEALING, "enabled", K_BOOL, SO(healing_enabled), "true", 0, 0, NULL },
    { S_HEALING, "time", K_DIST, SO(healing_time), "fixed(15m)", 0, 0, NULL },

    { S_REPAIR, "provisionTime", K_DIST, SO(repair_provision), "fixed(10m)", 0, 0, NULL },

    { S_AUTOSCALE, "provisionTime", K_DIST, SO(as_provision), "uniform(2m, 8m)", 0, 0, NULL },
    { S_AUTOSCALE, "retryInterval", K_DUR, SO(as_retry), "5m", 10, 1 * DUR_DAY, NULL },

    { S_REBOOTLESS, "enabled", K_BOOL, SO(rl_enabled), "true", 0, 0, NULL },
    { S_REBOOTLESS, "period", K_DUR, SO(rl_period), "30d", 1 * H, 100 * Y, NULL },
    { S_REBOOTLESS, "pause", K_DIST, SO(rl_pause), "uniform(2s, 10s)", 0, 0, NULL },
    { S_REBOOTLESS, "reboot", K_DIST, SO(rl_reboot), "fixed(25m)", 0, 0, NULL },
    { S_REBOOTLESS, "settle", K_DUR, SO(rl_settle), "30m", 0, 7 * DUR_DAY, NULL },
    { S_REBOOTLESS, "pauseTolerance", K_DUR, SO(rl_tolerance), "0s", 0, 1 * H, NULL },

    { S_REBOOTFUL, "enabled", K_BOOL, SO(rf_enabled), "true", 0, 0, NULL },
    { S_REBOOTFUL, "period", K_DUR, SO(rf_period), "1y", 1 * H, 100 * Y, NULL },
    { S_REBOOTFUL, "reboot", K_DIST, SO(rf_reboot), "fixed(25m)", 0, 0, NULL },
    { S_REBOOTFUL, "settle", K_DUR, SO(rf_settle), "30m", 30 * MIN, 7 * DUR_DAY, NULL },

    { S_GROUP, "orchestrationMode", K_ENUM, GO(mode), "Flexible", 0, 0, mode_names },
    { S_GROUP, "platformFaultDomainCount", K_INT, GO(fd_count), "auto", 1, 5, NULL },
    { S_GROUP, "platformUpdateDomainCount", K_INT, GO(ud_count), "auto", 1, 1000, NULL },
    { S_GROUP, "zones", K_ZONES, GO(zones), "none", 0, 0, NULL },
    { S_GROUP, "count", K_INT, GO(count), NULL, 1, 100000, NULL },
    { S_GROUP, "quorum", K_QUORUM, GO(quorum), "auto", 1, 100000, NULL },
    { S_GROUP, "vmSize", K_STR, GO(vm_size), "Standard_D2s_v5", 0, 0, NULL },
    { S_GROUP, "memoryPreservingMaintenance", K_BOOL, GO(memory_preserving), "auto", 0, 0, NULL },
    { S_GROUP, "spotShare", K_REAL, GO(spot_share), "0", 0, 1, NULL },
    { S_GROUP, "slaTarget", K_REAL, GO(sla_target), "auto", 50, 99.99999, NULL },
    { S_GROUP, "singlePlacementGroup", K_BOOL, GO(single_placement_group), "auto", 0, 0, NULL },
    { S_GROUP, "zoneBalance", K_BOOL, GO(zone_balance), "false", 0, 0, NULL },
    { S_GROUP, "managedImage", K_BOOL, GO(managed_image), "false", 0, 0, NULL },
    { S_GROUP, "platformFaultDomain", K_PINS, GO(pins), "none", 0, 2, NULL },
    { S_GROUP, "automaticRepairs", K_BOOL, GO(automatic_repairs), "false", 0, 0, NULL },
    { S_GROUP, "gracePeriod", K_DUR, GO(grace_period), "10m", 10 * MIN, 90 * MIN, NULL },
    { S_GROUP, "autoscale", K_SCHED, GO(sched[SCHED_DAILY]), "none", 1, 1000, NULL },
    { S_GROUP, "autoscaleWeekdays", K_SCHED, GO(sched[SCHED_WEEKDAYS]), "none", 1, 1000, NULL },
    { S_GROUP, "autoscaleWeekend", K_SCHED, GO(sched[SCHED_WEEKEND]), "none", 1, 1000, NULL },
    { S_GROUP, "autoscaleMinimum", K_INT, GO(as_min), "auto", 1, 1000, NULL },
    { S_GROUP, "autoscaleMaximum", K_INT, GO(as_max), "auto", 1, 1000, NULL },
    { S_GROUP, "scaleInPolicy", K_ENUM, GO(scale_in), "Default", 0, 0, scalein_names },
    { S_GROUP, "protectFromScaleIn", K_INT, GO(protect), "0", 0, 1000, NULL },
};

#undef SO
#undef GO
#undef Y
#undef H
#undef MIN

enum { NKEYS = sizeof keys / sizeof keys[0] };

/* Keys that no longer exist, with what to write instead: a scenario using
 * one is refused with this advice rather than the generic unknown-key list. */
typedef struct removed_key {
    sect section;        /* where the key lived */
    const char *name;    /* as it was written */
    const char *advice;  /* what is wrong with it and what to write instead */
} removed_key;

static const removed_key removed_keys[] = {
    { S_GROUP, "customImage", "removed: it set the 600-VM limit, which belongs to managed "
      "images, not custom ones (seed 004); write managedImage = true for a Uniform scale "
      "set built from a managed image (at most 600 VMs), or drop the key for marketplace, "
      "custom or gallery images (at most 1000)" },
};

/* Index of the group key `name`, for validate(). */
static int key_index(sect s, const char *name)
{
    for (int k = 0; k < NKEYS; k++)
        if (keys[k].section == s && strcmp(keys[k].name, name) == 0)
            return k;
    return -1;
}

/* -------------------------------------------------------------- loader -- */

/* Where a value came from: > 0 a line of the file, FROM_DEFAULT, or
 * FROM_SET(i) for the i-th --set of the command line. */
enum { FROM_DEFAULT = 0 };
#define FROM_SET(i) (-1 - (int)(i))

typedef struct loader {
    scenario *s;            /* being built; owned until handed out */
    const char *name;       /* file name shown in messages */
    const char *basedir;    /* folder of empirical() files */
    const char *p, *end;    /* reader position in the text */
    int lineno;             /* line the reader last returned */
    sect cur;               /* section of the reader's current line */
    int cur_group;          /* index of the current group, if cur == S_GROUP */
    const char *const *sets; /* the --set overrides */
    bool in_section;        /* the reader has passed a [section] header */
    int origin[NKEYS];                    /* per global key: FROM_* or line */
    int (*gorigin)[NKEYS];                /* per group, per key */
    bool gauto[SCEN_MAX_GROUPS][NKEYS];   /* group key written as "auto" */
    bool sauto[NKEYS];                    /* global key written as "auto" */
    FILE *errs;             /* where messages go, or NULL */
    diag *d;                /* first message */
    int nerr;               /* messages so far */
    bool nomem;             /* one of them was memory running out: FD_ENOMEM */
} loader;

/* Report one problem at origin `line` (a file line, FROM_DEFAULT or FROM_SET) about
 * `section.key` (key may be NULL).  Every loader error goes through here. */
static void report(loader *L, int line, const char *section, const char *key,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(loader *L, int line, const char *section, const char *key,
                   const char *fmt, ...)
{
    /* whole on `errs`, however long (an echoed --set value may be); the
     * copy in L->d keeps its start and end (diag.h) */
    char what[SCEN_MAX_SET + 2048];
    va_list ap;
    va_start(ap, fmt);
    diag_vformat(what, sizeof what, fmt, ap);
    va_end(ap);

    char sk[300] = "";
    if (section && key)
        snprintf(sk, sizeof sk, "%s.%s: ", section, key);
    else if (section)
        snprintf(sk, sizeof sk, "[%s]: ", section);
    const char *set = line < 0 ? L->sets[-1 - line] : "";
    size_t n = strlen(set) + strlen(L->name) + strlen(sk) + strlen(what) + 64;
    char *where = fd_malloc(n);
    if (where == NULL) {
        L->nerr++;
        diag_set(L->d, FD_ENOMEM, "%s: out of memory reporting a problem", L->name);
        return;
    }
    if (line < 0)
        snprintf(where, n, "--set %s: %s%s", set, sk, what);
    else if (line > 0)
        snprintf(where, n, "%s:%d: %s%s", L->name, line, sk, what);
    else
        snprintf(where, n, "%s: %s%s", L->name, sk, what);

    L->nerr++;
    /* memory that ran out is no mistake of the scenario's (exit 1, not 2) */
    L->nomem |= strstr(what, "out of memory") != NULL;
    diag_set(L->d, L->nomem ? FD_ENOMEM : FD_EINVAL, "%s", where);
    if (L->errs && L->nerr <= MAX_ERRORS)
        fprintf(L->errs, "%s\n", where);
    else if (L->errs && L->nerr == MAX_ERRORS + 1)
        fprintf(L->errs, "%s: too many errors; stopping the list here\n", L->name);
    free(where);
}

/* The closest of `n` candidate words to `word`, or NULL when none is close. */
static const char *closest(const char *word, const char *const *cand, size_t n)
{
    const char *best = NULL;
    int bestd = (int)strlen(word) / 3 + 2;
    for (size_t i = 0; i < n; i++) {
        int dd = catalog_edit_distance(word, cand[i]);
        if (*word && strncasecmp(cand[i], word, strlen(word)) == 0)
            dd = 1; /* a prefix: "Flex" for "Flexible" */
        if (dd < bestd) {
            bestd = dd;
            best = cand[i];
        }
    }
    return best;
}

/* ------------------------------------------------------- value parsing -- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Parse a whole number in [lo, hi]; returns 0 or -1 with `why`. */
static int parse_integer(const char *v, double lo, double hi, long long *out,
                         char *why, size_t wl)
{
    char *end;
    errno = 0;
    if (!*v) {
        snprintf(why, wl, "empty value; write a whole number from %.0f to %.0f", lo, hi);
        return -1;
    }
    long long x = strtoll(v, &end, 10);
    if (*end != '\0') {
        snprintf(why, wl, "\"%s\" is not a whole number; write one from %.0f to %.0f", v, lo, hi);
        return -1;
    }
    if (errno == ERANGE || (double)x < lo || (double)x > hi) {
        snprintf(why, wl, "%s is out of range; valid: %.0f to %.0f", v, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_real(const char *v, double lo, double hi, double *out,
                      char *why, size_t wl)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    bool hex = strchr(v, 'x') || strchr(v, 'X');
    if (!*v || *end != '\0' || hex || isnan(x) || isinf(x)) {
        snprintf(why, wl, "\"%s\" is not a number; write a decimal number from %g to %g", v, lo, hi);
        return -1;
    }
    if (errno == ERANGE || x < lo || x > hi) {
        snprintf(why, wl, "%s is out of range; valid: %g to %g", v, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

static int parse_bool(const char *v, bool *out, char *why, size_t wl)
{
    if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1")) {
        *out = true;
        return 0;
    }
    if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0")) {
        *out = false;
        return 0;
    }
    snprintf(why, wl, "\"%s\" is not a boolean; write true or false", v);
    return -1;
}

/* "1,2,3" / "2" / "none" -> bit set of zones 1..3. */
static int parse_zones(const char *v, unsigned *out, char *why, size_t wl)
{
    if (!strcasecmp(v, "none") || !*v) {
        *out = 0;
        return 0;
    }
    unsigned set = 0;
    char *buf = fd_strdup(v);
    if (buf == NULL)
        return diag_why(why, wl, "out of memory");
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
        if (strlen(tok) != 1 || tok[0] < '1' || tok[0] > '0' + SCEN_MAX_ZONES) {
            diag_why(why, wl, "\"%s\" is not a zone; write a list of zones 1, 2, 3 "
                     "(e.g. 1,2,3) or none for a regional deployment", tok);
            free(buf);
            return -1;
        }
        unsigned bit = 1u << (tok[0] - '1');
        if (set & bit) {
            diag_why(why, wl, "zone %s is listed twice", tok);
            free(buf);
            return -1;
        }
        set |= bit;
    }
    free(buf);
    *out = set;
    return 0;
}

/* "0,1,1,2" -> owned int array; "none" -> NULL. */
static int parse_pins(const char *v, int **pins, int *npins, char *why, size_t wl)
{
    *pins = NULL;
    *npins = 0;
    if (!strcasecmp(v, "none") || !*v)
        return 0;
    size_t cap = 1;
    for (const char *c = v; *c; c++)
        cap += *c == ',';
    if (cap > SCEN_MAX_PINS) {
        snprintf(why, wl, "%zu entries; at most %d (one per VM)", cap, SCEN_MAX_PINS);
        return -1;
    }
    int *arr = fd_malloc(cap * sizeof *arr);
    char *buf = fd_strdup(v);
    if (!arr || !buf) {
        free(arr);
        free(buf);
        snprintf(why, wl, "out of memory");
        return -1;
    }
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
        long long x;
        if (parse_integer(tok, 0, 2, &x, why, wl) < 0) {
            snprintf(why, wl, "\"%s\" is not a fault domain; write a comma-separated list "
                     "of fault domains 0, 1 or 2, one per VM in creation order (or none)", tok);
            free(arr);
            free(buf);
            return -1;
        }
        arr[n++] = (int)x;
    }
    free(buf);
    *pins = arr;
    *npins = n;
    return 0;
}

/* A duration within [k->lo, k->hi] (and above 0 when k->lo is) into *at;
 * 0, or -1 with why. */
static int parse_duration(const keydef *k, const char *value, double *at, char *why, size_t wl)
{
    double x;
    if (dur_parse(value, &x, why, wl) < 0)
        return -1;
    if (x < k->lo || x > k->hi) {
        char lo[32], hi[32];
        snprintf(why, wl, "%s is out of range; valid: %s to %s", value,
                 dur_format(k->lo, lo, sizeof lo), dur_format(k->hi, hi, sizeof hi));
        return -1;
    }
    if (x <= 0 && k->lo > 0) {
        snprintf(why, wl, "must be more than 0");
        return -1;
    }
    *at = x;
    return 0;
}

/* A distribution (files relative to the scenario's directory) replacing
 * the one at *at, which it frees; 0, or -1 with why and *at untouched. */
static int parse_dist(const loader *L, const char *value, dist *at, char *why, size_t wl)
{
    dist d;
    if (dist_parse(value, L->basedir, &d, why, wl) < 0)
        return -1;
    dist_fini(at);
    *at = d;
    return 0;
}

/* A whole number within [k->lo, k->hi] into the int or long at `at`, as
 * k->type says; 0, or -1 with why. */
static int parse_int(const keydef *k, const char *value, char *at, char *why, size_t wl)
{
    long long x;
    if (parse_integer(value, k->lo, k->hi, &x, why, wl) < 0)
        return -1;
    if (k->type == K_INT)
        *(int *)at = (int)x;
    else
        *(long *)at = (long)x;
    return 0;
}

/* A 64-bit seed, decimal, into *at; 0, or -1 with why. */
static int parse_seed(const char *value, uint64_t *at, char *why, size_t wl)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)value[0])) {
        snprintf(why, wl, "\"%s\" is not a seed; write a whole number from 0 to "
                 "18446744073709551615", value);
        return -1;
    }
    unsigned long long x = strtoull(value, &end, 10);
    if (*end != '\0' || errno == ERANGE) {
        snprintf(why, wl, "\"%s\" is not a seed; write a whole number from 0 to "
                 "18446744073709551615", value);
        return -1;
    }
    *at = (uint64_t)x;
    return 0;
}

/* A name of letters, digits, _ and - (SCEN_NAME_MAX with its NUL) copied
 * to `at`; 0, or -1 with why. */
static int parse_name(const char *value, char *at, char *why, size_t wl)
{
    size_t n = strlen(value);
    if (n == 0 || n >= SCEN_NAME_MAX) {
        snprintf(why, wl, "write a name of 1 to %d characters", SCEN_NAME_MAX - 1);
        return -1;
    }
    for (const char *c = value; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-') {
            snprintf(why, wl, "\"%s\" is not a name; use letters, digits, _ and -", value);
            return -1;
        }
    memcpy(at, value, n + 1);
    return 0;
}

/* One of k->names, exactly, its index into *at; 0, or -1 with why listing
 * the names and the closest one. */
static int parse_enum(const keydef *k, const char *value, int *at, char *why, size_t wl)
{
    size_t n = 0;
    while (k->names[n])
        n++;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(value, k->names[i])) {
            *at = (int)i;
            return 0;
        }
    char list[256] = "";
    for (size_t i = 0; i < n; i++) {
        size_t u = strlen(list);
        snprintf(list + u, sizeof list - u, "%s%s", i ? ", " : "", k->names[i]);
    }
    const char *near = closest(value, k->names, n);
    if (near)
        snprintf(why, wl, "unknown value \"%s\" (did you mean %s?); valid: %s", value, near, list);
    else
        snprintf(why, wl, "unknown value \"%s\"; valid: %s", value, list);
    return -1;
}

/* Fault-domain pins replacing group g's, which it frees; 0, or -1 with why
 * and g untouched. */
static int parse_group_pins(scen_group *g, const char *value, char *why, size_t wl)
{
    int *pins, n;
    if (parse_pins(value, &pins, &n, why, wl) < 0)
        return -1;
    free(g->pins);
    g->pins = pins;
    g->npins = n;
    return 0;
}

/* quorum: a whole number of VMs, or a share of the current target ("80%",
 * more than 0 and at most 100 %) into group g; 0, or -1 with why and g
 * untouched. */
static int parse_quorum(const keydef *k, const char *value, scen_group *g, char *why,
                        size_t wl)
{
    size_t n = strlen(value);
    if (n > 0 && value[n - 1] == '%') {
        char buf[64];
        double pct;
        if (n >= sizeof buf) {
            snprintf(why, wl, "write a share of the target as 80%%, or a number of VMs");
            return -1;
        }
        memcpy(buf, value, n - 1);
        buf[n - 1] = '\0';
        if (parse_real(trim(buf), 0, 100, &pct, why, wl) < 0 || !(pct > 0)) {
            snprintf(why, wl, "\"%s\" is not a share; write more than 0%% and at most "
                     "100%% (of the current target), or a number of VMs", value);
            return -1;
        }
        g->quorum_kind = QUORUM_SHARE;
        g->quorum_share = pct / 100;
        return 0;
    }
    long long x;
    if (parse_integer(value, k->lo, k->hi, &x, why, wl) < 0) {
        size_t u = strlen(why);
        snprintf(why + u, wl - u, ", or a share of the current target as 80%%");
        return -1;
    }
    g->quorum = (int)x;
    g->quorum_kind = QUORUM_FIXED;
    g->quorum_share = 0;
    return 0;
}

/* Parse `value` for key `k` into storage `base` (scenario or group).
 * Returns 0, 1 when the value is "auto" (storage untouched), or -1 with why. */
static int parse_value(loader *L, const keydef *k, void *base, const char *value,
                       char *why, size_t wl)
{
    char *at = (char *)base + k->off;
    if (k->def && !strcmp(k->def, "auto") && !strcasecmp(value, "auto"))
        return 1;
    switch (k->type) {
    case K_DUR:
        return parse_duration(k, value, (double *)at, why, wl);
    case K_DIST:
        return parse_dist(L, value, (dist *)at, why, wl);
    case K_INT:
    case K_LONG:
        return parse_int(k, value, at, why, wl);
    case K_SEED:
        return parse_seed(value, (uint64_t *)at, why, wl);
    case K_REAL:
        return parse_real(value, k->lo, k->hi, (double *)at, why, wl);
    case K_BOOL:
        return parse_bool(value, (bool *)at, why, wl);
    case K_STR:
        return parse_name(value, at, why, wl);
    case K_ENUM:
        return parse_enum(k, value, (int *)at, why, wl);
    case K_ZONES:
        return parse_zones(value, (unsigned *)at, why, wl);
    case K_PINS:
        return parse_group_pins(base, value, why, wl);
    case K_SCHED:
        return autoscale_parse(value, (int)k->lo, (int)k->hi, (scen_schedule *)at, why, wl);
    case K_QUORUM:
        return parse_quorum(k, value, base, why, wl);
    }
    return -1;
}

/* Apply every default of section kind `s` to `base`. */
static void apply_defaults(loader *L, sect s, void *base)
{
    char why[512];
    for (int k = 0; k < NKEYS; k++) {
        if (keys[k].section != s || !keys[k].def)
            continue;
        if (parse_value(L, &keys[k], base, keys[k].def, why, sizeof why) < 0) {
            if (strstr(why, "out of memory")) {
                report(L, 0, sect_names[s], keys[k].name, "%s", why);
                continue;
            }
            fprintf(stderr, "fdsim: bad built-in default %s.%s = %s: %s\n",
                    sect_names[s], keys[k].name, keys[k].def, why);
            abort();
        }
    }
}

/* ------------------------------------------------------------ sections -- */

static bool valid_group_name(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len >= SCEN_NAME_MAX)
        return false;
    for (; *n; n++)
        if (!isalnum((unsigned char)*n) && *n != '_' && *n != '-')
            return false;
    return true;
}

static int find_group(const scenario *s, const char *name)
{
    for (size_t i = 0; i < s->ngroups; i++)
        if (!strcmp(s->groups[i].name, name))
            return (int)i;
    return -1;
}

/* Map a section name to its kind; for "group.NAME" also the group index
 * (-1 when the group does not exist yet). */
static sect lookup_section(const loader *L, const char *name, int *group)
{
    *group = -1;
    if (!strncmp(name, "group.", 6)) {
        *group = find_group(L->s, name + 6);
        return S_GROUP;
    }
    for (int i = 0; i < S_GROUP; i++)
        if (!strcmp(name, sect_names[i]))
            return (sect)i;
    return S_BAD;
}

static void report_unknown_section(loader *L, int line, const char *name)
{
    const char *near = closest(name, sect_names, S_GROUP);
    char suggestion[128] = "";
    if (near)
        snprintf(suggestion, sizeof suggestion, " (did you mean [%s]?)", near);
    report(L, line, NULL, NULL,
           "unknown section [%s]%s; valid: [simulation], [region], [host], [rack], "
           "[zone], [burst], [spot], [healing], [repair], [autoscale], [rebootless], "
           "[rebootful], "
           "[group.NAME]", name, suggestion);
}

/* Start a new group section (the reader saw "[group.NAME]"). */
static int add_group(loader *L, const char *name, int line)
{
    scenario *s = L->s;
    int g = find_group(s, name);
    if (g >= 0) {
        report(L, line, NULL, NULL, "group \"%s\" is defined twice (first at line %d); "
               "give each group its own name", name, s->groups[g].line);
        return -1;
    }
    if (!valid_group_name(name)) {
        report(L, line, NULL, NULL, "\"%s\" is not a valid group name; use 1 to %d "
               "letters, digits, _ or -, as [group.web]", name, SCEN_NAME_MAX - 1);
        return -1;
    }
    if (s->ngroups >= SCEN_MAX_GROUPS) {
        report(L, line, NULL, NULL, "too many groups; at most %d", SCEN_MAX_GROUPS);
        return -1;
    }
    scen_group *gr = &s->groups[s->ngroups];
    memset(gr, 0, sizeof *gr);
    snprintf(gr->name, sizeof gr->name, "%s", name);
    gr->line = line;
    gr->fd_count = gr->ud_count = gr->quorum = -1;
    apply_defaults(L, S_GROUP, gr);
    for (int k = 0; k < NKEYS; k++)
        L->gorigin[s->ngroups][k] = FROM_DEFAULT;
    return (int)s->ngroups++;
}

/* ---------------------------------------------------------- the handler -- */

/* Set key `name` = `value` in section kind `sc` (group index `g`) from
 * origin `line`.  Returns 1 (inih: keep going) always; problems are reported. */
static int set_key(loader *L, sect sc, int g, const char *secname,
                   const char *name, const char *value, int line)
{
    int k = key_index(sc, name);
    for (size_t r = 0; k < 0 && r < sizeof removed_keys / sizeof removed_keys[0]; r++)
        if (removed_keys[r].section == sc && !strcmp(removed_keys[r].name, name)) {
            report(L, line, secname, name, "%s", removed_keys[r].advice);
            return 1;
        }
    if (k < 0) {
        const char *cand[64];
        size_t n = 0;
        char list[1024] = "";
        for (int i = 0; i < NKEYS; i++)
            if (keys[i].section == sc) {
                cand[n++] = keys[i].name;
                size_t u = strlen(list);
                snprintf(list + u, sizeof list - u, "%s%s", u ? ", " : "", keys[i].name);
            }
        const char *near = closest(name, cand, n);
        if (near)
            report(L, line, secname, name, "unknown key (did you mean %s?); valid keys "
                   "of [%s]: %s", near, sc == S_GROUP ? "group.NAME" : secname, list);
        else
            report(L, line, secname, name, "unknown key; valid keys of [%s]: %s",
                   sc == S_GROUP ? "group.NAME" : secname, list);
        return 1;
    }
    int *origin = sc == S_GROUP ? &L->gorigin[g][k] : &L->origin[k];
    if (line > 0 && *origin > 0) {
        report(L, line, secname, name, "set twice in the file (first at line %d); keep one",
               *origin);
        return 1;
    }
    void *base = sc == S_GROUP ? (void *)&L->s->groups[g] : (void *)L->s;
    char why[SCEN_MAX_SET + 1024]; /* room for the value echoed whole */
    int rc = parse_value(L, &keys[k], base, value, why, sizeof why);
    if (rc < 0) {
        report(L, line, secname, name, "%s", why);
        return 1;
    }
    *origin = line;
    bool *isauto = sc == S_GROUP ? &L->gauto[g][k] : &L->sauto[k];
    *isauto = rc == 1;
    return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    loader *L = user;
    if (!L->in_section) {
        report(L, L->lineno, NULL, NULL, "key \"%s\" comes before any [section]; put it "
               "under its section, as [simulation] for replicas", name);
        return 1;
    }
    if (L->cur == S_BAD)
        return 1; /* the section header was reported already */
    return set_key(L, L->cur, L->cur_group, section, name, value, L->lineno);
}

/* ----------------------------------------------------------- the reader -- */

/* inih's line source: hands out one line of the text per call, counting
 * lines, checking syntax and noting the section for the handler.  Lines are
 * left-trimmed so that inih never treats one as a continuation. */
static char *reader(char *str, int num, void *stream)
{
    loader *L = stream;
    if (L->p >= L->end)
        return NULL;
    const char *nl = memchr(L->p, '\n', (size_t)(L->end - L->p));
    const char *stop = nl ? nl : L->end;
    size_t n = (size_t)(stop - L->p);
    char line[4096];
    size_t keep = n < sizeof line - 1 ? n : sizeof line - 1;
    memcpy(line, L->p, keep);
    line[keep] = '\0';
    L->p = nl ? nl + 1 : L->end;
    L->lineno++;

    char *t = trim(line);
    bool comment = *t == ';' || *t == '#' || *t == '\0';
    if (!comment && (n > MAX_LINE || strlen(t) >= (size_t)num - 1)) {
        report(L, L->lineno, NULL, NULL, "line too long (%zu characters); at most %d",
               n, MAX_LINE);
        t = (char *)"";
    } else if (*t == '[') {
        char *close = strchr(t, ']');
        char *after = close ? trim(close + 1) : NULL;
        if (!close || (*after && *after != ';' && *after != '#')) {
            report(L, L->lineno, NULL, NULL, "malformed section header \"%s\"; write "
                   "[name] alone on its line, as [region] or [group.web]", t);
            L->cur = S_BAD;
            t = (char *)"";
        } else {
            *close = '\0';
            L->in_section = true;
            char name[256];
            snprintf(name, sizeof name, "%s", trim(t + 1));
            int g;
            L->cur = lookup_section(L, name, &g);
            if (L->cur == S_BAD)
                report_unknown_section(L, L->lineno, name);
            else if (L->cur == S_GROUP) {
                L->cur_group = add_group(L, name + 6, L->lineno);
                if (L->cur_group < 0)
                    L->cur = S_BAD;
            }
            snprintf(line, sizeof line, "[%s]", name);
            t = line;
        }
    } else if (!comment && !strchr(t, '=')) {
        report(L, L->lineno, NULL, NULL, "expected key = value, a [section] or a ; comment; "
               "got \"%.60s\"", t);
        t = (char *)"";
    } else if (!comment && *t == '=') {
        report(L, L->lineno, NULL, NULL, "missing key name before '='");
        t = (char *)"";
    }
    if (comment)
        t = (char *)"";
    snprintf(str, (size_t)num, "%s\n", t);
    return str;
}

/* Reject what is not a small text file, with the line of the first bad byte. */
static int check_text(loader *L, const char *text, size_t len)
{
    if (len > MAX_FILE_BYTES) {
        report(L, 0, NULL, NULL, "file too large (%zu bytes); a scenario is at most %u bytes",
               len, MAX_FILE_BYTES);
        return -1;
    }
    int line = 1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n')
            line++;
        else if (c < 0x20 && c != '\t' && c != '\r') {
            report(L, line, NULL, NULL, "binary data (byte 0x%02x); a scenario is a plain "
                   "text INI file", c);
            return -1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------- --set -- */

static void apply_set(loader *L, size_t i)
{
    int origin = FROM_SET(i);
    size_t len = strlen(L->sets[i]);
    if (len > SCEN_MAX_SET) {
        report(L, origin, NULL, NULL, "%zu bytes; a --set is at most %d bytes "
               "(section.key=value)", len, SCEN_MAX_SET);
        return;
    }
    char buf[SCEN_MAX_SET + 1];
    memcpy(buf, L->sets[i], len + 1);
    char *eq = strchr(buf, '=');
    char *dot = NULL;
    for (char *c = buf; eq && c < eq; c++)
        if (*c == '.')
            dot = c;
    if (!eq || !dot || dot == buf) {
        report(L, origin, NULL, NULL, "expected section.key=value, as "
               "simulation.replicas=100 or group.web.count=7");
        return;
    }
    *eq = '\0';
    *dot = '\0';
    char *section = trim(buf), *key = trim(dot + 1), *value = trim(eq + 1);
    int g;
    sect sc = lookup_section(L, section, &g);
    if (sc == S_BAD) {
        report_unknown_section(L, origin, section);
    } else if (sc == S_GROUP && g < 0) {
        char list[512] = "";
        for (size_t i = 0; i < L->s->ngroups; i++) {
            size_t u = strlen(list);
            snprintf(list + u, sizeof list - u, "%s%s", i ? ", " : "", L->s->groups[i].name);
        }
        report(L, origin, NULL, NULL, "no group named \"%s\"; the groups are: %s",
               section + 6, list);
    } else {
        set_key(L, sc, g, section, key, value, origin);
    }
}

/* ------------------------------------------------- resolve and validate -- */

/* Origin line of group g's key `name`, or the group's header line. */
static int gline(const loader *L, int g, const char *name)
{
    int k = key_index(S_GROUP, name);
    int o = L->gorigin[g][k];
    return o != FROM_DEFAULT ? o : L->s->groups[g].line;
}

/* Report a problem with group g's key `key`, at the key's line. */
#define GREPORT(L, g, key, ...)                                                \
    do {                                                                       \
        char sec_[80];                                                         \
        snprintf(sec_, sizeof sec_, "group.%s", (L)->s->groups[g].name);       \
        report((L), gline((L), (g), (key)), sec_, (key), __VA_ARGS__);         \
    } while (0)

static bool gexplicit(const loader *L, int g, const char *name)
{
    int k = key_index(S_GROUP, name);
    return L->gorigin[g][k] != FROM_DEFAULT && !L->gauto[g][k];
}

static int zone_count(unsigned zones)
{
    return __builtin_popcount(zones);
}

static void validate_region(loader *L)
{
    scenario *s = L->s;
    int kname = key_index(S_REGION, "name");
    int kmax = key_index(S_REGION, "maximumPlatformFaultDomainCount");
    bool max_set = L->origin[kmax] != FROM_DEFAULT && !L->sauto[kmax];
    if (!max_set) {
        s->max_fd = catalog_region_max_fd(s->region);
        if (s->max_fd == CATALOG_ENOMEM) {
            report(L, L->origin[kname], "region", "name", "out of memory reading the region "
                   "table");
            s->max_fd = 3;
        } else if (s->max_fd == 0) {
            char near[64], hint[128] = "";
            catalog_region_suggest(s->region, near, sizeof near);
            if (near[0])
                snprintf(hint, sizeof hint, " (did you mean %s?)", near);
            report(L, L->origin[kname], "region", "name", "no maximum fault-domain count "
                   "is known for \"%s\"%s; use a region of data/regions.csv or set "
                   "region.maximumPlatformFaultDomainCount = 2 or 3", s->region, hint);
            s->max_fd = 3; /* the most permissive: no cascade of errors */
        }
    }
    long slots = scenario_world_slots(s);
    if (slots > MAX_WORLD_SLOTS || slots <= 0)
        report(L, L->origin[key_index(S_REGION, "racksPerZone")], "region", "racksPerZone",
               "the world has %ld VM slots (zones x racksPerZone x hostsPerRack x "
               "vmsPerHost); at most %ld", slots, MAX_WORLD_SLOTS);
    long hosts = (long)(s->zones ? s->zones : 1) * s->racks_per_zone * s->hosts_per_rack;
    if (hosts > MAX_WORLD_HOSTS)
        report(L, L->origin[key_index(S_REGION, "racksPerZone")], "region", "racksPerZone",
               "the world has %ld hosts (zones x racksPerZone x hostsPerRack); at most %ld "
               "(each worker thread holds its own copy of the world)", hosts,
               MAX_WORLD_HOSTS);
    if (s->burst_enabled && s->burst_hosts > s->hosts_per_rack)
        report(L, L->origin[key_index(S_BURST, "hosts")], "burst", "hosts",
               "%d hosts per burst but racks hold %d hosts; valid: 2 to %d",
               s->burst_hosts, s->hosts_per_rack, s->hosts_per_rack);
}

/* The monthly uptime Azure publishes for group `gr` (seed 002, SLA row),
 * or NAN where none applies.  Every figure is for instances spread across
 * something, so a single VM has none.  Flexible: 99.99 across 2+ zones;
 * 99.95 "for instances spread across fault domains", which we read as
 * covering max spreading too (F = 1, regional or in one zone): the seed
 * says max spreading "will maximally spread instances" across fault
 * domains and that Flexible's guarantees come from "spreading VMs across
 * fault domains in a region or within an Availability Zone"; F = 1 is only
 * what the API shows.  Uniform: 99.99 across 2+ zones; 99.95 only "for
 * FD>1 in Single Placement Group" (so none for F = 1 or several placement
 * groups).  Availability Set: 99.95. */
static double published_sla(const scen_group *gr)
{
    int zones = zone_count(gr->zones);
    if (gr->count < 2)
        return NAN;
    switch (gr->mode) {
    case MODE_FLEXIBLE: return zones >= 2 ? 99.99 : 99.95;
    case MODE_UNIFORM:
        return zones >= 2 ? 99.99
             : gr->fd_count > 1 && gr->single_placement_group ? 99.95 : NAN;
    default: return 99.95;
    }
}

/* An autoscaling group: the limits from its targets when auto, its VM
 * slots (count = autoscaleMaximum), the VMs at time 0, the floor then. */
static void resolve_autoscale(loader *L, int g)
{
    scen_group *gr = &L->s->groups[g];
    gr->autoscale = false;
    for (int k = 0; k < SCHED_KINDS; k++)
        gr->autoscale |= gr->sched[k].n > 0;
    if (!gr->autoscale) {
        gr->as_min = gr->as_max = gr->initial = gr->count;
        return;
    }
    int lo = 1000, hi = 1;
    for (int k = 0; k < SCHED_KINDS; k++)
        for (int i = 0; i < gr->sched[k].n; i++) {
            lo = gr->sched[k].target[i] < lo ? gr->sched[k].target[i] : lo;
            hi = gr->sched[k].target[i] > hi ? gr->sched[k].target[i] : hi;
        }
    if (!gexplicit(L, g, "autoscaleMinimum"))
        gr->as_min = lo;
    if (!gexplicit(L, g, "autoscaleMaximum"))
        gr->as_max = hi > gr->as_min ? hi : gr->as_min;
    gr->count = gr->as_max;
    bool usable = autoscale_usable(gr);
    gr->initial = usable && gr->as_min <= gr->as_max ? autoscale_target(gr, 0) : gr->as_max;
    if (!gexplicit(L, g, "quorum"))
        gr->quorum_kind = QUORUM_MAJORITY;
    if (gr->quorum_kind != QUORUM_FIXED)
        gr->quorum = autoscale_floor(gr, gr->initial);
}

static void resolve_group(loader *L, int g)
{
    scenario *s = L->s;
    scen_group *gr = &s->groups[g];
    bool zonal = gr->zones != 0;
    resolve_autoscale(L, g);
    if (!gexplicit(L, g, "platformFaultDomainCount"))
        gr->fd_count = gr->mode == MODE_FLEXIBLE ? 1
                     : gr->mode == MODE_UNIFORM ? (zonal ? 1 : 5)
                     : 2;
    if (!gexplicit(L, g, "platformUpdateDomainCount"))
        gr->ud_count = gr->mode == MODE_FLEXIBLE ? 0 : 5;
    if (!gexplicit(L, g, "quorum") && !gr->autoscale)
        gr->quorum = gr->count / 2 + 1;
    else if (gr->quorum_kind == QUORUM_SHARE && !gr->autoscale)
        gr->quorum = autoscale_floor(gr, gr->count);
    if (!gexplicit(L, g, "singlePlacementGroup"))
        gr->single_placement_group = gr->mode == MODE_UNIFORM && gr->count <= 100;
    if (!gexplicit(L, g, "slaTarget"))
        gr->sla_target = published_sla(gr);
    if (!gexplicit(L, g, "memoryPreservingMaintenance")) {
        char fam[16], list[256];
        int mp = catalog_sku_memory_preserving(gr->vm_size, fam, sizeof fam);
        if (mp == CATALOG_ENOMEM) {
            GREPORT(L, g, "vmSize", "out of memory reading the VM size table");
            mp = 1;
        } else if (mp < 0) {
            catalog_sku_families(list, sizeof list);
            GREPORT(L, g, "vmSize", "unknown VM size \"%s\"; write Standard_<family><size>... "
                    "with a family of data/skus.csv (%s), or set "
                    "memoryPreservingMaintenance = true or false", gr->vm_size, list);
            mp = 1;
        }
        gr->memory_preserving = mp == 1;
    }
}

/* Write the fault-domain counts of bit set `set` (bit F for F = 1..5) as
 * "1", "1 or 5", "2 to 3", "1, 3 or 5". */
static void format_fd_set(unsigned set, char *buf, size_t len)
{
    int runs[5][2], n = 0;
    for (int f = 1; f <= 5; f++) {
        if (!(set & (1u << f)))
            continue;
        if (n > 0 && runs[n - 1][1] == f - 1)
            runs[n - 1][1] = f;
        else {
            runs[n][0] = runs[n][1] = f;
            n++;
        }
    }
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t u = strlen(buf);
        const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";
        if (runs[i][0] == runs[i][1])
            snprintf(buf + u, len - u, "%s%d", sep, runs[i][0]);
        else
            snprintf(buf + u, len - u, "%s%d to %d", sep, runs[i][0], runs[i][1]);
    }
}

/* platformFaultDomainCount: the counts the group's mode allows (DOMAIN.md
 * §3), intersected with what the world's racks can hold (fixed spreading
 * needs F distinct racks in each zone the group uses).  One message, naming
 * the first rule broken and exactly the counts that satisfy both. */
static void check_fd_count(loader *L, int g)
{
    scenario *s = L->s;
    scen_group *gr = &s->groups[g];
    bool zonal = gr->zones != 0;
    int F = gr->fd_count;
    unsigned upto_max = ((1u << (s->max_fd + 1)) - 1) & ~1u; /* 1 .. region max */
    unsigned mode_set;
    char rule[256], list[64];
    switch (gr->mode) {
    case MODE_FLEXIBLE:
        if (zonal) {
            mode_set = 1u << 1;
            snprintf(rule, sizeof rule, "a zonal Flexible scale set uses max spreading "
                     "inside each zone");
        } else {
            mode_set = upto_max;
            snprintf(rule, sizeof rule, "region %s allows at most %d fault domains "
                     "(1 = max spreading)", s->region, s->max_fd);
        }
        break;
    case MODE_UNIFORM:
        if (zonal) {
            mode_set = 1u << 1 | 1u << 5;
            snprintf(rule, sizeof rule, "a zonal Uniform scale set uses 1 or 5 fault domains");
        } else {
            mode_set = 0x3eu; /* 1 .. 5 */
            snprintf(rule, sizeof rule, "a Uniform scale set uses 1 to 5 fault domains");
        }
        break;
    case MODE_AVAILABILITYSET:
    default:
        mode_set = upto_max & ~(1u << 1);
        format_fd_set(mode_set, list, sizeof list);
        snprintf(rule, sizeof rule, "an Availability Set in %s uses %s fault domains",
                 s->region, list);
        break;
    }
    /* every group lives within one zone's racks (a regional group in a
     * region with zones in one zone, place.h), or the regional cluster */
    int racks = s->racks_per_zone;
    unsigned rack_set = racks >= 5 ? 0x3eu : ((1u << (racks + 1)) - 1) & ~1u;
    unsigned valid = mode_set & rack_set;
    if (F >= 1 && F <= 5 && (valid & (1u << F)))
        return;

    char why[320];
    if (F >= 1 && F <= 5 && !(mode_set & (1u << F)))
        snprintf(why, sizeof why, "%s", rule);
    else
        snprintf(why, sizeof why, "%d fault domains need %d racks but the %s has %d "
                 "(region.racksPerZone)", F, F, s->zones ? "zone" : "region", racks);
    if (valid) {
        format_fd_set(valid, list, sizeof list);
        GREPORT(L, g, "platformFaultDomainCount", "%s; valid: %s", why, list);
    } else {
        format_fd_set(mode_set, list, sizeof list);
        GREPORT(L, g, "platformFaultDomainCount", "%s; no count fits this world (the "
                "mode allows %s): add racks (region.racksPerZone)", why, list);
    }
}

/* zones and zoneBalance: the group's zones exist in the region, in a mode
 * that takes zones, and balancing spans several of them. */
static void check_group_zones(loader *L, int g)
{
    const scenario *s = L->s;
    const scen_group *gr = &s->groups[g];
    bool zonal = gr->zones != 0;
    if (zonal && gr->mode == MODE_AVAILABILITYSET)
        GREPORT(L, g, "zones", "Availability Sets do not support availability zones; "
                "remove zones, or use orchestrationMode = Flexible or Uniform");
    else if (zonal && s->zones == 0)
        GREPORT(L, g, "zones", "the region is set up without zones (region.zones = 0); "
                "set region.zones = 3 or remove the group's zones");
    else if (zonal && (gr->zones >> s->zones) != 0)
        GREPORT(L, g, "zones", "the region has %d zone%s; valid zones: 1 to %d",
                s->zones, s->zones == 1 ? "" : "s", s->zones);
    if (gr->zone_balance && zone_count(gr->zones) < 2)
        GREPORT(L, g, "zoneBalance", "applies only to groups spanning 2 or more zones; "
                "remove it or list several zones");
}

/* platformFaultDomain of a Flexible group: pins need fixed spreading on a
 * memory-preserving size, name existing fault domains, one per VM at most. */
static void check_flexible_pins(loader *L, int g)
{
    const scen_group *gr = &L->s->groups[g];
    int F = gr->fd_count;
    if (gr->npins > 0 && F == 1)
        GREPORT(L, g, "platformFaultDomain", "a VM can be assigned a fault domain only "
                "when platformFaultDomainCount is 2 or 3");
    else if (gr->npins > 0 && !gr->memory_preserving)
        GREPORT(L, g, "platformFaultDomain", "a Flexible scale set with fixed spreading "
                "on a size without memory-preserving maintenance (%s) cannot assign a "
                "VM to a fault domain; remove the key, or use a memory-preserving size",
                gr->vm_size);
    for (int i = 0; i < gr->npins && F > 1 && gr->memory_preserving; i++)
        if (gr->pins[i] >= F) {
            GREPORT(L, g, "platformFaultDomain", "VM %d is assigned fault domain %d; "
                    "valid: 0 to %d", i, gr->pins[i], F - 1);
            break;
        }
    if (gr->npins > gr->count)
        GREPORT(L, g, "platformFaultDomain", "%d entries for %d VMs; at most one per VM",
                gr->npins, gr->count);
}

/* The rules of a Flexible scale set: no update domains, its count limits,
 * and what fixed spreading on a size without memory-preserving maintenance
 * forbids. */
static void check_flexible(loader *L, int g)
{
    const scen_group *gr = &L->s->groups[g];
    int F = gr->fd_count;
    if (gexplicit(L, g, "platformUpdateDomainCount"))
        GREPORT(L, g, "platformUpdateDomainCount", "Flexible scale sets have no update "
                "domains (maintenance goes fault domain by fault domain); remove the key");
    if (gr->count > 1000)
        GREPORT(L, g, "count", "%d VMs; a Flexible scale set holds at most 1000", gr->count);
    else if (gr->count > 200 && !gr->memory_preserving && F > 1)
        GREPORT(L, g, "count", "%d VMs; a Flexible scale set spread over %d fault domains "
                "with a size lacking memory-preserving maintenance (%s) holds at most 200; "
                "use platformFaultDomainCount = 1 or count <= 200", gr->count, F,
                gr->vm_size);
    /* seed 002: with fixed spreading on a size without memory-preserving
     * updates, Flexible can neither mix Spot and regular VMs nor assign a
     * VM to a specific fault domain */
    if (!gr->memory_preserving && F > 1 && gr->spot_share != 0 && gr->spot_share != 1)
        GREPORT(L, g, "spotShare", "a Flexible scale set with fixed spreading "
                "(platformFaultDomainCount = %d) on a size without memory-preserving "
                "maintenance (%s) cannot mix Spot and regular VMs; valid: 0 or 1, or "
                "use platformFaultDomainCount = 1 or a memory-preserving size", F,
                gr->vm_size);
    check_flexible_pins(L, g);
}

/* The rules of a Uniform scale set: 5 update domains, its count limits
 * (image, placement group), all Spot or none, no fault-domain pins. */
static void check_uniform(loader *L, int g)
{
    const scen_group *gr = &L->s->groups[g];
    if (gexplicit(L, g, "platformUpdateDomainCount") && gr->ud_count != 5)
        GREPORT(L, g, "platformUpdateDomainCount", "Uniform scale sets have 5 update "
                "domains; valid: 5");
    /* seed 004: managed images allow 600 instances; marketplace, custom
     * and gallery images 1000 */
    int limit = gr->managed_image ? 600 : 1000;
    if (gr->count > limit)
        GREPORT(L, g, "count", "%d VMs; a Uniform scale set holds at most %d with "
                "%s; valid: 1 to %d", gr->count, limit,
                gr->managed_image ? "a managed image (managedImage = true)"
                                  : "a marketplace, custom or gallery image",
                limit);
    if (gr->single_placement_group && gr->count > 100)
        GREPORT(L, g, "singlePlacementGroup", "a single placement group holds at most "
                "100 VMs (fault-domain guarantees hold per placement group); set "
                "singlePlacementGroup = false or count <= 100");
    if (gr->spot_share != 0 && gr->spot_share != 1)
        GREPORT(L, g, "spotShare", "a Uniform scale set is all Spot or all regular; "
                "valid: 0 or 1");
    if (gr->npins)
        GREPORT(L, g, "platformFaultDomain", "Uniform scale sets cannot assign a VM to "
                "a fault domain; remove the key");
}

/* The rules of an Availability Set: at most 20 update domains and 200 VMs,
 * regular VMs only, no scale-set features, no fault-domain pins. */
static void check_availability_set(loader *L, int g)
{
    const scen_group *gr = &L->s->groups[g];
    if (gr->ud_count > 20)
        GREPORT(L, g, "platformUpdateDomainCount", "an Availability Set has at most 20 "
                "update domains; valid: 1 to 20");
    if (gr->count > 200)
        GREPORT(L, g, "count", "%d VMs; an Availability Set holds at most 200", gr->count);
    if (gr->spot_share > 0)
        GREPORT(L, g, "spotShare", "Availability Sets take regular VMs only; valid: 0");
    if (gr->automatic_repairs)
        GREPORT(L, g, "automaticRepairs", "automatic instance repair is a scale-set "
                "feature; use orchestrationMode = Flexible or Uniform");
    if (gr->npins)
        GREPORT(L, g, "platformFaultDomain", "Availability Sets cannot assign a VM to a "
                "fault domain; remove the key");
}

/* singlePlacementGroup and managedImage belong to Uniform scale sets. */
static void check_uniform_only_keys(loader *L, int g)
{
    const scen_group *gr = &L->s->groups[g];
    const char *mode = mode_names[gr->mode];
    if (gr->mode == MODE_UNIFORM)
        return;
    if (gexplicit(L, g, "singlePlacementGroup"))
        GREPORT(L, g, "singlePlacementGroup", "placement groups belong to Uniform scale "
                "sets; remove the key for %s", mode);
    if (gr->managed_image)
        GREPORT(L, g, "managedImage", "the managed-image limit (600 VMs) applies to "
                "Uniform scale sets; remove the key for %s", mode);
}

/* The autoscale keys: a scale-set feature (seed 002: Availability Sets
 * have neither automatic scaling, nor a scale-in policy, nor instance
 * protection; Flexible has no instance protection), a schedule for every
 * day, limits in order, and the mechanisms not modelled with a changing
 * size refused rather than simulated wrongly. */
static void check_autoscale(loader *L, int g)
{
    const scenario *s = L->s;
    const scen_group *gr = &s->groups[g];
    static const char *const only[] = { "autoscaleMinimum", "autoscaleMaximum",
                                        "scaleInPolicy", "protectFromScaleIn" };
    const char *sched_key = gr->sched[SCHED_DAILY].n ? "autoscale"
                          : gr->sched[SCHED_WEEKDAYS].n ? "autoscaleWeekdays" : "autoscaleWeekend";
    if (gr->mode == MODE_AVAILABILITYSET) {
        const char *key = gr->autoscale ? sched_key : NULL;
        for (size_t i = 0; !key && i < sizeof only / sizeof *only; i++)
            if (gexplicit(L, g, only[i]))
                key = only[i];
        if (key)
            GREPORT(L, g, key, "Availability Sets do not autoscale: automatic scaling, "
                    "scale-in policy and instance protection are scale-set features "
                    "(seed 002); use orchestrationMode = Flexible or Uniform, or a fixed "
                    "count");
        return;
    }
    if (!gr->autoscale) {
        for (size_t i = 0; i < sizeof only / sizeof *only; i++)
            if (gexplicit(L, g, only[i]))
                GREPORT(L, g, only[i], "applies only to a group with an autoscale "
                        "schedule; add autoscale = 08:00 100, 20:00 60 (say) or remove "
                        "the key");
        return;
    }
    if (!autoscale_usable(gr))
        GREPORT(L, g, sched_key, "a schedule must cover every day: give autoscale (every "
                "day), or both autoscaleWeekdays and autoscaleWeekend");
    if (L->gorigin[g][key_index(S_GROUP, "count")] != FROM_DEFAULT)
        GREPORT(L, g, "count", "the autoscale schedule sets the instance count (the set "
                "starts at the target in effect at time 0, Monday 00:00); remove count, "
                "and bound the targets with autoscaleMinimum and autoscaleMaximum");
    if (gr->as_min > gr->as_max)
        GREPORT(L, g, "autoscaleMinimum", "%d is more than autoscaleMaximum (%d); valid: "
                "1 to %d", gr->as_min, gr->as_max, gr->as_max);
    if (gr->protect > gr->as_max)
        GREPORT(L, g, "protectFromScaleIn", "%d VMs protected but the set holds at most %d "
                "(autoscaleMaximum); valid: 0 to %d", gr->protect, gr->as_max, gr->as_max);
    if (gr->protect > 0 && gr->mode == MODE_FLEXIBLE)
        GREPORT(L, g, "protectFromScaleIn", "Flexible scale sets have no instance "
                "protection (seed 002: use an Azure resource lock); remove the key, or use "
                "orchestrationMode = Uniform");
    if (gr->quorum_kind == QUORUM_FIXED && gr->quorum > gr->as_max)
        GREPORT(L, g, "quorum", "%d is more than the set can hold (autoscaleMaximum %d); "
                "valid: 1 to %d, or a share of the target as 80%%", gr->quorum, gr->as_max,
                gr->as_max);
    if (gr->spot_share > 0)
        GREPORT(L, g, "spotShare", "Spot VMs in an autoscaling group are not modelled; "
                "valid with an autoscale schedule: 0");
    if (gr->automatic_repairs)
        GREPORT(L, g, "automaticRepairs", "automatic instance repair in an autoscaling "
                "group is not modelled; remove it or the schedule");
    if (gr->npins)
        GREPORT(L, g, "platformFaultDomain", "fault-domain assignments in an autoscaling "
                "group are not modelled (new VMs go where the mode puts them); remove the key");
    if (s->estimator == ESTIMATOR_RESTART)
        GREPORT(L, g, sched_key, "the restart estimator cannot split a replica of an "
                "autoscaling group (its scale actions are not part of a snapshot yet); set "
                "simulation.estimator = plain");
}

/* Report every rule group `g` breaks, in file order of the rules: count
 * present, zones, fault and update domains and the mode's limits, the
 * Uniform-only keys, then the quorum. */
static void validate_group(loader *L, int g)
{
    const scen_group *gr = &L->s->groups[g];
    check_autoscale(L, g);
    if (L->gorigin[g][key_index(S_GROUP, "count")] == FROM_DEFAULT && !gr->autoscale) {
        GREPORT(L, g, "count", "missing; every group needs count = its number of VMs "
                "(1 to 1000)");
        return;
    }
    check_group_zones(L, g);
    /* fault and update domains */
    check_fd_count(L, g);
    switch (gr->mode) {
    case MODE_FLEXIBLE:
        check_flexible(L, g);
        break;
    case MODE_UNIFORM:
        check_uniform(L, g);
        break;
    case MODE_AVAILABILITYSET:
        check_availability_set(L, g);
        break;
    }
    check_uniform_only_keys(L, g);
    if (gr->quorum > gr->count)
        GREPORT(L, g, "quorum", "%d is larger than count (%d); valid: 1 to %d",
                gr->quorum, gr->count, gr->count);
}

static void validate(loader *L)
{
    scenario *s = L->s;
    if (s->ngroups == 0) {
        report(L, 0, NULL, NULL, "no [group.NAME] section; a scenario needs at least one "
               "group of VMs, as [group.db] with orchestrationMode and count");
        return;
    }
    validate_region(L);
    long need = 0;
    for (size_t g = 0; g < s->ngroups; g++) {
        resolve_group(L, (int)g);
        validate_group(L, (int)g);
        /* an autoscaling group needs room for its first deployment: a
         * scale-out with no room is an allocation failure, a result */
        need += s->groups[g].autoscale ? s->groups[g].initial : s->groups[g].count;
    }
    long slots = scenario_world_slots(s);
    if (need > slots)
        report(L, L->origin[key_index(S_REGION, "racksPerZone")], "region", "racksPerZone",
               "world too small: the groups need %ld VM slots but the region holds %ld "
               "(zones x racksPerZone x hostsPerRack x vmsPerHost); add racks, hosts or "
               "slots", need, slots);
}

/* -------------------------------------------------------------- public -- */

dist *scenario_dist(scenario *s, size_t i, const char **section, const char **key)
{
    for (int k = 0; k < NKEYS; k++) {
        if (keys[k].type != K_DIST || keys[k].section == S_GROUP || i-- > 0)
            continue;
        if (section)
            *section = sect_names[keys[k].section];
        if (key)
            *key = keys[k].name;
        return (dist *)((char *)s + keys[k].off);
    }
    return NULL;
}

bool scenario_autoscales(const scenario *s)
{
    for (size_t g = 0; g < s->ngroups; g++)
        if (s->groups[g].autoscale)
            return true;
    return false;
}

long scenario_world_slots(const scenario *s)
{
    double n = (double)(s->zones ? s->zones : 1) * s->racks_per_zone
             * s->hosts_per_rack * s->vms_per_host;
    return n > 4e18 ? -1 : (long)n;
}

const char *scenario_mode_name(scen_mode m)
{
    return mode_names[m];
}

const char *scenario_scalein_name(scen_scalein p)
{
    return scalein_names[p];
}

const scen_group *scenario_group(const scenario *s, const char *name)
{
    int g = find_group(s, name);
    return g < 0 ? NULL : &s->groups[g];
}

void scenario_destroy(scenario *s)
{
    if (!s)
        return;
    for (int k = 0; k < NKEYS; k++)
        if (keys[k].type == K_DIST && keys[k].section != S_GROUP)
            dist_fini((dist *)((char *)s + keys[k].off));
    for (size_t g = 0; g < s->ngroups; g++)
        free(s->groups[g].pins);
    free(s->groups);
    free(s);
}

int scenario_load_text(scenario **out, const char *text, size_t len,
                       const char *name, const char *basedir,
                       const char *const *sets, size_t nsets,
                       FILE *errs, diag *d)
{
    *out = NULL;
    if (strlen(name) >= SCEN_PATH_MAX)
        return diag_set(d, FD_EINVAL, "%.200s...: the scenario's path is %zu bytes; at most "
                        "%d", name, strlen(name), SCEN_PATH_MAX - 1);
    /* a UTF-8 byte-order mark (Windows editors write one) is no content */
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
        text += 3;
        len -= 3;
    }
    loader *L = fd_calloc(1, sizeof *L);
    scenario *s = fd_calloc(1, sizeof *s);
    scen_group *groups = fd_calloc(SCEN_MAX_GROUPS, sizeof *groups);
    int (*gorigin)[NKEYS] = fd_calloc(SCEN_MAX_GROUPS, sizeof *gorigin);
    if (!L || !s || !groups || !gorigin) {
        free(L);
        free(s);
        free(groups);
        free(gorigin);
        return diag_set(d, FD_ENOMEM, "%s: out of memory", name);
    }
    s->groups = groups;
    snprintf(s->source, sizeof s->source, "%s", name);
    L->s = s;
    L->name = name;
    L->basedir = basedir;
    L->errs = errs;
    L->d = d;
    L->gorigin = gorigin;
    L->p = text;
    L->end = text + len;

    for (int sc = 0; sc < S_GROUP; sc++)
        apply_defaults(L, (sect)sc, s);

    if (check_text(L, text, len) == 0) {
        /* keys before the first section header are reported by the handler */
        L->cur = S_BAD;
        L->sets = sets;
        int rc = ini_parse_stream(reader, L, handler, L);
        if (rc < 0)
            report(L, 0, NULL, NULL, "out of memory while parsing");
        for (size_t i = 0; i < nsets; i++)
            apply_set(L, i);
        if (L->nerr == 0)
            validate(L);
    }

    int rc = FD_OK;
    if (L->nerr > 0) {
        rc = L->nomem ? FD_ENOMEM : FD_EINVAL;
        scenario_destroy(s);
    } else {
        *out = s;
    }
    free(gorigin);
    free(L);
    return rc;
}

int scenario_load_file(scenario **out, const char *path,
                       const char *const *sets, size_t nsets,
                       FILE *errs, diag *d)
{
    *out = NULL;
    char *buf;
    size_t len;
    diag local;
    diag_clear(&local);
    if (strlen(path) >= SCEN_PATH_MAX) {
        diag_set(d, FD_EINVAL, "%.200s...: the scenario's path is %zu bytes; at most %d",
                 path, strlen(path), SCEN_PATH_MAX - 1);
        if (errs)
            fprintf(errs, "%s\n", d ? d->msg : "scenario path too long");
        return FD_EINVAL;
    }
    int rc = csvio_slurp(path, MAX_FILE_BYTES, &buf, &len, &local);
    if (rc == FD_EINVAL) {
        /* too large, or not text: a problem of the scenario, listed like one */
        diag_set(d, rc, "%s", local.msg);
        if (errs)
            fprintf(errs, "%s\n", local.msg);
        return rc;
    }
    if (rc != FD_OK) {
        /* not a problem inside the scenario: the caller says it, with its
         * own prefix, as for any other file it could not open */
        return diag_set(d, rc, "%s", local.msg);
    }
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    rc = scenario_load_text(out, buf, len, path, dir, sets, nsets, errs, d);
    free(buf);
    return rc;
}

int scenario_load_default(scenario **out, const char *const *sets,
                          size_t nsets, FILE *errs, diag *d)
{
    return scenario_load_text(out, embed_default_ini, embed_default_ini_len,
                              "<default>", ".", sets, nsets, errs, d);
}

/* ------------------------------------------------------------- writing -- */

static void write_value(FILE *f, const keydef *k, const void *base)
{
    const char *at = (const char *)base + k->off;
    char buf[1100];
    switch (k->type) {
    case K_DUR:
        fputs(dur_format(*(const double *)at, buf, sizeof buf), f);
        break;
    case K_DIST:
        fputs(dist_format((const dist *)at, buf, sizeof buf), f);
        break;
    case K_INT:
        fprintf(f, "%d", *(const int *)at);
        break;
    case K_LONG:
        fprintf(f, "%ld", *(const long *)at);
        break;
    case K_SEED:
        fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)at);
        break;
    case K_REAL: {
        double x = *(const double *)at;
        if (isnan(x)) { /* slaTarget with no published SLA: resolves again */
            fputs("auto", f);
            break;
        }
        snprintf(buf, sizeof buf, "%.15g", x);
        if (strtod(buf, NULL) != x)
            snprintf(buf, sizeof buf, "%.17g", x);
        fputs(buf, f);
        break;
    }
    case K_BOOL:
        fputs(*(const bool *)at ? "true" : "false", f);
        break;
    case K_STR:
        fputs(at, f);
        break;
    case K_ENUM:
        fputs(k->names[*(const int *)at], f);
        break;
    case K_ZONES: {
        unsigned z = *(const unsigned *)at;
        if (!z)
            fputs("none", f);
        for (int i = 0, first = 1; i < SCEN_MAX_ZONES; i++)
            if (z & (1u << i)) {
                fprintf(f, "%s%d", first ? "" : ",", i + 1);
                first = 0;
            }
        break;
    }
    case K_PINS: {
        const scen_group *g = base;
        if (!g->npins)
            fputs("none", f);
        for (int i = 0; i < g->npins; i++)
            fprintf(f, "%s%d", i ? "," : "", g->pins[i]);
        break;
    }
    case K_SCHED:
        fputs(autoscale_format((const scen_schedule *)at, buf, sizeof buf), f);
        break;
    case K_QUORUM: {
        const scen_group *g = base;
        if (g->quorum_kind == QUORUM_MAJORITY)
            fputs("auto", f);
        else if (g->quorum_kind == QUORUM_SHARE)
            fprintf(f, "%.15g%%", g->quorum_share * 100);
        else
            fprintf(f, "%d", g->quorum);
        break;
    }
    }
}

/* Keys scenario_write leaves out of a group without autoscale (so that a
 * fixed group reads as it always did); `count` is left out of one with
 * autoscale (the schedule sets it). */
static bool autoscale_key(const char *name)
{
    return !strncmp(name, "autoscale", 9) || !strcmp(name, "scaleInPolicy")
        || !strcmp(name, "protectFromScaleIn");
}

static void write_section(FILE *f, sect sc, const void *base)
{
    for (int k = 0; k < NKEYS; k++) {
        if (keys[k].section != sc)
            continue;
        /* a Flexible group has no update domains: the key stays out */
        if (sc == S_GROUP && !strcmp(keys[k].name, "platformUpdateDomainCount")
            && ((const scen_group *)base)->mode == MODE_FLEXIBLE)
            continue;
        if (sc == S_GROUP && !strcmp(keys[k].name, "singlePlacementGroup")
            && ((const scen_group *)base)->mode != MODE_UNIFORM)
            continue;
        if (sc == S_GROUP && !strcmp(keys[k].name, "gracePeriod")
            && !((const scen_group *)base)->automatic_repairs)
            continue;
        if (sc == S_GROUP && (((const scen_group *)base)->autoscale
                              ? !strcmp(keys[k].name, "count") : autoscale_key(keys[k].name)))
            continue;
        fprintf(f, "%s = ", keys[k].name);
        write_value(f, &keys[k], base);
        fputc('\n', f);
    }
}

int scenario_write(const scenario *s, FILE *f)
{
    fprintf(f, "; fdsim scenario, fully resolved (defaults filled in) from %s\n", s->source);
    for (int sc = 0; sc < S_GROUP; sc++) {
        if (sc == S_AUTOSCALE && !scenario_autoscales(s))
            continue; /* as a scenario without autoscale always read */
        fprintf(f, "\n[%s]\n", sect_names[sc]);
        write_section(f, (sect)sc, s);
    }
    for (size_t g = 0; g < s->ngroups; g++) {
        fprintf(f, "\n[group.%s]\n", s->groups[g].name);
        write_section(f, S_GROUP, &s->groups[g]);
    }
    return ferror(f) ? -1 : 0;
}
