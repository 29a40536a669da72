#!/bin/sh
# Makes the binary journal fixtures of this directory with systemd's own writer,
# systemd-journal-remote (Debian: apt-get install systemd-journal-remote; systemd 252
# here, whose writer compresses with zstd only). The xz and lz4 files are written by
# systemd 254's writer (Debian bookworm-backports), which picks the algorithm from
# $SYSTEMD_JOURNAL_COMPRESS; it is unpacked, not installed, beside the 252 one:
#   echo "deb http://deb.debian.org/debian bookworm-backports main" \
#       > /etc/apt/sources.list.d/bp.list && apt-get update
#   cd /tmp/sd254 && apt-get download systemd-journal-remote/bookworm-backports \
#       libsystemd-shared/bookworm-backports && for d in *.deb; do dpkg -x "$d" root; done
# (SD254=/tmp/sd254/root to use another place). Run as root: the files are written in a small tmpfs so that
# journald's size metrics (10 % of the file system) give 512 KiB files with small hash
# tables, and the large input makes the writer rotate (archive) a file.
#
# The fixtures are stored zstd-compressed (they are mostly preallocated zeros); the
# tests decompress them in memory. cargo test never needs systemd.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
remote=/lib/systemd/systemd-journal-remote
tmp=$(mktemp -d)
mnt="$tmp/fs"
mkdir "$mnt"
mount -t tmpfs -o size=6m tmpfs "$mnt"
trap 'umount "$mnt"; rm -rf "$tmp"' EXIT

python3 "$here/gen_export.py" > "$here/two-boots.export"
python3 "$here/gen_export.py" 1200 > "$tmp/rotated.export"

one() { # NAME "VAR=VALUE ..." [WRITER FLAGS]: one file from two-boots.export
    name=$1 vars=$2
    shift 2
    rm -rf "$mnt"/*
    # shellcheck disable=SC2086 # the variables are words
    env $vars "$remote" "$@" --output="$mnt/$name.journal" - < "$here/two-boots.export"
    zstd -q -19 -f "$mnt/$name.journal" -o "$here/$name.journal.zst"
}
one zstd-compact "SYSTEMD_JOURNAL_COMPACT=1"
one zstd-regular "SYSTEMD_JOURNAL_COMPACT=0"
one plain-compact "SYSTEMD_JOURNAL_COMPACT=1" --compress=no
one plain-regular "SYSTEMD_JOURNAL_COMPACT=0 SYSTEMD_JOURNAL_KEYED_HASH=0" --compress=no

# xz and lz4: systemd 254's writer (see above).
sd254=${SD254:-/tmp/sd254/root}
remote254() {
    LD_LIBRARY_PATH="$sd254/usr/lib/x86_64-linux-gnu/systemd" "$sd254/lib/systemd/systemd-journal-remote" "$@"
}
one254() { # NAME "VAR=VALUE ...": one file from two-boots.export
    rm -rf "$mnt"/*
    # shellcheck disable=SC2086 # the variables are words
    env $2 LD_LIBRARY_PATH="$sd254/usr/lib/x86_64-linux-gnu/systemd" \
        "$sd254/lib/systemd/systemd-journal-remote" --output="$mnt/$1.journal" - < "$here/two-boots.export"
    zstd -q -19 -f "$mnt/$1.journal" -o "$here/$1.journal.zst"
}
remote254 --version | head -1
one254 xz-compact "SYSTEMD_JOURNAL_COMPRESS=XZ SYSTEMD_JOURNAL_COMPACT=1"
one254 xz-regular "SYSTEMD_JOURNAL_COMPRESS=XZ SYSTEMD_JOURNAL_COMPACT=0"
one254 lz4-compact "SYSTEMD_JOURNAL_COMPRESS=LZ4 SYSTEMD_JOURNAL_COMPACT=1"
one254 lz4-regular "SYSTEMD_JOURNAL_COMPRESS=LZ4 SYSTEMD_JOURNAL_COMPACT=0"

# The writer rotates when the file is full: an archived system@….journal and the
# active system.journal, sharing one seqnum id.
rm -rf "$mnt"/* "$here/rotated"
mkdir "$here/rotated"
"$remote" --output="$mnt/system.journal" - < "$tmp/rotated.export"
for f in "$mnt"/*.journal; do
    zstd -q -19 -f "$f" -o "$here/rotated/$(basename "$f").zst"
done

# The same rotation with boot 2's kill moved so that the writer's rotation falls
# inside its block (its first two lines end the archived file): only a merged
# reading assembles it whole.
rm -rf "$mnt"/* "$here/cut"
mkdir "$here/cut"
python3 "$here/gen_export.py" 1200 254 > "$tmp/cut.export"
"$remote" --output="$mnt/system.journal" - < "$tmp/cut.export"
for f in "$mnt"/*.journal; do
    zstd -q -19 -f "$f" -o "$here/cut/$(basename "$f").zst"
done

# A file left "online" (as a crash leaves it: state byte 1) is renamed by the next
# writer to system@….journal~ and replaced: a real `~` file, plus the new active one.
rm -rf "$mnt"/* "$here/dirty"
mkdir "$here/dirty"
"$remote" --output="$mnt/system.journal" - < "$here/two-boots.export"
printf '\001' | dd of="$mnt/system.journal" bs=1 seek=16 conv=notrunc 2>/dev/null
printf '__REALTIME_TIMESTAMP=1717999999000000\n__MONOTONIC_TIMESTAMP=1000000\n_BOOT_ID=3d3d3d3d3d3d4d3d9d3d3d3d3d3d3d3d\n_HOSTNAME=node-j\n_TRANSPORT=kernel\nMESSAGE=Linux version 6.1.0-21-cloud-amd64\n\n' |
    "$remote" --output="$mnt/system.journal" -
for f in "$mnt"/*; do
    zstd -q -19 -f "$f" -o "$here/dirty/$(basename "$f").zst"
done
ls -la "$here" "$here/rotated" "$here/dirty"
