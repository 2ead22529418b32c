/*
 * inputs: copy a scenario's input files beside its results (see inputs.h).
 */
#include "inputs.h"

#include "csvio.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define INPUTS_MAX 32 /* distribution keys of a scenario, with room to spare */

/* The files copied so far: source path and the name given to it. */
typedef struct copied {
    const char *path[INPUTS_MAX]; /* borrowed from the dists */
    char name[INPUTS_MAX][256];
    size_t n;
} copied;

/* NAME for `path`: its base name made safe, unique among `c`. */
static void pick_name(const copied *c, const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char safe[200];
    size_t n = 0;
    for (const char *p = base; *p && n < sizeof safe - 1; p++) {
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        safe[n++] = ok ? ch : '_';
    }
    safe[n] = '\0';
    if (n == 0)
        snprintf(safe, sizeof safe, "input.csv");
    else if (safe[0] == '.') /* no hidden name */
        safe[0] = '_';
    const char *dot = strrchr(safe, '.');
    size_t stem = dot && dot != safe ? (size_t)(dot - safe) : strlen(safe);
    for (int k = 1;; k++) {
        if (k == 1)
            snprintf(name, size, "%s", safe);
        else
            snprintf(name, size, "%.*s-%d%s", (int)stem, safe, k, safe + stem);
        bool taken = false;
        for (size_t i = 0; i < c->n && !taken; i++)
            taken = !strcmp(c->name[i], name);
        if (!taken)
            return;
    }
}

/* Copy the file at `from` to `to`.  FD_OK or FD_EIO / FD_ENOMEM. */
static int copy_file(const char *from, const char *to, const char *key, diag *d)
{
    FILE *in = fopen(from, "rb");
    if (in == NULL)
        return diag_set(d, FD_EIO, "%s: cannot open %s to copy it into the results: %s", key,
                        from, strerror(errno));
    FILE *out = fopen(to, "wb");
    int rc = FD_OK;
    if (out == NULL) {
        rc = diag_set(d, FD_EIO, "cannot create %s: %s", to, strerror(errno));
    } else {
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, out) != n)
                break;
        if (ferror(in))
            rc = diag_set(d, FD_EIO, "%s: cannot read %s: %s", key, from, strerror(errno));
        else if (ferror(out) || fflush(out) != 0)
            rc = diag_set(d, FD_EIO, "cannot write %s: %s", to, strerror(errno));
        if (fclose(out) != 0 && rc == FD_OK)
            rc = diag_set(d, FD_EIO, "cannot write %s: %s", to, strerror(errno));
    }
    fclose(in);
    return rc;
}

size_t inputs_count(scenario *s)
{
    size_t n = 0;
    dist *ds;
    for (size_t i = 0; (ds = scenario_dist(s, i, NULL, NULL)) != NULL; i++) {
        if (ds->kind != DIST_EMPIRICAL || ds->path == NULL)
            continue;
        bool seen = false;
        dist *e;
        for (size_t j = 0; j < i && !seen && (e = scenario_dist(s, j, NULL, NULL)); j++)
            seen = e->kind == DIST_EMPIRICAL && e->path && !strcmp(e->path, ds->path);
        n += !seen;
    }
    return n;
}

int inputs_copy(scenario *s, const char *dir, diag *d)
{
    copied c = { .n = 0 };
    char *sub = NULL;
    dist *ds;
    const char *sect, *key;
    for (size_t i = 0; (ds = scenario_dist(s, i, &sect, &key)) != NULL; i++) {
        if (ds->kind != DIST_EMPIRICAL || ds->path == NULL)
            continue;
        char where[128];
        snprintf(where, sizeof where, "%s.%s", sect, key);
        size_t at = 0;
        while (at < c.n && strcmp(c.path[at], ds->path) != 0)
            at++;
        if (at == c.n) { /* a file not copied yet */
            if (c.n == INPUTS_MAX)
                return diag_set(d, FD_ENOMEM, "more than %d input files", INPUTS_MAX);
            if (sub == NULL) {
                if ((sub = csvio_path_join(dir, "inputs")) == NULL)
                    return diag_set(d, FD_ENOMEM, "out of memory");
                if (mkdir(sub, 0777) != 0 && errno != EEXIST) {
                    int rc = diag_set(d, FD_EIO, "cannot create %s: %s", sub,
                                      strerror(errno));
                    free(sub);
                    return rc;
                }
            }
            pick_name(&c, ds->path, c.name[c.n], sizeof c.name[c.n]);
            char *to = csvio_path_join(sub, c.name[c.n]);
            int rc = to ? copy_file(ds->path, to, where, d)
                        : diag_set(d, FD_ENOMEM, "out of memory");
            free(to);
            if (rc != FD_OK) {
                free(sub);
                return rc;
            }
            c.path[c.n++] = ds->path;
        }
        char rel[300];
        snprintf(rel, sizeof rel, "inputs/%s", c.name[at]);
        if (dist_relocate(ds, rel) != FD_OK) {
            free(sub);
            return diag_set(d, FD_ENOMEM, "out of memory");
        }
    }
    free(sub);
    return FD_OK;
}
