/*
 * rng: xoshiro256** as a gsl_rng_type, and stream derivation (see rng.h).
 *
 * Invariant: a generator's state (four 64-bit words) is never all zero, the
 * one state xoshiro cannot leave.  Every way in (set, derive) fills the
 * first two words with consecutive splitmix64 outputs, which cannot both be
 * zero because splitmix64's output function is a bijection.
 */
#include "rng.h"

#include "alloc.h"

#include <assert.h>
#include <stdlib.h>

typedef struct xoshiro_state {
    uint64_t s[4]; /* the generator's 256-bit state, never all zero */
} xoshiro_state;

/* splitmix64's increment (2^64 / golden ratio) and the two keys that start
 * the two hashing lanes of rng_derive (arbitrary odd constants: digits of
 * pi and e). */
#define SPLITMIX_GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define LANE_A UINT64_C(0x243f6a8885a308d3)
#define LANE_B UINT64_C(0xb7e151628aed2a6b)

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* splitmix64's output function (Stafford's Mix13): a bijection on 64 bits
 * with full avalanche. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* The next output of the splitmix64 generator whose state is *x. */
static uint64_t splitmix64(uint64_t *x)
{
    *x += SPLITMIX_GAMMA;
    return mix(*x);
}

/* xoshiro256** step (Blackman & Vigna 2018, public domain). */
static uint64_t next(xoshiro_state *st)
{
    uint64_t *s = st->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void xoshiro_set(void *vstate, unsigned long seed)
{
    xoshiro_state *st = vstate;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        st->s[i] = splitmix64(&x);
}

static unsigned long xoshiro_get(void *vstate)
{
    return (unsigned long)(next(vstate) >> 32);
}

static double xoshiro_get_double(void *vstate)
{
    return (double)(next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    .name = "xoshiro256**",
    .max = 0xffffffffUL,
    .min = 0,
    .size = sizeof(xoshiro_state),
    .set = xoshiro_set,
    .get = xoshiro_get,
    .get_double = xoshiro_get_double,
};

const gsl_rng_type *rng_xoshiro256ss(void)
{
    return &xoshiro_type;
}

gsl_rng *rng_create(void)
{
    /* Allocated by hand rather than with gsl_rng_alloc, whose failure goes
     * through GSL's error handler (which aborts by default).  The layout is
     * the one gsl_rng_free expects: the struct and its state, each from
     * malloc. */
    gsl_rng *r = fd_malloc(sizeof *r);
    if (r == NULL)
        return NULL;
    r->type = &xoshiro_type;
    r->state = fd_malloc(sizeof(xoshiro_state));
    if (r->state == NULL)
        goto fail;
    rng_derive(r, 0, 0, 0);
    return r;
fail:
    free(r);
    return NULL;
}

void rng_destroy(gsl_rng *r)
{
    if (r != NULL)
        gsl_rng_free(r);
}

/* One hashing lane: absorb the three words in order, each through the
 * bijection `mix`, so for a fixed prefix the result is injective in the
 * last word.  The per-word constants keep zero words from being no-ops. */
static uint64_t lane(uint64_t key, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t h = mix(key ^ a);
    h = mix((h ^ b) + SPLITMIX_GAMMA);
    h = mix((h ^ c) + 2 * SPLITMIX_GAMMA);
    return h;
}

void rng_derive(gsl_rng *r, uint64_t master_seed, uint64_t replica,
                uint64_t stream)
{
    assert(r != NULL && r->type == &xoshiro_type);
    xoshiro_state *st = r->state;
    uint64_t a = lane(LANE_A, master_seed, replica, stream);
    uint64_t b = lane(LANE_B, master_seed, replica, stream);
    st->s[0] = splitmix64(&a);
    st->s[1] = splitmix64(&a);
    st->s[2] = splitmix64(&b);
    st->s[3] = splitmix64(&b);
    assert((st->s[0] | st->s[1]) != 0);
}

uint32_t rng_below(gsl_rng *r, uint32_t n)
{
    assert(r != NULL && r->type == &xoshiro_type && n >= 1);
    uint64_t m = (next(r->state) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)-n % n; /* 2^32 mod n */
        while (low < threshold) {
            m = (next(r->state) >> 32) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

uint64_t rng_stream_id(const char *name)
{
    assert(name != NULL);
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a 64 offset basis */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3); /* FNV 64 prime */
    }
    return h;
}
