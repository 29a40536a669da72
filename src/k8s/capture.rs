//! Kubelet lines that name pods, kept during the one scan of any log.
//!
//! The record scanner (`scan::records`) hands this capture the bytes it skips between
//! OOM regions, window by window, while they are still in cache. The capture looks
//! for one rare literal, `podUID=` (found in the scan's newline-counting pass,
//! `scan::fused`; every structured klog line about a pod carries it:
//! `"Killing container with a grace period" pod="ns/name" podUID="…" containerName=…
//! containerID=…`, probe failures, `"Error syncing pod, skipping"`, status updates),
//! and keeps the line only while it can still tell
//! something new: the first [`LINES_PER_POD`] lines of each pod UID, and after that a
//! line only when it names a container id not seen yet (klog prints `containerName=`
//! and `containerID=` right after `podUID=`). The check costs a hash lookup per hit;
//! kept lines are parsed by [`NameIndex::kubelet_line`] once the scan is done, so
//! memory and parsing grow with the pods and containers a log names, not its size.
//!
//! Files named for kubelet (`journalctl -u kubelet`, `kubelet.log`) are also searched
//! for the older `Error syncing pod <uid> ("name_ns(uid)")` form, which carries no
//! `podUID=`; in other logs that second search would cost as much again
//! (docs/PERFORMANCE.md, *Kubelet names in the one scan*).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::names::NameIndex;
use memchr::memmem::Finder;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// Lines kept per pod UID (any line with `pod="ns/name"` names it; a few spare).
pub const LINES_PER_POD: u8 = 2;
/// At most this many bytes of one line are kept (the names come first in it).
const MAX_LINE: usize = 2048;
/// At most this many bytes of lines are kept per capture (one source part), so an
/// adversarial log with millions of distinct UIDs cannot grow memory without bound.
const MAX_KEPT: usize = 8 << 20;

/// Slots of [`KubeletCapture::full`] (a power of two).
const FULL_SLOTS: usize = 0x200;

/// Built once: [`KubeletCapture::scan_all`] runs on every non-kernel line inside a
/// block, and a searcher built per call cost ~8 ms a 512 MiB syslog.
static PODUID: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"podUID="));
static SYNCING: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"Error syncing pod"));

/// A UID or container-id prefix folded to 64 bits; already random, so hashed as is.
#[derive(Default)]
struct Fold(u64);

impl Hasher for Fold {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type Seen = HashMap<u64, u8, BuildHasherDefault<Fold>>;

/// The kubelet lines one scanned part (or stream) kept, in file order.
#[derive(Debug, Default, Clone)]
pub struct KubeletCapture {
    /// Also search for `Error syncing pod` (files named for kubelet).
    old_forms: bool,
    pods: Seen,
    /// Keys of pods with all their lines kept, direct-mapped (most hits end here).
    full: Vec<u64>,
    containers: Seen,
    lines: Vec<Vec<u8>>,
    kept: usize,
}

/// Hex digits of `b` (dashes and underscores skipped) folded into a key, up to `n`
/// digits; `None` when fewer than `min` digits come before another byte.
fn fold_hex(b: &[u8], n: usize, min: usize) -> Option<(u64, usize)> {
    let (mut k, mut digits, mut used) = (0u64, 0usize, 0usize);
    for &c in b {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b'-' | b'_' => {
                used += 1;
                continue;
            }
            _ => break,
        };
        // 16 digits fill the key; the rest are mixed in by rotation.
        k = k.rotate_left(4) ^ u64::from(v);
        digits += 1;
        used += 1;
        if digits == n {
            break;
        }
    }
    (digits >= min).then_some((k, used))
}

/// The key of the UID at the start of `b` and its length: the 36 bytes of the
/// dashed form read as four words (the common case, no per-digit work), else its
/// hex digits folded.
fn uid_key(b: &[u8]) -> Option<(u64, usize)> {
    if let Some(u) = b.get(..36)
        && u.get(8) == Some(&b'-')
        && u.get(23) == Some(&b'-')
    {
        let word = |at: usize| {
            u.get(at..at + 8)
                .and_then(|w| <[u8; 8]>::try_from(w).ok())
                .map_or(0, u64::from_le_bytes)
        };
        let k =
            word(0) ^ word(9).rotate_left(16) ^ word(19).rotate_left(32) ^ word(28).rotate_left(48);
        return Some((k, 36));
    }
    fold_hex(b, 32, 32)
}

/// The key of a container id at the start of `b`: its first 16 bytes read as two
/// words when they are hex digits (a full id has 64; no per-digit work, whose
/// digit-or-letter branch the CPU cannot predict), else its hex digits folded (at
/// least 12, as `crictl ps` shortens them).
fn id_key(b: &[u8]) -> Option<u64> {
    if let Some(w) = b.get(..16)
        && w.iter().all(u8::is_ascii_hexdigit)
    {
        let word = |at: usize| {
            w.get(at..at + 8)
                .and_then(|w| <[u8; 8]>::try_from(w).ok())
                .map_or(0, u64::from_le_bytes)
        };
        return Some(word(0) ^ word(8).rotate_left(29));
    }
    fold_hex(b, 64, 12).map(|(k, _)| k)
}

impl KubeletCapture {
    /// A capture for a source; `kubelet_file` when its path names kubelet.
    pub fn new(kubelet_file: bool) -> KubeletCapture {
        KubeletCapture {
            old_forms: kubelet_file,
            ..KubeletCapture::default()
        }
    }

    /// Looks at complete lines `hay` (skipped by the OOM prefilter), given the offsets
    /// of `podUID=` in it (found by the scan's own pass over them).
    pub fn scan(&mut self, hay: &[u8], pod_uid_at: &[usize]) {
        if !self.old_forms {
            for &hit in pod_uid_at {
                self.pod_uid_hit(hay, hit);
            }
            return;
        }
        // Both kinds of hit in file order, so a line holding both is kept once (two
        // hits of one line are neighbours) and counted once when parts are joined.
        let mut syncing = SYNCING.find_iter(hay).peekable();
        let mut pods = pod_uid_at.iter().copied().peekable();
        loop {
            let pod_first = match (pods.peek(), syncing.peek()) {
                (None, None) => break,
                (Some(p), Some(s)) => p < s,
                (p, _) => p.is_some(),
            };
            if pod_first {
                if let Some(p) = pods.next() {
                    self.pod_uid_hit(hay, p);
                }
            } else if let Some(s) = syncing.next() {
                self.keep(hay, s);
            }
        }
    }

    fn pod_uid_hit(&mut self, hay: &[u8], hit: usize) {
        let after = hay.get(hit + 7..).unwrap_or_default();
        let q = usize::from(after.first() == Some(&b'"'));
        let Some((uid, used)) = after.get(q..).and_then(uid_key) else {
            return;
        };
        let slot = usize::from((uid & 0x1ff) as u16);
        if self.full.get(slot) != Some(&uid) {
            let n = self.pods.entry(uid).or_insert(0);
            if *n < LINES_PER_POD {
                *n += 1;
                self.keep(hay, hit);
                return;
            }
            if self.full.is_empty() {
                self.full = vec![0; FULL_SLOTS];
            }
            if let Some(s) = self.full.get_mut(slot) {
                *s = uid;
            }
        }
        // Enough lines for this pod: keep one only for a container id not seen yet,
        // which klog prints right after the UID: `containerName="…" containerID="…"`.
        let Some(name) = after
            .get(q + used + q..)
            .and_then(|r| r.strip_prefix(b" containerName=\""))
        else {
            return;
        };
        let Some(id) = memchr::memchr(b'"', name.get(..name.len().min(256)).unwrap_or(name))
            .and_then(|i| name.get(i + 1..))
            .and_then(|r| r.strip_prefix(b" containerID="))
        else {
            return;
        };
        let id = id.strip_prefix(b"\"").unwrap_or(id);
        // `containerd://`, `cri-o://`, `docker://`.
        let id = memchr::memchr(b':', id.get(..id.len().min(16)).unwrap_or(id))
            .and_then(|i| id.get(i..))
            .and_then(|r| r.strip_prefix(b"://"))
            .unwrap_or(id);
        if let Some(key) = id_key(id)
            && !self.containers.contains_key(&key)
        {
            self.containers.insert(key, 1);
            self.keep(hay, hit);
        }
    }

    fn keep(&mut self, hay: &[u8], at: usize) {
        if self.kept >= MAX_KEPT {
            return;
        }
        let (before, after) = hay.split_at_checked(at).unwrap_or((hay, &[]));
        let start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', after).map_or(hay.len(), |i| at + i);
        let line = hay.get(start..end).unwrap_or_default();
        let line = line.get(..MAX_LINE).unwrap_or(line);
        if self.lines.last().is_some_and(|l| l.as_slice() == line) {
            return; // two hits on one line
        }
        self.kept += line.len();
        self.lines.push(line.to_vec());
    }

    /// [`KubeletCapture::scan`], finding the `podUID=` offsets itself.
    pub fn scan_all(&mut self, hay: &[u8]) {
        let hits: Vec<usize> = PODUID.find_iter(hay).collect();
        self.scan(hay, &hits);
    }

    /// Takes the lines a later part of the same file kept, each decided again with
    /// what this capture has already seen: the lines one capture over both parts in
    /// turn would have kept (a part keeps a superset of those, having seen less; a
    /// part captures no record past its own end, which the next part reads too, so
    /// no line is counted twice). A line whose hit `MAX_LINE` cut off is kept as it
    /// is, and one whose UID it cut is dropped (its parse could not name the pod).
    /// Parsing them once here, not per part, spared ~9 % of a 512 MiB syslog's CPU
    /// (sixteen parts each parsed the first lines of the same 80 pods;
    /// docs/PERFORMANCE.md, *Fifth pass*).
    pub fn absorb(&mut self, later: KubeletCapture) {
        for line in later.lines {
            let hits: Vec<usize> = PODUID.find_iter(&line).collect();
            if !hits.is_empty() || (self.old_forms && SYNCING.find(&line).is_some()) {
                self.scan(&line, &hits);
            } else if self.kept < MAX_KEPT && self.lines.last() != Some(&line) {
                // Kept for a hit that `MAX_LINE` cut off: nothing to decide again.
                self.kept += line.len();
                self.lines.push(line);
            }
        }
    }

    /// Lines kept so far.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The names the kept lines tell, parsed in file order (the first line to name a
    /// pod or container wins).
    pub fn names(self) -> NameIndex {
        let mut names = NameIndex::default();
        for l in &self.lines {
            names.kubelet_line(l);
        }
        names
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    const UID: &str = "7d1c9a52-3b8e-4f21-9c6a-0e5d2b7f4a10";
    const ID: &str = "4f3a9c1e7b2d8a6f0c5e9b3d1a7f2c8e6b4d0a9f3e7c1b5d9a2f6e0c4b8d3a7f";

    fn probe(i: usize) -> String {
        format!(
            "Mar  5 10:18:{i:02} node1 kubelet[1344]: I0305 10:18:{i:02}.101 1344 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"shop/checkout-7c9f8d-x2k4p\" podUID=\"{UID}\" containerName=\"app\" probeResult=\"failure\"\n"
        )
    }

    fn killing(id: &str) -> String {
        format!(
            "Mar  5 10:18:21 node1 kubelet[1344]: I0305 10:18:21.101 1344 kuberuntime_container.go:742] \"Killing container with a grace period\" pod=\"shop/checkout-7c9f8d-x2k4p\" podUID=\"{UID}\" containerName=\"app\" containerID=\"containerd://{id}\" gracePeriod=30\n"
        )
    }

    #[test]
    fn keeps_a_few_lines_per_pod_and_new_container_ids() {
        let mut text = String::new();
        for i in 0..50 {
            text.push_str(&probe(i));
        }
        text.push_str(&killing(ID));
        text.push_str(&killing(ID));
        let mut c = KubeletCapture::new(false);
        c.scan_all(text.as_bytes());
        assert_eq!(c.len(), usize::from(LINES_PER_POD) + 1);
        let n = c.names();
        assert_eq!(n.pods[UID].name.as_deref(), Some("checkout-7c9f8d-x2k4p"));
        assert_eq!(n.containers[ID].name, "app");
        assert_eq!(n.containers[ID].namespace.as_deref(), Some("shop"));
    }

    /// Two halves captured apart and joined keep the lines one capture keeps.
    #[test]
    fn absorbing_a_later_capture_keeps_what_one_capture_would() {
        let other = ID.replace('4', "5");
        let mut text = String::new();
        for i in 0..5 {
            text.push_str(&probe(i));
        }
        text.push_str(&killing(ID));
        for i in 5..9 {
            text.push_str(&probe(i));
        }
        text.push_str(&killing(&other));
        text.push_str(&killing(ID));
        let mut one = KubeletCapture::new(false);
        one.scan_all(text.as_bytes());
        let cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
        for cut in cuts {
            let (a, b) = text.split_at(cut);
            let (mut first, mut second) = (KubeletCapture::new(false), KubeletCapture::new(false));
            first.scan_all(a.as_bytes());
            second.scan_all(b.as_bytes());
            first.absorb(second);
            assert_eq!(first.lines, one.lines, "cut at {cut}");
        }
        // Two probes, then each container id once.
        assert_eq!(one.len(), usize::from(LINES_PER_POD) + 2);
    }

    /// In a kubelet file a line holding both `podUID=` and `Error syncing pod` is kept
    /// once, though another kept line follows it in the same window.
    #[test]
    fn a_line_with_both_hits_is_kept_once() {
        let syncing = format!(
            "E0305 10:18:21.2 1344 pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"x\" pod=\"shop/checkout-7c9f8d-x2k4p\" podUID=\"{UID}\"\n"
        );
        let other = probe(1).replace("7d1c9a52", "8e2d0b63");
        let text = format!("{syncing}{other}");
        let mut c = KubeletCapture::new(true);
        c.scan_all(text.as_bytes());
        assert_eq!(c.len(), 2, "{:?}", c.lines);
    }

    #[test]
    fn unquoted_uid_error_syncing_pod_line() {
        // 1.2x kubelets print the UID unquoted in `Error syncing pod, skipping`.
        let line = format!(
            "Mar  5 10:18:21 node1 kubelet[1344]: E0305 10:18:21.2 1344 pod_workers.go:1298] \"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"app\\\" with CrashLoopBackOff\" pod=\"shop/checkout-7c9f8d-x2k4p\" podUID={UID}\n"
        );
        let mut c = KubeletCapture::new(false);
        c.scan_all(line.as_bytes());
        assert_eq!(
            c.names().pods[UID].namespace.as_deref(),
            Some("shop"),
            "unquoted UID"
        );
    }

    #[test]
    fn old_form_only_in_kubelet_files() {
        let line = format!(
            "E0305 10:18:21.2 1344 pod_workers.go:191] Error syncing pod {UID} (\"checkout-7c9f8d-x2k4p_shop({UID})\"), skipping: failed\n"
        );
        let mut other = KubeletCapture::new(false);
        other.scan_all(line.as_bytes());
        assert!(other.is_empty());
        let mut kubelet = KubeletCapture::new(true);
        kubelet.scan_all(line.as_bytes());
        assert_eq!(
            kubelet.names().pods[UID].name.as_deref(),
            Some("checkout-7c9f8d-x2k4p")
        );
    }

    #[test]
    fn truncated_and_malformed_hits_are_ignored() {
        let mut c = KubeletCapture::new(true);
        for hay in [
            &b"podUID="[..],
            b"podUID=\"",
            b"x podUID=\"zzzz\"\n",
            b"podUID=\"7d1c9a52-3b8e\"",
            b"Error syncing pod",
        ] {
            c.scan_all(hay);
        }
        let n = c.names();
        assert!(n.pods.is_empty() && n.containers.is_empty());
    }
}
