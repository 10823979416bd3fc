#!/usr/bin/env bash
# End-to-end: `ctsbatch watch` as a service (issue 11 item 2) and the command line as GNU
# users expect it (item 5). watch is started in the background on temporary folders; rosters
# are dropped as a clerk (or a network share) would; documents, moves, the ledger and the log
# are checked; then signals: SIGHUP with a broken and with a good configuration, SIGTERM in
# the middle of a large roster, and the next start finishing it. CTSBATCH names the binary (a
# build with the fault hooks of fault.h: CTSBATCH_FAULT_SLOW_MS slows the batch down so that
# the signal lands in it, CTSBATCH_FAULT_TODAY moves the day between two batches).
set -u
cd "$(dirname "$0")/.."
BIN=${CTSBATCH:-./ctsbatch}
case $BIN in */* | ./*) [ -x "$BIN" ] && BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")" ;; esac
REPO=$PWD
SAMPLES=inputs/samples
T=$(mktemp -d)
PIDS=()
cleanup() {
    for p in ${PIDS[@]+"${PIDS[@]}"}; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); [ -z "${E2E_VERBOSE:-}" ] || echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

unset SOURCE_DATE_EPOCH CTSBATCH_FAULT_KILL_AT CTSBATCH_FAULT_FAIL_AT CTSBATCH_FAULT_CRASH_IN \
    CTSBATCH_FAULT_SLOW_MS CTSBATCH_FAULT_TODAY CTSBATCH_HOME JOURNAL_STREAM
# A copy of the binary, as e2e_txn.sh does: a rebuild while this runs changes nothing under it.
if [ -f "$BIN" ] && [ -x "$BIN" ]; then
    cp "$BIN" "$T/ctsbatch"
    BIN=$T/ctsbatch
    export CTSBATCH_HOME=$REPO
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=86"
SAN='AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:'
START=$(date +%s)
HOOKS=0
strings "$BIN" 2>/dev/null | grep -q CTSBATCH_FAULT_TODAY && HOOKS=1

# ---- helpers ----

q() { sqlite3 "$1/ctsbatch.db" "$2" 2>&1; }
text_of() { pdftotext -q "$1" - 2>/dev/null; }
# alive PID: running (a zombie, exited but not yet waited for, is not)
alive() {
    local s
    s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$s" ] && [ "${s#Z}" = "$s" ]
}
# wait_for SECONDS CONDITION: polls until the condition holds; 1 when it never did
wait_for() {
    local end=$(($(date +%s) + $1))
    until eval "$2"; do
        [ "$(date +%s)" -ge "$end" ] && return 1
        sleep 0.2
    done
}
# roster_logged NAME: the watch's log has the roster's line (the last thing its batch does for
# it, after the move to done/)
roster_logged() { grep -qE "^ctsbatch: $1: (done|unreadable|held);" "$WLOG"; }
# start_watch LABEL ARGS...: watch in the background, its log in $T/LABEL.err; WPID
start_watch() {
    local label=$1
    shift
    "$BIN" watch "$@" >"$T/$label.out" 2>"$T/$label.err" &
    WPID=$!
    PIDS+=("$WPID")
    WLOG=$T/$label.err
    wait_for 20 'grep -q "watching " "$WLOG" || ! alive $WPID'
}
# stop_watch SIGNAL: sends it and waits (at most 20 s); WRC its status, WSECS how long it took
stop_watch() {
    local t0 t1
    t0=$(date +%s.%N)
    kill -"$1" "$WPID"
    wait_for 20 '! alive $WPID'
    t1=$(date +%s.%N)
    alive "$WPID" && kill -9 "$WPID"
    wait "$WPID"
    WRC=$?
    WSECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}
# A renewal roster (one Mẫu 07 per row, one Mẫu 08 per agency) of $1 rows from one agency,
# its CCCD and serial numbers counted from $2 so that two rosters never ask the same thing.
renewals() {
    awk -v n="$1" -v from="$2" 'BEGIN {
    split("Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý", ho, " ");
    split("Thị Văn Hữu Ngọc Minh Thanh Quốc Thu Mỹ Đức", dem, " ");
    split("Ánh Tuyết Hưng Hằng Duyên Ẩn Bình Nhung Tâm Phúc Khoa Ngọc Trâm Quý Lộc Hiếu", ten, " ");
    print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong,ky_hieu,co_quan_chu_quan,thu_truong,chuc_vu_thu_truong";
    for (k = 0; k < n; k++) {
        i = from + k;
        name = ho[1 + i % 14] " " dem[1 + int(i / 14) % 10] " " ten[1 + int(i / 140) % 16];
        printf "gia-han,ca-nhan,Sở Tài chính tỉnh An Giang,%s,0891%08d,Chuyên viên,Văn phòng,cb%05d@angiang.gov.vn,09%08d,540101010%07X,%02d/%02d/2027,0,có,VP,UBND TỈNH AN GIANG,Trần Văn Bình,GIÁM ĐỐC\n", \
            name, i, i, i, i, 1 + i % 28, 3 + i % 10;
    }
}'
}
GH=so-tai-chinh-tinh-an-giang/gia-han
mau07() { find "$1/$GH" -name 'Mau07-*.pdf' 2>/dev/null | wc -l; }

# ---- the command line (item 5) ----

for c in run validate watch; do
    "$BIN" $c --help >"$T/help.out" 2>"$T/help.err"
    rc=$?
    check "$c --help exits 0 (got $rc)" '[ $rc -eq 0 ]'
    check "$c --help prints the usage of $c on stdout, nothing on stderr" \
        'head -n 1 "$T/help.out" | grep -qF "Usage: ctsbatch $c " && [ ! -s "$T/help.err" ]'
done
"$BIN" watch --help >"$T/help.out"
check "watch --help describes the signals and --rescan" \
    'grep -qF SIGHUP "$T/help.out" && grep -qF SIGTERM "$T/help.out" && grep -qF -- "--rescan" "$T/help.out"'
"$BIN" validate --help >"$T/help.out"
check "validate --help names --json and not the run's --in" \
    'grep -qF -- "--json" "$T/help.out" && ! grep -qF -- "--in DIR" "$T/help.out"'
"$BIN" --help >"$T/help.out"
check "ctsbatch --help lists the three commands" \
    'grep -qF "ctsbatch run " "$T/help.out" && grep -qF "ctsbatch validate " "$T/help.out" && grep -qF "ctsbatch watch " "$T/help.out"'

for args in "run --in" "watch --settle" "validate $SAMPLES/stc-cap-moi.csv --as-of"; do
    opt=${args##* }
    "$BIN" $args >"$T/miss.out" 2>"$T/miss.err"
    rc=$?
    check "$args (no argument): exit 2 (got $rc)" '[ $rc -eq 2 ]'
    check "$args (no argument): one message naming $opt, not getopt's too ($(tr '\n' '|' <"$T/miss.err"))" \
        '[ "$(grep -c -- "$opt" "$T/miss.err")" -eq 1 ] && grep -qF "needs an argument" "$T/miss.err" && ! grep -qF "requires an argument" "$T/miss.err" && [ ! -s "$T/miss.out" ]'
done
"$BIN" run --no-such-option >/dev/null 2>"$T/miss.err"
rc=$?
check "an unknown option: exit 2, one line naming it, one pointing to --help (got $rc)" \
    '[ $rc -eq 2 ] && [ "$(wc -l <"$T/miss.err")" -eq 2 ] && grep -qF "'"'"'--no-such-option'"'"'" "$T/miss.err" && grep -qF "ctsbatch run --help" "$T/miss.err"'

"$BIN" validate "$T/nothing.csv" --as-of 2026-11-20 >"$T/v.out" 2>"$T/v.err"
rc=$?
check "validate on a missing file: exit 2 (got $rc)" '[ $rc -eq 2 ]'
check "validate on a missing file: the system's reason, no 'dòng 0', no verdict" \
    'grep -qF "nothing.csv: No such file or directory" "$T/v.err" && ! grep -qF "dòng 0" "$T/v.err" && [ ! -s "$T/v.out" ]'
mkdir -p "$T/folder.csv"
"$BIN" validate "$T/folder.csv" >"$T/v.out" 2>"$T/v.err"
rc=$?
check "validate on a folder: exit 2 with 'Is a directory' (got $rc)" \
    '[ $rc -eq 2 ] && grep -qF "folder.csv: Is a directory" "$T/v.err" && [ ! -s "$T/v.out" ]'
"$BIN" validate "$SAMPLES/stc-cap-moi.csv" "$T/nothing.csv" >"$T/v.out" 2>"$T/v.err"
rc=$?
check "validate with one good and one missing file: exit 2, nothing checked (got $rc)" \
    '[ $rc -eq 2 ] && [ ! -s "$T/v.out" ]'

"$BIN" validate "$SAMPLES/stc-cap-moi.csv" --encoding NO-SUCH-CODE >"$T/v.out" 2>"$T/v.err"
rc=$?
check "validate --encoding NO-SUCH-CODE: exit 2 naming it (got $rc)" \
    '[ $rc -eq 2 ] && grep -qF "NO-SUCH-CODE" "$T/v.err" && [ ! -s "$T/v.out" ]'
mkdir -p "$T/enc/in"
cp "$SAMPLES/stc-cap-moi.csv" "$T/enc/in/"
"$BIN" run --in "$T/enc/in" --out "$T/enc/out" --encoding NO-SUCH-CODE --settle 0 >/dev/null 2>"$T/v.err"
rc=$?
check "run --encoding NO-SUCH-CODE: exit 2, the roster not blamed (left in place, no rejected/, no ledger) (got $rc)" \
    '[ $rc -eq 2 ] && [ -f "$T/enc/in/stc-cap-moi.csv" ] && [ ! -e "$T/enc/in/rejected" ] && [ ! -e "$T/enc/out/ctsbatch.db" ]'
"$BIN" validate "$SAMPLES/snv-gia-han-windows1258.csv" --encoding WINDOWS-1258 --as-of 2026-11-20 >"$T/v.out" 2>&1
rc=$?
check "validate --encoding WINDOWS-1258 (known) reads the file (got $rc)" \
    '[ $rc -le 1 ] && grep -qF "Phan Thị Ngọc Hân" "$T/v.out"'

# stc-cap-moi.csv: four rows, the fourth (line 5) without its CCCD (read by hand)
"$BIN" validate "$SAMPLES/stc-cap-moi.csv" --as-of 2026-11-20 >"$T/v.out" 2>"$T/v.err"
check "validate's last line is the summary: 1 file, 4 requests, 3 accepted, 1 rejected ($(tail -n 1 "$T/v.out"))" \
    '[ "$(tail -n 1 "$T/v.out")" = "Tổng cộng: 1 tệp, 4 yêu cầu: 3 hợp lệ, 1 bị từ chối." ]'
check "validate's findings say lỗi, not error" \
    'grep -qE "^    lỗi \[thieu-truong\] so_cccd: " "$T/v.out" && ! grep -qE "^ +(error|warning|info) \[" "$T/v.out"'
"$BIN" validate "$SAMPLES/stc-cap-moi.csv" tests/data/in_malformed.xml --as-of 2026-11-20 >"$T/v.out" 2>"$T/v.err"
check "validate's summary counts the unreadable file ($(tail -n 1 "$T/v.out"))" \
    '[ "$(tail -n 1 "$T/v.out")" = "Tổng cộng: 2 tệp (1 tệp không đọc được), 4 yêu cầu: 3 hợp lệ, 1 bị từ chối." ]'
ln -s "$REPO/$SAMPLES/stc-cap-moi.csv" "$T/link.csv"
"$BIN" validate "$T/link.csv" >"$T/v.out" 2>&1
rc=$?
check "validate on a symlink: the verdict, exit 1, with no line 0 ($(head -n 1 "$T/v.out"))" \
    '[ $rc -eq 1 ] && grep -qF "$T/link.csv: không đọc được tệp: " "$T/v.out" && ! grep -qF ":0:" "$T/v.out"'
"$BIN" validate "$SAMPLES/stc-cap-moi.csv" --json --as-of 2026-11-20 >"$T/v.out"
check "validate --json has no summary line: the output is the file's JSON object alone" \
    'python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$T/v.out" && ! grep -qF "Tổng cộng" "$T/v.out"'

"$BIN" watch --in "$T/no-such-folder" --out "$T/o" >/dev/null 2>"$T/w.err"
rc=$?
check "watch on a missing folder: exit 2 at once, saying why (got $rc)" \
    '[ $rc -eq 2 ] && grep -qF "No such file or directory" "$T/w.err"'
mkdir -p "$T/badcfg/in"
echo '<ctsbatch' >"$T/badcfg/bad.xml"
"$BIN" watch --in "$T/badcfg/in" --out "$T/badcfg/out" --config "$T/badcfg/bad.xml" >/dev/null 2>"$T/w.err"
rc=$?
check "watch with a broken configuration does not start: exit 2 (got $rc)" '[ $rc -eq 2 ]'

# ---- watch: dropped rosters, a slow writer, a missed event, the day of each batch ----

W=$T/w
mkdir -p "$W/in" "$W/stash"
echo 2026-11-20 >"$W/today"
export CTSBATCH_FAULT_TODAY=$W/today
start_watch w1 --in "$W/in" --out "$W/out" --settle 2 --rescan 3 --verbose
check "watch starts and says what it watches" 'alive $WPID && grep -qF "watching $W/in" "$WLOG"'

cp "$SAMPLES/stc-cap-moi.csv" "$W/in/"
wait_for 30 'roster_logged stc-cap-moi.csv'
STC=$W/out/so-tai-chinh-tinh-an-giang/cap-moi
check "a copied roster is processed: in done/ with its result, its forms made" \
    '[ -f "$W/in/done/stc-cap-moi.csv" ] && [ ! -e "$W/in/stc-cap-moi.csv" ] && text_of "$STC/Mau01-nguyen-thi-anh-tuyet.pdf" | grep -qF "Nguyễn Thị Ánh Tuyết" && [ "$(ls "$STC" | grep -c "^Mau01-")" -eq 3 ]'
check "the log has the roster's line" \
    'grep -qF "stc-cap-moi.csv: done; 4 row(s): 3 accepted (0 issued before), 1 rejected; 4 document(s)" "$WLOG"'

# snv-cap-moi.csv written in two halves, a pause between: its first half alone is a roster
# too (header and one row), so a batch taken at the first close would show
head -n 2 "$SAMPLES/snv-cap-moi.csv" >"$W/in/snv-cap-moi.csv"
sleep 1.5
tail -n +3 "$SAMPLES/snv-cap-moi.csv" >>"$W/in/snv-cap-moi.csv"
wait_for 30 'roster_logged snv-cap-moi.csv'
check "the roster written in two halves is processed complete" \
    'cmp -s "$W/in/done/snv-cap-moi.csv" "$SAMPLES/snv-cap-moi.csv" && [ "$(q "$W/out" "select rows from rosters where name = '"'"'snv-cap-moi.csv'"'"'")" = 2 ]'
check "the roster written in two halves is processed once" \
    '[ "$(q "$W/out" "select count(*) from rosters where name = '"'"'snv-cap-moi.csv'"'"'")" = 1 ] && [ "$(ls "$W/in/done" | grep -c "^snv-cap-moi")" -eq 4 ]'
check "the roster written in two halves was seen changing (two events)" \
    '[ "$(grep -c "snv-cap-moi.csv: seen by an event" "$WLOG")" -ge 2 ]'

# A hard link makes the file appear with no close-write or moved-to event, as a file written
# by another machine on a network share does: only the rescan can find it. The day moves on.
echo 2026-11-23 >"$W/today"
cp "$SAMPLES/stc-thu-hoi.xml" "$W/stash/"
ln "$W/stash/stc-thu-hoi.xml" "$W/in/stc-thu-hoi.xml"
wait_for 30 'roster_logged stc-thu-hoi.xml'
check "a file no event announced is found by the rescan and processed" \
    '[ -f "$W/in/done/stc-thu-hoi.xml" ] && grep -qF "stc-thu-hoi.xml: seen by a rescan" "$WLOG" && ! grep -qF "stc-thu-hoi.xml: seen by an event" "$WLOG"'
if [ $HOOKS = 1 ]; then
    check "each batch is dated the day it runs: 2026-11-20, then 2026-11-23 ($(q "$W/out" "select group_concat(as_of, ' ') from runs"))" \
        '[ "$(q "$W/out" "select group_concat(distinct as_of) from (select as_of from runs order by id)")" = "2026-11-20,2026-11-23" ]'
    check "the letter of the later batch is dated 23 November" \
        'text_of "$W/out/so-tai-chinh-tinh-an-giang/thu-hoi/Mau10-so-tai-chinh-tinh-an-giang.pdf" | grep -qF "ngày 23 tháng 11 năm 2026" && text_of "$STC/Mau02-so-tai-chinh-tinh-an-giang.pdf" | grep -qF "ngày 20 tháng 11 năm 2026"'
else
    echo "skipped: the day of each batch (no fault hooks in $BIN)"
fi
made_at() { date -d "$(pdfinfo -isodates "$1" 2>/dev/null | sed -n 's/^CreationDate: *//p')" +%s 2>/dev/null || echo 0; }
first=$(made_at "$STC/Mau02-so-tai-chinh-tinh-an-giang.pdf")
later=$(made_at "$W/out/so-tai-chinh-tinh-an-giang/thu-hoi/Mau10-so-tai-chinh-tinh-an-giang.pdf")
check "each batch's PDFs are dated when it runs, not when watch started ($first, then $later)" \
    '[ "$first" -gt 0 ] && [ $((later - first)) -ge 8 ]'

# A note that is no roster starts one batch, then no more (not a busy loop).
echo "Ghi chú của văn thư" >"$W/in/ghi-chu.txt"
wait_for 20 'grep -qF "ghi-chu.txt is not a roster" "$WLOG"'
sleep 1 # its batch ends
runs_before=$(q "$W/out" "select count(*) from runs")
sleep 3.5
check "a file left in the folder (a clerk's note) does not start batch after batch" \
    '[ "$(q "$W/out" "select count(*) from runs")" = "$runs_before" ] && [ -f "$W/in/ghi-chu.txt" ]'

# Between batches the ledger is free: a manual run gets in at once.
mkdir -p "$W/manual"
renewals 2 9000 >"$W/manual/tay.csv"
"$BIN" run --in "$W/manual" --out "$W/out" --settle 0 --as-of 2026-11-20 >/dev/null 2>"$T/manual.err"
rc=$?
check "a manual run between the watch's batches is not kept out of the ledger (got $rc)" \
    '[ $rc -eq 0 ] && [ -f "$W/manual/done/tay.csv" ]'

# A busy ledger is one failed batch: logged, tried again after a growing delay (not in a busy
# loop), the service goes on. The test shell holds the ledger's lock itself (fd 9).
exec 9>>"$W/out/ctsbatch.db.lock"
flock -n 9 || bad "the test could not take the ledger's lock"
renewals 2 9100 >"$W/in/ban.csv"
wait_for 30 'grep -qF "trying again in 4 s" "$WLOG"'
busy=$(grep -c "another run is using the ledger" "$WLOG")
check "a busy ledger is logged and tried again after 2 s, then 4 s ($busy tries)" \
    'grep -A1 -F "another run is using the ledger" "$WLOG" | grep -qF "trying again in 2 s" && grep -qF "trying again in 4 s" "$WLOG" && [ "$busy" -ge 2 ] && alive $WPID'
flock -u 9
exec 9>&-
wait_for 30 'roster_logged ban.csv'
check "once the ledger is free the roster is processed" '[ -f "$W/in/done/ban.csv" ]'

stop_watch INT
check "SIGINT: watch exits 0 (got $WRC in $WSECS s)" '[ $WRC -eq 0 ]'
check "SIGINT: it says so" 'grep -qF "stopped by SIGINT" "$WLOG"'
check "no sanitizer report in watch's log" '! grep -qE "$SAN" "$WLOG"'

# ---- SIGHUP: a broken configuration refused, a good one taken ----

H=$T/h
mkdir -p "$H/in"
cp config/ctsbatch.xml "$H/ctsbatch.xml"
start_watch hup --in "$H/in" --out "$H/out" --settle 1 --rescan 2 --config "$H/ctsbatch.xml" --as-of 2026-11-20
echo '<ctsbatch><site>' >"$H/ctsbatch.xml"
kill -HUP "$WPID"
wait_for 10 'grep -qF "SIGHUP: the configuration" "$WLOG"'
check "SIGHUP with a broken configuration: refused, said, still running" \
    'grep -qF "SIGHUP: the configuration $H/ctsbatch.xml or its templates are refused" "$WLOG" && grep -qF "the previous ones stay in use" "$WLOG" && alive $WPID'
renewals 2 9200 >"$H/in/truoc.csv"
wait_for 30 'roster_logged truoc.csv'
check "after the refused configuration the old one runs: the letter says An Giang" \
    'text_of "$H/out/$GH/Mau08-so-tai-chinh-tinh-an-giang.pdf" | grep -qF "An Giang, ngày 20 tháng 11 năm 2026"'
sed 's|<value key="dia_danh">An Giang</value>|<value key="dia_danh">Châu Đốc</value>|' \
    config/ctsbatch.xml >"$H/ctsbatch.xml"
kill -HUP "$WPID"
wait_for 10 'grep -qF "loaded again" "$WLOG"'
check "SIGHUP with a good configuration: loaded, said" \
    'grep -qF "SIGHUP: configuration $H/ctsbatch.xml and its templates loaded again" "$WLOG" && alive $WPID'
renewals 2 9300 >"$H/in/sau.csv"
wait_for 30 'roster_logged sau.csv'
check "the new configuration takes effect: the next letter says Châu Đốc" \
    'text_of "$H/out/$GH/Mau08-so-tai-chinh-tinh-an-giang-2.pdf" | grep -qF "Châu Đốc, ngày 20 tháng 11 năm 2026"'
stop_watch TERM
check "SIGTERM when idle: exit 0 (got $WRC in $WSECS s)" '[ $WRC -eq 0 ] && ! grep -qE "$SAN" "$WLOG"'

# ---- SIGHUP and the templates: held between SIGHUPs, a broken one refused ----

TH=$T/th
mkdir -p "$TH/home" "$TH/in"
cp -r config templates "$TH/home/"
mkdir -p "$TH/home/fonts" && cp -P fonts/*.ttf "$TH/home/fonts/"
CTSBATCH_HOME=$TH/home start_watch tpl --in "$TH/in" --out "$TH/out" --settle 1 --rescan 2 --as-of 2026-11-20
m08=$TH/home/templates/mau08.xml
cp "$m08" "$T/mau08.orig"
# a word changed without SIGHUP: not used
sed -i 's|Kính gửi|Kính gửi tới|' "$m08"
renewals 2 9500 >"$TH/in/mot.csv"
wait_for 30 'roster_logged mot.csv'
check "a template edited without SIGHUP is not used: the letter reads as loaded" \
    'text_of "$TH/out/$GH/Mau08-so-tai-chinh-tinh-an-giang.pdf" | grep -qF "Kính gửi" && ! text_of "$TH/out/$GH/Mau08-so-tai-chinh-tinh-an-giang.pdf" | grep -qF "Kính gửi tới"'
# a template naming an unknown key: refused at SIGHUP, the old templates keep running
sed 's|Kính gửi|{khong_co_khoa} Kính gửi|' "$T/mau08.orig" >"$m08"
kill -HUP "$WPID"
wait_for 10 'grep -qF "SIGHUP: the configuration" "$WLOG"'
check "SIGHUP with a broken template: refused, naming it, still running" \
    'grep -qF "or its templates are refused" "$WLOG" && grep -qF "mau08.xml" "$WLOG" && grep -qF "khong_co_khoa" "$WLOG" && alive $WPID'
renewals 2 9600 >"$TH/in/hai.csv"
wait_for 30 'roster_logged hai.csv'
check "after the refused template the old ones run: a letter is made, with no {…}" \
    '[ -f "$TH/in/done/hai.csv" ] && ! text_of "$TH/out/$GH/Mau08-so-tai-chinh-tinh-an-giang-2.pdf" | grep -qF "{"'
# the edit taken at the next good SIGHUP
sed 's|Kính gửi|Kính gửi tới|' "$T/mau08.orig" >"$m08"
kill -HUP "$WPID"
wait_for 10 'grep -qF "and its templates loaded again" "$WLOG"'
renewals 2 9700 >"$TH/in/ba.csv"
wait_for 30 'roster_logged ba.csv'
check "a good SIGHUP takes the edited template: the next letter reads «Kính gửi tới»" \
    'text_of "$TH/out/$GH/Mau08-so-tai-chinh-tinh-an-giang-3.pdf" | grep -qF "Kính gửi tới"'
stop_watch TERM
check "watch with its templates stops with 0 (got $WRC)" '[ $WRC -eq 0 ] && ! grep -qE "$SAN" "$WLOG"'
# a broken template at start: watch does not start (status 2), saying why
sed 's|Kính gửi|{khong_co_khoa} Kính gửi|' "$T/mau08.orig" >"$m08"
CTSBATCH_HOME=$TH/home "$BIN" watch --in "$TH/in" --out "$TH/out" --settle 1 >"$T/tplbad.out" 2>"$T/tplbad.err" &
bad=$!
wait_for 20 '! alive $bad'
wait $bad && brc=0 || brc=$?
check "a broken template at start: watch exits 2 naming it (got $brc)" \
    '[ $brc -eq 2 ] && grep -qF "khong_co_khoa" "$T/tplbad.err"'

# ---- an operator error in a batch (a full disk, injected) does not stop the service ----

if [ $HOOKS = 1 ]; then
    F=$T/full
    mkdir -p "$F/in"
    # the first file operation of the process fails with ENOSPC: the first batch cannot even
    # make its output folder
    CTSBATCH_FAULT_FAIL_AT=1 start_watch full --in "$F/in" --out "$F/out" --settle 1 --rescan 2 --as-of 2026-11-20
    renewals 2 9400 >"$F/in/day.csv"
    wait_for 30 'roster_logged day.csv'
    check "an operator error (exit status 3 of the batch) is logged and the batch tried again later" \
        'grep -qF "No space left on device" "$WLOG" && grep -qF "the batch ended with status 3; trying again in 2 s" "$WLOG"'
    check "after the operator error the roster is processed, once" \
        '[ -f "$F/in/done/day.csv" ] && [ "$(mau07 "$F/out")" -eq 2 ] && [ "$(q "$F/out" "select count(*) from requests")" = 2 ]'
    stop_watch TERM
    check "the watch that met the full disk stops with exit 0 (got $WRC)" '[ $WRC -eq 0 ] && ! grep -qE "$SAN" "$WLOG"'
fi

# ---- SIGTERM while the batch waits for a file to settle: at once, the file left alone ----

S=$T/settle
mkdir -p "$S/in"
start_watch settle --in "$S/in" --out "$S/out" --settle 3 --rescan 2 --as-of 2026-11-20
cp "$SAMPLES/stc-cap-moi.csv" "$S/in/"
wait_for 20 'grep -qF "waiting 3 s for 1 file(s) to settle" "$WLOG"'
stop_watch TERM
check "SIGTERM during the settling: exit 0 within 2 s (got $WRC in $WSECS s)" \
    '[ $WRC -eq 0 ] && awk -v s="$WSECS" "BEGIN { exit !(s <= 2) }"'
check "SIGTERM during the settling: the roster untouched in the drop folder, no 'no roster' line" \
    '[ -f "$S/in/stc-cap-moi.csv" ] && [ ! -e "$S/in/done" ] && ! grep -qF "no roster" "$T/settle.out" && ! grep -qE "$SAN" "$WLOG"'

# ---- SIGTERM in the middle of a large roster ----

if [ $HOOKS = 1 ]; then
    B=$T/big
    mkdir -p "$B/in"
    N=40
    renewals $N 1000 >"$B/lon.csv"
    cp "$B/lon.csv" "$B/in/"
    CTSBATCH_FAULT_SLOW_MS=200 start_watch big1 --in "$B/in" --out "$B/out" --settle 1 --rescan 2 --as-of 2026-11-20
    wait_for 40 '[ "$(find "$B/out/.tmp" -type f 2>/dev/null | wc -l)" -ge 3 ]'
    staged=$(find "$B/out/.tmp" -type f 2>/dev/null | wc -l)
    stop_watch TERM
    check "SIGTERM mid-batch ($staged documents staged): exit 0 within 5 s (got $WRC in $WSECS s)" \
        '[ "$staged" -ge 3 ] && [ $WRC -eq 0 ] && awk -v s="$WSECS" "BEGIN { exit !(s <= 5) }"'
    check "SIGTERM mid-batch: the roster stays in the drop folder, unchanged" \
        'cmp -s "$B/in/lon.csv" "$B/lon.csv" && [ ! -e "$B/in/done/lon.csv" ] && [ ! -e "$B/in/held" ]'
    check "SIGTERM mid-batch: no document of it placed, nothing left staged" \
        '[ "$(mau07 "$B/out")" -eq 0 ] && [ "$(find "$B/out/.tmp" -type f 2>/dev/null | wc -l)" -eq 0 ] && [ -z "$(find "$B/out" -name ".*.tmp-*")" ]'
    check "SIGTERM mid-batch: the ledger issued nothing, and counts no failed attempt" \
        '[ "$(q "$B/out" "select count(*) from requests")" = 0 ] && [ "$(q "$B/out" "select count(*) from documents")" = 0 ] && [ "$(q "$B/out" "select count(*) from attempts where outcome in ('"'"'loi'"'"', '"'"'sap'"'"')")" = 0 ]'
    check "SIGTERM mid-batch: the log says the roster was stopped and is left" \
        'grep -qF "lon.csv: kept (stopped before it was finished" "$WLOG" && grep -qF "stopped by SIGTERM" "$WLOG" && ! grep -qE "$SAN" "$WLOG"'

    start_watch big2 --in "$B/in" --out "$B/out" --settle 1 --rescan 2 --as-of 2026-11-20
    sleep 2.5 # the batch of lon.csv has begun: a roster dropped now waits for it
    renewals 3 5000 >"$B/in/nho.csv"
    wait_for 60 'roster_logged lon.csv && roster_logged nho.csv'
    check "the next start does the rest: every form of the large roster, once" \
        '[ "$(mau07 "$B/out")" -eq $((N + 3)) ] && [ "$(q "$B/out" "select count(*) from requests")" = $((N + 3)) ] && [ "$(q "$B/out" "select count(*) from documents where path like '"'"'%Mau07-%'"'"'")" = $((N + 3)) ]'
    check "the roster dropped while the watch was busy is processed after" \
        '[ -f "$B/in/done/nho.csv" ] && grep -qF "nho.csv: done; 3 row(s): 3 accepted" "$WLOG"'
    cp "$B/lon.csv" "$B/in/lon.csv"
    wait_for 30 '[ "$(grep -c "lon.csv: done;" "$WLOG")" -ge 2 ]'
    check "the same large roster dropped again issues nothing twice" \
        '[ "$(mau07 "$B/out")" -eq $((N + 3)) ] && [ "$(q "$B/out" "select count(*) from requests")" = $((N + 3)) ] && grep -qF "lon.csv: done; $N row(s): $N accepted ($N issued before)" "$WLOG"'
    stop_watch TERM
    check "the second watch stops with exit 0 (got $WRC in $WSECS s)" '[ $WRC -eq 0 ] && ! grep -qE "$SAN" "$WLOG"'
else
    echo "skipped: SIGTERM mid-batch (no fault hooks in $BIN to slow the batch)"
fi

echo "e2e_watch: $pass passed, $fail failed in $(($(date +%s) - START)) s"
[ $fail -eq 0 ]
