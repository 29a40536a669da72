//! A console capture with junk glued before the uptime stamp: `login: [ 12.3] msg`
//! (a prompt, a serial console's noise). Tried after every other envelope: the stamp
//! must open within the first 48 bytes, and not at the very start (raw dmesg).

use super::Record;
use super::fields::{after_stamp, from, kernel_record, uptime_stamp};

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let window = line.get(..line.len().min(48))?;
    let open = memchr::memchr(b'[', window)?;
    if open == 0 {
        return None;
    }
    let (us, end) = uptime_stamp(line, open)?;
    Some(kernel_record(
        Some(us),
        line.get(open..end)?,
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
            line: "login: [3262904.705096] yum invoked oom-killer: gfp_mask=0x24201ca",
            wall: Wall::None,
            uptime_us: Some(3_262_904_705_096),
            time_raw: "[3262904.705096]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "yum invoked oom-killer: gfp_mask=0x24201ca",
        },
        Case {
            line: "node1 login: root\t[   12.300000] Mem-Info:",
            wall: Wall::None,
            uptime_us: Some(12_300_000),
            time_raw: "[   12.300000]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        Case {
            line: "login: [   37.052923][ T9185] Mem-Info:",
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
        for l in [
            "[1.0] raw dmesg is not a console capture",
            "login: [273]  0 273 upstart",
            "a prompt longer than forty-eight bytes of junk.... [1.0] x",
            // Only the first `[` is tried: an ANSI colour code hides the stamp.
            "\x1b[0m[   12.300000] Mem-Info:",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
