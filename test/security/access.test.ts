import { describe, expect, it } from 'vitest';
import {
  type AdminAccessRequest,
  checkAdminAccess,
  checkCustomerDataAccess,
  JIT_DEFAULT_DURATION_US,
  LOCKBOX_ACCESS_DURATION_US,
  LOCKBOX_REQUEST_EXPIRY_US,
  Lockbox,
} from '../../sim/auth/access.js';

const HOUR = 3_600_000_000;
const DAY = 24 * HOUR;

/** A request that passes every check. */
const ok: AdminAccessRequest = {
  account: 'adm-jdoe',
  accountKind: 'engineer',
  mfa: true,
  fromSaw: true,
  sourceZone: 'corpnet',
  jit: { approvedAtUs: 0 },
  nowUs: HOUR,
};

describe('checkAdminAccess', () => {
  it.each<[string, Partial<AdminAccessRequest>, string]>([
    ['engineer with MFA, SAW, corpnet and JIT', {}, 'access:jit'],
    ['live-support admin with the same', { accountKind: 'live-support-admin' }, 'access:jit'],
    ['a local account on the node', { accountKind: 'local' }, 'access:no-local-accounts'],
    ['the default administrator account', { accountKind: 'default-admin' }, 'access:default-admin-disabled'],
    ['a customer identity', { accountKind: 'customer' }, 'access:customer-not-operator'],
    ['an unknown account kind', { accountKind: 'contractor' as never }, 'access:unknown-account-kind'],
    ['no individual account', { account: ' ' }, 'access:no-individual-account'],
    ['from the internet', { sourceZone: 'internet' }, 'access:not-from-corpnet'],
    ['from inside production', { sourceZone: 'production' }, 'access:not-from-corpnet'],
    ['without MFA', { mfa: false }, 'access:mfa-required'],
    ['without a SAW', { fromSaw: false }, 'access:saw-required'],
    ['without JIT', { jit: undefined }, 'access:jit-required'],
    ['before the JIT grant starts', { jit: { approvedAtUs: 2 * HOUR } }, 'access:jit-not-yet-valid'],
    ['after the default 8 h', { nowUs: 8 * HOUR }, 'access:jit-expired'],
    [
      'within a custom JIT duration',
      { jit: { approvedAtUs: 0, durationUs: 2 * HOUR }, nowUs: 2 * HOUR - 1 },
      'access:jit',
    ],
    [
      'after a custom JIT duration',
      { jit: { approvedAtUs: 0, durationUs: 2 * HOUR }, nowUs: 2 * HOUR },
      'access:jit-expired',
    ],
    ['break-glass without JIT', { jit: undefined, breakGlass: true }, 'access:break-glass'],
    ['break-glass without MFA', { jit: undefined, breakGlass: true, mfa: false }, 'access:mfa-required'],
    [
      'break-glass from a default admin',
      { accountKind: 'default-admin', breakGlass: true },
      'access:default-admin-disabled',
    ],
  ])('%s → %s', (_, over, rule) => {
    const d = checkAdminAccess({ ...ok, ...over });
    expect(d.rule).toBe(rule);
    expect(d.allowed).toBe(rule === 'access:jit' || rule === 'access:break-glass');
  });

  it('names the first failing requirement when several fail', () => {
    const worst: AdminAccessRequest = {
      account: '',
      accountKind: 'local',
      mfa: false,
      fromSaw: false,
      sourceZone: 'internet',
      nowUs: 0,
    };
    expect(checkAdminAccess(worst).rule).toBe('access:no-local-accounts');
    expect(checkAdminAccess({ ...worst, accountKind: 'engineer' }).rule).toBe('access:no-individual-account');
    expect(checkAdminAccess({ ...worst, accountKind: 'engineer', account: 'a' }).rule).toBe('access:not-from-corpnet');
    expect(checkAdminAccess({ ...ok, mfa: false, fromSaw: false, jit: undefined }).rule).toBe('access:mfa-required');
  });

  it('defaults JIT to 8 hours', () => {
    expect(JIT_DEFAULT_DURATION_US).toBe(8 * HOUR);
    expect(checkAdminAccess({ ...ok, nowUs: 8 * HOUR - 1 }).allowed).toBe(true);
  });

  it('returns preallocated decisions', () => {
    expect(checkAdminAccess(ok)).toBe(checkAdminAccess({ ...ok }));
  });
});

describe('Lockbox', () => {
  it('keeps a request pending until approved, then grants 8 h of access', () => {
    const box = new Lockbox();
    expect(box.check('r1', 0).rule).toBe('lockbox:no-request');
    box.request('r1', 0);
    expect(box.check('r1', HOUR).rule).toBe('lockbox:pending');
    expect(box.approve('r1', 2 * HOUR).rule).toBe('lockbox:approved');
    expect(box.check('r1', 2 * HOUR + LOCKBOX_ACCESS_DURATION_US - 1).allowed).toBe(true);
    expect(box.check('r1', 2 * HOUR + LOCKBOX_ACCESS_DURATION_US).rule).toBe('lockbox:access-expired');
    expect(LOCKBOX_ACCESS_DURATION_US).toBe(8 * HOUR);
  });

  it('expires an unapproved request after 4 days; approving it then does nothing', () => {
    const box = new Lockbox();
    box.request('r1', 0);
    expect(LOCKBOX_REQUEST_EXPIRY_US).toBe(4 * DAY);
    expect(box.check('r1', 4 * DAY - 1).rule).toBe('lockbox:pending');
    expect(box.check('r1', 4 * DAY).rule).toBe('lockbox:request-expired');
    expect(box.approve('r1', 4 * DAY).rule).toBe('lockbox:request-expired');
    box.request('r2', 0);
    expect(box.approve('r2', 4 * DAY - 1).allowed).toBe(true);
  });

  it('keeps a rejection final and refuses duplicate request ids', () => {
    const box = new Lockbox();
    box.request('r1', 0);
    expect(box.reject('r1', 1).rule).toBe('lockbox:rejected');
    expect(box.approve('r1', 2).rule).toBe('lockbox:rejected');
    expect(() => box.request('r1', 3)).toThrow(/already exists/);
  });
});

describe('checkCustomerDataAccess', () => {
  it('needs admin access and an approved Lockbox request, except under break-glass', () => {
    const box = new Lockbox();
    expect(checkCustomerDataAccess(ok, box, 'r1').rule).toBe('lockbox:no-request');
    box.request('r1', 0);
    box.approve('r1', 0);
    expect(checkCustomerDataAccess(ok, box, 'r1').rule).toBe('lockbox:approved');
    expect(checkCustomerDataAccess({ ...ok, mfa: false }, box, 'r1').rule).toBe('access:mfa-required');
    expect(checkCustomerDataAccess({ ...ok, breakGlass: true, jit: undefined }, box, 'none').rule).toBe(
      'access:break-glass',
    );
  });
});
