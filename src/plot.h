/*
 * plot: charts of a results directory, drawn by gnuplot.
 *
 * The gnuplot scripts live in plots/ and are compiled into the binary
 * (embed.h), so `fdsim plot` works from any directory.  The scripts stay
 * simple because they never read fdsim's CSV: this module reads the CSV
 * with csvio (libcsv), reshapes what a chart needs (filters rows, sorts a
 * CDF, replays one replica for the timeline) and writes small
 * whitespace-separated .dat files to a private temporary directory, which
 * it removes afterwards.  Every .dat holds one block per curve (blocks
 * separated by two blank lines, gnuplot's `index`); the first line of a
 * block is a header whose first cell is the curve's title (gnuplot's
 * `columnheader(1)`).
 *
 * Charts, each drawn when its input is in the directory:
 *   availability   summary.csv   service availability per group, 95 % interval
 *   downtime_cdf   replicas.csv  downtime per year across replicas (CDF; for a restart
 *                                run, the root paths' own: a tree's estimate is no downtime)
 *   downcount      downcount.csv time-weighted distribution of VMs down at once
 *   months         months.csv    monthly uptime against the SLA target
 *   timeline       run.ini       replica K replayed through its first
 *                                maintenance wave: VMs up per update domain
 *                                (Availability Set, Uniform) or per rack
 *                                (Flexible: its fault domains)
 *   sweep          sweep.csv     availability against the first swept key,
 *                                one line per group (and other swept values)
 */
#ifndef FDSIM_PLOT_H
#define FDSIM_PLOT_H

#include "diag.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Output formats, a bit set. */
enum { PLOT_PNG = 1, PLOT_SVG = 2 };

/* What to draw. */
typedef struct plot_opts {
    const char *dir;      /* the results (or sweep) directory; charts go there too */
    int formats;          /* PLOT_PNG | PLOT_SVG, not 0 */
    uint64_t replica;     /* the replica the timeline replays */
    int width, height;    /* image size in pixels (SVG: points) */
    bool sized;           /* the size was asked for: every chart that size (else the
                             timeline grows with its panels, availability with its
                             groups) */
    const char *keep;     /* NULL: the .dat files go to a private temporary directory,
                             removed after; else this existing directory, which keeps
                             them and each chart's gnuplot variables as NAME.vars
                             (for tests and for redrawing by hand) */
} plot_opts;

/* The charts, in drawing order; each names plots/NAME.gp and the file it
 * reads ("run.ini" for the timeline).  NULL-terminated. */
extern const char *const plot_names[];
extern const char *const plot_inputs[];

/* The gnuplot script of chart `name` (embedded plots/NAME.gp), or NULL. */
const char *plot_script(const char *name);

/* Find gnuplot on PATH: the full path in buf (size bytes) and FD_OK, or
 * FD_EIO with a message saying how to install it. */
int plot_find_gnuplot(char *buf, size_t size, diag *d);

/* Reshape the input of chart `chart` (a plot_names entry) in opts->dir
 * into its .dat files in the existing directory `work`, and its gnuplot
 * variables into WORK/CHART.vars, drawing nothing: what plot_render does
 * before it runs gnuplot (the fuzz harness's way in).  FD_OK, or FD_EINVAL
 * for a malformed or missing input, FD_EIO, FD_ENOMEM, with the message.
 * Cost: as plot_render's for that chart, without gnuplot. */
int plot_data(const plot_opts *opts, const char *chart, const char *work, diag *d);

/* Draw every chart whose input is in opts->dir, as DIR/NAME.png and/or
 * DIR/NAME.svg, printing each path written to `out` as it is done.
 * Returns FD_OK; FD_EINVAL when the directory holds no input of any chart
 * or a replica beyond the run; FD_EIO when gnuplot is missing or fails, or
 * an input cannot be read (a malformed CSV is FD_EINVAL); FD_ENOMEM.  The
 * message in `d` names the file.  Charts drawn before an error stay.
 * Cost: O(R log R) for the CDF, one replica for the timeline, and a
 * gnuplot process per chart and format. */
int plot_render(const plot_opts *opts, FILE *out, diag *d);

#endif
