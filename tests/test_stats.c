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
    stats_tally_finish(&t, 0, &(stats_out){ .rec = &r }, 0);
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
    stats_tally_finish(&t, 0, &(stats_out){ .rec = &r }, 0);
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
    stats_tally_finish(&t, 3, &(stats_out){ .rec = &r }, 0);
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
    stats_tally_finish(&t, 1, &(stats_out){ .rec = &r }, 0);
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

/* Unavailability comes from the downtime itself: 1 s down in a year keeps
 * its digits (1 - A in floating point would give 3.1709791983764586e-08
 * only by luck), and no downtime is exactly 0. */
Test(stats, unavailability_is_computed_from_the_downtime)
{
    stats_tally t;
    cr_assert_eq(stats_tally_init(&t, 3, 3, 99.95, YEAR), 0);
    stats_tally_reset(&t, 0);
    stats_tally_observe(&t, 100, 1);
    stats_tally_observe(&t, 101, 0);
    stats_replica r;
    stats_tally_finish(&t, 0, &(stats_out){ .rec = &r }, 0);
    cr_assert_eq(r.service_unavailability, 1.0 / YEAR, "exactly down / T");
    cr_assert_eq(r.vm_unavailability, 1.0 / (3 * YEAR));
    stats_tally_reset(&t, 0);
    stats_tally_finish(&t, 0, &(stats_out){ .rec = &r }, 0);
    cr_assert_eq(r.service_unavailability, 0);
    cr_assert_eq(r.service_availability, 1);
    stats_tally_fini(&t);
}

/* A range-bound summary: the interval stays in the range, coverage kept
 * (clipping never removes a value of the range); an all-equal sample gives
 * no zero-width interval; no -0. */
Test(stats, summary_in_a_range_never_leaves_it)
{
    double x[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 10 };
    stats_summary u = stats_summarise(x, 10);
    cr_assert_lt(u.ci_low, 0, "the plain t-interval goes below 0 here");
    double y[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 10 };
    stats_summary s = stats_summarise_range(y, 10, 0, INFINITY);
    cr_assert_eq(s.ci_low, 0);
    cr_assert(!signbit(s.ci_low), "no -0");
    cr_assert_float_eq(s.ci_high, u.ci_high, 1e-12);
    cr_assert_float_eq(s.mean, 1, 1e-12);
    double z[] = { 0, 0, 0, 0 };
    s = stats_summarise_range(z, 4, 0, 1);
    cr_assert_eq(s.mean, 0);
    cr_assert_eq(s.ci_low, 0, "0 is the bound of the range");
    cr_assert(isnan(s.ci_high), "no outage seen: no upper end supported, not [0, 0]");
    double w[] = { 2, 2, 2 };
    s = stats_summarise_range(w, 3, 0, 5);
    cr_assert(isnan(s.ci_low) && isnan(s.ci_high));
    double a[] = { 0.2, 0.99, 1, 1, 1 };
    s = stats_summarise_range(a, 5, 0, 1);
    cr_assert_leq(s.ci_high, 1);
    cr_assert_float_eq(stats_zero_events_upper(1000), 2.995732273553991 / 1000, 1e-15);
}

/* A tally over a changing size (autoscale), by hand: 10 slots; from 0 to
 * 10 s the set holds 5, all up, floor 4, target 5; from 10 s it holds 8
 * with 3 down (being created), floor 6, target 8: 5 up, an outage; from
 * 20 s all 8 are up, to the horizon at 30 s.  Below the floor: 10 s, 1 VM
 * short (10 VM-s); below the target: 3 VMs for 10 s (30 VM-s); VM-time in
 * the set 5 x 10 + 8 x 20 = 210 VM-s, 30 of them down; mean size and
 * target 7. */
Test(stats, a_tally_follows_a_changing_size)
{
    stats_tally t;
    cr_assert_eq(stats_tally_init(&t, 10, 4, 99.9, 30), 0);
    stats_tally_reset(&t, 5);
    stats_tally_resize(&t, 0, 5, 0, 4, 5);
    stats_tally_resize(&t, 10, 8, 3, 6, 8);
    stats_tally_observe(&t, 20, 0);
    stats_replica rec;
    stats_tally_finish(&t, 0, &(stats_out){ .rec = &rec }, 0);
    cr_assert_float_eq(rec.service_unavailability, 10.0 / 30, 1e-15);
    cr_assert_float_eq(rec.outages, 1, 0);
    cr_assert_float_eq(rec.deficit_vm_hours, 10 / 3600.0, 1e-15);
    cr_assert_float_eq(rec.target_deficit_vm_hours, 30 / 3600.0, 1e-15);
    cr_assert_float_eq(rec.vm_unavailability, 30.0 / 210, 1e-15);
    cr_assert_float_eq(rec.mean_size, 7, 1e-12);
    cr_assert_float_eq(rec.mean_target, 7, 1e-12);
    cr_assert_float_eq(rec.worst_loss, 3, 0);
    /* an excursion folded over the changed size: 2 more down for 1 s from
     * all 8 up (slack 8 - 6 = 2: the floor holds) costs the target 2 VM-s */
    stats_tally_reset(&t, 5);
    stats_tally_resize(&t, 0, 8, 0, 6, 8);
    cr_assert(stats_tally_folds(&t, 2));
    stats_tally_excursion(&t, 5, 2, 1);
    stats_tally_finish(&t, 0, &(stats_out){ .rec = &rec }, 0);
    cr_assert_float_eq(rec.target_deficit_vm_hours, 2 / 3600.0, 1e-15);
    cr_assert_float_eq(rec.service_unavailability, 0, 0);
    stats_tally_fini(&t);
}
