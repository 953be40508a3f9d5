/** Rules as events name them, and the scenario policies they correspond to. */
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
