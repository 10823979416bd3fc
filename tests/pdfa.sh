#!/usr/bin/env bash
# PDF/A checks of finished documents:  bash tests/pdfa.sh [--part 1|2] FILE...
#
# Each FILE must pass all of these:
#   qpdf      `qpdf --check`: no error and no warning;
#   pdffonts  every font row says yes for emb, sub and uni;
#   pdftotext the decoded text runs of `pdfa_check.py --text` are what `pdftotext -raw` extracts
#             (see text_matches below for how strict that is);
#   pdfa_check  tests/pdfa_check.py finds no problem (--part is passed on: by default each file
#             is checked against the part its XMP claims);
#   preflight for PDF/A-1 files, Apache PDFBox Preflight (Debian libpdfbox2-java) must call it
#             "a valid PDF/A-1b file". Preflight only knows PDF/A-1b; PDF/A-2 files rest on the
#             other checks.
#
# Output: one line per failed check, "FAIL FILE: CHECK: detail", then the closing line
# "pdfa: N passed, N failed" (counting files). Exit status 0 when every file passed, 1 when one
# failed, 2 on a usage error.
#
# Preflight runs once for all PDF/A-1 files: Validator_A1b's "batch" mode reads a list of files
# and validates them in one JVM (a JVM start costs about a second). It runs in the background
# while the other checks run. Its report names files by their last path component only, so it
# is given symlinks named by the files' index. PREFLIGHT_TIMEOUT (seconds, default 300) bounds
# one JVM run; if the JVM dies part way (an exception Preflight does not catch), the file it
# stopped on is failed and the files after it are validated again in a new JVM (bounded by the
# number of files).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3 # Debian's interpreter, which has python3-fonttools
CHECK="$HERE/pdfa_check.py"
TOOL_TIMEOUT=300
PREFLIGHT_TIMEOUT=${PREFLIGHT_TIMEOUT:-300}
JAVA_DIR=/usr/share/java
# preflight.jar needs PDFBox, FontBox, XmpBox, commons-logging, and (Java 11 and later no longer
# ship them) the JavaBeans Activation Framework and JAXB API.
PREFLIGHT_JARS="preflight pdfbox2 fontbox2 xmpbox commons-logging javax.activation jaxb-api"
PREFLIGHT_MAIN=org.apache.pdfbox.preflight.Validator_A1b
# A short-lived JVM starts faster with the client compiler and the serial collector.
JAVA_OPTS=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m -Djava.awt.headless=true)
MAX_LINES=8 # lines of detail printed for one file and check

usage() {
    echo "usage: bash tests/pdfa.sh [--part 1|2] FILE..." >&2
    exit 2
}

part_arg=()
case "${1:-}" in
--part)
    [ $# -ge 2 ] || usage
    part_arg=(--part "$2")
    shift 2
    ;;
--part=*)
    part_arg=(--part "${1#--part=}")
    shift
    ;;
esac
if [ ${#part_arg[@]} -gt 0 ] && [ "${part_arg[1]}" != 1 ] && [ "${part_arg[1]}" != 2 ]; then
    usage
fi
[ $# -gt 0 ] || usage
files=("$@")
n=${#files[@]}

T=$(mktemp -d)
pf_pid=
cleanup() {
    [ -n "$pf_pid" ] && kill -- "$pf_pid" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

failed=() # failed[i]=1 when file i failed some check

# bad I CHECK DETAIL-LINES: reports the lines of DETAIL (at most MAX_LINES) for file I
bad() {
    local i=$1 check=$2 detail=$3 count=0 line
    failed[i]=1
    while IFS= read -r line; do
        count=$((count + 1))
        [ $count -le $MAX_LINES ] && printf '%d\tFAIL %s: %s: %s\n' "$i" "${files[i]}" "$check" "$line"
    done <<<"$detail" >>"$T/fails"
    if [ $count -gt $MAX_LINES ]; then
        printf '%d\tFAIL %s: %s: … %d more\n' "$i" "${files[i]}" "$check" $((count - MAX_LINES)) \
            >>"$T/fails"
    fi
}

# ---- which files are PDF/A-1 (and so go to Preflight) ----
part=() # part[i]: 1, 2 or none
if [ ${#part_arg[@]} -gt 0 ]; then
    for ((i = 0; i < n; i++)); do part[i]=${part_arg[1]}; done
else
    # --show-part prints one line per file, in order ("FILE: N" when there are several)
    mapfile -t claims < <(timeout $TOOL_TIMEOUT "$PY" "$CHECK" --show-part "${files[@]}" 2>/dev/null)
    for ((i = 0; i < n; i++)); do
        c=${claims[i]:-none}
        part[i]=${c##*: }
    done
fi

# ---- Preflight, in the background ----
# preflight_start I...: validates the files of these indices in one JVM, writing $T/pf.out
preflight_start() {
    local i
    rm -rf "$T/pf" && mkdir "$T/pf"
    : >"$T/pf.list"
    for i in "$@"; do
        ln -s "$(realpath -- "${files[i]}")" "$T/pf/$i.pdf"
        echo "$T/pf/$i.pdf" >>"$T/pf.list"
    done
    (
        timeout -k 10 "$PREFLIGHT_TIMEOUT" java "${JAVA_OPTS[@]}" -cp "$classpath" \
            "$PREFLIGHT_MAIN" batch "$T/pf.list" >"$T/pf.out" 2>"$T/pf.err"
        echo $? >"$T/pf.rc"
    ) &
    pf_pid=$!
}

pf_files=()
preflight_ok=1
for ((i = 0; i < n; i++)); do
    [ "${part[i]}" = 1 ] && [ -f "${files[i]}" ] && pf_files+=("$i")
done
classpath=
if [ ${#pf_files[@]} -gt 0 ]; then
    if ! command -v java >/dev/null; then
        preflight_ok="java is not installed (Debian default-jre-headless)"
    fi
    for jar in $PREFLIGHT_JARS; do
        if [ ! -f "$JAVA_DIR/$jar.jar" ]; then
            preflight_ok="$JAVA_DIR/$jar.jar is missing (Debian libpdfbox2-java, libcommons-logging-java, libactivation-java, libjaxb-api-java)"
        fi
        classpath=${classpath:+$classpath:}$JAVA_DIR/$jar.jar
    done
    [ "$preflight_ok" = 1 ] && preflight_start "${pf_files[@]}"
fi

# ---- text_matches RUNS TEXT: the text runs against pdftotext -raw ----
# pdftotext -raw keeps the content stream's order, and joins the runs with a space, a newline or
# nothing, depending on where they are drawn. So, after collapsing every run of whitespace to one
# space, the runs must be found in pdftotext's text in order, with nothing but whitespace between
# and around them: pdftotext reads exactly the text that pdfa_check.py decodes. Not checked: where
# pdftotext breaks lines or puts spaces between runs (that is layout), and whitespace at the ends
# of a run.
text_matches() {
    "$PY" - "$1" "$2" <<'EOF'
import sys
runs = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
text = " ".join(open(sys.argv[2], encoding="utf-8", errors="replace").read().split())
problems, pos = [], 0
for run in runs:
    run = " ".join(run.split())
    if not run:
        continue
    at = text.find(run, pos)
    if at < 0:
        where = "out of content order in" if run in text else "missing from"
        problems.append("run %r is %s pdftotext's text" % (run, where))
        continue
    if text[pos:at].strip():
        problems.append("pdftotext has %r, which no run draws, before %r" % (text[pos:at], run))
    pos = at + len(run)
if text[pos:].strip():
    problems.append("pdftotext has %r, which no run draws, at the end" % text[pos:pos + 80])
print("\n".join(problems))
sys.exit(1 if problems else 0)
EOF
}

# ---- the checks of each file ----
for ((i = 0; i < n; i++)); do
    f=${files[i]}
    if [ ! -f "$f" ] || [ ! -r "$f" ]; then
        bad "$i" read "no such readable file"
        continue
    fi

    # qpdf --check: exit 0 (2 is an error, 3 a warning), and no warning in what it says
    out=$(timeout $TOOL_TIMEOUT qpdf --check "$f" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] || grep -qi warning <<<"$out" ||
        ! grep -q "No syntax or stream encoding errors found" <<<"$out"; then
        bad "$i" qpdf "$(grep -iE 'warning|error' <<<"$out" || echo "exit status $rc")"
    fi

    # pdffonts: the last columns of a row are emb sub uni object-number generation
    out=$(timeout $TOOL_TIMEOUT pdffonts "$f" 2>"$T/err")
    rc=$?
    if [ $rc -ne 0 ] || [ -s "$T/err" ]; then
        bad "$i" pdffonts "$(cat "$T/err"; echo "exit status $rc")"
    else
        rows=$(tail -n +3 <<<"$out")
        if [ -z "$rows" ]; then
            bad "$i" pdffonts "lists no font"
        else
            notyes=$(awk '$(NF-4) != "yes" || $(NF-3) != "yes" || $(NF-2) != "yes" {
                print $1 ": emb " $(NF-4) ", sub " $(NF-3) ", uni " $(NF-2) }' <<<"$rows")
            [ -n "$notyes" ] && bad "$i" pdffonts "$notyes"
        fi
    fi

    # pdfa_check.py: problems on standard error (with --text), the text runs on standard output
    timeout $TOOL_TIMEOUT "$PY" "$CHECK" "${part_arg[@]}" --text "$f" >"$T/runs" 2>"$T/problems"
    rc=$?
    if [ $rc -ne 0 ] || [ -s "$T/problems" ]; then
        # a problem line is "FILE: problem"; anything else (a traceback) is shown as it is
        detail=$(awk -v p="$f: " 'index($0, p) == 1 { print substr($0, length(p) + 1); next }
            { print }' "$T/problems")
        bad "$i" pdfa_check "${detail:-exit status $rc}"
    fi

    # pdftotext -raw against the runs
    if ! timeout $TOOL_TIMEOUT pdftotext -raw -enc UTF-8 "$f" "$T/text" 2>"$T/err" || [ -s "$T/err" ]; then
        bad "$i" pdftotext "$(cat "$T/err"; echo "pdftotext failed or complained")"
    elif ! out=$(text_matches "$T/runs" "$T/text"); then
        bad "$i" pdftotext "$out"
    fi
done

# ---- Preflight's verdicts ----
# preflight_verdicts: "I valid", "I invalid" and "I error TEXT" rows from $T/pf.out. An error
# is "CODE : details"; details may go on over more lines, which are joined to it.
preflight_verdicts() {
    awk '
        function flush() { if (err != "") print cur " error " err; err = "" }
        /^The file [0-9]+\.pdf is a valid PDF\/A-1b file$/ {
            flush(); f = $3; sub(/\.pdf$/, "", f); print f " valid"; cur = ""; next }
        /^The file [0-9]+\.pdf is not a valid PDF\/A-1b file, error\(s\) :$/ {
            flush(); f = $3; sub(/\.pdf$/, "", f); print f " invalid"; cur = f; next }
        /^$/ { flush(); cur = ""; next }
        cur != "" && /^[0-9]+(\.[0-9]+)* : / { flush(); err = $0; next }
        cur != "" { err = (err == "" ? $0 : err " " $0) }
        END { flush() }
    ' "$T/pf.out"
}

if [ ${#pf_files[@]} -gt 0 ] && [ "$preflight_ok" != 1 ]; then
    for i in "${pf_files[@]}"; do bad "$i" preflight "$preflight_ok"; done
elif [ ${#pf_files[@]} -gt 0 ]; then
    pending=("${pf_files[@]}")
    for ((round = 0; round < n && ${#pending[@]} > 0; round++)); do
        [ $round -gt 0 ] && preflight_start "${pending[@]}"
        wait "$pf_pid"
        pf_pid=
        rc=$(cat "$T/pf.rc" 2>/dev/null || echo "?")
        preflight_verdicts >"$T/verdicts"
        rest=()
        stopped=
        for i in "${pending[@]}"; do
            if grep -q "^$i valid$" "$T/verdicts"; then
                :
            elif grep -q "^$i invalid$" "$T/verdicts"; then
                # the distinct errors, each with how many times Preflight gave it
                errors=$(sed -n "s/^$i error //p" "$T/verdicts" | sort | uniq -c | sort -rn |
                    awk '{ c = $1; sub(/^ *[0-9]+ /, ""); print $0 (c > 1 ? " (" c " times)" : "") }')
                bad "$i" preflight "${errors:-not a valid PDF/A-1b file}"
            elif [ -z "$stopped" ]; then
                # the first file without a verdict is the one the JVM stopped on
                stopped=$i
                why=$(grep -E 'Exception|Error' "$T/pf.err" | head -n 3)
                [ "$rc" = 124 ] || [ "$rc" = 137 ] && why="timed out after ${PREFLIGHT_TIMEOUT} s"
                bad "$i" preflight "gave no verdict (Java exit status $rc)${why:+
$why}"
            else
                rest+=("$i")
            fi
        done
        pending=(${rest[@]+"${rest[@]}"})
    done
fi

# ---- summary: the failures file by file, then the counts ----
[ -f "$T/fails" ] && sort -s -n -k1,1 "$T/fails" | cut -f2-
nfail=0
for ((i = 0; i < n; i++)); do [ -n "${failed[i]:-}" ] && nfail=$((nfail + 1)); done
echo "pdfa: ${n} file(s): qpdf --check, pdffonts, pdftotext, pdfa_check.py${part_arg[*]:+ ${part_arg[*]}}, Preflight on ${#pf_files[@]}"
echo "pdfa: $((n - nfail)) passed, $nfail failed"
[ $nfail -eq 0 ]
