//! When to read, when to sync, how long to wait after a failure: pure state, no clock
//! (callers pass "now"), so every rule is a unit test.

use std::time::{Duration, Instant};

/// Never read current values more often than this (PPC: at most every 15 minutes; the
/// other makers update their current values every 15 minutes as well).
pub const MIN_READ_INTERVAL: Duration = Duration::from_secs(15 * 60);

/// The archive is synced once a day.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);

/// The read interval a front door may use: the one asked for (default 15 minutes), never
/// below [`MIN_READ_INTERVAL`] nor below the pause the gateway's maker needs.
pub fn safe_read_interval(requested: Option<Duration>, maker_pause: Duration) -> Duration {
    requested
        .unwrap_or(MIN_READ_INTERVAL)
        .max(MIN_READ_INTERVAL)
        .max(maker_pause)
}

/// Exponential back-off between reconnection attempts: `min`, `2·min`, … up to `max`;
/// back to `min` after a success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    min: Duration,
    max: Duration,
    next: Duration,
    failures: u32,
}

impl Backoff {
    /// A back-off starting at `min` (at least 1 ms) and growing up to `max`.
    pub fn new(min: Duration, max: Duration) -> Backoff {
        let min = min.max(Duration::from_millis(1));
        let max = max.max(min);
        Backoff {
            min,
            max,
            next: min,
            failures: 0,
        }
    }

    /// Records a failure; returns how long to wait before the next attempt.
    pub fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = self.next.saturating_mul(2).min(self.max);
        self.failures = self.failures.saturating_add(1);
        wait
    }

    /// Records a success: the next failure waits `min` again.
    pub fn succeeded(&mut self) {
        self.next = self.min;
        self.failures = 0;
    }

    /// Failures since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }
}

/// What is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Read current values and publish them.
    Read,
    /// Sync the archive.
    Sync,
}

/// When the next read and the next sync are due. Reading comes first when both are due
/// (a first sync can take minutes; the home automation should not wait for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    read_every: Duration,
    sync_every: Option<Duration>,
    next_read: Instant,
    next_sync: Option<Instant>,
    last_read: Option<Instant>,
}

impl Schedule {
    /// Both due right away (sync only if `sync_every` is given).
    pub fn new(now: Instant, read_every: Duration, sync_every: Option<Duration>) -> Schedule {
        Schedule {
            read_every,
            sync_every,
            next_read: now,
            next_sync: sync_every.map(|_| now),
            last_read: None,
        }
    }

    /// The read interval in force.
    pub fn read_every(&self) -> Duration {
        self.read_every
    }

    /// Sets the read interval to `configured` or the maker's `pause`, whichever is
    /// longer (called after every (re)connect: a gateway's capabilities, and so its
    /// pause, may have changed). The next read is due one new interval after the last
    /// attempt (or now, if there was none).
    pub fn set_pause(&mut self, configured: Duration, pause: Duration) {
        self.read_every = configured.max(pause);
        if let Some(last) = self.last_read {
            self.next_read = last + self.read_every;
        }
    }

    /// The task due at `now`, if any.
    pub fn due(&self, now: Instant) -> Option<Task> {
        if self.next_read <= now {
            Some(Task::Read)
        } else if self.next_sync.is_some_and(|t| t <= now) {
            Some(Task::Sync)
        } else {
            None
        }
    }

    /// When the next task is due.
    pub fn next_due(&self) -> Instant {
        match self.next_sync {
            Some(s) => s.min(self.next_read),
            None => self.next_read,
        }
    }

    /// Records an attempt of `task` at `now`. A read attempt always counts (failed or
    /// not, the gateway is never asked sooner than the interval); a failed sync is tried
    /// again after one read interval (if that is shorter than the sync interval).
    pub fn attempted(&mut self, task: Task, now: Instant, ok: bool) {
        match task {
            Task::Read => {
                self.last_read = Some(now);
                self.next_read = now + self.read_every;
            }
            Task::Sync => {
                if let Some(every) = self.sync_every {
                    let wait = if ok {
                        every
                    } else {
                        every.min(self.read_every)
                    };
                    self.next_sync = Some(now + wait);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn the_read_interval_never_falls_below_15_minutes_or_the_makers_pause() {
        assert_eq!(safe_read_interval(None, Duration::ZERO), MIN_READ_INTERVAL);
        assert_eq!(
            safe_read_interval(Some(Duration::from_secs(10)), Duration::ZERO),
            MIN_READ_INTERVAL
        );
        assert_eq!(safe_read_interval(Some(30 * MIN), Duration::ZERO), 30 * MIN);
        assert_eq!(
            safe_read_interval(Some(16 * MIN), 20 * MIN),
            20 * MIN,
            "the maker's pause wins"
        );
    }

    #[test]
    fn backoff_doubles_up_to_the_maximum_and_resets_on_success() {
        let mut b = Backoff::new(Duration::from_secs(5), Duration::from_secs(60));
        let waits: Vec<u64> = (0..6).map(|_| b.failed().as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
        assert_eq!(b.failures(), 6);
        b.succeeded();
        assert_eq!(b.failures(), 0);
        assert_eq!(b.failed(), Duration::from_secs(5));
    }

    #[test]
    fn backoff_with_max_below_min_waits_min() {
        let mut b = Backoff::new(Duration::from_secs(5), Duration::from_secs(1));
        assert_eq!(b.failed(), Duration::from_secs(5));
        assert_eq!(b.failed(), Duration::from_secs(5));
    }

    #[test]
    fn read_comes_first_then_sync_then_nothing_until_the_interval() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0, 15 * MIN, Some(24 * 60 * MIN));
        assert_eq!(s.due(t0), Some(Task::Read));
        s.attempted(Task::Read, t0, true);
        assert_eq!(s.due(t0), Some(Task::Sync));
        s.attempted(Task::Sync, t0, true);
        assert_eq!(s.due(t0 + 14 * MIN), None);
        assert_eq!(s.next_due(), t0 + 15 * MIN);
        assert_eq!(s.due(t0 + 15 * MIN), Some(Task::Read));
        s.attempted(Task::Read, t0 + 15 * MIN, true);
        assert_eq!(s.due(t0 + 24 * 60 * MIN), Some(Task::Read));
        s.attempted(Task::Read, t0 + 24 * 60 * MIN, true);
        assert_eq!(s.due(t0 + 24 * 60 * MIN), Some(Task::Sync));
    }

    #[test]
    fn a_failed_read_is_not_repeated_before_the_interval() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0, 15 * MIN, None);
        s.attempted(Task::Read, t0, false);
        assert_eq!(s.due(t0 + 5 * MIN), None);
        assert_eq!(s.due(t0 + 15 * MIN), Some(Task::Read));
    }

    #[test]
    fn a_failed_sync_is_retried_after_one_read_interval() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0, 15 * MIN, Some(24 * 60 * MIN));
        s.attempted(Task::Read, t0, true);
        s.attempted(Task::Sync, t0, false);
        s.attempted(Task::Read, t0 + 15 * MIN, true);
        assert_eq!(s.due(t0 + 15 * MIN), Some(Task::Sync));
    }

    #[test]
    fn the_pause_read_after_a_reconnect_sets_the_read_interval() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0, 15 * MIN, None);
        s.set_pause(15 * MIN, Duration::ZERO);
        assert_eq!(s.read_every(), 15 * MIN);
        assert_eq!(s.due(t0), Some(Task::Read), "no read yet: due now");
        s.attempted(Task::Read, t0, true);
        // After a reconnect the maker asks for a longer pause: the next read moves.
        s.set_pause(15 * MIN, 40 * MIN);
        assert_eq!(s.read_every(), 40 * MIN);
        assert_eq!(s.due(t0 + 39 * MIN), None);
        assert_eq!(s.next_due(), t0 + 40 * MIN);
        assert_eq!(s.due(t0 + 40 * MIN), Some(Task::Read));
        s.attempted(Task::Read, t0 + 40 * MIN, true);
        assert_eq!(s.next_due(), t0 + 80 * MIN);
        // And back to a shorter one: never below the configured interval.
        s.set_pause(15 * MIN, Duration::from_secs(1));
        assert_eq!(s.read_every(), 15 * MIN);
        assert_eq!(s.next_due(), t0 + 55 * MIN);
    }

    #[test]
    fn without_sync_only_reads_are_due() {
        let t0 = Instant::now();
        let mut s = Schedule::new(t0, 15 * MIN, None);
        s.attempted(Task::Read, t0, true);
        assert_eq!(s.due(t0 + 48 * 60 * MIN), Some(Task::Read));
        s.attempted(Task::Read, t0 + 48 * 60 * MIN, true);
        assert_eq!(s.due(t0 + 48 * 60 * MIN), None);
    }
}
