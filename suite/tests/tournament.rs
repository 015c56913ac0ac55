//! `examples/tournament.rs`: the in-memory and streaming versions give identical results;
//! hand-checked matches; the two reports tell the two versions' memory apart.
//!
//! A test binary of its own, not a module of `integration/`: it includes the example, whose
//! `#[global_allocator]` is then the binary's (a binary has one).

#[path = "../../examples/tournament.rs"]
#[allow(dead_code)]
mod example;

use example::{
    interactions_path, play_match, tournament_in_memory, tournament_streaming, Action, Config,
    ProgressBar, Strategy,
};
use memory_profiler::capture;
use memory_profiler_suite::on_fresh_thread;

fn config(strategies: &[Strategy], turns: u32, repetitions: u32) -> Config {
    Config {
        strategies: strategies.to_vec(),
        turns,
        repetitions,
        seed: 7,
    }
}

fn both(config: &Config, tag: &str) -> (example::Results, example::Results) {
    let path = interactions_path(tag);
    let hidden = ProgressBar::hidden();
    let in_memory = tournament_in_memory(config, &hidden);
    let streamed = tournament_streaming(config, &path, &hidden);
    let _ = std::fs::remove_file(&path);
    (in_memory, streamed.unwrap())
}

#[test]
fn both_versions_agree_on_every_strategy() {
    let config = config(&Strategy::ALL, 60, 4);
    let (in_memory, streamed) = both(&config, "agree");
    assert_eq!(in_memory, streamed);
    let s = &in_memory.standings;
    assert_eq!(s.len(), 16);
    // Each player plays 15 matches of 60 turns per repetition.
    assert!(s.iter().all(|p| p.turns == 15 * 60 * 4));
    assert_eq!(
        s.iter().map(|p| p.rank).collect::<Vec<_>>(),
        (1..=16).collect::<Vec<_>>()
    );
    let by_name = |n: &str| s.iter().find(|p| p.name == n).unwrap();
    assert_eq!(by_name("Cooperator").cooperation_rate(), 1.0);
    assert_eq!(by_name("Defector").cooperation_rate(), 0.0);
    assert_eq!(by_name("Alternator").cooperation_rate(), 0.5);
    // Tit for tat never ends a match ahead.
    assert_eq!(by_name("Tit For Tat").wins, 0);
    // Same seed, same tournament; another seed, other random moves.
    let (again, _) = both(&config, "again");
    assert_eq!(again, in_memory);
    let other = Config { seed: 8, ..config };
    let (reseeded, streamed) = both(&other, "reseeded");
    assert_eq!(reseeded, streamed);
    assert_ne!(reseeded, in_memory);
}

#[test]
fn matches_by_hand() {
    use Action::{C, D};
    let moves = |a: Strategy, b: Strategy, turns: u32| {
        let config = config(&[a, b], turns, 1);
        let mut moves = Vec::new();
        play_match(&config, 0, (0, 1), |x, y| moves.push((x, y)));
        moves
    };
    assert_eq!(
        moves(Strategy::TitForTat, Strategy::Defector, 3),
        [(C, D), (D, D), (D, D)]
    );
    assert_eq!(
        moves(Strategy::Grudger, Strategy::Alternator, 4),
        [(C, C), (C, D), (D, C), (D, D)]
    );
    assert_eq!(
        moves(Strategy::SuspiciousTitForTat, Strategy::TitForTat, 4),
        [(D, C), (C, D), (D, C), (C, D)]
    );
    assert_eq!(
        moves(Strategy::WinStayLoseShift, Strategy::Defector, 4),
        [(C, D), (D, D), (C, D), (D, D)]
    );
    assert_eq!(
        moves(Strategy::TwoTitsForTat, Strategy::CyclerCCD, 6),
        [(C, C), (C, C), (C, D), (D, C), (D, C), (C, D)]
    );
    assert_eq!(
        moves(Strategy::Prober, Strategy::Cooperator, 5),
        [(D, C), (C, C), (C, C), (D, C), (D, C)]
    );
    assert_eq!(
        moves(Strategy::Prober, Strategy::TitForTat, 5),
        [(D, C), (C, D), (C, C), (C, C), (C, C)]
    );

    // Defector against Cooperator for 10 turns, twice: 5 points a turn against none.
    let config = config(&[Strategy::Cooperator, Strategy::Defector], 10, 2);
    let (results, streamed) = both(&config, "by_hand");
    assert_eq!(results, streamed);
    let top = &results.standings[0];
    assert_eq!(
        (top.name, top.score, top.wins, top.rank),
        ("Defector", 100, 2, 1)
    );
    let last = &results.standings[1];
    assert_eq!(
        (last.name, last.score, last.cooperations),
        ("Cooperator", 0, 20)
    );
}

#[test]
fn the_reports_tell_the_versions_apart() {
    // 25 turns: every turn goes through the profiled strategies, each call reported into the
    // capture.
    let config = config(&Strategy::ALL, 25, 10);
    let path = interactions_path("reports");
    let (results, reports) = on_fresh_thread(|| {
        capture(|| {
            let hidden = ProgressBar::hidden();
            let a = tournament_in_memory(&config, &hidden);
            let b = tournament_streaming(&config, &path, &hidden).unwrap();
            assert_eq!(a, b);
            a
        })
    });
    let _ = std::fs::remove_file(&path);
    assert_eq!(results.standings.len(), 16);
    let in_memory = reports.function("tournament_in_memory").unwrap();
    let streaming = reports.function("tournament_streaming").unwrap();
    // 120 matches × 10 repetitions × 25 turns, each turn's two moves in 2 bytes: exactly,
    // touched as the matches are played.
    let moves = in_memory
        .line_containing("Vec::with_capacity(turns)")
        .unwrap();
    assert_eq!((moves.increment, moves.occurrences), (1200 * 25 * 2, 1));
    // 1,200 interactions of 40 bytes, in a Vec grown by doubling (to 2,048).
    assert_eq!(std::mem::size_of::<example::Interaction>(), 40);
    let kept = in_memory.line_containing("interactions.push").unwrap();
    assert_eq!((kept.increment, kept.occurrences), (2048 * 40, 1200));
    let peak = |r: &memory_profiler::Report| r.rows().iter().map(|r| r.mem_usage).max().unwrap();
    assert!(peak(in_memory) > 140_000, "{in_memory}");
    // The streaming version holds its two 8 KiB buffers and a line, whatever the size.
    assert!(peak(streaming) < 24 * 1024, "{streaming}");
    assert!(!in_memory.panicked() && !streaming.panicked());
}

/// The strategies' impls and the tally carry one attribute each (`report = "exit"`: one report
/// each for a whole run; inside `capture`, the calls made there): every turn of every match
/// goes through `Player::next` and `Player::record` and allocates nothing; the tally allocates
/// its vectors once, and its results once.
#[test]
fn the_strategies_and_the_tally_are_profiled_by_impl() {
    let config = config(&Strategy::ALL, 50, 3);
    let (results, reports) =
        on_fresh_thread(|| capture(|| tournament_in_memory(&config, &ProgressBar::hidden())));
    assert_eq!(results.standings.len(), 16);
    // 120 matches a repetition, 3 repetitions, 50 turns, two players.
    let calls = |name: &str| reports.function(name).unwrap().calls();
    assert_eq!(calls("Player::new"), 120 * 3 * 2);
    assert_eq!(calls("Player::next"), 120 * 3 * 50 * 2);
    assert_eq!(calls("Player::record"), 120 * 3 * 50 * 2);
    assert_eq!(calls("Tally::add"), 120 * 3);
    assert_eq!(calls("Strategy::name"), 16);
    assert!(calls("Player::tit_for_tat") > 0);
    for name in [
        "Player::new",
        "Player::next",
        "Player::record",
        "Player::tit_for_tat",
        "Tally::add",
        "Strategy::name",
    ] {
        let report = reports.function(name).unwrap();
        assert_eq!(
            (
                report.bytes_allocated(),
                report.allocations(),
                report.peak()
            ),
            (0, 0, 0),
            "{report}"
        );
    }
    // Five vectors of 16: the names (16 bytes each) and four counters (8 bytes each).
    let tally = reports.function("Tally::new").unwrap();
    let fields = tally
        .rows()
        .iter()
        .find(|r| r.text.trim() == "Tally {")
        .unwrap();
    assert_eq!(
        (fields.bytes_allocated, fields.allocations),
        (16 * 16 + 4 * 16 * 8, 5),
        "{tally}"
    );
    let results = reports.function("results").unwrap();
    assert_eq!(std::mem::size_of::<example::Standing>(), 56);
    assert_eq!(
        (results.bytes_allocated(), results.allocations()),
        (16 * 56, 1),
        "{results}"
    );
    // Two functions named `new`: the bare name is not enough.
    assert_eq!(
        reports.try_function("new").unwrap_err().to_string(),
        "`new` names several profiled functions: `Player::new`, `Tally::new`; write the one you mean"
    );
    // The in-memory version's report is written when it returns; the others' at exit.
    let names: Vec<&str> = reports.iter().map(|r| r.function()).collect();
    assert_eq!(names.last(), Some(&"tournament_in_memory"), "{names:?}");
}
