//! A generated syslog with many kernel OOM kills, for the HTML report's size test
//! (`tests/html.rs`) and its bench (`benches/report.rs`).
//!
//! RFC 3339 syslog lines (zoned times) on three nodes; 40 burstable pods whose
//! container is killed again and again at its limit (cgroup v2 report: counters, memcg
//! stats, a task table), and every tenth kill a host OOM with Mem-Info and a task
//! table. Deterministic: the same `n` gives the same bytes.

use std::fmt::Write as _;

const NODES: [&str; 3] = ["gen-node-a", "gen-node-b", "gen-node-c"];
const PODS: usize = 40;

/// `2024-03-05T00:00:00+00:00` plus `secs`.
fn stamp(secs: u64) -> String {
    let (d, s) = (secs / 86_400, secs % 86_400);
    format!(
        "2024-03-{:02}T{:02}:{:02}:{:02}+00:00",
        5 + d,
        s / 3600,
        (s % 3600) / 60,
        s % 60,
    )
}

fn pod_uid(p: usize) -> String {
    format!("{p:08x}-1111-4222-8333-{:012x}", p * 7919)
}

fn cgroup_kill(out: &mut String, node: &str, t: &str, k: usize) {
    let p = k % PODS;
    let uid = pod_uid(p).replace('-', "_");
    let cid = format!("{:012x}{:052x}", 0xc0ffee000000_u64 + p as u64, p * 104_729);
    let cg = format!(
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{uid}.slice/cri-containerd-{cid}.scope"
    );
    let limit_kb = 262_144 * (1 + p % 4) as u64;
    let pid = 10_000 + k;
    let anon = limit_kb * 1024 * 9 / 10;
    let file = limit_kb * 1024 / 20;
    let kernel = limit_kb * 1024 - anon - file;
    let mut line = |msg: &str| {
        let _ = writeln!(out, "{t} {node} kernel: {msg}");
    };
    line("worker invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=968");
    line(&format!(
        "CPU: 1 PID: {pid} Comm: worker Not tainted 6.1.0-18-amd64 #1"
    ));
    line(&format!(
        "memory: usage {limit_kb}kB, limit {limit_kb}kB, failcnt {k}"
    ));
    line("swap: usage 0kB, limit 0kB, failcnt 0");
    line(&format!("Memory cgroup stats for {cg}:"));
    line(&format!("anon {anon}"));
    line(&format!("file {file}"));
    line(&format!("kernel {kernel}"));
    line("shmem 0");
    line("Tasks state (memory values in pages):");
    line("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
    line(&format!(
        "[{:>7}]  1000 {:>5}     1101      212    45056        0           968 sh",
        pid - 1,
        pid - 1
    ));
    line(&format!(
        "[{pid:>7}]  1000 {pid:>5}   {:>6}   {:>6}   700416        0           968 worker",
        limit_kb / 2,
        anon / 4096
    ));
    line(&format!(
        "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg={cg},task_memcg={cg},task=worker,pid={pid},uid=1000"
    ));
    line(&format!(
        "Memory cgroup out of memory: Killed process {pid} (worker) total-vm:{}kB, anon-rss:{}kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:684kB oom_score_adj:968",
        limit_kb * 2,
        anon / 1024
    ));
}

fn host_kill(out: &mut String, node: &str, t: &str, k: usize) {
    let pid = 10_000 + k;
    let mut line = |msg: &str| {
        let _ = writeln!(out, "{t} {node} kernel: {msg}");
    };
    line(
        "java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0",
    );
    line(&format!(
        "CPU: 0 PID: {pid} Comm: java Not tainted 6.1.0-18-amd64 #1"
    ));
    line("Mem-Info:");
    line("active_anon:3701843 inactive_anon:212044 isolated_anon:0");
    line(" active_file:88 inactive_file:41 isolated_file:0");
    line(" unevictable:0 dirty:0 writeback:0");
    line(" slab_reclaimable:21033 slab_unreclaimable:48210");
    line(" mapped:310 shmem:1533 pagetables:10422 bounce:0");
    line(" free:33710 free_pcp:133 free_cma:0");
    line("4194165 pages RAM");
    line("118265 pages reserved");
    line("Tasks state (memory values in pages):");
    line("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
    for (i, name) in [
        "systemd",
        "sshd",
        "kubelet",
        "containerd",
        "chronyd",
        "rsyslogd",
        "crond",
    ]
    .iter()
    .enumerate()
    {
        line(&format!(
            "[{:>7}]     0 {:>5}    11530   {:>6}   110592        0             0 {name}",
            100 + i,
            100 + i,
            400 + i * 977
        ));
    }
    line(&format!(
        "[{pid:>7}]     0 {pid:>5}  4124880  3198004 26365952        0             0 java"
    ));
    line(&format!(
        "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/java.service,task=java,pid={pid},uid=0"
    ));
    line(&format!(
        "Out of memory: Killed process {pid} (java) total-vm:16499520kB, anon-rss:12791204kB, file-rss:812kB, shmem-rss:0kB, UID:0 pgtables:25748kB oom_score_adj:0"
    ));
}

/// A syslog with `n` OOM kills, 37 s apart.
pub fn syslog(n: usize) -> String {
    let mut out = String::with_capacity(n * 2048);
    for k in 0..n {
        // A pod stays on its node; host OOMs rotate over the nodes.
        let node = NODES[(k % PODS) % NODES.len()];
        let t = stamp(37 * k as u64);
        let _ = writeln!(out, "{t} {node} systemd[1]: Started session {k}.");
        if k % 10 == 9 {
            host_kill(&mut out, node, &t, k);
        } else {
            cgroup_kill(&mut out, node, &t, k);
        }
    }
    out
}
