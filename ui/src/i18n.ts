// The window's own words. Words about data (states, statuses, units, errors) come from
// the Rust side in both languages; these are labels, headings and hints.
export type Lang = "de" | "en";

const words = {
  appTagline: ["Was Ihr Smart-Meter-Gateway über Sie weiß", "What your smart meter gateway knows about you"],
  navConnect: ["Verbinden", "Connect"],
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
  syncNotYet: [
    "Das lokale Archiv und die Synchronisation sind in dieser Version noch nicht an das Fenster angebunden. Werte und Logbuch lassen sich bereits direkt vom Gateway lesen.",
    "The local archive and sync are not yet connected to the window in this version. Values and logbook can already be read directly from the gateway.",
  ],
  exportTitle: ["Export", "Export"],
  exportIntro: [
    "Liest alle Werte des Zeitraums und das ganze Logbuch vom Gateway und speichert sie im gewählten Format.",
    "Reads all values of the period and the whole logbook from the gateway and saves them in the chosen format.",
  ],
  fmtXml: ["AR 2418-6 (XML, wie TRuDI)", "AR 2418-6 (XML, like TRuDI)"],
  fmtCsvDe: ["Messwerte als CSV (Excel, deutsch)", "Values as CSV (Excel, German)"],
  fmtCsvIntl: ["Messwerte als CSV (international)", "Values as CSV (international)"],
  fmtLogDe: ["Logbuch als CSV (Excel, deutsch)", "Logbook as CSV (Excel, German)"],
  fmtLogIntl: ["Logbuch als CSV (international)", "Logbook as CSV (international)"],
  fmtJson: ["Alles als JSON", "Everything as JSON"],
  fmtBundle: ["Paket zur Außerbetriebnahme (Ordner mit allem und Prüfsummen)", "Decommissioning bundle (folder with everything and checksums)"],
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

export function t(key: Key): string {
  return words[key][current === "de" ? 0 : 1];
}

/** A two-language text from the Rust side in the current language. */
export function pick(text: { de: string; en: string } | null | undefined): string {
  if (!text) return "–";
  return current === "de" ? text.de : text.en;
}
