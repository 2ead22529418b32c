/*
 * record: the per-replica record a results directory keeps beside
 * replicas.csv (resume/records.bin of a run, shard/records.bin of a
 * shard), holding what the digest needs of a replica that replicas.csv
 * lacks: its [group][month] service downtimes, then, for the restart
 * estimator, its [group] accounts (stats_rare), then, for a scenario that
 * autoscales, its [group] autoscale figures (STATS_SCALE_FIELDS doubles).
 * Native bytes, replica after replica, so a record is the same bytes
 * whatever block it was written in, and record_bytes of the scenario is
 * its size.
 */
#ifndef FDSIM_RECORD_H
#define FDSIM_RECORD_H

#include "batch.h"
#include "scenario.h"
#include "stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What a scenario's records hold. */
typedef struct record_layout {
    size_t ng;   /* groups */
    int nm;      /* months per replica */
    bool rare;   /* the restart estimator's accounts */
    bool scale;  /* the autoscale figures */
} record_layout;

/* The layout of `s`'s records.  O(groups). */
record_layout record_layout_of(const scenario *s);

/* Bytes of one record.  O(1). */
size_t record_bytes(const record_layout *l);

/* Append replica i of `blk` (i < blk->n) to `f`.  0, or -1 with errno. */
int record_write(FILE *f, const record_layout *l, const batch_block *blk, size_t i);

/* Read the next record from `f` as replica i of a block being replayed:
 * its months to md[i * ng * nm ..], its accounts to ra[i * ng ..] (ra is
 * NULL unless l->rare), its autoscale figures into stats[i * ng + g] (the
 * rest of those records is the caller's, from replicas.csv).  0, or -1 when
 * the file is short. */
int record_read(FILE *f, const record_layout *l, size_t i, double *md, stats_rare *ra,
                stats_replica *stats);

#endif
