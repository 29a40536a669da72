//! The text summary on a terminal: lines made of styled spans, written with ANSI SGR
//! colour codes (`--color`) and wrapped at the terminal's width (`--width`).
//!
//! Every span is escaped by `crate::util::terminal` before a code is put around it, so
//! a name from the logs can never carry its own escape sequence; and with colour off
//! and no width the output is the escaped text as it always was, byte for byte.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::ops::Range;

/// How a piece of the summary is shown on a colour terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    /// A node's heading, the `verdict:` word.
    Heading,
    /// An event or incident id (`e1`, `i2`).
    Id,
    /// The host ran out of RAM.
    Alert,
    /// A cgroup's limit fired (container, pod, slice).
    Limit,
    /// Another constraint (node allocatable, cpuset, memory policy, manual, unknown).
    Other,
    /// A diagnosis code, the kind of another death.
    Code,
    /// Where a time came from (`(from uptime + boot time)`): dimmed.
    Note,
    /// `warning:`, `(incomplete)`.
    Warning,
}

impl Style {
    /// The SGR parameters (empty: no code at all).
    pub const fn sgr(self) -> &'static str {
        match self {
            Style::Plain => "",
            Style::Heading => "1",
            Style::Id => "36",
            Style::Alert => "1;31",
            Style::Limit => "1;33",
            Style::Other => "1;35",
            Style::Code => "33",
            Style::Note => "2",
            Style::Warning => "1;33",
        }
    }

    /// The style of a limit's label.
    pub const fn of_limit(l: crate::model::Limit) -> Style {
        use crate::model::Limit;
        match l {
            Limit::HostRam => Style::Alert,
            Limit::ContainerLimit | Limit::PodLimit | Limit::CgroupLimit => Style::Limit,
            Limit::NodeAllocatable
            | Limit::Cpuset
            | Limit::MemoryPolicy
            | Limit::Manual
            | Limit::Unknown => Style::Other,
        }
    }
}

/// `text` (already escaped) in `style`: the text itself when `color` is off, the
/// style is plain or the text empty.
pub fn paint(style: Style, text: &str, color: bool) -> String {
    if !color || style.sgr().is_empty() || text.is_empty() {
        return text.to_string();
    }
    format!("\x1b[{}m{text}\x1b[0m", style.sgr())
}

/// One line of the summary (it may hold line breaks from a name in the logs, kept as
/// they always were).
#[derive(Debug, Clone, Default)]
pub struct Line {
    spans: Vec<(Style, String)>,
}

impl Line {
    pub fn new() -> Line {
        Line::default()
    }

    /// Appends `text` in `style`.
    pub fn push(&mut self, style: Style, text: impl Into<String>) -> &mut Line {
        let text = text.into();
        if !text.is_empty() {
            self.spans.push((style, text));
        }
        self
    }

    /// Appends unstyled `text`.
    pub fn plain(&mut self, text: impl Into<String>) -> &mut Line {
        self.push(Style::Plain, text)
    }

    /// Appends the spans of `other`.
    pub fn append(&mut self, other: Line) -> &mut Line {
        self.spans.extend(other.spans);
        self
    }
}

/// How lines are written: with colour codes or not, wrapped at a width or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Term {
    pub color: bool,
    pub width: Option<usize>,
}

impl Term {
    /// Writes `line` and its line break to `out`: each span escaped, then wrapped,
    /// then painted.
    pub fn write_line(&self, line: &Line, out: &mut String) {
        // The escaped spans, split into physical lines at the breaks they hold.
        let mut rows: Vec<Vec<(Style, String)>> = vec![Vec::new()];
        for (style, text) in &line.spans {
            let esc = crate::util::terminal(text, true);
            for (n, piece) in esc.split('\n').enumerate() {
                if n > 0 {
                    rows.push(Vec::new());
                }
                if !piece.is_empty()
                    && let Some(row) = rows.last_mut()
                {
                    row.push((*style, piece.to_string()));
                }
            }
        }
        for spans in rows {
            self.write_row(&spans, out);
        }
    }

    fn write_row(&self, spans: &[(Style, String)], out: &mut String) {
        let plain: String = spans.iter().map(|(_, t)| t.as_str()).collect();
        let (indent, ranges) = match self.width {
            Some(w) => wrap(&plain, w),
            None => (0, std::iter::once(0..plain.len()).collect()),
        };
        for (n, range) in ranges.into_iter().enumerate() {
            if n > 0 {
                out.extend(std::iter::repeat_n(' ', indent));
            }
            // Each span's part inside this row, in its style.
            let mut at = 0;
            for (style, text) in spans {
                let span = at..at + text.len();
                at = span.end;
                let start = span.start.max(range.start);
                let end = span.end.min(range.end);
                if start < end
                    && let Some(piece) = text.get(start - span.start..end - span.start)
                {
                    out.push_str(&paint(*style, piece, self.color));
                }
            }
            out.push('\n');
        }
    }
}

/// Where `line` breaks to fit in `width` columns (one column per character): the
/// hanging indent (spaces) to put before every row after the first — the line's own
/// indent plus 4, at most half the width — and the byte range of `line` each row
/// shows. Rows break at spaces (dropped); a word longer than a row is broken after a
/// `/` or `-`, failing that at the width. Ranges always fall between characters.
pub fn wrap(line: &str, width: usize) -> (usize, Vec<Range<usize>>) {
    let width = width.max(1);
    let cs: Vec<char> = line.chars().collect();
    let offsets: Vec<usize> = line.char_indices().map(|(b, _)| b).collect();
    let byte = |i: usize| offsets.get(i).copied().unwrap_or(line.len());
    let is = |i: usize, f: fn(char) -> bool| cs.get(i).copied().is_some_and(f);
    let n = cs.len();
    let lead = cs.iter().take_while(|c| **c == ' ').count();
    let indent = (lead + 4).min(width / 2);
    let row_width = width - indent;
    let mut rows = Vec::new();
    let mut i = 0;
    let mut first = true;
    loop {
        if !first {
            while is(i, |c| c == ' ') {
                i += 1;
            }
        }
        if i >= n {
            if first {
                rows.push(0..line.len());
            }
            break;
        }
        let avail = if first { width } else { row_width };
        if n - i <= avail {
            rows.push(byte(i)..line.len());
            break;
        }
        // chars i..end fit; the char at `end` does not.
        let end = i + avail;
        let lo = if first { lead + 1 } else { i + 1 };
        let space = (lo..=end).rev().find(|&j| is(j, |c| c == ' '));
        let punct = (i..end)
            .rev()
            .find(|&k| is(k, |c| c == '/' || c == '-'))
            .map(|k| k + 1);
        let brk = match (space, punct) {
            (Some(j), Some(p)) if p > j => {
                // The word after the space: broken here when no row can hold it.
                let start = (j..n).find(|&w| !is(w, |c| c == ' ')).unwrap_or(n);
                let len = (start..n).take_while(|&w| !is(w, |c| c == ' ')).count();
                if len > row_width { p } else { j }
            }
            (Some(j), _) => j,
            (None, Some(p)) => p,
            (None, None) => end,
        };
        let mut row_end = brk;
        while row_end > i + 1 && is(row_end - 1, |c| c == ' ') {
            row_end -= 1;
        }
        rows.push(byte(i)..byte(row_end));
        i = brk;
        first = false;
    }
    (indent, rows)
}

#[cfg(test)]
#[allow(clippy::string_slice, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn rows(line: &str, width: usize) -> Vec<String> {
        let (indent, ranges) = wrap(line, width);
        ranges
            .into_iter()
            .enumerate()
            .map(|(n, r)| {
                let pad = if n > 0 {
                    " ".repeat(indent)
                } else {
                    String::new()
                };
                format!("{pad}{}", &line[r])
            })
            .collect()
    }

    #[test]
    fn short_lines_are_left_alone() {
        assert_eq!(rows("  e1  host RAM", 80), ["  e1  host RAM"]);
        assert_eq!(rows("", 80), [""]);
        assert_eq!(rows("exactly10!", 10), ["exactly10!"]);
    }

    #[test]
    fn long_lines_wrap_at_spaces_with_a_hanging_indent() {
        let line = "      verdict: The host ran out of memory (no cgroup limit was involved)";
        let got = rows(line, 30);
        assert_eq!(
            got,
            [
                "      verdict: The host ran",
                "          out of memory (no",
                "          cgroup limit was",
                "          involved)"
            ]
        );
        assert!(got.iter().all(|r| r.chars().count() <= 30));
    }

    #[test]
    fn a_long_path_breaks_at_slashes_then_dashes_then_hard() {
        let path = "cgroup /kubepods.slice/kubepods-burstable.slice/cri-containerd-4f3a9c1e7b2d4f3a9c1e7b2d4f3a9c1e7b2d4f3a9c1e7b2d4f3a9c1e7b2d4f3a.scope";
        let got = rows(path, 40);
        assert!(got.iter().all(|r| r.chars().count() <= 40), "{got:#?}");
        // The path fills each row up to its last `/` or `-`.
        assert_eq!(got[0], "cgroup /kubepods.slice/kubepods-");
        assert_eq!(got[1], "    burstable.slice/cri-containerd-");
        // 64 hex digits: no break character, cut at the width.
        let hex = &path[path.rfind('-').unwrap() + 1..];
        assert_eq!(got[2], format!("    {}", &hex[..36]));
        assert_eq!(got[3], format!("    {}", &hex[36..]));
        assert_eq!(got.len(), 4);
        let joined: String = got
            .iter()
            .map(|r| r.trim_start())
            .collect::<Vec<_>>()
            .join("");
        assert_eq!(joined, path);
    }

    #[test]
    fn a_word_that_fits_a_row_is_moved_whole() {
        assert_eq!(rows("aaaa bbb/cc", 10), ["aaaa", "    bbb/cc"]);
    }

    #[test]
    fn utf8_counts_one_column_per_character_and_is_never_split() {
        let line = "ééééé ßßßßß ñññññ";
        let got = rows(line, 12);
        assert_eq!(got, ["ééééé ßßßßß", "    ñññññ"]);
        let hard = rows("ééééééééééé", 4);
        assert!(hard.iter().all(|r| r.chars().count() <= 4), "{hard:?}");
        assert_eq!(hard.concat().replace(' ', ""), "ééééééééééé");
    }

    #[test]
    fn tiny_widths_still_progress() {
        let got = rows("    abc def", 1);
        assert!(got.iter().all(|r| r.chars().count() <= 1), "{got:?}");
    }

    #[test]
    fn spans_are_escaped_then_painted_and_plain_output_is_unchanged() {
        let mut l = Line::new();
        l.plain("  ")
            .push(Style::Id, "e1")
            .plain("  ")
            .push(Style::Alert, "host RAM");
        l.plain("  evil\x1b[2J(x)");
        let mut plain = String::new();
        Term::default().write_line(&l, &mut plain);
        assert_eq!(plain, "  e1  host RAM  evil\\x1b[2J(x)\n");
        let mut color = String::new();
        Term {
            color: true,
            width: None,
        }
        .write_line(&l, &mut color);
        assert_eq!(
            color,
            "  \x1b[36me1\x1b[0m  \x1b[1;31mhost RAM\x1b[0m  evil\\x1b[2J(x)\n"
        );
        // The only ESC bytes are the codes' own.
        assert_eq!(color.matches('\x1b').count(), 4);
    }

    #[test]
    fn a_span_cut_by_a_wrap_is_painted_on_both_rows() {
        let mut l = Line::new();
        l.push(Style::Note, "aaaa bbbb");
        let mut out = String::new();
        Term {
            color: true,
            width: Some(8),
        }
        .write_line(&l, &mut out);
        assert_eq!(out, "\x1b[2maaaa\x1b[0m\n    \x1b[2mbbbb\x1b[0m\n");
    }
}
