//! What the kernel said: line variants ([`lines`]) and the block assembler
//! ([`assemble`]) that turns the records of one source into [`OomEvent`]s and the
//! panics among its other deaths. The pass over a file that feeds it is `scan`'s.
//!
//! [`OomEvent`]: crate::model::OomEvent

pub mod assemble;
pub mod lines;

/// Every kernel line an OOM report can begin with (or, when its start was cut, the
/// strong lines that still make it an event): the scanner's prefilter searches for
/// these (with the userspace anchors). Each is owned by its line variant
/// (`lines/*.rs`, `Variant::ANCHORS`).
pub fn anchors() -> impl Iterator<Item = &'static &'static str> {
    lines::anchors()
}
