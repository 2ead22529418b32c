/*
 * The fuzz harnesses' one entry point, as libFuzzer calls it; driver.c
 * calls it too, once per corpus file, where libFuzzer is not linked (gcc,
 * and CI's replay of the corpus under AddressSanitizer).
 *
 * A harness returns 0 and aborts on a finding: a crash or sanitizer report
 * is libFuzzer's finding already; an oracle that fails (what loads must
 * print and reload to the same text) calls fuzz_fail, which aborts.
 */
#ifndef FDSIM_FUZZ_H
#define FDSIM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a failed oracle on stderr and abort (libFuzzer saves the input). */
void fuzz_fail(const char *what, const char *detail) __attribute__((noreturn));

#endif
