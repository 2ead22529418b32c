/*
 * plot: reshape a results directory into .dat files and run gnuplot on the
 * embedded scripts (see plot.h).
 */
#include "plot.h"

#include "csvio.h"
#include "embed.h"
#include "inject.h"
#include "place.h"
#include "scenario.h"
#include "stats.h"

#include <errno.h>
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
        char ***rows = realloc(t->rows, cap * sizeof *rows);
        if (rows)
            t->rows = rows;
        size_t *nc = realloc(t->ncols, cap * sizeof *nc);
        if (nc)
            t->ncols = nc;
        if (!rows || !nc)
            return FD_ENOMEM;
        t->cap = cap;
    }
    char **cells = calloc(n ? n : 1, sizeof *cells);
    if (cells == NULL)
        return FD_ENOMEM;
    for (size_t c = 0; c < n; c++) {
        /* Undo csvio's formula guard: no value fdsim writes starts with '. */
        const char *v = f[c][0] == '\'' ? f[c] + 1 : f[c];
        if ((cells[c] = strdup(v)) == NULL) {
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

static const char *const need_summary[] = {
    "group", "orchestration", "fault_domains", "update_domains", "metric", "mean",
    "ci_low", "ci_high", "replicas", NULL,
};

/* "avset\nAvailabilitySet FD 3 / UD 5": a group's x tick label. */
static void mode_label(char *buf, size_t size, const char *name, const char *mode,
                       const char *fd, const char *ud)
{
    snprintf(buf, size, "%s\\n%s\\nFD %s%s%s", name, mode, !strcmp(fd, "1") ? "max" : fd,
             strcmp(ud, "0") ? ", UD " : "", strcmp(ud, "0") ? ud : "");
}

/* The bottom of an availability axis that ends at 100 %: some room below
 * the lowest value `lo` (percent), and a visible span when every value is
 * 100 (10 units of the `dec`-th decimal). */
static double axis_bottom(double lo, int dec)
{
    double span = 100 - lo;
    if (!(span > 0))
        return 100 - 10 * pow(10, -dec);
    return lo - 0.15 * span;
}

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
    dat_block(&f, "service availability", "x label mean low high text");
    int n = 0, ydec = 4;
    double replicas = NAN, lo = 100;
    for (size_t r = 1; r < t.nrows; r++) {
        if (strcmp(cell(&t, r, cm), "service_availability") != 0)
            continue;
        char label[256], text[64];
        mode_label(label, sizeof label, cell(&t, r, cg), cell(&t, r, cmo), cell(&t, r, cfd),
                   cell(&t, r, cud));
        double mean = 100 * num(&t, r, cmean);
        double u = 100 - mean;
        int dec = 4;
        if (u > 0)
            dec = (int)ceil(-log10(u)) + 1 > 4 ? (int)ceil(-log10(u)) + 1 : 4;
        dec = dec > 9 ? 9 : dec;
        if (dec > ydec)
            ydec = dec;
        /* An empty interval end (summary.csv: none supported, e.g. no
         * outage seen) draws no whisker on that side. */
        double low = 100 * num(&t, r, clo), high = 100 * num(&t, r, chi);
        low = isfinite(low) ? low : mean;
        high = isfinite(high) ? high : mean;
        if (low < lo)
            lo = low;
        if (isfinite(num(&t, r, clo)) && isfinite(num(&t, r, chi)))
            snprintf(text, sizeof text, "%.*f %%", dec, mean);
        else if (mean < 100) /* too few outages for an interval */
            snprintf(text, sizeof text, "%.*f %% (no interval)", dec, mean);
        else
            snprintf(text, sizeof text, "no outage");
        fprintf(f.f, "%d ", n++);
        dat_str(f.f, label);
        dat_num(f.f, mean);
        dat_num(f.f, low);
        dat_num(f.f, high);
        dat_str(f.f, text);
        fputc('\n', f.f);
        replicas = num(&t, r, crep);
    }
    var_num(v, "ngroups", n);
    var_num(v, "replicas", replicas);
    var_num(v, "ydec", ydec);
    /* The axis stops at 100 %: availability cannot exceed it. */
    var_num(v, "ymin", axis_bottom(lo, ydec));
    table_fini(&t);
    return dat_close(&f, d);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

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
    double *x = malloc(t.nrows * sizeof *x);
    dat f = { 0 };
    if (x == NULL)
        rc = diag_set(d, FD_ENOMEM, "out of memory");
    if (rc == FD_OK)
        rc = dat_open(&f, work, "downtime_cdf.dat", d);
    size_t replicas = 0;
    double xmax = 0;
    for (size_t r = 1; r < t.nrows; r++)
        if (isfinite(num(&t, r, cd)) && scale * num(&t, r, cd) > xmax)
            xmax = scale * num(&t, r, cd);
    for (size_t g = 0; g < ng && rc == FD_OK; g++) {
        size_t n = 0;
        for (size_t r = 1; r < t.nrows; r++)
            if (!strcmp(cell(&t, r, cg), names[g]) && isfinite(num(&t, r, cd)))
                x[n++] = scale * num(&t, r, cd);
        qsort(x, n, sizeof *x, cmp_double);
        replicas = n;
        dat_block(&f, names[g], "downtime_min_per_year fraction");
        /* The empirical CDF as a staircase: F jumps by 1/n at each value;
         * (0, share at zero) first so the curve starts on the axis. */
        size_t step = n > CDF_POINTS ? n / CDF_POINTS : 1;
        for (size_t i = 0; i < n; i++) {
            bool last = i + 1 == n || x[i + 1] != x[i];
            if (last && (i % step == 0 || i + 1 == n || x[i] == 0))
                fprintf(f.f, "%.10g %.10g\n", x[i], (double)(i + 1) / (double)n);
        }
        if (n > 0 && x[n - 1] < xmax) /* every curve runs across the chart */
            fprintf(f.f, "%.10g 1\n", xmax);
    }
    var_num(v, "ngroups", (double)ng);
    var_num(v, "replicas", (double)replicas);
    var_num(v, "xmax", xmax);
    if (f.f)
        var_str(v, "titles", f.titles.buf);
    free(x);
    table_fini(&t);
    return f.f ? (rc == FD_OK ? dat_close(&f, d) : (dat_close(&f, NULL), rc)) : rc;
}

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
    double maxk = 0;
    if ((rc = dat_open(&f, work, "downcount.dat", d)) == FD_OK) {
        for (size_t g = 0; g < ng; g++) {
            dat_block(&f, names[g], "vms_down hours_per_year");
            for (size_t r = 1; r < t.nrows; r++)
                if (!strcmp(cell(&t, r, cg), names[g])) {
                    double h = num(&t, r, ch);
                    dat_num(f.f, num(&t, r, ck));
                    dat_num(f.f, h > 0 ? h : NAN); /* log scale: no zeros */
                    if (num(&t, r, ck) > maxk)
                        maxk = num(&t, r, ck);
                    fputc('\n', f.f);
                }
        }
        var_str(v, "titles", f.titles.buf);
        rc = dat_close(&f, d);
    }
    var_num(v, "ngroups", (double)ng);
    var_num(v, "maxk", maxk);
    table_fini(&t);
    return rc;
}

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
    size_t csh = col(&t, "share_met");
    size_t ng = distinct(&t, cg, names, 64);
    dat f;
    double lo = 100, target = NAN;
    if ((rc = dat_open(&f, work, "months.dat", d)) == FD_OK) {
        for (size_t g = 0; g < ng; g++) {
            dat_block(&f, names[g], "month target mean p5 share_met");
            for (size_t r = 1; r < t.nrows; r++)
                if (!strcmp(cell(&t, r, cg), names[g])) {
                    for (size_t c = 0; c < 5; c++)
                        dat_num(f.f, num(&t, r, (size_t[]){ cm, cs, cu, c5, csh }[c]));
                    fputc('\n', f.f);
                    double p5 = num(&t, r, c5), tg = num(&t, r, cs);
                    if (isfinite(p5) && p5 < lo)
                        lo = p5;
                    if (isfinite(tg) && (tg < lo))
                        lo = tg;
                    if (isfinite(tg))
                        target = tg;
                }
        }
        var_str(v, "titles", f.titles.buf);
        rc = dat_close(&f, d);
    }
    var_num(v, "ngroups", (double)ng);
    var_num(v, "ymin", axis_bottom(lo, 4));
    /* No group with a target (no published SLA, none set): no target line. */
    var_num(v, "has_target", isfinite(target));
    var_num(v, "target", isfinite(target) ? target : 0);
    table_fini(&t);
    return rc;
}

/* sweep.csv: the varied keys are the columns between "point" and "group". */
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
    /* Numeric x when every value of the first key is a number (units kept
     * out: "10d" is 10). */
    bool numeric = true;
    for (size_t r = 1; r < t.nrows && numeric; r++) {
        char *end;
        const char *s = cell(&t, r, cx);
        strtod(s, &end);
        numeric = end != s;
    }
    /* One line per (group, values of the other keys), in first-seen order. */
    enum { MAXL = 256 };
    char *lines[MAXL];
    double ylo = 100; /* the lowest interval end, percent */
    size_t nl = 0;
    dat f;
    if ((rc = dat_open(&f, work, "sweep.dat", d)) != FD_OK) {
        table_fini(&t);
        return rc;
    }
    /* x categories (non-numeric x): in first-seen order. */
    const char *cats[MAXL];
    size_t ncat = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        if (strcmp(cell(&t, r, cm), "service_availability") != 0)
            continue;
        size_t i = 0;
        while (i < ncat && strcmp(cats[i], cell(&t, r, cx)) != 0)
            i++;
        if (i == ncat && ncat < MAXL)
            cats[ncat++] = cell(&t, r, cx);
    }
    for (size_t r = 1; r < t.nrows && rc == FD_OK; r++) {
        if (strcmp(cell(&t, r, cm), "service_availability") != 0)
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
        if ((lines[nl++] = strdup(key)) == NULL) {
            nl--;
            rc = diag_set(d, FD_ENOMEM, "out of memory");
            break;
        }
        dat_block(&f, key, "x label mean low high");
        for (size_t q = 1; q < t.nrows; q++) {
            if (strcmp(cell(&t, q, cm), "service_availability") != 0)
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
            double mean = 100 * num(&t, q, cmean), low = 100 * num(&t, q, clo);
            double high = 100 * num(&t, q, chi);
            low = isfinite(low) ? low : mean; /* no interval end: no whisker */
            high = isfinite(high) ? high : mean;
            if (low < ylo)
                ylo = low;
            dat_num(f.f, x);
            dat_str(f.f, cell(&t, q, cx));
            dat_num(f.f, mean);
            dat_num(f.f, low);
            dat_num(f.f, high);
            fputc('\n', f.f);
        }
    }
    var_num(v, "nlines", (double)nl);
    var_num(v, "ymin", axis_bottom(ylo, 4));
    var_str(v, "titles", f.titles.buf);
    var_num(v, "numeric", numeric);
    var_str(v, "xkey", t.rows[0][cx]);
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
        x->dom[g] = malloc(((size_t)n + 1) * sizeof(int));
        int *keys = malloc(((size_t)n + 1) * sizeof(int));
        int *fds = malloc(((size_t)n + 1) * sizeof(int));
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
        x->up[g] = calloc((size_t)nk + 1, sizeof(int));
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
    if (rc == FD_OK && (*out = calloc((*s)->ngroups, sizeof **out)) == NULL)
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
    x->dom = calloc(x->ng, sizeof *x->dom);
    x->up = calloc(x->ng, sizeof *x->up);
    x->ndom = calloc(x->ng, sizeof *x->ndom);
    x->total = calloc(x->ng, sizeof *x->total);
    x->f = calloc(x->ng, sizeof *x->f);
    x->dn = calloc(x->ng, sizeof *x->dn);
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
          count = { .len = 0 };
    for (size_t g = 0; g < x->ng; g++) {
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

int plot_render(const plot_opts *o, FILE *out, diag *d)
{
    static int (*const prep[])(const plot_opts *, const char *, vars *, diag *) = {
        prep_availability, prep_downtime_cdf, prep_downcount, prep_months, prep_timeline,
        prep_sweep,
    };
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
    if (mkdtemp(work) == NULL)
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
        for (int fmt = PLOT_PNG; fmt <= PLOT_SVG && rc == FD_OK; fmt <<= 1) {
            if (!(o->formats & fmt))
                continue;
            const char *ext = fmt == PLOT_PNG ? "png" : "svg";
            char name[64];
            snprintf(name, sizeof name, "%s.%s", plot_names[i], ext);
            char *target = csvio_path_join(o->dir, name);
            if (target == NULL) {
                rc = diag_set(d, FD_ENOMEM, "out of memory");
                break;
            }
            vars all = v;
            var_str(&all, "data", work);
            var_str(&all, "out", target);
            var_str(&all, "fmt", ext);
            var_num(&all, "width", o->width);
            var_num(&all, "height", o->height);
            if (all.len >= sizeof all.text - 1)
                rc = diag_set(d, FD_EINVAL, "%s: too many groups or names to plot",
                              plot_names[i]);
            if (rc == FD_OK)
                rc = run_gnuplot(gnuplot, script, all.text, d);
            if (rc == FD_OK && (stat(target, &st) != 0 || st.st_size == 0))
                rc = diag_set(d, FD_EIO, "gnuplot wrote nothing to %s", target);
            if (rc == FD_OK)
                fprintf(out, "%s\n", target);
            free(target);
        }
    }
    remove_work(work);
    return rc;
}
