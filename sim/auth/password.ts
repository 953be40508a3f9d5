/**
 * The SQL login password policy (complexity only: Azure SQL Database has no expiry and no lockout).
 *
 * A password passes when all of these hold:
 * - it is not empty and is 8–128 characters long (counted in Unicode code points);
 * - it has characters from at least 3 of the 4 categories: A–Z, a–z, 0–9, and anything else (non-alphanumeric;
 *   a non-ASCII letter counts here);
 * - it does not contain the login name, ignoring case — checked only when the login name has at least 3 characters,
 *   as the Windows complexity filter this policy builds on does (a choice: otherwise a login 'a' would forbid every
 *   password containing an 'a');
 * - it is not, ignoring case, one of the banned values: "password", "admin", "administrator", "sa", "sysadmin", the
 *   login name, or the computer name when one is given.
 */

export type PasswordFailure =
  | 'empty'
  | 'too-short'
  | 'too-long'
  | 'too-few-categories'
  | 'contains-login'
  | 'banned-value';

export interface PasswordCheck {
  readonly ok: boolean;
  /** Every rule the password breaks, in the order listed in `PASSWORD_FAILURE_TEXT`. */
  readonly failures: PasswordFailure[];
}

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const PASSWORD_MIN_CATEGORIES = 3;
/** Login names shorter than this are not searched for inside the password. */
export const LOGIN_NAME_MIN_CHECKED_LENGTH = 3;
export const BANNED_PASSWORDS: readonly string[] = Object.freeze([
  'password',
  'admin',
  'administrator',
  'sa',
  'sysadmin',
]);

export const PASSWORD_FAILURE_TEXT: Readonly<Record<PasswordFailure, string>> = Object.freeze({
  empty: 'the password is empty',
  'too-short': `shorter than ${PASSWORD_MIN_LENGTH} characters`,
  'too-long': `longer than ${PASSWORD_MAX_LENGTH} characters`,
  'too-few-categories': `fewer than ${PASSWORD_MIN_CATEGORIES} of: upper case, lower case, digits, symbols`,
  'contains-login': 'contains the login name',
  'banned-value': 'a banned value (password, admin, administrator, sa, sysadmin, the login or computer name)',
});

/** Which of the four categories occur, as a bit set: 1 upper, 2 lower, 4 digit, 8 other. */
function categoryBits(password: string): number {
  let bits = 0;
  for (const ch of password) {
    if (ch >= 'A' && ch <= 'Z') bits |= 1;
    else if (ch >= 'a' && ch <= 'z') bits |= 2;
    else if (ch >= '0' && ch <= '9') bits |= 4;
    else bits |= 8;
  }
  return bits;
}

function popcount4(bits: number): number {
  return (bits & 1) + ((bits >> 1) & 1) + ((bits >> 2) & 1) + ((bits >> 3) & 1);
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** How many of the four character categories `password` uses (0–4). */
export function passwordCategoryCount(password: string): number {
  return popcount4(categoryBits(password));
}

/** Checks `password` for `login` against the policy; `computerName` is banned too when given. */
export function checkPassword(login: string, password: string, computerName?: string): PasswordCheck {
  const failures: PasswordFailure[] = [];
  if (password.length === 0) failures.push('empty');
  const length = codePointLength(password);
  if (length > 0 && length < PASSWORD_MIN_LENGTH) failures.push('too-short');
  if (length > PASSWORD_MAX_LENGTH) failures.push('too-long');
  if (length > 0 && passwordCategoryCount(password) < PASSWORD_MIN_CATEGORIES) failures.push('too-few-categories');
  const lower = password.toLowerCase();
  const loginLower = login.toLowerCase();
  if (codePointLength(login) >= LOGIN_NAME_MIN_CHECKED_LENGTH && lower.includes(loginLower)) {
    failures.push('contains-login');
  }
  const banned = [...BANNED_PASSWORDS, loginLower];
  if (computerName !== undefined && computerName !== '') banned.push(computerName.toLowerCase());
  if (length > 0 && banned.includes(lower)) failures.push('banned-value');
  return { ok: failures.length === 0, failures };
}

/** Alphabet sizes assumed per category for `passwordStrengthBits`: 26, 26, 10, and the 33 printable ASCII symbols. */
const CATEGORY_POOL = [26, 26, 10, 33] as const;

/**
 * A rough entropy estimate, in bits: length × log2(size of the pooled alphabets of the categories used). It assumes
 * characters are drawn uniformly at random, so it overrates words, names and patterns; use it to rank, not to prove.
 */
export function passwordStrengthBits(password: string): number {
  const bits = categoryBits(password);
  let pool = 0;
  for (let i = 0; i < 4; i++) if ((bits >> i) & 1) pool += CATEGORY_POOL[i]!;
  if (pool === 0) return 0;
  return codePointLength(password) * Math.log2(pool);
}
