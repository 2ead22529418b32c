# sweep.gp: service availability against a swept parameter, on a nines axis,
# one line per group the swept keys vary (and per value of any other swept
# key), with 95 % interval bars: steps for a whole-number key (a count:
# nothing lies between the points), lines for a continuous one.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/sweep.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding sweep.dat (prepared by fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   nlines   number of lines (one block each);  titles  their names, quoted words
#   xkey     the swept key on the x axis;  numeric  1 if its values are numbers
#   xunit    their unit ("d" for 10d:40d:10d), '' for none
#   discrete 1 if every value is a whole number (drawn as steps)
#   still    the groups no swept key varies (named, not drawn)
#   ymin, ymax, ytop, yt   the nines axis (see availability.gp)
# sweep.dat, one block per line:  x "value" nines low high kind
#   kind: 0 with an interval, 1 without one (too few outages), 2 no outage (at ytop)
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
if (!exists("still")) still = ''
if (!exists("xunit")) xunit = ''

set title sprintf("Service availability against %s (mean, 95 %% interval; log scale)%s", xkey, \
    strlen(still) > 0 ? sprintf("\nnot varied by the sweep, so not drawn: %s", still) : "")
set xlabel strlen(xunit) > 0 ? sprintf("%s (%s)", xkey, xunit) : xkey
set ylabel "service availability (time the quorum is up)"
set yrange [ymin:ymax]
eval(sprintf('set ytics (%s)', yt))
set offsets graph 0.03, graph 0.03, 0, 0
set grid lc rgb '#dddddd'
set bmargin 5 + ceil((nlines + 2) / 4.0)
set key at screen 0.5, screen 0.015 center bottom horizontal maxcols 4 font ',9' samplen 1.5
set bars 2
# what the markers mean, once for every line
marks = "keyentry with points pt 6 ps 1.2 lc rgb '#555555' title 'too few outages for an interval', keyentry with points pt 9 ps 1.6 lc rgb '#555555' title 'no outage seen'"
if (numeric && discrete) {
    plot for [i=0:nlines-1] file index i using 1:3 with steps lw 2 lc i+1 title word(titles, i+1), \
         for [i=0:nlines-1] file index i using 1:($6 == 0 ? $3 : NaN):4:5 with yerrorbars pt 7 ps 0.9 lc i+1 notitle, \
         for [i=0:nlines-1] file index i using 1:($6 == 1 ? $3 : NaN) with points pt 6 ps 1.2 lc i+1 notitle, \
         for [i=0:nlines-1] file index i using 1:($6 == 2 ? $3 : NaN) with points pt 9 ps 1.6 lc i+1 notitle, \
         @marks
} else {
    if (numeric) {
        plot for [i=0:nlines-1] file index i using 1:3:4:5 with yerrorlines lw 2 pt 7 ps 0.8 lc i+1 title word(titles, i+1), \
             for [i=0:nlines-1] file index i using 1:($6 == 1 ? $3 : NaN) with points pt 6 ps 1.4 lw 2 lc i+1 notitle, \
             for [i=0:nlines-1] file index i using 1:($6 == 2 ? $3 : NaN) with points pt 9 ps 1.6 lc i+1 notitle, \
             @marks
    } else {
        plot for [i=0:nlines-1] file index i using 1:3:4:5:xticlabels(2) with yerrorlines lw 2 pt 7 ps 0.8 lc i+1 title word(titles, i+1), \
             for [i=0:nlines-1] file index i using 1:($6 == 1 ? $3 : NaN) with points pt 6 ps 1.4 lw 2 lc i+1 notitle, \
             for [i=0:nlines-1] file index i using 1:($6 == 2 ? $3 : NaN) with points pt 9 ps 1.6 lc i+1 notitle, \
             @marks
    }
}
