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

/// A directory on disk. Reads stay inside it: a path that resolves outside (a link
/// `proc/meminfo -> /proc/meminfo`, `sys/fs/cgroup -> /sys/fs/cgroup`, `hostname ->
/// /etc/hostname`) is the analyzing machine's, so it is not read but recorded, as is
/// a special file (a FIFO would block); [`DiskTree::refused`] lists them.
pub struct DiskTree {
    root: PathBuf,
    refused: std::sync::Mutex<BTreeMap<String, String>>,
}

impl DiskTree {
    /// The tree of the directory `root` (resolved, so links inside it compare).
    pub fn new(root: PathBuf) -> DiskTree {
        let root = root.canonicalize().unwrap_or(root);
        DiskTree {
            root,
            refused: Default::default(),
        }
    }

    /// `(path as reported, why)` of each path not read, in path order; `input` is
    /// the input as given (the reported paths are `input/rel`).
    pub fn refused(&self, input: &str) -> Vec<(String, String)> {
        let refused = self.refused.lock().map(|r| r.clone()).unwrap_or_default();
        refused
            .into_iter()
            .map(|(rel, why)| (format!("{}/{rel}", input.trim_end_matches('/')), why))
            .collect()
    }

    fn refuse(&self, rel: &str, why: String) {
        if let Ok(mut r) = self.refused.lock() {
            // Below a link already refused: told once, as the link.
            let below = r.keys().any(|k| {
                rel.strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            });
            if !below {
                r.entry(rel.to_string()).or_insert(why);
            }
        }
    }

    /// The resolved path of `rel` when it exists and stays inside the tree.
    fn resolve(&self, rel: &str) -> Option<PathBuf> {
        let p = self.root.join(rel);
        // Not there (the usual case): nothing to tell.
        std::fs::symlink_metadata(&p).ok()?;
        let Ok(real) = p.canonicalize() else {
            return None;
        };
        if !real.starts_with(&self.root) {
            // Told at the link that leaves (`sys/fs/cgroup`, not each file below it).
            let mut at = String::new();
            for part in rel.split('/') {
                at = join(&at, part);
                let leaves = self
                    .root
                    .join(&at)
                    .canonicalize()
                    .is_ok_and(|r| !r.starts_with(&self.root));
                if leaves {
                    break;
                }
            }
            let real = self.root.join(&at).canonicalize().unwrap_or(real);
            self.refuse(
                &at,
                format!(
                    "symbolic link leaves the bundle (to {}): not followed",
                    real.display()
                ),
            );
            return None;
        }
        Some(real)
    }
}

impl Tree for DiskTree {
    fn read(&self, rel: &str) -> Option<Vec<u8>> {
        use std::io::Read;
        let real = self.resolve(rel)?;
        let meta = std::fs::metadata(&real).ok()?;
        if meta.is_dir() {
            return None;
        }
        if !meta.is_file() {
            self.refuse(
                rel,
                "not a regular file (a FIFO, socket or device): not read inside a bundle".into(),
            );
            return None;
        }
        let f = std::fs::File::open(real).ok()?;
        let mut v = Vec::new();
        f.take(1 << 20).read_to_end(&mut v).ok()?;
        Some(v)
    }
    fn exists(&self, rel: &str) -> bool {
        self.resolve(rel).is_some()
    }
    fn subdirs(&self, rel: &str) -> Vec<String> {
        let Some(real) = self.resolve(rel) else {
            return Vec::new();
        };
        let Ok(rd) = std::fs::read_dir(real) else {
            return Vec::new();
        };
        let mut v: Vec<String> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir() || t.is_symlink()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| {
                // A linked folder counts when it stays inside (and is a folder).
                self.resolve(&join(rel, name)).is_some_and(|p| p.is_dir())
            })
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
