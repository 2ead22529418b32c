/* Tests of evq: order by (time, seq) against a plain reference, FIFO ties,
 * cancel anywhere, stale handles, clear, and no growth in steady state. */
#include <criterion/criterion.h>

#include "diag.h"
#include "evq.h"

#include <math.h>
#include <stdlib.h>

/* A small deterministic generator for workloads (splitmix64), kept here so
 * these tests do not depend on the rng module. */
static uint64_t next_u64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static evq *make(size_t hint)
{
    evq *q = NULL;
    cr_assert_eq(evq_create(&q, hint), FD_OK);
    cr_assert_not_null(q);
    return q;
}

/* The reference: every event ever pushed, with a flag for "still queued";
 * the earliest is found by a linear scan over (time, seq). */
typedef struct ref_event {
    evq_event ev;     /* what evq should give back */
    evq_handle h;     /* the handle evq issued */
    int queued;       /* 1 until popped or cancelled */
} ref_event;

typedef struct ref {
    ref_event *v; /* all pushes, in order */
    size_t n;     /* pushes so far */
    size_t live;  /* events still queued */
} ref;

static long ref_min(const ref *r)
{
    long best = -1;
    for (size_t i = 0; i < r->n; i++) {
        if (!r->v[i].queued)
            continue;
        const evq_event *e = &r->v[i].ev;
        if (best < 0 || e->time < r->v[best].ev.time ||
            (e->time == r->v[best].ev.time && e->seq < r->v[best].ev.seq))
            best = (long)i;
    }
    return best;
}

static void expect_same(const evq_event *got, const evq_event *want)
{
    cr_assert_eq(got->time, want->time);
    cr_assert_eq(got->seq, want->seq);
    cr_assert_eq(got->type, want->type);
    cr_assert_eq(got->id, want->id);
    cr_assert_eq(got->data, want->data);
}

/* Run `nops` random pushes, pops and cancels (some of stale handles) on `q`
 * and the reference side by side.  Times are drawn from a few values so
 * ties are common.  Returns the number of pops checked. */
static size_t run_workload(evq *q, uint64_t seed, size_t nops)
{
    ref r = { .v = calloc(nops, sizeof(ref_event)) };
    cr_assert_not_null(r.v);
    uint64_t x = seed;
    size_t pops = 0;
    uint64_t seq = 0;

    for (size_t op = 0; op < nops; op++) {
        unsigned kind = (unsigned)(next_u64(&x) % 10);
        if (kind < 5) {
            /* Push: integer times 0..31 (many ties), sometimes a fraction. */
            uint64_t u = next_u64(&x);
            double t = (double)(u % 32);
            if ((u >> 8) % 4 == 0)
                t += (double)((u >> 16) % 8) / 8.0;
            ref_event *e = &r.v[r.n++];
            e->ev = (evq_event){ .time = t, .seq = seq++,
                                 .type = (uint32_t)(u >> 32) % 7,
                                 .id = (uint32_t)op,
                                 .data = u };
            e->h = evq_push(q, t, e->ev.type, e->ev.id, e->ev.data);
            cr_assert_neq(e->h, EVQ_NONE);
            e->queued = 1;
            r.live++;
        } else if (kind < 8) {
            evq_event got;
            long want = ref_min(&r);
            if (want < 0) {
                cr_assert_eq(evq_pop(q, &got), -1);
            } else {
                cr_assert_eq(evq_pop(q, &got), 0);
                expect_same(&got, &r.v[want].ev);
                r.v[want].queued = 0;
                r.live--;
                pops++;
            }
        } else if (r.n > 0) {
            /* Cancel any handle ever issued: queued ones succeed, popped
             * or cancelled ones are stale. */
            ref_event *e = &r.v[next_u64(&x) % r.n];
            cr_assert_eq(evq_pending(q, e->h), e->queued);
            int rc = evq_cancel(q, e->h);
            cr_assert_eq(rc, e->queued ? 0 : -1);
            if (e->queued) {
                e->queued = 0;
                r.live--;
            }
        }
        cr_assert_eq(evq_size(q), r.live);
        long head = ref_min(&r);
        if (head < 0) {
            cr_assert(isinf(evq_next_time(q)));
        } else {
            evq_event peek;
            cr_assert_eq(evq_peek(q, &peek), 0);
            expect_same(&peek, &r.v[head].ev);
            cr_assert_eq(evq_next_time(q), r.v[head].ev.time);
        }
    }
    /* Drain: the rest must leave in reference order. */
    evq_event got;
    for (long want; (want = ref_min(&r)) >= 0;) {
        cr_assert_eq(evq_pop(q, &got), 0);
        expect_same(&got, &r.v[want].ev);
        r.v[want].queued = 0;
        pops++;
    }
    cr_assert_eq(evq_pop(q, &got), -1);
    cr_assert_eq(evq_size(q), 0);
    free(r.v);
    return pops;
}

Test(evq, random_workload_matches_sorted_reference)
{
    for (uint64_t seed = 1; seed <= 5; seed++) {
        evq *q = make(4); /* small hint: growth happens mid-workload */
        cr_assert_gt(run_workload(q, seed, 6000), 1000);
        evq_destroy(q);
    }
}

Test(evq, equal_times_leave_first_in_first_out)
{
    evq *q = make(0);
    for (uint32_t i = 0; i < 100; i++)
        evq_push(q, i % 2 ? 5.0 : 3.0, 0, i, 0);
    evq_event e;
    for (uint32_t k = 0; k < 100; k++) {
        cr_assert_eq(evq_pop(q, &e), 0);
        uint32_t want = k < 50 ? 2 * k : 2 * (k - 50) + 1;
        cr_assert_eq(e.id, want, "pop %u: id %u, want %u", k, e.id, want);
        cr_assert_eq(e.time, k < 50 ? 3.0 : 5.0);
    }
    evq_destroy(q);
}

Test(evq, cancel_head_middle_and_last)
{
    evq *q = make(0);
    evq_handle h[10];
    for (uint32_t i = 0; i < 10; i++)
        h[i] = evq_push(q, (double)i, 0, i, 0);
    cr_assert_eq(evq_cancel(q, h[0]), 0); /* the head */
    cr_assert_eq(evq_next_time(q), 1.0);
    cr_assert_eq(evq_cancel(q, h[5]), 0); /* the middle */
    cr_assert_eq(evq_cancel(q, h[9]), 0); /* the last pushed */
    cr_assert_eq(evq_size(q), 7);
    const uint32_t want[] = { 1, 2, 3, 4, 6, 7, 8 };
    evq_event e;
    for (size_t k = 0; k < 7; k++) {
        cr_assert_eq(evq_pop(q, &e), 0);
        cr_assert_eq(e.id, want[k]);
    }
    cr_assert_eq(evq_pop(q, &e), -1);
    evq_destroy(q);
}

Test(evq, stale_handle_cancel_returns_minus_one)
{
    evq *q = make(0);
    evq_handle a = evq_push(q, 1.0, 0, 1, 0);
    evq_handle b = evq_push(q, 2.0, 0, 2, 0);
    evq_event e;
    cr_assert_eq(evq_pop(q, &e), 0);
    cr_assert_eq(evq_cancel(q, a), -1, "already popped");
    cr_assert_eq(evq_cancel(q, b), 0);
    cr_assert_eq(evq_cancel(q, b), -1, "already cancelled");
    cr_assert_eq(evq_cancel(q, EVQ_NONE), -1);
    cr_assert_eq(evq_cancel(q, ~(evq_handle)0), -1, "never issued");

    /* A reused slot does not revive the old handle. */
    evq_handle c = evq_push(q, 3.0, 0, 3, 0);
    cr_assert_neq(c, b);
    cr_assert_eq(evq_cancel(q, b), -1);
    cr_assert_eq(evq_pending(q, c), 1);
    cr_assert_eq(evq_size(q), 1);
    evq_destroy(q);
}

Test(evq, pop_and_peek_of_empty_queue_fail)
{
    evq *q = make(0);
    evq_event e = { .id = 42 };
    cr_assert_eq(evq_pop(q, &e), -1);
    cr_assert_eq(evq_peek(q, &e), -1);
    cr_assert_eq(e.id, 42, "out is untouched");
    cr_assert(isinf(evq_next_time(q)) && evq_next_time(q) > 0);
    cr_assert_eq(evq_size(q), 0);
    evq_destroy(q);
    evq_destroy(NULL);
}

Test(evq, clear_resets_and_replays_identically)
{
    evq *q = make(0);
    evq_handle old[50];
    evq_event first[50], second[50];
    for (int round = 0; round < 2; round++) {
        for (uint32_t i = 0; i < 50; i++)
            old[i] = evq_push(q, (double)(i % 7), i % 3, i, 1000u + i);
        evq_event *out = round == 0 ? first : second;
        for (int k = 0; k < 50; k++)
            cr_assert_eq(evq_pop(q, &out[k]), 0);
        evq_push(q, 9.0, 0, 0, 0); /* leave something to clear */
        evq_clear(q);
        cr_assert_eq(evq_size(q), 0);
    }
    for (int k = 0; k < 50; k++)
        expect_same(&second[k], &first[k]);
    cr_assert_eq(first[0].seq, 0);

    /* Handles from before the clear are stale, even once slots are reused. */
    evq_handle h = evq_push(q, 1.0, 0, 0, 0);
    cr_assert_eq(evq_pending(q, h), 1);
    for (int i = 0; i < 50; i++)
        cr_assert_eq(evq_cancel(q, old[i]), -1);
    cr_assert_eq(evq_size(q), 1);
    evq_destroy(q);
}

Test(evq, grows_past_its_hint)
{
    evq *q = make(1);
    for (uint32_t i = 0; i < 10000; i++)
        cr_assert_neq(evq_push(q, (double)(10000 - i), 0, i, 0), EVQ_NONE);
    cr_assert_geq(evq_capacity(q), 10000);
    evq_event e;
    double last = -1.0;
    while (evq_pop(q, &e) == 0) {
        cr_assert_gt(e.time, last);
        last = e.time;
    }
    evq_destroy(q);
}

Test(evq, steady_state_does_not_grow)
{
    /* Hold model: after warm-up to 1000 events, each pop is followed by a
     * push (and now and then a cancel and a replacement push), so the size
     * never exceeds the high-water mark and the capacity must not move. */
    evq *q = make(0);
    uint64_t x = 7;
    evq_handle recent = EVQ_NONE;
    for (uint32_t i = 0; i < 1000; i++)
        evq_push(q, (double)(next_u64(&x) % 1000), 0, i, 0);
    size_t cap = evq_capacity(q);
    evq_event e;
    for (int i = 0; i < 100000; i++) {
        cr_assert_eq(evq_pop(q, &e), 0);
        double t = e.time + (double)(next_u64(&x) % 1000) / 10.0;
        evq_handle h = evq_push(q, t, 0, 0, 0);
        if (i % 10 == 0) {
            if (evq_cancel(q, recent) == 0)
                evq_push(q, t + 1.0, 0, 0, 0);
            recent = h;
        }
        cr_assert_eq(evq_size(q), 1000);
    }
    cr_assert_eq(evq_capacity(q), cap);
    evq_destroy(q);
}

Test(evq, create_fails_cleanly_when_too_large)
{
    evq *q = (evq *)&q; /* anything non-NULL */
    cr_assert_eq(evq_create(&q, SIZE_MAX), FD_ENOMEM);
    cr_assert_null(q);
}

/* A copy into a queue that had used more slots (a snapshot restored over a
 * replica that ran further) behaves exactly as the source: the same pops,
 * the same handles for the same pushes, stale handles stale. */
Test(evq, copy_into_a_busier_queue_behaves_as_the_source)
{
    evq *src = NULL, *dst = NULL;
    cr_assert_eq(evq_create(&src, 4), FD_OK);
    cr_assert_eq(evq_create(&dst, 4), FD_OK);
    for (int i = 0; i < 100; i++)
        evq_push(dst, i, 1, (uint32_t)i, 0);
    evq_handle old = evq_push(src, 5, 2, 0, 0);
    evq_push(src, 3, 2, 1, 0);
    evq_event e;
    evq_pop(src, &e); /* frees a slot: the free list must survive the copy */
    cr_assert_eq(evq_copy(dst, src), FD_OK);
    cr_assert_eq(evq_size(dst), 1);
    for (int i = 0; i < 50; i++) {
        evq_handle a = evq_push(src, 10 + i % 7, 3, (uint32_t)i, 0);
        evq_handle b = evq_push(dst, 10 + i % 7, 3, (uint32_t)i, 0);
        cr_assert_eq(a, b, "push %d: handles differ", i);
    }
    cr_assert_eq(evq_cancel(dst, old), evq_cancel(src, old));
    evq_event x, y;
    while (evq_pop(src, &x) == 0) {
        cr_assert_eq(evq_pop(dst, &y), 0);
        cr_assert(x.time == y.time && x.seq == y.seq && x.id == y.id);
    }
    cr_assert_eq(evq_pop(dst, &y), -1);
    evq_destroy(src);
    evq_destroy(dst);
}
