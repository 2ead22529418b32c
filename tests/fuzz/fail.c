/*
 * fuzz_fail: a failed oracle, reported and turned into a crash.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz oracle failed: %s\n%s\n", what, detail ? detail : "");
    abort();
}
