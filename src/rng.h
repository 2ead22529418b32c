/*
 * rng: independent random streams, as GSL generators.
 *
 * A simulation draws from many streams: one per (master seed, replica,
 * stream id), so that changing one part of a scenario, or running replicas
 * on other threads, never shifts the numbers another part sees.  Streams are
 * derived by hashing the three words into a fresh generator state, never by
 * `seed + i` on one generator.
 *
 * Why a generator of our own: GSL's generators take a seed of 32 bits
 * (gsl_rng_set keeps only the low 32 bits for taus2 and mt19937), so among
 * 10^5 or more streams seeds collide and streams repeat.  This module
 * provides xoshiro256** (Blackman & Vigna, public domain; 256 bits of state,
 * period 2^256 - 1) as a gsl_rng_type, so a derived stream carries 128 bits
 * of seed and every GSL distribution (gsl_ran_exponential, gsl_ran_weibull,
 * gsl_rng_uniform_int, ...) samples from it unchanged.
 *
 * As a GSL type: gsl_rng_get returns the top 32 bits of each 64-bit output
 * (min 0, max 2^32 - 1, the same range on every platform, whatever the width
 * of unsigned long); gsl_rng_uniform returns the top 53 bits as a double in
 * [0, 1); gsl_rng_set(r, seed) fills the state from splitmix64 started at
 * `seed` (all 64 bits of it on LP64), as the algorithm's authors recommend.
 *
 * A generator is not thread-safe; give each thread its own.
 */
#ifndef FDSIM_RNG_H
#define FDSIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The xoshiro256** generator type, for gsl_rng_alloc() and friends.  A
 * static object: never freed.  O(1). */
const gsl_rng_type *rng_xoshiro256ss(void);

/* A new generator of type rng_xoshiro256ss(), seeded as by
 * rng_derive(r, 0, 0, 0).  Returns NULL if memory runs out (without going
 * through GSL's error handler).  Release it with rng_destroy() (or
 * gsl_rng_free()).  O(1). */
gsl_rng *rng_create(void);

/* Free a generator made by rng_create() or gsl_rng_alloc().  NULL is a
 * no-op.  O(1). */
void rng_destroy(gsl_rng *r);

/* Reseed `r` (which must be of type rng_xoshiro256ss()) in place to the
 * stream for (master_seed, replica, stream).  The triple is hashed through
 * two independent lanes of splitmix64 mixing into 128 bits that fill the
 * state, so distinct triples give unrelated streams; for a fixed
 * (master_seed, replica), distinct stream ids always give distinct states.
 * Same triple, same sequence, on every platform.  O(1), no allocation: call
 * it as often as streams are needed. */
void rng_derive(gsl_rng *r, uint64_t master_seed, uint64_t replica,
                uint64_t stream);

/* A uniform integer in [0, n), n >= 1, from `r` (of type
 * rng_xoshiro256ss()): Lemire's multiply-and-shift of a 32-bit output,
 * with rejection so it is exactly uniform.  The same distribution as
 * gsl_rng_uniform_int, without its two integer divisions per draw (one,
 * rarely), which cost more than the rest of a walk's step.  O(1). */
uint32_t rng_below(gsl_rng *r, uint32_t n);

/* A stable 64-bit stream id for a name (FNV-1a 64 of its bytes), so a
 * group's streams are keyed by its name and adding a group never shifts
 * another group's streams.  `name` is a NUL-terminated string (not kept).
 * O(length of name). */
uint64_t rng_stream_id(const char *name);

#endif
