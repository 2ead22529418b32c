# downtime_cdf.gp: service downtime per year across replicas, as a CDF.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/replicas.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding downtime_cdf.dat (prepared by fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   ngroups  number of groups (one block each);  titles  their names, quoted words
#   replicas replicas per group;  xmax  the largest downtime of any replica
# downtime_cdf.dat, one block per group (blocks separated by two blank lines):
#   downtime_min_per_year  fraction_of_replicas_at_or_below
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,11'
}
set output out
file = data.'/downtime_cdf.dat'

set title sprintf("Service downtime per year across %d replicas (CDF)", replicas)
set xlabel "service downtime (minutes per year; the quorum is down)"
set ylabel "fraction of replicas with at most this downtime"
if (xmax <= 0) set xrange [-0.5:1]
set yrange [*:1.005]
set grid lc rgb '#dddddd'
set key bottom right box opaque
plot for [i=0:ngroups-1] file index i using 1:2 with steps lw 2 title word(titles, i+1)
