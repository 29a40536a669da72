//! `oom_kill_process: 70 callbacks suppressed` (printk rate limiting): the next block
//! is told that kills before it may be missing.

use super::Variant;
use crate::kernel::assemble::{Ctx, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct Suppressed(pub u64);

impl Variant for Suppressed {
    const CASES: &'static [(&'static str, Self)] = &[
        ("oom_kill_process: 70 callbacks suppressed", Suppressed(70)),
        ("dump_header: 3 callbacks suppressed", Suppressed(3)),
        ("out_of_memory: 12 callbacks suppressed", Suppressed(12)),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let rest = msg
            .strip_prefix(b"oom_kill_process: ")
            .or_else(|| msg.strip_prefix(b"dump_header: "))
            .or_else(|| msg.strip_prefix(b"out_of_memory: "))?;
        let n = rest.strip_suffix(b" callbacks suppressed")?;
        Some(Suppressed(crate::clock::parse_u64(n)?))
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        ctx.suppressed(self.0);
        Fed::Unrelated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_rate_limits_are_not_oom() {
        assert_eq!(
            Suppressed::parse(b"slab_out_of_memory: 72 callbacks suppressed"),
            None
        );
    }
}
