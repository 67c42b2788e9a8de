#!/bin/sh
# tests/cli/man-page.sh TFLINT MANPAGE: the man page keeps up with the
# binary. Every long option that `tflint --help` lists must be described in
# MANPAGE (written there as \-\-name), and its .TH line must carry the
# version that `tflint --version` prints.
set -u
tflint=$1 page=$2
bad=0

[ -f "$page" ] || { echo "FAIL: no $page"; exit 1; }
opts=$("$tflint" --help | grep -o -e '--[a-z][a-z-]*' | sort -u)
[ -n "$opts" ] || { echo "FAIL: no options in tflint --help"; exit 1; }
for o in $opts; do
    troff=$(printf '%s' "$o" | sed 's/-/\\-/g')
    if ! grep -F -q -e "$troff" "$page"; then
        echo "FAIL: $o is in tflint --help but not in $page"
        bad=$((bad + 1))
    fi
done
version=$("$tflint" --version | sed 's/^tflint //')
if ! grep -q "^\.TH TFLINT 1 .*\"tflint $version\"" "$page"; then
    echo "FAIL: the .TH line of $page does not name tflint $version"
    bad=$((bad + 1))
fi
[ "$bad" -eq 0 ] || exit 1
echo "man page: $(echo "$opts" | wc -l) options, version $version"
