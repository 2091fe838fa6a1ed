//! Planning long reads: 31-day windows for `readings`, 1500-entry pages for `log`.

use chrono::{DateTime, Duration, Utc};

use crate::request::{LogCount, LogQuery};
use crate::response::LogEntry;
use crate::ProtocolError;

/// The longest span one `readings` request may cover.
pub fn max_readings_window() -> Duration {
    Duration::days(31)
}

/// One `readings` window: values with `from < t <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Exclusive start.
    pub from: DateTime<Utc>,
    /// Inclusive end.
    pub to: DateTime<Utc>,
}

impl Window {
    /// Whether a value time belongs to this window.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from < t && t <= self.to
    }
}

/// Splits `(from, to]` into consecutive windows of at most `max` each.
///
/// Each window's end is the next one's start; as `to` is inclusive and `from`
/// exclusive, a value exactly on a boundary belongs to exactly one window. An empty
/// range (`from == to`) gives no window.
pub fn split_range(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    max: Duration,
) -> Result<Vec<Window>, ProtocolError> {
    if to < from {
        return Err(ProtocolError::InvalidRange(format!(
            "{to} lies before {from}"
        )));
    }
    if max <= Duration::zero() {
        return Err(ProtocolError::InvalidRange(
            "window length must be positive".to_owned(),
        ));
    }
    let mut out = Vec::new();
    let mut start = from;
    while start < to {
        let end = start.checked_add_signed(max).map_or(to, |e| e.min(to));
        out.push(Window {
            from: start,
            to: end,
        });
        start = end;
    }
    Ok(out)
}

/// Pages through the logbook by `fromindex` + `count` without losing or doubling an
/// entry.
///
/// The contract leaves open whether `fromindex`+`count` counts entries or index numbers,
/// and indices may have gaps. So the pager never stops on a short page: it stops only
/// when a page brings nothing new, and confirms that once with a `fromindex`-only query
/// (which returns entries at or after the index in either reading) before declaring the
/// end. Entries below the next expected index are dropped as already seen.
#[derive(Debug, Clone)]
pub struct LogPager {
    next_index: u64,
    page: LogCount,
    state: PagerState,
    pages: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PagerState {
    Paging,
    Confirming,
    Done,
}

/// What the pager took from one page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageResult {
    /// New entries, sorted by index, each index at most once.
    pub new_entries: Vec<LogEntry>,
    /// Entries dropped because they were already delivered.
    pub duplicates: usize,
}

impl LogPager {
    /// Starts at index 0 with pages of 1500.
    pub fn new() -> Self {
        Self::starting_at(0)
    }

    /// Starts at `index` (e.g. one past the last archived entry) with pages of 1500.
    pub fn starting_at(index: u64) -> Self {
        LogPager {
            next_index: index,
            page: LogCount::MAX,
            state: PagerState::Paging,
            pages: 0,
        }
    }

    /// Uses smaller pages (for tests and slow links).
    pub fn with_page_size(mut self, page: LogCount) -> Self {
        self.page = page;
        self
    }

    /// The query to send next, or `None` when the logbook has been read completely.
    pub fn next_query(&self) -> Option<LogQuery> {
        match self.state {
            PagerState::Paging => Some(LogQuery::FromIndexCount(self.next_index, self.page)),
            PagerState::Confirming => Some(LogQuery::FromIndex(self.next_index)),
            PagerState::Done => None,
        }
    }

    /// The first index not yet delivered.
    pub fn next_index(&self) -> u64 {
        self.next_index
    }

    /// Number of pages accepted so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// Whether the end was reached.
    pub fn is_done(&self) -> bool {
        self.state == PagerState::Done
    }

    /// Takes the answer to the last [`next_query`](Self::next_query).
    pub fn accept(&mut self, mut entries: Vec<LogEntry>) -> PageResult {
        self.pages += 1;
        let total = entries.len();
        entries.sort_by_key(|e| e.index);
        let mut new_entries: Vec<LogEntry> = Vec::with_capacity(entries.len());
        for e in entries {
            let expected = new_entries.last().map_or(self.next_index, |l| l.index + 1);
            if e.index >= expected {
                new_entries.push(e);
            }
        }
        let duplicates = total - new_entries.len();
        match new_entries.last() {
            Some(last) => {
                self.next_index = last.index.saturating_add(1);
                self.state = PagerState::Paging;
                if last.index == u64::MAX {
                    self.state = PagerState::Done;
                }
            }
            None => {
                self.state = match self.state {
                    PagerState::Paging => PagerState::Confirming,
                    PagerState::Confirming | PagerState::Done => PagerState::Done,
                }
            }
        }
        PageResult {
            new_entries,
            duplicates,
        }
    }
}

impl Default for LogPager {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap()
    }

    #[test]
    fn windows_cover_the_range_without_gaps_or_overlap() {
        let from = t0();
        let to = from + Duration::days(100) + Duration::minutes(15);
        let w = split_range(from, to, max_readings_window()).unwrap();
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].from, from);
        assert_eq!(w.last().unwrap().to, to);
        for pair in w.windows(2) {
            assert_eq!(pair[0].to, pair[1].from);
        }
        assert!(w.iter().all(|x| x.to - x.from <= max_readings_window()));
        // Every 15-minute value in the range lands in exactly one window; `from` itself
        // is outside (exclusive) and `to` inside (inclusive).
        let mut t = from;
        while t <= to + Duration::minutes(15) {
            let n = w.iter().filter(|x| x.contains(t)).count();
            let inside = from < t && t <= to;
            assert_eq!(n, usize::from(inside), "{t}");
            t += Duration::minutes(15);
        }
    }

    #[test]
    fn exact_multiples_and_short_and_empty_ranges() {
        let from = t0();
        let w = split_range(from, from + Duration::days(62), max_readings_window()).unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].to, from + Duration::days(31));
        let w = split_range(from, from + Duration::hours(1), max_readings_window()).unwrap();
        assert_eq!(
            w,
            vec![Window {
                from,
                to: from + Duration::hours(1)
            }]
        );
        assert!(split_range(from, from, max_readings_window())
            .unwrap()
            .is_empty());
        assert!(split_range(from, from - Duration::seconds(1), max_readings_window()).is_err());
        assert!(split_range(from, from + Duration::days(1), Duration::zero()).is_err());
    }

    fn entry(index: u64) -> LogEntry {
        LogEntry {
            index,
            time: t0() + Duration::seconds(index as i64),
            ..LogEntry::default()
        }
    }

    /// A fake gateway logbook answering `fromindex`(+`count`) either by counting
    /// entries or by index range.
    fn serve(log: &[u64], q: LogQuery, by_range: bool) -> Vec<LogEntry> {
        let (from, count) = match q {
            LogQuery::FromIndexCount(i, c) => (i, u64::from(c.get())),
            LogQuery::FromIndex(i) => (i, 1500),
            other => panic!("unexpected query {other:?}"),
        };
        if by_range {
            let r: Vec<_> = log
                .iter()
                .filter(|i| **i >= from && **i < from + count)
                .map(|i| entry(*i))
                .collect();
            if matches!(q, LogQuery::FromIndex(_)) {
                return log
                    .iter()
                    .filter(|i| **i >= from)
                    .take(1500)
                    .map(|i| entry(*i))
                    .collect();
            }
            r
        } else {
            log.iter()
                .filter(|i| **i >= from)
                .take(count as usize)
                .map(|i| entry(*i))
                .collect()
        }
    }

    fn read_all(log: &[u64], by_range: bool, page: u32) -> (Vec<u64>, u32) {
        let mut pager = LogPager::new().with_page_size(LogCount::new(page).unwrap());
        let mut got = Vec::new();
        let mut guard = 0;
        while let Some(q) = pager.next_query() {
            let r = pager.accept(serve(log, q, by_range));
            got.extend(r.new_entries.iter().map(|e| e.index));
            guard += 1;
            assert!(guard < 10_000);
        }
        (got, pager.pages())
    }

    #[test]
    fn pages_through_gaps_without_loss_or_doubling() {
        let mut log: Vec<u64> = (1..=3200).collect();
        log.retain(|i| !(1400..1410).contains(i));
        // A gap longer than a whole page (rotated-out or skipped numbers).
        log.extend(6000..6100);
        for by_range in [false, true] {
            let (got, pages) = read_all(&log, by_range, 1500);
            assert_eq!(got, log, "by_range={by_range}");
            assert!(pages >= 4, "{pages}");
        }
    }

    #[test]
    fn exact_page_multiple_ends_with_empty_page_and_confirmation() {
        let log: Vec<u64> = (0..3000).collect();
        let (got, pages) = read_all(&log, false, 1500);
        assert_eq!(got, log);
        // 2 full pages, 1 empty page, 1 confirming query.
        assert_eq!(pages, 4);
        let (got, pages) = read_all(&[], false, 1500);
        assert!(got.is_empty());
        assert_eq!(pages, 2);
    }

    #[test]
    fn overlapping_and_unsorted_pages_are_deduplicated() {
        let mut pager = LogPager::starting_at(10);
        let r = pager.accept(vec![entry(12), entry(9), entry(10), entry(12), entry(11)]);
        assert_eq!(
            r.new_entries.iter().map(|e| e.index).collect::<Vec<_>>(),
            vec![10, 11, 12]
        );
        assert_eq!(r.duplicates, 2);
        assert_eq!(pager.next_index(), 13);
        assert_eq!(
            pager.next_query(),
            Some(LogQuery::FromIndexCount(13, LogCount::MAX))
        );
        // A page repeating only old entries brings nothing new and leads to the end check.
        let r = pager.accept(vec![entry(11), entry(12)]);
        assert!(r.new_entries.is_empty());
        assert_eq!(pager.next_query(), Some(LogQuery::FromIndex(13)));
        let r = pager.accept(vec![entry(14)]);
        assert_eq!(r.new_entries.len(), 1);
        assert_eq!(
            pager.next_query(),
            Some(LogQuery::FromIndexCount(15, LogCount::MAX))
        );
        pager.accept(vec![]);
        pager.accept(vec![]);
        assert!(pager.is_done() && pager.next_query().is_none());
    }
}
