/*
 * embed: files compiled into the binary (tools/embed.py writes embed.c), so
 * fdsim runs from any directory with its default scenario and tables.
 */
#ifndef FDSIM_EMBED_H
#define FDSIM_EMBED_H

#include <stddef.h>

extern const char embed_default_ini[];   /* scenarios/default.ini */
extern const size_t embed_default_ini_len;
extern const char embed_regions_csv[];   /* data/regions.csv */
extern const size_t embed_regions_csv_len;
extern const char embed_skus_csv[];      /* data/skus.csv */
extern const size_t embed_skus_csv_len;

/* plots/NAME.gp, the gnuplot scripts of fdsim plot. */
extern const char embed_plot_availability[];
extern const char embed_plot_downtime_cdf[];
extern const char embed_plot_downcount[];
extern const char embed_plot_months[];
extern const char embed_plot_timeline[];
extern const char embed_plot_sweep[];

#endif
