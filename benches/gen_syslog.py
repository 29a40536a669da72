#!/usr/bin/env python3
"""Generates a large RFC 3164 syslog file for benches/compare.sh.

The same shapes as the in-memory generator of the criterion benches
(benches/gen/mod.rs): varied userspace noise (systemd, sshd, kubelet klog lines,
containerd, audit, application logs, non-OOM kernel lines, a rare application line
that quotes an OOM kill and so hits the prefilter without being a kernel block), and
`--blocks` kernel OOM report blocks spread evenly through the file, alternating a
cgroup v2 memcg block and a host block with Mem-Info and a task table. Every block has
its own timestamp and pids, so no two are one kill seen twice.

Fast: a pool of noise bodies is rendered once; each line is a cached per-second
prefix plus a body drawn from the pool. Writes OUT and prints one JSON line with the
counts (bytes, lines, blocks, cgroup, host).

usage: gen_syslog.py OUT SIZE_MIB BLOCKS [SEED]
"""

import json
import random
import sys

HOST = "node1"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
USERS = ["core", "ec2-user", "jenkins", "deploy", "alice", "bob", "ansible"]
NAMESPACES = ["shop", "payments", "search", "kube-system", "monitoring", "batch"]
APPS = ["checkout", "cart", "indexer", "api-gateway", "prometheus", "etl-runner"]
COMMS = ["python3", "java", "node", "ruby", "postgres", "envoy"]


class Clock:
    """Seconds since Mar 1 00:00:00 (the file spans a few weeks of one year)."""

    def __init__(self):
        self.sec = 0

    def parts(self, sec=None):
        s = self.sec if sec is None else sec
        day, rem = divmod(s, 86400)
        return 2, day + 1, rem // 3600, rem % 3600 // 60, rem % 60

    def stamp(self, sec=None):
        m, d, hh, mm, ss = self.parts(sec)
        return f"{MONTHS[m]} {d:2d} {hh:02d}:{mm:02d}:{ss:02d}"

    def klog(self, r):
        m, d, hh, mm, ss = self.parts()
        return f"{m + 1:02d}{d:02d} {hh:02d}:{mm:02d}:{ss:02d}.{r.randrange(1000000):06d}"

    def iso(self, r):
        m, d, hh, mm, ss = self.parts()
        return f"2024-{m + 1:02d}-{d:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{r.randrange(1000000000):09d}Z"


def hexs(r, n):
    return "%0*x" % (n, r.getrandbits(4 * n))


def uid(r):
    h = hexs(r, 32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def pod(r):
    return f"{r.choice(APPS)}-{hexs(r, 10)}-{hexs(r, 5)}"


def pod_pool(seed):
    """The node's pods: (namespace, name, uid, container id). A node runs tens of
    pods, so kubelet lines name the same few UIDs over and over; the OOM blocks' cgroup
    paths are theirs too, so the kills can be named from the kubelet lines."""
    r = random.Random(seed * 7919 + 17)
    return [(r.choice(NAMESPACES), pod(r), uid(r), hexs(r, 64)) for _ in range(80)]


PODS = []


def noise_body(r, c):
    """One userspace (or non-OOM kernel) message: `prog[pid]: text`."""
    k = r.randrange(30)
    ns, p, u, cid = r.choice(PODS)
    user, n, pid = r.choice(USERS), r.randrange(1, 99999), r.randrange(300, 4000000)
    ip = f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"
    if k == 0:
        return f"systemd[1]: Started Session {n} of User {user}."
    if k == 1:
        return f"systemd[1]: session-{n}.scope: Deactivated successfully."
    if k == 2:
        return f"systemd[1]: cri-containerd-{cid}.scope: Consumed {r.randrange(1, 900)}.{r.randrange(1000):03d}s CPU time."
    if k == 3:
        return f"systemd-logind[902]: New session {n} of user {user}."
    if k == 4:
        return f"systemd-logind[902]: Session {n} logged out. Waiting for processes to exit."
    if k == 5:
        return f"sshd[{pid}]: Accepted publickey for {user} from {ip} port {r.randrange(1024, 65535)} ssh2: RSA SHA256:{hexs(r, 43)}"
    if k == 6:
        return f"sshd[{pid}]: pam_unix(sshd:session): session opened for user {user}(uid={r.randrange(1000, 2000)}) by (uid=0)"
    if k == 7:
        return f"sshd[{pid}]: Connection closed by invalid user admin {ip} port {r.randrange(1024, 65535)} [preauth]"
    if k == 8:
        return f"CROND[{pid}]: (root) CMD (run-parts /etc/cron.hourly)"
    if k in (9, 10, 11):
        return f'kubelet[1344]: I{c.klog(r)}    1344 kubelet.go:2425] "SyncLoop UPDATE" source="api" pods=["{ns}/{p}"]'
    if k == 12:
        return (
            f'kubelet[1344]: E{c.klog(r)}    1344 pod_workers.go:1298] "Error syncing pod, skipping" '
            f'err="failed to \\"StartContainer\\" for \\"app\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed '
            f'container=app pod={p}_{ns}({u})\\"" pod="{ns}/{p}" podUID={u}'
        )
    if k in (13, 14):
        return (
            f'kubelet[1344]: I{c.klog(r)}    1344 prober.go:107] "Probe failed" probeType="Readiness" pod="{ns}/{p}" '
            f'podUID={u} containerName="app" probeResult=failure output="Get \\"http://{ip}:8080/healthz\\": context '
            f'deadline exceeded (Client.Timeout exceeded while awaiting headers)"'
        )
    if k == 15:
        return (
            f'kubelet[1344]: W{c.klog(r)}    1344 reflector.go:535] object-"{ns}"/"{p}-config": failed to list '
            f'*v1.ConfigMap: configmaps "{p}-config" is forbidden: User "system:node:{HOST}" cannot list resource '
            f'"configmaps" in API group "" in the namespace "{ns}": no relationship found between node \'{HOST}\' and this object'
        )
    if k == 16 and r.randrange(4) == 0:
        return (
            f'kubelet[1344]: I{c.klog(r)}    1344 kuberuntime_container.go:779] "Killing container with a grace period" '
            f'pod="{ns}/{p}" podUID="{u}" containerName="app" containerID="containerd://{cid}" gracePeriod=30'
        )
    if k == 16:
        return (
            f'kubelet[1344]: I{c.klog(r)}    1344 kuberuntime_manager.go:1029] "Message for Container of pod" '
            f'containerName="app" containerStatusID={{Type:containerd ID:{cid}}} pod="{ns}/{p}" '
            f'containerMessage="Container app failed liveness probe, will be restarted"'
        )
    if k in (17, 18):
        return f'containerd[1201]: time="{c.iso(r)}" level=info msg="StartContainer for \\"{cid}\\" returns successfully"'
    if k == 19:
        return f'containerd[1201]: time="{c.iso(r)}" level=info msg="shim disconnected" id={cid} namespace=k8s.io'
    if k == 20:
        return f'containerd[1201]: time="{c.iso(r)}" level=warning msg="cleaning up after shim disconnected" id={cid} namespace=k8s.io'
    if k == 21:
        return f"NetworkManager[812]: <info>  [{1709251200 + c.sec}.{r.randrange(10000):04d}] device (veth{hexs(r, 8)}): carrier: link connected"
    if k == 22:
        return f"kernel: IPv6: ADDRCONF(NETDEV_CHANGE): veth{hexs(r, 8)}: link becomes ready"
    if k == 23:
        return f"kernel: cni0: port {r.randrange(1, 64)}(veth{hexs(r, 8)}) entered forwarding state"
    if k == 24:
        return f"kernel: device veth{hexs(r, 8)} entered promiscuous mode"
    if k == 25:
        return f"chronyd[690]: Selected source {ip} (169.254.169.123)"
    if k == 26:
        return (
            f"audit[{pid}]: USER_END pid={pid} uid=0 auid={r.randrange(1000, 2000)} ses={n} "
            f"subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=PAM:session_close grantors=pam_selinux,pam_loginuid "
            f'acct="{user}" exe="/usr/sbin/sshd" hostname={ip} addr={ip} terminal=ssh res=success\''
        )
    if k == 27:
        return (
            f"shop-api[{pid}]: 2024-03-01 10:02:11,{r.randrange(1000):03d} INFO  [http-nio-8080-exec-{r.randrange(1, 200)}] "
            f"c.e.shop.CheckoutController - order {n} accepted as a result of payment {hexs(r, 12)}, cache hit ratio 0.{r.randrange(100):02d}"
        )
    if k == 28:
        return f"java[{pid}]: WARN  GC overhead: heap usage at {r.randrange(50, 100)}% of max, not enough memory freed by last collection"
    return f"postgres[{pid}]: [{n}-1] LOG:  checkpoint complete: wrote {r.randrange(1, 9000)} buffers ({r.randrange(100)}.{r.randrange(10)}%); 0 WAL file(s) added, 0 removed, 1 recycled"


# An application message quoting an OOM kill: hits the prefilter, is not kernel text.
FALSE_HIT = "myapp[3321]: ERROR Out of memory: Killed process 12 (worker) total-vm:1kB -- an application message, not the kernel"


def memcg_block(r, i, pfx):
    """A cgroup v2 memcg OOM block (5.14+ kernel), as one list of messages."""
    comm = COMMS[i % len(COMMS)]
    vpid = 100000 + i * 7
    _, _, pu, cid = r.choice(PODS)
    qos = r.choice(["burstable", "besteffort"])
    path = f"/kubepods.slice/kubepods-{qos}.slice/kubepods-{qos}-pod{pu.replace('-', '_')}.slice/cri-containerd-{cid}.scope"
    lim = r.choice([262144, 524288, 1048576, 2097152])
    m = [
        f"{comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj={r.choice([984, 999, 1000])}",
        f"CPU: {r.randrange(8)} PID: {vpid} Comm: {comm} Not tainted 5.14.0-284.30.1.el9_2.x86_64 #1",
        "Hardware name: Red Hat KVM/RHEL, BIOS 1.16.1-1.el9 04/01/2014",
        "Call Trace:",
        " <TASK>",
        " dump_stack_lvl+0x34/0x48",
        " dump_header+0x4a/0x201",
        " oom_kill_process.cold+0xb/0x10",
        " out_of_memory+0xed/0x2e0",
        " mem_cgroup_out_of_memory+0x13a/0x150",
        " try_charge_memcg+0x73d/0x7a0",
        " __mem_cgroup_charge+0x29/0x80",
        " do_anonymous_page+0xf1/0x580",
        " __handle_mm_fault+0x3cb/0x750",
        " handle_mm_fault+0xc5/0x2a0",
        " do_user_addr_fault+0x1bb/0x690",
        " exc_page_fault+0x62/0x150",
        " asm_exc_page_fault+0x22/0x30",
        f"RIP: 0033:0x7f{hexs(r, 10)}",
        " </TASK>",
        f"memory: usage {lim}kB, limit {lim}kB, failcnt {r.randrange(1, 90000)}",
        "swap: usage 0kB, limit 0kB, failcnt 0",
        f"Memory cgroup stats for {path}:",
    ]
    for k in ["anon", "file", "kernel", "kernel_stack", "pagetables", "sock", "shmem", "file_mapped",
              "file_dirty", "file_writeback", "anon_thp", "inactive_anon", "active_anon",
              "inactive_file", "active_file", "unevictable", "slab_reclaimable",
              "slab_unreclaimable", "slab", "workingset_refault_anon", "pgfault", "pgmajfault"]:
        m.append(f"{k} {r.randrange(0, lim * 1024)}")
    m.append("Tasks state (memory values in pages):")
    m.append("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
    for j in range(r.randrange(1, 5)):
        p = vpid - 3 - j
        m.append(f"[{p:>7}]  1001 {p:>5} {r.randrange(1000, 9000):>8} {r.randrange(100, 900):>8} {r.randrange(40000, 90000):>8}        0           984 sh")
    m.append(f"[{vpid:>7}]  1001 {vpid:>5} {lim // 3:>8} {lim // 4:>8} {r.randrange(1000000, 2000000):>8}        0           984 {comm}")
    m.append(
        f"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-{cid}.scope,mems_allowed=0,"
        f"oom_memcg={path},task_memcg={path},task={comm},pid={vpid},uid=1001"
    )
    m.append(
        f"Memory cgroup out of memory: Killed process {vpid} ({comm}) total-vm:{lim + 120884}kB, "
        f"anon-rss:{lim - 8448}kB, file-rss:{r.randrange(100, 900)}kB, shmem-rss:0kB, UID:1001 pgtables:1140kB oom_score_adj:984"
    )
    m.append(f"oom_reaper: reaped process {vpid} ({comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB")
    return [pfx + "kernel: " + x for x in m] + [
        pfx + f"systemd[1]: cri-containerd-{cid}.scope: A process of this unit has been killed by the OOM killer."
    ]


def host_block(r, i, pfx):
    """A host (global) OOM block with Mem-Info and a long task table; one userspace
    line is interleaved in the table, as syslog does."""
    comm = COMMS[i % len(COMMS)]
    vpid = 100000 + i * 7
    tpid = vpid + 1
    _, _, pu, cid = r.choice(PODS)
    m = [
        f"{comm} invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
        f"CPU: {r.randrange(8)} PID: {tpid} Comm: {comm} Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1",
        "Hardware name: Amazon EC2 m5.xlarge/, BIOS 1.0 10/16/2017",
        "Call Trace:",
        " <TASK>",
        " dump_stack_lvl+0x44/0x5c",
        " dump_header+0x4a/0x211",
        " oom_kill_process.cold+0xb/0x10",
        " out_of_memory+0x1fd/0x4c0",
        " __alloc_pages_slowpath.constprop.0+0xc52/0xdd0",
        " __alloc_pages+0x305/0x330",
        " folio_alloc+0x17/0x50",
        " __filemap_get_folio+0x155/0x340",
        " filemap_fault+0x14b/0xa00",
        " __do_fault+0x36/0x130",
        " do_fault+0x1c0/0x3f0",
        " __handle_mm_fault+0x646/0xe40",
        " handle_mm_fault+0xdb/0x2d0",
        " exc_page_fault+0x7b/0x170",
        " asm_exc_page_fault+0x22/0x30",
        f"RIP: 0033:0x7f{hexs(r, 10)}",
        " </TASK>",
        "Mem-Info:",
        f"active_anon:{r.randrange(3000000, 3900000)} inactive_anon:212044 isolated_anon:0",
        " active_file:88 inactive_file:41 isolated_file:0",
        " unevictable:0 dirty:0 writeback:0",
        " slab_reclaimable:21033 slab_unreclaimable:48210",
        " mapped:310 shmem:1533 pagetables:10422",
        " sec_pagetables:0 bounce:0",
        " kernel_misc_reclaimable:0",
        f" free:{r.randrange(30000, 40000)} free_pcp:133 free_cma:0",
        "Node 0 active_anon:14807372kB inactive_anon:848176kB active_file:352kB inactive_file:164kB unevictable:0kB "
        "isolated(anon):0kB isolated(file):0kB mapped:1240kB dirty:0kB writeback:0kB shmem:6132kB "
        "shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 2048kB writeback_tmp:0kB kernel_stack:9120kB "
        "pagetables:41688kB sec_pagetables:0kB all_unreclaimable? yes",
        "Node 0 DMA free:13312kB boost:0kB min:64kB low:80kB high:96kB reserved_highatomic:0KB active_anon:0kB "
        "inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB "
        "managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB",
        "lowmem_reserve[]: 0 2951 15955 15955 15955",
        "Node 0 DMA32 free:64504kB boost:0kB min:12488kB low:15608kB high:18728kB reserved_highatomic:0KB "
        "active_anon:2887168kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB "
        "writepending:0kB present:3129216kB managed:3063680kB mlocked:0kB bounce:0kB free_pcp:0kB",
        "lowmem_reserve[]: 0 0 13004 13004 13004",
        "Node 0 DMA: 0*4kB 0*8kB 0*16kB 0*32kB 0*64kB 0*128kB 0*256kB 0*512kB 1*1024kB (U) 2*2048kB (UM) 2*4096kB (M) = 13312kB",
        "Node 0 DMA32: 10*4kB (UM) 9*8kB (UM) 8*16kB (UME) 9*32kB (UM) 10*64kB (UME) 8*128kB (UME) 5*256kB (UM) 6*512kB (UM) 4*1024kB (UM) 3*2048kB (UM) 11*4096kB (M) = 64504kB",
        "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
        "7110 total pagecache pages",
        "0 pages in swap cache",
        "Free swap  = 0kB",
        "Total swap = 0kB",
        "4194165 pages RAM",
        "0 pages HighMem/MovableOnly",
        "118265 pages reserved",
        "0 pages hwpoisoned",
        "Tasks state (memory values in pages):",
        "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
    ]
    lines = [pfx + "kernel: " + x for x in m]
    rows = r.randrange(40, 160)
    names = ["systemd", "systemd-journal", "sshd", "kubelet", "containerd", "containerd-shim", "pause",
             "chronyd", "rsyslogd", "crond", "agetty", "dbus-daemon", "node_exporter", "fluent-bit", "nginx"]
    for j in range(rows):
        p = 400 + j * 97
        lines.append(pfx + f"kernel: [{p:>7}] {r.choice([0, 0, 0, 65535, 1001]):>5} {p:>5} {r.randrange(1000, 900000):>8} "
                     f"{r.randrange(100, 60000):>8} {r.randrange(40000, 900000):>8}        0 {r.choice([-1000, -999, -998, 0, 984, 1000]):>13} {r.choice(names)}")
        if j == rows // 2:
            lines.append(pfx + "systemd-journald[612]: Missed 57 kernel messages")
    lines.append(pfx + f"kernel: [{vpid:>7}]     0 {vpid:>5}  4124880  3198004 26365952        0             0 {comm}")
    scope = f"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{pu.replace('-', '_')}.slice/cri-containerd-{cid}.scope"
    tail = [
        f"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg={scope},task={comm},pid={vpid},uid=0",
        f"Out of memory: Killed process {vpid} ({comm}) total-vm:16499520kB, anon-rss:{r.randrange(12000000, 12900000)}kB, "
        f"file-rss:812kB, shmem-rss:0kB, UID:0 pgtables:25748kB oom_score_adj:0",
        f"oom_reaper: reaped process {vpid} ({comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
    ]
    return lines + [pfx + "kernel: " + x for x in tail]


def generate(out, size, blocks, seed=1):
    r = random.Random(seed)
    PODS[:] = pod_pool(seed)
    c = Clock()
    pool = [noise_body(r, c) + "\n" for _ in range(30000)]
    # The file spans ~3 weeks: ~1 MiB of noise per 1000 s.
    lines_per_sec = max(1, -(-size // 140 // (21 * 86400)))
    written = 0
    nlines = 0
    counts = {"cgroup": 0, "host": 0}
    next_block = 0
    step = size / max(blocks, 1)
    batch = []
    prefix_sec = -1
    pfx = ""
    with open(out, "w", encoding="ascii", newline="\n") as f:
        while written < size or next_block < blocks:
            if next_block < blocks and written >= int(step * (next_block + 0.5)):
                c.sec += 1
                pfx = f"{c.stamp()} {HOST} "
                prefix_sec = c.sec
                i = next_block
                blk = memcg_block(r, i, pfx) if i % 2 == 0 else host_block(r, i, pfx)
                counts["cgroup" if i % 2 == 0 else "host"] += 1
                text = "\n".join(blk) + "\n"
                batch.append(text)
                written += len(text)
                nlines += len(blk)
                next_block += 1
                c.sec += 1
                continue
            # Noise up to the next block (or the end), in batches of cheap lines.
            n = 4096
            bodies = r.choices(pool, k=n)
            out_lines = []
            for j, b in enumerate(bodies):
                if j % lines_per_sec == 0:
                    c.sec += 1
                if c.sec != prefix_sec:
                    prefix_sec = c.sec
                    pfx = f"{c.stamp()} {HOST} "
                out_lines.append(pfx + b)
            if r.randrange(8) == 0:
                out_lines.append(pfx + FALSE_HIT + "\n")
            chunk = "".join(out_lines)
            # Refresh a slice of the pool so the noise keeps varying.
            for _ in range(64):
                pool[r.randrange(len(pool))] = noise_body(r, c) + "\n"
            batch.append(chunk)
            written += len(chunk)
            nlines += len(out_lines)
            if len(batch) >= 16:
                f.write("".join(batch))
                batch = []
        f.write("".join(batch))
    return {"bytes": written, "lines": nlines, "blocks": blocks, **counts}


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    meta = generate(sys.argv[1], int(float(sys.argv[2]) * (1 << 20)), int(sys.argv[3]),
                    int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    print(json.dumps(meta))
