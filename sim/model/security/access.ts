/**
 * The closed and locked environment as configured: who may log in to a node or guest VM (the access checks of
 * `sim/auth/access.ts`, with the configuration's switches), Just-In-Time grants, account creation on nodes, and
 * the host OS's approved image manifest (which binds the host OS only: a guest VM is the customer's).
 *
 * A switch turned off (a misconfiguration) relaxes exactly one requirement; when that relaxation is what let an
 * attempt in, the decision names the switch ('config:mfa-not-required'…), so the record shows what was wrong.
 */

import {
  ACCESS_DECISIONS,
  type AccountKind,
  type AdminAccessRequest,
  checkAdminAccess,
  type JitGrant,
} from '../../auth/index.js';
import { type Decision, makeDecision } from '../../network/index.js';
import type { FullRuleSet } from '../../spec/index.js';

const RELAXED = {
  mfa: makeDecision(true, 'config:mfa-not-required', 'allowed without MFA: MFA is not required'),
  saw: makeDecision(true, 'config:saw-not-required', 'allowed from an ordinary workstation: SAWs are not required'),
  jit: makeDecision(true, 'config:jit-not-required', 'allowed without a JIT grant: JIT is not required'),
  defaultAdmin: makeDecision(true, 'config:default-admin-enabled', 'the built-in administrator account is enabled'),
  localAccounts: makeDecision(true, 'config:local-accounts-allowed', 'user accounts may be created on nodes'),
};

export const INSTALL_APPROVED = makeDecision(true, 'hostos:in-manifest', 'in the approved image manifest');
export const INSTALL_REFUSED = makeDecision(
  false,
  'hostos:not-in-manifest',
  'the host OS refuses software outside the approved image manifest',
);
export const INSTALL_UNCHECKED = makeDecision(true, 'config:manifest-not-enforced', 'the manifest is not enforced');
export const INSTALL_GUEST = makeDecision(
  true,
  'guestos:customer-vm',
  'a guest VM is the customer’s: the host OS manifest does not apply there, the installation is audited',
);
export const JIT_APPROVED = makeDecision(true, 'jit:approved', 'Just-In-Time access approved');
export const JIT_REJECTED = makeDecision(false, 'jit:rejected', 'the approver rejected the request');
export const JIT_NOT_OPERATOR = makeDecision(false, 'jit:not-an-operator', 'only operators can request JIT access');

export class ClosedEnvironment {
  private readonly grants = new Map<string, Required<JitGrant>>();

  constructor(private readonly admins: ReadonlyMap<string, 'live-support-admin' | 'engineer'>) {}

  /** The kind of `account`: a declared operator's, else the kind an attempt claims, else a customer's. */
  kindOf(account: string, claimed: AccountKind | null): AccountKind {
    return this.admins.get(account) ?? claimed ?? 'customer';
  }

  grantOf(account: string): Required<JitGrant> | null {
    return this.grants.get(account) ?? null;
  }

  /** A JIT request by `account`, approved or not. */
  requestJit(account: string, approve: boolean, nowUs: number, durationUs: number): Decision {
    if (!this.admins.has(account)) return JIT_NOT_OPERATOR;
    if (!approve) return JIT_REJECTED;
    this.grants.set(account, { approvedAtUs: nowUs, durationUs });
    return JIT_APPROVED;
  }

  /** An interactive login to a node or VM under the configuration `cfg`. */
  adminLogin(req: AdminAccessRequest, cfg: FullRuleSet): Decision {
    if (req.accountKind === 'default-admin' && cfg.defaultAdminEnabled) return RELAXED.defaultAdmin;
    let r = req;
    let d = checkAdminAccess(r);
    let relaxed: Decision | null = null;
    // Each switch that is off lifts its requirement; at most the three steps below.
    for (let step = 0; step < 3 && !d.allowed; step++) {
      if (d === ACCESS_DECISIONS.mfaRequired && !cfg.requireMfa) {
        r = { ...r, mfa: true };
        relaxed = RELAXED.mfa;
      } else if (d === ACCESS_DECISIONS.sawRequired && !cfg.requireSaw) {
        r = { ...r, fromSaw: true };
        relaxed = RELAXED.saw;
      } else if (
        (d === ACCESS_DECISIONS.jitRequired ||
          d === ACCESS_DECISIONS.jitExpired ||
          d === ACCESS_DECISIONS.jitNotYetValid) &&
        !cfg.requireJit
      ) {
        return relaxed ?? RELAXED.jit;
      } else break;
      d = checkAdminAccess(r);
    }
    return d.allowed && relaxed !== null ? relaxed : d;
  }

  /** Creating a user account on a node or VM. */
  createAccount(cfg: FullRuleSet): Decision {
    return cfg.localAccounts ? RELAXED.localAccounts : ACCESS_DECISIONS.noLocalAccounts;
  }

  /**
   * Installing `software` on a node's host OS (`onHost`) or in a customer's guest VM. Only the host OS enforces the
   * approved image manifest; a guest VM is the customer's, so whatever is installed there is allowed and audited.
   */
  install(software: string, cfg: FullRuleSet, onHost: boolean): Decision {
    if (!onHost) return INSTALL_GUEST;
    if (cfg.approvedSoftware.includes(software)) return INSTALL_APPROVED;
    return cfg.enforceManifest ? INSTALL_REFUSED : INSTALL_UNCHECKED;
  }
}
