//! A headless Chromium for the tests of the run's HTML page: the system's `chromium` driven
//! over WebDriver by its `chromedriver` (Debian's `chromium` and `chromium-driver` packages,
//! which `scripts/test` installs when they are missing).
//!
//! When the browser cannot be had, [`Browser::start`] panics saying so: the tests fail, loudly,
//! rather than pass without a browser. Outside CI, `MEMORY_PROFILER_SKIP_BROWSER=1` skips them
//! instead (each says so on stderr); with `CI` set, that variable is refused.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// The flags Chromium runs with: headless, no sandbox (tests run as root in CI), nothing that
/// reaches the network on its own.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
];

/// The first of `names` found on the `PATH` (or the file named by the variable `var`).
pub fn find_program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(var) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Whether the browser tests are skipped (`MEMORY_PROFILER_SKIP_BROWSER=1`, outside CI only);
/// says so on stderr.
pub fn skipped(test: &str) -> bool {
    if std::env::var_os("MEMORY_PROFILER_SKIP_BROWSER").is_none_or(|v| v.is_empty() || v == "0") {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "MEMORY_PROFILER_SKIP_BROWSER is set in CI: the browser tests must run there"
    );
    eprintln!(
        "*** browser-tests: {test} SKIPPED (MEMORY_PROFILER_SKIP_BROWSER is set): the HTML page was not tried in a browser ***"
    );
    true
}

/// A headless Chromium session, and the chromedriver that drives it.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    /// Starts chromedriver and a Chromium session with a fresh profile, the window
    /// `width` × `height` pixels; `javascript: false` starts one with scripts switched off.
    ///
    /// # Panics
    /// When Chromium or chromedriver is not installed, or does not start: the message says
    /// what to install.
    pub async fn start(width: u32, height: u32, javascript: bool) -> Browser {
        let missing = |what: &str| -> ! {
            panic!(
                "\n\n*** browser-tests: {what} is not installed: the HTML page cannot be tried in a browser. \
                 Install Debian's `chromium` and `chromium-driver` (scripts/test does, as root: \
                 apt-get install -y chromium chromium-driver), or name them in CHROME and CHROMEDRIVER. ***\n\n"
            )
        };
        let chromium = find_program("CHROME", &["chromium", "chromium-browser", "google-chrome"])
            .unwrap_or_else(|| missing("Chromium (`chromium`)"));
        let chromedriver = find_program("CHROMEDRIVER", &["chromedriver"])
            .unwrap_or_else(|| missing("chromedriver (`chromium-driver`)"));
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port for chromedriver");
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "*** browser-tests: cannot start {}: {e} ***",
                    chromedriver.display()
                )
            });
        // chromedriver says when it listens.
        let stdout = driver.stdout.take().expect("piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if line.is_err() {
                    break;
                }
            }
        });
        let profile = std::env::temp_dir().join(format!(
            "memory_profiler_chromium_{}_{port}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("a profile folder for Chromium");
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--window-size={width},{height}"));
        let mut options = json!({ "binary": chromium, "args": args });
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    let _ = driver.kill();
                    panic!(
                        "*** browser-tests: no Chromium session through {} after 30 s: {e} ***",
                        chromedriver.display()
                    )
                }
            }
        };
        Browser {
            client,
            driver,
            profile,
        }
    }

    /// Loads a file.
    pub async fn open(&self, file: &Path) {
        let file = file.canonicalize().expect("the page exists");
        self.client
            .goto(&format!("file://{}", file.display()))
            .await
            .expect("the page loads");
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Ends the session and chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// What a screenshot's pixels say: its size, how many colours it has, and the share of its
/// pixels that are not (near) white.
#[derive(Debug)]
pub struct Pixels {
    /// Width and height.
    pub size: (u32, u32),
    /// Distinct colours (RGB).
    pub colours: usize,
    /// Pixels darker than near-white, over all pixels.
    pub inked: f64,
    /// The RGB of every pixel, row by row.
    pub rgb: Vec<[u8; 3]>,
}

impl Pixels {
    /// Decodes a PNG.
    pub fn of_png(png_bytes: &[u8]) -> Pixels {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let channels = info.color_type.samples();
        assert_eq!(info.bit_depth, png::BitDepth::Eight, "8-bit screenshot");
        let rgb: Vec<[u8; 3]> = buf[..info.buffer_size()]
            .chunks(channels)
            .map(|p| match channels {
                1 | 2 => [p[0], p[0], p[0]],
                _ => [p[0], p[1], p[2]],
            })
            .collect();
        let mut colours: Vec<[u8; 3]> = rgb.clone();
        colours.sort_unstable();
        colours.dedup();
        let inked = rgb.iter().filter(|p| p.iter().any(|&c| c < 235)).count() as f64
            / rgb.len().max(1) as f64;
        Pixels {
            size: (info.width, info.height),
            colours: colours.len(),
            inked,
            rgb,
        }
    }

    /// The pixel at `(x, y)`.
    pub fn at(&self, x: u32, y: u32) -> [u8; 3] {
        self.rgb[(y * self.size.0 + x) as usize]
    }
}
