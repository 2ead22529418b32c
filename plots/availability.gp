# availability.gp: service availability per group on a nines axis, with its
# 95 % interval and the group's own SLA target.
#
# Run by `fdsim plot DIR`, which prepares the data from DIR/summary.csv (and
# the targets from DIR/months.csv).
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding availability.dat (prepared by fdsim plot)
#   out      the image to write, e.g. 'results/availability.png'
#   fmt      'png' or 'svg'
#   width, height   image size in pixels (default 800 x 500)
#   sized    1 when the size was asked for; else the width is auto_width
#            (95 pixels a group), so the labels stay apart
#   ngroups  number of groups;  replicas  replicas behind each figure
#   ymin, ymax, ytop   the nines axis: y = -log10(unavailability); ytop, the
#            top tick, is where a group with no outage is drawn
#   yt       the y ticks, labelled as availability ("99.95 %" at 3.30)
#   (x tick labels: group, orchestration mode, fault / update domains)
# availability.dat, one row per group after a comment line:
#   x "label" nines low high kind "value as text" target_nines "target text"
#   kind: 0 with a 95 % interval, 1 an estimate without one (too few
#   outages), 2 no outage (drawn at ytop with an arrow up)
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (!exists("sized")) sized = 1
if (!sized && exists("auto_width")) width = auto_width
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,12' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,11'
}
set output out
file = data.'/availability.dat'

set title sprintf("Service availability per group over %d replicas\n(log scale: one step up is ten times less downtime)", replicas)
set ylabel "service availability (time the quorum is up)"
set bmargin 7
set xrange [-0.6:ngroups-0.4]
set yrange [ymin:ymax]
eval(sprintf('set ytics (%s)', yt))
set grid ytics lc rgb '#dddddd'
set key at screen 0.5, screen 0.015 center bottom horizontal maxcols 4 font ',9' samplen 1.5
set bars 3
set xtics nomirror
set ytics nomirror
set border 3
plot file using 1:($6 == 0 ? $3 : NaN):4:5:xticlabels(2) with yerrorbars pt 7 ps 1.4 lw 2 lc rgb '#1f6fb4' title 'mean, 95 % interval', \
     file using 1:($6 == 1 ? $3 : NaN) with points pt 6 ps 1.6 lw 2 lc rgb '#1f6fb4' title 'too few outages for an interval', \
     file using 1:($6 == 2 ? $3 : NaN) with points pt 9 ps 2 lc rgb '#1f6fb4' title 'no outage seen (bounds the rate, not the length)', \
     file using ($1 - 0.32):8:(0.64):(0) with vectors nohead dt 2 lw 2 lc rgb '#cc0000' title "the group's SLA target", \
     file using 1:8:9 with labels offset 0,-0.8 font ',9' tc rgb '#cc0000' notitle, \
     file using 1:3:7 with labels offset 0,1.3 font ',10' tc rgb '#333333' notitle
