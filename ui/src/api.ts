// The Tauri commands of src-tauri, typed. The views' types are generated from
// src-tauri/src/views.rs (src/generated/views.ts); the few command types below mirror
// commands.rs. Every word comes in both languages from the Rust side.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AboutView,
  ChartPoints,
  ChosenPlace,
  ProposedPeriod,
  InstantRange,
  PickedFile,
  WarningView,
  BillView,
  CertView,
  ContractView,
  GatewayView,
  LogbookView,
  OverviewView,
  PasswordHintsView,
  Text,
  Instant,
  ValuesView,
  ValueRow,
} from "./generated/views";

// The view types are generated from the Rust views (ts-rs); re-exported for the screens.
export type * from "./generated/views";
/** The consumption per period of a register channel. */
export type Consumption = import("./generated/views").ConsumptionView;


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


export type Login =
  | { mode: "password"; user: string; password: string }
  | { mode: "pkcs12"; file: number; password: string };

/** A period a screen proposes, worked out in Rust in German time (src-tauri
 * commands/periods.rs): instants for the values, German dates for the export. */
export type PeriodKind = "day" | "week" | "month" | "year" | "export";

/** Where the user is asked to save: Rust opens the dialog and keeps the choice; the
 * window passes its token to `export`, `saveChart` or `chooseArchive`. */
export type PlaceKind =
  | { kind: "file"; suggested: string; extension: string }
  | { kind: "folder" }
  | { kind: "archive" };

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

export type GatewayScreen = { gateway: GatewayView; self_test_lock_seconds: number };


export type ValuesRequest = {
  usage_point_id: string;
  database: string;
  channels: string[];
  from: string;
  to: string;
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
export type ExportDone = {
  path: string;
  values: number;
  log_entries: number;
  files: number;
  /** What the gateway's answers held that could not be decoded (live exports; absent when nothing). */
  warnings?: WarningView[];
};
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
  /** The export period of whole German local days that holds every stored value
   * (computed in Rust): `from` exclusive, `to` inclusive. */
  whole_range: { from: string; to: string } | null;
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
  /** What the answers held that could not be decoded (absent when nothing). */
  warnings?: WarningView[];
};

export type Progress = { op: string; step: number; steps: number | null; items: number };

export const api = {
  startup: () => invoke<Startup>("startup"),
  networkHelp: (host: string) => invoke<NetworkHelp>("network_help", { host }),
  pickFile: (kind: "pkcs12" | "xml") => invoke<PickedFile | null>("pick_file", { kind }),
  choosePlace: (kind: PlaceKind, title?: string) =>
    invoke<ChosenPlace | null>("choose_place", { kind, title: title ?? null }),
  inspectPkcs12: (file: number, password: string) =>
    invoke<CertView>("inspect_pkcs12", { file, password }),
  connect: (request: ConnectRequest) => invoke<ConnectOutcome>("connect", { request }),
  startDemo: (vendor?: Vendor) => invoke<SessionView>("start_demo", { vendor: vendor ?? null }),
  disconnect: () => invoke<void>("disconnect"),
  gateway: () => invoke<GatewayScreen>("gateway"),
  contracts: () => invoke<ContractView[]>("contracts"),
  values: (request: ValuesRequest) => invoke<ValuesView>("values", { request }),
  valueRows: (answer: number, channel: number, from: number, count: number) =>
    invoke<ValueRow[]>("value_rows", { answer, channel, from, count }),
  period: (kind: PeriodKind, anchor: string | null) => invoke<ProposedPeriod>("period", { kind, anchor }),
  wallClockRange: (from: string, to: string) => invoke<InstantRange>("wall_clock_range", { from, to }),
  chartPoints: (answer: number, channel: number, from: number, to: number) =>
    invoke<ChartPoints>("chart_points", { answer, channel, from, to }),
  currentValues: (usagePointId: string) =>
    invoke<ValuesView>("current_values", { usagePointId }),
  logbook: () => invoke<LogbookView>("logbook"),
  passwordHints: (password: string) => invoke<PasswordHintsView>("password_hints", { password }),
  selfTest: () => invoke<{ lock_seconds: number }>("self_test"),
  cancel: () => invoke<void>("cancel"),
  export: (request: { source: ExportSource; format: ExportFormat; from: string; to: string; place: number; lang: "de" | "en" }) =>
    invoke<ExportDone>("export", { request }),
  overview: () => invoke<OverviewView>("overview"),
  about: () => invoke<AboutView>("about"),
  archiveStatus: () => invoke<ArchiveView>("archive_status"),
  chooseArchive: (place: number) => invoke<ArchiveView>("choose_archive", { place }),
  useDefaultArchive: () => invoke<ArchiveView>("use_default_archive"),
  sync: () => invoke<SyncDone>("sync"),
  cancelSync: () => invoke<void>("cancel_sync"),
  saveChart: (place: number, svg: string) => invoke<void>("save_chart", { place, svg }),
  checkBill: (supplier: number, device: number) =>
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
