#!/usr/bin/env bash
# End-to-end: the certificate register and the monthly renewal campaign (issue 12), as an
# operator runs them: import tests/data/register.csv, `renew --as-of 2026-12-01`, a second
# renew, a clerk's renewal roster the register contradicts, validate --db, confirm, export.
# The expected certificates are worked out by hand from the window of the issue with the
# shipped parameters (60 and 30 days): expiry from 30/01/2027 to before 01/04/2027.
# CTSBATCH names the binary to test.
set -u
cd "$(dirname "$0")/.."
BIN=${CTSBATCH:-./ctsbatch}
case $BIN in */* | ./*) [ -x "$BIN" ] && BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")" ;; esac
DATA=tests/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); [ -z "${E2E_VERBOSE:-}" ] || echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
unset CTSBATCH_FAULT_KILL_AT CTSBATCH_FAULT_FAIL_AT CTSBATCH_FAULT_CRASH_IN
export SOURCE_DATE_EPOCH=1764547200
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=86"
OUT=$T/out
STC=$OUT/so-tai-chinh-tinh-an-giang/gia-han
SNV=$OUT/so-noi-vu-tinh-an-giang/gia-han
CAMP=$OUT/chien-dich-gia-han/2026-12-01
q() { sqlite3 "$OUT/ctsbatch.db" "$1" 2>&1; }
pdfs() { find "$OUT" -name 'Mau*.pdf' -printf '%P\n' | sort; }
text_of() { pdftotext -layout "$1" - 2>/dev/null; }

# ---- import, twice ----
"$BIN" register import $DATA/register.csv --out "$OUT" >"$T/imp1.out" 2>"$T/imp1.err"
rc=$?
check "import: exit 1, two rows rejected (got $rc)" '[ $rc -eq 1 ]'
check "import: 9 added, 2 rejected" 'grep -qF "11 row(s): 9 added, 0 updated, 0 unchanged, 2 rejected" "$T/imp1.out"'
check "import: the short CCCD is rejected with the rules' message, file and row" \
    'grep -qF "register.csv, dòng 11, «Số CCCD»: Số CCCD «08918001010» phải gồm đúng 12 chữ số" "$T/imp1.out"'
check "import: the serial named twice is trung-lap, naming the first row" \
    'grep -F "register.csv, dòng 12, «Số hiệu chứng thư số»" "$T/imp1.out" | grep -qF "đã có ở dòng 2"'
check "import: 9 certificates, the spaced serial kept without its spaces" \
    '[ "$(q "select count(*) from certificates")" -eq 9 ] && [ "$(q "select trang_thai from certificates where so_hieu_cts = '"'"'5401A00000000000000000000000A005'"'"'")" = hoat-dong ]'
"$BIN" register import $DATA/register.csv --out "$OUT" >"$T/imp2.out" 2>&1
check "re-import: nothing changed, and it says so" \
    'grep -qF "0 added, 0 updated, 9 unchanged" "$T/imp2.out" && grep -qF "nothing changed" "$T/imp2.out"'

# ---- the campaign ----
"$BIN" renew --as-of 2026-12-01 --out "$OUT" >"$T/renew1.out" 2>"$T/renew1.err"
rc=$?
check "renew: exit 0 (got $rc; $(head -c 300 "$T/renew1.err"))" '[ $rc -eq 0 ]'
want="so-noi-vu-tinh-an-giang/gia-han/Mau07-vo-thi-my-duyen.pdf
so-noi-vu-tinh-an-giang/gia-han/Mau08-so-noi-vu-tinh-an-giang.pdf
so-tai-chinh-tinh-an-giang/gia-han/Mau07-le-van-tam.pdf
so-tai-chinh-tinh-an-giang/gia-han/Mau07-nguyen-thi-anh-tuyet.pdf
so-tai-chinh-tinh-an-giang/gia-han/Mau07-trung-tam-tu-van-va-dich-vu-tai-chinh-cong-tinh-an-giang.pdf
so-tai-chinh-tinh-an-giang/gia-han/Mau08-so-tai-chinh-tinh-an-giang.pdf"
check "renew: exactly the window's four Mẫu 07 and one Mẫu 08 per agency ($(pdfs | tr '\n' ' '))" \
    '[ "$(pdfs)" = "$want" ]'
check "renew: says 4 prepared for 2 agencies, 6 documents, 3 not renewable" \
    'grep -qF "4 certificate(s) prepared for 2 agencies, 6 document(s); 3 cannot be renewed" "$T/renew1.out"'
l08=$(text_of "$STC/Mau08-so-tai-chinh-tinh-an-giang.pdf")
# the serials wrap in the letter's table: their last digits are on the second line
lists() { local s; for s in "$@"; do echo "$l08" | grep -q "000000000$s" || return 1; done; }
check "renew: Sở Tài chính's Mẫu 08 lists its three certificates, not the renewed-once one" \
    'echo "$l08" | grep -qF "cho 3 thuê bao" && lists A001 A002 A009 && ! echo "$l08" | grep -q A004'
f07=$(text_of "$STC/Mau07-nguyen-thi-anh-tuyet.pdf")
check "renew: Mẫu 07 pre-filled from the register (name, serial, CCCD)" \
    'echo "$f07" | grep -qF "Nguyễn Thị Ánh Tuyết" && echo "$f07" | tr -d " \n" | grep -q 5401A00000000000000000000000A001 && echo "$f07" | grep -q 089185001234'
check "renew: four renewals pending in the ledger, from the campaign's run" \
    '[ "$(q "select count(*) from cert_requests where status = '"'"'cho-xac-nhan'"'"' and procedure = '"'"'gia-han'"'"'")" -eq 4 ]'
roster=$CAMP/gia-han-2026-12-01.csv
check "renew: the pre-filled roster (CSV and XLSX) holds the four certificates" \
    '[ "$(($(wc -l <"$roster") - 1))" -eq 4 ] && [ -s "$CAMP/gia-han-2026-12-01.xlsx" ] && grep -q "^gia-han,ca-nhan,2026-12-01,Sở Nội vụ tỉnh An Giang,Võ Thị Mỹ Duyên" "$roster"'
check "renew: the roster went through the run: done/ with its result" \
    '[ -s "$OUT/chien-dich-gia-han/nhan/done/gia-han-2026-12-01.csv.ketqua.csv" ]'
rep=$CAMP/bao-cao.csv
check "renew: the report sums up each agency" \
    'grep -F "Sở Tài chính tỉnh An Giang" "$rep" | grep -qF "đã lập hồ sơ gia hạn cho 3 chứng thư số (3 Mẫu 07, 1 Mẫu 08); 1 chứng thư số không gia hạn được" && grep -F "Sở Nội vụ tỉnh An Giang" "$rep" | grep -qF "cho 1 chứng thư số (1 Mẫu 07, 1 Mẫu 08); 2 chứng thư số"'
check "report: renewed once: cấp mới, Mẫu 01 and 02" \
    'grep -F A004 "$rep" | grep -F "đã được gia hạn 1 lần" | grep -qF "giấy đề nghị Mẫu 01 và công văn đề nghị Mẫu 02"'
check "report: 45 days left: not renewable" 'grep -F A006 "$rep" | grep -qF "chỉ còn 45 ngày"'
check "report: expired: not renewable" 'grep -F A007 "$rep" | grep -qF "đã hết hạn ngày 10/11/2026"'
check "report: the one after the window and the revoked one are not in it" \
    '! grep -q "A003\|A008" "$rep"'
check "report: its workbook holds the rows too" \
    '[ -s "$CAMP/bao-cao.xlsx" ] && unzip -p "$CAMP/bao-cao.xlsx" xl/sharedStrings.xml xl/worksheets/sheet1.xml 2>/dev/null | grep -q 5401A00000000000000000000000A004'

# ---- the same month again ----
before=$(pdfs | wc -l)
"$BIN" renew --as-of 2026-12-01 --out "$OUT" >"$T/renew2.out" 2>"$T/renew2.err"
rc=$?
check "second renew: exit 0, nothing new to prepare (got $rc)" \
    '[ $rc -eq 0 ] && grep -qF "0 certificate(s) prepared" "$T/renew2.out" && grep -qF "nothing new to prepare" "$T/renew2.out"'
check "second renew: no new document, no new roster, still four pending" \
    '[ "$(pdfs | wc -l)" -eq "$before" ] && [ ! -e "$CAMP/gia-han-2026-12-01-2.csv" ] && [ "$(q "select count(*) from cert_requests")" -eq 4 ]'
check "second renew: its report beside the first, which stays" '[ -s "$CAMP/bao-cao-2.csv" ] && grep -q A001 "$rep"'
# a later day of the same month: the month's campaign keeps its window (01/12/2026's)
"$BIN" renew --as-of 2026-12-15 --out "$OUT" >"$T/renew3.out" 2>"$T/renew3.err"
rc=$?
check "renew of 15/12 after 01/12: exit 0, says the month's campaign keeps its window (got $rc)" \
    '[ $rc -eq 0 ] && grep -qF "the campaign of 12/2026 ran as of 2026-12-01" "$T/renew3.out" && grep -qF "0 certificate(s) prepared" "$T/renew3.out"'
check "renew of 15/12: no new document, no folder of its own, no second Mẫu 08, still four pending" \
    '[ "$(pdfs | wc -l)" -eq "$before" ] && [ ! -e "$OUT/chien-dich-gia-han/2026-12-15" ] && [ "$(q "select count(*) from cert_requests")" -eq 4 ] && [ -s "$CAMP/bao-cao-3.csv" ]'

# ---- January's campaign (on a copy): what expired before December's is not listed again ----
cp -r "$OUT" "$T/jan"
"$BIN" renew --as-of 2027-01-01 --out "$T/jan" >"$T/renew-jan.out" 2>"$T/renew-jan.err"
rc=$?
jrep=$T/jan/chien-dich-gia-han/2027-01-01/bao-cao.csv
check "January's renew: exit 0 (got $rc)" '[ $rc -eq 0 ] && [ -s "$jrep" ]'
check "January's report: the certificate expired on 10/11/2026, listed by December's, is not listed again" \
    '! grep -q A007 "$jrep"'
check "January's report: still lists what expires after December's campaign (14 days left, renewed once)" \
    'grep -F A006 "$jrep" | grep -qF "chỉ còn 14 ngày" && grep -F A004 "$jrep" | grep -qF "đã được gia hạn 1 lần"'

# ---- a clerk's roster the register contradicts ----
mkdir -p "$T/in"
cat >"$T/in/gia-han-tay.csv" <<'EOF'
thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong
gia-han,ca-nhan,Sở Tài chính tỉnh An Giang,Trần Văn Hiếu,089086003344,Trưởng phòng,Phòng Giá - Công sản,hieutv@angiang.gov.vn,0918 303 404,5401A00000000000000000000000A004,15/02/2027,0,có
gia-han,ca-nhan,Sở Tài chính tỉnh An Giang,Lê Văn Tám,089090002212,Chuyên viên,Phòng Tin học - Thống kê,tamlv@angiang.gov.vn,0939 111 222,5401A00000000000000000000000A002,31/03/2027,0,có
EOF
"$BIN" validate "$T/in/gia-han-tay.csv" --as-of 2026-12-01 --db "$OUT/ctsbatch.db" >"$T/val.out" 2>&1
rc=$?
check "validate --db: exit 1, renewed once by the register although the roster says 0" \
    '[ $rc -eq 1 ] && grep -qF "[gia-han-mot-lan]" "$T/val.out" && grep -qF "Danh sách ghi số lần đã gia hạn là 0, sổ đăng ký chứng thư số ghi 1" "$T/val.out"'
"$BIN" run --in "$T/in" --out "$OUT" --as-of 2026-12-01 --settle 0 >"$T/run.out" 2>"$T/run.err"
rc=$?
kq=$T/in/done/gia-han-tay.csv.ketqua.csv
check "run: exit 1, both rows rejected (got $rc)" '[ $rc -eq 1 ] && [ "$(grep -c "\"Bị từ chối\"" "$kq")" -eq 2 ]'
check "run: renewed once per the register, with so_lan_gia_han 0 in the roster" \
    'grep -F "Trần Văn Hiếu" "$kq" | grep -qF "Theo sổ đăng ký chứng thư số, chứng thư số này đã được gia hạn 1 lần"'
check "run: the campaign's pending renewal makes a second request trung-lap, naming run and date" \
    'grep -F "Lê Văn Tám" "$kq" | grep -qF "đã được lập ở lần chạy số 1 ngày 01/12/2026"'
check "run: no document for either" '[ ! -e "$STC/Mau07-tran-van-hieu.pdf" ] && [ "$(pdfs | wc -l)" -eq "$before" ]'

# ---- the provider's answer ----
# dated before the campaign made the request (01/12/2026): refused, nothing changed
cat >"$T/xacnhan-som.csv" <<'EOF'
so_hieu_cts,thu_tuc,ngay_het_han_moi,ngay_xac_nhan
5401A00000000000000000000000A001,gia-han,30/01/2030,30/11/2026
EOF
"$BIN" register confirm "$T/xacnhan-som.csv" --out "$OUT" >"$T/conf0.out" 2>&1
rc=$?
check "confirm dated before the request: exit 1, not applied, both dates said (got $rc)" \
    '[ $rc -eq 1 ] && grep -qF "0 request(s) confirmed, 1 row(s) not applied" "$T/conf0.out" && grep -qF "ngày xác nhận 30/11/2026 trước ngày lập yêu cầu «Gia hạn» của chứng thư số 5401A00000000000000000000000A001 (01/12/2026" "$T/conf0.out"'
check "confirm dated before the request: the certificate unchanged, its renewal still pending" \
    '[ "$(q "select ngay_het_han || '"'"'|'"'"' || so_lan_gia_han from certificates where so_hieu_cts = '"'"'5401A00000000000000000000000A001'"'"'")" = "2027-01-30|0" ] && [ "$(q "select count(*) from cert_requests where serial = '"'"'5401A00000000000000000000000A001'"'"' and status = '"'"'cho-xac-nhan'"'"'")" -eq 1 ]'
cat >"$T/xacnhan.csv" <<'EOF'
so_hieu_cts,thu_tuc,ngay_het_han_moi,ngay_xac_nhan
5401 A000 0000 0000 0000 0000 0000 A005,gia-han,20/02/2030,05/12/2026
EOF
"$BIN" register confirm "$T/xacnhan.csv" --out "$OUT" >"$T/conf1.out" 2>&1
rc=$?
check "confirm: exit 0, one confirmed (got $rc)" '[ $rc -eq 0 ] && grep -qF "1 request(s) confirmed, 0 row(s) not applied" "$T/conf1.out"'
"$BIN" register confirm "$T/xacnhan.csv" --out "$OUT" >"$T/conf2.out" 2>&1
check "confirm again: nothing pending, nothing applied" 'grep -qF "0 request(s) confirmed, 1 row(s) not applied" "$T/conf2.out"'
"$BIN" register export --out "$OUT" >/dev/null 2>&1
"$BIN" register export --format xlsx --to "$T/so.xlsx" --out "$OUT" >/dev/null 2>&1
check "export: the confirmed renewal: renewed once, new expiry" \
    'grep -q "^5401A00000000000000000000000A005,.*,20/02/2030,1,hoat-dong," "$OUT/so-dang-ky.csv"'
check "export: the xlsx holds the register" \
    'unzip -p "$T/so.xlsx" xl/sharedStrings.xml xl/worksheets/sheet1.xml 2>/dev/null | grep -q 5401A00000000000000000000000A009'
cp "$OUT/so-dang-ky.csv" "$T/so.csv"
"$BIN" register import "$T/so.csv" --out "$OUT" >"$T/imp3.out" 2>&1
check "export read back by import: nothing changes" 'grep -qF "9 row(s): 0 added, 0 updated, 9 unchanged, 0 rejected" "$T/imp3.out"'
"$BIN" register import "$T/so.xlsx" --out "$OUT" >"$T/imp4.out" 2>&1
check "the xlsx export read back by import (the spreadsheet reader): nothing changes" \
    'grep -qF "9 row(s): 0 added, 0 updated, 9 unchanged, 0 rejected" "$T/imp4.out"'

# ---- a register file as XML (roster.xsd knows the register's keys) ----
"$BIN" register import $DATA/register.xml --out "$T/x" >"$T/xml.out" 2>&1
rc=$?
check "import of an XML register: exit 0, one added, dates and status kept (got $rc; $(head -c 200 "$T/xml.out"))" \
    '[ $rc -eq 0 ] && grep -qF "1 row(s): 1 added" "$T/xml.out" && [ "$(sqlite3 "$T/x/ctsbatch.db" "select co_quan_quan_ly || '"'"'|'"'"' || ngay_cap || '"'"'|'"'"' || ngay_het_han || '"'"'|'"'"' || trang_thai from certificates")" = "Sở Tài chính tỉnh An Giang|2022-02-01|2027-02-01|hoat-dong" ]'

# ---- a register file of several read blocks, read in stream (issue 12 item 5) ----
# 12,000 rows (2.2 MB of CSV, read a 1 MiB block at a time): a serial given again past the
# first block, a CCCD that lost its 0 in the last rows, US dates decided over the whole file
awk 'BEGIN {
    print "so_hieu_cts,loai_thue_bao,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,co_quan_quan_ly,ngay_cap,ngay_het_han,so_lan_gia_han,trang_thai";
    for (i = 1; i <= 12000; i++)
        printf "5402%012X,ca-nhan,Cán bộ %d,%s%.0f,Chuyên viên,Văn phòng,cb%06d@angiang.gov.vn,09%08d,Sở Nội vụ tỉnh An Giang,1/%d/2022,3/%d/2027,0,hoat-dong\n", \
            (i == 9000 ? 7 : i), i, (i > 11990 ? "" : "0"), 89200000000 + i, i, i, 13 + i % 15, 13 + i % 15;
}' >"$T/big.csv"
"$BIN" register import "$T/big.csv" --out "$T/big" >"$T/big.out" 2>&1
rc=$?
check "import of 12,000 rows in stream: exit 1, 11,999 added, the repeated serial rejected (got $rc; $(tail -n 2 "$T/big.out" | head -c 300))" \
    '[ $rc -eq 1 ] && grep -qF "12000 row(s): 11999 added, 0 updated, 0 unchanged, 1 rejected" "$T/big.out"'
check "import in stream: the serial repeated at row 9001 names its first row, 8" \
    'grep -F "big.csv, dòng 9001, «Số hiệu chứng thư số»" "$T/big.out" | grep -qF "đã có ở dòng 8"'
check "import in stream: the file's warnings are said before its rows, each column's own US date quoted" \
    'head -n 1 "$T/big.out" | grep -qF "big.csv: Cột «Số CCCD»: Excel đã bỏ số 0 ở đầu của 10 dòng" && grep -F "Cột «Ngày cấp chứng thư số»" "$T/big.out" | grep -qF "(có ngày «1/14/2022»)"'
check "import in stream: the lost zeros put back and the US dates turned (row 11,995: 0892…, 2027-03-…)" \
    '[ "$(sqlite3 "$T/big/ctsbatch.db" "select so_cccd || '"'"'|'"'"' || ngay_het_han from certificates where ho_ten = '"'"'Cán bộ 11995'"'"'")" = "089200011995|2027-03-$(printf %02d $((13 + 11995 % 15)))" ]'

# a later file of one import names a serial again: it updates, it is no duplicate
printf 'so_hieu_cts,trang_thai\n5401A00000000000000000000000A005,thu-hoi\n' >"$T/upd.csv"
"$BIN" register import $DATA/register.csv "$T/upd.csv" --out "$T/two" >"$T/two.out" 2>&1
check "import of two files: the second file's serial updates the first's ($(tail -n 2 "$T/two.out" | head -c 300))" \
    'grep -qF "upd.csv: 1 row(s): 0 added, 1 updated, 0 unchanged, 0 rejected" "$T/two.out" && [ "$(sqlite3 "$T/two/ctsbatch.db" "select trang_thai from certificates where so_hieu_cts = '"'"'5401A00000000000000000000000A005'"'"'")" = thu-hoi ]'

# ---- an import is whole or not at all (fault hooks of the sanitizer build: fault.h) ----
certs_in() { sqlite3 "$1/ctsbatch.db" "select count(*) from certificates" 2>/dev/null || echo 0; }
CTSBATCH_FAULT_FAIL_AT=1 "$BIN" register import $DATA/register.csv --out "$T/f0" >/dev/null 2>&1
if [ $? -ne 3 ]; then
    echo "skipped: fault sweeps (a build without CTS_FAULT_HOOKS)"
else
    # every operation from the ledger's creation to the commit, until one passes them all
    partial="" failed=0 killed=0 n=0 rc=3
    while [ $rc -ne 1 ] && [ $n -lt 200 ]; do
        n=$((n + 1))
        rm -rf "$T/f"
        CTSBATCH_FAULT_FAIL_AT=$n "$BIN" register import $DATA/register.csv --out "$T/f" >/dev/null 2>&1
        rc=$? c=$(certs_in "$T/f")
        [ $rc -eq 3 ] && failed=$((failed + 1))
        { [ $rc -eq 3 ] && [ "${c:-0}" -eq 0 ]; } || { [ $rc -eq 1 ] && [ "$c" -eq 9 ]; } || partial="$partial fail@$n:rc=$rc,$c"
        rm -rf "$T/k"
        (CTSBATCH_FAULT_KILL_AT=$n "$BIN" register import $DATA/register.csv --out "$T/k" >/dev/null 2>&1; :) 2>/dev/null
        kc=$(certs_in "$T/k")
        [ "${kc:-0}" -eq 0 ] && killed=$((killed + 1))
        [ "${kc:-0}" -eq 0 ] || [ "$kc" -eq 9 ] || partial="$partial kill@$n:$kc"
    done
    check "import under a full disk or kill -9 at each of its $n operations: all or nothing ($failed failed, $killed killed;$partial)" \
        '[ -z "$partial" ] && [ $rc -eq 1 ] && [ $failed -gt 9 ] && [ $killed -gt 9 ]'
fi

# ---- a campaign killed at any operation, then run again: each certificate once ----
if [ -n "${killed:-}" ]; then
    "$BIN" register import $DATA/register.csv --out "$T/kbase" >/dev/null 2>&1
    wrong="" n=0 rc=137
    while [ $rc -eq 137 ] && [ $n -lt 1000 ]; do
        n=$((n + 1))
        rm -rf "$T/kr" && cp -r "$T/kbase" "$T/kr"
        rc=$( (CTSBATCH_FAULT_KILL_AT=$n "$BIN" renew --as-of 2026-12-01 --out "$T/kr" >/dev/null 2>&1; echo $?) 2>/dev/null)
        "$BIN" renew --as-of 2026-12-01 --out "$T/kr" >"$T/kr.out" 2>"$T/kr.err" || wrong="$wrong rerun@$n"
        got=$(find "$T/kr" -name 'Mau*.pdf' -printf '%P\n' | sort)
        pend=$(sqlite3 "$T/kr/ctsbatch.db" "select count(*) from cert_requests where status = 'cho-xac-nhan'")
        [ "$got" = "$want" ] && [ "$pend" -eq 4 ] || wrong="$wrong kill@$n:$(echo "$got" | wc -l)docs,${pend}pending"
        [ ! -d "$T/kr/.tmp" ] || [ -z "$(ls -A "$T/kr/.tmp")" ] || wrong="$wrong tmp@$n"
    done
    check "renew killed at each of its $n operations, then run again: the six documents once, four pending ($wrong)" \
        '[ -z "$wrong" ] && [ $rc -eq 0 ] && [ $n -gt 20 ]'
fi

# ---- a mistyped --out: the commands that read the register make no empty ledger of it ----
typo_ok=1
for cmd in "renew --as-of 2026-12-01" "register export" "register withdraw 5401" "register confirm $DATA/register.csv"; do
    # shellcheck disable=SC2086 # the command's words
    "$BIN" $cmd --out "$T/typo" >"$T/typo.out" 2>"$T/typo.err" && trc=0 || trc=$?
    { [ $trc -eq 2 ] && grep -qF "no ledger at $T/typo/ctsbatch.db" "$T/typo.err" && [ ! -e "$T/typo/ctsbatch.db" ]; } || typo_ok=0
done
check "renew, export, withdraw, confirm with a mistyped --out: status 2, no ledger made, said" '[ $typo_ok = 1 ]'

check "no sanitizer report" '! grep -q "runtime error\|Sanitizer" "$T"/*.err "$T"/*.out 2>/dev/null'
echo "e2e_register: $pass passed, $fail failed"
[ $fail -eq 0 ]
