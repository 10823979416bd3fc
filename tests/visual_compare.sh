#!/usr/bin/env bash
# Compares every PDF a run of the samples and of a roster of every procedure writes with what
# an earlier revision wrote, page by page at 100 dpi (issue 9: every form looks as it did).
# A developer's instrument, not part of make test (it builds the other revision):
#   bash tests/visual_compare.sh [REV]        (REV defaults to HEAD~1)
# Prints, per page that differs, the pixels whose grey level moved by more than 64, and the
# worst page. Needs pdftoppm and Debian's /usr/bin/python3.
set -eu
cd "$(dirname "$0")/.."
REV=${1:-HEAD~1}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
git worktree add -q --detach "$T/base" "$REV"
trap 'git worktree remove --force "$T/base"; rm -rf "$T"' EXIT
make -s -C "$T/base" ctsbatch fonts >/dev/null
make -s ctsbatch fonts >/dev/null
export SOURCE_DATE_EPOCH=1763600000
for side in base head; do
    home=$PWD
    [ $side = base ] && home=$T/base
    mkdir -p "$T/$side/in"
    cp inputs/samples/* tests/data/e2e_all_procedures.csv "$T/$side/in/"
    (cd "$home" && ./ctsbatch run --in "$T/$side/in" --out "$T/$side/out" --as-of 2026-11-20 \
        --settle 0 >/dev/null 2>&1) || true
done
(cd "$T/base/out" && find . -name '*.pdf' -not -path './runs/*' | sort) >"$T/list"
/usr/bin/python3 - "$T" <<'PY'
import glob, os, subprocess, sys
t = sys.argv[1]
def pages(pdf, prefix):
    subprocess.run(['pdftoppm', '-r', '100', '-gray', pdf, prefix], check=True)
    return sorted(glob.glob(prefix + '*.pgm'))
def load(p):
    head, dims, depth, data = open(p, 'rb').read().split(b'\n', 3)
    return tuple(map(int, dims.split())), data
worst, total = 0, 0
for rel in open(t + '/list').read().split():
    a = pages(t + '/base/out/' + rel, t + '/a')
    b = pages(t + '/head/out/' + rel, t + '/b') if os.path.exists(t + '/head/out/' + rel) else []
    if len(a) != len(b):
        print('%s: %d pages before, %d now' % (rel, len(a), len(b)))
        worst = max(worst, 10**9)
    for pa, pb in zip(a, b):
        (sa, da), (sb, db) = load(pa), load(pb)
        n = sum(1 for x, y in zip(da, db) if abs(x - y) > 64) if sa == sb else sa[0] * sa[1]
        total += 1
        if n:
            print('%s page %s: %d pixels differ' % (rel, pa.rsplit('-', 1)[1][:-4], n))
        worst = max(worst, n)
    for f in a + b:
        os.remove(f)
print('visual_compare: %d pages compared; worst page: %d pixels differ' % (total, worst))
PY
