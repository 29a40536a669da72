//! The JSON document (`docs/json-schema.md`): the analysis serialized as is, pretty
//! printed, integers exactly as the kernel printed them.

use super::Render;
use crate::model::Analysis;
use std::io::{self, Write};

pub struct Json;

impl Render for Json {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, analysis).map_err(io::Error::from)?;
        out.write_all(b"\n")
    }
}
