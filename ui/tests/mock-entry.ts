// Loaded into the page before the app in the browser tests: answers the Tauri IPC with
// the commands' RECORDED answers (fixtures/, written by src-tauri/tests/fixtures.rs).
// Only the choice of which recorded answer fits a call is made here.
import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";

type Fixture = unknown;
type Win = typeof window & {
  __PIN_STATE__?: "unknown" | "pinned" | "changed";
  /** The gateway sends auxiliary fields that cannot be decoded (recorded with the mock's
   * `broken_auxiliary` fault). */
  __BROKEN__?: boolean;
  /** Which file the user picks in the next native dialog of the bill check. */
  __PICK__?: "supplier" | "device";
  __CALLS__: { cmd: string; args: unknown }[];
};
const w = window as Win;
w.__CALLS__ = [];
const cache = new Map<string, Promise<Fixture>>();

function fixture(name: string): Promise<Fixture> {
  let p = cache.get(name);
  if (!p) {
    p = fetch(`/__fixtures/${name}`).then((r) => {
      if (!r.ok) throw new Error(`fixture ${name} missing`);
      return r.json();
    });
    cache.set(name, p);
  }
  return p;
}

async function fail(name: string): Promise<never> {
  throw await fixture(name);
}

/** The places "chosen" in Rust's save and folder dialogs, by token (as AppCore keeps
 * them): the window only ever gets and passes back the tokens. */
const places = new Map<number, string>();
let nextPlace = 100;

function choosePlace(args: Args): { token: number; path: string } {
  const kind = args.kind as { kind: string; suggested?: string };
  const path = kind.kind === "file" ? `/home/user/${kind.suggested}` : kind.kind === "folder" ? "/home/user/exports" : "/home/user/archiv.sqlite";
  nextPlace += 1;
  places.set(nextPlace, path);
  return { token: nextPlace, path };
}

/** The path of a chosen place; a token Rust never handed out is refused there too. */
function chosenPath(token: unknown): string {
  const path = places.get(token as number);
  if (path === undefined) throw new Error(`no place chosen under token ${String(token)}`);
  return path;
}

/** The archive file the user chose instead of the default (as AppCore keeps it). */
let chosenArchive: string | null = null;
const DEFAULT_ARCHIVE = "/home/user/.local/share/durchblick/archive.sqlite";

async function archiveStatus(): Promise<Fixture> {
  const recorded = (await fixture(synced ? "archive_status" : "archive_empty")) as object;
  // A chosen file is named with the way back to the default, as `with_default` does.
  return chosenArchive ? { ...recorded, path: chosenArchive, demo: false, default_path: DEFAULT_ARCHIVE } : recorded;
}

let selfTests = 0;
let pinned = false;
let synced = false;
let cancelled = false;

/** Replays the recorded progress of a real sync; a cancel stops it like the real one. */
async function sync(): Promise<unknown> {
  cancelled = false;
  const events = (await fixture("sync_progress")) as unknown[];
  for (const event of events) {
    await new Promise((ok) => setTimeout(ok, 8));
    if (cancelled) return fail("error_sync_cancelled");
    await emit("sync_progress", event);
  }
  synced = true;
  return fixture("sync_done");
}

type Args = Record<string, any>;

async function answer(cmd: string, args: Args): Promise<unknown> {
  switch (cmd) {
    case "startup":
      return fixture("startup");
    case "network_help":
      // Machine-dependent, so not recorded: a laptop with one address in 192.168.1.0/24.
      return {
        addresses: [{ interface: "eth0", ip: "192.168.1.50", prefix: 24 }],
        gateway_in_subnet: /^\d+\.\d+\.\d+\.\d+$/.test(args.host) ? args.host.startsWith("192.168.1.") : null,
      };
    case "password_hints":
      return fixture(args.password === "geheim." ? "password_hints_full_stop" : "password_hints_none");
    case "inspect_pkcs12":
      return args.password === "demo" ? fixture("inspect_pkcs12") : fail("error_wrong_p12_password");
    case "connect": {
      const req = args.request;
      if (req.login.mode === "password" && req.login.password !== "demo") return fail("error_wrong_password");
      if (req.login.mode === "pkcs12" && req.login.password !== "demo") return fail("error_wrong_p12_password");
      const state = w.__PIN_STATE__ ?? "unknown";
      if (!req.confirm_fingerprint && !pinned) {
        if (state === "unknown") return fixture("connect_confirm");
        if (state === "changed") return fail("error_certificate_changed");
      }
      pinned = true;
      return fixture(req.login.mode === "pkcs12" ? "connect_pkcs12_ok" : "connect_ok");
    }
    case "start_demo":
      return fixture("demo_session");
    case "gateway":
      return fixture("gateway");
    case "wall_clock_range": {
      // Rust's answers for the inputs the logbook test types; any other input fails the test.
      const recorded = (await fixture("wall_clock_ranges")) as { from: string; to: string; range: unknown }[];
      const hit = recorded.find((r) => r.from === args.from && r.to === args.to);
      if (!hit) throw new Error(`no recorded wall_clock_range for ${JSON.stringify(args)}`);
      return hit.range;
    }
    case "contracts":
      return fixture("contracts");
    case "values": {
      const days = (Date.parse(args.request.to) - Date.parse(args.request.from)) / 86400000;
      // The TAF-2 contract's day (with its tariff stages), else TAF 7's year or day.
      if (args.request.usage_point_id.includes("taf2")) return fixture("values_taf2_day");
      return fixture(days > 40 ? "values_year" : "values_day");
    }
    case "value_rows": {
      // The recorded pages of the year (the day's answer carries all its rows).
      const year = (await fixture("values_year")) as { answer: number };
      if (args.answer !== year.answer) throw new Error(`value_rows: no recorded answer ${args.answer}`);
      const rows = (await fixture("value_rows_year")) as unknown[];
      return rows.slice(args.from, args.from + Math.min(args.count, 2000));
    }
    case "period":
      // Recorded with the demo gateway's clock, which the window passes once it knows it.
      return fixture(`period_${args.kind}`);
    case "chart_points": {
      // Recorded for the view after five zoom steps into the newest values of the year.
      const year = (await fixture("values_year")) as { answer: number; channels: { points: { x: number[] } }[] };
      const x = year.channels[0].points.x;
      const [first, last] = [x[0], x[x.length - 1]];
      if (args.answer !== year.answer || args.channel !== 0 || args.from !== last - (last - first) / 32 || args.to !== last) {
        throw new Error(`chart_points: no recorded answer for ${JSON.stringify(args)}`);
      }
      return fixture("chart_points_year_zoomed");
    }
    case "current_values":
      return fixture("current_values");
    case "logbook":
      return fixture(w.__BROKEN__ ? "logbook_warned" : "logbook");
    case "self_test":
      selfTests += 1;
      return selfTests === 1 ? fixture("self_test") : fail("error_self_test_locked");
    case "pick_file":
      // Rust opens the dialog and reads the file; recorded are the answers for the demo's
      // key file and the bill check's two reference files.
      if (args.kind === "pkcs12") return fixture("pick_file_pkcs12");
      return fixture(w.__PICK__ === "device" ? "pick_file_device" : "pick_file_supplier");
    case "check_bill": {
      const supplier = (await fixture("pick_file_supplier")) as { token: number };
      const device = (await fixture("pick_file_device")) as { token: number };
      const right = args.supplier === supplier.token && args.device === device.token;
      return right ? fixture("check_bill") : fail("error_check_bill");
    }
    case "choose_place":
      return choosePlace(args);
    case "export":
      chosenPath(args.request.place);
      if (args.request.source?.kind === "archive") return fixture("export_archive_done");
      return fixture(w.__BROKEN__ ? "export_done_warned" : "export_done");
    case "archive_status":
      return archiveStatus();
    case "about":
      // Not recorded: the real answer names the test binary and its checksum. This is the
      // shape AboutView has (src/generated/views.ts), with a release build's values.
      return {
        version: "0.1.0",
        commit: "0123456789abcdef0123456789abcdef01234567",
        executable: "/usr/bin/durchblick-app",
        sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        problem: null,
      };
    case "overview":
      return fixture(synced ? "overview" : "overview_empty");
    case "choose_archive":
      synced = true;
      chosenArchive = chosenPath(args.place);
      return archiveStatus();
    case "use_default_archive":
      chosenArchive = null;
      return { ...((await fixture("archive_empty")) as object), path: DEFAULT_ARCHIVE, demo: false, default_path: null };
    case "sync":
      return sync();
    case "save_chart":
      chosenPath(args.place);
      return null;
    case "cancel_sync":
      cancelled = true;
      return null;
    case "cancel":
    case "disconnect":
      return null;
    default:
      throw new Error(`unmocked command ${cmd}`);
  }
}

mockIPC(
  (cmd, args) => {
    w.__CALLS__.push({ cmd, args });
    return answer(cmd, (args ?? {}) as Args);
  },
  { shouldMockEvents: true },
);
