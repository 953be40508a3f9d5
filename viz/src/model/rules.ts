/** Rules as events name them, and the scenario policies they correspond to. */
import {
  BUILT_IN_POLICIES,
  isModulePath,
  POLICY_PATHS,
  type PolicyChoices,
  type PolicyPoint,
} from '../../../sim/index.js';
/**
 * The policy a rule text names, when it names one: "fc.missedPolls=4" → "fc.missedPolls"; durations are kept in µs
 * under a "…Us" key, so "role.restartDelay=1s" → "role.restartDelayUs". Undefined for other rules (firewall rules…).
 */
export function policyOfRule(rule: string | undefined, policies: unknown): string | undefined {
  const m = /^([A-Za-z]+)\.([A-Za-z]+)=/.exec(rule ?? '');
  if (!m || !policies || typeof policies !== 'object') return undefined;
  const section = (policies as Record<string, Record<string, unknown>>)[m[1]!];
  if (!section) return undefined;
  if (m[2]! in section) return `${m[1]}.${m[2]}`;
  if (`${m[2]}Us` in section) return `${m[1]}.${m[2]}Us`;
  return undefined;
}

/** The pluggable decision behind each event kind (docs/policies.md). */
const POINT_OF_KIND: Readonly<Record<string, PolicyPoint>> = {
  'node.silent': 'detector',
  'instance.moved': 'placement',
  'healing.failed': 'placement',
  'upgrade.ud': 'upgradeWalk',
};

/**
 * The policy that decided an event, for the Why? panel: "policies.fc.detector = phi-accrual (threshold=8)", or the
 * built-in current policy when the scenario names none. Undefined for events no pluggable policy decides.
 */
export function policyOfEvent(kind: string, resolved: unknown): string | undefined {
  const point = POINT_OF_KIND[kind];
  if (point === undefined) return undefined;
  const choices = (resolved as { choices?: PolicyChoices } | undefined)?.choices;
  const c = choices?.[point];
  if (c === undefined) return `${POLICY_PATHS[point]} = ${BUILT_IN_POLICIES[point][0]} (built-in, the default)`;
  const params = Object.entries(c.params).map(([k, v]) => `${k}=${v}`);
  const kind2 = isModulePath(c.use) ? 'module' : 'built-in';
  return `${POLICY_PATHS[point]} = ${c.use}${params.length > 0 ? ` (${params.join(', ')})` : ''} (${kind2})`;
}

/** The built-in alternatives to the policy that decided an event, for "what if" runs: [point, built-in name][]. */
export function alternativePolicies(kind: string, resolved: unknown): { point: PolicyPoint; use: string }[] {
  const point = POINT_OF_KIND[kind];
  if (point === undefined) return [];
  const current =
    (resolved as { choices?: PolicyChoices } | undefined)?.choices?.[point]?.use ?? BUILT_IN_POLICIES[point][0];
  return BUILT_IN_POLICIES[point].filter((u) => u !== current).map((use) => ({ point, use }));
}
