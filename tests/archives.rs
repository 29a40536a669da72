//! Archives read in place, end to end through the built binary: every archive format
//! against the unpacked tree, `sos collect` tarballs of per-node sosreports, compressed
//! members, damaged archives and compressed logs, must-gather and support-bundle
//! tarballs, and member names that try to leave the archive.
//!
//! Archives are built here, in memory, from `testdata/` trees or from a few generated
//! lines, into a scratch directory that is removed afterwards.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use serde_json::Value;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// 2024-03-05T10:45:00Z: the modification time of the members written below (a
/// collection time; the syslog year of logs that name no year comes from it).
const MTIME: u64 = 1_709_635_500;

// ---------------------------------------------------------------------------------
// Scratch directories and running the binary
// ---------------------------------------------------------------------------------

/// A directory of its own under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "oomsift-archives-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `bytes` to `name` and returns the path as a string, as given to the tool.
    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.path(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One run of `oomsift analyze --format json`.
struct Out {
    code: i32,
    doc: Value,
    stderr: String,
}

fn analyze_in(cwd: &Path, inputs: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .current_dir(cwd)
        .args(["analyze", "--format", "json"])
        .args(inputs)
        .output()
        .expect("cannot start oomsift");
    let stdout = String::from_utf8(out.stdout).expect("stdout is not UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is not UTF-8");
    let code = out.status.code().expect("oomsift was killed by a signal");
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("stdout is not one JSON document ({e}); exit {code}\n{stdout}\nstderr:\n{stderr}")
    });
    Out { code, doc, stderr }
}

fn analyze(inputs: &[&str]) -> Out {
    analyze_in(Path::new(ROOT), inputs)
}

impl Out {
    fn events(&self) -> &Vec<Value> {
        self.doc["events"].as_array().expect("events is an array")
    }

    fn warnings(&self) -> &Vec<Value> {
        self.doc["warnings"]
            .as_array()
            .expect("warnings is an array")
    }

    /// The event whose victim has this pid (exactly one).
    fn event(&self, pid: u64) -> &Value {
        let found: Vec<&Value> = self
            .events()
            .iter()
            .filter(|e| e["victim"]["pid"] == pid)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one event with victim {pid}: {}",
            self.dump()
        );
        found[0]
    }

    fn victims(&self) -> Vec<u64> {
        self.events()
            .iter()
            .map(|e| e["victim"]["pid"].as_u64().expect("victim pid"))
            .collect()
    }

    fn node_names(&self) -> Vec<&str> {
        self.doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().expect("node name"))
            .collect()
    }

    /// Every `inputs[].sources` entry.
    fn input_sources(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.doc["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["sources"].as_array().unwrap())
            .map(|s| s.as_str().unwrap())
            .collect();
        v.sort();
        v
    }

    fn dump(&self) -> String {
        format!(
            "exit {}\n{}\nstderr:\n{}",
            self.code,
            serde_json::to_string_pretty(&self.doc).unwrap(),
            self.stderr
        )
    }

    fn assert_clean(&self) {
        assert_eq!(self.code, 0, "{}", self.dump());
        assert!(self.warnings().is_empty(), "{}", self.dump());
        assert!(self.stderr.is_empty(), "{}", self.dump());
    }

    /// Like [`Self::assert_clean`], except for warnings that only say where a time
    /// came from (a year from a file time, an uptime without a boot time): exit 0.
    fn assert_clean_but_time_notes(&self) {
        assert_eq!(self.code, 0, "{}", self.dump());
        let is_note = |m: &str| {
            m.contains("is taken from the file's modification time")
                || m.contains("the node's boot time is unknown")
        };
        assert!(
            self.warnings()
                .iter()
                .all(|w| is_note(w["message"].as_str().unwrap())),
            "{}",
            self.dump()
        );
        assert!(self.stderr.lines().all(is_note), "{}", self.dump());
    }

    /// Exit 1 with a warning (JSON and stderr) about `archive` itself or a member of it.
    fn assert_damaged(&self, archive: &str) {
        assert_eq!(self.code, 1, "{}", self.dump());
        let about: Vec<&Value> = self
            .warnings()
            .iter()
            .filter(|w| {
                let f = w["file"].as_str().unwrap();
                f == archive || f.starts_with(&format!("{archive}/"))
            })
            .collect();
        assert!(
            !about.is_empty(),
            "a warning names {archive}: {}",
            self.dump()
        );
        for w in about {
            assert!(
                !w["message"].as_str().unwrap().is_empty(),
                "{}",
                self.dump()
            );
        }
        assert!(
            self.stderr.contains(archive),
            "stderr names {archive}: {}",
            self.dump()
        );
    }
}

/// `[(file, line)]` of an event's sources.
fn sources(e: &Value) -> Vec<(String, u64)> {
    e["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_string(),
                s["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------
// Building archives
// ---------------------------------------------------------------------------------

/// A member: path inside the archive and content (`None` for a directory).
type Member = (String, Option<Vec<u8>>);

/// The files and directories of a `testdata/` tree, sorted, under `prefix/`.
fn tree(rel: &str, prefix: &str) -> Vec<Member> {
    fn walk(dir: &Path, name: &str, out: &mut Vec<Member>) {
        out.push((format!("{name}/"), None));
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let n = format!("{name}/{}", p.file_name().unwrap().to_str().unwrap());
            if p.is_dir() {
                walk(&p, &n, out);
            } else {
                out.push((n, Some(std::fs::read(&p).unwrap())));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(ROOT).join(rel), prefix, &mut out);
    out
}

fn file(name: &str, data: impl AsRef<[u8]>) -> Member {
    (name.to_string(), Some(data.as_ref().to_vec()))
}

fn tar(members: &[Member]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_mtime(MTIME);
        h.set_uid(0);
        h.set_gid(0);
        match data {
            None => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                h.set_size(0);
                b.append_data(&mut h, name, std::io::empty()).unwrap();
            }
            Some(d) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(0o644);
                h.set_size(d.len() as u64);
                b.append_data(&mut h, name, d.as_slice()).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn xz(data: &[u8]) -> Vec<u8> {
    let mut e = liblzma::write::XzEncoder::new(Vec::new(), 6);
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zst(data: &[u8]) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn zip(members: &[Member]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let when = zip::DateTime::from_date_and_time(2024, 3, 5, 10, 45, 0).unwrap();
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(when);
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in members {
        match data {
            None => z.add_directory(name.as_str(), opts).unwrap(),
            Some(d) => {
                z.start_file(name.as_str(), opts).unwrap();
                z.write_all(d).unwrap();
            }
        }
    }
    z.finish().unwrap().into_inner()
}

/// One tar header block with a raw name (no checks: `..` and leading `/` pass), and
/// for a long name the GNU `././@LongLink` entry before it.
fn raw_tar_entry(out: &mut Vec<u8>, name: &[u8], kind: tar::EntryType, link: &[u8], data: &[u8]) {
    if name.len() > 99 {
        let mut long = name.to_vec();
        long.push(0);
        raw_tar_entry(
            out,
            b"././@LongLink",
            tar::EntryType::GNULongName,
            b"",
            &long,
        );
    }
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_mtime(MTIME);
    h.set_size(data.len() as u64);
    let slot = &mut h.as_old_mut().name;
    let n = name.len().min(99);
    slot[..n].copy_from_slice(&name[..n]);
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link);
    h.set_cksum();
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

// ---------------------------------------------------------------------------------
// Log text
// ---------------------------------------------------------------------------------

/// A cgroup v2 memcg OOM kill (Ubuntu 22.04 kernel), every line after `prefix`
/// (`"Jan  2 03:05:11 db-1 kernel: "`).
fn memcg_kill(prefix: &str, pid: u32, comm: &str) -> String {
    let cg = format!("/system.slice/{comm}.service");
    let lines = [
        format!("{comm} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"),
        format!("CPU: 1 PID: {pid} Comm: {comm} Not tainted 5.15.0-91-generic #101-Ubuntu"),
        "Hardware name: Amazon EC2 t3.large/, BIOS 1.0 10/16/2017".into(),
        "Call Trace:".into(),
        " <TASK>".into(),
        " dump_stack_lvl+0x4a/0x63".into(),
        " dump_header+0x4a/0x1f4".into(),
        " oom_kill_process.cold+0xb/0x10".into(),
        " out_of_memory+0x106/0x2e0".into(),
        " mem_cgroup_out_of_memory+0x13f/0x160".into(),
        " try_charge_memcg+0x687/0x740".into(),
        " charge_memcg+0x45/0xb0".into(),
        " __mem_cgroup_charge+0x2d/0x80".into(),
        " </TASK>".into(),
        "memory: usage 1048576kB, limit 1048576kB, failcnt 212".into(),
        "swap: usage 0kB, limit 0kB, failcnt 0".into(),
        format!("Memory cgroup stats for {cg}:"),
        "anon 1067450368".into(),
        "file 262144".into(),
        "kernel 4636672".into(),
        "shmem 0".into(),
        "Tasks state (memory values in pages):".into(),
        "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name".into(),
        format!(
            "[{pid:>7}]   998 {pid:>5}   412345   260610  2240512        0             0 {comm}"
        ),
        format!(
            "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg={cg},task_memcg={cg},task={comm},pid={pid},uid=998"
        ),
        format!(
            "Memory cgroup out of memory: Killed process {pid} ({comm}) total-vm:1649380kB, anon-rss:1042440kB, file-rss:0kB, shmem-rss:0kB, UID:998 pgtables:2188kB oom_score_adj:0"
        ),
    ];
    lines.iter().map(|l| format!("{prefix}{l}\n")).collect()
}

/// `n` lines (~95 bytes each) of ordinary syslog traffic with random ids, so they
/// compress only about 5:1 and a cut in the compressed file lands well inside them.
/// Deterministic.
fn filler(host: &str, n: usize) -> String {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut s = String::new();
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s += &format!(
            "Mar  5 10:{:02}:{:02} {host} gunicorn[4411]: GET /api/v1/orders/{:016x} 200 {} trace={:08x}\n",
            10 + i / 600 % 40,
            i / 10 % 60,
            x,
            x % 90_000,
            x >> 32
        );
    }
    s
}

// ---------------------------------------------------------------------------------
// 1. Every archive format reads like the unpacked tree
// ---------------------------------------------------------------------------------

/// Replaces `prefix` at the start of every `sources[].file` and cgroup `source`.
fn strip_prefix(doc: &Value, prefix: &str) -> (Value, Value, Value) {
    let strip = |v: &mut Value| {
        let s = v.as_str().unwrap();
        let rest = s
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{s} does not start with {prefix}"));
        *v = Value::String(rest.to_string());
    };
    let mut events = doc["events"].clone();
    for e in events.as_array_mut().unwrap() {
        for s in e["sources"].as_array_mut().unwrap() {
            strip(&mut s["file"]);
        }
    }
    let mut cgroups = doc["cgroups"].clone();
    for c in cgroups.as_array_mut().unwrap() {
        strip(&mut c["source"]);
    }
    (events, doc["nodes"].clone(), cgroups)
}

#[test]
fn sosreport_reads_the_same_from_every_archive_format() {
    let dir = analyze(&["testdata/sosreport-node1"]);
    dir.assert_clean();
    assert_eq!(dir.victims(), [48211, 51234], "{}", dir.dump());
    assert_eq!(dir.node_names(), ["node1"]);
    assert_eq!(dir.doc["cgroups"].as_array().unwrap().len(), 1);
    let want = strip_prefix(&dir.doc, "testdata/sosreport-node1/");

    let members = tree("testdata/sosreport-node1", "sosreport-node1");
    let plain = tar(&members);
    let s = Scratch::new("formats");
    let archives = [
        s.write("sosreport-node1.tar", &plain),
        s.write("sosreport-node1.tar.gz", &gz(&plain)),
        s.write("sosreport-node1.tar.xz", &xz(&plain)),
        s.write("sosreport-node1.tar.zst", &zst(&plain)),
        s.write("sosreport-node1.zip", &zip(&members)),
    ];
    for a in &archives {
        let out = analyze(&[a]);
        out.assert_clean();
        let root = format!("{a}/sosreport-node1");
        let got = strip_prefix(&out.doc, &format!("{root}/"));
        assert_eq!(got.0, want.0, "events of {a}");
        assert_eq!(got.1, want.1, "nodes of {a}");
        assert_eq!(got.2, want.2, "cgroups of {a}");

        let dmesg = format!("{root}/sos_commands/kernel/dmesg");
        let messages = format!("{root}/var/log/messages");
        let e1 = out.event(48211);
        assert_eq!(e1["kind"], "cgroup");
        assert_eq!(e1["node"], "node1");
        assert_eq!(e1["victim"]["comm"], "python3");
        assert_eq!(
            sources(e1),
            [(dmesg.clone(), 4), (messages.clone(), 41)],
            "{a}"
        );
        let e2 = out.event(51234);
        assert_eq!(e2["kind"], "host");
        assert_eq!(e2["victim"]["comm"], "java");
        assert_eq!(
            sources(e2),
            [(dmesg.clone(), 51), (messages.clone(), 98)],
            "{a}"
        );
        assert_eq!(
            out.doc["cgroups"][0]["source"],
            format!("{root}/sys/fs/cgroup/kubepods.slice")
        );
        assert_eq!(
            out.input_sources(),
            [dmesg.as_str(), messages.as_str()],
            "{a}"
        );
    }
}

// ---------------------------------------------------------------------------------
// 2. A `sos collect` tarball: one sosreport .tar.xz per node inside a .tar.gz
// ---------------------------------------------------------------------------------

#[test]
fn sos_collect_tarball_holds_one_node_per_inner_sosreport() {
    const A: &str = "sosreport-worker-a-2024-03-05-qkzrtbd";
    const B: &str = "sosreport-worker-b-2024-03-05-vmxpwel";
    const TOP: &str = "sos-collector-shop-2024-03-05-hxqbw";
    let inner = |name: &str| xz(&tar(&tree(&format!("testdata/multinode/{name}"), name)));
    let manifest = r#"{"version": "4.5.6", "cmdline": "sos collect --label shop --nodes worker-a,worker-b", "nodes": ["worker-a", "worker-b"]}"#;
    let outer = gz(&tar(&[
        (format!("{TOP}/"), None),
        file(&format!("{TOP}/{A}.tar.xz"), inner(A)),
        file(&format!("{TOP}/{B}.tar.xz"), inner(B)),
        (format!("{TOP}/sos_reports/"), None),
        file(&format!("{TOP}/sos_reports/manifest.json"), manifest),
    ]));
    let s = Scratch::new("collect");
    let path = s.write(&format!("{TOP}.tar.gz"), &outer);
    let out = analyze(&[&path]);
    out.assert_clean();
    assert_eq!(out.node_names(), ["worker-a", "worker-b"], "{}", out.dump());
    let nodes = out.doc["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["kernel"], "4.18.0-477.27.1.el8_8.x86_64");
    assert_eq!(nodes[0]["collected_at"], "2024-03-05T10:30:02+00:00");
    assert_eq!(nodes[1]["kernel"], "5.14.0-362.8.1.el9_3.x86_64");
    assert_eq!(nodes[1]["collected_at"], "2024-03-05T10:31:17+00:00");

    assert_eq!(out.victims(), [20431, 7781], "{}", out.dump());
    let a = out.event(20431);
    assert_eq!(a["node"], "worker-a");
    assert_eq!(a["kind"], "cgroup");
    assert_eq!(a["time"], "2024-03-05T09:12:44+00:00");
    assert_eq!(a["victim"]["comm"], "node");
    assert_eq!(a["pod"]["uid"], "3f2e6a1c-8d4b-4e7a-9b1c-5a6d7e8f9012");
    assert_eq!(a["pod"]["qos"], "burstable");
    assert_eq!(
        sources(a),
        [(format!("{path}/{TOP}/{A}.tar.xz/{A}/var/log/messages"), 3)]
    );
    let b = out.event(7781);
    assert_eq!(b["node"], "worker-b");
    assert_eq!(b["kind"], "host");
    assert_eq!(b["time"], "2024-03-05T10:07:51+00:00");
    assert_eq!(b["victim"]["comm"], "postgres");
    assert_eq!(b["trigger"]["pid"], 7790);
    assert_eq!(
        sources(b),
        [(format!("{path}/{TOP}/{B}.tar.xz/{B}/var/log/messages"), 3)]
    );
}

// ---------------------------------------------------------------------------------
// 3. Compressed members
// ---------------------------------------------------------------------------------

/// A copy of a host's `/var/log` with rotated, compressed logs.
fn rotated_varlog() -> Vec<Member> {
    let messages_rotated = format!(
        "Dec 30 22:13:58 db-1 systemd[1]: Starting Cleanup of Temporary Directories...\n{}Dec 30 22:14:08 db-1 systemd[1]: mysqld.service: A process of this unit has been killed by the OOM killer.\n",
        memcg_kill("Dec 30 22:14:07 db-1 kernel: ", 4242, "mysqld")
    );
    let kern_rotated = format!(
        "Jan  1 03:04:50 db-1 kernel: [86001.118201] EXT4-fs (nvme1n1): mounted filesystem with ordered data mode.\n{}",
        memcg_kill(
            "Jan  1 03:05:11 db-1 kernel: [86022.904117] ",
            5150,
            "backup-agent"
        )
    );
    vec![
        ("var/".into(), None),
        ("var/log/".into(), None),
        file(
            "var/log/messages",
            "Jan  2 08:00:01 db-1 systemd[1]: Started Daily rotation of log files.\n",
        ),
        file(
            "var/log/messages-20240101.gz",
            gz(messages_rotated.as_bytes()),
        ),
        file("var/log/kern.log.1.xz", xz(kern_rotated.as_bytes())),
    ]
}

#[test]
fn compressed_members_inside_a_tarball_are_decoded() {
    let s = Scratch::new("members");
    let path = s.write("db-1-varlog.tar.gz", &gz(&tar(&rotated_varlog())));
    let out = analyze(&[&path]);
    out.assert_clean_but_time_notes();
    assert_eq!(out.node_names(), ["db-1"], "{}", out.dump());
    let m = out.event(4242);
    assert_eq!(m["kind"], "cgroup");
    assert_eq!(m["node"], "db-1");
    assert_eq!(m["victim"]["comm"], "mysqld");
    assert_eq!(m["cgroup"]["oom"], "/system.slice/mysqld.service");
    assert_eq!(m["memory"]["limit_kb"], 1048576);
    assert_eq!(m["complete"], true);
    // The rotation date (2024-01-01) dates the December lines to 2023.
    assert_eq!(m["time"], "2023-12-30T22:14:07");
    assert_eq!(
        sources(m),
        [(format!("{path}/var/log/messages-20240101.gz"), 2)]
    );
    let k = out.event(5150);
    assert_eq!(k["kind"], "cgroup");
    assert_eq!(k["node"], "db-1");
    assert_eq!(k["victim"]["comm"], "backup-agent");
    assert_eq!(k["complete"], true);
    assert_eq!(k["time"].as_str().unwrap()[..19], *"2024-01-01T03:05:11");
    assert_eq!(sources(k), [(format!("{path}/var/log/kern.log.1.xz"), 2)]);
    assert_eq!(
        out.input_sources(),
        [
            format!("{path}/var/log/kern.log.1.xz"),
            format!("{path}/var/log/messages"),
            format!("{path}/var/log/messages-20240101.gz"),
        ]
    );
}

#[test]
fn compressed_members_inside_a_zip_are_decoded() {
    let s = Scratch::new("zipmembers");
    let path = s.write("db-1-varlog.zip", &zip(&rotated_varlog()));
    let out = analyze(&[&path]);
    out.assert_clean();
    // These zip members carry no time and kern.log.1 no date in its name: its year
    // comes from its sibling messages-20240101.
    assert_eq!(out.event(5150)["time"], "2024-01-01T03:05:11");
    assert_eq!(out.event(4242)["time"], "2023-12-30T22:14:07");
    assert_eq!(out.victims().len(), 2, "{}", out.dump());
    assert_eq!(out.event(4242)["victim"]["comm"], "mysqld");
    assert_eq!(
        sources(out.event(4242)),
        [(format!("{path}/var/log/messages-20240101.gz"), 2)]
    );
    assert_eq!(out.event(5150)["victim"]["comm"], "backup-agent");
    assert_eq!(
        sources(out.event(5150)),
        [(format!("{path}/var/log/kern.log.1.xz"), 2)]
    );
}

// ---------------------------------------------------------------------------------
// 4. Damaged archives and compressed logs
// ---------------------------------------------------------------------------------

/// A node tarball: a kill (pid 1111) in a small first member, ~250 KB of traffic, then
/// a kill (pid 2222) in the last member.
fn kill_filler_kill() -> Vec<Member> {
    vec![
        ("node-x/".into(), None),
        file(
            "node-x/var/log/messages",
            memcg_kill("Mar  5 10:02:00 node-x kernel: ", 1111, "redis-server"),
        ),
        file("node-x/var/log/gunicorn.log", filler("node-x", 2600)),
        file(
            "node-x/var/log/kern.log",
            memcg_kill("Mar  5 10:44:00 node-x kernel: ", 2222, "celery"),
        ),
    ]
}

#[test]
fn truncated_tar_xz_keeps_the_kills_before_the_cut() {
    let whole = xz(&tar(&kill_filler_kill()));
    let s = Scratch::new("cutxz");
    let path = s.write("node-x.tar.xz", &whole[..whole.len() / 2]);
    let out = analyze(&[&path]);
    out.assert_damaged(&path);
    assert_eq!(out.victims(), [1111], "{}", out.dump());
    let e = out.event(1111);
    assert_eq!(e["node"], "node-x");
    assert_eq!(e["complete"], true);
    assert_eq!(sources(e), [(format!("{path}/node-x/var/log/messages"), 1)]);
    // The damage is placed: the member being read when the data ran out.
    let said: String = out
        .warnings()
        .iter()
        .map(|w| format!("{} {}\n", w["file"], w["message"]))
        .collect();
    assert!(said.contains("gunicorn.log"), "{said}");
}

#[test]
fn tar_gz_with_a_corrupted_byte_keeps_the_kills_before_it() {
    let whole = gz(&tar(&kill_filler_kill()));
    let mut bad = whole.clone();
    // Late in the deflate data of the big member.
    let at = whole.len() * 4 / 5;
    bad[at] ^= 0x55;
    let s = Scratch::new("flipgz");
    let path = s.write("node-x.tar.gz", &bad);
    let out = analyze(&[&path]);
    out.assert_damaged(&path);
    let e = out.event(1111);
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["node"], "node-x");
    assert_eq!(sources(e), [(format!("{path}/node-x/var/log/messages"), 1)]);
}

#[test]
fn tar_gz_with_a_bad_crc_is_reported() {
    let whole = gz(&tar(&kill_filler_kill()));
    let mut bad = whole.clone();
    // The gzip trailer is CRC-32 then ISIZE: damage the CRC only, every member
    // decompresses, but the stream is not what was written.
    let crc = whole.len() - 8;
    bad[crc] ^= 0xff;
    let s = Scratch::new("crcgz");
    let path = s.write("node-x.tar.gz", &bad);
    let out = analyze(&[&path]);
    assert_eq!(out.victims(), [1111, 2222], "{}", out.dump());
    out.assert_damaged(&path);
}

#[test]
fn tar_with_a_damaged_member_header_keeps_the_members_before_it() {
    let members = kill_filler_kill();
    let plain = tar(&members);
    // Find the header of the third member (node-x/var/log/gunicorn.log) and scribble
    // over its size field without fixing the checksum.
    let name = b"node-x/var/log/gunicorn.log";
    let at = (0..plain.len())
        .step_by(512)
        .find(|&o| plain[o..].starts_with(name))
        .expect("header of the filler member");
    let mut bad = plain.clone();
    bad[at + 124..at + 136].copy_from_slice(b"7777777\0\0\0\0\0");
    let s = Scratch::new("hdr");
    let path = s.write("node-x.tar", &bad);
    let out = analyze(&[&path]);
    out.assert_damaged(&path);
    // As GNU tar does, the damaged header is skipped to the next valid one: the
    // member after it is read.
    assert_eq!(out.victims(), [1111, 2222], "{}", out.dump());
    assert_eq!(
        sources(out.event(1111)),
        [(format!("{path}/node-x/var/log/messages"), 1)]
    );
    assert_eq!(
        sources(out.event(2222)),
        [(format!("{path}/node-x/var/log/kern.log"), 1)]
    );
    let said: String = out
        .warnings()
        .iter()
        .map(|w| format!("{} {}\n", w["file"], w["message"]))
        .collect();
    // Named by the last good member, with what was skipped.
    assert!(said.contains("node-x/var/log/messages"), "{said}");
    assert!(
        said.contains("bytes skipped to the next valid header"),
        "{said}"
    );
    // The same damage in a compressed tar.
    let packed = s.write("node-x.tar.gz", &gz(&bad));
    let out = analyze(&[&packed]);
    out.assert_damaged(&packed);
    assert_eq!(out.victims(), [1111, 2222], "{}", out.dump());
}

/// A member cut short in the middle (bytes missing inside it, as a bad copy leaves):
/// the tar reader takes the member's declared size, so every later header is off the
/// 512-byte grid. The next valid header is found at its byte offset, named in the
/// warning; the kills of the members before and after the damage are kept.
#[test]
fn tar_with_a_member_cut_short_in_the_middle_resyncs_at_any_offset() {
    let mut members = kill_filler_kill();
    // A member between the cut one and the last: the cut one's declared size runs
    // over its header (that member is lost, as with GNU tar).
    members.insert(3, file("node-x/var/log/cron", filler("node-x", 30)));
    let plain = tar(&members);
    let header_of = |bytes: &[u8], name: &[u8]| {
        (0..bytes.len())
            .find(|&o| {
                bytes[o..].starts_with(name) && bytes.get(o + 257..o + 262) == Some(b"ustar")
            })
            .expect("a member's header")
    };
    let data = header_of(&plain, b"node-x/var/log/gunicorn.log") + 512;
    let mut bad = plain[..data + 50_000].to_vec();
    bad.extend_from_slice(&plain[data + 50_700..]);
    let at = header_of(&bad, b"node-x/var/log/kern.log");
    assert_ne!(at % 512, 0, "the last header is off the grid");
    let s = Scratch::new("cutmember");
    for (name, bytes) in [("node-x.tar", bad.clone()), ("node-x.tar.gz", gz(&bad))] {
        let path = s.write(name, &bytes);
        let out = analyze(&[&path]);
        out.assert_damaged(&path);
        assert_eq!(out.victims(), [1111, 2222], "{name}: {}", out.dump());
        assert_eq!(
            sources(out.event(2222)),
            [(format!("{path}/node-x/var/log/kern.log"), 1)]
        );
        let said: Vec<String> = out
            .warnings()
            .iter()
            .map(|w| format!("{} {}", w["file"], w["message"]))
            .collect();
        assert!(
            said.iter().any(|l| l.contains(&path)
                && l.contains("after member node-x/var/log/gunicorn.log")
                && l.contains(&format!("at archive offset {at};"))),
            "{name}: {said:?}"
        );
    }
}

/// Archives in archives, three deep, and a zip inside: `--max-nested` bounds how deep
/// member archives are opened and `--max-zip-buffer` how large a zip may be read into
/// memory; each limit tripped is named in its warning, and what is within them is read.
#[test]
fn nesting_and_zip_buffer_limits_are_flags_named_in_their_warnings() {
    let kill = |host: &str, pid: u32| {
        memcg_kill(
            &format!("Mar  5 10:02:00 {host} kernel: "),
            pid,
            "redis-server",
        )
    };
    let deepest = tar(&[file("node-z/var/log/messages", kill("node-z", 3333))]);
    let zipped = zip(&[file("node-w/var/log/messages", kill("node-w", 4444))]);
    let middle = gz(&tar(&[
        file("node-y/var/log/messages", kill("node-y", 2222)),
        file("node-y/deeper.tar", &deepest),
        file("node-y/more.zip", &zipped),
    ]));
    let outer = gz(&tar(&[
        file("node-x/var/log/messages", kill("node-x", 1111)),
        file("node-x/inner.tar.gz", &middle),
    ]));
    let s = Scratch::new("nested-limits");
    let path = s.write("outer.tar.gz", &outer);
    let pids = |out: &Out| {
        let mut v = out.victims();
        v.sort_unstable();
        v
    };
    let said = |out: &Out| -> Vec<String> {
        out.warnings()
            .iter()
            .map(|w| format!("{} {}", w["file"], w["message"]))
            .collect()
    };
    let out = analyze(&[&path]);
    assert_eq!(pids(&out), [1111, 2222, 3333, 4444], "{}", out.dump());
    let out = analyze(&["--max-nested", "1", &path]);
    assert_eq!(pids(&out), [1111, 2222], "{}", out.dump());
    let w = said(&out);
    for member in ["node-y/deeper.tar", "node-y/more.zip"] {
        assert!(
            w.iter()
                .any(|l| l.contains(member) && l.contains("more than 1 deep (--max-nested)")),
            "{member}: {w:?}"
        );
    }
    let out = analyze(&["--max-nested", "0", &path]);
    assert_eq!(pids(&out), [1111], "{}", out.dump());
    assert!(
        said(&out)
            .iter()
            .any(|l| l.contains("node-x/inner.tar.gz") && l.contains("--max-nested")),
        "{:?}",
        said(&out)
    );
    let out = analyze(&["--max-zip-buffer", "100", &path]);
    assert_eq!(pids(&out), [1111, 2222, 3333], "{}", out.dump());
    assert!(
        said(&out)
            .iter()
            .any(|l| l.contains("node-y/more.zip") && l.contains("--max-zip-buffer")),
        "{:?}",
        said(&out)
    );
}

/// A syslog file: a kill (pid 3333), traffic, a kill (pid 4444).
fn long_log() -> Vec<u8> {
    format!(
        "{}{}{}",
        memcg_kill("Mar  5 10:01:30 app-7 kernel: ", 3333, "puma"),
        filler("app-7", 2600),
        memcg_kill("Mar  5 10:44:30 app-7 kernel: ", 4444, "sidekiq")
    )
    .into_bytes()
}

#[test]
fn truncated_gz_log_keeps_the_kills_before_the_cut() {
    let whole = gz(&long_log());
    let s = Scratch::new("cutgz");
    let path = s.write("messages-20240306.gz", &whole[..whole.len() / 2]);
    let out = analyze(&[&path]);
    out.assert_damaged(&path);
    assert_eq!(out.victims(), [3333], "{}", out.dump());
    let e = out.event(3333);
    assert_eq!(e["node"], "app-7");
    assert_eq!(e["victim"]["comm"], "puma");
    assert_eq!(e["complete"], true);
    assert_eq!(sources(e), [(path.clone(), 1)]);
}

#[test]
fn truncated_zst_log_keeps_the_kills_before_the_cut() {
    let whole = zst(&long_log());
    // zstd hands out a block (128 KiB of text) only once all of it is read: the cut
    // at three quarters is inside the second block, after the whole first one.
    let s = Scratch::new("cutzst");
    let path = s.write("kern.log.2.zst", &whole[..whole.len() * 3 / 4]);
    let out = analyze(&[&path]);
    out.assert_damaged(&path);
    assert_eq!(out.victims(), [3333], "{}", out.dump());
    let e = out.event(3333);
    assert_eq!(e["node"], "app-7");
    assert_eq!(e["complete"], true);
    assert_eq!(sources(e), [(path.clone(), 1)]);
}

// ---------------------------------------------------------------------------------
// 5. must-gather and support-bundle tarballs
// ---------------------------------------------------------------------------------

#[test]
fn must_gather_tarball() {
    const TOP: &str = "must-gather.local.5837412095823";
    const IMG: &str = "quay-io-openshift-release-dev-ocp-v4-0-art-dev-sha256-9f2c4e1b7a3d8e6f0c5b2a9d4e7f1c8b3a6d0e9f2c5b8a1d4e7f0c3b6a9d2e5f";
    let s = Scratch::new("mustgather");
    let path = s.write(
        "must-gather.tar.gz",
        &gz(&tar(&tree(&format!("testdata/must-gather/{TOP}"), TOP))),
    );
    let out = analyze(&[&path]);
    out.assert_clean_but_time_notes();
    // The kernel's kill in the node's dmesg; the kubelet's own OOM reports in
    // kubelet_service.log ("Got sys oom event", "System OOM encountered") are not
    // kernel OOM kills.
    assert_eq!(out.victims(), [20431], "{}", out.dump());
    let e = out.event(20431);
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["victim"]["comm"], "node");
    assert_eq!(e["kernel"], "5.14.0-284.48.1.el9_2.x86_64");
    assert_eq!(e["pod"]["uid"], "3f2e6a1c-8d4b-4e7a-9b1c-5a6d7e8f9012");
    assert_eq!(e["pod"]["qos"], "burstable");
    assert_eq!(e["container"]["runtime"], "cri-o");
    assert_eq!(
        e["container"]["id"],
        "8c1e4b7a2d9f6e3c5b0a7d4e1f8c2b9a6d3e0f7c4b1a8e5d2f9c6b3a0e7d4f1c"
    );
    assert_eq!(
        sources(e),
        [(format!("{path}/{TOP}/{IMG}/nodes/worker-0/dmesg"), 4)]
    );
    let kubelet = format!("{path}/{TOP}/{IMG}/host_service_logs/workers/kubelet_service.log");
    assert!(
        out.input_sources().contains(&kubelet.as_str()),
        "the kubelet log was read: {}",
        out.dump()
    );
}

#[test]
fn support_bundle_tarball() {
    const TOP: &str = "support-bundle-2024-03-05T10_45_00";
    let s = Scratch::new("supportbundle");
    let path = s.write(
        &format!("{TOP}.tar.gz"),
        &gz(&tar(&tree(&format!("testdata/support-bundle/{TOP}"), TOP))),
    );
    let out = analyze(&[&path]);
    out.assert_clean();
    assert_eq!(out.node_names(), ["ip-10-0-3-41"], "{}", out.dump());
    assert_eq!(out.victims(), [30917], "{}", out.dump());
    let e = out.event(30917);
    assert_eq!(e["node"], "ip-10-0-3-41");
    assert_eq!(e["kind"], "cgroup");
    assert_eq!(e["victim"]["comm"], "worker");
    assert_eq!(e["kernel"], "6.1.79-99.164.amzn2023.x86_64");
    assert_eq!(e["memory"]["limit_kb"], 131072);
    assert_eq!(e["pod"]["uid"], "5b0d7e3a-91c4-4f6e-8a2d-c3f1e9b7a640");
    assert_eq!(e["pod"]["qos"], "besteffort");
    assert_eq!(e["container"]["runtime"], "containerd");
    assert_eq!(e["complete"], true);
    // journalctl's short format has no year: the members were written in 2024.
    assert_eq!(e["time"].as_str().unwrap()[..19], *"2024-03-05T10:21:07");
    assert_eq!(
        sources(e),
        [(
            format!("{path}/{TOP}/host-collectors/journald/kernel.txt"),
            3
        )]
    );
}

// ---------------------------------------------------------------------------------
// 6. Member names that try to leave the archive
// ---------------------------------------------------------------------------------

/// Every file under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn member_names_never_reach_the_file_system() {
    let s = Scratch::new("escape");
    // The run's working directory is two levels down, so `../../` names the scratch
    // directory itself.
    let cwd = s.path("work/run");
    std::fs::create_dir_all(&cwd).unwrap();
    // A file outside the archive, holding a kill that must never be reported.
    let outside = s.write(
        "outside/secret.log",
        memcg_kill("Mar  5 09:00:00 outside kernel: ", 7777, "secret").as_bytes(),
    );
    let abs_root = s.path("abs-target");
    let abs_member = format!("{}/var/log/kern.log", abs_root.display());

    let mut t = Vec::new();
    raw_tar_entry(
        &mut t,
        b"../../escaped/var/log/messages",
        tar::EntryType::Regular,
        b"",
        memcg_kill("Mar  5 10:02:00 evil-1 kernel: ", 6661, "miner").as_bytes(),
    );
    raw_tar_entry(
        &mut t,
        abs_member.as_bytes(),
        tar::EntryType::Regular,
        b"",
        memcg_kill("Mar  5 10:03:00 evil-1 kernel: ", 6662, "dropper").as_bytes(),
    );
    raw_tar_entry(
        &mut t,
        b"evil-1/var/log/syslog",
        tar::EntryType::Symlink,
        outside.as_bytes(),
        b"",
    );
    raw_tar_entry(
        &mut t,
        b"evil-1/var/log/kern.log.1",
        tar::EntryType::Link,
        b"../../outside/secret.log",
        b"",
    );
    t.resize(t.len() + 1024, 0);
    let tarball = s.write("evil.tar.gz", &gz(&t));
    let zipped = s.write(
        "evil.zip",
        &zip(&[file(
            "../../zip-escaped/var/log/messages",
            memcg_kill("Mar  5 10:04:00 evil-2 kernel: ", 6663, "stealer"),
        )]),
    );
    let before = listing(&s.0);

    let out = analyze_in(&cwd, &[&tarball, &zipped]);
    assert_eq!(listing(&s.0), before, "the analysis created files");
    assert!(!abs_root.exists());
    assert!(!s.path("escaped").exists() && !s.path("zip-escaped").exists());
    assert_eq!(out.code, 0, "{}", out.dump());

    let mut victims = out.victims();
    victims.sort();
    assert_eq!(victims, [6661, 6662, 6663], "{}", out.dump());
    assert_eq!(
        sources(out.event(6661)),
        [(format!("{tarball}/escaped/var/log/messages"), 1)]
    );
    assert_eq!(
        sources(out.event(6662)),
        [(
            format!("{tarball}/{}", abs_member.trim_start_matches('/')),
            1
        )]
    );
    assert_eq!(
        sources(out.event(6663)),
        [(format!("{zipped}/zip-escaped/var/log/messages"), 1)]
    );
    for src in out.input_sources() {
        assert!(!src.contains(".."), "{src}");
        assert!(!src.contains(&outside), "{src}");
    }
}

/// A support bundle of Kubernetes objects alone (no host logs, as Replicated
/// troubleshoot's published sample of a k3d cluster) is analyzed: its pods and events
/// are read, the run says no kernel kill was found, exit 0 — not an empty error.
#[test]
fn support_bundle_of_cluster_resources_alone_is_analyzed() {
    const TOP: &str = "support-bundle-2024-03-05T10_45_00";
    let s = Scratch::new("supportbundle-objects");
    let members: Vec<Member> = tree(&format!("testdata/support-bundle/{TOP}"), TOP)
        .into_iter()
        .filter(|(name, data)| data.is_some() && name.contains("/cluster-resources/"))
        .collect();
    assert!(!members.is_empty());
    let path = s.write("objects-only.tar.gz", &gz(&tar(&members)));
    let out = analyze(&[&path]);
    assert_eq!(out.code, 0, "{}", out.dump());
    assert!(out.events().is_empty(), "{}", out.dump());
    assert_eq!(
        out.doc["inputs"].as_array().unwrap().len(),
        1,
        "{}",
        out.dump()
    );
    assert!(
        out.doc["other_deaths"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["kind"] == "k8s_oomkilled"),
        "{}",
        out.dump()
    );
}
