//! cgroup snapshots in a bundle: the memory controller's files as the collector copied
//! them (`sys/fs/cgroup/memory/**` on v1, `sys/fs/cgroup/**` on v2, or a folder that
//! is itself a cgroup). Values are from **collection time**, not from the time of a
//! kill.
//!
//! Paths are reported as the kernel prints them in OOM reports (`/docker/<id>`,
//! `/system.slice`, `/` for the root), so a snapshot can be matched to an event's
//! `cgroup.oom` / `cgroup.task`. Unlimited values (`max`, 2^63 rounded to the page
//! size on v1) read as null.

use super::cgroup_path;
use crate::kernel::event::{Container, Pod};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// v1 limits at or above this are "no limit" (the kernel prints 2^63 − page size).
const UNLIMITED: u64 = 1 << 62;

/// One cgroup's memory accounting at collection time.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CgroupSnapshot {
    pub path: String,
    pub version: &'static str,
    pub node: Option<String>,
    /// The folder the files were read from, as reported.
    pub source: String,
    pub limit_bytes: Option<u64>,
    pub high_bytes: Option<u64>,
    pub usage_bytes: Option<u64>,
    pub peak_bytes: Option<u64>,
    pub failcnt: Option<u64>,
    pub kmem_usage_bytes: Option<u64>,
    pub kmem_limit_bytes: Option<u64>,
    pub memsw_usage_bytes: Option<u64>,
    pub memsw_limit_bytes: Option<u64>,
    pub swap_usage_bytes: Option<u64>,
    pub swap_limit_bytes: Option<u64>,
    /// v2 `memory.events` (`oom`, `oom_kill`, `oom_group_kill`, …); v1: `oom_kill` from
    /// `memory.oom_control` where the kernel prints it.
    pub events: BTreeMap<String, u64>,
    /// v1 `memory.oom_control` as printed.
    pub oom_control: Option<BTreeMap<String, u64>>,
    pub stat: BTreeMap<String, u64>,
    pub pod: Option<Pod>,
    pub container: Option<Container>,
}

fn read_small(dir: &Path, name: &str) -> Option<String> {
    let bytes = std::fs::read(dir.join(name)).ok()?;
    Some(String::from_utf8_lossy(&bytes[..bytes.len().min(1 << 20)]).into_owned())
}

fn number(dir: &Path, name: &str) -> Option<u64> {
    read_small(dir, name)?.trim().parse().ok()
}

/// A limit file: `max` and v1's near-2^63 values are "no limit" (null).
fn limit(dir: &Path, name: &str) -> Option<u64> {
    let s = read_small(dir, name)?;
    let v: u64 = s.trim().parse().ok()?;
    (v < UNLIMITED).then_some(v)
}

fn keyed(dir: &Path, name: &str) -> Option<BTreeMap<String, u64>> {
    let s = read_small(dir, name)?;
    Some(
        s.lines()
            .filter_map(|l| {
                let mut it = l.split_whitespace();
                Some((it.next()?.to_string(), it.next()?.parse().ok()?))
            })
            .collect(),
    )
}

/// Reads the cgroup folder `dir` (kernel path `path`), if it holds memory files.
pub fn read_dir_snapshot(dir: &Path, path: &str, source: String) -> Option<CgroupSnapshot> {
    let v1 =
        dir.join("memory.limit_in_bytes").exists() || dir.join("memory.usage_in_bytes").exists();
    let v2 = dir.join("memory.current").exists() || dir.join("memory.max").exists();
    if !v1 && !v2 {
        return None;
    }
    let id = cgroup_path::identify(path);
    let mut s = CgroupSnapshot {
        path: path.to_string(),
        source,
        stat: keyed(dir, "memory.stat").unwrap_or_default(),
        pod: id.pod,
        container: id.container,
        ..CgroupSnapshot::default()
    };
    if v1 {
        s.version = "v1";
        s.limit_bytes = limit(dir, "memory.limit_in_bytes");
        s.usage_bytes = number(dir, "memory.usage_in_bytes");
        s.peak_bytes = number(dir, "memory.max_usage_in_bytes");
        s.failcnt = number(dir, "memory.failcnt");
        s.kmem_usage_bytes = number(dir, "memory.kmem.usage_in_bytes");
        s.kmem_limit_bytes = limit(dir, "memory.kmem.limit_in_bytes");
        s.memsw_usage_bytes = number(dir, "memory.memsw.usage_in_bytes");
        s.memsw_limit_bytes = limit(dir, "memory.memsw.limit_in_bytes");
        s.high_bytes = None;
        s.oom_control = keyed(dir, "memory.oom_control");
        if let Some(n) = s.oom_control.as_ref().and_then(|o| o.get("oom_kill")) {
            s.events.insert("oom_kill".into(), *n);
        }
    } else {
        s.version = "v2";
        s.limit_bytes = limit(dir, "memory.max");
        s.high_bytes = limit(dir, "memory.high");
        s.usage_bytes = number(dir, "memory.current");
        s.peak_bytes = number(dir, "memory.peak");
        s.swap_usage_bytes = number(dir, "memory.swap.current");
        s.swap_limit_bytes = limit(dir, "memory.swap.max");
        s.events = keyed(dir, "memory.events").unwrap_or_default();
    }
    Some(s)
}

/// v1 controller folders under `/sys/fs/cgroup` that are not the memory controller.
const V1_OTHER: &[&str] = &[
    "blkio",
    "cpu",
    "cpuacct",
    "cpu,cpuacct",
    "cpuset",
    "devices",
    "freezer",
    "hugetlb",
    "net_cls",
    "net_prio",
    "net_cls,net_prio",
    "perf_event",
    "pids",
    "rdma",
    "systemd",
    "misc",
];

fn walk(
    dir: &Path,
    path: &str,
    display: &str,
    out: &mut Vec<CgroupSnapshot>,
    skip_top: &[&str],
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    if let Some(s) = read_dir_snapshot(dir, path, display.to_string()) {
        out.push(s);
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<_> = rd
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !skip_top.contains(&n.as_str()))
        .collect();
    subdirs.sort();
    for name in subdirs {
        let child = if path == "/" {
            format!("/{name}")
        } else {
            format!("{path}/{name}")
        };
        walk(
            &dir.join(&name),
            &child,
            &format!("{display}/{name}"),
            out,
            &[],
            depth + 1,
        );
    }
}

/// Every cgroup snapshot in the bundle rooted at `root` (reported under `display`).
pub fn discover(root: &Path, display: &str) -> Vec<CgroupSnapshot> {
    let mut out = Vec::new();
    let display = display.trim_end_matches('/');
    let fs = root.join("sys/fs/cgroup");
    if fs.is_dir() {
        let mem = fs.join("memory");
        if mem.is_dir() {
            walk(
                &mem,
                "/",
                &format!("{display}/sys/fs/cgroup/memory"),
                &mut out,
                &[],
                0,
            );
        }
        let unified = fs.join("unified");
        if unified.is_dir() {
            walk(
                &unified,
                "/",
                &format!("{display}/sys/fs/cgroup/unified"),
                &mut out,
                &[],
                0,
            );
        }
        let mut skip: Vec<&str> = V1_OTHER.to_vec();
        skip.extend(["memory", "unified"]);
        walk(
            &fs,
            "/",
            &format!("{display}/sys/fs/cgroup"),
            &mut out,
            &skip,
            0,
        );
    } else if read_dir_snapshot(root, "/", String::new()).is_some() {
        walk(
            root,
            "/",
            display,
            &mut out,
            &["sys", "proc", "var", "sos_commands"],
            0,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("oomsift-cg-{}-{}", std::process::id(), files.len()));
        let _ = std::fs::remove_dir_all(&dir);
        for (p, c) in files {
            let f = dir.join(p);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, c).unwrap();
        }
        dir
    }

    #[test]
    fn v1_memory_tree() {
        let id = "1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496";
        let d = format!(
            "sys/fs/cgroup/memory/kubepods/burstable/pod7a96c459-d529-44ae-9f99-90d3798d6426/{id}"
        );
        let dir = tree(&[
            (
                "sys/fs/cgroup/memory/memory.limit_in_bytes",
                "9223372036854771712\n",
            ),
            ("sys/fs/cgroup/memory/memory.usage_in_bytes", "3662684160\n"),
            (&format!("{d}/memory.limit_in_bytes"), "536870912\n"),
            (&format!("{d}/memory.usage_in_bytes"), "536801280\n"),
            (&format!("{d}/memory.kmem.usage_in_bytes"), "104857600\n"),
            (
                &format!("{d}/memory.oom_control"),
                "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n",
            ),
            (&format!("{d}/memory.stat"), "cache 4096\nrss 400000000\n"),
            ("sys/fs/cgroup/cpu/memory.limit_in_bytes", "1\n"),
        ]);
        let snaps = discover(&dir, "b");
        assert_eq!(snaps.len(), 2);
        assert_eq!((snaps[0].path.as_str(), snaps[0].limit_bytes), ("/", None));
        let c = &snaps[1];
        assert_eq!(c.limit_bytes, Some(536_870_912));
        assert_eq!(c.kmem_usage_bytes, Some(104_857_600));
        assert_eq!(c.events.get("oom_kill"), Some(&3));
        assert_eq!(c.stat.get("rss"), Some(&400_000_000));
        assert_eq!(
            c.pod.as_ref().unwrap().uid,
            "7a96c459-d529-44ae-9f99-90d3798d6426"
        );
        assert_eq!(c.container.as_ref().unwrap().id, id);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn v2_folder_that_is_a_cgroup() {
        let dir = tree(&[
            ("memory.max", "max\n"),
            ("memory.current", "987654321\n"),
            ("memory.peak", "999999999\n"),
            (
                "memory.events",
                "low 0\nhigh 5\nmax 9\noom 2\noom_kill 1\noom_group_kill 0\n",
            ),
            ("app.slice/memory.max", "1073741824\n"),
            ("app.slice/memory.current", "1073700000\n"),
        ]);
        let snaps = discover(&dir, "t");
        assert_eq!(snaps.len(), 2);
        assert_eq!(
            (
                snaps[0].path.as_str(),
                snaps[0].version,
                snaps[0].limit_bytes
            ),
            ("/", "v2", None)
        );
        assert_eq!(snaps[0].events.get("oom_kill"), Some(&1));
        assert_eq!(
            (snaps[1].path.as_str(), snaps[1].limit_bytes),
            ("/app.slice", Some(1_073_741_824))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
