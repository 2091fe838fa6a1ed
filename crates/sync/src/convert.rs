//! Domain records into archive records.

use archive::{ContractDetail, DetailChannel};
use chrono::{DateTime, Utc};
use smgw_model::records;
use smgw_model::Obis;

/// The archive's contract detail from the gateway's description of a contract.
pub(crate) fn contract_detail(
    detail: &records::ContractDetail,
    read_at: DateTime<Utc>,
    raw: Option<archive::RawResponseId>,
) -> ContractDetail {
    let channels = detail
        .databases
        .iter()
        .flat_map(|db| {
            db.channels.iter().map(|c| DetailChannel {
                database: db.database.wire_name().to_owned(),
                obis: c.obis,
                scaler: c.scaler,
                unit: c.unit,
            })
        })
        .collect();
    ContractDetail {
        read_at,
        name: Some(detail.name.clone()).filter(|n| !n.is_empty()),
        transparency_bit: Some(detail.transparency_bit),
        emts: detail.emts.clone(),
        taf_profile: detail.taf_profile.clone(),
        channels,
        raw_response: raw,
    }
}

/// The OBIS part of a channel name (`0100010800ff` or `0100010800ff.<meter>.sm`).
pub(crate) fn obis_of(name: &str) -> Result<Obis, smgw_model::ObisError> {
    name.split('.').next().unwrap_or(name).parse()
}

#[cfg(test)]
mod tests {
    use super::*;
    use smgw_model::records::{Channel, Database, DatabaseChannels};
    use smgw_model::Unit;

    #[test]
    fn obis_is_read_with_and_without_suffix() {
        let a = obis_of("0100010800ff").unwrap();
        let b = obis_of("0100010800ff.1ELS0012345678.sm").unwrap();
        assert_eq!(a, b);
        assert!(obis_of("nonsense").is_err());
    }

    #[test]
    fn the_detail_keeps_every_channel_with_its_value_list() {
        let obis = obis_of("0100010800ff").unwrap();
        let detail = records::ContractDetail {
            usage_point_id: "01005e318023.taf7-1.sm".into(),
            name: String::new(),
            emts: vec!["9900000000001".into()],
            transparency_bit: true,
            taf_profile: Some(vec![0x30, 0x82]),
            databases: vec![
                DatabaseChannels {
                    database: Database::Origin,
                    channels: vec![Channel {
                        obis,
                        unit: Unit::WattHour,
                        scaler: -1,
                    }],
                },
                DatabaseChannels {
                    database: Database::Other("weekly".into()),
                    channels: vec![Channel {
                        obis,
                        unit: Unit::WattHour,
                        scaler: 0,
                    }],
                },
            ],
        };
        let t = DateTime::<Utc>::UNIX_EPOCH;
        let c = contract_detail(&detail, t, None);
        assert_eq!(c.name, None);
        assert_eq!(c.transparency_bit, Some(true));
        assert_eq!(c.taf_profile.as_deref(), Some(&[0x30, 0x82][..]));
        let lists: Vec<(&str, i8)> = c
            .channels
            .iter()
            .map(|ch| (ch.database.as_str(), ch.scaler))
            .collect();
        assert_eq!(lists, vec![("origin", -1), ("weekly", 0)]);
    }
}
