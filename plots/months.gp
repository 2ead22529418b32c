# months.gp: monthly uptime against the SLA target.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/months.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding months.dat (prepared by fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   ngroups  number of groups (one block each);  titles  their names, quoted words
#   ymin     the bottom of the y axis (the top is 100 %);  target  the (last) group's
#            SLA target, %;  has_target  0 when no group has one (no line drawn)
# months.dat, one block per group:
#   month  target_pct  uptime_mean_pct  uptime_p5_pct  share_of_replicas_meeting_target
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,11'
}
set output out
file = data.'/months.dat'
if (!exists("has_target")) has_target = 1

set title "Monthly uptime against the SLA target: mean (solid) and 5th percentile (dashed)"
set xlabel "month of the simulated time"
set ylabel "uptime in the month (% of minutes the quorum is up)"
set xtics 1
set yrange [ymin:100]
set grid lc rgb '#dddddd'
set key bottom left box opaque
plot for [i=0:ngroups-1] file index i using 1:3 with linespoints lw 2 pt 7 ps 0.7 lc i+1 title word(titles, i+1).' mean', \
     for [i=0:ngroups-1] file index i using 1:4 with lines dt 2 lw 1.5 lc i+1 title word(titles, i+1).' 5th pct', \
     for [i=0:(has_target ? 0 : -1)] file index 0 using 1:(target) with lines dt 3 lw 2.5 lc rgb 'black' title sprintf('SLA target %g %%', target)
