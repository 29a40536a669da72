//! Anything else: the whole line is the message (bare kernel text, continuation
//! lines of a multi-line printk, task-table rows), with origin unknown and no time.
//! Always matches, so it is the registry's last entry.

use super::{Origin, Record, Wall};
use std::borrow::Cow;

pub fn parse(line: &[u8]) -> Option<Record<'_>> {
    Some(record(line))
}

pub fn record(line: &[u8]) -> Record<'_> {
    Record {
        wall: Wall::None,
        uptime_us: None,
        time_raw: Cow::Borrowed(""),
        host: None,
        origin: Origin::Unknown,
        program: None,
        msg: Cow::Borrowed(line),
    }
}

#[cfg(test)]
pub(crate) const CASES: &[super::line::Case] = {
    use super::line::Case;
    const fn bare(line: &'static str) -> Case {
        Case {
            line,
            wall: Wall::None,
            uptime_us: None,
            time_raw: "",
            host: None,
            origin: Origin::Unknown,
            program: None,
            msg: line,
        }
    }
    &[
        bare("                            active_file:578569 inactive_file:1353156"),
        bare("sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0"),
        bare("[  273]     0   273     4869       50      13        0             0 upstart"),
        bare("Jun 32 11:24:34 host kernel: not a date"),
        bare("2024-03-05"),
        bare("<kern.warning> x"),
        // journalctl -o cat: the message only.
        bare(
            "Out of memory: Killed process 9185 (stress-ng) total-vm:15680016kB, anon-rss:15559604kB, file-rss:836kB, shmem-rss:0kB, UID:1000 pgtables:30720kB oom_score_adj:1000",
        ),
        bare(""),
    ]
};

#[cfg(test)]
mod tests {
    #[test]
    fn cases() {
        super::super::line::check(super::parse, super::CASES);
    }
}
