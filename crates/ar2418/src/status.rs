//! PTB status of a reading: `statusPTB` if present, else derived from `statusFNN`
//! (decoded by `smgw_model::CombinedStatus`, checked: a word without its identification
//! bits gives no status, never a guessed one).

use smgw_model::{CombinedStatus, PtbStatus};

use crate::model::IntervalReading;

impl IntervalReading {
    /// PTB status of this reading: `statusPTB` if present and 0–4, else derived from
    /// `statusFNN`; `None` if neither gives one (the validator reports that), also when a
    /// word of `statusFNN` lacks its identification bits: its bits are in another (or
    /// no) layout and are not read by the FNN table.
    pub fn ptb_status(&self) -> Option<PtbStatus> {
        if let Some(s) = self.status_ptb {
            return PtbStatus::from_code(s);
        }
        let fnn = self.status_fnn.as_deref()?;
        CombinedStatus::from_hex(fnn)
            .ok()
            .and_then(|c| c.ptb_checked().ok())
    }

    /// Whether the value may be used for billing: PTB status 0, 1 or 2. TRuDI treats
    /// status 3 and 4 (and an unknown status) as missing.
    pub fn is_valid_for_billing(&self) -> bool {
        matches!(
            self.ptb_status(),
            Some(PtbStatus::NoError | PtbStatus::Warning | PtbStatus::Temporary)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fnn(s: &str) -> IntervalReading {
        IntervalReading {
            status_fnn: Some(s.into()),
            ..Default::default()
        }
    }

    #[test]
    fn fnn_mappings_from_trudi() {
        let code = |s: &str| fnn(s).ptb_status().map(PtbStatus::code);
        assert_eq!(code("A084000020000000"), Some(4));
        assert_eq!(code("A004000020000000"), Some(2));
        assert_eq!(code("A000000020000000"), Some(0));
        assert_eq!(code("A008000020000000"), Some(1));
        assert_eq!(code("A002000020000000"), Some(3));
        assert_eq!(code("a002000020000000"), Some(3));
        assert_eq!(code("A00200002000000"), None);
        assert_eq!(code("X002000020000000"), None);
    }

    #[test]
    fn fnn_without_identification_is_no_status() {
        let code = |s: &str| fnn(s).ptb_status().map(PtbStatus::code);
        // The same critical-error bit, once with and once without the gateway word's
        // identification (`A…`): only the first is read by the table.
        assert_eq!(code("A002000020000000"), Some(3));
        assert_eq!(code("0002000020000000"), None);
        // Meter word without its identification bit (`2…`), gateway word fine.
        assert_eq!(code("A000000000000000"), None);
        assert_eq!(code("A084000000000000"), None);
        assert!(!fnn("0000000020000000").is_valid_for_billing());
        // statusPTB still says what it says.
        let r = IntervalReading {
            status_ptb: Some(0),
            status_fnn: Some("0000000000000000".into()),
            ..Default::default()
        };
        assert_eq!(r.ptb_status(), Some(PtbStatus::NoError));
    }

    #[test]
    fn statusptb_wins_over_fnn() {
        let r = IntervalReading {
            status_ptb: Some(0),
            status_fnn: Some("A084000020000000".into()),
            ..Default::default()
        };
        assert_eq!(r.ptb_status(), Some(PtbStatus::NoError));
        let r = fnn("A084000020000000");
        assert_eq!(r.ptb_status(), Some(PtbStatus::Fatal));
        assert!(!r.is_valid_for_billing());
        assert!(fnn("A004000020000000").is_valid_for_billing());
        assert!(!fnn("A002000020000000").is_valid_for_billing());
        assert_eq!(IntervalReading::default().ptb_status(), None);
        let bad = IntervalReading {
            status_ptb: Some(7),
            ..Default::default()
        };
        assert_eq!(bad.ptb_status(), None);
        assert!(!bad.is_valid_for_billing());
    }
}
