//! One bundle, every container: each `testdata/` bundle as a directory, `.tar`,
//! `.tar.gz`, `.tar.xz`, `.tar.zst` and `.zip`, with its files at the top and inside a
//! wrapper folder (`case-123/<bundle>/…`; a directory too), gives
//! the same document — events, deaths, nodes, facts, cgroups, warnings — apart from
//! the paths that name the container (`inputs[]`, `sources[].file`, `warnings[].file`,
//! `cgroups[].source`). The reference date is set, so no year is guessed from file
//! times (which differ between a checkout and an archive).
//!
//! Archives are built in memory and written to a scratch directory; the analysis runs
//! in process.
#![allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use oomsift::report::Render;
use serde_json::Value;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const MTIME: u64 = 1_709_635_500;

struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "oomsift-containers-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Path inside the container and content (`None` for a directory).
type Member = (String, Option<Vec<u8>>);

/// The files and directories of a `testdata/` tree, sorted, under `prefix`
/// (`""` or `"a/b/"`).
fn tree(dir: &Path, prefix: &str, out: &mut Vec<Member>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        let n = format!("{prefix}{}", p.file_name().unwrap().to_str().unwrap());
        if p.is_dir() {
            out.push((format!("{n}/"), None));
            tree(&p, &format!("{n}/"), out);
        } else {
            out.push((n, Some(std::fs::read(&p).unwrap())));
        }
    }
}

fn tar(members: &[Member]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_gnu();
        h.set_mtime(MTIME);
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

fn compress(kind: &str, data: &[u8]) -> Vec<u8> {
    match kind {
        "tar" => data.to_vec(),
        "tar.gz" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "tar.xz" => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        "tar.zst" => {
            let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        _ => unreachable!(),
    }
}

/// The JSON document of one run.
fn analyze(input: &str) -> Value {
    let cfg = oomsift::Config {
        inputs: vec![input.to_string()],
        jobs: Some(1),
        time: oomsift::analysis::TimeOptions {
            reference_date: Some((2024, 3, 5)),
            ..Default::default()
        },
        ..Default::default()
    };
    let a = oomsift::run(&cfg).unwrap_or_else(|e| panic!("{input}: {e}"));
    let mut out = Vec::new();
    oomsift::report::json::Json.render(&a, &mut out).unwrap();
    serde_json::from_slice(&out).unwrap()
}

/// The document without the paths that name the container.
fn comparable(mut doc: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Array(srcs)) = o.get_mut("sources") {
                    for s in srcs {
                        if let Value::Object(s) = s {
                            s.remove("file");
                        }
                    }
                }
                for (_, x) in o.iter_mut() {
                    strip(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let o = doc.as_object_mut().unwrap();
    o.remove("inputs");
    for w in o["warnings"].as_array_mut().unwrap() {
        w.as_object_mut().unwrap().remove("file");
    }
    if let Some(Value::Array(cg)) = o.get_mut("cgroups") {
        for c in cg {
            c.as_object_mut().unwrap().remove("source");
        }
    }
    strip(&mut doc);
    doc
}

/// Every directory of `testdata/`: each is given as a bundle (or a folder of them).
fn bundles() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(Path::new(ROOT).join("testdata"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

fn check(name: &str) {
    let dir = Path::new(ROOT).join("testdata").join(name);
    let want = comparable(analyze(dir.to_str().unwrap()));
    let scratch = Scratch::new(name);
    let mut failures = Vec::new();
    for prefix in [
        "".to_string(),
        format!("{name}/"),
        format!("case-123/{name}/"),
    ] {
        let mut members = Vec::new();
        if !prefix.is_empty() {
            let mut acc = String::new();
            for c in prefix.trim_end_matches('/').split('/') {
                acc.push_str(c);
                acc.push('/');
                members.push((acc.clone(), None));
            }
        }
        tree(&dir, &prefix, &mut members);
        let tag = prefix.replace('/', "_");
        let mut inputs = Vec::new();
        // A directory holding the bundle in its folders.
        if !prefix.is_empty() {
            let d = scratch.0.join(format!("dir{tag}"));
            for (m, data) in &members {
                let p = d.join(m);
                match data {
                    None => std::fs::create_dir_all(&p).unwrap(),
                    Some(b) => std::fs::write(&p, b).unwrap(),
                }
            }
            // A real sosreport's top-level links (`dmesg` → `sos_commands/kernel/dmesg`):
            // an archive holds them as links, which are not read; on disk the link is
            // the same log, read once.
            #[cfg(unix)]
            if dir.join("sos_commands/kernel/dmesg").is_file() {
                std::os::unix::fs::symlink(
                    "sos_commands/kernel/dmesg",
                    d.join(&prefix).join("dmesg"),
                )
                .unwrap();
            }
            inputs.push(d);
        }
        let plain = tar(&members);
        for kind in ["tar", "tar.gz", "tar.xz", "tar.zst"] {
            let p = scratch.0.join(format!("b{tag}.{kind}"));
            std::fs::write(&p, compress(kind, &plain)).unwrap();
            inputs.push(p);
        }
        let p = scratch.0.join(format!("b{tag}.zip"));
        std::fs::write(&p, zip(&members)).unwrap();
        inputs.push(p);
        for input in inputs {
            let got = comparable(analyze(input.to_str().unwrap()));
            if got != want {
                failures.push(format!(
                    "{}:\n{}",
                    input.file_name().unwrap().to_string_lossy(),
                    diff(&want, &got)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "testdata/{name} differs from its directory in:\n{}",
        failures.join("\n")
    );
}

/// The first lines where two documents differ.
fn diff(want: &Value, got: &Value) -> String {
    let w = serde_json::to_string_pretty(want).unwrap();
    let g = serde_json::to_string_pretty(got).unwrap();
    let (wl, gl): (Vec<&str>, Vec<&str>) = (w.lines().collect(), g.lines().collect());
    let i = wl
        .iter()
        .zip(&gl)
        .position(|(a, b)| a != b)
        .unwrap_or(wl.len().min(gl.len()));
    let from = i.saturating_sub(3);
    format!(
        "  directory:\n{}\n  container:\n{}",
        wl[from..(i + 8).min(wl.len())].join("\n"),
        gl[from..(i + 8).min(gl.len())].join("\n")
    )
}

#[test]
fn every_bundle_in_every_container_gives_one_document() {
    let names = bundles();
    assert!(names.len() >= 10, "{names:?}");
    // Bundles in parallel: each run starts its own worker pool.
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let mut failed: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut failed = Vec::new();
                    while let Some(name) = names.get(next.fetch_add(1, Ordering::Relaxed)) {
                        if let Err(e) = std::panic::catch_unwind(|| check(name)) {
                            failed.push(
                                e.downcast_ref::<String>()
                                    .cloned()
                                    .unwrap_or_else(|| format!("{name}: panic")),
                            );
                        }
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    failed.sort();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// `oomsift analyze --format json -`, `stdin` piped in.
fn analyze_stdin(stdin: &[u8]) -> (i32, Value) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_oomsift"))
        .args([
            "analyze",
            "--format",
            "json",
            "--reference-date",
            "2024-03-05",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start oomsift");
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), doc)
}

/// An archive piped in is read as the same archive from a file would be.
#[test]
fn archives_on_standard_input() {
    for name in ["sosreport-node1", "must-gather"] {
        let dir = Path::new(ROOT).join("testdata").join(name);
        let want = comparable(analyze(dir.to_str().unwrap()));
        let mut members = vec![
            ("case-123/".to_string(), None),
            (format!("case-123/{name}/"), None),
        ];
        tree(&dir, &format!("case-123/{name}/"), &mut members);
        let plain = tar(&members);
        for (kind, bytes) in [
            ("tar", plain.clone()),
            ("tar.gz", compress("tar.gz", &plain)),
            ("tar.zst", compress("tar.zst", &plain)),
            ("zip", zip(&members)),
        ] {
            let (code, doc) = analyze_stdin(&bytes);
            assert_eq!(code, 0, "{name} {kind}: {doc}");
            let got = comparable(doc);
            assert!(
                got == want,
                "{name} as {kind} on stdin:\n{}",
                diff(&want, &got)
            );
        }
    }
}

/// A `date` file whose zone offset holds a non-ASCII character: the date is read
/// without an offset, and nothing panics, on disk or in an archive.
#[test]
fn a_date_with_a_non_ascii_offset() {
    let scratch = Scratch::new("date");
    let dir = Path::new(ROOT).join("testdata/sosreport-node1");
    let mut members = Vec::new();
    tree(&dir, "sosreport-node1/", &mut members);
    for (m, data) in &mut members {
        if m.ends_with("sos_commands/date/date") {
            *data = Some("Tue Mar  5 10:11:12 +1\u{e9}2 2024\n".as_bytes().to_vec());
        }
    }
    let d = scratch.0.join("dir");
    for (m, data) in &members {
        let p = d.join(m);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        if let Some(b) = data {
            std::fs::write(&p, b).unwrap();
        }
    }
    let archive = scratch.0.join("b.tar.gz");
    std::fs::write(&archive, compress("tar.gz", &tar(&members))).unwrap();
    let mut docs = Vec::new();
    for input in [d, archive] {
        let doc = analyze(input.to_str().unwrap());
        assert!(
            doc["warnings"].as_array().unwrap().is_empty(),
            "{}",
            doc["warnings"]
        );
        let nodes = doc["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 1, "{doc}");
        assert!(
            nodes[0]["collected_at"]
                .as_str()
                .is_some_and(|c| c.starts_with("2024-03-05T10:11:12")),
            "{}",
            nodes[0]
        );
        docs.push(comparable(doc));
    }
    assert!(docs[0] == docs[1], "{}", diff(&docs[0], &docs[1]));
}
