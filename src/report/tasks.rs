//! A kill's task table in human units: memory columns (pages, or bytes when the
//! kernel named them `_bytes`) as KiB/MiB/GiB, the trigger's and the victim's rows
//! marked, the largest resident first. The JSON keeps the kernel's pages; the text
//! (`oomsift show`) and HTML views use these rows.

use crate::model::{OomEvent, TaskRow};
use crate::report::view::{PAGE_BYTES, task_rss_pages};
use crate::util::human_kb;

/// How a column's values are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Pages of [`PAGE_BYTES`].
    Pages,
    Bytes,
    /// Not memory (uid, tgid, oom_score_adj, …): shown as printed.
    Plain,
}

/// The unit of a task-table column, from its name.
pub fn unit(column: &str) -> Unit {
    if column.ends_with("_bytes") {
        Unit::Bytes
    } else if matches!(
        column,
        "total_vm"
            | "rss"
            | "rss_anon"
            | "rss_file"
            | "rss_shmem"
            | "nr_ptes"
            | "nr_pmds"
            | "swapents"
    ) {
        Unit::Pages
    } else {
        Unit::Plain
    }
}

/// The column's heading in human units: `pgtables_bytes` and `nr_ptes` → `pgtables`,
/// `swapents` → `swap`, `nr_pmds` → `pmds`; others as the kernel named them.
pub fn heading(column: &str) -> &str {
    match column {
        "pgtables_bytes" | "nr_ptes" => "pgtables",
        "swapents" => "swap",
        "nr_pmds" => "pmds",
        c => c,
    }
}

/// A value of a column in human units (`12.5 MiB`), or as printed.
pub fn human(column: &str, v: i64) -> String {
    let Ok(n) = u64::try_from(v) else {
        return v.to_string();
    };
    match unit(column) {
        Unit::Pages => human_kb(n.saturating_mul(PAGE_BYTES / 1024)),
        Unit::Bytes if n < 1024 && n > 0 => format!("{n} B"),
        Unit::Bytes => human_kb(n / 1024),
        Unit::Plain => v.to_string(),
    }
}

/// Which role a task had in the kill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    pub trigger: bool,
    pub victim: bool,
}

impl Mark {
    /// `trigger`, `victim`, `trigger, victim`, or empty.
    pub fn text(self) -> &'static str {
        match (self.trigger, self.victim) {
            (true, true) => "trigger, victim",
            (true, false) => "trigger",
            (false, true) => "victim",
            (false, false) => "",
        }
    }
}

/// One row: the kernel's row, its cells in human units, its mark and resident size.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub task: &'a TaskRow,
    /// `(column, human text, value as printed)` in column order (empty text when the
    /// row lacks the column).
    pub cells: Vec<(&'a str, String, Option<i64>)>,
    pub mark: Mark,
    /// The resident size (`rss`, or the 6.x split columns summed) in pages.
    pub rss_pages: u64,
}

/// The columns the kernels print, in the order they print them (every layout's
/// columns are a subsequence of this).
const KERNEL_ORDER: &[&str] = &[
    "uid",
    "tgid",
    "total_vm",
    "rss",
    "rss_anon",
    "rss_file",
    "rss_shmem",
    "nr_ptes",
    "nr_pmds",
    "pgtables_bytes",
    "swapents",
    "oom_score_adj",
];

/// The task table's columns (in the kernel's order, the union over rows) and rows,
/// largest resident first (then by pid).
pub fn rows(e: &OomEvent) -> (Vec<&str>, Vec<Row<'_>>) {
    let mut columns: Vec<&str> = Vec::new();
    for r in &e.body.tasks {
        for (c, _) in &r.columns {
            if !columns.contains(&c.as_str()) {
                columns.push(c);
            }
        }
    }
    // A document read back may hold the columns sorted by name: the kernel's order.
    columns.sort_by_key(|c| {
        KERNEL_ORDER
            .iter()
            .position(|k| k == c)
            .unwrap_or(usize::MAX)
    });
    let mut out: Vec<Row> = e
        .body
        .tasks
        .iter()
        .map(|r| Row {
            task: r,
            cells: columns
                .iter()
                .map(|c| {
                    let v = r.get(c);
                    (*c, v.map(|v| human(c, v)).unwrap_or_default(), v)
                })
                .collect(),
            mark: Mark {
                trigger: e.trigger.pid == Some(r.pid),
                victim: e.victim.pid == Some(r.pid),
            },
            rss_pages: u64::try_from(task_rss_pages(r).max(0)).unwrap_or(0),
        })
        .collect();
    out.sort_by(|a, b| {
        b.rss_pages
            .cmp(&a.rss_pages)
            .then(a.task.pid.cmp(&b.task.pid))
    });
    (columns, out)
}

/// The task table as aligned text lines (at most `max` rows, then a line saying how
/// many were left out); empty when the kill printed none.
pub fn text_table(e: &OomEvent, max: usize) -> Vec<String> {
    let (columns, rows) = rows(e);
    if rows.is_empty() {
        return Vec::new();
    }
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["pid".to_string()];
    head.extend(columns.iter().map(|c| heading(c).to_string()));
    head.extend(["resident".to_string(), "name".to_string(), String::new()]);
    grid.push(head);
    for r in rows.iter().take(max) {
        let mut line = vec![r.task.pid.to_string()];
        line.extend(r.cells.iter().map(|(_, t, _)| t.clone()));
        line.push(human("rss", i64::try_from(r.rss_pages).unwrap_or(i64::MAX)));
        line.push(crate::util::terminal(&r.task.name, false).into_owned());
        let mark = r.mark.text();
        line.push(if mark.is_empty() {
            String::new()
        } else {
            format!("<- {mark}")
        });
        grid.push(line);
    }
    let n = grid.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            grid.iter()
                .map(|l| l.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let name_at = n.saturating_sub(2);
    let mut out: Vec<String> = grid
        .iter()
        .map(|l| {
            let cells: Vec<String> = l
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let w = widths.get(i).copied().unwrap_or(0);
                    if i >= name_at {
                        format!("{c:<w$}")
                    } else {
                        format!("{c:>w$}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect();
    if rows.len() > max {
        out.push(format!(
            "({} more tasks; the JSON document has all)",
            rows.len() - max
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Trigger, Victim};

    fn row(pid: u64, rss: i64, pt: i64, name: &str) -> TaskRow {
        TaskRow {
            pid,
            columns: vec![
                ("uid".into(), 0),
                ("total_vm".into(), rss * 2),
                ("rss".into(), rss),
                ("pgtables_bytes".into(), pt),
                ("swapents".into(), 0),
                ("oom_score_adj".into(), -998),
            ],
            name: name.into(),
        }
    }

    #[test]
    fn human_units_and_marks() {
        let e = OomEvent {
            trigger: Trigger {
                pid: Some(7),
                ..Trigger::default()
            },
            victim: Victim {
                pid: Some(9),
                ..Victim::default()
            }
            .into(),
            body: crate::model::Body {
                tasks: vec![
                    row(7, 300, 4096, "sh"),
                    row(9, 262_144, 2_097_152, "java"),
                    row(3, 10, 0, "init"),
                ],
                ..Default::default()
            }
            .into(),
            ..OomEvent::default()
        };
        let t = text_table(&e, 2);
        assert_eq!(
            t,
            [
                "pid  uid  total_vm      rss  pgtables   swap  oom_score_adj  resident  name",
                "  9    0   2.0 GiB  1.0 GiB   2.0 MiB  0 KiB           -998   1.0 GiB  java  <- victim",
                "  7    0   2.3 MiB  1.2 MiB     4 KiB  0 KiB           -998   1.2 MiB  sh    <- trigger",
                "(1 more tasks; the JSON document has all)",
            ]
        );
        assert_eq!(human("nr_ptes", 3), "12 KiB");
        assert_eq!(human("oom_score_adj", -1000), "-1000");
        assert_eq!(human("pgtables_bytes", 512), "512 B");
    }
}
