// Imported first by main.ts, before any library: uPlot builds an Intl.NumberFormat from
// `navigator.language` when its module loads, and a webview started with LANG=C (a bare
// Linux session, the test window under Xvfb) reports the language "C", which Intl refuses
// with a RangeError, so that the whole front end would stop before it draws anything.
// Such a tag is replaced by a valid one; real locales are left alone.
function usable(tag: string | undefined): boolean {
  if (!tag) return false;
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (!usable(navigator.language)) {
  Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
  const valid = (navigator.languages ?? []).filter(usable);
  Object.defineProperty(navigator, "languages", { value: valid.length ? valid : ["en-US"], configurable: true });
}

export {};
