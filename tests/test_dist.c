/* Tests of dist: every form parses and prints back to an equal value, every
 * malformed form gives its own message, sample means agree with the closed
 * forms, and empirical files load (header, units, column=) or fail clearly. */
#include <criterion/criterion.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dist.h"
#include "dur.h"

static dist parse_ok(const char *text, const char *basedir)
{
    dist d;
    char why[1024] = "";
    cr_assert_eq(dist_parse(text, basedir, &d, why, sizeof why), 0, "\"%s\": %s",
                 text, why);
    return d;
}

/* dist_parse must fail on `text` with `needle` in its reason. */
static void parse_fails(const char *text, const char *basedir, const char *needle)
{
    dist d;
    char why[1024] = "";
    cr_assert_eq(dist_parse(text, basedir, &d, why, sizeof why), -1,
                 "\"%s\" parsed", text);
    cr_assert(strstr(why, needle) != NULL, "\"%s\": reason \"%s\" lacks \"%s\"",
              text, why, needle);
}

static int dist_equal(const dist *x, const dist *y)
{
    if (x->kind != y->kind || x->a != y->a || x->b != y->b || x->n != y->n)
        return 0;
    for (size_t i = 0; i < x->n; i++)
        if (x->samples[i] != y->samples[i])
            return 0;
    return 1;
}

/* Parse, format, parse again: equal values; and the text is `expect`. */
static void round_trip(const char *text, const char *basedir, const char *expect)
{
    char buf[256];
    dist d = parse_ok(text, basedir);
    dist_format(&d, buf, sizeof buf);
    if (expect != NULL)
        cr_assert_str_eq(buf, expect, "from \"%s\"", text);
    dist e = parse_ok(buf, basedir);
    cr_assert(dist_equal(&d, &e), "\"%s\" -> \"%s\" changed", text, buf);
    dist_fini(&d);
    dist_fini(&e);
}

/* A temp dir holding the CSV files of the empirical tests. */
static char tdir[64];

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", tdir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_files(void)
{
    snprintf(tdir, sizeof tdir, "/tmp/fdsim-dist-XXXXXX");
    cr_assert_not_null(mkdtemp(tdir));
    write_file("plain.csv", "1\n2\n3\n6\n");
    write_file("header.csv", "hours\n1\n2.5\n");
    write_file("units.csv", "ttr,note\r\n15m,a\r\n1h,b\r\n2,c\r\n");
    write_file("cols.csv", "a,b\n1,10\n2,\n3,30\n");
    write_file("badcell.csv", "ttr\n1\nsoon\n");
    write_file("negative.csv", "-5\n");
    write_file("empty.csv", "");
    write_file("header_only.csv", "ttr\n");
    write_file("quote.csv", "1\n\"2\n");
}

static void remove_files(void)
{
    const char *names[] = {"plain.csv", "header.csv", "units.csv", "cols.csv",
                           "badcell.csv", "negative.csv", "empty.csv",
                           "header_only.csv", "quote.csv"};
    char path[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", tdir, names[i]);
        remove(path);
    }
    rmdir(tdir);
}

Test(dist, every_form_round_trips)
{
    round_trip("fixed(15m)", NULL, "fixed(15m)");
    round_trip("fixed(0s)", NULL, "fixed(0s)");
    round_trip("exp(mean=12.5y)", NULL, "exp(mean=12.5y)");
    round_trip("exp(12.5y)", NULL, "exp(mean=12.5y)");
    round_trip("weibull(shape=1.5, scale=10y)", NULL, "weibull(shape=1.5, scale=10y)");
    round_trip("weibull(0.7, 3d)", NULL, "weibull(shape=0.7, scale=3d)");
    round_trip("weibull(scale=3d, shape=0.1)", NULL, "weibull(shape=0.1, scale=3d)");
    round_trip("lognormal(median=4h, sigma=0.5)", NULL,
               "lognormal(median=4h, sigma=0.5)");
    round_trip("lognormal(4h, 0)", NULL, "lognormal(median=4h, sigma=0)");
    round_trip("uniform(1h, 2h)", NULL, "uniform(1h, 2h)");
    round_trip("uniform(a=30m, b=30m)", NULL, "uniform(30m, 30m)");
    round_trip(" exp ( mean = 1d ) ", NULL, "exp(mean=1d)");
    round_trip("weibull(shape=0.33333333333333331, scale=1.2345678901234567s)",
               NULL, NULL);
    round_trip("lognormal(median=0.1s, sigma=0.1)", NULL, NULL);
}

Test(dist, empirical_round_trips_and_prints_source, .init = make_files,
     .fini = remove_files)
{
    round_trip("empirical(plain.csv)", tdir, "empirical(plain.csv)");
    round_trip("empirical(cols.csv, column=b, unit=m)", tdir,
               "empirical(cols.csv, column=b, unit=m)");
}

Test(dist, empirical_loads_headers_units_and_columns, .init = make_files,
     .fini = remove_files)
{
    dist d = parse_ok("empirical(plain.csv)", tdir);
    cr_assert_eq(d.kind, DIST_EMPIRICAL);
    cr_assert_eq(d.n, 4);
    cr_assert_eq(d.samples[3], 6 * DUR_HOUR); /* default unit: hours */
    cr_assert_float_eq(dist_mean(&d), 3 * DUR_HOUR, 1e-9);
    dist_fini(&d);
    cr_assert_eq(d.kind, DIST_FIXED);
    cr_assert_null(d.samples);

    d = parse_ok("empirical(header.csv, unit=s)", tdir);
    cr_assert_eq(d.n, 2);
    cr_assert_eq(d.samples[1], 2.5);
    dist_fini(&d);

    d = parse_ok("empirical(units.csv)", tdir);
    cr_assert_eq(d.n, 3);
    cr_assert_eq(d.samples[0], 900.0);
    cr_assert_eq(d.samples[1], 3600.0);
    cr_assert_eq(d.samples[2], 7200.0);
    dist_fini(&d);

    d = parse_ok("empirical(cols.csv, column=b)", tdir); /* empty cell skipped */
    cr_assert_eq(d.n, 2);
    cr_assert_eq(d.samples[1], 30 * DUR_HOUR);
    dist_fini(&d);

    d = parse_ok("empirical(file=cols.csv, unit=d, column=a)", tdir);
    cr_assert_eq(d.n, 3);
    cr_assert_eq(d.samples[2], 3 * DUR_DAY);
    dist copy;
    cr_assert_eq(dist_copy(&copy, &d), 0);
    cr_assert(dist_equal(&copy, &d));
    cr_assert_neq(copy.samples, d.samples);
    cr_assert_str_eq(copy.source, d.source);
    dist_fini(&d);
    dist_fini(&copy);

    /* An absolute path ignores basedir. */
    char text[160];
    snprintf(text, sizeof text, "empirical(%s/plain.csv)", tdir);
    d = parse_ok(text, "/nonexistent");
    cr_assert_eq(d.n, 4);
    dist_fini(&d);
}

Test(dist, empirical_errors, .init = make_files, .fini = remove_files)
{
    parse_fails("empirical(nope.csv)", tdir, "nope.csv");
    parse_fails("empirical(nope.csv)", tdir, "cannot open");
    parse_fails("empirical(badcell.csv)", tdir, "badcell.csv row 3");
    parse_fails("empirical(badcell.csv)", tdir, "\"soon\"");
    parse_fails("empirical(negative.csv)", tdir, "can't be negative");
    parse_fails("empirical(empty.csv)", tdir, "no samples in");
    parse_fails("empirical(header_only.csv)", tdir, "no samples in");
    parse_fails("empirical(quote.csv)", tdir, "record 2 is not valid CSV");
    parse_fails("empirical(cols.csv, column=c)", tdir,
                "no column \"c\" in the header");
    parse_fails("empirical(cols.csv, column=c)", tdir, "\"a\", \"b\"");
    parse_fails("empirical(plain.csv, unit=min)", tdir, "one of s m h d w y");
    parse_fails("empirical(plain.csv, colum=a)", tdir,
                "valid: file, column, unit");
    parse_fails("empirical()", tdir, "missing argument file");
}

Test(dist, dist_copy_of_parametric_is_plain)
{
    dist d = parse_ok("weibull(2, 1y)", NULL), e;
    cr_assert_eq(dist_copy(&e, &d), 0);
    cr_assert(dist_equal(&e, &d));
    dist_fini(&e);
    dist_fini(NULL);
    dist f = dist_fixed(5.0), g = dist_exp(7.0);
    cr_assert_eq(f.kind, DIST_FIXED);
    cr_assert_eq(f.a, 5.0);
    cr_assert_eq(g.kind, DIST_EXP);
    cr_assert_eq(dist_mean(&g), 7.0);
}

Test(dist, malformed_forms_say_what_is_valid)
{
    parse_fails("expo(mean=1h)", NULL,
                "unknown distribution \"expo\"; did you mean exp(mean=x)?");
    parse_fails("exponential(1h)", NULL, "did you mean exp(mean=x)?");
    parse_fails("weibul(1, 1h)", NULL, "did you mean weibull(shape=k, scale=x)?");
    parse_fails("Uniform(1h, 2h)", NULL, "did you mean uniform(a, b)?");
    parse_fails("gamma(1, 2)", NULL, "valid forms: fixed(x), exp(mean=x)");
    parse_fails("", NULL, "empty distribution");
    parse_fails("15m", NULL, "write fixed(15m)");
    parse_fails("(1h)", NULL, "is not a distribution");
    parse_fails("exp", NULL, "missing '(' after exp");
    parse_fails("exp mean=1h", NULL, "missing '(' after exp");
    parse_fails("exp(mean=1h", NULL, "missing ')'");
    parse_fails("exp(mean=1h) x", NULL, "unexpected \"x\" after ')'");
    parse_fails("exp(mean=1h))", NULL, "unexpected \")\" after ')'");
    parse_fails("exp()", NULL, "missing argument mean; write exp(mean=x)");
    parse_fails("weibull(shape=2)", NULL, "missing argument scale");
    parse_fails("exp(1h, 2h)", NULL, "extra argument \"2h\"");
    parse_fails("uniform(1h, 2h, 3h)", NULL, "extra argument \"3h\"");
    parse_fails("exp(avg=1h)", NULL, "unknown argument \"avg\" for exp; valid: mean");
    parse_fails("weibull(k=1, scale=1h)", NULL, "valid: shape, scale");
    parse_fails("exp(mean=)", NULL, "missing value after mean=");
    parse_fails("exp(mean=1h, mean=2h)", NULL, "mean given twice");
    parse_fails("weibull(2, shape=1)", NULL, "shape given twice");
    parse_fails("weibull(shape=2, 1y)", NULL, "positional argument \"1y\" after");
    parse_fails("uniform(1h,,2h)", NULL, "empty argument");
    parse_fails("uniform(1h, 2h,)", NULL, "empty argument");
    parse_fails("exp(mean=0s)", NULL, "exp mean must be > 0");
    parse_fails("exp(mean=-1h)", NULL, "durations can't be negative");
    parse_fails("exp(mean=1)", NULL, "mean: missing unit in \"1\"");
    parse_fails("fixed(5 parsecs)", NULL, "unknown unit \"parsecs\"");
    parse_fails("weibull(shape=0, scale=1y)", NULL, "weibull shape must be > 0");
    parse_fails("weibull(shape=-1, scale=1y)", NULL, "weibull shape must be > 0");
    parse_fails("weibull(shape=1h, scale=1y)", NULL,
                "shape must be a plain number without a unit");
    parse_fails("weibull(shape=nan, scale=1y)", NULL, "plain number");
    parse_fails("weibull(shape=0x1, scale=1y)", NULL, "plain number");
    parse_fails("weibull(shape=1, scale=0s)", NULL, "weibull scale must be > 0");
    parse_fails("weibull(shape=0.001, scale=1y)", NULL, "mean overflows");
    parse_fails("lognormal(median=0s, sigma=1)", NULL,
                "lognormal median must be > 0");
    parse_fails("lognormal(median=1h, sigma=-0.5)", NULL,
                "lognormal sigma must be >= 0");
    parse_fails("lognormal(median=1h, sigma=40)", NULL, "mean overflows");
    parse_fails("uniform(2h, 1h)", NULL, "needs a <= b");
}

/* The variance of `d` in closed form (empirical: of its samples). */
static double variance(const dist *d)
{
    switch (d->kind) {
    case DIST_FIXED:
        return 0.0;
    case DIST_EXP:
        return d->a * d->a;
    case DIST_WEIBULL: {
        double g1 = gsl_sf_gamma(1 + 1 / d->b), g2 = gsl_sf_gamma(1 + 2 / d->b);
        return d->a * d->a * (g2 - g1 * g1);
    }
    case DIST_LOGNORMAL: {
        double s2 = d->b * d->b;
        return (exp(s2) - 1) * d->a * d->a * exp(s2);
    }
    case DIST_UNIFORM:
        return (d->b - d->a) * (d->b - d->a) / 12.0;
    case DIST_EMPIRICAL: {
        double m = dist_mean(d), v = 0.0;
        for (size_t i = 0; i < d->n; i++)
            v += (d->samples[i] - m) * (d->samples[i] - m);
        return v / (double)d->n;
    }
    }
    return 0.0;
}

static void mean_within_4_se(const char *text, const char *basedir)
{
    enum { N = 200000 };
    dist d = parse_ok(text, basedir);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240601);
    double sum = 0.0, mu = dist_mean(&d);
    for (int i = 0; i < N; i++) {
        double x = dist_sample(&d, r);
        cr_assert(x >= 0.0, "%s drew %g", text, x);
        sum += x;
    }
    double se = sqrt(variance(&d) / N);
    double m = sum / N;
    cr_assert(fabs(m - mu) <= 4 * se + 1e-9 * mu,
              "%s: sample mean %.6g, dist_mean %.6g, se %.3g", text, m, mu, se);
    gsl_rng_free(r);
    dist_fini(&d);
}

Test(dist, sample_means_match_closed_forms, .init = make_files, .fini = remove_files)
{
    mean_within_4_se("fixed(15m)", NULL);
    mean_within_4_se("exp(mean=12.5y)", NULL);
    mean_within_4_se("weibull(shape=1.5, scale=10y)", NULL);
    mean_within_4_se("weibull(shape=0.7, scale=3d)", NULL);
    mean_within_4_se("lognormal(median=4h, sigma=0.5)", NULL);
    mean_within_4_se("lognormal(median=4h, sigma=0)", NULL);
    mean_within_4_se("uniform(1h, 2h)", NULL);
    mean_within_4_se("uniform(1h, 1h)", NULL);
    mean_within_4_se("empirical(plain.csv)", tdir);
    mean_within_4_se("empirical(units.csv)", tdir);
}

Test(dist, closed_form_means)
{
    dist d = parse_ok("weibull(shape=2, scale=1y)", NULL);
    cr_assert_float_eq(dist_mean(&d), DUR_YEAR * sqrt(3.14159265358979323846) / 2, 1e-6);
    d = parse_ok("lognormal(median=1h, sigma=1)", NULL);
    cr_assert_float_eq(dist_mean(&d), DUR_HOUR * exp(0.5), 1e-9);
    d = parse_ok("uniform(1h, 3h)", NULL);
    cr_assert_eq(dist_mean(&d), 2 * DUR_HOUR);
    d = parse_ok("weibull(shape=1, scale=2h)", NULL);
    cr_assert_float_eq(dist_mean(&d), 2 * DUR_HOUR, 1e-9);
}
