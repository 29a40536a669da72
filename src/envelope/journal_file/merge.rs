//! Interleaving the journal files of one machine (the active file, archived ones,
//! `~` ones, per-user files) into one stream, as `journalctl` does: two entries of
//! files sharing a `seqnum_id` are ordered by sequence number; otherwise entries of
//! the same boot by their monotonic time, others by wall-clock time. An entry present
//! in two files (same seqnum id, sequence number, boot, time and hash) is given once.

use super::{Entries, Entry, JournalFile};
use std::cmp::Ordering;

/// Several files' entries, merged. Items are `(file index, entry)`.
pub struct Merged<'a> {
    files: Vec<Entries<'a>>,
    heads: Vec<Option<Entry<'a>>>,
    last: Option<Key>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    seqnum_id: [u8; 16],
    seqnum: u64,
    boot_id: [u8; 16],
    realtime: u64,
    monotonic: u64,
    xor_hash: u64,
}

fn key(file: &Entries<'_>, e: &Entry<'_>) -> Key {
    Key {
        seqnum_id: file.header().seqnum_id,
        seqnum: e.seqnum,
        boot_id: e.boot_id,
        realtime: e.realtime_us,
        monotonic: e.monotonic_us,
        xor_hash: e.xor_hash,
    }
}

fn order(a: &Key, b: &Key) -> Ordering {
    let first = if a.seqnum_id == b.seqnum_id {
        a.seqnum.cmp(&b.seqnum)
    } else if a.boot_id == b.boot_id {
        a.monotonic.cmp(&b.monotonic)
    } else {
        a.realtime.cmp(&b.realtime)
    };
    first
        .then(a.realtime.cmp(&b.realtime))
        .then(a.xor_hash.cmp(&b.xor_hash))
}

/// Merges the entries of `files` (of one machine).
pub fn merge<'a>(files: &[JournalFile<'a>]) -> Merged<'a> {
    merge_entries(files.iter().map(JournalFile::entries).collect())
}

/// Merges entry streams already opened.
pub fn merge_entries<'a>(mut files: Vec<Entries<'a>>) -> Merged<'a> {
    let heads = files.iter_mut().map(Iterator::next).collect();
    Merged {
        files,
        heads,
        last: None,
    }
}

impl<'a> Merged<'a> {
    /// The warnings of every file (complete once iteration has ended).
    pub fn warnings(&self) -> Vec<String> {
        self.files
            .iter()
            .flat_map(|f| f.warnings().iter().cloned())
            .collect()
    }

    /// The merged files' streams, in the order given.
    pub fn files(&self) -> &[Entries<'a>] {
        &self.files
    }
}

impl<'a> Iterator for Merged<'a> {
    type Item = (usize, Entry<'a>);

    fn next(&mut self) -> Option<(usize, Entry<'a>)> {
        loop {
            let mut best: Option<(usize, Key)> = None;
            for (i, (h, f)) in self.heads.iter().zip(&self.files).enumerate() {
                let Some(e) = h else { continue };
                let k = key(f, e);
                if best
                    .as_ref()
                    .is_none_or(|(_, b)| order(&k, b) == Ordering::Less)
                {
                    best = Some((i, k));
                }
            }
            let (i, k) = best?;
            let next = self.files.get_mut(i).and_then(Iterator::next);
            let e = std::mem::replace(self.heads.get_mut(i)?, next)?;
            if self.last == Some(k) {
                continue; // the same entry, from another file
            }
            self.last = Some(k);
            return Some((i, e));
        }
    }
}
