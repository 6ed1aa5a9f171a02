//! One step's windows, from the log.

use std::time::{Duration, Instant};

use crate::load::{Driver, Outcome};

pub(crate) struct StepReport {
    pub(crate) name: String,
    /// How long no node accepted writes (sampled every 100 ms).
    pub(crate) no_primary: Option<Duration>,
    /// The longest time in the step with no write acknowledged: what a user waited.
    pub(crate) no_write: Duration,
    /// From the primary's return to the first write acknowledged after it.
    pub(crate) writing_again_after: Option<Duration>,
    pub(crate) refused: usize,
    pub(crate) unanswered: usize,
    pub(crate) resent: usize,
    /// Refused or unanswered writes after the primary's return.
    pub(crate) after_return: usize,
    /// Refused or unanswered writes later than the recovery allowance after the return.
    pub(crate) late_failures: usize,
    /// Which node accepted writes, at each change (seconds from the step's start).
    pub(crate) timeline: Vec<(f64, Option<u16>)>,
    /// The first reason a write went unanswered.
    pub(crate) first_unanswered: Option<String>,
}

pub(crate) fn step_report(d: &Driver, name: &str, started: Instant, ended: Instant, recovery: Duration) -> StepReport {
    let log = d.log.lock().unwrap();
    let in_step = |t: &Instant| *t >= started && *t < ended;
    let before = log.primary.iter().rev().find(|(t, _)| *t < started).and_then(|(_, p)| *p);
    // The primary is lost at the first sample that shows none or another node, and back at
    // the first writable node after that.
    let (mut lost, mut back) = (None, None);
    for (t, p) in log.primary.iter().filter(|(t, _)| in_step(t)) {
        if lost.is_none() && (p.is_none() || *p != before) {
            lost = Some(*t);
        }
        if lost.is_some() && p.is_some() {
            back = Some(*t);
            break;
        }
    }
    let mut timeline: Vec<(f64, Option<u16>)> = Vec::new();
    for (t, p) in log.primary.iter().filter(|(t, _)| in_step(t)) {
        if timeline.last().map(|(_, q)| q) != Some(p) {
            timeline.push(((*t - started).as_secs_f64(), *p));
        }
    }
    let outcomes: Vec<&(Instant, Outcome)> = log.outcomes.iter().filter(|(t, _)| in_step(t)).collect();
    let failed = |o: &Outcome| matches!(o, Outcome::Refused503 | Outcome::Unanswered(_));
    let mut no_write = Duration::ZERO;
    let mut last_write = started;
    for (t, o) in &outcomes {
        if matches!(o, Outcome::Written) {
            no_write = no_write.max(*t - last_write);
            last_write = *t;
        }
    }
    no_write = no_write.max(ended - last_write);
    StepReport {
        name: name.to_string(),
        no_primary: lost.zip(back).map(|(l, b)| b - l),
        no_write,
        writing_again_after: back
            .and_then(|b| outcomes.iter().find(|(t, o)| *t >= b && matches!(o, Outcome::Written)).map(|(t, _)| *t - b)),
        refused: outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Refused503)).count(),
        unanswered: outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Unanswered(_))).count(),
        resent: outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Resent)).count(),
        after_return: back.map_or(0, |b| outcomes.iter().filter(|(t, o)| failed(o) && *t > b).count()),
        late_failures: match back {
            Some(b) => outcomes.iter().filter(|(t, o)| failed(o) && *t > b + recovery).count(),
            None => outcomes.iter().filter(|(_, o)| failed(o)).count(),
        },
        timeline,
        first_unanswered: outcomes.iter().find_map(|(_, o)| match o {
            Outcome::Unanswered(why) => Some(why.clone()),
            _ => None,
        }),
    }
}
