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

/// Where a resolved time (`events[].time`, `other_deaths[].time`) came from: how much
/// of it the logs said and what the analysis supplied (`docs/json-schema.md`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum TimeSource {
    /// Logged with its zone (RFC 3339 syslog, the journal, a Kubernetes API time).
    Zoned,
    /// Logged as a full local time; the zone is the node's (from its `date` output).
    NodeZone,
    /// Logged as a full local time (`dmesg -T`) and the node's zone is not known: the
    /// time is shown without an offset.
    Local,
    /// A year-less syslog time whose year is the bundle's: its collection date, or
    /// the latest date its other files' names or journal headers tell.
    BundleDate,
    /// A year-less syslog time whose year is the file's own: its rotated name
    /// (`messages-20240102`) or its journal export's header.
    RotationName,
    /// A year-less syslog time whose year is the file's modification time.
    FileTime,
    /// A year-less syslog time whose year is `--reference-date`'s.
    ReferenceDate,
    /// A kernel uptime plus the node's boot time.
    Boot,
    /// No wall-clock time is known.
    #[default]
    None,
}

impl TimeSource {
    /// The JSON string.
    pub const fn as_str(self) -> &'static str {
        match self {
            TimeSource::Zoned => "zoned",
            TimeSource::NodeZone => "node_zone",
            TimeSource::Local => "local",
            TimeSource::BundleDate => "bundle_date",
            TimeSource::RotationName => "rotation_name",
            TimeSource::FileTime => "file_time",
            TimeSource::ReferenceDate => "reference_date",
            TimeSource::Boot => "boot",
            TimeSource::None => "none",
        }
    }

    /// How far a time of this source can be trusted, for choosing among copies of one
    /// kill: a logged zone, the node's zone, an uptime on a known boot start (exact but
    /// for the clock's drift since boot), a year from the user's date, the file's name
    /// or the bundle's date, and last a time without zone or a year from a file's time.
    pub const fn trust(self) -> u8 {
        match self {
            TimeSource::Zoned => 8,
            TimeSource::NodeZone => 7,
            TimeSource::Boot => 6,
            TimeSource::ReferenceDate => 5,
            TimeSource::RotationName => 4,
            TimeSource::BundleDate => 3,
            TimeSource::Local => 2,
            TimeSource::FileTime => 1,
            TimeSource::None => 0,
        }
    }

    /// A short note to show beside a time whose source is worth telling (`None` for a
    /// time logged with its zone or in the node's known zone, and for no time).
    pub const fn note(self) -> Option<&'static str> {
        match self {
            TimeSource::Zoned | TimeSource::NodeZone | TimeSource::None => None,
            TimeSource::Local => Some("local, zone unknown"),
            TimeSource::BundleDate => Some("year from collection date"),
            TimeSource::RotationName => Some("year from rotated name/journal header"),
            TimeSource::FileTime => Some("year from file time"),
            TimeSource::ReferenceDate => Some("year from --reference-date"),
            TimeSource::Boot => Some("from uptime + boot time"),
        }
    }
}

/// A resolved time: the wall-clock time as shown, the zone it is shown in, and the
/// instant it orders by. Serializes exactly as the text it shows
/// (`2024-03-05T10:18:20.120001+00:00`, or without offset when the zone is unknown).
///
/// Order is by instant: a time with an offset by its UTC instant, a time whose zone is
/// unknown as if it were UTC (the analysis gives local times the node's zone whenever
/// it is known); equal instants order by offset, then text, so the order is total.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    civil: Civil,
    offset: Option<i32>,
    /// Held in line when short (a local time's 19 bytes; issue 16).
    text: super::event::Text,
}

impl Timestamp {
    /// A time with a known UTC offset (seconds east of UTC).
    pub fn zoned(civil: Civil, offset_secs: i32) -> Timestamp {
        Timestamp {
            text: super::event::Text::new(civil.rfc3339_with_offset(offset_secs)),
            civil,
            offset: Some(offset_secs),
        }
    }

    /// A local time whose zone is not known.
    pub fn local(civil: Civil) -> Timestamp {
        Timestamp {
            text: super::event::Text::new(civil.rfc3339_local()),
            civil,
            offset: None,
        }
    }

    /// `civil` in `offset`'s zone when known, else as a local time.
    pub fn in_zone(civil: Civil, offset: Option<i32>) -> Timestamp {
        match offset {
            Some(o) => Timestamp::zoned(civil, o),
            None => Timestamp::local(civil),
        }
    }

    /// An instant in UTC microseconds, shown in UTC (`+00:00`), with its fraction when
    /// `keep_fraction`.
    pub fn from_utc_micros(micros: i64, keep_fraction: bool) -> Timestamp {
        Timestamp::zoned(Civil::from_utc_micros(micros, keep_fraction), 0)
    }

    /// Reads an RFC 3339 / ISO 8601 time as this type writes it (and as Kubernetes
    /// objects give it); `None` when `s` is not one.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let (civil, offset, used) = crate::clock::parse_iso(s.as_bytes())?;
        (used == s.len() && civil.is_valid()).then(|| Timestamp::in_zone(civil, offset))
    }

    /// A time as a Kubernetes object or event gives it (RFC 3339, trailing text
    /// ignored); without an offset it is UTC, as the API writes times.
    pub fn from_api(s: &str) -> Option<Timestamp> {
        let (civil, offset, _) = crate::clock::parse_iso(s.as_bytes())?;
        civil
            .is_valid()
            .then(|| Timestamp::zoned(civil, offset.unwrap_or(0)))
    }

    /// The wall-clock time as shown.
    pub fn civil(&self) -> Civil {
        self.civil
    }

    /// The UTC offset in seconds it is shown with; `None` when the zone is unknown.
    pub fn offset(&self) -> Option<i32> {
        self.offset
    }

    /// Microseconds since the epoch: UTC when the offset is known, else the local
    /// wall-clock time read as if it were UTC.
    pub fn instant_us(&self) -> i64 {
        self.civil.as_utc_micros() - i64::from(self.offset.unwrap_or(0)) * 1_000_000
    }

    /// The text as shown and serialized.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl std::ops::Deref for Timestamp {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.instant_us(), self.offset, &self.text).cmp(&(
            other.instant_us(),
            other.offset,
            &other.text,
        ))
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn civil(h: u8, m: u8) -> Civil {
        Civil {
            year: 2024,
            month: 3,
            day: 5,
            hour: h,
            minute: m,
            second: 0,
            micros: None,
        }
    }

    #[test]
    fn orders_by_instant_not_text() {
        // 11:18+01:00 is 10:18Z: before 10:30+00:00, though its text sorts after.
        let a = Timestamp::zoned(civil(10, 30), 0);
        let b = Timestamp::zoned(civil(11, 18), 3600);
        assert!(b < a);
        assert!(b.as_str() > a.as_str());
        // A local time of unknown zone orders as UTC.
        let c = Timestamp::local(civil(10, 20));
        assert!(b < c && c < a);
    }

    #[test]
    fn serializes_as_shown_and_reads_back() {
        let t = Timestamp::zoned(
            Civil {
                micros: Some(120_001),
                ..civil(10, 18)
            },
            -18_000,
        );
        let j = serde_json::to_string(&t).unwrap();
        assert_eq!(j, "\"2024-03-05T10:18:00.120001-05:00\"");
        let back: Timestamp = serde_json::from_str(&j).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.instant_us(), t.instant_us());
        let local: Timestamp = serde_json::from_str("\"2024-03-05T10:18:00\"").unwrap();
        assert_eq!(local.offset(), None);
        assert_eq!(local.as_str(), "2024-03-05T10:18:00");
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
        assert!(Timestamp::parse("2024-02-30T10:00:00Z").is_none());
    }
}
