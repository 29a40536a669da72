//! Calendar arithmetic for log timestamps: civil dates, epoch conversion, month
//! names (English and the common localized abbreviations journald and `dmesg -T`
//! print), and RFC 3339 rendering.
//!
//! Nothing here reads the analyzing machine's clock: every instant comes from the
//! logs or the bundle, and a missing syslog year is resolved against a reference date
//! the caller supplies.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::fmt::Write as _;

/// A wall-clock date and time with no zone attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Civil {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// Sub-second part in microseconds, when the log printed one.
    pub micros: Option<u32>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // reason: the algorithm keeps `doy` in 0..=365 and `mp` in 0..=11, so the day is
    // 1..=31 and the month 1..=12.
    #[allow(clippy::cast_possible_truncation)]
    let (d, m) = (
        (doy - (153 * mp + 2) / 5 + 1) as u8,
        if mp < 10 { mp + 3 } else { mp - 9 } as u8,
    );
    let y = y + i64::from(m <= 2);
    // Years past i32 are not log times; saturate rather than wrap.
    let y = i32::try_from(y).unwrap_or(if y < 0 { i32::MIN } else { i32::MAX });
    (y, m, d)
}

impl Civil {
    /// Seconds since the epoch, reading this wall time as UTC.
    pub fn as_utc_seconds(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }

    /// Microseconds since the epoch, reading this wall time as UTC.
    pub fn as_utc_micros(&self) -> i64 {
        self.as_utc_seconds() * 1_000_000 + i64::from(self.micros.unwrap_or(0))
    }

    /// The wall time `micros` microseconds after the epoch in UTC.
    pub fn from_utc_micros(micros: i64, keep_fraction: bool) -> Civil {
        let secs = micros.div_euclid(1_000_000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // reason: rem_euclid keeps the fraction in 0..1_000_000 and `sod` in 0..86_400,
        // so hour < 24, minute < 60 and second < 60.
        #[allow(clippy::cast_possible_truncation)]
        let (frac, hour, minute, second) = (
            micros.rem_euclid(1_000_000) as u32,
            (sod / 3600) as u8,
            ((sod % 3600) / 60) as u8,
            (sod % 60) as u8,
        );
        Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micros: keep_fraction.then_some(frac),
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
    pub fn rfc3339_local(&self) -> String {
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if let Some(us) = self.micros {
            let _ = write!(s, ".{us:06}");
        }
        s
    }

    /// RFC 3339 with a numeric offset (`Z` is written `+00:00`).
    pub fn rfc3339_with_offset(&self, offset_secs: i32) -> String {
        let mut s = self.rfc3339_local();
        let sign = if offset_secs < 0 { '-' } else { '+' };
        let a = offset_secs.unsigned_abs();
        let _ = write!(s, "{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60);
        s
    }

    /// Plausibility check of the fields (a parsed stamp that fails this is not a stamp).
    pub fn is_valid(&self) -> bool {
        (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second <= 60
    }
}

pub fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Month number of a month name as syslog, journald and `dmesg -T` print it, in
/// English or a common locale (French, German, Spanish, Italian, Portuguese, Dutch).
/// Case-insensitive; a trailing `.` is ignored.
pub fn month_from_name(name: &[u8]) -> Option<u8> {
    let s = std::str::from_utf8(name).ok()?.trim_end_matches('.');
    if s.is_empty() || s.len() > 12 {
        return None;
    }
    let lower = s.to_lowercase();
    const TABLE: &[(&str, u8)] = &[
        ("jan", 1),
        ("january", 1),
        ("janv", 1),
        ("janvier", 1),
        ("januar", 1),
        ("jän", 1),
        ("ene", 1),
        ("enero", 1),
        ("gen", 1),
        ("feb", 2),
        ("february", 2),
        ("févr", 2),
        ("fevr", 2),
        ("février", 2),
        ("februar", 2),
        ("febrero", 2),
        ("fev", 2),
        ("mar", 3),
        ("march", 3),
        ("mars", 3),
        ("märz", 3),
        ("mär", 3),
        ("marzo", 3),
        ("mrt", 3),
        ("apr", 4),
        ("april", 4),
        ("avr", 4),
        ("avril", 4),
        ("abr", 4),
        ("abril", 4),
        ("may", 5),
        ("mai", 5),
        ("mayo", 5),
        ("mag", 5),
        ("mei", 5),
        ("jun", 6),
        ("june", 6),
        ("juin", 6),
        ("juni", 6),
        ("junio", 6),
        ("giu", 6),
        ("jul", 7),
        ("july", 7),
        ("juil", 7),
        ("juillet", 7),
        ("juli", 7),
        ("julio", 7),
        ("lug", 7),
        ("aug", 8),
        ("august", 8),
        ("août", 8),
        ("aout", 8),
        ("ago", 8),
        ("agosto", 8),
        ("sep", 9),
        ("sept", 9),
        ("september", 9),
        ("septembre", 9),
        ("set", 9),
        ("septiembre", 9),
        ("oct", 10),
        ("october", 10),
        ("octobre", 10),
        ("okt", 10),
        ("oktober", 10),
        ("octubre", 10),
        ("ott", 10),
        ("out", 10),
        ("nov", 11),
        ("november", 11),
        ("novembre", 11),
        ("noviembre", 11),
        ("dec", 12),
        ("december", 12),
        ("déc", 12),
        ("décembre", 12),
        ("dez", 12),
        ("dezember", 12),
        ("dic", 12),
        ("diciembre", 12),
    ];
    TABLE.iter().find(|(n, _)| *n == lower).map(|&(_, m)| m)
}

/// Hour, minute, second and optional microseconds.
pub type Hms = (u8, u8, u8, Option<u32>);

/// Parses `HH:MM:SS[.frac]` at the start of `b`; returns the fields and the bytes used.
pub fn parse_hms(b: &[u8]) -> Option<(Hms, usize)> {
    let [h1, h2, b':', m1, m2, b':', s1, s2, rest @ ..] = b else {
        return None;
    };
    let h = two_digits(*h1, *h2)?;
    let m = two_digits(*m1, *m2)?;
    let s = two_digits(*s1, *s2)?;
    let mut used = 8;
    let mut micros = None;
    if let [b'.' | b',', frac @ ..] = rest
        && frac.first().is_some_and(u8::is_ascii_digit)
    {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        micros = Some(frac_to_micros(frac));
        used = 9 + digits;
    }
    (h < 24 && m < 60 && s <= 60).then_some(((h, m, s, micros), used))
}

/// Fractional-second digits (any count) as microseconds, truncated; reading stops
/// at the first byte that is not a digit.
pub fn frac_to_micros(digits: &[u8]) -> u32 {
    let mut v: u32 = 0;
    let mut it = digits.iter().take_while(|c| c.is_ascii_digit());
    for _ in 0..6 {
        v = v * 10 + it.next().map_or(0, |d| u32::from(d - b'0'));
    }
    v
}

fn two_digits(a: u8, b: u8) -> Option<u8> {
    if a.is_ascii_digit() && b.is_ascii_digit() {
        Some((a - b'0') * 10 + (b - b'0'))
    } else {
        None
    }
}

/// Parses an unsigned decimal number.
pub fn parse_u64(b: &[u8]) -> Option<u64> {
    if b.is_empty() || b.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    Some(v)
}

/// Parses an RFC 3339 / ISO 8601 timestamp at the start of `b`
/// (`2024-03-05T10:11:12[.frac](Z|+hh:mm|+hhmm)`, a space also accepted before the
/// time). Returns the civil time, the offset if one was printed, and the bytes used.
pub fn parse_iso(b: &[u8]) -> Option<(Civil, Option<i32>, usize)> {
    let [
        y1,
        y2,
        y3,
        y4,
        b'-',
        mo1,
        mo2,
        b'-',
        d1,
        d2,
        b'T' | b' ',
        time @ ..,
    ] = b
    else {
        return None;
    };
    let year = std::str::from_utf8(&[*y1, *y2, *y3, *y4])
        .ok()?
        .parse::<i32>()
        .ok()?;
    let month = two_digits(*mo1, *mo2)?;
    let day = two_digits(*d1, *d2)?;
    let ((hour, minute, second, micros), used) = parse_hms(time)?;
    let mut pos = 11 + used;
    let mut offset = None;
    match b.get(pos) {
        Some(b'Z') => {
            offset = Some(0);
            pos += 1;
        }
        Some(&c @ (b'+' | b'-')) => {
            let (hh, mm, n) = match b.get(pos + 1..)? {
                [h1, h2, b':', m1, m2, ..] => (two_digits(*h1, *h2)?, two_digits(*m1, *m2)?, 6),
                [h1, h2, m1, m2, ..] => (two_digits(*h1, *h2)?, two_digits(*m1, *m2)?, 5),
                _ => return None,
            };
            let secs = i32::from(hh) * 3600 + i32::from(mm) * 60;
            offset = Some(if c == b'-' { -secs } else { secs });
            pos += n;
        }
        _ => {}
    }
    let civil = Civil {
        year,
        month,
        day,
        hour,
        minute,
        second,
        micros,
    };
    civil.is_valid().then_some((civil, offset, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-1000, 0, 1, 59, 365, 10_957, 19_782, 20_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2024, 3, 5), 19_787);
    }

    #[test]
    fn utc_micros_round_trip() {
        let c = Civil::from_utc_micros(1_342_540_861_416_409, true);
        assert_eq!(c.rfc3339_with_offset(0), "2012-07-17T16:01:01.416409+00:00");
        assert_eq!(c.as_utc_micros(), 1_342_540_861_416_409);
    }

    #[test]
    fn months_in_several_languages() {
        assert_eq!(month_from_name(b"Jun"), Some(6));
        assert_eq!(month_from_name(b"avril"), Some(4));
        assert_eq!(month_from_name("févr.".as_bytes()), Some(2));
        assert_eq!(month_from_name(b"Okt"), Some(10));
        assert_eq!(month_from_name(b"kernel"), None);
    }

    #[test]
    fn iso_with_offsets() {
        let (c, off, n) = parse_iso(b"2024-03-05T10:11:12.123456+00:00 host").unwrap();
        assert_eq!(
            (c.year, c.month, c.day, c.micros, off, n),
            (2024, 3, 5, Some(123_456), Some(0), 32)
        );
        let (_, off, _) = parse_iso(b"2024-03-05T10:11:12+0100 host").unwrap();
        assert_eq!(off, Some(3600));
        let (_, off, n) = parse_iso(b"2023-12-04T10:49:30.127Z In(05)").unwrap();
        assert_eq!((off, n), (Some(0), 24));
        assert!(parse_iso(b"2024-13-05T10:11:12Z").is_none());
    }

    #[test]
    fn hms_fraction() {
        let ((h, m, s, us), n) = parse_hms(b"23:17:24.5 x").unwrap();
        assert_eq!((h, m, s, us, n), (23, 17, 24, Some(500_000), 10));
    }

    #[test]
    fn short_and_non_ascii_stamps_are_not_stamps() {
        assert!(parse_hms(b"23:17:2").is_none());
        assert!(parse_hms("23:17:2é".as_bytes()).is_none());
        assert!(parse_iso(b"2024-03-05T10:11:12+01").is_none());
        assert!(parse_iso("2024-03-05T10:11:12+é".as_bytes()).is_none());
        assert!(parse_iso("20é4-03-05T10:11:12Z".as_bytes()).is_none());
        assert_eq!(frac_to_micros(b"12x9"), 120_000);
    }
}
