// The window's one store: what the screens show, typed. Screens change it and call
// `render()`; the shell (main.ts) registers how to render and how to change screens, so
// screens need not import the shell.
import { type UiError, type Startup, type NetworkHelp, type CertView, type Vendor, type SessionView, type GatewayScreen, type ContractView, type ValuesView, type OverviewView, type LogView, type WarningView, type BillView, type ExportDone, type ArchiveView, type SyncProgress, type SyncDone, type Progress, type PasswordHintsView, type PickedFile, type InstantRange } from "./api";

export type ConsumptionPeriod = "day" | "week" | "month" | "year";
export type Screen = "overview" | "connect" | "gateway" | "contracts" | "values" | "log" | "sync" | "export" | "bill";

export type ConnectForm = {
  vendor: Vendor;
  allowReboot: boolean;
  host: string;
  port: string;
  mode: "password" | "pkcs12";
  user: string;
  password: string;
  /** The picked key file's token (the bytes stay in Rust). */
  p12: number | null;
  p12Name: string;
  p12Password: string;
};

export const state = {
  screen: "connect" as Screen,
  startup: null as Startup | null,
  session: null as SessionView | null,
  busy: false,
  cancellable: true,
  error: null as UiError | null,
  form: {
    vendor: "auto",
    allowReboot: false,
    host: "192.168.1.100",
    port: "443",
    mode: "password",
    user: "",
    password: "",
    p12: null,
    p12Name: "",
    p12Password: "",
  } as ConnectForm,
  p12Cert: null as CertView | null,
  /** What in the typed password looks like a copying mistake (from Rust). */
  passwordHints: null as PasswordHintsView | null,
  confirm: null as { fingerprint: string; subject: string } | null,
  changed: null as UiError | null,
  changedAck: false,
  net: null as NetworkHelp | null,
  gateway: null as GatewayScreen | null,
  selfTestUntil: 0,
  selfTestNote: false,
  contracts: null as ContractView[] | null,
  sel: { contract: "", database: "", channel: "", range: "day", from: "", to: "" },
  values: null as ValuesView | null,
  overview: null as OverviewView | null,
  usePeriod: null as ConsumptionPeriod | null,
  current: new Map<string, ValuesView>(),
  progress: null as Progress | null,
  log: null as LogView[] | null,
  /** What the logbook's pages held that could not be decoded. */
  logWarnings: [] as WarningView[],
  logFilter: { from: "", to: "", level: "", text: "", newestFirst: true },
  /** The filter's from/to as instants (Rust reads them as German time). */
  logRange: { from: null, to: null } as InstantRange,
  bill: null as BillView | null,
  exportRange: { from: "", to: "" },
  exportSource: "gateway",
  archive: null as ArchiveView | null,
  syncing: false,
  syncProgress: null as SyncProgress | null,
  synced: null as SyncDone | null,
  exported: null as ExportDone | null,
  /** The bill check's picked files (tokens and names; the bytes stay in Rust). */
  billFiles: { supplier: null as PickedFile | null, device: null as PickedFile | null },
};


const hooks = { render: () => {}, go: (_s: Screen) => {} };

/** Sets how the whole window is drawn and how a screen is entered (main.ts). */
export function setShell(render: () => void, go: (s: Screen) => void): void {
  hooks.render = render;
  hooks.go = go;
}

/** Draws the window from the store. */
export function render(): void {
  hooks.render();
}

/** Enters a screen (loads what it needs). */
export function go(screen: Screen): void {
  hooks.go(screen);
}
