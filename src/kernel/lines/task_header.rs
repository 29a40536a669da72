//! `[ pid ]   uid  tgid total_vm      rss … name`: the task table's header. Its column
//! names are how the rows below it are read ([`super::task_row`]).

use super::{Text, Variant, s, text};
use crate::kernel::assemble::{Ctx, Fed};
use std::borrow::Cow;

/// The column names after `pid`, as printed (`name` last).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskHeader(pub Cow<'static, [Text]>);

impl Variant for TaskHeader {
    const OPENS: bool = true;
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
            TaskHeader(Cow::Borrowed(&[
                s("uid"),
                s("tgid"),
                s("total_vm"),
                s("rss"),
                s("pgtables_bytes"),
                s("swapents"),
                s("oom_score_adj"),
                s("name"),
            ])),
        ),
        // RHEL7
        (
            "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
            TaskHeader(Cow::Borrowed(&[
                s("uid"),
                s("tgid"),
                s("total_vm"),
                s("rss"),
                s("nr_ptes"),
                s("swapents"),
                s("oom_score_adj"),
                s("name"),
            ])),
        ),
        // 6.x: rss split in three
        (
            "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
            TaskHeader(Cow::Borrowed(&[
                s("uid"),
                s("tgid"),
                s("total_vm"),
                s("rss"),
                s("rss_anon"),
                s("rss_file"),
                s("rss_shmem"),
                s("pgtables_bytes"),
                s("swapents"),
                s("oom_score_adj"),
                s("name"),
            ])),
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let (inside, after) = super::task_row::bracketed(msg)?;
        if inside != b"pid" {
            return None;
        }
        let cols = after
            .split(|c| c.is_ascii_whitespace())
            .filter(|t| !t.is_empty())
            .map(text)
            .collect();
        Some(TaskHeader(Cow::Owned(cols)))
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let b = ctx.body();
        b.in_meminfo = false;
        // The numeric columns a row's values fill, in order (`name` is the row's tail).
        b.task_columns = Some(
            self.0
                .iter()
                .filter(|c| *c != "name")
                .map(|c| crate::model::Text::from(&**c))
                .collect(),
        );
        Fed::Block
    }
}
