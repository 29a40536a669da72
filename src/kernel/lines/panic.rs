//! `Kernel panic - not syncing: Out of memory …`, `Out of memory and no killable
//! processes...`, `System is deadlocked on memory`: the OOM ended in a panic. A block
//! that ends in one is a panic, not a kill; alone it is a death of its own.

use super::{Text, Variant, has, s, text};
use crate::kernel::assemble::{Ctx, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct Panic(pub Text);

impl Variant for Panic {
    const ANCHORS: &'static [&'static str] = &[
        "not syncing: Out of memory",
        "deadlocked on memory",
        "Out of memory and no killable processes",
    ];
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled",
            Panic(s(
                "Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled",
            )),
        ),
        (
            "Kernel panic - not syncing: Out of memory and no killable processes...",
            Panic(s(
                "Kernel panic - not syncing: Out of memory and no killable processes...",
            )),
        ),
        (
            "Out of memory and no killable processes...",
            Panic(s("Out of memory and no killable processes...")),
        ),
        (
            "Kernel panic - not syncing: System is deadlocked on memory",
            Panic(s(
                "Kernel panic - not syncing: System is deadlocked on memory",
            )),
        ),
        (
            "System is deadlocked on memory",
            Panic(s("System is deadlocked on memory")),
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        ((msg.starts_with(b"Kernel panic - not syncing: ")
            && (has(msg, b"Out of memory") || has(msg, b"deadlocked on memory")))
            || msg.starts_with(b"Out of memory and no killable processes")
            || msg.starts_with(b"System is deadlocked on memory"))
        .then(|| Panic(text(msg)))
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let message = self.0.into_owned();
        match ctx.open() {
            Some(b) if !b.killed => {
                b.is_panic = Some(message);
                ctx.close();
            }
            _ => {
                ctx.close();
                ctx.death(crate::model::DeathKind::Panic, message);
            }
        }
        Fed::Block
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_panics_are_not_oom() {
        assert_eq!(
            Panic::parse(b"Kernel panic - not syncing: Fatal exception"),
            None
        );
    }
}
