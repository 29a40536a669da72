//! `X invoked oom-killer: gfp_mask=…, [nodemask=…,] order=…, [oom_adj=…,] oom_score_adj=…`:
//! the first line of an OOM report; it starts a block.

use super::{Text, Variant, group, has, num, re, s, text};
use crate::kernel::assemble::{Ctx, Fed};
use regex::bytes::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub comm: Text,
    pub gfp_mask: Text,
    /// The flag names printed in parentheses after the mask (4.8+), as printed.
    pub gfp_flags: Option<Text>,
    pub nodemask: Option<Text>,
    pub order: i64,
    pub oom_score_adj: i64,
    /// Drift: text after the last field.
    pub rest: Option<Text>,
}

impl Variant for Header {
    const ANCHORS: &'static [&'static str] = &["invoked oom-killer"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "cardano-db-sy:w invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
            Header {
                comm: s("cardano-db-sy:w"),
                gfp_mask: s("0x1100cca"),
                gfp_flags: Some(s("GFP_HIGHUSER_MOVABLE")),
                nodemask: None,
                order: 0,
                oom_score_adj: 0,
                rest: None,
            },
        ),
        // 4.19 with nodemask
        (
            "thrash invoked oom-killer: gfp_mask=0x6000c0(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=0",
            Header {
                comm: s("thrash"),
                gfp_mask: s("0x6000c0"),
                gfp_flags: Some(s("GFP_KERNEL")),
                nodemask: Some(s("(null)")),
                order: 0,
                oom_score_adj: 0,
                rest: None,
            },
        ),
        // 2.6.32 with oom_adj
        (
            "sshd invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=-17, oom_score_adj=-1000",
            Header {
                comm: s("sshd"),
                gfp_mask: s("0x201da"),
                gfp_flags: None,
                nodemask: None,
                order: 0,
                oom_score_adj: -1000,
                rest: None,
            },
        ),
        // comm with a space
        (
            "JIT Compilation invoked oom-killer: gfp_mask=0x24000c0, order=0, oom_score_adj=952",
            Header {
                comm: s("JIT Compilation"),
                gfp_mask: s("0x24000c0"),
                gfp_flags: None,
                nodemask: None,
                order: 0,
                oom_score_adj: 952,
                rest: None,
            },
        ),
        // sysrq-f: order=-1
        (
            "kworker/0:0 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, oom_score_adj=0",
            Header {
                comm: s("kworker/0:0"),
                gfp_mask: s("0xcc0"),
                gfp_flags: Some(s("GFP_KERNEL")),
                nodemask: None,
                order: -1,
                oom_score_adj: 0,
                rest: None,
            },
        ),
        // RHEL7
        (
            "java invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=-998",
            Header {
                comm: s("java"),
                gfp_mask: s("0xd0"),
                gfp_flags: None,
                nodemask: None,
                order: 0,
                oom_score_adj: -998,
                rest: None,
            },
        ),
        // 4.x with a numeric nodemask
        (
            "yum invoked oom-killer: gfp_mask=0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD), nodemask=0, order=0, oom_score_adj=0",
            Header {
                comm: s("yum"),
                gfp_mask: s("0x24201ca"),
                gfp_flags: Some(s("GFP_HIGHUSER_MOVABLE|__GFP_COLD")),
                nodemask: Some(s("0")),
                order: 0,
                oom_score_adj: 0,
                rest: None,
            },
        ),
        // 4.13-4.18: two spaces before `order=`
        (
            "stress invoked oom-killer: gfp_mask=0x14280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=(null),  order=0, oom_score_adj=0",
            Header {
                comm: s("stress"),
                gfp_mask: s("0x14280ca"),
                gfp_flags: Some(s("GFP_HIGHUSER_MOVABLE|__GFP_ZERO")),
                nodemask: Some(s("(null)")),
                order: 0,
                oom_score_adj: 0,
                rest: None,
            },
        ),
        // text after the last field: noted
        (
            "python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0, oom_reason=2",
            Header {
                comm: s("python3"),
                gfp_mask: s("0xcc0"),
                gfp_flags: Some(s("GFP_KERNEL")),
                nodemask: None,
                order: 0,
                oom_score_adj: 0,
                rest: Some(s(", oom_reason=2")),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        static RE: LazyLock<Regex> = LazyLock::new(|| {
            re(
                r"^(.+?) +invoked oom-killer: *gfp_mask=(0x[0-9a-fA-F]+)(?:\(([^)]*)\))?, *(?:nodemask=([^,]*?) *, *)?order=(-?\d+) *, *(?:oom_adj=-?\d+ *, *)?oom_score_adj=(-?\d+)(.*)$",
            )
        });
        if !has(msg, b" invoked oom-killer:") {
            return None;
        }
        let c = RE.captures(msg)?;
        Some(Header {
            comm: group(&c, 1),
            gfp_mask: group(&c, 2),
            gfp_flags: c
                .get(3)
                .filter(|m| !m.as_bytes().is_empty())
                .map(|m| text(m.as_bytes())),
            nodemask: c.get(4).map(|m| text(m.as_bytes())),
            order: num(c.get(5))?,
            oom_score_adj: num(c.get(6))?,
            rest: c
                .get(7)
                .map(|m| m.as_bytes().trim_ascii())
                .filter(|r| !r.is_empty())
                .map(text),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let rest = self.rest.clone();
        let b = ctx.start();
        b.has_header = true;
        let t = &mut b.ev.trigger;
        t.comm = Some(self.comm.into());
        t.gfp_mask = Some(self.gfp_mask.into());
        t.gfp_flags = self.gfp_flags.map(Into::into);
        t.nodemask = self.nodemask.map(Text::into_owned);
        t.order = Some(self.order);
        t.oom_score_adj = Some(self.oom_score_adj);
        t.manual = self.order == -1;
        if let Some(r) = rest {
            ctx.note("invoked oom-killer", &format!("text not understood: `{r}`"));
        }
        Fed::Block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shell_line_mentioning_the_phrase_is_not_a_header() {
        assert_eq!(
            Header::parse(b"grep 'invoked oom-killer' /var/log/messages"),
            None
        );
    }
}
