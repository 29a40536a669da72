//! Raw `dmesg`: `[  123.456789] msg`, the kernel uptime in seconds.

use super::Record;
use super::fields::{after_sep, from, kernel_record, uptime_stamp};

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let (us, end) = uptime_stamp(line, 0)?;
    Some(kernel_record(
        Some(us),
        line.get(..end)?,
        from(line, after_sep(line, end)),
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
