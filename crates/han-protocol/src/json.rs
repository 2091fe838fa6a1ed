//! Path-aware, lenient access to parsed JSON.
//!
//! The gateway sends numbers and booleans as strings, spells some keys oddly
//! (`billing-Periods`) and may add fields. Reading through these helpers accepts all of
//! that, keeps unknown keys, and names the exact path of anything that does not fit.

use serde_json::{Map, Value};

use smgw_model::{FieldWarning, WarningKind};

use crate::response::Limits;
use crate::ProtocolError;

/// Keys compare equal when they match ignoring case, `-` and `_`. Compared without
/// allocating: this runs for every field of every value of a readings response.
fn same_key(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    folded(a).eq(folded(b))
}

fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
}

/// A short, bounded rendering of a value for error messages.
pub(crate) fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        let cut: String = s.chars().take(37).collect();
        format!("{cut}...")
    } else {
        s
    }
}

pub(crate) fn field_err(path: &str, message: impl Into<String>) -> ProtocolError {
    ProtocolError::Field {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// A JSON object being read, with its path and the keys consumed so far.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
    used: Vec<bool>,
    limits: &'a Limits,
}

impl<'a> Obj<'a> {
    pub(crate) fn new(v: &'a Value, path: &str, limits: &'a Limits) -> Result<Self, ProtocolError> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_owned(),
                used: vec![false; map.len()],
                limits,
            }),
            other => Err(field_err(
                path,
                format!("expected an object, got {}", show(other)),
            )),
        }
    }

    pub(crate) fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Finds a key by its canonical spelling and marks it consumed. `null` counts as absent.
    /// Returns the value and the key as the gateway spelled it (for error paths, which are
    /// only built when an error is reported).
    fn find(&mut self, key: &str) -> Option<(&'a Value, &'a str)> {
        let mut found = None;
        for (i, (k, v)) in self.map.iter().enumerate() {
            if same_key(k, key) {
                if let Some(used) = self.used.get_mut(i) {
                    *used = true;
                }
                if found.is_none() && !v.is_null() {
                    found = Some((v, k.as_str()));
                }
            }
        }
        found
    }

    /// Like [`Obj::find`], with the value's path.
    pub(crate) fn get(&mut self, key: &str) -> Option<(&'a Value, String)> {
        self.find(key).map(|(v, k)| (v, self.child_path(k)))
    }

    pub(crate) fn require(&mut self, key: &str) -> Result<(&'a Value, String), ProtocolError> {
        self.get(key)
            .ok_or_else(|| field_err(&self.child_path(key), "missing"))
    }

    /// The value of `key` with a lazily built path for error messages.
    fn field(&mut self, key: &str) -> Option<(&'a Value, impl Fn() -> String + use<'_, 'a>)> {
        let (v, k) = self.find(key)?;
        Some((v, move || self.child_path(k)))
    }

    fn required_field(
        &mut self,
        key: &str,
    ) -> Result<(&'a Value, impl Fn() -> String + use<'_, 'a>), ProtocolError> {
        match self.find(key) {
            Some((v, k)) => Ok((v, move || self.child_path(k))),
            None => Err(field_err(&self.child_path(key), "missing")),
        }
    }

    pub(crate) fn opt_str(&mut self, key: &str) -> Result<Option<String>, ProtocolError> {
        let limits = self.limits;
        match self.field(key) {
            None => Ok(None),
            Some((v, p)) => as_string(v, &p, limits).map(Some),
        }
    }

    pub(crate) fn str(&mut self, key: &str) -> Result<String, ProtocolError> {
        let limits = self.limits;
        let (v, p) = self.required_field(key)?;
        as_string(v, &p, limits)
    }

    pub(crate) fn opt_num<T: TryFrom<i64>>(
        &mut self,
        key: &str,
    ) -> Result<Option<T>, ProtocolError> {
        match self.field(key) {
            None => Ok(None),
            Some((v, p)) => narrow(as_i64(v, &p)?, &p).map(Some),
        }
    }

    pub(crate) fn num<T: TryFrom<i64>>(&mut self, key: &str) -> Result<T, ProtocolError> {
        let (v, p) = self.required_field(key)?;
        narrow(as_i64(v, &p)?, &p)
    }

    /// A list; absent means empty. Enforces the item limit before reading items.
    pub(crate) fn list(&mut self, key: &str) -> Result<(Vec<&'a Value>, String), ProtocolError> {
        match self.get(key) {
            None => Ok((Vec::new(), self.child_path(key))),
            Some((Value::Array(items), p)) => {
                if items.len() > self.limits.max_items {
                    return Err(ProtocolError::TooLarge {
                        what: format!("{p}: number of entries"),
                        limit: self.limits.max_items as u64,
                        actual: items.len() as u64,
                    });
                }
                Ok((items.iter().collect(), p))
            }
            Some((other, p)) => Err(field_err(
                &p,
                format!("expected a list, got {}", show(other)),
            )),
        }
    }

    /// Timestamp; empty string counts as absent.
    pub(crate) fn opt_time(
        &mut self,
        key: &str,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, ProtocolError> {
        let limits = self.limits;
        match self.field(key) {
            None => Ok(None),
            Some((v, p)) => {
                let s = as_string(v, &p, limits)?;
                if s.trim().is_empty() {
                    return Ok(None);
                }
                crate::time::parse_wire_time(&s).map(Some).ok_or_else(|| {
                    field_err(&p(), format!("expected a date and time, got {}", show(v)))
                })
            }
        }
    }

    pub(crate) fn time(
        &mut self,
        key: &str,
    ) -> Result<chrono::DateTime<chrono::Utc>, ProtocolError> {
        match self.opt_time(key)? {
            Some(t) => Ok(t),
            None => Err(field_err(&self.child_path(key), "missing")),
        }
    }

    /// An auxiliary text: a value that is no text (an object or a list) is left out with
    /// a warning instead of failing the answer. Limits still apply.
    pub(crate) fn aux_str(
        &mut self,
        key: &str,
        warnings: &mut Vec<FieldWarning>,
    ) -> Result<Option<String>, ProtocolError> {
        let limits = self.limits;
        match self.field(key) {
            None => Ok(None),
            Some((v, p)) => match as_string(v, &p, limits) {
                Ok(s) => Ok(Some(s)),
                Err(ProtocolError::Field { message, .. }) => {
                    warnings.push(left_out(p(), v, message));
                    Ok(None)
                }
                Err(e) => Err(e),
            },
        }
    }

    /// An auxiliary hex field (certificates, the tariff profile): text that is not clean
    /// hex (PEM text, an elided `3082...`, an odd number of digits) is left out with a
    /// warning; empty text counts as absent.
    pub(crate) fn aux_hex(
        &mut self,
        key: &str,
        warnings: &mut Vec<FieldWarning>,
    ) -> Result<Option<Vec<u8>>, ProtocolError> {
        let Some(s) = self.aux_str(key, warnings)? else {
            return Ok(None);
        };
        let t = s.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match hex::decode(t) {
            Ok(b) => Ok(Some(b)),
            Err(e) => {
                warnings.push(FieldWarning::new(
                    WarningKind::FieldLeftOut,
                    self.child_path(key),
                    t,
                    format!("expected hexadecimal text ({e})"),
                ));
                Ok(None)
            }
        }
    }

    /// An auxiliary time: one that does not read is left out with a warning.
    pub(crate) fn aux_time(
        &mut self,
        key: &str,
        warnings: &mut Vec<FieldWarning>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, ProtocolError> {
        let Some(s) = self.aux_str(key, warnings)? else {
            return Ok(None);
        };
        if s.trim().is_empty() {
            return Ok(None);
        }
        match crate::time::parse_wire_time(&s) {
            Some(t) => Ok(Some(t)),
            None => {
                warnings.push(FieldWarning::new(
                    WarningKind::FieldLeftOut,
                    self.child_path(key),
                    &s,
                    "expected a date and time",
                ));
                Ok(None)
            }
        }
    }

    /// An auxiliary true/false: anything else is left out with a warning.
    pub(crate) fn aux_bool(&mut self, key: &str, warnings: &mut Vec<FieldWarning>) -> Option<bool> {
        let (v, p) = self.field(key)?;
        match as_bool(v, &p) {
            Ok(b) => Some(b),
            Err(_) => {
                warnings.push(left_out(p(), v, "expected true or false".into()));
                None
            }
        }
    }

    /// An auxiliary list: a value that is no list is left out with a warning (the item
    /// limit still applies).
    pub(crate) fn aux_list(
        &mut self,
        key: &str,
        warnings: &mut Vec<FieldWarning>,
    ) -> Result<(Vec<&'a Value>, String), ProtocolError> {
        match self.list(key) {
            Err(ProtocolError::Field { path, .. }) => {
                let raw = self.get_raw(key);
                warnings.push(FieldWarning::new(
                    WarningKind::FieldLeftOut,
                    path.clone(),
                    &raw,
                    "expected a list",
                ));
                Ok((Vec::new(), path))
            }
            other => other,
        }
    }

    /// The value of an already consumed key as text, for a warning.
    fn get_raw(&self, key: &str) -> String {
        self.map
            .iter()
            .find(|(k, v)| same_key(k, key) && !v.is_null())
            .map(|(_, v)| raw_text(v))
            .unwrap_or_default()
    }

    /// The keys that were never consumed, in their original order.
    pub(crate) fn extra(self) -> Map<String, Value> {
        self.map
            .iter()
            .zip(self.used)
            .filter(|(_, used)| !used)
            .map(|((k, v), _)| (k.clone(), v.clone()))
            .collect()
    }
}

pub(crate) fn as_string(
    v: &Value,
    path: &dyn Fn() -> String,
    limits: &Limits,
) -> Result<String, ProtocolError> {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => {
            return Err(field_err(
                &path(),
                format!("expected text, got {}", show(other)),
            ))
        }
    };
    if s.len() > limits.max_string_bytes {
        return Err(ProtocolError::TooLarge {
            what: format!("{}: text length", path()),
            limit: limits.max_string_bytes as u64,
            actual: s.len() as u64,
        });
    }
    Ok(s)
}

pub(crate) fn as_i64(v: &Value, path: &dyn Fn() -> String) -> Result<i64, ProtocolError> {
    let parsed = match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            // Accept integral floats such as 12.0, which some JSON writers produce.
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => {
            let t = s.trim();
            t.strip_prefix('+').unwrap_or(t).parse::<i64>().ok()
        }
        _ => None,
    };
    parsed.ok_or_else(|| field_err(&path(), format!("expected a number, got {}", show(v))))
}

pub(crate) fn as_bool(v: &Value, path: &dyn Fn() -> String) -> Result<bool, ProtocolError> {
    let parsed = match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_u64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| field_err(&path(), format!("expected true or false, got {}", show(v))))
}

/// Narrows an integer to a smaller type, naming the path when it does not fit.
pub(crate) fn narrow<T: TryFrom<i64>>(
    n: i64,
    path: &dyn Fn() -> String,
) -> Result<T, ProtocolError> {
    T::try_from(n).map_err(|_| field_err(&path(), format!("number {n} is out of range")))
}

/// A value's text for a warning: strings as they are, anything else as JSON.
pub(crate) fn raw_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The warning for an auxiliary field at `path` that was left out.
pub(crate) fn left_out(path: String, v: &Value, reason: String) -> FieldWarning {
    FieldWarning::new(WarningKind::FieldLeftOut, path, &raw_text(v), reason)
}
