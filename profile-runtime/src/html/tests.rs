//! The page's unit tests: highlighting, escaping, figures, names and ids, the `.dat` reader,
//! the plot's steps and thinning, and a run of three dozen functions.

use super::highlight::{highlight, Carry};
use super::plot::{nice_step, thin, trim_number};
use super::*;

/// The text of highlighted HTML: tags dropped, entities read back.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt + rest[lt..].find('>').unwrap() + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn marked(lines: &[&str]) -> Vec<String> {
    let mut carry = Carry::Code;
    lines
        .iter()
        .map(|line| {
            let mut out = String::new();
            highlight(&mut out, line, &mut carry);
            out
        })
        .collect()
}

#[test]
fn highlighting_keeps_every_character_and_escapes_them() {
    let lines = [
        "#[profile(precision = 3, peak)]",
        "pub fn f<'a, T: Into<u64>>(x: &'a str, v: Vec<T>) -> Option<u64> {",
        "    let s = \"a \\\"quoted\\\" <b>&amp;</b> é 🦀\"; // comment <script>",
        "    let c = ['x', '\\n', '\\u{1F980}', 'é', '\\''];",
        "    let r = r#\"raw \" still\"#; let b = b\"bytes\"; /* block",
        "       still comment */ let n = 0x_ff + 1_000usize + 1.5e3 + 0..10;",
        "    println!(\"{}\", s != \"\" && 3 < 4); 'outer: loop { break 'outer; }",
        "    let multi = \"first line",
        "    second line\";",
        "    unterminated 'x \\ \"",
        "\\",
        "'",
        "r#type é\u{301}",
        "}",
    ];
    let out = marked(&lines);
    for (line, html) in lines.iter().zip(&out) {
        assert_eq!(text_of(html), *line, "{html}");
        assert!(
            !html.contains("<script>") && !html.contains("<b>&amp;"),
            "{html}"
        );
    }
    assert_eq!(out[0], "<dfn>#[profile(precision = 3, peak)]</dfn>");
    assert!(out[1].starts_with("<b>pub</b> <b>fn</b> f&lt;<var>&#39;a</var>, <var>T</var>: <var>Into</var>&lt;u64&gt;&gt;"), "{}", out[1]);
    assert!(
        out[2].contains("<u>// comment &lt;script&gt;</u>"),
        "{}",
        out[2]
    );
    assert!(out[3].contains("<i>&#39;x&#39;</i>, <i>&#39;\\n&#39;</i>, <i>&#39;\\u{1F980}&#39;</i>, <i>&#39;é&#39;</i>, <i>&#39;\\&#39;&#39;</i>"), "{}", out[3]);
    assert!(
        out[4].contains("<i>r#&quot;raw &quot; still&quot;#</i>"),
        "{}",
        out[4]
    );
    assert!(out[4].ends_with("<u>/* block</u>"), "{}", out[4]);
    assert!(
        out[5].starts_with("<u>       still comment */</u> <b>let</b>"),
        "{}",
        out[5]
    );
    assert!(
        out[5].contains("<s>0x_ff</s> + <s>1_000usize</s> + <s>1.5e3</s> + <s>0</s>..<s>10</s>"),
        "{}",
        out[5]
    );
    assert!(out[6].starts_with("    <em>println!</em>"), "{}", out[6]);
    assert!(
        out[6].contains("<var>&#39;outer</var>: <b>loop</b>"),
        "{}",
        out[6]
    );
    assert!(
        out[8].starts_with("<i>    second line&quot;</i>;"),
        "{}",
        out[8]
    );
}

#[test]
fn highlighting_never_splits_a_character() {
    // Every character boundary case: escapes before multi-byte characters, quotes and
    // comment markers next to them.
    let pieces = [
        "\\", "\"", "'", "é", "🦀", "/*", "*/", "//", "r#\"", "\"#", "a", "1", "#[", " ", "!",
        "b\"",
    ];
    let mut state = 1u64;
    for _ in 0..3000 {
        let mut line = String::new();
        for _ in 0..8 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            line.push_str(pieces[(state >> 33) as usize % pieces.len()]);
        }
        for html in marked(&[&line, &line]) {
            assert_eq!(text_of(&html), line);
        }
    }
}

#[test]
fn escapes_and_figures() {
    let mut out = String::new();
    escape(&mut out, "<Vec<T> as Trait>::f & \"x\" 'y'");
    assert_eq!(
        out,
        "&lt;Vec&lt;T&gt; as Trait&gt;::f &amp; &quot;x&quot; &#39;y&#39;"
    );
    assert_eq!(human(0), "0 B");
    assert_eq!(human(1023), "1023 B");
    assert_eq!(human(1024), "1.00 KiB");
    assert_eq!(human(8_000), "7.81 KiB");
    assert_eq!(human(800_000), "781 KiB");
    assert_eq!(human(-800_000), "\u{2212}781 KiB");
    assert_eq!(human(96_000_000), "91.6 MiB");
    assert_eq!(human(1_048_575), "1024 KiB");
    assert_eq!(human(10_480_000), "9.99 MiB");
    assert_eq!(human(3 << 30), "3.00 GiB");
    assert_eq!(human(i64::MIN), "\u{2212}8.00 EiB");
}

#[test]
fn a_run_of_three_dozen_functions_is_a_page_under_a_megabyte() {
    // 36 functions of 40 lines each, every line run, with figures of every size.
    let texts: Vec<&'static str> = (0..40)
        .map(|i| -> &'static str {
            Box::leak(
                format!(
                    "        let value_{i}: Vec<u64> = (0..n).map(|x| x * {i}).collect(); // {i}"
                )
                .into_boxed_str(),
            )
        })
        .collect();
    let list = (0..36)
        .map(|f| {
            let rows = (0..40u32)
                .map(|i| {
                    let big = (f as i64 + 1) * 123_457 * i64::from(i);
                    row(
                        100 + i,
                        texts[i as usize],
                        big,
                        big - 5000,
                        big,
                        123,
                        45,
                        big as u64,
                        100_000,
                    )
                })
                .collect();
            let name: &'static str = Box::leak(format!("function_number_{f}").into_boxed_str());
            report(
                (name, "crate::module::inner", "src/module/inner.rs"),
                rows,
                1 << 30,
                "thread_heap",
                (false, false, true),
            )
            .unwrap()
        })
        .collect();
    let page = page(&reports(list), "three dozen", None);
    if let Ok(dump) = std::env::var("DUMP_PAGE") {
        std::fs::write(dump, &page).unwrap();
    }
    assert!(page.len() < 1_000_000, "{} bytes", page.len());
    assert!(
        page.len() > 400_000,
        "{} bytes: the figures are all there",
        page.len()
    );
}

#[test]
fn names_are_escaped_and_ids_are_safe() {
    let rows = vec![
        row(10, "#[profile]", 0, 0, 0, 0, 0, 0, 1),
        row(
            11,
            "fn f() -> Option<&'static str> { None }",
            0,
            0,
            0,
            0,
            0,
            0,
            1,
        ),
    ];
    let name = "<Vec<T> as Tr>::f \"x\" & 'y'";
    let one = report(
        (name, "m::<T>", "src/<a>.rs"),
        rows,
        0,
        "thread_heap",
        (false, false, false),
    )
    .unwrap();
    let page = page(&reports(vec![one]), "<title> & \"q\"", None);
    assert!(!page.contains("<Vec"), "no raw name");
    assert!(page.contains("<h3><a href=\"#f1\">&lt;Vec&lt;T&gt; as Tr&gt;::f &quot;x&quot; &amp; &#39;y&#39;</a></h3>"));
    assert!(page.contains("<title>&lt;title&gt; &amp; &quot;q&quot; · memory profile</title>"));
    assert!(page.contains("<code>src/&lt;a&gt;.rs:10</code> · module <code>m::&lt;T&gt;</code>"));
    assert!(page.contains("<a class=\"fn\" href=\"#f1\">&lt;Vec&lt;T&gt; as Tr&gt;::f &quot;x&quot; &amp; &#39;y&#39;</a>"));
    assert!(page.contains("<tr id=f1-11 class=ran>"));
}

#[test]
fn dat_files_are_read() {
    let timeline = Timeline::parse_dat(
        "CMDLINE prog --flag\nMEM 1.500000 100.0000\nMEM x 101\nFUNC app.f 1.5 100.25 3.0 100.75 0\nFUNC app.g 1 2 3\nCHLD 12 1.0 100.5\nMEM 2.000000 100.5000\r\nFUNC old.h 1.0 100.1 2.0 100.2\n",
    );
    assert_eq!(timeline.cmdline.as_deref(), Some("prog --flag"));
    assert_eq!(timeline.samples, [(100.0, 1.5), (100.5, 2.0)]);
    assert_eq!(timeline.calls.len(), 2);
    assert_eq!(timeline.calls[0].name, "app.f");
    assert_eq!(
        (timeline.calls[0].start, timeline.calls[0].end),
        (100.25, 100.75)
    );
    assert_eq!(timeline.calls[0].level, Some(0));
    assert_eq!(timeline.calls[1].level, None);
}

#[test]
fn steps_and_thinning() {
    assert_eq!(nice_step(0.37), 0.5);
    assert_eq!(nice_step(21.0), 25.0);
    assert_eq!(nice_step(26.0), 50.0);
    assert_eq!(nice_step(10.0), 10.0);
    assert_eq!(trim_number(0.25, 0.05), "0.25");
    assert_eq!(trim_number(20.0, 10.0), "20");
    assert_eq!(trim_number(7.5, 2.5), "7.5");
    assert_eq!(trim_number(50.0, 25.0), "50");
    assert_eq!(trim_number(0.3, 0.1), "0.3");
    let samples: Vec<(f64, f64)> = (0..10_000)
        .map(|i| (i as f64, if i == 5_001 { 99.0 } else { (i % 7) as f64 }))
        .collect();
    let thinned = thin(&samples, 1500);
    assert!(thinned.len() <= 1502, "{}", thinned.len());
    assert!(thinned.contains(&(5_001.0, 99.0)), "the spike is kept");
    assert!(thinned.windows(2).all(|w| w[0].0 <= w[1].0));
}
