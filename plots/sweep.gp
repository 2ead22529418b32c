# sweep.gp: service availability against a swept parameter, one line per
# group (and per value of any other swept key), with 95 % interval bars.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/sweep.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding sweep.dat (prepared by fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   nlines   number of lines (one block each);  titles  their names, quoted words
#   xkey     the swept key on the x axis;  numeric  1 if its values are numbers
#   ymin     the bottom of the y axis; the top is 100 % (availability cannot exceed it)
# sweep.dat, one block per line:  x  "value"  mean_pct  ci_low_pct  ci_high_pct
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,11'
}
set output out
file = data.'/sweep.dat'

set title sprintf("Service availability against %s (mean, 95 %% interval)", xkey)
set xlabel xkey
set ylabel "service availability (% of time the quorum is up)"
set format y "%.6g"
if (!exists("ymin")) ymin = 99
set yrange [ymin:100]
set offsets graph 0.03, graph 0.03, 0, 0
set grid lc rgb '#dddddd'
set key outside right top box opaque font ',10'
set bars 2
if (numeric) {
    plot for [i=0:nlines-1] file index i using 1:3:4:5 with yerrorlines lw 2 pt 7 ps 0.8 title word(titles, i+1)
} else {
    plot for [i=0:nlines-1] file index i using 1:3:4:5:xticlabels(2) with yerrorlines lw 2 pt 7 ps 0.8 title word(titles, i+1)
}
