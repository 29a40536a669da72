//! A line of the Mem-Info summary: `key:value` page counts, `N pages RAM`,
//! `Free swap  = NkB`, …: read only after `Mem-Info:` ([`super::meminfo`]) and before
//! the task table. Elsewhere it is what it would be without this variant: block noise
//! when [`super::noise`] knows its shape, else an unrelated line.

use super::{Text, Variant, noise::Noise, s, split_once, text};
use crate::kernel::assemble::{Ctx, Fed};
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct MemInfoLine {
    /// The pairs found (keys as the summary names them).
    pub pairs: Cow<'static, [(Text, u64)]>,
    /// Is the line also [`Noise`]?
    pub noise: bool,
}

impl Variant for MemInfoLine {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "445340 pages RAM",
            MemInfoLine {
                pairs: Cow::Borrowed(&[(s("ram_pages"), 445_340)]),
                noise: true,
            },
        ),
        (
            "Free swap  = 0kB",
            MemInfoLine {
                pairs: Cow::Borrowed(&[(s("free_swap_kb"), 0)]),
                noise: true,
            },
        ),
        (
            " free:12929 slab_reclaimable:1635",
            MemInfoLine {
                pairs: Cow::Borrowed(&[(s("free"), 12929), (s("slab_reclaimable"), 1635)]),
                noise: true,
            },
        ),
        (
            "active_anon:1870097 inactive_anon:12050 isolated_anon:0",
            MemInfoLine {
                pairs: Cow::Borrowed(&[
                    (s("active_anon"), 1_870_097),
                    (s("inactive_anon"), 12050),
                    (s("isolated_anon"), 0),
                ]),
                noise: true,
            },
        ),
        (
            " inactive_file:39 isolated_file:0",
            MemInfoLine {
                pairs: Cow::Borrowed(&[(s("inactive_file"), 39), (s("isolated_file"), 0)]),
                noise: false,
            },
        ),
        // a continuation line of a multi-line printk
        (
            "                            active_file:578569 inactive_file:1353156 isolated_file:0",
            MemInfoLine {
                pairs: Cow::Borrowed(&[
                    (s("active_file"), 578_569),
                    (s("inactive_file"), 1_353_156),
                    (s("isolated_file"), 0),
                ]),
                noise: true,
            },
        ),
        (
            "0 pages HighMem/MovableOnly",
            MemInfoLine {
                pairs: Cow::Borrowed(&[(s("highmem_pages"), 0)]),
                noise: true,
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let pairs = meminfo_pairs(msg);
        (!pairs.is_empty()).then(|| MemInfoLine {
            pairs: Cow::Owned(pairs),
            noise: Noise::parse(msg).is_some(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        match ctx.open() {
            Some(b) if b.in_meminfo => {
                let m = b.ev.body.meminfo.get_or_insert_with(Default::default);
                for (k, v) in self.pairs.into_owned() {
                    m.entry(k.into_owned()).or_insert(v);
                }
                Fed::Block
            }
            _ if self.noise => Fed::Block,
            _ => Fed::Unrelated,
        }
    }
}

fn meminfo_pairs(msg: &[u8]) -> Vec<(Text, u64)> {
    let t = msg.trim_ascii();
    let mut out = Vec::new();
    let named: &[(&[u8], &'static str)] = &[
        (b" pages RAM", "ram_pages"),
        (b" pages reserved", "reserved_pages"),
        (b" total pagecache pages", "pagecache_pages"),
        (b" pages in swap cache", "swapcache_pages"),
        (b" pages HighMem/MovableOnly", "highmem_pages"),
    ];
    for (suffix, key) in named {
        if let Some(n) = t.strip_suffix(*suffix)
            && let Some(v) = crate::clock::parse_u64(n)
        {
            out.push((s(key), v));
            return out;
        }
    }
    for (prefix, key) in [
        (&b"Free swap"[..], "free_swap_kb"),
        (&b"Total swap"[..], "total_swap_kb"),
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            let v = rest
                .trim_ascii_start()
                .strip_prefix(b"=")
                .map(|r| r.trim_ascii());
            if let Some(v) = v.and_then(|r| r.strip_suffix(b"kB"))
                && let Some(n) = crate::clock::parse_u64(v)
            {
                out.push((s(key), n));
            }
            return out;
        }
    }
    if t.starts_with(b"Node ") {
        return out;
    }
    for tok in t.split(|&c| c == b' ') {
        if let Some((k, v)) = split_once(tok, b":")
            && let Some(v) = crate::clock::parse_u64(v)
        {
            out.push((text(k), v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_lines_are_not_summary_lines() {
        assert!(meminfo_pairs(b"Node 0 DMA free:7124kB min:412kB").is_empty());
        assert!(MemInfoLine::parse(b"Mem-Info:").is_none());
    }
}
