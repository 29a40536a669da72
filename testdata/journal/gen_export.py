#!/usr/bin/env python3
"""Writes the journal export text (`journalctl -o export` format) that make.sh turns
into binary journal files with systemd-journal-remote: two boots of node-j, each with
a kernel OOM kill among systemd, kubelet, containerd and systemd-oomd lines.

usage: gen_export.py [FILLER [BEFORE]]   (FILLER: extra filler entries per boot, default 0;
    the OOM entries have the same times whatever FILLER is. BEFORE: how many of boot 2's
    filler entries come before its kill, default all; the others follow it, so the
    writer's rotation can be made to fall inside the kill's block)
"""
import struct
import sys

FILLER = int(sys.argv[1]) if len(sys.argv) > 1 else 0
BEFORE = int(sys.argv[2]) if len(sys.argv) > 2 else FILLER
out = sys.stdout.buffer
HOST = "node-j"
MACHINE = "4a1f9e2c7b3d4e5f8a6b1c0d9e8f7a6b"
POD1 = "kubepods-burstable-pod11111111_2222_4333_8444_555555555555.slice"
CTR1 = "cri-containerd-" + "a" * 64 + ".scope"
MEMCG1 = f"/kubepods.slice/kubepods-burstable.slice/{POD1}/{CTR1}"


def rec(boot, real, mono, fields, binary=()):
    """One export record; `binary` fields are written in the length-prefixed form."""
    out.write(f"__REALTIME_TIMESTAMP={real}\n__MONOTONIC_TIMESTAMP={mono}\n".encode())
    out.write(f"_BOOT_ID={boot}\n_MACHINE_ID={MACHINE}\n_HOSTNAME={HOST}\n".encode())
    for k, v in fields:
        out.write(f"{k}={v}\n".encode())
    for k, v in binary:
        out.write(k.encode() + b"\n" + struct.pack("<Q", len(v)) + v + b"\n")
    out.write(b"\n")


def kernel(boot, real, mono, msg, prio=4):
    rec(boot, real, mono, [("_TRANSPORT", "kernel"), ("PRIORITY", prio),
                           ("SYSLOG_FACILITY", 0), ("SYSLOG_IDENTIFIER", "kernel"),
                           ("MESSAGE", msg)])


def daemon(boot, real, mono, ident, pid, unit, msg, prio=6, binary=False):
    f = [("_TRANSPORT", "journal" if not binary else "stdout"), ("PRIORITY", prio),
         ("SYSLOG_IDENTIFIER", ident), ("_PID", pid), ("_COMM", ident[:15]),
         ("_SYSTEMD_UNIT", unit)]
    if binary:
        rec(boot, real, mono, f, [("MESSAGE", msg.encode())])
    else:
        rec(boot, real, mono, f + [("MESSAGE", msg)])


def filler(boot, real, mono, n):
    for i in range(n):
        daemon(boot, real + i * 1000, mono + i * 1000, "systemd", 1, "init.scope",
               f"Started session-{i}.scope - Session {i} of User admin (filler {i:06d}).")
    return real + n * 1000, mono + n * 1000


NODE0 = ("Node 0 active_anon:64000 inactive_anon:120 isolated_anon:0 active_file:50 "
         "inactive_file:40 isolated_file:0 unevictable:0 dirty:0 writeback:0 "
         "slab_reclaimable:3200 slab_unreclaimable:5400 mapped:30 shmem:0 pagetables:140 "
         "sec_pagetables:0 bounce:0 kernel_misc_reclaimable:0 free:1800 free_pcp:20 "
         "free_cma:0 all_unreclaimable? yes (this line is long enough that journald "
         "compresses it: " + "padding " * 40 + ")")


def memcg_kill(boot, real, mono):
    lines = [
        "node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=900",
        "CPU: 0 PID: 4100 Comm: node Not tainted 6.1.0-21-cloud-amd64 #1 Debian 6.1.90-1",
        "Call Trace:",
        " <TASK>",
        " dump_stack_lvl+0x44/0x5c",
        " dump_header+0x4a/0x211",
        " oom_kill_process.cold+0xb/0x10",
        " out_of_memory+0x1fd/0x4c0",
        " mem_cgroup_out_of_memory+0x134/0x150",
        " try_charge_memcg+0x696/0x780",
        " </TASK>",
        "memory: usage 262144kB, limit 262144kB, failcnt 812",
        "swap: usage 0kB, limit 0kB, failcnt 0",
        f"Memory cgroup stats for {MEMCG1}:",
        "anon 262000000",
        "file 120000",
        "kernel 3100000",
        "shmem 0",
        "Tasks state (memory values in pages):",
        "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
        "[   4100]  1000   4100    90000    64000    63950       50         0   573440        0           900 node",
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-x.scope,"
        f"mems_allowed=0,oom_memcg={MEMCG1},task_memcg={MEMCG1},task=node,pid=4100,uid=1000",
        "Memory cgroup out of memory: Killed process 4100 (node) total-vm:360000kB, "
        "anon-rss:255800kB, file-rss:200kB, shmem-rss:0kB, UID:1000 pgtables:560kB oom_score_adj:900",
    ]
    for i, l in enumerate(lines):
        kernel(boot, real + i, mono + i, l, prio=3 if "Killed" in l else 4)
    n = len(lines)
    daemon(boot, real + n + 400000, mono + n + 400000, "containerd", 800, "containerd.service",
           'time="2024-06-10T02:00:00.412Z" level=info msg="TaskOOM event container_id:\\"'
           + "a" * 64 + '\\""')
    daemon(boot, real + n + 500000, mono + n + 500000, "kubelet", 1344, "kubelet.service",
           'I0610 02:00:00.912000    1344 kubelet.go:2431] "SyncLoop (PLEG): event for pod" '
           'pod="shop/cart-7d9c5b6f4-x2k9q" event={"ID":"11111111-2222-4333-8444-555555555555",'
           '"Type":"ContainerDied","Data":"' + "a" * 64 + '"} ' + "annotation=padding " * 30)


def global_kill(boot, real, mono):
    lines = [
        "stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
        "CPU: 1 PID: 2210 Comm: stress Not tainted 6.1.0-21-cloud-amd64 #1 Debian 6.1.90-1",
        "Mem-Info:",
        "active_anon:480000 inactive_anon:2000 isolated_anon:0",
        NODE0,
        "Tasks state (memory values in pages):",
        "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
        "[   2210]     0  2210   530000   478000   477900      100         0  3900000        0             0 stress",
        "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
        "task_memcg=/user.slice/user-0.slice/session-2.scope,task=stress,pid=2210,uid=0",
        "Out of memory: Killed process 2210 (stress) total-vm:2120000kB, anon-rss:1911600kB, "
        "file-rss:400kB, shmem-rss:0kB, UID:0 pgtables:3808kB oom_score_adj:0",
        "oom_reaper: reaped process 2210 (stress), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
    ]
    for i, l in enumerate(lines):
        kernel(boot, real + i, mono + i, l)


B1 = "1b1b1b1b1b1b4b1b9b1b1b1b1b1b1b1b"
B2 = "2c2c2c2c2c2c4c2c9c2c2c2c2c2c2c2c"
# Boot 1: 2024-06-10 01:00:00 UTC, up 60 s.
r, m = 1717981200000000, 60000000
kernel(B1, r, m, "Linux version 6.1.0-21-cloud-amd64 (debian-kernel@lists.debian.org)", prio=5)
daemon(B1, r + 1000, m + 1000, "systemd", 1, "init.scope", "Started Session 3 of User admin.")
daemon(B1, r + 2000, m + 2000, "kubelet", 1344, "kubelet.service",
       "multi-line kubelet message\nwith an embedded newline (binary export field)", binary=True)
r, m = filler(B1, r + 10000, m + 10000, FILLER)
memcg_kill(B1, 1717984800000000, 3660000000)
daemon(B1, 1717984900000000, 3760000000, "systemd-oomd", 812, "systemd-oomd.service",
       "Killed /system.slice/batch.service due to memory pressure for /system.slice being "
       "82.13% > 50.00% for > 20s with reclaim activity", prio=5)
daemon(B1, 1717984900100000, 3760100000, "systemd", 1, "init.scope",
       "batch.service: systemd-oomd killed 12 process(es) in this unit.", prio=5)
# Boot 2: 2024-06-10 03:00:00 UTC, up 30 s.
r, m = 1717988400000000, 30000000
kernel(B2, r, m, "Linux version 6.1.0-21-cloud-amd64 (debian-kernel@lists.debian.org)", prio=5)
r, m = filler(B2, r + 10000, m + 10000, BEFORE)
global_kill(B2, 1717992000000000, 3630000000)
filler(B2, 1717992000100000, 3630100000, FILLER - BEFORE)
daemon(B2, 1717992060000000, 3690000000, "kubelet", 1344, "kubelet.service",
       'E0610 04:01:00.000000    1344 eviction_manager.go:366] "Eviction manager: pods ranked '
       'for eviction" pods=["shop/cart-7d9c5b6f4-x2k9q"]', prio=3)
