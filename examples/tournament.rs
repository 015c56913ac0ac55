//! The case that started the seed: an iterated prisoner's dilemma round robin, as the Axelrod
//! library plays it, computed two ways.
//!
//! Sixteen classic strategies play every other one for `--turns` turns, `--repetitions` times.
//! `tournament_in_memory` keeps every interaction (each match's moves) in a `Vec` and computes
//! the results once all are played; `tournament_streaming` writes each match to a file as it is
//! played and computes the same results while reading the file back, holding one match at a
//! time, as Axelrod-Python's fix for its memory (PR 672) did. The results: each player's total
//! score, score per turn, wins and cooperation rate, ranked by total score.
//!
//! `cargo run --release --example tournament -- --turns 200 --repetitions 2000 --seed 1`
//! (those are the defaults). A progress bar shows on stderr while a tournament plays; both
//! functions are `#[profile]`d, so their line reports print when they return. Under `mprof run`
//! they add their brackets to the plot instead (README, "Memory over time"). The strategies'
//! impls and the tally carry one `#[profile(report = "exit")]` each: every method in them is
//! profiled, and each prints one report for the whole run when the program ends (`Player::next`
//! over its 192 million calls), then the run's summary.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use memory_profiler::profile;

#[global_allocator]
static ALLOC: memory_profiler::Allocator = memory_profiler::Allocator::system();

/// A move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    C,
    D,
}

use Action::{C, D};

impl Action {
    fn letter(self) -> char {
        match self {
            C => 'C',
            D => 'D',
        }
    }

    fn from_letter(b: u8) -> Option<Action> {
        match b {
            b'C' => Some(C),
            b'D' => Some(D),
            _ => None,
        }
    }
}

/// The payoffs of one turn, (mine, theirs): R = 3 for mutual cooperation, P = 1 for mutual
/// defection, T = 5 for defecting against a cooperator, who gets S = 0.
pub fn payoff(me: Action, them: Action) -> (u32, u32) {
    match (me, them) {
        (C, C) => (3, 3),
        (C, D) => (0, 5),
        (D, C) => (5, 0),
        (D, D) => (1, 1),
    }
}

/// The strategies, as the Axelrod library names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    Cooperator,
    Defector,
    TitForTat,
    Grudger,
    /// Cooperates with probability 1/2 (seeded).
    Random,
    Alternator,
    TitForTwoTats,
    SuspiciousTitForTat,
    /// Pavlov: repeats its move after R or T, switches after P or S.
    WinStayLoseShift,
    /// Tit for tat that forgives a defection with probability 1/3 (seeded).
    GenerousTitForTat,
    /// Defects if the opponent defected in any of the last three turns.
    HardTitForTat,
    /// Answers each defection with two.
    TwoTitsForTat,
    /// Cooperates while the opponent cooperated at least as often as it defected.
    GoByMajority,
    /// Tit for tat that defects instead of cooperating one time in ten (seeded).
    Joss,
    /// C, C, D, C, C, D, ...
    CyclerCCD,
    /// D, C, C; then defects for ever if the opponent cooperated on turns 2 and 3, else plays
    /// tit for tat.
    Prober,
}

#[profile(report = "exit", unit = "B")]
impl Strategy {
    /// Every strategy, in the order of the players.
    pub const ALL: [Strategy; 16] = [
        Strategy::Cooperator,
        Strategy::Defector,
        Strategy::TitForTat,
        Strategy::Grudger,
        Strategy::Random,
        Strategy::Alternator,
        Strategy::TitForTwoTats,
        Strategy::SuspiciousTitForTat,
        Strategy::WinStayLoseShift,
        Strategy::GenerousTitForTat,
        Strategy::HardTitForTat,
        Strategy::TwoTitsForTat,
        Strategy::GoByMajority,
        Strategy::Joss,
        Strategy::CyclerCCD,
        Strategy::Prober,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Strategy::Cooperator => "Cooperator",
            Strategy::Defector => "Defector",
            Strategy::TitForTat => "Tit For Tat",
            Strategy::Grudger => "Grudger",
            Strategy::Random => "Random: 0.5",
            Strategy::Alternator => "Alternator",
            Strategy::TitForTwoTats => "Tit For 2 Tats",
            Strategy::SuspiciousTitForTat => "Suspicious Tit For Tat",
            Strategy::WinStayLoseShift => "Win-Stay Lose-Shift",
            Strategy::GenerousTitForTat => "Generous Tit For Tat",
            Strategy::HardTitForTat => "Hard Tit For Tat",
            Strategy::TwoTitsForTat => "Two Tits For Tat",
            Strategy::GoByMajority => "Go By Majority",
            Strategy::Joss => "Joss: 0.9",
            Strategy::CyclerCCD => "Cycler CCD",
            Strategy::Prober => "Prober",
        }
    }
}

/// SplitMix64: a small seeded generator, so that the random players play the same moves in
/// both versions of the tournament (and on every run with the same seed).
#[derive(Clone, Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// A strategy in a match: what it remembers of the match so far.
#[derive(Clone, Debug)]
struct Player {
    strategy: Strategy,
    rng: SplitMix64,
    turn: u32,
    own_last: Option<Action>,
    /// The opponent's last three moves, most recent first.
    opp_recent: [Option<Action>; 3],
    opp_defections: u32,
    opp_cooperations: u32,
    grudge: bool,
    retaliations: u32,
    last_payoff: u32,
}

#[profile(report = "exit", unit = "B")]
impl Player {
    fn new(strategy: Strategy, seed: u64) -> Player {
        Player {
            strategy,
            rng: SplitMix64(seed),
            turn: 0,
            own_last: None,
            opp_recent: [None; 3],
            opp_defections: 0,
            opp_cooperations: 0,
            grudge: false,
            retaliations: 0,
            last_payoff: 0,
        }
    }

    fn tit_for_tat(&self) -> Action {
        self.opp_recent[0].unwrap_or(C)
    }

    fn next(&mut self) -> Action {
        match self.strategy {
            Strategy::Cooperator => C,
            Strategy::Defector => D,
            Strategy::TitForTat => self.tit_for_tat(),
            Strategy::Grudger => {
                if self.grudge {
                    D
                } else {
                    C
                }
            }
            Strategy::Random => {
                if self.rng.chance(0.5) {
                    C
                } else {
                    D
                }
            }
            Strategy::Alternator => {
                if self.turn.is_multiple_of(2) {
                    C
                } else {
                    D
                }
            }
            Strategy::TitForTwoTats => {
                if self.opp_recent[0] == Some(D) && self.opp_recent[1] == Some(D) {
                    D
                } else {
                    C
                }
            }
            Strategy::SuspiciousTitForTat => self.opp_recent[0].unwrap_or(D),
            Strategy::WinStayLoseShift => match self.own_last {
                None => C,
                Some(last) if self.last_payoff >= 3 => last,
                Some(C) => D,
                Some(D) => C,
            },
            Strategy::GenerousTitForTat => match self.opp_recent[0] {
                Some(D) if !self.rng.chance(1.0 / 3.0) => D,
                _ => C,
            },
            Strategy::HardTitForTat => {
                if self.opp_recent.contains(&Some(D)) {
                    D
                } else {
                    C
                }
            }
            Strategy::TwoTitsForTat => {
                if self.retaliations > 0 {
                    D
                } else {
                    C
                }
            }
            Strategy::GoByMajority => {
                if self.opp_cooperations >= self.opp_defections {
                    C
                } else {
                    D
                }
            }
            Strategy::Joss => match self.tit_for_tat() {
                C if self.rng.chance(0.1) => D,
                action => action,
            },
            Strategy::CyclerCCD => {
                if self.turn % 3 == 2 {
                    D
                } else {
                    C
                }
            }
            Strategy::Prober => match self.turn {
                0 => D,
                1 | 2 => C,
                _ if self.grudge => D,
                _ => self.tit_for_tat(),
            },
        }
    }

    fn record(&mut self, own: Action, opp: Action) {
        self.last_payoff = payoff(own, opp).0;
        self.own_last = Some(own);
        self.opp_recent = [Some(opp), self.opp_recent[0], self.opp_recent[1]];
        match opp {
            C => self.opp_cooperations += 1,
            D => self.opp_defections += 1,
        }
        match self.strategy {
            Strategy::Grudger if opp == D => self.grudge = true,
            Strategy::TwoTitsForTat => {
                self.retaliations = if opp == D {
                    2
                } else {
                    self.retaliations.saturating_sub(1)
                };
            }
            // Exploits an opponent that did not retaliate on turns 2 and 3.
            Strategy::Prober if self.turn == 2 => {
                self.grudge = self.opp_recent[0] == Some(C) && self.opp_recent[1] == Some(C);
            }
            _ => {}
        }
        self.turn += 1;
    }
}

/// A tournament: who plays, for how long, how many times, with what seed.
#[derive(Clone, Debug)]
pub struct Config {
    pub strategies: Vec<Strategy>,
    pub turns: u32,
    pub repetitions: u32,
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            strategies: Strategy::ALL.to_vec(),
            turns: 200,
            repetitions: 2000,
            seed: 1,
        }
    }
}

impl Config {
    /// `--turns N`, `--repetitions N`, `--seed N` (each optional).
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
        let mut config = Config::default();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let mut value = |name: &str| -> Result<u64, String> {
                let v = args
                    .next()
                    .ok_or_else(|| format!("{name} needs a number"))?;
                v.parse()
                    .map_err(|_| format!("{name} takes a whole number, not {v:?}"))
            };
            match flag.as_str() {
                "--turns" => config.turns = value("--turns")?.clamp(1, 1 << 20) as u32,
                "--repetitions" => {
                    config.repetitions = value("--repetitions")?.clamp(1, 1 << 24) as u32
                }
                "--seed" => config.seed = value("--seed")?,
                "-h" | "--help" => {
                    return Err(
                        "usage: tournament [--turns 200] [--repetitions 2000] [--seed 1]"
                            .to_owned(),
                    )
                }
                other => return Err(format!("unknown argument {other:?}; try --help")),
            }
        }
        Ok(config)
    }

    /// The matches of one repetition: each pair of players once.
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        let n = self.strategies.len();
        (0..n)
            .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
            .collect()
    }

    /// The seed of one player in one match of one repetition.
    fn player_seed(&self, repetition: u32, i: usize, j: usize, side: u64) -> u64 {
        let mut mix =
            SplitMix64(self.seed ^ (u64::from(repetition) << 32) ^ ((i as u64) << 16) ^ j as u64);
        mix.next_u64() ^ side.wrapping_mul(0xD6E8_FEB8_6659_FD93)
    }
}

/// Plays one match, handing each turn's moves (player `i`'s, player `j`'s) to `turn`.
pub fn play_match(
    config: &Config,
    repetition: u32,
    (i, j): (usize, usize),
    mut turn: impl FnMut(Action, Action),
) {
    let mut a = Player::new(
        config.strategies[i],
        config.player_seed(repetition, i, j, 1),
    );
    let mut b = Player::new(
        config.strategies[j],
        config.player_seed(repetition, i, j, 2),
    );
    for _ in 0..config.turns {
        let (x, y) = (a.next(), b.next());
        a.record(x, y);
        b.record(y, x);
        turn(x, y);
    }
}

/// One match as the in-memory version keeps it: who played, in which repetition, and where
/// its moves are in the tournament's table of moves.
#[derive(Clone, Debug)]
pub struct Interaction {
    pub players: (usize, usize),
    pub repetition: u32,
    pub moves: std::ops::Range<usize>,
}

/// A player's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub rank: usize,
    pub name: &'static str,
    /// The sum of its payoffs over all its turns.
    pub score: u64,
    pub turns: u64,
    /// Matches it ended with more points than its opponent.
    pub wins: u64,
    pub cooperations: u64,
}

impl Standing {
    pub fn score_per_turn(&self) -> f64 {
        self.score as f64 / self.turns.max(1) as f64
    }

    pub fn cooperation_rate(&self) -> f64 {
        self.cooperations as f64 / self.turns.max(1) as f64
    }
}

/// The results of a tournament: the players by rank (total score, then name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Results {
    pub standings: Vec<Standing>,
}

/// Adds up matches into results (the same code for both versions).
pub struct Tally {
    names: Vec<&'static str>,
    score: Vec<u64>,
    turns: Vec<u64>,
    wins: Vec<u64>,
    cooperations: Vec<u64>,
}

#[profile(report = "exit", unit = "B")]
impl Tally {
    pub fn new(config: &Config) -> Tally {
        let n = config.strategies.len();
        Tally {
            names: config.strategies.iter().map(|s| s.name()).collect(),
            score: vec![0; n],
            turns: vec![0; n],
            wins: vec![0; n],
            cooperations: vec![0; n],
        }
    }

    /// One match between players `i` and `j`.
    pub fn add(&mut self, (i, j): (usize, usize), moves: impl Iterator<Item = (Action, Action)>) {
        let (mut si, mut sj) = (0u64, 0u64);
        for (x, y) in moves {
            let (pi, pj) = payoff(x, y);
            si += u64::from(pi);
            sj += u64::from(pj);
            self.turns[i] += 1;
            self.turns[j] += 1;
            self.cooperations[i] += u64::from(x == C);
            self.cooperations[j] += u64::from(y == C);
        }
        self.score[i] += si;
        self.score[j] += sj;
        if si > sj {
            self.wins[i] += 1;
        } else if sj > si {
            self.wins[j] += 1;
        }
    }

    pub fn results(self) -> Results {
        let mut standings: Vec<Standing> = (0..self.names.len())
            .map(|p| Standing {
                rank: 0,
                name: self.names[p],
                score: self.score[p],
                turns: self.turns[p],
                wins: self.wins[p],
                cooperations: self.cooperations[p],
            })
            .collect();
        standings.sort_by(|a, b| b.score.cmp(&a.score).then(a.name.cmp(b.name)));
        for (rank, s) in standings.iter_mut().enumerate() {
            s.rank = rank + 1;
        }
        Results { standings }
    }
}

impl Results {
    /// The ranking as a table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:>4}  {:<24}{:>12}{:>11}{:>7}{:>14}\n",
            "Rank", "Player", "Score", "Per turn", "Wins", "Cooperation"
        );
        for s in &self.standings {
            out.push_str(&format!(
                "{:>4}  {:<24}{:>12}{:>11.3}{:>7}{:>13.1}%\n",
                s.rank,
                s.name,
                s.score,
                s.score_per_turn(),
                s.wins,
                100.0 * s.cooperation_rate()
            ));
        }
        out
    }
}

/// Plays every match and keeps it (all the moves of the tournament in one table, and each
/// match's place in it), then computes the results from what it kept.
#[profile(precision = 3, peak)]
pub fn tournament_in_memory(config: &Config, progress: &ProgressBar) -> Results {
    let pairs = config.pairs();
    let turns = pairs.len() * config.repetitions as usize * config.turns as usize;
    let mut moves: Vec<(Action, Action)> = Vec::with_capacity(turns);
    let mut interactions = Vec::new();
    for repetition in 0..config.repetitions {
        for &players in &pairs {
            let start = moves.len();
            play_match(config, repetition, players, |x, y| moves.push((x, y)));
            let moves = start..moves.len();
            interactions.push(Interaction {
                players,
                repetition,
                moves,
            });
        }
        progress.inc(1);
    }
    let mut tally = Tally::new(config);
    for interaction in &interactions {
        let played = &moves[interaction.moves.clone()];
        tally.add(interaction.players, played.iter().copied());
    }
    tally.results()
}

/// Plays every match writing it to `path` as it goes (one line per match:
/// `repetition,i,j,<i's moves>,<j's moves>`, moves as `C`/`D`), then computes the results
/// while reading the file back, one match at a time.
#[profile(precision = 3, peak)]
pub fn tournament_streaming(
    config: &Config,
    path: &Path,
    progress: &ProgressBar,
) -> io::Result<Results> {
    let pairs = config.pairs();
    let mut out = BufWriter::new(File::create(path)?);
    let (mut mine, mut theirs) = (String::new(), String::new());
    for repetition in 0..config.repetitions {
        for &(i, j) in &pairs {
            mine.clear();
            theirs.clear();
            play_match(config, repetition, (i, j), |x, y| {
                mine.push(x.letter());
                theirs.push(y.letter());
            });
            writeln!(out, "{repetition},{i},{j},{mine},{theirs}")?;
        }
        progress.inc(1);
    }
    out.flush()?;
    drop(out);
    let mut input = BufReader::new(File::open(path)?);
    let mut tally = Tally::new(config);
    let mut line = String::new();
    while input.read_line(&mut line)? > 0 {
        let (players, moves) = parse_match(line.trim_end()).ok_or_else(|| bad_line(&line))?;
        tally.add(players, moves);
        line.clear();
    }
    Ok(tally.results())
}

/// A line of the interactions file: the players and an iterator over the moves.
fn parse_match(
    line: &str,
) -> Option<((usize, usize), impl Iterator<Item = (Action, Action)> + '_)> {
    let mut fields = line.split(',');
    let _repetition = fields.next()?;
    let i = fields.next()?.parse().ok()?;
    let j = fields.next()?.parse().ok()?;
    let (mine, theirs) = (fields.next()?.as_bytes(), fields.next()?.as_bytes());
    if mine.len() != theirs.len() || fields.next().is_some() {
        return None;
    }
    let moves = mine.iter().zip(theirs).map(|(&x, &y)| {
        (
            Action::from_letter(x).unwrap_or(D),
            Action::from_letter(y).unwrap_or(D),
        )
    });
    Some(((i, j), moves))
}

fn bad_line(line: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("not a match: {line:?}"))
}

/// A bar on stderr while the repetitions play; hidden when stderr is not a terminal (tests,
/// pipes, `mprof run` in CI).
pub fn progress_bar(repetitions: u32, what: &'static str) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    ProgressBar::new(u64::from(repetitions), what)
}

/// A progress bar, one line of stderr redrawn in place at most ten times a second:
/// `in memory [00:00:03] [=========>          ] 812/2000 repetitions (00:00:04 left)`.
/// Written by hand rather than with a crate, so that the examples build from the workspace's
/// own crates alone; each line is formatted on the stack and written at once, so drawing
/// allocates nothing and leaves the profiled functions' figures as they are.
pub struct ProgressBar {
    shown: Option<Shown>,
}

struct Shown {
    what: &'static str,
    len: u64,
    pos: std::cell::Cell<u64>,
    start: Instant,
    drawn: std::cell::Cell<Option<Instant>>,
}

impl ProgressBar {
    /// A bar of `len` steps, labelled `what`, drawn from its first step on.
    pub fn new(len: u64, what: &'static str) -> ProgressBar {
        ProgressBar {
            shown: Some(Shown {
                what,
                len,
                pos: std::cell::Cell::new(0),
                start: Instant::now(),
                drawn: std::cell::Cell::new(None),
            }),
        }
    }

    /// A bar that draws nothing.
    pub fn hidden() -> ProgressBar {
        ProgressBar { shown: None }
    }

    /// Advances by `steps`, and redraws if the last drawing is 100 ms old (or this is the end).
    pub fn inc(&self, steps: u64) {
        let Some(bar) = &self.shown else {
            return;
        };
        bar.pos.set(bar.pos.get().saturating_add(steps));
        let now = Instant::now();
        let due = bar
            .drawn
            .get()
            .is_none_or(|at| now.duration_since(at) >= Duration::from_millis(100));
        if due || bar.pos.get() >= bar.len {
            bar.drawn.set(Some(now));
            bar.draw(now);
        }
    }

    /// Erases the bar's line.
    pub fn finish_and_clear(&self) {
        if self.shown.is_some() {
            let _ = io::stderr().write_all(b"\r\x1b[2K");
        }
    }
}

impl Shown {
    fn draw(&self, now: Instant) {
        const WIDTH: u64 = 30;
        let (len, pos) = (self.len.max(1), self.pos.get().min(self.len));
        let elapsed = now.duration_since(self.start);
        let left = match pos {
            0 => Duration::ZERO,
            _ => elapsed.mul_f64((len - pos) as f64 / pos as f64),
        };
        let mut bar = [b' '; WIDTH as usize];
        let filled = (WIDTH * pos / len) as usize;
        bar[..filled].fill(b'=');
        if let Some(head) = bar.get_mut(filled) {
            *head = b'>';
        }
        let bar = std::str::from_utf8(&bar).unwrap_or_default();
        let mut line = [0u8; 160];
        let mut cursor = io::Cursor::new(&mut line[..]);
        let _ = write!(
            cursor,
            "\r\x1b[2K{:>10} [{}] [{bar}] {pos}/{} repetitions ({} left)",
            self.what,
            Clock(elapsed),
            self.len,
            Clock(left)
        );
        let written = cursor.position() as usize;
        let _ = io::stderr().write_all(&line[..written]);
    }
}

/// A duration as `hh:mm:ss`.
struct Clock(Duration);

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.0.as_secs();
        write!(f, "{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    }
}

/// A file of the temporary folder that no other process (nor another `tag`) uses.
pub fn interactions_path(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "memory_profiler_tournament_{}_{tag}.csv",
        std::process::id()
    ))
}

fn main() -> io::Result<()> {
    let config = Config::from_args(std::env::args().skip(1)).unwrap_or_else(|message| {
        eprintln!("{message}");
        std::process::exit(2);
    });
    let pairs = config.pairs().len() as u64;
    eprintln!(
        "{} players, {} matches of {} turns per repetition, {} repetitions: {} turns, seed {}",
        config.strategies.len(),
        pairs,
        config.turns,
        config.repetitions,
        pairs * u64::from(config.turns) * u64::from(config.repetitions),
        config.seed
    );
    let bar = progress_bar(config.repetitions, "in memory");
    let in_memory = tournament_in_memory(&config, &bar);
    bar.finish_and_clear();

    let path = interactions_path("example");
    let bar = progress_bar(config.repetitions, "to a file");
    let streamed = tournament_streaming(&config, &path, &bar);
    bar.finish_and_clear();
    let _ = std::fs::remove_file(&path);
    let streamed = streamed?;

    print!("{}", in_memory.table());
    assert_eq!(in_memory, streamed, "the two versions disagree");
    println!("Both versions give these results.");
    Ok(())
}
