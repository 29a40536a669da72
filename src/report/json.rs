//! The JSON document (`docs/json-schema.md`): the analysis serialized as is, pretty
//! printed, integers exactly as the kernel printed them.

use super::Render;
use crate::model::Analysis;
use std::io::{self, Write};

pub struct Json;

impl Render for Json {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()> {
        // serde_json writes token by token: through a buffer of its own type each
        // write is an inlined copy, not a call through `dyn Write` (bounded memory,
        // unlike a document rendered whole first).
        let mut buf = io::BufWriter::with_capacity(64 << 10, &mut *out);
        serde_json::to_writer_pretty(&mut buf, analysis).map_err(io::Error::from)?;
        buf.write_all(b"\n")?;
        buf.flush()
    }
}
