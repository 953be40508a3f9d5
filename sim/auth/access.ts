/**
 * The closed and locked environment: who may log in to a node or guest VM, and who may touch customer data.
 *
 * Nodes and guest VMs carry no user accounts and their default administrator accounts are disabled. Operators reach
 * production from corpnet only, with MFA, from a secure admin workstation (SAW), under their own individually assigned
 * admin account, and with a Just-In-Time grant that lapses (default 8 h). Break-glass emergencies are exempt from JIT
 * and Lockbox, never from identity checks. Customer-data access additionally needs a Customer Lockbox approval: a
 * request expires 4 days after it is made if nobody approves it, and approved access lasts 8 h.
 *
 * `checkAdminAccess` applies its requirements in a fixed order and names the first one that fails.
 * Time is simulated µs passed in by the caller.
 */
import { type Decision, makeDecision } from '../network/index.js';

const US_PER_HOUR = 3_600_000_000;
const US_PER_DAY = 24 * US_PER_HOUR;

export const JIT_DEFAULT_DURATION_US = 8 * US_PER_HOUR;
export const LOCKBOX_REQUEST_EXPIRY_US = 4 * US_PER_DAY;
export const LOCKBOX_ACCESS_DURATION_US = 8 * US_PER_HOUR;

/**
 * - `live-support-admin`: platform support admin, allowed in for emergency repairs.
 * - `engineer`: triage, deployment, outage-support or live-site engineer, allowed in through JIT.
 * - `customer`: a tenant's identity; tenants never administer platform nodes.
 * - `local`: an account on the node or VM itself; there are none.
 * - `default-admin`: the built-in administrator account of the OS image; disabled.
 */
export type AccountKind = 'live-support-admin' | 'engineer' | 'customer' | 'local' | 'default-admin';
export type SourceZone = 'corpnet' | 'internet' | 'production' | 'customer-network';

export interface JitGrant {
  /** When the grant was approved, µs. */
  readonly approvedAtUs: number;
  /** How long it lasts, µs; default `JIT_DEFAULT_DURATION_US` (8 h). */
  readonly durationUs?: number;
}

export interface AdminAccessRequest {
  /** The individually assigned admin account; must not be empty. */
  readonly account: string;
  readonly accountKind: AccountKind;
  readonly mfa: boolean;
  readonly fromSaw: boolean;
  readonly sourceZone: SourceZone;
  readonly jit?: JitGrant;
  readonly nowUs: number;
  /** A declared break-glass emergency: exempt from JIT (and Lockbox), not from identity checks. */
  readonly breakGlass?: boolean;
}

export const ACCESS_DECISIONS = Object.freeze({
  noLocalAccounts: makeDecision(false, 'access:no-local-accounts', 'nodes and VMs have no user accounts'),
  defaultAdminDisabled: makeDecision(
    false,
    'access:default-admin-disabled',
    'default administrator accounts are disabled',
  ),
  customer: makeDecision(false, 'access:customer-not-operator', 'customers do not administer platform nodes'),
  unknownKind: makeDecision(false, 'access:unknown-account-kind', 'not an operator account'),
  noIndividualAccount: makeDecision(
    false,
    'access:no-individual-account',
    'operators use their own individually assigned admin account',
  ),
  notFromCorpnet: makeDecision(false, 'access:not-from-corpnet', 'production is reached from corpnet only'),
  mfaRequired: makeDecision(false, 'access:mfa-required', 'corpnet to production requires MFA'),
  sawRequired: makeDecision(false, 'access:saw-required', 'admins must use a secure admin workstation'),
  breakGlass: makeDecision(true, 'access:break-glass', 'break-glass emergency: exempt from JIT and Lockbox'),
  jitRequired: makeDecision(false, 'access:jit-required', 'no Just-In-Time grant'),
  jitNotYetValid: makeDecision(false, 'access:jit-not-yet-valid', 'the JIT grant starts later'),
  jitExpired: makeDecision(false, 'access:jit-expired', 'the JIT grant has lapsed'),
  jitGranted: makeDecision(true, 'access:jit', 'allowed under a current JIT grant'),
});

const OPERATOR_KINDS: readonly string[] = ['live-support-admin', 'engineer'];

/**
 * Decides an administrative login, checking in this order: account kind (local, default admin, customer, other
 * non-operator), individual account, corpnet source, MFA, SAW, then break-glass exemption, then the JIT grant's
 * window [approvedAtUs, approvedAtUs + durationUs). Allocation-free.
 */
export function checkAdminAccess(req: AdminAccessRequest): Decision {
  const D = ACCESS_DECISIONS;
  if (req.accountKind === 'local') return D.noLocalAccounts;
  if (req.accountKind === 'default-admin') return D.defaultAdminDisabled;
  if (req.accountKind === 'customer') return D.customer;
  if (!OPERATOR_KINDS.includes(req.accountKind)) return D.unknownKind;
  if (typeof req.account !== 'string' || req.account.trim() === '') return D.noIndividualAccount;
  if (req.sourceZone !== 'corpnet') return D.notFromCorpnet;
  if (!req.mfa) return D.mfaRequired;
  if (!req.fromSaw) return D.sawRequired;
  if (req.breakGlass) return D.breakGlass;
  const jit = req.jit;
  if (jit === undefined) return D.jitRequired;
  if (req.nowUs < jit.approvedAtUs) return D.jitNotYetValid;
  if (req.nowUs >= jit.approvedAtUs + (jit.durationUs ?? JIT_DEFAULT_DURATION_US)) return D.jitExpired;
  return D.jitGranted;
}

export const LOCKBOX_DECISIONS = Object.freeze({
  noRequest: makeDecision(false, 'lockbox:no-request', 'no Customer Lockbox request'),
  pending: makeDecision(false, 'lockbox:pending', 'Customer Lockbox request awaits the customer'),
  requestExpired: makeDecision(false, 'lockbox:request-expired', 'Customer Lockbox request expired unapproved'),
  rejected: makeDecision(false, 'lockbox:rejected', 'the customer rejected the request'),
  approved: makeDecision(true, 'lockbox:approved', 'the customer approved access'),
  accessExpired: makeDecision(false, 'lockbox:access-expired', 'approved access has lapsed'),
});

interface LockboxRequest {
  readonly requestedAtUs: number;
  state: 'pending' | 'approved' | 'rejected';
  decidedAtUs: number;
}

/** Customer Lockbox: requests for customer-data access, decided by the customer. */
export class Lockbox {
  private readonly requests = new Map<string, LockboxRequest>();

  /** Files request `id` at `nowUs`. Throws if `id` is already in use. */
  request(id: string, nowUs: number): void {
    if (this.requests.has(id)) throw new Error(`Lockbox: request ${JSON.stringify(id)} already exists`);
    this.requests.set(id, { requestedAtUs: nowUs, state: 'pending', decidedAtUs: 0 });
  }

  /** The customer approves request `id`; returns the resulting state (request-expired if it is too late). */
  approve(id: string, nowUs: number): Decision {
    return this.decide(id, nowUs, 'approved');
  }

  /** The customer rejects request `id`. */
  reject(id: string, nowUs: number): Decision {
    return this.decide(id, nowUs, 'rejected');
  }

  private decide(id: string, nowUs: number, state: 'approved' | 'rejected'): Decision {
    const r = this.requests.get(id);
    if (r === undefined) return LOCKBOX_DECISIONS.noRequest;
    if (r.state === 'pending' && nowUs < r.requestedAtUs + LOCKBOX_REQUEST_EXPIRY_US) {
      r.state = state;
      r.decidedAtUs = nowUs;
    }
    return this.check(id, nowUs);
  }

  /** Whether request `id` grants customer-data access at `nowUs`. Allocation-free. */
  check(id: string, nowUs: number): Decision {
    const L = LOCKBOX_DECISIONS;
    const r = this.requests.get(id);
    if (r === undefined) return L.noRequest;
    if (r.state === 'rejected') return L.rejected;
    if (r.state === 'pending')
      return nowUs < r.requestedAtUs + LOCKBOX_REQUEST_EXPIRY_US ? L.pending : L.requestExpired;
    return nowUs < r.decidedAtUs + LOCKBOX_ACCESS_DURATION_US ? L.approved : L.accessExpired;
  }
}

/**
 * Customer-data access: the admin checks of `checkAdminAccess` first; then a break-glass emergency is exempt;
 * otherwise Lockbox request `lockboxRequestId` must be approved and current.
 */
export function checkCustomerDataAccess(req: AdminAccessRequest, lockbox: Lockbox, lockboxRequestId: string): Decision {
  const admin = checkAdminAccess(req);
  if (!admin.allowed || admin === ACCESS_DECISIONS.breakGlass) return admin;
  return lockbox.check(lockboxRequestId, req.nowUs);
}
