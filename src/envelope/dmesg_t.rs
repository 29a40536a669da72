//! `dmesg -T`: `[Thu May 14 23:17:24 2020] msg` — a local time with any (localized)
//! day name and month name.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::fields::{after_stamp, as_str, from};
use super::{Origin, Record, Wall};
use crate::clock::{Civil, month_from_name, parse_hms, parse_u64};
use std::borrow::Cow;

/// `[<day name> <month> <dd> <hh:mm:ss> <yyyy>] msg`.
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if line.first() != Some(&b'[') {
        return None;
    }
    let close = line.iter().take(64).position(|&c| c == b']')?;
    let inner = line.get(1..close)?;
    let mut parts = inner.split(|&c| c == b' ').filter(|p| !p.is_empty());
    let _day_name = parts.next()?;
    let month = month_from_name(parts.next()?)?;
    let day = u8::try_from(parse_u64(parts.next()?)?).ok()?;
    let ((hour, minute, second, micros), _) = parse_hms(parts.next()?)?;
    let year = i32::try_from(parse_u64(parts.next()?)?).ok()?;
    if parts.next().is_some() {
        return None;
    }
    let civil = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        micros,
    };
    if !civil.is_valid() {
        return None;
    }
    Some(Record {
        wall: Wall::Local(civil),
        uptime_us: None,
        time_raw: as_str(inner),
        host: None,
        origin: Origin::Kernel,
        program: None,
        msg: Cow::Borrowed(from(line, after_stamp(line, close + 1))),
    })
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::line::Case;
    use super::syslog3339::civil;
    &[
        Case {
            line: "[Thu Dec  7 00:05:15 2017] Killed process 28438 (java)",
            wall: Wall::Local(civil(2017, 12, 7, (0, 5, 15), None)),
            uptime_us: None,
            time_raw: "Thu Dec  7 00:05:15 2017",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Killed process 28438 (java)",
        },
        Case {
            line: "[sam. avril 27 22:56:09 2019] Mem-Info:",
            wall: Wall::Local(civil(2019, 4, 27, (22, 56, 9), None)),
            uptime_us: None,
            time_raw: "sam. avril 27 22:56:09 2019",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        // util-linux prints a printk caller id after the time.
        Case {
            line: "[Tue Mar  5 10:18:20 2024] [  T9185] Mem-Info:",
            wall: Wall::Local(civil(2024, 3, 5, (10, 18, 20), None)),
            uptime_us: None,
            time_raw: "Tue Mar  5 10:18:20 2024",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
    ]
};

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    #[test]
    fn cases() {
        super::super::line::check(super::parse, super::CASES);
    }

    #[test]
    fn rejects() {
        for l in [
            "[Thu Dec 32 00:05:15 2017] x",
            "[Thu Dec  7 00:05:15 2017 extra] x",
            "[Thu Dec  7 00:05:15] x",
            "[]",
            "Thu Dec  7 00:05:15 2017] x",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
