#!/usr/bin/env bash
# make bench: the instrument for the PDF engine's targets (DESIGN.md "Fast and small").
# Generates a synthetic roster of N requests (default 2000) with realistic names and
# agencies, runs the whole pipeline on it, and prints documents per second, mean bytes per
# PDF and peak memory. No assertion: machines are shared and noisy.
set -eu
cd "$(dirname "$0")/.."
N=${N:-2000}
BIN=${CTSBATCH:-./ctsbatch}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/in" "$T/out"
# A monthly renewal run: N gia-han requests from four agencies (one Mẫu 07 each, one
# Mẫu 08 per agency listing its rows).
awk -v n="$N" 'BEGIN {
    split("Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý", ho, " ");
    split("Thị Văn Hữu Ngọc Minh Thanh Quốc Thu Mỹ Đức", dem, " ");
    split("Ánh Tuyết Hưng Hằng Duyên Ẩn Bình Nhung Tâm Phúc Khoa Ngọc Trâm Quý Lộc Hiếu", ten, " ");
    split("Sở Tài chính tỉnh An Giang|Sở Nội vụ tỉnh An Giang|Sở Y tế tỉnh An Giang|Sở Xây dựng tỉnh An Giang", cq, "|");
    print "thu_tuc,loai_thue_bao,co_quan_quan_ly,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,so_hieu_cts,ngay_het_han,so_lan_gia_han,xac_nhan_thu_truong,ky_hieu,co_quan_chu_quan,thu_truong,chuc_vu_thu_truong";
    for (i = 1; i <= n; i++) {
        name = ho[1 + i % 14] " " dem[1 + int(i / 14) % 10] " " ten[1 + int(i / 140) % 16];
        printf "gia-han,ca-nhan,%s,%s,0891%08d,Chuyên viên,Văn phòng,cb%05d@angiang.gov.vn,09%08d,540101010%07X,%02d/%02d/2027,0,có,VP,UBND TỈNH AN GIANG,Trần Văn Bình,GIÁM ĐỐC\n", \
            cq[1 + i % 4], name, i, i, i, i, 1 + i % 28, 3 + i % 10;  # expiries >= 60 days out
    }
}' >"$T/in/bench.csv"
start=$(date +%s.%N)
if command -v /usr/bin/time >/dev/null; then
    /usr/bin/time -f '%M' -o "$T/mem" $BIN run --in "$T/in" --out "$T/out" --settle 0 \
        --as-of 2026-11-20 >/dev/null || true
else
    $BIN run --in "$T/in" --out "$T/out" --settle 0 --as-of 2026-11-20 >/dev/null || true
    echo "?" >"$T/mem"
fi
end=$(date +%s.%N)
count=$(find "$T/out" -name 'Mau*.pdf' | wc -l)
bytes=$(find "$T/out" -name 'Mau*.pdf' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
awk -v n="$N" -v c="$count" -v b="$bytes" -v s="$start" -v e="$end" -v m="$(tail -n 1 "$T/mem")" 'BEGIN {
    t = e - s;
    printf "bench: %d requests -> %d PDFs in %.2f s\n", n, c, t;
    printf "bench: %.0f documents/s, %.2f ms/document\n", c / t, 1000 * t / c;
    printf "bench: mean %.1f KB per PDF\n", b / c / 1024;
    printf "bench: peak memory %s KB\n", m;
}'
