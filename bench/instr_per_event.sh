#!/bin/sh
# instr_per_event.sh: instructions per event and per replica-year of fdsim's
# simulation loop, for R1 and the built-in default scenario.
#
# For each world, two callgrind runs of `bench_run --callgrind N WORLD`
# (exactly N replicas on one thread, no timing loop) that differ only in N;
# every fixed cost (start-up, placement, injector) is the same in both and
# cancels in the difference:
#   instructions per event       = (Ir(N2) - Ir(N1)) / (E(N2) - E(N1))
#   instructions per replica-year = (Ir(N2) - Ir(N1)) / ((N2 - N1) x years)
# Ir is callgrind_annotate's PROGRAM TOTALS; E the events bench_run prints.
#
# usage: bench/instr_per_event.sh [BUILD_DIR [N1 N2]]
#        (default: build-release 100 300; run from the source root)
set -eu
build=${1:-build-release}
n1=${2:-100}
n2=${3:-300}
bench=$build/bench/bench_run
me=instr_per_event.sh

die() { echo "$me: $*" >&2; exit 1; }
[ -x "$bench" ] || die "no $bench: build it first (ninja -C $build)"
command -v valgrind >/dev/null 2>&1 || die "valgrind is not on PATH"
command -v callgrind_annotate >/dev/null 2>&1 || die "callgrind_annotate is not on PATH"
[ "$n2" -gt "$n1" ] 2>/dev/null || die "N2 ($n2) must be a number above N1 ($n1)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fdsim-cg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# measure WORLD N: print "EVENTS YEARS IR" of N replicas of WORLD.
measure() {
    cg=$tmp/cg.$1.$2
    valgrind --tool=callgrind --callgrind-out-file="$cg" "$bench" --callgrind "$2" "$1" \
        >"$tmp/out" 2>"$tmp/log" || { cat "$tmp/log" >&2; die "callgrind run of $1 x $2 failed"; }
    ir=$(callgrind_annotate "$cg" | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    [ -n "$ir" ] || die "no PROGRAM TOTALS in callgrind_annotate $cg"
    awk -v ir="$ir" '{ print $2, $6, ir }' "$tmp/out"
}

echo "instructions (Ir) per event and per replica-year, from callgrind runs of $n1 and $n2 replicas"
printf '%-10s %18s %12s %18s\n' world events/replica-yr Ir/event Ir/replica-yr
for world in R1 default; do
    a=$(measure "$world" "$n1")
    b=$(measure "$world" "$n2")
    echo "$a $b" | awk -v w="$world" -v n1="$n1" -v n2="$n2" '{
        de = $4 - $1; di = $6 - $3; yrs = (n2 - n1) * $2
        printf "%-10s %18.1f %12.1f %18.4g\n", w, de / yrs, di / de, di / yrs }'
done
