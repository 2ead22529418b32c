# months.gp: monthly uptime against the SLA targets, on a nines axis.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/months.csv.
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding months.dat (prepared by fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   ngroups  number of groups (one block each);  titles  their names, quoted words
#   ymin, ymax, ytop, yt   the nines axis (see availability.gp); a month with no
#            downtime is drawn at ytop, labelled 100 %
#   ntargets the distinct SLA targets;  tn1.., tl1..  each one's nines and label
#            (the target and the groups that have it)
# months.dat, one block per group: month mean_nines p5_nines
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
if (!exists("ntargets")) ntargets = 0
tcolor = "black #cc0000 #0060c0 #008000 #8000a0 #a06000"

set title "Monthly uptime: mean (solid) and 5th percentile (dashed: 1 month in 20 is worse)\nagainst each SLA target (log scale: one step up is ten times less downtime)"
set xlabel "month of the simulated time"
set ylabel "uptime in the month (minutes the quorum is up)"
set xtics 1
set yrange [ymin:ymax]
eval(sprintf('set ytics (%s)', yt))
set grid lc rgb '#dddddd'
set bmargin 4.5 + ceil(ngroups / 4.0)
set key at screen 0.5, screen 0.01 center bottom horizontal maxcols 4 font ',9' samplen 2 spacing 0.9
# each target labelled on its line, in its colour
set style textbox opaque noborder
do for [k=1:ntargets] {
    set label k value(sprintf('tl%d', k)) at graph 0.99, first value(sprintf('tn%d', k)) offset 0,-0.6 right font ',9' tc rgb word(tcolor, (k - 1) % 6 + 1) front boxed
}
plot for [i=0:ngroups-1] file index i using 1:2 with linespoints lw 2 pt 7 ps 0.7 lc i+1 title word(titles, i+1), \
     for [i=0:ngroups-1] file index i using 1:3 with lines dt 2 lw 1.5 lc i+1 notitle, \
     for [k=1:ntargets] value(sprintf('tn%d', k)) with lines dt 3 lw 2.5 lc rgb word(tcolor, (k - 1) % 6 + 1) notitle
