//! Raw `dmesg`: `[  123.456789] msg`, the kernel uptime in seconds.

use super::Record;
use super::fields::{after_stamp, from, kernel_record, uptime_stamp};

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let (us, end) = uptime_stamp(line, 0)?;
    Some(kernel_record(
        Some(us),
        line.get(..end)?,
        from(line, after_stamp(line, end)),
    ))
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::Wall;
    use super::line::Case;
    &[
        Case {
            line: "[ 7093.543721]  dump_stack+0x6d/0x8b",
            wall: Wall::None,
            uptime_us: Some(7_093_543_721),
            time_raw: "[ 7093.543721]",
            host: None,
            origin: Kernel,
            program: None,
            msg: " dump_stack+0x6d/0x8b",
        },
        Case {
            line: "[145715.504439] Out of memory: Killed process 7 (a)",
            wall: Wall::None,
            uptime_us: Some(145_715_504_439),
            time_raw: "[145715.504439]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Out of memory: Killed process 7 (a)",
        },
        Case {
            line: "[1.5]Mem-Info:",
            wall: Wall::None,
            uptime_us: Some(1_500_000),
            time_raw: "[1.5]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        // CONFIG_PRINTK_CALLER: the caller id (task or CPU) glued to the stamp, and
        // as util-linux `dmesg` prints it.
        Case {
            line: "[   37.052923][ T9185] stress-ng invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=1000",
            wall: Wall::None,
            uptime_us: Some(37_052_923),
            time_raw: "[   37.052923]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "stress-ng invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=1000",
        },
        Case {
            line: "[   37.053114][    C3]  dump_stack_lvl+0x44/0x5c",
            wall: Wall::None,
            uptime_us: Some(37_053_114),
            time_raw: "[   37.053114]",
            host: None,
            origin: Kernel,
            program: None,
            msg: " dump_stack_lvl+0x44/0x5c",
        },
        Case {
            line: "[   37.053300] [  T9185] Mem-Info:",
            wall: Wall::None,
            uptime_us: Some(37_053_300),
            time_raw: "[   37.053300]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
    ]
};

#[cfg(test)]
mod tests {
    #[test]
    fn cases() {
        super::super::line::check(super::parse, super::CASES);
    }

    #[test]
    fn rejects() {
        // A task-table row is not a stamp.
        for l in [
            "[  273]     0   273     4869       50      13        0             0 upstart",
            "[",
            "x [1.0] y",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
