//! Rendering the analysis: one file per output format behind one trait, and the
//! report files written beside stdout (`--html FILE`, `-o DIR`).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

pub mod html;
pub mod json;
pub mod ndjson;
pub mod plots;
pub mod show;
pub mod style;
pub mod tasks;
// reason: `text.rs` has not had its pass yet (its own `#![deny]` will override this).
#[allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]
pub mod text;
pub mod view;

use crate::model::Analysis;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// An output format.
pub trait Render {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()>;
}

/// Where one rendering goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stdout,
    /// A file, created or truncated; with `create_dir`, its folder is created first
    /// (`-o DIR`).
    File {
        path: PathBuf,
        create_dir: bool,
    },
}

/// One output of a run: a renderer and where it writes, in the manner of hyperfine's
/// exporters. The list is built from the arguments; files are written first, stdout
/// last.
#[derive(Clone)]
pub struct Export {
    pub render: std::sync::Arc<dyn Render + Send + Sync>,
    pub target: Target,
}

impl std::fmt::Debug for Export {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Export")
            .field("target", &self.target)
            .finish()
    }
}

/// How writing the outputs failed.
#[derive(Debug)]
pub enum ExportError {
    /// A report file: one line naming the path and the cause.
    File(String),
    /// Standard output (a closed pipe is not an error and never reported).
    Stdout(io::Error),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::File(m) => f.write_str(m),
            ExportError::Stdout(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

/// Writes every export: the files in order, then stdout (unless `stdout_done`, when
/// it was streamed while the analysis ran).
pub fn write_all(
    exports: &[Export],
    analysis: &Analysis,
    stdout: &mut dyn Write,
    stdout_done: bool,
) -> Result<(), ExportError> {
    for x in exports {
        if let Target::File { path, create_dir } = &x.target {
            if *create_dir && let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    ExportError::File(format!("cannot create {}: {}", dir.display(), reason(&e)))
                })?;
            }
            write_file(path, &*x.render, analysis).map_err(ExportError::File)?;
        }
    }
    if stdout_done {
        return Ok(());
    }
    for x in exports.iter().filter(|x| x.target == Target::Stdout) {
        let written = x
            .render
            .render(analysis, stdout)
            .and_then(|()| stdout.flush());
        match written {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(ExportError::Stdout(e)),
            Ok(()) => {}
        }
    }
    Ok(())
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
