//! A read-only view of a bundle's small files, on disk or buffered from an archive
//! stream, so facts and cgroup snapshots are read the same way from both.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Small files of a bundle by path relative to the node root (`/`-separated).
pub trait Tree: Sync {
    /// A file's bytes (capped at 1 MiB).
    fn read(&self, rel: &str) -> Option<Vec<u8>>;
    /// Does a file or directory exist at `rel`?
    fn exists(&self, rel: &str) -> bool;
    /// Sorted names of the directories directly below `rel` ("" is the root).
    fn subdirs(&self, rel: &str) -> Vec<String>;
}

pub fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        format!("{rel}/{name}")
    }
}

/// A directory on disk.
pub struct DiskTree(pub PathBuf);

impl Tree for DiskTree {
    fn read(&self, rel: &str) -> Option<Vec<u8>> {
        use std::io::Read;
        let f = std::fs::File::open(self.0.join(rel)).ok()?;
        let mut v = Vec::new();
        f.take(1 << 20).read_to_end(&mut v).ok()?;
        Some(v)
    }
    fn exists(&self, rel: &str) -> bool {
        self.0.join(rel).exists()
    }
    fn subdirs(&self, rel: &str) -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(self.0.join(rel)) else {
            return Vec::new();
        };
        let mut v: Vec<String> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// Files buffered from an archive stream.
#[derive(Debug, Default)]
pub struct MemTree {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Tree for MemTree {
    fn read(&self, rel: &str) -> Option<Vec<u8>> {
        self.files.get(rel).cloned()
    }
    fn exists(&self, rel: &str) -> bool {
        if self.files.contains_key(rel) {
            return true;
        }
        let prefix = format!("{rel}/");
        self.files
            .range(prefix.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }
    fn subdirs(&self, rel: &str) -> Vec<String> {
        let prefix = if rel.is_empty() {
            String::new()
        } else {
            format!("{rel}/")
        };
        let mut out: Vec<String> = Vec::new();
        for k in self
            .files
            .range(prefix.clone()..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(&prefix))
        {
            let rest = k.get(prefix.len()..).unwrap_or_default();
            if let Some((dir, _)) = rest.split_once('/')
                && out.last().is_none_or(|l| l != dir)
            {
                out.push(dir.to_string());
            }
        }
        out.dedup();
        out
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;

    #[test]
    fn mem_tree_dirs() {
        let mut t = MemTree::default();
        for k in ["a/x/memory.max", "a/y/memory.max", "a/memory.max", "b"] {
            t.files.insert(k.into(), b"1".to_vec());
        }
        assert_eq!(t.subdirs("a"), vec!["x", "y"]);
        assert_eq!(t.subdirs(""), vec!["a"]);
        assert!(t.exists("a/x"));
        assert!(!t.exists("a/z"));
        assert_eq!(t.read("b").as_deref(), Some(&b"1"[..]));
    }
}
