/*
 * stage: stage a directory and commit it atomically (see stage.h).
 */
#include "stage.h"

#include "csvio.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct stage {
    char *dir;      /* final name (owned) */
    char *tmp;      /* staging directory, DIR.tmp-PID (owned) */
    bool committed; /* tmp was renamed to dir */
};

stage_target stage_check(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0)
        return STAGE_NEW;
    if (!S_ISDIR(st.st_mode))
        return STAGE_NOT_DIR;
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return STAGE_NOT_EMPTY;
    stage_target t = STAGE_EMPTY;
    struct dirent *e;
    while (t == STAGE_EMPTY && (e = readdir(dp)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            t = STAGE_NOT_EMPTY;
    closedir(dp);
    return t;
}

int stage_create(stage **out, const char *dir, diag *d)
{
    *out = NULL;
    stage *st = calloc(1, sizeof *st);
    if (st != NULL && (st->dir = strdup(dir)) != NULL) {
        /* "DIR/" is DIR: the staging directory goes beside it, not inside */
        for (size_t n = strlen(st->dir); n > 1 && st->dir[n - 1] == '/'; n--)
            st->dir[n - 1] = '\0';
        st->tmp = csvio_temp_path(st->dir);
    }
    if (st == NULL || st->dir == NULL || st->tmp == NULL) {
        stage_destroy(st);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    if (mkdir(st->tmp, 0777) != 0) {
        int rc = diag_set(d, FD_EIO, "cannot create %s: %s", st->tmp, strerror(errno));
        st->committed = true; /* nothing of ours to remove */
        stage_destroy(st);
        return rc;
    }
    *out = st;
    return FD_OK;
}

const char *stage_dir(const stage *st)
{
    return st->tmp;
}

int stage_commit(stage *st, diag *d)
{
    /* rename(2) replaces an empty DIR in one step and fails on a full one,
     * leaving DIR as it was either way */
    if (rename(st->tmp, st->dir) != 0)
        return diag_set(d, FD_EIO, "cannot rename %s to %s: %s", st->tmp, st->dir,
                        strerror(errno));
    st->committed = true;
    return FD_OK;
}

/* Remove `path` and, if it is a directory, everything under it. */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *dp = opendir(path);
        struct dirent *e;
        while (dp != NULL && (e = readdir(dp)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            size_t n = strlen(path) + strlen(e->d_name) + 2;
            char *sub = malloc(n);
            if (sub == NULL)
                break;
            snprintf(sub, n, "%s/%s", path, e->d_name);
            remove_tree(sub);
            free(sub);
        }
        if (dp != NULL)
            closedir(dp);
        rmdir(path);
    } else {
        unlink(path);
    }
}

void stage_destroy(stage *st)
{
    if (st == NULL)
        return;
    if (!st->committed && st->tmp != NULL)
        remove_tree(st->tmp);
    free(st->dir);
    free(st->tmp);
    free(st);
}
