# timeline.gp: one replica through its first maintenance wave: VMs up per
# update domain (Availability Set, Uniform) or per rack (Flexible), one panel
# per group.
#
# Run by `fdsim plot DIR`, which replays replica K of DIR/run.ini (the sample
# path `fdsim run DIR/run.ini --trace FILE --trace-replica K` traces).
# Variables (gnuplot -e "name=value; ..."):
#   data     directory holding timeline_1.dat .. timeline_N.dat (fdsim plot)
#   out      the image to write;  fmt  'png' or 'svg';  width, height  pixels
#   sized    1 when the size was asked for; else the height is auto_height
#            (170 pixels a panel), so the panels stay readable
#   ngroups  panels;  names, counts, quorums, descs (mode, FD, UD)  per group
#   ncols    columns of each group's file, as words;  doms1..N  domain names
#   units    per group, what a domain is ("racks" or "update domains")
#   wave     'rebootful' or 'rebootless';  replica, day  where the wave is
#   xmin, xmax  the window, hours from the wave's start
#   more     groups left out (only the first 6 get a panel)
# timeline_G.dat: time_h (0 = the wave's start)  vms_up  up_in_domain_1 ...
if (!exists("fmt")) fmt = 'png'
if (!exists("width")) width = 800
if (!exists("height")) height = 500
if (!exists("sized")) sized = 1
if (!sized && exists("auto_height")) height = auto_height
if (fmt eq 'svg') {
    set terminal svg size width,height dynamic noenhanced font 'Helvetica,11' background rgb 'white'
} else {
    set terminal pngcairo size width,height noenhanced font 'Helvetica,10'
}
set output out

set multiplot layout ngroups,1 title sprintf("Replica %d through its first %s maintenance wave (day %.1f)%s\ncoloured: VMs up in each domain (left axis); black: VMs up in the group, red: its quorum (right axis)", \
    replica, wave, day, more > 0 ? sprintf(", first %d groups", ngroups) : "") font ',11'
set grid lc rgb '#dddddd'
set key at screen 0.995, graph 1 right top vertical maxrows 11 font ',9' samplen 1.5 spacing 0.9
set y2tics
set xrange [xmin:xmax]
set ytics nomirror
set tmargin 2.2
set bmargin 1.2
set lmargin 9
set rmargin 33
do for [g=1:ngroups] {
    file = sprintf('%s/timeline_%d.dat', data, g)
    n = word(ncols, g) + 0
    doms = value(sprintf('doms%d', g))
    cnt = word(counts, g) + 0
    q = word(quorums, g) + 0
    set title sprintf("%s: %s, %d VMs, quorum %d", word(names, g), word(descs, g), cnt, q) font ',10' offset 0,-0.4
    set ylabel "up / domain" offset 1,0
    set y2label "up in group" offset -2,0
    set yrange [-0.2:*]
    set y2range [-0.5:cnt + 0.5]
    if (g == ngroups) { set xlabel "hours since the wave started"; set bmargin 3.2 } else { unset xlabel }
    # Up to 8 domains: one key entry each; more: one entry for all of them.
    plot for [c=3:n] file using 1:c with steps lw 1.5 \
            title (n - 2 <= 8 ? word(doms, c-2) : (c == 3 ? sprintf('%d %s, a line each', n - 2, word(units, g)) : '')), \
         file using 1:2 axes x1y2 with steps lw 2.5 lc rgb 'black' title 'VMs up in the group (right)', \
         q axes x1y2 with lines dt 2 lw 1.5 lc rgb '#cc0000' title sprintf('quorum %d (right)', q)
}
unset multiplot
