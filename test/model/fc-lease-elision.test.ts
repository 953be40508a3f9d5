/**
 * FC lease exchanges on a quiet network are elided like routine polls (fc-replicas.ts): with a partition that splits
 * the replicas, and with message loss, the run is the same as simulating every exchange.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertExpectations, runScenario } from '../../sim/index.js';
import { ROOT, scenarioText } from './helpers.js';

const base = readFileSync(join(ROOT, 'scenarios', 'fc-partition.yaml'), 'utf8');
const withElide = (elide: boolean, extraFault = '') =>
  scenarioText(base.replace('faults:\n', `policies:\n  network: { elideRoutine: ${elide} }\nfaults:\n${extraFault}`));

describe('FC lease exchanges on a quiet network', () => {
  it('give the same trace, faults and metrics elided as simulated, around a partition of the replicas', () => {
    const elided = runScenario(withElide(true), { record: false }).summary;
    const full = runScenario(withElide(false), { record: false }).summary;
    assertExpectations(elided);
    expect(elided.eventCounts['fc.lease-lost']).toBe(1);
    expect(elided.traceHash).toBe(full.traceHash);
    expect(elided.faults).toEqual(full.faults);
    expect([elided.fc, elided.roles, elided.eventCounts]).toEqual([full.fc, full.roles, full.eventCounts]);
  });

  it('and with message loss between them', () => {
    const loss = '  - { at: 30m, kind: network.loss, duration: 20m, lossRate: 0.6 }\n';
    const elided = runScenario(withElide(true, loss), { record: false }).summary;
    const full = runScenario(withElide(false, loss), { record: false }).summary;
    expect(elided.traceHash).toBe(full.traceHash);
    expect(elided.faults).toEqual(full.faults);
    expect([elided.fc, elided.roles, elided.eventCounts]).toEqual([full.fc, full.roles, full.eventCounts]);
  });
});
