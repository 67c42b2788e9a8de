#!/bin/sh
# Command-line behaviour of tflint: exit statuses, -o, rule listings, stdin,
# directory order, escaping, and SARIF validity. Run by ctest (cli_golden)
# with TFLINT set to the binary; TFL_SHARED_DIR, when set, locates the
# shared validators (default: ../shared beside the repository).
#
# Checks that need the real parser (findings, --dump=ast output) are skipped
# with a message while src/parser.c is the placeholder that yields an empty
# document.
set -u

: "${TFLINT:?set TFLINT to the tflint binary}"
here=$(cd "$(dirname "$0")" && pwd)
shared=${TFL_SHARED_DIR:-$here/../../../shared}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tflint-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    printf 'FAIL: %s\n' "$1"
    if [ -s "$tmp/out" ]; then sed 's/^/  stdout: /' "$tmp/out" | head -20; fi
    if [ -s "$tmp/err" ]; then sed 's/^/  stderr: /' "$tmp/err" | head -20; fi
}

# expect NAME STATUS COMMAND...: run it (stdout in $tmp/out, stderr in
# $tmp/err) and check its exit status.
expect() {
    name=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$want" ]; then pass; else fail "$name: exit $got, want $want"; fi
}

# has NAME FILE TEXT: FILE contains the fixed string TEXT.
has() {
    if grep -F -q -e "$3" "$2"; then pass; else fail "$1: no '$3' in $(basename "$2")"; fi
}
lacks() {
    if grep -F -q -e "$3" "$2"; then fail "$1: unexpected '$3' in $(basename "$2")"; else pass; fi
}
empty() {
    if [ -s "$2" ]; then fail "$1: $(basename "$2") not empty"; else pass; fi
}

cd "$tmp" || exit 1
mkdir clean tree tree/a tree/.git nodocker
printf 'FROM alpine:3.20\nUSER 10001:10001\n' >clean/Dockerfile
printf 'FRM alpine\n' >bad
printf 'FROM alpine:3.20\nFRM x\n' >tree/b.Dockerfile
printf 'FROM alpine:3.20\nFRM y\n' >tree/a/Dockerfile
printf 'FROM alpine:3.20\nFRM z\n' >tree/Dockerfile
printf 'FRM hidden\n' >tree/.git/Dockerfile
ln -s ../bad tree/Dockerfile.link
printf 'FROM alpine:3.20\nFR\033]0;pwned\007OM\033[2J x\n' >hostile

# --- Without findings -------------------------------------------------------
expect "clean file" 0 "$TFLINT" clean/Dockerfile
empty "clean file: stdout" "$tmp/out"
has "clean file: summary" "$tmp/err" "tflint: 1 file, no findings"
expect "quiet" 0 "$TFLINT" -q ./clean/Dockerfile
empty "quiet: stderr" "$tmp/err"
expect "default ./Dockerfile" 0 sh -c "cd clean && exec \"\$0\" -q" "$TFLINT"
expect "no path, no Dockerfile" 2 sh -c "cd nodocker && exec \"\$0\"" "$TFLINT"
has "no path: message" "$tmp/err" "no path given"

# --- Usage errors and unreadable inputs ---------------------------------------
expect "unreadable path" 2 "$TFLINT" missing clean/Dockerfile
has "unreadable: message" "$tmp/err" "tflint: cannot read 'missing': No such file or directory"
has "unreadable: others still linted" "$tmp/err" "1 file, 1 unreadable"
expect "directory given as a file is searched" 0 "$TFLINT" -q clean
expect "fifo refused" 2 sh -c 'mkfifo "$1/fifo" && exec "$0" "$1/fifo"' "$TFLINT" "$tmp"
has "fifo: message" "$tmp/err" "Not a regular file"
expect "bad option" 2 "$TFLINT" --bogus clean/Dockerfile
has "bad option: message" "$tmp/err" "unknown option '--bogus'"
has "bad option: hint" "$tmp/err" "Try 'tflint --help'"
expect "missing argument" 2 "$TFLINT" clean/Dockerfile --format
expect "unknown format" 2 "$TFLINT" --format xml clean/Dockerfile
expect "bad --color" 2 "$TFLINT" --color=sometimes clean/Dockerfile
expect "--ignore unknown" 2 "$TFLINT" --ignore unknown clean/Dockerfile
has "--ignore unknown: message" "$tmp/err" "unknown rule 'unknown'"
expect "--ignore by alias" 0 "$TFLINT" --ignore DL1000 --ignore parse-error clean/Dockerfile
expect "--severity bad level" 2 "$TFLINT" --severity TF100=fatal clean/Dockerfile
expect "--severity no =" 2 "$TFLINT" --severity TF100 clean/Dockerfile
expect "--severity unknown rule" 2 "$TFLINT" --severity=nope=error clean/Dockerfile
expect "--failure-threshold bad" 2 "$TFLINT" --failure-threshold fatal clean/Dockerfile
expect "--dump=other" 2 "$TFLINT" --dump=tokens clean/Dockerfile
expect "--dump=ast two files" 2 "$TFLINT" --dump=ast clean/Dockerfile bad

# --- Information ------------------------------------------------------------------
expect "--version" 0 "$TFLINT" --version
has "--version: text" "$tmp/out" "tflint "
expect "--help" 0 "$TFLINT" --help
for opt in --format -o --output --color --quiet --failure-threshold --ignore \
    --severity --stdin-filename --list-rules --explain --dump=ast --version \
    --help NO_COLOR Debugging "Exit status" "  0  " "  1  " "  2  " "  3  "; do
    has "--help lists $opt" "$tmp/out" "$opt"
done
expect "--list-rules" 0 "$TFLINT" --list-rules
has "--list-rules: header" "$tmp/out" "ID     NAME"
if grep -E -q '^TF100 +parse-error +error +DL1000 ' "$tmp/out"; then pass
else fail "--list-rules: no TF100 row in out"; fi
expect "--explain TF100" 0 "$TFLINT" --explain TF100
has "--explain: title" "$tmp/out" "TF100 parse-error: "
has "--explain: severity" "$tmp/out" "Severity: error (default)"
has "--explain: aliases" "$tmp/out" "Aliases:  DL1000"
has "--explain: failing example" "$tmp/out" "Fails:"
has "--explain: passing example" "$tmp/out" "Passes:"
expect "--explain by alias" 0 "$TFLINT" --explain dl1000
expect "--explain unknown" 2 "$TFLINT" --explain TF999
empty "--explain unknown: stdout" "$tmp/out"

# --- -o -----------------------------------------------------------------------
printf 'old report\n' >report.sarif
expect "-o" 0 "$TFLINT" -q -f sarif -o report.sarif clean/Dockerfile
empty "-o: stdout" "$tmp/out"
has "-o: report written" report.sarif '"results": []'
lacks "-o: old content replaced" report.sarif "old report"
leftovers=$(ls | grep -c 'report\.sarif\.tmp' || true)
if [ "$leftovers" -eq 0 ]; then pass; else fail "-o: temporary file left"; fi
expect "-o into a missing directory" 2 "$TFLINT" -o nodir/report.txt clean/Dockerfile
if [ -e nodir ]; then fail "-o: nodir created"; else pass; fi
expect "-o with --format=text" 0 "$TFLINT" --output=report.txt --color=always clean/Dockerfile
if [ -f report.txt ]; then pass; else fail "-o: report.txt missing"; fi

# --- SARIF -------------------------------------------------------------------------
expect "sarif clean" 0 "$TFLINT" --format sarif clean/Dockerfile
has "sarif clean: results" "$tmp/out" '"results": []'
has "sarif clean: success" "$tmp/out" '"executionSuccessful": true'
expect "sarif unreadable" 2 "$TFLINT" -f sarif clean/Dockerfile missing
has "sarif unreadable: notification" "$tmp/out" '"toolExecutionNotifications"'
has "sarif unreadable: failure" "$tmp/out" '"executionSuccessful": false'
has "sarif unreadable: exit code" "$tmp/out" '"exitCode": 2'
cp "$tmp/out" unreadable.sarif
"$TFLINT" -q -f sarif --failure-threshold none bad tree clean/Dockerfile >multi.sarif 2>/dev/null

validator=$shared/tools/validate-sarif.sh
if [ -x "$validator" ] && command -v node >/dev/null 2>&1; then
    for f in multi.sarif unreadable.sarif report.sarif; do
        if "$validator" --github "$f" >"$tmp/err" 2>&1; then pass; else
            cp "$tmp/err" "$tmp/out"
            fail "validate-sarif --github $f"
        fi
    done
else
    echo "SKIPPED: SARIF validation ($validator or node not found)"
fi

# --- With the parser: findings ---------------------------------------------------
printf 'FROM alpine:3.20\n' >probe
if [ -z "$("$TFLINT" --dump=ast probe 2>/dev/null)" ]; then
    echo "SKIPPED: checks that need findings (the parser is a placeholder)"
else
    expect "--dump=ast" 0 "$TFLINT" --dump=ast probe
    has "--dump=ast: output" "$tmp/out" '(from "alpine:3.20")'
    printf '# only a comment\n' >comments
    expect "--dump=ast parser fails" 1 "$TFLINT" --dump=ast comments
    expect "--dump=ast unreadable" 2 "$TFLINT" --dump=ast missing
    has "--dump=ast unreadable: message" "$tmp/err" "cannot read 'missing'"
    expect "findings" 1 "$TFLINT" bad
    has "findings: line" "$tmp/out" "bad:1:1: error: "
    has "findings: rule id" "$tmp/out" "[TF100]"
    has "findings: summary" "$tmp/err" "tflint: 1 file, 1 finding (1 error)"
    expect "threshold none" 0 "$TFLINT" --failure-threshold none bad
    has "threshold none: still reported" "$tmp/out" "[TF100]"
    expect "severity lowered below threshold" 0 "$TFLINT" --severity TF100=info bad
    has "severity lowered: shown as info" "$tmp/out" ": info: "
    expect "threshold style" 1 "$TFLINT" --severity TF100=style --failure-threshold style bad
    expect "ignored" 0 "$TFLINT" --ignore TF100 bad
    empty "ignored: stdout" "$tmp/out"
    expect "unreadable wins over findings" 2 "$TFLINT" bad missing
    expect "stdin" 1 sh -c 'exec "$0" --stdin-filename ./x/Dockerfile - <bad' "$TFLINT"
    has "stdin: name" "$tmp/out" "x/Dockerfile:1:1: error: "
    expect "stdin as -" 1 sh -c 'exec "$0" - <bad' "$TFLINT"
    has "stdin: dash" "$tmp/out" "-:1:1: error: "
    expect "directory" 1 "$TFLINT" tree
    printf 'tree/Dockerfile:2:1:\ntree/a/Dockerfile:2:1:\ntree/b.Dockerfile:2:1:\n' >want-order
    cut -d' ' -f1 "$tmp/out" >got-order
    if cmp -s want-order got-order; then pass; else fail "directory: order"; fi
    lacks "directory: .git skipped" "$tmp/out" "hidden"
    lacks "directory: link not followed" "$tmp/out" "Dockerfile.link"
    expect "explicit link" 1 "$TFLINT" tree/Dockerfile.link
    expect "hostile" 1 "$TFLINT" --color=always hostile
    # the only ESC bytes left are tflint's own colour codes
    esc=$(printf '\033')
    if sed "s/$esc\[[0-9;]*m//g" "$tmp/out" | grep -q "$esc"; then
        fail "hostile: raw escape in the report"
    else
        pass
    fi
    has "hostile: shown escaped" "$tmp/out" "^[]0;pwned^G"
    expect "colour never" 1 "$TFLINT" --color=never hostile
    if grep -q "$(printf '\033')" "$tmp/out"; then fail "colour never: ESC"; else pass; fi
    expect "NO_COLOR" 1 env NO_COLOR=1 "$TFLINT" --color=auto hostile
    if grep -q "$(printf '\033')" "$tmp/out"; then fail "NO_COLOR: ESC"; else pass; fi
    expect "sarif findings" 1 "$TFLINT" -f sarif bad
    has "sarif findings: result" "$tmp/out" '"ruleId": "TF100", "ruleIndex": 0, "level": "error"'
    has "sarif findings: uri" "$tmp/out" '"uri": "bad", "uriBaseId": "%SRCROOT%"'
fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
