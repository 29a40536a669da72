//! A call-trace frame: `[<ffffffff8118475e>] ? oom_kill_process+0x24e/0x3c0`,
//! ` ? out_of_memory+0x1cf/0x4d0`, ` dump_stack+0x6d/0x8b`, ` oom_kill_process.cold+0xb/0x10`,
//! old ARM `[<c00c4b1c>] (out_of_memory+0x2d8/0x330) from [<c00c8e44>] (__alloc_pages_nodemask+0x6f4/0x72c)`.
//! The frames tell a memcg OOM from a global one when the block is cut before the
//! lines that say so.

use super::{Text, Variant, s, split_once, text};
use crate::kernel::assemble::{Block, Ctx, Evidence, Fed};

/// The function name (without a `.cold`/`.isra…` suffix).
#[derive(Debug, Clone, PartialEq)]
pub struct Frame(pub Text);

impl Variant for Frame {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            " [<ffffffff811b491c>] mem_cgroup_oom_synchronize+0x51c/0x560",
            Frame(s("mem_cgroup_oom_synchronize")),
        ),
        (
            " ? __alloc_pages_nodemask+0xf8/0x260",
            Frame(s("__alloc_pages_nodemask")),
        ),
        (
            " oom_kill_process.cold+0xb/0x10",
            Frame(s("oom_kill_process")),
        ),
        (
            "[<ffffffff8118475e>] ? oom_kill_process+0x24e/0x3c0",
            Frame(s("oom_kill_process")),
        ),
        (" dump_stack+0x6d/0x8b", Frame(s("dump_stack"))),
        // old ARM: the function in parentheses, its caller after `from`
        (
            "[<c00c4b1c>] (out_of_memory+0x2d8/0x330) from [<c00c8e44>] (__alloc_pages_nodemask+0x6f4/0x72c)",
            Frame(s("out_of_memory")),
        ),
        (
            "[<c00c8e44>] (__alloc_pages_nodemask+0x6f4/0x72c) from [<c00f1f0c>] (do_wp_page+0x1cc/0x8a4)",
            Frame(s("__alloc_pages_nodemask")),
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let mut t = msg.trim_ascii_start();
        if let Some(rest) = t.strip_prefix(b"[<") {
            let (_, after) = split_once(rest, b">]")?;
            t = after.trim_ascii_start();
        }
        if let Some(rest) = t.strip_prefix(b"? ") {
            t = rest;
        }
        // Old ARM: `[<c0012345>] (func+0x1c/0x20) from [<c0045678>] (caller+0x…)`
        if let Some(rest) = t.strip_prefix(b"(") {
            t = rest;
        }
        let (name, _) = split_once(t, b"+0x")?;
        if name.is_empty()
            || !name
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
        {
            return None;
        }
        let base = name.split(|&c| c == b'.').next().unwrap_or(name);
        Some(Frame(text(base)))
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        if let Some(b) = ctx.open() {
            trace_hint(b, &self.0);
        }
        Fed::Block
    }
}

/// The first telling frame after `out_of_memory` decides.
fn trace_hint(b: &mut Block, func: &str) {
    const MEMCG: &[&str] = &[
        "mem_cgroup_out_of_memory",
        "mem_cgroup_oom_synchronize",
        "mem_cgroup_oom",
        "try_charge",
        "try_charge_memcg",
        "mem_cgroup_charge",
        "__mem_cgroup_charge",
    ];
    const GLOBAL: &[&str] = &[
        "__alloc_pages_slowpath",
        "__alloc_pages_may_oom",
        "__alloc_pages_nodemask",
        "__alloc_pages",
        "moom_callback",
    ];
    if func == "out_of_memory" || func == "pagefault_out_of_memory" {
        b.saw_out_of_memory_frame = true;
        return;
    }
    if b.kind.is_some() {
        return;
    }
    if MEMCG.contains(&func) {
        b.set_kind(Evidence::Trace, "cgroup");
    } else if b.saw_out_of_memory_frame && GLOBAL.contains(&func) {
        b.set_kind(Evidence::Trace, "host");
    }
}
