#!/usr/bin/env bash
# Scale-out (issue 14): shards and, with an MPI build, ranks give exactly
# the results directory of one run.
#
#   scaleout.sh FDSIM SOURCE_ROOT [MPIRUN]
#
# Without MPIRUN: `fdsim run --shard I/3` for I = 1..3, merged with
# `fdsim merge` in every order, is compared byte for byte (diff -r, run.ini
# included: the single run and the merge both write "-o out", so even the
# recorded command line is the same) with one run; and every refusal of a
# shard set (missing, duplicated, foreign scenario, seed or version,
# corrupt shard.ini, replicas.csv or records.bin) exits 2, names the shard,
# and writes nothing (no output directory, no temporary one).
#
# With MPIRUN (an mpirun command line, e.g. "mpirun --oversubscribe
# --allow-run-as-root"): `MPIRUN -np K fdsim run` for K = 1, 2, 3 and
# several -j, with both estimators (the restart one also halted by its
# precision rule), and `MPIRUN -np K fdsim sweep` with both estimators,
# each compared byte for byte with one process; and shards run on ranks
# merge the same.
set -u
fdsim=$(realpath "$1")
root=$(realpath "$2")
mpirun=${3:-}
fails=0
check() { # check WHAT COND...
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scen="$root/scenarios/web-tier-100.ini"
plain=(-n 300 --estimator plain --seed 7)
# the restart estimator on a small run (pilot included: deterministic)
restart=(-n 160 --estimator restart --seed 11)

# one run into $1/out with the rest of the arguments
single() {
    local dir=$1
    shift
    mkdir -p "$dir" && (cd "$dir" && "$fdsim" run "$scen" "$@" -o out >/dev/null 2>"$dir/err")
}

# no output directory and no leftover of one in $1
nothing_in() { ! ls "$1" | grep -q '^out'; }

if [ -z "$mpirun" ]; then
    single "$work/one" "${plain[@]}" -j 2
    mkdir -p "$work/sh"
    for i in 1 2 3; do
        (cd "$work/sh" && "$fdsim" run "$scen" "${plain[@]}" -j 2 --shard "$i/3" -o "s$i" >/dev/null)
        check "shard $i/3 runs" test -f "$work/sh/s$i/shard/shard.ini"
    done
    for order in "s1 s2 s3" "s3 s1 s2" "s2 s3 s1"; do
        rm -rf "$work/sh/out"
        # shellcheck disable=SC2086
        (cd "$work/sh" && "$fdsim" merge $order -o out >/dev/null)
        check "merge $order is the single run, byte for byte" diff -r "$work/one/out" "$work/sh/out"
    done
    # the restart estimator: shards merge to the bytes of one run too
    single "$work/oner" "${restart[@]}" -j 2
    mkdir -p "$work/shr"
    for i in 1 2 3; do
        (cd "$work/shr" && "$fdsim" run "$scen" "${restart[@]}" -j 2 --shard "$i/3" -o "s$i" >/dev/null)
    done
    (cd "$work/shr" && "$fdsim" merge s2 s3 s1 -o out >/dev/null)
    check "restart estimator: merged shards are the single run, byte for byte" \
        diff -r "$work/oner/out" "$work/shr/out"
    # an autoscaling scenario: its records carry the autoscale figures, so
    # autoscale.csv merges to the single run's too
    ascen="$root/scenarios/web-autoscale.ini"
    mkdir -p "$work/onea" "$work/sha"
    (cd "$work/onea" && "$fdsim" run "$ascen" -n 64 --seed 4 -j 2 -o out >/dev/null)
    for i in 1 2; do
        (cd "$work/sha" && "$fdsim" run "$ascen" -n 64 --seed 4 -j 2 --shard "$i/2" -o "s$i" >/dev/null)
    done
    (cd "$work/sha" && "$fdsim" merge s2 s1 -o out >/dev/null)
    check "autoscale: the run writes autoscale.csv" test -s "$work/onea/out/autoscale.csv"
    check "autoscale: merged shards are the single run, byte for byte" \
        diff -r "$work/onea/out" "$work/sha/out"
    # shards on different thread counts: only run.ini's -j and threads differ
    (cd "$work/sh" && "$fdsim" run "$scen" "${plain[@]}" -j 1 --shard 2/3 -o j1 >/dev/null)
    rm -rf "$work/sh/out"
    (cd "$work/sh" && "$fdsim" merge s1 j1 s3 -o out >/dev/null)
    check "a shard on -j 1 merges to the same CSV bytes" \
        diff -r -x run.ini "$work/one/out" "$work/sh/out"
    rm -rf "$work/sh/out" "$work/sh/j1"

    # refusals: exit 2, the shard named, nothing written
    refuse() { # refuse WHAT PATTERN SHARD...
        local what=$1 pat=$2
        shift 2
        local err rc=0
        err=$(cd "$work/sh" && "$fdsim" merge "$@" -o out 2>&1 >/dev/null) || rc=$?
        check "refuses $what (exit 2)" test "$rc" = 2
        check "refuses $what, saying: $pat" grep -q -- "$pat" <<<"$err"
        check "refuses $what, writing nothing" nothing_in "$work/sh"
    }
    refuse "a missing shard" "missing shard: replicas 96..191" s1 s3
    refuse "a missing last shard" "missing shard: replicas 192..299" s1 s2
    refuse "a duplicated shard" "shard s2: duplicated" s1 s2 s2 s3
    cp -r "$work/sh/s2" "$work/sh/again"
    refuse "a shard given under two names" "shard again: duplicated" s1 s2 again s3
    (cd "$work/sh" && "$fdsim" run "$scen" -n 300 --estimator plain --seed 8 --shard 2/3 -o seed8 >/dev/null)
    refuse "a shard of another seed" "shard seed8: foreign: its seed" s1 seed8 s3
    (cd "$work/sh" && "$fdsim" run "$scen" "${plain[@]}" --set group.flex-max.count=90 --shard 2/3 -o other >/dev/null)
    refuse "a shard of another scenario" "shard other: foreign: its scenario" s1 other s3
    (cd "$work/sh" && "$fdsim" run "$scen" "${plain[@]}" --shard 2/4 -o k4 >/dev/null)
    refuse "a shard of another split" "shard k4: foreign: its number of shards" s1 k4 s3
    cp -r "$work/sh/s2" "$work/sh/ver"
    sed -i 's/^version = .*/version = 0.0.1/' "$work/sh/ver/shard/shard.ini"
    refuse "a shard of another fdsim version" "shard ver: foreign: fdsim 0.0.1 wrote it" s1 ver s3
    for i in 1 3; do cp -r "$work/sh/s$i" "$work/sh/ver$i"; done
    for i in 1 3; do sed -i 's/^version = .*/version = 0.0.1/' "$work/sh/ver$i/shard/shard.ini"; done
    refuse "shards that agree on another fdsim version" "shard ver1: foreign: fdsim 0.0.1" \
        ver1 ver ver3
    cp -r "$work/sh/s2" "$work/sh/cut"
    truncate -s -100 "$work/sh/cut/replicas.csv"
    refuse "a shard with a cut replicas.csv" "shard cut: corrupt" s1 cut s3
    cp -r "$work/sh/s2" "$work/sh/mon"
    truncate -s -8 "$work/sh/mon/shard/records.bin"
    refuse "a shard with a cut records.bin" "shard mon: corrupt" s1 mon s3
    cp -r "$work/sh/s2" "$work/sh/ini"
    sed -i 's/^first = .*/first = banana/' "$work/sh/ini/shard/shard.ini"
    refuse "a shard with a garbled shard.ini" "shard ini: corrupt" s1 ini s3
    cp -r "$work/sh/s2" "$work/sh/node"
    sed -i '/^node /d' "$work/sh/node/shard/shard.ini"
    refuse "a shard without its sums" "shard node: corrupt" s1 node s3
    cp -r "$work/sh/s2" "$work/sh/row"
    # the same bytes, one row's replica number changed: only the replay sees it
    sed -i '3s/^96,/97,/' "$work/sh/row/replicas.csv"
    refuse "a shard whose rows are not its replicas" "shard row: corrupt" s1 row s3
    mkdir -p "$work/sh/empty"
    refuse "a directory that is no shard" "shard empty: not a shard" s1 empty s3
    rm -rf "$work/sh/empty"
    refuse "no shard at all" "no shard directories"
    # what run --shard refuses
    err=$("$fdsim" run "$scen" -n 300 --precision 0.1 --shard 2/3 -o "$work/p" 2>&1 >/dev/null)
    check "a shard of a precision-driven run is refused" grep -q "precision or time limit" <<<"$err"
    err=$("$fdsim" run "$scen" -n 32 --estimator plain --shard 1/3 -o "$work/p" 2>&1 >/dev/null)
    check "more shards than blocks are refused" grep -q "fewer than 3 shards" <<<"$err"
    err=$("$fdsim" run "$scen" -n 32 --shard 0/3 -o "$work/p" 2>&1 >/dev/null)
    check "--shard 0/3 is refused" grep -q "expected I/K" <<<"$err"
    err=$("$fdsim" run "$scen" -n 32 --shard 4294967297/4294967298 -o "$work/p" 2>&1 >/dev/null)
    check "--shard past 32 bits is refused, not wrapped" grep -q "expected I/K" <<<"$err"
    err=$("$fdsim" run "$scen" "${plain[@]}" --shard 1/3 --trace "$work/t.csv" -o "$work/p" 2>&1 >/dev/null)
    check "--shard with --trace is refused" grep -q "shard with --trace" <<<"$err"
    check "nothing written by refused shards" test ! -e "$work/p"
else
    export OMPI_MCA_rmaps_base_oversubscribe=1
    # shellcheck disable=SC2206
    mpi=($mpirun)
    # one process, then K ranks x -j threads, each into its own out/
    single "$work/one" "${plain[@]}" -j 2
    single "$work/oner" "${restart[@]}" -j 2
    # a precision that halts the run at its first look (512 root replicas of
    # 2000): rank 0 decides, the other ranks' extra replicas are dropped
    halt=(-n 2000 --estimator restart --precision 0.3 --seed 3)
    hscen="$root/scenarios/nseries-reboots.ini"
    mkdir -p "$work/oneh" && (cd "$work/oneh" && "$fdsim" run "$hscen" "${halt[@]}" -j 2 -o out >/dev/null)
    check "the halting run stops at its precision" grep -q "stopped by the precision" "$work/oneh/out/run.ini"
    mpirun_in() { # mpirun_in DIR K ARGS...: fdsim on K ranks in DIR
        local dir=$1 k=$2
        shift 2
        mkdir -p "$dir" && (cd "$dir" && timeout 300 "${mpi[@]}" -np "$k" "$fdsim" "$@" >/dev/null 2>"$dir/err")
    }
    for k in 1 2 3; do
        mpirun_in "$work/mp$k" "$k" run "$scen" "${plain[@]}" -j 2 -o out
        check "plain, $k ranks x 2 threads: the bytes of one process" diff -r "$work/one/out" "$work/mp$k/out"
        mpirun_in "$work/mr$k" "$k" run "$scen" "${restart[@]}" -j 2 -o out
        check "restart, $k ranks x 2 threads: the bytes of one process" diff -r "$work/oner/out" "$work/mr$k/out"
        mpirun_in "$work/mh$k" "$k" run "$hscen" "${halt[@]}" -j 2 -o out
        check "restart halted by its precision, $k ranks: the bytes of one process" \
            diff -r "$work/oneh/out" "$work/mh$k/out"
    done
    # -j with ranks: only run.ini's record of -j moves
    mpirun_in "$work/mj" 2 run "$scen" "${plain[@]}" -j 1 -o out
    check "plain, 2 ranks x 1 thread: the same CSV bytes" diff -r -x run.ini "$work/one/out" "$work/mj/out"
    # sweep: each point's replicas over the ranks
    vary=(--vary group.flex-fd3.count=90,100 -n 200 --estimator plain --seed 5 -j 2)
    mkdir -p "$work/sw" && (cd "$work/sw" && "$fdsim" sweep "$scen" "${vary[@]}" -o out >/dev/null)
    for k in 2 3; do
        mpirun_in "$work/sw$k" "$k" sweep "$scen" "${vary[@]}" -o out
        check "sweep, $k ranks: the bytes of one process" diff -r "$work/sw/out" "$work/sw$k/out"
    done
    varyr=(--vary group.flex-fd3.count=90,100 -n 96 --estimator restart --seed 5 -j 2)
    mkdir -p "$work/swr" && (cd "$work/swr" && "$fdsim" sweep "$scen" "${varyr[@]}" -o out >/dev/null)
    mpirun_in "$work/swr3" 3 sweep "$scen" "${varyr[@]}" -o out
    check "sweep with the restart estimator, 3 ranks: the bytes of one process" \
        diff -r "$work/swr/out" "$work/swr3/out"
    # shards on ranks merge as shards in one process do
    mkdir -p "$work/shm"
    for i in 1 2 3; do
        mpirun_in "$work/shm" 2 run "$scen" "${restart[@]}" -j 2 --shard "$i/3" -o "s$i"
    done
    (cd "$work/shm" && "$fdsim" merge s1 s2 s3 -o out >/dev/null)
    check "restart shards on 2 ranks each merge to the bytes of one process" \
        diff -r "$work/oner/out" "$work/shm/out"
    # a rank that cannot start: every rank stops, nothing written
    mkdir -p "$work/bad" && : >"$work/bad/out"
    rc=0
    (cd "$work/bad" && timeout 120 "${mpi[@]}" -np 2 "$fdsim" run "$scen" "${plain[@]}" -o out/x \
        >/dev/null 2>&1) || rc=$?
    check "an output that cannot be written fails every rank (no hang)" test "$rc" != 0 -a "$rc" != 124
fi
echo "$fails failed"
[ "$fails" = 0 ]
