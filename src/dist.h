/*
 * dist: probability distributions of durations, written as values in a
 * scenario and sampled through GSL.
 *
 * Forms (every parameter named x, a, b is a duration, see dur.h):
 *   fixed(x)                      always x
 *   exp(mean=x)                   exponential with mean x
 *   weibull(shape=k, scale=x)     Weibull, shape k > 0 (dimensionless)
 *   lognormal(median=x, sigma=s)  lognormal: ln T ~ N(ln x, s^2), s >= 0
 *   uniform(a, b)                 uniform on [a, b], a <= b
 *   empirical(FILE.csv)           resample (uniformly, with replacement)
 *                                 the first column of a CSV file; optional
 *                                 arguments: column=NAME (a header name) and
 *                                 unit=U (s m h d w y; default h) for cells
 *                                 that are bare numbers.  Cells may also
 *                                 carry their own unit ("15m").  A first row
 *                                 that is not a duration is a header.
 *                                 FILE is relative to the scenario's folder.
 * Keyword arguments may be given positionally in the order shown.  Blanks
 * are free.  A dist owns its empirical samples: dist_fini() frees them.
 */
#ifndef FDSIM_DIST_H
#define FDSIM_DIST_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

typedef enum dist_kind {
    DIST_FIXED,
    DIST_EXP,
    DIST_WEIBULL,
    DIST_LOGNORMAL,
    DIST_UNIFORM,
    DIST_EMPIRICAL,
} dist_kind;

/* A distribution of durations in seconds.  A value type: copy with
 * dist_copy() (which duplicates empirical samples), release with dist_fini(). */
typedef struct dist {
    dist_kind kind; /* which form */
    double a;       /* fixed: x; exp: mean; weibull: scale; lognormal: median; uniform: low */
    double b;       /* weibull: shape; lognormal: sigma; uniform: high; else 0 */
    double *samples; /* empirical: owned array of n values in seconds, else NULL */
    size_t n;        /* empirical: number of samples (>= 1) */
    char *source;    /* empirical: the argument text as written (owned), for printing */
    char *path;      /* empirical: the file read, resolved against the scenario's
                        folder (owned), for copying it beside the results */
} dist;

/* Parse `text` into `out` (which needs no prior init).  `basedir` is the
 * folder empirical files are relative to (NULL or "" = current directory).
 * Returns 0, or -1 with a reason in `why` (what is wrong, what is valid),
 * e.g. "unknown distribution \"expo\"; did you mean exp(mean=x)?".
 * On failure `out` holds nothing to free. */
int dist_parse(const char *text, const char *basedir, dist *out,
               char *why, size_t whylen);

/* Point an empirical `d` at `file` instead of the file it names: its
 * source text keeps every other argument as written, so dist_format then
 * writes "empirical(FILE[, column=...][, unit=...])"; the samples and
 * `path` are unchanged.  FD_OK, or FD_ENOMEM with `d` as it was.
 * O(length of the source). */
int dist_relocate(dist *d, const char *file);

/* Write `d` back in scenario syntax ("exp(mean=12.5y)"); dist_parse of the
 * result gives an equal distribution.  Returns `buf`. */
char *dist_format(const dist *d, char *buf, size_t buflen);

/* One draw, in seconds (>= 0), from `d` using `r`.  O(1). */
double dist_sample(const dist *d, gsl_rng *r);

/* The mean in seconds (exact for every form). */
double dist_mean(const dist *d);

/* Deep copy `src` into `dst`.  Returns 0 or FD_ENOMEM. */
int dist_copy(dist *dst, const dist *src);

/* Release what `d` owns and leave it as fixed(0).  NULL is a no-op. */
void dist_fini(dist *d);

/* Convenience constructors (no allocation). */
dist dist_fixed(double seconds);
dist dist_exp(double mean_seconds);

#endif
