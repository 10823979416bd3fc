#!/usr/bin/env bash
# Negative control of tests/pdfa.sh:  bash tests/pdfa_negative.sh [--part 1|2] GOOD.pdf
#
# A check that never fails proves nothing, so this makes copies of one good document and runs
# tests/pdfa.sh on each of them:
#   original   GOOD.pdf itself                                                   must pass;
#   roundtrip  GOOD.pdf through qpdf's QDF form and fix-qdf, with no edit        must pass
#              (so the two copies below fail for their edit, not for the round trip);
#   width      one /W width of a glyph the first text operator draws, +50 units   must fail;
#   title      the XMP dc:title text changed, the Info /Title left as it was     must fail.
# A broken copy must fail for its edit and nothing else: every FAIL line is one of the lines that
# edit explains, and pdfa_check.py names it; for a PDF/A-1 file Preflight must name it too.
# The copies are made as `qpdf --qdf --object-streams=disable --newline-before-endstream`, edited
# as text, then `fix-qdf`, which sets the stream lengths and the xref again; without
# --newline-before-endstream qpdf writes streams that PDF/A (and Preflight) reject.
#
# Prints one line per copy and the closing line "pdfa_negative: N passed, N failed"; exit status
# 0 only when the control behaves.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3

usage() {
    echo "usage: bash tests/pdfa_negative.sh [--part 1|2] GOOD.pdf" >&2
    exit 2
}
part_arg=()
if [ "${1:-}" = --part ]; then
    [ $# -ge 2 ] || usage
    part_arg=(--part "$2")
    shift 2
fi
[ $# -eq 1 ] || usage
good=$1
[ -f "$good" ] || { echo "pdfa_negative: no file $good" >&2; exit 2; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

if [ ${#part_arg[@]} -gt 0 ]; then
    part=${part_arg[1]}
else
    part=$("$PY" "$HERE/pdfa_check.py" --show-part "$good")
fi

# ---- the copies ----
if ! qpdf --qdf --object-streams=disable --newline-before-endstream "$good" "$T/good.qdf"; then
    echo "pdfa_negative: qpdf cannot write $good in QDF form"
    exit 1
fi

# edit KIND IN.qdf OUT.qdf: the one edit of a broken copy; prints what it changed
edit() {
    "$PY" - "$HERE" "$@" <<'EOF'
import re
import sys

sys.path.insert(0, sys.argv[1])
import pdfa_check as pc  # noqa: E402  (its PDF reading: objects, content lexer)

kind, src, dst = sys.argv[2:5]
data = open(src, "rb").read()
doc = pc.Document(src)


def span(num):
    """Start and end of object num's text in the QDF file."""
    m = re.search(rb"(?m)^%d 0 obj\n" % num, data)
    if not m:
        sys.exit("object %d not found in the QDF file" % num)
    end = data.find(b"\nendobj\n", m.end())
    return m.end(), end


def first_drawn():
    """(font reference, font dictionary, first CID) of the first text-showing operator of
    page 1."""
    root = doc.get(doc.trailer, "Root")
    page = doc.get(root, "Pages")
    for _ in range(pc.LIMIT_DEPTH):
        if doc.get(page, "Type") != "Pages":
            break
        page = doc.resolve(doc.get(page, "Kids")[0])
    contents = doc.get(page, "Contents")
    parts = contents if isinstance(contents, list) else [contents]
    content = b"\n".join(doc.decode_stream(doc.resolve(p)) for p in parts)
    fonts = doc.get(doc.get(page, "Resources"), "Font")
    lexer, operands, font = pc.Lexer(content), [], None
    while True:
        tok = lexer.next()
        if tok is None:
            sys.exit("page 1 draws no text")
        if tok in ("[", "<<"):
            operands.append(pc.parse_object(lexer, tok))
        elif not isinstance(tok, pc.Keyword):
            operands.append(tok)
        else:
            if tok == "Tf":
                fref = fonts.get(operands[-2])
                font = doc.resolve(fref)
            elif tok in ("Tj", "'", '"', "TJ") and font is not None:
                arg = operands[-1]
                strings = [s for s in arg if isinstance(s, pc.PdfString)] \
                    if isinstance(arg, list) else [arg]
                raw = b"".join(s.raw for s in strings)
                if len(raw) >= 2:
                    return fref, font, int.from_bytes(raw[:2], "big")
            operands = []


if kind == "width":
    fref, font, cid = first_drawn()
    desc = doc.resolve(doc.get(font, "DescendantFonts")[0])
    w = desc.get("W")
    # the object that holds the /W array: its own, the CIDFont's, or (a direct CIDFont) the
    # Type0 font's
    holder = w if isinstance(w, pc.Ref) else doc.get(font, "DescendantFonts")[0]
    if not isinstance(holder, pc.Ref):
        holder = fref
    if not isinstance(holder, pc.Ref):
        sys.exit("the font that draws first is not an indirect object")
    num = holder[0]
    start, end = span(num)
    if not isinstance(w, pc.Ref):
        m = re.compile(rb"/W\s*\[").search(data, start, end)
        if not m:
            sys.exit("no /W array in obj %d" % num)
        start = m.end() - 1
    # the numbers and brackets of the /W array, with their places in the file
    toks = [(m.group(0), m.start(), m.end()) for m in
            re.finditer(rb"\[|\]|[+-]?\d+(?:\.\d*)?", data[start:end])]
    if not toks or toks[0][0] != b"[":
        sys.exit("/W of obj %d is not written as an array" % num)
    # entries are "c [w ...]" or "c_first c_last w"; every step moves on, so this ends
    i, target = 1, None
    try:
        while i < len(toks) and target is None and toks[i][0] != b"]":
            first = int(toks[i][0])
            if toks[i + 1][0] == b"[":
                j, k = i + 2, 0
                while toks[j][0] != b"]":
                    if first + k == cid:
                        target = toks[j]
                    j, k = j + 1, k + 1
                i = j + 1
            else:
                if first <= cid <= int(toks[i + 1][0]):
                    target = toks[i + 2]
                i += 3
    except (IndexError, ValueError):
        sys.exit("/W of obj %d is not an array of the form PDF gives it" % num)
    if target is None:
        sys.exit("/W of obj %d has no entry for CID %d" % (num, cid))
    old = target[0]
    new = b"%d" % (int(float(old)) + 50)
    a, b = start + target[1], start + target[2]
    data = data[:a] + new + data[b:]
    print("/W width of CID %d, obj %d of the QDF copy: %s -> %s" % (cid, num, old.decode(),
                                                                 new.decode()))
elif kind == "title":
    meta = doc.get(doc.get(doc.trailer, "Root"), "Metadata")
    start, end = span(meta.ref[0])
    m = re.compile(rb"(<dc:title\b[^>]*>\s*<rdf:Alt\b[^>]*>\s*<rdf:li\b[^>]*>)([^<]*)(</rdf:li>)",
                   re.S).search(data, start, end)
    if not m:
        sys.exit("no <dc:title><rdf:Alt><rdf:li> in the XMP of obj %d" % meta.ref[0])
    new = m.group(2) + " (b\u1ea3n s\u1eeda)".encode("utf-8")
    data = data[:m.start(2)] + new + data[m.end(2):]
    print("XMP dc:title of obj %d: %r -> %r" % (meta.ref[0], m.group(2).decode("utf-8"),
                                                new.decode("utf-8")))
elif kind != "roundtrip":
    sys.exit("unknown edit " + kind)
open(dst, "wb").write(data)
EOF
}

# run_pdfa NAME FILE: tests/pdfa.sh on FILE; sets rc and out
run_pdfa() {
    out=$(bash "$HERE/pdfa.sh" "${part_arg[@]}" "$2" 2>&1)
    rc=$?
}

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL $1"
    local line
    [ -n "${2:-}" ] && while IFS= read -r line; do echo "     $line"; done <<<"$2"
}

# expect_pass NAME FILE
expect_pass() {
    run_pdfa "$1" "$2"
    if [ $rc -eq 0 ]; then
        ok "$1: pdfa.sh passes it"
    else
        bad "$1: pdfa.sh fails it (exit $rc), the control is void" "$out"
    fi
}

# expect_fail NAME FILE WHAT PDFA_CHECK_LINE PREFLIGHT_LINE: pdfa.sh must fail FILE, every FAIL
# line must match one of the two patterns (extended regexps, on "CHECK: detail"), and
# pdfa_check.py (and for PDF/A-1 Preflight) must give such a line
expect_fail() {
    local name=$1 file=$2 what=$3 mine=$4 theirs=$5 others
    run_pdfa "$name" "$file"
    fails=$(grep '^FAIL ' <<<"$out" | sed "s|^FAIL $file: ||")
    others=$(grep -vE "^($mine|$theirs|[a-z_]+: … [0-9]+ more)" <<<"$fails")
    if [ $rc -eq 0 ]; then
        bad "$name ($what): pdfa.sh passes it" "$out"
    elif [ -n "$others" ]; then
        bad "$name ($what): pdfa.sh fails it, but also for what the edit does not explain" "$others"
    elif ! grep -qE "^($mine)" <<<"$fails"; then
        bad "$name ($what): pdfa_check.py does not name it" "$out"
    elif [ "$part" = 1 ] && ! grep -qE "^($theirs)" <<<"$fails"; then
        bad "$name ($what): Preflight does not name it" "$out"
    else
        ok "$name ($what): pdfa.sh fails it for that$([ "$part" = 1 ] && echo ", Preflight too")"
    fi
}

expect_pass original "$good"
if [ $fail -gt 0 ]; then
    echo "pdfa_negative: $pass passed, $fail failed"
    exit 1
fi

for kind in roundtrip width title; do
    if ! what=$(edit "$kind" "$T/good.qdf" "$T/$kind.qdf" 2>&1) ||
        ! fix-qdf "$T/$kind.qdf" >"$T/$kind.pdf"; then
        bad "$kind: cannot make the copy" "$what"
        continue
    fi
    case $kind in
    roundtrip) expect_pass "roundtrip" "$T/$kind.pdf" ;;
    width)
        expect_fail width "$T/$kind.pdf" "$what" \
            "pdfa_check: font .*: /W width differs from the font's advance" \
            "preflight: 3\.1\.6 : Invalid Font definition, Width .* is inconsistent with the width"
        ;;
    title)
        expect_fail title "$T/$kind.pdf" "$what" \
            "pdfa_check: Info /Title .* differs from XMP dc:title" \
            "preflight: 7\.2 : Error on MetaData, Title present in the document catalog dictionary doesn't match"
        ;;
    esac
done

echo "pdfa_negative: $pass passed, $fail failed"
[ $fail -eq 0 ]
