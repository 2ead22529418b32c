/*
 * stage: stage a directory and swap it in atomically (see stage.h).
 */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE (glibc 2.28+) */
#include "stage.h"

#include "alloc.h"
#include "csvio.h"
#include "fault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

struct stage {
    char *dir;      /* final name, trailing slashes dropped (owned) */
    char *tmp;      /* staging directory, DIR.tmp-PID (owned) */
    bool committed; /* tmp was swapped in (or was never ours) */
    bool force;     /* may replace a directory of other files */
};

/* Whether the first line of DIR/NAME starts with `prefix`. */
static bool starts_with(const char *dir, const char *name, const char *prefix)
{
    char *path = csvio_path_join(dir, name);
    FILE *f = path ? fopen(path, "rb") : NULL;
    char line[64] = "";
    bool yes = f && fgets(line, sizeof line, f) && !strncmp(line, prefix, strlen(prefix));
    if (f)
        fclose(f);
    free(path);
    return yes;
}

stage_target stage_check(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0)
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
    if (t == STAGE_NOT_EMPTY && (starts_with(dir, "run.ini", "; fdsim ") ||
                                 starts_with(dir, "sweep.csv", "point,") ||
                                 starts_with(dir, "shard/shard.ini", "; fdsim shard")))
        t = STAGE_RESULTS;
    return t;
}

/* A copy of `dir` without trailing slashes ("/" stays), or NULL. */
static char *strip(const char *dir)
{
    char *s = fd_strdup(dir);
    for (size_t n = s ? strlen(s) : 0; n > 1 && s[n - 1] == '/'; n--)
        s[n - 1] = '\0';
    return s;
}

/* The parent of `dir` (stripped) and its last component, as heap strings. */
static int split(const char *dir, char **parent, char **base)
{
    const char *slash = strrchr(dir, '/');
    *parent = slash == NULL ? fd_strdup(".") : slash == dir ? fd_strdup("/")
                                                          : fd_strndup(dir, (size_t)(slash - dir));
    *base = fd_strdup(slash ? slash + 1 : dir);
    if (*parent && *base)
        return FD_OK;
    free(*parent);
    free(*base);
    *parent = *base = NULL; /* the caller may free them: nothing twice */
    return FD_ENOMEM;
}

int stage_target_ok(const char *dir, bool force, const char *opt, diag *d)
{
    char *s = strip(dir), *parent = NULL, *base = NULL;
    if (s == NULL || split(s, &parent, &base) != FD_OK) {
        free(s);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    int rc = FD_OK;
    struct stat st;
    if (!strcmp(base, ".") || !strcmp(base, "..") || !strcmp(s, "/")) {
        rc = diag_set(d, FD_EINVAL, "%s %s: a results directory is replaced whole, so it "
                      "cannot be the current directory or one above; name it, e.g. %s "
                      "results", opt, dir, opt);
    } else if (lstat(s, &st) == 0 && S_ISLNK(st.st_mode)) {
        rc = diag_set(d, FD_EINVAL, "%s %s: is a symbolic link; give the directory it "
                      "points to (the link itself would be replaced)", opt, dir);
    } else {
        switch (stage_check(s)) {
        case STAGE_NOT_DIR:
            rc = diag_set(d, FD_EINVAL, "%s %s: exists and is not a directory; give a "
                          "directory for the results", opt, dir);
            break;
        case STAGE_NOT_EMPTY:
            if (!force)
                rc = diag_set(d, FD_EINVAL, "%s %s: exists, is not empty and holds no fdsim "
                              "results; give a new or empty directory, or add --force to "
                              "replace it whole (everything in it is deleted)", opt, dir);
            break;
        case STAGE_NEW:
            if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode) ||
                access(parent, W_OK | X_OK) != 0)
                rc = diag_set(d, FD_EINVAL, "%s %s: cannot be created: %s is not a writable "
                              "directory", opt, dir, parent);
            break;
        default:
            break;
        }
    }
    if (rc == FD_OK && access(parent, W_OK | X_OK) != 0)
        rc = diag_set(d, FD_EINVAL, "%s %s: its parent %s is not a writable directory (the "
                      "new results are built beside the old and swapped in)", opt, dir,
                      parent);
    free(s);
    free(parent);
    free(base);
    return rc;
}

int stage_file_ok(const char *path, const char *opt, diag *d)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return diag_set(d, FD_EINVAL, "%s %s: is a directory; give a file name", opt, path);
    char *s = strip(path), *parent = NULL, *base = NULL;
    if (s == NULL || split(s, &parent, &base) != FD_OK) {
        free(s);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    int rc = FD_OK;
    if (stat(parent, &st) != 0 || !S_ISDIR(st.st_mode) || access(parent, W_OK | X_OK) != 0)
        rc = diag_set(d, FD_EINVAL, "%s %s: cannot be written: %s is not a writable "
                      "directory", opt, path, parent);
    free(s);
    free(parent);
    free(base);
    return rc;
}

/* If `name` is "BASE.KIND-PID" with PID a number of a process that does
 * not exist (and is not us), that PID; else 0. */
static long dead_pid(const char *name, const char *base, const char *kind)
{
    size_t bl = strlen(base), kl = strlen(kind);
    if (strncmp(name, base, bl) != 0 || strncmp(name + bl, kind, kl) != 0)
        return 0;
    const char *p = name + bl + kl;
    char *end;
    if (*p < '1' || *p > '9')
        return 0;
    long pid = strtol(p, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == (long)getpid())
        return 0;
    if (kill((pid_t)pid, 0) != 0)
        return errno == ESRCH ? pid : 0;
    /* a killed process not yet reaped (a zombie) is dead too: Linux's /proc */
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *close = strrchr(buf, ')'); /* the name may hold blanks and parentheses */
    return close && close[1] == ' ' && close[2] == 'Z' ? pid : 0;
}

/* Call fn(path, user) for every leftover of `dir` of `kind` (".tmp-",
 * ".old-"); stops at the first non-zero return.  FD_OK or FD_ENOMEM. */
static int each_leftover(const char *dir, const char *kind,
                         int (*fn)(const char *path, void *user), void *user)
{
    char *s = strip(dir), *parent = NULL, *base = NULL;
    if (s == NULL || split(s, &parent, &base) != FD_OK) {
        free(s);
        return FD_ENOMEM;
    }
    int rc = FD_OK;
    DIR *dp = opendir(parent);
    struct dirent *e;
    while (rc == FD_OK && dp != NULL && (e = readdir(dp)) != NULL) {
        if (!dead_pid(e->d_name, base, kind))
            continue;
        char *path = csvio_path_join(parent, e->d_name);
        if (path == NULL)
            rc = FD_ENOMEM;
        else
            rc = fn(path, user);
        free(path);
    }
    if (dp != NULL)
        closedir(dp);
    free(s);
    free(parent);
    free(base);
    return rc;
}

/* What stage_clean does with each leftover. */
typedef struct clean_ctx {
    const char *dir;  /* the final name (stripped) */
    const char *keep; /* the leftover not to touch, or NULL */
    size_t removed;   /* leftovers removed or put back */
} clean_ctx;

static int clean_one(const char *path, void *user)
{
    clean_ctx *c = user;
    if (c->keep && !strcmp(path, c->keep))
        return FD_OK;
    struct stat st;
    if (strstr(path, ".old-") && lstat(c->dir, &st) != 0 && errno == ENOENT &&
        rename(path, c->dir) == 0) { /* the fallback swap was cut: the old tree back */
        c->removed++;
        return FD_OK;
    }
    stage_remove_tree(path);
    c->removed++;
    return FD_OK;
}

size_t stage_clean(const char *dir, const char *keep)
{
    char *s = strip(dir);
    if (s == NULL)
        return 0;
    clean_ctx c = { s, keep, 0 };
    each_leftover(s, ".old-", clean_one, &c); /* first: one may be put back as DIR */
    each_leftover(s, ".tmp-", clean_one, &c);
    free(s);
    return c.removed;
}

/* Paths gathered by stage_leftovers. */
typedef struct list_ctx {
    char **paths;
    size_t n;
} list_ctx;

static int list_one(const char *path, void *user)
{
    list_ctx *c = user;
    char **grown = fd_realloc(c->paths, (c->n + 1) * sizeof *grown);
    if (grown == NULL)
        return FD_ENOMEM;
    c->paths = grown;
    if ((c->paths[c->n] = fd_strdup(path)) == NULL)
        return FD_ENOMEM;
    c->n++;
    return FD_OK;
}

int stage_leftovers(const char *dir, char ***paths, size_t *n)
{
    list_ctx c = { NULL, 0 };
    int rc = each_leftover(dir, ".tmp-", list_one, &c);
    if (rc != FD_OK) {
        for (size_t i = 0; i < c.n; i++)
            free(c.paths[i]);
        free(c.paths);
        c.paths = NULL;
        c.n = 0;
    }
    *paths = c.paths;
    *n = c.n;
    return rc;
}

int stage_create(stage **out, const char *dir, const char *keep, bool force, diag *d)
{
    *out = NULL;
    stage *st = fd_calloc(1, sizeof *st);
    if (st != NULL && (st->dir = strip(dir)) != NULL)
        st->tmp = csvio_temp_path(st->dir); /* "DIR/" is DIR: the stage goes beside it */
    if (st == NULL || st->dir == NULL || st->tmp == NULL) {
        stage_destroy(st);
        return diag_set(d, FD_ENOMEM, "out of memory");
    }
    st->force = force;
    stage_clean(st->dir, keep);
    /* our own PID's name can only be a stale leftover (PIDs are reused) */
    stage_remove_tree(st->tmp);
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

/* fsync `path` (a file or directory).  0 or an errno. */
static int sync_path(const char *path, bool is_dir)
{
    int fd = open(path, O_RDONLY | (is_dir ? O_DIRECTORY : 0) | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int err = fsync(fd) != 0 && errno != EINVAL && errno != EROFS ? errno : 0;
    close(fd);
    return err;
}

/* fsync every file and directory under `path` (itself last).  FD_OK or
 * FD_EIO with the message. */
static int sync_tree(const char *path, diag *d)
{
    DIR *dp = opendir(path);
    if (dp == NULL)
        return diag_set(d, FD_EIO, "cannot sync %s: %s", path, strerror(errno));
    int rc = FD_OK;
    struct dirent *e;
    while (rc == FD_OK && (e = readdir(dp)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *sub = csvio_path_join(path, e->d_name);
        struct stat st;
        int err;
        if (sub == NULL)
            rc = diag_set(d, FD_ENOMEM, "out of memory");
        else if (lstat(sub, &st) != 0)
            rc = diag_set(d, FD_EIO, "cannot sync %s: %s", sub, strerror(errno));
        else if (S_ISDIR(st.st_mode))
            rc = sync_tree(sub, d);
        else if (S_ISREG(st.st_mode) && (err = sync_path(sub, false)) != 0)
            rc = diag_set(d, FD_EIO, "cannot sync %s: %s", sub, strerror(err));
        free(sub);
    }
    closedir(dp);
    int err;
    if (rc == FD_OK && (err = sync_path(path, true)) != 0)
        rc = diag_set(d, FD_EIO, "cannot sync %s: %s", path, strerror(err));
    return rc;
}

/* Remove the tree that used to be DIR, now at `path`: its resume state
 * first (a half-removed tree must not look resumable). */
static void remove_old(const char *path)
{
    char *state = csvio_path_join(path, "resume/state.ini");
    if (state != NULL)
        unlink(state);
    free(state);
    fault_point("stage-remove-old");
    stage_remove_tree(path);
}

/* The fallback swap: DIR to DIR.old-PID, the stage to DIR, the old tree
 * removed.  FD_OK or FD_EIO with DIR as it was. */
static int swap_two_renames(stage *st, diag *d)
{
    char *old = fd_strdup(st->tmp);
    if (old == NULL)
        return diag_set(d, FD_ENOMEM, "out of memory");
    memcpy(strstr(old + strlen(st->dir), ".tmp-"), ".old-", 5);
    if (rename(st->dir, old) != 0) {
        int rc = diag_set(d, FD_EIO, "cannot rename %s to %s: %s", st->dir, old,
                          strerror(errno));
        free(old);
        return rc;
    }
    fault_point("stage-fallback-between");
    if (rename(st->tmp, st->dir) != 0) {
        int rc = diag_set(d, FD_EIO, "cannot rename %s to %s: %s", st->tmp, st->dir,
                          strerror(errno));
        rename(old, st->dir); /* put the old one back */
        free(old);
        return rc;
    }
    st->committed = true;
    remove_old(old);
    free(old);
    return FD_OK;
}

int stage_commit(stage *st, diag *d)
{
    int rc = sync_tree(st->tmp, d);
    if (rc != FD_OK)
        return rc;
    int err = fault_point("stage-swap");
    struct stat sb;
    bool exists = lstat(st->dir, &sb) == 0;
    if (!exists) {
        /* rename(2) fails if DIR appeared meanwhile with entries */
        if (err != 0 || rename(st->tmp, st->dir) != 0)
            return diag_set(d, FD_EIO, "cannot rename %s to %s: %s", st->tmp, st->dir,
                            strerror(err ? err : errno));
        st->committed = true;
    } else if (!st->force && stage_check(st->dir) == STAGE_NOT_EMPTY) {
        return diag_set(d, FD_EIO, "cannot replace %s: it came to hold files that are not "
                        "fdsim results while the run went on; it is left as it is",
                        st->dir);
    } else if (err == 0 &&
               renameat2(AT_FDCWD, st->tmp, AT_FDCWD, st->dir, RENAME_EXCHANGE) == 0) {
        st->committed = true;
        fault_point("stage-swapped");
        remove_old(st->tmp);
    } else if ((err ? err : errno) == EINVAL || (err ? err : errno) == ENOSYS) {
        rc = swap_two_renames(st, d);
    } else {
        return diag_set(d, FD_EIO, "cannot exchange %s with %s: %s", st->tmp, st->dir,
                        strerror(err ? err : errno));
    }
    if (rc == FD_OK) {
        char *parent = NULL, *base = NULL;
        if (split(st->dir, &parent, &base) == FD_OK)
            sync_path(parent, true); /* best effort: the swap itself is done */
        free(parent);
        free(base);
        fault_point("stage-done");
    }
    return rc;
}

void stage_remove_tree(const char *path)
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
            char *sub = csvio_path_join(path, e->d_name);
            if (sub == NULL)
                break;
            stage_remove_tree(sub);
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
        stage_remove_tree(st->tmp);
    free(st->dir);
    free(st->tmp);
    free(st);
}
