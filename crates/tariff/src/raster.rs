//! The measuring raster, as the reference display program (TRuDI) treats values off it.
//!
//! 1. **While reading a file** a value without a target time gets the nearest raster
//!    point as its time when it lies within 3 % of the measuring period of that point
//!    (27 s for 15 minutes, 43 min 12 s for daily values); a value farther off keeps its
//!    own time. A value with a target time keeps that time, on the raster or not.
//!    ([`reading_time`], used by [`crate::from_ar2418`].)
//! 2. **The TAF-1/TAF-2 computation** looks values up at raster points only
//!    ([`is_raster_point`]): a value whose time is off the raster counts as missing, so
//!    the consumption of the intervals around it is booked as across any gap (to the
//!    tariff when both neighbours lie in one tariff, else to the error register).
//!
//! The raster is smgw-model's (`smgw_model::time::nearest_raster_point`: multiples of the
//! period for periods dividing an hour, German local midnight for daily values). The
//! validator's 1 % tolerance (`ar2418`, `smgw_model::time::is_on_raster`) is a separate
//! check and plays no part here.

use chrono::{DateTime, Duration, Utc};
use smgw_model::time::nearest_raster_point;

/// The snapping tolerance: 3 % of the measuring period (27 s for 900 s), exact to the
/// millisecond.
pub fn snap_tolerance(period_seconds: u32) -> Duration {
    Duration::milliseconds(i64::from(period_seconds) * 30)
}

/// The time a value is billed at, by rule 1 of the module docs: the target time if the
/// value has one; else the capture time, moved to the nearest raster point when within
/// [`snap_tolerance`] of it. Without a known period (`None` or 0) the capture time is
/// kept. `None` if the value has neither time.
pub fn reading_time(
    target: Option<DateTime<Utc>>,
    capture: Option<DateTime<Utc>>,
    period_seconds: Option<u32>,
) -> Option<DateTime<Utc>> {
    if target.is_some() {
        return target;
    }
    let capture = capture?;
    let Some(p) = period_seconds.filter(|p| *p > 0) else {
        return Some(capture);
    };
    match nearest_raster_point(capture, Duration::seconds(i64::from(p))) {
        Some(point) if (point - capture).abs() <= snap_tolerance(p) => Some(point),
        _ => Some(capture),
    }
}

/// Whether `t` is exactly a raster point of the period (rule 2). Without a known period
/// (`None` or 0) every time counts as one, as no raster can be laid.
pub fn is_raster_point(t: DateTime<Utc>, period_seconds: Option<u32>) -> bool {
    match period_seconds.filter(|p| *p > 0) {
        Some(p) => nearest_raster_point(t, Duration::seconds(i64::from(p))) == Some(t),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("test time")
            .with_timezone(&Utc)
    }

    #[test]
    fn tolerance_is_three_percent() {
        assert_eq!(snap_tolerance(900), Duration::seconds(27));
        assert_eq!(snap_tolerance(1800), Duration::seconds(54));
        assert_eq!(snap_tolerance(86_400), Duration::seconds(2592));
        assert_eq!(snap_tolerance(60), Duration::milliseconds(1800));
    }

    #[test]
    fn values_without_target_time_snap_within_three_percent() {
        let q = Some(900);
        let at = |s: &str| reading_time(None, Some(t(s)), q);
        let point = t("2017-11-04T12:00:00+01:00");
        assert_eq!(at("2017-11-04T12:00:07+01:00"), Some(point));
        assert_eq!(at("2017-11-04T11:59:35+01:00"), Some(point));
        assert_eq!(at("2017-11-04T12:00:25+01:00"), Some(point));
        assert_eq!(at("2017-11-04T12:00:27+01:00"), Some(point));
        assert_eq!(
            at("2017-11-04T12:00:28+01:00"),
            Some(t("2017-11-04T12:00:28+01:00"))
        );
        assert_eq!(
            at("2017-11-04T12:00:40+01:00"),
            Some(t("2017-11-04T12:00:40+01:00"))
        );
        assert_eq!(
            at("2017-11-04T12:04:00+01:00"),
            Some(t("2017-11-04T12:04:00+01:00"))
        );
        // Daily values: local midnight within 3 % of a day (43 min 12 s), across DST.
        let d = Some(86_400);
        assert_eq!(
            reading_time(None, Some(t("2017-10-29T00:40:00+02:00")), d),
            Some(t("2017-10-29T00:00:00+02:00"))
        );
        assert_eq!(
            reading_time(None, Some(t("2017-10-29T23:20:00+01:00")), d),
            Some(t("2017-10-30T00:00:00+01:00"))
        );
        assert_eq!(
            reading_time(None, Some(t("2017-10-29T00:44:00+02:00")), d),
            Some(t("2017-10-29T00:44:00+02:00"))
        );
    }

    #[test]
    fn target_times_and_unknown_periods_are_kept() {
        let off = t("2017-11-04T12:00:07+01:00");
        assert_eq!(reading_time(Some(off), None, Some(900)), Some(off));
        assert_eq!(
            reading_time(Some(off), Some(t("2017-11-04T12:00:00+01:00")), Some(900)),
            Some(off)
        );
        assert_eq!(reading_time(None, Some(off), None), Some(off));
        assert_eq!(reading_time(None, Some(off), Some(0)), Some(off));
        assert_eq!(reading_time(None, None, Some(900)), None);
    }

    #[test]
    fn raster_points_are_exact() {
        assert!(is_raster_point(t("2017-11-04T12:15:00+01:00"), Some(900)));
        assert!(!is_raster_point(t("2017-11-04T12:15:01+01:00"), Some(900)));
        assert!(!is_raster_point(t("2017-11-04T12:15:00+01:00"), Some(1800)));
        assert!(is_raster_point(
            t("2017-03-26T00:00:00+01:00"),
            Some(86_400)
        ));
        assert!(is_raster_point(
            t("2017-03-27T00:00:00+02:00"),
            Some(86_400)
        ));
        assert!(!is_raster_point(
            t("2017-03-27T00:00:00+01:00"),
            Some(86_400)
        ));
        assert!(is_raster_point(t("2017-11-04T12:15:01+01:00"), None));
    }
}
