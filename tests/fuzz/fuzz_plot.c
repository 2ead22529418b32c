/*
 * Fuzz fdsim plot's readers (plot.c): the first byte picks a chart, the
 * rest is its input file (summary.csv, replicas.csv, downcount.csv,
 * months.csv or sweep.csv) in an otherwise empty results directory, which
 * plot_data reshapes into the chart's .dat files without drawing.
 *
 * Oracle: the input is taken (FD_OK) or refused as malformed (FD_EINVAL),
 * never anything else, and what is taken reshapes to the same bytes again.
 */
#include "fuzz.h"

#include "csvio.h"
#include "plot.h"
#include "stage.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const charts[] = { "availability", "downtime_cdf", "downcount", "months",
                                      "sweep" };
static const char *const inputs[] = { "summary.csv", "replicas.csv", "downcount.csv",
                                      "months.csv", "sweep.csv" };
#define NCHARTS (sizeof charts / sizeof *charts)

static char root[96], in[160], work[2][160];

static void cleanup(void)
{
    stage_remove_tree(root);
}

/* Every file of `dir`, one after the other (names and bytes), in a heap
 * string sorted by name.  The caller frees it. */
static char *contents(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    char *all = NULL;
    size_t len = 0;
    FILE *acc = open_memstream(&all, &len);
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char path[512], *text = NULL;
            size_t tl = 0;
            snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
            if (csvio_slurp(path, 1u << 30, &text, &tl, NULL) == FD_OK) {
                fprintf(acc, "%s\n", names[i]->d_name);
                fwrite(text, 1, tl, acc);
            }
            free(text);
        }
        free(names[i]);
    }
    free(names);
    fclose(acc);
    return all;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!root[0]) {
        snprintf(root, sizeof root, "/tmp/fdsim-fuzz-plot-%ld", (long)getpid());
        snprintf(in, sizeof in, "%s/in", root);
        atexit(cleanup);
    }
    if (size < 1)
        return 0;
    size_t c = data[0] % NCHARTS;
    stage_remove_tree(root);
    mkdir(root, 0777);
    mkdir(in, 0777);
    char path[256];
    snprintf(path, sizeof path, "%s/%s", in, inputs[c]);
    FILE *f = fopen(path, "wb");
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    plot_opts o = { .dir = in, .formats = PLOT_PNG, .width = 800, .height = 500 };
    int rc[2];
    for (int k = 0; k < 2; k++) {
        snprintf(work[k], sizeof work[k], "%s/work%d", root, k);
        mkdir(work[k], 0777);
        diag d;
        diag_clear(&d);
        rc[k] = plot_data(&o, charts[c], work[k], &d);
        if (rc[k] != FD_OK && rc[k] != FD_EINVAL && rc[k] != FD_ENOMEM)
            fuzz_fail("an input file is neither taken nor refused as malformed", d.msg);
        if (rc[k] != FD_OK && !d.msg[0])
            fuzz_fail("refused without a message", charts[c]);
    }
    if (rc[0] != rc[1])
        fuzz_fail("the same input taken once and refused once", charts[c]);
    if (rc[0] == FD_OK) {
        char *a = contents(work[0]), *b = contents(work[1]);
        if (!a || !b || strcmp(a, b) != 0)
            fuzz_fail("the same input reshaped to different data", charts[c]);
        free(a);
        free(b);
    }
    return 0;
}
