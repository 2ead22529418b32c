/* Tests of vmstate against a brute-force reference: overlapping causes at
 * every level count once, moves keep the counts, reset restores. */
#include <criterion/criterion.h>

#include "vmstate.h"

#include <gsl/gsl_rng.h>

enum { ZB = 2, RPZ = 3, HPR = 4, RACKS = ZB * RPZ, HOSTS = RACKS * HPR, G = 3 };
static const int counts[G] = { 7, 12, 1 };

/* The reference: causes per node and per VM, hosts per VM. */
typedef struct ref {
    int zone[ZB], rack[RACKS], host[HOSTS];   /* world causes */
    int grack[G][RACKS];                      /* group causes on racks */
    int vm[G][16];                            /* VM causes */
    int where[G][16];                         /* host of each VM */
} ref;

static int ref_up(const ref *r, int g)
{
    int up = 0;
    for (int i = 0; i < counts[g]; i++) {
        int h = r->where[g][i], k = h / HPR, z = k / RPZ;
        up += h >= 0 && !r->vm[g][i] && !r->host[h] && !r->rack[k] && !r->grack[g][k]
              && !r->zone[z];
    }
    return up;
}

static vmstate *make(ref *r, gsl_rng *rng)
{
    vmstate_shape shape = { ZB, RPZ, HPR };
    vmstate *v = vmstate_create(shape, G, counts);
    cr_assert_not_null(v);
    memset(r, 0, sizeof *r);
    for (int g = 0; g < G; g++)
        for (int i = 0; i < counts[g]; i++) {
            int h = (int)gsl_rng_uniform_int(rng, HOSTS);
            r->where[g][i] = h;
            vmstate_place(v, (size_t)g, i, h);
        }
    vmstate_snapshot(v);
    return v;
}

Test(vmstate, matches_brute_force_under_random_overlapping_causes)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int trial = 0; trial < 20; trial++) {
        ref r;
        vmstate *v = make(&r, rng);
        ref start = r;
        for (int step = 0; step < 4000; step++) {
            int op = (int)gsl_rng_uniform_int(rng, 6);
            int up = gsl_rng_uniform(rng) < 0.5 ? 1 : -1;
            int g = (int)gsl_rng_uniform_int(rng, G);
            if (op == 0) {
                int z = (int)gsl_rng_uniform_int(rng, ZB);
                if (up < 0 && !r.zone[z]) up = 1;
                r.zone[z] += up;
                vmstate_world_cause(v, vmstate_zone_node(v, z), up);
            } else if (op == 1) {
                int k = (int)gsl_rng_uniform_int(rng, RACKS);
                if (up < 0 && !r.rack[k]) up = 1;
                r.rack[k] += up;
                vmstate_world_cause(v, vmstate_rack_node(v, k), up);
            } else if (op == 2) {
                int h = (int)gsl_rng_uniform_int(rng, HOSTS);
                if (up < 0 && !r.host[h]) up = 1;
                r.host[h] += up;
                vmstate_world_cause(v, vmstate_host_node(v, h), up);
            } else if (op == 3) {
                int k = (int)gsl_rng_uniform_int(rng, RACKS);
                if (up < 0 && !r.grack[g][k]) up = 1;
                r.grack[g][k] += up;
                vmstate_group_cause(v, (size_t)g, vmstate_rack_node(v, k), up);
            } else if (op == 4) {
                int i = (int)gsl_rng_uniform_int(rng, (unsigned long)counts[g]);
                if (up < 0 && !r.vm[g][i]) up = 1;
                r.vm[g][i] += up;
                vmstate_vm_cause(v, (size_t)g, i, up);
            } else {
                int i = (int)gsl_rng_uniform_int(rng, (unsigned long)counts[g]);
                int h = (int)gsl_rng_uniform_int(rng, HOSTS + 1) - 1;
                r.where[g][i] = h;
                vmstate_place(v, (size_t)g, i, h);
            }
            for (int gg = 0; gg < G; gg++) {
                cr_assert_eq(vmstate_up(v, (size_t)gg), ref_up(&r, gg),
                             "trial %d step %d group %d", trial, step, gg);
                cr_assert_eq(vmstate_down(v, (size_t)gg), counts[gg] - ref_up(&r, gg));
            }
        }
        vmstate_reset(v);
        for (int gg = 0; gg < G; gg++)
            cr_assert_eq(vmstate_up(v, (size_t)gg), ref_up(&start, gg), "reset");
        vmstate_destroy(v);
    }
    gsl_rng_free(rng);
}

Test(vmstate, a_rack_failure_during_a_host_failure_counts_once)
{
    vmstate_shape shape = { 1, 2, 2 };
    int n[1] = { 4 };
    vmstate *v = vmstate_create(shape, 1, n);
    for (int i = 0; i < 4; i++)
        vmstate_place(v, 0, i, i); /* one VM per host; hosts 0,1 on rack 0 */
    cr_assert_eq(vmstate_up(v, 0), 4);
    vmstate_world_cause(v, vmstate_host_node(v, 0), 1);
    cr_assert_eq(vmstate_down(v, 0), 1);
    vmstate_world_cause(v, vmstate_rack_node(v, 0), 1);
    cr_assert_eq(vmstate_down(v, 0), 2, "rack 0 holds 2 VMs; one was down already");
    vmstate_world_cause(v, vmstate_host_node(v, 0), -1);
    cr_assert_eq(vmstate_down(v, 0), 2, "the rack still holds both down");
    vmstate_world_cause(v, vmstate_rack_node(v, 0), -1);
    cr_assert_eq(vmstate_down(v, 0), 0, "nothing stays down after its last cause");
    vmstate_destroy(v);
}

Test(vmstate, host_lists_and_counts_follow_moves)
{
    vmstate_shape shape = { 1, 2, 2 };
    int n[2] = { 2, 1 };
    vmstate *v = vmstate_create(shape, 2, n);
    vmstate_place(v, 0, 0, 1);
    vmstate_place(v, 0, 1, 1);
    vmstate_place(v, 1, 0, 1);
    size_t g;
    int vm, seen = 0;
    for (int ok = vmstate_host_first(v, 1, &g, &vm); ok; ok = vmstate_host_next(v, &g, &vm))
        seen++;
    cr_assert_eq(seen, 3);
    cr_assert_eq(vmstate_vms_under(v, 0, vmstate_rack_node(v, 0)), 2);
    vmstate_place(v, 0, 1, 3);
    cr_assert_eq(vmstate_vms_under(v, 0, vmstate_rack_node(v, 0)), 1);
    cr_assert_eq(vmstate_vms_under(v, 0, vmstate_rack_node(v, 1)), 1);
    cr_assert_eq(vmstate_vm_host(v, 0, 1), 3);
    vmstate_world_cause(v, vmstate_host_node(v, 3), 1);
    cr_assert(vmstate_node_is_down(v, vmstate_host_node(v, 3)));
    cr_assert_not(vmstate_vm_is_up(v, 0, 1));
    cr_assert(vmstate_vm_is_up(v, 0, 0));
    vmstate_destroy(v);
}
