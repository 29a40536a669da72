#!/usr/bin/env bash
# Fleet mode (docs/fleet.md): `oomsift analyze DIR/` over a directory of many
# sosreport-shaped node bundles, mixed .tar.gz (pigz -1) and .tar.xz (xz -1 -T1, one
# block), each holding a ~10 MiB var/log/messages with a few OOM blocks. Measures the
# wall time and peak RSS at --jobs 1 and --jobs 2 (target: t(J=1)/t(J=2) >= 1.8x),
# peak RSS against the number of bundles, the decompressors alone on the same
# archives (is oomsift decompression-bound?), and the streaming --format ndjson path.
#
#   benches/fleet.sh                   # from anywhere; every section over 200 bundles;
#                                      # data cached under target/bench-data/fleet/n200-10MiB/
#   benches/fleet.sh scaling rss       # only some sections: scaling (--jobs 1 and 2),
#                                      # rss (peak RSS by bundle count), decomp (decompressors
#                                      # alone), ndjson (--format ndjson --jobs 2)
#   benches/fleet.sh --generate-only   # only generate the bundles (if missing), then exit
#   BUNDLES=20 benches/fleet.sh        # 20 bundles (cached apart: target/bench-data/fleet/n20-10MiB/)
#   BUNDLE_MIB=10 benches/fleet.sh     # size of each bundle's messages file (default 10)
#   RUNS=5 benches/fleet.sh            # runs per measurement (default 3, median shown)
#   RSS_RUNS=3 benches/fleet.sh rss    # runs per row of the RSS table (default 1)
#   WAIT_IDLE=0 benches/fleet.sh       # do not wait for idle cores before measuring
#                                      # (IDLE_TIMEOUT: at most this many s, default 900)
#
# Bundle I (1..N) is sosreport-node-III.tar.gz for odd I, .tar.xz for even I: version.txt,
# sos_commands/host/hostname (node-III), sos_commands/date/date, sos_commands/kernel/dmesg
# (a short boot log, no OOM kill) and var/log/messages: benches/gen_syslog.py with seed
# 1000+I and 2 + (I-1) % 5 OOM blocks (cgroup and host blocks alternating), its host
# name node1 rewritten to node-III. The RSS sets are hard links in sets/K/ (symbolic
# links at the top of an input are followed too; hard links keep sets/ independent of
# where bundles/ lives).
#
# Fails (exit 1) when oomsift exits non-zero, warns, or does not find exactly the
# generated OOM blocks on the expected nodes.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OOMSIFT="$ROOT/target/release/oomsift"
N=${BUNDLES:-200}
BUNDLE_MIB=${BUNDLE_MIB:-10}
RUNS=${RUNS:-3}
RSS_RUNS=${RSS_RUNS:-1}
FLEET="$ROOT/target/bench-data/fleet/n$N-${BUNDLE_MIB}MiB"
BUNDLE_DIR="$FLEET/bundles"
META_DIR="$FLEET/meta"
META="$FLEET/meta.json"
SETS_DIR="$FLEET/sets"

die() {
    echo "fleet.sh: FAIL: $*" >&2
    exit 1
}
usage() {
    echo "usage: benches/fleet.sh [--generate-only] [scaling] [rss] [decomp] [ndjson]  (default: all four)" >&2
    exit 2
}

GENERATE_ONLY=0
SECTIONS=()
for a in "$@"; do
    case $a in
    --generate-only) GENERATE_ONLY=1 ;;
    scaling | rss | decomp | ndjson) SECTIONS+=("$a") ;;
    *) usage ;;
    esac
done
[ "${#SECTIONS[@]}" -gt 0 ] || SECTIONS=(scaling rss decomp ndjson)
want() { [[ " ${SECTIONS[*]} " == *" $1 "* ]]; }
[[ $N =~ ^[1-9][0-9]*$ ]] || die "BUNDLES must be a positive integer, not '$N'"
((N <= 999)) || die "BUNDLES must be at most 999 (node-NNN names)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$RUNS'"
[[ $RSS_RUNS =~ ^[1-9][0-9]*$ ]] || die "RSS_RUNS must be a positive integer, not '$RSS_RUNS'"

# --- tools -----------------------------------------------------------------
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
[ -x /usr/bin/time ] || { echo "installing time…" >&2; apt_install time; }
command -v xz >/dev/null || { echo "installing xz-utils…" >&2; apt_install xz-utils; }
command -v pigz >/dev/null || { echo "installing pigz…" >&2; apt_install pigz || true; }
command -v python3 >/dev/null || die "python3 is needed to generate the data"

# --- data (generated once) ---------------------------------------------------
# node_name I / bundle_file I: node-III and its archive's file name.
node_name() { printf 'node-%03d' "$1"; }
bundle_file() {
    if (($1 % 2)); then echo "sosreport-$(node_name "$1").tar.gz"; else echo "sosreport-$(node_name "$1").tar.xz"; fi
}

# write_dmesg HOST: a short boot log in dmesg format (no OOM kill: the kills are in
# var/log/messages only, so the expected count is the generator's).
write_dmesg() {
    cat <<EOF
[    0.000000] Linux version 5.14.0-284.30.1.el9_2.x86_64 (mockbuild@x86-vm-07.build.eng.bos.redhat.com) (gcc (GCC) 11.3.1 20221121 (Red Hat 11.3.1-4), GNU ld version 2.35.2-37.el9) #1 SMP PREEMPT_DYNAMIC Fri Aug 25 09:03:32 EDT 2023
[    0.000000] The list of certified hardware and cloud instances for Red Hat Enterprise Linux 9 can be viewed at the Red Hat Ecosystem Catalog, https://catalog.redhat.com.
[    0.000000] Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-5.14.0-284.30.1.el9_2.x86_64 root=UUID=6b3f6e2a-3c1f-4d2a-9f0e-1b2c3d4e5f60 ro console=ttyS0,115200n8 no_timer_check net.ifnames=0 crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M
[    0.000000] BIOS-provided physical RAM map:
[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable
[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bffdafff] usable
[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000043fffffff] usable
[    0.000000] NX (Execute Disable) protection: active
[    0.000000] DMI: Red Hat KVM/RHEL, BIOS 1.16.1-1.el9 04/01/2014
[    0.000000] Hypervisor detected: KVM
[    0.000000] Memory: 16179732K/16776660K available (14345K kernel code, 5939K rwdata, 10428K rodata, 2792K init, 5500K bss, 596668K reserved, 0K cma-reserved)
[    0.071935] smpboot: Allowing 8 CPUs, 0 hotplug CPUs
[    0.412033] Freeing SMP alternatives memory: 36K
[    1.030119] systemd[1]: systemd 252-14.el9_2.3 running in system mode (+PAM +AUDIT +SELINUX -APPARMOR +IMA +SMACK +SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN -IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT -QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK +XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified)
[    1.034512] systemd[1]: Detected virtualization kvm.
[    1.036007] systemd[1]: Set hostname to <$1>.
[    4.221853] XFS (vda2): Mounting V5 Filesystem
[    9.612450] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready
[   31.280117] cni0: port 1(veth3f2a9c1d) entered forwarding state
EOF
}

# gen_bundle I: builds bundle I and its meta file (META_DIR/node-III.json: name, file,
# blocks, cgroup, host, messages_bytes, tar_bytes, archive_bytes), unless both exist.
gen_bundle() {
    local i=$1 host file name blocks seed stage b
    host=$(node_name "$i")
    file=$(bundle_file "$i")
    name="sosreport-$host"
    [ -s "$BUNDLE_DIR/$file" ] && [ -s "$META_DIR/$host.json" ] && return 0
    blocks=$((2 + (i - 1) % 5))
    seed=$((1000 + i))
    stage="$FLEET/stage"
    b="$stage/$name"
    rm -rf "$stage"
    mkdir -p "$b/var/log" "$b/sos_commands/host" "$b/sos_commands/date" "$b/sos_commands/kernel"
    python3 "$ROOT/benches/gen_syslog.py" "$stage/messages.raw" "$BUNDLE_MIB" "$blocks" "$seed" >"$stage/gen.json"
    # gen_syslog.py names the host node1 (line prefixes and kubelet's system:node:node1).
    sed "s/node1/$host/g" "$stage/messages.raw" >"$b/var/log/messages"
    rm "$stage/messages.raw"
    echo "sosreport: 4.7.2" >"$b/version.txt"
    echo "$host" >"$b/sos_commands/host/hostname"
    echo "Mon Apr  1 09:00:00 UTC 2024" >"$b/sos_commands/date/date"
    write_dmesg "$host" >"$b/sos_commands/kernel/dmesg"
    tar -C "$stage" --owner=0 --group=0 --mtime=2024-04-01 -cf "$stage/b.tar" \
        "$name/version.txt" "$name/sos_commands" "$name/var"
    case $file in
    *.tar.gz) if command -v pigz >/dev/null; then pigz -1 -c "$stage/b.tar"; else gzip -1 -c "$stage/b.tar"; fi ;;
    *.tar.xz) xz -T1 -1 -c "$stage/b.tar" ;;
    esac >"$stage/$file"
    python3 - "$stage/gen.json" "$host" "$file" "$(stat -c %s "$b/var/log/messages")" \
        "$(stat -c %s "$stage/b.tar")" "$(stat -c %s "$stage/$file")" >"$stage/meta.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
print(json.dumps({"name": sys.argv[2], "file": sys.argv[3], "blocks": g["blocks"], "cgroup": g["cgroup"],
                  "host": g["host"], "messages_bytes": int(sys.argv[4]), "tar_bytes": int(sys.argv[5]),
                  "archive_bytes": int(sys.argv[6])}))
PY
    mv "$stage/$file" "$BUNDLE_DIR/$file"
    mv "$stage/meta.json" "$META_DIR/$host.json"
    rm -rf "$stage"
}

# RSS_SETS: the bundle counts of the RSS table, N/8, N/4, N/2 and N (25 50 100 200).
RSS_SETS=()
for d in 8 4 2 1; do
    k=$((N / d))
    if ((k > 0)) && [[ " ${RSS_SETS[*]} " != *" $k "* ]]; then RSS_SETS+=("$k"); fi
done

if [ ! -s "$META" ]; then
    mkdir -p "$BUNDLE_DIR" "$META_DIR"
    echo "generating $N bundles (${BUNDLE_MIB} MiB of messages each) in $FLEET…" >&2
    gen_t0=$EPOCHREALTIME
    for i in $(seq "$N"); do
        gen_bundle "$i"
        if ((i % 25 == 0 || i == N)); then echo "  $i/$N bundles" >&2; fi
    done
    # The directory must hold exactly the N bundles (oomsift reads everything in it).
    extra=$(find "$BUNDLE_DIR" -mindepth 1 -maxdepth 1 | wc -l)
    ((extra == N)) || die "$BUNDLE_DIR holds $extra entries, expected $N"
    python3 - "$META_DIR" "$N" >"$META.tmp" <<'PY'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
bundles = [json.load(open(f"{d}/node-{i:03d}.json")) for i in range(1, n + 1)]
tot = {k: sum(b[k] for b in bundles) for k in
       ("blocks", "cgroup", "host", "messages_bytes", "tar_bytes", "archive_bytes")}
print(json.dumps({"bundles": bundles, "total": tot}))
PY
    mv "$META.tmp" "$META"
    echo "generated in $(python3 -c "print(f'{$EPOCHREALTIME - $gen_t0:.0f}')") s" >&2
fi
# The RSS sets: hard links to the first K bundles (a cp where links cannot be made).
for k in "${RSS_SETS[@]}"; do
    s="$SETS_DIR/$k"
    if [ "$(find "$s" -mindepth 1 -maxdepth 1 -type f 2>/dev/null | wc -l)" != "$k" ]; then
        rm -rf "$s"
        mkdir -p "$s"
        for i in $(seq "$k"); do
            f=$(bundle_file "$i")
            ln "$BUNDLE_DIR/$f" "$s/$f" 2>/dev/null || cp "$BUNDLE_DIR/$f" "$s/$f"
        done
    fi
done

# total KEY [K [gz|xz]]: the sum of KEY over the first K bundles (default all), or over
# their .tar.gz or .tar.xz ones.
total() {
    python3 - "$META" "$1" "${2:-$N}" "${3:-}" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
bs = [b for b in m["bundles"][: int(sys.argv[3])] if b["file"].endswith(sys.argv[4])]
print(sum(b[sys.argv[2]] for b in bs))
PY
}
mb() { python3 -c "print(f'{$1 / 1e6:.1f}')"; }

TOTAL_BLOCKS=$(total blocks)
ARCH_BYTES=$(total archive_bytes)
TAR_BYTES=$(total tar_bytes)
MSG_BYTES=$(total messages_bytes)
N_GZ=$(((N + 1) / 2))
N_XZ=$((N / 2))
echo "== data: $FLEET"
echo "== $N bundles ($N_GZ .tar.gz, $N_XZ .tar.xz): $(mb "$ARCH_BYTES") MB compressed," \
    "$(mb "$TAR_BYTES") MB of tar ($(mb "$MSG_BYTES") MB of messages), $TOTAL_BLOCKS OOM blocks" \
    "(cgroup $(total cgroup), host $(total host))"
if [ "$GENERATE_ONLY" = 1 ]; then
    echo "== $(du -sh "$BUNDLE_DIR" | cut -f1) on disk in bundles/"
    exit 0
fi

# --- build (only when missing: src/ may be mid-edit) ---------------------------------
if [ ! -x "$OOMSIFT" ]; then
    echo "building target/release/oomsift…" >&2
    cargo build --release --quiet
fi

# --- measuring -----------------------------------------------------------------
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# A copy is measured: target/release/oomsift may be rebuilt while the script runs.
BIN_BUILT=$(date -r "$OOMSIFT" '+%F %T')
cp "$OOMSIFT" "$TMP/oomsift"
OOMSIFT="$TMP/oomsift"

# cache_dir DIR: reads every file of DIR into the page cache (all runs start warm).
cache_dir() { find -L "$1" -type f -exec cat {} + >/dev/null; }

# measure NAME CMD…: runs CMD $RUNS times under /usr/bin/time (stdout to $OUT, default
# $TMP/out: the last run's kept); sets M_MED/M_MIN (wall s), M_RSS (KiB, the largest peak RSS),
# M_CPU (user+sys s of the median run) and M_OTHER (the most CPU seconds other
# processes used during one run: busy CPU time of the machine minus CMD's own).
measure() {
    local name=$1
    shift
    local rows=() j0 j1 e m u s o rss=0 other=0
    wait_idle
    for _ in $(seq "$RUNS"); do
        j0=$(busy_ticks)
        /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" "$@" >"${OUT:-$TMP/out}" || die "$name exited with $?"
        j1=$(busy_ticks)
        read -r e m u s < <(tail -n 1 "$TMP/time")
        o=$(python3 -c "print(f'{max(0.0, ($j1 - $j0) / $CLK_TCK - $u - $s):.2f}')")
        rows+=("$e $(python3 -c "print(f'{$u + $s:.2f}')")")
        if ((m > rss)); then rss=$m; fi
        if python3 -c "import sys; sys.exit(0 if $o > $other else 1)"; then other=$o; fi
    done
    read -r M_MED M_CPU M_MIN < <(printf '%s\n' "${rows[@]}" | sort -n |
        awk '{t[NR]=$1; c[NR]=$2} END {m=int((NR+1)/2); print t[m], c[m], t[1]}')
    M_RSS=$rss
    M_OTHER=$other
}

rate() { python3 -c "print(f'{$1 / 1e6 / max($2, 0.01):.0f}')"; } # BYTES SECONDS: MB/s
ratio() { python3 -c "print(f'{$1 / max($2, 0.01):.2f}')"; }

# check_json FILE K: FILE is the JSON document of the first K bundles: exactly their
# OOM blocks as complete events, on nodes node-001..node-K (collected 2024-04-01 09:00
# UTC), K sosreport inputs, each cgroup block's systemd line as an other death, no
# warnings. Prints one summary line.
check_json() {
    python3 - "$1" "$META" "$2" <<'PY' || exit 1
import collections, json, sys
doc = json.load(open(sys.argv[1]))
bundles = json.load(open(sys.argv[2]))["bundles"][: int(sys.argv[3])]
want = (sum(b["blocks"] for b in bundles), sum(b["cgroup"] for b in bundles), sum(b["host"] for b in bundles))
kinds = collections.Counter(e.get("kind") for e in doc["events"])
found = (len(doc["events"]), kinds.get("cgroup", 0), kinds.get("host", 0))
per_node = collections.Counter(e.get("node") for e in doc["events"])
bad_nodes = [b["name"] for b in bundles if per_node.get(b["name"], 0) != b["blocks"]]
nodes = sorted((n["name"], n["collected_at"]) for n in doc["nodes"])
want_nodes = sorted((b["name"], "2024-04-01T09:00:00+00:00") for b in bundles)
sos = sum(1 for i in doc["inputs"] if i.get("layout") == "sosreport")
incomplete = sum(1 for e in doc["events"] if not e.get("complete"))
others = collections.Counter(d.get("kind") for d in doc["other_deaths"])
others_ok = not others or others == {"unit_process_oom_killed": want[1]}
print(f"events: found {found[0]} (cgroup {found[1]}, host {found[2]}), generated {want[0]} "
      f"(cgroup {want[1]}, host {want[2]}); {len(nodes)} nodes, {sos} sosreport inputs")
if found != want or bad_nodes or nodes != want_nodes or sos != len(bundles) or incomplete \
        or not others_ok or doc["warnings"]:
    print(f"fleet.sh: FAIL: oomsift found {found}, generated {want}; nodes with wrong counts "
          f"{bad_nodes[:5]}; nodes {len(nodes)} (as expected: {nodes == want_nodes}), sosreport inputs {sos}; "
          f"incomplete {incomplete}; other_deaths {dict(others)}; warnings {doc['warnings'][:5]}", file=sys.stderr)
    sys.exit(1)
PY
}

# check_ndjson FILE: one line per generated OOM block, each of a known bundle and node.
check_ndjson() { # FILE [K: the first K bundles; default all]
    python3 - "$1" "$META" "${2:-0}" <<'PY' || exit 1
import collections, json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bundles = json.load(open(sys.argv[2]))["bundles"]
if int(sys.argv[3]):
    bundles = bundles[: int(sys.argv[3])]
per_node = collections.Counter(e.get("node") for e in lines)
bad = [b["name"] for b in bundles if per_node.get(b["name"], 0) != b["blocks"]]
want = sum(b["blocks"] for b in bundles)
ids = [e.get("id") for e in lines]
print(f"ndjson: {len(lines)} lines, generated {want} OOM blocks; {len(per_node)} nodes")
if len(lines) != want or bad or len(set(ids)) != len(ids):
    print(f"fleet.sh: FAIL: ndjson has {len(lines)} lines, generated {want}; nodes with wrong counts {bad[:5]}; "
          f"{len(ids) - len(set(ids))} duplicate ids", file=sys.stderr)
    sys.exit(1)
PY
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
    VERSION="commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo ' + uncommitted changes in src/Cargo')"
else
    VERSION="(not a git checkout: $ROOT)"
fi
echo "== oomsift $VERSION; measuring a copy of target/release/oomsift built $BIN_BUILT"
echo "== $(xz --version | head -n 1); $(gzip --version | head -n 1)$(command -v pigz >/dev/null && echo "; $(pigz --version 2>&1)")"
echo "== runs per measurement: $RUNS (median, min in parentheses); files in page cache; 'other CPU' ="
echo "== the most CPU seconds other processes used during one run; MB = 10^6 bytes, 'tar MB/s' = uncompressed"
echo "== load before measuring: $(uptime | sed 's/.*load average/load average/')"
cache_dir "$BUNDLE_DIR"

header() {
    printf '%-44s %8s %8s %8s %9s %7s %6s %9s %9s\n' "command" "median s" "min s" "MB/s" "tar MB/s" \
        "CPU s" "cores" "peak RSS" "other CPU"
}
row() { # LABEL [ARCHIVE_BYTES TAR_BYTES]: the last measurement (default bytes: all bundles)
    printf '%-44s %8s %8s %8s %9s %7s %6s %5s MiB %8ss\n' "$1" "$M_MED" "($M_MIN)" \
        "$(rate "${2:-$ARCH_BYTES}" "$M_MED")" "$(rate "${3:-$TAR_BYTES}" "$M_MED")" \
        "$M_CPU" "$(python3 -c "print(f'{$M_CPU / max($M_MED, 0.01):.2f}')")" "$((M_RSS / 1024))" "$M_OTHER"
}

BD="${BUNDLE_DIR#"$ROOT"/}/"
J1_MED="" J2_MED=""

# --- scaling: --jobs 1 against --jobs 2 -----------------------------------------------
if want scaling; then
    echo
    echo "## oomsift analyze --format json -q --jobs J $BD  ($N bundles)"
    "$OOMSIFT" analyze --format json -q --jobs 2 "$BUNDLE_DIR/" >"$TMP/check.json" || die "oomsift exited with $?"
    check_json "$TMP/check.json" "$N"
    header
    for jobs in 1 2; do
        measure "oomsift --jobs $jobs" "$OOMSIFT" analyze --format json -q --jobs "$jobs" "$BUNDLE_DIR/"
        check_json "$TMP/out" "$N" >/dev/null
        row "oomsift analyze --format json -q --jobs $jobs"
        if [ "$jobs" = 1 ]; then J1_MED=$M_MED; else J2_MED=$M_MED; fi
    done
    verdict=$(python3 -c "print('MET' if $J1_MED / max($J2_MED, 0.01) >= 1.8 else 'MISSED')")
    echo "scaling t(J=1)/t(J=2) = $J1_MED s / $J2_MED s = $(ratio "$J1_MED" "$J2_MED")x -> target (>= 1.8x) $verdict"
fi

# --- decomp: the decompressors alone, one archive after the other -------------------
if want decomp; then
    echo
    echo "## for reference: the decompressor CLIs alone over the same archives, to /dev/null"
    # decompress GZIP_TOOL FILE…: each FILE to stdout, one after the other (xz single-threaded).
    cat >"$TMP/decompress" <<'SH'
#!/bin/sh
gz=$1
shift
for f; do
    case $f in
    *.gz) "$gz" -dc -- "$f" ;;
    *.xz) xz -dc -T1 -- "$f" ;;
    esac
done
SH
    chmod +x "$TMP/decompress"
    header
    OUT=/dev/null measure "gzip -dc" "$TMP/decompress" gzip "$BUNDLE_DIR"/*.tar.gz
    GZ_MED=$M_MED
    row "gzip -dc each of the $N_GZ .tar.gz, serially" "$(total archive_bytes "$N" gz)" "$(total tar_bytes "$N" gz)"
    if command -v pigz >/dev/null; then
        OUT=/dev/null measure "pigz -dc" "$TMP/decompress" pigz "$BUNDLE_DIR"/*.tar.gz
        row "pigz -dc each .tar.gz, serially" "$(total archive_bytes "$N" gz)" "$(total tar_bytes "$N" gz)"
    fi
    XZ_MED=0
    if ((N_XZ > 0)); then
        OUT=/dev/null measure "xz -dc" "$TMP/decompress" gzip "$BUNDLE_DIR"/*.tar.xz
        XZ_MED=$M_MED
        row "xz -dc -T1 each of the $N_XZ .tar.xz, serially" "$(total archive_bytes "$N" xz)" "$(total tar_bytes "$N" xz)"
    fi
    DEC1=$(python3 -c "print(f'{$GZ_MED + $XZ_MED:.2f}')")
    printf '%-44s %8s %8s %8s %9s\n' "gzip + xz, serially (sum: J=1 reference)" "$DEC1" "" \
        "$(rate "$ARCH_BYTES" "$DEC1")" "$(rate "$TAR_BYTES" "$DEC1")"
    # shellcheck disable=SC2016 # expanded by the inner bash
    OUT=/dev/null measure "decompress -P2" bash -c 'printf "%s\0" "$@" | xargs -0 -n 1 -P 2 "$0" gzip' \
        "$TMP/decompress" "$BUNDLE_DIR"/*
    DEC2=$M_MED
    row "gzip/xz -dc, 2 archives at a time (J=2 ref.)"
    if [ -n "$J1_MED" ]; then
        echo "oomsift --jobs 1 / decompression serially = $J1_MED s / $DEC1 s = $(ratio "$J1_MED" "$DEC1")x (~1 or less: decompression-bound)"
        echo "oomsift --jobs 2 / decompression 2 at a time = $J2_MED s / $DEC2 s = $(ratio "$J2_MED" "$DEC2")x"
    fi
fi

# --- ndjson: the streaming path at --jobs 2 ------------------------------------------
if want ndjson; then
    echo
    echo "## oomsift analyze --format ndjson -q --jobs 2 $BD  (streamed, one line per kill)"
    measure "oomsift ndjson" "$OOMSIFT" analyze --format ndjson -q --jobs 2 "$BUNDLE_DIR/"
    check_ndjson "$TMP/out"
    header
    row "oomsift analyze --format ndjson -q --jobs 2"
    if [ -n "$J2_MED" ]; then
        echo "ndjson / json at --jobs 2 = $M_MED s / $J2_MED s = $(ratio "$M_MED" "$J2_MED")x"
    fi
fi

# --- rss: peak RSS against the number of bundles --------------------------------------
if want rss; then
    echo
    echo "## peak RSS by bundle count: oomsift analyze -q --jobs 2 --format json|ndjson sets/K/  ($RSS_RUNS run(s) each; events checked)"
    echo "## (json holds every event for the document; streamed ndjson keeps none)"
    printf '%8s %10s %10s %8s %10s %9s %12s %9s %9s\n' "bundles" "MB" "tar MB" "events" "json RSS" "json s" "ndjson RSS" "ndjson s" "other CPU"
    for k in "${RSS_SETS[@]}"; do
        cache_dir "$SETS_DIR/$k"
        RUNS=$RSS_RUNS measure "oomsift sets/$k" "$OOMSIFT" analyze --format json -q --jobs 2 "$SETS_DIR/$k/"
        check_json "$TMP/out" "$k" >/dev/null
        local_json_rss=$M_RSS local_json_s=$M_MED local_other=$M_OTHER
        RUNS=$RSS_RUNS measure "oomsift ndjson sets/$k" "$OOMSIFT" analyze --format ndjson -q --jobs 2 "$SETS_DIR/$k/"
        check_ndjson "$TMP/out" "$k" >/dev/null
        printf '%8s %10s %10s %8s %6s MiB %9s %8s MiB %9s %8ss\n' "$k" "$(mb "$(total archive_bytes "$k")")" \
            "$(mb "$(total tar_bytes "$k")")" "$(total blocks "$k")" "$((local_json_rss / 1024))" "$local_json_s" \
            "$((M_RSS / 1024))" "$M_MED" "$(python3 -c "print(max($local_other, $M_OTHER))")"
    done
fi
