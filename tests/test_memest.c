/*
 * memest: the estimate of a run's peak memory is within 25 % of the peak
 * RSS `fdsim run` measures (getrusage of the child), over worlds from a
 * few hundred to 1.2 million hosts, 1 to 16 groups, 1 and 2 threads, long
 * horizons and replicas past the digest's cap; a run over the limit is
 * refused before anything is allocated, naming the key to change.
 *
 * The binary is the one meson built (FDSIM in the environment).  Under a
 * sanitizer the process's memory is the sanitizer's (shadow, quarantine),
 * so the comparison is skipped there; the refusal is tested everywhere.
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "support.h"
#include "memest.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

/* Peak RSS in bytes of `fdsim run SCENARIO ARGS... -o DIR`. */
static double measure(const char *scen, char *const *args, size_t nargs, const char *dir)
{
    const char *exe = getenv("FDSIM");
    cr_assert_not_null(exe, "FDSIM names the fdsim binary (meson test sets it)");
    char *argv[40];
    size_t n = 0;
    argv[n++] = (char *)exe;
    argv[n++] = "run";
    argv[n++] = (char *)scen;
    for (size_t i = 0; i < nargs; i++)
        argv[n++] = args[i];
    argv[n++] = "-o";
    argv[n++] = (char *)dir;
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        /* as a user runs it: meson test's MALLOC_PERTURB_ writes every
         * allocated byte, making pages resident that a run never touches */
        unsetenv("MALLOC_PERTURB_");
        execv(exe, argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    cr_assert_eq(wait4(pid, &status, 0, &ru), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "fdsim run %s exited %d", scen,
              WEXITSTATUS(status));
    return ru.ru_maxrss * 1024.0;
}

/* A scenario file of `ngroups` groups of `count` VMs in `world`. */
static void write_scenario(const char *path, const char *sim, const char *world, int ngroups,
                           int count)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "[simulation]\n%s\n[region]\n%s\n", sim, world);
    const char *modes[] = { "orchestrationMode = Flexible\nplatformFaultDomainCount = 1",
                            "orchestrationMode = Flexible\nplatformFaultDomainCount = 3",
                            "orchestrationMode = AvailabilitySet\nplatformFaultDomainCount = 3\n"
                            "platformUpdateDomainCount = 5" };
    for (int g = 0; g < ngroups; g++) /* big groups: Flexible only (AvSets hold 200) */
        fprintf(f, "[group.g%d]\n%s\ncount = %d\n", g, modes[count > 200 ? g % 2 : g % 3],
                count);
    fclose(f);
}

typedef struct world_case {
    const char *what;
    const char *sim;
    const char *world;
    int groups, count, threads;
} world_case;

Test(memest, the_estimate_is_within_25_percent_of_the_measured_peak, .timeout = 240)
{
#ifdef SANITIZED
    cr_skip_test("a sanitizer's memory is not the program's");
#endif
    static const world_case cases[] = {
        { "small world", "replicas = 64", "racksPerZone = 24\nhostsPerRack = 16", 4, 5, 1 },
        { "300k hosts", "replicas = 16", "racksPerZone = 300\nhostsPerRack = 1000", 4, 5, 1 },
        { "300k hosts, 2 threads", "replicas = 32", "racksPerZone = 300\nhostsPerRack = 1000",
          4, 5, 2 },
        { "1.2M hosts", "replicas = 16", "zones = 3\nracksPerZone = 400\nhostsPerRack = 1000",
          3, 5, 1 },
        { "16 groups, 100k hosts", "replicas = 16", "racksPerZone = 100\nhostsPerRack = 1000",
          16, 20, 2 },
        { "8 groups of 1000 VMs", "replicas = 64", "racksPerZone = 200\nhostsPerRack = 50", 8, 1000, 2 },
        { "100-year horizon", "replicas = 512\nhorizon = 100y", "racksPerZone = 24", 4, 5, 2 },
        { "past the cap", "replicas = 70000\nhorizon = 1d", "racksPerZone = 24", 4, 5, 2 },
    };
    char base[] = "/tmp/fdsim-memest-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char ini[600], dir[600];
    snprintf(ini, sizeof ini, "%s/s.ini", base);
    snprintf(dir, sizeof dir, "%s/out", base);
    double worst = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const world_case *c = &cases[i];
        write_scenario(ini, c->sim, c->world, c->groups, c->count);
        scenario *s = NULL;
        diag d;
        diag_clear(&d);
        cr_assert_eq(scenario_load_file(&s, ini, NULL, 0, NULL, &d), FD_OK, "%s: %s",
                     c->what, d.msg);
        memest m = memest_run(s, c->threads);
        scenario_destroy(s);
        char j[8];
        snprintf(j, sizeof j, "%d", c->threads);
        char *args[] = { "-j", j, "--memory-limit", "0" };
        double got = measure(ini, args, 4, dir);
        double err = m.total / got - 1;
        char a[32], b[32];
        cr_log_info("%-24s estimate %9s  measured %9s  %+5.1f %%", c->what,
                    memest_format(m.total, a, sizeof a), memest_format(got, b, sizeof b),
                    100 * err);
        fprintf(stderr, "memest: %-24s estimate %9s  measured %9s  %+5.1f %%\n", c->what, a, b,
                100 * err);
        cr_expect(err > -0.25 && err < 0.25, "%s: estimate %s, measured %s", c->what, a, b);
        worst = err * err > worst * worst ? err : worst;
    }
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    cr_assert_eq(system(cmd), 0);
}

Test(memest, a_run_past_the_limit_is_refused_before_anything_is_made,
     .init = cr_redirect_stderr)
{
    char base[] = "/tmp/fdsim-memlimit-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[600];
    snprintf(dir, sizeof dir, "%s/out", base);
    int rc;
    /* 12.5 million hosts: within the slot cap of old, far past the host cap */
    QUIET(rc, "run", "--set", "region.racksPerZone=12500", "--set", "region.hostsPerRack=1000",
          "--set", "region.vmsPerHost=1", "-o", dir);
    cr_expect_eq(rc, 2, "the world is capped by hosts");
    /* a world that passes the caps, against a small limit */
    QUIET(rc, "run", "--set", "region.racksPerZone=1000", "--set", "region.hostsPerRack=1000",
          "-j", "4", "--memory-limit", "200M", "-o", dir);
    cr_expect_eq(rc, 2);
    cr_expect_neq(access(dir, F_OK), 0, "nothing written");
    fflush(stderr);
    FILE *f = fopen("/dev/null", "r");
    fclose(f);
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    const char *sets[] = { "region.racksPerZone=1000", "region.hostsPerRack=1000" };
    cr_assert_eq(scenario_load_default(&s, sets, 2, NULL, &d), FD_OK, "%s", d.msg);
    cr_expect_eq(memest_check(s, 4, 200000000, "--memory-limit", &d), FD_EINVAL);
    cr_expect_not_null(strstr(d.msg, "4 threads"), "%s", d.msg);
    cr_expect_not_null(strstr(d.msg, "region.hostsPerRack"), "the key to change: %s", d.msg);
    cr_expect_not_null(strstr(d.msg, "-j"), "%s", d.msg);
    diag_clear(&d);
    cr_expect_eq(memest_check(s, 4, 0, "none", &d), FD_OK, "0: no limit");
    memest one = memest_run(s, 1), four = memest_run(s, 4);
    cr_expect_gt(four.total - one.total, 2.9 * one.worker, "every thread its own world");
    scenario_destroy(s);
    rmdir(base);
}
