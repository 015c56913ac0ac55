//! The drawing of a [`Scene`]: the chart (axes, memory lines, brackets, dashed trend and
//! peak lines) with plotters, and the legend beside it, on any backend (SVG, or the PNG's
//! bitmap with the shipped font). What to draw is decided in `super` (`scene`); nothing here
//! reads a `.dat` file.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{LegendEntry, Sample, Scene, FAMILY};

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing failed: {e:?}")
}

/// The title cut to fit `width` pixels.
fn fit(
    area: &DrawingArea<impl DrawingBackend, Shift>,
    text: &str,
    font: &FontDesc,
    width: u32,
) -> String {
    let style = TextStyle::from(font.clone());
    let fits = |t: &str| {
        area.estimate_text_size(t, &style)
            .is_ok_and(|(w, _)| w <= width)
    };
    if fits(text) {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut keep = chars.len();
    while keep > 0 {
        keep -= 1;
        let cut: String = chars[..keep].iter().collect::<String>() + "…";
        if fits(&cut) {
            return cut;
        }
    }
    String::new()
}

pub(super) fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    scene: &Scene,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(err)?;
    let (w, h) = root.dim_in_pixel();
    let chart_width = (f64::from(w) * 0.72) as u32;
    let (left, right) = root.split_horizontally(chart_width);

    let title_font: FontDesc = (FAMILY, 20).into_font();
    let title = scene
        .title
        .as_deref()
        .map(|t| fit(&left, t.trim(), &title_font, chart_width.saturating_sub(40)))
        .unwrap_or_default();
    let mut builder = ChartBuilder::on(&left);
    builder
        .margin_top(12)
        .margin_left(12)
        .margin_right(24)
        .margin_bottom(8)
        .x_label_area_size(48)
        .y_label_area_size(78);
    if !title.is_empty() {
        builder.caption(&title, title_font.clone());
    }
    let mut chart = builder
        .build_cartesian_2d(scene.x.clone(), scene.y.clone())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("time (in seconds)")
        .y_desc("memory used (in MiB)")
        .axis_desc_style((FAMILY, 16))
        .label_style((FAMILY, 13))
        .bold_line_style(RGBColor(215, 215, 215))
        .light_line_style(TRANSPARENT)
        .x_labels(12)
        .y_labels(10)
        .y_label_formatter(&|v| format_tick(*v))
        .x_label_formatter(&|v| format_tick(*v))
        .draw()
        .map_err(err)?;

    // A frame around the axes, as matplotlib draws.
    let plotting = chart.plotting_area().strip_coord_spec();
    let (pw, ph) = plotting.dim_in_pixel();
    plotting
        .draw(&Rectangle::new(
            [(0, 0), (pw as i32 - 1, ph as i32 - 1)],
            BLACK.stroke_width(1),
        ))
        .map_err(err)?;
    for (color, points) in &scene.lines {
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                color.stroke_width(1),
            ))
            .map_err(err)?;
        if points.len() <= 2000 {
            chart
                .draw_series(points.iter().map(|&p| {
                    EmptyElement::at(p)
                        + PathElement::new(vec![(-3, 0), (3, 0)], color.stroke_width(1))
                        + PathElement::new(vec![(0, -3), (0, 3)], color.stroke_width(1))
                }))
                .map_err(err)?;
        }
    }
    for (color, points, _) in &scene.dashed {
        chart
            .draw_series(DashedLineSeries::new(
                points.iter().copied(),
                6,
                4,
                color.stroke_width(1),
            ))
            .map_err(err)?;
    }

    // Brackets: `[` at the call's entry, `]` at its exit, 1/60 of the x span wide and 1/10 of
    // the y span tall (Python's proportions).
    let hsize = (scene.x.end - scene.x.start) / 60.0;
    let vsize = (scene.y.end - scene.y.start) / 20.0;
    for &(color, (t0, m0), (t1, m1)) in &scene.brackets {
        let style = color.stroke_width(2);
        chart
            .draw_series([
                PathElement::new(
                    vec![
                        (t0 + hsize, m0 + vsize),
                        (t0, m0 + vsize),
                        (t0, m0 - vsize),
                        (t0 + hsize, m0 - vsize),
                    ],
                    style,
                ),
                PathElement::new(
                    vec![
                        (t1 - hsize, m1 + vsize),
                        (t1, m1 + vsize),
                        (t1, m1 - vsize),
                        (t1 - hsize, m1 - vsize),
                    ],
                    style,
                ),
            ])
            .map_err(err)?;
    }

    for &(color, t, m) in &scene.peaks {
        let style = color.stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new(
                [(scene.x.start, m), (scene.x.end, m)],
                8,
                5,
                style,
            ))
            .map_err(err)?;
        if scene.x.contains(&t) {
            chart
                .draw_series(DashedLineSeries::new(
                    [(t, scene.y.start), (t, scene.y.end)],
                    8,
                    5,
                    style,
                ))
                .map_err(err)?;
        }
    }

    draw_legend(&right, &scene.legend, h)
}

/// A tick label: as few decimals as the value needs, at most 3.
fn format_tick(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// The legend, left of the free area right of the chart, centred vertically, in a light frame.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    height: u32,
) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let (width, _) = area.dim_in_pixel();
    let font: FontDesc = (FAMILY, 14).into_font();
    let row = 24i32;
    let max_rows = ((height as i32 - 40) / row).max(1) as usize;
    let shown = entries.len().min(max_rows);
    let box_h = row * shown as i32 + 12;
    let top = ((height as i32 - box_h) / 2).max(4);
    let left = 4i32;
    let style = TextStyle::from(font.clone());
    let widest = entries
        .iter()
        .take(shown)
        .filter_map(|e| area.estimate_text_size(&e.label, &style).ok())
        .map(|(w, _)| w as i32)
        .max()
        .unwrap_or(0);
    let right = (left + 52 + widest + 12).min(width as i32 - 8);
    area.draw(&Rectangle::new(
        [(left, top), (right, top + box_h)],
        ShapeStyle {
            color: RGBAColor(0, 0, 0, 0.35),
            filled: false,
            stroke_width: 1,
        },
    ))
    .map_err(err)?;
    let text_x = left + 52;
    let text_width = (right - text_x - 6).max(10) as u32;
    for (i, entry) in entries.iter().take(shown).enumerate() {
        let y = top + 6 + row * i as i32 + row / 2;
        let (x0, x1) = (left + 10, left + 42);
        let c = entry.color;
        match entry.sample {
            Sample::Marked => {
                area.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(1)))
                    .map_err(err)?;
                let mid = (x0 + x1) / 2;
                area.draw(&PathElement::new(
                    vec![(mid - 4, y), (mid + 4, y)],
                    c.stroke_width(1),
                ))
                .map_err(err)?;
                area.draw(&PathElement::new(
                    vec![(mid, y - 4), (mid, y + 4)],
                    c.stroke_width(1),
                ))
                .map_err(err)?;
            }
            Sample::Bracket => {
                let s = c.stroke_width(2);
                area.draw(&PathElement::new(
                    vec![(x0 + 8, y - 7), (x0, y - 7), (x0, y + 7), (x0 + 8, y + 7)],
                    s,
                ))
                .map_err(err)?;
                area.draw(&PathElement::new(
                    vec![(x1 - 8, y - 7), (x1, y - 7), (x1, y + 7), (x1 - 8, y + 7)],
                    s,
                ))
                .map_err(err)?;
            }
            Sample::Dashed => {
                for x in (x0..x1).step_by(10) {
                    area.draw(&PathElement::new(
                        vec![(x, y), ((x + 6).min(x1), y)],
                        c.stroke_width(1),
                    ))
                    .map_err(err)?;
                }
            }
            Sample::Thin => {
                area.draw(&PathElement::new(vec![(x0, y), (x1, y)], c.stroke_width(1)))
                    .map_err(err)?;
            }
        }
        let label = fit(area, &entry.label, &font, text_width);
        area.draw(&Text::new(
            label,
            (text_x, y),
            font.color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    if shown < entries.len() {
        let y = top + box_h + 14;
        area.draw(&Text::new(
            format!("… and {} more", entries.len() - shown),
            (left + 10, y),
            font.color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(())
}
