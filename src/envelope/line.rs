//! Line envelopes: every format where one line is one record.
//!
//! [`parse_line`] recognizes, per line (files mix them: a syslog file can hold raw
//! dmesg lines, a console capture glues a prompt to the first kernel line):
//! - RFC 3164 syslog `Jun 23 11:24:34 host prog[pid]: msg` (with or without the host,
//!   `<kern.warning>` before the program, `kernel:` without a space, sub-second times,
//!   localized month names) — also journalctl `short` and `short-precise`;
//! - RFC 3339 syslog / journalctl `short-iso` `2024-03-05T10:11:12.123+00:00 host prog: msg`;
//! - journalctl `short-full` `Tue 2024-03-05 10:11:12 UTC host prog: msg`;
//! - raw dmesg `[  123.456789] msg`, `dmesg -T` `[Sat Apr 27 22:56:09 2019] msg`
//!   (any day name), `/dev/kmsg` `6,23800,6780904484233,-;msg`, `<6>` priorities;
//! - a VMware `vmware.log` guest line `<ISO> In(05) vcpu-5 - Guest: <6>[…] msg`;
//! - a console capture with junk before the uptime stamp (`login: [ 12.3] msg`);
//! - anything else: the whole line is the message (bare kernel text, continuation
//!   lines of a multi-line printk), with origin unknown and no time.
//!
//! Kernel text inside any of them may carry its own `<N>` priority and `[uptime]`.

use super::{Origin, Record, Wall};
use crate::clock::{Civil, month_from_name, parse_hms, parse_iso, parse_u64};
use std::borrow::Cow;

/// Strips the envelope of one line (without its newline).
pub fn parse_line(line: &[u8]) -> Record<'_> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let first = line.first().copied().unwrap_or(b' ');
    let parsed = match first {
        b'0'..=b'9' => iso_line(line).or_else(|| kmsg_line(line)),
        b'[' => dmesg_line(line, 0),
        b'<' => priority_line(line),
        b'A'..=b'Z' | b'a'..=b'z' | 0x80..=0xff => {
            syslog_line(line).or_else(|| short_full_line(line))
        }
        _ => None,
    };
    parsed
        .or_else(|| glued_uptime_line(line))
        .unwrap_or(Record {
            wall: Wall::None,
            uptime_us: None,
            time_raw: Cow::Borrowed(""),
            host: None,
            origin: Origin::Unknown,
            program: None,
            msg: Cow::Borrowed(line),
        })
}

fn as_str(b: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(b)
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    i
}

fn token_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&c| c == b' ')
        .map_or(b.len(), |p| i + p)
}

/// Parses `[  123.456789]` at `b[at..]`: uptime in microseconds and the index after `]`.
fn uptime_stamp(b: &[u8], at: usize) -> Option<(u64, usize)> {
    if b.get(at) != Some(&b'[') {
        return None;
    }
    let i = skip_spaces(b, at + 1);
    let int_len = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if int_len == 0 || b.get(i + int_len) != Some(&b'.') {
        return None;
    }
    let f = i + int_len + 1;
    let frac_len = b[f..].iter().take_while(|c| c.is_ascii_digit()).count();
    if frac_len == 0 || b.get(f + frac_len) != Some(&b']') {
        return None;
    }
    let secs = parse_u64(&b[i..i + int_len])?;
    let micros = u64::from(crate::clock::frac_to_micros(&b[f..f + frac_len]));
    Some((secs.checked_mul(1_000_000)? + micros, f + frac_len + 1))
}

/// After `]` or a `:` envelope separator: skips the one space that separates the message.
fn after_sep(b: &[u8], i: usize) -> usize {
    if b.get(i) == Some(&b' ') { i + 1 } else { i }
}

/// Kernel text may itself carry `<N>` and `[uptime]`; strips them into `rec`.
fn kernel_inner<'a>(mut rec: Record<'a>, msg: &'a [u8]) -> Record<'a> {
    let mut m = msg;
    if let Some(rest) = strip_priority(m) {
        m = rest;
    }
    if let Some((us, end)) = uptime_stamp(m, 0) {
        rec.uptime_us = Some(us);
        if rec.time_raw.is_empty() {
            rec.time_raw = as_str(&m[..end]);
        }
        m = &m[after_sep(m, end)..];
    }
    rec.msg = Cow::Borrowed(m);
    rec
}

fn strip_priority(b: &[u8]) -> Option<&[u8]> {
    if b.first() != Some(&b'<') {
        return None;
    }
    let close = b.iter().take(5).position(|&c| c == b'>')?;
    (close > 1 && b[1..close].iter().all(u8::is_ascii_digit)).then(|| &b[close + 1..])
}

fn priority_line(line: &[u8]) -> Option<Record<'_>> {
    let rest = strip_priority(line)?;
    let rec = Record {
        wall: Wall::None,
        uptime_us: None,
        time_raw: Cow::Borrowed(""),
        host: None,
        origin: Origin::Kernel,
        program: None,
        msg: Cow::Borrowed(rest),
    };
    Some(kernel_inner(rec, rest))
}

/// Raw dmesg `[ 1.2] msg` or `dmesg -T` `[Thu May 14 23:17:24 2020] msg` starting at `at`.
fn dmesg_line(line: &[u8], at: usize) -> Option<Record<'_>> {
    if let Some((us, end)) = uptime_stamp(line, at) {
        let msg = &line[after_sep(line, end)..];
        return Some(Record {
            wall: Wall::None,
            uptime_us: Some(us),
            time_raw: as_str(&line[at..end]),
            host: None,
            origin: Origin::Kernel,
            program: None,
            msg: Cow::Borrowed(msg),
        });
    }
    // dmesg -T: [<day name> <month> <dd> <hh:mm:ss> <yyyy>]
    let close = line.iter().take(64).position(|&c| c == b']')?;
    let inner = &line[at + 1..close];
    let mut parts = inner.split(|&c| c == b' ').filter(|p| !p.is_empty());
    let _day_name = parts.next()?;
    let month = month_from_name(parts.next()?)?;
    let day = parse_u64(parts.next()?)? as u8;
    let ((hour, minute, second, micros), used) = parse_hms(parts.next()?)?;
    let _ = used;
    let year = parse_u64(parts.next()?)? as i32;
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
    let msg = &line[after_sep(line, close + 1)..];
    Some(Record {
        wall: Wall::Local(civil),
        uptime_us: None,
        time_raw: as_str(inner),
        host: None,
        origin: Origin::Kernel,
        program: None,
        msg: Cow::Borrowed(msg),
    })
}

/// `/dev/kmsg`: `prio,seq,usec,flags[,…];msg`.
fn kmsg_line(line: &[u8]) -> Option<Record<'_>> {
    let semi = line.iter().take(64).position(|&c| c == b';')?;
    let mut fields = line[..semi].split(|&c| c == b',');
    let _prio = parse_u64(fields.next()?)?;
    let _seq = parse_u64(fields.next()?)?;
    let usec = parse_u64(fields.next()?)?;
    fields.next()?;
    let msg = &line[semi + 1..];
    Some(Record {
        wall: Wall::None,
        uptime_us: Some(usec),
        time_raw: as_str(&line[..semi]),
        host: None,
        origin: Origin::Kernel,
        program: None,
        msg: Cow::Borrowed(msg),
    })
}

/// RFC 3339 syslog, journalctl short-iso, or a VMware guest-log line.
fn iso_line(line: &[u8]) -> Option<Record<'_>> {
    let (civil, offset, used) = parse_iso(line)?;
    let wall = match offset {
        Some(off) => Wall::Zoned(civil, off),
        None => Wall::Local(civil),
    };
    let time_raw = as_str(&line[..used]);
    let rest_at = skip_spaces(line, used);
    // vmware.log: "<ISO> In(05) vcpu-5 - Guest: <6>[…] kernel text"
    if let Some(g) = memchr::memmem::find(&line[rest_at..line.len().min(rest_at + 48)], b" Guest: ")
    {
        let msg = &line[rest_at + g + 8..];
        let rec = Record {
            wall,
            uptime_us: None,
            time_raw,
            host: None,
            origin: Origin::Kernel,
            program: None,
            msg: Cow::Borrowed(msg),
        };
        return Some(kernel_inner(rec, msg));
    }
    Some(host_and_program(line, rest_at, wall, time_raw))
}

/// RFC 3164 syslog / journalctl short and short-precise: `Mon dd hh:mm:ss[.frac]`.
fn syslog_line(line: &[u8]) -> Option<Record<'_>> {
    let mon_end = token_end(line, 0);
    let month = month_from_name(&line[..mon_end])?;
    let d_at = skip_spaces(line, mon_end);
    let d_len = line[d_at..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if d_len == 0 || d_len > 2 || line.get(d_at + d_len) != Some(&b' ') {
        return None;
    }
    let day = parse_u64(&line[d_at..d_at + d_len])? as u8;
    let t_at = d_at + d_len + 1;
    let ((hour, minute, second, micros), used) = parse_hms(&line[t_at..])?;
    if !(1..=31).contains(&day) {
        return None;
    }
    let end = t_at + used;
    let wall = Wall::Yearless {
        month,
        day,
        hour,
        minute,
        second,
        micros,
    };
    Some(host_and_program(
        line,
        skip_spaces(line, end),
        wall,
        as_str(&line[..end]),
    ))
}

/// journalctl short-full: `Tue 2024-03-05 10:11:12 UTC host prog: msg`.
fn short_full_line(line: &[u8]) -> Option<Record<'_>> {
    let day_end = token_end(line, 0);
    if day_end > 4 {
        return None;
    }
    let at = skip_spaces(line, day_end);
    let (civil, _, used) = parse_iso(&line[at..])?;
    let zone_at = skip_spaces(line, at + used);
    let zone_end = token_end(line, zone_at);
    let zone = &line[zone_at..zone_end];
    let wall = if zone == b"UTC" || zone == b"GMT" {
        Wall::Zoned(civil, 0)
    } else {
        Wall::Local(civil)
    };
    Some(host_and_program(
        line,
        skip_spaces(line, zone_end),
        wall,
        as_str(&line[..zone_end]),
    ))
}

/// After a syslog timestamp: `[host] [<facility.level>] prog[pid]: msg`.
fn host_and_program<'a>(
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
        msg: Cow::Borrowed(&line[at..]),
    };
    let t1_end = token_end(line, at);
    let t1 = &line[at..t1_end];
    let mut p_at = at;
    if prog_colon(t1).is_none() {
        // The first token is the host name, unless the line has no program at all.
        rec.host = std::str::from_utf8(t1).ok().filter(|h| !h.is_empty());
        p_at = skip_spaces(line, t1_end);
        if line.get(p_at) == Some(&b'<')
            && let Some(close) = line[p_at..].iter().take(24).position(|&c| c == b'>')
        {
            p_at = skip_spaces(line, p_at + close + 1);
        }
    }
    let window = &line[p_at..line.len().min(p_at + 96)];
    match prog_colon(window) {
        Some((name, colon)) => {
            let msg_at = after_sep(line, p_at + colon + 1);
            rec.program = std::str::from_utf8(name).ok();
            rec.origin = if name == b"kernel" {
                Origin::Kernel
            } else {
                Origin::Userspace
            };
            let msg = &line[msg_at..];
            if rec.origin == Origin::Kernel {
                return kernel_inner(rec, msg);
            }
            rec.msg = Cow::Borrowed(msg);
        }
        None => {
            rec.msg = Cow::Borrowed(&line[p_at..]);
        }
    }
    rec
}

/// `prog:` / `prog[pid]:` at the start of `b`: the program name and the colon's index.
fn prog_colon(b: &[u8]) -> Option<(&[u8], usize)> {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b':' if i > 0 => {
                let name_end = b[..i].iter().position(|&c| c == b'[').unwrap_or(i);
                if name_end == 0 {
                    return None;
                }
                if name_end < i && b[i - 1] != b']' {
                    return None;
                }
                return Some((&b[..name_end], i));
            }
            b' ' | b'\t' => return None,
            _ => i += 1,
        }
    }
    None
}

/// A console capture with junk glued before the uptime stamp: `login: [ 12.3] msg`.
fn glued_uptime_line(line: &[u8]) -> Option<Record<'_>> {
    let window = &line[..line.len().min(48)];
    let open = memchr::memchr(b'[', window)?;
    if open == 0 {
        return None;
    }
    let (us, end) = uptime_stamp(line, open)?;
    let msg = &line[after_sep(line, end)..];
    Some(Record {
        wall: Wall::None,
        uptime_us: Some(us),
        time_raw: as_str(&line[open..end]),
        host: None,
        origin: Origin::Kernel,
        program: None,
        msg: Cow::Borrowed(msg),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(r: &Record) -> String {
        String::from_utf8_lossy(&r.msg).into_owned()
    }

    #[test]
    fn rfc3164_with_host_and_uptime() {
        let r = parse_line(
            b"May 19 15:46:55 ubuntu kernel: [145715.504439] cardano-db-sy:w invoked oom-killer: x",
        );
        assert_eq!(r.host, Some("ubuntu"));
        assert_eq!(r.origin, Origin::Kernel);
        assert_eq!(r.uptime_us, Some(145_715_504_439));
        assert_eq!(r.time_raw, "May 19 15:46:55");
        assert!(matches!(
            r.wall,
            Wall::Yearless {
                month: 5,
                day: 19,
                hour: 15,
                ..
            }
        ));
        assert_eq!(msg(&r), "cardano-db-sy:w invoked oom-killer: x");
    }

    #[test]
    fn rfc3164_without_host() {
        let r = parse_line(
            b"Jan  5 15:19:27 kernel: [ 5864.708440] memorymonster invoked oom-killer: y",
        );
        assert_eq!(r.host, None);
        assert_eq!(r.origin, Origin::Kernel);
        assert_eq!(msg(&r), "memorymonster invoked oom-killer: y");
        let r = parse_line(
            b"Jan  5 15:19:01 CRON[14500]: (root) CMD (touch /var/run/crond.sittercheck)",
        );
        assert_eq!(r.origin, Origin::Userspace);
        assert_eq!(r.host, None);
    }

    #[test]
    fn rfc3164_userspace_program() {
        let r =
            parse_line(b"Jun 13 23:04:43 kir-ce75-gd dockerd[9931]: time=\"x\" topic=/tasks/oom");
        assert_eq!(r.origin, Origin::Userspace);
        assert_eq!(r.host, Some("kir-ce75-gd"));
    }

    #[test]
    fn rfc3164_facility_tag_and_glued_kernel() {
        let r = parse_line(
            b"Jun 23 11:24:34 host <kern.warning> kernel: Out of memory: Killed process 1 (a)",
        );
        assert_eq!(r.origin, Origin::Kernel);
        assert_eq!(msg(&r), "Out of memory: Killed process 1 (a)");
        let r = parse_line(b"Jun 23 11:24:34 host kernel:[  12.500000] Mem-Info:");
        assert_eq!(r.origin, Origin::Kernel);
        assert_eq!(r.uptime_us, Some(12_500_000));
        assert_eq!(msg(&r), "Mem-Info:");
    }

    #[test]
    fn rfc3164_subsecond_and_trace_indent() {
        let r = parse_line(b"May 07 21:43:54.123456 doom kernel:  ? asm_exc_page_fault+0x8/0x30");
        assert!(matches!(
            r.wall,
            Wall::Yearless {
                micros: Some(123_456),
                ..
            }
        ));
        assert_eq!(msg(&r), " ? asm_exc_page_fault+0x8/0x30");
    }

    #[test]
    fn localized_month_without_host() {
        let r =
            parse_line("avril 16 21:08:50 systemd-oomd[93234]: Killed /user.slice/x".as_bytes());
        assert_eq!(r.origin, Origin::Userspace);
        assert!(matches!(
            r.wall,
            Wall::Yearless {
                month: 4,
                day: 16,
                ..
            }
        ));
    }

    #[test]
    fn rfc3339_syslog_and_short_iso() {
        let r = parse_line(b"2024-03-05T10:11:12.123456+00:00 node1 kernel: Mem-Info:");
        assert!(matches!(r.wall, Wall::Zoned(c, 0) if c.micros == Some(123_456)));
        assert_eq!(r.host, Some("node1"));
        assert_eq!(msg(&r), "Mem-Info:");
        let r = parse_line(b"2024-03-05T10:11:12+0100 node1 kernel: Mem-Info:");
        assert!(matches!(r.wall, Wall::Zoned(_, 3600)));
    }

    #[test]
    fn short_full() {
        let r = parse_line(b"Tue 2024-03-05 10:11:12 UTC node1 kernel: Mem-Info:");
        assert!(matches!(r.wall, Wall::Zoned(_, 0)));
        assert_eq!(r.origin, Origin::Kernel);
    }

    #[test]
    fn raw_dmesg() {
        let r = parse_line(b"[ 7093.543721]  dump_stack+0x6d/0x8b");
        assert_eq!(r.uptime_us, Some(7_093_543_721));
        assert_eq!(msg(&r), " dump_stack+0x6d/0x8b");
        // A task-table row is not a stamp.
        let r = parse_line(
            b"[  273]     0   273     4869       50      13        0             0 upstart",
        );
        assert_eq!(r.uptime_us, None);
        assert_eq!(r.origin, Origin::Unknown);
    }

    #[test]
    fn dmesg_human_times() {
        let r = parse_line(b"[Thu Dec  7 00:05:15 2017] Killed process 28438 (java)");
        assert!(matches!(r.wall, Wall::Local(c) if c.year == 2017 && c.day == 7));
        assert_eq!(msg(&r), "Killed process 28438 (java)");
        let r = parse_line("[sam. avril 27 22:56:09 2019] Mem-Info:".as_bytes());
        assert!(matches!(r.wall, Wall::Local(c) if c.month == 4));
    }

    #[test]
    fn kmsg_record() {
        let r = parse_line(b"6,23800,6780904484233,-;Out of memory: Killed process 1 (x)");
        assert_eq!(r.uptime_us, Some(6_780_904_484_233));
        assert_eq!(msg(&r), "Out of memory: Killed process 1 (x)");
    }

    #[test]
    fn vmware_guest_log() {
        let r = parse_line(b"2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <3>[39291577.009543] Memory cgroup out of memor");
        assert_eq!(r.origin, Origin::Kernel);
        assert_eq!(r.uptime_us, Some(39_291_577_009_543));
        assert_eq!(msg(&r), "Memory cgroup out of memor");
    }

    #[test]
    fn console_prompt_glued() {
        let r = parse_line(b"login: [3262904.705096] yum invoked oom-killer: gfp_mask=0x24201ca");
        assert_eq!(r.uptime_us, Some(3_262_904_705_096));
        assert_eq!(msg(&r), "yum invoked oom-killer: gfp_mask=0x24201ca");
    }

    #[test]
    fn bare_and_continuation_lines() {
        let r = parse_line(b"                            active_file:578569 inactive_file:1353156");
        assert!(!r.has_time());
        assert_eq!(r.origin, Origin::Unknown);
        let r = parse_line(b"sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0");
        assert_eq!(
            msg(&r),
            "sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0"
        );
        let r = parse_line(b"<6>[  1.000000] Mem-Info:");
        assert_eq!(r.uptime_us, Some(1_000_000));
        assert_eq!(msg(&r), "Mem-Info:");
    }
}
