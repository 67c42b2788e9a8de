#!/bin/sh
# Hostile and broken input: each case is linted together with a good file,
# and the test checks the message, the exit status, and that the good file's
# finding is still in the report (text, and SARIF that still parses). Run
# by ctest (cli_hostile) with TFLINT set to the binary. Cases that cannot
# be set up here (root reads a chmod 000 file; no tmpfs mount) say so and
# are skipped.
set -u

: "${TFLINT:?set TFLINT to the tflint binary}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tflint-hostile.XXXXXX") || exit 1
mnt=
cleanup() {
    if [ -n "$mnt" ]; then umount "$mnt" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
passed=0
failed=0
skipped=0

pass() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    printf 'FAIL: %s\n' "$1"
    if [ -s "$tmp/out" ]; then head -c 2000 "$tmp/out" | sed 's/^/  stdout: /' | head -10; fi
    if [ -s "$tmp/err" ]; then head -c 2000 "$tmp/err" | sed 's/^/  stderr: /' | head -10; fi
}
skip() {
    skipped=$((skipped + 1))
    printf 'skip: %s\n' "$1"
}

# run STATUS NAME ARGS...: tflint ARGS (stdout in $tmp/out, stderr in
# $tmp/err) must exit with STATUS.
run() {
    want=$1 name=$2
    shift 2
    "$TFLINT" --color never "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$want" ]; then pass; else fail "$name: exit $got, want $want"; fi
}
has() {
    if grep -F -q -e "$3" "$2"; then pass; else fail "$1: no '$3' in $(basename "$2")"; fi
}
lacks() {
    if grep -F -q -e "$3" "$2"; then fail "$1: unexpected '$3' in $(basename "$2")"; else pass; fi
}

good_msg="good:1:6: warning: image 'alpine' has no tag"
line_re='^[^[:space:]]+:[0-9]+:[0-9]+: (error|warning|info|style): '

# check NAME STATUS MESSAGE FILE...: lint FILE... and ./good (text, then
# SARIF); the status (good's warning makes it at least 1), MESSAGE on stdout or stderr (when not empty), the
# good file's finding in both reports, and SARIF that still parses.
check() {
    name=$1 want=$2 msg=$3
    shift 3
    run "$want" "$name" "$@" good
    cat "$tmp/out" "$tmp/err" >"$tmp/all"
    if [ -n "$msg" ]; then has "$name" "$tmp/all" "$msg"; fi
    has "$name: rest of the run" "$tmp/out" "$good_msg"
    lacks "$name: sanitizer" "$tmp/err" "runtime error"
    # Every line of the text report is led by PATH:LINE:COL: SEVERITY.
    if grep -Ev "$line_re" "$tmp/out" | grep -q .; then
        fail "$name: report line not led by a position: $(grep -Ev \
            "$line_re" "$tmp/out" | head -1)"
    else
        pass
    fi
    run "$want" "$name (sarif)" -f sarif "$@" good
    json_ok "$name (sarif)" "$tmp/out"
    has "$name (sarif): rest of the run" "$tmp/out" '"uri": "good"'
}

# json_ok NAME FILE: FILE parses as JSON (node when present).
json_ok() {
    if [ -z "$node" ]; then
        pass
    elif "$node" -e 'JSON.parse(require("fs").readFileSync(process.argv[1]))' \
        "$2" 2>"$tmp/json.err"; then
        pass
    else
        fail "$1: not JSON: $(head -3 "$tmp/json.err")"
    fi
}
node=$(command -v node || command -v nodejs || :)
[ -n "$node" ] || skip "JSON checks of SARIF: node not installed"

cd "$tmp" || exit 1
printf 'FROM alpine\n' >good

# --- Broken content ----------------------------------------------------------

: >empty
check "empty file" 1 "empty:1:1: error: file with no instructions" empty
printf '# a comment\n# syntax=docker/dockerfile:1\n\n#\n' >comments
check "only comments" 1 "file with no instructions" comments
printf '# syntax=docker/dockerfile:1\n# escape=`\n' >directives
check "only directives" 1 "file with no instructions" directives
printf 'RUN echo hi\nUSER app\n' >nofrom
check "no FROM" 1 "nofrom:1:1: error: no build stage in current context" nofrom
head -c 4096 /dev/zero >nul
check "NUL bytes" 1 "nul:1:1: error:" nul
# Fixed "random" bytes, so a failure can be reproduced.
awk 'BEGIN{srand(5); for(i=0;i<8192;i++) printf "%c", int(rand()*256)}' \
    >random 2>/dev/null
check "random binary" 1 "random:" random
printf 'FROM alpine:3.20\nRUN ech\377o hi\nUSER ap\300p\n' >badutf8-word
check "invalid UTF-8 in a word" 1 "" badutf8-word
printf 'FROM alpine:3.20\nCOPY --chown=a\377b:c . /\n' >badutf8-flag
check "invalid UTF-8 in a flag" 1 "" badutf8-flag
printf 'FROM alpine:3.20\nRUN <<EOF\necho \377\376\nEOF\n' >badutf8-heredoc
check "invalid UTF-8 in a heredoc" 1 "" badutf8-heredoc
printf '\377\376F\000R\000O\000M\000 \000a\000\n\000' >utf16le
check "UTF-16LE BOM" 1 \
    "utf16le:1:1: error: not UTF-8 (UTF-16 byte-order mark) [TF100]" utf16le
run 1 "UTF-16LE BOM (text)" utf16le
lacks "UTF-16LE BOM: one finding" "$tmp/out" "unknown instruction"
has "UTF-16LE BOM: one finding" "$tmp/err" "1 file, 1 finding (1 error)"
printf '\376\377\000F\000R\000O\000M' >utf16be
check "UTF-16BE BOM" 1 "not UTF-8 (UTF-16 byte-order mark)" utf16be
printf '\377\376\000\000F\000\000\000' >utf32le
check "UTF-32LE BOM" 1 "not UTF-8 (UTF-32 byte-order mark)" utf32le
printf '\000\000\376\377\000\000\000F' >utf32be
check "UTF-32BE BOM" 1 "not UTF-8 (UTF-32 byte-order mark)" utf32be
printf 'FROM alpine:3.20\rUSER app\rRUN x\r' >cr-only
check "CR-only line ends" 1 "cr-only:1:" cr-only

# --- Sizes and shapes --------------------------------------------------------

truncate -s 65M huge 2>/dev/null || dd if=/dev/zero of=huge bs=1M seek=65 \
    count=0 2>/dev/null
check "file over the size limit" 2 "cannot read 'huge': larger than 64 MiB" huge
awk 'BEGIN{printf "FROM alpine:3.20\nRUN echo "; for(i=0;i<65536;i++)
    printf "x"; print ""}' >long-line
check "65,536-byte line" 1 "" long-line
awk 'BEGIN{print "FROM alpine:3.20"; for(i=0;i<1000000;i++) print "# " i}' \
    >million
check "1,000,000 lines" 1 "" million
awk 'BEGIN{printf "FROM alpine:3.20\nRUN echo ";
    for(i=0;i<5000;i++) printf "$(\"${a:-"; for(i=0;i<5000;i++) printf "}\")";
    print ""; printf "ENV X=";
    for(i=0;i<5000;i++) printf "${a:-"; for(i=0;i<5000;i++) printf "}";
    print ""}' >nesting
check "deep nesting of \$( \${ and quotes" 1 "" nesting
awk 'BEGIN{print "FROM alpine:3.20"; for(i=0;i<200000;i++)
    print "RUN echo " i " padding padding padding";
    print "RUN <<EOF"; print "echo never closed"}' >unterminated
check "unterminated heredoc at the end of a 10 MB file" 1 "unterminated:" \
    unterminated

# --- Paths -------------------------------------------------------------------

check "path that does not exist" 2 \
    "cannot read 'missing': No such file or directory" missing
mkdir -p dir/Dockerfile
check "directory given as a file" 1 "" dir/Dockerfile
printf 'FROM alpine:3.20\n' >locked
chmod 000 locked
if [ -r locked ]; then
    skip "unreadable file: running as root, which reads a chmod 000 file"
else
    check "unreadable file" 2 "cannot read 'locked': Permission denied" locked
fi
chmod 644 locked
if mkfifo fifo 2>/dev/null; then
    check "FIFO" 2 "cannot read 'fifo': Not a regular file" fifo
else
    skip "FIFO: mkfifo failed"
fi
mkdir -p loop/sub
printf 'FROM alpine:3.20\nFRM x\n' >loop/sub/Dockerfile
ln -s . loop/sub/self
ln -s ../loop loop/sub/up
ln -s a loop/b && ln -s b loop/a
ln -s ../../good loop/sub/Dockerfile.outside
check "symbolic-link loop under a directory" 1 \
    "loop/sub/Dockerfile:2:1: error: unknown instruction: FRM" loop
lacks "links not followed while recursing" "$tmp/out" "Dockerfile.outside"
check "link given explicitly is read" 1 "loop/sub/Dockerfile.outside:1:6:" \
    loop/sub/Dockerfile.outside
"$TFLINT" --color never - good <&- >"$tmp/out" 2>"$tmp/err"
got=$?
if [ "$got" -eq 2 ]; then pass; else fail "standard input closed: exit $got, want 2"; fi
has "standard input closed" "$tmp/err" "cannot read standard input: Bad file descriptor"
has "standard input closed: rest of the run" "$tmp/out" "$good_msg"

# --- Output ------------------------------------------------------------------

run 2 "-o into a missing directory" -o nodir/report.txt good
has "-o into a missing directory" "$tmp/err" "cannot create 'nodir/report.txt.tmp."
if ls nodir 2>/dev/null | grep -q .; then fail "-o: file left"; else pass; fi
"$TFLINT" --color never good >/dev/full 2>"$tmp/err"
got=$?
if [ "$got" -eq 2 ]; then pass; else fail "stdout on a full disk: exit $got, want 2"; fi
has "stdout on a full disk" "$tmp/err" "No space left on device"
mnt=$tmp/full
mkdir -p "$mnt"
if mount -t tmpfs -o size=16k tmpfs "$mnt" 2>/dev/null; then
    awk 'BEGIN{for(i=0;i<3000;i++) print "FRM x"}' >many
    "$TFLINT" --color never -o "$mnt/report.txt" many good \
        >/dev/null 2>"$tmp/err"
    got=$?
    if [ "$got" -eq 2 ]; then pass; else fail "-o on a full disk: exit $got, want 2"; fi
    has "-o on a full disk" "$tmp/err" "No space left on device"
    if ls "$mnt" | grep -q .; then fail "-o on a full disk: file left: $(ls "$mnt")"; else pass; fi
else
    mnt=
    skip "-o on a full disk: cannot mount a small tmpfs here"
fi

# --- Output safety -----------------------------------------------------------

esc=$(printf '\033')
printf 'FROM alpine:3.20\nFR\033]0;pwned\007OM\033[2J x\nRUN\techo "\\\n::error file=x::smuggled\n</results>"\nFRM "}],"x":{"\\u0000\n\n::warning::FROM\n' >hostile
printf 'FROM alpine:3.20\r\n::error::crlf\r\nFRM \342\200\256evil\r\n' >hostile2
check "hostile content" 1 "hostile:2:1: error:" hostile hostile2
run 1 "hostile content (text)" hostile hostile2 good
lacks "no terminal escape in the text report" "$tmp/out" "$esc"
if grep -q '^::' "$tmp/out"; then fail "a report line starts with '::'"; else pass; fi
run 1 "hostile content (sarif)" -f sarif hostile hostile2 good
lacks "no terminal escape in SARIF" "$tmp/out" "$esc"

printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
