//! `Memory allocations:` (6.10+ with memory allocation profiling): the top allocation
//! sites of a global OOM's memory summary follow, one per line:
//! `     1.16 GiB   302752 mm/memory.c:1074 func:folio_prealloc` (size, live calls,
//! site as printed, with `[module]` for a module's). They go into the event's
//! `allocations`; any other line ends the run ([`end_run`]).

use super::{Text, Variant, s, text};
use crate::kernel::assemble::{Ctx, Evidence, Fed};
use crate::model::Allocation as Site;

/// The section's first line.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocations;

impl Variant for Allocations {
    const CASES: &'static [(&'static str, Self)] = &[("Memory allocations:", Allocations)];

    fn parse(msg: &[u8]) -> Option<Self> {
        (msg.trim_ascii() == b"Memory allocations:").then_some(Allocations)
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let Some(b) = ctx.open() else {
            return Fed::Unrelated;
        };
        b.in_meminfo = false;
        b.in_allocations = true;
        // The section is part of show_mem(), printed for global OOMs only.
        b.set_kind(Evidence::Body, "host");
        Fed::Block
    }
}

/// One site of the section.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    pub size: Text,
    pub calls: u64,
    pub site: Text,
}

impl Variant for Allocation {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "     1.16 GiB   302752 mm/memory.c:1074 func:folio_prealloc",
            Allocation {
                size: s("1.16 GiB"),
                calls: 302_752,
                site: s("mm/memory.c:1074 func:folio_prealloc"),
            },
        ),
        (
            "      361 MiB    92499 mm/readahead.c:247 func:page_cache_ra_unbounded",
            Allocation {
                size: s("361 MiB"),
                calls: 92499,
                site: s("mm/readahead.c:247 func:page_cache_ra_unbounded"),
            },
        ),
        // a module's site
        (
            "     64.1 MiB    16409 fs/xfs/xfs_buf.c:389 [xfs] func:xfs_buf_alloc_pages",
            Allocation {
                size: s("64.1 MiB"),
                calls: 16409,
                site: s("fs/xfs/xfs_buf.c:389 [xfs] func:xfs_buf_alloc_pages"),
            },
        ),
        (
            "      512 B        4 kernel/fork.c:311 func:alloc_thread_stack_node",
            Allocation {
                size: s("512 B"),
                calls: 4,
                site: s("kernel/fork.c:311 func:alloc_thread_stack_node"),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        const UNITS: &[&[u8]] = &[b"B", b"KiB", b"MiB", b"GiB", b"TiB", b"PiB", b"EiB"];
        let t = msg.trim_ascii();
        let mut words = t
            .split(|c| c.is_ascii_whitespace())
            .filter(|w| !w.is_empty());
        let number = words.next()?;
        if number.is_empty() || !number.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
            return None;
        }
        let unit = words.next()?;
        if !UNITS.contains(&unit) {
            return None;
        }
        let calls = crate::clock::parse_u64(words.next()?)?;
        let first = words.next()?;
        // The site: from its first word to the end, as printed.
        let at = crate::util::find(t, first)?;
        let site = t.get(at..)?;
        if !crate::util::has(site, b"func:") || !first.contains(&b':') {
            return None;
        }
        let mut size = number.to_vec();
        size.push(b' ');
        size.extend_from_slice(unit);
        Some(Allocation {
            size: text(&size),
            calls,
            site: text(site),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let Some(b) = ctx.open().filter(|b| b.in_allocations) else {
            return Fed::Unrelated;
        };
        b.ev.body.allocations.push(Site {
            size: self.size.into_owned(),
            calls: Some(self.calls),
            site: self.site.into_owned(),
        });
        Fed::Block
    }
}

/// Ends the run of allocation lines (at any line that is not one).
pub fn end_run(ctx: &mut Ctx) {
    if let Some(b) = ctx.open() {
        b.in_allocations = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_allocation_lines() {
        for l in [
            "1.16 GiB mm/memory.c:1074 func:folio_prealloc",
            "2055069 pages RAM",
            "12 MiB 5 no site here",
            "Node 0 DMA: 1*4kB (U) = 4kB",
        ] {
            assert_eq!(Allocation::parse(l.as_bytes()), None, "{l}");
        }
    }
}
