//! `dmesg -x` (`--decode`): `kern  :warn  : [  123.456789] msg` — the facility and
//! level decoded before the line `dmesg` would print otherwise: a raw uptime,
//! `-T`'s `[Tue Mar  5 10:18:20 2024]`, `--time-format iso`, or no time (`-t`).
//! Only the `kern` facility is kernel text; the others were written to `/dev/kmsg`
//! by userspace (`systemd[1]: …`).

use super::fields::{after_sep, from, kernel_inner, kernel_record, prog_colon, starts_with_letter};
use super::{Origin, Record, dmesg, dmesg_iso, dmesg_t};
use std::borrow::Cow;

const FACILITIES: &[&[u8]] = &[
    b"kern",
    b"user",
    b"mail",
    b"daemon",
    b"auth",
    b"syslog",
    b"lpr",
    b"news",
    b"uucp",
    b"cron",
    b"authpriv",
    b"ftp",
    b"res0",
    b"res1",
    b"res2",
    b"res3",
    b"local0",
    b"local1",
    b"local2",
    b"local3",
    b"local4",
    b"local5",
    b"local6",
    b"local7",
];
const LEVELS: &[&[u8]] = &[
    b"emerg", b"alert", b"crit", b"err", b"warn", b"notice", b"info", b"debug",
];

/// A name padded with spaces up to a `:` at `b[at..]`, if it is one of `names`:
/// the index after the colon.
fn padded(b: &[u8], at: usize, names: &[&[u8]]) -> Option<usize> {
    let rest = b.get(at..)?;
    let colon = rest.iter().take(10).position(|&c| c == b':')?;
    let name = rest.get(..colon)?.trim_ascii_end();
    names.contains(&name).then_some(at + colon + 1)
}

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if !starts_with_letter(line) {
        return None;
    }
    let after_fac = padded(line, 0, FACILITIES)?;
    let kernel = line.starts_with(b"kern ") || line.starts_with(b"kern:");
    let after_level = padded(line, after_fac, LEVELS)?;
    let rest = from(line, after_sep(line, after_level));
    let mut rec = dmesg::parse(rest)
        .or_else(|| dmesg_t::parse(rest))
        .or_else(|| dmesg_iso::parse(rest))
        .unwrap_or_else(|| kernel_inner(kernel_record(None, b"", rest), rest));
    if !kernel {
        rec.origin = Origin::Userspace;
        let msg: &[u8] = match &rec.msg {
            Cow::Borrowed(m) => m,
            Cow::Owned(_) => return Some(rec),
        };
        if let Some((name, colon)) = prog_colon(msg) {
            rec.program = std::str::from_utf8(name).ok();
            rec.msg = Cow::Borrowed(from(msg, after_sep(msg, colon + 1)));
        }
    }
    Some(rec)
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::Wall;
    use super::line::Case;
    use super::syslog3339::civil;
    &[
        Case {
            line: "kern  :warn  : [ 5864.708440] memorymonster invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0",
            wall: Wall::None,
            uptime_us: Some(5_864_708_440),
            time_raw: "[ 5864.708440]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "memorymonster invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0",
        },
        Case {
            line: "kern  :err   : [Tue Mar  5 10:18:20 2024] Out of memory: Killed process 9185 (stress-ng)",
            wall: Wall::Local(civil(2024, 3, 5, (10, 18, 20), None)),
            uptime_us: None,
            time_raw: "Tue Mar  5 10:18:20 2024",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Out of memory: Killed process 9185 (stress-ng)",
        },
        Case {
            line: "kern  :warn  : [ 5864.708452][ T9185]  dump_stack_lvl+0x44/0x5c",
            wall: Wall::None,
            uptime_us: Some(5_864_708_452),
            time_raw: "[ 5864.708452]",
            host: None,
            origin: Kernel,
            program: None,
            msg: " dump_stack_lvl+0x44/0x5c",
        },
        Case {
            line: "kern  :info  : 2024-04-29T14:55:41,678628+02:00 Mem-Info:",
            wall: Wall::Zoned(civil(2024, 4, 29, (14, 55, 41), Some(678_628)), 7200),
            uptime_us: None,
            time_raw: "2024-04-29T14:55:41,678628+02:00",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        // `dmesg -x -t`: no time at all.
        Case {
            line: "kern  :warn  : Mem-Info:",
            wall: Wall::None,
            uptime_us: None,
            time_raw: "",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        Case {
            line: "daemon:info  : [    2.391244] systemd[1]: Started Journal Service.",
            wall: Wall::None,
            uptime_us: Some(2_391_244),
            time_raw: "[    2.391244]",
            host: None,
            origin: Userspace,
            program: Some("systemd"),
            msg: "Started Journal Service.",
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
            "kern  :loud  : [ 1.0] x",
            "kernel: [ 1.0] x",
            "kern",
            "kern  :",
            "Mar  5 10:18:20 kern  :warn  : x",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
