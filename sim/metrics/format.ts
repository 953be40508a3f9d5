/**
 * Durations for people: rounded to what a reader can use (`46.46s`, `13m1.6s`, `2h5m`), where `formatDuration` is
 * exact to the microsecond (and parses back). Summaries and messages use this; files keep integer µs.
 */
export function formatHuman(us: number | null): string {
  if (us === null) return '—';
  if (!Number.isFinite(us)) return us > 0 ? '∞' : String(us);
  if (us < 0) return `-${formatHuman(-us)}`;
  if (us === 0) return '0s';
  if (us < 1_000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${trim((us / 1_000).toFixed(1))}ms`;
  if (us < 60_000_000) return `${trim((us / 1_000_000).toFixed(2))}s`;
  const totalS = us / 1_000_000;
  if (totalS < 3_600) {
    const m = Math.floor(totalS / 60);
    const s = Math.round((totalS - m * 60) * 10) / 10;
    return s === 0 ? `${m}m` : s >= 60 ? `${m + 1}m` : `${m}m${trim(s.toFixed(1))}s`;
  }
  const whole = Math.round(totalS);
  const d = Math.floor(whole / 86_400);
  const h = Math.floor((whole % 86_400) / 3_600);
  const m = Math.floor((whole % 3_600) / 60);
  const s = whole % 60;
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

function trim(x: string): string {
  return x.includes('.') ? x.replace(/\.?0+$/, '') : x;
}
