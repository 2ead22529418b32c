/*
 * record: a replica's record beside replicas.csv (see record.h).
 */
#include "record.h"

record_layout record_layout_of(const scenario *s)
{
    return (record_layout){ .ng = s->ngroups, .nm = stats_months(s->horizon),
                            .rare = s->estimator == ESTIMATOR_RESTART,
                            .scale = scenario_autoscales(s) };
}

size_t record_bytes(const record_layout *l)
{
    return l->ng * ((size_t)l->nm * sizeof(double) + (l->rare ? sizeof(stats_rare) : 0) +
                    (l->scale ? STATS_SCALE_FIELDS * sizeof(double) : 0));
}

int record_write(FILE *f, const record_layout *l, const batch_block *blk, size_t i)
{
    size_t nd = l->ng * (size_t)l->nm;
    if (fwrite(blk->month_down + i * nd, sizeof *blk->month_down, nd, f) != nd ||
        (l->rare && fwrite(blk->rare + i * l->ng, sizeof *blk->rare, l->ng, f) != l->ng))
        return -1;
    for (size_t g = 0; l->scale && g < l->ng; g++) {
        double v[STATS_SCALE_FIELDS];
        stats_scale_get(&blk->stats[i * l->ng + g], v);
        if (fwrite(v, sizeof *v, STATS_SCALE_FIELDS, f) != STATS_SCALE_FIELDS)
            return -1;
    }
    return 0;
}

int record_read(FILE *f, const record_layout *l, size_t i, double *md, stats_rare *ra,
                stats_replica *stats)
{
    size_t nd = l->ng * (size_t)l->nm;
    if (fread(md + i * nd, sizeof *md, nd, f) != nd ||
        (l->rare && fread(ra + i * l->ng, sizeof *ra, l->ng, f) != l->ng))
        return -1;
    for (size_t g = 0; l->scale && g < l->ng; g++) {
        double v[STATS_SCALE_FIELDS];
        if (fread(v, sizeof *v, STATS_SCALE_FIELDS, f) != STATS_SCALE_FIELDS)
            return -1;
        stats_scale_set(&stats[i * l->ng + g], v);
    }
    return 0;
}
