#!/usr/bin/env python3
"""Writes a large journal export text (`journalctl -o export` format) for
benches/journal.sh, which turns it into binary journal files with systemd's own writer
(systemd-journal-remote).

Two boots of one machine; varied noise (systemd, sshd, kubelet klog lines, containerd,
non-OOM kernel lines) and BLOCKS kernel OOM blocks (a cgroup v2 memcg block and a host
block alternating, each with its own pids and times) spread evenly through the entries.
Prints one JSON line with the counts to stderr.

usage: gen_journal_export.py ENTRIES BLOCKS [SEED] > OUT.export
"""
import json
import random
import sys

ENTRIES = int(sys.argv[1])
BLOCKS = int(sys.argv[2])
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = random.Random(SEED)
out = sys.stdout.buffer
HOST = "node-b"
MACHINE = "5b2c0d3e8f4a4b6c9d7e2f1a0b9c8d7e"
BOOTS = ["6c6c6c6c6c6c4c6c9c6c6c6c6c6c6c6c", "7d7d7d7d7d7d4d7d9d7d7d7d7d7d7d7d"]
# 2024-06-10 00:00:00 UTC; boot 2 starts twelve hours later.
START = [1717977600_000000, 1718020800_000000]

NOISE = [
    ("systemd", 1, "init.scope", "Started session-{n}.scope - Session {n} of User admin."),
    ("sshd", 2211, "ssh.service", "Accepted publickey for admin from 10.0.{a}.{b} port {p} ssh2: ED25519 SHA256:q2w3e4r5t6y7u8i9o0p"),
    ("kubelet", 1344, "kubelet.service",
     'I0610 01:02:03.456789    1344 kubelet.go:2431] "SyncLoop (probe)" probe="readiness" status="ready" '
     'pod="shop/cart-{n}" podUID="{u}"'),
    ("containerd", 800, "containerd.service",
     'time="2024-06-10T01:02:03.456789Z" level=info msg="StartContainer for \\"{h}\\" returns successfully"'),
    ("kernel", None, None, "IPv6: ADDRCONF(NETDEV_CHANGE): veth{h8}: link becomes ready"),
    ("kernel", None, None, "cni0: port {a}(veth{h8}) entered forwarding state"),
]


def rec(boot, real, mono, fields):
    out.write(f"__REALTIME_TIMESTAMP={real}\n__MONOTONIC_TIMESTAMP={mono}\n".encode())
    out.write(f"_BOOT_ID={boot}\n_MACHINE_ID={MACHINE}\n_HOSTNAME={HOST}\n".encode())
    for k, v in fields:
        out.write(f"{k}={v}\n".encode())
    out.write(b"\n")


def kernel(boot, real, mono, msg, prio=4):
    rec(boot, real, mono, [("_TRANSPORT", "kernel"), ("PRIORITY", prio),
                           ("SYSLOG_FACILITY", 0), ("SYSLOG_IDENTIFIER", "kernel"),
                           ("MESSAGE", msg)])


def noise(boot, real, mono, n):
    ident, pid, unit, tpl = NOISE[rng.randrange(len(NOISE))]
    h = f"{rng.getrandbits(256):064x}"
    msg = tpl.format(n=n, a=rng.randrange(256), b=rng.randrange(256), p=rng.randrange(1024, 65535),
                     u=f"{rng.getrandbits(128):032x}", h=h, h8=h[:7])
    if pid is None:
        kernel(boot, real, mono, msg, prio=6)
    else:
        rec(boot, real, mono, [("_TRANSPORT", "journal"), ("PRIORITY", 6),
                               ("SYSLOG_IDENTIFIER", ident), ("_PID", pid),
                               ("_COMM", ident[:15]), ("_SYSTEMD_UNIT", unit),
                               ("MESSAGE", msg)])


def block(boot, real, mono, i):
    pid = 10000 + i
    if i % 2 == 0:
        pod = f"kubepods-burstable-pod{i:08d}_2222_4333_8444_555555555555.slice"
        memcg = f"/kubepods.slice/kubepods-burstable.slice/{pod}/cri-containerd-{i:064x}.scope"
        lines = [
            f"node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=900",
            f"CPU: 0 PID: {pid} Comm: node Not tainted 6.1.0-21-cloud-amd64 #1 Debian 6.1.90-1",
            "memory: usage 262144kB, limit 262144kB, failcnt 812",
            "swap: usage 0kB, limit 0kB, failcnt 0",
            f"Memory cgroup stats for {memcg}:",
            "anon 262000000",
            "file 120000",
            "Tasks state (memory values in pages):",
            "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
            f"[{pid:>7}]  1000 {pid:>6}    90000    64000    63950       50         0   573440        0           900 node",
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=x.scope,mems_allowed=0,"
            f"oom_memcg={memcg},task_memcg={memcg},task=node,pid={pid},uid=1000",
            f"Memory cgroup out of memory: Killed process {pid} (node) total-vm:360000kB, "
            "anon-rss:255800kB, file-rss:200kB, shmem-rss:0kB, UID:1000 pgtables:560kB oom_score_adj:900",
        ]
    else:
        lines = [
            "stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
            f"CPU: 1 PID: {pid} Comm: stress Not tainted 6.1.0-21-cloud-amd64 #1 Debian 6.1.90-1",
            "Mem-Info:",
            "active_anon:480000 inactive_anon:2000 isolated_anon:0",
            "Tasks state (memory values in pages):",
            "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
            f"[{pid:>7}]     0 {pid:>6}   530000   478000   477900      100         0  3900000        0             0 stress",
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
            f"task_memcg=/user.slice/user-0.slice/session-2.scope,task=stress,pid={pid},uid=0",
            f"Out of memory: Killed process {pid} (stress) total-vm:2120000kB, anon-rss:1911600kB, "
            "file-rss:400kB, shmem-rss:0kB, UID:0 pgtables:3808kB oom_score_adj:0",
        ]
    for j, l in enumerate(lines):
        kernel(boot, real + j, mono + j, l, prio=3 if "Killed" in l else 4)
    return len(lines)


every = max(1, ENTRIES // (BLOCKS + 1))
done_blocks = 0
half = ENTRIES // 2
for b in range(2):
    boot = BOOTS[b]
    real, mono = START[b], 5_000_000
    kernel(boot, real, mono, "Linux version 6.1.0-21-cloud-amd64 (debian-kernel@lists.debian.org)", prio=5)
    for n in range(half):
        real += 1000
        mono += 1000
        noise(boot, real, mono, n)
        if (b * half + n + 1) % every == 0 and done_blocks < BLOCKS:
            k = block(boot, real + 1, mono + 1, done_blocks)
            real += k + 1
            mono += k + 1
            done_blocks += 1
print(json.dumps({"entries": ENTRIES, "blocks": done_blocks,
                  "cgroup": (done_blocks + 1) // 2, "host": done_blocks // 2}), file=sys.stderr)
