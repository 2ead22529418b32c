/*
 * plot: reshape a results directory into .dat files and run gnuplot on the
 * embedded scripts (see plot.h).
 */
#include "plot.h"

#include "alloc.h"
#include "csvio.h"
#include "embed.h"
#include "inject.h"
#include "place.h"
#include "scenario.h"
#include "stage.h"
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CSV (1u << 30) /* refuse to read a CSV larger than this */
#define CDF_POINTS 2000    /* a CDF is drawn through at most this many points */
#define TIMELINE_GROUPS 6  /* panels of the timeline: the first groups */

const char *const plot_names[] = {
    "availability", "downtime_cdf", "downcount", "months", "timeline", "sweep", NULL,
};
const char *const plot_inputs[] = {
    "summary.csv", "replicas.csv", "downcount.csv", "months.csv", "run.ini", "sweep.csv", NULL,
};

const char *plot_script(const char *name)
{
    static const struct {
        const char *name;
        const char *text;
    } scripts[] = {
        { "availability", embed_plot_availability },
        { "downtime_cdf", embed_plot_downtime_cdf },
        { "downcount", embed_plot_downcount },
        { "months", embed_plot_months },
        { "timeline", embed_plot_timeline },
        { "sweep", embed_plot_sweep },
    };
    for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++)
        if (!strcmp(scripts[i].name, name))
            return scripts[i].text;
    return NULL;
}

int plot_find_gnuplot(char *buf, size_t size, diag *d)
{
    const char *path = getenv("PATH");
    if (path == NULL || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n > 0 && (size_t)snprintf(buf, size, "%.*s/gnuplot", (int)n, path) < size &&
            access(buf, X_OK) == 0)
            return FD_OK;
        path += n + (path[n] == ':');
    }
    return diag_set(d, FD_EIO, "gnuplot is not on PATH; fdsim plot needs it to draw "
                    "charts: install it (Debian: sudo apt-get install gnuplot-nox)");
}

/* ------------------------------------------------------------ tables -- */

/* A CSV file in memory: row 0 is the header. */
typedef struct table {
    char ***rows;   /* rows[r][c], owned */
    size_t *ncols;  /* cells of each row */
    size_t nrows;
    size_t cap;
} table;

static void table_fini(table *t)
{
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols[r]; c++)
            free(t->rows[r][c]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->ncols);
    memset(t, 0, sizeof *t);
}

static int table_row(void *user, char **f, size_t n, size_t row)
{
    (void)row;
    table *t = user;
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        char ***rows = fd_realloc(t->rows, cap * sizeof *rows);
        if (rows)
            t->rows = rows;
        size_t *nc = fd_realloc(t->ncols, cap * sizeof *nc);
        if (nc)
            t->ncols = nc;
        if (!rows || !nc)
            return FD_ENOMEM;
        t->cap = cap;
    }
    char **cells = fd_calloc(n ? n : 1, sizeof *cells);
    if (cells == NULL)
        return FD_ENOMEM;
    for (size_t c = 0; c < n; c++) {
        /* Undo csvio's formula guard: no value fdsim writes starts with '. */
        const char *v = f[c][0] == '\'' ? f[c] + 1 : f[c];
        if ((cells[c] = fd_strdup(v)) == NULL) {
            while (c-- > 0)
                free(cells[c]);
            free(cells);
            return FD_ENOMEM;
        }
    }
    t->rows[t->nrows] = cells;
    t->ncols[t->nrows++] = n;
    return 0;
}

/* Read DIR/NAME and check its header has the columns `need` (NULL-ended). */
static int table_load(table *t, const char *dir, const char *name,
                      const char *const *need, diag *d)
{
    memset(t, 0, sizeof *t);
    char *path = csvio_path_join(dir, name), *buf = NULL;
    size_t len;
    if (path == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    int rc = csvio_slurp(path, MAX_CSV, &buf, &len, d);
    if (rc == FD_OK) {
        rc = csvio_parse(buf, len, path, table_row, t, d);
        if (rc == FD_ENOMEM)
            diag_set(d, rc, "out of memory reading %s", path);
    }
    if (rc == FD_OK && t->nrows == 0)
        rc = diag_set(d, FD_EINVAL, "%s is empty", path);
    for (const char *const *c = need; rc == FD_OK && *c; c++) {
        bool found = false;
        for (size_t i = 0; i < t->ncols[0]; i++)
            found = found || !strcmp(t->rows[0][i], *c);
        if (!found)
            rc = diag_set(d, FD_EINVAL, "%s: no column %s; is it a file fdsim wrote?", path,
                          *c);
    }
    if (rc != FD_OK)
        table_fini(t);
    free(buf);
    free(path);
    return rc;
}

/* Column of `name` in the header (it was checked by table_load). */
static size_t col(const table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols[0]; i++)
        if (!strcmp(t->rows[0][i], name))
            return i;
    return (size_t)-1;
}

/* Cell (r, c) as text; "" when the row is short. */
static const char *cell(const table *t, size_t r, size_t c)
{
    return c < t->ncols[r] ? t->rows[r][c] : "";
}

/* Cell (r, c) as a number; NaN when empty or not a number. */
static double num(const table *t, size_t r, size_t c)
{
    const char *s = cell(t, r, c);
    char *end;
    double x = strtod(s, &end);
    return *s && *end == '\0' ? x : NAN;
}

/* ----------------------------------------------------------- writing -- */

/* A growing string of gnuplot words ("a b c"). */
typedef struct words {
    char buf[4096];
    size_t len;
} words;

static void words_add(words *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void words_add(words *w, const char *fmt, ...)
{
    if (w->len >= sizeof w->buf - 1)
        return;
    if (w->len)
        w->buf[w->len++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->buf + w->len, sizeof w->buf - w->len, fmt, ap);
    va_end(ap);
    w->len += n < 0 ? 0 : (size_t)n;
    if (w->len >= sizeof w->buf)
        w->len = sizeof w->buf - 1;
    w->buf[w->len] = '\0';
}

/* A gnuplot-readable .dat file in the work directory. */
typedef struct dat {
    FILE *f;
    int blocks;    /* blocks begun */
    words titles;  /* each block's title, quoted: the script's `titles` */
} dat;

static int dat_open(dat *o, const char *work, const char *name, diag *d)
{
    char *path = csvio_path_join(work, name);
    o->blocks = 0;
    o->titles.len = 0;
    o->titles.buf[0] = '\0';
    o->f = path ? fopen(path, "w") : NULL;
    if (o->f == NULL)
        diag_set(d, FD_EIO, "cannot write %s: %s", path ? path : name, strerror(errno));
    free(path);
    return o->f ? FD_OK : FD_EIO;
}

static int dat_close(dat *o, diag *d)
{
    int bad = ferror(o->f) | fclose(o->f);
    o->f = NULL;
    return bad ? diag_set(d, FD_EIO, "cannot write a temporary data file: %s",
                          strerror(errno)) : FD_OK;
}

/* A string for a gnuplot data file: double quotes, none inside. */
static void dat_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++)
        fputc(*s == '"' ? '\'' : *s, f);
    fputs("\" ", f);
}

/* Begin a block titled `title` (quotes in it become apostrophes); its
 * first line is a comment naming the columns `heads`. */
static void dat_block(dat *o, const char *title, const char *heads)
{
    if (o->blocks++ > 0)
        fputs("\n\n", o->f);
    fprintf(o->f, "# %s: %s\n", title, heads);
    char q[512];
    size_t n = 0;
    for (const char *c = title; *c && n < sizeof q - 1; c++)
        q[n++] = *c == '"' ? '\'' : *c;
    q[n] = '\0';
    words_add(&o->titles, "\"%s\"", q);
}

/* A number, or NaN (gnuplot skips it). */
static void dat_num(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.17g ", x + 0.0);
    else
        fputs("NaN ", f);
}

/* Group names in file order (each once) from column c of t. */
static size_t distinct(const table *t, size_t c, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t r = 1; r < t->nrows; r++) {
        const char *v = cell(t, r, c);
        size_t i = 0;
        while (i < n && strcmp(names[i], v) != 0)
            i++;
        if (i == n && n < max)
            names[n++] = v;
    }
    return n;
}

/* Variables passed to a script with -e, besides data, out and fmt. */
typedef struct vars {
    char text[8192];
    size_t len;
} vars;

static void var_str(vars *v, const char *name, const char *value)
{
    int n = snprintf(v->text + v->len, sizeof v->text - v->len, "%s='", name);
    v->len += (size_t)n;
    for (const char *s = value; *s && v->len + 4 < sizeof v->text; s++) {
        if (*s == '\'')
            v->text[v->len++] = '\''; /* '' is a quote inside '...' */
        v->text[v->len++] = *s;
    }
    if (v->len + 3 < sizeof v->text) {
        v->text[v->len++] = '\'';
        v->text[v->len++] = ';';
        v->text[v->len++] = ' ';
    }
    v->text[v->len] = '\0';
}

static void var_num(vars *v, const char *name, double x)
{
    if (v->len < sizeof v->text)
        v->len += (size_t)snprintf(v->text + v->len, sizeof v->text - v->len, "%s=%.17g; ",
                                   name, x);
    if (v->len >= sizeof v->text)
        v->len = sizeof v->text - 1;
}

/* ------------------------------------------------- chart preparation -- */

/* The nines of an unavailability u (-log10 u); INFINITY for u <= 0 (no
 * outage: off any finite axis). */
static double nines_of(double u)
{
    return u > 0 ? -log10(u) : INFINITY;
}

/* An availability as a tick label: 100 (1 - u) % with the decimals that
 * tell it apart ("99.9 %", "99.95 %", "99.999 %"). */
static void avail_label(char *buf, size_t size, double u)
{
    int dec = (int)ceil(-log10(u) - 1e-9) - 2;
    snprintf(buf, size, "%.*f %%%%", dec < 0 ? 0 : dec, 100 * (1 - u)); /* a tic label is a
                                                                     format: %% for % */
}

/* A nines axis (availability on a log scale of the unavailability: each
 * whole step is ten times less downtime) for finite values in [lo, hi]:
 * ticks at whole nines and at the 5s between (99.95 %), the top tick at
 * *top labelled `top_label` for the values that are not finite (no
 * outage, no downtime), which are drawn there.  Sets the script's
 * variables ymin, ymax, ytop and yt (the ticks, for `set ytics (...)`). */
static void nines_axis(vars *v, double lo, double hi, const char *top_label, double *top)
{
    if (!isfinite(lo) || !isfinite(hi)) { /* nothing finite: one decade under the top */
        lo = 3;
        hi = 3;
    }
    double ymin = fmax(0, floor(lo - 0.6)); /* room under the lowest value for its label */
    double ytop = fmax(ceil(hi + 0.5), ymin + 1);
    char yt[2048];
    size_t len = 0;
    bool halves = ytop - ymin <= 3; /* room to label 99.95 % between 99.9 and 99.99 */
    for (int n = (int)ymin; n < (int)ytop && len < sizeof yt; n++) {
        char a[32], b[32];
        avail_label(a, sizeof a, pow(10, -n));
        avail_label(b, sizeof b, 5 * pow(10, -(n + 1)));
        len += (size_t)snprintf(yt + len, sizeof yt - len, "%s\"%s\" %d, \"%s\" %.6f %d",
                                len ? ", " : "", n ? a : "0 %%", n, halves ? b : "",
                                n + log10(2), halves ? 0 : 1);
    }
    if (len < sizeof yt)
        snprintf(yt + len, sizeof yt - len, ", \"%s\" %g", top_label, ytop);
    var_num(v, "ymin", ymin);
    var_num(v, "ymax", ytop + 0.35);
    var_num(v, "ytop", ytop);
    var_str(v, "yt", yt);
    *top = ytop;
}

static const char *const need_summary[] = {
    "group", "orchestration", "fault_domains", "update_domains", "metric", "mean",
    "ci_low", "ci_high", "replicas", NULL,
};

/* "avset\nAvSet\nFD 3, UD 5": a group's x tick label. */
static void mode_label(char *buf, size_t size, const char *name, const char *mode,
                       const char *fd, const char *ud)
{
    snprintf(buf, size, "%s\\n%s\\nFD %s%s%s", name,
             !strcmp(mode, "AvailabilitySet") ? "AvSet" : mode, !strcmp(fd, "1") ? "max" : fd,
             strcmp(ud, "0") ? ", UD " : "", strcmp(ud, "0") ? ud : "");
}

/* The row of summary.csv for (group of row r, metric), or 0. */
static size_t metric_row(const table *t, size_t r, const char *metric)
{
    size_t cg = col(t, "group"), cm = col(t, "metric");
    for (size_t q = 1; q < t->nrows; q++)
        if (!strcmp(cell(t, q, cg), cell(t, r, cg)) && !strcmp(cell(t, q, cm), metric))
            return q;
    return 0;
}

/* The availability chart: per group the service availability on a nines
 * axis with its 95 % interval, the group's own SLA target as a short bar
 * labelled with it, and a group with no outage at the top ("no outage").
 * availability.dat: x "label" nines low high kind "text" target_nines
 * "target text"; kind 0 an interval, 1 an estimate without one, 2 no
 * outage. */
static int prep_availability(const plot_opts *o, const char *work, vars *v, diag *d)
{
    table t;
    int rc = table_load(&t, o->dir, "summary.csv", need_summary, d);
    if (rc != FD_OK)
        return rc;
    dat f;
    if ((rc = dat_open(&f, work, "availability.dat", d)) != FD_OK) {
        table_fini(&t);
        return rc;
    }
    size_t cg = col(&t, "group"), cm = col(&t, "metric"), cmo = col(&t, "orchestration");
    size_t cfd = col(&t, "fault_domains"), cud = col(&t, "update_domains");
    size_t cmean = col(&t, "mean"), clo = col(&t, "ci_low"), chi = col(&t, "ci_high");
    size_t crep = col(&t, "replicas");
    /* first pass: the axis */
    double lo = INFINITY, hi = -INFINITY, replicas = NAN;
    for (size_t r = 1; r < t.nrows; r++) {
        if (strcmp(cell(&t, r, cm), "service_unavailability") != 0)
            continue;
        double n = nines_of(num(&t, r, cmean)), nl = nines_of(num(&t, r, chi));
        if (isfinite(n)) {
            lo = fmin(lo, isfinite(nl) ? nl : n);
            hi = fmax(hi, n);
        }
        replicas = num(&t, r, crep);
    }
    /* the targets: from months.csv's sla_target_pct when there */
    table m;
    bool have_m = false;
    {
        static const char *const need[] = { "group", "sla_target_pct", NULL };
        diag ignore;
        diag_clear(&ignore);
        char *p = csvio_path_join(o->dir, "months.csv");
        have_m = p && access(p, R_OK) == 0 &&
                 table_load(&m, o->dir, "months.csv", need, &ignore) == FD_OK;
        free(p);
    }
    for (size_t r = 1; have_m && r < m.nrows; r++) {
        double tg = num(&m, r, col(&m, "sla_target_pct"));
        if (isfinite(tg) && tg < 100) {
            lo = fmin(lo, nines_of(1 - tg / 100));
            hi = fmax(hi, nines_of(1 - tg / 100));
        }
    }
    double top;
    nines_axis(v, lo, hi, "no outage", &top);
    dat_block(&f, "service availability", "x label nines low high kind text target ttext");
    int n = 0;
    double prev_target = NAN;
    for (size_t r = 1; r < t.nrows; r++) {
        if (strcmp(cell(&t, r, cm), "service_unavailability") != 0)
            continue;
        char label[256], text[96], ttext[64] = "";
        size_t ra = metric_row(&t, r, "service_availability");
        mode_label(label, sizeof label, cell(&t, r, cg), cell(&t, r, cmo), cell(&t, r, cfd),
                   cell(&t, r, cud));
        double u = num(&t, r, cmean), ul = num(&t, r, clo), uh = num(&t, r, chi);
        double a = ra ? 100 * num(&t, ra, cmean) : 100 * (1 - u);
        int kind = !(u > 0) ? 2 : isfinite(ul) && isfinite(uh) ? 0 : 1;
        double y = kind == 2 ? top : nines_of(u);
        /* the interval's ends: a lower unavailability is more nines */
        double ylo = kind == 0 ? nines_of(uh) : y, yhi = kind == 0 ? fmin(nines_of(ul), top) : y;
        if (kind == 2) /* the axis says it, the key says what it means */
            text[0] = '\0';
        else /* the digits the nines carry, one significant digit of downtime more */
            snprintf(text, sizeof text, "%.*f %%", (int)fmin(12, fmax(2, floor(y))), a);
        double target = NAN;
        for (size_t q = 1; have_m && q < m.nrows; q++)
            if (!strcmp(cell(&m, q, col(&m, "group")), cell(&t, r, cg)))
                target = num(&m, q, col(&m, "sla_target_pct"));
        if (isfinite(target) && !(target == prev_target)) /* once per run of equal targets */
            snprintf(ttext, sizeof ttext, "SLA %.10g %%", target);
        prev_target = target;
        fprintf(f.f, "%d ", n++);
        dat_str(f.f, label);
        dat_num(f.f, y);
        dat_num(f.f, ylo);
        dat_num(f.f, yhi);
        fprintf(f.f, "%d ", kind);
        dat_str(f.f, text);
        dat_num(f.f, isfinite(target) && target < 100 ? nines_of(1 - target / 100) : NAN);
        dat_str(f.f, ttext);
        fputc('\n', f.f);
    }
    var_num(v, "ngroups", n);
    var_num(v, "replicas", replicas);
    var_num(v, "auto_width", fmax(800, 140 + 95 * (double)n)); /* room for each label */
    if (have_m)
        table_fini(&m);
    table_fini(&t);
    return dat_close(&f, d);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The downtime chart: per group the survival function of its yearly
 * downtime across replicas, P(downtime > x), on log-log axes, so that the
 * rare bad years of a good group show as clearly as a bad group's usual
 * ones.  downtime_survival.dat, one block per group with any downtime:
 * x share_above (steps; the last drop goes below the axis); `zero` lists
 * the groups with no downtime in any replica (a key entry each). */
static int prep_downtime_cdf(const plot_opts *o, const char *work, vars *v, diag *d)
{
    static const char *const need[] = { "group", "downtime_min_per_year", NULL };
    table t;
    int rc = table_load(&t, o->dir, "replicas.csv", need, d);
    if (rc != FD_OK)
        return rc;
    const char *names[64];
    size_t cg = col(&t, "group"), cd = col(&t, "downtime_min_per_year");
    /* A restart run's rows are estimates, weighted sums over a tree of
     * retrials, not downtimes: the distribution across replicas is the
     * root paths' own (plain) downtime, a fraction of the horizon. */
    size_t cp = col(&t, "plain_service_unavailability");
    double scale = 1;
    if (cp != (size_t)-1) {
        cd = cp;
        scale = 365 * 1440.0;
    }
    size_t ng = distinct(&t, cg, names, 64);
    double *x = fd_malloc(t.nrows * sizeof *x);
    dat f = { 0 };
    if (x == NULL)
        rc = diag_set(d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK)
        rc = dat_open(&f, work, "downtime_cdf.dat", d);
    size_t replicas = 0;
    double xmin = INFINITY, xmax = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        double y = scale * num(&t, r, cd);
        if (isfinite(y) && y > 0) {
            xmin = fmin(xmin, y);
            xmax = fmax(xmax, y);
        }
    }
    double x0 = isfinite(xmin) ? xmin / 2 : 0.1;
    words zero = { .len = 0 };
    int drawn = 0;
    for (size_t g = 0; g < ng && rc == FD_OK; g++) {
        size_t n = 0;
        for (size_t r = 1; r < t.nrows; r++)
            if (!strcmp(cell(&t, r, cg), names[g]) && isfinite(num(&t, r, cd)))
                x[n++] = scale * num(&t, r, cd);
        qsort(x, n, sizeof *x, cmp_double);
        replicas = n > replicas ? n : replicas;
        size_t first = 0;
        while (first < n && !(x[first] > 0))
            first++;
        if (first == n) {
            words_add(&zero, "\"%s: no downtime in any of %zu replicas\"", names[g], n);
            continue;
        }
        char title[160];
        snprintf(title, sizeof title, "%s (%zu of %zu replicas with downtime)", names[g],
                 n - first, n);
        dat_block(&f, title, "downtime_min_per_year share_of_replicas_above");
        drawn++;
        /* S(x) = share above x, right-continuous: at x0 the share with any
         * downtime, then after each distinct value the share above it */
        fprintf(f.f, "%.10g %.10g\n", x0, (double)(n - first) / (double)n);
        size_t step = n - first > CDF_POINTS ? (n - first) / CDF_POINTS : 1;
        for (size_t i = first; i < n; i++) {
            bool last = i + 1 == n || x[i + 1] != x[i];
            if (!last || !(i % step == 0 || i + 1 == n))
                continue;
            double above = (double)(n - 1 - i) / (double)n;
            fprintf(f.f, "%.10g %.10g\n", x[i], above > 0 ? above : 0.3 / (double)n);
        }
    }
    var_num(v, "ngroups", (double)ng); /* 0 only without replicas: then no chart */
    var_num(v, "ncurves", (double)drawn);
    var_num(v, "replicas", (double)replicas);
    var_num(v, "xmin", x0);
    var_num(v, "xmax", xmax > 0 ? xmax * 1.5 : 1);
    /* ticks at 1, 2 and 5 of every decade: a short range still reads */
    char xt[1024] = "";
    size_t xl = 0;
    for (int e = (int)floor(log10(x0)); e <= (int)ceil(log10(xmax > 0 ? xmax * 1.5 : 1)); e++)
        for (int m = 0; m < 3 && xl < sizeof xt; m++) {
            double tick = (m == 0 ? 1 : m == 1 ? 2 : 5) * pow(10, e);
            if (tick >= x0 && tick <= (xmax > 0 ? xmax * 1.5 : 1))
                xl += (size_t)snprintf(xt + xl, sizeof xt - xl, "%s\"%g\" %g", xl ? ", " : "",
                                       tick, tick);
        }
    if (xl)
        var_str(v, "xt", xt);
    var_num(v, "ylow", replicas ? 0.6 / (double)replicas : 1e-3);
    var_str(v, "zero", zero.buf);
    if (f.f)
        var_str(v, "titles", f.titles.buf);
    free(x);
    table_fini(&t);
    return f.f ? (rc == FD_OK ? dat_close(&f, d) : (dat_close(&f, NULL), rc)) : rc;
}

/* The VMs-down chart: per group the hours per year with k >= 1 VMs down
 * at once (log scale; the rest of the year every VM is up), lines broken
 * where a count never happens, the x axis to the largest count seen.
 * downcount.dat, one block per group: vms_down hours_per_year, a blank line
 * at each gap. */
static int prep_downcount(const plot_opts *o, const char *work, vars *v, diag *d)
{
    static const char *const need[] = { "group", "vms_down", "hours_per_year", NULL };
    table t;
    int rc = table_load(&t, o->dir, "downcount.csv", need, d);
    if (rc != FD_OK)
        return rc;
    const char *names[64];
    size_t cg = col(&t, "group"), ck = col(&t, "vms_down"), ch = col(&t, "hours_per_year");
    size_t ng = distinct(&t, cg, names, 64);
    dat f;
    double maxk = 1, hmin = INFINITY, hmax = 0;
    if ((rc = dat_open(&f, work, "downcount.dat", d)) == FD_OK) {
        for (size_t g = 0; g < ng; g++) {
            dat_block(&f, names[g], "vms_down hours_per_year");
            double prev = -1;
            for (size_t r = 1; r < t.nrows; r++) {
                if (strcmp(cell(&t, r, cg), names[g]) != 0)
                    continue;
                double k = num(&t, r, ck), h = num(&t, r, ch);
                if (!(k >= 1) || !(h > 0))
                    continue;
                if (prev >= 0 && k != prev + 1)
                    fputc('\n', f.f); /* a gap: no line across it */
                dat_num(f.f, k);
                dat_num(f.f, h);
                fputc('\n', f.f);
                prev = k;
                maxk = fmax(maxk, k);
                hmin = fmin(hmin, h);
                hmax = fmax(hmax, h);
            }
        }
        var_str(v, "titles", f.titles.buf);
        rc = dat_close(&f, d);
    }
    var_num(v, "ngroups", (double)ng);
    var_num(v, "maxk", maxk);
    var_num(v, "ylow", isfinite(hmin) ? pow(10, floor(log10(hmin))) : 1e-3);
    var_num(v, "yhigh", hmax > 0 ? pow(10, ceil(log10(hmax) + 1e-9)) : 1);
    table_fini(&t);
    return rc;
}

/* The months chart: per group each month's mean and 5th-percentile
 * uptime on a nines axis (a month with no downtime at the top), and one
 * dashed line per distinct SLA target, labelled with the target and its
 * groups.  months.dat, one block per group: month mean_nines p5_nines
 * (the top for 100 %); the targets as variables tn1.. and tl1... */
static int prep_months(const plot_opts *o, const char *work, vars *v, diag *d)
{
    static const char *const need[] = {
        "group", "month", "sla_target_pct", "uptime_mean_pct", "uptime_p5_pct",
        "share_met", "replicas", NULL,
    };
    table t;
    int rc = table_load(&t, o->dir, "months.csv", need, d);
    if (rc != FD_OK)
        return rc;
    const char *names[64];
    size_t cg = col(&t, "group"), cm = col(&t, "month"), cs = col(&t, "sla_target_pct");
    size_t cu = col(&t, "uptime_mean_pct"), c5 = col(&t, "uptime_p5_pct");
    size_t ng = distinct(&t, cg, names, 64);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 1; r < t.nrows; r++)
        for (size_t c = 0; c < 3; c++) {
            double up = num(&t, r, (size_t[]){ cu, c5, cs }[c]);
            double n = nines_of(1 - up / 100);
            if (isfinite(n)) {
                lo = fmin(lo, n);
                hi = fmax(hi, n);
            }
        }
    double top;
    nines_axis(v, lo, hi, "100 %% (no downtime)", &top);
    /* distinct targets, each with its groups */
    double targets[16];
    words tgroups[16];
    int nt = 0;
    for (size_t g = 0; g < ng; g++) {
        double tg = NAN;
        for (size_t r = 1; r < t.nrows && isnan(tg); r++)
            if (!strcmp(cell(&t, r, cg), names[g]))
                tg = num(&t, r, cs);
        if (!isfinite(tg))
            continue;
        int k = 0;
        while (k < nt && targets[k] != tg)
            k++;
        if (k == nt && nt < 16) {
            targets[nt] = tg;
            tgroups[nt].len = 0;
            tgroups[nt].buf[0] = '\0';
            nt++;
        }
        if (k < nt && tgroups[k].len + strlen(names[g]) + 3 < sizeof tgroups[k].buf)
            tgroups[k].len += (size_t)snprintf(tgroups[k].buf + tgroups[k].len,
                                               sizeof tgroups[k].buf - tgroups[k].len, "%s%s",
                                               tgroups[k].len ? ", " : "", names[g]);
    }
    for (int k = 0; k < nt; k++) {
        char name[16], label[4200];
        snprintf(name, sizeof name, "tn%d", k + 1);
        var_num(v, name, nines_of(1 - targets[k] / 100));
        snprintf(name, sizeof name, "tl%d", k + 1);
        snprintf(label, sizeof label, "SLA target %.10g %% (%.3000s)", targets[k],
                 nt == 1 ? "every group with a target" : tgroups[k].buf);
        var_str(v, name, label);
    }
    var_num(v, "ntargets", nt);
    dat f;
    if ((rc = dat_open(&f, work, "months.dat", d)) == FD_OK) {
        for (size_t g = 0; g < ng; g++) {
            dat_block(&f, names[g], "month mean_nines p5_nines");
            for (size_t r = 1; r < t.nrows; r++)
                if (!strcmp(cell(&t, r, cg), names[g])) {
                    double mn = nines_of(1 - num(&t, r, cu) / 100);
                    double p5 = nines_of(1 - num(&t, r, c5) / 100);
                    dat_num(f.f, num(&t, r, cm));
                    dat_num(f.f, isfinite(mn) || isnan(num(&t, r, cu)) ? mn : top);
                    dat_num(f.f, isfinite(p5) || isnan(num(&t, r, c5)) ? p5 : top);
                    fputc('\n', f.f);
                }
        }
        var_str(v, "titles", f.titles.buf);
        rc = dat_close(&f, d);
    }
    var_num(v, "ngroups", (double)ng);
    table_fini(&t);
    return rc;
}

/* Whether key `key` of a sweep (as sweep.csv names its column) varies
 * group `group`: group.NAME.x varies NAME only, any other key every group
 * (sweep_axis_touches' rule). */
static bool key_touches(const char *key, const char *group)
{
    if (strncmp(key, "group.", 6) != 0)
        return true;
    const char *name = key + 6, *dot = strrchr(name, '.');
    return dot && (size_t)(dot - name) == strlen(group) && !strncmp(name, group, strlen(group));
}

/* The sweep chart: service availability on a nines axis against the first
 * swept key, one line per group the keys vary (and per value of the other
 * keys), with 95 % interval bars; drawn as steps when every value of the
 * key is a whole number (a count: nothing lies between the points), as
 * lines when it is continuous; a point with no outage at the top.  The
 * groups no key varies are named in the title, not drawn.
 * sweep.dat, one block per line: x "value" nines low high kind. */
static int prep_sweep(const plot_opts *o, const char *work, vars *v, diag *d)
{
    static const char *const need[] = {
        "point", "group", "metric", "mean", "ci_low", "ci_high", NULL,
    };
    table t;
    int rc = table_load(&t, o->dir, "sweep.csv", need, d);
    if (rc != FD_OK)
        return rc;
    size_t cp = col(&t, "point"), cg = col(&t, "group"), cm = col(&t, "metric");
    size_t cmean = col(&t, "mean"), clo = col(&t, "ci_low"), chi = col(&t, "ci_high");
    if (cg <= cp + 1) {
        table_fini(&t);
        return diag_set(d, FD_EINVAL, "%s/sweep.csv: no varied key between the point and "
                        "group columns", o->dir);
    }
    size_t cx = cp + 1, nkeys = cg - cp - 1;
    /* numeric x when every value of the first key is a number (units kept
     * out: "10d" is 10); discrete when each is a whole number alone */
    bool numeric = true, discrete = true;
    char unit[16] = "";
    for (size_t r = 1; r < t.nrows && numeric; r++) {
        char *end;
        const char *s = cell(&t, r, cx);
        double x = strtod(s, &end);
        numeric = end != s;
        discrete = discrete && numeric && *end == '\0' && x == floor(x);
        if (numeric && *end)
            snprintf(unit, sizeof unit, "%s", end); /* sweep_add: one unit per axis */
    }
    const char *UNAVAIL = "service_unavailability";
    double lo = INFINITY, hi = -INFINITY;
    for (size_t r = 1; r < t.nrows; r++) {
        if (strcmp(cell(&t, r, cm), UNAVAIL) != 0)
            continue;
        double n = nines_of(num(&t, r, cmean)), nl = nines_of(num(&t, r, chi));
        if (isfinite(n)) {
            lo = fmin(lo, isfinite(nl) ? nl : n);
            hi = fmax(hi, n);
        }
    }
    double top;
    nines_axis(v, lo, hi, "no outage", &top);
    /* x categories (non-numeric x): in first-seen order */
    enum { MAXL = 256 };
    const char *cats[MAXL];
    size_t ncat = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        if (strcmp(cell(&t, r, cm), UNAVAIL) != 0)
            continue;
        size_t i = 0;
        while (i < ncat && strcmp(cats[i], cell(&t, r, cx)) != 0)
            i++;
        if (i == ncat && ncat < MAXL)
            cats[ncat++] = cell(&t, r, cx);
    }
    /* the groups no key varies */
    words still = { .len = 0 };
    const char *gnames[64];
    size_t ngn = distinct(&t, cg, gnames, 64);
    bool varied[64];
    for (size_t g = 0; g < ngn; g++) {
        varied[g] = false;
        for (size_t k = 0; k < nkeys; k++)
            varied[g] = varied[g] || key_touches(t.rows[0][cx + k], gnames[g]);
        if (!varied[g] && still.len + strlen(gnames[g]) + 3 < sizeof still.buf)
            still.len += (size_t)snprintf(still.buf + still.len, sizeof still.buf - still.len,
                                          "%s%s", still.len ? ", " : "", gnames[g]);
    }
    char *lines[MAXL];
    size_t nl = 0;
    dat f;
    if ((rc = dat_open(&f, work, "sweep.dat", d)) != FD_OK) {
        table_fini(&t);
        return rc;
    }
    for (size_t r = 1; r < t.nrows && rc == FD_OK; r++) {
        if (strcmp(cell(&t, r, cm), UNAVAIL) != 0)
            continue;
        bool draw = false;
        for (size_t g = 0; g < ngn; g++)
            draw = draw || (varied[g] && !strcmp(gnames[g], cell(&t, r, cg)));
        if (!draw)
            continue;
        char key[512];
        size_t len = (size_t)snprintf(key, sizeof key, "%s", cell(&t, r, cg));
        for (size_t k = 1; k < nkeys && len < sizeof key; k++) {
            const char *kn = strrchr(t.rows[0][cx + k], '.');
            len += (size_t)snprintf(key + len, sizeof key - len, "%s%s=%s", k == 1 ? ", " : " ",
                                    kn ? kn + 1 : t.rows[0][cx + k], cell(&t, r, cx + k));
        }
        size_t i = 0;
        while (i < nl && strcmp(lines[i], key) != 0)
            i++;
        if (i < nl || nl == MAXL)
            continue;
        if ((lines[nl++] = fd_strdup(key)) == NULL) {
            nl--;
            rc = diag_set(d, FD_ENOMEM, "out of memory");
            break;
        }
        dat_block(&f, key, "x label nines low high kind");
        for (size_t q = 1; q < t.nrows; q++) {
            if (strcmp(cell(&t, q, cm), UNAVAIL) != 0)
                continue;
            char other[512];
            size_t ol = (size_t)snprintf(other, sizeof other, "%s", cell(&t, q, cg));
            for (size_t k = 1; k < nkeys && ol < sizeof other; k++) {
                const char *kn = strrchr(t.rows[0][cx + k], '.');
                ol += (size_t)snprintf(other + ol, sizeof other - ol, "%s%s=%s",
                                       k == 1 ? ", " : " ", kn ? kn + 1 : t.rows[0][cx + k],
                                       cell(&t, q, cx + k));
            }
            if (strcmp(other, key) != 0)
                continue;
            double x = NAN;
            if (numeric) {
                x = strtod(cell(&t, q, cx), NULL);
            } else {
                for (size_t c = 0; c < ncat; c++)
                    if (!strcmp(cats[c], cell(&t, q, cx)))
                        x = (double)c;
            }
            double u = num(&t, q, cmean), ul = num(&t, q, clo), uh = num(&t, q, chi);
            int kind = !(u > 0) ? 2 : isfinite(ul) && isfinite(uh) ? 0 : 1;
            double y = kind == 2 ? top : nines_of(u);
            dat_num(f.f, x);
            dat_str(f.f, cell(&t, q, cx));
            dat_num(f.f, y);
            dat_num(f.f, kind == 0 ? nines_of(uh) : y);
            dat_num(f.f, kind == 0 ? fmin(nines_of(ul), top) : y);
            fprintf(f.f, "%d\n", kind);
        }
    }
    var_num(v, "nlines", (double)nl);
    var_str(v, "titles", f.titles.buf);
    var_num(v, "numeric", numeric);
    var_num(v, "discrete", discrete);
    var_str(v, "xkey", t.rows[0][cx]);
    var_str(v, "xunit", unit);
    var_str(v, "still", still.buf);
    for (size_t i = 0; i < nl; i++)
        free(lines[i]);
    table_fini(&t);
    return rc == FD_OK ? dat_close(&f, d) : (dat_close(&f, NULL), rc);
}

/* ---------------------------------------------------------- timeline -- */

/* The replayed replica: where its first maintenance wave is, then the
 * VMs up per domain of each group through it. */
typedef struct tl {
    const scenario *s;
    bool record;         /* second pass: write rows */
    /* first pass */
    bool rf_seen, rl_seen;         /* a rebootful / rebootless wave began */
    double rf_start, rf_end;       /* the first rebootful wave: start, last step end (s) */
    double rl_start, rl_end;       /* the first rebootless wave */
    int rf_waves, rl_waves;        /* waves begun */
    /* second pass */
    double w0, w1, origin;         /* window and the time shown as 0 (s) */
    size_t ng;                     /* groups shown */
    int **dom;                     /* dom[g][vm]: domain index, -1 unplaced */
    int *ndom;                     /* domains per group */
    int **up;                      /* up[g][k]: VMs up now in domain k */
    int *total;                    /* VMs up now per group */
    FILE **f;                      /* per group .dat */
    words *dn;                     /* per group: the domains' names, quoted */
    bool started;                  /* the row at w0 is written */
} tl;

static void tl_count(tl *x, const inject *in)
{
    for (size_t g = 0; g < x->ng; g++) {
        memset(x->up[g], 0, (size_t)x->ndom[g] * sizeof(int));
        x->total[g] = 0;
        for (int vm = 0; vm < x->s->groups[g].count; vm++)
            if (inject_vm_is_up(in, g, vm)) {
                x->total[g]++;
                if (x->dom[g][vm] >= 0)
                    x->up[g][x->dom[g][vm]]++;
            }
    }
}

static void tl_row(tl *x, double t)
{
    for (size_t g = 0; g < x->ng; g++) {
        fprintf(x->f[g], "%.10g %d", (t - x->origin) / 3600.0, x->total[g]);
        for (int k = 0; k < x->ndom[g]; k++)
            fprintf(x->f[g], " %d", x->up[g][k]);
        fputc('\n', x->f[g]);
    }
}

static void tl_observe(void *user, const inject *in, double t, const char *event,
                       const char *target)
{
    (void)target;
    tl *x = user;
    if (!x->record) {
        if (!strcmp(event, "rebootful_wave")) {
            if (x->rf_waves++ == 0) {
                x->rf_seen = true;
                x->rf_start = x->rf_end = t;
            }
        } else if (!strcmp(event, "rebootless_wave")) {
            if (x->rl_waves++ == 0) {
                x->rl_seen = true;
                x->rl_start = x->rl_end = t;
            }
        } else if (!strcmp(event, "rebootful_end") && x->rf_waves == 1) {
            x->rf_end = t;
        } else if (!strcmp(event, "rebootless_end") && x->rl_waves == 1) {
            x->rl_end = t;
        }
        return;
    }
    if (t < x->w0) {
        tl_count(x, in); /* the state the window opens on */
        return;
    }
    if (!x->started) {
        tl_row(x, x->w0);
        x->started = true;
    }
    if (t > x->w1)
        return;
    tl_count(x, in);
    tl_row(x, t);
}

/* Domain of each VM: update domain (zone, UD) for groups that walk UDs,
 * else the rack (the Flexible walk's unit; FD f for fixed spreading).
 * Writes the header line of each group's file with the domain names. */
static int tl_map(tl *x, const place_result *pr, diag *d)
{
    for (size_t g = 0; g < x->ng; g++) {
        const place_group *pg = place_group_at(pr, g);
        const scen_group *sg = &x->s->groups[g];
        int n = pg->count;
        bool uds = sg->ud_count > 0;
        x->dom[g] = fd_malloc(((size_t)n + 1) * sizeof(int));
        int *keys = fd_malloc(((size_t)n + 1) * sizeof(int));
        int *fds = fd_malloc(((size_t)n + 1) * sizeof(int));
        if (!x->dom[g] || !keys || !fds) {
            free(keys);
            free(fds);
            return diag_set(d, FD_ENOMEM, "out of memory");
        }
        /* Distinct keys in ascending order. */
        int nk = 0;
        for (int i = 0; i < n; i++) {
            const place_vm *v = &pg->vms[i];
            x->dom[g][i] = -1;
            if (!v->placed)
                continue;
            int key = uds ? v->zone * PLACE_MAX_UD + v->ud : v->rack;
            int j = 0;
            while (j < nk && keys[j] < key)
                j++;
            if (j < nk && keys[j] == key)
                continue;
            memmove(keys + j + 1, keys + j, (size_t)(nk - j) * sizeof *keys);
            memmove(fds + j + 1, fds + j, (size_t)(nk - j) * sizeof *fds);
            keys[j] = key;
            fds[j] = v->fd;
            nk++;
        }
        for (int i = 0; i < n; i++) {
            const place_vm *v = &pg->vms[i];
            if (!v->placed)
                continue;
            int key = uds ? v->zone * PLACE_MAX_UD + v->ud : v->rack;
            for (int j = 0; j < nk; j++)
                if (keys[j] == key)
                    x->dom[g][i] = j;
        }
        x->ndom[g] = nk;
        x->up[g] = fd_calloc((size_t)nk + 1, sizeof(int));
        if (!x->up[g]) {
            free(keys);
            free(fds);
            return diag_set(d, FD_ENOMEM, "out of memory");
        }
        /* A replica starts with every placed VM up. */
        x->total[g] = 0;
        for (int i = 0; i < n; i++)
            if (x->dom[g][i] >= 0) {
                x->up[g][x->dom[g][i]]++;
                x->total[g]++;
            }
        words *w = &x->dn[g];
        for (int j = 0; j < nk; j++) {
            int key = keys[j];
            if (uds && sg->zones)
                words_add(w, "\"zone %d UD %d\"", key / PLACE_MAX_UD, key % PLACE_MAX_UD);
            else if (uds)
                words_add(w, "\"UD %d\"", key % PLACE_MAX_UD);
            else if (sg->fd_count > 1)
                words_add(w, "\"FD %d (rack %d)\"", fds[j], key);
            else
                words_add(w, "\"rack %d\"", key);
        }
        fprintf(x->f[g], "# %s: time_h vms_up, then VMs up in %s\n", sg->name, w->buf);
        free(keys);
        free(fds);
    }
    return FD_OK;
}

/* Load the run's scenario from `ini` (NULL: out of memory), check that it
 * covers replica o->replica, and create the per-group records and the
 * injector; what it made is the caller's to free, even on failure.  FD_OK,
 * FD_EINVAL or FD_ENOMEM. */
static int tl_open(const plot_opts *o, const char *ini, scenario **s, stats_replica **out,
                   inject **in, diag *d)
{
    int rc = ini ? FD_OK : diag_set(d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK) {
        diag e;
        diag_clear(&e);
        rc = scenario_load_file(s, ini, NULL, 0, NULL, &e);
        if (rc != FD_OK)
            rc = diag_set(d, rc == FD_ENOMEM ? FD_ENOMEM : FD_EINVAL, "%s", e.msg);
    }
    if (rc == FD_OK && o->replica >= (uint64_t)(*s)->replicas)
        rc = diag_set(d, FD_EINVAL, "--replica %llu: %s covers replicas 0 to %ld",
                      (unsigned long long)o->replica, ini, (*s)->replicas - 1);
    if (rc == FD_OK && (*out = fd_calloc((*s)->ngroups, sizeof **out)) == NULL)
        rc = diag_set(d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK)
        rc = inject_create(in, *s, d);
    return rc;
}

/* Set the window around the first wave the first pass saw (the rebootful
 * one if any), padded and clipped to the horizon, with its start as 0. */
static void tl_window(tl *x)
{
    bool rf = x->rf_seen;
    double start = rf ? x->rf_start : x->rl_start, end = rf ? x->rf_end : x->rl_end;
    double pad = fmax(1800.0, 0.08 * (end - start));
    x->w0 = fmax(0.0, start - pad);
    x->w1 = fmin(x->s->horizon, end + pad);
    x->origin = start;
}

/* Allocate the per-group arrays of the groups shown and open their .dat
 * files in `work`; what it made is freed by tl_close, even on failure.
 * FD_OK, FD_ENOMEM or FD_EIO. */
static int tl_alloc(tl *x, const char *work, diag *d)
{
    const scenario *s = x->s;
    int rc = FD_OK;
    x->ng = s->ngroups < TIMELINE_GROUPS ? s->ngroups : TIMELINE_GROUPS;
    x->dom = fd_calloc(x->ng, sizeof *x->dom);
    x->up = fd_calloc(x->ng, sizeof *x->up);
    x->ndom = fd_calloc(x->ng, sizeof *x->ndom);
    x->total = fd_calloc(x->ng, sizeof *x->total);
    x->f = fd_calloc(x->ng, sizeof *x->f);
    x->dn = fd_calloc(x->ng, sizeof *x->dn);
    if (!x->dom || !x->up || !x->ndom || !x->total || !x->f || !x->dn)
        return diag_set(d, FD_ENOMEM, "out of memory");
    for (size_t g = 0; g < x->ng && rc == FD_OK; g++) {
        char name[64];
        snprintf(name, sizeof name, "timeline_%zu.dat", g + 1);
        char *path = csvio_path_join(work, name);
        if (path == NULL || (x->f[g] = fopen(path, "w")) == NULL)
            rc = diag_set(d, FD_EIO, "cannot write %s: %s", path ? path : name,
                          strerror(errno));
        free(path);
    }
    return rc;
}

/* Replay replica `replica` again, recording the window's rows, with the
 * domains of the placement this replica starts from (the run's, or its own
 * with per-replica placement).  FD_OK or FD_ENOMEM. */
static int tl_record(tl *x, inject *in, uint64_t replica, stats_replica *out, diag *d)
{
    int rc;
    x->record = true;
    inject_begin(in, replica);
    if ((rc = tl_map(x, inject_placement(in), d)) != FD_OK)
        return rc;
    if (inject_end(in, &(stats_out){ .rec = out }, NULL) != FD_OK)
        return diag_set(d, FD_ENOMEM, "out of memory replaying replica %llu",
                        (unsigned long long)replica);
    if (!x->started) /* no event after w0: the last state holds */
        tl_row(x, x->w0);
    tl_row(x, x->w1);
    return FD_OK;
}

/* Set the script's variables for the recorded timeline of replica
 * o->replica. */
static void tl_vars(const tl *x, const plot_opts *o, vars *v)
{
    const scenario *s = x->s;
    words ncols = { .len = 0 }, names = { .len = 0 }, quorum = { .len = 0 },
          count = { .len = 0 }, descs = { .len = 0 }, units = { .len = 0 };
    for (size_t g = 0; g < x->ng; g++) {
        const scen_group *sg = &s->groups[g];
        char fd[16] = "FD max";
        if (sg->fd_count > 1)
            snprintf(fd, sizeof fd, "FD %d", sg->fd_count);
        if (sg->ud_count > 0)
            words_add(&descs, "\"%s, %s, UD %d\"", scenario_mode_name(sg->mode), fd,
                      sg->ud_count);
        else
            words_add(&descs, "\"%s, %s\"", scenario_mode_name(sg->mode), fd);
        words_add(&units, "%s", sg->ud_count > 0 ? "UDs" : "racks");
        words_add(&ncols, "%d", x->ndom[g] + 2);
        words_add(&names, "%s", s->groups[g].name);
        words_add(&quorum, "%d", s->groups[g].quorum);
        words_add(&count, "%d", s->groups[g].count);
        char name[32];
        snprintf(name, sizeof name, "doms%zu", g + 1);
        var_str(v, name, x->dn[g].buf);
    }
    var_num(v, "ngroups", (double)x->ng);
    var_str(v, "ncols", ncols.buf);
    var_str(v, "names", names.buf);
    var_str(v, "quorums", quorum.buf);
    var_str(v, "counts", count.buf);
    var_str(v, "descs", descs.buf);
    var_str(v, "units", units.buf);
    /* readable at the default size: a panel of 170 pixels per group */
    var_num(v, "auto_height", fmax(500, 80 + 170 * (double)x->ng));
    var_str(v, "wave", x->rf_seen ? "rebootful" : "rebootless");
    var_num(v, "replica", (double)o->replica);
    var_num(v, "day", x->origin / 86400.0);
    var_num(v, "xmin", (x->w0 - x->origin) / 3600.0);
    var_num(v, "xmax", (x->w1 - x->origin) / 3600.0);
    var_num(v, "more", (double)(s->ngroups - x->ng));
}

/* Close the .dat files of `x` and free its arrays; returns `rc`, or FD_EIO
 * when `rc` was FD_OK and a file failed to write. */
static int tl_close(tl *x, int rc, diag *d)
{
    for (size_t g = 0; g < x->ng; g++) {
        if (x->f && x->f[g] && (ferror(x->f[g]) | fclose(x->f[g])) && rc == FD_OK)
            rc = diag_set(d, FD_EIO, "cannot write a temporary data file");
        if (x->dom)
            free(x->dom[g]);
        if (x->up)
            free(x->up[g]);
    }
    free(x->f);
    free(x->dn);
    free(x->dom);
    free(x->up);
    free(x->ndom);
    free(x->total);
    return rc;
}

/* The timeline: replay replica o->replica of DIR/run.ini once to find its
 * first maintenance wave, then again to write, per group shown, the VMs up
 * per domain through a window around that wave.  No wave: no chart
 * (ngroups 0), not an error. */
static int prep_timeline(const plot_opts *o, const char *work, vars *v, diag *d)
{
    char *ini = csvio_path_join(o->dir, "run.ini");
    scenario *s = NULL;
    inject *in = NULL;
    stats_replica *out = NULL;
    tl x = { 0 };
    int rc = tl_open(o, ini, &s, &out, &in, d);
    if (rc != FD_OK)
        goto done;
    x.s = s;
    inject_set_observer(in, tl_observe, &x);
    if (inject_replica(in, o->replica, &(stats_out){ .rec = out }, NULL) != FD_OK) {
        rc = diag_set(d, FD_ENOMEM, "out of memory replaying replica %llu",
                      (unsigned long long)o->replica);
        goto done;
    }
    if (!x.rf_seen && !x.rl_seen) {
        var_num(v, "ngroups", 0);
        goto done;
    }
    tl_window(&x);
    if ((rc = tl_alloc(&x, work, d)) != FD_OK
        || (rc = tl_record(&x, in, o->replica, out, d)) != FD_OK)
        goto done;
    tl_vars(&x, o, v);
done:
    rc = tl_close(&x, rc, d);
    inject_destroy(in);
    free(out);
    scenario_destroy(s);
    free(ini);
    return rc;
}

/* ----------------------------------------------------------- drawing -- */

/* Make the chart gnuplot wrote to `tmp` the file `target`: synced and
 * renamed over it, so `target` is the old chart or the new one, whole,
 * whatever stops the plot (the temporary is removed on failure, and a
 * killed plot's by the next: stage_clean).  FD_OK or FD_EIO. */
static int chart_commit(const char *tmp, const char *target, diag *d)
{
    struct stat st;
    int fd = open(tmp, O_RDONLY | O_CLOEXEC), rc = FD_OK;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0)
        rc = diag_set(d, FD_EIO, "gnuplot wrote nothing to %s", target);
    else if (fsync(fd) != 0)
        rc = diag_set(d, FD_EIO, "cannot sync %s: %s", tmp, strerror(errno));
    if (fd >= 0)
        close(fd);
    if (rc == FD_OK && rename(tmp, target) != 0)
        rc = diag_set(d, FD_EIO, "cannot rename %s to %s: %s", tmp, target, strerror(errno));
    if (rc != FD_OK)
        unlink(tmp);
    return rc;
}

/* Run gnuplot on `script` with the variables; FD_OK or FD_EIO. */
static int run_gnuplot(const char *gnuplot, const char *script, const char *vtext, diag *d)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return diag_set(d, FD_EIO, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        execl(gnuplot, "gnuplot", "-e", vtext, script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return diag_set(d, FD_EIO, "gnuplot: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return diag_set(d, FD_EIO, "gnuplot failed on %s (exit status %d); its messages "
                        "are above", script, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return FD_OK;
}

static int write_file(const char *path, const char *text, diag *d)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return diag_set(d, FD_EIO, "cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    int bad = ferror(f) | fclose(f);
    return bad ? diag_set(d, FD_EIO, "cannot write %s", path) : FD_OK;
}

/* Remove the work directory and the files we put in it. */
static void remove_work(const char *work)
{
    static const char *const files[] = {
        "availability", "downtime_cdf", "downcount", "months", "sweep",
    };
    char path[4200];
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s.dat", work, files[i]);
        remove(path);
    }
    for (int i = 0; plot_names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s.gp", work, plot_names[i]);
        remove(path);
    }
    for (int g = 1; g <= TIMELINE_GROUPS; g++) {
        snprintf(path, sizeof path, "%s/timeline_%d.dat", work, g);
        remove(path);
    }
    rmdir(work);
}

/* What reshapes each chart's input, in plot_names' order. */
static int (*const prep[])(const plot_opts *, const char *, vars *, diag *) = {
    prep_availability, prep_downtime_cdf, prep_downcount, prep_months, prep_timeline,
    prep_sweep,
};

int plot_data(const plot_opts *o, const char *chart, const char *work, diag *d)
{
    size_t i = 0;
    while (plot_names[i] && strcmp(plot_names[i], chart) != 0)
        i++;
    if (!plot_names[i])
        return diag_set(d, FD_EINVAL, "no chart %s", chart);
    vars v = { .len = 0 };
    v.text[0] = '\0';
    int rc = prep[i](o, work, &v, d);
    if (rc != FD_OK)
        return rc;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.vars", work, chart);
    return write_file(path, v.text, d);
}

int plot_render(const plot_opts *o, FILE *out, diag *d)
{
    char gnuplot[4096];
    struct stat st;
    if (stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return diag_set(d, FD_EINVAL, "%s is not a directory; give a results directory "
                        "written by fdsim run or fdsim sweep", o->dir);
    bool any = false;
    for (int i = 0; plot_names[i]; i++) {
        char *p = csvio_path_join(o->dir, plot_inputs[i]);
        any = any || (p && access(p, R_OK) == 0);
        free(p);
    }
    if (!any)
        return diag_set(d, FD_EINVAL, "%s holds no results (summary.csv, replicas.csv, "
                        "downcount.csv, months.csv, run.ini or sweep.csv); give a directory "
                        "written by fdsim run or fdsim sweep", o->dir);
    int rc = plot_find_gnuplot(gnuplot, sizeof gnuplot, d);
    if (rc != FD_OK)
        return rc;
    const char *tmp = getenv("TMPDIR");
    char work[4096];
    snprintf(work, sizeof work, "%s/fdsim-plot-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (o->keep)
        snprintf(work, sizeof work, "%s", o->keep);
    else if (mkdtemp(work) == NULL)
        return diag_set(d, FD_EIO, "cannot create a temporary directory %s: %s", work,
                        strerror(errno));
    for (int i = 0; plot_names[i] && rc == FD_OK; i++) {
        char *in = csvio_path_join(o->dir, plot_inputs[i]);
        bool have = in && access(in, R_OK) == 0;
        free(in);
        if (!have)
            continue;
        vars v = { .len = 0 };
        v.text[0] = '\0';
        rc = prep[i](o, work, &v, d);
        if (rc != FD_OK)
            break;
        if (strstr(v.text, "ngroups=0;") == v.text || strstr(v.text, " ngroups=0;"))
            continue; /* nothing to draw (a replica without maintenance) */
        char script[4200];
        snprintf(script, sizeof script, "%s/%s.gp", work, plot_names[i]);
        if ((rc = write_file(script, plot_script(plot_names[i]), d)) != FD_OK)
            break;
        if (o->keep) {
            snprintf(script, sizeof script, "%s/%s.vars", work, plot_names[i]);
            if ((rc = write_file(script, v.text, d)) != FD_OK)
                break;
            snprintf(script, sizeof script, "%s/%s.gp", work, plot_names[i]);
        }
        for (int fmt = PLOT_PNG; fmt <= PLOT_SVG && rc == FD_OK; fmt <<= 1) {
            if (!(o->formats & fmt))
                continue;
            const char *ext = fmt == PLOT_PNG ? "png" : "svg";
            char name[64];
            snprintf(name, sizeof name, "%s.%s", plot_names[i], ext);
            char *target = csvio_path_join(o->dir, name);
            char *part = target ? csvio_temp_path(target) : NULL;
            if (part == NULL) {
                free(target);
                rc = diag_set(d, FD_ENOMEM, "out of memory");
                break;
            }
            stage_clean(target, NULL); /* a killed plot's temporary */
            vars all = v;
            var_str(&all, "data", work);
            var_str(&all, "out", part);
            var_str(&all, "fmt", ext);
            var_num(&all, "width", o->width);
            var_num(&all, "height", o->height);
            var_num(&all, "sized", o->sized);
            if (all.len >= sizeof all.text - 1)
                rc = diag_set(d, FD_EINVAL, "%s: too many groups or names to plot",
                              plot_names[i]);
            if (rc == FD_OK)
                rc = run_gnuplot(gnuplot, script, all.text, d);
            if (rc == FD_OK)
                rc = chart_commit(part, target, d);
            else
                unlink(part);
            if (rc == FD_OK)
                fprintf(out, "%s\n", target);
            free(part);
            free(target);
        }
    }
    if (!o->keep)
        remove_work(work);
    return rc;
}
