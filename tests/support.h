/*
 * Test helpers shared by the test files (header-only, static):
 *  - RUN("place", "--csv", "x.csv"): run an fdsim subcommand in-process and
 *    return its exit status; QUIET(rc, ...) the same with stdout discarded;
 *  - load_quiet(text, seed): load a scenario with every failure and
 *    maintenance mechanism off (host, rack, zone, rebootless, rebootful,
 *    healing) except those the text turns on with "[X]\nenabled = true".
 */
#ifndef FDSIM_TEST_SUPPORT_H
#define FDSIM_TEST_SUPPORT_H

#include <criterion/criterion.h>

#include "cli.h"
#include "scenario.h"

#include <stdio.h>
#include <string.h>

static inline int run_cli(int argc, char **argv)
{
    for (const cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(c->name, argv[0]))
            return c->main(argc, argv);
    cr_assert_fail("no command %s", argv[0]);
    return -1;
}

#define RUN(...)                                                               \
    run_cli((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)),         \
            (char *[]){ __VA_ARGS__, NULL })

#define QUIET(rc, ...)                                                         \
    do {                                                                       \
        FILE *saved_ = stdout;                                                 \
        stdout = fopen("/dev/null", "w");                                      \
        rc = RUN(__VA_ARGS__);                                                 \
        fclose(stdout);                                                        \
        stdout = saved_;                                                       \
    } while (0)

static inline scenario *load_quiet(const char *text, uint64_t seed)
{
    static const char *const mech[] = { "host", "rack", "zone", "rebootless", "rebootful",
                                        "healing" };
    char off[6][40], seedset[64], want[64];
    const char *sets[7];
    size_t n = 0;
    for (size_t i = 0; i < 6; i++) {
        snprintf(want, sizeof want, "[%s]\nenabled = true", mech[i]);
        if (!strstr(text, want)) {
            snprintf(off[n], sizeof off[n], "%s.enabled=false", mech[i]);
            sets[n] = off[n];
            n++;
        }
    }
    snprintf(seedset, sizeof seedset, "simulation.seed=%llu", (unsigned long long)seed);
    sets[n++] = seedset;
    scenario *s = NULL;
    diag d;
    diag_clear(&d);
    cr_assert_eq(scenario_load_text(&s, text, strlen(text), "t.ini", ".", sets, n, NULL, &d),
                 FD_OK, "%s", d.msg);
    return s;
}

#endif
