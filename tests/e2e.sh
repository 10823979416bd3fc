#!/usr/bin/env bash
# End-to-end: runs the built program on fixture rosters as a clerk would, then reads the PDFs
# back with pdftotext and pdffonts (STYLE.md 15). CTSBATCH names the binary to test.
set -u
cd "$(dirname "$0")/.."
BIN=${CTSBATCH:-./ctsbatch}
DATA=tests/data
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
text() { pdftotext -layout "$1" - 2>/dev/null; }
contains() { text "$1" | grep -qF -- "$2"; }

export SOURCE_DATE_EPOCH=1763600000
STC=so-tai-chinh-tinh-an-giang/cap-moi
SNV=so-noi-vu-tinh-an-giang/cap-moi

# ---- run: one roster with an accepted NFD name, a rejected row and two agencies ----
mkdir -p "$T/in" "$T/out"
cp $DATA/e2e_cap_moi.csv "$T/in/"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-20 --settle 0 >"$T/run.out" 2>"$T/run.err"
rc=$?
check "run exits 1 when a row is rejected (got $rc)" '[ $rc -eq 1 ]'
expected="$STC/Mau01-nguyen-thi-anh-tuyet.pdf
$STC/Mau01-pham-thi-hong-ngoc.pdf
$STC/Mau02-so-tai-chinh-tinh-an-giang.pdf
$SNV/Mau01-vo-thi-my-duyen.pdf
$SNV/Mau02-so-noi-vu-tinh-an-giang.pdf"
actual=$(cd "$T/out" && find . -name 'Mau*.pdf' | sed 's|^\./||' | sort)
check "exactly the planned documents (got: $actual)" '[ "$actual" = "$(echo "$expected" | sort)" ]'
check "no temporary file left in outputs" '[ -z "$(find "$T/out" -name "*.tmp-*")" ]'

for f in $STC/Mau01-nguyen-thi-anh-tuyet.pdf $STC/Mau01-pham-thi-hong-ngoc.pdf; do
    p="$T/out/$f"
    check "$f: Quốc hiệu" 'contains "$p" "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"'
    check "$f: Tiêu ngữ" 'contains "$p" "Độc lập - Tự do - Hạnh phúc"'
    check "$f: title" 'contains "$p" "GIẤY ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ"'
    check "$f: date in NĐ 30 form" 'contains "$p" "An Giang, ngày 20 tháng 11 năm 2026"'
    check "$f: signature captions" 'contains "$p" "(Ký, ghi rõ họ tên)" && contains "$p" "(Ký tên, đóng dấu)"'
    check "$f: head of agency from the register" 'contains "$p" "Trần Văn Bình"'
done
check "Mẫu 01 name" 'contains "$T/out/$STC/Mau01-nguyen-thi-anh-tuyet.pdf" "Nguyễn Thị Ánh Tuyết"'
# written decomposed in the roster: must come out precomposed (NFC), byte for byte
nfc_name=$(printf 'Ph\xe1\xba\xa1m Th\xe1\xbb\x8b H\xe1\xbb\x93ng Ng\xe1\xbb\x8dc')
check "NFD input extracts as NFC" 'contains "$T/out/$STC/Mau01-pham-thi-hong-ngoc.pdf" "$nfc_name"'
check "no combining marks in any extracted text" \
    '! for p in $(find "$T/out" -name "*.pdf"); do text "$p"; done | grep -qP "\xcc[\x80-\xbf]|\xcd[\x80-\xaf]"'

m02="$T/out/$STC/Mau02-so-tai-chinh-tinh-an-giang.pdf"
check "Mẫu 02: national header" 'contains "$m02" "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" && contains "$m02" "Độc lập - Tự do - Hạnh phúc"'
check "Mẫu 02: agency header" 'contains "$m02" "UBND TỈNH AN GIANG" && contains "$m02" "SỞ TÀI CHÍNH TỈNH AN GIANG"'
check "Mẫu 02: number left blank with the ký hiệu" 'text "$m02" | grep -qE "Số:.*/STC-VP"'
check "Mẫu 02: recipient" 'contains "$m02" "Kính gửi: Sở Thông tin và Truyền thông tỉnh An Giang"'
check "Mẫu 02: lists both accepted names" 'contains "$m02" "Nguyễn Thị Ánh" && contains "$m02" "Phạm Thị Hồng"'
check "Mẫu 02: rejected row not listed" '! contains "$m02" "Lê Văn Tám"'
check "Mẫu 02: Nơi nhận and signature" 'contains "$m02" "Nơi nhận:" && contains "$m02" "GIÁM ĐỐC"'
check "no form or letter names the rejected row" '! for p in $(find "$T/out" -name "Mau*.pdf"); do text "$p"; done | grep -qF "Lê Văn Tám"'

fonts_ok=1
for p in $(find "$T/out" -name '*.pdf'); do
    rows=$(pdffonts "$p" 2>/dev/null | tail -n +3)
    [ -n "$rows" ] || fonts_ok=0
    echo "$rows" | awk '{ if ($(NF-4) != "yes") exit 1 }' || fonts_ok=0
done
check "pdffonts: every font embedded" '[ $fonts_ok -eq 1 ]'

rp="$T/out/report.pdf"
check "report.pdf: title and counts" 'contains "$rp" "BÁO CÁO KẾT QUẢ KIỂM TRA" && text "$rp" | grep -qF "hợp lệ: 3, bị từ chối: 1"'
check "report.pdf: the rejected row and what to fix" 'contains "$rp" "Lê Văn Tám" && contains "$rp" "Thiếu «Số CCCD»: hãy điền"'
check "report.csv has a BOM" '[ "$(head -c 3 "$T/out/report.csv" | od -An -tx1 | tr -d " ")" = "efbbbf" ]'
check "report.csv tells what to fix" 'grep -qF "Thiếu «Số CCCD»" "$T/out/report.csv"'
check "roster moved to done/, unchanged" 'cmp -s "$T/in/done/e2e_cap_moi.csv" $DATA/e2e_cap_moi.csv'
check "nothing left in the drop folder" '[ -z "$(find "$T/in" -maxdepth 1 -type f)" ]'

# ---- run twice: same bytes (SOURCE_DATE_EPOCH), earlier roster not overwritten ----
mkdir -p "$T/first" && cp -r "$T/out/." "$T/first/"
cp $DATA/e2e_cap_moi.csv "$T/in/"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
check "second run: byte-identical PDFs" 'diff -r "$T/first" "$T/out" >/dev/null'
check "second run: done/ keeps both copies" '[ -f "$T/in/done/e2e_cap_moi.csv" ] && [ -f "$T/in/done/e2e_cap_moi.2.csv" ]'

# ---- a file that cannot be read is moved aside with an explanation ----
printf 'thu_tuc,ho_ten\n\0\0\0binary' >"$T/in/hong.csv"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
rc=$?
check "unreadable file: exit 1 (got $rc)" '[ $rc -eq 1 ]'
check "unreadable file moved to rejected/ unchanged" '[ -f "$T/in/rejected/hong.csv" ] && [ "$(wc -c <"$T/in/rejected/hong.csv")" -eq 24 ]'
check "explanation beside it, in Vietnamese" 'grep -qF "nhị phân" "$T/in/rejected/hong.csv.loi.txt"'

# ---- a file still being written is left for the next run ----
cp $DATA/e2e_cap_moi.csv "$T/in/fresh.csv"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-20 --settle 60 >/dev/null 2>&1
check "fresh file left in place" '[ -f "$T/in/fresh.csv" ]'
rm -f "$T/in/fresh.csv"

# ---- validate --json: golden verdicts ----
$BIN validate $DATA/e2e_cap_moi.csv --as-of 2026-11-20 --json >"$T/v.json"
rc=$?
check "validate exits 1 with a rejected row (got $rc)" '[ $rc -eq 1 ]'
check "validate --json matches the golden file" 'diff -u $DATA/e2e_cap_moi.expected.json "$T/v.json"'
check "validate --json is JSON" 'python3 -m json.tool "$T/v.json" >/dev/null 2>&1 || ! command -v python3 >/dev/null'

# ---- golden verdicts: one roster per procedure (expectations derived by hand beside them) ----
for f in $DATA/golden_*.csv $DATA/golden_gia_han.xml; do
    case $f in *.xml) want=$f.expected.json ;; *) want=${f%.csv}.expected.json ;; esac
    $BIN validate "$f" --as-of 2026-11-20 --json >"$T/g.json" 2>/dev/null
    check "golden verdicts: $(basename "$f")" 'diff -u "$want" "$T/g.json" >/dev/null'
done
# the XML renewal roster (names in NFD) says the same as the CSV one, row for row
strip() { sed -E 's/"file": "[^"]*", "encoding": "[^"]*", "format": "[^"]*"//; s/\{"line": [0-9]+, //; s/ở dòng [0-9]+ của tệp [^;]*;/ở dòng N của tệp F;/'; }
check "XML and CSV renewal rosters give the same verdicts" \
    'diff <(strip <$DATA/golden_gia_han.expected.json) <(strip <$DATA/golden_gia_han.xml.expected.json) >/dev/null'

# ---- command line ----
$BIN --help >/dev/null; check "--help exits 0" '[ $? -eq 0 ]'
check "--version" '$BIN --version | grep -q "^ctsbatch "'
$BIN frobnicate >/dev/null 2>&1; rc=$?; check "unknown command exits 2" '[ $rc -eq 2 ]'
$BIN validate x.csv --as-of 31/02/2026 >/dev/null 2>&1; rc=$?
check "bad --as-of exits 2" '[ $rc -eq 2 ]'
$BIN validate $DATA/e2e_cap_moi.csv --config /nonexistent.xml >/dev/null 2>&1; rc=$?
check "missing config exits 2" '[ $rc -eq 2 ]'

echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
