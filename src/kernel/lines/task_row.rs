//! `[28573]     0 28573    28100 …  name`: a task-table row, read only inside a block
//! whose victim is not yet known. Its columns are named by the block's header line
//! ([`super::task_header`]); without one, from the number of columns the row shows.

use super::{Text, Variant, s, text};
use crate::kernel::assemble::{Ctx, Fed};
use crate::model::TaskRow as Row;
use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    pub pid: u64,
    /// The numbers after the pid.
    pub values: Cow<'static, [i64]>,
    /// The name (which may hold spaces).
    pub name: Text,
}

/// `[ inside ] after`: the bracket's content trimmed, and what follows it.
pub(super) fn bracketed(msg: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = msg.strip_prefix(b"[")?;
    let (inside, after) = super::split_once(rest, b"]")?;
    Some((inside.trim_ascii(), after))
}

impl Variant for TaskRow {
    const CASES: &'static [(&'static str, Self)] = &[
        (
            "[  19331]  1000 19331   226026    29603  1314816        0           999 npm start",
            TaskRow {
                pid: 19331,
                values: Cow::Borrowed(&[1000, 19331, 226_026, 29603, 1_314_816, 0, 999]),
                name: s("npm start"),
            },
        ),
        // 6.x split rss columns, negative adj
        (
            "[3820126]     0 3820126    29598     8965     5632     3333         0   139264        0          -997 mount.efs",
            TaskRow {
                pid: 3_820_126,
                values: Cow::Borrowed(&[
                    0, 3_820_126, 29598, 8965, 5632, 3333, 0, 139_264, 0, -997,
                ]),
                name: s("mount.efs"),
            },
        ),
        // RHEL7
        (
            "[14970]     0 14970  5090123   117579    1714   135473          -998 java",
            TaskRow {
                pid: 14970,
                values: Cow::Borrowed(&[0, 14970, 5_090_123, 117_579, 1714, 135_473, -998]),
                name: s("java"),
            },
        ),
        // a name that is a number
        (
            "[  812]     0   812    11118      231      25        0             0 1234",
            TaskRow {
                pid: 812,
                values: Cow::Borrowed(&[0, 812, 11118, 231, 25, 0, 0]),
                name: s("1234"),
            },
        ),
    ];

    fn parse(msg: &[u8]) -> Option<Self> {
        let (inside, after) = bracketed(msg)?;
        let pid = crate::clock::parse_u64(inside)?;
        // Numbers, then the name: the rest of the line from the first token that is
        // not a number, or the last token.
        let mut values = Vec::new();
        let mut rest = after;
        loop {
            rest = trim_spaces(rest);
            let Some(sp) = memchr::memchr(b' ', rest) else {
                break;
            };
            let Some((tok, tail)) = rest.split_at_checked(sp) else {
                break;
            };
            let n = std::str::from_utf8(tok)
                .ok()
                .and_then(|s| s.parse::<i64>().ok());
            match n {
                Some(v) => {
                    values.push(v);
                    rest = tail;
                }
                None => break,
            }
        }
        if values.len() < 5 {
            return None;
        }
        Some(TaskRow {
            pid,
            values: Cow::Owned(values),
            name: text(rest),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Fed {
        let Some(b) = ctx.open().filter(|b| !b.killed) else {
            return Fed::Unrelated;
        };
        b.in_meminfo = false;
        let names = column_names(b.task_columns.as_deref(), self.values.len());
        b.ev.body.tasks.push(Row {
            pid: self.pid,
            // One allocation a row: the names are short texts held in line.
            columns: names
                .iter()
                .cloned()
                .zip(self.values.iter().copied())
                .collect(),
            name: crate::model::Text::from(&*self.name),
        });
        Fed::Block
    }
}

fn trim_spaces(mut s: &[u8]) -> &[u8] {
    while let Some(rest) = s.strip_prefix(b" ") {
        s = rest;
    }
    s
}

/// Column names for a row: the header's, or a guess from the column count when the
/// header was not seen (7 numbers: uid tgid total_vm rss pgtables swapents
/// oom_score_adj; 8: nr_ptes and nr_pmds; 10: rss split in three).
fn column_names(header: Option<&[crate::model::Text]>, n: usize) -> Cow<'_, [crate::model::Text]> {
    if let Some(h) = header
        && h.len() == n
    {
        return Cow::Borrowed(h);
    }
    let guess: &[&str] = match n {
        7 => &[
            "uid",
            "tgid",
            "total_vm",
            "rss",
            "pgtables",
            "swapents",
            "oom_score_adj",
        ],
        8 => &[
            "uid",
            "tgid",
            "total_vm",
            "rss",
            "nr_ptes",
            "nr_pmds",
            "swapents",
            "oom_score_adj",
        ],
        10 => &[
            "uid",
            "tgid",
            "total_vm",
            "rss",
            "rss_anon",
            "rss_file",
            "rss_shmem",
            "pgtables_bytes",
            "swapents",
            "oom_score_adj",
        ],
        _ => &[],
    };
    if guess.len() == n {
        return guess.iter().map(|s| crate::model::Text::from(*s)).collect();
    }
    (0..n)
        .map(|i| compact_str::format_compact!("col{i}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_rows_are_not_rows() {
        assert_eq!(TaskRow::parse(b"[  1]  0 1 2 3 name"), None);
        assert_eq!(TaskRow::parse(b"[ pid ]   uid  tgid total_vm name"), None);
    }

    #[test]
    fn columns_from_the_header_else_from_the_count() {
        let h: Vec<crate::model::Text> = ["uid", "tgid", "a", "b", "c"]
            .map(crate::model::Text::from)
            .into();
        assert_eq!(column_names(Some(&h), 5)[2], "a");
        assert_eq!(column_names(Some(&h), 7)[4], "pgtables");
        assert_eq!(column_names(None, 8)[5], "nr_pmds");
        assert_eq!(column_names(None, 6)[5], "col5");
    }
}
