//! journalctl `short-monotonic`: `[  123.456789] host kernel: msg` — raw dmesg's stamp
//! (the monotonic time, which is the kernel uptime) before a syslog header.
//!
//! Raw dmesg text also reads `word word: …` (`usb 1-1: new device`, `sd 0:0:0:0:
//! [sda]`), so the header is taken only when it is unmistakable: a host name, then
//! `kernel:` or `prog[pid]:` (journalctl prints the pid whenever it is known).
//! Anything else after a stamp is raw dmesg (tried next).

use super::fields::{after_sep, as_str, host_and_program, token_end, uptime_stamp};
use super::{Record, Wall};

fn is_host(t: &[u8]) -> bool {
    !t.is_empty()
        && t.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
}

/// `kernel:` or `name[digits]:`.
fn is_program(t: &[u8]) -> bool {
    if t == b"kernel:" {
        return true;
    }
    let Some(head) = t.strip_suffix(b"]:") else {
        return false;
    };
    let Some(open) = head.iter().rposition(|&c| c == b'[') else {
        return false;
    };
    let (name, pid) = (
        head.get(..open).unwrap_or_default(),
        head.get(open + 1..).unwrap_or_default(),
    );
    !name.is_empty()
        && !name.contains(&b':')
        && !pid.is_empty()
        && pid.iter().all(u8::is_ascii_digit)
}

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    let (us, end) = uptime_stamp(line, 0)?;
    let at = after_sep(line, end);
    let host_end = token_end(line, at);
    if !is_host(line.get(at..host_end)?) {
        return None;
    }
    let p_at = host_end + 1;
    if !is_program(line.get(p_at..token_end(line, p_at))?) {
        return None;
    }
    let mut rec = host_and_program(line, at, Wall::None, as_str(line.get(..end)?));
    rec.uptime_us = Some(us);
    Some(rec)
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::line::Case;
    &[
        Case {
            line: "[ 9018.402409] web-1 kernel: Out of memory: Killed process 28001 (java) total-vm:9644160kB",
            wall: Wall::None,
            uptime_us: Some(9_018_402_409),
            time_raw: "[ 9018.402409]",
            host: Some("web-1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Out of memory: Killed process 28001 (java) total-vm:9644160kB",
        },
        Case {
            line: "[ 9018.402237] web-1 kernel:  <TASK>",
            wall: Wall::None,
            uptime_us: Some(9_018_402_237),
            time_raw: "[ 9018.402237]",
            host: Some("web-1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: " <TASK>",
        },
        Case {
            line: "[ 9019.001022] web-1 systemd[1]: tomcat.service: Main process exited, code=killed, status=9/KILL",
            wall: Wall::None,
            uptime_us: Some(9_019_001_022),
            time_raw: "[ 9019.001022]",
            host: Some("web-1"),
            origin: Userspace,
            program: Some("systemd"),
            msg: "tomcat.service: Main process exited, code=killed, status=9/KILL",
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
        // Raw dmesg that merely looks like a header.
        for l in [
            "[    2.114001] usb 1-1: new high-speed USB device number 2 using xhci_hcd",
            "[    2.114001] usb usb1: New USB device found, idVendor=1d6b",
            "[    3.000000] sd 0:0:0:0: [sda] 488397168 512-byte logical blocks",
            "[    3.000000] systemd[1]: Detected architecture x86-64.",
            "[    3.000000] Out of memory: Killed process 1 (a)",
            "[ 9018.402332] [  pid  ]   uid  tgid total_vm      rss name",
            "[    3.000000] host [1]: x",
            "[    3.000000] host a[x]: x",
            "[    3.000000] host",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
