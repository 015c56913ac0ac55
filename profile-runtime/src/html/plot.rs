//! The memory-over-time plot of a run under `mprof run`: its samples as an SVG line, thinned
//! to what a page can hold, the profiled functions' calls as brackets (coloured per function,
//! matched to their reports by their dotted names), and axes with round steps. Reads a
//! [`Timeline`] and the reports; writes SVG into the page's `String`.

use std::fmt::Write as _;

use super::sections::link;
use super::{escape, function_id, plural, Timeline, TimelineCall};
use crate::bytes::group;
use crate::report::Report;

/// The memory plot: the samples as a line over time, each call of a profiled function as a
/// band across it and a bar in the lane of its nesting level above it, linking to the
/// function's section.
pub(super) fn timeline_section(out: &mut String, timeline: &Timeline, reports: &[&Report]) {
    out.push_str("<section id=\"timeline\">\n<h2>Memory over time</h2>\n");
    let times = timeline
        .samples
        .iter()
        .map(|s| s.0)
        .chain(timeline.calls.iter().flat_map(|c| [c.start, c.end]));
    let (Some(t0), Some(t1)) = (times.clone().reduce(f64::min), times.reduce(f64::max)) else {
        out.push_str("<p>The profile has no samples.</p>\n</section>\n");
        return;
    };
    if let Some(cmdline) = &timeline.cmdline {
        out.push_str("<p class=\"where\">Resident memory of <code>");
        escape(out, cmdline);
        out.push_str("</code>, sampled by <code>mprof run</code>.</p>\n");
    } else {
        out.push_str(
            "<p class=\"where\">Resident memory, sampled by <code>mprof run</code>.</p>\n",
        );
    }
    let span = (t1 - t0).max(1e-3);
    let top_mib = timeline
        .samples
        .iter()
        .map(|s| s.1)
        .chain(timeline.calls.iter().flat_map(|c| [c.mem_start, c.mem_end]))
        .fold(0.0f64, f64::max);
    let y_step = nice_step(top_mib.max(1e-3) / 5.0);
    let y_top = (top_mib / y_step).ceil().max(1.0) * y_step;
    let lanes = timeline
        .calls
        .iter()
        .map(|c| c.level.unwrap_or(0).min(5) + 1)
        .max()
        .unwrap_or(0);
    // The drawing, in the SVG's own units.
    let (w, left, right) = (1000.0, 64.0, 16.0);
    let lane_h = 16.0;
    let plot_top = 10.0 + lanes as f64 * lane_h + if lanes > 0 { 6.0 } else { 0.0 };
    let plot_h = 260.0;
    let h = plot_top + plot_h + 34.0;
    let x = |t: f64| left + (t - t0) / span * (w - left - right);
    let y = |mib: f64| plot_top + plot_h - mib / y_top * plot_h;
    let _ = writeln!(
        out,
        "<figure class=\"plot\"><svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"Resident memory over time, with the calls of profiled functions\">"
    );
    // Grid and axes.
    out.push_str("<g class=\"grid\">");
    let mut v = 0.0;
    while v <= y_top + y_step / 2.0 {
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{} MiB</text>",
            w - right,
            left - 6.0,
            y(v) + 4.0,
            trim_number(v, y_step),
            yy = y(v)
        );
        v += y_step;
    }
    let x_step = nice_step(span / 8.0);
    let mut t = 0.0;
    while t <= span + x_step / 1000.0 {
        let _ = write!(
            out,
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{plot_top:.1}\" y2=\"{:.1}\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} s</text>",
            plot_top + plot_h,
            plot_top + plot_h + 16.0,
            trim_number(t, x_step),
            xx = x(t0 + t)
        );
        t += x_step;
    }
    out.push_str("</g>\n");
    // The functions' calls: colour by function, link to its section.
    let functions = functions_of(timeline, reports);
    let mut calls: Vec<&TimelineCall> = timeline.calls.iter().collect();
    calls.sort_by(|a, b| a.start.total_cmp(&b.start));
    const MOST_CALLS: usize = 2000;
    out.push_str("<g class=\"calls\">");
    for call in calls.iter().take(MOST_CALLS) {
        let Some(f) = functions.iter().position(|f| f.name == call.name) else {
            continue;
        };
        let f = &functions[f];
        let (xa, xb) = (x(call.start), x(call.end.max(call.start)));
        let width = (xb - xa).max(1.5);
        let lane = call.level.unwrap_or(0).min(5) as f64;
        match &f.id {
            Some(id) => {
                let _ = write!(out, "<a href=\"#{id}\">");
            }
            None => out.push_str("<a>"),
        }
        out.push_str("<title>");
        escape(out, &call.name);
        let _ = write!(
            out,
            ": {:.3} s, {:.1} MiB at entry, {:.1} MiB at exit</title>",
            call.end - call.start,
            call.mem_start,
            call.mem_end
        );
        let _ = write!(
            out,
            "<rect class=\"band\" x=\"{xa:.1}\" y=\"{plot_top:.1}\" width=\"{width:.1}\" height=\"{plot_h:.1}\" fill=\"{c}\"/><rect class=\"lane\" x=\"{xa:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\" rx=\"2\" fill=\"{c}\"/>",
            10.0 + lane * lane_h,
            lane_h - 2.0,
            c = f.color
        );
        // The function's name in its lane, when the bar is wide enough for it.
        let label = short_name(&call.name);
        if width > 6.5 * label.chars().count() as f64 + 10.0 {
            let _ = write!(
                out,
                "<text class=\"lane-label\" x=\"{:.1}\" y=\"{:.1}\">",
                xa + 4.0,
                10.0 + lane * lane_h + lane_h - 6.0
            );
            escape(out, label);
            out.push_str("</text>");
        }
        out.push_str("</a>");
    }
    out.push_str("</g>\n");
    // The memory line, with the area under it.
    let points = thin(&timeline.samples, 1500);
    if !points.is_empty() {
        let mut line = String::with_capacity(points.len() * 14);
        for (t, mib) in &points {
            let _ = write!(line, "{:.1},{:.1} ", x(*t), y(*mib));
        }
        let line = line.trim_end();
        let _ = write!(
            out,
            "<polygon class=\"area\" points=\"{:.1},{:.1} {line} {:.1},{:.1}\"/><polyline class=\"mem\" points=\"{line}\"/>",
            x(points[0].0),
            y(0.0),
            x(points[points.len() - 1].0),
            y(0.0),
        );
        if let Some(&(t, mib)) = points.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
            let _ = write!(
                out,
                "<circle class=\"peak\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\"><title>peak {mib:.1} MiB at {:.2} s</title></circle>",
                x(t),
                y(mib),
                t - t0
            );
        }
    }
    let _ = writeln!(
        out,
        "<line class=\"axis\" x1=\"{left}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/></svg>",
        w - right,
        yy = plot_top + plot_h
    );
    // The legend: each function's colour, calls and time, linking to it.
    if !functions.is_empty() {
        out.push_str("<figcaption><ul class=\"legend\">");
        for f in &functions {
            let _ = write!(
                out,
                "<li><span class=\"swatch\" style=\"background:{}\"></span>",
                f.color
            );
            link(out, f.id.as_deref(), &f.name, "fn");
            let _ = write!(
                out,
                " <small>{} call{}, {:.3} s</small></li>",
                group(f.calls as i64),
                plural(f.calls),
                f.seconds
            );
        }
        out.push_str("</ul>");
        if calls.len() > MOST_CALLS {
            let _ = write!(
                out,
                "<p class=\"note\">The first {MOST_CALLS} of {} calls are drawn.</p>",
                calls.len()
            );
        }
        out.push_str("</figcaption>");
    } else {
        out.push_str("<figcaption><p class=\"note\">No profiled call lasted a sampling interval: there are no brackets.</p></figcaption>");
    }
    out.push_str("</figure>\n</section>\n");
}

/// A function of the timeline: its `FUNC` name, colour, the id of its section if it has one.
pub(super) struct TimelineFunction {
    name: String,
    color: &'static str,
    id: Option<String>,
    calls: u64,
    seconds: f64,
}

pub(super) const COLORS: [&str; 8] = [
    "#e8590c", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#e64980", "#5c7cfa",
];

pub(super) fn functions_of(timeline: &Timeline, reports: &[&Report]) -> Vec<TimelineFunction> {
    let mut functions: Vec<TimelineFunction> = Vec::new();
    for call in &timeline.calls {
        let f = match functions.iter_mut().position(|f| f.name == call.name) {
            Some(i) => &mut functions[i],
            None => {
                let id = reports
                    .iter()
                    .position(|r| crate::names::dotted(r.module_path(), r.function()) == call.name)
                    .map(function_id);
                let color = COLORS[functions.len() % COLORS.len()];
                functions.push(TimelineFunction {
                    name: call.name.clone(),
                    color,
                    id,
                    calls: 0,
                    seconds: 0.0,
                });
                functions.last_mut().expect("just pushed")
            }
        };
        f.calls += 1;
        f.seconds += (call.end - call.start).max(0.0);
    }
    functions
}

/// The last dotted part of a `FUNC` name: its function.
pub(super) fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// At most about `most` points of `samples` (`(time, MiB)`), keeping each stretch's lowest
/// and highest so that no spike is lost.
pub(super) fn thin(samples: &[(f64, f64)], most: usize) -> Vec<(f64, f64)> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    if sorted.len() <= most {
        return sorted;
    }
    let per = sorted.len().div_ceil(most / 2);
    let mut out = Vec::with_capacity(most + 2);
    for chunk in sorted.chunks(per) {
        let lo = chunk.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let hi = chunk.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(&lo), Some(&hi)) = (lo, hi) {
            if lo.0 <= hi.0 {
                out.extend([lo, hi]);
            } else {
                out.extend([hi, lo]);
            }
        }
    }
    out
}

/// A round step (1, 2, 2.5 or 5 times a power of ten) near `raw`, at least `raw`.
pub(super) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// `value` with as many decimals as `step` needs.
pub(super) fn trim_number(value: f64, step: f64) -> String {
    let decimals = (0..6)
        .find(|&d| {
            let scaled = step * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(6) as usize;
    format!("{value:.decimals$}")
}
