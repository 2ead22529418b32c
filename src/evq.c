/*
 * evq: the event queue (see evq.h for the contract).
 *
 * Invariants, with n = size:
 *   - heap[0..n) is a 4-ary min-heap by (time, seq): the children of i are
 *     4i+1 .. 4i+4, and no child is before its parent;
 *   - every live slot s (odd generation) has heap[slots[s].pos].slot == s,
 *     and every heap entry names a live slot: n live slots in all;
 *   - a free slot has an even generation; free slots below `used` form a
 *     singly linked list through `pos` from `free_head`; slots at or above
 *     `used` have never been handed out since creation or the last clear,
 *     and those at or above `touched` never since creation (all zeros);
 *   - a handle is (generation << 32 | slot) with an odd generation, so it
 *     is never EVQ_NONE and is valid exactly while the generations agree.
 */
#include "evq.h"

#include "alloc.h"
#include "diag.h"

#include <assert.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { ARITY = 4, DEFAULT_CAPACITY = 64 };

/* The most events (and slots) a queue holds: slot indices and heap positions
 * are 32-bit and UINT32_MAX is kept as the end-of-free-list mark. */
#define MAX_CAPACITY ((size_t)UINT32_MAX)
#define NO_SLOT UINT32_MAX

/* The ordering key kept in the heap: 24 bytes, so a node's four children
 * span about a cache line and a half and sifting never touches payloads. */
typedef struct node {
    double time;   /* event time */
    uint64_t seq;  /* insertion number, breaks ties */
    uint32_t slot; /* index into slots[] of the payload */
} node;

/* An event's payload and bookkeeping, at a fixed index for its lifetime. */
typedef struct slot {
    uint64_t data; /* payload: caller's data */
    uint32_t type; /* payload: caller's event kind */
    uint32_t id;   /* payload: caller's target */
    uint32_t pos;  /* live: index in heap[]; free: next free slot or NO_SLOT */
    uint32_t gen;  /* generation: odd while live, bumped on push and on free */
} slot;

struct evq {
    node *heap;         /* heap[0..size): the min-heap, capacity `cap` */
    slot *slots;        /* slots[0..cap): payloads, indexed by node.slot */
    size_t size;        /* events queued */
    size_t used;        /* slots[0..used) have been handed out at least once */
    size_t touched;     /* slots[0..touched) have been handed out since creation
                           (a clear keeps it): every slot above is all zeros */
    size_t cap;         /* length of both arrays */
    uint32_t free_head; /* first free slot below `used`, or NO_SLOT */
    uint64_t seq;       /* the next insertion number */
};

static int before(const node *a, const node *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

/* Put `n` at heap index i and tell its slot where it is. */
static void place(evq *q, size_t i, node n)
{
    q->heap[i] = n;
    q->slots[n.slot].pos = (uint32_t)i;
}

/* Move the node at i up until its parent is before it.  Uses a hole rather
 * than swaps: each level costs one copy. */
static void sift_up(evq *q, size_t i)
{
    node n = q->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&n, &q->heap[parent]))
            break;
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, n);
}

/* Move the node at i down until no child is before it. */
static void sift_down(evq *q, size_t i)
{
    node n = q->heap[i];
    size_t size = q->size;
    for (;;) {
        size_t first = ARITY * i + 1;
        if (first >= size)
            break;
        size_t last = first + ARITY < size ? first + ARITY : size;
        size_t best = first;
        for (size_t c = first + 1; c < last; c++)
            if (before(&q->heap[c], &q->heap[best]))
                best = c;
        if (!before(&q->heap[best], &n))
            break;
        place(q, i, q->heap[best]);
        i = best;
    }
    place(q, i, n);
}

/* Remove the node at heap index i, freeing its slot.  Its payload stays in
 * the slot until the slot is reused. */
static void remove_at(evq *q, size_t i)
{
    assert(i < q->size);
    uint32_t s = q->heap[i].slot;
    q->slots[s].gen++; /* odd -> even: every handle to it is now stale */
    q->slots[s].pos = q->free_head;
    q->free_head = s;

    size_t lastpos = --q->size;
    if (i == lastpos)
        return;
    node moved = q->heap[lastpos];
    place(q, i, moved);
    if (i > 0 && before(&moved, &q->heap[(i - 1) / ARITY]))
        sift_up(q, i);
    else
        sift_down(q, i);
}

/* Grow both arrays to `cap` entries; the new slots start free with
 * generation 0.  On failure the queue is unchanged (a heap array that did
 * grow is kept, which is harmless). */
static int grow(evq *q, size_t cap)
{
    if (cap > MAX_CAPACITY || cap > SIZE_MAX / sizeof(node))
        return FD_ENOMEM;
    node *heap = fd_realloc(q->heap, cap * sizeof *heap);
    if (heap == NULL)
        return FD_ENOMEM;
    q->heap = heap;
    slot *slots = fd_realloc(q->slots, cap * sizeof *slots);
    if (slots == NULL)
        return FD_ENOMEM;
    memset(slots + q->cap, 0, (cap - q->cap) * sizeof *slots);
    q->slots = slots;
    q->cap = cap;
    return FD_OK;
}

/* Check a handle; returns its slot index, or NO_SLOT if stale or unknown. */
static uint32_t live_slot(const evq *q, evq_handle h)
{
    uint32_t s = (uint32_t)(h & 0xffffffffu);
    uint32_t gen = (uint32_t)(h >> 32);
    if ((gen & 1u) == 0 || s >= q->used || q->slots[s].gen != gen)
        return NO_SLOT;
    assert(q->slots[s].pos < q->size && q->heap[q->slots[s].pos].slot == s);
    return s;
}

int evq_create(evq **q, size_t capacity_hint)
{
    assert(q != NULL);
    *q = NULL;
    evq *e = fd_calloc(1, sizeof *e);
    if (e == NULL)
        return FD_ENOMEM;
    e->free_head = NO_SLOT;
    if (grow(e, capacity_hint > 0 ? capacity_hint : DEFAULT_CAPACITY) != FD_OK)
        goto fail;
    *q = e;
    return FD_OK;
fail:
    evq_destroy(e);
    return FD_ENOMEM;
}

int evq_copy(evq *dst, const evq *src)
{
    if (dst->cap < src->cap && grow(dst, src->cap) != FD_OK)
        return FD_ENOMEM;
    memcpy(dst->heap, src->heap, src->size * sizeof *src->heap);
    /* Slots above `touched` are zeros in either queue: copy src's touched
     * ones and zero what dst touched beyond them, not the whole capacity
     * (a replica's queue holds a few dozen events in 1024 slots). */
    memcpy(dst->slots, src->slots, src->touched * sizeof *src->slots);
    if (dst->touched > src->touched)
        memset(dst->slots + src->touched, 0,
               (dst->touched - src->touched) * sizeof *dst->slots);
    dst->touched = src->touched;
    dst->size = src->size;
    dst->used = src->used;
    dst->free_head = src->free_head;
    dst->seq = src->seq;
    return FD_OK;
}

void evq_destroy(evq *q)
{
    if (q == NULL)
        return;
    free(q->heap);
    free(q->slots);
    free(q);
}

evq_handle evq_push(evq *q, double time, uint32_t type, uint32_t id,
                    uint64_t data)
{
    assert(q != NULL);
    assert(!isnan(time));
    uint32_t s;
    if (q->free_head != NO_SLOT) {
        s = q->free_head;
        q->free_head = q->slots[s].pos;
    } else {
        /* No free slot below `used` means every used slot is live. */
        assert(q->used == q->size);
        if (q->used == q->cap) {
            size_t want = q->cap < MAX_CAPACITY / 2 ? q->cap * 2 : MAX_CAPACITY;
            if (want == q->cap || grow(q, want) != FD_OK)
                return EVQ_NONE;
        }
        s = (uint32_t)q->used++;
        if (q->used > q->touched)
            q->touched = q->used;
    }

    slot *sl = &q->slots[s];
    assert((sl->gen & 1u) == 0);
    sl->gen++;
    sl->type = type;
    sl->id = id;
    sl->data = data;

    node n = { .time = time, .seq = q->seq++, .slot = s };
    size_t i = q->size++;
    q->heap[i] = n;
    sift_up(q, i);
    return (evq_handle)sl->gen << 32 | s;
}

int evq_pop(evq *q, evq_event *out)
{
    assert(q != NULL && out != NULL);
    if (evq_peek(q, out) != 0)
        return -1;
    remove_at(q, 0);
    return 0;
}

int evq_peek(const evq *q, evq_event *out)
{
    assert(q != NULL && out != NULL);
    if (q->size == 0)
        return -1;
    const node *n = &q->heap[0];
    const slot *sl = &q->slots[n->slot];
    out->time = n->time;
    out->seq = n->seq;
    out->type = sl->type;
    out->id = sl->id;
    out->data = sl->data;
    return 0;
}

double evq_next_time(const evq *q)
{
    assert(q != NULL);
    return q->size > 0 ? q->heap[0].time : INFINITY;
}

int evq_cancel(evq *q, evq_handle h)
{
    assert(q != NULL);
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return -1;
    remove_at(q, q->slots[s].pos);
    return 0;
}

int evq_reschedule(evq *q, evq_handle h, double time)
{
    assert(q != NULL);
    assert(!isnan(time));
    uint32_t s = live_slot(q, h);
    if (s == NO_SLOT)
        return -1;
    size_t i = q->slots[s].pos;
    node *n = &q->heap[i];
    bool earlier = time < n->time;
    n->time = time;
    n->seq = q->seq++; /* as if pushed now: ties keep leaving first-in first-out */
    if (earlier)
        sift_up(q, i);
    else
        sift_down(q, i);
    return 0;
}

int evq_pending(const evq *q, evq_handle h)
{
    assert(q != NULL);
    return live_slot(q, h) != NO_SLOT;
}

size_t evq_size(const evq *q)
{
    assert(q != NULL);
    return q->size;
}

size_t evq_capacity(const evq *q)
{
    assert(q != NULL);
    return q->cap;
}

void evq_clear(evq *q)
{
    assert(q != NULL);
    /* Make every live slot free (even generation) so its handles go stale;
     * generations are kept, so slots handed out again from index 0 issue
     * handles that no earlier handle equals. */
    for (size_t i = 0; i < q->size; i++)
        q->slots[q->heap[i].slot].gen++;
    q->size = 0;
    q->used = 0;
    q->free_head = NO_SLOT;
    q->seq = 0;
}
