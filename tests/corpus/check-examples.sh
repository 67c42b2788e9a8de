#!/bin/sh
# check-examples.sh TFLINT DIR: golden test of the example Dockerfiles.
#
# For every DIR/X.Dockerfile, runs `TFLINT --color never X.Dockerfile` from
# inside DIR (so the report names the file as X.Dockerfile, wherever the
# checkout lives) and compares standard output with DIR/X.expected. The
# exit status must be 0 or 1: findings are the point of these files, but a
# usage error, an unreadable file or an internal error is a failure.
# scripts/update-goldens rewrites the .expected files after a deliberate
# change. Exits 0 when every example matches, 1 otherwise, 2 on bad usage.
set -u

if [ $# -ne 2 ]; then
    echo "usage: check-examples.sh TFLINT EXAMPLES_DIR" >&2
    exit 2
fi
tflint=$1
dir=$2
case $tflint in /*) ;; *) tflint=$(pwd)/$tflint ;; esac
if [ ! -x "$tflint" ]; then
    echo "check-examples: not executable: $tflint" >&2
    exit 2
fi
cd "$dir" || { echo "check-examples: no such directory: $dir" >&2; exit 2; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

checked=0
failed=0
for df in *.Dockerfile; do
    if [ ! -e "$df" ]; then
        echo "check-examples: no *.Dockerfile in $dir" >&2
        exit 1
    fi
    name=${df%.Dockerfile}
    checked=$((checked + 1))
    if [ ! -f "$name.expected" ]; then
        echo "FAIL $df: no $name.expected (run scripts/update-goldens)"
        failed=$((failed + 1))
        continue
    fi
    "$tflint" --color never "$df" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "FAIL $df: exit status $rc"
        sed 's/^/  stderr: /' "$tmp/err"
        failed=$((failed + 1))
        continue
    fi
    if ! diff -u "$name.expected" "$tmp/out" >"$tmp/diff"; then
        echo "FAIL $df: report differs from $name.expected:"
        cat "$tmp/diff"
        failed=$((failed + 1))
        continue
    fi
    echo "ok   $df"
done

echo "$((checked - failed))/$checked examples match their golden reports"
[ "$failed" -eq 0 ]
