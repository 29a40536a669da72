//! Rendering the analysis: one file per output format behind one trait.

pub mod json;
pub mod text;

use crate::analysis::Analysis;
use std::io::{self, Write};

/// An output format.
pub trait Render {
    fn render(&self, analysis: &Analysis, out: &mut dyn Write) -> io::Result<()>;
}
