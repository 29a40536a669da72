//! `[…: ]Killed process N (comm) total-vm:… anon-rss:… file-rss:…[, shmem-rss:…][, UID:… pgtables:… oom_score_adj:…]`:
//! the victim's kill. It completes the block (a second one starts the next event).

use super::{Scope, Text, Variant, group, has, num, re, s, scope_kind, scope_of};
use crate::kernel::assemble::{Block, Ctx, Fed};
use regex::bytes::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Killed {
    pub scope: Option<Scope>,
    pub pid: u64,
    pub comm: Text,
    pub uid: Option<u64>,
    pub total_vm_kb: Option<u64>,
    pub anon_rss_kb: Option<u64>,
    pub file_rss_kb: Option<u64>,
    pub shmem_rss_kb: Option<u64>,
    pub pgtables_kb: Option<u64>,
    pub oom_score_adj: Option<i64>,
}

impl Variant for Killed {
    const ANCHORS: &'static [&'static str] = &["Killed process"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "Memory cgroup out of memory: Killed process 63214 (uwsgi) total-vm:3149468kB, anon-rss:164992kB, file-rss:52176kB, shmem-rss:92kB, UID:0 pgtables:1372kB oom_score_adj:986",
            Killed {
                scope: Some(Scope::Memcg),
                pid: 63214,
                comm: s("uwsgi"),
                uid: Some(0),
                total_vm_kb: Some(3_149_468),
                anon_rss_kb: Some(164_992),
                file_rss_kb: Some(52176),
                shmem_rss_kb: Some(92),
                pgtables_kb: Some(1372),
                oom_score_adj: Some(986),
            },
        ),
        (
            "Killed process 1811 (stress-ng) total-vm:43240kB, anon-rss:0kB, file-rss:64kB, shmem-rss:0kB, UID:1000 pgtables:104kB oom_score_adj:1000",
            Killed {
                scope: None,
                pid: 1811,
                comm: s("stress-ng"),
                uid: Some(1000),
                total_vm_kb: Some(43240),
                anon_rss_kb: Some(0),
                file_rss_kb: Some(64),
                shmem_rss_kb: Some(0),
                pgtables_kb: Some(104),
                oom_score_adj: Some(1000),
            },
        ),
        // RHEL7: no shmem, no prefix
        (
            "Killed process 28438 (java) total-vm:20255636kB, anon-rss:466160kB, file-rss:13684kB",
            Killed {
                scope: None,
                pid: 28438,
                comm: s("java"),
                uid: None,
                total_vm_kb: Some(20_255_636),
                anon_rss_kb: Some(466_160),
                file_rss_kb: Some(13684),
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
            },
        ),
        // 2.6.32: UID before the comm
        (
            "Killed process 3679, UID 0, (ssdb-server) total-vm:2061740kB, anon-rss:1375068kB, file-rss:1116kB",
            Killed {
                scope: None,
                pid: 3679,
                comm: s("ssdb-server"),
                uid: Some(0),
                total_vm_kb: Some(2_061_740),
                anon_rss_kb: Some(1_375_068),
                file_rss_kb: Some(1116),
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
            },
        ),
        // comm with parentheses and spaces
        (
            "Out of memory: Killed process 7 (my (odd) proc) total-vm:1kB, anon-rss:2kB, file-rss:3kB, shmem-rss:4kB",
            Killed {
                scope: Some(Scope::Global),
                pid: 7,
                comm: s("my (odd) proc"),
                uid: None,
                total_vm_kb: Some(1),
                anon_rss_kb: Some(2),
                file_rss_kb: Some(3),
                shmem_rss_kb: Some(4),
                pgtables_kb: None,
                oom_score_adj: None,
            },
        ),
        (
            "Out of memory (oom_kill_allocating_task): Killed process 9 (a) total-vm:1kB, anon-rss:2kB, file-rss:3kB",
            Killed {
                scope: Some(Scope::Global),
                pid: 9,
                comm: s("a"),
                uid: None,
                total_vm_kb: Some(1),
                anon_rss_kb: Some(2),
                file_rss_kb: Some(3),
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
            },
        ),
        // cut after the comm
        (
            "Killed process 14970 (java)",
            Killed {
                scope: None,
                pid: 14970,
                comm: s("java"),
                uid: None,
                total_vm_kb: None,
                anon_rss_kb: None,
                file_rss_kb: None,
                shmem_rss_kb: None,
                pgtables_kb: None,
                oom_score_adj: None,
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"^(?:(Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?): )?Killed process (\d+)(?:, UID (\d+),)? \((.*)\)(?: total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?(?:, UID:(\d+) pgtables:(\d+)kB oom_score_adj:(-?\d+))?)?",
            )
        });
        if !has(msg, b"Killed process ") {
            return None;
        }
        let c = RE.captures(msg)?;
        Some(Killed {
            scope: scope_of(c.get(1)),
            pid: num(c.get(2))?,
            uid: num(c.get(3)).or_else(|| num(c.get(9))),
            comm: group(&c, 4),
            total_vm_kb: num(c.get(5)),
            anon_rss_kb: num(c.get(6)),
            file_rss_kb: num(c.get(7)),
            shmem_rss_kb: num(c.get(8)),
            pgtables_kb: num(c.get(10)),
            oom_score_adj: num(c.get(11)),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let b = ctx.join_or_start(|b| b.killed);
        kill(b, self);
        Fed::Block
    }
}

fn kill(b: &mut Block, k: Killed) {
    scope_kind(b, k.scope);
    b.killed = true;
    if let Some((pid, comm, score)) = &b.announced {
        b.ev.victim.score = Some(*score);
        if *pid != k.pid {
            b.ev.warnings.push(format!(
                "the kernel selected {pid} ({comm}) and killed {} ({}) instead (a child or the thread group leader)",
                k.pid, k.comm
            ));
        }
    }
    let v = &mut b.ev.victim;
    if v.pid.is_some_and(|p| p != k.pid) {
        b.ev.warnings.push(format!(
            "the oom-kill summary names pid {} but the kill line names {}; the kill line is kept",
            v.pid.unwrap_or(0),
            k.pid
        ));
    }
    v.pid = Some(k.pid);
    v.comm = Some(k.comm.into_owned());
    v.uid = k.uid.or(v.uid);
    v.total_vm_kb = k.total_vm_kb;
    v.anon_rss_kb = k.anon_rss_kb;
    v.file_rss_kb = k.file_rss_kb;
    v.shmem_rss_kb = k.shmem_rss_kb;
    v.pgtables_kb = k.pgtables_kb;
    v.oom_score_adj = k.oom_score_adj;
}
