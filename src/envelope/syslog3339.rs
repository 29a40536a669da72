//! RFC 3339 syslog (rsyslog's high-precision format) and journalctl `short-iso`:
//! `2024-03-05T10:11:12.123456+00:00 host prog: msg`. Without a zone the time is local.

use super::fields::{as_str, host_and_program, skip_spaces, starts_with_digit};
use super::{Record, Wall};
use crate::clock::parse_iso;

/// An ISO timestamp and the syslog header after it.
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let (wall, used) = iso_wall(line)?;
    let time_raw = as_str(line.get(..used)?);
    Some(host_and_program(
        line,
        skip_spaces(line, used),
        wall,
        time_raw,
    ))
}

/// The ISO timestamp at the start of `line` and its length.
pub fn iso_wall(line: &[u8]) -> Option<(Wall, usize)> {
    if !starts_with_digit(line) {
        return None;
    }
    let (civil, offset, used) = parse_iso(line)?;
    let wall = match offset {
        Some(off) => Wall::Zoned(civil, off),
        None => Wall::Local(civil),
    };
    Some((wall, used))
}

#[cfg(test)]
pub(crate) const fn civil(
    year: i32,
    month: u8,
    day: u8,
    hms: (u8, u8, u8),
    micros: Option<u32>,
) -> crate::clock::Civil {
    crate::clock::Civil {
        year,
        month,
        day,
        hour: hms.0,
        minute: hms.1,
        second: hms.2,
        micros,
    }
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::line::Case;
    &[
        Case {
            line: "2024-03-05T10:11:12.123456+00:00 node1 kernel: Mem-Info:",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 11, 12), Some(123_456)), 0),
            uptime_us: None,
            time_raw: "2024-03-05T10:11:12.123456+00:00",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Mem-Info:",
        },
        Case {
            line: "2024-03-05T10:11:12+0100 node1 kernel: [  42.000100] Mem-Info:",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 11, 12), None), 3600),
            uptime_us: Some(42_000_100),
            time_raw: "2024-03-05T10:11:12+0100",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Mem-Info:",
        },
        Case {
            line: "2024-03-05T10:11:12Z node1 systemd[1]: Started x.",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 11, 12), None), 0),
            uptime_us: None,
            time_raw: "2024-03-05T10:11:12Z",
            host: Some("node1"),
            origin: Userspace,
            program: Some("systemd"),
            msg: "Started x.",
        },
        // No zone: a local time.
        Case {
            line: "2024-03-05 10:11:12 node1 kernel: Mem-Info:",
            wall: Wall::Local(civil(2024, 3, 5, (10, 11, 12), None)),
            uptime_us: None,
            time_raw: "2024-03-05 10:11:12",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
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
            "2024-03-05",
            "2024-13-05T10:11:12Z x",
            "x2024-03-05T10:11:12Z h k: m",
            "6,1,2,-;x",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
