/*
 * vmstate: exact, incremental up/down state of every VM (see vmstate.h).
 *
 * Storage is per group, one int per node for each of: inner up count, group
 * causes, VMs placed under the node; one int per VM for its own causes and
 * host; an intrusive doubly linked list of the VMs on each host.  VM i of
 * group g has the global index gi = first[g] + i.
 */
#include "vmstate.h"

#include "alloc.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct vmstate {
    vmstate_shape shape;
    size_t ngroups;
    int nodes;       /* zone blocks + racks + hosts */
    int nvms;        /* VMs of all groups */
    int *parent;     /* parent node of each node, -1 for zone blocks */
    int *cw;         /* world causes per node */
    int *cg;         /* group causes: ngroups x nodes */
    int *inner;      /* up VMs under each node ignoring its own causes: ngroups x nodes */
    int *under;      /* VMs placed under each node: ngroups x nodes */
    int *up;         /* up VMs per group */
    int *count;      /* VMs per group */
    int *first;      /* global index of each group's VM 0 */
    int *grp;        /* group of each global VM */
    int *cv;         /* own causes per global VM */
    int *host;       /* host of each global VM, -1 none */
    int *next, *prev;/* host list links per global VM, -1 none */
    int *head;       /* first VM on each host, -1 none */
    unsigned layout; /* bumped whenever a VM may have changed rack */
    int relaid;      /* a VM changed rack since the snapshot */
    /* the snapshot every replica starts from */
    int *s_inner, *s_under, *s_up, *s_host, *s_next, *s_prev, *s_head;
};

static int host_node(const vmstate *v, int host)
{
    return v->shape.zone_blocks + v->shape.zone_blocks * v->shape.racks_per_zone + host;
}

vmstate_node vmstate_zone_node(const vmstate *v, int zone_block)
{
    (void)v;
    assert(zone_block >= 0 && zone_block < v->shape.zone_blocks);
    return zone_block;
}

vmstate_node vmstate_rack_node(const vmstate *v, int rack)
{
    assert(rack >= 0 && rack < v->shape.zone_blocks * v->shape.racks_per_zone);
    return v->shape.zone_blocks + rack;
}

vmstate_node vmstate_host_node(const vmstate *v, int host)
{
    assert(host >= 0 && host_node(v, host) < v->nodes);
    return host_node(v, host);
}

vmstate *vmstate_create(vmstate_shape shape, size_t ngroups, const int *counts)
{
    vmstate *v = fd_calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->shape = shape;
    v->ngroups = ngroups;
    int racks = shape.zone_blocks * shape.racks_per_zone;
    int hosts = racks * shape.hosts_per_rack;
    v->nodes = shape.zone_blocks + racks + hosts;
    for (size_t g = 0; g < ngroups; g++)
        v->nvms += counts[g];
    size_t gn = ngroups * (size_t)v->nodes, nv = (size_t)v->nvms + 1;
    size_t ng = ngroups + 1, nn = (size_t)v->nodes, nh = (size_t)hosts + 1;
    int **arrays[] = { &v->parent, &v->cw, &v->cg, &v->inner, &v->under, &v->up,
                       &v->count, &v->first, &v->grp, &v->cv, &v->host, &v->next,
                       &v->prev, &v->head, &v->s_inner, &v->s_under, &v->s_up,
                       &v->s_host, &v->s_next, &v->s_prev, &v->s_head };
    size_t sizes[] = { nn, nn, gn, gn, gn, ng, ng, ng, nv, nv, nv, nv, nv, nh, gn, gn,
                       ng, nv, nv, nv, nh };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (!(*arrays[i] = fd_calloc(sizes[i] ? sizes[i] : 1, sizeof(int)))) {
            vmstate_destroy(v);
            return NULL;
        }
    for (int z = 0; z < shape.zone_blocks; z++)
        v->parent[z] = -1;
    for (int r = 0; r < racks; r++)
        v->parent[shape.zone_blocks + r] = r / shape.racks_per_zone;
    for (int h = 0; h < hosts; h++)
        v->parent[host_node(v, h)] = shape.zone_blocks + h / shape.hosts_per_rack;
    int gi = 0;
    for (size_t g = 0; g < ngroups; g++) {
        v->count[g] = counts[g];
        v->first[g] = gi;
        for (int i = 0; i < counts[g]; i++, gi++) {
            v->grp[gi] = (int)g;
            v->host[gi] = v->next[gi] = v->prev[gi] = -1;
        }
    }
    for (int h = 0; h < hosts; h++)
        v->head[h] = -1;
    vmstate_snapshot(v);
    return v;
}

void vmstate_destroy(vmstate *v)
{
    if (!v)
        return;
    int *arrays[] = { v->parent, v->cw, v->cg, v->inner, v->under, v->up, v->count,
                      v->first, v->grp, v->cv, v->host, v->next, v->prev, v->head,
                      v->s_inner, v->s_under, v->s_up, v->s_host, v->s_next, v->s_prev,
                      v->s_head };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    free(v);
}

static int *row(const vmstate *v, int *base, size_t g)
{
    return base + g * (size_t)v->nodes;
}

/* Is node x down for group g by its own causes? */
static int own_down(const vmstate *v, size_t g, int x)
{
    return v->cw[x] + row(v, v->cg, g)[x] > 0;
}

/* Add `delta` up VMs of group g at node x and carry the change upward
 * until a node that is down absorbs it, or it reaches the group total. */
static void lift(vmstate *v, size_t g, int x, int delta)
{
    int *inner = row(v, v->inner, g);
    while (x >= 0) {
        inner[x] += delta;
        assert(inner[x] >= 0);
        if (own_down(v, g, x))
            return;
        x = v->parent[x];
    }
    v->up[g] += delta;
    assert(v->up[g] >= 0 && v->up[g] <= v->count[g]);
}

/* Node x of group g goes down (delta -1) or up (+1) by its own causes. */
static void toggle(vmstate *v, size_t g, int x, int dir)
{
    int n = row(v, v->inner, g)[x];
    if (n == 0)
        return;
    if (v->parent[x] >= 0)
        lift(v, g, v->parent[x], dir * n);
    else {
        v->up[g] += dir * n;
        assert(v->up[g] >= 0 && v->up[g] <= v->count[g]);
    }
}

void vmstate_world_cause(vmstate *v, vmstate_node x, int delta)
{
    assert(delta == 1 || delta == -1);
    int before = v->cw[x];
    v->cw[x] += delta;
    assert(v->cw[x] >= 0);
    if ((before == 0) == (v->cw[x] == 0))
        return; /* still down: nothing changes */
    for (size_t g = 0; g < v->ngroups; g++)
        if (row(v, v->cg, g)[x] == 0)
            toggle(v, g, x, -delta);
}

void vmstate_group_cause(vmstate *v, size_t g, vmstate_node x, int delta)
{
    assert(delta == 1 || delta == -1);
    int *cg = row(v, v->cg, g);
    int before = cg[x];
    cg[x] += delta;
    assert(cg[x] >= 0);
    if ((before == 0) != (cg[x] == 0) && v->cw[x] == 0)
        toggle(v, g, x, -delta);
}

void vmstate_vm_cause(vmstate *v, size_t g, int vm, int delta)
{
    assert(delta == 1 || delta == -1);
    int gi = v->first[g] + vm;
    int before = v->cv[gi];
    v->cv[gi] += delta;
    assert(v->cv[gi] >= 0);
    if ((before == 0) != (v->cv[gi] == 0) && v->host[gi] >= 0)
        lift(v, g, host_node(v, v->host[gi]), -delta);
}

void vmstate_place(vmstate *v, size_t g, int vm, int host)
{
    int gi = v->first[g] + vm;
    int old = v->host[gi];
    int *under = row(v, v->under, g);
    if (old >= 0) {
        if (v->prev[gi] >= 0)
            v->next[v->prev[gi]] = v->next[gi];
        else
            v->head[old] = v->next[gi];
        if (v->next[gi] >= 0)
            v->prev[v->next[gi]] = v->prev[gi];
        for (int x = host_node(v, old); x >= 0; x = v->parent[x])
            under[x]--;
        if (v->cv[gi] == 0)
            lift(v, g, host_node(v, old), -1);
    }
    int hpr = v->shape.hosts_per_rack;
    if (old < 0 || host < 0 || old / hpr != host / hpr) {
        v->layout++;
        v->relaid = 1;
    }
    v->host[gi] = host;
    v->next[gi] = v->prev[gi] = -1;
    if (host >= 0) {
        v->next[gi] = v->head[host];
        if (v->head[host] >= 0)
            v->prev[v->head[host]] = gi;
        v->head[host] = gi;
        for (int x = host_node(v, host); x >= 0; x = v->parent[x])
            under[x]++;
        if (v->cv[gi] == 0)
            lift(v, g, host_node(v, host), +1);
    }
}

void vmstate_snapshot(vmstate *v)
{
    v->relaid = 0;
    size_t gn = v->ngroups * (size_t)v->nodes * sizeof(int);
    size_t nv = (size_t)v->nvms * sizeof(int);
    size_t nh = (size_t)(v->nodes - host_node(v, 0)) * sizeof(int);
    memcpy(v->s_inner, v->inner, gn);
    memcpy(v->s_under, v->under, gn);
    memcpy(v->s_up, v->up, v->ngroups * sizeof(int));
    memcpy(v->s_host, v->host, nv);
    memcpy(v->s_next, v->next, nv);
    memcpy(v->s_prev, v->prev, nv);
    memcpy(v->s_head, v->head, nh);
}

void vmstate_copy(vmstate *dst, const vmstate *src)
{
    assert(dst->nodes == src->nodes && dst->nvms == src->nvms && dst->ngroups == src->ngroups);
    size_t gn = src->ngroups * (size_t)src->nodes * sizeof(int);
    size_t nv = (size_t)src->nvms * sizeof(int);
    size_t nh = (size_t)(src->nodes - host_node(src, 0)) * sizeof(int);
    memcpy(dst->cw, src->cw, (size_t)src->nodes * sizeof(int));
    memcpy(dst->cg, src->cg, gn);
    memcpy(dst->inner, src->inner, gn);
    memcpy(dst->under, src->under, gn);
    memcpy(dst->up, src->up, src->ngroups * sizeof(int));
    memcpy(dst->cv, src->cv, nv);
    memcpy(dst->host, src->host, nv);
    memcpy(dst->next, src->next, nv);
    memcpy(dst->prev, src->prev, nv);
    memcpy(dst->head, src->head, nh);
    dst->layout++;
    dst->relaid = 1; /* its racks may be another replica's */
}

void vmstate_reset(vmstate *v)
{
    size_t gn = v->ngroups * (size_t)v->nodes * sizeof(int);
    size_t nv = (size_t)v->nvms * sizeof(int);
    size_t nh = (size_t)(v->nodes - host_node(v, 0)) * sizeof(int);
    memcpy(v->inner, v->s_inner, gn);
    memcpy(v->under, v->s_under, gn);
    memcpy(v->up, v->s_up, v->ngroups * sizeof(int));
    memcpy(v->host, v->s_host, nv);
    memcpy(v->next, v->s_next, nv);
    memcpy(v->prev, v->s_prev, nv);
    memcpy(v->head, v->s_head, nh);
    memset(v->cw, 0, (size_t)v->nodes * sizeof(int));
    memset(v->cg, 0, gn);
    memset(v->cv, 0, nv);
    if (v->relaid) /* back to the snapshot's racks */
        v->layout++;
    v->relaid = 0;
}

int vmstate_up(const vmstate *v, size_t g)
{
    return v->up[g];
}

int vmstate_down(const vmstate *v, size_t g)
{
    return v->count[g] - v->up[g];
}

int vmstate_vm_host(const vmstate *v, size_t g, int vm)
{
    return v->host[v->first[g] + vm];
}

int vmstate_vm_is_up(const vmstate *v, size_t g, int vm)
{
    int gi = v->first[g] + vm;
    if (v->cv[gi] || v->host[gi] < 0)
        return 0;
    for (int x = host_node(v, v->host[gi]); x >= 0; x = v->parent[x])
        if (own_down(v, g, x))
            return 0;
    return 1;
}

int vmstate_node_is_down(const vmstate *v, vmstate_node x)
{
    for (; x >= 0; x = v->parent[x])
        if (v->cw[x])
            return 1;
    return 0;
}

int vmstate_vms_under(const vmstate *v, size_t g, vmstate_node x)
{
    return row(v, v->under, g)[x];
}

int vmstate_up_under(const vmstate *v, size_t g, vmstate_node x)
{
    int n = row(v, v->inner, g)[x];
    for (; n > 0 && x >= 0; x = v->parent[x])
        if (own_down(v, g, x))
            return 0;
    return n;
}

int vmstate_placed(const vmstate *v, size_t g)
{
    const int *under = row(v, v->under, g);
    int n = 0;
    for (int z = 0; z < v->shape.zone_blocks; z++)
        n += under[z];
    return n;
}

unsigned vmstate_layout(const vmstate *v)
{
    return v->layout;
}

int vmstate_host_first(const vmstate *v, int host, size_t *g, int *vm)
{
    int gi = v->head[host];
    if (gi < 0)
        return 0;
    *g = (size_t)v->grp[gi];
    *vm = gi - v->first[*g];
    return 1;
}

int vmstate_host_next(const vmstate *v, size_t *g, int *vm)
{
    int gi = v->next[v->first[*g] + *vm];
    if (gi < 0)
        return 0;
    *g = (size_t)v->grp[gi];
    *vm = gi - v->first[*g];
    return 1;
}
