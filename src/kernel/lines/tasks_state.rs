//! `Tasks state (memory values in pages):` (4.19+): the task table follows.

use super::Variant;
use crate::kernel::assemble::{Ctx, Fed};

#[derive(Debug, Clone, PartialEq)]
pub struct TasksState;

impl Variant for TasksState {
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] =
        &[("Tasks state (memory values in pages):", TasksState)];

    fn parse(msg: &[u8]) -> Option<Self> {
        msg.starts_with(b"Tasks state (memory values in pages)")
            .then_some(TasksState)
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        ctx.body();
        Fed::Block
    }
}
