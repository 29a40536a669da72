//! `anon 257044480`: a v2 stat line, read only in the run of them right after a
//! multi-line `Memory cgroup stats for P:` ([`super::stats_header`]); any other line
//! ends the run ([`end_run`]).

use super::{Text, Variant, s, text};
use crate::kernel::assemble::{Ctx, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct StatLine {
    pub key: Text,
    pub value: u64,
}

impl Variant for StatLine {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "anon 257044480",
            StatLine {
                key: s("anon"),
                value: 257_044_480,
            },
        ),
        (
            "file 180224",
            StatLine {
                key: s("file"),
                value: 180_224,
            },
        ),
        (
            "pgmajfault 0",
            StatLine {
                key: s("pgmajfault"),
                value: 0,
            },
        ),
        (
            "  workingset_refault_anon 12",
            StatLine {
                key: s("workingset_refault_anon"),
                value: 12,
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let t = msg.trim_ascii();
        let sp = memchr::memchr(b' ', t)?;
        let (k, v) = t.split_at_checked(sp)?;
        if k.is_empty()
            || !k
                .iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        {
            return None;
        }
        Some(StatLine {
            key: text(k),
            value: crate::clock::parse_u64(v.trim_ascii())?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        if let Some(b) = ctx.open()
            && let Some(path) = b.v2_stats.clone()
        {
            let stats = b.ev.body.memcg_stats.entry(path).or_default();
            stats.insert(self.key.into_owned(), self.value);
            return Fed::Block;
        }
        Fed::Unrelated
    }
}

/// Ends the run of stat lines (at any line that is not one).
pub fn end_run(ctx: &mut Ctx) {
    if let Some(b) = ctx.open() {
        b.v2_stats = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_stat_lines() {
        for l in ["Mem-Info:", "Anon 5", "anon", "anon 5kB"] {
            assert_eq!(StatLine::parse(l.as_bytes()), None, "{l}");
        }
    }
}
