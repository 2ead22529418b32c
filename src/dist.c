/*
 * dist: parse, print, sample distributions of durations (see dist.h).
 *
 * Invariant: a dist that dist_parse() returned satisfies its form's
 * constraints (exp mean > 0, weibull shape and scale > 0, lognormal
 * median > 0 and sigma >= 0, uniform a <= b, empirical n >= 1 samples all
 * >= 0) and has a finite mean; dist_sample and dist_mean rely on it.
 *
 * The parser is a small table of forms: a name, its parameters in
 * positional order, and how many are required.  Every error message names
 * the text and says what would be valid.
 */
#include "dist.h"

#include "alloc.h"
#include "csvio.h"
#include "diag.h"
#include "dur.h"

#include <ctype.h>
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMPIRICAL_MAX_BYTES ((size_t)64 << 20) /* largest empirical file read */
#define MAX_PARAMS 3

/* One accepted form.  Parameters are durations except those in `plain`. */
typedef struct form {
    const char *name;               /* "weibull" */
    dist_kind kind;                 /* what it parses into */
    const char *usage;              /* "weibull(shape=k, scale=x)" */
    const char *params[MAX_PARAMS]; /* keyword names in positional order */
    int nparams;                    /* entries used in `params` */
    int nrequired;                  /* the first nrequired are required */
} form;

static const form forms[] = {
    {"fixed", DIST_FIXED, "fixed(x)", {"x"}, 1, 1},
    {"exp", DIST_EXP, "exp(mean=x)", {"mean"}, 1, 1},
    {"weibull", DIST_WEIBULL, "weibull(shape=k, scale=x)", {"shape", "scale"}, 2, 2},
    {"lognormal", DIST_LOGNORMAL, "lognormal(median=x, sigma=s)",
     {"median", "sigma"}, 2, 2},
    {"uniform", DIST_UNIFORM, "uniform(a, b)", {"a", "b"}, 2, 2},
    {"empirical", DIST_EMPIRICAL, "empirical(FILE.csv[, column=NAME][, unit=U])",
     {"file", "column", "unit"}, 3, 1},
};
#define NFORMS (sizeof forms / sizeof forms[0])

#define VALID_FORMS                                                          \
    "fixed(x), exp(mean=x), weibull(shape=k, scale=x), "                     \
    "lognormal(median=x, sigma=s), uniform(a, b), "                          \
    "empirical(FILE.csv[, column=NAME][, unit=U]) where x, a, b are "        \
    "durations such as 15m or 2.5h"


static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim blanks from both ends of `s` in place; returns the new start. */
static char *trim(char *s)
{
    while (is_blank(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_blank(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Levenshtein distance between the lower-cased `a` and `b` (each cut to 31
 * characters, plenty for names).  O(|a| |b|). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 31) la = 31;
    if (lb > 31) lb = 31;
    size_t row[32];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag_prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag_prev + (same ? 0 : 1);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag_prev = up;
        }
    }
    return row[lb];
}

/* Whether the shorter of `a`, `b` (3 characters or more) starts the other,
 * ignoring case: "exponential" suggests "exp". */
static int prefix_match(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
    if (n < 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

static int unknown_name(const char *name, char *why, size_t whylen)
{
    const form *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < NFORMS; i++) {
        size_t d = edit_distance(name, forms[i].name);
        if (prefix_match(name, forms[i].name))
            d = d < 1 ? d : 1;
        if (d < best_d) {
            best_d = d;
            best = &forms[i];
        }
    }
    if (best != NULL && best_d <= 2)
        return diag_why(why, whylen,
                    "unknown distribution \"%s\"; did you mean %s? valid forms: "
                    VALID_FORMS, name, best->usage);
    return diag_why(why, whylen, "unknown distribution \"%s\"; valid forms: " VALID_FORMS,
                name);
}

/* Parse a dimensionless number (shape, sigma): decimal, finite, the whole
 * text.  A sign is read so that range errors can say "must be > 0". */
static int parse_plain(const char *s, double *v)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p) && *p != '.')
        return -1;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(x))
        return -1;
    for (const char *q = s; q < end; q++)
        if (*q == 'x' || *q == 'X')
            return -1;
    *v = x;
    return 0;
}

/* A plain number printed so that strtod gives it back exactly. */
static void format_plain(double x, char *buf, size_t len)
{
    snprintf(buf, len, "%.15g", x);
    if (strtod(buf, NULL) != x)
        snprintf(buf, len, "%.17g", x);
}

/* The seconds in unit letter `u` ("h"), or 0 if `u` is not one. */
static double unit_seconds(const char *u)
{
    static const struct { char name; double s; } units[] = {
        {'s', 1.0}, {'m', DUR_MINUTE}, {'h', DUR_HOUR},
        {'d', DUR_DAY}, {'w', DUR_WEEK}, {'y', DUR_YEAR},
    };
    if (u[0] == '\0' || u[1] != '\0')
        return 0.0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (units[i].name == u[0])
            return units[i].s;
    return 0.0;
}

/* What empirical() reads, and what it has read so far. */
typedef struct emp_state {
    const char *path;   /* the file, as opened (for messages) */
    const char *column; /* header name to read, or NULL for the first column */
    size_t col;         /* index of the column read */
    double unit;        /* seconds per bare number */
    double *v;          /* samples so far (owned until handed over) */
    size_t n;           /* samples in v */
    size_t cap;         /* entries allocated in v */
    char *why;          /* where to write an error */
    size_t whylen;      /* its size */
} emp_state;

/* One cell as seconds: a bare non-negative number times the unit, or a
 * duration with its own unit.  0, or -1 with a reason in why. */
static int cell_seconds(const char *cell, double unit, double *out,
                        char *why, size_t whylen)
{
    double x;
    if (isdigit((unsigned char)cell[0]) || cell[0] == '.') {
        if (parse_plain(cell, &x) == 0) {
            if (!isfinite(x * unit) || x * unit > 1e6 * DUR_YEAR)
                return diag_why(why, whylen, "\"%s\" is too large; the maximum is 1e6 "
                            "years", cell);
            *out = x * unit;
            return 0;
        }
    }
    return dur_parse(cell, out, why, whylen);
}

/* A first-row cell that is not a value and does not even look like a
 * number is a header ("-5" is a bad value, not a header). */
static int looks_like_header(const char *cell, double unit)
{
    double x;
    char c = cell[0];
    if (isdigit((unsigned char)c) || c == '.' || c == '-' || c == '+')
        return 0;
    return cell_seconds(cell, unit, &x, NULL, 0) != 0;
}

/* csvio_parse callback: collect one row's sample.  Returns 0 to go on, or 1
 * to stop with the reason written into st->why. */
static int emp_row(void *user, char **fields, size_t nfields, size_t row)
{
    emp_state *st = user;
    if (row == 1) {
        if (st->column != NULL) {
            for (size_t i = 0; i < nfields; i++) {
                if (strcmp(fields[i], st->column) == 0) {
                    st->col = i;
                    return 0;
                }
            }
            char names[512] = "";
            for (size_t i = 0; i < nfields; i++) {
                size_t used = strlen(names);
                snprintf(names + used, sizeof names - used, "%s\"%s\"",
                         i > 0 ? ", " : "", fields[i]);
            }
            diag_why(st->why, st->whylen,
                 "empirical: no column \"%s\" in the header of %s; its columns "
                 "are %s", st->column, st->path, names);
            return 1;
        }
        if (nfields > 0 && looks_like_header(fields[0], st->unit))
            return 0;
    }
    /* Columns of unequal length are normal in a CSV: a missing or empty
     * cell is no sample, not an error. */
    if (st->col >= nfields || fields[st->col][0] == '\0')
        return 0;
    double x;
    char reason[256];
    if (cell_seconds(fields[st->col], st->unit, &x, reason, sizeof reason) != 0) {
        diag_why(st->why, st->whylen,
             "empirical: %s row %zu: %s (bare numbers are in the file's unit=, "
             "default h)", st->path, row, reason);
        return 1;
    }
    if (st->n == st->cap) {
        size_t cap = st->cap == 0 ? 64 : 2 * st->cap;
        double *p = fd_realloc(st->v, cap * sizeof *p);
        if (p == NULL) {
            diag_why(st->why, st->whylen, "empirical: out of memory reading %s", st->path);
            return 1;
        }
        st->v = p;
        st->cap = cap;
    }
    st->v[st->n++] = x;
    return 0;
}

/* Load empirical samples into `out`.  args: file, column (or NULL), unit
 * (or NULL); `source` is the argument text to keep for printing. */
static int load_empirical(char *const *args, const char *source, const char *basedir,
                          dist *out, char *why, size_t whylen)
{
    const char *file = args[0], *column = args[1];
    double unit = DUR_HOUR;
    if (args[2] != NULL && (unit = unit_seconds(args[2])) == 0.0)
        return diag_why(why, whylen,
                    "empirical: unit \"%s\" is not one of s m h d w y "
                    "(write e.g. unit=h)", args[2]);
    if (column != NULL && column[0] == '\0')
        return diag_why(why, whylen, "empirical: empty column name; write column=NAME "
                    "with a name from the file's header row");

    char *path;
    if (file[0] == '/' || basedir == NULL || basedir[0] == '\0') {
        path = fd_strdup(file);
    } else {
        size_t n = strlen(basedir) + strlen(file) + 2;
        path = fd_malloc(n);
        if (path != NULL)
            snprintf(path, n, "%s/%s", basedir, file);
    }
    if (path == NULL)
        return diag_why(why, whylen, "out of memory");

    emp_state st = {.path = path, .column = column, .unit = unit,
                    .why = why, .whylen = whylen};
    diag d;
    diag_clear(&d);
    char *buf = NULL;
    size_t len = 0;
    int rc = -1;
    if (csvio_slurp(path, EMPIRICAL_MAX_BYTES, &buf, &len, &d) != FD_OK) {
        diag_why(why, whylen, "empirical: %s", d.msg);
        goto done;
    }
    int prc = csvio_parse(buf, len, path, emp_row, &st, &d);
    if (prc == 1) /* emp_row wrote the reason */
        goto done;
    if (prc != 0) {
        diag_why(why, whylen, "empirical: %s", d.msg);
        goto done;
    }
    if (st.n == 0) {
        diag_why(why, whylen, "empirical: no samples in %s; put one duration per row "
             "in %s (e.g. 15m, or bare numbers in unit=, default h)", path,
             column != NULL ? "that column" : "the first column");
        goto done;
    }
    out->source = fd_strdup(source);
    if (out->source == NULL) {
        diag_why(why, whylen, "out of memory");
        goto done;
    }
    out->path = path;
    path = NULL;
    out->kind = DIST_EMPIRICAL;
    out->a = out->b = 0.0;
    out->samples = st.v;
    out->n = st.n;
    st.v = NULL;
    rc = 0;
done:
    free(st.v);
    free(buf);
    free(path);
    return rc;
}

/* Turn the arguments of form `f` (NULL where not given) into `out`.  `text`
 * is the whole input, for messages. */
static int build(const form *f, char *const *args, const char *inner,
                 const char *basedir, const char *text, dist *out,
                 char *why, size_t whylen)
{
    double v[MAX_PARAMS] = {0};
    char reason[256];
    if (f->kind == DIST_EMPIRICAL)
        return load_empirical(args, inner, basedir, out, why, whylen);
    for (int i = 0; i < f->nparams; i++) {
        const char *p = f->params[i];
        int plain = strcmp(p, "shape") == 0 || strcmp(p, "sigma") == 0;
        if (plain) {
            if (parse_plain(args[i], &v[i]) != 0)
                return diag_why(why, whylen,
                            "bad distribution \"%s\": %s must be a plain number "
                            "without a unit (e.g. 1.5), not \"%s\"; write %s",
                            text, p, args[i], f->usage);
        } else if (dur_parse(args[i], &v[i], reason, sizeof reason) != 0) {
            return diag_why(why, whylen, "bad distribution \"%s\": %s: %s", text, p,
                        reason);
        }
    }
    dist d = {.kind = f->kind, .a = v[0]};
    switch (f->kind) {
    case DIST_FIXED:
        break;
    case DIST_EXP:
        if (d.a <= 0.0)
            return diag_why(why, whylen, "bad distribution \"%s\": exp mean must be "
                        "> 0; for no delay write fixed(0s)", text);
        break;
    case DIST_WEIBULL:
        d.b = v[0];
        d.a = v[1];
        if (!(d.b > 0.0))
            return diag_why(why, whylen, "bad distribution \"%s\": weibull shape must "
                        "be > 0 (1 is exponential, > 1 wears out); write %s",
                        text, f->usage);
        if (d.a <= 0.0)
            return diag_why(why, whylen, "bad distribution \"%s\": weibull scale must "
                        "be > 0; write %s", text, f->usage);
        break;
    case DIST_LOGNORMAL:
        d.b = v[1];
        if (d.a <= 0.0)
            return diag_why(why, whylen, "bad distribution \"%s\": lognormal median "
                        "must be > 0; write %s", text, f->usage);
        if (!(d.b >= 0.0))
            return diag_why(why, whylen, "bad distribution \"%s\": lognormal sigma "
                        "must be >= 0 (0 is fixed at the median); write %s",
                        text, f->usage);
        break;
    case DIST_UNIFORM:
        d.b = v[1];
        if (d.a > d.b)
            return diag_why(why, whylen, "bad distribution \"%s\": uniform(a, b) needs "
                        "a <= b; write the smaller bound first", text);
        break;
    case DIST_EMPIRICAL:
        break;
    }
    if (!isfinite(dist_mean(&d)))
        return diag_why(why, whylen, "bad distribution \"%s\": its mean overflows "
                    "(%s); use a larger shape or a smaller sigma", text,
                    f->kind == DIST_WEIBULL ? "shape too small" : "sigma too large");
    *out = d;
    return 0;
}

/* Split `inner` (modified in place) into the arguments of `f`, by keyword
 * or position, then build.  `text` is the whole input, for messages. */
static int parse_args(const form *f, char *inner, const char *basedir,
                      const char *text, dist *out, char *why, size_t whylen)
{
    char *args[MAX_PARAMS] = {NULL};
    char *source = fd_strdup(inner); /* empirical keeps its arguments as written */
    if (source == NULL)
        return diag_why(why, whylen, "out of memory");
    int rc = -1, pos = 0, seen_keyword = 0;
    char *s = inner;
    if (*s == '\0')
        s = NULL; /* no arguments at all */
    while (s != NULL) {
        char *comma = strchr(s, ',');
        if (comma != NULL)
            *comma = '\0';
        char *arg = trim(s);
        s = comma != NULL ? comma + 1 : NULL;
        if (*arg == '\0') {
            diag_why(why, whylen, "bad distribution \"%s\": empty argument; write %s",
                 text, f->usage);
            goto done;
        }
        char *eq = strchr(arg, '=');
        int slot;
        if (eq != NULL) {
            *eq = '\0';
            char *key = trim(arg);
            arg = trim(eq + 1);
            for (slot = 0; slot < f->nparams; slot++)
                if (strcmp(key, f->params[slot]) == 0)
                    break;
            if (slot == f->nparams) {
                char valid[128] = "";
                for (int i = 0; i < f->nparams; i++) {
                    size_t used = strlen(valid);
                    snprintf(valid + used, sizeof valid - used, "%s%s",
                             i > 0 ? ", " : "", f->params[i]);
                }
                diag_why(why, whylen, "bad distribution \"%s\": unknown argument "
                     "\"%s\" for %s; valid: %s (write %s)", text, key, f->name,
                     valid, f->usage);
                goto done;
            }
            if (*arg == '\0') {
                diag_why(why, whylen, "bad distribution \"%s\": missing value after "
                     "%s=; write %s", text, key, f->usage);
                goto done;
            }
            seen_keyword = 1;
        } else {
            if (seen_keyword) {
                diag_why(why, whylen, "bad distribution \"%s\": positional argument "
                     "\"%s\" after a keyword one; write %s", text, arg, f->usage);
                goto done;
            }
            slot = pos++;
            if (slot >= f->nparams) {
                diag_why(why, whylen, "bad distribution \"%s\": extra argument \"%s\"; "
                     "%s takes %d (write %s)", text, arg, f->name, f->nparams,
                     f->usage);
                goto done;
            }
        }
        if (args[slot] != NULL) {
            diag_why(why, whylen, "bad distribution \"%s\": %s given twice; write %s",
                 text, f->params[slot], f->usage);
            goto done;
        }
        args[slot] = arg;
    }
    for (int i = 0; i < f->nrequired; i++) {
        if (args[i] == NULL) {
            diag_why(why, whylen, "bad distribution \"%s\": missing argument %s; "
                 "write %s", text, f->params[i], f->usage);
            goto done;
        }
    }
    rc = build(f, args, source, basedir, text, out, why, whylen);
done:
    free(source);
    return rc;
}

int dist_parse(const char *text, const char *basedir, dist *out,
               char *why, size_t whylen)
{
    if (text == NULL)
        text = "";
    char *copy = fd_strdup(text);
    if (copy == NULL)
        return diag_why(why, whylen, "out of memory");
    int rc = -1;
    char *p = copy;
    while (is_blank(*p))
        p++;
    char *name = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    char *name_end = p;
    while (is_blank(*p))
        p++;
    char after = *p;
    *name_end = '\0';

    double secs;
    if (*name == '\0' && after == '\0') {
        diag_why(why, whylen, "empty distribution; write one of " VALID_FORMS);
        goto done;
    }
    if (dur_parse(text, &secs, NULL, 0) == 0) {
        diag_why(why, whylen, "\"%s\" is a duration, not a distribution; write "
             "fixed(%s) for a constant, or one of " VALID_FORMS, text,
             trim(copy));
        goto done;
    }
    const form *f = NULL;
    for (size_t i = 0; i < NFORMS; i++)
        if (strcmp(name, forms[i].name) == 0)
            f = &forms[i];
    if (f == NULL) {
        if (*name == '\0')
            diag_why(why, whylen, "\"%s\" is not a distribution; write one of "
                 VALID_FORMS, text);
        else
            unknown_name(name, why, whylen);
        goto done;
    }
    if (after != '(') {
        diag_why(why, whylen, "bad distribution \"%s\": missing '(' after %s; write %s",
             text, f->name, f->usage);
        goto done;
    }
    char *inner = p + 1;
    char *close = strchr(inner, ')');
    if (close == NULL) {
        diag_why(why, whylen, "bad distribution \"%s\": missing ')'; write %s", text,
             f->usage);
        goto done;
    }
    *close = '\0';
    char *rest = close + 1;
    while (is_blank(*rest))
        rest++;
    if (*rest != '\0') {
        diag_why(why, whylen, "bad distribution \"%s\": unexpected \"%s\" after ')'; "
             "write %s and nothing after it", text, rest, f->usage);
        goto done;
    }
    rc = parse_args(f, trim(inner), basedir, text, out, why, whylen);
done:
    free(copy);
    return rc;
}

char *dist_format(const dist *d, char *buf, size_t buflen)
{
    char x[64], y[64];
    switch (d->kind) {
    case DIST_FIXED:
        snprintf(buf, buflen, "fixed(%s)", dur_format(d->a, x, sizeof x));
        break;
    case DIST_EXP:
        snprintf(buf, buflen, "exp(mean=%s)", dur_format(d->a, x, sizeof x));
        break;
    case DIST_WEIBULL:
        format_plain(d->b, y, sizeof y);
        snprintf(buf, buflen, "weibull(shape=%s, scale=%s)", y,
                 dur_format(d->a, x, sizeof x));
        break;
    case DIST_LOGNORMAL:
        format_plain(d->b, y, sizeof y);
        snprintf(buf, buflen, "lognormal(median=%s, sigma=%s)",
                 dur_format(d->a, x, sizeof x), y);
        break;
    case DIST_UNIFORM:
        snprintf(buf, buflen, "uniform(%s, %s)", dur_format(d->a, x, sizeof x),
                 dur_format(d->b, y, sizeof y));
        break;
    case DIST_EMPIRICAL:
        snprintf(buf, buflen, "empirical(%s)", d->source != NULL ? d->source : "");
        break;
    }
    return buf;
}

double dist_sample(const dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case DIST_FIXED:
        return d->a;
    case DIST_EXP:
        return gsl_ran_exponential(r, d->a);
    case DIST_WEIBULL:
        return gsl_ran_weibull(r, d->a, d->b);
    case DIST_LOGNORMAL:
        /* median x exp(sigma Z): GSL's ziggurat normal costs a third of the
         * polar method gsl_ran_lognormal uses, and no log of the median */
        return d->a * exp(d->b * gsl_ran_gaussian_ziggurat(r, 1.0));
    case DIST_UNIFORM:
        /* gsl_ran_flat(r, a, a) would be fine too; this draws no number. */
        return d->a == d->b ? d->a : gsl_ran_flat(r, d->a, d->b);
    case DIST_EMPIRICAL:
        return d->samples[gsl_rng_uniform_int(r, d->n)];
    }
    return d->a;
}

/* The mean in seconds.  O(1), except empirical: O(n), summed in long double. */
double dist_mean(const dist *d)
{
    switch (d->kind) {
    case DIST_FIXED:
    case DIST_EXP:
        return d->a;
    case DIST_WEIBULL: {
        /* Checked first: past GSL_SF_GAMMA_XMAX gsl_sf_gamma would call
         * GSL's error handler, which by default aborts. */
        double x = 1.0 + 1.0 / d->b;
        if (!(x < GSL_SF_GAMMA_XMAX))
            return HUGE_VAL;
        return d->a * gsl_sf_gamma(x);
    }
    case DIST_LOGNORMAL:
        return d->a * exp(d->b * d->b / 2.0);
    case DIST_UNIFORM:
        return d->a / 2.0 + d->b / 2.0;
    case DIST_EMPIRICAL: {
        long double sum = 0.0L;
        for (size_t i = 0; i < d->n; i++)
            sum += d->samples[i];
        return (double)(sum / (long double)d->n);
    }
    }
    return d->a;
}

int dist_copy(dist *dst, const dist *src)
{
    *dst = *src;
    if (src->kind != DIST_EMPIRICAL)
        return FD_OK;
    dst->samples = fd_malloc(src->n * sizeof *dst->samples);
    dst->source = fd_strdup(src->source != NULL ? src->source : "");
    dst->path = src->path != NULL ? fd_strdup(src->path) : NULL;
    if (dst->samples == NULL || dst->source == NULL || (src->path && !dst->path)) {
        dist_fini(dst);
        return FD_ENOMEM;
    }
    memcpy(dst->samples, src->samples, src->n * sizeof *dst->samples);
    return FD_OK;
}

int dist_relocate(dist *d, const char *file)
{
    if (d->kind != DIST_EMPIRICAL || d->source == NULL)
        return FD_OK;
    /* the source was parsed once: its arguments split on commas, the file
     * first by position or as file= */
    size_t cap = strlen(d->source) + strlen(file) + 16;
    char *out = fd_malloc(cap), *copy = fd_strdup(d->source);
    if (out == NULL || copy == NULL) {
        free(out);
        free(copy);
        return FD_ENOMEM;
    }
    out[0] = '\0';
    size_t used = 0;
    int pos = 0;
    for (char *s = copy, *comma; s != NULL; s = comma ? comma + 1 : NULL, pos++) {
        if ((comma = strchr(s, ',')) != NULL)
            *comma = '\0';
        char *arg = trim(s), *eq = strchr(arg, '=');
        const char *k = arg + 4;
        while (eq && is_blank(*k))
            k++;
        bool is_file = eq ? strncmp(arg, "file", 4) == 0 && k == eq : pos == 0;
        const char *sep = used ? ", " : "";
        if (is_file)
            used += (size_t)snprintf(out + used, cap - used, "%s%s%s", sep, eq ? "file=" : "",
                                     file);
        else
            used += (size_t)snprintf(out + used, cap - used, "%s%s", sep, arg);
    }
    free(copy);
    free(d->source);
    d->source = out;
    return FD_OK;
}

void dist_fini(dist *d)
{
    if (d == NULL)
        return;
    free(d->samples);
    free(d->source);
    free(d->path);
    *d = dist_fixed(0.0);
}

dist dist_fixed(double seconds)
{
    dist d = {.kind = DIST_FIXED, .a = seconds};
    return d;
}

dist dist_exp(double mean_seconds)
{
    dist d = {.kind = DIST_EXP, .a = mean_seconds};
    return d;
}
