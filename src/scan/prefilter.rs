//! The prefilter: where in a buffer an OOM region (or a userspace death report) may
//! start. Its anchors are the kernel's (`kernel::anchors()`, one list per line variant) and userspace's
//! (`userspace::ANCHORS`); it searches for a few short cover literals and checks each
//! hit's line for a real anchor.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::envelope::FileFormat;
use std::sync::LazyLock;

/// Short literals, each a part of some anchor, that together cover every anchor
/// (`kernel` and userspace; a test checks it). Searching for these few short
/// literals is about 1.5× faster than searching for the twenty anchors themselves
/// (Teddy keeps them apart in its buckets; measured in docs/PERFORMANCE.md); the
/// rare line that holds one is then checked for a real anchor.
///
/// Teddy fingerprints each literal by its first three bytes, and every position whose
/// bytes match a fingerprint is verified, so a literal must *start* with bytes that
/// are rare in logs: `mem`, `dea` and `evi` (memory, dead, device) or `Killing`
/// (kubelet's `Killing container`, thousands a day) made it verify every few hundred
/// bytes. Hence `ry: usage` for `memory: usage`, `dlocked on` for `deadlocked on
/// memory`, `n_manager` for `eviction_manager`, and `Kill ` / `Killed` rather than
/// `Kill` (docs/PERFORMANCE.md, *Fourth pass*: 7.8 → 16.6 GB/s on one core).
const COVER: &[&str] = &[
    "oom",
    "OOM",
    "Kill ",
    "Killed",
    "limit of",
    "cgroup stats",
    "ry: usage",
    "Out of memory",
    "dlocked on",
    "n_manager",
    // A boot's first line: kills before and after it are of different boots.
    "Linux version",
];

/// journal JSON also stores non-UTF-8 messages as byte arrays, invisible to the anchors.
const JSON_BYTES: &str = "\"MESSAGE\":[";
/// The same in `-o json-pretty`.
const PRETTY_BYTES: &str = "\"MESSAGE\" : [";

/// Every anchor, kernel and userspace.
fn anchors() -> impl Iterator<Item = &'static &'static str> {
    crate::kernel::anchors().chain(crate::userspace::ANCHORS)
}

struct Prefilter {
    cover: aho_corasick::AhoCorasick,
    /// Per cover literal (by its pattern id), the anchors that hold it, as searchers
    /// built once: a hit's line is checked for those few anchors only (a regex of
    /// every anchor cost a lazy-DFA search per hit; `Killing container` lines alone
    /// give thousands of `Kill` hits).
    anchors: Vec<Vec<memchr::memmem::Finder<'static>>>,
}

impl Prefilter {
    fn new(extra: &'static [&'static str]) -> Self {
        let covers: Vec<&'static str> = COVER.iter().chain(extra).copied().collect();
        Prefilter {
            cover: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(&covers)
                .expect("static prefilter"),
            anchors: covers
                .iter()
                .map(|c| {
                    anchors()
                        .chain(extra)
                        .filter(|a| a.contains(c))
                        .map(|a| memchr::memmem::Finder::new(a.as_bytes()))
                        .collect()
                })
                .collect(),
        }
    }

    /// The first anchor in `hay`: a cover hit whose line holds an anchor with that
    /// cover literal in it (every anchor holds one, and no cover literal starts
    /// another, so each anchor's literal is a hit of its own: tests below).
    fn find(&self, hay: &[u8]) -> Option<usize> {
        let mut from = 0;
        // The line of the last hit, `hay[start..end]`.
        let (mut start, mut end) = (0usize, 0usize);
        while let Some(m) = self
            .cover
            .find(aho_corasick::Input::new(hay).span(from..hay.len()))
        {
            if m.start() >= end {
                // `end <= m.start() <= hay.len()`: a new line, its start searched back
                // only to the last line's end.
                let floor = end.min(m.start());
                start = hay
                    .get(floor..m.start())
                    .and_then(|b| memchr::memrchr(b'\n', b))
                    .map_or(floor, |i| floor + i + 1);
                end = hay
                    .get(m.start()..)
                    .and_then(|a| memchr::memchr(b'\n', a))
                    .map_or(hay.len(), |i| m.start() + i);
            }
            let line = hay.get(start..end).unwrap_or_default();
            let found = self
                .anchors
                .get(m.pattern().as_usize())
                .into_iter()
                .flatten()
                .filter_map(|f| f.find(line))
                .min();
            if let Some(a) = found {
                return Some(start + a);
            }
            from = m.start() + 1;
        }
        None
    }
}

static LINES: LazyLock<Prefilter> = LazyLock::new(|| Prefilter::new(&[]));
static JSON: LazyLock<Prefilter> = LazyLock::new(|| Prefilter::new(&[JSON_BYTES]));
static PRETTY: LazyLock<Prefilter> = LazyLock::new(|| Prefilter::new(&[PRETTY_BYTES]));

/// Finds the next possible OOM region in `hay`: the offset of the first anchor.
pub fn prefilter(format: FileFormat, hay: &[u8]) -> Option<usize> {
    match format {
        FileFormat::JournalJson | FileFormat::JournalJsonSeq => JSON.find(hay),
        FileFormat::JournalJsonPretty => PRETTY.find(hay),
        _ => LINES.find(hay),
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn cover_literals_cover_every_anchor() {
        for a in anchors() {
            assert!(
                COVER.iter().any(|c| a.contains(c)),
                "{a} has no cover literal"
            );
        }
    }

    /// At each position at most one cover literal can match, so the hit reported there
    /// is the literal of any anchor starting its literal there.
    #[test]
    fn no_cover_literal_starts_another() {
        let all: Vec<&str> = COVER
            .iter()
            .chain([&JSON_BYTES, &PRETTY_BYTES])
            .copied()
            .collect();
        for a in &all {
            for b in &all {
                assert!(a == b || !b.starts_with(a), "{a:?} starts {b:?}");
            }
        }
    }

    /// An anchor whose cover literal comes after another cover hit in the same line
    /// (`oom` before `Killed process`) is still found, at its own start.
    #[test]
    fn every_hit_of_a_line_is_checked() {
        let hay = b"Jan 1 h app: zoom out\nJan 1 h kernel: [oom] Killed process 42 (java)\n";
        let at = prefilter(FileFormat::Lines, hay).unwrap();
        assert!(hay[at..].starts_with(b"Killed process"), "{at}");
        // Each anchor alone in a line of noise is found.
        for a in anchors() {
            let line = format!("Jan 1 h x: zoom Kill-switch room {a} tail\n");
            let at = prefilter(FileFormat::Lines, line.as_bytes()).unwrap_or_else(|| panic!("{a}"));
            assert!(
                line[at..].contains(a) || line[..at + a.len()].contains(a),
                "{a}: {at}"
            );
        }
    }

    #[test]
    fn prefilter_checks_cover_hits_for_anchors() {
        let hay = b"Jan 1 h app: the room is full\nJan 1 h app: Kill switch\nJan 1 h kernel: x invoked oom-killer: gfp_mask=0x0\n";
        let at = prefilter(FileFormat::Lines, hay).unwrap();
        assert!(hay[at..].starts_with(b"invoked oom-killer"));
        assert_eq!(prefilter(FileFormat::Lines, &hay[..60]), None);
        let json = br#"{"MESSAGE":[75,105]}"#;
        assert_eq!(prefilter(FileFormat::JournalJson, json), Some(1));
        assert_eq!(prefilter(FileFormat::Lines, json), None);
    }
}
