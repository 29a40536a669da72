//! cgroup snapshots in a bundle: the memory controller's files as the collector copied
//! them (`sys/fs/cgroup/memory/**` on v1, `sys/fs/cgroup/**` on v2, or a folder that
//! is itself a cgroup). Values are from **collection time**, not from the time of a
//! kill.
//!
//! Paths are reported as the kernel prints them in OOM reports (`/docker/<id>`,
//! `/system.slice`, `/` for the root), so a snapshot can be matched to an event's
//! `cgroup.oom` / `cgroup.task`. Unlimited values (`max`, 2^63 rounded to the page
//! size on v1) read as null.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use super::cgroup_path;
use crate::bundle::tree::{Tree, join};
pub use crate::model::CgroupSnapshot;
use std::collections::BTreeMap;

/// v1 limits at or above this are "no limit" (the kernel prints 2^63 − page size).
const UNLIMITED: u64 = 1 << 62;

fn read_small(t: &dyn Tree, dir: &str, name: &str) -> Option<String> {
    let bytes = t.read(&join(dir, name))?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn number(t: &dyn Tree, dir: &str, name: &str) -> Option<u64> {
    read_small(t, dir, name)?.trim().parse().ok()
}

/// A limit file: `max` and v1's near-2^63 values are "no limit" (null).
fn limit(t: &dyn Tree, dir: &str, name: &str) -> Option<u64> {
    let v: u64 = read_small(t, dir, name)?.trim().parse().ok()?;
    (v < UNLIMITED).then_some(v)
}

fn keyed(t: &dyn Tree, dir: &str, name: &str) -> Option<BTreeMap<String, u64>> {
    let s = read_small(t, dir, name)?;
    Some(
        s.lines()
            .filter_map(|l| {
                let mut it = l.split_whitespace();
                Some((it.next()?.to_string(), it.next()?.parse().ok()?))
            })
            .collect(),
    )
}

/// Reads the cgroup folder `dir` of `t` (kernel path `path`), if it holds memory files.
pub fn read_dir_snapshot(
    t: &dyn Tree,
    dir: &str,
    path: &str,
    source: String,
) -> Option<CgroupSnapshot> {
    let has = |n: &str| t.exists(&join(dir, n));
    let v1 = has("memory.limit_in_bytes") || has("memory.usage_in_bytes");
    let v2 = has("memory.current") || has("memory.max");
    if !v1 && !v2 {
        return None;
    }
    let id = cgroup_path::identify(path);
    let mut s = CgroupSnapshot {
        path: path.to_string(),
        source,
        stat: keyed(t, dir, "memory.stat").unwrap_or_default(),
        pod: id.pod,
        container: id.container,
        ..CgroupSnapshot::default()
    };
    if v1 {
        s.version = "v1".into();
        s.limit_bytes = limit(t, dir, "memory.limit_in_bytes");
        s.usage_bytes = number(t, dir, "memory.usage_in_bytes");
        s.peak_bytes = number(t, dir, "memory.max_usage_in_bytes");
        s.failcnt = number(t, dir, "memory.failcnt");
        s.kmem_usage_bytes = number(t, dir, "memory.kmem.usage_in_bytes");
        s.kmem_limit_bytes = limit(t, dir, "memory.kmem.limit_in_bytes");
        s.memsw_usage_bytes = number(t, dir, "memory.memsw.usage_in_bytes");
        s.memsw_limit_bytes = limit(t, dir, "memory.memsw.limit_in_bytes");
        s.oom_control = keyed(t, dir, "memory.oom_control");
        if let Some(n) = s.oom_control.as_ref().and_then(|o| o.get("oom_kill")) {
            s.events.insert("oom_kill".into(), *n);
        }
    } else {
        s.version = "v2".into();
        s.limit_bytes = limit(t, dir, "memory.max");
        s.high_bytes = limit(t, dir, "memory.high");
        s.usage_bytes = number(t, dir, "memory.current");
        s.peak_bytes = number(t, dir, "memory.peak");
        s.swap_usage_bytes = number(t, dir, "memory.swap.current");
        s.swap_limit_bytes = limit(t, dir, "memory.swap.max");
        s.events = keyed(t, dir, "memory.events").unwrap_or_default();
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

#[allow(clippy::too_many_arguments)]
fn walk(
    t: &dyn Tree,
    dir: &str,
    path: &str,
    display: &str,
    out: &mut Vec<CgroupSnapshot>,
    skip: &[&str],
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    if let Some(s) = read_dir_snapshot(t, dir, path, display.to_string()) {
        out.push(s);
    }
    for name in t.subdirs(dir) {
        if skip.contains(&name.as_str()) {
            continue;
        }
        let child = if path == "/" {
            format!("/{name}")
        } else {
            format!("{path}/{name}")
        };
        walk(
            t,
            &join(dir, &name),
            &child,
            &format!("{display}/{name}"),
            out,
            &[],
            depth + 1,
        );
    }
}

/// Every cgroup snapshot of the node rooted at `base` in `t` (reported under `display`,
/// the bundle as given joined with `base`).
pub fn discover(t: &dyn Tree, base: &str, display: &str) -> Vec<CgroupSnapshot> {
    let mut out = Vec::new();
    let display = display.trim_end_matches('/');
    let fs = join(base, "sys/fs/cgroup");
    if t.exists(&fs) {
        let mem = join(&fs, "memory");
        if t.exists(&mem) {
            walk(
                t,
                &mem,
                "/",
                &format!("{display}/sys/fs/cgroup/memory"),
                &mut out,
                &[],
                0,
            );
        }
        let unified = join(&fs, "unified");
        if t.exists(&unified) {
            walk(
                t,
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
            t,
            &fs,
            "/",
            &format!("{display}/sys/fs/cgroup"),
            &mut out,
            &skip,
            0,
        );
    } else if read_dir_snapshot(t, base, "/", String::new()).is_some() {
        walk(
            t,
            base,
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
#[allow(clippy::indexing_slicing, clippy::string_slice)]
mod tests {
    use super::*;
    use crate::bundle::tree::DiskTree;

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
        let snaps = discover(&DiskTree::new(dir.clone()), "", "b");
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
        let snaps = discover(&DiskTree::new(dir.clone()), "", "t");
        assert_eq!(snaps.len(), 2);
        assert_eq!(
            (
                snaps[0].path.as_str(),
                snaps[0].version.clone(),
                snaps[0].limit_bytes
            ),
            ("/", "v2".into(), None)
        );
        assert_eq!(snaps[0].events.get("oom_kill"), Some(&1));
        assert_eq!(
            (snaps[1].path.as_str(), snaps[1].limit_bytes),
            ("/app.slice", Some(1_073_741_824))
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
