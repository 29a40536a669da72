//! Binary systemd journal files inside bundles (`var/log/journal/<machine-id>/…`): read
//! natively as log sources, from a directory, an archive or compressed, and merged
//! with a text export of the same entries into one event per kill.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use oomsift::report::Render;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

const DIR: &str = "testdata/journal";
const MACHINE: &str = "0f0e0d0c0b0a49088706050403020100";
/// The victims of testdata/journal/two-boots.export (one kill per boot).
const VICTIMS: [u64; 2] = [2210, 4100];

/// A scratch directory removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("oomsift-jb-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }

    fn write(&self, rel: &str, bytes: &[u8]) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    fn path(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fixture, decompressed (they are stored zstd-compressed).
fn journal(rel: &str) -> Vec<u8> {
    let z = std::fs::read(Path::new(DIR).join(rel)).unwrap();
    zstd::stream::decode_all(&z[..]).unwrap()
}

fn export() -> Vec<u8> {
    std::fs::read(Path::new(DIR).join("two-boots.export")).unwrap()
}

/// The files of a sosreport of node-j holding its binary journal, under `root/`.
fn sosreport(root: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            format!("{root}/sos_commands/host/hostname"),
            b"node-j\n".to_vec(),
        ),
        (
            format!("{root}/var/log/journal/{MACHINE}/system.journal"),
            journal("plain-compact.journal.zst"),
        ),
    ]
}

fn analyze(input: &str) -> Value {
    let cfg = oomsift::Config {
        inputs: vec![input.to_string()],
        jobs: Some(1),
        time: oomsift::analysis::TimeOptions {
            reference_date: Some((2024, 6, 10)),
            ..Default::default()
        },
        ..Default::default()
    };
    let a = oomsift::run(&cfg).unwrap_or_else(|e| panic!("{input}: {e}"));
    let mut out = Vec::new();
    oomsift::report::json::Json.render(&a, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn events(doc: &Value) -> &Vec<Value> {
    doc["events"].as_array().expect("events")
}

fn victims(doc: &Value) -> Vec<u64> {
    let mut v: Vec<u64> = events(doc)
        .iter()
        .map(|e| e["victim"]["pid"].as_u64().expect("victim pid"))
        .collect();
    v.sort_unstable();
    v
}

/// The files an event was found in.
fn files(e: &Value) -> Vec<String> {
    e["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["file"].as_str().unwrap().to_string())
        .collect()
}

/// What the events say, without where they were found.
fn what(doc: &Value) -> Vec<Value> {
    events(doc)
        .iter()
        .map(|e| {
            let mut e = e.clone();
            let o = e.as_object_mut().unwrap();
            o.remove("sources");
            o.remove("id");
            e
        })
        .collect()
}

fn no_skip_warnings(doc: &Value) {
    for w in doc["warnings"].as_array().unwrap() {
        let m = w["message"].as_str().unwrap_or_default();
        assert!(
            !m.contains("skipped") && !m.contains("binary"),
            "unexpected warning: {w}"
        );
    }
}

#[test]
fn a_sosreport_directory_reads_its_binary_journal() {
    let s = Scratch::new("dir");
    for (rel, bytes) in sosreport("sosreport-node-j") {
        s.write(&rel, &bytes);
    }
    let doc = analyze(&s.path("sosreport-node-j"));
    assert_eq!(victims(&doc), VICTIMS, "{doc:#}");
    no_skip_warnings(&doc);
    for e in events(&doc) {
        assert_eq!(e["node"], "node-j", "{e:#}");
        let f = files(e);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].ends_with(&format!("var/log/journal/{MACHINE}/system.journal")),
            "{f:?}"
        );
    }
}

#[test]
fn the_same_bundle_as_a_tar_gz_gives_the_same_events() {
    let s = Scratch::new("tgz");
    let members = sosreport("sosreport-node-j");
    for (rel, bytes) in &members {
        s.write(rel, bytes);
    }
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in &members {
        let mut h = tar::Header::new_gnu();
        h.set_mtime(1_717_990_000);
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&b.into_inner().unwrap()).unwrap();
    s.write("sosreport-node-j.tar.gz", &gz.finish().unwrap());

    let from_dir = analyze(&s.path("sosreport-node-j"));
    let from_tar = analyze(&s.path("sosreport-node-j.tar.gz"));
    assert_eq!(victims(&from_tar), VICTIMS, "{from_tar:#}");
    no_skip_warnings(&from_tar);
    assert_eq!(what(&from_tar), what(&from_dir));
    for e in events(&from_tar) {
        let f = files(e);
        assert!(
            f[0].ends_with(&format!("var/log/journal/{MACHINE}/system.journal")),
            "{f:?}"
        );
    }
}

/// A journal file known by its signature alone (its name is no journal's), and one
/// stored compressed (`system.journal.zst`).
#[test]
fn journals_are_known_by_content_and_read_compressed() {
    let s = Scratch::new("content");
    s.write("node/sos_commands/host/hostname", b"node-j\n");
    s.write(
        &format!("node/var/log/journal/{MACHINE}/system.journal.zst"),
        &std::fs::read(Path::new(DIR).join("zstd-regular.journal.zst")).unwrap(),
    );
    let doc = analyze(&s.path("node"));
    assert_eq!(victims(&doc), VICTIMS, "{doc:#}");
    no_skip_warnings(&doc);

    let s = Scratch::new("named");
    s.write("node/sos_commands/host/hostname", b"node-j\n");
    s.write(
        "node/var/tmp/copy.bin",
        &journal("zstd-compact.journal.zst"),
    );
    let doc = analyze(&s.path("node"));
    assert_eq!(victims(&doc), VICTIMS, "{doc:#}");
    no_skip_warnings(&doc);
}

/// A text export of the same entries beside the binary journal: each kill once, with
/// both sources.
#[test]
fn a_kill_in_the_journal_and_its_text_export_is_one_event() {
    let s = Scratch::new("dedup");
    for (rel, bytes) in sosreport("sosreport-node-j") {
        s.write(&rel, &bytes);
    }
    s.write(
        "sosreport-node-j/sos_commands/logs/journalctl_--no-pager_-o_export",
        &export(),
    );
    let doc = analyze(&s.path("sosreport-node-j"));
    assert_eq!(victims(&doc), VICTIMS, "{doc:#}");
    for e in events(&doc) {
        let f = files(e);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f.iter().any(|f| f.ends_with("system.journal")), "{f:?}");
        assert!(
            f.iter()
                .any(|f| f.ends_with("journalctl_--no-pager_-o_export")),
            "{f:?}"
        );
    }
}

/// A loose journal file given by itself is read too.
#[test]
fn a_loose_journal_file_is_read() {
    let s = Scratch::new("loose");
    s.write("system.journal", &journal("plain-regular.journal.zst"));
    let doc = analyze(&s.path("system.journal"));
    assert_eq!(victims(&doc), VICTIMS, "{doc:#}");
    no_skip_warnings(&doc);
}

/// A journal file on standard input (plain, then zstd-compressed) is read too.
#[test]
fn a_journal_on_standard_input_is_read() {
    for bytes in [
        journal("plain-regular.journal.zst"),
        std::fs::read(Path::new(DIR).join("zstd-compact.journal.zst")).unwrap(),
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_oomsift"))
            .args(["analyze", "--format", "json", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let doc: Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}; stderr: {stderr}"));
        assert_eq!(victims(&doc), VICTIMS, "{doc:#}\n{stderr}");
        no_skip_warnings(&doc);
    }
}

/// The writer rotated a full file inside boot 2's kill (its first two lines end the
/// archived `system@….journal`, the rest are in the active file): the journal files of
/// one journald in one folder are read as one stream, so the block is one whole
/// event, not a header-only event plus a kill without its header; on disk and in a
/// `.tar.xz` sosreport alike.
#[test]
fn a_block_cut_by_a_rotation_is_one_event() {
    let s = Scratch::new("cut");
    let dir = format!("sosreport-node-j/var/log/journal/{MACHINE}");
    let mut members = vec![(
        "sosreport-node-j/sos_commands/host/hostname".to_string(),
        b"node-j\n".to_vec(),
    )];
    let mut names: Vec<String> = std::fs::read_dir(Path::new(DIR).join("cut"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    for n in &names {
        let bytes = journal(&format!("cut/{n}"));
        // Each file alone holds part of the host kill.
        let alone = oomsift::scan::journal::scan_journal(&bytes, n);
        assert!(
            alone
                .events
                .iter()
                .any(|e| e.victim.pid.is_none() || e.trigger.pid.is_none()),
            "{n}: expected a part of a cut block"
        );
        members.push((format!("{dir}/{}", n.trim_end_matches(".zst")), bytes));
    }
    let mut b = tar::Builder::new(Vec::new());
    // The active file first: the order of members does not matter.
    for (name, data) in members.iter().rev() {
        s.write(name, data);
        let mut h = tar::Header::new_gnu();
        h.set_mtime(1_717_990_000);
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, name, data.as_slice()).unwrap();
    }
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
    xz.write_all(&b.into_inner().unwrap()).unwrap();
    s.write("sosreport-node-j.tar.xz", &xz.finish().unwrap());

    let from_dir = analyze(&s.path("sosreport-node-j"));
    let from_tar = analyze(&s.path("sosreport-node-j.tar.xz"));
    for doc in [&from_dir, &from_tar] {
        assert_eq!(victims(doc), VICTIMS, "{doc:#}");
        no_skip_warnings(doc);
        let host = events(doc)
            .iter()
            .find(|e| e["victim"]["pid"] == 2210)
            .unwrap();
        assert_eq!(host["trigger"]["comm"], "stress", "{host:#}");
        assert_eq!(host["complete"], true, "{host:#}");
        assert!(files(host)[0].ends_with(&format!("{MACHINE}/")), "{host:#}");
    }
    assert_eq!(what(&from_tar), what(&from_dir));
}

/// `journalctl --no-pager` as sos writes it, in UTC: `Mon DD HH:MM:SS host ident: msg`
/// per entry of the export (whole seconds, no year; continuation lines indented).
fn no_pager_text() -> Vec<u8> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let buf = export();
    let mut out = String::new();
    let mut pos = 0;
    while pos < buf.len() {
        let (r, next) = oomsift::envelope::journal::parse_export_record(&buf, pos);
        pos = next;
        let Some(us) = r.realtime_us else { continue };
        let secs = us.div_euclid(1_000_000);
        let (_, m, d) = oomsift::clock::civil_from_days(secs.div_euclid(86_400));
        let t = secs.rem_euclid(86_400);
        let ident = if r.kernel {
            "kernel".to_string()
        } else {
            r.identifier.clone().unwrap_or_default()
        };
        let head = format!(
            "{} {d:2} {:02}:{:02}:{:02} {} {ident}: ",
            MONTHS[usize::from(m) - 1],
            t / 3600,
            t % 3600 / 60,
            t % 60,
            r.hostname.as_deref().unwrap_or("localhost"),
        );
        let msg = String::from_utf8_lossy(&r.message);
        let pad = " ".repeat(head.len());
        out.push_str(&head);
        out.push_str(&msg.trim_end().replace('\n', &format!("\n{pad}")));
        out.push('\n');
    }
    out.into_bytes()
}

/// The binary journal and sos's text dump of it (`journalctl --no-pager`, whole
/// seconds, no year): each kernel kill and each userspace report is one, citing both
/// files, dated by the binary journal's exact time.
#[test]
fn the_binary_journal_and_its_no_pager_text_tell_each_death_once() {
    let s = Scratch::new("no-pager");
    for (rel, bytes) in sosreport("sosreport-node-j") {
        s.write(&rel, &bytes);
    }
    s.write(
        "sosreport-node-j/sos_commands/logs/journalctl_--no-pager",
        &no_pager_text(),
    );
    let doc = analyze(&s.path("sosreport-node-j"));
    assert_eq!(victims(&doc), VICTIMS, "{doc:#}");
    for e in events(&doc) {
        assert_eq!(files(e).len(), 2, "{:?}", files(e));
    }
    let deaths = doc["other_deaths"].as_array().unwrap();
    assert!(!deaths.is_empty());
    for d in deaths {
        let f = files(d);
        assert_eq!(f.len(), 2, "{d:#}");
        assert!(f.iter().any(|f| f.ends_with("system.journal")), "{f:?}");
        assert!(
            f.iter().any(|f| f.ends_with("journalctl_--no-pager")),
            "{f:?}"
        );
        // The binary journal's microseconds, not the text's whole second.
        assert_eq!(d["time_source"], "zoned", "{d:#}");
    }
    // Alone, the text dump gives as many reports (the dedup is not hiding any).
    let t = Scratch::new("no-pager-alone");
    t.write("node-j/messages", &no_pager_text());
    let alone = analyze(&t.path("node-j/messages"));
    assert_eq!(
        alone["other_deaths"].as_array().unwrap().len(),
        deaths.len()
    );
}
