import { describe, expect, it } from 'vitest';
import { isScenarioFileName } from '../../sim/cli/files.js';
import { duration, groupDigits, percent, table } from '../../sim/cli/format.js';

describe('output formatting', () => {
  it('groupDigits uses commas whatever the locale', () => {
    expect(groupDigits(0)).toBe('0');
    expect(groupDigits(1234567)).toBe('1,234,567');
    expect(groupDigits(-1000.5)).toBe('-1,000.5');
  });

  it('percent shows three decimals, and 100% plainly', () => {
    expect(percent(1)).toBe('100%');
    expect(percent(0.99982)).toBe('99.982%');
    expect(percent(0)).toBe('0.000%');
  });

  it('duration rounds to the millisecond above a second, and is exact below', () => {
    expect(duration(null)).toBe('–');
    expect(duration(64_397_868)).toBe('1m4.398s');
    expect(duration(1_500)).toBe('1.5ms');
    expect(duration(600_000_000)).toBe('10m');
  });

  it('table pads columns and right-aligns the ones asked for', () => {
    expect(
      table(
        ['a', 'num'],
        [
          ['long', '1'],
          ['x', '100'],
        ],
        { right: [1] },
      ),
    ).toBe('  a     num\n  long    1\n  x     100\n');
  });

  it('isScenarioFileName keeps scenarios and skips bases, timelines and schemas', () => {
    expect(['a.yaml', 'b.yml', 'c.json', 'D.YAML'].every(isScenarioFileName)).toBe(true);
    expect(
      ['_base.yaml', '.hidden.yaml', 'x.timeline.json', 'scenario.schema.json', 'notes.md'].some(isScenarioFileName),
    ).toBe(false);
  });
});
