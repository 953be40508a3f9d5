/**
 * Text output helpers: tables, numbers and durations as people read them. Deterministic (no locale).
 */
import { formatDuration } from '../engine/index.js';

/** 1234567 → "1,234,567" (always commas, whatever the locale). */
export function groupDigits(n: number): string {
  const [int, frac] = String(Math.abs(n)).split('.');
  const grouped = (int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (n < 0 ? '-' : '') + grouped + (frac === undefined ? '' : `.${frac}`);
}

/** A share in [0, 1] as a percentage with three decimals: 0.99982 → "99.982%", 1 → "100%". */
export function percent(share: number): string {
  if (!Number.isFinite(share)) return String(share);
  if (share === 1) return '100%';
  return `${(share * 100).toFixed(3)}%`;
}

/**
 * A duration in µs for reading, or "–" for null: exact below a second, to the millisecond above ("1m4.398s";
 * --json has the exact µs).
 */
export function duration(us: number | null): string {
  if (us === null) return '–';
  return formatDuration(Math.abs(us) >= 1_000_000 ? Math.round(us / 1000) * 1000 : us);
}

/** Display width of a string: its code points (the table's symbols, ✓ ✗ – …, are one column wide). */
function width(s: string): number {
  return [...s].length;
}

/**
 * A table with a header row, columns padded to their widest cell and separated by two spaces, every line
 * indented by `indent`. Columns listed in `right` are right-aligned (numbers).
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  opts: { indent?: string; right?: readonly number[] } = {},
): string {
  const indent = opts.indent ?? '  ';
  const right = new Set(opts.right ?? []);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - width(c)));
        return right.has(i) ? pad + c : i === cells.length - 1 ? c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
