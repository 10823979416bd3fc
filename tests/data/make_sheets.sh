#!/usr/bin/env bash
# Regenerates the spreadsheet fixtures of issue 10 (tests/test_sheet.c, tests/e2e.sh) from one
# roster written below: sheet_roster.csv (UTF-8, ';', as Excel's "CSV UTF-8" on Vietnamese
# Windows) and sheet_roster.fods (flat OpenDocument XML written by hand, so that a CCCD with
# its leading zero is a text cell, expiry dates are date cells and counts are number cells),
# then LibreOffice converts the .fods to sheet_roster.xlsx, .xls and .ods. Both start with a
# title row and a blank row above the header, whose labels use the configured aliases
# (STT, Họ tên, Số CCCD/CMND, SĐT, Email, Đơn vị công tác).
#
# Needs python3 and soffice (Debian: libreoffice-calc-nogui); `make test` does not: the
# outputs are committed. Run from anywhere: bash tests/data/make_sheets.sh
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - <<'PY'
import html
title = "DANH SÁCH ĐỀ NGHỊ GIA HẠN CHỨNG THƯ SỐ"
# (label, type): s text, f number, d date (dd/mm/yyyy in the CSV)
cols = [("STT", "f"), ("Thủ tục", "s"), ("Loại thuê bao", "s"),
        ("Cơ quan quản lý trực tiếp", "s"), ("Họ tên", "s"), ("Số CCCD/CMND", "s"),
        ("Chức vụ", "s"), ("Đơn vị công tác", "s"), ("Email", "s"), ("SĐT", "s"),
        ("Số hiệu chứng thư số", "s"), ("Ngày hết hạn", "d"), ("Số lần đã gia hạn", "f"),
        ("Xác nhận của thủ trưởng", "s"), ("Ghi chú", "s")]
stc = "Sở Tài chính tỉnh An Giang"
rows = [
    ["1", "gia-han", "ca-nhan", stc, "Nguyễn Thị Ánh Tuyết", "089185001234", "Phó Chánh Văn phòng",
     "Văn phòng Sở Tài chính", "tuyetnta@angiang.gov.vn", "0913456789",
     "540101A1B2C3D4E5F60718293A4B5C6D", "18/01/2027", "0", "có", "còn 59 ngày"],
    ["2", "gia-han", "ca-nhan", stc, "Lê Văn Tám", "089090002211", "Chuyên viên",
     "Phòng Tin học - Thống kê", "tamlv@angiang.gov.vn", "0939111222",
     "540101A1B2C3D4E5F60718293A4B5C6E", "19/01/2027", "0", "có", "còn 60 ngày"],
    ["3", "Gia hạn", "ca-nhan", stc, "Phạm Thị Hồng Ngọc", "089190002468", "Chuyên viên",
     "Phòng Quản lý ngân sách", "ngocpth@angiang.gov.vn", "0987111222",
     "540101A1B2C3D4E5F60718293A4B5C6F", "20/01/2027", "0", "có", "còn 61 ngày"],
    ["4", "gia-han", "ca-nhan", stc, "Võ Thị Mỹ Duyên", "089188005566", "Chuyên viên",
     "Phòng Tổ chức cán bộ", "duyenvtm@angiang.gov.vn", "0907654321",
     "540101A1B2C3D4E5F60718293A4B5C71", "30/06/2027", "1", "có", "đã gia hạn 1 lần"],
    ["5", "gia-han", "ca-nhan", stc, "Nguyễn Văn Phước", "089084006677", "Phó Trưởng phòng",
     "Phòng Tài chính doanh nghiệp", "phuocnv@angiang.gov.vn", "0982456123",
     "540101A1B2C3D4E5F60718293A4B5C73", "29/02/2028", "0", "có", "hết hạn 29/02"],
    ["6", "gia-han", "ca-nhan", stc, "Phan Văn Lợi", "089087002659", "Chuyên viên",
     "Phòng Tài chính doanh nghiệp", "loipv.stc@gmail.com", "0982765432",
     "540101A1B2C3D4E5F60718293A4B5C7E", "12/12/2027", "0", "có", "gmail"],
]
def q(v):
    return '"' + v.replace('"', '""') + '"' if any(c in v for c in ';"\n') else v
with open("sheet_roster.csv", "w", encoding="utf-8", newline="") as f:
    f.write(title + ";" * (len(cols) - 1) + "\r\n")
    f.write(";" * (len(cols) - 1) + "\r\n")
    f.write(";".join(q(c[0]) for c in cols) + "\r\n")
    for r in rows:
        f.write(";".join(q(v) for v in r) + "\r\n")
def cell(v, t):
    e = html.escape(v, quote=True)
    if t == "f":
        return f'<table:table-cell office:value-type="float" office:value="{e}"><text:p>{e}</text:p></table:table-cell>'
    if t == "d":
        d, m, y = v.split("/")
        return (f'<table:table-cell table:style-name="date" office:value-type="date" '
                f'office:date-value="{y}-{m}-{d}"><text:p>{e}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{e}</text:p></table:table-cell>'
out = ['<?xml version="1.0" encoding="UTF-8"?>',
 '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
 ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
 ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
 ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
 ' xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
 ' office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">',
 '<office:automatic-styles>',
 '<number:date-style style:name="ddmmyyyy"><number:day number:style="long"/><number:text>/</number:text>'
 '<number:month number:style="long"/><number:text>/</number:text><number:year number:style="long"/></number:date-style>',
 '<style:style style:name="date" style:family="table-cell" style:data-style-name="ddmmyyyy"/>',
 '</office:automatic-styles>',
 '<office:body><office:spreadsheet><table:table table:name="Danh sách">',
 f'<table:table-column table:number-columns-repeated="{len(cols)}"/>',
 f'<table:table-row><table:table-cell table:number-columns-spanned="{len(cols)}" office:value-type="string">'
 f'<text:p>{html.escape(title)}</text:p></table:table-cell>'
 f'<table:covered-table-cell table:number-columns-repeated="{len(cols) - 1}"/></table:table-row>',
 '<table:table-row><table:table-cell/></table:table-row>',
 '<table:table-row>' + "".join(cell(c[0], "s") for c in cols) + '</table:table-row>']
for r in rows:
    out.append('<table:table-row>' + "".join(cell(v, c[1]) for v, c in zip(r, cols)) + '</table:table-row>')
out.append('</table:table></office:spreadsheet></office:body></office:document>')
with open("sheet_roster.fods", "w", encoding="utf-8") as f:
    f.write("\n".join(out) + "\n")
PY
profile="file://$tmp/profile"
for target in xlsx 'xls:MS Excel 97' ods; do
    soffice -env:UserInstallation="$profile" --headless --convert-to "$target" --outdir "$tmp" \
        sheet_roster.fods >/dev/null
done
cp "$tmp/sheet_roster.xlsx" "$tmp/sheet_roster.xls" "$tmp/sheet_roster.ods" .
ls -l sheet_roster.*
# Written by hand, committed, and converted here: sheet_formula.fods («Họ và tên» as a formula
# of two other columns: the note an .xls formula column gets, FreeXL reading no formula
# results), sheet_multi.fods (an instructions sheet and a hidden old list before the roster:
# the sheet chosen), sheet_long_number.fods (a serial typed into a number cell: Excel's 15
# digits).
convert() { # convert NAME TARGET...
    local name=$1
    shift
    for target in "$@"; do
        soffice -env:UserInstallation="$profile" --headless --convert-to "$target" --outdir "$tmp" \
            "$name.fods" >/dev/null
    done
}
convert sheet_formula 'xls:MS Excel 97' ods
convert sheet_multi xlsx ods
convert sheet_long_number xlsx
cp "$tmp/sheet_formula.xls" "$tmp/sheet_formula.ods" "$tmp/sheet_multi.xlsx" "$tmp/sheet_multi.ods" \
    "$tmp/sheet_long_number.xlsx" .
ls -l sheet_formula.* sheet_multi.* sheet_long_number.*
