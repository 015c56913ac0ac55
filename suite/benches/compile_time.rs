//! Compile time, and the code of the profiler switched off (`default-features = false`).
//!
//! 1. What the expansion of `#[profile]` on a 300-line function adds to `cargo build`: the
//!    same generated function (lets, loops, matches, ifs, whiles) is written into scratch
//!    crates under target/overhead/compile/, plain, with `#[memory_profiler::profile]`, and
//!    with the attribute switched off. After their dependencies are built, each is
//!    rebuilt several times, in turns (its source touched before each `cargo build` of that
//!    crate alone), with and without incremental compilation; the figure is the difference of
//!    the minima.
//! 2. Switched off, a profiled function compiles to the same code as the plain one:
//!    a scratch binary holds both versions of examples/even_mean.rs's `even_mean_loop` and of
//!    the 300-line function, built with `--release`; their disassemblies (objdump) are
//!    compared, addresses aside.
//!
//! Slow (about a minute): `OVERHEAD_SKIP_COMPILE=1` skips both. `OVERHEAD_COMPILE_ROUNDS`
//! sets the rebuilds per crate and mode (default 8).
//! `cargo bench -p memory-profiler-suite --bench compile_time`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

mod common;
use common::say;

/// The body of a 300-line function (signature and closing brace included), named `name`,
/// with `attr` on the line before it (not counted).
fn generated_function(name: &str, attr: &str) -> String {
    let mut body: Vec<String> = vec![
        "let mut acc: u64 = seed;".into(),
        "let mut names: Vec<String> = Vec::new();".into(),
    ];
    // 300 lines: the signature, 297 statements' lines, the tail, the closing brace.
    const BODY: usize = 297;
    let mut i = 0;
    loop {
        let block: Vec<String> = match i % 5 {
            0 => vec![
                format!("let v{i}: Vec<u64> = (0..(acc % 64 + {i})).collect();"),
                format!("acc = acc.wrapping_add(v{i}.iter().sum::<u64>());"),
            ],
            1 => vec![
                "for (j, x) in input.iter().enumerate() {".into(),
                format!("    if j % {} == 0 {{", i % 7 + 2),
                "        acc = acc.wrapping_mul(31).wrapping_add(*x);".into(),
                "    }".into(),
                "}".into(),
            ],
            2 => vec![
                "match acc % 4 {".into(),
                format!("    0 => acc = acc.wrapping_add({i}),"),
                format!("    1 => names.push(format!(\"n{i}-{{acc}}\")),"),
                format!("    2 => acc ^= {i},"),
                "    _ => acc = acc.rotate_left(3),".into(),
                "}".into(),
            ],
            3 => vec![
                format!("if names.len() > {} {{", i % 7),
                "    let last = names.pop().unwrap_or_default();".into(),
                "    acc = acc.wrapping_add(last.len() as u64);".into(),
                "} else {".into(),
                "    acc = acc.wrapping_sub(1);".into(),
                "}".into(),
            ],
            _ => vec![
                format!("let mut w{i} = 0u64;"),
                format!("while w{i} < acc % 5 {{"),
                format!("    w{i} += 1;"),
                "}".into(),
                format!("acc = acc.wrapping_add(w{i});"),
            ],
        };
        if body.len() + block.len() > BODY {
            break;
        }
        body.extend(block);
        i += 1;
    }
    while body.len() < BODY {
        body.push(format!("acc = acc.wrapping_add({});", body.len()));
    }
    body.push("acc.wrapping_add(names.len() as u64)".into());
    let mut out = String::new();
    if !attr.is_empty() {
        out += attr;
        out += "\n";
    }
    writeln!(out, "pub fn {name}(seed: u64, input: &[u64]) -> u64 {{").unwrap();
    for line in &body {
        writeln!(out, "    {line}").unwrap();
    }
    out += "}\n";
    debug_assert_eq!(out.lines().count(), 300 + usize::from(!attr.is_empty()));
    out
}

const EVEN_MEAN_LOOP: &str = "
#[inline(never)]
pub fn NAME(n: u32) -> f64 {
    let nbrs = (0..10u64.pow(n)).filter(|n| n % 2 == 0);
    let mut total = 0;
    let mut count = 0;
    for n in nbrs {
        total += n;
        count += 1;
    }
    total as f64 / count as f64
}
";

/// Writes a scratch crate: a manifest depending on this package (switched off, without its
/// default feature `enabled`, when `off`), this package's Cargo.lock (the same dependency
/// versions, no resolution) and `file` = `source`.
fn write_crate(dir: &Path, name: &str, off: bool, file: &str, source: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let root = common::workspace_dir().to_str().expect("a UTF-8 path");
    let switch = if off {
        ", default-features = false"
    } else {
        ""
    };
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nmemory-profiler = {{ path = {root:?}{switch} }}\n\n\
         # Not part of the workspace above it.\n[workspace]\n"
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    if !dir.join("Cargo.lock").exists() {
        let _ = std::fs::copy(Path::new(root).join("Cargo.lock"), dir.join("Cargo.lock"));
    }
    write_if_changed(&dir.join("src").join(file), source);
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

/// `cargo build` of the crate in `dir` alone: its wall time, and the CPU time (user + system)
/// of cargo and the rustc it ran, in seconds. Run under bash's `time`, whose CPU figures come
/// from the children's resource usage: less disturbed by other processes than the wall time.
fn build(dir: &Path, target: &Path, incremental: bool, release: bool) -> (f64, f64) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let script = format!(
        "TIMEFORMAT='overhead-time %3R %3U %3S'; time {cargo:?} build --offline --quiet \
         --manifest-path {:?} {}",
        dir.join("Cargo.toml"),
        if release { "--release" } else { "" }
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", if incremental { "1" } else { "0" })
        .output()
        .expect("run bash");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo build of {} failed:\n{stderr}",
        dir.display()
    );
    let times: Vec<f64> = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("overhead-time "))
        .expect("bash's time output")
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    (times[0], times[1] + times[2])
}

fn touch(path: &Path) {
    let file = std::fs::File::options().append(true).open(path).unwrap();
    file.set_modified(SystemTime::now()).unwrap();
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn compile_times(base: &Path, rounds: usize) {
    let function = |attr: &str| format!("{}\n", generated_function("generated", attr));
    let variants: [(&str, bool, String); 3] = [
        ("plain", false, function("")),
        ("profiled", false, function("#[memory_profiler::profile]")),
        (
            "profiled_off",
            true,
            function("#[memory_profiler::profile]"),
        ),
    ];
    let target = base.join("target");
    let dirs: Vec<PathBuf> = variants
        .iter()
        .map(|(name, off, source)| {
            let dir = base.join(name);
            write_crate(
                &dir,
                &format!("overhead-compile-{}", name.replace('_', "-")),
                *off,
                "lib.rs",
                source,
            );
            dir
        })
        .collect();
    for incremental in [false, true] {
        // Dependencies built, and each crate built once in this mode.
        for dir in &dirs {
            touch(&dir.join("src/lib.rs"));
            build(dir, &target, incremental, false);
        }
        let mut wall = vec![Vec::new(); dirs.len()];
        let mut cpu = vec![Vec::new(); dirs.len()];
        for _ in 0..rounds {
            for (i, dir) in dirs.iter().enumerate() {
                touch(&dir.join("src/lib.rs"));
                let (w, c) = build(dir, &target, incremental, false);
                wall[i].push(w);
                cpu[i].push(c);
            }
        }
        let mode = if incremental {
            "incremental (cargo's default for a dev build)"
        } else {
            "CARGO_INCREMENTAL=0"
        };
        for (what, times) in [("wall", &wall), ("CPU (user + sys)", &cpu)] {
            let plain = min(&times[0]);
            let mut line = format!(
                "compile, 300-line function, `cargo build` {mode}, {what} time, min of {rounds} \
                 (median): plain {:.0} ms ({:.0} ms)",
                plain * 1e3,
                median(&times[0]) * 1e3
            );
            for ((name, _, _), times) in variants.iter().zip(times).skip(1) {
                line += &format!(
                    " | {name} {:.0} ms ({:.0} ms) = {:+.0} ms",
                    min(times) * 1e3,
                    median(times) * 1e3,
                    (min(times) - plain) * 1e3
                );
            }
            say(line);
        }
    }
}

/// The instructions of `symbol`'s function in objdump's output, with addresses replaced by
/// offsets from the function's start (so that two functions at different places compare).
fn function_listing(objdump: &str, symbol: &str) -> Option<Vec<String>> {
    let mut lines = objdump.lines();
    let header = lines.by_ref().find(|l| {
        l.split_once(" <").is_some_and(|(_, rest)| {
            rest.strip_suffix(">:").is_some_and(|name| {
                name == symbol
                    || name
                        .strip_prefix(symbol)
                        .is_some_and(|r| r.starts_with("::h"))
            })
        })
    })?;
    let own = header.split_once(" <")?.1.strip_suffix(">:")?.to_string();
    let mut out = Vec::new();
    for line in lines.take_while(|l| !l.trim().is_empty()) {
        let Some((_, insn)) = line.split_once(":\t") else {
            continue;
        };
        let mut insn = insn.replace(&own, "SELF");
        // `jne 4012b0 <SELF+0x20>`: the absolute address goes, the symbolic part stays.
        let words: Vec<&str> = insn.split(' ').collect();
        if let Some(pos) = words.iter().position(|w| w.starts_with('<')) {
            if pos > 0 && u64::from_str_radix(words[pos - 1].trim(), 16).is_ok() {
                let mut words = words.clone();
                words.remove(pos - 1);
                insn = words.join(" ");
            }
        }
        // rip-relative operands carry their target in a comment: `# 4a3f0 <sym>`. The
        // displacement (`-0xf265(%rip)`) depends on where the two are placed, the target
        // does not: only the target stays.
        if let Some((code, comment)) = insn.split_once(" # ") {
            let comment = comment
                .split_once(' ')
                .map_or(comment.to_string(), |(_, sym)| sym.to_string());
            let code = match code.split_once("(%rip)") {
                Some((before, after)) => {
                    let start = before.rfind([' ', ',']).map_or(0, |i| i + 1);
                    format!("{}(%rip){after}", &before[..start])
                }
                None => code.to_string(),
            };
            insn = format!("{code} # {comment}");
        }
        out.push(insn.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    Some(out)
}

/// The function listings compared, and what they are.
const COMPARED: [(&str, &str); 6] = [
    ("even_mean_loop", "examples/even_mean.rs's loop"),
    ("generated", "the 300-line function"),
    ("__rustc::__rust_alloc", "the global allocator's alloc"),
    ("__rustc::__rust_dealloc", "dealloc"),
    ("__rustc::__rust_realloc", "realloc"),
    ("__rustc::__rust_alloc_zeroed", "alloc_zeroed"),
];

fn disassembly(base: &Path) {
    // The same program twice: plain functions over `System`, and `#[profile]` functions over
    // `memory_profiler::Allocator`, switched off. In the plain one a blank line takes
    // the attribute's place, so that both have the same line numbers.
    let program = |attr: &str, allocator: &str| {
        format!(
            "//! examples/even_mean.rs's loop and the 300-line function.\n\
             use std::hint::black_box;\n\n\
             #[global_allocator]\n\
             static ALLOC: {allocator};\n\
             {attr}{}\n\
             {attr}\n#[inline(never)]\n{}\n\
             fn main() {{\n    \
                 let input: Vec<u64> = (0..64).collect();\n    \
                 black_box(even_mean_loop(black_box(5)));\n    \
                 black_box(generated(black_box(7), black_box(&input)));\n\
             }}\n",
            EVEN_MEAN_LOOP.replace("NAME", "even_mean_loop"),
            generated_function("generated", ""),
        )
    };
    let plain = program("", "std::alloc::System = std::alloc::System");
    let profiled = program(
        "#[memory_profiler::profile]",
        "memory_profiler::Allocator = memory_profiler::Allocator::system()",
    );
    let target = base.join("target");
    let mut listings = Vec::new();
    for (name, source) in [("plain", plain), ("profiled", profiled)] {
        let dir = base.join(format!("disasm_{name}"));
        let package = format!("overhead-disasm-{name}");
        write_crate(&dir, &package, true, "main.rs", &source);
        build(&dir, &target, false, true);
        let binary = target.join("release").join(&package);
        let objdump = match Command::new("objdump")
            .args(["-d", "--no-show-raw-insn", "-C"])
            .arg(&binary)
            .output()
        {
            Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).into_owned(),
            _ => {
                say("off: objdump unavailable; disassembly not compared");
                return;
            }
        };
        let krate = package.replace('-', "_");
        let mut all = String::new();
        let found: Vec<Option<Vec<String>>> = COMPARED
            .iter()
            .map(|(symbol, _)| {
                let full = if symbol.starts_with("__") {
                    symbol.to_string()
                } else {
                    format!("{krate}::{symbol}")
                };
                let listing = function_listing(&objdump, &full)?;
                // The crate's name and symbol hashes differ between the two programs.
                let listing: Vec<String> = listing
                    .iter()
                    .map(|l| strip_hashes(&l.replace(&krate, "CRATE")))
                    .collect();
                writeln!(all, "{full}:\n{}\n", listing.join("\n")).unwrap();
                Some(listing)
            })
            .collect();
        std::fs::write(base.join(format!("disasm_{name}.s")), all).unwrap();
        listings.push(found);
    }
    for (i, (symbol, what)) in COMPARED.iter().enumerate() {
        let verdict = match (&listings[0][i], &listings[1][i]) {
            (Some(a), Some(b)) if a == b => format!("identical ({} instructions)", a.len()),
            (Some(a), Some(b)) => format!(
                "DIFFERENT ({} vs {} instructions; see {})",
                a.len(),
                b.len(),
                base.join("disasm_{plain,profiled}.s").display()
            ),
            (a, b) => format!(
                "not found (plain: {}, profiled: {})",
                a.is_some(),
                b.is_some()
            ),
        };
        say(format!(
            "off: {symbol} ({what}), `cargo build --release`, plain over System vs #[profile] \
             over Allocator switched off: {verdict}"
        ));
    }
}

/// `foo::h0123456789abcdef` → `foo`.
fn strip_hashes(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(pos) = rest.find("::h") {
        let hash = &rest[pos + 3..];
        let len = hash.chars().take_while(|c| c.is_ascii_hexdigit()).count();
        out += &rest[..pos];
        if len == 16 {
            rest = &hash[16..];
        } else {
            out += "::h";
            rest = hash;
        }
    }
    out + rest
}

fn main() {
    if std::env::var_os("OVERHEAD_SKIP_COMPILE").is_some() {
        say("compile: skipped (OVERHEAD_SKIP_COMPILE is set)");
        return;
    }
    // `cargo bench -- <filter>`: run only when the filter names this bench.
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !"compile_time".contains(&filter) {
            return;
        }
    }
    let rounds = std::env::var("OVERHEAD_COMPILE_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(8);
    let base = common::scratch_dir().join("compile");
    compile_times(&base, rounds);
    disassembly(&base);
}
