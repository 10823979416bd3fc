#!/usr/bin/python3
"""make bench: the ReportLab canvas baseline for the PDF engine's target (>= 15x per document).

Draws M one-page forms laid out like ctsbatch's Mau 07 (templates/mau07.xml: header block,
title, ~25 lines of Vietnamese text whose name, CCCD, serial and dates vary per document, a rule,
two justified paragraphs, a two-column signature block) with three embedded TrueType faces
(Liberation Serif Regular, Bold, Italic), registered once; ReportLab subsets them on embedding.
Each document is its own Canvas written to its own file, with ReportLab's defaults (page
compression on). Rows follow tests/bench.sh's roster: same names, CCCD, serials and expiries.

Run with Debian's /usr/bin/python3 (python3-reportlab). Prints one `bench:` line; with
--figures FILE also writes "cpu_ms_per_doc wall_ms_per_doc mean_kb" there for tests/bench.sh.
Exit 3 when reportlab or the fonts are missing (after a `bench:` line saying so).
"""

import argparse
import os
import sys
import time

try:
    import reportlab
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
except ImportError as e:
    print("bench: reportlab: not available to %s (%s); install python3-reportlab"
          % (sys.executable, e))
    sys.exit(3)

FACES = (("R", "LiberationSerif-Regular.ttf"), ("B", "LiberationSerif-Bold.ttf"),
         ("I", "LiberationSerif-Italic.ttf"))
FONT_DIRS = (os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fonts"),
             "/usr/share/fonts/truetype/liberation2")

# tests/bench.sh's name scheme (its awk arrays are 1-based: ho[1 + i % 14] is HO[i % 14]).
HO = "Nguyễn Trần Lê Phạm Huỳnh Hoàng Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
DEM = "Thị Văn Hữu Ngọc Minh Thanh Quốc Thu Mỹ Đức".split()
TEN = "Ánh Tuyết Hưng Hằng Duyên Ẩn Bình Nhung Tâm Phúc Khoa Ngọc Trâm Quý Lộc Hiếu".split()
CQ = ("Sở Tài chính tỉnh An Giang", "Sở Nội vụ tỉnh An Giang", "Sở Y tế tỉnh An Giang",
      "Sở Xây dựng tỉnh An Giang")

# templates/mau07.xml's geometry: A4, margins in mm, 13 pt text, line height 1.25.
PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP = 30 * mm, PAGE_W - 15 * mm, PAGE_H - 20 * mm
WIDTH = RIGHT - LEFT
SIZE = 13
DOTS = "." * 30


def row(i):
    """Row i (1-based) of the bench roster, as the fields the form prints."""
    day, month = 1 + i % 28, 3 + i % 10
    return {
        "ho_ten": "%s %s %s" % (HO[i % 14], DEM[(i // 14) % 10], TEN[(i // 140) % 16]),
        "co_quan": CQ[i % 4],
        "cccd": "0891%08d" % i,
        "email": "cb%05d@angiang.gov.vn" % i,
        "phone": "09%08d" % i,
        "serial": "540101010%07X" % i,
        "expiry": "%02d/%02d/2027" % (day, month),
        "new_expiry": "%02d/%02d/2030" % (day, month),
    }


def find_font(name):
    for d in FONT_DIRS:
        p = os.path.join(d, name)
        if os.path.isfile(p):
            return p
    return None


class Page:
    """A cursor down one page: lines of spans, aligned, wrapped and justified on the canvas."""

    def __init__(self, c):
        self.c = c
        self.y = TOP

    def width(self, spans, size):
        return sum(pdfmetrics.stringWidth(t, f, size) for f, t in spans)

    def spans_at(self, spans, x, y, size):
        for face, text in spans:
            self.c.setFont(face, size)
            self.c.drawString(x, y, text)
            x += pdfmetrics.stringWidth(text, face, size)
        return x

    def line(self, spans, align="left", size=SIZE, before=0, x0=LEFT, width=WIDTH,
             rule=False):
        """One line of (face, text) spans; returns its baseline."""
        self.y -= before + size * 1.25
        w = self.width(spans, size)
        x = {"left": x0, "center": x0 + (width - w) / 2, "right": x0 + width - w}[align]
        self.spans_at(spans, x, self.y, size)
        if rule:
            self.c.setLineWidth(0.6)
            self.c.line(x, self.y - 4.5, x + w, self.y - 4.5)
        return self.y

    def justified(self, text, face="R", size=SIZE, indent=10 * mm, before=0):
        """A paragraph broken greedily on spaces, every line but the last justified word by
        word (as ctsbatch's layout places them), the first indented."""
        words = text.split()
        space = pdfmetrics.stringWidth(" ", face, size)
        widths = [pdfmetrics.stringWidth(w, face, size) for w in words]
        lines, cur, cur_w, avail = [], [], 0.0, WIDTH - indent
        for w, ww in zip(words, widths):
            add = ww if not cur else space + ww
            if cur and cur_w + add > avail:
                lines.append((cur, cur_w, avail))
                cur, cur_w, avail = [], 0.0, WIDTH
                add = ww
            cur.append((w, ww))
            cur_w += add
        lines.append((cur, cur_w, avail))
        self.y -= before
        self.c.setFont(face, size)
        for n, (ws, lw, av) in enumerate(lines):
            self.y -= size * 1.25
            x = LEFT + (indent if n == 0 else 0)
            last = n == len(lines) - 1
            gap = space if last or len(ws) < 2 else space + (av - lw) / (len(ws) - 1)
            for w, ww in ws:
                self.c.drawString(x, self.y, w)
                x += ww + gap


def draw_form(c, r):
    p = Page(c)
    p.line([("I", "Mẫu 07")], "right", size=11)
    p.line([("B", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")], "center")
    p.line([("B", "Độc lập - Tự do - Hạnh phúc")], "center", size=14, rule=True)
    p.line([("I", "An Giang, ngày 20 tháng 11 năm 2026")], "right", before=10)
    p.line([("B", "GIẤY ĐỀ NGHỊ GIA HẠN, THAY ĐỔI")], "center", size=14, before=14)
    p.line([("B", "NỘI DUNG THÔNG TIN CHỨNG THƯ SỐ")], "center", size=14)
    p.line([("R", "Kính gửi: " + r["co_quan"])], "center", before=10)
    p.y -= 10
    p.line([("R", "Tên thuê bao: "), ("B", r["ho_ten"])])
    p.line([("R", "Số định danh cá nhân (CCCD): " + r["cccd"])])
    p.line([("R", "Chức vụ: Chuyên viên; cơ quan công tác: Văn phòng")])
    p.line([("R", "Thư điện tử công vụ: %s; số điện thoại: %s" % (r["email"], r["phone"]))])
    p.line([("R", "Nội dung đề nghị: "), ("B", "Gia hạn")], before=6)
    p.line([("R", "Số hiệu chứng thư số: " + r["serial"])])
    p.line([("R", "Ngày hết hạn hiện tại: " + r["expiry"])])
    p.line([("R", "Ngày hết hạn sau khi gia hạn, thay đổi: " + r["new_expiry"])])
    p.line([("R", "Nội dung thay đổi (nếu có): " + DOTS)])
    p.line([("R", "Thông tin cũ: " + DOTS)])
    p.line([("R", "Thông tin mới: " + DOTS)])
    p.justified("Đề nghị Sở Thông tin và Truyền thông tỉnh An Giang xem xét, thực hiện nội "
                "dung đề nghị nêu trên theo quy định tại Điều 63, Điều 65 và Điều 66 Nghị định "
                "số 130/2018/NĐ-CP.", before=8)
    p.justified("Tôi cam kết các thông tin nêu trên là đúng sự thật và chịu trách nhiệm trước "
                "pháp luật về các thông tin đã cung cấp.", before=4)
    top, half = p.y - 16, WIDTH / 2
    for x0, lines, name in (
            (LEFT, ("XÁC NHẬN CỦA THỦ TRƯỞNG", "CƠ QUAN QUẢN LÝ TRỰC TIẾP",
                    "(Ký tên, đóng dấu)"), "Trần Văn Bình"),
            (LEFT + half, ("NGƯỜI ĐỀ NGHỊ", " ", "(Ký, ghi rõ họ tên; tổ chức đóng dấu)"),
             r["ho_ten"])):
        p.y = top
        p.line([("B", lines[0])], "center", x0=x0, width=half)
        p.line([("B", lines[1])], "center", x0=x0, width=half)
        p.line([("I", lines[2])], "center", x0=x0, width=half)
        p.line([("B", name)], "center", x0=x0, width=half, before=64)
    c.showPage()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", "-m", type=int, default=int(os.environ.get("M", "300")))
    ap.add_argument("--out", required=True, help="folder for the documents")
    ap.add_argument("--figures", help="file for 'cpu_ms wall_ms mean_kb'")
    a = ap.parse_args()
    paths = [find_font(f) for _, f in FACES]
    if None in paths:
        print("bench: reportlab: Liberation Serif not found in fonts/ or %s; run 'make deps'"
              % FONT_DIRS[1])
        sys.exit(3)
    os.makedirs(a.out, exist_ok=True)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    for (face, _), path in zip(FACES, paths):  # once per process, as ctsbatch loads its faces
        pdfmetrics.registerFont(TTFont(face, path))
    total = 0
    for i in range(1, a.count + 1):
        r = row(i)
        out = os.path.join(a.out, "Mau07-%06d.pdf" % i)
        # initialFontName: the page starts in our face, not an unused Helvetica resource
        c = canvas.Canvas(out, pagesize=A4, initialFontName="R", initialFontSize=SIZE)
        c.setTitle("Mẫu 07 - Giấy đề nghị gia hạn, thay đổi nội dung thông tin chứng thư số: "
                   + r["ho_ten"])
        c.setSubject("Đề nghị gia hạn, thay đổi nội dung thông tin chứng thư số chuyên dùng "
                     "Chính phủ")
        draw_form(c, r)
        c.save()
        total += os.path.getsize(out)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0

    n = max(a.count, 1)
    cpu_ms, wall_ms, kb = 1000 * cpu / n, 1000 * wall / n, total / n / 1024
    print("bench: reportlab %s canvas: %d one-page forms, %.2f ms CPU, %.2f ms wall, %.1f KB "
          "per document" % (reportlab.Version, a.count, cpu_ms, wall_ms, kb))
    if a.figures:
        with open(a.figures, "w") as f:
            f.write("%.4f %.4f %.2f\n" % (cpu_ms, wall_ms, kb))


if __name__ == "__main__":
    main()
