/*
 * Fuzz the scenario loader with --set strings: the input is the INI text
 * up to its first NUL byte, then up to 16 NUL-separated --set strings.
 *
 * Oracle (round trip): a scenario that loads must print (scenario_write)
 * to a text that loads again, and prints the same text the second time.
 * empirical() files are looked up in tests/fuzz/ (run from the source
 * root, as meson test does).
 */
#include "fuzz.h"

#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SETS 16

/* scenario_write of `s` as a heap string. */
static char *print(const scenario *s, size_t *len)
{
    char *text = NULL;
    FILE *m = open_memstream(&text, len);
    if (m == NULL)
        fuzz_fail("open_memstream", NULL);
    if (scenario_write(s, m) != 0)
        fuzz_fail("scenario_write failed", NULL);
    fclose(m);
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    size_t tlen = strlen(buf);
    const char *sets[MAX_SETS];
    size_t n = 0;
    for (size_t i = tlen + 1; i < size && n < MAX_SETS; i += strlen(buf + i) + 1)
        sets[n++] = buf + i;
    scenario *s = NULL, *again = NULL;
    diag d;
    diag_clear(&d);
    if (scenario_load_text(&s, buf, tlen, "fuzz.ini", "tests/fuzz", sets, n, NULL, &d) == FD_OK) {
        size_t al, bl;
        char *a = print(s, &al);
        diag_clear(&d);
        if (scenario_load_text(&again, a, al, "fuzz.ini", "tests/fuzz", NULL, 0, NULL, &d) != FD_OK)
            fuzz_fail(d.msg, a);
        char *b = print(again, &bl);
        if (al != bl || memcmp(a, b, al) != 0)
            fuzz_fail("printed, reloaded and printed again: the texts differ", b);
        free(a);
        free(b);
    }
    scenario_destroy(s);
    scenario_destroy(again);
    free(buf);
    return 0;
}
