//! `oomsift`: arguments → config → run → exit status. 0: the analysis ran over all
//! input; 1: it ran but some input could not be fully read, or nothing could be read
//! in it; 2: nothing could be
//! analyzed, a report file (`--html`, `-o`) could not be written, or a usage error.
//! A closed stdout (`| head`) is not an error. `-o DIR` says on stderr where it wrote.

#![deny(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use clap::Parser;
use oomsift::cli::{Cli, Command, Format};
use oomsift::report::write_all;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("oomsift: {}", oomsift::util::terminal(&e, false));
            ExitCode::from(2)
        }
    }
}

/// The exit of a command that only prints: a closed stdout is success.
fn finish(written: std::io::Result<()>) -> Result<ExitCode, String> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}"))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The analysis's warnings on stderr, one line each.
fn print_warnings(analysis: &oomsift::analysis::Analysis) {
    for w in &analysis.warnings {
        eprintln!(
            "oomsift: warning: {}: {}",
            oomsift::util::terminal(&w.file, false),
            oomsift::util::terminal(&w.message, false)
        );
    }
}

/// `Err` is the one line to print before exiting with status 2.
fn run() -> Result<ExitCode, String> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return Ok(ExitCode::from(if e.use_stderr() { 2 } else { 0 }));
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // ndjson from `analyze` is streamed unit by unit while the rest runs.
    let mut streamed = None;
    let (analysis, quiet, exports, color) = match cli.command {
        Command::Analyze(args) => {
            if args.explain && args.out.stdout_format() != Format::Text {
                return Err(
                    "--explain explains kills in the text summary; the JSON keeps the facts it is made of (oomsift show ID prints one kill explained, the HTML report every one)"
                        .to_string(),
                );
            }
            let filter = args.filter.filter();
            // Raw kernel lines are kept only for the outputs that show them.
            oomsift::kernel::assemble::keep_raw_lines(args.config().raw_blocks);
            // Filtered ndjson is written after the analysis: the filter needs all of it.
            let mut analysis = if args.out.stdout_format() == Format::Ndjson && !filter.is_active()
            {
                // Events are kept for a report file only; else memory stays flat.
                let (r, written) =
                    oomsift::run_ndjson(&args.config(), args.out.writes_html(), &mut out);
                streamed = Some(written);
                r?
            } else {
                oomsift::run(&args.config())?
            };
            filter.apply(&mut analysis);
            (analysis, args.quiet, args.exports(), args.out.color)
        }
        Command::Merge(args) => (args.run()?, args.quiet, args.out.exports(), args.out.color),
        Command::Show(args) => {
            let analysis = args.analysis()?;
            if !args.quiet {
                print_warnings(&analysis);
            }
            let written = oomsift::show(&analysis, &args.id, &mut out)?;
            let code = finish(written.and_then(|()| out.flush()))?;
            return Ok(if analysis.incomplete {
                ExitCode::from(1)
            } else {
                code
            });
        }
        Command::Completions { shell } => {
            oomsift::cli::completions(shell, &mut out);
            return finish(out.flush());
        }
        Command::Man => {
            let written = oomsift::cli::man(&mut out).and_then(|()| out.flush());
            return finish(written);
        }
    };
    if !quiet {
        // `warning:` coloured when stderr may be (`--color`, NO_COLOR, a terminal).
        let warning = oomsift::report::style::paint(
            oomsift::report::style::Style::Warning,
            "warning:",
            color.on(false),
        );
        for w in &analysis.warnings {
            eprintln!(
                "oomsift: {warning} {}: {}",
                oomsift::util::terminal(&w.file, false),
                oomsift::util::terminal(&w.message, false)
            );
        }
    }
    write_all(&exports, &analysis, &mut out, streamed.is_some()).map_err(|e| e.to_string())?;
    // `-o DIR`: say where the reports went (stderr: stdout carries the summary).
    let written: Vec<String> = exports
        .iter()
        .filter_map(|x| match &x.target {
            oomsift::report::Target::File {
                path,
                create_dir: true,
            } => Some(path.display().to_string()),
            _ => None,
        })
        .collect();
    if !quiet && !written.is_empty() {
        eprintln!("oomsift: wrote {}", written.join(" and "));
    }
    if let Some(Err(e)) = &streamed
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write the output: {e}"));
    }
    let _ = out.flush();
    let code = ExitCode::from(if analysis.incomplete { 1 } else { 0 });
    // The process ends here: freeing every event one by one (a storm's million, a
    // task table's rows) would only cost time after the output is out.
    std::mem::forget(analysis);
    Ok(code)
}
