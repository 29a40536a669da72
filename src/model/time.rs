//! Times as the logs gave them: the envelope's wall-clock part and the uptime, kept
//! raw until the analysis resolves them.

use crate::clock::Civil;

/// The wall-clock part of a record's timestamp, as the envelope printed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wall {
    /// No wall-clock time (raw dmesg, a bare kernel line, a continuation line).
    None,
    /// Month, day and time without a year (RFC 3164 syslog, journalctl short).
    Yearless {
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        micros: Option<u32>,
    },
    /// A full local time without a zone (`dmesg -T`).
    Local(Civil),
    /// A full time with a known UTC offset in seconds (RFC 3339, journal).
    Zoned(Civil, i32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub wall: Wall,
    pub uptime_us: Option<u64>,
}

impl Default for Stamp {
    fn default() -> Self {
        Stamp {
            wall: Wall::None,
            uptime_us: None,
        }
    }
}
