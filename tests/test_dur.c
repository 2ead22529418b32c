/* Tests of dur: every unit parses, formatting round-trips exactly, and every
 * kind of bad text is refused with a reason that says what is valid. */
#include <criterion/criterion.h>

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "dur.h"

static double parse_ok(const char *text)
{
    double s = -1.0;
    char why[256] = "";
    cr_assert_eq(dur_parse(text, &s, why, sizeof why), 0, "\"%s\": %s", text, why);
    return s;
}

/* dur_parse must fail on `text` with `needle` in its reason. */
static void parse_fails(const char *text, const char *needle)
{
    double s = 42.0;
    char why[512] = "";
    cr_assert_eq(dur_parse(text, &s, why, sizeof why), -1, "\"%s\" parsed", text);
    cr_assert_eq(s, 42.0, "\"%s\" wrote *seconds on failure", text);
    cr_assert(strstr(why, needle) != NULL, "\"%s\": reason \"%s\" lacks \"%s\"",
              text, why, needle);
}

static void round_trips(double x)
{
    char buf[64], why[256];
    double y = -1.0;
    dur_format(x, buf, sizeof buf);
    cr_assert_eq(dur_parse(buf, &y, why, sizeof why), 0, "%.17g -> \"%s\": %s",
                 x, buf, why);
    cr_assert_eq(y, x, "%.17g -> \"%s\" -> %.17g", x, buf, y);
}

Test(dur, every_unit_parses)
{
    cr_assert_eq(parse_ok("10s"), 10.0);
    cr_assert_eq(parse_ok("15m"), 900.0);
    cr_assert_eq(parse_ok("2.5h"), 9000.0);
    cr_assert_eq(parse_ok("30d"), 30 * 86400.0);
    cr_assert_eq(parse_ok("2w"), 14 * 86400.0);
    cr_assert_eq(parse_ok("1y"), 31536000.0);
    cr_assert_eq(parse_ok("0s"), 0.0);
    cr_assert_eq(parse_ok(".5h"), 1800.0);
    cr_assert_eq(parse_ok("1e3s"), 1000.0);
    cr_assert_eq(parse_ok("1000000y"), 1e6 * DUR_YEAR);
}

Test(dur, blanks_around_number_and_unit)
{
    cr_assert_eq(parse_ok("  15m"), 900.0);
    cr_assert_eq(parse_ok("15 m"), 900.0);
    cr_assert_eq(parse_ok("\t15m \t"), 900.0);
}

Test(dur, format_picks_the_largest_readable_unit)
{
    char buf[64];
    cr_assert_str_eq(dur_format(0.0, buf, sizeof buf), "0s");
    cr_assert_str_eq(dur_format(900.0, buf, sizeof buf), "15m");
    cr_assert_str_eq(dur_format(9000.0, buf, sizeof buf), "2.5h");
    cr_assert_str_eq(dur_format(30 * 86400.0, buf, sizeof buf), "30d");
    cr_assert_str_eq(dur_format(DUR_WEEK, buf, sizeof buf), "1w");
    cr_assert_str_eq(dur_format(DUR_YEAR, buf, sizeof buf), "1y");
    cr_assert_str_eq(dur_format(12.5 * DUR_YEAR, buf, sizeof buf), "12.5y");
    cr_assert_str_eq(dur_format(10.0, buf, sizeof buf), "10s");
    cr_assert_str_eq(dur_format(1000.0, buf, sizeof buf), "1000s");
    cr_assert_str_eq(dur_format(1e-3, buf, sizeof buf), "0.001s");
    /* At least one of the unit: 0.1h prints as 6m, 90 s as 1.5m. */
    cr_assert_str_eq(dur_format(0.1 * DUR_HOUR, buf, sizeof buf), "6m");
    cr_assert_str_eq(dur_format(90.0, buf, sizeof buf), "1.5m");
    cr_assert_str_eq(dur_format(36 * DUR_HOUR, buf, sizeof buf), "1.5d");
    cr_assert_str_eq(dur_format(0.5, buf, sizeof buf), "0.5s");
    /* No exact short form in any unit: seconds, exact to the last bit. */
    cr_assert_str_eq(dur_format(1.0 / 3.0, buf, sizeof buf), "0.33333333333333331s");
}

Test(dur, tricky_values_round_trip)
{
    const char *texts[] = {"0.1h", "1e-3s", "1y", "2.5h", "0.1s", "0.3m",
                           "1.1d", "1000000y", "0.7w", "3.3333y", "1e-300s"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        round_trips(parse_ok(texts[i]));
    double values[] = {0.0, 0.1, 1.0 / 3.0, 4.9e-324, 1e-310, 3.14159265358979 * DUR_YEAR,
                       1e6 * DUR_YEAR, nextafter(3600.0, 0.0),
                       nextafter(3600.0, 1e9), 0.1 * 3600.0};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        round_trips(values[i]);
}

Test(dur, random_doubles_round_trip)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    for (int i = 0; i < 200000; i++) {
        /* Spread over many magnitudes, from 1e-6 s to 1e6 y. */
        double x = exp(gsl_rng_uniform(r) * log(1e6 * DUR_YEAR / 1e-6)) * 1e-6;
        if (x > 1e6 * DUR_YEAR)
            x = 1e6 * DUR_YEAR;
        round_trips(x);
        /* Short decimals in a unit, as people write them. */
        double units[] = {1, DUR_MINUTE, DUR_HOUR, DUR_DAY, DUR_WEEK, DUR_YEAR};
        round_trips((double)gsl_rng_uniform_int(r, 100000) / 100.0 *
                    units[gsl_rng_uniform_int(r, 6)]);
    }
    gsl_rng_free(r);
}

Test(dur, errors_say_what_is_valid)
{
    parse_fails("15", "missing unit in \"15\"; write a number followed by one of "
                      "s m h d w y (e.g. 15m, 2.5h, 30d; 1y = 365 d)");
    parse_fails("", "empty duration");
    parse_fails("   ", "empty duration");
    parse_fails(NULL, "empty duration");
    parse_fails("-5m", "durations can't be negative");
    parse_fails("+5m", "without '+'");
    parse_fails("0x10s", "hexadecimal");
    parse_fails("0x1p3h", "hexadecimal");
    parse_fails("inf s", "not a duration");
    parse_fails("infs", "not a duration");
    parse_fails("nan h", "not a duration");
    parse_fails("h", "not a duration");
    parse_fails("15min", "unknown unit \"min\"");
    parse_fails("15M", "unknown unit \"M\"");
    parse_fails("15m 3s", "unexpected \"3s\"");
    parse_fails("15mx", "unknown unit \"mx\"");
    parse_fails("1000001y", "too large");
    parse_fails("1e400s", "too large");
    parse_fails(".", "not a duration");
}

Test(dur, zero_whylen_is_allowed)
{
    double s;
    cr_assert_eq(dur_parse("bad", &s, NULL, 0), -1);
    char why[8];
    cr_assert_eq(dur_parse("15", &s, why, sizeof why), -1);
    cr_assert_eq(strlen(why), sizeof why - 1);
}
