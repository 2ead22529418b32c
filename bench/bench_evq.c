/*
 * bench_evq: the classic hold model on the event queue.  A queue of N
 * events is built, then each hold pops the earliest event and pushes one at
 * its time plus an exponential increment (mean 1).  Prints nanoseconds per
 * hold for a few N; it never fails on time.
 *
 * Usage: bench_evq [holds]   (default 10,000,000 holds per size)
 */
#include "evq.h"
#include "rng.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Run `holds` hold operations on a queue of n events; returns ns per hold.
 * Increments are drawn beforehand so the figure is the queue's alone. */
static double hold(size_t n, long holds, const double *inc, size_t ninc,
                   double *checksum)
{
    evq *q = NULL;
    if (evq_create(&q, n) != 0) {
        fprintf(stderr, "bench_evq: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        evq_push(q, inc[i % ninc], 0, (uint32_t)i, 0);

    evq_event e;
    double t0 = now_ns();
    for (long k = 0; k < holds; k++) {
        evq_pop(q, &e);
        evq_push(q, e.time + inc[(size_t)k % ninc], e.type, e.id, e.data);
    }
    double t1 = now_ns();
    *checksum += e.time;
    evq_destroy(q);
    return (t1 - t0) / (double)holds;
}

int main(int argc, char **argv)
{
    long holds = argc > 1 ? atol(argv[1]) : 10000000L;
    if (holds <= 0) {
        fprintf(stderr, "usage: bench_evq [holds > 0]\n");
        return 2;
    }
    gsl_set_error_handler_off();

    enum { NINC = 1 << 20 };
    double *inc = malloc(NINC * sizeof *inc);
    gsl_rng *r = rng_create();
    if (inc == NULL || r == NULL) {
        fprintf(stderr, "bench_evq: out of memory\n");
        return 1;
    }
    rng_derive(r, 1, 0, rng_stream_id("bench_evq"));
    for (size_t i = 0; i < NINC; i++)
        inc[i] = gsl_ran_exponential(r, 1.0);

    const size_t sizes[] = { 1000, 100000, 1000000 };
    double checksum = 0;
    printf("evq hold model, exponential(1) increments, %ld holds per size\n",
           holds);
    printf("%10s %14s\n", "N", "ns/hold");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        printf("%10zu %14.1f\n", sizes[i],
               hold(sizes[i], holds, inc, NINC, &checksum));
    printf("(checksum %g)\n", checksum);

    rng_destroy(r);
    free(inc);
    return 0;
}
