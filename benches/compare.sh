#!/usr/bin/env bash
# End-to-end throughput of `oomsift analyze` against ripgrep on a generated 1 GiB
# syslog file (and a 256 MiB one gzipped), file in page cache.
#
#   benches/compare.sh            # from anywhere; data cached under target/bench-data/
#   RUNS=7 benches/compare.sh     # more runs per measurement (default 5, median shown)
#
# ripgrep counts lines holding any of the literal anchors oomsift's prefilter uses
# (ANCHORS in src/kernel/scan.rs, read from the source so the two stay in step): the
# same byte-level work oomsift must do before it parses anything. oomsift additionally
# parses and assembles every OOM block, and writes its JSON report.
#
# Fails (exit 1) when oomsift does not find exactly the generated OOM blocks.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
DATA="$ROOT/target/bench-data"
RUNS=${RUNS:-5}
BIG_MIB=1024
BIG_BLOCKS=300
GZ_MIB=256
GZ_BLOCKS=76
BIG="$DATA/syslog-${BIG_MIB}MiB-${BIG_BLOCKS}blocks.log"
SMALL="$DATA/syslog-${GZ_MIB}MiB-${GZ_BLOCKS}blocks.log"
GZ="$SMALL.gz"
OOMSIFT="$ROOT/target/release/oomsift"

die() {
    echo "compare.sh: FAIL: $*" >&2
    exit 1
}

# --- tools -----------------------------------------------------------------
apt_install() {
    apt-get install -y "$@" >/dev/null 2>&1 ||
        { apt-get update >/dev/null 2>&1 && apt-get install -y "$@" >/dev/null; }
}
command -v rg >/dev/null || { echo "installing ripgrep…" >&2; apt_install ripgrep; }
[ -x /usr/bin/time ] || { echo "installing time…" >&2; apt_install time; }
command -v python3 >/dev/null || die "python3 is needed to generate the data"

# --- data (generated once) ---------------------------------------------------
mkdir -p "$DATA"
gen() { # out MiB blocks seed
    if [ ! -s "$1" ] || [ ! -s "$1.meta.json" ]; then
        echo "generating $1 ($2 MiB, $3 OOM blocks)…" >&2
        python3 "$ROOT/benches/gen_syslog.py" "$1.tmp" "$2" "$3" "$4" >"$1.meta.json.tmp"
        mv "$1.tmp" "$1"
        mv "$1.meta.json.tmp" "$1.meta.json"
    fi
}
gen "$BIG" "$BIG_MIB" "$BIG_BLOCKS" 1
if [ ! -s "$GZ" ] || [ ! -s "$GZ.meta.json" ]; then
    gen "$SMALL" "$GZ_MIB" "$GZ_BLOCKS" 2
    echo "compressing $SMALL…" >&2
    gzip -c "$SMALL" >"$GZ.tmp"
    mv "$GZ.tmp" "$GZ"
    cp "$SMALL.meta.json" "$GZ.meta.json"
    rm -f "$SMALL" "$SMALL.meta.json"
fi
meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1.meta.json" "$2"; }

# --- build -------------------------------------------------------------------
cargo build --release --quiet

# --- the prefilter's anchors, as rg arguments ----------------------------------
mapfile -t ANCHORS < <(python3 - "$ROOT/src/kernel/scan.rs" <<'EOF'
import re, sys
src = open(sys.argv[1]).read()
body = re.search(r"const ANCHORS: &\[&str\] = &\[(.*?)\];", src, re.S).group(1)
for s in re.findall(r'"((?:[^"\\]|\\.)*)"', body):
    print(s)
EOF
)
[ "${#ANCHORS[@]}" -gt 0 ] || die "could not read ANCHORS from src/kernel/scan.rs"
RG_ARGS=(-c -F)
for a in "${ANCHORS[@]}"; do RG_ARGS+=(-e "$a"); done

# --- measuring -----------------------------------------------------------------
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# time_cmd NAME CMD…: runs CMD $RUNS times (stdout discarded) under /usr/bin/time;
# sets T_MED/T_MIN (seconds) and RSS_MAX (KiB, the largest peak RSS of the runs).
time_cmd() {
    local name=$1
    shift
    local times=() rss=0 t0 t1 r
    for _ in $(seq "$RUNS"); do
        t0=$EPOCHREALTIME
        /usr/bin/time -f %M -o "$TMP/rss" "$@" >/dev/null || die "$name exited with $?"
        t1=$EPOCHREALTIME
        times+=("$(python3 -c "print(f'{$t1 - $t0:.4f}')")")
        r=$(tail -n 1 "$TMP/rss")
        if ((r > rss)); then rss=$r; fi
    done
    read -r T_MED T_MIN < <(printf '%s\n' "${times[@]}" | sort -n |
        awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1]}')
    RSS_MAX=$rss
}

# time_pipe NAME 'shell pipeline': like time_cmd for a pipeline (no RSS).
time_pipe() {
    local name=$1 cmd=$2 times=() t0 t1
    for _ in $(seq "$RUNS"); do
        t0=$EPOCHREALTIME
        bash -o pipefail -c "$cmd" >/dev/null || die "$name exited with $?"
        t1=$EPOCHREALTIME
        times+=("$(python3 -c "print(f'{$t1 - $t0:.4f}')")")
    done
    read -r T_MED T_MIN < <(printf '%s\n' "${times[@]}" | sort -n |
        awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1]}')
}

# cache_file FILE: drops FILE's pages from the page cache and reads it back in, so every
# run starts from the same state (how the kernel caches a file -- small pages or large
# folios -- changes mmap fault costs and the RSS of mapped files; see PERFORMANCE.md).
cache_file() {
    python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$1"
    cat "$1" >/dev/null
}

gbps() { python3 -c "print(f'{$1 / $2 / 1e9:.2f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

# check_events FILE.json META_FILE: the events found must be the blocks generated.
check_events() {
    python3 - "$1" "$2.meta.json" <<'EOF' || exit 1
import collections, json, sys
doc = json.load(open(sys.argv[1]))
meta = json.load(open(sys.argv[2]))
kinds = collections.Counter(e.get("kind") for e in doc["events"])
found = (len(doc["events"]), kinds.get("cgroup", 0), kinds.get("host", 0))
want = (meta["blocks"], meta["cgroup"], meta["host"])
print(f"events: found {found[0]} (cgroup {found[1]}, host {found[2]}), "
      f"generated {want[0]} (cgroup {want[1]}, host {want[2]})")
incomplete = sum(1 for e in doc["events"] if not e.get("complete"))
if found != want or incomplete or doc["other_deaths"] or doc["warnings"]:
    print(f"compare.sh: FAIL: oomsift found {found}, generated {want}; incomplete {incomplete}, "
          f"other_deaths {len(doc['other_deaths'])}, warnings {doc['warnings']}", file=sys.stderr)
    sys.exit(1)
EOF
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    VERSION="commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' + uncommitted changes in src/Cargo')"
else
    VERSION="(not a git checkout: $ROOT)"
fi
echo "== $(rg --version | head -n 1); oomsift $VERSION"
echo "== runs per measurement: $RUNS (median, min in parentheses)"

# --- 1 GiB plain file ------------------------------------------------------------
BYTES=$(stat -c %s "$BIG")
cache_file "$BIG"
echo
echo "## $BIG ($BYTES bytes, $(meta "$BIG" blocks) OOM blocks)"
"$OOMSIFT" analyze --format json "$BIG" >"$TMP/big.json" || die "oomsift exited with $?"
check_events "$TMP/big.json" "$BIG"

time_cmd "rg" rg "${RG_ARGS[@]}" "$BIG"
RG_MED=$T_MED RG_MIN=$T_MIN RG_RSS=$RSS_MAX
RG_HITS=$(rg "${RG_ARGS[@]}" "$BIG" || true)
time_cmd "rg one literal" rg -c -F 'invoked oom-killer' "$BIG"
RG1_MED=$T_MED RG1_MIN=$T_MIN

printf '%-44s %9s %9s %7s %9s %11s\n' "command" "median s" "min s" "GB/s" "vs rg" "peak RSS"
printf '%-44s %9s %9s %7s %9s %8s MiB\n' "rg -c -F -e <${#ANCHORS[@]} anchors> ($RG_HITS lines)" \
    "$RG_MED" "$RG_MIN" "$(gbps "$BYTES" "$RG_MED")" "1.00" "$((RG_RSS / 1024))"
printf '%-44s %9s %9s %7s %9s\n' "rg -c -F 'invoked oom-killer'" \
    "$RG1_MED" "$RG1_MIN" "$(gbps "$BYTES" "$RG1_MED")" "$(ratio "$RG1_MED" "$RG_MED")"
for jobs in default 1 2; do
    args=()
    [ "$jobs" = default ] || args=(--jobs "$jobs")
    time_cmd "oomsift" "$OOMSIFT" analyze --format json "${args[@]}" "$BIG"
    printf '%-44s %9s %9s %7s %9s %8s MiB\n' "oomsift analyze --format json ${args[*]:-(jobs=nproc)}" \
        "$T_MED" "$T_MIN" "$(gbps "$BYTES" "$T_MED")" "$(ratio "$T_MED" "$RG_MED")" "$((RSS_MAX / 1024))"
    if [ "$jobs" = default ]; then OOM_MED=$T_MED; fi
done
echo "target: oomsift within 1.5x of rg: $(python3 -c "print('MET' if $OOM_MED <= 1.5 * $RG_MED else 'MISSED')") (ratio $(ratio "$OOM_MED" "$RG_MED"))"

# --- peak RSS against file size ----------------------------------------------------
# A prefix of the 1 GiB file and the file twice over, written with large writes like
# the original (the page-cache layout matters on kernels that cache such files in
# large folios: see docs/PERFORMANCE.md). Only RSS is reported here.
rss_file() { # out MiB: the first MiB MiB of $BIG, repeated as needed, in 16 MiB writes
    [ -s "$1" ] && return
    python3 - "$BIG" "$1" "$2" <<'PY'
import os, sys
src, out, left = sys.argv[1], sys.argv[2], int(sys.argv[3]) << 20
with open(out + ".tmp", "wb") as o:
    while left > 0:
        with open(src, "rb") as f:
            while left > 0 and (b := f.read(min(16 << 20, left))):
                o.write(b)
                left -= len(b)
os.rename(out + ".tmp", out)
PY
}
echo
echo "## peak RSS by file size (one run each)"
printf '%-44s %12s %12s\n' "file" "jobs 1" "jobs 2"
for mib in 256 1024 2048; do
    if [ "$mib" = 1024 ]; then f=$BIG; else f="$DATA/rss-${mib}MiB.log"; fi
    rss_file "$f" "$mib"
    cache_file "$f"
    row=()
    for jobs in 1 2; do
        RUNS=1 time_cmd "oomsift" "$OOMSIFT" analyze --format json --jobs "$jobs" "$f"
        row+=("$((RSS_MAX / 1024)) MiB")
    done
    printf '%-44s %12s %12s\n' "$(basename "$f")" "${row[@]}"
done

# --- 256 MiB gzipped file --------------------------------------------------------
GZ_BYTES=$(python3 -c "import gzip,sys; f=gzip.open(sys.argv[1]); n=0
while (b := f.read(1 << 24)): n += len(b)
print(n)" "$GZ")
cache_file "$GZ"
echo
echo "## $GZ ($(stat -c %s "$GZ") bytes compressed, $GZ_BYTES uncompressed, $(meta "$GZ" blocks) OOM blocks)"
"$OOMSIFT" analyze --format json "$GZ" >"$TMP/gz.json" || die "oomsift exited with $?"
check_events "$TMP/gz.json" "$GZ"
printf -v RG_QUOTED '%q ' rg "${RG_ARGS[@]}"
time_pipe "zcat | rg" "zcat $(printf %q "$GZ") | $RG_QUOTED"
ZRG_MED=$T_MED ZRG_MIN=$T_MIN
printf '%-44s %9s %9s %7s %9s %11s\n' "command (GB/s of uncompressed data)" "median s" "min s" "GB/s" "vs zcat|rg" "peak RSS"
printf '%-44s %9s %9s %7s %9s\n' "zcat FILE | rg -c -F -e <anchors>" "$ZRG_MED" "$ZRG_MIN" \
    "$(gbps "$GZ_BYTES" "$ZRG_MED")" "1.00"
time_cmd "oomsift gz" "$OOMSIFT" analyze --format json "$GZ"
printf '%-44s %9s %9s %7s %9s %8s MiB\n' "oomsift analyze --format json FILE.gz" "$T_MED" "$T_MIN" \
    "$(gbps "$GZ_BYTES" "$T_MED")" "$(ratio "$T_MED" "$ZRG_MED")" "$((RSS_MAX / 1024))"
