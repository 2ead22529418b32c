# timeline.gp: one replica through its first maintenance wave: VMs up per
# update domain (Availability Set, Uniform) or per rack (Flexible), one panel
# per group.
#
# Run by `fdsim plot DIR`, which replays replica K of DIR/run.ini (the sample
# path `fdsim run DIR/run.ini --trace FILE --trace-replica K` traces).
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding timeline_1.dat .. timeline_N.dat (fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   ngroups  panels;  names, counts, quorums  per group, as words
#   ncols    columns of each group's file, as words;  doms1..N  domain names
#   wave     'rebootful' or 'rebootless';  replica, day  where the wave is
#   xmin, xmax  the window, hours from the wave's start
#   more     groups left out (only the first 6 get a panel)
# timeline_G.dat: time_h (0 = the wave's start)  vms_up  up_in_domain_1 ...
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,11' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,10'
}
set output out

set multiplot layout ngroups,1 title sprintf("Replica %d through its first %s maintenance wave (day %.1f)%s", \
    replica, wave, day, more > 0 ? sprintf(", first %d groups", ngroups) : "")
set grid lc rgb '#dddddd'
set key outside right top vertical maxcols 1 font ',9' samplen 2
set y2tics
set xrange [xmin:xmax]
set ytics nomirror
set tmargin 1.5
set bmargin 1.5
do for [g=1:ngroups] {
    file = sprintf('%s/timeline_%d.dat', data, g)
    n = word(ncols, g) + 0
    doms = value(sprintf('doms%d', g))
    cnt = word(counts, g) + 0
    q = word(quorums, g) + 0
    set label 1 word(names, g).(n - 2 > 10 ? sprintf(' (%d domains)', n - 2) : '') at graph 0.01, graph 0.92 left font ',10'
    set ylabel "VMs up per domain"
    set y2label "VMs up"
    set yrange [-0.2:*]
    set y2range [-0.5:cnt + 0.5]
    if (g == ngroups) { set xlabel "hours since the wave started"; set bmargin 3 } else { unset xlabel }
    # More than 10 domains: lines without a key entry each (the key would not fit).
    plot for [c=3:n] file using 1:c with steps lw 1.5 title (n - 2 <= 10 ? word(doms, c-2) : ''), \
         file using 1:2 axes x1y2 with steps lw 2.5 lc rgb 'black' title 'VMs up (right)', \
         q axes x1y2 with lines dt 2 lw 1.5 lc rgb '#cc0000' title sprintf('quorum %d (right)', q)
}
unset multiplot
