/**
 * `probability` expectations in `fabricsim check`: each is decided by the estimate's sequential test
 * (sim/estimate/sequential.ts), which stops as soon as the interval lies on one side of the bound.
 */
import { decideProbability, ExprError, prepareEstimate } from '../../estimate/index.js';
import type { Scenario } from '../../runner/index.js';
import { CliError } from '../errors.js';

export interface ProbabilityRow {
  readonly name: string;
  readonly measured: string;
  readonly bound: string;
  readonly passed: boolean;
}

function sci(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

/** Decides the scenario's probability expectations; an error in an event is a CliError naming file and path. */
export function checkProbabilities(file: string, scenario: Scenario): ProbabilityRow[] {
  const rows: ProbabilityRow[] = [];
  for (const p of scenario.resolved.probabilities ?? []) {
    let prepared: ReturnType<typeof prepareEstimate>;
    try {
      prepared = prepareEstimate(scenario.resolved, {
        event: p.event,
        method: p.method,
        ...(p.effort === null ? {} : { effort: p.effort }),
      });
    } catch (e) {
      if (e instanceof ExprError) throw new CliError(`${file}: expect[${p.index}].probability.event: ${e.message}`);
      throw e;
    }
    const d = decideProbability(prepared.setup, prepared.key, p.atMost, p.confidence);
    const r = d.report;
    const verdict = d.decision === 'undecided' ? ' (undecided)' : '';
    rows.push({
      name: `P(${p.event}) at most ${p.atMost}`,
      measured: `${sci(r.estimate)} [${sci(r.interval.low)}, ${sci(r.interval.high)}] after ${r.replications} replications${verdict}`,
      bound: `≤ ${p.atMost} at ${p.confidence}`,
      passed: d.decision === 'pass',
    });
  }
  return rows;
}
