//! How a line was recorded: the envelope around a kernel message.
//!
//! A kernel OOM report reaches a support engineer wrapped in one of many envelopes:
//! syslog (RFC 3164 and RFC 3339), `dmesg` (raw uptime, `-T`), `/dev/kmsg` records,
//! journald exports (short, short-iso, short-precise, JSON, export), console
//! captures, a hypervisor's guest log. This module strips the envelope and hands on a
//! [`Record`]: when it was logged, by which host and program, and the message itself.
//! What the kernel *said* is the `kernel` module's business; the two are independent,
//! so a new envelope and a new kernel line variant are separate small additions.
//!
//! Line-oriented envelopes are one file each ([`syslog3164`], [`syslog3339`],
//! [`journal_short_full`], [`vmware`], [`dmesg`], [`dmesg_t`], [`kmsg`], [`priority`],
//! [`console`], [`bare`]; shared pieces in [`fields`]), tried in order by
//! [`line::parse_line`] from the registry [`line::ENVELOPES`]; journald's
//! record-oriented exports (JSON, export) are in [`journal`].

pub mod bare;
pub mod console;
pub mod dmesg;
pub mod dmesg_t;
pub mod fields;
pub mod journal;
pub mod journal_file;
pub mod journal_short_full;
pub mod kmsg;
pub mod line;
pub mod priority;
pub mod syslog3164;
pub mod syslog3339;
pub mod vmware;

use std::borrow::Cow;

pub use crate::model::Wall;

/// Who wrote the record, as far as the envelope tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The kernel (syslog program `kernel`, dmesg, kmsg, journal `_TRANSPORT=kernel`).
    Kernel,
    /// A userspace program (`systemd[1]`, `dockerd`, `kubelet`, …).
    Userspace,
    /// No program named (a bare line, a continuation line): may be kernel text.
    Unknown,
}

/// One logged message with its envelope removed. Borrowed from the scanned buffer
/// wherever the message was stored verbatim.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    pub wall: Wall,
    /// Kernel uptime in microseconds (`[  123.456789]`, kmsg, journal monotonic).
    pub uptime_us: Option<u64>,
    /// The timestamp text as printed (empty when the record has none).
    pub time_raw: Cow<'a, str>,
    pub host: Option<&'a str>,
    pub origin: Origin,
    /// The program that logged it (`kubelet`, `systemd-oomd`, …), when the envelope names one.
    pub program: Option<&'a str>,
    /// The message, without envelope, priority or uptime prefixes.
    pub msg: Cow<'a, [u8]>,
}

impl Record<'_> {
    /// True when the record carries any timestamp (a continuation line does not).
    pub fn has_time(&self) -> bool {
        self.wall != Wall::None || self.uptime_us.is_some()
    }

    /// May this record be kernel text?
    pub fn maybe_kernel(&self) -> bool {
        self.origin != Origin::Userspace
    }
}

/// The record layout of a whole file, decided from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// One record per line, each line's envelope recognized on its own.
    Lines,
    /// `journalctl -o json`: one JSON object per line.
    JournalJson,
    /// `journalctl -o export`: `KEY=value` lines, records separated by a blank line.
    JournalExport,
}

impl FileFormat {
    /// Decides the layout from the start of a file.
    pub fn sniff(head: &[u8]) -> FileFormat {
        let first = head
            .split(|&b| b == b'\n')
            .find(|l| !l.iter().all(u8::is_ascii_whitespace))
            .unwrap_or(b"");
        let t = first.trim_ascii_start();
        if t.starts_with(b"{")
            && (contains(t, b"\"MESSAGE\"") || contains(t, b"\"__REALTIME_TIMESTAMP\""))
        {
            FileFormat::JournalJson
        } else if t.starts_with(b"__CURSOR=") || t.starts_with(b"__REALTIME_TIMESTAMP=") {
            FileFormat::JournalExport
        } else {
            FileFormat::Lines
        }
    }
}

pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_file_layouts() {
        assert_eq!(
            FileFormat::sniff(b"{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"x\"}\n"),
            FileFormat::JournalJson
        );
        assert_eq!(
            FileFormat::sniff(b"__CURSOR=s=739a\n__REALTIME_TIMESTAMP=1\n"),
            FileFormat::JournalExport
        );
        assert_eq!(
            FileFormat::sniff(b"\nJun 23 11:24:34 host kernel: x\n"),
            FileFormat::Lines
        );
    }
}
