//! What is published: MQTT topics, the state payload of a channel and Home Assistant's
//! MQTT discovery payloads. Pure functions; the exact JSON is unit-tested.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use smgw_model::{Lang, Obis, PtbStatus, ScaledValue, Unit};

/// Where messages go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topics {
    /// Our own topics start with this (default `durchblick`).
    pub prefix: String,
    /// Home Assistant's discovery prefix (default `homeassistant`).
    pub discovery_prefix: String,
}

impl Default for Topics {
    fn default() -> Self {
        Topics {
            prefix: "durchblick".into(),
            discovery_prefix: "homeassistant".into(),
        }
    }
}

/// The gateway, shown in Home Assistant as one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The gateway's id (e.g. `EPPC0210486901`).
    pub gateway_id: String,
    /// Its maker as the protocol tells (e.g. `CONEXA`).
    pub maker: String,
    /// Firmware version(s).
    pub firmware: Option<String>,
}

/// One channel of a meter: a sensor in Home Assistant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sensor {
    /// The meter's id (from the channel name).
    pub meter: String,
    /// The OBIS id.
    pub obis: Obis,
    /// The channel's unit.
    pub unit: Unit,
}

/// The newest value of a sensor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The exact value in the channel's unit.
    pub value: ScaledValue,
    /// End of the measuring period the value belongs to.
    pub time: DateTime<Utc>,
    /// The PTB status (`None` when the gateway sent none).
    pub ptb: Option<PtbStatus>,
}

/// Letters, digits and `_` only (topic levels and ids), lower case.
pub fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The value as published and its unit: energy in kWh (the decimal point moved, exact),
/// everything else in the channel's unit.
pub fn published(value: ScaledValue, unit: Unit) -> (ScaledValue, &'static str) {
    match unit {
        Unit::WattHour => match value.scaler.checked_sub(3) {
            Some(scaler) => (ScaledValue::new(value.raw, scaler), "kWh"),
            None => (value, "Wh"),
        },
        other => (value, other.symbol()),
    }
}

impl Topics {
    fn node(device: &Device) -> String {
        slug(&device.gateway_id)
    }

    fn object(sensor: &Sensor) -> String {
        slug(&format!("{}_{}", sensor.meter, sensor.obis.to_hex()))
    }

    /// `online` / `offline` (retained; `offline` is also the last will).
    pub fn availability(&self, device: &Device) -> String {
        format!("{}/{}/availability", self.prefix, Self::node(device))
    }

    /// The retained state of one sensor.
    pub fn state(&self, device: &Device, sensor: &Sensor) -> String {
        format!(
            "{}/{}/{}/state",
            self.prefix,
            Self::node(device),
            Self::object(sensor)
        )
    }

    /// Home Assistant's discovery topic of one sensor.
    pub fn discovery(&self, device: &Device, sensor: &Sensor) -> String {
        format!(
            "{}/sensor/{}/{}/config",
            self.discovery_prefix,
            Self::node(device),
            Self::object(sensor)
        )
    }
}

/// `durchblick_<gateway>_<meter>_<obis hex>`: stable across restarts.
pub fn unique_id(device: &Device, sensor: &Sensor) -> String {
    format!(
        "durchblick_{}_{}",
        Topics::node(device),
        Topics::object(sensor)
    )
}

/// The state payload: the exact value as a decimal string, its unit, the target time
/// (RFC 3339, UTC) and the PTB status code (0–4, `null` if none was sent).
pub fn state_payload(sensor: &Sensor, state: &State) -> Value {
    let (value, unit) = published(state.value, sensor.unit);
    json!({
        "value": value.to_decimal_string(),
        "unit": unit,
        "time": state.time.to_rfc3339_opts(SecondsFormat::Secs, true),
        "ptb": state.ptb.map(PtbStatus::code),
    })
}

/// Home Assistant's device class and state class for a unit: energy counters go into
/// the energy dashboard (`energy`, `total_increasing`), power is a measurement.
fn classes(unit: Unit) -> (Option<&'static str>, Option<&'static str>) {
    match unit {
        Unit::WattHour => (Some("energy"), Some("total_increasing")),
        Unit::Watt => (Some("power"), Some("measurement")),
        Unit::Volt => (Some("voltage"), Some("measurement")),
        Unit::Ampere => (Some("current"), Some("measurement")),
        Unit::Hertz => (Some("frequency"), Some("measurement")),
        Unit::CubicMetre | Unit::CubicMetreCorrected => (Some("gas"), Some("total_increasing")),
        _ => (None, None),
    }
}

/// The discovery payload of one sensor, with the gateway as its device.
pub fn discovery_payload(topics: &Topics, device: &Device, sensor: &Sensor, lang: Lang) -> Value {
    let (_, unit) = published(ScaledValue::new(0, 0), sensor.unit);
    let (device_class, state_class) = classes(sensor.unit);
    let what = sensor
        .obis
        .name(lang)
        .unwrap_or_else(|| sensor.obis.to_string());
    let mut config = json!({
        "name": format!("{what} ({})", sensor.obis),
        "unique_id": unique_id(device, sensor),
        "object_id": unique_id(device, sensor),
        "state_topic": topics.state(device, sensor),
        "value_template": "{{ value_json.value }}",
        "json_attributes_topic": topics.state(device, sensor),
        "unit_of_measurement": unit,
        "availability_topic": topics.availability(device),
        "payload_available": "online",
        "payload_not_available": "offline",
        "device": {
            "identifiers": [format!("durchblick_{}", Topics::node(device))],
            "name": format!("Smart Meter Gateway {}", device.gateway_id),
            "manufacturer": device.maker,
            "model": "Smart Meter Gateway",
            "serial_number": device.gateway_id,
            "sw_version": device.firmware,
        },
        "origin": { "name": "durchblick" },
    });
    if let Some(map) = config.as_object_mut() {
        if let Some(dc) = device_class {
            map.insert("device_class".into(), dc.into());
        }
        if let Some(sc) = state_class {
            map.insert("state_class".into(), sc.into());
        }
        if device.firmware.is_none() {
            if let Some(d) = map.get_mut("device").and_then(Value::as_object_mut) {
                d.remove("sw_version");
            }
        }
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn device() -> Device {
        Device {
            gateway_id: "EPPC0210486901".into(),
            maker: "CONEXA".into(),
            firmware: Some("2.3.1".into()),
        }
    }

    fn sensor(obis: &str, unit: Unit) -> Sensor {
        Sensor {
            meter: "1ELS0012345678".into(),
            obis: obis.parse().unwrap(),
            unit,
        }
    }

    #[test]
    fn energy_import_is_announced_for_the_energy_dashboard() {
        let s = sensor("0100010800ff", Unit::WattHour);
        let got = discovery_payload(&Topics::default(), &device(), &s, Lang::En);
        let want = json!({
            "name": "Active energy import total (1-0:1.8.0*255)",
            "unique_id": "durchblick_eppc0210486901_1els0012345678_0100010800ff",
            "object_id": "durchblick_eppc0210486901_1els0012345678_0100010800ff",
            "state_topic": "durchblick/eppc0210486901/1els0012345678_0100010800ff/state",
            "value_template": "{{ value_json.value }}",
            "json_attributes_topic": "durchblick/eppc0210486901/1els0012345678_0100010800ff/state",
            "unit_of_measurement": "kWh",
            "availability_topic": "durchblick/eppc0210486901/availability",
            "payload_available": "online",
            "payload_not_available": "offline",
            "device": {
                "identifiers": ["durchblick_eppc0210486901"],
                "name": "Smart Meter Gateway EPPC0210486901",
                "manufacturer": "CONEXA",
                "model": "Smart Meter Gateway",
                "serial_number": "EPPC0210486901",
                "sw_version": "2.3.1",
            },
            "origin": { "name": "durchblick" },
            "device_class": "energy",
            "state_class": "total_increasing",
        });
        assert_eq!(got, want, "{got:#}");
        assert_eq!(
            Topics::default().discovery(&device(), &s),
            "homeassistant/sensor/eppc0210486901/1els0012345678_0100010800ff/config"
        );
    }

    #[test]
    fn export_and_power_get_their_classes() {
        let export = discovery_payload(
            &Topics::default(),
            &device(),
            &sensor("0100020800ff", Unit::WattHour),
            Lang::De,
        );
        assert_eq!(export["device_class"], "energy");
        assert_eq!(export["state_class"], "total_increasing");
        assert_eq!(export["unit_of_measurement"], "kWh");
        assert!(
            export["name"].as_str().unwrap().contains("Einspeisung"),
            "{export}"
        );
        let power = discovery_payload(
            &Topics::default(),
            &device(),
            &sensor("0100100700ff", Unit::Watt),
            Lang::En,
        );
        assert_eq!(power["device_class"], "power");
        assert_eq!(power["state_class"], "measurement");
        assert_eq!(power["unit_of_measurement"], "W");
    }

    #[test]
    fn a_unit_without_class_has_none_and_no_firmware_no_sw_version() {
        let d = Device {
            firmware: None,
            ..device()
        };
        let p = discovery_payload(
            &Topics::default(),
            &d,
            &sensor("0100030800ff", Unit::VarHour),
            Lang::En,
        );
        assert!(p.get("device_class").is_none());
        assert!(p.get("state_class").is_none());
        assert_eq!(p["unit_of_measurement"], "varh");
        assert!(p["device"].get("sw_version").is_none());
    }

    #[test]
    fn state_is_exact_in_kwh_with_time_and_ptb_status() {
        let s = sensor("0100010800ff", Unit::WattHour);
        let state = State {
            // 12345678.9 Wh (raw × 10⁻¹) = 12345.6789 kWh, exactly.
            value: ScaledValue::new(123_456_789, -1),
            time: Utc.with_ymd_and_hms(2025, 11, 30, 23, 15, 0).unwrap(),
            ptb: Some(PtbStatus::NoError),
        };
        assert_eq!(
            state_payload(&s, &state),
            json!({
                "value": "12345.6789",
                "unit": "kWh",
                "time": "2025-11-30T23:15:00Z",
                "ptb": 0,
            })
        );
        let power = State {
            value: ScaledValue::new(-15, -1),
            ptb: None,
            ..state
        };
        assert_eq!(
            state_payload(&sensor("0100100700ff", Unit::Watt), &power),
            json!({ "value": "-1.5", "unit": "W", "time": "2025-11-30T23:15:00Z", "ptb": null })
        );
    }

    #[test]
    fn kwh_keeps_every_digit_and_wh_is_kept_when_the_scaler_cannot_move() {
        assert_eq!(
            published(ScaledValue::new(1, 0), Unit::WattHour)
                .0
                .to_decimal_string(),
            "0.001"
        );
        assert_eq!(
            published(ScaledValue::new(7, 3), Unit::WattHour)
                .0
                .to_decimal_string(),
            "7"
        );
        assert_eq!(
            published(ScaledValue::new(7, i8::MIN), Unit::WattHour).1,
            "Wh"
        );
    }

    #[test]
    fn slugs_are_topic_safe() {
        assert_eq!(slug("EPPC 02/10#4+"), "eppc_02_10_4_");
    }
}
