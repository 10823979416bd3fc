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
check "report.pdf: one line per roster, with its counts" \
    'text "$rp" | grep -qE "1 +e2e_cap_moi.csv +4 +3 +0 +1 +5 +Đã xử lý"'
kq="$T/in/done/e2e_cap_moi.csv.ketqua.pdf"
# a cell's sentence wraps where its column ends: read the text in content order
check "ketqua.pdf: the rejected row and what to fix" \
    'contains "$kq" "Lê Văn Tám" && pdftotext -raw "$kq" - | tr "\n" " " | grep -qF "Thiếu «Số CCCD»: hãy điền"'
check "ketqua.pdf: every row, with its status" \
    'contains "$kq" "Nguyễn Thị Ánh" && contains "$kq" "Võ Thị Mỹ" && [ "$(text "$kq" | grep -c "Hợp lệ")" -eq 3 ]'
check "ketqua.csv: what was made for each accepted row" \
    'grep -F "\"Nguyễn Thị Ánh Tuyết\",\"Hợp lệ\",\"\",\"Mau01-nguyen-thi-anh-tuyet.pdf; Mau02-so-tai-chinh-tinh-an-giang.pdf\"" "$T/in/done/e2e_cap_moi.csv.ketqua.csv" >/dev/null'
check "ketqua.csv: every row, what to fix" \
    '[ "$(grep -c "e2e_cap_moi.csv\",\"[0-9]" "$T/in/done/e2e_cap_moi.csv.ketqua.csv")" -eq 4 ] && grep -qF "Thiếu «Số CCCD»" "$T/in/done/e2e_cap_moi.csv.ketqua.csv"'
check "report.csv has a BOM" '[ "$(head -c 3 "$T/out/report.csv" | od -An -tx1 | tr -d " ")" = "efbbbf" ]'
check "report.csv tells what to fix" 'grep -qF "Thiếu «Số CCCD»" "$T/out/report.csv"'
check "roster moved to done/, unchanged" 'cmp -s "$T/in/done/e2e_cap_moi.csv" $DATA/e2e_cap_moi.csv'
check "nothing left in the drop folder" '[ -z "$(find "$T/in" -maxdepth 1 -type f)" ]'

# ---- the manifest: every document once, with its real SHA-256 and page count ----
man="$T/out/manifest.csv"
manifest_ok=1
for p in $(cd "$T/out" && find . -name 'Mau*.pdf' | sed 's|^\./||'); do
    sum=$(sha256sum "$T/out/$p" | cut -d' ' -f1)
    pages=$(pdfinfo "$T/out/$p" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    n=$(grep -c "^\"$p\",.*\"$pages\",\"[0-9]*\",\"$sum\",\"2026-11-20\"" "$man")
    [ "$n" -eq 1 ] || { manifest_ok=0; echo "manifest: $p listed $n times with its hash"; }
done
check "manifest: every document once, with its SHA-256 and pages" '[ $manifest_ok -eq 1 ]'
check "manifest: as many lines as documents, and the header" \
    '[ "$(($(wc -l <"$man") - 1))" -eq "$(find "$T/out" -name "Mau*.pdf" | wc -l)" ]'
check "manifest: the source rows of the agency letter" \
    'grep -qF "Mau02-so-tai-chinh-tinh-an-giang.pdf\",\"02\"" "$man" && grep -qF "e2e_cap_moi.csv:2; e2e_cap_moi.csv:3" "$man"'

# ---- run twice: same bytes (SOURCE_DATE_EPOCH), earlier roster not overwritten ----
mkdir -p "$T/first" && cp -r "$T/out/." "$T/first/"
cp $DATA/e2e_cap_moi.csv "$T/in/"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
docs_of() { (cd "$1" && find . -name 'Mau*.pdf' | sort | xargs sha256sum); }
check "second run: no document issued again, the earlier ones untouched" \
    '[ "$(docs_of "$T/first")" = "$(docs_of "$T/out")" ] && cmp -s "$T/first/manifest.csv" "$T/out/manifest.csv"'
check "second run: the result says each accepted row was issued before" \
    '[ "$(grep -c "Đã lập trước" "$T/in/done/e2e_cap_moi.2.csv.ketqua.csv")" -eq 3 ]'
check "second run: done/ keeps both copies" '[ -f "$T/in/done/e2e_cap_moi.csv" ] && [ -f "$T/in/done/e2e_cap_moi.2.csv" ]'

# ---- a later run never replaces an earlier document ----
first_pdf="$T/out/$STC/Mau01-nguyen-thi-anh-tuyet.pdf"
cp "$first_pdf" "$T/keep.pdf"
sed 's/089185001234/089185009999/' $DATA/e2e_cap_moi.csv >"$T/in/other-tuyet.csv"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-21 --settle 0 >/dev/null 2>&1
check "same name, other person, later run: the earlier form is untouched" 'cmp -s "$first_pdf" "$T/keep.pdf"'
check "same name, other person, later run: a new form beside it" \
    '[ -f "$T/out/$STC/Mau01-nguyen-thi-anh-tuyet-2.pdf" ]'
check "a rerun adds nothing to the manifest; the new form is added" \
    '[ "$(grep -c "Mau01-nguyen-thi-anh-tuyet" "$man")" -eq 2 ] && grep -qF "Mau01-nguyen-thi-anh-tuyet-2.pdf" "$man"'
cp "$T/out/report.csv" "$T/keep.csv"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-21 --settle 0 >/dev/null 2>&1
check "a run with nothing dropped leaves the last report" 'cmp -s "$T/out/report.csv" "$T/keep.csv"'

# ---- a file that cannot be read is moved aside with an explanation ----
printf 'thu_tuc,ho_ten\n\0\0\0binary' >"$T/in/hong.csv"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
rc=$?
check "unreadable file: exit 1 (got $rc)" '[ $rc -eq 1 ]'
check "unreadable file moved to rejected/ unchanged" '[ -f "$T/in/rejected/hong.csv" ] && [ "$(wc -c <"$T/in/rejected/hong.csv")" -eq 24 ]'
check "explanation beside it, in Vietnamese" 'grep -qF "nhị phân" "$T/in/rejected/hong.csv.loi.txt"'

# ---- issue 11 item 1: settling by stability, not by the age of the mtime ----
# a file still being written (appended to all along) is left for the next run
mkdir -p "$T/settle/in"
(for i in $(seq 1 40); do echo "cap-moi,ca-nhan,x$i" >>"$T/settle/in/growing.csv"; sleep 0.2; done) &
writer=$!
sleep 0.3
$BIN run --in "$T/settle/in" --out "$T/settle/out" --as-of 2026-11-20 --settle 1 >/dev/null 2>"$T/settle/err"
check "a file still being written is left in place, and said so" \
    '[ -f "$T/settle/in/growing.csv" ] && grep -qF "growing.csv is still being written" "$T/settle/err"'
kill $writer 2>/dev/null; wait $writer 2>/dev/null
rm -f "$T/settle/in/growing.csv"
# a file copied in just now, complete, is taken at once; so is one whose mtime is ahead
cp $DATA/e2e_cap_moi.csv "$T/settle/in/fresh.csv"
cp $DATA/e2e_cap_moi.csv "$T/settle/in/ahead.csv"
touch -d "+1 hour" "$T/settle/in/ahead.csv"
$BIN run --in "$T/settle/in" --out "$T/settle/out" --as-of 2026-11-20 --settle 1 >/dev/null 2>"$T/settle/err2"
check "a complete file copied just now is taken after one look ($(head -c 200 "$T/settle/err2"))" \
    '[ -f "$T/settle/in/done/fresh.csv" ] && grep -qF "waiting 1 s for 2 file(s) to settle" "$T/settle/err2"'
check "a file whose mtime is ahead of the clock is taken too" '[ -f "$T/settle/in/done/ahead.csv" ]'

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

# ---- every form: the documents the plan calls for, each with its title, values, captions ----
mkdir -p "$T/all/in"
cp $DATA/e2e_all_procedures.csv "$T/all/in/"
$BIN run --in "$T/all/in" --out "$T/all/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
rc=$?
check "all procedures: every row accepted (rc $rc)" '[ $rc -eq 0 ]'
TC=so-tai-chinh-tinh-an-giang
NV=so-noi-vu-tinh-an-giang
docs=$(cd "$T/all/out" && find . -name 'Mau*.pdf' | sed 's|^\./||' | sort | tr '\n' ' ')
want="$NV/ban-giao-thiet-bi/Mau14-$NV.pdf $NV/that-lac-thiet-bi/Mau15-mai-thi-thanh-xuan.pdf \
$NV/thu-hoi/Mau09-dang-thi-lan.pdf $NV/thu-hoi/Mau10-$NV.pdf $TC/cap-moi/Mau03-chi-cuc-quan-ly-gia.pdf \
$TC/cap-moi/Mau03-trung-tam-tu-van-va-dich-vu-tai-chinh-cong-tinh-an-giang.pdf $TC/cap-moi/Mau04-$TC.pdf \
$TC/gia-han/Mau07-le-thi-thu-ha.pdf $TC/gia-han/Mau07-pham-quoc-bao.pdf $TC/gia-han/Mau08-$TC.pdf \
$TC/khoi-phuc/Mau11-bui-van-khoa.pdf $TC/khoi-phuc/Mau11-ngo-thi-kim-oanh.pdf $TC/khoi-phuc/Mau12-$TC.pdf \
$TC/thay-doi/Mau07-vo-minh-tam.pdf $TC/thay-doi/Mau08-$TC.pdf "
check "all procedures: exactly the planned documents (Mẫu 09 only where the subscriber files)" \
    '[ "$docs" = "$(echo $want | tr " " "\n" | sort | tr "\n" " ")" ]'
# document | text that must appear (one per |-separated field), read back with pdftotext
while IFS='|' read -r f needles; do
    [ -n "$f" ] || continue
    p="$T/all/out/$f"
    IFS='#' read -ra want_text <<<"$needles"
    for n in "${want_text[@]}"; do
        check "$(basename "$f"): \"$n\"" '[ -f "$p" ] && text "$p" | sed "s/  */ /g" | grep -qF -- "$n"'
    done
done <<'EOF_FORMS'
so-tai-chinh-tinh-an-giang/cap-moi/Mau03-chi-cuc-quan-ly-gia.pdf|GIẤY ĐỀ NGHỊ CẤP CHỨNG THƯ SỐ#Chi cục Quản lý giá#Trần Thị Mai#089185002222#ccqlg@angiang.gov.vn#(Ký tên, đóng dấu)
so-tai-chinh-tinh-an-giang/cap-moi/Mau04-so-tai-chinh-tinh-an-giang.pdf|SỞ TÀI CHÍNH TỈNH AN GIANG#Chi cục Quản lý giá#Nơi nhận:#GIÁM ĐỐC#Trần Văn Bình
so-tai-chinh-tinh-an-giang/gia-han/Mau07-le-thi-thu-ha.pdf|GIẤY ĐỀ NGHỊ GIA HẠN#CHỨNG THƯ SỐ#Lê Thị Thu Hà#5401010190A3B7C2D4E5F60718293A4B#15/03/2027#15/03/2030#(Ký, ghi rõ họ tên; tổ chức đóng dấu)#(Ký tên, đóng dấu)
so-tai-chinh-tinh-an-giang/gia-han/Mau08-so-tai-chinh-tinh-an-giang.pdf|Kính gửi: Sở Thông tin và Truyền thông tỉnh An Giang#Lê Thị Thu Hà#Phạm Quốc Bảo#Điều 63#Nơi nhận:
so-tai-chinh-tinh-an-giang/thay-doi/Mau07-vo-minh-tam.pdf|Võ Minh Tâm#Thay đổi thư điện tử#Trần Văn Bình
so-noi-vu-tinh-an-giang/thu-hoi/Mau09-dang-thi-lan.pdf|GIẤY ĐỀ NGHỊ THU HỒI CHỨNG THƯ SỐ#Đặng Thị Lan#Thay đổi vị trí công tác#Lê Thị Hồng Nhung
so-noi-vu-tinh-an-giang/thu-hoi/Mau10-so-noi-vu-tinh-an-giang.pdf|SỞ NỘI VỤ TỈNH AN GIANG#Đặng Thị Lan#Huỳnh Văn Phước#Nghỉ hưu#Nơi nhận:
so-noi-vu-tinh-an-giang/ban-giao-thiet-bi/Mau14-so-noi-vu-tinh-an-giang.pdf|BIÊN BẢN GIAO, NHẬN#ĐẠI DIỆN BÊN GIAO#ĐẠI DIỆN BÊN NHẬN#Đặng Thị Lan#Lý Thị Hoa#Trương Văn Sơn#27/11/2026
so-tai-chinh-tinh-an-giang/khoi-phuc/Mau11-bui-van-khoa.pdf|GIẤY ĐỀ NGHỊ KHÔI PHỤC#THIẾT BỊ LƯU KHÓA BÍ MẬT#Bùi Văn Khoa#(Ký tên, đóng dấu)
so-tai-chinh-tinh-an-giang/khoi-phuc/Mau12-so-tai-chinh-tinh-an-giang.pdf|Ngô Thị Kim#Bùi Văn Khoa#Nơi nhận:#GIÁM ĐỐC
so-noi-vu-tinh-an-giang/that-lac-thiet-bi/Mau15-mai-thi-thanh-xuan.pdf|BIÊN BẢN XÁC NHẬN THẤT LẠC#Mai Thị Thanh Xuân
EOF_FORMS
check "Mẫu 10 does not list the certificate that expired by itself" \
    '! contains "$T/all/out/$NV/thu-hoi/Mau10-$NV.pdf" "Lý Thị Hoa"'

# ---- a 300-row renewal letter spans pages: header row repeated, numbered, every name once ----
mkdir -p "$T/big/in"
awk 'BEGIN {
    split("Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Mai", ho, " ");
    split("Thị Văn Hữu Ngọc Minh Thanh Quốc Thu Mỹ Đức", dem, " ");
    split("An Cường Châu Dũng Giang Hà Khoa Lan", ten, " ");
    print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,email,dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong";
    for (i = 0; i < 300; i++)
        printf "gia-han,ca-nhan,Sở Tài chính tỉnh An Giang,%s %s %s,0891%08d,Chuyên viên,cb%03d@angiang.gov.vn,0913%06d,54010101%08X,15/03/2027,0,có\n", \
            ho[1 + i % 15], dem[1 + int(i / 15) % 10], ten[1 + int(i / 150)], i, i, i, i;
}' >"$T/big/in/gia-han-300.csv"
$BIN run --in "$T/big/in" --out "$T/big/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
m08="$T/big/out/$TC/gia-han/Mau08-$TC.pdf"
pages=$(pdfinfo "$m08" 2>/dev/null | awk '/^Pages:/ { print $2 }')
check "300 rows: Mẫu 08 spans several pages (got ${pages:-none})" '[ "${pages:-0}" -ge 5 ]'
hdr_ok=1
for n in $(seq 2 "${pages:-1}"); do
    pg=$(pdftotext -f "$n" -l "$n" -layout "$m08" - 2>/dev/null)
    echo "$pg" | head -3 | grep -qE "^ *$n *$" || { hdr_ok=0; echo "page $n: no page number at top"; }
    # a page that lists rows repeats the header row (the last may hold only the signature)
    if echo "$pg" | grep -qE "^ *[0-9]+ +[^ 0-9]"; then
        echo "$pg" | grep -qF "Số hiệu chứng thư số" || { hdr_ok=0; echo "page $n: header row missing"; }
    fi
done
check "300 rows: every page after the first has its number on top, and the header row where it lists rows" '[ $hdr_ok -eq 1 ]'
check "300 rows: the first page has no page number" \
    '! pdftotext -f 1 -l 1 -layout "$m08" - 2>/dev/null | head -3 | grep -qE "^ *1 *$"'
names_ok=1
# -raw keeps content order, where a name wrapped in its cell comes out as consecutive lines
all=$(pdftotext -raw "$m08" - 2>/dev/null | tr '\n' ' ' | sed "s/  */ /g")
while IFS=, read -r _ _ _ name _; do
    c=$(echo "$all" | grep -oF -- " $name " | wc -l)
    [ "$c" -eq 1 ] || { names_ok=0; echo "\"$name\" appears $c times"; }
done < <(tail -n +2 "$T/big/in/done/gia-han-300.csv" 2>/dev/null || tail -n +2 "$T/big/in/gia-han-300.csv")
check "300 rows: every name appears exactly once" '[ $names_ok -eq 1 ]'
check "300 rows: signature after the table, on the last page" \
    'pdftotext -f "$pages" -l "$pages" "$m08" - 2>/dev/null | grep -qF "Trần Văn Bình"'

# ---- one roster, three encodings and dialects: the same NFC values on the same lines ----
verdicts() { $BIN validate "$1" --as-of 2026-11-20 --json 2>/dev/null | sed -E 's/^\{"file": [^]]*"format": "[a-z]+", //'; }
mkdir -p "$T/enc"
cp $DATA/e2e_labels.csv "$T/enc/utf8.csv"
iconv -f UTF-8 -t WINDOWS-1258 $DATA/e2e_labels.csv >"$T/enc/cp1258.csv"
{ printf '\xff\xfe'; tr ';' '\t' <$DATA/e2e_labels.csv | iconv -f UTF-8 -t UTF-16LE; } >"$T/enc/utf16.txt"
check "Windows-1258 file detected as such" \
    '$BIN validate "$T/enc/cp1258.csv" --json | grep -qF "\"encoding\": \"windows-1258\""'
check "UTF-16 file detected as such" '$BIN validate "$T/enc/utf16.txt" --json | grep -qF "\"encoding\": \"utf-16le\""'
check "Windows-1258 ';' file with Vietnamese labels: same verdicts, values and lines as UTF-8" \
    '[ "$(verdicts "$T/enc/cp1258.csv")" = "$(verdicts "$T/enc/utf8.csv")" ]'
check "UTF-16 tab file: same verdicts, values and lines as UTF-8" \
    '[ "$(verdicts "$T/enc/utf16.txt")" = "$(verdicts "$T/enc/utf8.csv")" ]'
check "a quoted line break moves the next record's line" \
    '$BIN validate "$T/enc/cp1258.csv" --json | grep -qF "{\"line\": 4, \"thu_tuc\": \"cap-moi\", \"loai_thue_bao\": \"ca-nhan\", \"ten\": \"Đặng Văn Ơn\""'
check "no unresolved {placeholder} in any document" \
    '! for p in $(find "$T" -name "*.pdf"); do text "$p"; done | grep -qE "\{[a-z_.|]+\}"'

# ---- configuration alone changes the documents: the date left blank for the văn thư ----
sed 's|<value key="ngay_de_trong">khong</value>|<value key="ngay_de_trong">co</value>|' \
    config/ctsbatch.xml >"$T/blank-date.xml"
mkdir -p "$T/bd/in"
cp $DATA/e2e_cap_moi.csv "$T/bd/in/"
$BIN run --in "$T/bd/in" --out "$T/bd/out" --config "$T/blank-date.xml" --as-of 2026-11-20 \
    --settle 0 >/dev/null 2>&1
check "ngay_de_trong=co: the letter's date is dotted blanks" \
    'contains "$T/bd/out/$STC/Mau02-so-tai-chinh-tinh-an-giang.pdf" "An Giang, ngày ...... tháng ...... năm ......" && ! contains "$T/bd/out/$STC/Mau02-so-tai-chinh-tinh-an-giang.pdf" "ngày 20 tháng 11"'

# ---- command line ----
$BIN --help >/dev/null; check "--help exits 0" '[ $? -eq 0 ]'
head -3 $DATA/e2e_all_procedures.csv >"$T/ok.csv"
$BIN validate "$T/ok.csv" --as-of 2026-11-20 >/dev/null 2>&1; rc=$?
check "validate exits 0 when every row is accepted (got $rc)" '[ $rc -eq 0 ]'
check "--version" '$BIN --version | grep -q "^ctsbatch "'
$BIN frobnicate >/dev/null 2>&1; rc=$?; check "unknown command exits 2" '[ $rc -eq 2 ]'
$BIN validate x.csv --as-of 31/02/2026 >/dev/null 2>&1; rc=$?
check "bad --as-of exits 2" '[ $rc -eq 2 ]'
$BIN validate $DATA/e2e_cap_moi.csv --config /nonexistent.xml >/dev/null 2>&1; rc=$?
check "missing config exits 2" '[ $rc -eq 2 ]'

# ---- what enters: only regular files are read; a FIFO never hangs the program ----
mkdir -p "$T/what"
mkfifo "$T/what/fifo.csv"
timeout 10 $BIN validate "$T/what/fifo.csv" --as-of 2026-11-20 >"$T/what/fifo.out" 2>&1; rc=$?
check "validate on a FIFO returns at once with exit 1 (got $rc; 124 is a hang)" '[ $rc -eq 1 ]'
check "validate on a FIFO says it is a FIFO, not read" \
    'grep -qF "không đọc được tệp: Đây là ống dẫn có tên (FIFO)" "$T/what/fifo.out"'
ln -s "$T/ok.csv" "$T/what/link.csv" # ok.csv: every row accepted when read directly
timeout 10 $BIN validate "$T/what/link.csv" --as-of 2026-11-20 >"$T/what/link.out" 2>&1; rc=$?
check "validate on a symlink to a valid roster exits 1 (got $rc)" '[ $rc -eq 1 ]'
check "validate on a symlink says it is not read" \
    'grep -qF "Đây là liên kết tượng trưng (symlink), không phải tệp danh sách: chương trình không đọc nó." "$T/what/link.out"'
check "validate on a symlink reads none of its rows" \
    '! grep -qE ": (hợp lệ|bị từ chối)$" "$T/what/link.out" && grep -qF "0 yêu cầu" "$T/what/link.out"'

# ---- a document's bytes depend only on itself: alone, or among other rosters and agencies,
# with one or two workers, the same roster gives byte-identical PDFs (issue 9) ----
hashes() { (cd "$1" && find . -name 'Mau*.pdf' -exec sha256sum {} + | awk '{ print $1 }' | sort); }
mkdir -p "$T/alone/in" "$T/among/in"
cp $DATA/golden_gia_han.csv "$T/alone/in/"
cp $DATA/e2e_all_procedures.csv $DATA/golden_cap_moi.csv $DATA/golden_thu_hoi.csv "$T/among/in/"
cp $DATA/golden_gia_han.csv "$T/among/in/zz_gia_han.csv" # read last, after the others' subsets
$BIN run --in "$T/alone/in" --out "$T/alone/out" --as-of 2026-11-20 --settle 0 --workers 1 \
    >/dev/null 2>&1
$BIN run --in "$T/among/in" --out "$T/among/out" --as-of 2026-11-20 --settle 0 --workers 2 \
    >/dev/null 2>&1
alone=$(hashes "$T/alone/out")
missing=$(comm -23 <(echo "$alone") <(hashes "$T/among/out") | wc -l)
check "same roster alone and among others: all $(echo "$alone" | wc -l) documents byte-identical ($missing differ)" \
    '[ "$(echo "$alone" | wc -l)" -ge 9 ] && [ "$missing" -eq 0 ]'

# ---- a control character in a clerk's cell is a finding for that row, never a halted run ----
mkdir -p "$T/ctl/in"
awk 'NR == 2 { sub(/Nguyễn Thị Ánh Tuyết/, "Nguyễn Thị\013Ánh Tuyết") } { print }' \
    $DATA/e2e_cap_moi.csv >"$T/ctl/in/ctl.csv"
$BIN run --in "$T/ctl/in" --out "$T/ctl/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>"$T/ctl.err"
rc=$?
check "control character: run exits 1, not 3 (got $rc; $(head -c 200 "$T/ctl.err"))" '[ $rc -eq 1 ]'
check "control character: the row is refused naming the field and U+000B" \
    'grep -qF "ô «Họ và tên» có ký tự «?» (U+000B)" "$T/ctl/in/done/ctl.csv.ketqua.csv"'
check "control character: the clerk's result PDF is made, showing ?(U+000B)" \
    'contains "$T/ctl/in/done/ctl.csv.ketqua.pdf" "?(U+000B)"'
check "control character: the other rows' forms are made" \
    '[ -n "$(find "$T/ctl/out" -name "Mau01-pham-thi-hong-ngoc.pdf")" ]'

# ---- a row whose own form cannot be laid out (a 2,500-character name, with the length
# limit raised) is refused, and its agency's letter is planned again without it ----
mkdir -p "$T/long/in"
cp $DATA/e2e_long_name.csv "$T/long/in/"
sed 's|<param name="do_dai_toi_da">300</param>|<param name="do_dai_toi_da">5000</param>|' \
    config/ctsbatch.xml >"$T/long/cfg.xml"
$BIN run --config "$T/long/cfg.xml" --in "$T/long/in" --out "$T/long/out" --as-of 2026-11-20 \
    --settle 0 >"$T/long.out" 2>&1
rc=$?
check "long name: run exits 1 (got $rc; $(head -c 300 "$T/long.out"))" '[ $rc -eq 1 ]'
check "long name: the roster is done, its row refused with khong-lap-duoc" \
    '[ -f "$T/long/in/done/e2e_long_name.csv" ] && grep -q "khong-lap-duoc" "$T/long/in/done/e2e_long_name.csv.ketqua.csv"'
check "long name: the other 40 forms and the letter made ($(find "$T/long/out" -name "Mau*.pdf" | wc -l))" \
    '[ "$(find "$T/long/out" -name "Mau09-*.pdf" | wc -l)" -eq 40 ] && [ -n "$(find "$T/long/out" -name "Mau10-*.pdf")" ]'

# ---- issue 10: one roster saved as .xlsx, .xls, .ods (LibreOffice, tests/data/make_sheets.sh),
# Excel "CSV UTF-8", Windows-1258 ';' CSV and UTF-16 "Unicode Text": a title row above the
# header, aliased labels; the same verdicts, values, derived dates and documents ----
mkdir -p "$T/sheets/src"
cp $DATA/sheet_roster.xlsx $DATA/sheet_roster.xls $DATA/sheet_roster.ods "$T/sheets/src/"
cp $DATA/sheet_roster.csv "$T/sheets/src/utf8.csv"
iconv -f UTF-8 -t WINDOWS-1258 $DATA/sheet_roster.csv >"$T/sheets/src/cp1258.csv"
{ printf '\xff\xfe'; tr ';' '\t' <$DATA/sheet_roster.csv | iconv -f UTF-8 -t UTF-16LE; } \
    >"$T/sheets/src/unicode.txt"
ketqua() { tail -n +2 "$1" | sed -E 's/^"[^"]*",//'; }
for f in utf8.csv sheet_roster.xlsx sheet_roster.xls sheet_roster.ods cp1258.csv unicode.txt; do
    d="$T/sheets/$f"
    mkdir -p "$d/in"
    cp "$T/sheets/src/$f" "$d/in/"
    $BIN run --in "$d/in" --out "$d/out" --as-of 2026-11-20 --settle 0 >"$d/run.out" 2>"$d/run.err"
    rc=$?
    check "$f: run exits 1 for its rejected rows (got $rc)" '[ $rc -eq 1 ]'
    check "$f: moved to done/ with its result" '[ -f "$d/in/done/$f" ] && [ -f "$d/in/done/$f.ketqua.csv" ]'
    [ "$f" = utf8.csv ] && continue
    check "$f: the same verdicts and lines as the CSV UTF-8" \
        '[ "$(verdicts "$T/sheets/src/$f")" = "$(verdicts "$T/sheets/src/utf8.csv")" ]'
    check "$f: the same result rows as the CSV UTF-8" \
        'diff <(ketqua "$d/in/done/$f.ketqua.csv") <(ketqua "$T/sheets/utf8.csv/in/done/utf8.csv.ketqua.csv") >/dev/null'
    check "$f: byte-identical documents to the CSV UTF-8's" \
        '[ "$(hashes "$d/out")" = "$(hashes "$T/sheets/utf8.csv/out")" ] && [ -n "$(hashes "$d/out")" ]'
done
x="$T/sheets/sheet_roster.xlsx"
check "xlsx: the CCCD typed as text keeps its leading zero on the form" \
    'contains "$x/out/so-tai-chinh-tinh-an-giang/gia-han/Mau07-le-van-tam.pdf" "089090002211"'
check "xlsx: the date cell prints as dd/mm/yyyy" \
    'contains "$x/out/so-tai-chinh-tinh-an-giang/gia-han/Mau07-le-van-tam.pdf" "19/01/2027"'
check "xlsx: the header below the title row is reported once" \
    '[ "$($BIN validate "$T/sheets/src/sheet_roster.xlsx" --json | grep -o "Dòng tiêu đề là dòng 3" | wc -l)" -eq 1 ]'

# ---- issue 10 item 7: Excel's lock file, a clerk's note, a zip and a hidden file stay put ----
mkdir -p "$T/lock/in"
cp $DATA/sheet_roster.xlsx "$T/lock/in/ds.xlsx"
printf '\x0bNguyen Van A\0\0\0' >"$T/lock/in/~\$ds.xlsx"
printf 'Ghi chú của chị Lan:\nnhớ gửi danh sách trước thứ Sáu.\n' >"$T/lock/in/ghi-chu.txt"
printf 'thu_tuc,ho_ten\n' >"$T/lock/in/.an.csv"
printf 'Ghi chú\nNgày mai gửi danh sách.\n' >"$T/lock/in/ghi-chu-2.txt"
printf 'Họ và tên người,CMND số\nLê Thị Thu Hà,089180003333\n' >"$T/lock/in/ds-sai.csv"
(cd "$T/lock" && mkdir z && echo hi >z/a.txt && python3 -c "import zipfile; zipfile.ZipFile('in/anh.xlsx','w').write('z/a.txt')")
$BIN run --in "$T/lock/in" --out "$T/lock/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>"$T/lock.err"
for f in '~$ds.xlsx' ghi-chu.txt ghi-chu-2.txt .an.csv anh.xlsx; do
    check "$f stays in the drop folder" '[ -f "$T/lock/in/$f" ] && [ ! -e "$T/lock/in/rejected/$f" ]'
    check "$f is mentioned once in the log" '[ "$(grep -cF "$T/lock/in/$f" "$T/lock.err")" -eq 1 ]'
done
check "the roster beside them is read" '[ -f "$T/lock/in/done/ds.xlsx" ]'
check "one operator line per roster: name, outcome, rows, documents, seconds" \
    'grep -qE "^ctsbatch: ds.xlsx: done; [0-9]+ row\(s\): [0-9]+ accepted .* document\(s\) in [0-9.]+ s$" "$T/lock.err"'
check "no CCCD number in the log" '! grep -qE "[0-9]{12}" "$T/lock.err"'
$BIN run --in "$T/lock/in" --out "$T/lock/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>"$T/lock2.err"
check "a note left in place is not mentioned again by the next run" \
    '! grep -qF "$T/lock/in/ghi-chu.txt" "$T/lock2.err" && [ -f "$T/lock/in/ghi-chu.txt" ]'
check "a .csv with no header is a roster gone wrong: rejected/, with why" \
    '[ -f "$T/lock/in/rejected/ds-sai.csv" ] && grep -qF "Không tìm thấy dòng tiêu đề" "$T/lock/in/rejected/ds-sai.csv.loi.txt"'
check "validate says what ghi-chu.txt is" \
    '$BIN validate "$T/lock/in/ghi-chu.txt" | grep -qF "không phải danh sách đề nghị"'
check "validate says what the lock file is" \
    '$BIN validate "$T/lock/in/~\$ds.xlsx" | grep -qF "tệp khóa tạm của Excel"'

# ---- issue 10: what Excel did to a roster, undone or explained ----
XL="$T/xl"
mkdir -p "$XL/in"
cp $DATA/excel_zeros.csv "$XL/in/"
$BIN run --in "$XL/in" --out "$XL/out" --as-of 2026-11-20 --settle 0 >"$XL/run.out" 2>&1
rc=$?
check "lost zeros: every row accepted, run exits 0 (got $rc; $(head -c 300 "$XL/run.out"))" '[ $rc -eq 0 ]'
m1="$XL/out/$STC/Mau01-nguyen-thi-anh-tuyet.pdf"
m2="$XL/out/$STC/Mau01-dang-van-on.pdf"
m3="$XL/out/$STC/Mau01-luu-thi-ung.pdf"
check "lost zeros: the form prints the CCCD and mobile with their 0" \
    'contains "$m1" "089185001234" && contains "$m1" "0913456789"'
check "lost zeros: a landline 0296... gets its 0 back" 'contains "$m2" "089188004321" && contains "$m2" "02963851234"'
check "lost zeros: a right value is printed as written" 'contains "$m3" "089190005555" && contains "$m3" "0913 222 333"'
check "forms print dates dd/mm/yyyy: 1985-03-14, 7/8/1988, 21/12/1990 00:00" \
    'contains "$m1" "Ngày sinh: 14/03/1985" && contains "$m2" "Ngày sinh: 07/08/1988" && contains "$m3" "Ngày sinh: 21/12/1990"'
$BIN validate $DATA/excel_zeros.csv --as-of 2026-11-20 --json >"$XL/zeros.json" 2>&1
check "lost zeros: one warning per column (CCCD, phone), not one per row" \
    '[ "$(grep -o "Excel đã bỏ số 0" "$XL/zeros.json" | wc -l)" -eq 2 ] && grep -qF "Cột «Số CCCD»: Excel đã bỏ số 0 ở đầu của 2 dòng" "$XL/zeros.json"'
check "lost zeros: the warning says how to format the column as Text" \
    'grep -qF "Định dạng ô → Văn bản; Format Cells → Text" "$XL/zeros.json"'
cp $DATA/excel_zeros.csv "$XL/in/excel_zeros_lai.csv"
$BIN run --in "$XL/in" --out "$XL/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
check "lost zeros: the same roster again issues nothing new (the ledger knows the repaired rows)" \
    '[ "$(grep -c "Đã lập trước" "$XL/in/done/excel_zeros_lai.csv.ketqua.csv")" -eq 3 ] && [ "$(find "$XL/out" -name "Mau01-*.pdf" | wc -l)" -eq 3 ]'

$BIN validate $DATA/excel_errors.csv --as-of 2026-11-20 --json >"$XL/errors.json" 2>&1
row() { grep -F "{\"line\": $2," "$1"; }
check "#N/A as a name: rejected, the message says it is an Excel error value" \
    'row "$XL/errors.json" 2 | grep -qF "\"status\": \"rejected\"" && row "$XL/errors.json" 2 | grep -qF "\"rule\": \"excel-gia-tri-loi\", \"severity\": \"error\", \"field\": \"ho_ten\", \"message\": \"Ô «Họ và tên» chứa giá trị lỗi của Excel «#N/A»"'
check "5,4E+07 as a serial: rejected once, the message says Excel made it scientific notation" \
    'row "$XL/errors.json" 3 | grep -qF "\"status\": \"rejected\"" && row "$XL/errors.json" 3 | grep -qF "\"rule\": \"excel-so-khoa-hoc\", \"severity\": \"error\", \"field\": \"so_hieu_cts\"" && row "$XL/errors.json" 3 | grep -qF "Excel đã đổi số này sang dạng khoa học" && ! row "$XL/errors.json" 3 | grep -qF "so-hieu-hex"'
check "#VALUE! serial, 8,91861E+10 CCCD, #### date, non-hex serial: rejected with their rules" \
    'row "$XL/errors.json" 4 | grep -qF "excel-gia-tri-loi" && row "$XL/errors.json" 5 | grep -qF "excel-so-khoa-hoc" && ! row "$XL/errors.json" 5 | grep -qF "\"rule\": \"cccd\"" && row "$XL/errors.json" 6 | grep -qF "excel-gia-tri-loi" && row "$XL/errors.json" 7 | grep -qF "so-hieu-hex"'
check "a hex serial with spaces and a note with '?' are accepted" \
    'row "$XL/errors.json" 8 | grep -qF "\"status\": \"accepted\""'
mkdir -p "$XL/err/in"
cp $DATA/excel_errors.csv "$XL/err/in/"
$BIN run --in "$XL/err/in" --out "$XL/err/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
check "no form prints #N/A, 5,4E+07 or #VALUE!; the good row's form is made" \
    '! for p in $(find "$XL/err/out" -name "Mau*.pdf"); do text "$p"; done | grep -qE "#N/A|5,4E\+07|#VALUE!" && [ "$(find "$XL/err/out" -name "Mau07-*.pdf" | wc -l)" -eq 1 ]'

mkdir -p "$XL/us/in"
cp $DATA/excel_month_first.csv "$XL/us/in/"
$BIN run --in "$XL/us/in" --out "$XL/us/out" --as-of 2026-10-01 --settle 0 >"$XL/us.out" 2>&1
rc=$?
GH=so-tai-chinh-tinh-an-giang/gia-han
check "month-first file: every row accepted (got $rc; $(head -c 300 "$XL/us.out"))" '[ $rc -eq 0 ]'
check "month-first file: 1/2/2027 is 2 January, printed 02/01/2027" \
    'contains "$XL/us/out/$GH/Mau07-tran-van-hai.pdf" "Ngày hết hạn hiện tại: 02/01/2027" && contains "$XL/us/out/$GH/Mau07-tran-van-hai.pdf" "02/01/2030"'
check "month-first file: 3/14/2027 and 4/3/2027 12:00 AM printed 14/03/2027 and 03/04/2027" \
    'contains "$XL/us/out/$GH/Mau07-nguyen-thi-anh-tuyet.pdf" "Ngày hết hạn hiện tại: 14/03/2027" && contains "$XL/us/out/$GH/Mau07-le-thi-ba.pdf" "Ngày hết hạn hiện tại: 03/04/2027"'
$BIN validate $DATA/excel_month_first.csv --as-of 2026-10-01 >"$XL/us.txt" 2>&1
check "month-first file: one warning naming the column and the US date settings" \
    '[ "$(grep -c "cảnh báo" "$XL/us.txt")" -eq 1 ] && grep -qF "Cột «Ngày hết hạn» ghi ngày theo kiểu tháng/ngày/năm" "$XL/us.txt" && grep -qF "thiết lập ngày của Mỹ" "$XL/us.txt"'
$BIN validate $DATA/excel_mixed_dates.csv --as-of 2026-10-01 --json >"$XL/mixed.json" 2>&1
check "mixed date column: the month-first and ambiguous rows rejected with ngay-thang-kieu-my" \
    'row "$XL/mixed.json" 2 | grep -qF "\"status\": \"accepted\"" && row "$XL/mixed.json" 3 | grep -qF "\"rule\": \"ngay-thang-kieu-my\"" && row "$XL/mixed.json" 4 | grep -qF "«4/3/2027»: không rõ đây là ngày/tháng hay tháng/ngày"'

mkdir -p "$XL/cp/in"
cp $DATA/excel_cp1252.csv $DATA/excel_mojibake.csv "$XL/cp/in/"
$BIN run --in "$XL/cp/in" --out "$XL/cp/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
rc=$?
check "cp1252 file: refused (exit $rc), moved to rejected/ unchanged" \
    '[ $rc -eq 1 ] && cmp -s "$XL/cp/in/rejected/excel_cp1252.csv" $DATA/excel_cp1252.csv'
check "cp1252 file: the explanation says to save as CSV UTF-8 or send the Excel file" \
    'grep -qF "lỗi bảng mã ở dòng 1" "$XL/cp/in/rejected/excel_cp1252.csv.loi.txt" && grep -qF "«CSV UTF-8 (Comma delimited)»" "$XL/cp/in/rejected/excel_cp1252.csv.loi.txt" && grep -qF "(.xlsx)" "$XL/cp/in/rejected/excel_cp1252.csv.loi.txt"'
check "UTF-8 read as Windows-1258: refused, naming the row, column and the damaged text" \
    'grep -qF "dòng 2, cột «Họ và tên» («Nguyá»…n" "$XL/cp/in/rejected/excel_mojibake.csv.loi.txt"'
check "code-page damage: no form made" '[ -z "$(find "$XL/cp/out" -name "Mau*.pdf" 2>/dev/null)" ]'

# ---- the clerk's spreadsheets (issue 10 item 5): report.xlsx and NAME.ketqua.xlsx, read back
# by LibreOffice as a clerk's Excel would: rejected rows first, Vietnamese labels, CCCD as text ----
mkdir -p "$T/xl/in"
cp $DATA/e2e_cap_moi.csv $DATA/golden_gia_han.csv "$T/xl/in/"
# a roster whose names start like formulas: fullwidth ＝ and a zero-width space before =
awk -F, 'BEGIN { OFS = "," } NR == 2 { $4 = "\xef\xbc\x9d" "1+1" } NR == 3 { $4 = "\xe2\x80\x8b=1+1" } { print }' \
    $DATA/e2e_cap_moi.csv >"$T/xl/in/formula.csv"
$BIN run --in "$T/xl/in" --out "$T/xl/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>"$T/xl.err"
rc=$?
check "xlsx: run exits 1 (got $rc; $(head -c 200 "$T/xl.err"))" '[ $rc -eq 1 ]'
check "xlsx: report.xlsx beside report.csv and report.pdf, and kept for the run" \
    '[ -s "$T/xl/out/report.xlsx" ] && [ -s "$T/xl/out/runs/000001/report.xlsx" ] && [ -s "$T/xl/out/report.csv" ]'
check "xlsx: NAME.ketqua.xlsx beside each roster's result" \
    '[ -s "$T/xl/in/done/e2e_cap_moi.csv.ketqua.xlsx" ] && [ -s "$T/xl/in/done/golden_gia_han.csv.ketqua.xlsx" ]'
check "xlsx: files are 0640 at most, like the other outputs" \
    '[ -z "$(find "$T/xl/out/report.xlsx" "$T/xl/in/done" -name "*.xlsx" -perm /0137)" ]'
check "xlsx: no temporary file left" '[ -z "$(find "$T/xl" -name ".*.tmp-*")" ] && [ -z "$(ls -A "$T/xl/out/.tmp")" ]'
fw_cell=",\"'$(printf '\357\274\235')1+1\","      # ,"'＝1+1",
zw_cell=",\"'$(printf '\342\200\213')=1+1\","     # ,"'<U+200B>=1+1",
check "report.csv: fullwidth ＝ neutralised" 'grep -qF -- "$fw_cell" "$T/xl/out/report.csv"'
check "report.csv: zero-width space before = neutralised" 'grep -qF -- "$zw_cell" "$T/xl/out/report.csv"'
if command -v soffice >/dev/null 2>&1; then
    # a private profile, so that parallel runs do not share one
    timeout 180 soffice -env:UserInstallation=file://$T/lo --headless \
        --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir "$T/xl/csv" \
        "$T/xl/out/report.xlsx" "$T/xl/in/done/golden_gia_han.csv.ketqua.xlsx" >/dev/null 2>&1
    rx="$T/xl/csv/report.csv"
    kx="$T/xl/csv/golden_gia_han.csv.ketqua.csv"
    check "LibreOffice opens report.xlsx and ketqua.xlsx" '[ -s "$rx" ] && [ -s "$kx" ]'
    check "report.xlsx: Vietnamese column labels" \
        'head -n 1 "$rx" | grep -qF "\"Tệp\",\"Dòng\",\"Họ tên / Tên cơ quan\",\"Số CCCD\",\"Thủ tục\",\"Kết quả\",\"Nội dung cần sửa\""'
    rows=$(tail -n +2 "$rx" | grep -c '^"')
    csvrows=$(tail -n +2 "$T/xl/out/report.csv" | grep -c '^"')
    check "report.xlsx: as many rows as report.csv ($rows, $csvrows)" '[ "$rows" -eq "$csvrows" ] && [ "$rows" -gt 0 ]'
    # the status of each row in sheet order: every rejected one before the first accepted one
    order=$(grep -oE '"(Bị từ chối|Không đọc được tệp|Hợp lệ|Đã lập trước|Hợp lệ, chưa lập)"' "$rx" \
        | sed 's/"Bị từ chối"\|"Không đọc được tệp"/R/; t; s/.*/A/' | tr -d '\n')
    check "report.xlsx: the rejected rows first ($order)" '[[ "$order" =~ ^R+A+$ ]]'
    check "report.xlsx: procedure by its label, never the code" \
        'grep -qF ",\"Gia hạn\"," "$rx" && grep -qF ",\"Cấp mới\"," "$rx" && ! grep -qE ",\"(gia-han|cap-moi)\"," "$rx"'
    check "report.xlsx: a CCCD keeps its leading zero (a text cell)" 'grep -qF ",\"089185001234\"," "$rx"'
    check "report.xlsx: what to fix, in Vietnamese" 'grep -qF "Thiếu «Số CCCD»: hãy điền thông tin này." "$rx"'
    check "report.xlsx: a formula-like name stays text" 'grep -qF "\"＝1+1\"" "$rx"'
    korder=$(grep -oE '"(Bị từ chối|Hợp lệ|Đã lập trước)"' "$kx" | sed 's/"Bị từ chối"/R/; t; s/.*/A/' | tr -d '\n')
    check "ketqua.xlsx: the rejected rows first ($korder)" '[[ "$korder" =~ ^R+A+$ ]]'
    check "ketqua.xlsx: as many rows as ketqua.csv" \
        '[ "$(tail -n +2 "$kx" | grep -c "^\"")" -eq "$(tail -n +2 "$T/xl/in/done/golden_gia_han.csv.ketqua.csv" | grep -c "^\"")" ]'
else
    bad "LibreOffice (soffice) is missing: install libreoffice-calc-nogui (make test does)"
fi

# the PDFs lead with the rejected rows, under their heading
kq="$T/xl/in/done/e2e_cap_moi.csv.ketqua.pdf"
first_line() { text "$1" | grep -nF -- "$2" | head -n 1 | cut -d: -f1; }
check "ketqua.pdf: «Các yêu cầu bị từ chối» before «Các yêu cầu hợp lệ»" \
    '[ -n "$(first_line "$kq" "Các yêu cầu bị từ chối")" ] && [ "$(first_line "$kq" "Các yêu cầu bị từ chối")" -lt "$(first_line "$kq" "Các yêu cầu hợp lệ (")" ]'
check "ketqua.pdf: the rejected row (line 4) under its heading, before the accepted rows" \
    '[ "$(first_line "$kq" "Các yêu cầu bị từ chối")" -lt "$(first_line "$kq" "Lê Văn Tám")" ] && [ "$(first_line "$kq" "Lê Văn Tám")" -lt "$(first_line "$kq" "Nguyễn Thị Ánh")" ]'
rp="$T/xl/out/report.pdf"
check "report.pdf: the rosters with rejected rows first, under their heading" \
    '[ "$(first_line "$rp" "Các danh sách có yêu cầu bị từ chối")" -lt "$(first_line "$rp" "e2e_cap_moi.csv")" ]'

# ---- a roster's own notes (an unknown column) are in its reports once, not only on the console ----
mkdir -p "$T/notes/in"
awk 'BEGIN { print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,ngay_sinh,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,xac_nhan_thu_truong,cot_la"
             print "cap-moi,ca-nhan,Sở Tài chính tỉnh An Giang,Nguyễn Văn An,14/03/1985,089185007777,Chuyên viên,Văn phòng Sở,an@angiang.gov.vn,0913 456 789,có,x" }' \
    >"$T/notes/in/notes.csv"
$BIN run --in "$T/notes/in" --out "$T/notes/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
nk="$T/notes/in/done/notes.csv.ketqua.pdf"
check "notes: ketqua.pdf says once that the column is not used" \
    '[ "$(text "$nk" | grep -c "cot_la")" -eq 1 ] && contains "$nk" "Lưu ý về tệp:"'
check "notes: report.pdf names the column in the roster's line" 'contains "$T/notes/out/report.pdf" "cot_la"'

# ---- a long result is split into parts, every row listed, the rejected ones first (issue 9
# item 6): 2,500 rows, every second one without a CCCD, in parts of 1,000 ----
mkdir -p "$T/parts/in"
awk 'BEGIN { print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,ngay_sinh,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,xac_nhan_thu_truong"
    for (i = 1; i <= 2500; i++)
        printf "cap-moi,ca-nhan,Sở Tài chính tỉnh An Giang,Nguyễn Văn Số %d,14/03/1985,%s,Chuyên viên,Văn phòng Sở,a%d@angiang.gov.vn,0913 456 789,có\n",
            i, i % 2 ? sprintf("0891850%05d", i) : "", i }' >"$T/parts/in/lon.csv"
$BIN run --in "$T/parts/in" --out "$T/parts/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
pd="$T/parts/in/done"
check "parts: three ketqua PDFs, no unnumbered one" \
    '[ -s "$pd/lon.csv.ketqua-1.pdf" ] && [ -s "$pd/lon.csv.ketqua-2.pdf" ] && [ -s "$pd/lon.csv.ketqua-3.pdf" ] && [ ! -e "$pd/lon.csv.ketqua-4.pdf" ] && [ ! -e "$pd/lon.csv.ketqua.pdf" ]'
rej=0; acc=0; parts_ok=1
for k in 1 2 3; do
    p="$pd/lon.csv.ketqua-$k.pdf"
    text "$p" | tr '\n' ' ' | grep -qF "Phần $k/3" || parts_ok=0
    contains "$p" "số yêu cầu: 2500" || parts_ok=0
    r=$(text "$p" | grep -o "Bị từ" | wc -l); a=$(text "$p" | grep -o "Hợp lệ" | wc -l)
    eval "rej$k=$r acc$k=$a"
    rej=$((rej + r)); acc=$((acc + a))
done
check "parts: each says «Phần k/3» and the totals" '[ $parts_ok -eq 1 ]'
check "parts: the rows add up to 2,500 ($rej rejected, $acc accepted)" '[ $rej -eq 1250 ] && [ $acc -eq 1250 ]'
check "parts: rejected first across the parts ($rej1/$acc1, $rej2/$acc2, $rej3/$acc3)" \
    '[ $rej1 -eq 1000 ] && [ $acc1 -eq 0 ] && [ $rej2 -eq 250 ] && [ $acc2 -eq 750 ] && [ $rej3 -eq 0 ] && [ $acc3 -eq 500 ]'
check "parts: part 2 has both headings, rejected before accepted" \
    '[ "$(first_line "$pd/lon.csv.ketqua-2.pdf" "Các yêu cầu bị từ chối")" -lt "$(first_line "$pd/lon.csv.ketqua-2.pdf" "Các yêu cầu hợp lệ (")" ]'
check "parts: STT counts on (part 3 ends at 2500)" 'text "$pd/lon.csv.ketqua-3.pdf" | grep -qE "^ *2500 "'

# ---- an .xls that cannot be read for want of a temporary file is the operator's error ----
XT="$T/xlstmp"
mkdir -p "$XT/in"
cp $DATA/sheet_roster.xls "$XT/in/"
TMPDIR=/nonexistent $BIN run --in "$XT/in" --out "$XT/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>"$XT/err"
rc=$?
check "xls without a temporary file: exit 3, the roster kept for the next run (rc $rc)" \
    '[ $rc -eq 3 ] && [ -f "$XT/in/sheet_roster.xls" ] && [ ! -e "$XT/in/rejected" ]'
$BIN run --in "$XT/in" --out "$XT/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
check "xls without a temporary file: the next run reads it" '[ -f "$XT/in/done/sheet_roster.xls" ]'

# ---- issue 11 item 3: the log as journald reads it; --quiet ----
JL="$T/journal"
mkdir -p "$JL/in"
cp $DATA/e2e_cap_moi.csv "$JL/in/a.csv"
printf 'x\0y' >"$JL/in/hong.csv"
: >"$JL/err"
JOURNAL_STREAM=$(stat -c '%d:%i' "$JL/err") $BIN run --in "$JL/in" --out "$JL/out" \
    --as-of 2026-11-20 --settle 0 >/dev/null 2>>"$JL/err"
check "under the journal each line has its priority, not the program's name" \
    'grep -qE "^<6>a.csv: done; " "$JL/err" && grep -qE "^<6>hong.csv: unreadable " "$JL/err" && ! grep -q "^ctsbatch: " "$JL/err"'
mkdir -p "$JL/in2"
cp $DATA/e2e_cap_moi.csv "$JL/in2/b.csv"
$BIN run --in "$JL/in2" --out "$JL/out2" --as-of 2026-11-20 --settle 0 --quiet >/dev/null 2>"$JL/quiet"
check "--quiet: no line for a roster that went well" '[ ! -s "$JL/quiet" ] && [ -f "$JL/in2/done/b.csv" ]'
cp $DATA/e2e_cap_moi.csv "$JL/in2/c.csv"
$BIN run --in "$JL/in2" --out "$JL/out2" --as-of 2026-11-20 --settle 0 --verbose >/dev/null 2>"$JL/verbose"
cp $DATA/e2e_cap_moi.csv "$JL/in/d.csv"
$BIN run --in "$JL/in" --out "$JL/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>"$JL/normal"
check "--verbose: the details too (what is being read), which a normal run leaves out" \
    'grep -qF "$JL/in2/c.csv: reading" "$JL/verbose" && grep -q "d.csv: done" "$JL/normal" && ! grep -q ": reading$" "$JL/normal"'

# ---- issue 11 item 3: progress on one updated line, on a terminal only (script(1): a pty) ----
PG="$T/progress"
mkdir -p "$PG/in"
cp $DATA/e2e_cap_moi.csv "$PG/in/p.csv"
script -q -e -c "$BIN run --in $PG/in --out $PG/out --as-of 2026-11-20 --settle 0 >/dev/null" \
    "$PG/tty" >/dev/null 2>&1
check "on a terminal: documents made of total, rate, time left, on one line rewritten" \
    'tr "\r" "\n" <"$PG/tty" | grep -qE "^ctsbatch: p.csv: [0-9]+ of [0-9]+ documents, [0-9]+/s, [0-9]+ s left"'
check "not on a terminal: no progress line" '! grep -qE " of [0-9]+ documents, " "$JL/normal"'

# ---- a serial grouped with spaces is the same certificate (review of issue 10) ----
SP="$T/serial"
mkdir -p "$SP/in"
head -2 $DATA/golden_gia_han.csv | sed '2s|18/01/2027|18/03/2027|' >"$SP/b" # 118 days left
sed '2s/540101A1B2C3D4E5F60718293A4B5C6D/5401 01A1 B2C3 D4E5 F607 1829 3A4B 5C6D/' "$SP/b" >"$SP/in/a.csv"
$BIN run --in "$SP/in" --out "$SP/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
cp "$SP/b" "$SP/in/b.csv"
$BIN run --in "$SP/in" --out "$SP/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
check "serial with and without spaces: one Mẫu 07, the second 'Đã lập trước'" \
    '[ "$(find "$SP/out" -name "Mau07-*.pdf" | wc -l)" -eq 1 ] && grep -q "Đã lập trước" "$SP/in/done/b.csv.ketqua.csv"'

echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
