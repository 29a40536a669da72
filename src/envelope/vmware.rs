//! A VMware `vmware.log` guest line: `<ISO> In(05) vcpu-5 - Guest: <6>[…] kernel text`
//! (the guest's console forwarded to the host's log).

use super::fields::{as_str, from, kernel_inner, skip_spaces};
use super::syslog3339::iso_wall;
use super::{Origin, Record};
use std::borrow::Cow;

/// An ISO timestamp, then ` Guest: ` within 48 bytes, then kernel text.
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let (wall, used) = iso_wall(line)?;
    let rest_at = skip_spaces(line, used);
    let window = line.get(rest_at..line.len().min(rest_at + 48))?;
    let g = crate::util::find(window, b" Guest: ")?;
    let msg = from(line, rest_at + g + 8);
    let rec = Record {
        wall,
        uptime_us: None,
        time_raw: as_str(line.get(..used)?),
        host: None,
        origin: Origin::Kernel,
        program: None,
        msg: Cow::Borrowed(msg),
    };
    Some(kernel_inner(rec, msg))
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::Wall;
    use super::line::Case;
    use super::syslog3339::civil;
    &[
        Case {
            line: "2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <3>[39291577.009543] Memory cgroup out of memor",
            wall: Wall::Zoned(civil(2023, 12, 4, (10, 49, 30), Some(127_000)), 0),
            uptime_us: Some(39_291_577_009_543),
            time_raw: "2023-12-04T10:49:30.127Z",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Memory cgroup out of memor",
        },
        Case {
            line: "2023-12-04T10:49:30.128Z In(05) vcpu-0 - Guest: Out of memory: Killed process 5 (java)",
            wall: Wall::Zoned(civil(2023, 12, 4, (10, 49, 30), Some(128_000)), 0),
            uptime_us: None,
            time_raw: "2023-12-04T10:49:30.128Z",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Out of memory: Killed process 5 (java)",
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
            "2023-12-04T10:49:30.127Z In(05) vcpu-5 - Host: x",
            "2023-12-04T10:49:30.127Z In(05) vcpu-5 a very long preamble before it - Guest: x",
            "Dec  4 10:49:30 h x - Guest: y",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
