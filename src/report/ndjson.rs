//! `--format ndjson`: one JSON object per kernel OOM kill, one per line, each the
//! event of the JSON document plus `bundle` (the input it came from) — for jq
//! pipelines and data warehouses. Order and content are those of the document.

use super::Render;
use crate::analysis::Analysis;
use std::io::{self, Write};

pub struct Ndjson;

impl Render for Ndjson {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        for e in &analysis.events {
            let mut v = serde_json::to_value(e).map_err(io::Error::other)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("bundle".into(), serde_json::Value::from(e.bundle.clone()));
            }
            serde_json::to_writer(&mut *out, &v).map_err(io::Error::other)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
