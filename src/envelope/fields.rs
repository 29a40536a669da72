//! Pieces shared by the line envelopes: first-byte classes, `[uptime]` stamps, `<N>`
//! priorities, the kernel text's own prefixes, and syslog's `host prog[pid]:` header.

use super::{Origin, Record, Wall};
use crate::clock::parse_u64;
use std::borrow::Cow;

/// Envelopes that start with a letter (month or day names, localized ones included).
pub fn starts_with_letter(line: &[u8]) -> bool {
    matches!(line.first(), Some(b'A'..=b'Z' | b'a'..=b'z' | 0x80..=0xff))
}

/// Envelopes that start with a digit (ISO dates, kmsg priorities).
pub fn starts_with_digit(line: &[u8]) -> bool {
    line.first().is_some_and(u8::is_ascii_digit)
}

pub fn as_str(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

pub fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// The end of the space-delimited token starting at `i`.
pub fn token_end(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b' '))
        .map_or(b.len(), |p| i + p)
}

/// A record of kernel text with no wall time.
pub fn kernel_record<'a>(uptime_us: Option<u64>, time_raw: &'a [u8], msg: &'a [u8]) -> Record<'a> {
    Record {
        wall: Wall::None,
        uptime_us,
        time_raw: as_str(time_raw),
        host: None,
        origin: Origin::Kernel,
        program: None,
        msg: Cow::Borrowed(msg),
    }
}

/// Parses `[  123.456789]` at `b[at..]`: uptime in microseconds and the index after `]`.
pub fn uptime_stamp(b: &[u8], at: usize) -> Option<(u64, usize)> {
    if b.get(at) != Some(&b'[') {
        return None;
    }
    let i = skip_spaces(b, at + 1);
    let digits = |from: usize| {
        b.get(from..)
            .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
    };
    let int_len = digits(i);
    if int_len == 0 || b.get(i + int_len) != Some(&b'.') {
        return None;
    }
    let f = i + int_len + 1;
    let frac_len = digits(f);
    if frac_len == 0 || b.get(f + frac_len) != Some(&b']') {
        return None;
    }
    let secs = parse_u64(b.get(i..i + int_len)?)?;
    let micros = u64::from(crate::clock::frac_to_micros(b.get(f..f + frac_len)?));
    Some((secs.checked_mul(1_000_000)? + micros, f + frac_len + 1))
}

/// The end of a printk caller id (`[ T9185]`, `[    C3]`: `CONFIG_PRINTK_CALLER`, the
/// task or CPU that printed) at `b[at..]`, one space before it allowed (util-linux
/// `dmesg` prints `[  1.0] [  T1] msg`, the kernel `[  1.0][  T1] msg`).
pub fn caller_id_end(b: &[u8], at: usize) -> Option<usize> {
    let at = if b.get(at) == Some(&b' ') { at + 1 } else { at };
    if b.get(at) != Some(&b'[') {
        return None;
    }
    let i = skip_spaces(b, at + 1);
    if !matches!(b.get(i), Some(b'T' | b'C')) {
        return None;
    }
    let n = from(b, i + 1)
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    (n > 0 && b.get(i + 1 + n) == Some(&b']')).then_some(i + 2 + n)
}

/// After a stamp ending at `end`: skips a printk caller id, if any, and the one
/// space that separates the message.
pub fn after_stamp(b: &[u8], end: usize) -> usize {
    after_sep(b, caller_id_end(b, end).unwrap_or(end))
}

/// After `]` or a `:` envelope separator: skips the one space that separates the message.
pub fn after_sep(b: &[u8], i: usize) -> usize {
    if b.get(i) == Some(&b' ') { i + 1 } else { i }
}

/// `b` from `i` on (empty past its end).
pub fn from(b: &[u8], i: usize) -> &[u8] {
    b.get(i..).unwrap_or_default()
}

/// Kernel text may itself carry `<N>` and `[uptime]`; strips them into `rec`.
pub fn kernel_inner<'a>(mut rec: Record<'a>, msg: &'a [u8]) -> Record<'a> {
    let mut m = msg;
    if let Some(rest) = strip_priority(m) {
        m = rest;
    }
    if let Some((us, end)) = uptime_stamp(m, 0) {
        rec.uptime_us = Some(us);
        if rec.time_raw.is_empty() {
            rec.time_raw = as_str(m.get(..end).unwrap_or_default());
        }
        m = from(m, after_stamp(m, end));
    }
    rec.msg = Cow::Borrowed(m);
    rec
}

/// `<N>` (up to three digits) at the start of `b`: what follows it.
pub fn strip_priority(b: &[u8]) -> Option<&[u8]> {
    if b.first() != Some(&b'<') {
        return None;
    }
    let close = b.iter().take(5).position(|&c| c == b'>')?;
    let digits = b.get(1..close)?;
    (close > 1 && digits.iter().all(u8::is_ascii_digit)).then(|| from(b, close + 1))
}

/// After a syslog timestamp: `[host] [<facility.level>] prog[pid]: msg`.
pub fn host_and_program<'a>(
    line: &'a [u8],
    at: usize,
    wall: Wall,
    time_raw: Cow<'a, str>,
) -> Record<'a> {
    let mut rec = Record {
        wall,
        uptime_us: None,
        time_raw,
        host: None,
        origin: Origin::Unknown,
        program: None,
        msg: Cow::Borrowed(from(line, at)),
    };
    let t1_end = token_end(line, at);
    let t1 = line.get(at..t1_end).unwrap_or_default();
    let mut p_at = at;
    if prog_colon(t1).is_none() {
        // The first token is the host name, unless the line has no program at all.
        rec.host = std::str::from_utf8(t1).ok().filter(|h| !h.is_empty());
        p_at = skip_spaces(line, t1_end);
        if line.get(p_at) == Some(&b'<')
            && let Some(close) = from(line, p_at).iter().take(24).position(|&c| c == b'>')
        {
            p_at = skip_spaces(line, p_at + close + 1);
        }
    }
    let window = line
        .get(p_at..line.len().min(p_at + 96))
        .unwrap_or_default();
    match prog_colon(window) {
        Some((name, colon)) => {
            let msg_at = after_sep(line, p_at + colon + 1);
            rec.program = std::str::from_utf8(name).ok();
            rec.origin = if name == b"kernel" {
                Origin::Kernel
            } else {
                Origin::Userspace
            };
            let msg = from(line, msg_at);
            if rec.origin == Origin::Kernel {
                return kernel_inner(rec, msg);
            }
            rec.msg = Cow::Borrowed(msg);
        }
        None => {
            rec.msg = Cow::Borrowed(from(line, p_at));
        }
    }
    rec
}

/// `prog:` / `prog[pid]:` at the start of `b`: the program name and the colon's index.
pub fn prog_colon(b: &[u8]) -> Option<(&[u8], usize)> {
    for (i, &c) in b.iter().enumerate() {
        match c {
            b':' if i > 0 => {
                let head = b.get(..i)?;
                let name_end = head.iter().position(|&c| c == b'[').unwrap_or(i);
                if name_end == 0 {
                    return None;
                }
                if name_end < i && head.last() != Some(&b']') {
                    return None;
                }
                return Some((head.get(..name_end)?, i));
            }
            b' ' | b'\t' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_stamps() {
        assert_eq!(uptime_stamp(b"[  1.5] x", 0), Some((1_500_000, 7)));
        assert_eq!(uptime_stamp(b"ab[2.000001]", 2), Some((2_000_001, 12)));
        for bad in [
            &b"["[..],
            b"[ ",
            b"[1",
            b"[1.",
            b"[1.]",
            b"[.5]",
            b"[1.5",
            b"x[1.5]",
        ] {
            assert_eq!(uptime_stamp(bad, 0), None, "{bad:?}");
        }
        assert_eq!(uptime_stamp(b"[1.5]", 9), None);
    }

    #[test]
    fn caller_ids() {
        assert_eq!(caller_id_end(b"[ T9185] x", 0), Some(8));
        assert_eq!(caller_id_end(b"x [    C3] y", 1), Some(10));
        assert_eq!(caller_id_end(b"[T1]", 0), Some(4));
        for bad in [
            &b"[ T] x"[..],
            b"[ X12] x",
            b"[ T12 x",
            b"[",
            b"",
            b"  [T1]",
        ] {
            assert_eq!(caller_id_end(bad, 0), None, "{bad:?}");
        }
        assert_eq!(after_stamp(b"[1.0][ T1] msg", 5), 11);
        assert_eq!(after_stamp(b"[1.0] msg", 5), 6);
    }

    #[test]
    fn priorities_and_programs() {
        assert_eq!(strip_priority(b"<6>x"), Some(&b"x"[..]));
        assert_eq!(strip_priority(b"<>x"), None);
        assert_eq!(strip_priority(b"<12345>x"), None);
        assert_eq!(strip_priority(b"<"), None);
        assert_eq!(prog_colon(b"kernel: x"), Some((&b"kernel"[..], 6)));
        assert_eq!(prog_colon(b"CRON[14500]: x"), Some((&b"CRON"[..], 11)));
        assert_eq!(prog_colon(b"a[1: x"), None);
        assert_eq!(prog_colon(b"[1]: x"), None);
        assert_eq!(prog_colon(b":x"), None);
        assert_eq!(prog_colon(b"host x:"), None);
    }
}
