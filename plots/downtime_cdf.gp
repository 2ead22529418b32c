# downtime_cdf.gp: service downtime per year across replicas, as the share
# of replicas with more downtime than x (the survival function, 1 - CDF),
# on log-log axes: a group's rare bad years show as clearly as its usual ones.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/replicas.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding downtime_cdf.dat (prepared by fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   ngroups  groups;  ncurves  those with some downtime (one block each);
#   titles   the curves' titles
#   zero     the groups with no downtime in any replica, quoted (a key entry each)
#   replicas replicas per group;  xmin, xmax  the x range (minutes per year)
#   ylow     the bottom of the y axis (below one replica in all)
#   xt       the x ticks (1, 2, 5 in each decade of the range)
# downtime_cdf.dat, one block per group: downtime_min_per_year share_above
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

set title sprintf("Service downtime per year across %d replicas: share of replicas with more than x", replicas)
set xlabel "x: service downtime (minutes per year with the quorum down; log scale)"
set ylabel "share of replicas with more downtime than x (log)"
set logscale xy
set format x "%g"
set format y "%g"
set xrange [xmin:xmax]
set yrange [ylow:1.4]
set grid lc rgb '#dddddd'
set bmargin 4.5 + ceil(ngroups / 2.0)
if (exists("xt")) eval(sprintf('set xtics (%s)', xt))
set key at screen 0.5, screen 0.01 center bottom horizontal maxcols 2 font ',9' samplen 2
zeros = "for [j=1:words(zero)] keyentry with lines lw 2 dt 3 lc rgb '#888888' title word(zero, j)"
if (ncurves > 0) {
    plot for [i=0:ncurves-1] file index i using 1:2 with steps lw 2 lc i+1 title word(titles, i+1), @zeros
} else {
    plot @zeros, 1/0 notitle
}
