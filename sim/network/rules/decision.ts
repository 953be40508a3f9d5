/**
 * The outcome of a rule engine: allowed or not, which rule decided, and why in a few words.
 *
 * Compiled rule sets create one frozen `Decision` per rule and per default at compile time and return those same
 * objects on every evaluation, so evaluating allocates nothing and callers may compare decisions by identity.
 */
export interface Decision {
  readonly allowed: boolean;
  /** Stable id of the deciding rule, e.g. 'acl:100', 'nsg:65500:DenyAllInBound', 'default:no-acl'. */
  readonly rule: string;
  /** Short human reason, for traces and the viewer. */
  readonly text: string;
}

/** Creates a frozen decision. For compile time only. */
export function makeDecision(allowed: boolean, rule: string, text: string): Decision {
  return Object.freeze({ allowed, rule, text });
}

/** A rule set that could not be compiled; the message names the rule set, the rule and the bad value. */
export class RuleCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleCompileError';
  }
}
