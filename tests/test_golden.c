/*
 * Golden outputs: `fdsim run` on every scenario of the library (and the
 * built-in default) at its own seed writes exactly the bytes kept in
 * tests/golden/NAME/.  A refactor must leave them alone; a change meant to
 * move the numbers regenerates them with `tools/golden.sh` and shows in the
 * diff exactly what moved.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "csvio.h"
#include "report.h"
#include "support.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_REPLICAS "64" /* as tools/golden.sh runs them */

static char *slurp(const char *path, size_t *len)
{
    char *buf = NULL;
    if (csvio_slurp(path, 256u << 20, &buf, len, NULL) != FD_OK)
        return NULL;
    return buf;
}

/* Line number (1-based) of the first difference of a and b. */
static int first_diff_line(const char *a, size_t la, const char *b, size_t lb)
{
    int line = 1;
    for (size_t i = 0; i < la && i < lb && a[i] == b[i]; i++)
        line += a[i] == '\n';
    return line;
}

static void check_scenario(const char *name, const char *tmp)
{
    char ini[300], out[600];
    snprintf(ini, sizeof ini, "scenarios/%s.ini", name);
    snprintf(out, sizeof out, "%s/%s", tmp, name);
    int rc = strcmp(name, "default") == 0
                 ? RUN("run", "-n", GOLDEN_REPLICAS, "-j", "2", "-o", out)
                 : RUN("run", ini, "-n", GOLDEN_REPLICAS, "-j", "2", "-o", out);
    cr_assert(rc == 0 || rc == 4, "%s: fdsim run exited %d", name, rc);
    for (const char *const *f = report_files; *f; f++) {
        if (strcmp(*f, "run.ini") == 0) /* records the version and command line */
            continue;
        char want_path[700], got_path[700];
        snprintf(want_path, sizeof want_path, "tests/golden/%s/%s", name, *f);
        snprintf(got_path, sizeof got_path, "%s/%s", out, *f);
        size_t lw, lg;
        char *want = slurp(want_path, &lw), *got = slurp(got_path, &lg);
        cr_assert_not_null(want, "%s: no golden file (tools/golden.sh makes them)", want_path);
        cr_assert_not_null(got, "%s: not written", got_path);
        cr_expect(lw == lg && memcmp(want, got, lw) == 0,
                  "%s differs from the golden output from line %d on; if the change is "
                  "meant to move the numbers, run tools/golden.sh and review the diff",
                  want_path, first_diff_line(want, lw, got, lg));
        free(want);
        free(got);
    }
}

Test(golden, the_scenario_library_writes_its_golden_bytes, .init = cr_redirect_stdout)
{
    char tmp[] = "/tmp/fdsim-golden-XXXXXX";
    cr_assert_not_null(mkdtemp(tmp));
    DIR *d = opendir("tests/golden");
    cr_assert_not_null(d, "no tests/golden (tools/golden.sh makes it)");
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        check_scenario(e->d_name, tmp);
        n++;
    }
    closedir(d);
    cr_assert_geq(n, 2, "the default and the scenario library");
    /* no scenario of the library without its golden outputs */
    d = opendir("scenarios");
    cr_assert_not_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".ini") != 0)
            continue;
        char dir[300];
        snprintf(dir, sizeof dir, "tests/golden/%.*s", (int)(len - 4), e->d_name);
        DIR *g = opendir(dir);
        cr_expect_not_null(g, "%s: no golden outputs (tools/golden.sh makes them)", dir);
        if (g)
            closedir(g);
    }
    closedir(d);
    char cmd[100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    cr_assert_eq(system(cmd), 0);
}
