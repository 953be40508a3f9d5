/**
 * Human-readable numbers for the summary table and the report: durations from µs ("9m12.4s"), shares as
 * percentages, counts. Deterministic (toFixed only, no locale).
 */
import type { Unit } from '../../sweep/index.js';

const US_PER_MS = 1_000;
const US_PER_S = 1_000_000;
const US_PER_MIN = 60 * US_PER_S;
const US_PER_H = 60 * US_PER_MIN;
const US_PER_D = 24 * US_PER_H;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A duration in µs: "0s", "850us", "12.3ms", "4.52s", "9m12.4s", "2h03m12s", "3d04h12m"; +∞ is "∞". */
export function formatDurationUs(us: number): string {
  if (us === Number.POSITIVE_INFINITY) return '∞';
  if (us === Number.NEGATIVE_INFINITY) return '-∞';
  if (us === 0) return '0s';
  if (us < 0) return `-${formatDurationUs(-us)}`;
  if (us < US_PER_MS) return `${trim(us.toFixed(us < 10 ? 1 : 0))}us`;
  if (us < US_PER_S) return `${trim((us / US_PER_MS).toFixed(us < 10 * US_PER_MS ? 2 : 1))}ms`;
  if (us < US_PER_MIN) return `${trim((us / US_PER_S).toFixed(us < 10 * US_PER_S ? 2 : 1))}s`;
  if (us < US_PER_H) {
    const tenths = Math.round(us / (US_PER_S / 10));
    const m = Math.floor(tenths / 600);
    const s = (tenths - m * 600) / 10;
    return `${m}m${trim(s.toFixed(1))}s`;
  }
  if (us < US_PER_D) {
    const secs = Math.round(us / US_PER_S);
    const h = Math.floor(secs / 3600);
    const m = Math.floor((secs - h * 3600) / 60);
    return `${h}h${pad2(m)}m${pad2(secs - h * 3600 - m * 60)}s`;
  }
  const mins = Math.round(us / US_PER_MIN);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins - d * 1440) / 60);
  return `${d}d${pad2(h)}h${pad2(mins - d * 1440 - h * 60)}m`;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** A share in [0, 1] as a percentage with enough digits to tell 99.99 % from 99.999 %. */
export function formatShare(x: number): string {
  if (x === 1) return '100%';
  if (x >= 0.999) return `${(x * 100).toFixed(4)}%`;
  if (x >= 0.99) return `${(x * 100).toFixed(3)}%`;
  return `${(x * 100).toFixed(2)}%`;
}

export function formatCount(x: number): string {
  if (x === Number.POSITIVE_INFINITY) return '∞';
  return Number.isInteger(x) ? String(x) : trim(x.toFixed(2));
}

/** A value of a metric; null is "–" (no value / not bounded with this many samples). */
export function formatValue(x: number | null, unit: Unit): string {
  if (x === null) return '–';
  switch (unit) {
    case 'us':
      return formatDurationUs(x);
    case 'share':
      return formatShare(x);
    case 'count':
      return formatCount(x);
  }
}

/** A signed difference of a metric: durations and counts as such, shares in percentage points. */
export function formatDifference(x: number | null, unit: Unit): string {
  if (x === null) return '–';
  const sign = x > 0 ? '+' : x < 0 ? '-' : '±';
  const a = Math.abs(x);
  switch (unit) {
    case 'us':
      return sign + formatDurationUs(a);
    case 'share':
      return `${sign}${(a * 100).toFixed(4)}pp`;
    case 'count':
      return sign + trim(a.toFixed(3));
  }
}

/** The share of censored values: never "0.0%" when some are (1 of 7852 is "0.013%"), "0%" only when none are. */
export function formatCensoredShare(censored: number, n: number): string {
  if (censored === 0) return '0%';
  const pct = (censored / n) * 100;
  return pct >= 1 ? `${pct.toFixed(1)}%` : `${pct.toPrecision(2)}%`;
}
