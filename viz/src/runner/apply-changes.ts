/**
 * Applies "what if" changes to a resolved scenario: a scripted fault appended to its faults at a given time, or a
 * policy (a rule's parameter) replaced, or a security rule turned around (a misconfiguration appended to the scripted
 * security traffic: a rule set in front of the configured rules, from a given time on, never reverted). Pure: returns a new scenario and leaves the given one alone.
 */

import { BUILT_IN_POLICIES } from '../../../sim/index.js';
import type { FaultKind, ResolvedScenario, ResolvedTraffic, ScriptedFaultSpec } from '../../../sim/spec/index.js';
import { ruleChangeSet, ruleForkLabel } from '../model/security-fork.js';
import type { ForkChange } from './protocol.js';

/** The id given to the n-th fault a fork adds ("what-if-1", …), unique within the scenario. */
export function forkFaultId(sc: ResolvedScenario, n: number): string {
  const taken = new Set(sc.faults.map((f) => f.id));
  let id = `what-if-${n}`;
  for (let k = 2; taken.has(id); k++) id = `what-if-${n}-${k}`;
  return id;
}

/** A target id as a glob that matches it alone (ids never hold the glob characters "*" and "?"). */
function literalGlob(id: string): string {
  if (/[*?]/.test(id)) throw new Error(`not an id: ${id}`);
  return id;
}

export function applyChanges(sc: ResolvedScenario, changes: readonly ForkChange[]): ResolvedScenario {
  let out: ResolvedScenario = sc;
  let n = 0;
  let rules = 0;
  for (const ch of changes) {
    if (ch.type === 'rule') {
      rules++;
      out = withRuleChange(out, ch, rules);
    } else if (ch.type === 'choice') {
      // A built-in policy for a pluggable decision (the browser runs built-ins only); the default means none.
      const { [ch.point]: _old, ...rest } = out.choices ?? {};
      const isDefault = BUILT_IN_POLICIES[ch.point][0] === ch.use;
      if (!BUILT_IN_POLICIES[ch.point].includes(ch.use)) throw new Error(`no built-in ${ch.point} policy ${ch.use}`);
      const choices = isDefault ? rest : { ...rest, [ch.point]: { use: ch.use, params: {} } };
      const { choices: _c, ...base } = out;
      out = Object.keys(choices).length === 0 ? base : { ...base, choices };
    } else if (ch.type === 'fault') {
      n++;
      const fault: ScriptedFaultSpec = {
        type: 'scripted',
        id: forkFaultId(out, n),
        atUs: Math.max(0, Math.round(ch.atUs)),
        target: { kind: 'glob', pattern: literalGlob(ch.target) },
        kind: ch.kind as FaultKind,
        durationUs: null,
        groups: null,
        lossRate: 0,
        extraLatencyUs: 0,
        index: out.faults.length,
      };
      out = { ...out, faults: [...out.faults, fault] };
    } else {
      const policies = out.policies as unknown as Record<string, Record<string, number | boolean>>;
      const section = policies[ch.section];
      if (!section || !(ch.key in section)) throw new Error(`unknown rule ${ch.section}.${ch.key}`);
      if (typeof section[ch.key] !== typeof ch.value) {
        throw new Error(
          `rule ${ch.section}.${ch.key} takes a ${typeof section[ch.key]}, not ${JSON.stringify(ch.value)}`,
        );
      }
      out = {
        ...out,
        policies: {
          ...policies,
          [ch.section]: { ...section, [ch.key]: ch.value },
        } as unknown as ResolvedScenario['policies'],
      };
    }
  }
  return out;
}

/** An id for a fork's misconfiguration, unique among the faults and the security traffic. */
function forkRuleId(sc: ResolvedScenario, n: number): string {
  const taken = new Set([...sc.faults.map((f) => f.id), ...(sc.security?.traffic ?? []).map((t) => t.id)]);
  let id = `what-if-rule-${n}`;
  for (let k = 2; taken.has(id); k++) id = `what-if-rule-${n}-${k}`;
  return id;
}

function withRuleChange(sc: ResolvedScenario, ch: Extract<ForkChange, { type: 'rule' }>, n: number): ResolvedScenario {
  const sec = sc.security;
  if (!sec) throw new Error('this scenario has no security section: no rule to change');
  const change = ruleChangeSet(ch, n);
  if (!change) throw new Error(`cannot make rule ${ch.rule} ${ch.action} this attempt`);
  const roles = new Set(sc.services.flatMap((s) => s.roles.map((r) => r.id)));
  for (const role of [...(change.openPorts ?? []).map((o) => o.role), ...Object.keys(change.hostFilter ?? {})]) {
    if (!roles.has(role)) throw new Error(`unknown role ${role}`);
  }
  const item: ResolvedTraffic = {
    index: sec.traffic.length,
    kind: 'misconfigure',
    intent: 'admin',
    id: forkRuleId(sc, n),
    atUs: Math.max(0, Math.round(ch.atUs)),
    everyUs: 0,
    count: 1,
    from: 'internet',
    sources: 1,
    to: '',
    port: 0,
    protocol: 'tcp',
    holdUs: 60_000_000,
    login: '',
    logins: [],
    password: '',
    passwords: null,
    as: '',
    database: '',
    permission: null,
    authentication: 'sql',
    target: '',
    software: '',
    account: '',
    accountKind: null,
    mfa: true,
    breakGlass: false,
    approve: true,
    durationUs: null,
    build: '',
    component: 'host-os',
    infected: false,
    failing: false,
    release: true,
    change,
    label: `what if: ${ruleForkLabel(ch)}`,
  };
  return { ...sc, security: { ...sec, traffic: [...sec.traffic, item] } };
}
