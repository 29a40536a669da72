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
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Short literals, each a part of some anchor, that together cover every anchor
/// (`kernel` and userspace; a test checks it). Searching for these few short
/// literals is about 1.5× faster than searching for the twenty anchors themselves
/// (Teddy keeps them apart in its buckets; measured in docs/PERFORMANCE.md); the
/// rare line that holds one is then checked for a real anchor.
const COVER: &[&str] = &[
    "oom",
    "OOM",
    "Kill",
    "limit of",
    "cgroup stats",
    "memory: usage",
    "Out of memory",
    "deadlocked on memory",
    "eviction_manager",
    // A boot's first line: kills before and after it are of different boots.
    "Linux version",
];

/// journal JSON also stores non-UTF-8 messages as byte arrays, invisible to the anchors.
const JSON_BYTES: &str = "\"MESSAGE\":[";
/// The same in `-o json-pretty`.
const PRETTY_BYTES: &str = "\"MESSAGE\" : [";

fn alternation<'a>(lits: impl Iterator<Item = &'a &'a str>) -> Regex {
    let pat = lits.map(|s| regex::escape(s)).collect::<Vec<_>>().join("|");
    Regex::new(&pat).expect("static prefilter")
}

/// Every anchor, kernel and userspace.
fn anchors() -> impl Iterator<Item = &'static &'static str> {
    crate::kernel::anchors().chain(crate::userspace::ANCHORS)
}

struct Prefilter {
    cover: aho_corasick::AhoCorasick,
    anchors: Regex,
}

impl Prefilter {
    fn new(extra: &'static [&'static str]) -> Self {
        Prefilter {
            cover: aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(COVER.iter().chain(extra))
                .expect("static prefilter"),
            anchors: alternation(anchors().chain(extra)),
        }
    }

    /// The first anchor in `hay`: a cover hit whose line holds an anchor.
    fn find(&self, hay: &[u8]) -> Option<usize> {
        let mut from = 0;
        while let Some(m) = self
            .cover
            .find(aho_corasick::Input::new(hay).span(from..hay.len()))
        {
            // `from <= m.start() <= hay.len()`, so `from <= start <= m.start() <= end`.
            let (before, after) = hay.split_at_checked(m.start())?;
            let start = before
                .get(from..)
                .and_then(|b| memchr::memrchr(b'\n', b))
                .map_or(from, |i| from + i + 1);
            let end = memchr::memchr(b'\n', after).map_or(hay.len(), |i| m.start() + i);
            if let Some(a) = hay.get(start..end).and_then(|l| self.anchors.find(l)) {
                return Some(start + a.start());
            }
            from = end;
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
