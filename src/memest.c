/*
 * memest: a run's peak memory from the scenario's shape (see memest.h).
 */
#include "memest.h"

#include "batch.h"
#include "digest.h"
#include "place.h"
#include "stats.h"

#include <stdio.h>
#include <unistd.h>

memest memest_run(const scenario *s, int threads)
{
    memest m = { 0 };
    double Z = s->zones ? s->zones : 1, R = Z * s->racks_per_zone;
    double H = R * s->hosts_per_rack, N = Z + R + H;
    double G = (double)s->ngroups, V = 0, C = 0, most = s->vms_per_host;
    for (size_t g = 0; g < s->ngroups; g++) {
        V += s->groups[g].count;
        C += s->groups[g].count + 1.0;
        if (s->groups[g].count > most)
            most = s->groups[g].count;
    }
    double nm = stats_months(s->horizon);
    uint64_t blocks = ((uint64_t)s->replicas + BATCH_BLOCK - 1) / BATCH_BLOCK;
    m.threads = (uint64_t)threads < blocks ? threads : (int)blocks;
    double slots = (double)batch_window(m.threads);
    if (slots > (double)blocks)
        slots = (double)blocks;

    double world = 5 * H + 4 * R;
    double clone = 4 * H + V * sizeof(place_vm) + G * 64;
    double vmstate = 4 * (2 * N + 5 * G * N + 8 * (V + 1) + 2 * (H + 1) + 3 * (G + 1));
    double inject = 4 * (2 * H + N + 2 * H) + 8 * R + 17 * V + 8 * (C + G * nm) +
                    12 * (most * G + s->vms_per_host) + 8 * most * G;
    double maint = 12 * R * G + 4 * C;
    double scratch = 8 * C;
    m.worker = world + clone + vmstate + inject + maint + scratch;

    m.placement = 9 * H + 4 * R + V * sizeof(place_vm);
    m.window = slots * (BATCH_BLOCK * G * (sizeof(stats_replica) + 8 * nm) + 8 * C) + 24 * C;
    uint64_t cap = digest_cap(s);
    double kept = (double)((uint64_t)s->replicas < cap ? (uint64_t)s->replicas : cap);
    m.digest = G * kept * ((DIGEST_NMETRICS + nm) * 8 + 4) + G * nm * 24;
    m.base = MEMEST_BASE;
    m.total = m.worker * m.threads + m.placement + m.window + m.digest + m.base;
    return m;
}

uint64_t memest_default_limit(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || size <= 0)
        return 0;
    return (uint64_t)((double)pages * (double)size * MEMEST_SHARE);
}

char *memest_format(double bytes, char *buf, size_t size)
{
    static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
    int u = 0;
    while (bytes >= 1000 && u < 5) {
        bytes /= 1000;
        u++;
    }
    snprintf(buf, size, "%.3g %s", bytes, units[u]);
    return buf;
}

int memest_check(const scenario *s, int threads, uint64_t limit, const char *limit_what,
                 diag *d)
{
    memest m = memest_run(s, threads);
    if (limit == 0 || m.total <= (double)limit)
        return FD_OK;
    char tot[32], lim[32], wk[32], rest[32], dg[32], win[32];
    memest_format(m.total, tot, sizeof tot);
    memest_format((double)limit, lim, sizeof lim);
    memest_format(m.worker, wk, sizeof wk);
    memest_format(m.window, win, sizeof win);
    memest_format(m.digest, dg, sizeof dg);
    memest_format(m.placement + m.base, rest, sizeof rest);
    const char *fix;
    double workers = m.worker * m.threads;
    if (workers >= m.window && workers >= m.digest)
        fix = m.threads > 1
            ? "make the world smaller (region.racksPerZone, region.hostsPerRack, region.zones), "
              "or run on fewer threads (-j; each holds its own copy of the world)"
            : "make the world smaller (region.racksPerZone, region.hostsPerRack, region.zones)";
    else if (m.window >= m.digest)
        fix = "make the groups smaller (group.NAME.count) or the horizon shorter "
              "(simulation.horizon), or run on fewer threads (-j)";
    else
        fix = "make the horizon shorter (simulation.horizon) or the groups fewer; "
              "past 65536 replicas the digest no longer grows";
    double hosts = (s->zones ? s->zones : 1) * (double)s->racks_per_zone * s->hosts_per_rack;
    return diag_set(d, FD_EINVAL, "the run would need about %s of memory (%d thread%s x %s "
                    "for a world of %.0f hosts, %s batch window, %s digest, %s placement "
                    "and program), more than the limit of %s (%s); %s", tot, m.threads,
                    m.threads == 1 ? "" : "s", wk, hosts, win, dg, rest, lim, limit_what, fix);
}
