//! `Mem-Info:`: the global memory summary ([`super::meminfo_line`]s) follows; a host OOM.

use super::Variant;
use crate::kernel::assemble::{Ctx, Evidence, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct MemInfo;

impl Variant for MemInfo {
    const CASES: &'static [(&'static str, Self)] = &[("Mem-Info:", MemInfo)];

    fn parse(msg: &[u8]) -> Option<Self> {
        (msg == b"Mem-Info:").then_some(MemInfo)
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        if let Some(b) = ctx.open() {
            b.in_meminfo = true;
            b.set_kind(Evidence::Body, "host");
        }
        Fed::Block
    }
}
