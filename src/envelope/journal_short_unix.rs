//! journalctl `short-unix`: `1709633900.120001 host kernel: msg` — seconds since the
//! epoch (UTC) with microseconds, then the syslog header.

use super::fields::{as_str, host_and_program, skip_spaces};
use super::{Record, Wall};
use crate::clock::{Civil, frac_to_micros, parse_u64};

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let int_len = line.iter().take_while(|c| c.is_ascii_digit()).count();
    // Seconds of a plausible date (2001 on), a dot, six digits, a space.
    if !(9..=11).contains(&int_len) || line.get(int_len) != Some(&b'.') {
        return None;
    }
    let f = int_len + 1;
    let frac = line.get(f..f + 6)?;
    if !frac.iter().all(u8::is_ascii_digit) || line.get(f + 6) != Some(&b' ') {
        return None;
    }
    let secs = i64::try_from(parse_u64(line.get(..int_len)?)?).ok()?;
    let us = secs.checked_mul(1_000_000)? + i64::from(frac_to_micros(frac));
    let wall = Wall::Zoned(Civil::from_utc_micros(us, true), 0);
    let rec = host_and_program(
        line,
        skip_spaces(line, f + 6),
        wall,
        as_str(line.get(..f + 6)?),
    );
    // A journal line always names its program; without one this is not journalctl.
    rec.program.is_some().then_some(rec)
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::line::Case;
    use super::syslog3339::civil;
    &[
        Case {
            line: "1709633900.120001 node1 kernel: Out of memory: Killed process 9185 (stress-ng)",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 18, 20), Some(120_001)), 0),
            uptime_us: None,
            time_raw: "1709633900.120001",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Out of memory: Killed process 9185 (stress-ng)",
        },
        Case {
            line: "1709633901.002311 node1 systemd[1]: stress.service: A process of this unit has been killed by the OOM killer.",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 18, 21), Some(2_311)), 0),
            uptime_us: None,
            time_raw: "1709633901.002311",
            host: Some("node1"),
            origin: Userspace,
            program: Some("systemd"),
            msg: "stress.service: A process of this unit has been killed by the OOM killer.",
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
            "1709633900.12 node1 kernel: x",
            "1709633900.120001node1 kernel: x",
            "1709633900 node1 kernel: x",
            "17.120001 node1 kernel: x",
            "1709633900.120001 no program here",
            "6,23800,6780904484233,-;x",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
