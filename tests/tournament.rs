//! `examples/tournament.rs`: the in-memory and streaming versions give identical results;
//! hand-checked matches; the two reports tell the two versions' memory apart.

#[path = "../examples/tournament.rs"]
#[allow(dead_code)]
mod example;

mod common;

use example::{
    interactions_path, play_match, tournament_in_memory, tournament_streaming, Action, Config,
    Strategy,
};
use indicatif::ProgressBar;
use memory_profiler::capture;

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
    let config = config(&Strategy::ALL, 100, 10);
    let path = interactions_path("reports");
    let (results, reports) = common::on_fresh_thread(|| {
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
    // 120 matches × 10 repetitions × 100 turns, each turn's two moves in 2 bytes: exactly,
    // touched as the matches are played.
    let moves = in_memory
        .line_containing("Vec::with_capacity(turns)")
        .unwrap();
    assert_eq!((moves.increment, moves.occurrences), (1200 * 100 * 2, 1));
    // 1,200 interactions of 40 bytes, in a Vec grown by doubling (to 2,048).
    assert_eq!(std::mem::size_of::<example::Interaction>(), 40);
    let kept = in_memory.line_containing("interactions.push").unwrap();
    assert_eq!((kept.increment, kept.occurrences), (2048 * 40, 1200));
    let peak = |r: &memory_profiler::Report| r.rows().iter().map(|r| r.mem_usage).max().unwrap();
    assert!(peak(in_memory) > 240_000, "{in_memory}");
    // The streaming version holds its two 8 KiB buffers and a line, whatever the size.
    assert!(peak(streaming) < 24 * 1024, "{streaming}");
    assert!(!in_memory.panicked() && !streaming.panicked());
}
