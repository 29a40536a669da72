//! Pasted text: a log quoted by mail or Markdown (`> `, `> > `, `>> `) or indented as
//! a code block (spaces or a tab before the stamp), as kills are pasted in case
//! comments and tickets. The quote markers are removed and the rest is read by the
//! other envelopes; a quoted line no envelope recognizes is bare text (a trace
//! frame, a continuation line). Indentation alone is taken off only before a line an
//! envelope recognizes: kernel text is itself indented (`  dump_stack+0x…`,
//! Mem-Info's continuation lines). A shell prompt line above the paste (`$ dmesg`,
//! `[root@node ~]# journalctl -k`) is bare text and harmless.

use super::fields::from;
use super::{Record, bare, line::ENVELOPES};

/// The first envelope other than this one and `bare` that recognizes `rest`.
fn inner(rest: &[u8]) -> Option<Record<'_>> {
    ENVELOPES
        .iter()
        .filter(|e| !matches!(e.name, "quoted" | "bare"))
        .find_map(|e| (e.parse)(rest))
}

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    if !matches!(line.first(), Some(b'>' | b' ' | b'\t')) {
        return None;
    }
    // Quote markers, each followed by at most one space.
    let mut i = 0;
    while line.get(i) == Some(&b'>') {
        i += 1;
        if line.get(i) == Some(&b' ') {
            i += 1;
        }
    }
    let rest = from(line, i);
    let indent = rest
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    if let Some(rec) = inner(from(rest, indent)) {
        return Some(rec);
    }
    (i > 0).then(|| bare::record(rest))
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::Origin::*;
    use super::Wall;
    use super::line::Case;
    use super::syslog3339::civil;
    &[
        Case {
            line: "> [ 7093.543721] Out of memory: Killed process 28438 (java) total-vm:1kB",
            wall: Wall::None,
            uptime_us: Some(7_093_543_721),
            time_raw: "[ 7093.543721]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Out of memory: Killed process 28438 (java) total-vm:1kB",
        },
        Case {
            line: "> > Mar  5 10:18:20 node1 kernel: Mem-Info:",
            wall: Wall::Yearless {
                month: 3,
                day: 5,
                hour: 10,
                minute: 18,
                second: 20,
                micros: None,
            },
            uptime_us: None,
            time_raw: "Mar  5 10:18:20",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Mem-Info:",
        },
        Case {
            line: ">> 2024-03-05T10:18:20.120001+00:00 node1 kernel: Mem-Info:",
            wall: Wall::Zoned(civil(2024, 3, 5, (10, 18, 20), Some(120_001)), 0),
            uptime_us: None,
            time_raw: "2024-03-05T10:18:20.120001+00:00",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Mem-Info:",
        },
        // A Markdown code block.
        Case {
            line: "    Mar  5 10:18:20 node1 kernel: [   37.052923][ T9185] Mem-Info:",
            wall: Wall::Yearless {
                month: 3,
                day: 5,
                hour: 10,
                minute: 18,
                second: 20,
                micros: None,
            },
            uptime_us: Some(37_052_923),
            time_raw: "Mar  5 10:18:20",
            host: Some("node1"),
            origin: Kernel,
            program: Some("kernel"),
            msg: "Mem-Info:",
        },
        Case {
            line: "\t[Tue Mar  5 10:18:20 2024] Mem-Info:",
            wall: Wall::Local(civil(2024, 3, 5, (10, 18, 20), None)),
            uptime_us: None,
            time_raw: "Tue Mar  5 10:18:20 2024",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        // A code block inside a quote; a tab-indented raw dmesg line with a caller id.
        Case {
            line: ">     [ 7093.543721] Mem-Info:",
            wall: Wall::None,
            uptime_us: Some(7_093_543_721),
            time_raw: "[ 7093.543721]",
            host: None,
            origin: Kernel,
            program: None,
            msg: "Mem-Info:",
        },
        Case {
            line: "\t[   37.052923][ T9185]  dump_stack_lvl+0x44/0x5c",
            wall: Wall::None,
            uptime_us: Some(37_052_923),
            time_raw: "[   37.052923]",
            host: None,
            origin: Kernel,
            program: None,
            msg: " dump_stack_lvl+0x44/0x5c",
        },
        // A quoted line without a stamp is bare text, its own indent kept.
        Case {
            line: ">  dump_stack+0x6d/0x8b",
            wall: Wall::None,
            uptime_us: None,
            time_raw: "",
            host: None,
            origin: Unknown,
            program: None,
            msg: " dump_stack+0x6d/0x8b",
        },
        Case {
            line: "> [root@node ~]# journalctl -k",
            wall: Wall::None,
            uptime_us: None,
            time_raw: "",
            host: None,
            origin: Unknown,
            program: None,
            msg: "[root@node ~]# journalctl -k",
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
        // Indented kernel text stays bare (parse_line's last resort), with its indent.
        for l in [
            "  dump_stack+0x6d/0x8b",
            "                            active_file:578569 inactive_file:1353156",
            " ? asm_exc_page_fault+0x8/0x30",
            "$ dmesg",
            "[root@node ~]# journalctl -k",
            "",
        ] {
            assert!(super::parse(l.as_bytes()).is_none(), "{l}");
        }
    }
}
