/* Tests of stats: exact integrals of known step functions, months, and
 * reductions against hand-computed values. */
#include <criterion/criterion.h>

#include "stats.h"

#include <math.h>

#define HOUR 3600.0
#define YEAR (365.0 * 86400.0)

Test(stats, tally_integrates_a_known_timeline)
{
    stats_tally t;
    cr_assert_eq(stats_tally_init(&t, 5, 3, 99.95, YEAR), 0);
    stats_tally_reset(&t, 0);
    stats_tally_observe(&t, 10 * HOUR, 1);  /* 1 down for 2 h */
    stats_tally_observe(&t, 12 * HOUR, 3);  /* 3 down (2 up < 3): outage 1 h */
    stats_tally_observe(&t, 13 * HOUR, 0);
    stats_tally_observe(&t, 20 * HOUR, 5);  /* everything down for 30 min */
    stats_tally_observe(&t, 20 * HOUR, 4);  /* same instant: replaces 5 */
    stats_tally_observe(&t, 20.5 * HOUR, 0);
    stats_replica r;
    stats_tally_finish(&t, 0, &r);
    double vm_down = 1 * 2 * HOUR + 3 * 1 * HOUR + 4 * 0.5 * HOUR;
    cr_assert_float_eq(r.vm_availability, 1 - vm_down / (5 * YEAR), 1e-15);
    cr_assert_float_eq(r.service_availability, 1 - 1.5 * HOUR / YEAR, 1e-15);
    cr_assert_float_eq(r.downtime_min_per_year, 90, 1e-9);
    cr_assert_float_eq(r.outages, 2, 0);
    cr_assert_float_eq(r.outage_mean_min, 45, 1e-9);
    cr_assert_float_eq(r.worst_loss, 4, 0, "the zero-length 5 does not count");
    cr_assert_float_eq(r.deficit_vm_hours, 1 * 1 + 2 * 0.5, 1e-12);
    cr_assert_float_eq(r.months, 12, 0);
    /* 90 min in January: 100 * (730 h - 1.5 h) / 730 h = 99.795 % < 99.95 % */
    cr_assert_float_eq(r.months_met, 11, 0);
    stats_tally_fini(&t);
}

Test(stats, an_outage_across_a_month_boundary_is_split)
{
    stats_tally t;
    stats_tally_init(&t, 1, 1, 99.9, 2 * STATS_MONTH);
    stats_tally_reset(&t, 0);
    stats_tally_observe(&t, STATS_MONTH - 0.5 * HOUR, 1);
    stats_tally_observe(&t, STATS_MONTH + 0.5 * HOUR, 0);
    stats_replica r;
    stats_tally_finish(&t, 0, &r);
    cr_assert_float_eq(t.month_down[0], 0.5 * HOUR, 1e-9);
    cr_assert_float_eq(t.month_down[1], 0.5 * HOUR, 1e-9);
    cr_assert_float_eq(r.outages, 1, 0, "one outage, though it spans two months");
    cr_assert_float_eq(r.months_met, 2, 0, "30 min of 730 h is 99.93 %");
    stats_tally_fini(&t);
}

Test(stats, a_partial_last_month_is_judged_on_its_length)
{
    stats_tally t;
    stats_tally_init(&t, 1, 1, 99.0, 1.5 * STATS_MONTH);
    cr_assert_eq(t.nmonths, 2);
    stats_tally_reset(&t, 0);
    double half = 0.5 * STATS_MONTH;
    stats_tally_observe(&t, STATS_MONTH, 1);
    stats_tally_observe(&t, STATS_MONTH + 0.011 * half, 0); /* 1.1 % of the short month */
    stats_replica r;
    stats_tally_finish(&t, 3, &r);
    cr_assert_float_eq(r.months_met, 1, 0);
    cr_assert_float_eq(r.alloc_failures, 3, 0);
    stats_tally_fini(&t);
}

Test(stats, unallocated_vms_stay_down)
{
    stats_tally t;
    stats_tally_init(&t, 4, 4, 99.95, YEAR);
    stats_tally_reset(&t, 1);
    stats_replica r;
    stats_tally_finish(&t, 1, &r);
    cr_assert_float_eq(r.service_availability, 0, 0);
    cr_assert_float_eq(r.vm_availability, 0.75, 1e-15);
    cr_assert_float_eq(r.outages, 1, 0);
    stats_tally_fini(&t);
}

Test(stats, summary_matches_hand_computation)
{
    double x[] = { 4, 1, 3, 2, 5 };
    stats_summary s = stats_summarise(x, 5);
    cr_assert_float_eq(s.mean, 3, 1e-15);
    cr_assert_float_eq(s.sd, sqrt(2.5), 1e-15);
    double half = 2.7764451051977987 * sqrt(2.5) / sqrt(5.0); /* t(0.975, 4) */
    cr_assert_float_eq(s.ci_low, 3 - half, 1e-12);
    cr_assert_float_eq(s.ci_high, 3 + half, 1e-12);
    cr_assert_float_eq(s.p50, 3, 1e-15);
    cr_assert_float_eq(s.p5, 1.2, 1e-12);
    cr_assert_float_eq(s.p99, 4.96, 1e-12);
    double one[] = { 7 };
    s = stats_summarise(one, 1);
    cr_assert_float_eq(s.ci_low, 7, 0);
    cr_assert_float_eq(s.ci_high, 7, 0);
}

Test(stats, wilson_interval)
{
    double lo, hi;
    stats_wilson(50, 100, &lo, &hi);
    cr_assert_float_eq(lo, 0.40383, 1e-4);
    cr_assert_float_eq(hi, 0.59617, 1e-4);
    stats_wilson(100, 100, &lo, &hi);
    cr_assert_float_eq(hi, 1, 1e-12);
    cr_assert_float_eq(lo, 0.96300, 1e-4);
}
