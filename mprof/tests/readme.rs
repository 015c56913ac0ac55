//! The README's commands leave the repository as it was: every file that its `mprof` commands
//! write (`-o`, which `run` appends to) is under `target/`, so that `git status` stays clean
//! after running them (a committed `.dat` file would grow a run each time).

#[test]
fn the_readme_commands_write_under_target() {
    let readme = include_str!("../../README.md");
    let mut in_sh = false;
    let mut outputs = Vec::new();
    for line in readme.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            command if in_sh && command.contains("mprof ") => {
                let words: Vec<&str> = command.split_whitespace().collect();
                for pair in words.windows(2) {
                    if pair[0] == "-o" || pair[0] == "--output" {
                        outputs.push(pair[1]);
                    }
                }
            }
            _ => {}
        }
    }
    assert!(!outputs.is_empty(), "the README runs mprof with -o");
    for output in outputs {
        assert!(output.starts_with("target/"), "the README writes {output}");
    }
}
