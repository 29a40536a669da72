//! Command-line arguments → [`Config`](crate::Config).

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use crate::Config;
use crate::analysis::TimeOptions;
use crate::report::{Export, Render, Target};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "oomsift",
    version,
    about = "Why was this process or pod OOM-killed? Offline forensics over logs and node bundles."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every kernel OOM kill (and every other memory death) in logs, bundles and
    /// archives, and explain it.
    Analyze(AnalyzeArgs),
    /// Join the JSON documents of `--shard K/N` runs into the document (and report)
    /// one run over all the inputs gives.
    Merge(MergeArgs),
    /// Print one kill in full: its verdict, its explanation (GFP flags, request, zones,
    /// RAM and swap, the victim's share), its task table, its sources and raw block.
    Show(ShowArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) on stdout.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on stdout: `oomsift man > oomsift.1`.
    Man,
}

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "oomsift", out);
}

/// Writes the manual page (roff) to `out`.
pub fn man(out: &mut dyn std::io::Write) -> std::io::Result<()> {
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(out)
}

/// Where the analysis goes: stdout's format and the report files.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the HTML report (one self-contained page) to FILE; stdout keeps
    /// --format.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write DIR/report.html and DIR/report.json (DIR is created); stdout then carries
    /// the text summary.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "DIR",
        conflicts_with = "format"
    )]
    pub output: Option<PathBuf>,
    /// Colour in the text summary and the warnings: auto (only on a terminal, and not
    /// when NO_COLOR is set and non-empty), always or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Wrap the text summary at N columns. Default: the terminal's width on a
    /// terminal (COLUMNS when set, else the terminal's own, else 80); full lines when
    /// piped.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(20..))]
    pub width: Option<u16>,
}

/// When to colour (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Colour on a stream that is (`is_terminal`) or is not a terminal, with NO_COLOR
    /// as given: `always` colours, `never` does not, `auto` only on a terminal and
    /// when NO_COLOR is unset or empty (https://no-color.org).
    pub fn resolve(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }

    /// Colour on stdout (`stdout`) or stderr.
    pub fn on(self, stdout: bool) -> bool {
        use std::io::IsTerminal;
        let tty = if stdout {
            std::io::stdout().is_terminal()
        } else {
            std::io::stderr().is_terminal()
        };
        self.resolve(tty, std::env::var_os("NO_COLOR").as_deref())
    }
}

/// The width to wrap the text summary at: `--width`; else on a terminal COLUMNS when
/// it is a number, else the terminal's own width, else 80; when piped none.
pub fn wrap_width(
    forced: Option<u16>,
    is_terminal: bool,
    columns: Option<&str>,
    tty_columns: impl FnOnce() -> Option<usize>,
) -> Option<usize> {
    if let Some(w) = forced {
        return Some(usize::from(w));
    }
    if !is_terminal {
        return None;
    }
    let env = columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0);
    Some(env.or_else(tty_columns).unwrap_or(80))
}

/// The width of the terminal on stdout (`ioctl(TIOCGWINSZ)`), when it says one.
#[cfg(unix)]
fn tty_columns() -> Option<usize> {
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct passed, which we own
    // and which outlives the call.
    let r = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut ws) };
    (r == 0 && ws.ws_col > 0).then_some(usize::from(ws.ws_col))
}

#[cfg(not(unix))]
fn tty_columns() -> Option<usize> {
    None
}

impl OutputArgs {
    /// How the text summary on stdout is written: colour and wrapping width.
    pub fn term(&self) -> crate::report::style::Term {
        use std::io::IsTerminal;
        let tty = std::io::stdout().is_terminal();
        crate::report::style::Term {
            color: self.color.on(true),
            width: wrap_width(
                self.width,
                tty,
                std::env::var("COLUMNS").ok().as_deref(),
                tty_columns,
            ),
        }
    }

    /// What goes to stdout: the text summary when `-o` writes the reports.
    pub fn stdout_format(&self) -> Format {
        if self.output.is_some() {
            Format::Text
        } else {
            self.format
        }
    }

    /// Every output of the run: the report files (`--html FILE`, `-o DIR`'s
    /// `report.html` and `report.json`), then stdout in its format.
    pub fn exports(&self) -> Vec<Export> {
        self.exports_with(crate::report::text::Text {
            term: self.term(),
            ..Default::default()
        })
    }

    /// [`exports`](Self::exports), the text summary on stdout written by `text`.
    pub fn exports_with(&self, text: crate::report::text::Text) -> Vec<Export> {
        let mut out = Vec::new();
        if let Some(dir) = &self.output {
            for (name, render) in [("report.html", Format::Html), ("report.json", Format::Json)] {
                out.push(Export {
                    render: render.renderer(),
                    target: Target::File {
                        path: dir.join(name),
                        create_dir: true,
                    },
                });
            }
        }
        if let Some(path) = &self.html {
            out.push(Export {
                render: Format::Html.renderer(),
                target: Target::File {
                    path: path.clone(),
                    create_dir: false,
                },
            });
        }
        let render = match self.stdout_format() {
            Format::Text => std::sync::Arc::new(text),
            f => f.renderer(),
        };
        out.push(Export {
            render,
            target: Target::Stdout,
        });
        out
    }

    /// Is an HTML report written (so events must be kept even when streaming)?
    pub fn writes_html(&self) -> bool {
        self.html.is_some() || self.output.is_some()
    }
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// JSON documents written by `oomsift analyze --format json` (or `-o`'s report.json).
    #[arg(required = true, value_name = "JSON")]
    pub docs: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// No warnings on stderr.
    #[arg(short, long)]
    pub quiet: bool,
}

impl MergeArgs {
    /// Reads and merges the documents. `Err` is one line naming the file and the cause.
    pub fn run(&self) -> Result<crate::analysis::Analysis, String> {
        let mut docs = Vec::new();
        for p in &self.docs {
            let name = p.display().to_string();
            let bytes = std::fs::read(p)
                .map_err(|e| format!("{name}: cannot read: {}", crate::util::io_reason(&e)))?;
            let doc = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{name}: not an oomsift JSON document: {e}"))?;
            docs.push((name, doc));
        }
        crate::analysis::merge::merge(docs)
    }
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The event's id (`e1`, as the other outputs print it).
    #[arg(value_name = "ID")]
    pub id: String,
    /// What `analyze` takes (logs, archives, directories, `-`), or saved oomsift JSON
    /// documents (`analyze --format json`, `-o`'s report.json), told by their content.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// As for `analyze`: the year of year-less syslog times (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub reference_date: Option<(i32, u8, u8)>,
    /// No warnings on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// A saved oomsift document: a JSON object whose `schema` is `oomsift/1` (`None`: not
/// one, so the path is analyzed as a log or bundle).
fn saved_document(path: &str) -> Result<Option<crate::analysis::Analysis>, String> {
    let p = std::path::Path::new(path);
    if path == "-" || !p.is_file() {
        return Ok(None);
    }
    let mut head = [0u8; 1];
    let first = std::fs::File::open(p).and_then(|mut f| {
        use std::io::Read;
        loop {
            if f.read(&mut head)? == 0 {
                return Ok(None);
            }
            if !head[0].is_ascii_whitespace() {
                return Ok(Some(head[0]));
            }
        }
    });
    let first =
        first.map_err(|e| format!("{path}: cannot read: {}", crate::util::io_reason(&e)))?;
    if first != Some(b'{') {
        return Ok(None);
    }
    let bytes = std::fs::read(p)
        .map_err(|e| format!("{path}: cannot read: {}", crate::util::io_reason(&e)))?;
    // One JSON object (a journal JSON export has one per line, and no `schema`).
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Ok(None);
    };
    if v.get("schema").and_then(|s| s.as_str()) != Some("oomsift/1") {
        return Ok(None);
    }
    serde_json::from_value(v)
        .map(Some)
        .map_err(|e| format!("{path}: not an oomsift JSON document: {e}"))
}

impl ShowArgs {
    /// The analysis the event is taken from: the saved documents as they are (merged
    /// when several), or the inputs analyzed with their raw blocks kept. `Err` is one
    /// line.
    pub fn analysis(&self) -> Result<crate::analysis::Analysis, String> {
        let mut docs = Vec::new();
        for p in &self.paths {
            if let Some(d) = saved_document(p)? {
                docs.push((p.clone(), d));
            }
        }
        if docs.is_empty() {
            return crate::run(&Config {
                inputs: self.paths.clone(),
                jobs: None,
                shard: None,
                progress: crate::Progress::Quiet,
                time: TimeOptions {
                    reference_date: self.reference_date,
                    ..TimeOptions::default()
                },
                raw_blocks: true,
                limits: self.limits.limits(),
            });
        }
        if docs.len() != self.paths.len() {
            return Err(
                "show takes either saved oomsift JSON documents or logs and bundles, not both"
                    .to_string(),
            );
        }
        if docs.len() == 1
            && let Some((_, d)) = docs.pop()
        {
            return Ok(d);
        }
        crate::analysis::merge::merge(docs)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A short human summary.
    Text,
    /// The JSON document (docs/json-schema.md).
    Json,
    /// One JSON object per kernel OOM kill, with its node and bundle, one per line.
    Ndjson,
    /// The HTML report (for report files only).
    #[value(skip)]
    Html,
}

impl Format {
    /// The renderer of this format (the text summary plain and unwrapped).
    pub fn renderer(self) -> std::sync::Arc<dyn Render + Send + Sync> {
        use crate::report::{html::Html, json::Json, ndjson::Ndjson, text::Text};
        match self {
            Format::Text => std::sync::Arc::new(Text::default()),
            Format::Json => std::sync::Arc::new(Json),
            Format::Ndjson => std::sync::Arc::new(Ndjson),
            Format::Html => std::sync::Arc::new(Html),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// Log files (plain or .gz/.xz/.zst), archives (.tar, .tar.gz, .tar.xz, .tar.zst, .zip)
    /// and directories (sosreport, must-gather, support bundle, /var/log copy, node logs);
    /// `-` reads a log or an archive from standard input (`journalctl -k | oomsift analyze -`).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Worker threads (default: all cores). The output is the same whatever the number.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The date the logs were collected, YYYY-MM-DD: the year of year-less syslog times.
    /// Default: from the bundle (collection date, rotated file names, file times).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub reference_date: Option<(i32, u8, u8)>,
    /// Keep each kill's kernel lines as logged and put them in the JSON (`raw`): for
    /// shards whose `oomsift merge` report should show them. Implied by --html and -o.
    #[arg(long)]
    pub raw_blocks: bool,
    /// Analyze only shard K of N (1 ≤ K ≤ N): the sorted list of bundles found in the
    /// inputs, dealt round-robin, so N independent runs split the work.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// No warnings or progress on stderr (the exit status still tells).
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// One line per bundle on stderr as it is done.
    #[arg(short, long)]
    pub verbose: bool,
    /// Under each kill of the text summary, its explanation as `oomsift show` prints
    /// it: the GFP flags, the request's size, the zones, RAM and swap, the victim's share.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Bounds on the work one archive may cause (docs/THREAT-MODEL.md). Sizes take a
/// K, M, G or T suffix (powers of 1024).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Bytes decompressed, over every nesting level, from one archive given (bytes
    /// decoded only to skip a member count too); past it the rest of that archive is
    /// not read, with a warning.
    #[arg(long, value_name = "SIZE", default_value = "64G", value_parser = parse_size)]
    pub max_decoded_bytes: u64,
    /// An archive member decoding to more than N times its compressed size, once past
    /// --ratio-floor, is stopped as a decompression bomb (a warning); the members after
    /// it are read.
    #[arg(long, value_name = "N", default_value_t = crate::source::BOMB_RATIO)]
    pub max_ratio: u64,
    /// Decoded bytes of a member below which --max-ratio never stops it.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub ratio_floor: u64,
    /// How deep archives may nest inside one given (an archive in an archive is 1); a
    /// member archive deeper is not opened, with a warning.
    #[arg(long, value_name = "N", default_value_t = crate::source::MAX_NESTED)]
    pub max_nested: usize,
    /// A zip read into memory to be read at all (one nested in an archive, or piped
    /// to standard input) is read up to this size; a larger one is not, with a warning.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = parse_size)]
    pub max_zip_buffer: u64,
}

impl LimitArgs {
    /// The limits these flags ask for.
    pub fn limits(&self) -> crate::source::Limits {
        crate::source::Limits {
            max_decoded_bytes: self.max_decoded_bytes,
            max_ratio: self.max_ratio.max(1),
            ratio_floor: self.ratio_floor,
            max_nested: self.max_nested,
            max_zip_buffer: self.max_zip_buffer,
        }
    }
}

/// `s` as one word for a POSIX shell: as is when it holds only characters no shell
/// treats specially, else in single quotes (a `'` written `'\''`).
fn shell_word(s: &str) -> String {
    let safe = |b: u8| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b);
    if !s.is_empty() && s.bytes().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `123`, `64K`, `512M`, `64G`, `1T` (powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let bad = || format!("expected a size such as 512M or 64G, got {s:?}");
    let t = s.trim();
    let (num, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (
            t.get(..i).ok_or_else(bad)?,
            match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(bad()),
            },
        ),
        _ => (t, 0),
    };
    let n: u64 = num.parse().map_err(|_| bad())?;
    n.checked_mul(1u64 << shift).ok_or_else(bad)
}

/// Output filters: applied after the analysis (incidents and diagnoses are computed
/// on every kill) to what every output shows.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterArgs {
    /// Show only kills at or after TIME (RFC 3339, or YYYY-MM-DD: that UTC day's start).
    #[arg(long, value_name = "TIME", value_parser = |s: &str| crate::analysis::filter::parse_bound(s, false))]
    pub since: Option<i64>,
    /// Show only kills at or before TIME (RFC 3339, or YYYY-MM-DD: through that UTC day).
    #[arg(long, value_name = "TIME", value_parser = |s: &str| crate::analysis::filter::parse_bound(s, true))]
    pub until: Option<i64>,
    /// With --since/--until: also show kills with no wall time.
    #[arg(long)]
    pub include_undated: bool,
    /// Show only kills on this node.
    #[arg(long, value_name = "NAME")]
    pub node: Option<String>,
    /// Show only kills of pods in this namespace.
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Show only kills of this pod (by name).
    #[arg(long, value_name = "NAME")]
    pub pod: Option<String>,
    /// Show only kills of this kind: host, cgroup, cpuset, memory_policy, ...
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
}

impl FilterArgs {
    /// The filter these flags ask for.
    pub fn filter(&self) -> crate::analysis::filter::Filter {
        crate::analysis::filter::Filter {
            since_us: self.since,
            until_us: self.until,
            include_undated: self.include_undated,
            node: self.node.clone(),
            namespace: self.namespace.clone(),
            pod: self.pod.clone(),
            kind: self.kind.clone(),
        }
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("expected K/N with 1 <= K <= N, got {s:?}");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

fn parse_date(s: &str) -> Result<(i32, u8, u8), String> {
    let bad = || format!("expected YYYY-MM-DD, got {s:?}");
    let mut it = s.split('-');
    let y: i32 = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    let m: u8 = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    let d: u8 = it.next().and_then(|v| v.parse().ok()).ok_or_else(bad)?;
    if it.next().is_some()
        || !(1..=12).contains(&m)
        || d == 0
        || d > crate::clock::days_in_month(y, m)
    {
        return Err(bad());
    }
    Ok((y, m, d))
}

impl AnalyzeArgs {
    /// Every output of the run (as [`OutputArgs::exports`]), the text summary with
    /// `--explain`'s explanations and the closing `oomsift show` hint.
    pub fn exports(&self) -> Vec<Export> {
        self.out.exports_with(crate::report::text::Text {
            term: self.out.term(),
            explain: self.explain,
            show_args: self.show_args(),
        })
    }

    /// What `oomsift show ID` needs to find the same event: the paths as given and the
    /// options the event ids depend on (`--reference-date`, limits not at their
    /// default), shell-quoted. None for standard input (read once) and a shard (its
    /// ids are the shard's; `show` has no `--shard`).
    pub fn show_args(&self) -> Option<String> {
        if self.shard.is_some() || self.paths.iter().any(|p| p == "-") {
            return None;
        }
        let mut args = Vec::new();
        if let Some((y, m, d)) = self.reference_date {
            args.push(format!("--reference-date {y:04}-{m:02}-{d:02}"));
        }
        let l = &self.limits;
        let d = crate::source::Limits::default();
        if l.max_decoded_bytes != d.max_decoded_bytes {
            args.push(format!("--max-decoded-bytes {}", l.max_decoded_bytes));
        }
        if l.max_ratio != d.max_ratio {
            args.push(format!("--max-ratio {}", l.max_ratio));
        }
        if l.ratio_floor != d.ratio_floor {
            args.push(format!("--ratio-floor {}", l.ratio_floor));
        }
        if self.paths.iter().any(|p| p.starts_with('-')) {
            args.push("--".to_string());
        }
        args.extend(self.paths.iter().map(|p| shell_word(p)));
        Some(args.join(" "))
    }

    pub fn config(&self) -> Config {
        Config {
            inputs: self.paths.clone(),
            jobs: self.jobs,
            shard: self.shard,
            progress: if self.quiet {
                crate::Progress::Quiet
            } else if self.verbose {
                crate::Progress::Verbose
            } else {
                crate::Progress::Bar
            },
            time: TimeOptions {
                reference_date: self.reference_date,
                ..TimeOptions::default()
            },
            raw_blocks: self.raw_blocks || self.out.html.is_some() || self.out.output.is_some(),
            limits: self.limits.limits(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words() {
        assert_eq!(
            shell_word("testdata/sosreport-node1"),
            "testdata/sosreport-node1"
        );
        assert_eq!(shell_word("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("$HOME;rm"), "'$HOME;rm'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("64G"), Ok(64 << 30));
        assert!(parse_size("1.5G").is_err());
        assert!(parse_size("G").is_err());
        assert!(parse_size("20000000T").is_err());
        assert!(parse_size("7é").is_err());
    }

    #[test]
    fn shards() {
        assert_eq!(parse_shard("2/5"), Ok((2, 5)));
        assert!(parse_shard("0/5").is_err());
        assert!(parse_shard("6/5").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn colour_follows_the_flag_the_terminal_and_no_color() {
        use std::ffi::OsStr;
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        assert!(ColorWhen::Auto.resolve(true, None));
        assert!(ColorWhen::Auto.resolve(true, empty));
        assert!(!ColorWhen::Auto.resolve(true, set));
        assert!(!ColorWhen::Auto.resolve(false, None));
        assert!(ColorWhen::Always.resolve(false, set));
        assert!(!ColorWhen::Never.resolve(true, None));
    }

    #[test]
    fn widths() {
        let never = || -> Option<usize> { panic!("the terminal was asked") };
        assert_eq!(wrap_width(Some(60), false, None, never), Some(60));
        assert_eq!(wrap_width(None, false, Some("100"), never), None);
        assert_eq!(wrap_width(None, true, Some("100"), never), Some(100));
        assert_eq!(
            wrap_width(None, true, Some("wide"), || Some(132)),
            Some(132)
        );
        assert_eq!(wrap_width(None, true, Some("0"), || None), Some(80));
        assert_eq!(wrap_width(None, true, None, || None), Some(80));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-03-05"), Ok((2024, 3, 5)));
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("yesterday").is_err());
    }
}
