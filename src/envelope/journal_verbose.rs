//! `journalctl -o verbose`: each entry is a header line — its time and cursor,
//! `Tue 2024-03-05 10:18:20.120001 UTC [s=…;i=…;b=…;m=…;t=…;x=…]` — then one
//! `    FIELD=value` line per field (a value's further lines indented under it; binary
//! values shown as `[123B blob data]`). `--output-fields=MESSAGE` leaves only the
//! header and `MESSAGE`: such records name no transport and may be kernel text.
//!
//! The cursor's `t=` is the realtime in microseconds (hex), `m=` the monotonic time
//! (the kernel uptime); the header's own time gives the zone offset it was printed in.

use super::journal::OwnedRecord;
use super::{Origin, Record, Wall};
use crate::clock::{Civil, parse_iso};

/// A verbose entry: the journal record and whether it said who wrote it.
pub struct VerboseRecord {
    pub rec: OwnedRecord,
    /// The wall time, with the offset the header was printed in.
    pub wall: Wall,
    /// `_TRANSPORT` or `SYSLOG_IDENTIFIER` was among the fields.
    pub origin_known: bool,
}

impl VerboseRecord {
    pub fn as_record(&self) -> Record<'_> {
        let mut r = self.rec.as_record();
        r.wall = self.wall;
        if !self.origin_known {
            r.origin = Origin::Unknown;
        }
        r
    }
}

/// Does a line start an entry (a header, not indented)?
fn is_header_start(b: u8) -> bool {
    !matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Is `line` a verbose entry header (`<time> [s=…;i=…]`)?
pub fn is_header(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.first().is_some_and(|&b| is_header_start(b))
        && line.ends_with(b"]")
        && crate::util::has(line, b" [s=")
        && crate::util::has(line, b";i=")
}

/// The start of the entry holding `buf[hit]`: the last header line at or before it.
pub fn record_start(buf: &[u8], hit: usize) -> usize {
    let mut end = hit.min(buf.len());
    loop {
        let ls = buf
            .get(..end)
            .and_then(|b| memchr::memrchr(b'\n', b))
            .map_or(0, |i| i + 1);
        if ls == 0 || buf.get(ls).is_some_and(|&b| is_header_start(b)) {
            return ls;
        }
        end = ls - 1;
    }
}

/// The end of the entry starting at `pos` (the next line that is not indented), or
/// `None` when it may continue past the end of `buf` (and `buf` does not end the input).
pub fn record_end(buf: &[u8], pos: usize, eof: bool) -> Option<usize> {
    let mut at = pos;
    loop {
        match buf.get(at..).and_then(|b| memchr::memchr(b'\n', b)) {
            Some(i) => {
                let next = at + i + 1;
                match buf.get(next) {
                    Some(&b) if is_header_start(b) => return Some(next),
                    Some(_) => at = next,
                    None => return eof.then_some(buf.len()),
                }
            }
            None => return eof.then_some(buf.len()),
        }
    }
}

/// The end of the last complete entry in `buf` (the start of its last header line).
pub fn record_boundary(buf: &[u8]) -> usize {
    record_start(buf, buf.len().saturating_sub(1))
}

/// `NAME=` at the start of a field line (after its four spaces): the name's length.
fn field_name(b: &[u8]) -> Option<usize> {
    let eq = b.iter().take(64).position(|&c| c == b'=')?;
    let name = b.get(..eq)?;
    (!name.is_empty()
        && name
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_'))
    .then_some(eq)
}

/// A hex number (cursor fields).
fn hex(b: &[u8]) -> Option<u64> {
    u64::from_str_radix(std::str::from_utf8(b).ok()?, 16).ok()
}

/// The header's wall time: `Tue 2024-03-05 10:18:20.120001 UTC` (day name, ISO date
/// and time, zone name), made zoned by the realtime it shows.
fn header_wall(text: &[u8], realtime_us: Option<i64>) -> Wall {
    let at = text.iter().position(|&c| c == b' ').map_or(0, |i| i + 1);
    let parsed = text.get(at..).and_then(parse_iso);
    match (parsed, realtime_us) {
        (Some((civil, _, _)), Some(rt)) => {
            let diff = civil.as_utc_micros() - rt;
            // The header printed the realtime in some zone: whole minutes apart.
            if diff % 60_000_000 == 0 && diff.abs() < 18 * 3_600_000_000 {
                let off = i32::try_from(diff / 1_000_000).unwrap_or(0);
                Wall::Zoned(civil, off)
            } else {
                Wall::Zoned(Civil::from_utc_micros(rt, true), 0)
            }
        }
        (None, Some(rt)) => Wall::Zoned(Civil::from_utc_micros(rt, true), 0),
        (Some((civil, _, _)), None) => {
            if text.ends_with(b" UTC") || text.ends_with(b" GMT") {
                Wall::Zoned(civil, 0)
            } else {
                Wall::Local(civil)
            }
        }
        (None, None) => Wall::None,
    }
}

/// Parses the entry `buf[..]` (a header line and its field lines).
pub fn parse_record(entry: &[u8]) -> VerboseRecord {
    let mut rec = OwnedRecord {
        realtime_us: None,
        monotonic_us: None,
        hostname: None,
        kernel: false,
        identifier: None,
        message: Vec::new(),
        time_raw: String::new(),
    };
    let mut origin_known = false;
    let mut lines = entry.split(|&b| b == b'\n');
    let header = lines.next().unwrap_or_default();
    let header = header.strip_suffix(b"\r").unwrap_or(header);
    let mut time_text: &[u8] = header;
    if let Some(open) = memchr::memmem::rfind(header, b" [") {
        time_text = header.get(..open).unwrap_or_default();
        let cursor = header
            .get(open + 2..header.len().saturating_sub(1))
            .unwrap_or_default();
        for kv in cursor.split(|&c| c == b';') {
            match kv {
                [b't', b'=', v @ ..] => {
                    rec.realtime_us = hex(v).and_then(|v| i64::try_from(v).ok())
                }
                [b'm', b'=', v @ ..] => rec.monotonic_us = hex(v),
                _ => {}
            }
        }
    }
    rec.time_raw = String::from_utf8_lossy(time_text).into_owned();
    // The field being read (its value may go on over further, deeper-indented lines).
    let mut current: Option<(&[u8], Vec<u8>)> = None;
    let mut fields: Vec<(&[u8], Vec<u8>)> = Vec::new();
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let body = line
            .strip_prefix(b"    ")
            .filter(|b| b.first() != Some(&b' '));
        match body.and_then(|b| field_name(b).map(|eq| (b, eq))) {
            Some((b, eq)) => {
                fields.extend(current.take());
                let name = b.get(..eq).unwrap_or_default();
                current = Some((name, b.get(eq + 1..).unwrap_or_default().to_vec()));
            }
            None => {
                if let Some((name, value)) = &mut current
                    && !line.trim_ascii().is_empty()
                {
                    let indent = 4 + name.len() + 1;
                    let cont = line
                        .get(indent..)
                        .unwrap_or_else(|| line.trim_ascii_start());
                    value.push(b'\n');
                    value.extend_from_slice(cont);
                }
            }
        }
    }
    fields.extend(current);
    for (name, value) in fields {
        match name {
            b"MESSAGE" => rec.message = value,
            b"_HOSTNAME" => rec.hostname = Some(String::from_utf8_lossy(&value).into_owned()),
            b"_TRANSPORT" => {
                origin_known = true;
                rec.kernel |= value == b"kernel";
            }
            b"SYSLOG_IDENTIFIER" => {
                origin_known = true;
                rec.kernel |= value == b"kernel";
                rec.identifier = Some(String::from_utf8_lossy(&value).into_owned());
            }
            _ => {}
        }
    }
    let wall = header_wall(time_text, rec.realtime_us);
    VerboseRecord {
        rec,
        wall,
        origin_known,
    }
}

/// Reads the entry at `buf[pos..]`: the record and where the next one starts, or
/// `None` when it may continue past the end of `buf`.
pub fn next_record(buf: &[u8], pos: usize, eof: bool) -> Option<(VerboseRecord, usize)> {
    let end = record_end(buf, pos, eof)?;
    Some((parse_record(buf.get(pos..end).unwrap_or_default()), end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::syslog3339::civil;

    const KERNEL: &str = "Tue 2024-03-05 11:18:20.120001 CET [s=6a4e1f0c2b3d4e5f8a9b0c1d2e3f4a5b;i=1a2d;b=2f1c0a7b9e3d4c58a6b1d2e3f4a5b6c7;m=2335c3b;t=612e7294db6c8;x=9e4a2adaff17e848]
    _SOURCE_MONOTONIC_TIMESTAMP=36901114
    _TRANSPORT=kernel
    PRIORITY=3
    SYSLOG_IDENTIFIER=kernel
    MESSAGE=Out of memory: Killed process 9185 (stress-ng)
    _HOSTNAME=node1
";

    #[test]
    fn kernel_entry() {
        let (v, end) = next_record(KERNEL.as_bytes(), 0, true).unwrap();
        assert_eq!(end, KERNEL.len());
        let r = v.as_record();
        assert_eq!(r.origin, Origin::Kernel);
        assert_eq!(r.host, Some("node1"));
        assert_eq!(r.uptime_us, Some(0x233_5c3b));
        assert_eq!(&*r.msg, b"Out of memory: Killed process 9185 (stress-ng)");
        assert_eq!(r.time_raw, "Tue 2024-03-05 11:18:20.120001 CET");
        // t= is 2024-03-05T10:18:19.968200Z; the header is not that time in any
        // zone, so the cursor's realtime is kept, in UTC.
        assert_eq!(
            r.wall,
            Wall::Zoned(civil(2024, 3, 5, (10, 18, 19), Some(968_200)), 0)
        );
        assert!(next_record(KERNEL.as_bytes(), 0, false).is_none());
        assert!(is_header(KERNEL.lines().next().unwrap().as_bytes()));
    }

    #[test]
    fn zone_offset_from_the_header_and_message_only_entries() {
        let e = "Tue 2024-03-05 11:18:19.968200 CET [s=1;i=2;b=3;m=4;t=612e7294db6c8;x=5]\n    MESSAGE=Mem-Info:\n";
        let v = parse_record(e.as_bytes());
        let r = v.as_record();
        assert_eq!(
            r.wall,
            Wall::Zoned(civil(2024, 3, 5, (11, 18, 19), Some(968_200)), 3600)
        );
        assert_eq!(r.origin, Origin::Unknown);
        assert_eq!(r.uptime_us, Some(4));
        assert_eq!(&*r.msg, b"Mem-Info:");
    }

    /// Every cut of an entry reads without a panic, as incomplete or as an entry.
    #[test]
    fn cut_entries_do_not_panic() {
        let b = KERNEL.as_bytes();
        for cut in 0..=b.len() {
            let part = &b[..cut];
            let _ = record_boundary(part);
            let _ = record_start(part, cut);
            if cut > 0 {
                let _ = next_record(part, 0, true);
                let _ = next_record(part, cut - 1, false);
            }
        }
    }

    #[test]
    fn continued_values_and_record_bounds() {
        let two = format!(
            "{KERNEL}Tue 2024-03-05 11:18:21.000000 CET [s=1;i=2;b=3;m=4;t=5;x=6]\n    MESSAGE=first\n            second\n    PRIORITY=6\n"
        );
        let b = two.as_bytes();
        let second = KERNEL.len();
        assert_eq!(record_end(b, 0, false), Some(second));
        assert_eq!(record_boundary(b), second);
        assert_eq!(record_start(b, b.len() - 3), second);
        assert_eq!(record_start(b, 40), 0);
        let (v, end) = next_record(b, second, true).unwrap();
        assert_eq!(end, b.len());
        assert_eq!(v.rec.message, b"first\nsecond");
        assert_eq!(record_start(b"", 0), 0);
        assert_eq!(record_boundary(b""), 0);
        assert!(next_record(b"", 0, true).is_some());
        // A header alone: no fields, no time text lost.
        let v = parse_record(b"garbage");
        assert_eq!(v.rec.time_raw, "garbage");
        assert_eq!(v.wall, Wall::None);
    }
}
