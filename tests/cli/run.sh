#!/bin/sh
# Command-line behaviour of tflint: exit statuses, -o and -f/-o pairs, rule
# listings, stdin, directory order, escaping, SARIF validity, and the
# github, json and gitlab outputs checked by their validators. Run by ctest (cli_golden)
# with TFLINT set to the binary; TFL_SHARED_DIR, when set, locates the
# shared validators (default: ../shared beside the repository).
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

# --- Several reports: -f FORMAT -o FILE pairs ---------------------------------
expect "pairs" 0 "$TFLINT" -f sarif -o pair.sarif -f json -o pair.json -f github clean/Dockerfile
empty "pairs: github on stdout (clean)" "$tmp/out"
has "pairs: sarif written" pair.sarif '"results": []'
has "pairs: json written" pair.json '"version": 1'
has "pairs: json lists the file" pair.json '{"path": "clean/Dockerfile", "findings": []}'
expect "pair -o before -f" 0 "$TFLINT" -q -o late.sarif -f sarif clean/Dockerfile
has "pair -o before -f: sarif" late.sarif '"version": "2.1.0"'
empty "pair -o before -f: stdout" "$tmp/out"
expect "two reports on stdout" 2 "$TFLINT" -f json -f github clean/Dockerfile
has "two on stdout: message" "$tmp/err" "only one report can go to standard output"
empty "two on stdout: nothing written" "$tmp/out"
expect "one file twice" 2 "$TFLINT" -f json -o same.out -f gitlab -o same.out clean/Dockerfile
has "one file twice: message" "$tmp/err" "two reports written to 'same.out'"
if [ -e same.out ]; then fail "one file twice: same.out created"; else pass; fi
printf 'keep\n' >keep.json
expect "a failing -o leaves the other files" 2 "$TFLINT" -f json -o keep.json -f sarif -o nodir/x.sarif clean/Dockerfile
has "failing -o: old keep.json kept" keep.json "keep"
leftovers=$(ls | grep -c '\.tmp\.' || true)
if [ "$leftovers" -eq 0 ]; then pass; else fail "pairs: temporary file left"; fi
expect "--list-rules with two outputs" 2 "$TFLINT" --list-rules -f json -o a.json -f sarif -o b.sarif
for fmt in json github checkstyle gitlab codeclimate junit; do
    expect "format $fmt (unreadable input)" 2 "$TFLINT" -f "$fmt" clean/Dockerfile missing
done
has "junit unreadable: error" "$tmp/out" '<error message="cannot read &apos;missing&apos;'

# --- Findings and --dump=ast ------------------------------------------------------
printf 'FROM alpine:3.20\n' >probe
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
expect "directory" 1 "$TFLINT" --ignore TF200 tree
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
expect "github" 1 "$TFLINT" -f github bad hostile
has "github: command" "$tmp/out" "::error file=bad,line=1,endLine=1,col=1,"
has "github: rule summary" "$tmp/err" "tflint: TF100 parse-error: 2 findings, 2 annotated"
if grep -v -E '^(::(error|warning|notice) file=|tflint: )' "$tmp/out" | grep -q .; then
    fail "github: a line that is not tflint's"
else
    pass
fi
expect "github quiet" 1 "$TFLINT" -q -f github bad
empty "github quiet: stderr" "$tmp/err"
expect "sarif to a file, github to stdout" 1 "$TFLINT" -f sarif -o both.sarif -f github bad
has "both: annotation" "$tmp/out" "::error file=bad,"
has "both: sarif result" both.sarif '"ruleId": "TF100"'
checker=$shared/tools/check-gha-annotations.sh
if [ -x "$checker" ] && command -v node >/dev/null 2>&1; then
    "$TFLINT" -f github bad hostile tree >gha.out 2>/dev/null
    if "$checker" --strict gha.out >"$tmp/err" 2>&1; then pass; else
        cp "$tmp/err" "$tmp/out"
        fail "check-gha-annotations --strict"
    fi
else
    echo "SKIPPED: annotation check ($checker or node not found)"
fi
if command -v node >/dev/null 2>&1; then
    for fmt in json gitlab; do
        "$TFLINT" -f "$fmt" bad hostile tree missing >"$fmt.out" 2>/dev/null
        if node -e 'JSON.parse(require("fs").readFileSync(0))' <"$fmt.out" 2>"$tmp/err"; then
            pass
        else
            fail "$fmt output does not parse as JSON"
        fi
    done
else
    echo "SKIPPED: JSON parsing of json and gitlab output (node not found)"
fi
expect "sarif findings" 1 "$TFLINT" -f sarif bad
has "sarif findings: result" "$tmp/out" '"ruleId": "TF100", "ruleIndex": 0, "level": "error"'
has "sarif findings: uri" "$tmp/out" '"uri": "bad", "uriBaseId": "%SRCROOT%"'

# --- Configuration -----------------------------------------------------------
mkdir -p conf/.git conf/sub hconf
printf 'FROM ghcr.io/acme/app:1\nFRM x\n' >conf/sub/Dockerfile
printf 'failure-threshold: error\ntrusted-registries: [docker.io]\nignore: [TF111]\n' >conf/.tflint.yaml
expect "config: found in a parent" 1 sh -c 'cd conf/sub && exec "$0" -q Dockerfile' "$TFLINT"
has "config: TF112 from the file" "$tmp/out" "comes from registry 'ghcr.io'"
expect "config: --no-config" 1 sh -c 'cd conf/sub && exec "$0" -q --no-config Dockerfile' "$TFLINT"
lacks "config: --no-config: no TF112" "$tmp/out" "TF112"
expect "config: print" 0 sh -c 'cd conf/sub && exec "$0" --print-config' "$TFLINT"
has "config: print threshold" "$tmp/out" "failure-threshold: error"
has "config: print ignore" "$tmp/out" "  - 'TF111'"
has "config: print registries" "$tmp/out" "  - 'docker.io'"
empty "config: print stderr" "$tmp/err"
expect "config: env over file" 0 sh -c 'cd conf/sub && TFLINT_FAILURE_THRESHOLD=none exec "$0" --print-config' "$TFLINT"
has "config: env threshold" "$tmp/out" "failure-threshold: none"
expect "config: option over env" 0 sh -c 'cd conf/sub && TFLINT_FAILURE_THRESHOLD=none exec "$0" --failure-threshold=info --print-config' "$TFLINT"
has "config: option threshold" "$tmp/out" "failure-threshold: info"
expect "config: TFLINT_IGNORE" 0 env TFLINT_IGNORE=TF100,TF112 "$TFLINT" -q --config conf/.tflint.yaml conf/sub/Dockerfile
printf 'ignore: [TF111]\nignored: [x]\n' >broken.yaml
expect "config: broken" 2 "$TFLINT" --config broken.yaml clean/Dockerfile
has "config: broken message" "$tmp/err" "tflint: broken.yaml:2:1: unknown key 'ignored'"
empty "config: broken stdout" "$tmp/out"
printf 'secret-pattern: "(x"\n' >badre.yaml
expect "config: bad pattern" 2 "$TFLINT" --config badre.yaml clean/Dockerfile
has "config: bad pattern message" "$tmp/err" "badre.yaml:1:17: 'secret-pattern' is not a valid pattern: missing closing parenthesis at offset 2"
expect "config: TFLINT_CONFIG" 2 env TFLINT_CONFIG=broken.yaml "$TFLINT" clean/Dockerfile
expect "config: missing file" 2 "$TFLINT" --config nowhere.yaml clean/Dockerfile
has "config: missing message" "$tmp/err" "cannot read 'nowhere.yaml'"
expect "config: help despite a broken file" 0 env TFLINT_CONFIG=broken.yaml "$TFLINT" --help
expect "config: bad env" 2 env TFLINT_IGNORE=TF999 "$TFLINT" --no-config clean/Dockerfile
has "config: bad env message" "$tmp/err" "tflint: TFLINT_IGNORE: unknown rule 'TF999'"
expect "config: bad TFLINT_FORMAT" 2 env TFLINT_FORMAT=xml "$TFLINT" --no-config clean/Dockerfile
has "config: bad TFLINT_FORMAT message" "$tmp/err" "TFLINT_FORMAT: unknown format 'xml'"
expect "config: TFLINT_FORMAT" 0 env TFLINT_FORMAT=sarif "$TFLINT" -q --no-config clean/Dockerfile
has "config: TFLINT_FORMAT sarif" "$tmp/out" '"version": "2.1.0"'
printf 'ignored: [DL3026]\nlabel-schema: {a: text}\n' >hconf/.hadolint.yaml
printf 'FROM ghcr.io/acme/app:1\nUSER 10001:10001\n' >hconf/Dockerfile
expect "config: hadolint file" 0 sh -c 'cd hconf && TFLINT_TRUSTED_REGISTRIES=docker.io exec "$0" -q' "$TFLINT"
has "config: hadolint note" "$tmp/err" "tflint: note: "
has "config: hadolint note text" "$tmp/err" ".hadolint.yaml:2:1: hadolint key 'label-schema' has no tflint counterpart, skipped"
printf 'custom-rules:\n  - {id: ACME1, message: no curl, pattern: curl, instructions: [RUN]}\n' >custom.yaml
printf 'FROM alpine:3.20\nRUN curl -o /x https://example.com/x\nUSER 10001:10001\n' >custom.Dockerfile
expect "config: custom rule" 1 "$TFLINT" -q --config custom.yaml custom.Dockerfile
has "config: custom finding" "$tmp/out" "custom.Dockerfile:2:5: warning: no curl [ACME1]"
expect "config: custom listed" 0 "$TFLINT" --config custom.yaml --list-rules
has "config: custom in list" "$tmp/out" "ACME1"
expect "config: custom in sarif" 1 "$TFLINT" -q -f sarif --config custom.yaml custom.Dockerfile
has "config: custom sarif rule" "$tmp/out" '{"id": "ACME1", "name": "acme1"'
expect "config: custom ignored from the command line" 0 "$TFLINT" -q --config custom.yaml --ignore ACME1 custom.Dockerfile
# --target and --base-images (user rules).
printf 'FROM golang:1.22 AS build\nRUN go build .\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /go/app /app\n' >staged
expect "target: last stage by default" 0 "$TFLINT" staged
lacks "target: default" "$tmp/out" "[TF200]"
expect "target: build stage" 1 "$TFLINT" --target build staged
has "target: TF200 at the build stage" "$tmp/out" "staged:1:6: warning: "
expect "target: unknown stage" 2 "$TFLINT" --target nosuch staged
has "target: unknown stage named" "$tmp/err" "'staged' has no stage named 'nosuch'"
expect "target: empty" 2 "$TFLINT" --target "" staged
printf 'FROM mycorp/base:1\nCOPY app /app\n' >internal
printf 'image mycorp-base\n    match mycorp/base:*\n    default-user 10001\n' >facts.txt
printf 'image broken\n    frobnicate\n' >badfacts.txt
expect "base-images: unknown base" 1 "$TFLINT" internal
has "base-images: unknown base runs as root" "$tmp/out" "[TF200]"
expect "base-images: known non-root" 0 "$TFLINT" --base-images facts.txt internal
lacks "base-images: no TF200" "$tmp/out" "[TF200]"
expect "base-images: malformed" 2 "$TFLINT" --base-images badfacts.txt internal
has "base-images: file and line" "$tmp/err" "tflint: badfacts.txt:2: "
expect "base-images: missing" 2 "$TFLINT" --base-images nosuch.txt internal
has "base-images: missing named" "$tmp/err" "nosuch.txt"
expect "help lists --target" 0 "$TFLINT" --help
has "help: --target" "$tmp/out" "--target STAGE"
has "help: --base-images" "$tmp/out" "--base-images FILE"
# --- Build arguments and host accounts ---------------------------------------
printf 'FROM debian:12\nARG APP_UID\nRUN useradd -l -u "$APP_UID" app\nUSER $APP_UID\n' >ids
printf 'root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n' >passwd
printf 'alice:x:1000:\n' >group
expect "--build-arg missing" 1 "$TFLINT" ids
has "--build-arg missing: TF503" "$tmp/out" "ARG APP_UID has no default and no --build-arg gives it one"
expect "--build-arg given" 0 "$TFLINT" --build-arg APP_UID=10001 ids
empty "--build-arg given: no finding" "$tmp/out"
expect "--build-arg from environment" 0 env APP_UID=10002 "$TFLINT" --build-arg APP_UID ids
expect "--build-arg without name" 2 "$TFLINT" --build-arg =1 ids
expect "--host-passwd" 1 "$TFLINT" --build-arg APP_UID=1000 --host-passwd passwd --host-group group ids
has "--host-passwd: account named" "$tmp/out" "UID 1000 (--build-arg APP_UID) is below 10000: on a host without user-namespace remapping it is the host's account 'alice'"
printf 'alice:x:1000\n' >badpasswd
expect "--host-passwd bad line" 2 "$TFLINT" --host-passwd badpasswd ids
has "--host-passwd bad line: message" "$tmp/err" "tflint: badpasswd:1: expected 7 fields separated by ':', found 3"
expect "--host-group missing file" 2 "$TFLINT" --host-group missing ids
has "--host-group missing file: message" "$tmp/err" "tflint: cannot read 'missing': No such file or directory"

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
