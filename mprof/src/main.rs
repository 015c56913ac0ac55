//! `mprof`: memory over time, as memory_profiler's `mprof`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use mprof::dat::Profile;
use mprof::files;
use mprof::plot::{self, PlotOptions};
use mprof::run::{self, RunOptions};

/// Memory over time: run a program sampling its memory, then plot it. Reads and writes
/// the .dat files of Python's memory_profiler `mprof`.
#[derive(Parser, Debug)]
#[command(name = "mprof", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a program, sampling its memory into mprofile_<YYYYMMDDhhmmss>.dat.
    ///
    /// Functions of the program annotated with #[memory_profiler::profile] add their FUNC
    /// lines (entry and exit), which `mprof plot` draws as brackets; their line reports are
    /// not printed unless --reports is given.
    #[command(arg_required_else_help = true)]
    Run {
        /// Sampling period, in seconds.
        #[arg(short = 'T', long, default_value_t = 0.1)]
        interval: f64,
        /// Add the memory of the program's child processes (all descendants) to each sample.
        #[arg(short = 'C', long)]
        include_children: bool,
        /// Record each child process's memory on its own (CHLD lines).
        #[arg(short = 'M', long)]
        multiprocess: bool,
        /// Exit with the program's exit code (128 + signal if a signal ended it).
        #[arg(short = 'E', long)]
        exit_code: bool,
        /// Stop sampling after this many seconds (the program runs on to its end).
        #[arg(short = 't', long)]
        timeout: Option<f64>,
        /// The .dat file to append to [default: mprofile_<YYYYMMDDhhmmss>.dat, UTC].
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Let #[profile] functions print their line reports too.
        #[arg(long)]
        reports: bool,
        /// Run the program as a Python script under memory_profiler (function timestamps);
        /// the default for a program ending in .py.
        #[arg(long, conflicts_with = "nopython")]
        python: bool,
        /// Do not treat a .py program as a Python script.
        #[arg(long)]
        nopython: bool,
        /// The program and its arguments (put `--` before them if they start with `-`).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        program: Vec<String>,
    },
    /// Plot memory against time, with function brackets, to a PNG or SVG file.
    Plot {
        /// The plot's title [default: the command line of the profile].
        #[arg(short = 't', long)]
        title: Option<String>,
        /// Do not draw the brackets of profiled functions.
        #[arg(short = 'n', long = "no-function-ts")]
        no_function_ts: bool,
        /// The image file, .png or .svg [default: the profile's name, with .png].
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Plot only this time range, in seconds, e.g. `--window 0,20.5`.
        #[arg(short = 'w', long, value_parser = parse_window, allow_hyphen_values = true)]
        window: Option<(f64, f64)>,
        /// Draw a trend line and give its slope (MiB/s).
        #[arg(short = 's', long)]
        slope: bool,
        /// Image size in pixels, WIDTHxHEIGHT.
        #[arg(long, value_parser = parse_size, default_value = "1260x540")]
        size: (u32, u32),
        /// Profiles: .dat files, or indices from `mprof list` (-1 the newest) [default: the
        /// newest].
        #[arg(allow_negative_numbers = true)]
        profiles: Vec<String>,
    },
    /// Print the peak memory of profiles.
    Peak {
        /// The peak while this function ran: its dotted name, as in FUNC lines, or its last
        /// part (`mean` for `app.stats.mean`) when no other function has it.
        #[arg(long)]
        func: Option<String>,
        /// Profiles: .dat files or indices [default: the newest].
        #[arg(allow_negative_numbers = true)]
        profiles: Vec<String>,
    },
    /// Build one self-contained HTML page of a run from its JSON reports and, if given, its
    /// .dat file (the page MEMORY_PROFILER_HTML writes at the end of a run).
    #[command(arg_required_else_help = true)]
    Html(mprof::html::HtmlArgs),
    /// Compare two run-wide JSON reports, function by function and line by line; exit 1
    /// when a function's figures grew past the tolerances.
    ///
    /// The reports are what a program writes with MEMORY_PROFILER_REPORT=exit
    /// MEMORY_PROFILER_FORMAT=json. Functions are matched by name, their lines by statement
    /// text; a function regresses when its bytes allocated, allocations or peak grow past
    /// their tolerance (none by default).
    #[command(arg_required_else_help = true)]
    Diff(mprof::diff::DiffArgs),
    /// List the profiles of the current folder, with their indices.
    List,
    /// Remove every profile of the current folder.
    Clean {
        /// Show what would be removed, without removing it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove profiles, by file name or index.
    Rm {
        /// Show what would be removed, without removing it.
        #[arg(long)]
        dry_run: bool,
        #[arg(required = true, allow_negative_numbers = true)]
        numbers_or_filenames: Vec<String>,
    },
}

fn parse_window(s: &str) -> Result<(f64, f64), String> {
    let bad = || format!("`{s}`: give two numbers separated by a comma, as in `0,20.5`");
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let (a, b): (f64, f64) = (
        a.trim().parse().map_err(|_| bad())?,
        b.trim().parse().map_err(|_| bad())?,
    );
    if a < b {
        Ok((a, b))
    } else {
        Err(format!("`{s}`: the window's start must be before its end"))
    }
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("`{s}`: give WIDTHxHEIGHT in pixels, as in `1260x540`");
    let (w, h) = s.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if (200..=10_000).contains(&w) && (150..=10_000).contains(&h) {
        Ok((w, h))
    } else {
        Err(format!("`{s}`: from 200x150 to 10000x10000 pixels"))
    }
}

fn read(path: &Path) -> Result<Profile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let profile = Profile::parse(&text);
    if !profile.malformed.is_empty() {
        eprintln!(
            "mprof: {}: skipped {} malformed line(s) (line {})",
            path.display(),
            profile.malformed.len(),
            profile.malformed[0]
        );
    }
    Ok(profile)
}

fn remove(files: &[PathBuf], dry_run: bool) -> Result<(), String> {
    if dry_run {
        println!("Files to be removed: ");
        for f in files {
            println!("{}", f.display());
        }
        return Ok(());
    }
    for f in files {
        std::fs::remove_file(f).map_err(|e| format!("cannot remove {}: {e}", f.display()))?;
    }
    Ok(())
}

/// A command that failed: what to say, and the exit code (1, or 2 for a bad argument, as for
/// the command line's own errors).
struct Failure {
    message: String,
    code: u8,
}

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure { message, code: 1 }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli.command) {
        Ok(code) => code,
        Err(Failure { message, code }) => {
            eprintln!("mprof: {message}");
            ExitCode::from(code)
        }
    }
}

fn execute(command: Command) -> Result<ExitCode, Failure> {
    let here = Path::new(".");
    match command {
        Command::Run {
            interval,
            include_children,
            multiprocess,
            exit_code,
            timeout,
            output,
            reports,
            python,
            nopython,
            program,
        } => {
            let output = output.unwrap_or_else(run::default_output);
            let is_script = program.first().is_some_and(|p| p.ends_with(".py"));
            let options = RunOptions {
                python: (python || is_script) && !nopython && !multiprocess,
                program,
                output: output.clone(),
                interval,
                include_children,
                multiprocess,
                timeout,
                reports,
            };
            eprintln!("mprof: Sampling memory every {interval}s");
            let summary = run::run(&options)?;
            eprintln!(
                "mprof: {} samples{} in {:.3}s ({:.2} ms of sampling) written to {}",
                summary.samples,
                if multiprocess {
                    format!(" and {} child samples", summary.child_samples)
                } else {
                    String::new()
                },
                summary.elapsed,
                summary.sampling * 1000.0,
                output.display()
            );
            if exit_code {
                let code = run::exit_code(summary.status);
                if code != 0 {
                    eprintln!("mprof: the program exited with code {code}");
                }
                return Ok(ExitCode::from(code.clamp(0, 255) as u8));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Plot {
            title,
            no_function_ts,
            output,
            window,
            slope,
            size,
            profiles,
        } => {
            if profiles.is_empty() {
                eprintln!("mprof: using the last profile");
            }
            let chosen = files::choose(here, &profiles)?;
            let mut loaded = Vec::new();
            for path in &chosen {
                loaded.push((path.display().to_string(), read(path)?));
            }
            let output = output.unwrap_or_else(|| {
                let stem = chosen[0].file_stem().unwrap_or_default().to_string_lossy();
                PathBuf::from(format!("{stem}.png"))
            });
            let options = PlotOptions {
                title,
                output,
                timestamps: !no_function_ts,
                window,
                slope,
                size,
            };
            let written = plot::plot(&loaded, &options)?;
            eprintln!("mprof: plot written to {}", written.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Peak { func, profiles } => {
            let chosen = files::choose(here, &profiles)?;
            for path in &chosen {
                let profile = read(path)?;
                let peak = match &func {
                    Some(name) => {
                        let full = profile.resolve_function(name).map_err(|message| Failure {
                            message: format!("{}: {message}", path.display()),
                            code: 2,
                        })?;
                        profile.peak_during(full)
                    }
                    None => profile.peak(),
                };
                match peak {
                    Some(p) => println!("{}\t{p:.3} MiB", path.display()),
                    // A profile without samples has no peak to print.
                    None => {
                        return Err(format!("{}: no MEM samples", path.display()).into());
                    }
                }
                for (child, samples) in &profile.children {
                    let peak = samples.iter().map(|s| s.0).fold(f64::MIN, f64::max);
                    println!("  Child {child}\t\t\t{peak:.3} MiB");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Html(args) => {
            let written = mprof::html::execute(&args)?;
            eprintln!("mprof: page written to {}", written.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff(args) => mprof::diff::run(&args).map_err(|message| Failure {
            message,
            code: mprof::diff::BAD_INPUT,
        }),
        Command::List => {
            for (i, path) in files::profiles(here).iter().enumerate() {
                println!("{}", files::list_line(i, path));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Clean { dry_run } => {
            remove(&files::with_timestamp_files(files::profiles(here)), dry_run)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Rm {
            dry_run,
            numbers_or_filenames,
        } => {
            let chosen = files::choose(here, &numbers_or_filenames)?;
            remove(&files::with_timestamp_files(chosen), dry_run)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
