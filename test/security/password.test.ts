import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BANNED_PASSWORDS,
  checkPassword,
  PASSWORD_FAILURE_TEXT,
  passwordCategoryCount,
  passwordStrengthBits,
} from '../../sim/auth/password.js';

describe('checkPassword', () => {
  it.each([
    ['7 characters', 'Abcde1!', ['too-short']],
    ['8 characters', 'Abcdef1!', []],
    ['128 characters', `Aa1!${'x'.repeat(124)}`, []],
    ['129 characters', `Aa1!${'x'.repeat(125)}`, ['too-long']],
  ])('length: %s', (_, password, failures) => {
    expect(checkPassword('appuser', password).failures).toEqual(failures);
  });

  it.each([
    ['1 category (lower)', 'abcdefgh', false],
    ['1 category (symbols)', '!@#$%^&*', false],
    ['2 categories (lower, upper)', 'abcdEFGH', false],
    ['2 categories (digits, symbols)', '1234!@#$', false],
    ['3 categories (lower, upper, digits)', 'abcdEF12', true],
    ['3 categories (lower, digits, symbols)', 'abcd12!@', true],
    ['3 categories (upper, digits, symbols)', 'ABCD12!@', true],
    ['3 categories (lower, upper, symbols)', 'abcdEF!@', true],
    ['4 categories', 'abEF12!@', true],
  ])('categories: %s → ok %s', (_, password, ok) => {
    const r = checkPassword('appuser', password);
    expect(r.ok).toBe(ok);
    expect(r.failures.includes('too-few-categories')).toBe(!ok);
  });

  it('counts a non-ASCII letter as non-alphanumeric', () => {
    expect(passwordCategoryCount('abcdéfgh')).toBe(2);
    expect(checkPassword('appuser', 'abcdéfg1').ok).toBe(true);
  });

  it.each(['password', 'admin', 'administrator', 'sa', 'sysadmin', 'PassWord', 'SYSADMIN'])(
    'rejects the banned value %j',
    (password) => {
      expect(checkPassword('appuser', password).failures).toContain('banned-value');
    },
  );

  it('lists exactly the five documented banned words', () => {
    expect([...BANNED_PASSWORDS].sort()).toEqual(['admin', 'administrator', 'password', 'sa', 'sysadmin']);
  });

  it('rejects the login name itself and the computer name', () => {
    expect(checkPassword('Report_Writer1', 'report_writer1').failures).toContain('banned-value');
    expect(checkPassword('appuser', 'SQLHOST-01', 'sqlhost-01').failures).toContain('banned-value');
    expect(checkPassword('appuser', 'SQLHOST-01').ok).toBe(true);
  });

  it('rejects a password containing the login name, ignoring case', () => {
    expect(checkPassword('alice', 'My-ALICE-2024').failures).toEqual(['contains-login']);
    expect(checkPassword('alice', 'My-AL1CE-2024').ok).toBe(true);
  });

  it('does not search for login names shorter than 3 characters inside the password', () => {
    expect(checkPassword('al', 'Always-1').ok).toBe(true);
    expect(checkPassword('al', 'al').failures).toContain('banned-value');
  });

  it('reports an empty password as empty only', () => {
    expect(checkPassword('appuser', '')).toEqual({ ok: false, failures: ['empty'] });
  });

  it('reports every broken rule at once', () => {
    expect(checkPassword('sa', 'sa').failures).toEqual(['too-short', 'too-few-categories', 'banned-value']);
    for (const f of checkPassword('sa', 'sa').failures) expect(PASSWORD_FAILURE_TEXT[f]).toBeTruthy();
  });

  it('agrees with a regex-based reference on random logins and passwords', () => {
    const chars = fc.constantFrom(...'aAzZ09!_ é-xyXY'.split(''));
    const arbText = (max: number) => fc.array(chars, { maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(arbText(6), fc.oneof(arbText(12), arbText(140)), (login, password) => {
        const lower = password.toLowerCase();
        const len = [...password].length;
        const cats = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
        const ref: string[] = [];
        if (password === '') ref.push('empty');
        if (len > 0 && len < 8) ref.push('too-short');
        if (len > 128) ref.push('too-long');
        if (len > 0 && cats < 3) ref.push('too-few-categories');
        if ([...login].length >= 3 && lower.includes(login.toLowerCase())) ref.push('contains-login');
        if (len > 0 && ['password', 'admin', 'administrator', 'sa', 'sysadmin', login.toLowerCase()].includes(lower)) {
          ref.push('banned-value');
        }
        expect(checkPassword(login, password)).toEqual({ ok: ref.length === 0, failures: ref });
      }),
      { numRuns: 1000, seed: 1101 },
    );
  });
});

describe('passwordStrengthBits', () => {
  it('is length × log2(pool of the categories used)', () => {
    expect(passwordStrengthBits('')).toBe(0);
    expect(passwordStrengthBits('aaaaaaaa')).toBeCloseTo(8 * Math.log2(26));
    expect(passwordStrengthBits('aA1!aA1!')).toBeCloseTo(8 * Math.log2(95));
  });

  it('grows with length and with categories', () => {
    expect(passwordStrengthBits('abcdefghi')).toBeGreaterThan(passwordStrengthBits('abcdefgh'));
    expect(passwordStrengthBits('abcdefg1')).toBeGreaterThan(passwordStrengthBits('abcdefgh'));
  });
});
