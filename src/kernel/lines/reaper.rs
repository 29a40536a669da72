//! `oom_reaper: reaped process N (comm), now anon-rss:…kB, file-rss:…kB, shmem-rss:…kB`:
//! the victim's memory freed. It ends the block of its victim (or is attached to the
//! last event when that block was already closed).

use super::{Variant, num, re};
use crate::kernel::assemble::{Ctx, Fed};
use crate::model::Reaped;
use regex::bytes::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Reaper {
    pub pid: u64,
    pub anon: Option<u64>,
    pub file: Option<u64>,
    pub shmem: Option<u64>,
}

impl Variant for Reaper {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "oom_reaper: reaped process 63214 (uwsgi), now anon-rss:0kB, file-rss:0kB, shmem-rss:92kB",
            Reaper {
                pid: 63214,
                anon: Some(0),
                file: Some(0),
                shmem: Some(92),
            },
        ),
        // 4.14: no shmem
        (
            "oom_reaper: reaped process 4254 (python3), now anon-rss:0kB, file-rss:4kB",
            Reaper {
                pid: 4254,
                anon: Some(0),
                file: Some(4),
                shmem: None,
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"^oom_reaper: reaped process (\d+) \(.*\), now anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?",
            )
        });
        if !msg.starts_with(b"oom_reaper: reaped process ") {
            return None;
        }
        let c = RE.captures(msg)?;
        Some(Reaper {
            pid: num(c.get(1))?,
            anon: num(c.get(2)),
            file: num(c.get(3)),
            shmem: num(c.get(4)),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let reaped = Reaped {
            pid: self.pid,
            anon_rss_kb: self.anon,
            file_rss_kb: self.file,
            shmem_rss_kb: self.shmem,
        };
        if let Some(b) = ctx.open()
            && b.ev.victim.pid == Some(self.pid)
        {
            b.ev.reaped = Some(reaped);
            ctx.close();
            return Fed::Block;
        }
        if let Some(e) = ctx.last_event()
            && e.victim.pid == Some(self.pid)
            && e.reaped.is_none()
        {
            e.reaped = Some(reaped);
        }
        Fed::Block
    }
}
