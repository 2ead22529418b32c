/* Tests of stage: a staged directory appears whole on commit, an
 * uncommitted one leaves nothing behind, and only a new or empty target
 * is taken. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stage.h"

static char *temp_dir(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/fdsim-stage-XXXXXX");
    cr_assert_not_null(mkdtemp(path));
    return path;
}

static void touch(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs("x\n", f);
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s%s%s", dir, name ? "/" : "", name ? name : "");
    return stat(path, &st) == 0;
}

/* Entries of `dir` other than . and .. */
static int entries(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 0", dir);
    return system(cmd) == 0 ? 0 : 1;
}

static void rm_rf(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(stage, check_tells_new_empty_file_and_full)
{
    char *tmp = temp_dir(), path[300];
    snprintf(path, sizeof path, "%s/new", tmp);
    cr_expect_eq(stage_check(path), STAGE_NEW);
    cr_expect_eq(stage_check(tmp), STAGE_EMPTY);
    touch(tmp, "f");
    snprintf(path, sizeof path, "%s/f", tmp);
    cr_expect_eq(stage_check(path), STAGE_NOT_DIR);
    cr_expect_eq(stage_check(tmp), STAGE_NOT_EMPTY);
    rm_rf(tmp);
}

Test(stage, commit_makes_the_whole_directory_appear)
{
    char *tmp = temp_dir(), dir[300];
    snprintf(dir, sizeof dir, "%s/out", tmp);
    diag d;
    diag_clear(&d);
    stage *st;
    cr_assert_eq(stage_create(&st, dir, NULL, false, &d), FD_OK, "%s", d.msg);
    char want[320];
    snprintf(want, sizeof want, "%s.tmp-%ld", dir, (long)getpid());
    cr_assert_str_eq(stage_dir(st), want);
    char sub[400];
    snprintf(sub, sizeof sub, "%s/point-01", stage_dir(st));
    cr_assert_eq(mkdir(sub, 0777), 0);
    touch(sub, "summary.csv");
    touch(stage_dir(st), "sweep.csv");
    cr_expect(!exists(dir, NULL), "nothing at DIR before the commit");
    cr_assert_eq(stage_commit(st, &d), FD_OK, "%s", d.msg);
    stage_destroy(st);
    cr_expect(exists(dir, "sweep.csv"));
    cr_expect(exists(dir, "point-01/summary.csv"));
    cr_expect(!exists(want, NULL), "the staging directory is gone");
    rm_rf(tmp);
}

Test(stage, an_empty_target_is_replaced)
{
    char *tmp = temp_dir(), dir[300];
    snprintf(dir, sizeof dir, "%s/out", tmp);
    cr_assert_eq(mkdir(dir, 0777), 0);
    stage *st;
    cr_assert_eq(stage_create(&st, dir, NULL, false, NULL), FD_OK);
    touch(stage_dir(st), "a");
    cr_assert_eq(stage_commit(st, NULL), FD_OK);
    stage_destroy(st);
    cr_expect(exists(dir, "a"));
    rm_rf(tmp);
}

Test(stage, uncommitted_leaves_nothing_behind)
{
    char *tmp = temp_dir(), dir[300];
    snprintf(dir, sizeof dir, "%s/out", tmp);
    stage *st;
    cr_assert_eq(stage_create(&st, dir, NULL, false, NULL), FD_OK);
    char sub[400];
    snprintf(sub, sizeof sub, "%s/deep", stage_dir(st));
    cr_assert_eq(mkdir(sub, 0777), 0);
    touch(sub, "f");
    /* A link out of the stage is removed, never followed. */
    char outside[320], link[420];
    snprintf(outside, sizeof outside, "%s/keep", tmp);
    cr_assert_eq(mkdir(outside, 0777), 0);
    touch(outside, "precious");
    snprintf(link, sizeof link, "%s/link", stage_dir(st));
    cr_assert_eq(symlink(outside, link), 0);
    stage_destroy(st);
    stage_destroy(NULL);
    cr_expect(!exists(dir, NULL));
    cr_expect(exists(outside, "precious"));
    rm_rf(outside);
    cr_expect_eq(entries(tmp), 0, "nothing but what the test made");
    rm_rf(tmp);
}

Test(stage, errors_name_the_directory)
{
    diag d;
    diag_clear(&d);
    stage *st;
    cr_assert_eq(stage_create(&st, "/nonexistent-dir/out", NULL, false, &d), FD_EIO);
    cr_assert_null(st);
    cr_expect_not_null(strstr(d.msg, "cannot create /nonexistent-dir/out.tmp-"), "%s", d.msg);
    /* A target filled after the check: the commit fails, the stage stays removable. */
    char *tmp = temp_dir(), dir[300];
    snprintf(dir, sizeof dir, "%s/out", tmp);
    cr_assert_eq(stage_create(&st, dir, NULL, false, NULL), FD_OK);
    cr_assert_eq(mkdir(dir, 0777), 0);
    touch(dir, "other");
    diag_clear(&d);
    cr_expect_eq(stage_commit(st, &d), FD_EIO);
    cr_expect_not_null(strstr(d.msg, "cannot replace"), "%s", d.msg);
    stage_destroy(st);
    cr_expect(exists(dir, "other"), "DIR as it was");
    char staging[320];
    snprintf(staging, sizeof staging, "%s.tmp-%ld", dir, (long)getpid());
    cr_expect(!exists(staging, NULL));
    rm_rf(tmp);
}

/* "DIR/" names DIR: the staging directory goes beside it, not inside, so
 * an empty DIR is replaced and a new one made. */
Test(stage, a_trailing_slash_names_the_same_directory)
{
    char *tmp = temp_dir(), dir[300];
    for (int made = 0; made < 2; made++) {
        snprintf(dir, sizeof dir, "%s/out%d/", tmp, made);
        if (made) {
            dir[strlen(dir) - 1] = '\0';
            cr_assert_eq(mkdir(dir, 0777), 0);
            strcat(dir, "//");
        }
        stage *st;
        cr_assert_eq(stage_create(&st, dir, NULL, false, NULL), FD_OK, "%s", dir);
        cr_assert_null(strstr(stage_dir(st), "//"), "%s", stage_dir(st));
        touch(stage_dir(st), "a");
        cr_assert_eq(stage_commit(st, NULL), FD_OK, "%s", dir);
        stage_destroy(st);
        cr_expect(exists(dir, "a"), "%s", dir);
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test \"$(ls -A '%s')\" = \"$(printf 'out0\\nout1')\"", tmp);
    cr_assert_eq(system(cmd), 0, "nothing else beside them");
    rm_rf(tmp);
}

/* A PID that no process has: a child's, once it was waited for. */
static long dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return (long)pid;
}

Test(stage, leftovers_of_dead_runs_go_live_ones_stay_an_old_tree_comes_back)
{
    char *tmp = temp_dir(), dir[300], dead[340], live[340], old[340], keep[340];
    snprintf(dir, sizeof dir, "%s/out", tmp);
    long d1 = dead_pid(), d2 = dead_pid(), d3 = dead_pid();
    snprintf(dead, sizeof dead, "%s.tmp-%ld", dir, d1);
    snprintf(keep, sizeof keep, "%s.tmp-%ld", dir, d2);
    snprintf(live, sizeof live, "%s.tmp-1", dir); /* init: alive */
    snprintf(old, sizeof old, "%s.old-%ld", dir, d3);
    cr_assert_eq(mkdir(dead, 0777), 0);
    touch(dead, "replicas.csv.tmp-7");
    cr_assert_eq(mkdir(keep, 0777), 0);
    cr_assert_eq(mkdir(live, 0777), 0);
    cr_assert_eq(mkdir(old, 0777), 0);
    touch(old, "summary.csv");
    char **found = NULL;
    size_t n = 0;
    cr_assert_eq(stage_leftovers(dir, &found, &n), FD_OK);
    cr_expect_eq(n, 2, "the dead runs' stages, not the live one's");
    for (size_t i = 0; i < n; i++)
        free(found[i]);
    free(found);
    cr_expect_eq(stage_clean(dir, keep), 2);
    cr_expect(!exists(dead, NULL), "a dead run's stage is removed");
    cr_expect(exists(keep, NULL), "the one asked for is kept");
    cr_expect(exists(live, NULL), "a live run's is left alone");
    cr_expect(exists(dir, "summary.csv"), "DIR was missing: the old tree is back");
    cr_expect(!exists(old, NULL));
    rm_rf(tmp);
}
