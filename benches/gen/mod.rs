//! Synthetic RFC 3164 syslog for the benches: varied userspace noise with kernel OOM
//! blocks spread through it.
//!
//! `benches/gen_syslog.py` is the same generator in Python (used by
//! `benches/compare.sh` for the 1 GiB file, since no example binary is built for
//! it); keep the two in step when a shape changes. Shapes: systemd, sshd, kubelet klog
//! lines, containerd, audit, application logs and non-OOM kernel lines as noise, a rare
//! application line quoting an OOM kill (a prefilter hit that is not a kernel block),
//! and blocks alternating a cgroup v2 memcg report (5.14 kernel) and a host report with
//! Mem-Info and a 40–160 row task table (6.1 kernel, one userspace line interleaved).
//! Every block has its own timestamp and pids, so no two are one kill seen twice.

use std::fmt::Write as _;

const HOST: &str = "node1";
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const USERS: [&str; 7] = [
    "core", "ec2-user", "jenkins", "deploy", "alice", "bob", "ansible",
];
const NAMESPACES: [&str; 6] = [
    "shop",
    "payments",
    "search",
    "kube-system",
    "monitoring",
    "batch",
];
const APPS: [&str; 6] = [
    "checkout",
    "cart",
    "indexer",
    "api-gateway",
    "prometheus",
    "etl-runner",
];
const COMMS: [&str; 6] = ["python3", "java", "node", "ruby", "postgres", "envoy"];
const TASK_NAMES: [&str; 15] = [
    "systemd",
    "systemd-journal",
    "sshd",
    "kubelet",
    "containerd",
    "containerd-shim",
    "pause",
    "chronyd",
    "rsyslogd",
    "crond",
    "agetty",
    "dbus-daemon",
    "node_exporter",
    "fluent-bit",
    "nginx",
];

/// An application message quoting an OOM kill: hits the prefilter, is not kernel text.
const FALSE_HIT: &str = "myapp[3321]: ERROR Out of memory: Killed process 12 (worker) total-vm:1kB -- an application message, not the kernel";

/// SplitMix64: small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(n);
        s
    }
    fn uuid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
    fn pod(&mut self) -> String {
        let app = self.pick(&APPS);
        format!("{app}-{}-{}", self.hex(10), self.hex(5))
    }
}

/// Seconds since Mar 1 00:00:00.
struct Clock {
    sec: u64,
}

impl Clock {
    fn parts(&self) -> (usize, u64, u64, u64, u64) {
        let s = self.sec;
        (2, s / 86400 + 1, s % 86400 / 3600, s % 3600 / 60, s % 60)
    }
    fn stamp(&self) -> String {
        let (m, d, hh, mm, ss) = self.parts();
        format!("{} {d:2} {hh:02}:{mm:02}:{ss:02}", MONTHS[m])
    }
    fn klog(&self, r: &mut Rng) -> String {
        let (m, d, hh, mm, ss) = self.parts();
        format!(
            "{:02}{d:02} {hh:02}:{mm:02}:{ss:02}.{:06}",
            m + 1,
            r.below(1_000_000)
        )
    }
    fn iso(&self, r: &mut Rng) -> String {
        let (m, d, hh, mm, ss) = self.parts();
        format!(
            "2024-{:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{:09}Z",
            m + 1,
            r.below(1_000_000_000)
        )
    }
}

/// Pods a node runs: kubelet and runtime lines name the same few over and over
/// (as `gen_syslog.py` draws them).
const PODS: u64 = 80;

/// One userspace (or non-OOM kernel) message: `prog[pid]: text`.
fn noise_body(r: &mut Rng, c: &Clock) -> String {
    let k = r.below(30);
    // The pod of this line, one of [`PODS`], the same every time it is drawn.
    let mut pr = Rng::new(0x5eed_0000 + r.below(PODS));
    let (ns, p, u, cid) = (pr.pick(&NAMESPACES), pr.pod(), pr.uuid(), pr.hex(64));
    let (user, n, pid) = (r.pick(&USERS), r.range(1, 99999), r.range(300, 4_000_000));
    let ip = format!("10.{}.{}.{}", r.below(256), r.below(256), r.range(1, 255));
    match k {
        0 => format!("systemd[1]: Started Session {n} of User {user}."),
        1 => format!("systemd[1]: session-{n}.scope: Deactivated successfully."),
        2 => format!(
            "systemd[1]: cri-containerd-{cid}.scope: Consumed {}.{:03}s CPU time.",
            r.range(1, 900),
            r.below(1000)
        ),
        3 => format!("systemd-logind[902]: New session {n} of user {user}."),
        4 => format!("systemd-logind[902]: Session {n} logged out. Waiting for processes to exit."),
        5 => format!(
            "sshd[{pid}]: Accepted publickey for {user} from {ip} port {} ssh2: RSA SHA256:{}",
            r.range(1024, 65535),
            r.hex(43)
        ),
        6 => format!(
            "sshd[{pid}]: pam_unix(sshd:session): session opened for user {user}(uid={}) by (uid=0)",
            r.range(1000, 2000)
        ),
        7 => format!(
            "sshd[{pid}]: Connection closed by invalid user admin {ip} port {} [preauth]",
            r.range(1024, 65535)
        ),
        8 => format!("CROND[{pid}]: (root) CMD (run-parts /etc/cron.hourly)"),
        9..=11 => format!(
            "kubelet[1344]: I{}    1344 kubelet.go:2425] \"SyncLoop UPDATE\" source=\"api\" pods=[\"{ns}/{p}\"]",
            c.klog(r)
        ),
        12 => format!(
            "kubelet[1344]: E{}    1344 pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"app\\\" with CrashLoopBackOff: \\\"back-off 5m0s restarting failed container=app pod={p}_{ns}({u})\\\"\" pod=\"{ns}/{p}\" podUID={u}",
            c.klog(r)
        ),
        13 | 14 => format!(
            "kubelet[1344]: I{}    1344 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"{ns}/{p}\" podUID={u} containerName=\"app\" probeResult=failure output=\"Get \\\"http://{ip}:8080/healthz\\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)\"",
            c.klog(r)
        ),
        15 => format!(
            "kubelet[1344]: W{}    1344 reflector.go:535] object-\"{ns}\"/\"{p}-config\": failed to list *v1.ConfigMap: configmaps \"{p}-config\" is forbidden: User \"system:node:{HOST}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{ns}\": no relationship found between node '{HOST}' and this object",
            c.klog(r)
        ),
        16 => format!(
            "kubelet[1344]: I{}    1344 kuberuntime_manager.go:1029] \"Message for Container of pod\" containerName=\"app\" containerStatusID={{Type:containerd ID:{cid}}} pod=\"{ns}/{p}\" containerMessage=\"Container app failed liveness probe, will be restarted\"",
            c.klog(r)
        ),
        17 | 18 => format!(
            "containerd[1201]: time=\"{}\" level=info msg=\"StartContainer for \\\"{cid}\\\" returns successfully\"",
            c.iso(r)
        ),
        19 => format!(
            "containerd[1201]: time=\"{}\" level=info msg=\"shim disconnected\" id={cid} namespace=k8s.io",
            c.iso(r)
        ),
        20 => format!(
            "containerd[1201]: time=\"{}\" level=warning msg=\"cleaning up after shim disconnected\" id={cid} namespace=k8s.io",
            c.iso(r)
        ),
        21 => format!(
            "NetworkManager[812]: <info>  [{}.{:04}] device (veth{}): carrier: link connected",
            1_709_251_200 + c.sec,
            r.below(10000),
            r.hex(8)
        ),
        22 => format!(
            "kernel: IPv6: ADDRCONF(NETDEV_CHANGE): veth{}: link becomes ready",
            r.hex(8)
        ),
        23 => format!(
            "kernel: cni0: port {}(veth{}) entered forwarding state",
            r.range(1, 64),
            r.hex(8)
        ),
        24 => format!("kernel: device veth{} entered promiscuous mode", r.hex(8)),
        25 => format!("chronyd[690]: Selected source {ip} (169.254.169.123)"),
        26 => format!(
            "audit[{pid}]: USER_END pid={pid} uid=0 auid={} ses={n} subj=system_u:system_r:sshd_t:s0-s0:c0.c1023 msg='op=PAM:session_close grantors=pam_selinux,pam_loginuid acct=\"{user}\" exe=\"/usr/sbin/sshd\" hostname={ip} addr={ip} terminal=ssh res=success'",
            r.range(1000, 2000)
        ),
        27 => format!(
            "shop-api[{pid}]: 2024-03-01 10:02:11,{:03} INFO  [http-nio-8080-exec-{}] c.e.shop.CheckoutController - order {n} accepted as a result of payment {}, cache hit ratio 0.{:02}",
            r.below(1000),
            r.range(1, 200),
            r.hex(12),
            r.below(100)
        ),
        28 => format!(
            "java[{pid}]: WARN  GC overhead: heap usage at {}% of max, not enough memory freed by last collection",
            r.range(50, 100)
        ),
        _ => format!(
            "postgres[{pid}]: [{n}-1] LOG:  checkpoint complete: wrote {} buffers ({}.{}%); 0 WAL file(s) added, 0 removed, 1 recycled",
            r.range(1, 9000),
            r.below(100),
            r.below(10)
        ),
    }
}

fn push_kernel(out: &mut String, pfx: &str, msgs: &[String]) {
    for m in msgs {
        let _ = writeln!(out, "{pfx}kernel: {m}");
    }
}

/// A cgroup v2 memcg OOM block (5.14 kernel).
fn memcg_block(r: &mut Rng, i: u64, pfx: &str, out: &mut String) {
    let comm = COMMS[i as usize % COMMS.len()];
    let vpid = 100_000 + i * 7;
    let pu = r.uuid().replace('-', "_");
    let cid = r.hex(64);
    let qos = r.pick(&["burstable", "besteffort"]);
    let path = format!(
        "/kubepods.slice/kubepods-{qos}.slice/kubepods-{qos}-pod{pu}.slice/cri-containerd-{cid}.scope"
    );
    let lim = [262_144u64, 524_288, 1_048_576, 2_097_152][r.below(4) as usize];
    let mut m: Vec<String> = vec![
        format!(
            "{comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj={}",
            [984, 999, 1000][r.below(3) as usize]
        ),
        format!(
            "CPU: {} PID: {vpid} Comm: {comm} Not tainted 5.14.0-284.30.1.el9_2.x86_64 #1",
            r.below(8)
        ),
    ];
    for s in [
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
    ] {
        m.push(s.to_string());
    }
    m.push(format!("RIP: 0033:0x7f{}", r.hex(10)));
    m.push(" </TASK>".into());
    m.push(format!(
        "memory: usage {lim}kB, limit {lim}kB, failcnt {}",
        r.range(1, 90000)
    ));
    m.push("swap: usage 0kB, limit 0kB, failcnt 0".into());
    m.push(format!("Memory cgroup stats for {path}:"));
    for k in [
        "anon",
        "file",
        "kernel",
        "kernel_stack",
        "pagetables",
        "sock",
        "shmem",
        "file_mapped",
        "file_dirty",
        "file_writeback",
        "anon_thp",
        "inactive_anon",
        "active_anon",
        "inactive_file",
        "active_file",
        "unevictable",
        "slab_reclaimable",
        "slab_unreclaimable",
        "slab",
        "workingset_refault_anon",
        "pgfault",
        "pgmajfault",
    ] {
        m.push(format!("{k} {}", r.below(lim * 1024)));
    }
    m.push("Tasks state (memory values in pages):".into());
    m.push(
        "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name".into(),
    );
    for j in 0..r.range(1, 5) {
        let p = vpid - 3 - j;
        m.push(format!(
            "[{p:>7}]  1001 {p:>5} {:>8} {:>8} {:>8}        0           984 sh",
            r.range(1000, 9000),
            r.range(100, 900),
            r.range(40000, 90000)
        ));
    }
    m.push(format!(
        "[{vpid:>7}]  1001 {vpid:>5} {:>8} {:>8} {:>8}        0           984 {comm}",
        lim / 3,
        lim / 4,
        r.range(1_000_000, 2_000_000)
    ));
    m.push(format!(
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-{cid}.scope,mems_allowed=0,oom_memcg={path},task_memcg={path},task={comm},pid={vpid},uid=1001"
    ));
    m.push(format!(
        "Memory cgroup out of memory: Killed process {vpid} ({comm}) total-vm:{}kB, anon-rss:{}kB, file-rss:{}kB, shmem-rss:0kB, UID:1001 pgtables:1140kB oom_score_adj:984",
        lim + 120_884,
        lim - 8448,
        r.range(100, 900)
    ));
    m.push(format!(
        "oom_reaper: reaped process {vpid} ({comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"
    ));
    push_kernel(out, pfx, &m);
    let _ = writeln!(
        out,
        "{pfx}systemd[1]: cri-containerd-{cid}.scope: A process of this unit has been killed by the OOM killer."
    );
}

/// A host (global) OOM block with Mem-Info and a long task table (6.1 kernel); one
/// userspace line is interleaved in the table, as syslog does.
fn host_block(r: &mut Rng, i: u64, pfx: &str, out: &mut String) {
    let comm = COMMS[i as usize % COMMS.len()];
    let vpid = 100_000 + i * 7;
    let tpid = vpid + 1;
    let pu = r.uuid().replace('-', "_");
    let cid = r.hex(64);
    let mut m: Vec<String> = vec![
        format!(
            "{comm} invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"
        ),
        format!(
            "CPU: {} PID: {tpid} Comm: {comm} Not tainted 6.1.0-18-amd64 #1 Debian 6.1.76-1",
            r.below(8)
        ),
    ];
    for s in [
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
    ] {
        m.push(s.to_string());
    }
    m.push(format!("RIP: 0033:0x7f{}", r.hex(10)));
    m.push(" </TASK>".into());
    m.push("Mem-Info:".into());
    m.push(format!(
        "active_anon:{} inactive_anon:212044 isolated_anon:0",
        r.range(3_000_000, 3_900_000)
    ));
    for s in [
        " active_file:88 inactive_file:41 isolated_file:0",
        " unevictable:0 dirty:0 writeback:0",
        " slab_reclaimable:21033 slab_unreclaimable:48210",
        " mapped:310 shmem:1533 pagetables:10422",
        " sec_pagetables:0 bounce:0",
        " kernel_misc_reclaimable:0",
    ] {
        m.push(s.to_string());
    }
    m.push(format!(
        " free:{} free_pcp:133 free_cma:0",
        r.range(30000, 40000)
    ));
    for s in [
        "Node 0 active_anon:14807372kB inactive_anon:848176kB active_file:352kB inactive_file:164kB unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:1240kB dirty:0kB writeback:0kB shmem:6132kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 2048kB writeback_tmp:0kB kernel_stack:9120kB pagetables:41688kB sec_pagetables:0kB all_unreclaimable? yes",
        "Node 0 DMA free:13312kB boost:0kB min:64kB low:80kB high:96kB reserved_highatomic:0KB active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:15992kB managed:15360kB mlocked:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB",
        "lowmem_reserve[]: 0 2951 15955 15955 15955",
        "Node 0 DMA32 free:64504kB boost:0kB min:12488kB low:15608kB high:18728kB reserved_highatomic:0KB active_anon:2887168kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB present:3129216kB managed:3063680kB mlocked:0kB bounce:0kB free_pcp:0kB",
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
    ] {
        m.push(s.to_string());
    }
    push_kernel(out, pfx, &m);
    let rows = r.range(40, 160);
    for j in 0..rows {
        let p = 400 + j * 97;
        let uid = [0, 0, 0, 65535, 1001][r.below(5) as usize];
        let adj = [-1000, -999, -998, 0, 984, 1000][r.below(6) as usize];
        let _ = writeln!(
            out,
            "{pfx}kernel: [{p:>7}] {uid:>5} {p:>5} {:>8} {:>8} {:>8}        0 {adj:>13} {}",
            r.range(1000, 900_000),
            r.range(100, 60000),
            r.range(40000, 900_000),
            r.pick(&TASK_NAMES)
        );
        if j == rows / 2 {
            let _ = writeln!(out, "{pfx}systemd-journald[612]: Missed 57 kernel messages");
        }
    }
    let scope = format!(
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{pu}.slice/cri-containerd-{cid}.scope"
    );
    let tail = [
        format!(
            "[{vpid:>7}]     0 {vpid:>5}  4124880  3198004 26365952        0             0 {comm}"
        ),
        format!(
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg={scope},task={comm},pid={vpid},uid=0"
        ),
        format!(
            "Out of memory: Killed process {vpid} ({comm}) total-vm:16499520kB, anon-rss:{}kB, file-rss:812kB, shmem-rss:0kB, UID:0 pgtables:25748kB oom_score_adj:0",
            r.range(12_000_000, 12_900_000)
        ),
        format!(
            "oom_reaper: reaped process {vpid} ({comm}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"
        ),
    ];
    push_kernel(out, pfx, &tail);
}

/// A generated log.
pub struct Syslog {
    /// The whole log.
    pub text: Vec<u8>,
    /// The OOM blocks alone, concatenated (as they appear in `text`).
    pub blocks_text: Vec<u8>,
    pub blocks: usize,
    pub cgroup: usize,
    pub host: usize,
}

/// About `size` bytes of syslog with `blocks` OOM blocks spread evenly through it
/// (even-numbered blocks are memcg blocks, odd ones host blocks).
pub fn syslog(size: usize, blocks: usize, seed: u64) -> Syslog {
    let mut r = Rng::new(seed);
    let mut c = Clock { sec: 0 };
    let mut out = String::with_capacity(size + (1 << 20));
    let mut blocks_text = String::new();
    let (mut cgroup, mut host) = (0, 0);
    // ~140-byte lines over ~3 weeks.
    let per_sec = (size / 140).div_ceil(21 * 86400).max(1);
    let step = size as f64 / blocks.max(1) as f64;
    let mut next_block = 0usize;
    let mut nth = 0usize;
    let mut pfx = format!("{} {HOST} ", c.stamp());
    while out.len() < size || next_block < blocks {
        if next_block < blocks && out.len() as f64 >= step * (next_block as f64 + 0.5) {
            c.sec += 1;
            pfx = format!("{} {HOST} ", c.stamp());
            let start = out.len();
            let i = next_block as u64;
            if i.is_multiple_of(2) {
                memcg_block(&mut r, i, &pfx, &mut out);
                cgroup += 1;
            } else {
                host_block(&mut r, i, &pfx, &mut out);
                host += 1;
            }
            blocks_text.push_str(&out[start..]);
            next_block += 1;
            c.sec += 1;
            continue;
        }
        if nth.is_multiple_of(per_sec) {
            c.sec += 1;
            pfx = format!("{} {HOST} ", c.stamp());
        }
        nth += 1;
        let body = if r.below(30_000) == 0 {
            FALSE_HIT.to_string()
        } else {
            noise_body(&mut r, &c)
        };
        let _ = writeln!(out, "{pfx}{body}");
    }
    Syslog {
        text: out.into_bytes(),
        blocks_text: blocks_text.into_bytes(),
        blocks,
        cgroup,
        host,
    }
}

/// About `size` bytes of noise lines only (no OOM block, no prefilter hit).
pub fn noise(size: usize, seed: u64) -> Vec<u8> {
    let mut r = Rng::new(seed);
    let mut c = Clock { sec: 0 };
    let mut out = String::with_capacity(size + 4096);
    while out.len() < size {
        c.sec += 1;
        let _ = writeln!(out, "{} {HOST} {}", c.stamp(), noise_body(&mut r, &c));
    }
    out.into_bytes()
}
