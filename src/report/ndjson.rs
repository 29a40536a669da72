//! `--format ndjson`: one JSON object per kernel OOM kill, one per line — for jq
//! pipelines and data warehouses. Each line is the event as the JSON document has it
//! (except what only another input can tell, such as a pod named by a listing given
//! as a separate input: the stream analyzes each unit alone), with `bundle` (the
//! input it came from) added, `cgroup_snapshot` holding the snapshot
//! itself instead of an index into the document's `cgroups`, and `id` numbering the
//! lines of the stream.
//!
//! `oomsift analyze` streams: each unit of work (a bundle, or the nodes of one
//! archive) is written as soon as it and every unit before it are done, in input
//! order, so the output never depends on scheduling. `oomsift merge` writes the
//! merged document's events as one unit.

use super::Render;
use crate::model::Analysis;
use serde_json::Value;
use std::io::{self, Write};

/// Writes units of analysis as ndjson lines, numbering events across units.
#[derive(Debug, Default)]
pub struct NdjsonStream {
    written: usize,
}

impl NdjsonStream {
    /// Writes the events of `unit` (an analysis of some inputs), one per line.
    pub fn write_unit(&mut self, unit: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        // Token by token into a buffer of its own type, not through `dyn Write`
        // (`report::json`); flushed at the unit's end, so each unit is out before
        // the next is analyzed, as before.
        let mut out = io::BufWriter::with_capacity(64 << 10, out);
        for e in &unit.events {
            let mut v = serde_json::to_value(e).map_err(io::Error::other)?;
            if let Some(o) = v.as_object_mut() {
                self.written += 1;
                o.insert("id".into(), Value::from(format!("e{}", self.written)));
                let snapshot = e
                    .cgroup_snapshot
                    .and_then(|i| unit.cgroups.get(usize::try_from(i).ok()?));
                o.insert(
                    "cgroup_snapshot".into(),
                    serde_json::to_value(snapshot).map_err(io::Error::other)?,
                );
                o.insert("bundle".into(), Value::from(&*e.bundle));
            }
            // `io::Error::from` keeps a write error's kind (a closed pipe stays
            // `BrokenPipe`, which is not an error of the run).
            serde_json::to_writer(&mut out, &v).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        out.flush()
    }
}

/// The whole document as one unit.
pub struct Ndjson;

impl Render for Ndjson {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        NdjsonStream::default().write_unit(analysis, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that went away.
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_stays_a_broken_pipe() {
        let a = Analysis {
            events: vec![crate::model::OomEvent::default()],
            ..Analysis::default()
        };
        let e = NdjsonStream::default()
            .write_unit(&a, &mut Closed)
            .expect_err("the write fails");
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }
}
