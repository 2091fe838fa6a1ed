//! Request bodies.
//!
//! Every call is a JSON object with a `method`. Numbers and booleans are sent as strings,
//! the way the gateway itself writes them, and times as `YYYY-MM-DDThh:mm:ssZ`.

use chrono::{DateTime, Utc};
use serde_json::{json, Map, Value};

use crate::time::format_wire_time;
use crate::ProtocolError;

/// The most log entries one request may ask for.
pub const MAX_LOG_COUNT: u16 = 1500;

/// A call to the gateway, ready to be turned into a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `smgw-info`: about the gateway.
    SmgwInfo,
    /// `user-info`: the consumer's contracts.
    UserInfo,
    /// `usage-point-info`: one contract in detail.
    UsagePointInfo {
        /// The contract's `usage-point-id`.
        usage_point_id: String,
        /// Optional value list (`origin`, `derived`, `calculated`, `daily`).
        database: Option<String>,
    },
    /// `readings`: meter values.
    Readings(ReadingsQuery),
    /// `log`: the consumer logbook.
    Log(LogQuery),
    /// `self-test`: start the gateway's self-test.
    SelfTest,
}

/// What a `readings` call asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingsQuery {
    /// The contract's `usage-point-id`.
    pub usage_point_id: String,
    /// The value list.
    pub database: String,
    /// OBIS ids to restrict to; empty means all channels.
    pub channels: Vec<String>,
    /// Which values.
    pub range: ReadingsRange,
}

/// The time selection of a `readings` call. The newest value and a time range exclude
/// each other on the wire (the gateway ignores the range with `last-reading`), so they
/// are separate variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingsRange {
    /// Only the newest value (`last-reading`); the only choice for TAF 9, 10 and 14.
    LastReading,
    /// Values with `from < t <= to`; either bound may be left open. The gateway refuses
    /// spans over 31 days: use [`crate::plan::split_range`].
    Between {
        /// Exclusive lower bound.
        from: Option<DateTime<Utc>>,
        /// Inclusive upper bound.
        to: Option<DateTime<Utc>>,
    },
}

/// A `count` for the logbook: 1 to 1500.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogCount(u16);

impl LogCount {
    /// The largest page the gateway serves.
    pub const MAX: LogCount = LogCount(MAX_LOG_COUNT);

    /// A count, refused outside 1..=1500.
    pub fn new(n: u32) -> Result<Self, ProtocolError> {
        match u16::try_from(n) {
            Ok(v) if (1..=MAX_LOG_COUNT).contains(&v) => Ok(LogCount(v)),
            _ => Err(ProtocolError::InvalidLogQuery(format!(
                "count {n} is outside 1..={MAX_LOG_COUNT}"
            ))),
        }
    }

    /// The number.
    pub fn get(self) -> u16 {
        self.0
    }
}

/// The parameter combinations the gateway allows for `log`; nothing else can be built.
/// `fromtime` is inclusive (`t >= fromtime`), `totime` exclusive (`t < totime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogQuery {
    /// No parameters: the oldest 1500 entries.
    Oldest,
    /// `fromtime`.
    From(DateTime<Utc>),
    /// `totime`.
    To(DateTime<Utc>),
    /// `fromtime` + `totime`.
    FromTo(DateTime<Utc>, DateTime<Utc>),
    /// `fromindex`.
    FromIndex(u64),
    /// `count`.
    Count(LogCount),
    /// `fromindex` + `count`.
    FromIndexCount(u64, LogCount),
    /// `fromtime` + `count`.
    FromCount(DateTime<Utc>, LogCount),
    /// `fromtime` + `totime` + `count`.
    FromToCount(DateTime<Utc>, DateTime<Utc>, LogCount),
}

impl LogQuery {
    /// Builds a query from optional parts, refusing the combinations the gateway does
    /// not allow (e.g. `totime` + `count`, or `fromindex` with a time).
    pub fn from_parts(
        fromtime: Option<DateTime<Utc>>,
        totime: Option<DateTime<Utc>>,
        fromindex: Option<u64>,
        count: Option<u32>,
    ) -> Result<Self, ProtocolError> {
        let count = count.map(LogCount::new).transpose()?;
        if let (Some(f), Some(t)) = (fromtime, totime) {
            if t < f {
                return Err(ProtocolError::InvalidRange(format!(
                    "totime {} lies before fromtime {}",
                    format_wire_time(t),
                    format_wire_time(f)
                )));
            }
        }
        Ok(match (fromtime, totime, fromindex, count) {
            (None, None, None, None) => LogQuery::Oldest,
            (Some(f), None, None, None) => LogQuery::From(f),
            (None, Some(t), None, None) => LogQuery::To(t),
            (Some(f), Some(t), None, None) => LogQuery::FromTo(f, t),
            (None, None, Some(i), None) => LogQuery::FromIndex(i),
            (None, None, None, Some(c)) => LogQuery::Count(c),
            (None, None, Some(i), Some(c)) => LogQuery::FromIndexCount(i, c),
            (Some(f), None, None, Some(c)) => LogQuery::FromCount(f, c),
            (Some(f), Some(t), None, Some(c)) => LogQuery::FromToCount(f, t, c),
            (_, _, Some(_), _) => {
                return Err(ProtocolError::InvalidLogQuery(
                    "fromindex cannot be combined with fromtime or totime".to_owned(),
                ))
            }
            (None, Some(_), None, Some(_)) => {
                return Err(ProtocolError::InvalidLogQuery(
                    "totime with count needs fromtime as well".to_owned(),
                ))
            }
        })
    }

    fn params(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: String| {
            m.insert(k.to_owned(), Value::String(v));
        };
        let (from, to, index, count) = match *self {
            LogQuery::Oldest => (None, None, None, None),
            LogQuery::From(f) => (Some(f), None, None, None),
            LogQuery::To(t) => (None, Some(t), None, None),
            LogQuery::FromTo(f, t) => (Some(f), Some(t), None, None),
            LogQuery::FromIndex(i) => (None, None, Some(i), None),
            LogQuery::Count(c) => (None, None, None, Some(c)),
            LogQuery::FromIndexCount(i, c) => (None, None, Some(i), Some(c)),
            LogQuery::FromCount(f, c) => (Some(f), None, None, Some(c)),
            LogQuery::FromToCount(f, t, c) => (Some(f), Some(t), None, Some(c)),
        };
        if let Some(f) = from {
            put("fromtime", format_wire_time(f));
        }
        if let Some(t) = to {
            put("totime", format_wire_time(t));
        }
        if let Some(i) = index {
            put("fromindex", i.to_string());
        }
        if let Some(c) = count {
            put("count", c.get().to_string());
        }
        m
    }
}

impl Request {
    /// The `method` name on the wire.
    pub fn method(&self) -> &'static str {
        self.call().wire_name()
    }

    /// The call kind, for status messages.
    pub fn call(&self) -> crate::Call {
        use crate::Call;
        match self {
            Request::SmgwInfo => Call::SmgwInfo,
            Request::UserInfo => Call::UserInfo,
            Request::UsagePointInfo { .. } => Call::UsagePointInfo,
            Request::Readings(_) => Call::Readings,
            Request::Log(_) => Call::Log,
            Request::SelfTest => Call::SelfTest,
        }
    }

    /// The body as a JSON value.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("method".to_owned(), Value::String(self.method().to_owned()));
        let s = |v: &str| Value::String(v.to_owned());
        match self {
            Request::SmgwInfo | Request::UserInfo | Request::SelfTest => {}
            Request::UsagePointInfo {
                usage_point_id,
                database,
            } => {
                m.insert("usage-point-id".to_owned(), s(usage_point_id));
                if let Some(db) = database {
                    m.insert("database".to_owned(), s(db));
                }
            }
            Request::Readings(q) => {
                m.insert("usage-point-id".to_owned(), s(&q.usage_point_id));
                m.insert("database".to_owned(), s(&q.database));
                if !q.channels.is_empty() {
                    let list = q.channels.iter().map(|c| json!({ "channel": c })).collect();
                    m.insert("channels".to_owned(), Value::Array(list));
                }
                match q.range {
                    ReadingsRange::LastReading => {
                        m.insert("last-reading".to_owned(), s("true"));
                    }
                    ReadingsRange::Between { from, to } => {
                        if let Some(f) = from {
                            m.insert("fromtime".to_owned(), s(&format_wire_time(f)));
                        }
                        if let Some(t) = to {
                            m.insert("totime".to_owned(), s(&format_wire_time(t)));
                        }
                    }
                }
            }
            Request::Log(q) => m.extend(q.params()),
        }
        Value::Object(m)
    }

    /// The body bytes (compact JSON). Its length goes into both `Content-Length` and
    /// `X-Content-Length`.
    pub fn body(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, d, h, 0, 0).single().unwrap()
    }

    fn parsed(r: &Request) -> Value {
        serde_json::from_slice(&r.body()).unwrap()
    }

    #[test]
    fn plain_calls_carry_only_the_method() {
        assert_eq!(parsed(&Request::SmgwInfo), json!({"method": "smgw-info"}));
        assert_eq!(parsed(&Request::UserInfo), json!({"method": "user-info"}));
        assert_eq!(parsed(&Request::SelfTest), json!({"method": "self-test"}));
    }

    #[test]
    fn usage_point_info_with_and_without_database() {
        let r = Request::UsagePointInfo {
            usage_point_id: "01005e318021.taf1-1.sm".into(),
            database: None,
        };
        assert_eq!(
            parsed(&r),
            json!({"method": "usage-point-info", "usage-point-id": "01005e318021.taf1-1.sm"})
        );
        let r = Request::UsagePointInfo {
            usage_point_id: "x".into(),
            database: Some("origin".into()),
        };
        assert_eq!(parsed(&r)["database"], "origin");
    }

    #[test]
    fn readings_body_has_times_channels_and_strings() {
        let q = ReadingsQuery {
            usage_point_id: "up".into(),
            database: "origin".into(),
            channels: vec!["0100010800ff".into()],
            range: ReadingsRange::Between {
                from: Some(t(1, 0)),
                to: Some(t(31, 23)),
            },
        };
        let body = String::from_utf8(Request::Readings(q).body()).unwrap();
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            v,
            json!({"method": "readings", "usage-point-id": "up", "database": "origin",
                   "channels": [{"channel": "0100010800ff"}],
                   "fromtime": "2026-01-01T00:00:00Z", "totime": "2026-01-31T23:00:00Z"})
        );
        assert!(!body.contains(' '), "compact JSON expected: {body}");
    }

    #[test]
    fn last_reading_omits_the_range() {
        let q = ReadingsQuery {
            usage_point_id: "up".into(),
            database: "origin".into(),
            channels: vec![],
            range: ReadingsRange::LastReading,
        };
        let v = parsed(&Request::Readings(q));
        assert_eq!(v["last-reading"], "true");
        assert!(
            v.get("fromtime").is_none() && v.get("totime").is_none() && v.get("channels").is_none()
        );
    }

    #[test]
    fn every_allowed_log_combination_builds_and_others_are_refused() {
        let (f, to) = (Some(t(1, 0)), Some(t(2, 0)));
        let allowed = [
            (None, None, None, None, vec![]),
            (f, None, None, None, vec!["fromtime"]),
            (None, to, None, None, vec!["totime"]),
            (f, to, None, None, vec!["fromtime", "totime"]),
            (None, None, Some(7), None, vec!["fromindex"]),
            (None, None, None, Some(10), vec!["count"]),
            (None, None, Some(7), Some(10), vec!["fromindex", "count"]),
            (f, None, None, Some(10), vec!["fromtime", "count"]),
            (f, to, None, Some(10), vec!["fromtime", "totime", "count"]),
        ];
        for (a, b, c, d, keys) in allowed {
            let q = LogQuery::from_parts(a, b, c, d).unwrap();
            let v = parsed(&Request::Log(q));
            let mut got: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
            got.retain(|k| *k != "method");
            let mut want = keys.clone();
            got.sort();
            want.sort();
            assert_eq!(got, want);
        }
        let refused = [
            (None, to, None, Some(10)),
            (f, None, Some(1), None),
            (None, to, Some(1), None),
            (f, to, Some(1), Some(10)),
            (None, None, Some(1), Some(0)),
            (None, None, None, Some(1501)),
        ];
        for (a, b, c, d) in refused {
            assert!(
                matches!(
                    LogQuery::from_parts(a, b, c, d),
                    Err(ProtocolError::InvalidLogQuery(_))
                ),
                "{a:?} {b:?} {c:?} {d:?}"
            );
        }
        assert!(matches!(
            LogQuery::from_parts(to, f, None, None),
            Err(ProtocolError::InvalidRange(_))
        ));
    }

    #[test]
    fn log_values_are_strings_on_the_wire() {
        let q = LogQuery::FromIndexCount(1500, LogCount::MAX);
        let v = parsed(&Request::Log(q));
        assert_eq!(
            v,
            json!({"method": "log", "fromindex": "1500", "count": "1500"})
        );
    }
}
