//! PTB status of a reading: `statusPTB` if present, else derived from `statusFNN`.

use crate::model::IntervalReading;

/// Derives the PTB status (0–4) from a 16-hex-digit FNN status word.
///
/// The first 8 hex digits are the gateway's status word. Its second byte carries the
/// PTB-relevant flags (TRuDI's expectations: `A084…` → 4, `A002…` → 3, `A004…` → 2,
/// `A008…` → 1, `A000…` → 0); the most severe flag set wins.
// Private stand-in until smgw-model offers FNN decoding.
pub(crate) fn ptb_from_fnn(fnn: &str) -> Option<u8> {
    let fnn = fnn.trim();
    if fnn.len() != 16 || !fnn.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let flags = u8::from_str_radix(fnn.get(2..4)?, 16).ok()?;
    Some(if flags & 0x80 != 0 {
        4
    } else if flags & 0x02 != 0 {
        3
    } else if flags & 0x04 != 0 {
        2
    } else if flags & 0x08 != 0 {
        1
    } else {
        0
    })
}

impl IntervalReading {
    /// PTB status 0–4 of this reading: `statusPTB` if present, else derived from
    /// `statusFNN`; `None` if neither gives one. 0 no error, 1 warning (value valid),
    /// 2 temporary error (usable as substitute), 3 critical temporary error, 4 fatal.
    pub fn ptb_status(&self) -> Option<u8> {
        match self.status_ptb {
            Some(s) => Some(s),
            None => self.status_fnn.as_deref().and_then(ptb_from_fnn),
        }
    }

    /// Whether the value may be used for billing: PTB status 0, 1 or 2. TRuDI treats
    /// status 3 and 4 as missing.
    pub fn is_valid_for_billing(&self) -> bool {
        matches!(self.ptb_status(), Some(0..=2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnn_mappings_from_trudi() {
        assert_eq!(ptb_from_fnn("A084000020000000"), Some(4));
        assert_eq!(ptb_from_fnn("A004000020000000"), Some(2));
        assert_eq!(ptb_from_fnn("A000000020000000"), Some(0));
        assert_eq!(ptb_from_fnn("A008000020000000"), Some(1));
        assert_eq!(ptb_from_fnn("A002000020000000"), Some(3));
        assert_eq!(ptb_from_fnn("a002000020000000"), Some(3));
        assert_eq!(ptb_from_fnn("A00200002000000"), None);
        assert_eq!(ptb_from_fnn("X002000020000000"), None);
    }

    #[test]
    fn statusptb_wins_over_fnn() {
        let r = IntervalReading {
            status_ptb: Some(0),
            status_fnn: Some("A084000020000000".into()),
            ..Default::default()
        };
        assert_eq!(r.ptb_status(), Some(0));
        let r = IntervalReading {
            status_fnn: Some("A084000020000000".into()),
            ..Default::default()
        };
        assert_eq!(r.ptb_status(), Some(4));
        assert!(!r.is_valid_for_billing());
        assert_eq!(IntervalReading::default().ptb_status(), None);
    }
}
