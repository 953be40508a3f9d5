import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate, validationMarkdown } from '../sim/validation.js';
import { VERSION } from '../sim/version.js';
import { ROOT, scenarioFile } from './model/helpers.js';

describe('validation report', () => {
  const rows = validate(scenarioFile);

  it('agrees with every documented behaviour it measures', () => {
    const bad = rows.filter((r) => !r.ok).map((r) => `${r.behaviour}: ${r.measured}`);
    expect(bad).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    // Every documented figure is measured over at least 30 seeds, not one.
    for (const r of rows) expect(r.seeds, r.behaviour).toBeGreaterThanOrEqual(30);
  });

  it('is committed as docs/validation.md, up to date (regenerate with npm run validate)', () => {
    const committed = readFileSync(join(ROOT, 'docs', 'validation.md'), 'utf8');
    expect(committed).toBe(validationMarkdown(rows, VERSION));
  });

  it('keeps sim/version.ts equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
