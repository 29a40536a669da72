#!/usr/bin/env bash
# End-to-end throughput of `oomsift analyze` against ripgrep on a generated 1 GiB
# syslog file (and a 256 MiB one gzipped), file in page cache; and on sosreport-shaped
# `.tar.gz` / `.tar.xz` bundles of that file against the decompressors alone and
# against `zcat | rg -c` / `xz -dc | rg -c`.
#
#   benches/compare.sh            # from anywhere; every section; data cached under target/bench-data/
#   benches/compare.sh plain gz   # only some sections: plain (1 GiB file, RSS by size),
#                                 # gz (256 MiB .gz), zst (the same as .zst),
#                                 # archives (sosreport .tar.gz/.tar.xz),
#                                 # pairs (512 MiB syslog, oomsift and rg alternating,
#                                 # wall and CPU; not part of the default run)
#   PAIRS=9 OOMSIFT_BEFORE=path/to/old/oomsift benches/compare.sh pairs
#                                 # also time an older build in the same rounds, and
#                                 # print the per-round now/before ratios
#   RUNS=7 benches/compare.sh     # more runs per measurement (default 5, median shown)
#   ARCH_RUNS=5 benches/compare.sh archives   # quiet runs per archive measurement (default 3, best shown)
#   WAIT_IDLE=0 benches/compare.sh            # do not wait for idle cores before measuring
#   benches/compare.sh journal    # binary journals: benches/journal.sh (oomsift on a
#                                 # ~1 GiB journal directory vs journalctl | oomsift -)
#
# ripgrep counts lines holding any of the kernel anchors of oomsift's prefilter
# (frozen below as they were at 82c1768): the byte-level work oomsift must do before
# it parses anything. oomsift additionally
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
# The sosreport bundles: the 1 GiB file as sosreport-bench/var/log/messages (timed),
# and for peak RSS against size, a 256 MiB file with as many OOM blocks (so only the
# size differs) and the 256 MiB file of $GZ (76 blocks: only the events differ).
ARCH_RUNS=${ARCH_RUNS:-3}
SOS="$DATA/sosreport-bench"
BIG_SET="${BIG_MIB}MiB-${BIG_BLOCKS}blocks"
DENSE_SET="${GZ_MIB}MiB-${BIG_BLOCKS}blocks"
SMALL_SET="${GZ_MIB}MiB-${GZ_BLOCKS}blocks"
DENSE="$DATA/syslog-$DENSE_SET.log"
ARCH_KINDS=(tar.gz tar.xz tar.xz-mt3M tar.xz-mt64M)

SECTIONS=("$@")
[ "${#SECTIONS[@]}" -gt 0 ] || SECTIONS=(plain gz zst archives)
if [ "${SECTIONS[*]}" = journal ]; then
    exec "$ROOT/benches/journal.sh"
fi
for s in "${SECTIONS[@]}"; do
    case $s in plain | gz | zst | archives | pairs | journal) ;; *)
        echo "usage: benches/compare.sh [plain] [gz] [zst] [archives] [pairs] | journal  (default: the first four)" >&2
        exit 2
        ;;
    esac
done
want() { [[ " ${SECTIONS[*]} " == *" $1 "* ]]; }

die() {
    echo "compare.sh: FAIL: $*" >&2
    exit 1
}

# --- tools -----------------------------------------------------------------
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
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
if want plain || want gz || want zst || want archives; then gen "$BIG" "$BIG_MIB" "$BIG_BLOCKS" 1; fi
PAIR_FILE="$DATA/syslog-512MiB-150blocks.log"
if want pairs; then gen "$PAIR_FILE" 512 150 1; fi
if { want gz || want zst; } && { [ ! -s "$GZ" ] || [ ! -s "$GZ.meta.json" ]; }; then
    gen "$SMALL" "$GZ_MIB" "$GZ_BLOCKS" 2
    echo "compressing $SMALL…" >&2
    gzip -c "$SMALL" >"$GZ.tmp"
    mv "$GZ.tmp" "$GZ"
    cp "$SMALL.meta.json" "$GZ.meta.json"
fi

# bundle SET KIND: the path of a sosreport bundle (SET: its messages file, as
# <MiB>MiB-<blocks>blocks).
bundle() {
    case $2 in
    tar.gz) echo "$SOS-$1.tar.gz" ;;
    tar.xz) echo "$SOS-$1.tar.xz" ;;
    tar.xz-mt3M) echo "$SOS-$1-xzT0.tar.xz" ;;
    tar.xz-mt64M) echo "$SOS-$1-xz64M.tar.xz" ;;
    esac
}
# make_bundles SET MESSAGES: a sosreport-shaped tree (version.txt, hostname, date, the
# messages file as var/log/messages), tarred with the small files first, compressed as
#   .tar.gz        pigz -1 (gzip -1 without pigz): one gzip member
#   .tar.xz        xz -T1 -1: one block, as sos writes it (Python's lzma module)
#   -xzT0.tar.xz   xz -T0 -1: what `xz -T0` writes on this machine, 3 MiB blocks
#   -xz64M.tar.xz  xz -T2 --block-size=64MiB: few large blocks
# The multi-block files can be decoded in parallel (liblzma's threaded decoder).
bundles_missing() { # SET
    local k b
    for k in "${ARCH_KINDS[@]}"; do
        b=$(bundle "$1" "$k")
        [ -s "$b" ] && [ -s "$b.meta.json" ] || return 0
    done
    return 1
}
make_bundles() {
    local set=$1 msgs=$2 k b
    command -v pigz >/dev/null || { echo "installing pigz…" >&2; apt_install pigz || true; }
    local stage="$DATA/sos-stage-$set" tarf="$DATA/sos-stage-$set.tar"
    rm -rf "$stage"
    mkdir -p "$stage/sosreport-bench/var/log" "$stage/sosreport-bench/sos_commands/host" \
        "$stage/sosreport-bench/sos_commands/date"
    ln "$msgs" "$stage/sosreport-bench/var/log/messages" 2>/dev/null ||
        cp "$msgs" "$stage/sosreport-bench/var/log/messages"
    echo "sosreport: 4.7.2" >"$stage/sosreport-bench/version.txt"
    echo "node1" >"$stage/sosreport-bench/sos_commands/host/hostname"
    echo "Mon Apr  1 09:00:00 UTC 2024" >"$stage/sosreport-bench/sos_commands/date/date"
    echo "building the sosreport bundles of $msgs…" >&2
    tar -C "$stage" --owner=0 --group=0 --mtime=2024-04-01 -cf "$tarf" \
        sosreport-bench/version.txt sosreport-bench/sos_commands sosreport-bench/var
    python3 - "$msgs.meta.json" "$tarf" "$(stat -c %s "$tarf")" >"$tarf.meta.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["tar_bytes"] = int(sys.argv[3])
print(json.dumps(m))
PY
    for k in "${ARCH_KINDS[@]}"; do
        b=$(bundle "$set" "$k")
        echo "  $(basename "$b")…" >&2
        case $k in
        tar.gz) if command -v pigz >/dev/null; then pigz -1 -c "$tarf"; else gzip -1 -c "$tarf"; fi ;;
        tar.xz) xz -T1 -1 -c "$tarf" ;;
        tar.xz-mt3M) xz -T0 -1 -c "$tarf" ;;
        tar.xz-mt64M) xz -T2 --block-size=64MiB -1 -c "$tarf" ;;
        esac >"$b.tmp"
        mv "$b.tmp" "$b"
        cp "$tarf.meta.json" "$b.meta.json"
    done
    rm -rf "$stage" "$tarf" "$tarf.meta.json"
}
if want archives; then
    if bundles_missing "$BIG_SET"; then make_bundles "$BIG_SET" "$BIG"; fi
    if bundles_missing "$DENSE_SET"; then
        gen "$DENSE" "$GZ_MIB" "$BIG_BLOCKS" 3
        make_bundles "$DENSE_SET" "$DENSE"
    fi
    if bundles_missing "$SMALL_SET"; then
        gen "$SMALL" "$GZ_MIB" "$GZ_BLOCKS" 2
        make_bundles "$SMALL_SET" "$SMALL"
    fi
fi
# These are only needed to build the compressed copies of them.
rm -f "$SMALL" "$SMALL.meta.json" "$DENSE" "$DENSE.meta.json"
meta() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1.meta.json" "$2"; }

# --- build -------------------------------------------------------------------
cargo build --release --quiet

# --- the prefilter's anchors, as rg arguments ----------------------------------
# rg searches the kernel anchors the prefilter had when this comparison was set up
# (frozen here at 82c1768, so that moving or adding kernel line variants cannot change
# the baseline): the byte-level work oomsift must do before it parses anything. The
# userspace anchors joined the prefilter later; rg with all of them is shown once for
# reference: ripgrep 13 is ~12x slower with that set (2.1 s against 0.17 s on the
# 1 GiB file, see docs/PERFORMANCE.md), so the kernel set stays the baseline.
ANCHORS=(
    "invoked oom-killer" "Killed process" "Kill process" "oom-kill:"
    "as a result of limit of" "Memory cgroup stats for" "memory: usage"
    "not syncing: Out of memory" "deadlocked on memory" "no killable processes"
)
USERSPACE_ANCHORS=(
    "systemd-oomd" "'oom-kill'" "killed by the OOM killer" "earlyoom" "eviction_manager"
    "TaskOOM" "System OOM encountered" "OOMKilling" "Created an OOM event" "oomd"
)
ALL_ANCHORS=("${ANCHORS[@]}" "${USERSPACE_ANCHORS[@]}")
RG_ARGS=(-c -F)
for a in "${ANCHORS[@]}"; do RG_ARGS+=(-e "$a"); done
RG_ALL_ARGS=(-c -F)
for a in "${ALL_ANCHORS[@]}"; do RG_ALL_ARGS+=(-e "$a"); done

# --- measuring -----------------------------------------------------------------
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# child_cpu: sets CHILD_CPU to the CPU seconds (user+sys) of this shell's finished
# children, from `times` (run in this shell: a subshell would count its own children).
child_cpu() {
    times >"$TMP/times"
    CHILD_CPU=$(tail -n 1 "$TMP/times" | awk '{
        s = 0
        for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
        print s }')
}

# time_cmd NAME CMD…: runs CMD $RUNS times (stdout discarded) under /usr/bin/time;
# sets T_MED/T_MIN (seconds) and RSS_MAX (KiB, the largest peak RSS of the runs).
time_cmd() {
    local name=$1
    shift
    local times=() rss=0 t0 t1 r
    wait_idle
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
    wait_idle
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
# Each cgroup block is followed by systemd's "A process of this unit has been killed by
# the OOM killer" line: reported (since 05cc7fa) as an other death of that kind.
others = collections.Counter(d.get("kind") for d in doc["other_deaths"])
others_ok = not others or others == {"unit_process_oom_killed": meta["cgroup"]}
# The generated syslog has no year and no bundle around it: the year comes from the
# file's time, which oomsift (since its time provenance) says in one warning.
warnings = [w for w in doc["warnings"] if "taken from the file's modification time" not in w["message"]]
if found != want or incomplete or not others_ok or warnings:
    print(f"compare.sh: FAIL: oomsift found {found}, generated {want}; incomplete {incomplete}, "
          f"other_deaths {dict(others)}, warnings {doc['warnings']}", file=sys.stderr)
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

# --- 1 GiB plain file ------------------------------------------------------------
if want plain; then
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
    if [ "${#ALL_ANCHORS[@]}" -gt "${#ANCHORS[@]}" ]; then
        time_cmd "rg all anchors" rg "${RG_ALL_ARGS[@]}" "$BIG"
        RGA_MED=$T_MED RGA_MIN=$T_MIN
    fi

    printf '%-44s %9s %9s %7s %9s %11s\n' "command" "median s" "min s" "GB/s" "vs rg" "peak RSS"
    printf '%-44s %9s %9s %7s %9s %8s MiB\n' "rg -c -F -e <${#ANCHORS[@]} anchors> ($RG_HITS lines)" \
        "$RG_MED" "$RG_MIN" "$(gbps "$BYTES" "$RG_MED")" "1.00" "$((RG_RSS / 1024))"
    printf '%-44s %9s %9s %7s %9s\n' "rg -c -F 'invoked oom-killer'" \
        "$RG1_MED" "$RG1_MIN" "$(gbps "$BYTES" "$RG1_MED")" "$(ratio "$RG1_MED" "$RG_MED")"
    if [ -n "${RGA_MED:-}" ]; then
        printf '%-44s %9s %9s %7s %9s\n' "rg -c -F -e <all ${#ALL_ANCHORS[@]} prefilter anchors>" \
            "$RGA_MED" "$RGA_MIN" "$(gbps "$BYTES" "$RGA_MED")" "$(ratio "$RGA_MED" "$RG_MED")"
    fi
    for jobs in default 1 2; do
        args=()
        [ "$jobs" = default ] || args=(--jobs "$jobs")
        time_cmd "oomsift" "$OOMSIFT" analyze --format json "${args[@]}" "$BIG"
        printf '%-44s %9s %9s %7s %9s %8s MiB\n' "oomsift analyze --format json ${args[*]:-(jobs=nproc)}" \
            "$T_MED" "$T_MIN" "$(gbps "$BYTES" "$T_MED")" "$(ratio "$T_MED" "$RG_MED")" "$((RSS_MAX / 1024))"
        if [ "$jobs" = default ]; then OOM_MED=$T_MED; fi
    done
    echo "target: oomsift within 1.5x of rg: $(python3 -c "print('MET' if $OOM_MED <= 1.5 * $RG_MED else 'MISSED')") (ratio $(ratio "$OOM_MED" "$RG_MED"))"

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
fi

# --- 256 MiB gzipped file --------------------------------------------------------
if want gz; then
    GZ_BYTES=$(gzip -dc "$GZ" | wc -c)
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
fi

# --- .zst: the 256 MiB file compressed with zstd -3 ------------------------------------
# Target (issue 6): within 1.1x of `zstd -dc` alone.
ZST="$SMALL.zst"
if want zst; then
    command -v zstd >/dev/null || { echo "installing zstd…" >&2; apt_install zstd; }
    if [ ! -s "$ZST" ] || [ ! -s "$ZST.meta.json" ]; then
        echo "compressing $ZST…" >&2
        gzip -dc "$GZ" | zstd -q -3 -T0 -o "$ZST.tmp"
        mv "$ZST.tmp" "$ZST"
        cp "$GZ.meta.json" "$ZST.meta.json"
    fi
    ZST_BYTES=$(zstd -dc "$ZST" | wc -c)
    cache_file "$ZST"
    echo
    echo "## $ZST ($(stat -c %s "$ZST") bytes compressed, $ZST_BYTES uncompressed, $(meta "$ZST" blocks) OOM blocks)"
    "$OOMSIFT" analyze --format json "$ZST" >"$TMP/zst.json" || die "oomsift exited with $?"
    check_events "$TMP/zst.json" "$ZST"
    printf -v RG_QUOTED '%q ' rg "${RG_ARGS[@]}"
    time_pipe "zstd -dc" "zstd -dc $(printf %q "$ZST")"
    ZD_MED=$T_MED ZD_MIN=$T_MIN
    time_pipe "zstd -dc | rg" "zstd -dc $(printf %q "$ZST") | $RG_QUOTED"
    ZDRG_MED=$T_MED ZDRG_MIN=$T_MIN
    printf '%-44s %9s %9s %7s %9s %11s\n' "command (GB/s of uncompressed data)" "median s" "min s" "GB/s" "vs zstd -dc" "peak RSS"
    printf '%-44s %9s %9s %7s %9s\n' "zstd -dc FILE >/dev/null (reference)" "$ZD_MED" "$ZD_MIN" \
        "$(gbps "$ZST_BYTES" "$ZD_MED")" "1.00"
    printf '%-44s %9s %9s %7s %9s\n' "zstd -dc FILE | rg -c -F -e <anchors>" "$ZDRG_MED" "$ZDRG_MIN" \
        "$(gbps "$ZST_BYTES" "$ZDRG_MED")" "$(ratio "$ZDRG_MED" "$ZD_MED")"
    time_cmd "oomsift zst" "$OOMSIFT" analyze --format json "$ZST"
    printf '%-44s %9s %9s %7s %9s %8s MiB\n' "oomsift analyze --format json FILE.zst" "$T_MED" "$T_MIN" \
        "$(gbps "$ZST_BYTES" "$T_MED")" "$(ratio "$T_MED" "$ZD_MED")" "$((RSS_MAX / 1024))"
    Z=$(ratio "$T_MED" "$ZD_MED")
    echo "target: oomsift within 1.1x of zstd -dc: $(python3 -c "print('MET' if $Z <= 1.1 else 'MISSED')") (ratio $Z)"
fi

# --- pairs: 512 MiB syslog, oomsift and rg alternating (issue 14) ----------------------
# Each round runs rg, oomsift (and OOMSIFT_BEFORE, an older build, when given) once
# each on the same cached file, in turn, so a burst of load from other processes
# falls on both sides of a pair; the per-round ratios to rg are then taken, and their
# median reported. Wall time from EPOCHREALTIME, CPU time (user + system) from the
# shell's `times` for its finished children. rg is the two-literal search
# `rg -c -F -e 'invoked oom-killer' -e 'Killed process'`. The file's kubelet lines
# (80 pods, ~1 line in 10 with podUID=) must name every killed pod.
PAIRS=${PAIRS:-9}
# run_timed CMD…: sets R_WALL and R_CPU (seconds) of one run (stdout discarded).
run_timed() {
    local t0 t1 c0
    child_cpu
    c0=$CHILD_CPU
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || die "$1 exited with $?"
    t1=$EPOCHREALTIME
    child_cpu
    R_WALL=$(python3 -c "print(f'{$t1 - $t0:.4f}')")
    R_CPU=$(python3 -c "print(f'{$CHILD_CPU - $c0:.3f}')")
}
if want pairs; then
    BYTES=$(stat -c %s "$PAIR_FILE")
    cache_file "$PAIR_FILE"
    echo
    echo "## pairs: $PAIR_FILE ($BYTES bytes, $(meta "$PAIR_FILE" blocks) OOM blocks), $PAIRS rounds"
    "$OOMSIFT" analyze --format json "$PAIR_FILE" >"$TMP/pairs.json" 2>/dev/null || die "oomsift exited with $?"
    check_events "$TMP/pairs.json" "$PAIR_FILE"
    python3 - "$TMP/pairs.json" <<'PY' || exit 1
import json, sys
ev = json.load(open(sys.argv[1]))["events"]
unnamed = [e["id"] for e in ev if e.get("pod") and not e["pod"].get("name")]
print(f"pods named from kubelet lines: {sum(1 for e in ev if (e.get('pod') or {}).get('name'))} of {sum(1 for e in ev if e.get('pod'))}")
if unnamed:
    print(f"compare.sh: FAIL: killed pods without a name: {unnamed[:5]}", file=sys.stderr)
    sys.exit(1)
PY
    SIDES=(oomsift)
    [ -n "${OOMSIFT_BEFORE:-}" ] && SIDES+=(before)
    : >"$TMP/pairs.tsv"
    wait_idle
    for round in $(seq "$PAIRS"); do
        run_timed rg -c -F -e 'invoked oom-killer' -e 'Killed process' "$PAIR_FILE"
        line="$round rg $R_WALL $R_CPU"
        for side in "${SIDES[@]}"; do
            bin=$OOMSIFT
            [ "$side" = before ] && bin=$OOMSIFT_BEFORE
            run_timed "$bin" analyze -q --format json "$PAIR_FILE"
            line="$line $side $R_WALL $R_CPU"
        done
        echo "$line" >>"$TMP/pairs.tsv"
    done
    python3 - "$TMP/pairs.tsv" "$BYTES" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n = int(sys.argv[2])
print(f"{'command':<52} {'wall med s':>10} {'CPU med s':>10} {'wall/rg':>8} {'CPU/rg':>8}")
rg_w = [float(r[2]) for r in rows]
rg_c = [float(r[3]) for r in rows]
print(f"{'rg -c -F -e invoked oom-killer -e Killed process':<52} {statistics.median(rg_w):>10.4f} {statistics.median(rg_c):>10.3f} {'1.00':>8} {'1.00':>8}")
sides = rows[0][4::3]
for k, side in enumerate(sides):
    w = [float(r[5 + 3 * k]) for r in rows]
    c = [float(r[6 + 3 * k]) for r in rows]
    rw = statistics.median(a / b for a, b in zip(w, rg_w))
    rc = statistics.median(a / b for a, b in zip(c, rg_c) if b > 0)
    name = "oomsift analyze --format json" + (" (OOMSIFT_BEFORE)" if side == "before" else "")
    print(f"{name:<52} {statistics.median(w):>10.4f} {statistics.median(c):>10.3f} {rw:>8.2f} {rc:>8.2f}")
if "before" in sides:
    # The rule of issue 14: no slower in wall time, no more CPU than before it.
    k = sides.index("before")
    now_w = [float(r[5]) for r in rows]
    now_c = [float(r[6]) for r in rows]
    old_w = [float(r[5 + 3 * k]) for r in rows]
    old_c = [float(r[6 + 3 * k]) for r in rows]
    bw = statistics.median(a / b for a, b in zip(now_w, old_w))
    bc = statistics.median(a / b for a, b in zip(now_c, old_c) if b > 0)
    print(f"{'oomsift / OOMSIFT_BEFORE':<52} {'':>10} {'':>10} {bw:>8.2f} {bc:>8.2f}")
print("(ratios: median of the per-round ratios)")
PY
fi

# --- sosreport bundles: .tar.gz and .tar.xz of the 1 GiB file --------------------------
# oomsift streams the tar through its decoder (flate2/zlib-rs for gzip, liblzma for xz,
# multithreaded over multi-block files) and scans the messages member in 8 MiB chunks.
# It is timed against the decompressor alone (the floor for any tool that reads the
# bundle without extracting it) and against the decompressor piped to `rg -c`. Target
# (issue 3): within 1.1x of the decompression alone. For each best run the CPU seconds
# other processes used while it ran are reported too.
# arch_time NAME CMD…: runs CMD until $ARCH_RUNS runs were quiet (stdout discarded);
# sets A_BEST/A_MED (s, of the quiet runs), A_RSS (KiB, largest peak RSS) and A_OTHER
# (CPU seconds other processes used during the best run). A run is quiet when other
# processes used at most 0.1 s or 5 % of its wall time in CPU; after a noisy run the
# script waits for idle cores again. After 3 x $ARCH_RUNS attempts the noisy runs
# count too, and A_NOTE says so.
arch_time() {
    local name=$1
    shift
    local times=() others=() loud_times=() loud_others=() rss=0 t0 t1 j0 j1 c0 c1 r t o tries=0
    A_NOTE=""
    wait_idle
    while ((${#times[@]} < ARCH_RUNS && tries < 3 * ARCH_RUNS)); do
        tries=$((tries + 1))
        child_cpu
        c0=$CHILD_CPU
        j0=$(busy_ticks)
        t0=$EPOCHREALTIME
        /usr/bin/time -f %M -o "$TMP/rss" "$@" >/dev/null || die "$name exited with $?"
        t1=$EPOCHREALTIME
        j1=$(busy_ticks)
        child_cpu
        c1=$CHILD_CPU
        t=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
        o=$(python3 -c "print(f'{max(0.0, ($j1 - $j0) / $CLK_TCK - ($c1 - $c0)):.2f}')")
        r=$(tail -n 1 "$TMP/rss")
        if ((r > rss)); then rss=$r; fi
        if python3 -c "import sys; sys.exit(0 if $o <= max(0.1, 0.05 * $t) else 1)"; then
            times+=("$t")
            others+=("$o")
        else
            loud_times+=("$t")
            loud_others+=("$o")
            echo "($name: other processes used ${o} s of CPU during this ${t} s run: not counted)" >&2
            wait_idle
        fi
    done
    if ((${#times[@]} < ARCH_RUNS)); then
        times+=("${loud_times[@]}")
        others+=("${loud_others[@]}")
        A_NOTE="noisy"
    fi
    read -r A_BEST A_MED A_OTHER < <(paste <(printf '%s\n' "${times[@]}") <(printf '%s\n' "${others[@]}") |
        sort -n | awk '{t[NR]=$1; o[NR]=$2} END {print t[1], t[int((NR+1)/2)], o[1]}')
    A_RSS=$rss
}

# check_bundle FILE.json: one sosreport node named node1, its collection date read.
check_bundle() {
    python3 - "$1" <<'PY' || exit 1
import json, sys
doc = json.load(open(sys.argv[1]))
nodes = [(n["name"], n["collected_at"]) for n in doc["nodes"]]
layouts = [i["layout"] for i in doc["inputs"]]
if nodes != [("node1", "2024-04-01T09:00:00+00:00")] or layouts != ["sosreport"]:
    print(f"compare.sh: FAIL: expected one sosreport node node1 collected 2024-04-01T09:00:00Z, "
          f"got nodes {nodes}, layouts {layouts}", file=sys.stderr)
    sys.exit(1)
PY
}

xz_blocks() { xz -l --robot "$1" | awk -F'\t' '$1 == "totals" {print $3}'; }

if want archives; then
    printf -v RG_QUOTED '%q ' rg "${RG_ARGS[@]}"
    echo
    echo "## sosreport bundles of the ${BIG_MIB} MiB messages file ($ARCH_RUNS runs each, best shown;"
    echo "## 'other CPU' = CPU seconds other processes used during the best run)"
    echo "== $(xz --version | head -n 1); $(gzip --version | head -n 1)$(command -v pigz >/dev/null && echo "; $(pigz --version 2>&1)")"
    echo "== load before measuring: $(uptime | sed 's/.*load average/load average/')"
    ARCH_SUMMARY=()
    for kind in "${ARCH_KINDS[@]}"; do
        B=$(bundle "$BIG_SET" "$kind")
        QB=$(printf %q "$B")
        TAR_BYTES=$(meta "$B" tar_bytes)
        cache_file "$B"
        echo
        case $kind in
        tar.gz) desc="gzip, one member" ;;
        *) desc="xz, $(xz_blocks "$B") block(s)" ;;
        esac
        echo "### $(basename "$B"): $(stat -c %s "$B") bytes ($desc), tar $TAR_BYTES bytes, $(meta "$B" blocks) OOM blocks"
        "$OOMSIFT" analyze --format json "$B" >"$TMP/arch.json" || die "oomsift exited with $? on $B"
        check_events "$TMP/arch.json" "$B"
        check_bundle "$TMP/arch.json"
        ROWS=()
        keep() { ROWS+=("$1"$'\t'"$A_BEST $A_MED $A_RSS $A_OTHER $A_NOTE"); } # LABEL: the last arch_time
        if [ "$kind" = tar.gz ]; then
            arch_time "zcat" bash -c "zcat $QB >/dev/null"
            keep "zcat B >/dev/null   (reference)"
            REF=$A_BEST REF_NOTE=$A_NOTE refname="zcat"
            arch_time "zcat | rg" bash -o pipefail -c "zcat $QB | $RG_QUOTED"
            keep "zcat B | rg -c -F -e <anchors>"
            RGREF=$A_BEST
            if command -v pigz >/dev/null; then
                arch_time "pigz -dc" bash -c "pigz -dc $QB >/dev/null"
                keep "pigz -dc B >/dev/null"
            fi
        else
            threads=1
            [ "$kind" = tar.xz ] || threads=2
            arch_time "xz -dc" bash -c "xz -dc -T$threads $QB >/dev/null"
            keep "xz -dc -T$threads B >/dev/null   (reference)"
            REF=$A_BEST REF_NOTE=$A_NOTE refname="xz -dc -T$threads"
            arch_time "xz -dc | rg" bash -o pipefail -c "xz -dc -T$threads $QB | $RG_QUOTED"
            keep "xz -dc -T$threads B | rg -c -F -e <anchors>"
            RGREF=$A_BEST
            if [ "$threads" = 2 ]; then
                arch_time "xz -dc -T1" bash -c "xz -dc -T1 $QB >/dev/null"
                keep "xz -dc -T1 B >/dev/null"
            fi
        fi
        arch_time "oomsift" "$OOMSIFT" analyze --format json "$B"
        keep "oomsift analyze --format json B"
        verdict=$(python3 -c "print('MET' if $A_BEST <= 1.1 * $REF else 'MISSED')")
        ARCH_SUMMARY+=("$(basename "$B"): oomsift $A_BEST s, $refname >/dev/null $REF s: $(ratio "$A_BEST" "$REF")x -> target (<= 1.1x) $verdict${A_NOTE:+ (oomsift runs noisy)}${REF_NOTE:+ (reference runs noisy)}")
        if [ "$kind" != tar.gz ] && [ "$kind" != tar.xz ]; then
            arch_time "oomsift --jobs 1" "$OOMSIFT" analyze --format json --jobs 1 "$B"
            keep "oomsift analyze --format json --jobs 1 B"
        fi
        printf '%-46s %8s %8s %7s %9s %9s %9s %9s\n' "command" "best s" "median s" "GB/s" "vs decomp" "vs |rg" "peak RSS" "other CPU"
        for r in "${ROWS[@]}"; do
            label=${r%%$'\t'*}
            read -r best med rss other note <<<"${r#*$'\t'}"
            printf '%-46s %8s %8s %7s %9s %9s %5s MiB %8ss %s\n' "$label" "$best" "$med" "$(gbps "$TAR_BYTES" "$best")" \
                "$(ratio "$best" "$REF")" "$(ratio "$best" "$RGREF")" "$((rss / 1024))" "$other" "$note"
        done
    done
    echo
    echo "## target: oomsift within 1.1x of the decompression alone"
    printf '%s\n' "${ARCH_SUMMARY[@]}"

    # Peak RSS against size: the bound must not depend on the archive's size. The same
    # 300 OOM blocks in 256 MiB and in 1 GiB: only the size differs; 76 blocks in
    # 256 MiB: only the events differ (their records are kept until the report).
    echo
    echo "## peak RSS of oomsift (one run each; events checked)"
    printf '%-34s %18s %18s %18s\n' "bundle, threads" "$SMALL_SET" "$DENSE_SET" "$BIG_SET"
    for kind in "${ARCH_KINDS[@]}"; do
        for jobs in 1 default; do
            args=()
            [ "$jobs" = default ] || args=(--jobs "$jobs")
            cells=()
            for set in "$SMALL_SET" "$DENSE_SET" "$BIG_SET"; do
                B=$(bundle "$set" "$kind")
                cache_file "$B"
                /usr/bin/time -f %M -o "$TMP/rss" "$OOMSIFT" analyze --format json "${args[@]}" "$B" \
                    >"$TMP/rss.json" || die "oomsift exited with $? on $B"
                check_events "$TMP/rss.json" "$B" >/dev/null
                cells+=("$(($(tail -n 1 "$TMP/rss") / 1024)) MiB")
            done
            printf '%-34s %18s %18s %18s\n' "$kind, --jobs $jobs" "${cells[@]}"
        done
    done
fi
