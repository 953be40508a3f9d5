import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertTime,
  DurationError,
  days,
  formatClock,
  formatDuration,
  hours,
  MAX_TIME_US,
  micros,
  millis,
  minutes,
  parseDuration,
  seconds,
} from '../../sim/engine/time.js';

describe('unit helpers', () => {
  it('convert to integer microseconds', () => {
    expect(micros(7)).toBe(7);
    expect(millis(250)).toBe(250_000);
    expect(seconds(15)).toBe(15_000_000);
    expect(minutes(10)).toBe(600_000_000);
    expect(hours(2)).toBe(7_200_000_000);
    expect(days(2)).toBe(172_800_000_000);
  });

  it('round fractions to the nearest whole microsecond', () => {
    expect(micros(1.4)).toBe(1);
    expect(micros(1.5)).toBe(2);
    expect(millis(0.0015)).toBe(2);
    expect(seconds(1.5)).toBe(1_500_000);
    expect(seconds(0.1)).toBe(100_000);
    expect(Number.isInteger(minutes(1 / 3))).toBe(true);
  });

  it('MAX_TIME_US is 2^53 - 1', () => {
    expect(MAX_TIME_US).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('parseDuration(text)', () => {
  const good: [string, number][] = [
    ['0', 0],
    ['0s', 0],
    ['0ms', 0],
    ['250ms', 250_000],
    ['15s', 15_000_000],
    ['10m', 600_000_000],
    ['2h', 7_200_000_000],
    ['2d', 172_800_000_000],
    ['1h30m', 5_400_000_000],
    ['2d3h', 183_600_000_000],
    ['1m30s', 90_000_000],
    ['1h1m1s1ms1us', 3_661_001_001],
    ['1.5s', 1_500_000],
    ['1.5ms', 1_500],
    ['0.25h', 900_000_000],
    ['500us', 500],
    ['500µs', 500], // micro sign U+00B5
    ['500μs', 500], // Greek mu U+03BC
    ['1us', 1],
    ['0.4us', 0],
    ['0.5us', 1],
    ['1.0000005s', 1_000_001],
    ['104249d23h47m34.740991s', MAX_TIME_US],
  ];
  it.each(good)('reads %j as %d µs', (text, us) => {
    expect(parseDuration(text)).toBe(us);
  });

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['15', /expected a number with a unit/],
    ['15 sec', /expected a number with a unit/],
    ['15 s', /expected a number with a unit/],
    [' 15s', /expected a number with a unit/],
    ['15s ', /expected a number with a unit/],
    ['15S', /expected a number with a unit/],
    ['s', /expected a number with a unit/],
    ['1.s', /expected a number with a unit/],
    ['.5s', /expected a number with a unit/],
    ['1e3s', /expected a number with a unit/],
    ['+5s', /expected a number with a unit/],
    ['-5s', /negative/],
    ['-0', /negative/],
    ['Infinitys', /expected a number with a unit/],
    ['NaNs', /expected a number with a unit/],
    ['30m1h', /largest to smallest/],
    ['1s1s', /largest to smallest/],
    ['1h 30m', /expected a number with a unit/],
    ['104249d23h47m34.740992s', /too long/],
    ['1000000000d', /too long/],
    ['9'.repeat(400) + 's', /not a finite duration/],
  ];
  it.each(bad)('rejects %j with a DurationError naming the text', (text, why) => {
    let err: unknown;
    try {
      parseDuration(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DurationError);
    const message = (err as Error).message;
    expect(message).toContain(`invalid duration ${JSON.stringify(text)}`);
    expect(message).toMatch(why);
  });

  it('says what is expected', () => {
    expect(() => parseDuration('15 sec')).toThrow(
      'invalid duration "15 sec": expected a number with a unit (us, ms, s, m, h, d), e.g. "250ms", "1h30m"',
    );
  });

  it('rejects a value that is not a string', () => {
    expect(() => parseDuration(15 as unknown as string)).toThrow(DurationError);
  });
});

describe('formatDuration(us)', () => {
  const table: [number, string][] = [
    [0, '0s'],
    [1, '1us'],
    [999, '999us'],
    [1_500, '1.5ms'],
    [1_001, '1.001ms'],
    [250_000, '250ms'],
    [1_500_000, '1.5s'],
    [1_000_001, '1.000001s'],
    [15_000_000, '15s'],
    [90_000_000, '1m30s'],
    [90_500_000, '1m30.5s'],
    [60_412_000, '1m0.412s'],
    [3_600_000_250, '1h0.00025s'],
    [5_400_000_000, '1h30m'],
    [3_630_000_000, '1h30s'],
    [183_600_000_000, '2d3h'],
    [172_800_000_000, '2d'],
    [MAX_TIME_US, '104249d23h47m34.740991s'],
    [-1_500, '-1.5ms'],
  ];
  it.each(table)('formats %d µs as %j', (us, text) => {
    expect(formatDuration(us)).toBe(text);
  });

  it('round-trips every whole-µs duration through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (us) => {
        expect(parseDuration(formatDuration(us))).toBe(us);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400 * 1_000_000 }), (us) => {
        expect(parseDuration(formatDuration(us))).toBe(us);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips whole-unit durations as written', () => {
    for (const text of ['250ms', '15s', '10m', '2h', '2d', '1h30m', '2d3h', '1m30s', '500us', '1.5ms', '1.5s']) {
      expect(formatDuration(parseDuration(text))).toBe(text);
    }
  });
});

describe('formatClock(us)', () => {
  it('formats HH:MM:SS.mmm, truncating below the millisecond', () => {
    expect(formatClock(0)).toBe('00:00:00.000');
    expect(formatClock(1_999)).toBe('00:00:00.001');
    expect(formatClock(seconds(3723.004))).toBe('01:02:03.004');
    expect(formatClock(hours(23) + minutes(59) + seconds(59.999))).toBe('23:59:59.999');
  });

  it('prefixes days once past a day', () => {
    expect(formatClock(days(1) + hours(2) + minutes(3) + seconds(4))).toBe('1d 02:03:04.000');
    expect(formatClock(days(12))).toBe('12d 00:00:00.000');
  });
});

describe('assertTime(t, what)', () => {
  it('accepts integers in [0, 2^53)', () => {
    expect(() => assertTime(0, 't')).not.toThrow();
    expect(() => assertTime(MAX_TIME_US, 't')).not.toThrow();
  });

  it.each([-1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws a RangeError naming the value for %d',
    (t) => {
      expect(() => assertTime(t, 'heartbeat interval')).toThrow(RangeError);
      expect(() => assertTime(t, 'heartbeat interval')).toThrow(/^heartbeat interval must be an integer/);
    },
  );
});
