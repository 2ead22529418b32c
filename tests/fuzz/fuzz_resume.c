/*
 * Fuzz the resume reader (rundir.c): the input is the replicas.csv of a
 * resume state that says 16 replicas of a 4-group scenario are done; the
 * state, scenario and records.bin around it are fixed and valid.
 *
 * Oracle: a state that resumes must have replayed exactly the values of
 * the input's rows: the replicas.csv the new stage holds, parsed back,
 * gives the same numbers, bit for bit (NaN for an empty cell).
 */
#include "fuzz.h"

#include "csvio.h"
#include "rundir.h"
#include "stage.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DONE 16
#define GROUPS 4

static char root[96], src[160], out[160];

/* Remove the harness's directory when the process ends. */
static void cleanup(void)
{
    stage_remove_tree(root);
}

/* Make the fixed parts of the state once. */
static void setup(void)
{
    if (root[0])
        return;
    atexit(cleanup);
    snprintf(root, sizeof root, "/tmp/fdsim-fuzz-resume-%ld", (long)getpid());
    snprintf(src, sizeof src, "%s/src", root);
    snprintf(out, sizeof out, "%s/out", root);
    char path[256];
    mkdir(root, 0777);
    mkdir(src, 0777);
    snprintf(path, sizeof path, "%s/resume", src);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/resume/scenario.ini", src);
    FILE *f = fopen(path, "w");
    fputs("[simulation]\nreplicas = 32\nseed = 5\nthreads = 1\n", f);
    for (int g = 0; g < GROUPS; g++)
        fprintf(f, "[group.g%d]\ncount = 2\n", g);
    fclose(f);
    snprintf(path, sizeof path, "%s/resume/records.bin", src);
    f = fopen(path, "wb");
    double zero[12] = { 0 };
    for (int i = 0; i < DONE * GROUPS; i++)
        fwrite(zero, sizeof zero, 1, f);
    fclose(f);
}

static void write_state(size_t bytes)
{
    char path[256];
    snprintf(path, sizeof path, "%s/resume/state.ini", src);
    FILE *f = fopen(path, "w");
    fprintf(f, "format = 3\nreplicas_done = %d\nreplicas_file = replicas.csv\n"
               "replicas_bytes = %zu\nrecords_bytes = %d\nevents = 0\nbaseline = 0\n"
               "cells = %d\nsource = fuzz.ini\nnode 0 0 =", DONE, bytes, DONE * GROUPS * 12 * 8,
            GROUPS * 3);
    for (int c = 0; c < GROUPS * 3; c++)
        fputs(" 0x0p+0", f);
    fputc('\n', f);
    fclose(f);
}

/* Every number of the rows after the header, as parsed. */
typedef struct nums {
    double v[DONE * GROUPS * 12];
    size_t n;
} nums;

static int collect(void *user, char **f, size_t nf, size_t row)
{
    nums *x = user;
    if (row == 1 || nf < 14)
        return 0;
    for (size_t i = 2; i < 14 && x->n < DONE * GROUPS * 12; i++)
        x->v[x->n++] = f[i][0] ? strtod(f[i], NULL) : NAN;
    return 0;
}

/* The replicas file in the stage of `out`. */
static int staged_replicas(char *path, size_t size)
{
    char stage[200];
    snprintf(stage, sizeof stage, "%s.tmp-%ld", out, (long)getpid());
    DIR *dp = opendir(stage);
    struct dirent *e;
    int found = 0;
    while (dp && (e = readdir(dp)) != NULL)
        if (!strncmp(e->d_name, "replicas.csv", 12)) {
            snprintf(path, size, "%s/%s", stage, e->d_name);
            found = 1;
        }
    if (dp)
        closedir(dp);
    return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    char path[256];
    snprintf(path, sizeof path, "%s/replicas.csv", src);
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, size, f);
    fclose(f);
    write_state(size);
    scenario *s = NULL;
    size_t baseline = 0;
    char *cmdline = NULL;
    diag d;
    diag_clear(&d);
    if (rundir_load(src, &s, &baseline, &cmdline, NULL, &d) != FD_OK)
        fuzz_fail("the fixed state does not load", d.msg);
    rundir *rd = NULL;
    rundir_opts o = { .resume = src, .checkpoint = 3600 };
    diag_clear(&d);
    if (rundir_create(&rd, s, baseline, out, cmdline, &o, &d) == FD_OK) {
        nums a = { .n = 0 }, b = { .n = 0 };
        char staged[512];
        csvio_parse((const char *)data, size, "input", collect, &a, NULL);
        if (!staged_replicas(staged, sizeof staged))
            fuzz_fail("no replicas file in the stage", NULL);
        struct stat st;
        stat(staged, &st);
        csvio_parse_file(staged, (unsigned long long)st.st_size, collect, &b, NULL);
        if (a.n != DONE * GROUPS * 12 || b.n != a.n)
            fuzz_fail("replayed a different number of values", NULL);
        for (size_t i = 0; i < a.n; i++)
            if (!(a.v[i] == b.v[i]) && !(isnan(a.v[i]) && isnan(b.v[i])))
                fuzz_fail("a replayed value differs from its row", staged);
    }
    rundir_destroy(rd); /* uncommitted: the stage goes */
    scenario_destroy(s);
    free(cmdline);
    return 0;
}
