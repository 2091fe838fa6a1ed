//! The gateway screens: facts and self-test, contracts, values, current values, logbook,
//! all through the `Gateway` interface of the open session.

use std::time::Instant as StdInstant;

use chrono::{DateTime, Utc};
use gateway::{CancelFlag, Gateway, Period};
use serde::{Deserialize, Serialize};
use smgw_model::records::Database;

use super::{lock_poisoned, parse_time, AppCore, ProgressView, SELF_TEST_LOCK};
use crate::error::{Refusal, UiError};
use crate::views::{
    status_legend, ChannelRows, ChannelValues, ContractView, GatewayView, LogView, LogbookView,
    ValueRow, ValuesView, MAX_PAGE,
};
use durchblick_core::Problem;

/// A values request.
#[derive(Debug, Clone, Deserialize)]
pub struct ValuesRequest {
    /// Usage point id.
    pub usage_point_id: String,
    /// Value list (`origin`, `daily`, …).
    pub database: String,
    /// Channel OBIS ids in hex; empty for all.
    #[serde(default)]
    pub channels: Vec<String>,
    /// Start (inclusive, so that the consumption of the first interval is known): RFC
    /// 3339, or local `YYYY-MM-DD[THH:MM]`.
    pub from: String,
    /// End (inclusive), same forms.
    pub to: String,
}

/// The table rows of the last values answer, for the `value_rows` command.
pub(super) struct ShownValues {
    /// The answer's number (`ValuesView::answer`).
    pub answer: u32,
    /// Per channel, as in the answer.
    pub channels: Vec<ChannelRows>,
}

/// The self-test's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SelfTestView {
    /// Seconds until the gateway accepts the next self-test.
    pub lock_seconds: u64,
}

/// The gateway screen's answer, with the self-test lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayScreen {
    /// About the gateway.
    pub gateway: GatewayView,
    /// Seconds the self-test stays locked (0 when free, as far as this program knows).
    pub self_test_lock_seconds: u64,
    /// What the answer held that could not be decoded (e.g. a certificate that is no hex).
    // Absent when empty: the UI's recorded answers (ui/tests/fixtures) stay as they are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<crate::views::WarningView>,
}

impl AppCore {
    fn self_test_lock_seconds(&self) -> u64 {
        self.self_test_started
            .lock()
            .ok()
            .and_then(|g| *g)
            .map_or(0, |t| SELF_TEST_LOCK.saturating_sub(t.elapsed()).as_secs())
    }

    /// The gateway screen: info, clock, firmware, certificates, self-test lock.
    pub async fn gateway(&self) -> Result<GatewayScreen, UiError> {
        let mut c = self.gateway_session().await?;
        let (facts, warnings) = c.gateway.gateway_info().await?.into_warned()?;
        Ok(GatewayScreen {
            gateway: GatewayView::new(&facts, Utc::now()),
            self_test_lock_seconds: self.self_test_lock_seconds(),
            warnings: crate::views::warning_views(&warnings),
        })
    }

    /// Every contract with its details.
    pub async fn contracts(&self) -> Result<Vec<ContractView>, UiError> {
        let mut c = self.gateway_session().await?;
        let (contracts, warnings) = c.gateway.contracts().await?.into_warned()?;
        let mut details = Vec::with_capacity(contracts.len());
        for contract in &contracts {
            details.push(
                c.gateway
                    .contract_detail(&contract.usage_point_id)
                    .await?
                    .into_warned()?,
            );
        }
        // A tariff profile is signed with the seal certificate of the gateway's facts,
        // asked for only when a profile needs it. Without it (or when the facts cannot be
        // read) the profile is still shown, its signature "not checkable"; the facts'
        // own warnings belong to the gateway screen.
        let facts = if details.iter().any(|(d, _)| d.taf_profile.is_some()) {
            c.gateway
                .gateway_info()
                .await
                .ok()
                .and_then(|f| f.into_value().ok())
        } else {
            None
        };
        let seal = facts
            .as_ref()
            .and_then(|f| smgw_model::pki::seal_certificate(&f.info.certificates))
            .map(|cert| cert.der.as_slice());
        let mut out = Vec::with_capacity(contracts.len());
        for (i, (contract, (detail, detail_warnings))) in contracts.iter().zip(details).enumerate()
        {
            let mut view = ContractView::new(contract, &detail, seal);
            // The contract list's warnings name their contract by index.
            let own = format!("user-info.usage-points[{i}]");
            view.warnings = warnings
                .iter()
                .filter(|w| {
                    w.path.starts_with(&own)
                        || (i == 0 && !w.path.starts_with("user-info.usage-points["))
                })
                .chain(&detail_warnings)
                .map(crate::views::WarningView::from)
                .collect();
            out.push(view);
        }
        Ok(out)
    }

    async fn read_values(
        gateway: &mut dyn Gateway,
        usage_point_id: &str,
        database: &str,
        channels: &[String],
        range: Option<(DateTime<Utc>, DateTime<Utc>)>,
        progress: &mut (dyn FnMut(ProgressView) + Send),
        cancel: &CancelFlag,
    ) -> Result<(ValuesView, Vec<ChannelRows>), UiError> {
        let (detail, mut warnings) = gateway
            .contract_detail(usage_point_id)
            .await?
            .into_warned()?;
        let db = Database::from_wire(database);
        let (mut got, warned) = match range {
            None => gateway.current_values(&detail, &db).await?.into_warned()?,
            Some((from, to)) => {
                let mut forward = |p: gateway::Progress| progress(p.into());
                gateway::read_values_warned(
                    gateway,
                    &detail,
                    &db,
                    Period { from, to },
                    &mut forward,
                    cancel,
                )
                .await?
            }
        };
        warnings.extend(warned);
        gateway::retain_channels(&mut got, channels);
        let mut views = Vec::with_capacity(got.len());
        let mut rows = Vec::with_capacity(got.len());
        for ch in got {
            let info = gateway::channel_of(&detail, &db, &ch.channel);
            let (view, table) =
                ChannelValues::new(&ch.channel, info.as_ref(), ch.readings, range.is_some());
            views.push(view);
            rows.push(table);
        }
        // TAF 2: which tariff stage applied when, from the contract's profile (its
        // signature is the contract screen's business).
        let stages = range
            .zip(detail.taf_profile.as_deref())
            .and_then(|((from, to), der)| {
                let profile = smgw_model::read_taf_profile(der, None).profile?;
                crate::views::stage_bands(&profile, from, to)
            });
        Ok((
            ValuesView {
                usage_point_id: usage_point_id.to_owned(),
                database: database.to_owned(),
                answer: 0,
                channels: views,
                statuses: status_legend(),
                stages,
                warnings: crate::views::warning_views(&warnings),
            },
            rows,
        ))
    }

    /// Values of a contract's value list in a period, with gaps as rows; progress per
    /// 31-day window. Cancellable with [`AppCore::cancel`].
    pub async fn values(
        &self,
        req: ValuesRequest,
        progress: &mut (dyn FnMut(ProgressView) + Send),
    ) -> Result<ValuesView, UiError> {
        let from = parse_time(&req.from)?;
        let to = parse_time(&req.to)?;
        if to <= from {
            return Err(UiError::problem(&Problem::PeriodReversed));
        }
        let cancel = self.fresh_cancel()?;
        let mut c = self.gateway_session().await?;
        let (mut view, rows) = Self::read_values(
            c.gateway.as_mut(),
            &req.usage_point_id,
            &req.database,
            &req.channels,
            // The gateway's range excludes its start; one second earlier includes the
            // value at `from`, the register reading the first interval starts from.
            Some((from - chrono::Duration::seconds(1), to)),
            progress,
            &cancel,
        )
        .await?;
        let mut shown = self.shown_values.lock().map_err(|_| lock_poisoned())?;
        let answer = shown
            .as_ref()
            .map_or(1, |s| s.answer.wrapping_add(1).max(1));
        view.answer = answer;
        *shown = Some(ShownValues {
            answer,
            channels: rows,
        });
        Ok(view)
    }

    /// Runs `f` on the table of channel `channel` of the values answer `answer`; an
    /// error when a newer answer replaced it.
    fn with_shown_rows<R>(
        &self,
        answer: u32,
        channel: usize,
        f: impl FnOnce(&crate::views::ChannelRows) -> R,
    ) -> Result<R, UiError> {
        let shown = self.shown_values.lock().map_err(|_| lock_poisoned())?;
        let rows = shown
            .as_ref()
            .filter(|s| s.answer == answer)
            .ok_or(Refusal::ValuesReplaced)?
            .channels
            .get(channel)
            .ok_or(Refusal::ValuesReplaced)?;
        Ok(f(rows))
    }

    /// A page of the table of the values answer `answer`: up to `count` rows (at most
    /// [`MAX_PAGE`]) of channel `channel` from row `from` on.
    pub fn value_rows(
        &self,
        answer: u32,
        channel: usize,
        from: usize,
        count: usize,
    ) -> Result<Vec<ValueRow>, UiError> {
        self.with_shown_rows(answer, channel, |rows| rows.page(from, count.min(MAX_PAGE)))
    }

    /// The chart's points of channel `channel` of the values answer `answer` for a view
    /// from `from` to `to` (Unix seconds): the rows inside in detail, the overview
    /// outside ([`crate::views::ChannelRows::view`]).
    pub fn chart_points(
        &self,
        answer: u32,
        channel: usize,
        from: i64,
        to: i64,
    ) -> Result<crate::views::ChartPoints, UiError> {
        self.with_shown_rows(answer, channel, |rows| rows.view(from, to))
    }

    /// The newest value of each channel (TAF 9, 10 and 14 keep no lists).
    pub async fn current_values(&self, usage_point_id: &str) -> Result<ValuesView, UiError> {
        let cancel = self.fresh_cancel()?;
        let mut c = self.gateway_session().await?;
        // The answer carries every row: nothing to keep for paging.
        let (view, _) = Self::read_values(
            c.gateway.as_mut(),
            usage_point_id,
            "origin",
            &[],
            None,
            &mut |_| {},
            &cancel,
        )
        .await?;
        Ok(view)
    }

    /// The whole consumer logbook, oldest first; progress per page.
    pub async fn logbook(
        &self,
        progress: &mut (dyn FnMut(ProgressView) + Send),
    ) -> Result<LogbookView, UiError> {
        let cancel = self.fresh_cancel()?;
        let mut c = self.gateway_session().await?;
        let mut step = 0u32;
        let mut items = 0u64;
        let (entries, warnings) =
            gateway::read_logbook_warned(c.gateway.as_mut(), 0, &cancel, |page| {
                step += 1;
                items += page.len() as u64;
                progress(ProgressView {
                    step,
                    steps: None,
                    items,
                });
            })
            .await?;
        Ok(LogbookView {
            entries: entries.iter().map(LogView::from).collect(),
            warnings: crate::views::warning_views(&warnings),
        })
    }

    /// Starts the gateway's self-test; the gateway then refuses another for 10 minutes.
    pub async fn self_test(&self) -> Result<SelfTestView, UiError> {
        let mut c = self.gateway_session().await?;
        c.gateway.self_test().await?;
        *self.self_test_started.lock().map_err(|_| lock_poisoned())? = Some(StdInstant::now());
        Ok(SelfTestView {
            lock_seconds: SELF_TEST_LOCK.as_secs(),
        })
    }
}
