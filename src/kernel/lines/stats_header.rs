//! `Memory cgroup stats for P: cache:0KB rss:980KB …` (v1: the stats on the line) or
//! `Memory cgroup stats for P:` (v2: [`super::stat_line`]s follow). The first one after
//! the counters names the OOM memcg.

use super::{Text, Variant, s, split_once, text};
use crate::kernel::assemble::{Ctx, Evidence, Fed};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct StatsHeader {
    /// None when the line is cut before the path ends.
    pub path: Option<Text>,
    /// v1's stats, in bytes (`KB` values multiplied); None on v2.
    pub inline: Option<Cow<'static, [(Text, u64)]>>,
    /// Drift: tokens of the inline stats that are not `key:value`.
    pub unparsed: Cow<'static, [Text]>,
}

impl Variant for StatsHeader {
    const ANCHORS: &'static [&'static str] = &["Memory cgroup stats for"];
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "Memory cgroup stats for /mem2: cache:0KB rss:980KB rss_huge:0KB",
            StatsHeader {
                path: Some(s("/mem2")),
                inline: Some(Cow::Borrowed(&[
                    (s("cache"), 0),
                    (s("rss"), 980 * 1024),
                    (s("rss_huge"), 0),
                ])),
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        (
            "Memory cgroup stats for /kubepods.slice/x.scope:",
            StatsHeader {
                path: Some(s("/kubepods.slice/x.scope")),
                inline: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // cut before the path ends
        (
            "Memory cgroup stats for /kubepods.slice/kubepods-burstable.slice/kubepods",
            StatsHeader {
                path: None,
                inline: None,
                unparsed: Cow::Borrowed(&[]),
            },
        ),
        // a token that is not `key:value` is skipped, and noted
        (
            "Memory cgroup stats for /docker/3f2a: cache:4KB rss:8KB mapped_file:0KB junk",
            StatsHeader {
                path: Some(s("/docker/3f2a")),
                inline: Some(Cow::Borrowed(&[
                    (s("cache"), 4096),
                    (s("rss"), 8192),
                    (s("mapped_file"), 0),
                ])),
                unparsed: Cow::Borrowed(&[s("text not understood: `junk`")]),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg
            .strip_prefix(b"Memory cgroup stats for ")?
            .trim_ascii_start();
        if let Some((path, stats)) = split_once(rest, b": ") {
            let mut unparsed = Vec::new();
            let inline = stats
                .split(|c| c.is_ascii_whitespace())
                .filter(|t| !t.is_empty())
                .filter_map(|tok| {
                    let Some((k, v)) = split_once(tok, b":") else {
                        unparsed.push(text(
                            format!("text not understood: `{}`", String::from_utf8_lossy(tok))
                                .as_bytes(),
                        ));
                        return None;
                    };
                    let (digits, mult) =
                        match v.strip_suffix(b"KB").or_else(|| v.strip_suffix(b"kB")) {
                            Some(d) => (d, 1024),
                            None => (v, 1),
                        };
                    let n = crate::clock::parse_u64(digits)?;
                    Some((text(k), n.checked_mul(mult)?))
                })
                .collect();
            return Some(StatsHeader {
                path: Some(text(path)),
                inline: Some(Cow::Owned(inline)),
                unparsed: Cow::Owned(unparsed),
            });
        }
        Some(StatsHeader {
            path: rest.strip_suffix(b":").map(text),
            inline: None,
            unparsed: Cow::Borrowed(&[]),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let notes = self.unparsed.clone();
        let b = ctx.body();
        b.set_kind(Evidence::Body, "cgroup");
        if let Some(path) = self.path {
            let path = path.into_owned();
            // The first stats line after the counters names the OOM memcg; on v2 the
            // (only) multi-line block is the OOM memcg's own.
            let first = b.stats_paths.is_empty();
            if first && (b.saw_counters || self.inline.is_none()) && b.ev.cgroup.oom.is_none() {
                b.ev.cgroup.oom = Some(path.clone());
            }
            b.stats_paths.push(path.clone());
            match self.inline {
                Some(stats) => {
                    let stats = stats.into_owned().into_iter();
                    b.ev.body
                        .memcg_stats
                        .entry(path)
                        .or_default()
                        .extend(stats.map(|(k, v)| (k.into_owned(), v)));
                }
                None => b.v2_stats = Some(path),
            }
        }
        for n in notes.iter() {
            ctx.note("Memory cgroup stats", n);
        }
        Fed::Block
    }
}
