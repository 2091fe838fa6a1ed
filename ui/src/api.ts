// The Tauri commands of src-tauri, typed. Shapes mirror src-tauri/src/views.rs and
// commands.rs; every word comes in both languages from the Rust side.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export type Text = { de: string; en: string };
export type Instant = { utc: string; local: string };

export type UiError = {
  kind:
    | "connection"
    | "authentication"
    | "certificate_changed"
    | "gateway_refused"
    | "self_test_locked"
    | "data"
    | "cancelled"
    | "not_connected"
    | "busy"
    | "local";
  de: string;
  en: string;
  pinned?: string;
  presented?: string;
};

export type Features = { sync: boolean; export: boolean; charts: boolean };
export type Startup = { demo: boolean; features: Features; version: string };
export type LocalAddress = { interface: string; ip: string; prefix: number | null };
export type NetworkHelp = { addresses: LocalAddress[]; gateway_in_subnet: boolean | null };

export type CertView = {
  kind?: Text;
  subject: string;
  issuer: string;
  not_before: Instant | null;
  not_after: Instant | null;
  fingerprint: string;
  valid_now: boolean;
};

export type Login =
  | { mode: "password"; user: string; password: string }
  | { mode: "pkcs12"; data: number[]; password: string };

export type Vendor = "auto" | "conexa" | "ppc" | "emh";

export type ConnectRequest = {
  host: string;
  port: number;
  login: Login;
  confirm_fingerprint?: string | null;
  vendor?: Vendor;
  allow_self_test_reboot?: boolean;
};

export type SessionView = { host: string; userid: string; fingerprint: string; demo: boolean; vendor: Vendor };
export type ConnectOutcome =
  | ({ status: "connected" } & SessionView)
  | { status: "confirm_certificate"; fingerprint: string; subject: string };

export type GatewayView = {
  id: string;
  maker: string | null;
  state: Text | null;
  time: Instant | null;
  firmware: { component: string; version: string; hash: string }[];
  certificates: CertView[];
  han_certificate_matches: boolean | null;
  wan_chain: ChainView[];
};
/** The check of one WAN entry's certificate chain. */
export type ChainView = {
  index: number | null;
  verdict: "ok" | "failed" | "not_checkable";
  summary: Text;
  findings: Text[];
};
export type GatewayScreen = { gateway: GatewayView; self_test_lock_seconds: number };

export type ChannelView = { obis: string; hex: string; name: Text; unit: string; scaler: number };
export type DatabaseView = { database: string; name: Text; channels: ChannelView[] };
export type ContractView = {
  usage_point_id: string;
  name: string;
  taf: number;
  taf_name: Text;
  stores_values: boolean;
  state: Text;
  start: Instant | null;
  end: Instant | null;
  billing_periods: { start: Instant; end: Instant | null }[];
  meters: string[];
  metering_point_id: string | null;
  emts: string[];
  transparency_bit: boolean;
  databases: DatabaseView[];
};

export type ValueRow = {
  t: string;
  c?: string;
  d?: number;
  de?: string;
  en?: string;
  s?: number;
  /** The set status bits in words (German / English); absent when only identification is set. */
  sde?: string;
  sen?: string;
  gap?: boolean;
  sig?: boolean;
};
export type ChannelValues = {
  channel: string;
  info: ChannelView | null;
  rows: ValueRow[];
  values: number;
  gaps: number;
  period_seconds: number | null;
  chart: Text | null;
  consumption: Consumption | null;
};
export type PeriodAmount = { period: Text; amount: Text; partial: boolean };
export type Consumption = { day: PeriodAmount[]; week: PeriodAmount[]; month: PeriodAmount[]; year: PeriodAmount[] };
export type ValuesView = {
  usage_point_id: string;
  database: string;
  channels: ChannelValues[];
  statuses: { code: number; text: Text }[];
};
export type ValuesRequest = {
  usage_point_id: string;
  database: string;
  channels: string[];
  from: string;
  to: string;
};

export type LogView = {
  index: number;
  time: Instant | null;
  level: number;
  level_text: Text;
  message: string;
  event_id: string;
  outcome: string | null;
};

export type AmountView = { obis: string; tariff: number | null; amount: Text };
export type BillView = {
  use_case: string;
  tariff_id: string;
  begin: string;
  end: string;
  registers: AmountView[];
  totals: AmountView[];
  unbilled: AmountView[];
  days: { date: string; ranges: number; has_error: boolean; totals: AmountView[] }[];
  checksums: Record<string, string>;
};

export type ExportFormat =
  | "xml"
  | "csv_german"
  | "csv_international"
  | "log_csv_german"
  | "log_csv_international"
  | "json"
  | "bundle_zip"
  | "bundle"
  | "csv_folder_german"
  | "csv_folder_international"
  | "charts";
export type ExportDone = { path: string; values: number; log_entries: number; files: number };
export type ExportSource = { kind: "gateway" } | { kind: "archive"; smgw_id: string; user_id: string };

export type ArchivedSeries = {
  database: string;
  database_name: Text;
  obis: string;
  name: Text;
  meter_id: string;
  count: number;
  first: Instant | null;
  last: Instant | null;
  gaps: number;
  missing: number;
  conflicts: number;
  synced_until: Instant | null;
  last_sync: Instant | null;
};
export type ArchivedContract = {
  usage_point_id: string;
  name: string | null;
  taf: number | null;
  state: string | null;
  series: ArchivedSeries[];
};
export type ArchivedConsumer = {
  user_id: string;
  last_seen: Instant;
  contracts: ArchivedContract[];
  log: { count: number; last_index: number | null; conflicts: number; last_sync: Instant | null };
};
export type ArchiveView = {
  path: string;
  exists: boolean;
  demo: boolean;
  default_path: string | null;
  gateways: { smgw_id: string; first_seen: Instant; last_seen: Instant; consumers: ArchivedConsumer[] }[];
};
export type SyncProgress = {
  calls_done: number;
  calls_planned: number;
  values: number;
  log_entries: number;
  seconds_left: number | null;
  phase: Text;
};
export type SyncDone = {
  path: string;
  smgw_id: string;
  userid: string;
  gateway_time: Instant;
  calls: number;
  readings_calls: number;
  values_new: number;
  values_unchanged: number;
  conflicts_new: number;
  log_new: number;
  current_new: number;
  millis: number;
  summary: Text;
};

export type Progress = { op: string; step: number; steps: number | null; items: number };

export const api = {
  startup: () => invoke<Startup>("startup"),
  networkHelp: (host: string) => invoke<NetworkHelp>("network_help", { host }),
  inspectPkcs12: (data: number[], password: string) =>
    invoke<CertView>("inspect_pkcs12", { data, password }),
  connect: (request: ConnectRequest) => invoke<ConnectOutcome>("connect", { request }),
  startDemo: (vendor?: Vendor) => invoke<SessionView>("start_demo", { vendor: vendor ?? null }),
  disconnect: () => invoke<void>("disconnect"),
  gateway: () => invoke<GatewayScreen>("gateway"),
  contracts: () => invoke<ContractView[]>("contracts"),
  values: (request: ValuesRequest) => invoke<ValuesView>("values", { request }),
  currentValues: (usagePointId: string) =>
    invoke<ValuesView>("current_values", { usagePointId }),
  logbook: () => invoke<LogView[]>("logbook"),
  selfTest: () => invoke<{ lock_seconds: number }>("self_test"),
  cancel: () => invoke<void>("cancel"),
  export: (request: { source: ExportSource; format: ExportFormat; from: string; to: string; path: string; lang: "de" | "en" }) =>
    invoke<ExportDone>("export", { request }),
  archiveStatus: () => invoke<ArchiveView>("archive_status"),
  chooseArchive: (path: string) => invoke<ArchiveView>("choose_archive", { path }),
  sync: () => invoke<SyncDone>("sync"),
  cancelSync: () => invoke<void>("cancel_sync"),
  saveChart: (path: string, svg: string) => invoke<void>("save_chart", { path, svg }),
  checkBill: (supplier: number[], device: number[]) =>
    invoke<BillView>("check_bill", { supplier, device }),
};

export function onProgress(handler: (p: Progress) => void): Promise<UnlistenFn> {
  return listen<Progress>("progress", (e) => handler(e.payload));
}

export function onSyncProgress(handler: (p: SyncProgress) => void): Promise<UnlistenFn> {
  return listen<SyncProgress>("sync_progress", (e) => handler(e.payload));
}

/** Whatever a command rejected with, as a UiError (a string from Tauri itself included). */
export function asUiError(e: unknown): UiError {
  if (e && typeof e === "object" && "de" in e && "en" in e) return e as UiError;
  const text = String(e);
  return {
    kind: "local",
    de: `Interner Fehler: ${text}. Bitte das Programm neu starten.`,
    en: `Internal error: ${text}. Please restart the program.`,
  };
}
