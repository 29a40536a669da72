//! `dmesg --time-format iso`: `2024-04-29T14:55:41,678628+02:00 msg` — util-linux
//! writes the fraction after a comma and always an offset, and no host or program.
//! (RFC 3339 syslog writes a dot: the comma keeps the two apart.)

use super::fields::{after_stamp, as_str, from, kernel_inner, kernel_record};
use super::syslog3339::iso_wall;
use super::{Record, Wall};

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    // `YYYY-MM-DDTHH:MM:SS,` — the comma at a fixed place.
    if line.get(19) != Some(&b',') || line.get(10) != Some(&b'T') {
        return None;
    }
    let (wall, used) = iso_wall(line)?;
    if !matches!(wall, Wall::Zoned(..)) {
        return None;
    }
    let msg = from(line, after_stamp(line, used));
    let mut rec = kernel_record(None, b"", msg);
    rec.wall = wall;
    rec.time_raw = as_str(line.get(..used)?);
    Some(kernel_inner(rec, msg))
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::line::Case;
    use super::syslog3339::civil;
    &[
        Case {
            line: "2024-04-29T14:55:41,678628+02:00 Out of memory: Killed process 4711 (chrome) total-vm:1kB",
            wall: Wall::Zoned(civil(2024, 4, 29, (14, 55, 41), Some(678_628)), 7200),
            uptime_us: None,
            time_raw: "2024-04-29T14:55:41,678628+02:00",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Out of memory: Killed process 4711 (chrome) total-vm:1kB",
        },
        // A call-trace line keeps its indent; a caller id is dropped.
        Case {
            line: "2024-04-29T14:55:41,678700-05:00  dump_stack_lvl+0x44/0x5c",
            wall: Wall::Zoned(civil(2024, 4, 29, (14, 55, 41), Some(678_700)), -18000),
            uptime_us: None,
            time_raw: "2024-04-29T14:55:41,678700-05:00",
            host: None,
            origin: Kernel,
            program: None,
            msg: " dump_stack_lvl+0x44/0x5c",
        },
        Case {
            line: "2024-04-29T14:55:41,678800+00:00 [  T4711] Mem-Info:",
            wall: Wall::Zoned(civil(2024, 4, 29, (14, 55, 41), Some(678_800)), 0),
            uptime_us: None,
            time_raw: "2024-04-29T14:55:41,678800+00:00",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
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
            "2024-04-29T14:55:41.678628+02:00 host kernel: x",
            "2024-04-29T14:55:41,678628 x",
            "2024-04-29 14:55:41,678628+02:00 x",
            "2024-04-29T14:55:41,",
            "2024",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
