//! `/dev/kmsg` records: `prio,seq,usec,flags[,…];msg` (the uptime in microseconds).

use super::Record;
use super::fields::{from, kernel_record, starts_with_digit};
use crate::clock::parse_u64;

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if !starts_with_digit(line) {
        return None;
    }
    let semi = line.iter().take(64).position(|&c| c == b';')?;
    let head = line.get(..semi)?;
    let mut fields = head.split(|&c| c == b',');
    let _prio = parse_u64(fields.next()?)?;
    let _seq = parse_u64(fields.next()?)?;
    let usec = parse_u64(fields.next()?)?;
    fields.next()?;
    Some(kernel_record(Some(usec), head, from(line, semi + 1)))
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::Wall;
    use super::line::Case;
    &[
        Case {
            line: "6,23800,6780904484233,-;Out of memory: Killed process 1 (x)",
            wall: Wall::None,
            uptime_us: Some(6_780_904_484_233),
            time_raw: "6,23800,6780904484233,-",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Out of memory: Killed process 1 (x)",
        },
        Case {
            line: "4,1201,5123456,c,caller=T812;oom-kill:constraint=CONSTRAINT_NONE",
            wall: Wall::None,
            uptime_us: Some(5_123_456),
            time_raw: "4,1201,5123456,c,caller=T812",
            host: None,
            origin: Kernel,
            program: None,
            msg: "oom-kill:constraint=CONSTRAINT_NONE",
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
            "6,23800,678;x",
            "6,a,1,-;x",
            "6,1,2,-",
            ",1,2,-;x",
            "x6,1,2,-;y",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
