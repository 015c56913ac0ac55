//! The seed's "use files", as the Axelrod library did: one function writes the 10^N numbers to
//! a file, one per line, through a `BufWriter`; another computes their mean while reading them
//! back line by line through a `BufReader`, into one reused `String`. Neither holds more than
//! its 8 KiB buffer (and a line), whatever N. `cargo run --release --example file_mean -- 7`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

#[profile(precision = 4)]
pub fn write_numbers(n: u32, path: &Path) -> io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    for i in 0..10u64.pow(n) {
        writeln!(out, "{i}")?;
    }
    out.flush()
}

#[profile(precision = 4)]
pub fn file_mean(path: &Path) -> io::Result<f64> {
    let mut numbers = BufReader::new(File::open(path)?);
    let mut line = String::new();
    let mut total = 0;
    let mut count = 0;
    while numbers.read_line(&mut line)? > 0 {
        total += line.trim_end().parse::<u64>().map_err(io::Error::other)?;
        count += 1;
        line.clear();
    }
    Ok(total as f64 / count as f64)
}

/// A file of the temporary folder that no other process (nor another `tag`) uses.
pub fn numbers_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "memory_profiler_file_mean_{}_{tag}.txt",
        std::process::id()
    ))
}

fn main() -> io::Result<()> {
    let n = std::env::args().nth(1).map_or(5, |a| {
        a.parse().expect("N: the exponent, as in 10^N numbers")
    });
    let path = numbers_path("example");
    write_numbers(n, &path)?;
    let mean = file_mean(&path);
    std::fs::remove_file(&path)?;
    println!("mean of 10^{n} numbers: {} (file)", mean?);
    Ok(())
}
