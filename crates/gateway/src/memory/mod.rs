//! A gateway that answers from records in memory: the interface's second implementation,
//! for tests of everything above the interface and for makers' data imported from files.

use async_trait::async_trait;
use chrono::Utc;
use serde_json::json;
use smgw_model::records::{ChannelReadings, Contract, ContractDetail, Database, LogEntry, Reading};
use smgw_model::UserId;

mod example;

use crate::{
    Capabilities, Fetched, Gateway, GatewayError, GatewayFacts, LogPage, Period, RawAnswer,
};

/// Every value a value list holds, per channel.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryValues {
    /// The contract.
    pub usage_point_id: String,
    /// The value list.
    pub database: Database,
    /// Its channels with all their values, oldest first.
    pub channels: Vec<ChannelReadings>,
}

/// A gateway held in memory. Fill the public fields, then use it like any gateway; `calls`
/// records what was asked, in order.
#[derive(Debug, Clone)]
pub struct MemoryGateway {
    /// What it offers.
    pub capabilities: Capabilities,
    /// The logged-in consumer.
    pub user_id: UserId,
    /// Its `smgw-info`.
    pub facts: GatewayFacts,
    /// The consumer's contracts.
    pub contracts: Vec<Contract>,
    /// Their details.
    pub details: Vec<ContractDetail>,
    /// The value lists' values.
    pub values: Vec<MemoryValues>,
    /// The logbook, by index.
    pub log: Vec<LogEntry>,
    /// Entries per logbook page.
    pub log_page_size: usize,
    /// Longer values windows are refused even where `capabilities.max_window` promises
    /// more, as by a gateway that counts the days of a window differently.
    pub refuses_longer_than: Option<chrono::Duration>,
    /// Method names of the calls answered so far.
    pub calls: Vec<String>,
}

impl MemoryGateway {
    /// A gateway with these facts and nothing else, offering everything.
    pub fn new(user_id: impl Into<String>, facts: GatewayFacts) -> MemoryGateway {
        MemoryGateway {
            capabilities: Capabilities::full(crate::Maker::Other("memory".into())),
            user_id: UserId::new(user_id),
            facts,
            contracts: Vec::new(),
            details: Vec::new(),
            values: Vec::new(),
            log: Vec::new(),
            log_page_size: 100,
            refuses_longer_than: None,
            calls: Vec::new(),
        }
    }

    /// Records the call and answers with `value`, whose JSON stands in for the raw answer.
    fn answer<T: serde::Serialize + Send + 'static>(
        &mut self,
        method: &str,
        request: serde_json::Value,
        value: T,
    ) -> Fetched<T> {
        let raw = self.raw(method, request, &value);
        Fetched::ready(raw, value)
    }

    fn raw(
        &mut self,
        method: &str,
        request: serde_json::Value,
        value: &impl serde::Serialize,
    ) -> RawAnswer {
        self.calls.push(method.to_owned());
        RawAnswer {
            method: method.to_owned(),
            request: request.to_string(),
            received_at: Utc::now(),
            // Records always serialise; an empty body would only lose evidence.
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// Each channel of a value list with the values `pick` chooses of it.
    fn pick(
        &self,
        usage_point_id: &str,
        database: &Database,
        pick: impl Fn(&[Reading]) -> Vec<Reading>,
    ) -> Vec<ChannelReadings> {
        self.values
            .iter()
            .filter(|v| v.usage_point_id == usage_point_id && &v.database == database)
            .flat_map(|v| &v.channels)
            .map(|ch| ChannelReadings {
                channel: ch.channel.clone(),
                readings: pick(&ch.readings),
            })
            .collect()
    }
}

#[async_trait]
impl Gateway for MemoryGateway {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn user_id(&self) -> &UserId {
        &self.user_id
    }

    async fn gateway_info(&mut self) -> Result<Fetched<GatewayFacts>, GatewayError> {
        let facts = self.facts.clone();
        let raw = self.raw("smgw-info", json!({}), &facts.info);
        Ok(Fetched::ready(raw, facts))
    }

    async fn contracts(&mut self) -> Result<Fetched<Vec<Contract>>, GatewayError> {
        let contracts = self.contracts.clone();
        Ok(self.answer("user-info", json!({}), contracts))
    }

    async fn contract_detail(
        &mut self,
        usage_point_id: &str,
    ) -> Result<Fetched<ContractDetail>, GatewayError> {
        let detail = self
            .details
            .iter()
            .find(|d| d.usage_point_id == usage_point_id)
            .cloned()
            .ok_or_else(|| GatewayError::Data(format!("no contract {usage_point_id:?}")))?;
        Ok(self.answer(
            "usage-point-info",
            json!({ "usage-point-id": usage_point_id }),
            detail,
        ))
    }

    async fn values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
        period: Period,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        if !self.capabilities.history {
            return Err(GatewayError::NotOffered("stored value lists"));
        }
        let accepted = self
            .refuses_longer_than
            .unwrap_or(self.capabilities.max_window)
            .min(self.capabilities.max_window);
        if period.to - period.from > accepted {
            self.calls.push("readings (refused)".into());
            return Err(GatewayError::WindowTooLong);
        }
        let channels = self.pick(&detail.usage_point_id, database, |rs| {
            rs.iter()
                .filter(|r| period.from < r.target_time && r.target_time <= period.to)
                .cloned()
                .collect()
        });
        let request = json!({
            "usage-point-id": detail.usage_point_id,
            "database": database.wire_name(),
            "from": period.from,
            "to": period.to,
        });
        Ok(self.answer("readings", request, channels))
    }

    async fn current_values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        let channels = self.pick(&detail.usage_point_id, database, |rs| {
            rs.last().cloned().into_iter().collect()
        });
        let request = json!({
            "usage-point-id": detail.usage_point_id,
            "database": database.wire_name(),
            "last-reading": true,
        });
        Ok(self.answer("readings", request, channels))
    }

    async fn log_page(&mut self, from_index: u64) -> Result<Fetched<LogPage>, GatewayError> {
        if !self.capabilities.logbook {
            return Err(GatewayError::NotOffered("the logbook"));
        }
        let size = self.log_page_size.max(1);
        let mut later = self.log.iter().filter(|e| e.index >= from_index);
        let entries: Vec<LogEntry> = later.by_ref().take(size).cloned().collect();
        let next = match (later.next(), entries.last()) {
            (Some(_), Some(last)) => Some(last.index.saturating_add(1)),
            _ => None,
        };
        let request = json!({ "from-index": from_index, "count": size });
        let raw = self.raw("log", request, &entries);
        Ok(Fetched::ready(raw, LogPage { entries, next }))
    }

    async fn self_test(&mut self) -> Result<(), GatewayError> {
        if !self.capabilities.self_test {
            return Err(GatewayError::NotOffered("a self-test"));
        }
        self.calls.push("self-test".into());
        Ok(())
    }

    async fn disconnect(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read_logbook, CancelFlag};
    use chrono::{DateTime, Duration, TimeZone};

    fn t(h: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().unwrap() + Duration::hours(h)
    }

    fn gateway() -> MemoryGateway {
        MemoryGateway::example(t(0), 40)
    }

    #[tokio::test]
    async fn the_logbook_is_read_in_pages_from_an_index() {
        let mut g = gateway();
        g.log.truncate(25);
        g.log_page_size = 10;
        let all = read_logbook(&mut g, 3, &CancelFlag::new(), |_| {})
            .await
            .unwrap();
        assert_eq!(all.len(), 22);
        assert_eq!(all.first().map(|e| e.index), Some(3));
        assert_eq!(g.calls, vec!["log", "log", "log"]);
    }

    #[tokio::test]
    async fn windows_longer_than_offered_are_refused_and_capabilities_hold() {
        let mut g = gateway();
        let detail = g.details[0].clone();
        let long = Period {
            from: t(0),
            to: t(24 * 40),
        };
        let err = g
            .values(&detail, &Database::Origin, long)
            .await
            .unwrap_err();
        assert!(matches!(err, GatewayError::WindowTooLong));
        let short = Period {
            from: t(0),
            to: t(1),
        };
        let got = g
            .values(&detail, &Database::Origin, short)
            .await
            .unwrap()
            .into_value()
            .unwrap();
        // The values after the start up to and including one hour later.
        assert_eq!(got[0].readings.len(), 4);
        g.capabilities.history = false;
        g.capabilities.logbook = false;
        assert!(matches!(
            g.values(&detail, &Database::Origin, short).await,
            Err(GatewayError::NotOffered(_))
        ));
        assert!(matches!(
            g.log_page(0).await,
            Err(GatewayError::NotOffered(_))
        ));
    }
}
