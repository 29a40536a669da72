//! `oomsift`: arguments → config → run → exit status. 0: the analysis ran over all
//! input; 1: it ran but some input could not be fully read; 2: nothing could be
//! analyzed, a report file (`--html`, `-o`) could not be written, or a usage error.
//! A closed stdout (`| head`) is not an error.

use clap::Parser;
use oomsift::cli::{Cli, Command, Format};
use oomsift::report::ndjson::Ndjson;
use oomsift::report::{Render, json::Json, text::Text};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // ndjson from `analyze` is streamed unit by unit while the rest runs.
    let mut streamed = None;
    let (analysis, quiet, outputs, format) = match cli.command {
        Command::Analyze(args) => {
            let format = args.out.stdout_format();
            let result = if format == Format::Ndjson {
                // Events are kept for a report file only; else memory stays flat.
                let keep = args.out.outputs().html.is_some();
                let (r, written) = oomsift::run_ndjson(&args.config(), keep, &mut out);
                streamed = Some(written);
                r
            } else {
                oomsift::run(&args.config())
            };
            match result {
                Ok(a) => (a, args.quiet, args.out.outputs(), format),
                Err(e) => {
                    eprintln!("oomsift: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        Command::Merge(args) => match args.run() {
            Ok(a) => (a, args.quiet, args.out.outputs(), args.out.stdout_format()),
            Err(e) => {
                eprintln!("oomsift: {e}");
                return ExitCode::from(2);
            }
        },
    };
    if !quiet {
        for w in &analysis.warnings {
            eprintln!("oomsift: warning: {}: {}", w.file, w.message);
        }
    }
    if let Err(e) = outputs.write(&analysis) {
        eprintln!("oomsift: {e}");
        return ExitCode::from(2);
    }
    let renderer: &dyn Render = match format {
        Format::Json => &Json,
        Format::Ndjson => &Ndjson,
        Format::Text => &Text,
    };
    let written = match streamed {
        Some(w) => w,
        None => renderer
            .render(&analysis, &mut out)
            .and_then(|()| out.flush()),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("oomsift: cannot write the output: {e}");
        return ExitCode::from(2);
    }
    ExitCode::from(if analysis.incomplete { 1 } else { 0 })
}
