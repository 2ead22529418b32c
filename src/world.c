/*
 * world: racks, hosts and free slots (see world.h).
 *
 * Three flat arrays indexed by the global host or rack index; the shape
 * (zones, racks per zone, hosts per rack, slots per host) makes every index
 * conversion a division.
 */
#include "world.h"

#include "alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct world {
    int zones;           /* region zones 1..3, or 0: one regional cluster */
    int blocks;          /* zone blocks: zones, or 1 when regional */
    int racks_per_zone;  /* racks in each block */
    int hosts_per_rack;  /* hosts in each rack */
    int slots;           /* VM slots per host */
    int nracks;          /* blocks * racks_per_zone */
    int nhosts;          /* nracks * hosts_per_rack */
    int *host_free;      /* free slots per host, whether up or down */
    bool *host_up;       /* false: the host takes no new VM */
    int *rack_free;      /* sum of host_free over the up hosts of the rack */
};

int world_create(world **out, const scenario *s, diag *d)
{
    *out = NULL;
    world *w = fd_calloc(1, sizeof *w);
    if (!w)
        goto fail;
    w->zones = s->zones;
    w->blocks = s->zones ? s->zones : 1;
    w->racks_per_zone = s->racks_per_zone;
    w->hosts_per_rack = s->hosts_per_rack;
    w->slots = s->vms_per_host;
    w->nracks = w->blocks * w->racks_per_zone;
    w->nhosts = w->nracks * w->hosts_per_rack;
    w->host_free = fd_malloc((size_t)w->nhosts * sizeof *w->host_free);
    w->host_up = fd_malloc((size_t)w->nhosts * sizeof *w->host_up);
    w->rack_free = fd_malloc((size_t)w->nracks * sizeof *w->rack_free);
    if (!w->host_free || !w->host_up || !w->rack_free)
        goto fail;
    world_reset(w);
    *out = w;
    return FD_OK;
fail:
    world_destroy(w);
    return diag_set(d, FD_ENOMEM, "out of memory building the world of %s",
                    s->source);
}

void world_destroy(world *w)
{
    if (!w)
        return;
    free(w->host_free);
    free(w->host_up);
    free(w->rack_free);
    free(w);
}

void world_reset(world *w)
{
    for (int h = 0; h < w->nhosts; h++) {
        w->host_free[h] = w->slots;
        w->host_up[h] = true;
    }
    for (int r = 0; r < w->nracks; r++)
        w->rack_free[r] = w->hosts_per_rack * w->slots;
}

void world_copy(world *dst, const world *src)
{
    assert(dst->nhosts == src->nhosts && dst->nracks == src->nracks
           && dst->slots == src->slots);
    memcpy(dst->host_free, src->host_free, (size_t)src->nhosts * sizeof *src->host_free);
    memcpy(dst->host_up, src->host_up, (size_t)src->nhosts * sizeof *src->host_up);
    memcpy(dst->rack_free, src->rack_free, (size_t)src->nracks * sizeof *src->rack_free);
}

int world_zones(const world *w) { return w->zones; }
int world_racks_per_zone(const world *w) { return w->racks_per_zone; }
int world_hosts_per_rack(const world *w) { return w->hosts_per_rack; }
int world_slots_per_host(const world *w) { return w->slots; }
int world_racks(const world *w) { return w->nracks; }
int world_hosts(const world *w) { return w->nhosts; }

int world_rack_zone(const world *w, int rack)
{
    assert(rack >= 0 && rack < w->nracks);
    return w->zones ? rack / w->racks_per_zone + 1 : 0;
}

int world_host_rack(const world *w, int host)
{
    assert(host >= 0 && host < w->nhosts);
    return host / w->hosts_per_rack;
}

int world_rack_first_host(const world *w, int rack)
{
    assert(rack >= 0 && rack < w->nracks);
    return rack * w->hosts_per_rack;
}

int world_host_free(const world *w, int host)
{
    assert(host >= 0 && host < w->nhosts);
    return w->host_up[host] ? w->host_free[host] : 0;
}

int world_rack_roomiest(const world *w, int rack)
{
    assert(rack >= 0 && rack < w->nracks);
    int best = -1, room = 0, first = rack * w->hosts_per_rack;
    for (int h = first; h < first + w->hosts_per_rack; h++)
        if (w->host_up[h] && w->host_free[h] > room) {
            room = w->host_free[h];
            best = h;
        }
    return best;
}

int world_rack_free(const world *w, int rack)
{
    assert(rack >= 0 && rack < w->nracks);
    return w->rack_free[rack];
}

bool world_host_up(const world *w, int host)
{
    assert(host >= 0 && host < w->nhosts);
    return w->host_up[host];
}

void world_set_host_up(world *w, int host, bool up)
{
    assert(host >= 0 && host < w->nhosts);
    if (w->host_up[host] == up)
        return;
    w->host_up[host] = up;
    w->rack_free[host / w->hosts_per_rack] += up ? w->host_free[host] : -w->host_free[host];
}

void world_take(world *w, int host)
{
    assert(host >= 0 && host < w->nhosts);
    assert(w->host_up[host] && w->host_free[host] > 0);
    w->host_free[host]--;
    w->rack_free[host / w->hosts_per_rack]--;
}

void world_release(world *w, int host)
{
    assert(host >= 0 && host < w->nhosts);
    assert(w->host_free[host] < w->slots);
    w->host_free[host]++;
    if (w->host_up[host])
        w->rack_free[host / w->hosts_per_rack]++;
}
