//! RFC 3164 syslog `Jun 23 11:24:34 host prog[pid]: msg` — also journalctl `short` and
//! `short-precise` (sub-second times). The host may be missing, `<kern.warning>` may
//! precede the program, `kernel:` may be glued to the kernel's `[uptime]`, and month
//! names may be localized (`avril`, `Mär`, …).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::fields::{as_str, host_and_program, skip_spaces, starts_with_letter, token_end};
use super::{Record, Wall};
use crate::clock::{month_from_name, parse_hms, parse_u64};

/// `Mon dd hh:mm:ss[.frac]` and the syslog header after it.
pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if !starts_with_letter(line) {
        return None;
    }
    let mon_end = token_end(line, 0);
    let month = month_from_name(line.get(..mon_end)?)?;
    let d_at = skip_spaces(line, mon_end);
    let d_len = line
        .get(d_at..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if d_len == 0 || d_len > 2 || line.get(d_at + d_len) != Some(&b' ') {
        return None;
    }
    let day = u8::try_from(parse_u64(line.get(d_at..d_at + d_len)?)?).ok()?;
    let t_at = d_at + d_len + 1;
    let ((hour, minute, second, micros), used) = parse_hms(line.get(t_at..)?)?;
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
        as_str(line.get(..end)?),
    ))
}

#[cfg(test)]
const fn yearless(
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    micros: Option<u32>,
) -> Wall {
    Wall::Yearless {
        month,
        day,
        hour,
        minute,
        second,
        micros,
    }
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::line::Case;
    &[
        Case {
            line: "May 19 15:46:55 ubuntu kernel: [145715.504439] cardano-db-sy:w invoked oom-killer: x",
            wall: yearless(5, 19, 15, 46, 55, None),
            uptime_us: Some(145_715_504_439),
            time_raw: "May 19 15:46:55",
            host: Some("ubuntu"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "cardano-db-sy:w invoked oom-killer: x",
        },
        Case {
            line: "Jan  5 15:19:27 kernel: [ 5864.708440] memorymonster invoked oom-killer: y",
            wall: yearless(1, 5, 15, 19, 27, None),
            uptime_us: Some(5_864_708_440),
            time_raw: "Jan  5 15:19:27",
            host: None,
            origin: Kernel,
            program: Some("kernel"),
            msg: "memorymonster invoked oom-killer: y",
        },
        Case {
            line: "Jan  5 15:19:01 CRON[14500]: (root) CMD (touch /var/run/crond.sittercheck)",
            wall: yearless(1, 5, 15, 19, 1, None),
            uptime_us: None,
            time_raw: "Jan  5 15:19:01",
            host: None,
            origin: Userspace,
            program: Some("CRON"),
            msg: "(root) CMD (touch /var/run/crond.sittercheck)",
        },
        Case {
            line: "Jun 13 23:04:43 kir-ce75-gd dockerd[9931]: time=\"x\" topic=/tasks/oom",
            wall: yearless(6, 13, 23, 4, 43, None),
            uptime_us: None,
            time_raw: "Jun 13 23:04:43",
            host: Some("kir-ce75-gd"),
            origin: Userspace,
            program: Some("dockerd"),
            msg: "time=\"x\" topic=/tasks/oom",
        },
        Case {
            line: "Jun 23 11:24:34 host <kern.warning> kernel: Out of memory: Killed process 1 (a)",
            wall: yearless(6, 23, 11, 24, 34, None),
            uptime_us: None,
            time_raw: "Jun 23 11:24:34",
            host: Some("host"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Out of memory: Killed process 1 (a)",
        },
        Case {
            line: "Jun 23 11:24:34 host kernel:[  12.500000] Mem-Info:",
            wall: yearless(6, 23, 11, 24, 34, None),
            uptime_us: Some(12_500_000),
            time_raw: "Jun 23 11:24:34",
            host: Some("host"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Mem-Info:",
        },
        // A printk caller id after the kernel's own stamp.
        Case {
            line: "Mar  5 10:18:20 node1 kernel: [   37.054011][ T9185] Out of memory: Killed process 9185 (stress-ng)",
            wall: yearless(3, 5, 10, 18, 20, None),
            uptime_us: Some(37_054_011),
            time_raw: "Mar  5 10:18:20",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Out of memory: Killed process 9185 (stress-ng)",
        },
        // journalctl -o short-precise; a call-trace line keeps its indent.
        Case {
            line: "May 07 21:43:54.123456 doom kernel:  ? asm_exc_page_fault+0x8/0x30",
            wall: yearless(5, 7, 21, 43, 54, Some(123_456)),
            uptime_us: None,
            time_raw: "May 07 21:43:54.123456",
            host: Some("doom"),
            origin: Kernel,
            program: Some("kernel"),
            msg: " ? asm_exc_page_fault+0x8/0x30",
        },
        Case {
            line: "avril 16 21:08:50 systemd-oomd[93234]: Killed /user.slice/x",
            wall: yearless(4, 16, 21, 8, 50, None),
            uptime_us: None,
            time_raw: "avril 16 21:08:50",
            host: None,
            origin: Userspace,
            program: Some("systemd-oomd"),
            msg: "Killed /user.slice/x",
        },
        // A host but no program: the rest is the message, origin unknown.
        Case {
            line: "Mar  5 10:11:12 node1 -- MARK --",
            wall: yearless(3, 5, 10, 11, 12, None),
            uptime_us: None,
            time_raw: "Mar  5 10:11:12",
            host: Some("node1"),
            origin: Unknown,
            program: None,
            msg: "-- MARK --",
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
            "Jun 32 11:24:34 host kernel: x",
            "Jun 123 11:24:34 host kernel: x",
            "Jun 23 1:24:34 host kernel: x",
            "Junk 23 11:24:34 host kernel: x",
            "Jun",
            "Jun 23",
            "2024-03-05T10:11:12Z host kernel: x",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
