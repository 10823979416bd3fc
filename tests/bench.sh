#!/usr/bin/env bash
# make bench: the instrument for the PDF engine's targets: per one-page form, end to end,
# <= 0.5 ms and <= 24 KB with three embedded subset faces; memory flat in roster size; >= 15x
# ReportLab canvas's speed per document. It prints figures only, never asserts: machines are
# shared and noisy.
#
# 1. A synthetic renewal roster of N rows (one Mẫu 07 per row, one Mẫu 08 letter per agency)
#    through the whole pipeline: wall and CPU (user+sys) ms per document, mean KB of the
#    Mẫu 07 forms and of the letters, peak RSS.
# 2. Memory flatness: peak RSS at SMALL and LARGE rows and their ratio (1.0 is flat). The run
#    of step 1 is reused when LARGE = N (the default).
# 3. ReportLab canvas drawing M comparable one-page forms (tests/bench_reportlab.py, with
#    Debian's /usr/bin/python3 and python3-reportlab), and the ratio of the two.
#
# 4. The renewal campaign (issue 12): a register of CERTS certificates across AGENCIES
#    managing agencies imported (wall, peak RSS), then `renew --as-of 2026-12-01`:
#    certificates selected per second (the streamed selection and roster) and documents
#    made per second, peak RSS; and the import's RSS at CERTS/10 for flatness.
#
# Knobs (environment): N=3000 rows; SMALL=N/10, LARGE=N, or with BIG=1 SMALL=1000 and
# LARGE=20000; M=300 ReportLab documents; CERTS=50000, AGENCIES=200; ONLY=campaign for
# step 4 alone; CTSBATCH=./ctsbatch; RL_PYTHON=/usr/bin/python3.
set -eu
cd "$(dirname "$0")/.."
N=${N:-3000}
if [ "${BIG:-0}" = 1 ]; then
    SMALL=${SMALL:-1000} LARGE=${LARGE:-20000}
else
    SMALL=${SMALL:-$((N / 10))} LARGE=${LARGE:-$N}
fi
M=${M:-300}
BIN=${CTSBATCH:-./ctsbatch}
RL_PYTHON=${RL_PYTHON:-/usr/bin/python3}
TIME=/usr/bin/time
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bench_start=$(date +%s.%N)

# A monthly renewal roster of $1 gia-han requests from four agencies, on stdout.
roster() {
    awk -v n="$1" 'BEGIN {
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
}'
}

# Runs the pipeline once on a fresh roster of $1 rows into a new $T/runK/out, named by OUT. Sets
# WALL and CPU (seconds), RSS (KB, "?" without /usr/bin/time) and RC; the roster is made before
# the clock starts. Earlier runs' files are left until the end: on ext4 without a journal (this
# machine's root file system), each new file's inode allocation skips, one by one, the inodes
# deleted in the last 60 s (300 s while their table block is dirty: ext4's recently_deleted),
# so thousands of files deleted just before a run slow its file creations, and that would be
# measured as ours. For the same reason a bench run within five minutes of a test suite or of
# another bench on such a file system measures the disk; TMPDIR=/dev/shm measures the program.
RUNS=0
run_roster() {
    RUNS=$((RUNS + 1))
    OUT="$T/run$RUNS/out"
    local IN="$T/run$RUNS/in"
    mkdir -p "$IN" "$OUT"
    roster "$1" >"$IN/bench.csv"
    local s e
    RC=0
    s=$(date +%s.%N)
    # $BIN unquoted: CTSBATCH may be a command line ("valgrind -q ./ctsbatch")
    # shellcheck disable=SC2086
    if [ -x "$TIME" ]; then
        "$TIME" -f '%U %S %M' -o "$T/time" $BIN run --in "$IN" --out "$OUT" --settle 0 \
            --as-of 2026-11-20 >"$T/log" 2>&1 || RC=$?
    else
        $BIN run --in "$IN" --out "$OUT" --settle 0 --as-of 2026-11-20 >"$T/log" 2>&1 \
            || RC=$?
        echo "? ? ?" >"$T/time"
    fi
    e=$(date +%s.%N)
    # time(1) puts "Command exited with non-zero status" before its line on a failure
    read -r u sy RSS < <(tail -n 1 "$T/time") || true
    WALL=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
    CPU=$(awk -v u="$u" -v s="$sy" 'BEGIN { if (u == "?") print "?"; else printf "%.2f", u + s }')
    if [ "$RC" != 0 ]; then
        echo "bench: ctsbatch exited $RC on $1 rows; its last lines:"
        tail -n 3 "$T/log" | sed 's/^/bench:   /'
    fi
}

# Sum of the sizes (bytes) and count of the files named $1 under $OUT: "bytes count".
sizes() {
    find "$OUT" -name "$1" -printf '%s\n' | awk '{ s += $1; n++ } END { print s + 0, n + 0 }'
}

mb() { awk -v k="$1" 'BEGIN { if (k == "?") print "?"; else printf "%.1f", k / 1024 }'; }

echo "bench: writing under $T ($(stat -f -c %T "$T" 2>/dev/null || echo '?') file system; TMPDIR chooses)"
[ -x "$TIME" ] || echo "bench: $TIME missing (Debian package time): no CPU or memory figures"

# A register of $1 certificates across $2 agencies, on stdout: expiries spread over five
# years from 01/2027, one in 20 renewed once, one in 50 revoked.
register_file() {
    awk -v n="$1" -v a="$2" 'BEGIN {
    print "so_hieu_cts,loai_thue_bao,ho_ten,so_cccd,chuc_vu,co_quan_cong_tac,email,dien_thoai,co_quan_quan_ly,ngay_cap,ngay_het_han,so_lan_gia_han,trang_thai";
    split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ");
    for (i = 1; i <= n; i++) {
        d = i % 1826; y = 2027; m = 1;
        while (d >= (y % 4 == 0 && m == 2 ? 29 : mdays[m])) {
            d -= (y % 4 == 0 && m == 2 ? 29 : mdays[m]); m++; if (m > 12) { m = 1; y++ }
        }
        printf "5402%012X,ca-nhan,Cán bộ %d,0892%08d,Chuyên viên,Văn phòng,cb%06d@angiang.gov.vn,09%08d,Cơ quan số %d tỉnh An Giang,01/01/2022,%02d/%02d/%d,%d,%s\n", \
            i, i, i, i, i, 1 + i % a, d + 1, m, y, i % 20 == 0, i % 50 == 0 ? "thu-hoi" : "hoat-dong";
    }
}'
}

# Runs "$@" under time(1) into $T/time; sets RC, WALL (s), RSS (KB or "?").
timed() {
    local s e u sy
    RC=0
    s=$(date +%s.%N)
    # shellcheck disable=SC2086
    if [ -x "$TIME" ]; then
        "$TIME" -f '%U %S %M' -o "$T/time" "$@" >"$T/log" 2>&1 || RC=$?
    else
        "$@" >"$T/log" 2>&1 || RC=$?
        echo "? ? ?" >"$T/time"
    fi
    e=$(date +%s.%N)
    read -r u sy RSS < <(tail -n 1 "$T/time") || true
    WALL=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }')
}

campaign() {
    local certs=${CERTS:-50000} agencies=${AGENCIES:-200} small rss_imp rss_small
    rm -rf "$T/camp" && mkdir -p "$T/camp"
    register_file "$certs" "$agencies" >"$T/camp/so.csv"
    small=$((certs / 10))
    register_file "$small" "$agencies" >"$T/camp/so-small.csv"
    # shellcheck disable=SC2086
    timed $BIN register import "$T/camp/so-small.csv" --out "$T/camp/small"
    rss_small=$RSS
    # shellcheck disable=SC2086
    timed $BIN register import "$T/camp/so.csv" --out "$T/camp/out"
    rss_imp=$RSS
    [ "$RC" -le 1 ] || { echo "bench: campaign: import exited $RC"; tail -n 3 "$T/log"; return; }
    awk -v n="$certs" -v w="$WALL" -v a="$rss_small" -v b="$rss_imp" -v s="$small" 'BEGIN {
        printf "bench: register: %d certificates imported in %.2f s (%.0f/s)", n, w, (w > 0 ? n / w : 0);
        if (a != "?" && b != "?" && a > 0)
            printf "; peak RSS %.1f MB (%.1f MB at %d: ratio %.2f)", b / 1024, a / 1024, s, b / a;
        printf "\n";
    }'
    # shellcheck disable=SC2086
    timed $BIN renew --as-of 2026-12-01 --out "$T/camp/out"
    [ "$RC" = 0 ] || { echo "bench: campaign: renew exited $RC"; tail -n 3 "$T/log"; return; }
    read -r sel ss docs ds < <(sed -n 's/.*renew: \([0-9]*\) selected in \([0-9.]*\) s; \([0-9]*\) document(s) made in \([0-9.]*\) s.*/\1 \2 \3 \4/p' "$T/log")
    awk -v sel="${sel:-0}" -v ss="${ss:-0}" -v d="${docs:-0}" -v ds="${ds:-0}" -v w="$WALL" \
        -v m="$(mb "$RSS")" -v n="$certs" 'BEGIN {
        printf "bench: campaign: %d of %d certificates selected in %.3f s (%.0f/s); %d documents in %.2f s (%.0f/s); %.2f s wall; peak RSS %s MB\n", \
            sel, n, ss, (ss > 0 ? sel / ss : 0), d, ds, (ds > 0 ? d / ds : 0), w, m;
    }'
    rm -rf "$T/camp"
}

if [ "${ONLY:-}" = campaign ]; then
    campaign
    awk -v s="$bench_start" -v e="$(date +%s.%N)" 'BEGIN { printf "bench: total %.0f s\n", e - s }'
    exit 0
fi

# 1. The run of N rows.
run_roster "$N"
read -r b07 n07 < <(sizes 'Mau07-*.pdf')
read -r b08 n08 < <(sizes 'Mau08-*.pdf')
docs=$((n07 + n08))
pages07="?" pages08="?"
if command -v pdfinfo >/dev/null; then
    first=$(find "$OUT" -name 'Mau07-*.pdf' -print -quit)
    [ -n "$first" ] && pages07=$(pdfinfo "$first" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    pages08=$(find "$OUT" -name 'Mau08-*.pdf' -exec pdfinfo {} \; 2>/dev/null \
        | awk '/^Pages:/ { p += $2 } END { print p + 0 }')
fi
awk -v n="$N" -v n07="$n07" -v n08="$n08" -v d="$docs" -v w="$WALL" -v c="$CPU" \
    -v b07="$b07" -v b08="$b08" -v p07="$pages07" -v p08="$pages08" -v m="$(mb "$RSS")" 'BEGIN {
    printf "bench: ctsbatch: %d renewal rows -> %d Mẫu 07 + %d Mẫu 08 in %.2f s wall, %s s CPU\n", \
        n, n07, n08, w, c;
    if (d == 0) { print "bench: ctsbatch: no documents"; exit }
    if (c == "?")
        printf "bench: ctsbatch: %.3f ms wall per document (target ≤ 0.5 ms)\n", 1000 * w / d;
    else
        printf "bench: ctsbatch: %.3f ms wall, %.3f ms CPU per document (target ≤ 0.5 ms)\n", \
            1000 * w / d, 1000 * c / d;
    if (n07 > 0)
        printf "bench: Mẫu 07: mean %.1f KB per form (target ≤ 24 KB); first one has %s page(s)\n", \
            b07 / n07 / 1024, p07;
    if (n08 > 0)
        printf "bench: Mẫu 08: %d letters, %s pages, mean %.1f KB per letter\n", n08, p08, \
            b08 / n08 / 1024;
    printf "bench: peak RSS %s MB\n", m;
}'
CS_WALL=$WALL CS_CPU=$CPU CS_DOCS=$docs RSS_N=$RSS

# 2. Memory flatness: the same pipeline at SMALL and LARGE rows (reusing the run of N).
# A failed run's memory says nothing about the pipeline's: "?" then.
[ "$RC" = 0 ] || RSS_N="?"
if [ "$SMALL" = "$N" ]; then rss_small=$RSS_N; else
    run_roster "$SMALL"
    rss_small=$RSS
    [ "$RC" = 0 ] || rss_small="?"
fi
if [ "$LARGE" = "$N" ]; then rss_large=$RSS_N; else
    run_roster "$LARGE"
    rss_large=$RSS
    [ "$RC" = 0 ] || rss_large="?"
fi
awk -v s="$SMALL" -v l="$LARGE" -v a="$rss_small" -v b="$rss_large" 'BEGIN {
    if (a == "?" || b == "?" || a == 0) { print "bench: memory: not measured"; exit }
    printf "bench: memory: peak RSS %.1f MB at %d rows, %.1f MB at %d rows: ratio %.2f (flat: 1.00)", \
        a / 1024, s, b / 1024, l, b / a;
    if (l != s) printf ", %+.2f KB per row", (b - a) / (l - s);
    printf "\n";
}'

# 3. ReportLab canvas, and the ratio.
rl="$T/reportlab.fig"
if ! [ -x "$RL_PYTHON" ]; then
    echo "bench: reportlab: $RL_PYTHON missing (Debian packages python3, python3-reportlab); skipped"
elif "$RL_PYTHON" tests/bench_reportlab.py --count "$M" --out "$T/rl" \
    --figures "$rl" 2>"$T/rl.err"; then
    read -r rl_cpu rl_wall _ <"$rl"
    awk -v rc="$rl_cpu" -v rw="$rl_wall" -v c="$CS_CPU" -v w="$CS_WALL" -v d="$CS_DOCS" 'BEGIN {
        if (d == 0 || w <= 0) { print "bench: no ctsbatch documents: no ratio"; exit }
        ratio_w = rw / (1000 * w / d);
        if (c == "?" || c <= 0)
            printf "bench: ctsbatch is %.2f× ReportLab canvas per document (wall; target ≥ 15×)\n", ratio_w;
        else
            printf "bench: ctsbatch is %.2f× ReportLab canvas per document (CPU; %.2f× wall; target ≥ 15×)\n", \
                rc / (1000 * c / d), ratio_w;
    }'
else
    # the script prints its own bench: line when reportlab or the fonts are missing
    [ -s "$T/rl.err" ] && tail -n 2 "$T/rl.err" | sed 's/^/bench: reportlab: /'
    echo "bench: reportlab: no figures; no ratio"
fi

# 4. The renewal campaign.
campaign
awk -v s="$bench_start" -v e="$(date +%s.%N)" 'BEGIN { printf "bench: total %.0f s\n", e - s }'
