/** Formatting and parsing of simulated time (integer µs). */

const US_PER_MS = 1_000;
const US_PER_S = 1_000_000;
const US_PER_M = 60 * US_PER_S;
const US_PER_H = 60 * US_PER_M;
const US_PER_D = 24 * US_PER_H;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A playhead clock: "1d 02:03:04.567" / "02:03:04.567" (ms precision; µs are truncated). */
export function formatClock(us: number): string {
  const neg = us < 0;
  let v = Math.floor(Math.abs(us) / US_PER_MS);
  const ms = v % 1000;
  v = Math.floor(v / 1000);
  const s = v % 60;
  v = Math.floor(v / 60);
  const m = v % 60;
  v = Math.floor(v / 60);
  const h = v % 24;
  const d = Math.floor(v / 24);
  const body = `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms, 3)}`;
  return (neg ? '−' : '') + (d > 0 ? `${d}d ${body}` : body);
}

/** A compact duration: "0s", "350µs", "250ms", "4.2s", "1m05s", "2h03m", "3d04h". */
export function formatDuration(us: number): string {
  if (us < 0) return '−' + formatDuration(-us);
  if (us === 0) return '0s';
  if (us < US_PER_MS) return `${us}µs`;
  if (us < US_PER_S) return `${trim(us / US_PER_MS)}ms`;
  if (us < US_PER_M) return `${trim(us / US_PER_S)}s`;
  if (us < US_PER_H) {
    const m = Math.floor(us / US_PER_M);
    const s = Math.floor((us % US_PER_M) / US_PER_S);
    return s ? `${m}m${pad(s)}s` : `${m}m`;
  }
  if (us < US_PER_D) {
    const h = Math.floor(us / US_PER_H);
    const m = Math.floor((us % US_PER_H) / US_PER_M);
    return m ? `${h}h${pad(m)}m` : `${h}h`;
  }
  const d = Math.floor(us / US_PER_D);
  const h = Math.floor((us % US_PER_D) / US_PER_H);
  return h ? `${d}d${pad(h)}h` : `${d}d`;
}

function trim(v: number): string {
  return v >= 100 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

const UNIT_US: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: US_PER_MS,
  s: US_PER_S,
  m: US_PER_M,
  h: US_PER_H,
  d: US_PER_D,
};

/**
 * Parses a duration as a person types it: "90s", "1h30m", "250ms", "2d", "01:02:03" or a bare number of seconds.
 * Returns µs, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * US_PER_S);
  const clock = /^(?:(\d+)d\s*)?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?$/.exec(t);
  if (clock) {
    const [, d, a, b, c] = clock;
    const [h, m, s] = c === undefined ? [0, Number(a), Number(b)] : [Number(a), Number(b), Number(c)];
    return Math.round(Number(d ?? 0) * US_PER_D + h * US_PER_H + m * US_PER_M + s * US_PER_S);
  }
  const re = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_US[m[2]!]!;
    end = re.lastIndex;
  }
  return end === t.length && end > 0 ? Math.round(total) : undefined;
}

const TICK_STEPS_US = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  1_000,
  2_000,
  5_000,
  10_000,
  20_000,
  50_000,
  100_000,
  200_000,
  500_000,
  US_PER_S,
  2 * US_PER_S,
  5 * US_PER_S,
  10 * US_PER_S,
  15 * US_PER_S,
  30 * US_PER_S,
  US_PER_M,
  2 * US_PER_M,
  5 * US_PER_M,
  10 * US_PER_M,
  15 * US_PER_M,
  30 * US_PER_M,
  US_PER_H,
  2 * US_PER_H,
  3 * US_PER_H,
  6 * US_PER_H,
  12 * US_PER_H,
  US_PER_D,
  2 * US_PER_D,
  7 * US_PER_D,
  14 * US_PER_D,
  30 * US_PER_D,
];

/** Tick positions (µs) over [lo, hi] on round time units, about `count` of them. */
export function timeTicks(lo: number, hi: number, count: number): number[] {
  const span = Math.max(1, hi - lo);
  const want = span / Math.max(1, count);
  const step = TICK_STEPS_US.find((s) => s >= want) ?? Math.ceil(want / (30 * US_PER_D)) * 30 * US_PER_D;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) out.push(t);
  return out;
}
