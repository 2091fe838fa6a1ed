//! Cutting a period into the windows a gateway accepts, and shrinking them when it refuses
//! one as too long (a gateway may count a window's days differently, e.g. in local days).

use chrono::Duration;

use crate::Period;

/// `period` cut into consecutive windows of at most `max` (the last one may be shorter).
pub fn windows(period: Period, max: Duration) -> Vec<Period> {
    let mut out = Vec::new();
    if max <= Duration::zero() {
        return out;
    }
    let mut from = period.from;
    while from < period.to {
        let to = (from + max).min(period.to);
        out.push(Period { from, to });
        from = to;
    }
    out
}

/// The windows of a period in the order to ask for them. Sans-IO: the caller asks the
/// gateway for [`WindowPlan::next_window`] and reports a refusal with
/// [`WindowPlan::refused`].
#[derive(Debug, Clone)]
pub struct WindowPlan {
    queue: std::collections::VecDeque<Period>,
    max: Duration,
    planned: usize,
}

impl WindowPlan {
    /// `period` in windows of at most `max`.
    pub fn new(period: Period, max: Duration) -> WindowPlan {
        let queue: std::collections::VecDeque<Period> = windows(period, max).into();
        WindowPlan {
            planned: queue.len(),
            queue,
            max,
        }
    }

    /// Windows planned so far, asked or not (grows when refused windows are split).
    pub fn planned(&self) -> usize {
        self.planned
    }

    /// The next window to ask for; `None` when the period is covered.
    pub fn next_window(&mut self) -> Option<Period> {
        while let Some(w) = self.queue.pop_front() {
            if w.to - w.from <= self.max {
                return Some(w);
            }
            let parts = windows(w, self.max);
            self.planned += parts.len().saturating_sub(1);
            for p in parts.into_iter().rev() {
                self.queue.push_front(p);
            }
        }
        None
    }

    /// The gateway refused `w` as too long: from now on windows are half as long, and `w`
    /// is asked again in halves. `false` (nothing queued) when `w` is a day or shorter: a
    /// refusal then has another cause.
    pub fn refused(&mut self, w: Period) -> bool {
        if w.to - w.from <= Duration::days(1) {
            return false;
        }
        self.max = (w.to - w.from) / 2;
        self.queue.push_front(w);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, TimeZone, Utc};

    fn t(days: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap() + Duration::days(days)
    }

    fn period(from: i64, to: i64) -> Period {
        Period {
            from: t(from),
            to: t(to),
        }
    }

    #[test]
    fn windows_cover_the_period_without_gaps_or_overlap() {
        let w = windows(period(0, 70), Duration::days(31));
        assert_eq!(w, vec![period(0, 31), period(31, 62), period(62, 70)]);
        assert!(windows(period(5, 5), Duration::days(31)).is_empty());
        assert!(windows(period(0, 5), Duration::zero()).is_empty());
    }

    #[test]
    fn a_refused_window_is_asked_again_in_halves_and_later_windows_shrink_too() {
        let mut plan = WindowPlan::new(period(0, 70), Duration::days(30));
        assert_eq!(plan.planned(), 3);
        let first = plan.next_window().unwrap();
        assert_eq!(first, period(0, 30));
        assert!(plan.refused(first));
        let mut asked = Vec::new();
        while let Some(w) = plan.next_window() {
            asked.push(w);
        }
        assert_eq!(
            asked,
            vec![
                period(0, 15),
                period(15, 30),
                period(30, 45),
                period(45, 60),
                period(60, 70)
            ]
        );
        assert_eq!(plan.planned(), 5);
        let mut short = WindowPlan::new(period(0, 1), Duration::days(30));
        let w = short.next_window().unwrap();
        assert!(!short.refused(w));
        assert_eq!(short.next_window(), None);
    }
}
