//! `memory: usage NkB, limit NkB, failcnt N`: the OOM memcg's own counter (the
//! `memory+swap:`/`swap:`/`kmem:` lines after it are [`super::memsw_counters`]).

use super::{Text, Variant, has, num, re, text};
use crate::kernel::assemble::{Block, Ctx, Evidence, Fed};
use regex::bytes::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    pub usage: Option<u64>,
    pub limit: Option<u64>,
    pub failcnt: Option<u64>,
    /// Drift: text after a complete line's `failcnt`.
    pub rest: Option<Text>,
}

/// A counter line cut short keeps the fields before the cut.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct CounterLine<'a> {
    pub name: &'a [u8],
    pub usage: Option<u64>,
    pub limit: Option<u64>,
    pub failcnt: Option<u64>,
    pub rest: Option<Text>,
}

/// `NAME: usage NkB[, limit NkB[, failcnt N]]` for the four memcg counters.
pub(super) fn counter_line(msg: &[u8]) -> Option<CounterLine<'_>> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(memory|memory\+swap|swap|kmem): *usage +(\d+)kB(?: *, *limit +(\d+)kB(?: *, *failcnt +(\d+))?)?",
        )
    });
    let head = msg.get(..24).unwrap_or(msg);
    if !has(head, b"usage ") {
        return None;
    }
    let c = RE.captures(msg)?;
    Some(CounterLine {
        name: c.get(1)?.as_bytes(),
        usage: num(c.get(2)),
        limit: num(c.get(3)),
        failcnt: num(c.get(4)),
        rest: c
            .get(4)
            .and_then(|m| msg.get(m.end()..))
            .map(<[u8]>::trim_ascii)
            .filter(|r| !r.is_empty())
            .map(text),
    })
}

/// Notes text after a complete counter line.
pub(super) fn note_rest(ctx: &mut Ctx, rest: Option<Text>) {
    if let Some(r) = rest {
        ctx.note("memcg counter", &format!("text not understood: `{r}`"));
    }
}

/// Any counter line says the OOM is a memcg's.
pub(super) fn saw_counter(b: &mut Block) {
    b.saw_counters = true;
    b.set_kind(Evidence::Body, "cgroup");
}

impl Variant for Usage {
    const ANCHORS: &'static [&'static str] = &["memory: usage"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "memory: usage 524092kB, limit 524288kB, failcnt 164324",
            Usage {
                usage: Some(524_092),
                limit: Some(524_288),
                failcnt: Some(164_324),
                rest: None,
            },
        ),
        (
            "memory: usage 262144kB, limit 262144kB, failcnt 3036",
            Usage {
                usage: Some(262_144),
                limit: Some(262_144),
                failcnt: Some(3036),
                rest: None,
            },
        ),
        // spacing is not relied on
        (
            "memory: usage 524092kB,  limit 524288kB,  failcnt 164324",
            Usage {
                usage: Some(524_092),
                limit: Some(524_288),
                failcnt: Some(164_324),
                rest: None,
            },
        ),
        // cut mid-number: the fields before the cut
        (
            "memory: usage 2097152kB, limit 20971",
            Usage {
                usage: Some(2_097_152),
                limit: None,
                failcnt: None,
                rest: None,
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let c = counter_line(msg)?;
        (c.name == b"memory").then_some(Usage {
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
        m.usage_kb = self.usage;
        m.limit_kb = self.limit;
        m.failcnt = self.failcnt;
        saw_counter(b);
        note_rest(ctx, rest);
        Fed::Block
    }
}
