//! `mprof plot`: memory against time, with a bracket for each call of a profiled function, to
//! SVG or PNG, laid out as Python's mprof lays out its matplotlib figure.
//!
//! Here: the options, what to draw (a [`Scene`], from the `.dat` files: lines, brackets,
//! trends, peaks, legend entries, axes' ranges) and the output files; the drawing itself is
//! in `draw`.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::prelude::*;

use crate::dat::{function_labels, Profile};
use crate::files::DateTime;

mod draw;

use self::draw::draw;

/// DejaVu Sans, only the Latin-1 glyphs and a little punctuation (see assets/README.md): the
/// PNG's text, with no font needed on the machine.
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans-subset.ttf");
const FAMILY: &str = "sans-serif";

/// matplotlib's one-letter colours, which Python's mprof uses.
const K: RGBColor = RGBColor(0, 0, 0);
const B: RGBColor = RGBColor(0, 0, 255);
const R: RGBColor = RGBColor(255, 0, 0);
const G: RGBColor = RGBColor(0, 128, 0);
const C: RGBColor = RGBColor(0, 191, 191);
const Y: RGBColor = RGBColor(191, 191, 0);
const M: RGBColor = RGBColor(191, 0, 191);
/// Memory lines, one per file (`k b r g c y m`).
const LINE_COLORS: [RGBColor; 7] = [K, B, R, G, C, Y, M];
/// Function brackets, one per function (`c y g r b`).
const FUNC_COLORS: [RGBColor; 5] = [C, Y, G, R, B];
const TREND: RGBColor = RGBColor(0, 0xe3, 0xd8);

/// A function with more calls than this gets one legend entry for all of them.
const CALLS_IN_LEGEND: usize = 3;

/// What `mprof plot` was asked to draw.
#[derive(Clone, Debug)]
pub struct PlotOptions {
    pub title: Option<String>,
    /// `.svg` or `.png`.
    pub output: PathBuf,
    /// Brackets for the profiled functions (only when one file is plotted, as in Python).
    pub timestamps: bool,
    /// Only this time range, in seconds from the start.
    pub window: Option<(f64, f64)>,
    /// A trend line and its slope.
    pub slope: bool,
    /// Pixels.
    pub size: (u32, u32),
}

impl PlotOptions {
    /// Python's figure: 14 × 6 inches at 90 dpi.
    pub const DEFAULT_SIZE: (u32, u32) = (1260, 540);
}

#[derive(Clone, Copy)]
enum Sample {
    /// A line with `+` markers.
    Marked,
    Bracket,
    Dashed,
    Thin,
}

struct LegendEntry {
    color: RGBColor,
    sample: Sample,
    label: String,
}

/// A call of a profiled function: (colour, (entry time, MiB), (exit time, MiB)).
type Bracket = (RGBColor, (f64, f64), (f64, f64));

/// A trend line: (colour, points, legend label).
type Trend = (RGBColor, Vec<(f64, f64)>, String);

/// Everything to draw, in seconds from each file's start and MiB.
struct Scene {
    title: Option<String>,
    lines: Vec<(RGBColor, Vec<(f64, f64)>)>,
    brackets: Vec<Bracket>,
    dashed: Vec<Trend>,
    /// Peak markers: (colour, time, MiB), drawn as dashed lines across the axes.
    peaks: Vec<(RGBColor, f64, f64)>,
    legend: Vec<LegendEntry>,
    x: Range<f64>,
    y: Range<f64>,
}

/// Draws `profiles` (each with the name it is shown by) into `options.output`.
pub fn plot(profiles: &[(String, Profile)], options: &PlotOptions) -> Result<PathBuf, String> {
    let scene = scene(profiles, options)?;
    register_font();
    let path = &options.output;
    let (w, h) = options.size;
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") => {
            let root = SVGBackend::new(path, (w, h)).into_drawing_area();
            draw(&root, &scene)?;
            root.present().map_err(|e| format!("{e:?}"))?;
        }
        Some(e) if e.eq_ignore_ascii_case("png") => {
            let mut pixels = vec![0u8; w as usize * h as usize * 3];
            {
                let backend = BitMapBackend::with_buffer(&mut pixels, (w, h));
                let root = crate::text::GlyphText::new(backend, FONT)
                    .ok_or("the shipped font cannot be read")?
                    .into_drawing_area();
                draw(&root, &scene)?;
                root.present().map_err(|e| format!("{e:?}"))?;
            }
            write_png(path, &pixels, (w, h))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        _ => {
            return Err(format!(
                "cannot tell the image format of {}: name it .png or .svg",
                path.display()
            ))
        }
    }
    Ok(path.clone())
}

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The font is shipped with the crate and valid; if it were not, text would be missing
        // from PNGs and the drawing calls would say so.
        let _ = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
    });
}

fn write_png(path: &Path, rgb: &[u8], (w, h): (u32, u32)) -> std::io::Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
    writer
        .write_image_data(rgb)
        .map_err(std::io::Error::other)?;
    writer.finish().map_err(std::io::Error::other)
}

fn in_window(window: Option<(f64, f64)>, t: f64) -> bool {
    window.is_none_or(|(a, b)| a <= t && t <= b)
}

/// `26 / 11 / 2025 - start at 03:41:02.123 UTC`, Python's label of a memory line (there in
/// local time).
fn start_label(start: f64) -> String {
    let d = DateTime::utc(start);
    format!(
        "{:02} / {:02} / {:04} - start at {:02}:{:02}:{:02}.{:03} UTC",
        d.day, d.month, d.year, d.hour, d.minute, d.second, d.millisecond
    )
}

/// Least-squares line through the points: (slope, intercept).
fn trend(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), &(x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let (num, den) = points.iter().fold((0.0, 0.0), |(a, b), &(x, y)| {
        (a + (x - mx) * (y - my), b + (x - mx) * (x - mx))
    });
    (den > 0.0).then(|| (num / den, my - num / den * mx))
}

fn seconds(s: f64) -> String {
    format!("{s:.3}s")
}

fn scene(profiles: &[(String, Profile)], options: &PlotOptions) -> Result<Scene, String> {
    let window = options.window;
    let timestamps = options.timestamps && profiles.len() == 1;
    let mut scene = Scene {
        title: match (&options.title, profiles) {
            (Some(t), _) => Some(t.clone()),
            (None, [(_, p)]) => p.cmdline.clone(),
            _ => None,
        },
        lines: Vec::new(),
        brackets: Vec::new(),
        dashed: Vec::new(),
        peaks: Vec::new(),
        legend: Vec::new(),
        x: 0.0..0.0,
        y: 0.0..0.0,
    };
    let mut xs: Vec<f64> = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    for (index, (name, profile)) in profiles.iter().enumerate() {
        let Some(start) = profile.start_time() else {
            return Err(format!(
                "no memory samples in {name}: the file may be empty or not an mprof file (`mprof rm {name}` removes it)"
            ));
        };
        if profile.mem.is_empty() {
            return Err(format!("no memory samples (MEM lines) in {name}"));
        }
        let line: Vec<(f64, f64)> = profile
            .merged_line()
            .into_iter()
            .map(|(t, m)| (t - start, m))
            .collect();
        let color = LINE_COLORS[index % LINE_COLORS.len()];
        let visible: Vec<(f64, f64)> = line
            .iter()
            .copied()
            .filter(|&(t, _)| in_window(window, t))
            .collect();
        xs.extend(visible.iter().map(|p| p.0));
        ys.extend(visible.iter().map(|p| p.1));
        let mut label = start_label(start);
        if options.slope {
            if let Some((slope, intercept)) = trend(&line) {
                let (t0, t1) = (line[0].0, line[line.len() - 1].0);
                scene.dashed.push((
                    TREND,
                    vec![(t0, intercept + slope * t0), (t1, intercept + slope * t1)],
                    format!("trend, slope {slope:.5} MiB/s"),
                ));
            }
        }
        if profiles.len() > 1 {
            // Several lines: told apart by file name (the date would not fit beside it).
            let file = Path::new(name)
                .file_name()
                .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
            let time = label.split(" - ").nth(1).unwrap_or_default().to_owned();
            label = format!("{file} - {time}");
        }
        scene.legend.push(LegendEntry {
            color,
            sample: Sample::Marked,
            label,
        });
        // The peak of the line as drawn (samples and the calls' points), as Python marks it.
        if timestamps {
            if let Some((t, m)) = first_max(&line) {
                scene.peaks.push((R, t, m));
                scene.legend.push(LegendEntry {
                    color: R,
                    sample: Sample::Dashed,
                    label: format!("peak {m:.3} MiB at {}", seconds(t)),
                });
            }
        }
        scene.lines.push((color, visible));

        let child_colors = LINE_COLORS.iter().cycle().skip(index + 1);
        let mut child_peak: Option<(f64, f64)> = None;
        for ((child, samples), &color) in profile.children.iter().zip(child_colors) {
            let points: Vec<(f64, f64)> = samples
                .iter()
                .map(|&(m, t)| (t - start, m))
                .filter(|&(t, _)| in_window(window, t))
                .collect();
            xs.extend(points.iter().map(|p| p.0));
            ys.extend(points.iter().map(|p| p.1));
            if let Some((t, m)) = first_max(&points) {
                if child_peak.is_none_or(|(_, pm)| m > pm) {
                    child_peak = Some((t, m));
                }
            }
            scene.legend.push(LegendEntry {
                color,
                sample: Sample::Marked,
                label: format!("child {child}"),
            });
            scene.lines.push((color, points));
        }
        if let Some((t, m)) = child_peak {
            scene.peaks.push((R, t, m));
            scene.legend.push(LegendEntry {
                color: R,
                sample: Sample::Dashed,
                label: format!("child peak {m:.3} MiB at {}", seconds(t)),
            });
        }

        if timestamps {
            let functions = profile.functions();
            let names: Vec<&str> = functions.iter().map(|(n, _)| *n).collect();
            let labels = function_labels(&names);
            for (i, ((_, calls), (_, label))) in functions.iter().zip(&labels).enumerate() {
                let color = FUNC_COLORS[i % FUNC_COLORS.len()];
                for call in calls {
                    let (t0, t1) = (call.start - start, call.end - start);
                    if in_window(window, t0) || in_window(window, t1) {
                        scene
                            .brackets
                            .push((color, (t0, call.mem_start), (t1, call.mem_end)));
                        xs.extend([t0, t1]);
                        ys.extend([call.mem_start, call.mem_end]);
                    }
                }
                if calls.len() <= CALLS_IN_LEGEND {
                    for call in calls {
                        scene.legend.push(LegendEntry {
                            color,
                            sample: Sample::Bracket,
                            label: format!("{label} {}", seconds(call.end - call.start)),
                        });
                    }
                } else {
                    let total: f64 = calls.iter().map(|c| c.end - c.start).sum();
                    scene.legend.push(LegendEntry {
                        color,
                        sample: Sample::Bracket,
                        label: format!("{label} ×{} {} in all", calls.len(), seconds(total)),
                    });
                }
            }
        }
    }
    for (color, _, label) in &scene.dashed {
        scene.legend.push(LegendEntry {
            color: *color,
            sample: Sample::Thin,
            label: label.clone(),
        });
    }
    let (x0, x1) = match window {
        Some(w) => w,
        None => min_max(&xs).unwrap_or((0.0, 1.0)),
    };
    let (y0, y1) = min_max(&ys).unwrap_or((0.0, 1.0));
    scene.x = padded(x0, x1, 0.03);
    scene.y = padded(y0, y1, 0.05);
    Ok(scene)
}

/// The first point of highest memory (as numpy's `argmax`).
fn first_max(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    points
        .iter()
        .copied()
        .reduce(|best, p| if p.1 > best.1 { p } else { best })
}

fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let min = values.iter().copied().reduce(f64::min)?;
    let max = values.iter().copied().reduce(f64::max)?;
    Some((min, max))
}

/// The range with `margin` of its span on each side (matplotlib's autoscale margins); a
/// range of one value is widened to show it.
fn padded(lo: f64, hi: f64, margin: f64) -> Range<f64> {
    let span = hi - lo;
    if span <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.05).max(0.5);
        return lo - pad..hi + pad;
    }
    lo - span * margin..hi + span * margin
}
