// Generated from src-tauri/src/views.rs by src-tauri/tests/ts_types.rs (ts-rs).
// Do not edit: change the Rust type and run
// `UPDATE_FIXTURES=1 cargo test -p durchblick-app --test ts_types`.

export type Text = { 
/**
 * German.
 */
de: string, 
/**
 * English.
 */
en: string, };

export type PasswordHintsView = { 
/**
 * One text per hint (`durchblick_core::credentials::TypoHint::message`); empty when
 * nothing looks odd.
 */
hints: Array<Text>, 
/**
 * Why the window warns instead of changing the password; `None` without hints.
 */
why: Text | null, };

export type Instant = { 
/**
 * UTC, RFC 3339.
 */
utc: string, 
/**
 * Europe/Berlin, German style, with the zone in the repeated autumn hour.
 */
local: string, };

export type CertView = { 
/**
 * What the certificate is for (gateway certificates only).
 */
kind?: Text, 
/**
 * Holder (subject DN).
 */
subject: string, 
/**
 * Issuer DN.
 */
issuer: string, 
/**
 * Start of validity.
 */
not_before: Instant | null, 
/**
 * End of validity.
 */
not_after: Instant | null, 
/**
 * SHA-256 fingerprint, hex.
 */
fingerprint: string, 
/**
 * Whether the validity period includes now.
 */
valid_now: boolean, };

export type FirmwareView = { 
/**
 * Component name.
 */
component: string, 
/**
 * Version.
 */
version: string, 
/**
 * SHA-256 as sent.
 */
hash: string, };

export type ChainView = { 
/**
 * `cert-index`.
 */
index: number | null, 
/**
 * `ok`, `failed` or `not_checkable` (unknown never counts as ok).
 */
verdict: "ok" | "failed" | "not_checkable", 
/**
 * The verdict in words.
 */
summary: Text, 
/**
 * Issuer, signature and validity findings, one per line.
 */
findings: Array<Text>, };

export type GatewayView = { 
/**
 * Gateway id as sent.
 */
id: string, 
/**
 * Maker from the id, if known.
 */
maker: string | null, 
/**
 * Operating state in words.
 */
state: Text | null, 
/**
 * The gateway's clock.
 */
time: Instant | null, 
/**
 * This computer's clock when the gateway was read.
 */
read_at: Instant, 
/**
 * The gateway's clock minus this computer's at the read (`+3 s`, `−13 d`).
 */
difference: string | null, 
/**
 * The overview's warning when the difference is beyond a minute.
 */
clock_warning: Text | null, 
/**
 * Set when the gateway states no clock and `time` is the adapter's estimate: then
 * there is no difference and no warning, only this note.
 */
clock_note: Text | null, 
/**
 * Firmware components.
 */
firmware: Array<FirmwareView>, 
/**
 * Certificates with details.
 */
certificates: Array<CertView>, 
/**
 * Whether the HAN certificate reported matches the one TLS presented.
 */
han_certificate_matches: boolean | null, 
/**
 * The check of each WAN entry's chain (signature certificate issued by the sub-CA of
 * the same entry; both valid now).
 */
wan_chain: Array<ChainView>, };

export type ChannelView = { 
/**
 * OBIS id, `1-0:1.8.0*255`.
 */
obis: string, 
/**
 * OBIS id in the wire's hex form (what a readings request names).
 */
hex: string, 
/**
 * Meaning.
 */
name: Text, 
/**
 * Unit symbol.
 */
unit: string, 
/**
 * Power of ten of raw values.
 */
scaler: number, };

export type DatabaseView = { 
/**
 * Wire name (`origin`, `daily`, …).
 */
database: string, 
/**
 * What it is.
 */
name: Text, 
/**
 * Its channels.
 */
channels: Array<ChannelView>, };

export type PeriodView = { 
/**
 * Start.
 */
start: Instant, 
/**
 * End; `None` while open.
 */
end: Instant | null, };

export type WarningView = { 
/**
 * Where in the answer, e.g. `smgw-info.certificates.han.tls`.
 */
path: string, 
/**
 * The text as sent (cut, control characters escaped).
 */
raw: string, 
/**
 * `field_left_out`, `value_refused`, `signature_not_hex`, `asked_again_unfiltered`,
 * `log_records_missing`, `odd_id` or `notice`.
 */
kind: "field_left_out" | "value_refused" | "signature_not_hex" | "asked_again_unfiltered" | "log_records_missing" | "odd_id" | "notice", 
/**
 * What happened and what to do.
 */
message: Text, };

export type TariffStageView = { 
/**
 * Id or number as sent.
 */
id: string, 
/**
 * Name, if sent.
 */
name: string | null, 
/**
 * Register (OBIS as sent), if sent.
 */
register: string | null, };

export type SwitchView = { 
/**
 * Time of day as sent (`06:00`).
 */
time: string, 
/**
 * The stage active from then on, as sent.
 */
stage: string, };

export type DayProfileView = { 
/**
 * Id as sent.
 */
id: string, 
/**
 * Switching times.
 */
switches: Array<SwitchView>, };

export type RawItemView = { 
/**
 * Path of element names, e.g. `TAFProfile/CaptureTime`.
 */
path: string, 
/**
 * Its text (and attributes) verbatim.
 */
text: string, };

export type TariffProfileView = { 
/**
 * `valid`, `invalid` or `not_checkable` (never read as valid).
 */
signature: "valid" | "invalid" | "not_checkable", 
/**
 * The signature check in words.
 */
signature_text: Text, 
/**
 * Why the container or its XML could not be read (the reader's words, as
 * produced), if so.
 */
error: string | null, 
/**
 * The signed content as text when it could not be read as a profile: shown raw.
 */
raw: string | null, 
/**
 * TAF number as sent.
 */
taf: string | null, 
/**
 * Start of validity as sent.
 */
valid_from: string | null, 
/**
 * End of validity as sent.
 */
valid_to: string | null, 
/**
 * Tariff stages.
 */
stages: Array<TariffStageView>, 
/**
 * Day profiles with their switching times.
 */
day_profiles: Array<DayProfileView>, 
/**
 * Elements not interpreted, verbatim.
 */
unknown: Array<RawItemView>, };

export type ContractView = { 
/**
 * Usage point id.
 */
usage_point_id: string, 
/**
 * Name.
 */
name: string, 
/**
 * TAF number.
 */
taf: number, 
/**
 * TAF in words.
 */
taf_name: Text, 
/**
 * Whether the contract keeps value lists (else: current values only).
 */
stores_values: boolean, 
/**
 * State in words.
 */
state: Text, 
/**
 * Contract start.
 */
start: Instant | null, 
/**
 * Contract end.
 */
end: Instant | null, 
/**
 * Billing periods.
 */
billing_periods: Array<PeriodView>, 
/**
 * Meter ids.
 */
meters: Array<string>, 
/**
 * Metering point id.
 */
metering_point_id: string | null, 
/**
 * Market participants receiving the data.
 */
emts: Array<string>, 
/**
 * Transparency bit.
 */
transparency_bit: boolean, 
/**
 * Value lists and channels.
 */
databases: Array<DatabaseView>, 
/**
 * The tariff profile as decoded (`taf-profile`); `None` when the gateway sent none.
 */
tariff_profile: TariffProfileView | null, 
/**
 * Field failure 29: the channels have import but no export; the same words as the
 * CLI's (`smgw_model::hint`). `None` when it does not apply.
 */
no_export_hint: Text | null, 
/**
 * What the contract's answers held that could not be decoded.
 */
warnings?: Array<WarningView>, };

export type ValueRow = { 
/**
 * Target time (end of the measuring period), local.
 */
t: string, 
/**
 * Capture time, local; absent for gaps.
 */
c?: string, 
/**
 * Capture minus target time in seconds, when not zero.
 */
d?: number, 
/**
 * Value with unit, German.
 */
de?: string, 
/**
 * Value with unit, English.
 */
en?: string, 
/**
 * PTB status 0–4; absent if not sent, for gaps, or when a status word lacks its
 * identification bits (then no status is guessed; `sde`/`sen` say so).
 */
s?: number, 
/**
 * The set status bits in words, German (`smgw_model::StatusWords::texts`, joined
 * with "; "); absent when no bit but the identification is set.
 */
sde?: string, 
/**
 * The same in English.
 */
sen?: string, 
/**
 * True for a missing value (gap).
 */
gap?: boolean, 
/**
 * True if the value is signed.
 */
sig?: boolean, };

export type PeriodAmount = { 
/**
 * The period (`03.06.2025`, `KW 23/2025`, `06.2025`, `2025`; ISO forms in English).
 */
period: Text, 
/**
 * What was consumed (the exact sum of the register's differences).
 */
amount: Text, 
/**
 * Values are missing at the start, the end or inside the period: `amount` covers
 * only the part with values.
 */
partial: boolean, };

export type ConsumptionView = { 
/**
 * Per German local day.
 */
day: Array<PeriodAmount>, 
/**
 * Per ISO week.
 */
week: Array<PeriodAmount>, 
/**
 * Per month.
 */
month: Array<PeriodAmount>, 
/**
 * Per year.
 */
year: Array<PeriodAmount>, };

export type ChartPoints = { 
/**
 * The table row of each point (for its words: value with unit, time, status).
 */
i: number[], 
/**
 * Target time in Unix seconds.
 */
x: number[], 
/**
 * The value in the channel's unit (`info.unit`); `None` for a gap, so the chart
 * breaks there instead of drawing a line across.
 */
y: Array<number | null>, 
/**
 * The PTB status code (as `ValueRow::s`), for the marks of invalid values; `None`
 * for gaps and values without one.
 */
s: Array<number | null>, 
/**
 * Whether rows were left out (then a zoomed view asks for its detail).
 */
thinned: boolean, };

export type ChannelValues = { 
/**
 * The channel name as sent.
 */
channel: string, 
/**
 * Its description, if the contract lists it.
 */
info: ChannelView | null, 
/**
 * The first rows of the table (up to [`FIRST_ROWS`]; all of them for the newest
 * values), oldest first; the others come from the `value_rows` command.
 */
rows: Array<ValueRow>, 
/**
 * How many rows the table has (values and gaps).
 */
row_count: number, 
/**
 * What the interactive chart draws of the whole period: every row up to
 * [`CHART_BUCKETS`] × 2 rows, else the rows that shape the line (see
 * [`ChartPoints`]); the `chart_points` command sends more detail for a zoomed view.
 */
points: ChartPoints, 
/**
 * Number of values (without gap rows).
 */
values: number, 
/**
 * Number of gaps (runs of missing values).
 */
gaps: number, 
/**
 * The detected raster in seconds.
 */
period_seconds: number | null, 
/**
 * The chart as SVG, drawn by the export library, per language; `None` when the
 * values do not make a chart (fewer than two, or no unit known).
 */
chart: Text | null, 
/**
 * Consumption per day, week, month and year, for register channels (energy, volume)
 * with at least two values.
 */
consumption: ConsumptionView | null, };

export type StatusWords = { 
/**
 * Code 0–4.
 */
code: number, 
/**
 * Words.
 */
text: Text, };

export type StageBand = { 
/**
 * Start, Unix seconds.
 */
from: number, 
/**
 * End, Unix seconds.
 */
to: number, 
/**
 * The stage's place in [`StagesView::names`] (it picks the colour).
 */
n: number, };

export type StagesView = { 
/**
 * Each stage as `id name` (e.g. `1 HT`), in the profile's order.
 */
names: Array<string>, 
/**
 * When which stage applied.
 */
bands: Array<StageBand>, };

export type ValuesView = { 
/**
 * Usage point id.
 */
usage_point_id: string, 
/**
 * Value list (wire name).
 */
database: string, 
/**
 * Which answer this is: the `value_rows` command pages this answer's table (0 for
 * the newest values, whose answer carries all rows).
 */
answer: number, 
/**
 * Per channel.
 */
channels: Array<ChannelValues>, 
/**
 * The PTB status words.
 */
statuses: Array<StatusWords>, 
/**
 * The tariff stages over the period (TAF 2 with a readable one-day profile), for
 * the chart's background.
 */
stages?: StagesView, 
/**
 * What the answers held that could not be decoded (values refused, fields left out).
 */
warnings?: Array<WarningView>, };

export type LogView = { 
/**
 * Record number.
 */
index: number, 
/**
 * When it happened.
 */
time: Instant | null, 
/**
 * Level code.
 */
level: number, 
/**
 * Level in words.
 */
level_text: Text, 
/**
 * The gateway's message.
 */
message: string, 
/**
 * Event id.
 */
event_id: string, 
/**
 * Outcome as sent.
 */
outcome: string | null, };

export type LogbookView = { 
/**
 * The entries.
 */
entries: Array<LogView>, 
/**
 * What the pages held that could not be decoded (entries left out, texts, holes in
 * the record numbers).
 */
warnings?: Array<WarningView>, };

export type AmountView = { 
/**
 * OBIS id.
 */
obis: string, 
/**
 * Tariff stage number, if any.
 */
tariff: number | null, 
/**
 * The amount with unit.
 */
amount: Text, };

export type DayView = { 
/**
 * Local date, `YYYY-MM-DD`.
 */
date: string, 
/**
 * Number of ranges booked.
 */
ranges: number, 
/**
 * Whether any consumption went to an error register.
 */
has_error: boolean, 
/**
 * Sums per register.
 */
totals: Array<AmountView>, };

export type BillView = { 
/**
 * `TAF 1` / `TAF 2`.
 */
use_case: string, 
/**
 * The supplier's tariff id.
 */
tariff_id: string, 
/**
 * Period start (local).
 */
begin: string, 
/**
 * Period end (local).
 */
end: string, 
/**
 * Tariff stages and error registers.
 */
registers: Array<AmountView>, 
/**
 * Totals per quantity.
 */
totals: Array<AmountView>, 
/**
 * Consumption booked to no register.
 */
unbilled: Array<AmountView>, 
/**
 * Day by day (TAF-2).
 */
days: Array<DayView>, 
/**
 * Checksums of the supplier file, by name.
 */
checksums: Record<string, string>, };

export type PeriodFigure = { 
/**
 * The period (`06.2025`, `2025`; ISO forms in English).
 */
period: Text, 
/**
 * The amount with unit.
 */
amount: Text, 
/**
 * The amount in the channel's unit, for the bar's length.
 */
value: number, 
/**
 * Values are missing in the period: the amount covers only the part with values.
 */
partial: boolean, };

export type FlowView = { 
/**
 * "Bezug" / "Einspeisung" and the OBIS code.
 */
name: Text, 
/**
 * The unit of `value` in the figures.
 */
unit: string, 
/**
 * This German local month so far.
 */
this_month: PeriodFigure | null, 
/**
 * The month before.
 */
last_month: PeriodFigure | null, 
/**
 * This German local year so far.
 */
year: PeriodFigure | null, 
/**
 * The last twelve months with values, oldest first.
 */
months: Array<PeriodFigure>, };

export type NewestView = { 
/**
 * Channel in words.
 */
channel: Text, 
/**
 * Its time.
 */
time: Instant, 
/**
 * The value with unit.
 */
value: Text, 
/**
 * The PTB status in words, if sent.
 */
status: Text | null, 
/**
 * Whether the status says the value is invalid (PTB 2 or more).
 */
invalid: boolean, };

export type OverviewView = { 
/**
 * The archive file.
 */
path: string, 
/**
 * Whether the archive holds values of this session's gateway (else the view says to
 * sync first).
 */
has_values: boolean, 
/**
 * The gateway the figures are of.
 */
smgw_id: string | null, 
/**
 * Its consumer (user id) the figures are of.
 */
user_id: string | null, 
/**
 * The moment "this month" and "this year" refer to: the newest energy value (or now).
 */
as_of: Instant | null, 
/**
 * Import, then export (prosumers).
 */
flows: Array<FlowView>, 
/**
 * The newest value of all channels.
 */
newest: NewestView | null, 
/**
 * Open warnings: gaps, invalid values, conflicts between syncs.
 */
warnings: Array<Text>, 
/**
 * The gateway's clock was off this computer's at the newest read (shown first among
 * the warnings; apart because it depends on the moment of that read).
 */
clock_drift: Text | null, 
/**
 * Up to where every channel is complete (the earliest `synced_until`).
 */
complete_until: Instant | null, 
/**
 * The last sync.
 */
last_sync: Instant | null, };

export type AboutView = { 
/**
 * The program version, e.g. `0.1.0`.
 */
version: string, 
/**
 * The full commit hash it was built from, or `unknown`.
 */
commit: string, 
/**
 * The running executable's path, when the operating system names it.
 */
executable: string | null, 
/**
 * SHA-256 of the running executable (lower-case hex, as `sha256sum` prints it).
 */
sha256: string | null, 
/**
 * Why there is no checksum, when there is none.
 */
problem: Text | null, };

export type PickedFile = { 
/**
 * What the window passes back.
 */
token: number, 
/**
 * File name (without the folder).
 */
name: string, 
/**
 * Size in bytes.
 */
size: number, };

export type ChosenPlace = { 
/**
 * What the window passes back.
 */
token: number, 
/**
 * The chosen path, for display.
 */
path: string, };

export type ProposedPeriod = { 
/**
 * Start: an RFC 3339 instant, or a German local date (`YYYY-MM-DD`) for the export.
 */
from: string, 
/**
 * End, in the same form.
 */
to: string, };

export type InstantRange = { 
/**
 * Inclusive start.
 */
from: Instant | null, 
/**
 * Exclusive end.
 */
to: Instant | null, };
