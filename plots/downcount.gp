# downcount.gp: how many VMs are down at once, as hours per year (k >= 1; the
# rest of the year every VM is up).
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/downcount.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding downcount.dat (prepared by fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   ngroups  number of groups (one block each);  titles  their names, quoted words
#   maxk     the most VMs down at once in any group (the x range)
#   ylow, yhigh   the y range, decades around the data
# downcount.dat, one block per group: vms_down hours_per_year; a blank line
# where a count never happens, so no line is drawn across it
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,11'
}
set output out
file = data.'/downcount.dat'

set title "How many VMs are down at once (1 or more): hours per year, averaged over the replicas"
set xlabel "VMs of the group down at the same time"
set ylabel "hours per year (log scale)"
set logscale y
set format y "%g"
if (maxk <= 25) { set xrange [0.4:maxk+0.6] } else { set xrange [0:maxk*1.04+0.6] }
set yrange [ylow:yhigh]
if (maxk <= 25) set xtics 1
set grid lc rgb '#dddddd'
set key top right box opaque
plot for [i=0:ngroups-1] file index i using 1:2 with linespoints lw 2 pt 7 ps 0.9 title word(titles, i+1)
