//! The CONEXA HAN interface behind the maker-neutral [`gateway::Gateway`] interface.

use async_trait::async_trait;
use chrono::Utc;
use gateway::{
    Capabilities, ClockOrigin, Fetched, Gateway, GatewayError, GatewayFacts, LogPage, Maker,
    MakerError, Period, RawAnswer,
};
use han_protocol::plan::LogPager;
use han_protocol::response;
use han_protocol::{Limits, ProtocolError, ReadingsQuery, ReadingsRange, Request};
use smgw_model::records::{ChannelReadings, Contract, ContractDetail, Database};
use smgw_model::{FieldWarning, Lang, UserId, WarningKind};

use crate::{ClientError, ErrorCategory, Session};

impl MakerError for ClientError {
    fn category(&self) -> ErrorCategory {
        ClientError::category(self)
    }

    fn message(&self, lang: Lang) -> String {
        ClientError::message(self, lang)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl From<ClientError> for GatewayError {
    fn from(e: ClientError) -> GatewayError {
        match e {
            ClientError::Cancelled => GatewayError::Cancelled,
            e => GatewayError::maker(e),
        }
    }
}

/// An answer that could not be read, as the interface's error.
fn unreadable(e: ProtocolError) -> GatewayError {
    GatewayError::maker(ClientError::from(e))
}

/// A CONEXA session as a [`Gateway`]: one request at a time over the session's connection.
pub struct ConexaGateway {
    session: Session,
    user_id: UserId,
    capabilities: Capabilities,
    /// The logbook being paged: the CONEXA pager confirms the end with one more request,
    /// so it lives across [`Gateway::log_page`] calls.
    log: Option<LogPager>,
}

impl ConexaGateway {
    /// Wraps a connected session.
    pub fn new(session: Session) -> ConexaGateway {
        // Everything, in windows of up to 31 days (the interface contract's limit).
        ConexaGateway {
            user_id: UserId::new(session.userid()),
            session,
            capabilities: Capabilities::full(Maker::Conexa),
            log: None,
        }
    }

    /// The session, for what only CONEXA offers (statistics, the peer certificate).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The session, mutably.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Back to the session.
    pub fn into_session(self) -> Session {
        self.session
    }

    fn limits(&self) -> Limits {
        self.session.limits().clone()
    }

    /// Sends `request`; returns the answer as received.
    async fn call(&mut self, request: &Request) -> Result<RawAnswer, ClientError> {
        let body = self.session.call_raw(request).await?;
        Ok(RawAnswer {
            method: request.method().to_owned(),
            request: String::from_utf8_lossy(&request.body()).into_owned(),
            received_at: Utc::now(),
            body,
        })
    }

    /// The `readings` call for the contract's channels of `database` (`filter`: named in
    /// the request; otherwise every channel of the value list comes).
    async fn readings(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
        range: ReadingsRange,
        filter: bool,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        let channels = if filter {
            contract_channels(detail, database)
        } else {
            Vec::new()
        };
        let request = Request::Readings(ReadingsQuery {
            usage_point_id: detail.usage_point_id.clone(),
            database: database.wire_name().to_owned(),
            channels,
            range,
        });
        let raw = self.call(&request).await?;
        let limits = self.limits();
        let (detail, database) = (detail.clone(), database.clone());
        Ok(Fetched::deferred_warned(raw, move |body| {
            let scaler_of =
                |name: &str| gateway::channel_of(&detail, &database, name).map(|c| c.scaler);
            response::parse_readings_model_warned(body, &limits, scaler_of).map_err(unreadable)
        }))
    }
}

#[async_trait]
impl Gateway for ConexaGateway {
    fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    fn user_id(&self) -> &UserId {
        &self.user_id
    }

    async fn gateway_info(&mut self) -> Result<Fetched<GatewayFacts>, GatewayError> {
        let raw = self.call(&Request::SmgwInfo).await?;
        let wire = response::parse_smgw_info(&raw.body, &self.limits()).map_err(unreadable)?;
        let (info, warnings) = wire.to_model_warned().map_err(unreadable)?;
        // Is the HAN certificate the gateway reports the one this connection presented?
        let han_certificate_matches = info
            .tls_certificate()
            .map(|reported| reported.der == self.session.peer_certificate());
        let facts = GatewayFacts {
            info,
            state_as_sent: wire.smgw_state,
            han_certificate_matches,
            clock: ClockOrigin::Reported,
        };
        Ok(Fetched::ready_warned(raw, facts, warnings))
    }

    async fn contracts(&mut self) -> Result<Fetched<Vec<Contract>>, GatewayError> {
        let raw = self.call(&Request::UserInfo).await?;
        let limits = self.limits();
        Ok(Fetched::deferred_warned(raw, move |body| {
            response::parse_user_info(body, &limits)
                .and_then(|info| info.to_model_warned())
                .map_err(unreadable)
        }))
    }

    async fn contract_detail(
        &mut self,
        usage_point_id: &str,
    ) -> Result<Fetched<ContractDetail>, GatewayError> {
        let request = Request::UsagePointInfo {
            usage_point_id: usage_point_id.to_owned(),
            database: None,
        };
        let raw = self.call(&request).await?;
        let limits = self.limits();
        Ok(Fetched::deferred_warned(raw, move |body| {
            response::parse_usage_point_info(body, &limits)
                .and_then(|info| info.to_model_warned())
                .map_err(unreadable)
        }))
    }

    async fn values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
        period: Period,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        let range = ReadingsRange::Between {
            from: Some(period.from),
            to: Some(period.to),
        };
        match self.readings(detail, database, range, true).await {
            // The gateway may count the 31 days differently (e.g. in local days).
            Err(e)
                if matches!(
                    e.maker_error::<ClientError>(),
                    Some(ClientError::Protocol(ProtocolError::HttpStatus {
                        status: 400,
                        ..
                    }))
                ) =>
            {
                Err(GatewayError::WindowTooLong)
            }
            other => other,
        }
    }

    async fn current_values(
        &mut self,
        detail: &ContractDetail,
        database: &Database,
    ) -> Result<Fetched<Vec<ChannelReadings>>, GatewayError> {
        let filtered = self
            .readings(detail, database, ReadingsRange::LastReading, true)
            .await?;
        let (raw, decoded) = filtered.decode_warned();
        let (channels, warnings) = decoded?;
        let wanted = contract_channels(detail, database);
        if wanted.is_empty() || channels.iter().any(|c| !c.readings.is_empty()) {
            return Ok(Fetched::ready_warned(raw, channels, warnings));
        }
        // Field failure 34: firmware that answers the filtered newest value with empty
        // arrays. Asked once more without the filter; the contract's channels are kept.
        let (raw_all, decoded_all) = self
            .readings(detail, database, ReadingsRange::LastReading, false)
            .await?
            .decode_warned();
        let (mut all, mut all_warnings) = decoded_all?;
        gateway::retain_channels(&mut all, &wanted);
        if all.iter().all(|c| c.readings.is_empty()) {
            // Nothing without the filter either: the value list has no value yet.
            return Ok(Fetched::ready_warned(raw, channels, warnings));
        }
        all_warnings.push(FieldWarning::new(
            WarningKind::AskedAgainUnfiltered,
            "readings.last-reading.channels",
            &wanted.join(","),
            "the answer for these channels held no values; the same request without the \
             channel filter did",
        ));
        Ok(Fetched::ready_warned(raw_all, all, all_warnings))
    }

    async fn log_page(&mut self, from_index: u64) -> Result<Fetched<LogPage>, GatewayError> {
        let mut pager = match self.log.take() {
            Some(p) if p.next_index() == from_index && !p.is_done() => p,
            _ => LogPager::starting_at(from_index),
        };
        let Some(query) = pager.next_query() else {
            return Err(GatewayError::Data("logbook pager ended".into()));
        };
        let raw = self.call(&Request::Log(query)).await?;
        // The pager needs the entries to choose the next request: decoded now.
        let page = response::parse_log(&raw.body, &self.limits()).map_err(unreadable)?;
        let warnings = page.warnings;
        let got = pager.accept(page.entries);
        let entries = got
            .new_entries
            .iter()
            .map(response::LogEntry::to_model)
            .collect::<Result<Vec<_>, _>>()
            .map_err(unreadable)?;
        let next = (!pager.is_done()).then(|| pager.next_index());
        self.log = Some(pager);
        Ok(Fetched::ready_warned(
            raw,
            LogPage { entries, next },
            warnings,
        ))
    }

    async fn self_test(&mut self) -> Result<(), GatewayError> {
        self.session.self_test().await?;
        Ok(())
    }

    async fn disconnect(&mut self) {
        self.log = None;
        self.session.disconnect();
    }
}

/// The OBIS ids (hex) of the contract's channels in value list `database`.
fn contract_channels(detail: &ContractDetail, database: &Database) -> Vec<String> {
    detail
        .databases
        .iter()
        .filter(|db| &db.database == database)
        .flat_map(|db| db.channels.iter().map(|c| c.obis.to_hex()))
        .collect()
}
