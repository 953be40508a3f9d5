/**
 * Classic endpoint ACL, enforced on the host node in front of one input endpoint.
 *
 * - At most 50 rules per endpoint; rules are tried lowest `order` first and the first match decides.
 * - No ACL (undefined or an empty list) permits every remote address.
 * - A list with at least one permit rule denies whatever no rule matched; a list of deny rules only permits it.
 *
 * Only the remote (source) address of inbound traffic is examined; port and protocol are those of the endpoint.
 */
import type { Address } from '../address.js';
import { type AddressSet, compileAddressSpec } from './address-set.js';
import { type Decision, makeDecision, RuleCompileError } from './decision.js';

export const ENDPOINT_ACL_MAX_RULES = 50;

export interface EndpointAclRule {
  /** Rule number; lower numbers are tried first. A non-negative integer, unique within the ACL. */
  readonly order: number;
  readonly action: 'permit' | 'deny';
  /** CIDR or single address of the remote clients the rule applies to, IPv4 or IPv6. */
  readonly remoteSubnet: string;
  readonly description?: string;
}

export interface CompiledEndpointAcl {
  /** Number of user rules (0 when there is no ACL). */
  readonly ruleCount: number;
  /** Every decision this ACL can return: one per rule in evaluation order, then the default. */
  readonly decisions: readonly Decision[];
  /** Decides for an inbound packet from `remote`. Allocation-free; returns a decision from `decisions`. */
  evaluate(remote: Address): Decision;
}

const NO_ACL = makeDecision(true, 'default:no-acl', 'no ACL on the endpoint: every remote address is permitted');

class EndpointAcl implements CompiledEndpointAcl {
  readonly decisions: readonly Decision[];
  constructor(
    private readonly subnets: readonly AddressSet[],
    private readonly ruleDecisions: readonly Decision[],
    private readonly fallback: Decision,
  ) {
    this.decisions = [...ruleDecisions, fallback];
  }

  get ruleCount(): number {
    return this.subnets.length;
  }

  evaluate(remote: Address): Decision {
    const subnets = this.subnets;
    for (let i = 0; i < subnets.length; i++) {
      if (subnets[i]!.contains(remote)) return this.ruleDecisions[i]!;
    }
    return this.fallback;
  }
}

/**
 * Compiles an endpoint ACL. Throws `RuleCompileError` naming `endpoint` for more than 50 rules, a duplicate or
 * invalid order number, an unknown action or a bad subnet.
 */
export function compileEndpointAcl(
  rules: readonly EndpointAclRule[] | undefined,
  endpoint = 'endpoint',
): CompiledEndpointAcl {
  if (rules === undefined || rules.length === 0) return new EndpointAcl([], [], NO_ACL);
  if (rules.length > ENDPOINT_ACL_MAX_RULES) {
    throw new RuleCompileError(
      `endpoint ACL ${endpoint}: ${rules.length} rules, at most ${ENDPOINT_ACL_MAX_RULES} are allowed`,
    );
  }
  const seen = new Set<number>();
  for (const r of rules) {
    if (!Number.isSafeInteger(r.order) || r.order < 0) {
      throw new RuleCompileError(`endpoint ACL ${endpoint}: order ${String(r.order)} is not a non-negative integer`);
    }
    if (seen.has(r.order)) throw new RuleCompileError(`endpoint ACL ${endpoint}: duplicate order ${r.order}`);
    seen.add(r.order);
    if (r.action !== 'permit' && r.action !== 'deny') {
      throw new RuleCompileError(`endpoint ACL ${endpoint} rule ${r.order}: action ${JSON.stringify(r.action)}`);
    }
  }
  const sorted = rules.slice().sort((a, b) => a.order - b.order);
  const subnets = sorted.map((r) =>
    compileAddressSpec(r.remoteSubnet, `endpoint ACL ${endpoint} rule ${r.order} remoteSubnet`),
  );
  const decisions = sorted.map((r) =>
    makeDecision(
      r.action === 'permit',
      `acl:${r.order}`,
      `${r.action} ${r.remoteSubnet}${r.description ? ` (${r.description})` : ''}`,
    ),
  );
  const anyPermit = sorted.some((r) => r.action === 'permit');
  const fallback = anyPermit
    ? makeDecision(false, 'default:acl-implicit-deny', 'not matched by a permit rule: implicitly denied')
    : makeDecision(true, 'default:acl-implicit-permit', 'deny-only ACL: addresses no rule denies are permitted');
  return new EndpointAcl(subnets, decisions, fallback);
}
