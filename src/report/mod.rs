//! Rendering the analysis: one file per output format behind one trait, and the
//! report files written beside stdout (`--html FILE`, `-o DIR`).

pub mod html;
pub mod json;
pub mod ndjson;
pub mod plots;
pub mod text;
pub mod view;

use crate::model::Analysis;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An output format.
pub trait Render {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()>;
}

/// Report files to write besides what goes to stdout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    /// `--html FILE`: the HTML report.
    pub html: Option<PathBuf>,
    /// `-o DIR`: `DIR/report.html` and `DIR/report.json` (DIR is created).
    pub dir: Option<PathBuf>,
}

impl Outputs {
    /// Writes every requested file. `Err` is one line naming the path and the cause.
    pub fn write(&self, analysis: &Analysis) -> Result<(), String> {
        if let Some(dir) = &self.dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {}", dir.display(), reason(&e)))?;
            write_file(&dir.join("report.html"), &html::Html, analysis)?;
            write_file(&dir.join("report.json"), &json::Json, analysis)?;
        }
        if let Some(path) = &self.html {
            write_file(path, &html::Html, analysis)?;
        }
        Ok(())
    }
}

fn reason(e: &io::Error) -> String {
    crate::util::io_reason(e)
}

/// Renders into the file at `path` (created or truncated).
pub fn write_file(path: &Path, r: &dyn Render, analysis: &Analysis) -> Result<(), String> {
    let fail = |e: io::Error| format!("cannot write {}: {}", path.display(), reason(&e));
    let file = std::fs::File::create(path).map_err(fail)?;
    let mut out = io::BufWriter::new(file);
    r.render(analysis, &mut out).map_err(fail)?;
    out.flush().map_err(fail)
}
