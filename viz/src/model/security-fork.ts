/**
 * "What if this firewall rule had decided otherwise?" for a security event: which attempt the event records, and the
 * misconfiguration (a rule set put in front of the configured rules, as `security.traffic` items of kind
 * `misconfigure` do) that makes the rule layer which decided it decide the other way for such attempts.
 */

import type { ResolvedRuleSet } from '../../../sim/spec/index.js';
import type { TimelineEvent } from '../../../sim/trace/index.js';
import type { ForkChange } from '../runner/protocol.js';

export type RuleForkChange = Extract<ForkChange, { type: 'rule' }>;

const VLAN_EXCEPTIONS = ['main->fc', 'main->device', 'device->main', 'device->fc'] as const;

/** Whether a rule text names a security rule (a firewall, an ACL, a list, a host filter, a VLAN, a default). */
export function isSecurityRule(rule: string | undefined): boolean {
  return /^(nsg|acl|list|host|sqlfw|vlan|default|lb):/.test(rule ?? '');
}

/**
 * The change that would flip the attempt a security event records — allow it when it was denied, deny it when it was
 * admitted — from `atUs` on; undefined when the event is no connection attempt or its deciding rule is one this
 * viewer cannot turn around.
 */
export function securityRuleFork(e: TimelineEvent, atUs: number): RuleForkChange | undefined {
  if (!e.k.startsWith('traffic.') || e.k.endsWith('.violation') || !e.m || !e.r || !isSecurityRule(e.r)) {
    return undefined;
  }
  const m = /^(\S+) → (\S+)(?: \([^)]*\))? (tcp|udp)\/(\d+): (admitted|denied)/.exec(e.x);
  if (!m) return undefined;
  const change: RuleForkChange = {
    type: 'rule',
    atUs: Math.max(0, Math.round(atUs)),
    rule: e.r,
    action: m[5] === 'denied' ? 'allow' : 'deny',
    from: m[1]!,
    to: m[2]!,
    port: Number(m[4]),
    protocol: m[3] as 'tcp' | 'udp',
  };
  return ruleChangeSet(change) ? change : undefined;
}

/** A source as the rules name it: the zone of an outside address, the instance or node behind a guest or host agent. */
export function sourceName(from: string): string {
  const zone = /^(internet|corpnet|saw):/.exec(from);
  if (zone) return zone[1]!;
  const agent = /^(ga|ha):(.+)$/.exec(from);
  if (agent) return agent[2]!;
  if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(from) && /[.:]/.test(from)) return from;
  return '*';
}

/** The role of an instance id ("shop.worker.1" → "shop.worker"), or undefined. */
export function roleOfInstance(id: string): string | undefined {
  return /^([^.\s]+\.[^.\s]+)\.\d+$/.exec(id)?.[1];
}

/**
 * The rule set (a misconfiguration's `change`) that makes the layer named by `ch.rule` decide `ch.action` for such
 * attempts: `n` numbers the rule changes of a fork, so that two of them do not replace each other. Undefined when
 * the rule's layer has no way to say so (a host filter only allows; a load balancer endpoint is only added).
 */
export function ruleChangeSet(ch: RuleForkChange, n = 1): ResolvedRuleSet | undefined {
  const name = `what-if-${n}`;
  const source = sourceName(ch.from);
  const port = ch.port;
  const nsg = (): ResolvedRuleSet => ({
    nsg: (['inbound', 'outbound'] as const).map((direction) => ({
      name: `${name}-${direction}`,
      priority: 100 + n - 1,
      direction,
      access: ch.action,
      protocol: ch.protocol,
      source: [source],
      sourcePorts: '*',
      destination: ['*'],
      destinationPorts: port,
    })),
  });
  const acl = { name, action: ch.action, source: [source], destination: ['*'], protocol: ch.protocol, ports: port };
  const list = /^(?:list|default):([^:]+):/.exec(ch.rule)?.[1];
  if (list?.startsWith('boundary-')) return { boundary: [acl] };
  if (list?.startsWith('hosts-')) return { hostAcl: [acl] };
  if (ch.rule.startsWith('nsg:')) return nsg();
  if (ch.action === 'deny') {
    // Admitted into a guest VM (its host filter had the last word): the NSG in front of it refuses it.
    if (ch.rule.startsWith('host:')) return nsg();
    return undefined;
  }
  if (ch.rule === 'lb:no-endpoint' && /^[^.\s]+\.[^.\s]+$/.test(ch.to)) {
    return { openPorts: [{ role: ch.to, port, protocol: ch.protocol }] };
  }
  const vlan = /^vlan:(.+)$/.exec(ch.rule)?.[1];
  if (vlan) {
    const ex = VLAN_EXCEPTIONS.find((v) => v === vlan);
    return ex ? { vlanAllow: [ex] } : undefined;
  }
  if (ch.rule.startsWith('host:') || ch.rule === 'default:host-deny-all') {
    const role = roleOfInstance(ch.to);
    if (!role) return undefined;
    return {
      hostFilter: {
        [role]: [
          {
            id: `user:${name}`,
            direction: 'in',
            proto: ch.protocol,
            src: [source],
            srcPort: '*',
            dst: null,
            dstPort: port,
            stateful: true,
          },
        ],
      },
    };
  }
  return undefined;
}

/** A short label for a rule change: "allow internet → shop.worker tcp/9000 (lb:no-endpoint)". */
export function ruleForkLabel(ch: RuleForkChange): string {
  return `${ch.action} ${sourceName(ch.from)} → ${ch.to} ${ch.protocol}/${ch.port} (${ch.rule})`;
}
