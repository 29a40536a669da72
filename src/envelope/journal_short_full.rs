//! journalctl `short-full`: `Tue 2024-03-05 10:11:12 UTC host prog: msg` (a day name,
//! an ISO date and time, a zone name: `UTC`/`GMT` are zoned, any other is local).
//! Also journalctl `with-unit`, which prints the unit in place of the syslog
//! identifier (`kubelet.service[1290]:`; kernel records have no unit and keep
//! `kernel:`): a service's unit names its program (`kubelet`), PID 1's `init.scope`
//! is `systemd`.

use super::fields::{as_str, host_and_program, skip_spaces, starts_with_letter, token_end};
use super::{Record, Wall};
use crate::clock::parse_iso;

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if !starts_with_letter(line) {
        return None;
    }
    let day_end = token_end(line, 0);
    if day_end > 4 {
        return None;
    }
    let at = skip_spaces(line, day_end);
    let (civil, _, used) = parse_iso(line.get(at..)?)?;
    let zone_at = skip_spaces(line, at + used);
    let zone_end = token_end(line, zone_at);
    let zone = line.get(zone_at..zone_end)?;
    let wall = if zone == b"UTC" || zone == b"GMT" {
        Wall::Zoned(civil, 0)
    } else {
        Wall::Local(civil)
    };
    let mut rec = host_and_program(
        line,
        skip_spaces(line, zone_end),
        wall,
        as_str(line.get(..zone_end)?),
    );
    rec.program = rec.program.map(unit_program);
    Some(rec)
}

/// The program a `with-unit` unit name stands for (other names unchanged).
fn unit_program(p: &str) -> &str {
    match p {
        "init.scope" => "systemd",
        _ => p.strip_suffix(".service").unwrap_or(p),
    }
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::line::Case;
    use super::syslog3339::civil;
    &[
        Case {
            line: "Tue 2024-03-05 10:11:12 UTC node1 kernel: Mem-Info:",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 11, 12), None), 0),
            uptime_us: None,
            time_raw: "Tue 2024-03-05 10:11:12 UTC",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Mem-Info:",
        },
        Case {
            line: "Tue 2024-03-05 10:11:12 CET node1 systemd-oomd[812]: Killed /system.slice/x.service",
            wall: Wall::Local(civil(2024, 3, 5, (10, 11, 12), None)),
            uptime_us: None,
            time_raw: "Tue 2024-03-05 10:11:12 CET",
            host: Some("node1"),
            origin: Userspace,
            program: Some("systemd-oomd"),
            msg: "Killed /system.slice/x.service",
        },
        // journalctl -o with-unit.
        Case {
            line: "Tue 2024-03-05 10:18:21 UTC node1 systemd-oomd.service[812]: Killed /system.slice/stress.service due to memory pressure",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 18, 21), None), 0),
            uptime_us: None,
            time_raw: "Tue 2024-03-05 10:18:21 UTC",
            host: Some("node1"),
            origin: Userspace,
            program: Some("systemd-oomd"),
            msg: "Killed /system.slice/stress.service due to memory pressure",
        },
        Case {
            line: "Tue 2024-03-05 10:18:21 UTC node1 init.scope[1]: stress.service: A process of this unit has been killed by the OOM killer.",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 18, 21), None), 0),
            uptime_us: None,
            time_raw: "Tue 2024-03-05 10:18:21 UTC",
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
            "Tuesday 2024-03-05 10:11:12 UTC h k: m",
            "Tue 2024-03-05",
            "Tue",
            "2024-03-05 10:11:12 UTC h k: m",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
