/**
 * The page's address keeps what is needed to reproduce the view: the run (`timeline=` a URL, or `scenario=` and
 * `seed=`), a second run shown side by side with it (`compare=` a URL), the playhead (`t=` µs, and `ev=` the selected event), the selected entity (`sel=`) and the open tour.
 */

export interface UrlState {
  readonly timeline?: string;
  readonly compare?: string;
  readonly scenario?: string;
  readonly seed?: number;
  readonly t?: number;
  readonly ev?: number;
  readonly sel?: string;
  readonly tour?: string;
  readonly tab?: string;
}

function int(v: string | null): number | undefined {
  if (v === null || !/^-?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const s: Record<string, string | number> = {};
  const timeline = q.get('timeline');
  if (timeline) s.timeline = timeline;
  const compare = q.get('compare');
  if (compare) s.compare = compare;
  const scenario = q.get('scenario');
  if (scenario) s.scenario = scenario;
  const seed = int(q.get('seed'));
  if (seed !== undefined && seed >= 0) s.seed = seed;
  const t = int(q.get('t'));
  if (t !== undefined && t >= 0) s.t = t;
  const ev = int(q.get('ev'));
  if (ev !== undefined && ev >= 0) s.ev = ev;
  const sel = q.get('sel');
  if (sel) s.sel = sel;
  const tour = q.get('tour');
  if (tour) s.tour = tour;
  const tab = q.get('tab');
  if (tab) s.tab = tab;
  return s as UrlState;
}

export function formatUrlState(s: UrlState): string {
  const q = new URLSearchParams();
  if (s.timeline) q.set('timeline', s.timeline);
  if (s.compare) q.set('compare', s.compare);
  if (s.scenario) q.set('scenario', s.scenario);
  if (s.seed !== undefined) q.set('seed', String(s.seed));
  if (s.t !== undefined) q.set('t', String(Math.round(s.t)));
  if (s.ev !== undefined && s.ev >= 0) q.set('ev', String(s.ev));
  if (s.sel) q.set('sel', s.sel);
  if (s.tour) q.set('tour', s.tour);
  if (s.tab) q.set('tab', s.tab);
  const text = q.toString();
  return text ? `?${text}` : '';
}
