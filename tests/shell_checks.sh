#!/usr/bin/env bash
# Checks of what a user meets outside the library: fdsim --version names the
# licence; the bash completion completes commands, options, --format values
# and scenario keys; the README's first command installs what .ci/run does
# and works both as root on a bare image (no sudo) and for a user with sudo.
# Usage: shell_checks.sh FDSIM SOURCE_ROOT
set -u
fdsim=$1
root=$2
fails=0
check() { # check WHAT COND...
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fails=$((fails + 1)); fi
}

# --version names the licence
v=$("$fdsim" --version)
check "--version names the version and the licence" grep -q "^fdsim [0-9].*" <<<"$v"
check "--version says MIT" grep -q "License: MIT" <<<"$v"
check "the LICENSE file is MIT" grep -q "^MIT License" "$root/LICENSE"
ver=$(head -1 <<<"$v" | cut -d' ' -f2)
check "the man page is fdsim(1) of version $ver" grep -q "^\.TH FDSIM 1 .*\"fdsim $ver\"" "$root/doc/fdsim.1"

# bash completion
# shellcheck source=/dev/null
source "$root/completion/fdsim.bash"
comp() { COMP_WORDS=("$fdsim" "$@"); COMP_CWORD=$#; COMPREPLY=(); _fdsim; echo "${COMPREPLY[*]}"; }
check "completes the commands" grep -qw import <<<"$(comp "")"
check "completes run's options" grep -q -- "--results-dir" <<<"$(comp run --res)"
check "completes --format for run" test "$(comp run --format "")" = "table json tsv"
check "completes --format for plot" test "$(comp plot --format "")" = "png svg both"
check "completes scenario keys after --set" grep -q "simulation.replicas=" <<<"$(comp run --set simulation.)"
check "completes a group's keys after --vary" grep -q "group.avset.count=" <<<"$(comp sweep --vary group.avset.c)"

# The README's first command, with apt-get, meson, ninja and the built
# fdsim stubbed: each records its arguments.
first=$(awk '/^```sh$/ { getline; print; exit }' "$root/README.md")
check "the README has a first command" test -n "$first"
for with_sudo in 0 1; do
    stubs=$(mktemp -d)
    work=$(mktemp -d)
    for p in apt-get meson ninja; do
        printf '#!/bin/sh\necho "%s $*" >> "%s/log"\n' "$p" "$stubs" > "$stubs/$p"
        chmod +x "$stubs/$p"
    done
    if [ $with_sudo = 1 ]; then
        printf '#!/bin/sh\necho "sudo $1" >> "%s/log"\nexec "$@"\n' "$stubs" > "$stubs/sudo"
        chmod +x "$stubs/sudo"
    fi
    mkdir -p "$work/build"
    printf '#!/bin/sh\necho "fdsim $*" >> "%s/log"\n' "$stubs" > "$work/build/fdsim"
    chmod +x "$work/build/fdsim"
    # PATH holds the stubs only: no sudo unless stubbed, as on a bare image
    (cd "$work" && env -i PATH="$stubs" /bin/sh -c "$first") > "$stubs/out" 2>&1
    rc=$?
    who=$([ $with_sudo = 1 ] && echo "a user with sudo" || echo "root without sudo")
    check "the first command runs for $who (rc $rc: $(tr '\n' ' ' < "$stubs/out"))" test $rc = 0
    check "it updates and installs with apt-get for $who" \
        grep -q "^apt-get install" "$stubs/log"
    if [ $with_sudo = 1 ]; then
        check "it uses sudo when there is one" grep -q "^sudo apt-get" "$stubs/log"
    else
        check "it needs no sudo as root" test "$(grep -c '^sudo' "$stubs/log")" = 0
    fi
    check "it builds and runs fdsim for $who" grep -q "^fdsim run" "$stubs/log"
    # every package .ci/run installs, the README installs too
    for pkg in $(sed -n '/apt-get install/,/dev.null/p' "$root/.ci/run" | tr ' \\' '\n\n' |
                 grep -E '^(lib|build|meson|ninja|pkg|python|gnuplot)'); do
        check "the README installs $pkg ($who)" grep -q " $pkg" "$stubs/log"
    done
    rm -rf "$stubs" "$work"
done

echo "$fails failed"
exit $((fails > 0))
