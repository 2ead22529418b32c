/* Tests of world: layout and index conversions, incremental free capacity,
 * hosts going down and up, reset and copy. */
#include <criterion/criterion.h>

#include "scenario.h"
#include "world.h"

#include <string.h>

static world *make(const char *region, scenario **sp)
{
    char text[512];
    snprintf(text, sizeof text, "%s[group.g]\ncount = 1\n", region);
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(sp, text, strlen(text), "t.ini", ".", NULL, 0, NULL, &d),
                 FD_OK, "%s", d.msg);
    world *w = NULL;
    cr_assert_eq(world_create(&w, *sp, &d), FD_OK);
    return w;
}

Test(world, zonal_layout_and_indices)
{
    scenario *s;
    world *w = make("[region]\nzones = 3\nracksPerZone = 4\nhostsPerRack = 5\nvmsPerHost = 2\n", &s);
    cr_assert_eq(world_zones(w), 3);
    cr_assert_eq(world_racks(w), 12);
    cr_assert_eq(world_hosts(w), 60);
    cr_assert_eq(world_rack_zone(w, 0), 1);
    cr_assert_eq(world_rack_zone(w, 4), 2);
    cr_assert_eq(world_rack_zone(w, 11), 3);
    cr_assert_eq(world_host_rack(w, 0), 0);
    cr_assert_eq(world_host_rack(w, 24), 4);
    cr_assert_eq(world_rack_first_host(w, 7), 35);
    cr_assert_eq(world_rack_free(w, 3), 10);
    cr_assert_eq(world_host_free(w, 59), 2);
    world_destroy(w);
    scenario_destroy(s);
}

Test(world, regional_racks_have_zone_zero)
{
    scenario *s;
    world *w = make("[region]\nracksPerZone = 3\nhostsPerRack = 1\nvmsPerHost = 1\n", &s);
    cr_assert_eq(world_zones(w), 0);
    cr_assert_eq(world_racks(w), 3);
    for (int r = 0; r < 3; r++)
        cr_assert_eq(world_rack_zone(w, r), 0);
    world_destroy(w);
    scenario_destroy(s);
}

Test(world, take_release_down_up_reset_copy)
{
    scenario *s;
    world *w = make("[region]\nracksPerZone = 2\nhostsPerRack = 2\nvmsPerHost = 3\n", &s);
    world_take(w, 2);
    world_take(w, 2);
    world_take(w, 3);
    cr_assert_eq(world_host_free(w, 2), 1);
    cr_assert_eq(world_rack_free(w, 1), 3);
    cr_assert_eq(world_rack_free(w, 0), 6);
    world_set_host_up(w, 2, false);
    cr_assert_not(world_host_up(w, 2));
    cr_assert_eq(world_host_free(w, 2), 0, "a down host offers no room");
    cr_assert_eq(world_rack_free(w, 1), 2);
    world_release(w, 2); /* a VM leaves the down host */
    cr_assert_eq(world_rack_free(w, 1), 2);
    world_set_host_up(w, 2, true);
    cr_assert_eq(world_host_free(w, 2), 2);
    cr_assert_eq(world_rack_free(w, 1), 4);

    world *copy = NULL;
    cr_assert_eq(world_create(&copy, s, NULL), FD_OK);
    world_copy(copy, w);
    cr_assert_eq(world_rack_free(copy, 1), 4);
    world_reset(w);
    cr_assert_eq(world_rack_free(w, 1), 6);
    cr_assert_eq(world_host_free(w, 3), 3);
    cr_assert_eq(world_rack_free(copy, 1), 4, "the copy is independent");
    world_destroy(copy);
    world_destroy(w);
    world_destroy(NULL);
    scenario_destroy(s);
}
