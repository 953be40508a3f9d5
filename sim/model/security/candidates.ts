/**
 * Password guesses for brute-force and spraying attacks that do not bring their own list: drawn from a built-in
 * dictionary of the shapes people actually choose — common passwords, and word + year + symbol patterns that satisfy
 * a complexity policy ("Summer2024!" has upper, lower, digits and a symbol, and is among the first guesses any
 * sprayer makes). Which guesses, and in which order, comes from a seeded stream, so a run is repeatable and a sweep
 * over seeds measures how often a weak password is found with a given budget.
 */
import type { Random } from '../../engine/index.js';

const COMMON = [
  '123456',
  'password',
  'Password1',
  'Password1!',
  'P@ssw0rd',
  'P@ssw0rd!',
  'Passw0rd!',
  'Welcome1',
  'Welcome1!',
  'Qwerty123!',
  'Admin123!',
  'Letmein1!',
  'Changeme1!',
  'Abc12345!',
  'Iloveyou1!',
];

const WORDS = [
  'Summer',
  'Winter',
  'Spring',
  'Autumn',
  'Welcome',
  'Password',
  'Company',
  'Azure',
  'Cloud',
  'Monday',
  'Friday',
  'Football',
  'Dragon',
  'Sunshine',
];

const SUFFIXES = ['', '!', '1', '123', '#', '@', '!!'];

/** Every guess the dictionary can make: the common list, then word × year (2015–2026) × suffix. */
export function dictionary(): string[] {
  const out = [...COMMON];
  for (const w of WORDS) {
    for (let y = 2015; y <= 2026; y++) for (const s of SUFFIXES) out.push(`${w}${y}${s}`);
  }
  return out;
}

/** `n` distinct guesses (at most the dictionary's size) in an order drawn from `rng`; common passwords first. */
export function generateCandidates(n: number, rng: Random): string[] {
  const all = dictionary();
  const common = all.slice(0, COMMON.length);
  const patterns = rng.shuffle(all.slice(COMMON.length));
  return [...common, ...patterns].slice(0, Math.min(n, all.length));
}
