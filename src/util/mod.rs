//! Small helpers every stage may use: error wording, number parsing, escaping,
//! limits. Uses only `model` and `clock`.
//!
//! The layering (checked by `../shared/tools/layering`), foundations first:
//! `model`, `clock`, `util`, `source` → `bundle` → `envelope` → `kernel`, `userspace`,
//! `k8s` → `scan` → `analysis` → `report`; the glue (`lib`, `main`, `cli`, `progress`)
//! may use everything.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

/// `524288` kB → `512.0 MiB`; below 1 MiB in whole KiB.
pub fn human_kb(kb: u64) -> String {
    const UNITS: &[&str] = &["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = kb as f64;
    let mut unit = "KiB";
    for u in UNITS.iter().skip(1) {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    if unit == "KiB" {
        format!("{kb} KiB")
    } else {
        format!("{v:.1} {unit}")
    }
}

/// An I/O error as a short reason for a one-line message.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
