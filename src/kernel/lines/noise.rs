//! Register dumps, `Call Trace:`, `<TASK>`, hex stack words, `Hardware name:`, zone
//! `Node` lines other than zone lines ([`super::zone_line`]): part of a block, telling
//! nothing.

use super::{Variant, has};
use crate::kernel::assemble::{Ctx, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct Noise;

impl Variant for Noise {
    const CASES: &'static [(&'static str, Self)] = &[
        ("Call Trace:", Noise),
        (" <TASK>", Noise),
        (
            "Hardware name: Amazon EC2 m5.xlarge/, BIOS 1.0 10/16/2017",
            Noise,
        ),
        (
            " ffff8807f0d6b980 0000000051be382e ffff88039bc07ca8 ffffffff8163515c",
            Noise,
        ),
        ("Node 0 DMA per-cpu:", Noise),
        ("lowmem_reserve[]: 0 2815 7788 7788", Noise),
        ("RIP: 0033:0x7f3d2c1e0b8a", Noise),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let t = msg.trim_ascii_start();
        const PREFIXES: &[&[u8]] = &[
            b"Call Trace:",
            b"<TASK>",
            b"</TASK>",
            b"<IRQ>",
            b"</IRQ>",
            b"Hardware name:",
            b"Workqueue:",
            b"RIP:",
            b"RSP:",
            b"RAX:",
            b"RDX:",
            b"RBP:",
            b"R10:",
            b"R13:",
            b"Code:",
            b"Node ",
            b"lowmem_reserve[]",
            b"Swap cache stats",
            b"Free swap",
            b"Total swap",
            b"active_anon:",
            b"free:",
            b"mapped:",
            b"slab_reclaimable:",
            b"unevictable:",
            b"active_file:",
            b"free_cma:",
        ];
        if PREFIXES.iter().any(|p| t.starts_with(p)) {
            return Some(Noise);
        }
        // "N pages RAM", "N total pagecache pages", "N pages in swap cache", …
        if t.first().is_some_and(u8::is_ascii_digit) && (has(t, b" pages") || has(t, b"pagecache"))
        {
            return Some(Noise);
        }
        // Hex stack words: "ffff8807f0d6b980 0000000051be382e ffff88039bc07ca8 ffffffff8163515c"
        let words: Vec<&[u8]> = t.split(|&c| c == b' ').filter(|w| !w.is_empty()).collect();
        if words.len() >= 2
            && words
                .iter()
                .all(|w| w.len() == 16 && w.iter().all(u8::is_ascii_hexdigit))
        {
            return Some(Noise);
        }
        None
    }

    fn apply(self, _: &mut Ctx) -> Fed {
        Fed::Block
    }
}
