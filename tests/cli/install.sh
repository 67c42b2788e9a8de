#!/bin/sh
# tests/cli/install.sh CMAKE BUILD: `cmake --install` puts the binary, the
# man page and every rule page under the prefix, and the installed binary
# runs.
set -u
cmake=$1 build=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tflint-install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0

fail() {
    echo "FAIL: $1"
    bad=$((bad + 1))
}

"$cmake" --install "$build" --prefix "$tmp" >"$tmp.log" 2>&1 ||
    { cat "$tmp.log"; rm -f "$tmp.log"; echo "FAIL: cmake --install"; exit 1; }
rm -f "$tmp.log"
[ -x "$tmp/bin/tflint" ] || fail "no bin/tflint"
"$tmp/bin/tflint" --version >/dev/null 2>&1 || fail "bin/tflint does not run"
[ -s "$tmp/share/man/man1/tflint.1" ] || fail "no share/man/man1/tflint.1"
rules=$("$tmp/bin/tflint" --list-rules | awk 'NR > 1 { print $1 }')
[ -n "$rules" ] || fail "no rules listed"
for id in $rules; do
    [ -s "$tmp/share/doc/tflint/rules/$id.md" ] ||
        fail "no share/doc/tflint/rules/$id.md"
done
[ -s "$tmp/share/doc/tflint/rules/README.md" ] ||
    fail "no share/doc/tflint/rules/README.md"
[ "$bad" -eq 0 ] || exit 1
echo "installed: bin/tflint, man1/tflint.1, $(echo "$rules" | wc -l) rule pages"
