#!/usr/bin/env bash
# End-to-end, issue 13: the documents of the e2e rosters read back with pdftotext. Tables size
# their columns from their content: no e-mail, serial, CCCD or date of a roster is broken
# across lines in any document; a name of up to four words stands on one line in Mẫu 08,
# with its serial and date beside it; a table across pages keeps its widths on every page.
# Each letter's "V/v" says what its rows ask (seed §2.3 b), Mẫu 07 its own request; Mẫu 14
# names the agency's representative with the register's title; a template naming an
# unknown key stops the run before any document, naming the file and line (exit 3, the
# roster kept). No page images: text and positions only. CTSBATCH names the binary to test.
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
joined() { pdftotext -raw "$1" - 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g'; }
export SOURCE_DATE_EPOCH=1763600000
TC=so-tai-chinh-tinh-an-giang
NV=so-noi-vu-tinh-an-giang

# ---- every e2e roster, and a 300-row renewal whose letter spans pages ----
ROSTERS="$DATA/e2e_cap_moi.csv $DATA/e2e_all_procedures.csv $DATA/e2e_labels.csv \
$DATA/golden_*.csv inputs/samples/*"
mkdir -p "$T/in" "$T/big/in"
cp $ROSTERS "$T/in/"
$BIN run --in "$T/in" --out "$T/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>"$T/run.err"
rc=$?
check "the e2e rosters run (rc $rc, 1: some rows rejected on purpose)" '[ $rc -le 1 ]'
awk 'BEGIN {
    split("Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Mai", ho, " ");
    split("Thị Văn Hữu Ngọc Minh Thanh Quốc Thu Mỹ Đức", dem, " ");
    split("Ánh Tuyết|Mỹ Dung|Hoàng Nam|Kim Oanh|Quốc Bảo|Thanh Xuân", ten, "|");
    print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,email,dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong";
    for (i = 0; i < 300; i++)
        printf "gia-han,ca-nhan,Sở Tài chính tỉnh An Giang,%s %s %s,0891%08d,%s,cb%03d.vanphong@angiang.gov.vn,0913%06d,5401010190A3B7C2D4E5F607%08X,15/03/2027,0,có\n", \
            ho[1 + i % 15], dem[1 + int(i / 15) % 10], ten[1 + i % 6], i, \
            i % 3 ? "Chuyên viên" : "Phó Chánh Văn phòng", i, i, i;
}' >"$T/big/in/gia-han-300.csv"
$BIN run --in "$T/big/in" --out "$T/big/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
rc=$?
check "300 rows: every row accepted (rc $rc)" '[ $rc -eq 0 ]'
cp "$T/big/in/done/gia-han-300.csv" "$T/in/done/" 2>/dev/null
cp -r "$T/big/out/$TC/gia-han" "$T/out/$TC/gia-han-300"

# The checker, in Python for the CSV rosters: the tokens no line may break, then each PDF's
# layout text against its raw text (which holds a broken token as its pieces).
cat >"$T/check.py" <<'EOF_PY'
import csv, glob, io, re, subprocess, sys, unicodedata

KEEP = ("email", "email_co_quan", "so_hieu_cts", "so_serial_thiet_bi", "so_cccd",
        "ngay_het_han", "ngay_that_lac", "ngay_thu_hoi", "gia_tri_cu", "gia_tri_moi")
tokens, names = set(), {}
def as_vn(v):
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v)
    if m:
        return "%s/%s/%s" % (m.group(3), m.group(2), m.group(1))
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", v)
    return "%02d/%02d/%s" % (int(m.group(1)), int(m.group(2)), m.group(3)) if m else v

for path in sys.argv[2:]:
    raw = open(path, "rb").read()
    try:
        data = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        data = raw.decode("cp1258")  # Excel's CSV on a Vietnamese Windows (ROSTER.md)
    data = unicodedata.normalize("NFC", data)
    delim = ";" if data[:4096].count(";") > data[:4096].count(",") else ","
    if True:
        for row in csv.DictReader(io.StringIO(data, newline=""), delimiter=delim):
            for k in KEEP:
                v = (row.get(k) or "").strip()
                if v and " " not in v and len(v) >= 8:
                    tokens.add(as_vn(v))
            name = (row.get("ho_ten") or "").strip()
            if name and len(name.split()) <= 4:
                names.setdefault(name, set()).add(((row.get("so_hieu_cts") or "").strip(),
                                                   as_vn((row.get("ngay_het_han") or "").strip())))

def text(pdf, *opts):
    return subprocess.run(["pdftotext", *opts, pdf, "-"], capture_output=True,
                          text=True).stdout

failed = 0
pdfs = sorted(glob.glob(sys.argv[1] + "/**/Mau*.pdf", recursive=True))
checked = broken = 0
for pdf in pdfs:
    lines = [re.sub(r" +", " ", l) for l in text(pdf, "-layout").splitlines()]
    raw = [l.strip() for l in text(pdf, "-raw").splitlines()]
    nospace = re.sub(r"\s+", "", "".join(raw))
    # -raw keeps content order: a cell's lines come one after the other, so a token cut by
    # a line break ends one line and starts the next
    for t in tokens:
        if t not in nospace:
            continue
        checked += 1
        for a, b in zip(raw, raw[1:]):
            cut = [k for k in range(1, len(t)) if a.endswith(t[:k]) and b.startswith(t[k:])]
            if cut:
                broken += 1
                print("BROKEN: %s in %s: '%s' / '%s'" % (t, pdf, a[-40:], b[:40]))
                break
    if "/Mau08-" in pdf:
        for name, rows in names.items():
            rows = {(s, d) for s, d in rows if s and d and s in nospace}
            if not rows or name.replace(" ", "") not in nospace:
                continue  # not a row of this letter (the head who signs it, say)
            checked += 1
            line = [l for l in lines if name in l]
            if not line:
                broken += 1
                print("NAME WRAPPED: %s in %s" % (name, pdf))
            elif not any(s in l and d in l for l in line for s, d in rows):
                broken += 1
                print("NOT BESIDE: %s, %s in %s" % (name, sorted(rows), pdf))
print("checked %d tokens and names in %d documents, %d broken" % (checked, len(pdfs), broken))
sys.exit(1 if broken or checked < 100 else 0)
EOF_PY
python3 "$T/check.py" "$T/out" $ROSTERS "$T/big/in/done/gia-han-300.csv" >"$T/check.out" 2>&1
rc=$?
check "no e-mail, serial, CCCD or date broken in any document; names whole in Mẫu 08 ($(tail -1 "$T/check.out"))" '[ $rc -eq 0 ]'
[ $rc -eq 0 ] || head -20 "$T/check.out"

# ---- a table across pages keeps its widths: its header row is the same text on every page ----
m08="$T/big/out/$TC/gia-han/Mau08-$TC.pdf"
pages=$(pdfinfo "$m08" 2>/dev/null | awk '/^Pages:/ { print $2 }')
check "300 rows: the letter spans pages (${pages:-none})" '[ "${pages:-0}" -ge 4 ]'
# where each serial, each date and each header word starts: one x for each on every page
starts() { pdftotext -bbox "$m08" - 2>/dev/null | grep -E "$1" | sed -E 's/.*xMin="([0-9.]+)".*/\1/' | sort -u | wc -l; }
check "300 rows: every serial starts at the same x on every page (same widths)" \
    '[ "$(starts ">5401010190A3B7C2D4E5F607[0-9A-F]{8}<")" -eq 1 ]'
check "300 rows: every e-mail-less date column cell starts at the same x" \
    '[ "$(starts ">15/03/2027<")" -eq 1 ]'
check "300 rows: the header row stands at the same x on every page" \
    '[ "$(starts ">Chức<")" -eq 1 ] && [ "$(pdftotext -bbox "$m08" - | grep -c ">Chức<")" -ge "${pages:-9}" ]'

# ---- titles per procedure: the letters' V/v and Mẫu 07's title ----
vv_of() { joined "$1" | grep -oE "V/v đề nghị [^K]*chứng thư số" | head -1; }
for f in "$TC/gia-han/Mau08-$TC.pdf" "$NV/gia-han/Mau08-$NV.pdf"; do
    check "$f: V/v for renewals only" '[ "$(vv_of "$T/out/$f")" = "V/v đề nghị gia hạn chứng thư số" ]'
done
for f in "$TC/thay-doi/Mau08-$TC.pdf" "$NV/thay-doi/Mau08-$NV.pdf"; do
    check "$f: V/v for changes only" \
        '[ "$(vv_of "$T/out/$f")" = "V/v đề nghị thay đổi nội dung thông tin chứng thư số" ]'
done
subject_of() { pdfinfo "$1" 2>/dev/null | sed -n 's/^Subject: *//p'; }
check "the letters' subject (the archive's trích yếu) says the same as their V/v" \
    '[ "$(subject_of "$T/out/$TC/gia-han/Mau08-$TC.pdf")" = "Đề nghị gia hạn chứng thư số chuyên dùng Chính phủ" ] &&
     [ "$(subject_of "$T/out/$TC/thay-doi/Mau08-$TC.pdf")" = "Đề nghị thay đổi nội dung thông tin chứng thư số chuyên dùng Chính phủ" ] &&
     [ "$(subject_of "$T/out/$TC/thay-doi/Mau07-vo-minh-tam.pdf")" = "Đề nghị thay đổi nội dung thông tin chứng thư số chuyên dùng Chính phủ" ]'
check "Mẫu 08 for renewals: the basis is Điều 63 alone" \
    'joined "$T/out/$TC/gia-han/Mau08-$TC.pdf" | grep -qF "Căn cứ Điều 63 Nghị định"'
check "Mẫu 08 for changes: Điều 65 và Điều 66, old and new information" \
    'joined "$T/out/$TC/thay-doi/Mau08-$TC.pdf" | grep -qF "Căn cứ Điều 65 và Điều 66 Nghị định" &&
     joined "$T/out/$TC/thay-doi/Mau08-$TC.pdf" | grep -qF "ghi rõ thông tin cũ và thông tin mới"'
m07g="$T/out/$TC/gia-han/Mau07-le-thi-thu-ha.pdf" m07t="$T/out/$TC/thay-doi/Mau07-vo-minh-tam.pdf"
check "Mẫu 07 of a renewal: its title, its new expiry, no change lines" \
    'joined "$m07g" | grep -qF "GIẤY ĐỀ NGHỊ GIA HẠN CHỨNG THƯ SỐ" &&
     joined "$m07g" | grep -qF "Ngày hết hạn sau khi gia hạn: 15/03/2030" &&
     ! joined "$m07g" | grep -qF "Thông tin mới"'
check "Mẫu 07 of a change: its title and its old and new information" \
    'joined "$m07t" | grep -qF "GIẤY ĐỀ NGHỊ THAY ĐỔI NỘI DUNG THÔNG TIN CHỨNG THƯ SỐ" &&
     joined "$m07t" | grep -qF "Thông tin mới: tamvm@angiang.gov.vn" &&
     ! joined "$m07t" | grep -qF "GIA HẠN"'
m07o="$T/out/$TC/gia-han/Mau07-trung-tam-dich-vu-tai-chinh-cong-tinh-an-giang.pdf"
check "Mẫu 07 of an organisation: its address and certificate manager, no post of a person" \
    'joined "$m07o" | grep -qF "Địa chỉ: " && joined "$m07o" | grep -qF "Người quản lý chứng thư số: " &&
     ! joined "$m07o" | grep -qF "Chức vụ: " && ! joined "$m07g" | grep -qF "Người quản lý chứng thư số"'
check "Mẫu 02 keeps its V/v" \
    'joined "$T/out/$TC/cap-moi/Mau02-$TC.pdf" | grep -qF "V/v đề nghị cấp chứng thư số"'
check "Mẫu 14: the representative with the register's title, the title over the signature" \
    'joined "$T/out/$NV/ban-giao-thiet-bi/Mau14-$NV.pdf" | grep -qF "Đại diện: Ông (Bà) Lê Thị Hồng Nhung, Giám đốc." &&
     joined "$T/out/$NV/ban-giao-thiet-bi/Mau14-$NV.pdf" | grep -qF "ĐẠI DIỆN BÊN GIAO GIÁM ĐỐC"'
check "Mẫu 15: the agency's representative with the register's title" \
    'joined "$T/out/$NV/that-lac-thiet-bi/Mau15-mai-thi-thanh-xuan.pdf" | grep -qF "Ông (Bà) Lê Thị Hồng Nhung, Giám đốc."'
check "no document says 'thủ trưởng cơ quan.' where the register gives a title" \
    '! for p in $(find "$T/out" -name "Mau1[45]-*.pdf"); do joined "$p"; done | grep -qF "thủ trưởng cơ quan."'

# ---- the receiving side of Mẫu 14 is the site's: blanks until the configuration names it ----
check "Mẫu 14: the receiving side's representative left blank for the day" \
    'joined "$T/out/$NV/ban-giao-thiet-bi/Mau14-$NV.pdf" | grep -qF "Đại diện: Ông (Bà) ..............................; chức vụ: .............................."'
mkdir -p "$T/recv/in"
sed -e 's|<value key="dai_dien_ben_nhan"></value>|<value key="dai_dien_ben_nhan">Nguyễn Văn Hải</value>|' \
    -e 's|<value key="chuc_vu_ben_nhan"></value>|<value key="chuc_vu_ben_nhan">Phó Giám đốc Trung tâm</value>|' \
    config/ctsbatch.xml >"$T/recv/ctsbatch.xml"
cp $DATA/e2e_all_procedures.csv "$T/recv/in/"
$BIN run --in "$T/recv/in" --out "$T/recv/out" --as-of 2026-11-20 --settle 0 \
    --config "$T/recv/ctsbatch.xml" >/dev/null 2>&1
m14="$T/recv/out/$NV/ban-giao-thiet-bi/Mau14-$NV.pdf"
check "Mẫu 14: the receiving side's representative and title from the configuration, his name under his signature" \
    'joined "$m14" | grep -qF "Đại diện: Ông (Bà) Nguyễn Văn Hải; chức vụ: Phó Giám đốc Trung tâm" &&
     [ "$(joined "$m14" | grep -o "Nguyễn Văn Hải" | wc -l)" -eq 2 ]'

# ---- a letter carrying renewals and changes says both; a deputy signs with KT. ----
mkdir -p "$T/both/in"
sed -e '/procedure="gia-han" subscriber="\*" per="agency" form="08"/d' \
    -e 's|<document procedure="thay-doi" subscriber="\*" per="agency" form="08"/>|<document procedure="gia-han thay-doi" subscriber="*" per="agency" form="08" folder="gia-han-thay-doi"/>|' \
    config/ctsbatch.xml >"$T/both/ctsbatch.xml"
check "the combined configuration is the one meant" \
    'grep -qF "procedure=\"gia-han thay-doi\"" "$T/both/ctsbatch.xml" && [ "$(grep -c "form=\"08\"" "$T/both/ctsbatch.xml")" -eq 1 ]'
{ head -1 $DATA/e2e_all_procedures.csv | sed 's/$/,quyen_ky,chuc_vu_thu_truong/'
  grep -E "^(gia-han|thay-doi)," $DATA/e2e_all_procedures.csv | sed 's/$/,KT. GIÁM ĐỐC,PHÓ GIÁM ĐỐC/'; } \
    >"$T/both/in/gh-td.csv"
$BIN run --in "$T/both/in" --out "$T/both/out" --as-of 2026-11-20 --settle 0 \
    --config "$T/both/ctsbatch.xml" >/dev/null 2>&1
rc=$?
both="$T/both/out/$TC/gia-han-thay-doi/Mau08-$TC.pdf"
check "renewals and changes in one letter (rc $rc)" '[ $rc -eq 0 ] && [ -f "$both" ]'
check "that letter's V/v says both" \
    '[ "$(vv_of "$both")" = "V/v đề nghị gia hạn, thay đổi nội dung thông tin chứng thư số" ]'
check "that letter's subject says both" \
    '[ "$(subject_of "$both")" = "Đề nghị gia hạn, thay đổi nội dung thông tin chứng thư số chuyên dùng Chính phủ" ]'
check "that letter's basis cites both" \
    'joined "$both" | grep -qF "Căn cứ Điều 63, Điều 65 và Điều 66 Nghị định"'
check "a deputy signs: KT. GIÁM ĐỐC over PHÓ GIÁM ĐỐC, in the letter and in Mẫu 07" \
    'joined "$both" | grep -qF "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" &&
     joined "$T/both/out/$TC/gia-han/Mau07-le-thi-thu-ha.pdf" | grep -qF "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC"'

# ---- long notes beside unbreakable words (issue 13 item 1, the reviewer's three tables) ----
# Mẫu 08: a 17-word Ghi chú once stood one word per line beside a serial column with slack;
# Mẫu 02: a long note once took the room of an e-mail, cut "…ngocbi" / "ch@stc…"; Mẫu 14: a
# 46-digit serial once made the derived "Hạn bàn giao" read "07/" "12/" "2026". Serials are now
# at most 40 hexadecimal digits (RFC 5280 §4.1.2.2, rule so-hieu-hex): the longest valid one
# made the same "07/" "12/" "2026" before that fix, so it stands in for the 46 digits here;
# a serial too wide for its column, the one cut, is test_layout's (layout alone, no rules).
mkdir -p "$T/cut/in"
NOTE="Cán bộ được điều động sang đơn vị mới từ tháng trước nên cần gia hạn sớm"
cat >"$T/cut/in/gia-han-ghi-chu.csv" <<EOF_CSV
thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong,ghi_chu
gia-han,ca-nhan,Sở Tài chính tỉnh An Giang,Nguyễn Thị Ánh Tuyết,089185001234,Phó Chánh Văn phòng,Văn phòng Sở Tài chính,tuyetnta@angiang.gov.vn,0913 456 789,540101A1B2C3D4E5F60718293A4B5C6D,15/03/2027,0,có,$NOTE
EOF_CSV
cat >"$T/cut/in/cap-moi-email.csv" <<'EOF_CSV'
thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,ngay_sinh,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,xac_nhan_thu_truong,ghi_chu
cap-moi,ca-nhan,Sở Tài chính tỉnh An Giang,Nguyễn Huỳnh Thị Ngọc Bích,14/03/1985,089185001299,Chuyên viên,Văn phòng Sở Tài chính,nguyenhuynhthingocbich@stc.angiang.gov.vn,0913 456 700,có,Cán bộ mới chuyển công tác theo Quyết định số 1234/QĐ-UBND ngày 05/11/2026 của Ủy ban nhân dân tỉnh về việc điều động
cap-moi,ca-nhan,Sở Tài chính tỉnh An Giang,Trần Văn Bình,02/09/1979,089185001300,Chuyên viên,Văn phòng Sở Tài chính,binhtv@angiang.gov.vn,0913 456 701,có,hợp lệ
EOF_CSV
cat >"$T/cut/in/ban-giao-serial.csv" <<'EOF_CSV'
thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,email,dien_thoai,so_hieu_cts,so_serial_thiet_bi,ngay_thu_hoi,xac_nhan_thu_truong,ghi_chu
ban-giao-thiet-bi,ca-nhan,Sở Tài chính tỉnh An Giang,Nguyễn Thị Ánh Tuyết,089185001234,tuyetnta@angiang.gov.vn,0913 456 789,540105BEEF0123456789ABCDEF0123456789ABCD,VGCA-TK-2022-03001,30/11/2026,có,thiết bị đã hỏng phần vỏ
EOF_CSV
$BIN run --in "$T/cut/in" --out "$T/cut/out" --as-of 2026-11-20 --settle 0 >/dev/null 2>&1
rc=$?
check "long notes: every row accepted (rc $rc)" '[ $rc -eq 0 ]'
c08="$T/cut/out/$TC/gia-han/Mau08-$TC.pdf" c02="$T/cut/out/$TC/cap-moi/Mau02-$TC.pdf"
c14="$T/cut/out/$TC/ban-giao-thiet-bi/Mau14-$TC.pdf"
on_a_line() { pdftotext -layout "$1" - 2>/dev/null | grep -qF -- "$2"; }
for tok in 540101A1B2C3D4E5F60718293A4B5C6D 15/03/2027 "Nguyễn Thị Ánh Tuyết"; do
    check "Mẫu 08 beside a 17-word note: $tok whole on one line" 'on_a_line "$c08" "$tok"'
done
# the note's row: from the serial's line to the blank line after the table
note_lines=$(pdftotext -layout "$c08" - 2>/dev/null |
    awk '/540101A1B2C3D4E5F60718293A4B5C6D/ { on = 1 } on && /^ *$/ { exit } on { n++ } END { print n + 0 }')
check "Mẫu 08: the 17-word note is set in at most 8 lines, not one word a line (got $note_lines)" \
    '[ "$note_lines" -ge 1 ] && [ "$note_lines" -le 8 ]'
for tok in nguyenhuynhthingocbich@stc.angiang.gov.vn binhtv@angiang.gov.vn 089185001299 089185001300; do
    check "Mẫu 02 beside a long note: $tok whole on one line" 'on_a_line "$c02" "$tok"'
done
for tok in VGCA-TK-2022-03001 07/12/2026; do
    check "Mẫu 14 beside a 40-digit serial: $tok (the token serial, the derived Hạn bàn giao) whole on one line" \
        'on_a_line "$c14" "$tok"'
done
check "Mẫu 14: the 40-digit serial, the longest a certificate has, whole on one line too" \
    'on_a_line "$c14" 540105BEEF0123456789ABCDEF0123456789ABCD'

# ---- a template naming an unknown key stops the run before any document, with its line ----
mkdir -p "$T/home" "$T/broken/in"
cp -r templates config "$T/home/"
ln -s "$PWD/fonts" "$T/home/fonts"
line=$(grep -n "<p>Họ và tên.*{ho_ten}" "$T/home/templates/mau01.xml" | head -1 | cut -d: -f1)
sed -i "${line}s/{ho_ten}/{ho_ten_moi}/" "$T/home/templates/mau01.xml"
cp $DATA/e2e_cap_moi.csv "$T/broken/in/"
CTSBATCH_HOME="$T/home" $BIN run --in "$T/broken/in" --out "$T/broken/out" --as-of 2026-11-20 \
    --settle 0 >/dev/null 2>"$T/broken.err"
rc=$?
check "unknown placeholder: exit 3, an operator's error (got $rc)" '[ $rc -eq 3 ]'
check "unknown placeholder: the error names the file, the line and the name" \
    'grep -qF "templates/mau01.xml:$line: unknown placeholder {ho_ten_moi}" "$T/broken.err"'
check "unknown placeholder: no document made, the roster kept for the next run" \
    '[ -z "$(find "$T/broken/out" -name "*.pdf" 2>/dev/null)" ] && [ -f "$T/broken/in/e2e_cap_moi.csv" ]'
sed -i "${line}s/{ho_ten_moi}/{ho_ten|hoa}/" "$T/home/templates/mau01.xml"
CTSBATCH_HOME="$T/home" $BIN run --in "$T/broken/in" --out "$T/broken/out" --as-of 2026-11-20 \
    --settle 0 >/dev/null 2>"$T/broken.err"
rc=$?
check "unknown filter: exit 3 with the file, line and filter" \
    '[ $rc -eq 3 ] && grep -qF "mau01.xml:$line: unknown filter hoa in {ho_ten}" "$T/broken.err"'
sed -i "${line}s/{ho_ten|hoa}/{ho_ten}/" "$T/home/templates/mau01.xml"
CTSBATCH_HOME="$T/home" $BIN run --in "$T/broken/in" --out "$T/broken/out" --as-of 2026-11-20 \
    --settle 0 >/dev/null 2>&1
rc=$?
check "the template mended: the kept roster goes through (rc $rc)" \
    '[ $rc -le 1 ] && [ -f "$T/broken/in/done/e2e_cap_moi.csv" ]'

echo "e2e_tables: $pass passed, $fail failed"
[ $fail -eq 0 ]
