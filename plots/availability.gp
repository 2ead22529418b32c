# availability.gp: service availability per group, with its 95 % interval.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/summary.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding availability.dat (prepared by fdsim plot)
#   out      the image to write, e.g. 'results/availability.png'
#   fmt      'png' or 'svg'
#   width, height   image size in pixels (default 800 x 500)
#   ngroups  number of groups;  replicas  replicas behind each figure
#   ydec     decimals for the axis (enough to tell the groups apart)
#   ymin     the bottom of the y axis; the top is 100 % (availability cannot exceed it)
#   (x tick labels: group, orchestration mode, fault / update domains)
# availability.dat, one row per group after a comment line:
#   x  "label"  mean_pct  ci_low_pct  ci_high_pct  "value as text"
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (!exists("ydec")) ydec = 5
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,11'
}
set output out
file = data.'/availability.dat'

set title sprintf("Service availability per group: mean and 95 %% interval over %d replicas", replicas)
set ylabel "service availability (% of time the quorum is up)"
set bmargin 4.5
set format y sprintf("%%.%df", ydec)
set xrange [-0.6:ngroups-0.4]
if (!exists("ymin")) ymin = 99
set yrange [ymin:100]
set grid ytics lc rgb '#dddddd'
set key off
set bars 3
set xtics nomirror
set ytics nomirror
set border 3
plot file using 1:3:4:5:xticlabels(2) with yerrorbars pt 7 ps 1.4 lw 2 lc rgb '#1f6fb4', \
     file using 1:3:6 with labels left offset 1.5,0 font ',10' tc rgb '#333333'
