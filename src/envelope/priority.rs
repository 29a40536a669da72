//! A line starting with a `<N>` syslog priority (kernel console output, `dmesg -r`):
//! `<6>[  1.000000] msg` or `<6>msg`.

use super::Record;
use super::fields::{kernel_inner, kernel_record, strip_priority};

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let rest = strip_priority(line)?;
    Some(kernel_inner(kernel_record(None, b"", rest), rest))
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::Wall;
    use super::line::Case;
    &[
        Case {
            line: "<6>[  1.000000] Mem-Info:",
            wall: Wall::None,
            uptime_us: Some(1_000_000),
            time_raw: "[  1.000000]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        Case {
            line: "<3>Out of memory: Killed process 9 (b)",
            wall: Wall::None,
            uptime_us: None,
            time_raw: "",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Out of memory: Killed process 9 (b)",
        },
        Case {
            line: "<4>[   37.052923][ T9185] Mem-Info:",
            wall: Wall::None,
            uptime_us: Some(37_052_923),
            time_raw: "[   37.052923]",
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
        for l in ["<>x", "<kern.warning> x", "<1234>x", "6>x"] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
