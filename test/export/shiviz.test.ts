/**
 * `--format shiviz`: checked against ShiViz's published input format (first line the parsing regular expression,
 * second line the executions delimiter, then the log; the `host`, `clock` and `event` capture groups; a clock that
 * is a JSON object naming its own host, whose own entry starts at 1 and goes up by one per event), and the vector
 * clocks against the happened-before relation worked out independently from the cause chains.
 */
import { describe, expect, it } from 'vitest';
import { SHIVIZ_REGEX, shivizHost } from '../../sim/export/shiviz.js';
import type { Timeline } from '../../sim/trace/format.js';
import { exportBytes, SCENARIOS, scenarioTimeline } from './helpers.js';

interface Line {
  time: number;
  host: string;
  clock: Record<string, number>;
  event: string;
}

function parse(timeline: Timeline): { header: string[]; lines: Line[] } {
  const text = exportBytes(timeline, 'shiviz').bytes.toString('utf8');
  const all = text.split('\n');
  expect(all.at(-1)).toBe('');
  const header = all.slice(0, 2);
  // ShiViz applies the expression to the log; every line must match it whole.
  const re = new RegExp(`^${SHIVIZ_REGEX}$`);
  const lines = all.slice(2, -1).map((l) => {
    const m = re.exec(l);
    expect(m, l).not.toBeNull();
    const g = m!.groups!;
    return { time: Number(g.time), host: g.host!, clock: JSON.parse(g.clock!), event: g.event! };
  });
  return { header, lines };
}

/** Happened-before, independently: reachability over cause edges and same-host order (for small timelines). */
function happenedBefore(timeline: Timeline, hostOf: (i: number) => string): boolean[][] {
  const n = timeline.events.length;
  const reach = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  const lastOnHost = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const preds: number[] = [];
    const c = timeline.events[i]!.c;
    if (c >= 0) preds.push(c);
    const prev = lastOnHost.get(hostOf(i));
    if (prev !== undefined) preds.push(prev);
    lastOnHost.set(hostOf(i), i);
    for (const p of preds) {
      reach[p]![i] = true;
      for (let k = 0; k < p; k++) if (reach[k]![p]) reach[k]![i] = true;
    }
  }
  return reach;
}

/** a ≤ b entry by entry (a missing entry is 0). */
function leq(a: Record<string, number>, b: Record<string, number>): boolean {
  return Object.entries(a).every(([h, v]) => v <= (b[h] ?? 0));
}

describe.each(SCENARIOS)('shiviz export of %s', (name) => {
  const timeline = scenarioTimeline(name);
  const { header, lines } = parse(timeline);

  it('starts with the parsing expression and an empty delimiter line, then one line per event', () => {
    expect(header).toEqual([SHIVIZ_REGEX, '']);
    // ShiViz's three required capture groups.
    for (const g of ['host', 'clock', 'event']) expect(SHIVIZ_REGEX).toContain(`(?<${g}>`);
    expect(lines.length).toBe(timeline.events.length);
    lines.forEach((l, i) => {
      const e = timeline.events[i]!;
      expect(l.time).toBe(e.t);
      expect(l.event).toBe(`${e.k} ${e.s}: ${e.x}`);
    });
  });

  it('has clocks that name their own host, which starts at 1 and goes up by one per event', () => {
    const count = new Map<string, number>();
    for (const l of lines) {
      const n = (count.get(l.host) ?? 0) + 1;
      count.set(l.host, n);
      expect(l.clock[l.host]).toBe(n);
      for (const [h, v] of Object.entries(l.clock)) {
        expect(count.has(h), `${h} in a clock before it has an event`).toBe(true);
        expect(v).toBeLessThanOrEqual(count.get(h)!);
      }
    }
  });

  it('orders two events by their clocks exactly when one happened before the other', () => {
    const reach = happenedBefore(timeline, (i) => lines[i]!.host);
    const wrong: string[] = [];
    let related = 0;
    for (let a = 0; a < lines.length; a++) {
      for (let b = 0; b < lines.length; b++) {
        if (a === b) continue;
        if (reach[a]![b]) related++;
        if (leq(lines[a]!.clock, lines[b]!.clock) !== reach[a]![b]) wrong.push(`#${a} → #${b}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    // Neither all related nor none: the check means something.
    expect(related).toBeGreaterThan(0);
    expect(related).toBeLessThan(lines.length * (lines.length - 1));
  });
});

describe('shiviz hosts', () => {
  it('are single words that JSON keys and \\S+ take as they are', () => {
    expect(shivizHost('shop.web.0')).toBe('shop.web.0');
    expect(shivizHost('internet:203.0.113.9')).toBe('internet:203.0.113.9');
    expect(shivizHost('management endpoint open to *')).toBe('management_endpoint_open_to_*');
    expect(shivizHost('a"b}c{d')).toBe('a_b_c_d');
  });

  it('puts an instance and its guest agent on one host, and other machines on others', () => {
    const { lines } = parse(scenarioTimeline('quickstart'));
    const hosts = new Set(lines.map((l) => l.host));
    expect(hosts.has('shop.web.0')).toBe(true);
    expect(hosts.has('ga:shop.web.0')).toBe(false);
    expect(hosts.has('c0-r1-n0')).toBe(true);
  });
});
