/**
 * The run worker: loads a scenario (text, or the resolved scenario a timeline carries), applies "what if" changes,
 * runs it with the same engine as the command line — so the same scenario and seed give the same trace hash — and
 * posts progress and then the timeline back, its events in columns whose buffers are transferred (loader/pack.ts).
 */
import { loadScenario, runScenario, type Scenario } from '../../sim/index.js';
import type { ResolvedScenario } from '../../sim/spec/index.js';
import { columnBuffers } from '../../sim/trace/index.js';
import { packTimeline } from './loader/pack.js';
import { applyChanges } from './runner/apply-changes.js';
import type { RunRequest, RunResponse } from './runner/protocol.js';

const post = (msg: RunResponse, transfer: Transferable[] = []): void =>
  (self as unknown as Worker).postMessage(msg, transfer);

function load(req: RunRequest): { scenario: Scenario; seed: number } {
  if (req.source === 'text') {
    const scenario = loadScenario(req.text, {
      fileName: req.fileName,
      readExtends: (name) => {
        const base = name.split(/[\\/]/).pop() ?? name;
        const text = req.library[base];
        if (text === undefined) throw new Error(`no bundled scenario named ${base}`);
        return { text, fileName: base };
      },
    });
    return { scenario, seed: req.seed ?? scenario.seed };
  }
  const resolved = req.scenario.resolved as ResolvedScenario;
  if (!resolved || typeof resolved !== 'object' || !Array.isArray(resolved.faults)) {
    throw new Error('this timeline does not carry a scenario that can be re-run');
  }
  // runScenario only reads `resolved`; the other fields describe the source file, which a timeline does not carry.
  const scenario = {
    name: req.scenario.name,
    fileName: req.scenario.file ?? `${req.scenario.name}.yaml`,
    seed: resolved.seed,
    durationUs: resolved.durationUs,
    hash: '',
    file: {},
    resolved,
  } as unknown as Scenario;
  return { scenario, seed: req.seed ?? req.defaultSeed };
}

self.onmessage = (ev: MessageEvent<RunRequest>) => {
  const req = ev.data;
  const t0 = performance.now();
  try {
    const { scenario, seed } = load(req);
    const resolved = req.changes.length > 0 ? applyChanges(scenario.resolved, req.changes) : scenario.resolved;
    let last = 0;
    const { timeline } = runScenario(
      { ...scenario, resolved },
      {
        seed,
        record: true,
        onProgress: (fraction) => {
          if (fraction - last >= 0.02 || fraction === 1) {
            last = fraction;
            post({ id: req.id, type: 'progress', fraction });
          }
        },
      },
    );
    if (!timeline) throw new Error('the run recorded no timeline');
    const packed = packTimeline(timeline);
    post({ id: req.id, type: 'done', packed, elapsedMs: performance.now() - t0 }, columnBuffers(packed.columns));
  } catch (e) {
    post({ id: req.id, type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
