/*
 * cluster: a batch over MPI ranks, gathered in replica order on rank 0
 * (see cluster.h).
 *
 * Invariant on rank 0, between blocks taken: the caller's consumer has
 * seen global blocks base..next-1 in order, `sums` holds their down-count
 * sums (after the start's), and `ended` says the prefix stopped there (a
 * short block, a rank that ended without the next block, a halt or an
 * error).  Messages between a rank R and rank 0 are, in order: R's blocks
 * (TAG_BLOCK, synchronous sends, in R's block order), then one TAG_END;
 * from rank 0 to R, one TAG_STOP, which R looks for before each send.
 */
#include "cluster.h"

#include "alloc.h"
#include "blocksum.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef FDSIM_MPI
#include <mpi.h>
#endif

static int world_rank = 0; /* MPI's rank of this process (0 when not distributed) */
static int world_size = 1; /* ranks in the world (1 when not distributed) */

int cluster_rank(void)
{
    return world_rank;
}

int cluster_ranks(void)
{
    return world_size;
}

bool cluster_root(void)
{
    return world_rank == 0;
}

#ifndef FDSIM_MPI

int cluster_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return FD_OK;
}

void cluster_fini(void)
{
}

bool cluster_agree(bool ok)
{
    return ok;
}

int cluster_batch_run(const batch_spec *spec, batch_result **out, diag *d)
{
    return batch_run(spec, out, d);
}

#else

static bool joined; /* MPI_Init_thread succeeded and MPI_Finalize is due */

int cluster_init(int *argc, char ***argv)
{
    /* started by mpirun (OpenMPI, or a PMI launcher such as srun)? else one process */
    if (!getenv("OMPI_COMM_WORLD_SIZE") && !getenv("PMI_SIZE") && !getenv("PMIX_RANK"))
        return FD_OK;
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return FD_EIO;
    joined = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world_size);
    return FD_OK;
}

void cluster_fini(void)
{
    if (joined)
        MPI_Finalize();
    joined = false;
}

bool cluster_agree(bool ok)
{
    if (world_size == 1)
        return ok;
    int mine = ok, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all != 0;
}

enum { TAG_BLOCK = 1, TAG_END = 2, TAG_STOP = 3 };

/* A block's message opens with this. */
typedef struct head {
    uint64_t first;          /* its first replica */
    uint64_t n;              /* replicas in it */
    uint64_t events;         /* their events */
} head;

/* A rank's last message. */
typedef struct end_msg {
    int code;                /* its batch's code */
    char msg[512];           /* its message, when not FD_OK */
} end_msg;

/* Wait for `req` without spinning: MPI's blocking calls poll a core at
 * full speed, which on a rank whose worker threads fill its cores takes a
 * core from them (measured: 2 ranks x 1 thread on 2 cores, 5x slower).
 * Test, then sleep 50 us, until done. */
static void wait_for(MPI_Request *req, MPI_Status *st)
{
    int done = 0;
    struct timespec nap = { 0, 50000 };
    for (;;) {
        MPI_Test(req, &done, st ? st : MPI_STATUS_IGNORE);
        if (done)
            return;
        nanosleep(&nap, NULL);
    }
}

/* MPI_Recv / MPI_Ssend / MPI_Send, waiting as wait_for does. */
static void recv_idle(void *buf, int n, int src, int tag, MPI_Status *st)
{
    MPI_Request req;
    MPI_Irecv(buf, n, MPI_BYTE, src, tag, MPI_COMM_WORLD, &req);
    wait_for(&req, st);
}

static void send_idle(const void *buf, int n, int dst, int tag, bool sync)
{
    MPI_Request req;
    if (sync)
        MPI_Issend(buf, n, MPI_BYTE, dst, tag, MPI_COMM_WORLD, &req);
    else
        MPI_Isend(buf, n, MPI_BYTE, dst, tag, MPI_COMM_WORLD, &req);
    wait_for(&req, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The sizes of a block's parts, for `n` replicas. */
typedef struct layout {
    size_t ng, nm, cells;
} layout;

static size_t msg_bytes(const layout *l, size_t n)
{
    return sizeof(head) + n * l->ng * (sizeof(stats_replica) + sizeof(stats_rare) +
                                       l->nm * sizeof(double)) + l->cells * sizeof(double);
}

/* A non-root rank's consumer: send the block to rank 0, unless it said stop. */
typedef struct sender {
    layout l;
    unsigned char *buf;      /* [msg_bytes(BATCH_BLOCK)] (owned by the caller) */
} sender;

static int send_block(void *p, const batch_block *blk, diag *d)
{
    (void)d;
    sender *s = p;
    int stop = 0;
    MPI_Iprobe(0, TAG_STOP, MPI_COMM_WORLD, &stop, MPI_STATUS_IGNORE);
    if (stop)
        return BATCH_HALT;
    const layout *l = &s->l;
    size_t n = blk->n, per = n * l->ng;
    head h = { blk->first, n, blk->events };
    unsigned char *q = s->buf;
    memcpy(q, &h, sizeof h);
    q += sizeof h;
    memcpy(q, blk->stats, per * sizeof *blk->stats);
    q += per * sizeof *blk->stats;
    memcpy(q, blk->month_down, per * l->nm * sizeof *blk->month_down);
    q += per * l->nm * sizeof *blk->month_down;
    memcpy(q, blk->rare, per * sizeof *blk->rare);
    q += per * sizeof *blk->rare;
    memcpy(q, blk->downcount_sum, l->cells * sizeof *blk->downcount_sum);
    send_idle(s->buf, (int)msg_bytes(l, n), 0, TAG_BLOCK, true);
    return FD_OK;
}

/* Rank 0's state while it gathers. */
typedef struct gather {
    const batch_spec *spec;  /* the caller's (its consumer and sink) */
    layout l;
    batch_share share;       /* how the blocks are dealt */
    uint64_t end_block;      /* blocks base..end_block-1 make the run */
    uint64_t next;           /* the next global block to take */
    uint64_t own_taken;      /* rank 0's own blocks taken */
    blocksum *sums;          /* the blocks taken, reduced (owned) */
    uint64_t replicas;       /* replicas taken (with the start's) */
    uint64_t events;         /* their events */
    uint64_t remote_done;    /* replicas other ranks sent, for the bar */
    bool ended;              /* the prefix ends at `next` */
    bool halted;             /* the consumer ended it (BATCH_HALT) */
    int rc;                  /* FD_OK or the error that ended it (message in d) */
    bool *got_end;           /* [ranks]: rank R's TAG_END arrived */
    unsigned char *buf;      /* [msg_bytes(BATCH_BLOCK)] */
    diag *d;
} gather;

/* Take block `blk` (the next one): to the consumer, into the sums. */
static void take(gather *g, const batch_block *blk)
{
    const batch_spec *spec = g->spec;
    int rc = spec->consume ? spec->consume(spec->sink, blk, g->d) : FD_OK;
    if (blocksum_push(g->sums, g->next, 0, blk->downcount_sum) != FD_OK && rc == FD_OK)
        rc = diag_set(g->d, FD_ENOMEM, "out of memory adding up the down-count sums");
    g->replicas += blk->n;
    g->events += blk->events;
    uint64_t first = g->next * BATCH_BLOCK;
    uint64_t want = spec->replicas - first < BATCH_BLOCK ? spec->replicas - first : BATCH_BLOCK;
    g->next++;
    if (rc == BATCH_HALT) {
        g->halted = g->ended = true;
    } else if (rc != FD_OK) {
        g->rc = rc;
        g->ended = true;
    }
    if (blk->n < want)
        g->ended = true; /* stopped inside it: the prefix ends here */
}

/* Receive global block `next` from the rank that runs it and take it, or
 * learn that rank ended before it. */
static void pull(gather *g)
{
    const layout *l = &g->l;
    uint64_t x = g->next - g->share.base;
    int src = (int)((x / g->share.chunk) % (uint64_t)g->share.ranks);
    MPI_Status st;
    recv_idle(g->buf, (int)msg_bytes(l, BATCH_BLOCK), src, MPI_ANY_TAG, &st);
    if (st.MPI_TAG == TAG_END) {
        end_msg em;
        memcpy(&em, g->buf, sizeof em);
        em.msg[sizeof em.msg - 1] = '\0';
        g->got_end[src] = true;
        g->ended = true;
        if (em.code != FD_OK && g->rc == FD_OK)
            g->rc = diag_set(g->d, em.code, "rank %d: %s", src, em.msg);
        return;
    }
    head h;
    memcpy(&h, g->buf, sizeof h);
    size_t per = (size_t)h.n * l->ng;
    const unsigned char *q = g->buf + sizeof h;
    batch_block blk = { .first = h.first, .n = (size_t)h.n, .ngroups = l->ng,
                        .nmonths = (int)l->nm, .events = h.events };
    /* the parts are read in place: their offsets keep doubles aligned
     * (head and stats_replica are whole numbers of doubles) */
    blk.stats = (const stats_replica *)(const void *)q;
    q += per * sizeof(stats_replica);
    blk.month_down = (const double *)(const void *)q;
    q += per * l->nm * sizeof(double);
    blk.rare = (const stats_rare *)(const void *)q;
    q += per * sizeof(stats_rare);
    blk.downcount_sum = (const double *)(const void *)q;
    if (h.first != g->next * BATCH_BLOCK) { /* ranks disagree on the deal: ours */
        g->rc = diag_set(g->d, FD_EINVAL, "rank %d sent replica %llu, expected %llu", src,
                         (unsigned long long)h.first,
                         (unsigned long long)(g->next * BATCH_BLOCK));
        g->ended = true;
        return;
    }
    g->remote_done += h.n;
    take(g, &blk);
}

/* Rank 0's own blocks, as its batch hands them over: the others' before
 * them first. */
static int own_block(void *p, const batch_block *blk, diag *d)
{
    (void)d;
    gather *g = p;
    uint64_t x = blk->first / BATCH_BLOCK;
    while (!g->ended && g->next < x)
        pull(g);
    if (g->ended)
        return BATCH_HALT;
    g->own_taken++;
    take(g, blk);
    return g->ended ? BATCH_HALT : FD_OK;
}

int cluster_batch_run(const batch_spec *spec, batch_result **out, diag *d)
{
    if (world_size == 1)
        return batch_run(spec, out, d);
    *out = NULL;
    double t0 = now_s();
    const batch_start *st = spec->start;
    /* where the run starts and ends, and the deal, as rank 0 has them */
    uint64_t hdr[4] = { st ? st->first : 0, spec->replicas,
                        2 * (uint64_t)(spec->threads > 0 ? spec->threads : 1),
                        st && st->block_sum ? 1 : 0 };
    MPI_Bcast(hdr, 4, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (hdr[3])
        return diag_set(d, FD_EINVAL, "the run was stopped inside a block of %d replicas, "
                        "which only one process can resume: resume it without mpirun",
                        BATCH_BLOCK);
    layout l = { spec->ngroups, (size_t)spec->nmonths, 0 };
    for (size_t g = 0; g < spec->ngroups; g++)
        l.cells += (size_t)spec->counts[g] + 1;
    batch_share share = { .base = hdr[0] / BATCH_BLOCK, .chunk = hdr[2], .rank = world_rank,
                          .ranks = world_size };
    batch_spec own = *spec;
    own.replicas = hdr[1];
    own.start = NULL;
    own.share = &share;
    unsigned char *buf = fd_malloc(msg_bytes(&l, BATCH_BLOCK) > sizeof(end_msg)
                                       ? msg_bytes(&l, BATCH_BLOCK) : sizeof(end_msg));
    int rc = FD_OK;
    batch_result *res = NULL;
    if (world_rank != 0) {
        sender s = { l, buf };
        own.consume = send_block;
        own.sink = &s;
        own.progress = false;
        rc = buf ? batch_run(&own, &res, d) : diag_set(d, FD_ENOMEM, "out of memory");
        end_msg em = { .code = rc };
        snprintf(em.msg, sizeof em.msg, "%.500s", rc == FD_OK ? "" : d->msg);
        send_idle(&em, (int)sizeof em, 0, TAG_END, false);
        recv_idle(NULL, 0, 0, TAG_STOP, NULL);
        free(buf);
        *out = res;
        return rc;
    }
    gather g = { .spec = spec, .l = l, .share = share, .d = d, .buf = buf,
                 .end_block = (hdr[1] + BATCH_BLOCK - 1) / BATCH_BLOCK, .next = share.base,
                 .replicas = hdr[0], .events = st ? st->events : 0 };
    g.got_end = fd_calloc((size_t)world_size, sizeof *g.got_end);
    if (!buf || !g.got_end || blocksum_create(&g.sums, l.cells ? l.cells : 1, 0) != FD_OK ||
        (st && blocksum_copy(g.sums, st->sums) != FD_OK)) {
        rc = diag_set(d, FD_ENOMEM, "out of memory");
        g.ended = true;
    } else {
        if (!st)
            blocksum_reset(g.sums, share.base);
        own.consume = own_block;
        own.sink = &g;
        own.progress_more = &g.remote_done;
        rc = batch_run(&own, &res, d);
        if (rc != FD_OK) {
            g.ended = true;
        } else if (!g.ended) {
            /* rank 0's own blocks are done, or it was stopped before the next */
            bool all = g.own_taken == batch_share_blocks(&share, hdr[1]);
            uint64_t limit = all ? g.end_block : batch_share_block(&share, g.own_taken);
            while (!g.ended && g.next < limit && g.next < g.end_block)
                pull(&g);
            if (!all)
                g.ended = true;
        }
        if (rc == FD_OK)
            rc = g.rc;
    }
    /* tell every rank to stop, and drop what they still send */
    MPI_Request *req = fd_calloc((size_t)world_size, sizeof *req);
    for (int r = 1; r < world_size; r++) {
        if (req)
            MPI_Isend(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD, &req[r]);
        else
            MPI_Send(NULL, 0, MPI_BYTE, r, TAG_STOP, MPI_COMM_WORLD);
    }
    for (int r = 1; r < world_size; r++) {
        while (g.got_end && !g.got_end[r] && buf) {
            MPI_Status stt;
            recv_idle(buf, (int)msg_bytes(&l, BATCH_BLOCK), r, MPI_ANY_TAG, &stt);
            if (stt.MPI_TAG == TAG_END)
                g.got_end[r] = true;
        }
        if (req)
            wait_for(&req[r], NULL);
    }
    free(req);
    if (rc == FD_OK) {
        /* the run's result: rank 0's record with the whole run's totals */
        double *tot = fd_malloc((l.cells ? l.cells : 1) * sizeof *tot);
        if (tot == NULL) {
            rc = diag_set(d, FD_ENOMEM, "out of memory");
        } else {
            blocksum_total(g.sums, tot);
            for (size_t k = 0, off = 0; k < res->ngroups; k++) {
                memcpy(res->downcount[k], tot + off,
                       ((size_t)res->counts[k] + 1) * sizeof *tot);
                off += (size_t)res->counts[k] + 1;
            }
            free(tot);
            res->requested = spec->replicas;
            res->replicas = g.replicas;
            res->events = g.events;
            res->halted = g.halted;
            res->partial = res->replicas < res->requested && !res->halted;
            res->wall = now_s() - t0;
        }
    }
    if (rc != FD_OK) {
        batch_result_destroy(res);
        res = NULL;
    }
    blocksum_destroy(g.sums);
    free(g.got_end);
    free(buf);
    *out = res;
    return rc;
}

#endif
