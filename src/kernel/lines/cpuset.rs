//! `X cpuset=Y mems_allowed=Z` (3.x/4.x, before the CPU line): the trigger's cpuset.

use super::{Text, Variant, group, has, re, s};
use crate::kernel::assemble::{Ctx, Fed};
use regex::bytes::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Cpuset {
    pub comm: Text,
    pub cpuset: Text,
}

impl Variant for Cpuset {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "JIT Compilation cpuset=19ff0ec7 mems_allowed=0",
            Cpuset {
                comm: s("JIT Compilation"),
                cpuset: s("19ff0ec7"),
            },
        ),
        (
            "java cpuset=/ mems_allowed=0-1",
            Cpuset {
                comm: s("java"),
                cpuset: s("/"),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        static RE: LazyLock<Regex> = LazyLock::new(|| re(r"^(.+?) +cpuset=(\S*) +mems_allowed="));
        if !has(msg, b"mems_allowed=") {
            return None;
        }
        let c = RE.captures(msg)?;
        Some(Cpuset {
            comm: group(&c, 1),
            cpuset: group(&c, 2),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        if let Some(b) = ctx.open()
            && b.ev.trigger.comm.as_deref() == Some(&*self.comm)
        {
            b.ev.trigger.cpuset = Some(self.cpuset.into_owned());
        }
        Fed::Block
    }
}
