// The window's own words. Words about data (states, statuses, units, errors) come from
// the Rust side in both languages; these are labels, headings and hints.
export type Lang = "de" | "en";

const words = {
  appTagline: ["Was Ihr Smart-Meter-Gateway über Sie weiß", "What your smart meter gateway knows about you"],
  navConnect: ["Verbinden", "Connect"],
  navOverview: ["Überblick", "Overview"],
  overviewEmpty: [
    "Im Archiv sind noch keine Werte dieses Gateways. Bitte einmal synchronisieren: dann zeigt der Überblick Verbrauch, Einspeisung und Warnungen.",
    "The archive holds no values of this gateway yet. Please sync once: then the overview shows consumption, export and warnings.",
  ],
  newestValue: ["Neuester Wert", "Newest value"],
  archiveState: ["Archiv", "Archive"],
  completeUntil: ["Vollständig bis", "Complete up to"],
  warnings: ["Warnungen", "Warnings"],
  noWarnings: ["Keine offenen Warnungen.", "No open warnings."],
  thisMonth: ["Dieser Monat", "This month"],
  lastMonth: ["Letzter Monat", "Last month"],
  yearSoFar: ["Dieses Jahr bisher", "This year so far"],
  lastMonths: ["Die letzten 12 Monate", "The last 12 months"],
  asOf: ["Stand (neuester Wert):", "As of (newest value):"],
  navGateway: ["Gateway", "Gateway"],
  navContracts: ["Verträge", "Contracts"],
  navValues: ["Messwerte", "Values"],
  navLog: ["Logbuch", "Logbook"],
  navSync: ["Archiv", "Archive"],
  navExport: ["Export", "Export"],
  navBill: ["Rechnung prüfen", "Check bill"],
  language: ["Sprache", "Language"],
  switchTo: ["English", "Deutsch"],
  notConnected: ["Nicht verbunden", "Not connected"],
  connectedTo: ["Verbunden mit", "Connected to"],
  demoBadge: ["Demo", "Demo"],
  about: ["Über Durchblick", "About Durchblick"],
  fieldWarnings: [
    "Einige Angaben des Gateways ließen sich nicht lesen. Alle Werte sind trotzdem gespeichert, die Antworten unverändert im Archiv:",
    "Some of the gateway's details could not be read. All values are stored all the same, the answers unchanged in the archive:",
  ],
  aboutVersion: ["Version", "Version"],
  aboutCommit: ["Stand (Commit)", "Build (commit)"],
  aboutSha: ["SHA-256 dieses Programms", "SHA-256 of this program"],
  aboutCompare: [
    "Vergleichen Sie die Prüfsumme mit der veröffentlichten: Stimmen beide überein, ist das Programm unverändert.",
    "Compare the checksum with the published one: if both match, the program is unchanged.",
  ],
  disconnect: ["Trennen", "Disconnect"],
  host: ["Adresse des Gateways (IP oder Name)", "Gateway address (IP or name)"],
  port: ["Port", "Port"],
  loginMode: ["Anmeldung", "Login"],
  modePassword: ["Benutzername und Passwort", "User name and password"],
  modeCert: ["Zertifikatsdatei (PKCS#12)", "Certificate file (PKCS#12)"],
  user: ["Benutzername", "User name"],
  password: ["Passwort", "Password"],
  p12File: ["Zertifikatsdatei (.p12, .pfx)", "Certificate file (.p12, .pfx)"],
  p12Password: ["Passwort der Zertifikatsdatei", "Certificate file password"],
  showCert: ["Zertifikat anzeigen", "Show certificate"],
  connect: ["Verbinden", "Connect"],
  connecting: ["Verbinde …", "Connecting …"],
  demo: ["Demo-Gateway starten", "Start demo gateway"],
  demoHint: [
    "Startet ein eingebautes Test-Gateway auf diesem Rechner – zum Ausprobieren ohne echtes Gerät.",
    "Starts a built-in test gateway on this computer – to try everything without a real device.",
  ],
  certHolder: ["Inhaber", "Holder"],
  certIssuer: ["Aussteller", "Issuer"],
  certValidFrom: ["gültig ab", "valid from"],
  certValidUntil: ["gültig bis", "valid until"],
  certValidNow: ["derzeit gültig", "currently valid"],
  certNotValidNow: ["derzeit NICHT gültig", "currently NOT valid"],
  fingerprint: ["Fingerabdruck (SHA-256)", "Fingerprint (SHA-256)"],
  netHelpTitle: ["Hilfe zur Verbindung", "Connection help"],
  netHelp1: [
    "Netzwerkkabel in die Buchse „HAN“ des Gateways stecken (nicht WAN oder LMN).",
    "Plug the network cable into the gateway's socket labelled “HAN” (not WAN or LMN).",
  ],
  netHelp2: [
    "Diesem Rechner eine feste IP-Adresse im Netz des Gateways geben (z. B. Gateway 192.168.1.100 → Rechner 192.168.1.50, Maske 255.255.255.0).",
    "Give this computer a static IP address in the gateway's subnet (e.g. gateway 192.168.1.100 → computer 192.168.1.50, mask 255.255.255.0).",
  ],
  netHelp3: [
    "Kein Standard-Gateway (Router) für diese Verbindung eintragen.",
    "Set no default gateway (router) for this connection.",
  ],
  ownAddresses: ["Adressen dieses Rechners", "This computer's addresses"],
  noAddresses: ["Keine Netzwerkadressen gefunden.", "No network addresses found."],
  subnetOk: ["Die Adresse des Gateways liegt im Netz dieses Rechners.", "The gateway's address is in this computer's subnet."],
  subnetMismatch: [
    "Achtung: Die Adresse des Gateways liegt in keinem Netz dieses Rechners. Bitte eine passende feste IP-Adresse einstellen.",
    "Warning: the gateway's address is in none of this computer's subnets. Please set a matching static IP address.",
  ],
  confirmTitle: ["Erste Verbindung: Zertifikat prüfen", "First connection: check the certificate"],
  confirmText: [
    "Vergleichen Sie diesen Fingerabdruck Zeichen für Zeichen mit dem, den Ihr Messstellenbetreiber mitgeteilt hat. Nur bei Übereinstimmung bestätigen.",
    "Compare this fingerprint character by character with the one your meter operator gave you. Confirm only if they match.",
  ],
  subject: ["Zertifikat", "Certificate"],
  trust: ["Stimmt überein – vertrauen und verbinden", "It matches – trust and connect"],
  cancel: ["Abbrechen", "Cancel"],
  changedTitle: ["Warnung: Das Gateway zeigt ein anderes Zertifikat", "Warning: the gateway shows a different certificate"],
  pinnedWas: ["Bisher gemerkt", "Remembered"],
  presentedNow: ["Jetzt gezeigt", "Presented now"],
  changedConfirm: [
    "Mein Messstellenbetreiber hat mir den neuen Fingerabdruck bestätigt (z. B. Gateway getauscht).",
    "My meter operator confirmed the new fingerprint to me (e.g. gateway replaced).",
  ],
  trustNew: ["Neues Zertifikat vertrauen", "Trust the new certificate"],
  loading: ["Lädt …", "Loading …"],
  reload: ["Neu laden", "Reload"],
  gatewayId: ["Gateway-Kennung", "Gateway id"],
  maker: ["Hersteller", "Maker"],
  state: ["Zustand", "State"],
  gatewayTime: ["Uhrzeit des Gateways", "Gateway time"],
  laptopTime: ["Uhrzeit dieses Rechners", "This computer's time"],
  difference: ["Abweichung", "Difference"],
  firmware: ["Firmware", "Firmware"],
  version: ["Version", "Version"],
  hash: ["Prüfsumme (SHA-256)", "Hash (SHA-256)"],
  certificates: ["Zertifikate", "Certificates"],
  kind: ["Art", "Kind"],
  hanMatches: ["HAN-Zertifikat stimmt mit der Verbindung überein", "HAN certificate matches the connection"],
  hanMismatch: ["HAN-Zertifikat weicht von der Verbindung ab!", "HAN certificate differs from the connection!"],
  selfTest: ["Selbsttest", "Self-test"],
  selfTestStart: ["Selbsttest starten", "Start self-test"],
  selfTestStarted: [
    "Selbsttest gestartet. Das Ergebnis erscheint in einigen Minuten im Logbuch.",
    "Self-test started. The result appears in the logbook within a few minutes.",
  ],
  selfTestLocked: ["Nächster Selbsttest möglich in", "Next self-test possible in"],
  contractsNone: ["Keine Verträge.", "No contracts."],
  taf: ["Tarifanwendungsfall", "Tariff use case"],
  start: ["Beginn", "Start"],
  end: ["Ende", "End"],
  open: ["offen", "open"],
  billingPeriods: ["Abrechnungszeiträume", "Billing periods"],
  meters: ["Zähler", "Meters"],
  meteringPoint: ["Zählpunkt", "Metering point"],
  emts: ["Empfänger der Daten", "Data recipients"],
  transparency: ["Transparenzbit", "Transparency bit"],
  yes: ["ja", "yes"],
  no: ["nein", "no"],
  valueLists: ["Wertelisten und Kanäle", "Value lists and channels"],
  valueList: ["Werteliste", "Value list"],
  meaning: ["Bedeutung", "Meaning"],
  unit: ["Einheit", "Unit"],
  contract: ["Vertrag", "Contract"],
  channel: ["Kanal", "Channel"],
  range: ["Zeitraum", "Range"],
  day: ["Tag", "Day"],
  week: ["Woche", "Week"],
  month: ["Monat", "Month"],
  year: ["Jahr", "Year"],
  custom: ["Eigener", "Custom"],
  from: ["Von", "From"],
  to: ["Bis", "To"],
  show: ["Anzeigen", "Show"],
  chartOf: ["Diagramm:", "Chart:"],
  chartHint: [
    "Zeigen oder mit den Pfeiltasten wählen, um einen Wert zu sehen. Ziehen, Mausrad oder +/− zoomen.",
    "Point at a value or choose one with the arrow keys to read it. Drag, mouse wheel or +/− zoom.",
  ],
  chartKeys: [
    "Pfeiltasten: Wert wählen; Umschalt+Pfeil: verschieben; + und −: zoomen; 0: alles zeigen.",
    "Arrow keys: choose a value; Shift+arrow: pan; + and −: zoom; 0: show everything.",
  ],
  chartShows: ["Im Diagramm:", "Chart shows:"],
  newestFirst: ["Neueste zuerst", "Newest first"],
  invalidValues: ["ungültige Werte (PTB-Status ab 2)", "invalid values (PTB status 2 or more)"],
  targetTime: ["Zeitpunkt (Ziel, Ortszeit)", "Target time (local)"],
  captureTime: ["erfasst", "captured"],
  value: ["Wert", "Value"],
  status: ["Status", "Status"],
  gapRow: ["Lücke – kein Wert", "Gap – no value"],
  valuesCount: ["Werte", "values"],
  gapsCount: ["Lücken", "gaps"],
  signed: ["signiert", "signed"],
  currentValues: ["Aktuelle Werte (TAF 9/10/14)", "Current values (TAF 9/10/14)"],
  noValues: ["Keine Werte in diesem Zeitraum.", "No values in this period."],
  progress: ["Fortschritt", "Progress"],
  logFilterFrom: ["ab", "from"],
  logFilterTo: ["bis", "until"],
  level: ["Stufe", "Level"],
  allLevels: ["alle Stufen", "all levels"],
  search: ["Text suchen", "Search text"],
  entries: ["Einträge", "entries"],
  message: ["Meldung", "Message"],
  time: ["Zeitpunkt", "Time"],
  syncTitle: ["Synchronisieren und Archiv", "Sync and archive"],
  notYet: ["Noch nicht verfügbar", "Not yet available"],
  consumption: ["Verbrauch", "Consumption"],
  perPeriod: ["je", "per"],
  per_day: ["Tag", "day"],
  per_week: ["Woche", "week"],
  per_month: ["Monat", "month"],
  per_year: ["Jahr", "year"],
  partialPeriod: ["unvollständig", "partial"],
  partialHint: [
    "„Unvollständig“: Für diesen Zeitraum fehlen Werte am Anfang, am Ende oder mittendrin (Lücke); der Verbrauch deckt nur die vorhandenen Werte ab.",
    "“Partial”: values are missing at the start, the end or in the middle (a gap) of this period; the consumption covers only the values there are.",
  ],
  syncIntro: [
    "Das Archiv auf diesem Rechner bewahrt alles auf, was das Gateway über Sie weiß, auch nachdem das Gateway ausgebaut wurde. Ein Abgleich holt nur, was seit dem letzten Mal neu ist; Abbrechen verliert nichts.",
    "The archive on this computer keeps everything the gateway knows about you, also after the gateway has been removed. A sync fetches only what is new since the last one; cancelling loses nothing.",
  ],
  archiveFile: ["Archivdatei", "Archive file"],
  demoArchive: ["Demo-Archiv", "demo archive"],
  archiveNew: ["Die Datei wird beim ersten Abgleich angelegt.", "The file is created by the first sync."],
  archiveEmpty: ["Das Archiv ist noch leer.", "The archive is still empty."],
  syncStart: ["Jetzt abgleichen", "Sync now"],
  defaultArchive: ["Zurück zum Standardarchiv", "Back to the default archive"],
  chooseArchive: ["Andere Archivdatei öffnen …", "Open another archive file …"],
  syncNeedsSession: ["Zum Abgleichen zuerst mit dem Gateway verbinden. Das Archiv lässt sich auch ohne Verbindung ansehen und exportieren.", "Connect to the gateway to sync. The archive can be viewed and exported without a connection."],
  calls: ["Abrufe", "calls"],
  timeLeft: ["noch ca.", "about"],
  consumer: ["Verbraucher", "Consumer"],
  lastSync: ["Zuletzt abgeglichen", "Last sync"],
  archivedSeries: ["Archivierte Messwertreihen", "Archived value series"],
  valuesHeld: ["Werte", "Values"],
  gapsHeader: ["Lücken", "Gaps"],
  missingValue: ["fehlender Wert", "missing value"],
  missingValues: ["fehlende Werte", "missing values"],
  conflicts: ["Konflikte", "Conflicts"],
  syncedUntil: ["Vollständig bis", "Complete up to"],
  syncedUntilHint: [
    "„Vollständig bis“: Bis dahin ist alles gespeichert, was das Gateway je melden wird. Die letzten zwei Tage liest der nächste Abgleich noch einmal, weil Gateways Tages- und Monatswerte nachliefern.",
    "“Complete up to”: everything the gateway will ever report up to then is stored. The next sync reads the last two days again, because gateways deliver daily and monthly values late.",
  ],
  lastIndex: ["letzter Index", "last index"],
  source: ["Quelle", "Source"],
  sourceGateway: ["Gateway (live)", "Gateway (live)"],
  sourceArchive: ["Archiv", "Archive"],
  wholeArchive: ["Ganzer Zeitraum des Archivs", "Whole archive period"],
  exportNothing: [
    "Nichts zu exportieren: Bitte mit einem Gateway verbinden oder unter „Archiv“ eine Archivdatei öffnen.",
    "Nothing to export: please connect to a gateway or open an archive file under “Archive”.",
  ],
  exportTitle: ["Export", "Export"],
  exportIntro: [
    "Speichert alle Werte und Logbucheinträge des Zeitraums im gewählten Format: live vom Gateway oder aus dem Archiv (das geht auch ohne Verbindung, etwa nach dem Ausbau des Gateways).",
    "Saves all values and logbook entries of the period in the chosen format: live from the gateway or from the archive (which works without a connection, e.g. after the gateway was removed).",
  ],
  fmtXml: ["AR 2418-6 (XML, wie TRuDI)", "AR 2418-6 (XML, like TRuDI)"],
  fmtCsvDe: ["Messwerte als CSV (Excel, deutsch)", "Values as CSV (Excel, German)"],
  fmtCsvIntl: ["Messwerte als CSV (international)", "Values as CSV (international)"],
  fmtLogDe: ["Logbuch als CSV (Excel, deutsch)", "Logbook as CSV (Excel, German)"],
  fmtLogIntl: ["Logbuch als CSV (international)", "Logbook as CSV (international)"],
  fmtJson: ["Alles als JSON", "Everything as JSON"],
  fmtBundle: ["Paket zur Außerbetriebnahme (Ordner mit allem und Prüfsummen)", "Decommissioning bundle (folder with everything and checksums)"],
  wanChain: ["Prüfung der WAN-Zertifikatskette (Signaturzertifikat von der Sub-CA desselben Eintrags ausgestellt, beide gültig)", "Check of the WAN certificate chain (signature certificate issued by the sub-CA of the same entry, both valid)"],
  vendor: ["Hersteller des Gateways", "Gateway maker"],
  vendorAuto: ["Automatisch erkennen", "Find out automatically"],
  vendorConexa: ["Theben CONEXA (und kompatible)", "Theben CONEXA (and compatible)"],
  vendorPpc: ["PPC", "PPC"],
  vendorEmh: ["EMH CASA", "EMH CASA"],
  vendorHelpAuto: ["Durchblick fragt das Gateway vor der Anmeldung, wessen Schnittstelle es spricht (ohne Zugangsdaten, also ohne Anmeldeversuch).", "Durchblick asks the gateway whose interface it speaks before logging in (without credentials, so without a login attempt)."],
  vendorHelpConexa: ["Adresse aus den Unterlagen des Messstellenbetreibers (oft 192.168.1.100); Anmeldung mit Benutzername und Passwort oder Schlüsseldatei.", "Address from the meter operator's papers (often 192.168.1.100); log in with user name and password or a key file."],
  vendorHelpPpc: ["PPC-Gateways haben meist die Adresse 192.168.1.200 und antworten nur über ein direkt gestecktes Kabel. Nur eine Anmeldung zur Zeit: eine zweite (Browser, anderes Programm) beendet die erste.", "PPC gateways mostly have the address 192.168.1.200 and only answer over a directly plugged cable. One login at a time: a second one (browser, another program) ends the first."],
  vendorHelpEmh: ["EMH-Gateways melden sich als smgw.local (oder 192.168.33.2). Anmeldung mit Benutzername und Passwort.", "EMH gateways announce themselves as smgw.local (or 192.168.33.2). Log in with user name and password."],
  allowReboot: ["Selbsttest erlauben – er startet ein PPC-Gateway neu, die HAN-Schnittstelle ist dann einige Minuten weg", "Allow the self-test – it reboots a PPC gateway, the HAN interface is gone for some minutes"],
  rebootWarning: ["Der Selbsttest startet das PPC-Gateway neu. Die Verbindung bricht ab und die HAN-Schnittstelle ist einige Minuten nicht erreichbar. Kommt das Gateway nicht zurück, hilft nur der Messstellenbetreiber. Trotzdem starten?", "The self-test reboots the PPC gateway. The connection ends and the HAN interface is unreachable for some minutes. If the gateway does not come back, only the meter operator can help. Start anyway?"],
  fmtCsvFolderDe: ["Messwerte und Logbuch als zwei CSV-Dateien in einen Ordner (Excel, deutsch)", "Values and logbook as two CSV files into a folder (Excel, German)"],
  fmtCsvFolderIntl: ["Messwerte und Logbuch als zwei CSV-Dateien in einen Ordner (international)", "Values and logbook as two CSV files into a folder (international)"],
  fmtCharts: ["Diagramme aller Wertelisten (SVG) in einen Ordner", "Charts of every value list (SVG) into a folder"],
  fmtBundleZip: ["Paket zur Außerbetriebnahme als ZIP-Datei", "Decommissioning bundle as a zip file"],
  fmtChart: ["Diagramm der Messwertansicht (SVG)", "Chart of the values screen (SVG)"],
  chartFirst: ["Zuerst in „Messwerte“ ein Diagramm anzeigen.", "Show a chart in “Values” first."],
  saved: ["Gespeichert", "Saved"],
  logEntries: ["Logbucheinträge", "logbook entries"],
  files: ["Dateien", "files"],
  billIntro: [
    "Laden Sie die Tarifdatei Ihres Lieferanten (IF_Lieferant_TRuDI) und die Messwerte des Gateways (AR-2418-6-XML). Durchblick rechnet die Rechnung aus den originären Messwerten nach.",
    "Load your supplier's tariff file (IF_Lieferant_TRuDI) and the gateway's values (AR 2418-6 XML). Durchblick recomputes the bill from the original values.",
  ],
  supplierFile: ["Lieferantendatei (XML)", "Supplier file (XML)"],
  deviceFile: ["Messwerte des Gateways (XML)", "Gateway values (XML)"],
  check: ["Rechnung prüfen", "Check bill"],
  useCase: ["Anwendungsfall", "Use case"],
  tariffId: ["Tarif", "Tariff"],
  period: ["Zeitraum", "Period"],
  stages: ["Tarifstufen", "Tariff stages"],
  register: ["Register", "Register"],
  stage: ["Stufe", "Stage"],
  errorRegister: ["Fehlerregister", "Error register"],
  amount: ["Menge", "Amount"],
  totals: ["Summen", "Totals"],
  unbilled: ["Keiner Stufe zugeordnet", "Booked to no stage"],
  checksums: ["Prüfsummen der Lieferantendatei", "Checksums of the supplier file"],
  timeline: ["Tag für Tag", "Day by day"],
  date: ["Datum", "Date"],
  ranges: ["Abschnitte", "Ranges"],
  dayError: ["mit Fehlerregister", "with error register"],
  connectFirst: ["Bitte zuerst mit einem Gateway verbinden.", "Please connect to a gateway first."],
} as const satisfies Record<string, readonly [string, string]>;

export type Key = keyof typeof words;

let current: Lang = "de";

/** The language from the OS (the webview's locale): German for any German locale, else English. */
export function osLang(): Lang {
  const langs = navigator.languages?.length ? navigator.languages : [navigator.language];
  return (langs[0] ?? "de").toLowerCase().startsWith("de") ? "de" : "en";
}

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
}

export function lang(): Lang {
  return current;
}

/** Nouns that follow a count: singular and plural per language. */
const nouns = {
  value: [["Wert", "Werte"], ["value", "values"]],
  gap: [["Lücke", "Lücken"], ["gap", "gaps"]],
  entry: [["Eintrag", "Einträge"], ["entry", "entries"]],
  logEntry: [["Logbucheintrag", "Logbucheinträge"], ["logbook entry", "logbook entries"]],
  file: [["Datei", "Dateien"], ["file", "files"]],
  missingValue: [["fehlender Wert", "fehlende Werte"], ["missing value", "missing values"]],
  call: [["Abruf", "Abrufe"], ["call", "calls"]],
  conflict: [["Konflikt", "Konflikte"], ["conflict", "conflicts"]],
} as const satisfies Record<string, readonly [readonly [string, string], readonly [string, string]]>;

export type Noun = keyof typeof nouns;

/** A number with the language's thousands separator. */
export function num(n: number): string {
  return n.toLocaleString(current === "de" ? "de-DE" : "en-GB");
}

/** A count with its noun in the right number: "1 Lücke", "2 Lücken", "34.945 Werte". */
export function counted(n: number, noun: Noun): string {
  const [one, many] = nouns[noun][current === "de" ? 0 : 1];
  return `${num(n)} ${n === 1 ? one : many}`;
}

export function t(key: Key): string {
  return words[key][current === "de" ? 0 : 1];
}

/** A two-language text from the Rust side in the current language. */
export function pick(text: { de: string; en: string } | null | undefined): string {
  if (!text) return "–";
  return current === "de" ? text.de : text.en;
}
