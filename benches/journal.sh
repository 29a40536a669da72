#!/usr/bin/env bash
# Binary journals (issue 17): `oomsift analyze DIR` on a directory of binary journal
# files written by systemd's own writer, against `journalctl -D DIR -o short-iso |
# oomsift analyze -` over all its entries and boots. Wall time, CPU time (user + sys)
# and peak RSS of each side (the pipeline's: both processes; its RSS is the larger of
# the two); alternating runs, the median shown.
#
#   benches/journal.sh              # ~1 GiB of journal files (cached under target/bench-data/journal-*)
#   JOURNAL_ENTRIES=400000 benches/journal.sh   # a smaller directory (~180 MiB)
#   RUNS=5 benches/journal.sh       # runs per side (default 3)
#   WAIT_IDLE=0 benches/journal.sh  # do not wait for idle cores before each run
#
# Needs systemd-journal-remote and journalctl (installed with apt when missing). Fails
# (exit 1) when either side does not find exactly the generated OOM blocks.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${RUNS:-3}
ENTRIES=${JOURNAL_ENTRIES:-2400000}
BLOCKS=${JOURNAL_BLOCKS:-200}
DATA="$ROOT/target/bench-data/journal-${ENTRIES}e-${BLOCKS}b"
OOMSIFT="$ROOT/target/release/oomsift"
REMOTE=/lib/systemd/systemd-journal-remote

# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
[ -x "$REMOTE" ] || { echo "installing systemd-journal-remote…" >&2; apt_install systemd-journal-remote; }
command -v journalctl >/dev/null || apt_install systemd
[ -x /usr/bin/time ] || apt_install time
die() {
    echo "journal.sh: FAIL: $*" >&2
    exit 1
}

echo "building oomsift (release)…" >&2
cargo build --release --quiet

if [ ! -s "$DATA/meta.json" ]; then
    echo "generating $ENTRIES entries with $BLOCKS OOM blocks into $DATA…" >&2
    rm -rf "$DATA"
    mkdir -p "$DATA"
    python3 "$ROOT/benches/gen_journal_export.py" "$ENTRIES" "$BLOCKS" \
        >"$DATA/all.export" 2>"$DATA/meta.json.tmp"
    # The writer is ~30x slower on this disk than in memory (and from a pipe): write
    # in /dev/shm, where it also sizes and rotates its files as journald on a small
    # file system does (64 MiB files), then move the files here.
    stage=$(mktemp -d "${TMPDIR_JOURNAL:-/dev/shm}/oomsift-journal.XXXXXX")
    "$REMOTE" --output="$stage/system.journal" "$DATA/all.export" 2>/dev/null
    mkdir -p "$DATA/journal"
    mv "$stage"/*.journal "$DATA/journal/"
    rm -rf "$stage" "$DATA/all.export"
    mv "$DATA/meta.json.tmp" "$DATA/meta.json"
fi
DIR="$DATA/journal"
BYTES=$(du -cb "$DIR"/*.journal | tail -1 | cut -f1)
FILES=$(find "$DIR" -name '*.journal' | wc -l)
echo "== $DIR: $FILES files, $((BYTES >> 20)) MiB; $(cat "$DATA/meta.json")"

# check JSON: the events found equal the generated blocks.
check() {
    python3 - "$DATA/meta.json" "$1" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
d = json.load(open(sys.argv[2]))
ev = d["events"]
kinds = [e["kind"] for e in ev]
found = (len(ev), kinds.count("cgroup"), kinds.count("host"))
want = (m["blocks"], m["cgroup"], m["host"])
if found != want or not all(e["complete"] for e in ev):
    sys.exit(f"found (events, cgroup, host) {found}, want {want}")
PY
}

# one SIDE: prints "wall cpu rss_kib" for one run.
one() {
    local t="$DATA/time.$1" out="$DATA/out.$1.json"
    cat "$DIR"/*.journal >/dev/null
    wait_idle
    case $1 in
    native)
        /usr/bin/time -f '%e %U %S %M' -o "$t" "$OOMSIFT" analyze --format json "$DIR" >"$out" 2>/dev/null
        read -r w u s m <"$t"
        ;;
    journalctl)
        # Both processes timed; wall is the pipeline's.
        local t2="$DATA/time.$1.2" start end
        start=$(date +%s.%N)
        /usr/bin/time -f '%e %U %S %M' -o "$t" journalctl -D "$DIR" -o short-iso --no-pager |
            /usr/bin/time -f '%e %U %S %M' -o "$t2" "$OOMSIFT" analyze --format json - >"$out" 2>/dev/null
        end=$(date +%s.%N)
        local w1 u1 s1 m1 w2 u2 s2 m2
        read -r w1 u1 s1 m1 <"$t"
        read -r w2 u2 s2 m2 <"$t2"
        w=$(echo "$end - $start" | bc -l)
        u=$(echo "$u1 + $u2" | bc -l)
        s=$(echo "$s1 + $s2" | bc -l)
        m=$((m1 > m2 ? m1 : m2))
        ;;
    esac
    check "$out" || die "$1: wrong events"
    printf '%.2f %.2f %d\n' "$w" "$(echo "$u + $s" | bc -l)" "$m"
}

declare -a NW NC NM JW JC JM
for i in $(seq "$RUNS"); do
    read -r w c m < <(one native)
    NW+=("$w") NC+=("$c") NM+=("$m")
    read -r w c m < <(one journalctl)
    JW+=("$w") JC+=("$c") JM+=("$m")
    echo "run $i: native ${NW[-1]} s wall ${NC[-1]} s CPU ${NM[-1]} KiB | journalctl | oomsift - ${JW[-1]} s wall ${JC[-1]} s CPU ${JM[-1]} KiB" >&2
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
echo
echo "| $((BYTES >> 20)) MiB of journal files ($FILES) | wall (s) | CPU (s) | peak RSS (MiB) |"
echo "|---|---|---|---|"
echo "| oomsift analyze DIR | $(med "${NW[@]}") | $(med "${NC[@]}") | $(($(med "${NM[@]}") >> 10)) |"
echo "| journalctl -D DIR -o short-iso \| oomsift analyze - | $(med "${JW[@]}") | $(med "${JC[@]}") | $(($(med "${JM[@]}") >> 10)) |"
