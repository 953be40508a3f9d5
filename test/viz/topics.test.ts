/**
 * "In the document": every event of every bundled scenario is explained by the section of the infrastructure-
 * integrity document that its kind illustrates (model/topic-of.ts), and that section has a text.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withPlugins } from '../../sim/cli/plugins.js';
import { loadScenario, runScenario } from '../../sim/index.js';
import type { Timeline, TimelineEvent } from '../../sim/trace/format.js';
import { topicOf } from '../../viz/src/model/topic-of.js';
import { TOPIC_TEXTS } from '../../viz/src/topics.js';

const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
// Policy modules beside a scenario (scenarios/plugins/) are loaded as the command line loads them.
const runs: [string, Timeline][] = await Promise.all(
  files.map(async (f): Promise<[string, Timeline]> => {
    const sc = await withPlugins(loadScenario(readFileSync(`scenarios/${f}`, 'utf8'), { fileName: `scenarios/${f}` }));
    return [f, runScenario(sc, {}).timeline!];
  }),
);

function root(events: readonly TimelineEvent[], id: number): TimelineEvent {
  let i = id;
  while (events[i]!.c >= 0 && events[i]!.c < i) i = events[i]!.c;
  return events[i]!;
}

const NODE_FAULT = /^fault:(node\.|host-agent\.|rack\.)/;

describe('topicOf', () => {
  it('gives every event of every bundled scenario a section of the document with a text', () => {
    for (const [f, tl] of runs) {
      tl.events.forEach((_, id) => {
        const key = topicOf(tl.events, id);
        expect(key && TOPIC_TEXTS[key], `${f} event ${id} (${tl.events[id]!.k})`).toBeTruthy();
      });
    }
  });

  it('maps each kind of event to the mechanism it shows', () => {
    const seen = new Set<string>();
    for (const [f, tl] of runs) {
      tl.events.forEach((e, id) => {
        const key = topicOf(tl.events, id);
        const where = `${f} event ${id} (${e.k} ${e.r ?? ''})`;
        if (e.tp === 'change-management') {
          expect(key, where).toBe('change-management');
          return;
        }
        if (e.k === 'msg.poll' || e.k.startsWith('node.') || e.k.startsWith('healing.') || e.k === 'instance.moved') {
          expect(key, where).toBe('service-healing');
          seen.add('node');
        } else if (e.k === 'msg.probe' || e.k.startsWith('lb.')) {
          expect(key, where).toBe('lb-health');
          seen.add('lb');
        } else if (['fault.start', 'detect', 'recover'].includes(e.k) && NODE_FAULT.test(root(tl.events, id).r ?? '')) {
          // A node crash and its detection and recovery: node failure and service healing, not role restarts.
          expect(key, where).toBe('service-healing');
          seen.add('node-fault');
        } else if (
          ['fault.start', 'detect', 'recover'].includes(e.k) &&
          /^fault:(role|vm)\./.test(root(tl.events, id).r ?? '')
        ) {
          expect(key, where).toBe('role-monitoring');
          seen.add('role-fault');
        } else if (e.k.startsWith('traffic.') && e.m?.ok === false && key === 'compute-connectivity') {
          // A refused connection is explained by who may reach what — not by the load balancer's rotation.
          expect(TOPIC_TEXTS[key].text, where).not.toMatch(/rotation/);
          seen.add('deny');
        }
      });
    }
    expect([...seen].sort()).toEqual(['deny', 'lb', 'node', 'node-fault', 'role-fault']);
  });
});
