//! `[Memory cgroup out of memory|Out of memory]: Kill process N (comm) score S or sacrifice child`:
//! the process selected (before 4.19). The victim when the block is cut before its kill.

use super::{Scope, Text, Variant, group, has, num, re, s, scope_kind, scope_of};
use crate::kernel::assemble::{Ctx, Fed};
use regex::bytes::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct KillAnnounce {
    pub scope: Option<Scope>,
    pub pid: u64,
    pub comm: Text,
    pub score: i64,
}

impl Variant for KillAnnounce {
    const ANCHORS: &'static [&'static str] = &["Kill process"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        // cut mid-line
        (
            "Memory cgroup out of memory: Kill process 3068 (java) score 0 or sacrifice c",
            KillAnnounce {
                scope: Some(Scope::Memcg),
                pid: 3068,
                comm: s("java"),
                score: 0,
            },
        ),
        (
            "Out of memory: Kill process 27438 (R) score 31 or sacrifice child",
            KillAnnounce {
                scope: Some(Scope::Global),
                pid: 27438,
                comm: s("R"),
                score: 31,
            },
        ),
        (
            "Memory cgroup out of memory: Kill process 4142 (python3) score 68 or sacrifice child",
            KillAnnounce {
                scope: Some(Scope::Memcg),
                pid: 4142,
                comm: s("python3"),
                score: 68,
            },
        ),
        // spacing is not relied on
        (
            "Out of memory:  Kill process 27438 (R)  score 31 or sacrifice child",
            KillAnnounce {
                scope: Some(Scope::Global),
                pid: 27438,
                comm: s("R"),
                score: 31,
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"^(?:(Memory cgroup out of memory|Out of memory(?: +\(oom_kill_allocating_task\))?): *)?Kill process +(\d+) +\((.*)\) +score +(-?\d+)",
            )
        });
        if !has(msg, b"Kill process") {
            return None;
        }
        let c = RE.captures(msg)?;
        Some(KillAnnounce {
            scope: scope_of(c.get(1)),
            pid: num(c.get(2))?,
            comm: group(&c, 3),
            score: num(c.get(4))?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let b = ctx.join_or_start(|b| b.killed || b.announced.is_some());
        scope_kind(b, self.scope);
        b.announced = Some((self.pid, self.comm.into_owned(), self.score));
        Fed::Block
    }
}
