//! Certificate checks: unique ids, types, X.509 content and references.

use std::collections::HashSet;

use super::common::el;
use super::{Location, Out, Severity};
use crate::der::check_certificate_content;
use crate::model::*;

pub(super) fn check_certificates(out: &mut Out, u: usize, up: &UsagePoint) {
    let loc = |i: usize, element: &'static str| Location {
        usage_point: Some(u),
        index: Some(i),
        element: Some(element),
        ..Location::default()
    };
    let mut ids = HashSet::new();
    for (i, c) in up.certificates.iter().enumerate() {
        if !ids.insert(c.cert_id) {
            out.push(
                Severity::Error,
                "CERT_ID_DUPLICATE",
                loc(i, "Certificate"),
                format!("certId {} kommt mehrfach vor", c.cert_id),
                format!("certId {} occurs more than once", c.cert_id),
            );
        }
        if c.kind().is_none() {
            out.push(
                Severity::Error,
                "CERT_TYPE_RANGE",
                loc(i, "Certificate"),
                format!("certType {} ist nicht 1, 2 oder 3", c.cert_type),
                format!("certType {} is not 1, 2 or 3", c.cert_type),
            );
        }
        if let Err(p) = check_certificate_content(&c.content) {
            let (de, en) = p.describe();
            out.push(
                Severity::Warning,
                "CERT_CONTENT_NOT_X509",
                loc(i, "Certificate"),
                format!(
                    "Inhalt von Zertifikat {} ist kein X.509-Zertifikat: {de}",
                    c.cert_id
                ),
                format!(
                    "content of certificate {} is not an X.509 certificate: {en}",
                    c.cert_id
                ),
            );
        }
    }
    for (i, c) in up.certificates.iter().enumerate() {
        if let Some(p) = c.parent_cert_id {
            if !ids.contains(&p) {
                out.push(
                    Severity::Error,
                    "CERT_PARENT_UNKNOWN",
                    loc(i, "Certificate"),
                    format!(
                        "parentCertId {p} von Zertifikat {} existiert nicht",
                        c.cert_id
                    ),
                    format!(
                        "parentCertId {p} of certificate {} does not exist",
                        c.cert_id
                    ),
                );
            }
        }
    }
    if let Some(g) = &up.smgw {
        for id in &g.cert_ids {
            if !ids.contains(id) {
                out.push(
                    Severity::Error,
                    "SMGW_CERT_UNKNOWN",
                    el(u, "SMGW"),
                    format!("SMGW verweist auf certId {id}, die kein Zertifikat hat"),
                    format!("SMGW refers to certId {id}, which has no certificate"),
                );
            }
        }
    }
}
