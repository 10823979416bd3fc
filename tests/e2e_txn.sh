#!/usr/bin/env bash
# End-to-end: the batch as one transaction (issue 8) — reruns, resubmissions, crashes,
# concurrent runs and bad entries in the drop folder, checked against the files on disk and
# the ledger. CTSBATCH names the binary to test (a build with the fault hooks for the
# injection sweeps: fault.h).
set -u
cd "$(dirname "$0")/.."
BIN=${CTSBATCH:-./ctsbatch}
# absolute, so that runs started from another folder (the fault sweeps) find it
case $BIN in */* | ./*) [ -x "$BIN" ] && BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")" ;; esac
DATA=tests/data
REPO=$PWD
T=$(mktemp -d)
MOUNTS=()
PIDS=()
cleanup() {
    for p in ${PIDS[@]+"${PIDS[@]}"}; do kill -9 "$p" 2>/dev/null; done
    for m in ${MOUNTS[@]+"${MOUNTS[@]}"}; do umount "$m" 2>/dev/null; done
    chattr -R -i "$T" 2>/dev/null
    chmod -R u+rwx "$T" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); [ -z "${E2E_VERBOSE:-}" ] || echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
skip() { echo "skipped: $*"; }

# As in real use: PDFs dated now, no fault injected unless a section says so.
unset SOURCE_DATE_EPOCH CTSBATCH_FAULT_KILL_AT CTSBATCH_FAULT_FAIL_AT CTSBATCH_FAULT_CRASH_IN \
    CTSBATCH_HOME
# A copy of the binary: a rebuild while the script runs (minutes) must not change or remove
# it under a run. The copy finds templates/, fonts/ and config/ through CTSBATCH_HOME.
if [ -f "$BIN" ] && [ -x "$BIN" ]; then
    cp "$BIN" "$T/ctsbatch"
    BIN=$T/ctsbatch
    export CTSBATCH_HOME=$REPO
fi
# A sanitizer report exits 86, not 1 (which is "some row rejected").
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=86"
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
START=$(date +%s)

STC=so-tai-chinh-tinh-an-giang/cap-moi
SNV=so-noi-vu-tinh-an-giang/cap-moi
TCG=so-tai-chinh-tinh-an-giang/gia-han
CAP_DOCS="$SNV/Mau01-vo-thi-my-duyen.pdf
$SNV/Mau02-so-noi-vu-tinh-an-giang.pdf
$STC/Mau01-nguyen-thi-anh-tuyet.pdf
$STC/Mau01-pham-thi-hong-ngoc.pdf
$STC/Mau02-so-tai-chinh-tinh-an-giang.pdf"
SAN='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:|SUMMARY: '

# ---- helpers ----

q() { sqlite3 "$1/ctsbatch.db" "$2" 2>&1; }
tables_of() { q "$1" "select group_concat(name, ' ') from (select name from sqlite_master where type = 'table' order by name)"; }
# The seven tables of issue 8 are there (others may be added).
has_tables() {
    local t have
    have=" $(tables_of "$1") "
    for t in runs rosters requests documents document_requests attempts notices; do
        case $have in *" $t "*) ;; *) return 1 ;; esac
    done
}
failed_attempts() { q "$1" "select count(*) from attempts where outcome in ('loi', 'sap')"; }
requests_of() { q "$1" "select count(*) from requests where procedure = '$2'"; }

# Notes a run that hung or tripped a sanitizer (checked once at the end).
note_run() { # LABEL RC ERRFILE
    [ "$2" -eq 124 ] && echo "$1: timed out (hang)" >>"$T/hangs.log"
    if [ "$2" -eq 86 ] || [ "$2" -eq 134 ] || grep -qE "$SAN" "$3" 2>/dev/null; then
        { echo "== $1 (rc $2)"; grep -E -A3 "$SAN" "$3" | head -20; } >>"$T/sanitizer.log"
    fi
}
# ctrun LABEL IN OUT [ARGS]: one run as the clerk's cron would start it, at most RUN_TIMEOUT
# seconds; its status in rc, its output in $T/LABEL.out and $T/LABEL.err.
ctrun() {
    local l=$1 in=$2 out=$3
    shift 3
    (timeout -k 5 "$RUN_TIMEOUT" $BIN run --in "$in" --out "$out" --as-of 2026-11-20 \
        --settle 0 "$@" >"$T/$l.out" 2>"$T/$l.err"
        exit $?) 2>/dev/null # a subshell that waits: the shell's "Killed" goes to /dev/null
    rc=$?
    note_run "$l" "$rc" "$T/$l.err"
    return 0
}
# The documents under OUT (the Mau*.pdf files, not the staging folder), sorted.
disk_docs() { (cd "$1" 2>/dev/null && find . -path ./.tmp -prune -o -type f -name 'Mau*.pdf' -print | sed 's|^\./||' | sort); }
# path and SHA-256 of every document on disk.
disk_sums() { (cd "$1" && disk_docs . | while read -r p; do echo "$p $(sha256sum <"$p" | cut -c1-64)"; done); }
# The manifest's files (column 1) and their SHA-256 (column 8); header dropped.
man_paths() { [ -f "$1/manifest.csv" ] && tail -n +2 "$1/manifest.csv" | tr -d '\r' | cut -d'"' -f2 | sort; }
man_sums() { [ -f "$1/manifest.csv" ] && tail -n +2 "$1/manifest.csv" | tr -d '\r' | awk -F'"' '{ print $2, $16 }'; }
# Every document exactly once: disk == ledger == manifest, with the same SHA-256 everywhere,
# and no "-2" copy (unless the second argument is "letters": an agency's later letter is
# rightly named -2). Prints what is wrong.
docs_once() {
    local out=$1 allow=${2:-} why=""
    [ -f "$out/ctsbatch.db" ] || { echo "  $out: no ledger"; return 1; }
    local disk ledger man
    disk=$(disk_docs "$out")
    ledger=$(q "$out" "select path from documents" | sort)
    man=$(man_paths "$out")
    [ "$disk" = "$ledger" ] || why="$why
  disk != ledger: $(diff <(echo "$disk") <(echo "$ledger") | grep '^[<>]' | head -5 | tr '\n' ' ')"
    [ "$disk" = "$man" ] || why="$why
  disk != manifest: $(diff <(echo "$disk") <(echo "$man") | grep '^[<>]' | head -5 | tr '\n' ' ')"
    local sums lsums msums
    sums=$(disk_sums "$out")
    lsums=$(q "$out" "select path || ' ' || sha256 from documents" | sort)
    msums=$(man_sums "$out" | sort)
    [ "$sums" = "$lsums" ] || why="$why
  SHA-256 on disk != ledger: $(diff <(echo "$sums") <(echo "$lsums") | grep '^[<>]' | head -4 | tr '\n' ' ')"
    [ "$sums" = "$msums" ] || why="$why
  SHA-256 on disk != manifest: $(diff <(echo "$sums") <(echo "$msums") | grep '^[<>]' | head -4 | tr '\n' ' ')"
    local copies
    copies=$(echo "$disk" | grep -E -- '-[0-9]+\.pdf$')
    [ "$allow" = letters ] && copies=$(echo "$copies" | grep -vE '/Mau(02|04|08|10|12|14)-')
    [ -z "$copies" ] || why="$why
  numbered copies: $(echo "$copies" | head -5 | tr '\n' ' ')"
    [ -z "$why" ] && return 0
    echo "  $out:$why"
    return 1
}
# The roster NAME is in IN/done/ exactly once, byte for byte ORIG, with its result beside it,
# and nowhere else.
roster_done() {
    local in=$1 name=$2 orig=$3 why=""
    cmp -s "$in/done/$name" "$orig" || why="$why done/$name missing or changed;"
    local copies
    copies=$(find "$in/done" -maxdepth 1 -type f -name "${name%.*}*" ! -name '*.ketqua.*' ! -name '*.loi.txt' 2>/dev/null |
        xargs -r -n1 basename | sort | tr '\n' ' ')
    [ "$copies" = "$name " ] || why="$why done/ holds: '$copies';"
    [ -s "$in/done/$name.ketqua.csv" ] || why="$why no $name.ketqua.csv;"
    pdfinfo "$in/done/$name.ketqua.pdf" >/dev/null 2>&1 || why="$why no whole $name.ketqua.pdf;"
    [ ! -e "$in/$name" ] || why="$why still in the drop folder;"
    [ -z "$(ls -A "$in/held" "$in/rejected" 2>/dev/null | grep -v ':$' | grep .)" ] || why="$why something in held/ or rejected/;"
    [ -z "$why" ] && return 0
    echo "  $in: $why"
    return 1
}
# Nothing left behind: no staged file, no temporary result, the ledger intact.
clean_ok() {
    local out=$1 in=$2 why=""
    [ -z "$(find "$out/.tmp" -mindepth 1 2>/dev/null)" ] || why="$why files left in OUT/.tmp: $(ls "$out/.tmp" | head -3 | tr '\n' ' ');"
    [ -z "$(find "$in" -name '.*.tmp-*' 2>/dev/null)" ] || why="$why temporaries in IN: $(find "$in" -name '.*.tmp-*' | head -3 | tr '\n' ' ');"
    local ic
    ic=$(q "$out" "pragma integrity_check")
    [ "$ic" = ok ] || why="$why integrity_check: $ic;"
    [ -z "$why" ] && return 0
    echo "  $out: $why"
    return 1
}
# Every PDF under the folders given is whole (pdfinfo reads it).
pdfs_whole() {
    local p badp=""
    while IFS= read -r p; do
        pdfinfo "$p" >/dev/null 2>&1 || badp="$badp $p"
    done < <(find "$@" -name '*.pdf' -type f 2>/dev/null)
    [ -z "$badp" ] && return 0
    echo "  partial PDF:$badp"
    return 1
}
# The ketqua.csv status column: how many rows say STATUS.
status_count() { tr -d '\r' <"$1" | awk -F'","' -v s="$2" 'NR > 1 && $5 == s { n++ } END { print n + 0 }'; }
# The first N (default 200) bytes of a file on one line, for a check's description.
first() { head -c "${2:-200}" "$1" 2>/dev/null | tr '\n' ' '; }
raw_text() { pdftotext -raw "$1" - 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g'; }

# gen_cap N MISSING: N cap-moi requests of Sở Tài chính, distinct people; the rows numbered
# (0-based, comma-separated) in MISSING have no so_cccd.
gen_cap() {
    awk -v n="$1" -v miss="$2" 'BEGIN {
        split("Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Mai", ho, " ");
        split("Văn Thị", dem, " ");
        split("Cường Châu Dũng Giang Hà Khoa Lan Minh Nam Phúc", ten, " ");
        k = split(miss, m, ","); for (j = 1; j <= k; j++) skip[m[j]] = 1;
        print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,ngay_sinh,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,xac_nhan_thu_truong,ghi_chu";
        for (i = 0; i < n; i++)
            printf "cap-moi,ca-nhan,Sở Tài chính tỉnh An Giang,%s %s %s,14/03/1985,%s,Chuyên viên,Văn phòng Sở,cv%03d@angiang.gov.vn,0913 456 %03d,có,\n", \
                ho[1 + i % 15], dem[1 + int(i / 15) % 2], ten[1 + i % 10], \
                (i in skip) ? "" : sprintf("0891850%05d", i), i, i;
    }'
}
# gen_renew N [FIRST]: N gia-han requests (as the 300-row roster of tests/e2e.sh).
gen_renew() {
    awk -v n="$1" -v first="${2:-0}" 'BEGIN {
        split("Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Mai", ho, " ");
        split("Thị Văn Hữu Ngọc Minh Thanh Quốc Thu Mỹ Đức", dem, " ");
        split("An Cường Châu Dũng Giang Hà Khoa Lan", ten, " ");
        print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,email,dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong";
        for (i = first; i < first + n; i++)
            printf "gia-han,ca-nhan,Sở Tài chính tỉnh An Giang,%s %s %s,0891%08d,Chuyên viên,cb%03d@angiang.gov.vn,0913%06d,54010101%08X,15/03/2027,0,có\n", \
                ho[1 + i % 15], dem[1 + int(i / 15) % 10], ten[1 + int(i / 150)], i, i, i, i;
    }'
}
names_of() { tail -n +2 "$1" | cut -d, -f4; }

# ==== 1. resubmission: only the corrected rows are issued, nothing twice ====
S=$T/s1
mkdir -p "$S/in"
gen_cap 30 4,13,22 >"$T/cap30-bad.csv"
gen_cap 30 "" >"$T/cap30-fixed.csv"
cp "$T/cap30-bad.csv" "$S/in/cap-moi-30.csv"
ctrun s1a "$S/in" "$S/out"
check "resubmission: first run exits 1 (3 rows rejected; got $rc)" '[ $rc -eq 1 ]'
check "resubmission: first run makes 27 Mẫu 01 and one Mẫu 02" \
    '[ "$(disk_docs "$S/out" | grep -c /Mau01-)" -eq 27 ] && [ "$(disk_docs "$S/out" | grep -c /Mau02-)" -eq 1 ]'
check "resubmission: first run's ketqua rejects the 3 rows without CCCD" \
    '[ "$(status_count "$S/in/done/cap-moi-30.csv.ketqua.csv" "Bị từ chối")" -eq 3 ] && [ "$(status_count "$S/in/done/cap-moi-30.csv.ketqua.csv" "Hợp lệ")" -eq 27 ]'
before=$(disk_docs "$S/out")
cp "$T/cap30-fixed.csv" "$S/in/cap-moi-30.csv"
ctrun s1b "$S/in" "$S/out"
check "resubmission: second run exits 0 (got $rc)" '[ $rc -eq 0 ]'
new=$(comm -13 <(echo "$before") <(disk_docs "$S/out"))
fixed_names=$(names_of "$T/cap30-fixed.csv" | sed -n '5p;14p;23p')
check "resubmission: exactly 3 new Mẫu 01 and one new Mẫu 02 (new: $(echo $new))" \
    '[ "$(echo "$new" | grep -c /Mau01-)" -eq 3 ] && [ "$(echo "$new" | grep -c /Mau02-)" -eq 1 ] && [ "$(echo "$new" | wc -l)" -eq 4 ]'
newforms_ok=1
while IFS= read -r n; do
    hit=0
    for f in $(echo "$new" | grep /Mau01-); do raw_text "$S/out/$f" | grep -qF -- "$n" && hit=$((hit + 1)); done
    [ $hit -eq 1 ] || { newforms_ok=0; echo "  $n is in $hit of the new Mẫu 01"; }
done <<<"$fixed_names"
check "resubmission: the 3 new Mẫu 01 are those of the corrected rows" '[ $newforms_ok -eq 1 ]'
m02=$S/out/$(echo "$new" | grep /Mau02-)
m02text=$(raw_text "$m02")
letter_ok=1
while IFS= read -r n; do
    c=$(echo " $m02text " | grep -oF -- " $n " | wc -l)
    if echo "$fixed_names" | grep -qxF -- "$n"; then want=1; else want=0; fi
    [ "$c" -eq $want ] || { letter_ok=0; echo "  new Mẫu 02: \"$n\" $c times (want $want)"; }
done < <(names_of "$T/cap30-fixed.csv")
check "resubmission: the new Mẫu 02 lists the 3 corrected names and none of the 27 others" '[ $letter_ok -eq 1 ]'
check "resubmission: no Mẫu 01 issued again under a -N name" '[ -z "$(disk_docs "$S/out" | grep -E "/Mau01-.*-[0-9]+\.pdf$")" ]'
kq=$S/in/done/cap-moi-30.2.csv.ketqua.csv
check "resubmission: second ketqua: 27 'Đã lập trước', 3 'Hợp lệ', none rejected" \
    '[ "$(status_count "$kq" "Đã lập trước")" -eq 27 ] && [ "$(status_count "$kq" "Hợp lệ")" -eq 3 ] && [ "$(status_count "$kq" "Bị từ chối")" -eq 0 ]'
dalap_ok=1
while IFS= read -r line; do
    f=$(echo "$line" | grep -oE '\(tệp Mau01-[a-z-]+\.pdf\)' | sed 's/^(tệp //; s/)$//')
    echo "$line" | grep -qF "[da-lap] Yêu cầu này đã được lập ngày 20/11/2026 (tệp Mau01-" &&
        [ -n "$f" ] && [ -f "$S/out/$STC/$f" ] || { dalap_ok=0; echo "  $line"; }
done < <(grep -F '"Đã lập trước"' "$kq" 2>/dev/null)
check "resubmission: each 'Đã lập trước' row names its date and its existing Mẫu 01" '[ $dalap_ok -eq 1 ]'
check "resubmission: both drops in done/ (cap-moi-30.csv, cap-moi-30.2.csv), unchanged" \
    'cmp -s "$S/in/done/cap-moi-30.csv" "$T/cap30-bad.csv" && cmp -s "$S/in/done/cap-moi-30.2.csv" "$T/cap30-fixed.csv"'
check "resubmission: every document once (disk == ledger == manifest, SHA-256 agree)" 'docs_once "$S/out" letters'
check "resubmission: disk 32 documents == ledger count == manifest lines - 1" \
    '[ "$(disk_docs "$S/out" | wc -l)" -eq 32 ] && [ "$(q "$S/out" "select count(*) from documents")" -eq 32 ] && [ $(($(wc -l <"$S/out/manifest.csv") - 1)) -eq 32 ]'
new02=$(echo "$new" | grep /Mau02-)
links=$(q "$S/out" "select count(*) from document_requests dr join documents d on d.id = dr.document where d.path = '$new02'")
check "resubmission: ledger: 30 requests, the new Mẫu 02 carries 3 (got $links)" \
    '[ "$(q "$S/out" "select count(*) from requests")" -eq 30 ] && [ "$links" -eq 3 ]'
check "resubmission: ledger schema version 5 (issue 12: the register, confirmed renewals' new expiry) with its seven tables" \
    '[ "$(q "$S/out" "pragma user_version")" = 5 ] && has_tables "$S/out"'
check "resubmission: run reports in OUT/runs/000001 and 000002, OUT/report.* the latest" \
    'for r in 000001 000002; do [ -s "$S/out/runs/$r/report.csv" ] && pdfinfo "$S/out/runs/$r/report.pdf" >/dev/null 2>&1 || exit 1; done && cmp -s "$S/out/report.csv" "$S/out/runs/000002/report.csv"'
check "resubmission: nothing left behind, ledger intact" 'clean_ok "$S/out" "$S/in"'

# ==== 2. the same bytes dropped again, and `make run` twice ====
S=$T/s2
mkdir -p "$S/in"
cp $DATA/e2e_cap_moi.csv "$S/in/"
ctrun s2a "$S/in" "$S/out"
check "re-drop: first run exits 1 (got $rc)" '[ $rc -eq 1 ]'
check "re-drop: first run makes the 5 planned documents" '[ "$(disk_docs "$S/out")" = "$CAP_DOCS" ]'
sums1=$(disk_sums "$S/out")
cp "$S/out/manifest.csv" "$T/s2-manifest.csv"
cp $DATA/e2e_cap_moi.csv "$S/in/"
ctrun s2b "$S/in" "$S/out"
check "re-drop: second run exits 1 (the rejected row again; got $rc)" '[ $rc -eq 1 ]'
check "re-drop: nothing new issued, same files, same SHA-256" '[ "$(disk_sums "$S/out")" = "$sums1" ]'
check "re-drop: manifest unchanged, ledger still 5 documents and 3 requests" \
    'cmp -s "$S/out/manifest.csv" "$T/s2-manifest.csv" && [ "$(q "$S/out" "select count(*) from documents")" -eq 5 ] && [ "$(q "$S/out" "select count(*) from requests")" -eq 3 ]'
check "re-drop: second copy in done/ as e2e_cap_moi.2.csv, unchanged, with its ketqua" \
    'cmp -s "$S/in/done/e2e_cap_moi.2.csv" $DATA/e2e_cap_moi.csv && [ -s "$S/in/done/e2e_cap_moi.2.csv.ketqua.csv" ] && pdfinfo "$S/in/done/e2e_cap_moi.2.csv.ketqua.pdf" >/dev/null 2>&1'
check "re-drop: its ketqua: 3 'Đã lập trước', 1 rejected" \
    '[ "$(status_count "$S/in/done/e2e_cap_moi.2.csv.ketqua.csv" "Đã lập trước")" -eq 3 ] && [ "$(status_count "$S/in/done/e2e_cap_moi.2.csv.ketqua.csv" "Bị từ chối")" -eq 1 ]'
check "re-drop: the first ketqua is still the first run's (3 'Hợp lệ')" \
    '[ "$(status_count "$S/in/done/e2e_cap_moi.csv.ketqua.csv" "Hợp lệ")" -eq 3 ]'
check "re-drop: every document once" 'docs_once "$S/out"'

S=$T/s2m # as `make run`: cp -p inputs/samples/* inputs/ && ctsbatch run, twice
mkdir -p "$S/in"
cp -rp inputs/samples "$S/samples"
cp -p "$S"/samples/* "$S/in/"
ctrun s2m1 "$S/in" "$S/out"
check "make run: first run exits 0 or 1 (got $rc)" '[ $rc -le 1 ]'
check "make run: first run makes documents" '[ "$(disk_docs "$S/out" | wc -l)" -gt 0 ]'
sums1=$(disk_sums "$S/out")
cp -p "$S"/samples/* "$S/in/"
ctrun s2m2 "$S/in" "$S/out"
check "make run: second run exits 0 or 1 (got $rc)" '[ $rc -le 1 ]'
check "make run: second run issues nothing (same files, same SHA-256)" '[ "$(disk_sums "$S/out")" = "$sums1" ]'
mr_ok=1
for f in "$S"/samples/*; do
    b=$(basename "$f")
    stem=${b%.*} ext=${b##*.}
    for d in "$b" "$stem.2.$ext"; do
        cmp -s "$S/in/done/$d" "$f" && [ -s "$S/in/done/$d.ketqua.csv" ] || { mr_ok=0; echo "  done/$d missing, changed or without ketqua"; }
    done
done
check "make run: each sample in done/ twice (NAME and NAME.2.ext), unchanged, with its ketqua" '[ $mr_ok -eq 1 ]'
check "make run: drop folder empty after each run" '[ -z "$(find "$S/in" -maxdepth 1 -type f)" ]'
check "make run: every document once" 'docs_once "$S/out"'

# ==== 3. concurrent runs: one at a time per ledger ====
S=$T/s3
mkdir -p "$S/in" "$S/in2"
gen_renew 300 >"$T/renew300.csv"
cp "$T/renew300.csv" "$S/in/gia-han-300.csv"
cp $DATA/e2e_cap_moi.csv "$S/in2/"
# each document waits 30 ms (a test-build hook): the run lasts ~10 s however fast the engine
(export CTSBATCH_FAULT_SLOW_MS=30
    exec timeout -k 5 "$RUN_TIMEOUT" $BIN run --in "$S/in" --out "$S/out" --as-of 2026-11-20 --settle 0 \
    >"$T/s3first.out" 2>"$T/s3first.err") 2>/dev/null &
p1=$!
PIDS+=("$p1")
# the first run holds the ledger once it stages documents
for _ in $(seq 1 600); do
    [ -n "$(ls -A "$S/out/.tmp" 2>/dev/null)" ] && break
    sleep 0.05
done
sleep 0.3
check "concurrent: the first run is still running when the second starts" 'kill -0 $p1 2>/dev/null'
t0=$(date +%s%N)
ctrun s3busy "$S/in2" "$S/out"
busy_rc=$rc
busy_ms=$((($(date +%s%N) - t0) / 1000000))
check "concurrent: second run exits 4 while the first holds the ledger (got $busy_rc)" '[ $busy_rc -eq 4 ]'
check "concurrent: it returns at once (${busy_ms} ms)" '[ $busy_ms -lt 5000 ]'
check "concurrent: a one-line message on stderr, nothing on stdout ($(first "$T/s3busy.err" 300))" \
    '[ "$(wc -l <"$T/s3busy.err")" -eq 1 ] && grep -qi "another run" "$T/s3busy.err" && [ ! -s "$T/s3busy.out" ]'
check "concurrent: its roster untouched in its drop folder, no done/" \
    'cmp -s "$S/in2/e2e_cap_moi.csv" $DATA/e2e_cap_moi.csv && [ "$(ls -A "$S/in2")" = e2e_cap_moi.csv ]'
check "concurrent: none of its documents made" '[ -z "$(find "$S/out" -path "*/cap-moi/*")" ]'
check "concurrent: the first run was not disturbed (still running)" 'kill -0 $p1 2>/dev/null'
# the same roster dropped again under another name, for a run that waits its turn
cp "$T/renew300.csv" "$S/in/gia-han-300-lan-2.csv"
(export CTSBATCH_FAULT_SLOW_MS=30
    exec timeout -k 5 "$RUN_TIMEOUT" $BIN run --in "$S/in" --out "$S/out" --as-of 2026-11-20 --settle 0 \
    --wait 600 >"$T/s3wait.out" 2>"$T/s3wait.err") 2>/dev/null &
p2=$!
PIDS+=("$p2")
sleep 1
check "concurrent: --wait 600 waits while the first runs" 'kill -0 $p2 2>/dev/null && kill -0 $p1 2>/dev/null'
wait $p1 2>/dev/null
rc1=$?
wait $p2 2>/dev/null
rc2=$?
note_run s3first $rc1 "$T/s3first.err"
note_run s3wait $rc2 "$T/s3wait.err"
check "concurrent: first run exits 0 (got $rc1)" '[ $rc1 -eq 0 ]'
check "concurrent: waiting run exits 0 (got $rc2; $(first "$T/s3wait.err" 200))" '[ $rc2 -eq 0 ]'
check "concurrent: the waiting run started after the first finished (ledger runs)" \
    '[ "$(q "$S/out" "select count(*) from runs")" -eq 2 ] && [ "$(q "$S/out" "select (select started from runs where id = 2) >= (select finished from runs where id = 1)")" = 1 ]'
check "concurrent: the waiting run finds nothing new: 300 'Đã lập trước', no document" \
    '[ "$(status_count "$S/in/done/gia-han-300-lan-2.csv.ketqua.csv" "Đã lập trước")" -eq 300 ] && grep -qF " 0 document(s)" "$T/s3wait.out"'
check "concurrent: 300 Mẫu 07 and one Mẫu 08" \
    '[ "$(disk_docs "$S/out" | grep -c "^$TCG/Mau07-")" -eq 300 ] && [ "$(disk_docs "$S/out" | grep -c "^$TCG/Mau08-")" -eq 1 ]'
check "concurrent: every document once" 'docs_once "$S/out"'
check "concurrent: both rosters in done/, unchanged" \
    'cmp -s "$S/in/done/gia-han-300.csv" "$T/renew300.csv" && cmp -s "$S/in/done/gia-han-300-lan-2.csv" "$T/renew300.csv"'
check "concurrent: nothing left behind" 'clean_ok "$S/out" "$S/in"'

# ==== 4. kill -9, six times, then a run to completion ====
S=$T/s4
mkdir -p "$S/in"
cp "$T/renew300.csv" "$S/in/gia-han-300.csv"
kills=0
for delay in 0.2 0.7 1.3 2.0 0.5 committed; do
    (export CTSBATCH_FAULT_SLOW_MS=10
        exec $BIN run --in "$S/in" --out "$S/out" --as-of 2026-11-20 --settle 0 >"$T/s4k.out" 2>"$T/s4k.err") 2>/dev/null &
    pk=$!
    PIDS+=("$pk")
    if [ "$delay" = committed ]; then # just after the commit: documents placed, results written
        for _ in $(seq 1 6000); do
            [ -d "$S/out/$TCG" ] && break
            kill -0 $pk 2>/dev/null || break
            sleep 0.01
        done
    else
        sleep "$delay"
    fi
    if kill -0 $pk 2>/dev/null; then
        kill -9 $pk
        kills=$((kills + 1))
    fi
    wait $pk 2>/dev/null
    note_run "s4-kill-$delay" 0 "$T/s4k.err"
done
check "kill -9: the run was killed 6 times (killed $kills)" '[ $kills -eq 6 ]'
ctrun s4final "$S/in" "$S/out"
check "kill -9: the run after the kills exits 0 (got $rc; $(first "$T/s4final.err" 300))" '[ $rc -eq 0 ]'
check "kill -9: 300 Mẫu 07 and one Mẫu 08, nothing else" \
    '[ "$(disk_docs "$S/out" | grep -c "^$TCG/Mau07-")" -eq 300 ] && [ "$(disk_docs "$S/out" | grep -c "^$TCG/Mau08-")" -eq 1 ] && [ "$(disk_docs "$S/out" | wc -l)" -eq 301 ]'
check "kill -9: every document once (disk == ledger == manifest, SHA-256 agree, no -N copy)" 'docs_once "$S/out"'
check "kill -9: roster in done/ exactly once, byte-identical, with its ketqua" 'roster_done "$S/in" gia-han-300.csv "$T/renew300.csv"'
check "kill -9: not held (a killed run is not a failed attempt)" '[ ! -e "$S/in/held/gia-han-300.csv" ]'
check "kill -9: no attempt counted as failed or crashed" \
    '[ "$(failed_attempts "$S/out")" -eq 0 ]'
check "kill -9: nothing in OUT/.tmp, no temporary in done/, integrity_check ok" 'clean_ok "$S/out" "$S/in"'
check "kill -9: every PDF whole" 'pdfs_whole "$S/out" "$S/in/done"'

# ==== 5. fault sweeps: killed or failing at every file operation ====
sweep_dir() { printf '%s/%s/%04d' "$T/sw" "$1" "$2"; } # same depth for every N: same operations
# one run in DIR (relative paths, fewer folder operations); status in rc
sweep_run() {
    local d=$1 l=$2
    shift 2
    (cd "$d" && env "$@" timeout -k 5 "$RUN_TIMEOUT" $BIN run --in in --out out --as-of 2026-11-20 \
        --settle 0 >"$d/$l.out" 2>"$d/$l.err"
        exit $?) 2>/dev/null
    rc=$?
}
sweep_prepare() {
    mkdir -p "$1/in"
    cp $DATA/e2e_cap_moi.csv "$1/in/"
}
# After the faulty run and a normal one: everything once, the roster in done/ once.
sweep_after() { # DIR LABEL N
    local d=$1 n=$3 places=0
    # right after the faulty run the roster is somewhere, and after a failure in one place only
    [ -f "$d/in/e2e_cap_moi.csv" ] && places=$((places + 1))
    [ -f "$d/in/done/e2e_cap_moi.csv" ] && places=$((places + 1))
    [ $places -ge 1 ] || echo "$n" >>"$d/../roster_lost"
    [ $places -le 1 ] || [ "$2" = KILL_AT ] || echo "$n" >>"$d/../roster_twice"
    sweep_run "$d" normal
    note_run "$2 N=$n (run after)" "$rc" "$d/normal.err"
    # 1: it processed the roster (one row is rejected); 0: the killed run had moved it already
    [ $rc -eq 1 ] || [ $rc -eq 0 -a -f "$d/in/done/e2e_cap_moi.csv" ] || echo "$n:$rc" >>"$d/../after_rc"
    [ -s "$d/out/report.csv" ] && [ -s "$d/out/report.xlsx" ] && pdfinfo "$d/out/report.pdf" >/dev/null 2>&1 || echo "$n" >>"$d/../after_report"
    [ "$(disk_docs "$d/out")" = "$CAP_DOCS" ] || echo "$n" >>"$d/../after_docs"
    docs_once "$d/out" >>"$d/../why" || echo "$n" >>"$d/../after_once"
    roster_done "$d/in" e2e_cap_moi.csv "$REPO/$DATA/e2e_cap_moi.csv" >>"$d/../why" || echo "$n" >>"$d/../after_roster"
    clean_ok "$d/out" "$d/in" >>"$d/../why" || echo "$n" >>"$d/../after_clean"
}
# how many operations a normal run makes (a run with KILL_AT beyond them is not killed)
mkdir -p "$T/sw"
lo=1 hi=1000
while [ $lo -lt $hi ]; do
    mid=$(((lo + hi) / 2))
    d=$(sweep_dir probe $mid)
    sweep_prepare "$d"
    sweep_run "$d" killed CTSBATCH_FAULT_KILL_AT=$mid
    if [ $rc -eq 137 ]; then lo=$((mid + 1)); else hi=$mid; fi
done
OPS=$((lo - 1))
check "fault sweep: a run makes at least 15 file operations (found $OPS)" '[ $OPS -ge 15 ]'

kill_sweep() {
    local n=1 d
    while [ $n -le $((OPS + 5)) ]; do
        d=$(sweep_dir kill $n)
        sweep_prepare "$d"
        sweep_run "$d" killed CTSBATCH_FAULT_KILL_AT=$n
        note_run "KILL_AT=$n" "$rc" "$d/killed.err"
        if [ $rc -ne 137 ]; then
            echo "$n $rc" >"$T/sw/kill/last"
            break
        fi
        sweep_after "$d" KILL_AT $n
        rm -rf "$d"
        n=$((n + 1))
    done
}
fail_sweep() {
    local n d
    for n in $(seq 1 "$OPS"); do
        d=$(sweep_dir fail $n)
        sweep_prepare "$d"
        sweep_run "$d" failed CTSBATCH_FAULT_FAIL_AT=$n
        note_run "FAIL_AT=$n" "$rc" "$d/failed.err"
        echo "$n $rc" >>"$T/sw/fail/rcs"
        case $rc in 1 | 3) ;; *) echo "$n:$rc" >>"$T/sw/fail/bad_rc" ;; esac
        grep -qE "$SAN" "$d/failed.err" && echo "$n" >>"$T/sw/fail/sanitizer"
        pdfs_whole "$d/out" "$d/in" >>"$T/sw/fail/why" || echo "$n" >>"$T/sw/fail/partial"
        [ $rc -eq 3 ] && ! grep -q . "$d/failed.err" && echo "$n" >>"$T/sw/fail/silent3"
        # a run that says it finished (1) must have finished: documents placed, roster moved
        if [ $rc -eq 1 ] && ! { [ "$(disk_docs "$d/out")" = "$CAP_DOCS" ] && docs_once "$d/out" >/dev/null &&
            roster_done "$d/in" e2e_cap_moi.csv "$REPO/$DATA/e2e_cap_moi.csv" >/dev/null; }; then
            echo "$n" >>"$T/sw/fail/rc1_incomplete"
        fi
        sweep_after "$d" FAIL_AT $n
        rm -rf "$d"
    done
}
mkdir -p "$T/sw/kill" "$T/sw/fail"
kill_sweep &
ks=$!
PIDS+=("$ks")
fail_sweep &
fs=$!
PIDS+=("$fs")
wait $ks $fs
list() { [ -f "$1" ] && sort -n "$1" | uniq | tr '\n' ' ' | sed 's/ $//'; }
read -r kill_last kill_last_rc <"$T/sw/kill/last" 2>/dev/null || kill_last=0 kill_last_rc=x
check "KILL_AT sweep: ends with a run that is not killed, after all $OPS operations (N=$kill_last, rc $kill_last_rc)" \
    '[ "$kill_last" -eq $((OPS + 1)) ] && [ "$kill_last_rc" -eq 1 ]'
check "KILL_AT sweep: covered at least 15 operations" '[ "$kill_last" -gt 15 ]'
for kind in kill fail; do
    K=$(echo $kind | tr a-z A-Z)_AT
    check "${K} sweep, run after: exits 1, or 0 with nothing left to do (failing N:rc: $(list "$T/sw/$kind/after_rc"))" '[ ! -s "$T/sw/$kind/after_rc" ]'
    check "${K} sweep, run after: OUT/report.csv, report.xlsx and report.pdf exist (failing N: $(list "$T/sw/$kind/after_report"))" '[ ! -s "$T/sw/$kind/after_report" ]'
    check "${K} sweep, run after: exactly the 5 planned documents (failing N: $(list "$T/sw/$kind/after_docs"))" '[ ! -s "$T/sw/$kind/after_docs" ]'
    check "${K} sweep, run after: every document once, disk == ledger == manifest (failing N: $(list "$T/sw/$kind/after_once"))" '[ ! -s "$T/sw/$kind/after_once" ]'
    check "${K} sweep, run after: roster in done/ once, unchanged, with its ketqua (failing N: $(list "$T/sw/$kind/after_roster"))" '[ ! -s "$T/sw/$kind/after_roster" ]'
    check "${K} sweep, run after: nothing left behind, ledger intact (failing N: $(list "$T/sw/$kind/after_clean"))" '[ ! -s "$T/sw/$kind/after_clean" ]'
done
check "KILL_AT sweep: the killed run never loses the roster (failing N: $(list "$T/sw/kill/roster_lost"))" '[ ! -s "$T/sw/kill/roster_lost" ]'
check "FAIL_AT sweep: the failing run never loses the roster (failing N: $(list "$T/sw/fail/roster_lost"))" '[ ! -s "$T/sw/fail/roster_lost" ]'
check "FAIL_AT sweep: the failing run leaves the roster in one place, not in and done/ both (failing N: $(list "$T/sw/fail/roster_twice"))" '[ ! -s "$T/sw/fail/roster_twice" ]'
check "FAIL_AT sweep: the failing run exits 1 or 3 (failing N:rc: $(list "$T/sw/fail/bad_rc"))" '[ ! -s "$T/sw/fail/bad_rc" ]'
check "FAIL_AT sweep: no sanitizer report (failing N: $(list "$T/sw/fail/sanitizer"))" '[ ! -s "$T/sw/fail/sanitizer" ]'
check "FAIL_AT sweep: no partial PDF after the failing run (failing N: $(list "$T/sw/fail/partial"))" '[ ! -s "$T/sw/fail/partial" ]'
check "FAIL_AT sweep: an exit 3 says why on stderr (failing N: $(list "$T/sw/fail/silent3"))" '[ ! -s "$T/sw/fail/silent3" ]'
check "FAIL_AT sweep: a failing run that exits 1 has finished its work (failing N: $(list "$T/sw/fail/rc1_incomplete"))" '[ ! -s "$T/sw/fail/rc1_incomplete" ]'
check "FAIL_AT sweep: covered every operation ($(wc -l <"$T/sw/fail/rcs" 2>/dev/null) of $OPS)" '[ "$(wc -l <"$T/sw/fail/rcs")" -eq $OPS ]'
for kind in kill fail; do
    [ -s "$T/sw/$kind/why" ] && { echo "-- $kind sweep, first problems found:"; head -8 "$T/sw/$kind/why"; }
done

# ==== 6. a missing template: an operator error, nothing issued, the roster kept ====
# every template is loaded and checked before any roster (issue 13 item 3): a-gia-han.csv
# (Mẫu 07/08) is not processed either while e2e_cap_moi.csv's Mẫu 01 is missing
S=$T/s6
mkdir -p "$S/home" "$S/in"
cp -rL config templates fonts "$S/home/"
mv "$S/home/templates/mau01.xml" "$S/mau01.xml"
gen_renew 3 700 >"$T/s6-renew.csv"
cp "$T/s6-renew.csv" "$S/in/a-gia-han.csv"
cp $DATA/e2e_cap_moi.csv "$S/in/"
CTSBATCH_HOME=$S/home ctrun s6a "$S/in" "$S/out"
check "missing template: exit 3 (got $rc)" '[ $rc -eq 3 ]'
check "missing template: stderr names the template ($(first "$T/s6a.err" 200))" 'grep -qF "mau01.xml" "$T/s6a.err"'
check "missing template: its roster stays in the drop folder, not in done/" \
    'cmp -s "$S/in/e2e_cap_moi.csv" $DATA/e2e_cap_moi.csv && [ ! -e "$S/in/done/e2e_cap_moi.csv" ]'
check "missing template: no Mẫu 01 or Mẫu 02 made, no cap-moi request in the ledger" \
    '[ -z "$(disk_docs "$S/out" | grep /cap-moi/)" ] && [ "$(requests_of "$S/out" cap-moi)" -eq 0 ] && [ "$(q "$S/out" "select count(*) from documents where procedure = '\''cap-moi'\''")" -eq 0 ]'
check "missing template: stopped before any roster: the other one kept too, no document at all" \
    'cmp -s "$S/in/a-gia-han.csv" "$T/s6-renew.csv" && [ ! -e "$S/in/done/a-gia-han.csv" ] && [ -z "$(disk_docs "$S/out")" ]'
check "missing template: no ketqua written for the kept roster" '[ -z "$(find "$S/in" -name "e2e_cap_moi*.ketqua.*")" ]'
check "missing template: report.csv marks none of its rows 'Hợp lệ' without a word that nothing was made" \
    '[ ! -f "$S/out/report.csv" ] || [ "$(tr -d "\r" <"$S/out/report.csv" | grep -F "e2e_cap_moi.csv\"" | grep -c "\"Hợp lệ\",\"\"$")" -eq 0 ]'
check "missing template: no report claims the run (none can be made without the templates)" \
    '[ ! -f "$S/out/report.pdf" ]'
check "missing template: report.pdf does not say the valid requests were made" \
    '! raw_text "$S/out/report.pdf" | grep -qF "Các yêu cầu hợp lệ đã được lập"'
check "missing template: the attempt is not counted as the roster's failure" \
    '[ "$(failed_attempts "$S/out")" -eq 0 ]'
mv "$S/mau01.xml" "$S/home/templates/mau01.xml"
CTSBATCH_HOME=$S/home ctrun s6b "$S/in" "$S/out"
check "template restored: exit 1 (got $rc)" '[ $rc -eq 1 ]'
check "template restored: the 5 planned documents, each once" \
    '[ "$(disk_docs "$S/out" | grep /cap-moi/)" = "$CAP_DOCS" ] && [ "$(disk_docs "$S/out" | wc -l)" -eq 9 ] && docs_once "$S/out"'
check "template restored: roster in done/ once, unchanged, ketqua with 3 'Hợp lệ'" \
    'roster_done "$S/in" e2e_cap_moi.csv $DATA/e2e_cap_moi.csv && [ "$(status_count "$S/in/done/e2e_cap_moi.csv.ketqua.csv" "Hợp lệ")" -eq 3 ]'
check "template restored: nothing left behind" 'clean_ok "$S/out" "$S/in"'

# ==== 7. a read-only drop folder: the roster cannot leave it; nothing issued twice ====
S=$T/s7
mkdir -p "$S/in"
cp $DATA/e2e_cap_moi.csv "$S/in/"
chmod 555 "$S/in"
how="chmod 555"
if touch "$S/in/.probe" 2>/dev/null; then
    rm -f "$S/in/.probe"
    chmod 755 "$S/in"
    how="chattr +i"
    chattr +i "$S/in" 2>/dev/null || how=""
    if [ -n "$how" ] && touch "$S/in/.probe" 2>/dev/null; then
        rm -f "$S/in/.probe"
        how=""
    fi
fi
if [ -z "$how" ]; then
    chattr -i "$S/in" 2>/dev/null
    skip "read-only drop folder: neither chmod 555 nor chattr +i stops this user (root?)"
else
    ro_rcs=""
    for i in 1 2 3; do
        ctrun "s7-$i" "$S/in" "$S/out"
        ro_rcs="$ro_rcs $rc"
        [ $i -eq 1 ] && sums1=$(disk_sums "$S/out")
    done
    check "read-only drop folder ($how): each run exits 3, an operator error (got$ro_rcs)" '[ "$ro_rcs" = " 3 3 3" ]'
    check "read-only drop folder: stderr says the roster could not be moved ($(first "$T/s7-1.err" 200))" 'grep -qiE "cannot|không" "$T/s7-1.err"'
    check "read-only drop folder: three runs, every document once" 'docs_once "$S/out"'
    check "read-only drop folder: the later runs issued nothing (same files, same SHA-256)" '[ "$(disk_sums "$S/out")" = "$sums1" ]'
    check "read-only drop folder: at most the 5 planned documents" '[ -z "$(comm -23 <(disk_docs "$S/out") <(echo "$CAP_DOCS"))" ]'
    check "read-only drop folder: the roster is still there, unchanged" 'cmp -s "$S/in/e2e_cap_moi.csv" $DATA/e2e_cap_moi.csv'
    check "read-only drop folder: the roster is not counted as failing" \
        '[ "$(failed_attempts "$S/out")" -eq 0 ]'
    chattr -i "$S/in" 2>/dev/null
    chmod 755 "$S/in"
    ctrun s7-rw "$S/in" "$S/out"
    check "drop folder writable again: exit 1 (got $rc)" '[ $rc -eq 1 ]'
    check "drop folder writable again: the 5 planned documents, each once" '[ "$(disk_docs "$S/out")" = "$CAP_DOCS" ] && docs_once "$S/out"'
    check "drop folder writable again: roster in done/ once, unchanged" 'roster_done "$S/in" e2e_cap_moi.csv $DATA/e2e_cap_moi.csv'
fi

# ==== 8. symlinks, a FIFO and a folder in the drop folder ====
S=$T/s8
mkdir -p "$S/in" "$S/elsewhere" "$S/in/d.csv"
gen_renew 3 >"$S/elsewhere/valid.csv"
cp "$S/elsewhere/valid.csv" "$T/s8-valid.csv"
passwd_sum=$(sha256sum </etc/passwd)
ln -s /etc/passwd "$S/in/x.csv"
ln -s "$S/elsewhere/valid.csv" "$S/in/y.csv"
mkfifo "$S/in/z.csv"
cp $DATA/e2e_cap_moi.csv "$S/in/"
RUN_TIMEOUT=60 ctrun s8a "$S/in" "$S/out"
check "odd entries: the run does not hang (exit 1; got $rc)" '[ $rc -eq 1 ]'
check "odd entries: the real roster is processed" 'roster_done "$S/in" e2e_cap_moi.csv $DATA/e2e_cap_moi.csv && [ "$(disk_docs "$S/out")" = "$CAP_DOCS" ]'
check "odd entries: they stay where they are, as they are" \
    '[ "$(readlink "$S/in/x.csv")" = /etc/passwd ] && [ "$(readlink "$S/in/y.csv")" = "$S/elsewhere/valid.csv" ] && [ -p "$S/in/z.csv" ] && [ -d "$S/in/d.csv" ]'
check "odd entries: the symlink targets are untouched and not moved" \
    '[ "$(sha256sum </etc/passwd)" = "$passwd_sum" ] && cmp -s "$S/elsewhere/valid.csv" "$T/s8-valid.csv"'
check "odd entries: none of them in done/, rejected/ or held/" \
    '[ -z "$(find "$S/in/done" "$S/in/rejected" "$S/in/held" -name "[xyzd].*" 2>/dev/null)" ]'
odd_rosters=$(q "$S/out" "select count(*) from rosters where name in ('x.csv', 'y.csv', 'z.csv', 'd.csv')")
check "odd entries: no row of theirs in the report or the ledger, no renewal made" \
    '[ -f "$S/out/report.csv" ] && ! grep -qE "/(x|y|z|d)\.csv\"|root:" "$S/out/report.csv" && [ "$odd_rosters" -eq 0 ] && [ "$(requests_of "$S/out" gia-han)" -eq 0 ] && [ ! -e "$S/out/$TCG" ]'
odd_said=""
for e in x y z d; do grep -qF "$e.csv" "$T/s8a.err" && odd_said="$odd_said $e"; done
check "odd entries: the first run names each of them on stderr (named:$odd_said)" '[ "$odd_said" = " x y z d" ]'
cp $DATA/e2e_cap_moi.csv "$S/in/"
RUN_TIMEOUT=60 ctrun s8b "$S/in" "$S/out"
check "odd entries: second run does not hang (exit 1; got $rc)" '[ $rc -eq 1 ]'
check "odd entries: the second run is silent about them ($(grep -E "[xyzd]\.csv" "$T/s8b.err" | head -2))" \
    '! grep -qE "/(x|y|z|d)\.csv" "$T/s8b.err"'
check "odd entries: still where they are after the second run" \
    '[ -L "$S/in/x.csv" ] && [ -L "$S/in/y.csv" ] && [ -p "$S/in/z.csv" ] && [ -d "$S/in/d.csv" ] && cmp -s "$S/elsewhere/valid.csv" "$T/s8-valid.csv"'
check "odd entries: every document once" 'docs_once "$S/out"'

# ==== 9. modes: documents carry personal data, no access for others ====
for m in 077 022; do
    S=$T/s9-$m
    mkdir -p "$S/in"
    cp $DATA/e2e_cap_moi.csv "$S/in/"
    (umask $m && ctrun "s9-$m" "$S/in" "$S/out" && echo $rc >"$S/rc")
    cp $DATA/e2e_cap_moi.csv "$S/in/"
    (umask $m && ctrun "s9-$m-b" "$S/in" "$S/out")
    # the rosters themselves are the clerk's files, moved unchanged: not the run's to chmod
    open_to_others=$(find "$S/out" "$S/in/done" -perm /o+rwx ! -name e2e_cap_moi.csv ! -name e2e_cap_moi.2.csv 2>/dev/null | head -5)
    check "umask $m: the run made its documents (rc $(cat "$S/rc" 2>/dev/null))" '[ "$(disk_docs "$S/out")" = "$CAP_DOCS" ] && [ -f "$S/in/done/e2e_cap_moi.2.csv.ketqua.pdf" ]'
    check "umask $m: nothing the runs created is open to others ($open_to_others)" '[ -z "$open_to_others" ]'
done

# ==== 10. a full disk: nothing partial, the roster kept, exit 3 ====
S=$T/s10
mkdir -p "$S/in" "$S/out"
if mount -t tmpfs -o size=400k tmpfs "$S/out" 2>/dev/null; then
    MOUNTS+=("$S/out")
    cp "$T/cap30-fixed.csv" "$S/in/cap-moi-30.csv"
    ctrun s10 "$S/in" "$S/out"
    check "disk full: exit 3 (got $rc)" '[ $rc -eq 3 ]'
    check "disk full: a clear message on stderr ($(first "$T/s10.err" 200))" 'grep -qiE "no space|ENOSPC|hết dung lượng|đầy" "$T/s10.err"'
    check "disk full: the roster stays in the drop folder" 'cmp -s "$S/in/cap-moi-30.csv" "$T/cap30-fixed.csv" && [ ! -e "$S/in/done/cap-moi-30.csv" ]'
    check "disk full: no partial PDF" 'pdfs_whole "$S/out" "$S/in"'
    check "disk full: no document placed, none in the ledger" \
        '[ -z "$(disk_docs "$S/out")" ] && [ "$(q "$S/out" "select count(*) from documents" 2>/dev/null)" = 0 ]'
    check "disk full: no staged file left behind" '[ -z "$(find "$S/out/.tmp" -type f 2>/dev/null)" ]'
    umount "$S/out" && MOUNTS=()
else
    skip "no tmpfs (disk full)"
fi

# ==== 11. a poison pill: a roster that crashes the program is held after two attempts ====
S=$T/s11
mkdir -p "$S/in"
gen_renew 3 500 >"$T/bad.csv"
cp "$T/bad.csv" "$S/in/bad.csv"
cp $DATA/e2e_cap_moi.csv "$S/in/good.csv"
crash_rcs="" held_at=0
for i in 1 2 3; do
    CTSBATCH_FAULT_CRASH_IN=bad ctrun "s11-$i" "$S/in" "$S/out"
    crash_rcs="$crash_rcs $rc"
    if [ -e "$S/in/held/bad.csv" ]; then
        held_at=$i
        break
    fi
done
check "poison pill: the first two runs crash (SIGSEGV; got$crash_rcs)" '[ "$(echo $crash_rcs | cut -d" " -f1-2)" = "139 139" ]'
check "poison pill: bad.csv in held/ by the third run (at run $held_at)" '[ $held_at -ge 1 ] && [ $held_at -le 3 ]'
check "poison pill: bad.csv held unchanged with bad.csv.loi.txt" \
    'cmp -s "$S/in/held/bad.csv" "$T/bad.csv" && [ -s "$S/in/held/bad.csv.loi.txt" ] && [ ! -e "$S/in/bad.csv" ]'
check "poison pill: the run that held it exits 1 (got $rc)" '[ $rc -eq 1 ]'
check "poison pill: stderr says it was held ($(first "$T/s11-$held_at.err" 200))" 'grep -qF "held" "$T/s11-$held_at.err"'
check "poison pill: good.csv's documents all made once" '[ "$(disk_docs "$S/out")" = "$CAP_DOCS" ] && docs_once "$S/out"'
check "poison pill: good.csv in done/ once with its ketqua" \
    'cmp -s "$S/in/done/good.csv" $DATA/e2e_cap_moi.csv && [ -s "$S/in/done/good.csv.ketqua.csv" ] && [ "$(ls "$S/in/done" | grep -v ketqua | grep -c "^good")" -eq 1 ]'
# the two crashes are on record, forgiven ("giu") once it is held, so that put back it is
# tried afresh; nothing of it was issued
crashed=$(q "$S/out" "select count(*) from attempts where name = 'bad.csv' and outcome = 'giu'")
counted=$(q "$S/out" "select count(*) from attempts where name = 'bad.csv' and outcome in ('sap', 'loi')")
check "poison pill: ledger: two crashed attempts of bad.csv, forgiven when held (got $crashed, $counted still counted), none of its requests" \
    '[ "$crashed" -ge 2 ] && [ "$counted" -eq 0 ] && [ "$(requests_of "$S/out" gia-han)" -eq 0 ]'
sums1=$(disk_sums "$S/out")
ctrun s11-after "$S/in" "$S/out"
check "poison pill: without the fault, bad.csv stays in held/" \
    'cmp -s "$S/in/held/bad.csv" "$T/bad.csv" && [ ! -e "$S/in/bad.csv" ] && [ ! -e "$S/in/done/bad.csv" ]'
check "poison pill: and nothing more is issued" '[ "$(disk_sums "$S/out")" = "$sums1" ] && [ ! -e "$S/out/$TCG" ]'
# the operator mends the fault and puts the roster back, as its note says: it is tried afresh
mv "$S/in/held/bad.csv" "$S/in/bad.csv"
ctrun s11-back "$S/in" "$S/out"
check "poison pill: put back once mended, it is processed (rc $rc)" \
    '[ -f "$S/in/done/bad.csv" ] && [ ! -e "$S/in/bad.csv" ] && [ "$(requests_of "$S/out" gia-han)" -gt 0 ]'

# ==== 11b. a run killed between its commit and its placements, finished from elsewhere ====
# The cron job ran with relative --in/--out from one folder; the operator's rerun starts from
# another with absolute paths. What the ledger committed must be placed, not thrown away.
hits=0 bad_n=""
for n in $(seq 40 2 100); do
    S=$T/s11b/$n
    mkdir -p "$S/w/in"
    cp $DATA/e2e_cap_moi.csv "$S/w/in/"
    (cd "$S/w" && CTSBATCH_FAULT_KILL_AT=$n timeout -k 5 "$RUN_TIMEOUT" $BIN run --in in \
        --out out --as-of 2026-11-20 --settle 0 >/dev/null 2>&1) 2>/dev/null
    [ -f "$S/w/out/ctsbatch.db" ] || continue
    committed=$(q "$S/w/out" "select count(*) from documents")
    placed=$(disk_docs "$S/w/out" | wc -l)
    [ "$committed" -gt 0 ] && [ "$placed" -lt "$committed" ] || continue
    hits=$((hits + 1))
    (cd / && timeout -k 5 "$RUN_TIMEOUT" $BIN run --in "$S/w/in" --out "$S/w/out" \
        --as-of 2026-11-20 --settle 0 >/dev/null 2>"$S/after.err")
    note_run "s11b-$n" $? "$S/after.err"
    docs_once "$S/w/out" >/dev/null && [ "$(disk_docs "$S/w/out")" = "$CAP_DOCS" ] || bad_n="$bad_n $n"
done
check "kill between commit and placement, rerun from another folder: some N hit it ($hits)" '[ $hits -ge 1 ]'
check "kill between commit and placement, rerun from another folder: every document once (failing N:$bad_n)" '[ -z "$bad_n" ]'

# ==== 11c. --db places the ledger elsewhere; a second run on it issues nothing ====
S=$T/s11c
mkdir -p "$S/in" "$S/out" "$S/state"
cp $DATA/e2e_cap_moi.csv "$S/in/"
ctrun s11c-a "$S/in" "$S/out" --db "$S/state/ledger.db"
check "--db: the ledger is where it was asked, not in OUT (rc $rc)" \
    '[ -f "$S/state/ledger.db" ] && [ ! -e "$S/out/ctsbatch.db" ] && [ "$(sqlite3 "$S/state/ledger.db" "select count(*) from documents")" -eq 5 ]'
cp $DATA/e2e_cap_moi.csv "$S/in/"
ctrun s11c-b "$S/in" "$S/out" --db "$S/state/ledger.db"
check "--db: the same roster again issues nothing" \
    '[ "$(disk_docs "$S/out" | wc -l)" -eq 5 ] && [ "$(sqlite3 "$S/state/ledger.db" "select count(*) from documents")" -eq 5 ]'

# ==== 12. a ledger at schema version 1 is migrated, its records kept ====
S=$T/s12
mkdir -p "$S/in" "$S/out"
sqlite3 "$S/out/ctsbatch.db" <$DATA/txn_ledger_v1.sql
check "migration: the fixture is a version 1 ledger" '[ "$(q "$S/out" "pragma user_version")" = 1 ]'
cp $DATA/e2e_cap_moi.csv "$S/in/"
ctrun s12 "$S/in" "$S/out"
check "migration: the run exits 1 (got $rc; $(first "$T/s12.err" 200))" '[ $rc -eq 1 ]'
check "migration: user_version is 5, with the seven tables and the register ($(tables_of "$S/out"))" \
    '[ "$(q "$S/out" "pragma user_version")" = 5 ] && has_tables "$S/out" && tables_of "$S/out" | grep -qw certificates'
old=$(q "$S/out" "select (select started || '|' || outcome from runs where id = 1) || ';' ||
    (select name || '|' || sha256 from rosters where id = 1) || ';' ||
    (select name || '|' || date from requests where key = 'cap-moi|089185001234|') || ';' ||
    (select path || '|' || sha256 from documents where id = 1 and run = 1) || ';' ||
    (select count(*) from document_requests where document = 1 and request = 1)")
want="2026-10-15T09:00:00|xong;stc-thang-10.csv|$(printf '%064d' 1);Nguyễn Thị Ánh Tuyết|2026-10-15;$STC/Mau01-nguyen-thi-anh-tuyet.pdf|$(printf '%064d' 2);1"
check "migration: the old run, roster, request and document are still there (got $old)" '[ "$old" = "$want" ]'
kq=$S/in/done/e2e_cap_moi.csv.ketqua.csv
check "migration: the request of the old ledger is 'Đã lập trước', dated and with its file" \
    'grep -F "Nguyễn Thị Ánh Tuyết" "$kq" | grep -F "\"Đã lập trước\"" | grep -qF "đã được lập ngày 15/10/2026 (tệp Mau01-nguyen-thi-anh-tuyet.pdf)"'
check "migration: the others are 'Hợp lệ' and made" \
    '[ "$(status_count "$kq" "Hợp lệ")" -eq 2 ] && [ -f "$S/out/$STC/Mau01-pham-thi-hong-ngoc.pdf" ] && [ -f "$S/out/$SNV/Mau01-vo-thi-my-duyen.pdf" ]'
check "migration: no new form for the old request" '[ -z "$(disk_docs "$S/out" | grep Mau01-nguyen-thi-anh-tuyet)" ]'
check "migration: the ledger now has the old document and the 4 new ones; integrity ok" \
    '[ "$(q "$S/out" "select count(*) from documents")" -eq 5 ] && [ "$(q "$S/out" "pragma integrity_check")" = ok ]'

# ==== every run ====
check "no run hung ($(cat "$T/hangs.log" 2>/dev/null | head -3 | tr '\n' ' '))" '[ ! -s "$T/hangs.log" ]'
check "no sanitizer report in any run" '[ ! -s "$T/sanitizer.log" ] || { head -40 "$T/sanitizer.log"; false; }'
echo "e2e_txn: $(($(date +%s) - START)) s"
echo "e2e_txn: $pass passed, $fail failed"
[ $fail -eq 0 ]
