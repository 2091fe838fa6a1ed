// Berlin time for uPlot, which draws a time axis in the wall clock of a Date's local fields.

/** Berlin's wall clock at `ms`, as a Date whose local fields (hours, day, …) show it:
 * what uPlot's `tzDate` asks for. One formatter serves every call; `uPlot.tzDate` builds
 * one per call (`toLocaleString`), which took half a millisecond each in the window's
 * WebKit, 11–18 ms for a year's axis. */
const berlinFields = new Intl.DateTimeFormat("en-US", {
  timeZone: "Europe/Berlin", hourCycle: "h23",
  year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
});
export function berlinWallClock(ms: number): Date {
  const f: Record<string, number> = {};
  for (const p of berlinFields.formatToParts(ms)) if (p.type !== "literal") f[p.type] = Number(p.value);
  return new Date(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, ms % 1000);
}
