//! `memory+swap:`/`swap:`/`kmem:` `usage NkB, limit NkB, failcnt N`: the memcg's other
//! counters, after its `memory:` line ([`super::usage`], which shares the parser).

use super::usage::{counter_line, note_rest, saw_counter};
use super::{Text, Variant, s};
use crate::kernel::assemble::{Ctx, Fed};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// `memory+swap:` (v1 memsw)
    MemSwap,
    /// `swap:` (v2)
    Swap,
    /// `kmem:` (v1)
    Kmem,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemswCounter {
    pub which: Counter,
    pub usage: Option<u64>,
    pub limit: Option<u64>,
    pub failcnt: Option<u64>,
    /// Drift: text after a complete line's `failcnt`.
    pub rest: Option<Text>,
}

impl Variant for MemswCounter {
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "memory+swap: usage 1048576kB, limit 2097152kB, failcnt 0",
            MemswCounter {
                which: Counter::MemSwap,
                usage: Some(1_048_576),
                limit: Some(2_097_152),
                failcnt: Some(0),
                rest: None,
            },
        ),
        // cut mid-number
        (
            "kmem: usage 0kB, limit 900719925474",
            MemswCounter {
                which: Counter::Kmem,
                usage: Some(0),
                limit: None,
                failcnt: None,
                rest: None,
            },
        ),
        (
            "swap: usage 0kB, limit 9007199254740988kB, failcnt 0",
            MemswCounter {
                which: Counter::Swap,
                usage: Some(0),
                limit: Some(9_007_199_254_740_988),
                failcnt: Some(0),
                rest: None,
            },
        ),
        // a field this version does not know after failcnt: noted
        (
            "swap: usage 0kB, limit 0kB, failcnt 0, peak 0kB",
            MemswCounter {
                which: Counter::Swap,
                usage: Some(0),
                limit: Some(0),
                failcnt: Some(0),
                rest: Some(s(", peak 0kB")),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let c = counter_line(msg)?;
        let which = match c.name {
            b"memory+swap" => Counter::MemSwap,
            b"swap" => Counter::Swap,
            b"kmem" => Counter::Kmem,
            _ => return None,
        };
        Some(MemswCounter {
            which,
            usage: c.usage,
            limit: c.limit,
            failcnt: c.failcnt,
            rest: c.rest,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let rest = self.rest.clone();
        let b = ctx.body();
        let m = &mut b.ev.memory;
        match self.which {
            Counter::MemSwap => {
                m.memsw_usage_kb = self.usage;
                m.memsw_limit_kb = self.limit;
            }
            Counter::Swap => {
                m.swap_usage_kb = self.usage;
                m.swap_limit_kb = self.limit;
            }
            Counter::Kmem => {
                m.kmem_usage_kb = self.usage;
                m.kmem_limit_kb = self.limit;
            }
        }
        saw_counter(b);
        note_rest(ctx, rest);
        Fed::Block
    }
}
