import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceHash, writeDecimal } from '../../sim/engine/hash.js';
import type { EventHandle } from '../../sim/engine/queue.js';
import { Random } from '../../sim/engine/random.js';
import { type EventFn, Scheduler } from '../../sim/engine/scheduler.js';
import { formatClock, seconds } from '../../sim/engine/time.js';

/** Reference FNV-1a 64 over bytes, with BigInt (slow, obviously right). */
function fnv1a64(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

function digestOf(s: string): string {
  const h = new TraceHash();
  h.update(s);
  return h.digest();
}

describe('TraceHash', () => {
  it('matches the FNV-1a 64 test vectors', () => {
    expect(new TraceHash().digest()).toBe('cbf29ce484222325');
    expect(digestOf('')).toBe('cbf29ce484222325');
    expect(digestOf('a')).toBe('af63dc4c8601ec8c');
    expect(digestOf('foobar')).toBe('85944171f73967e8');
  });

  it('hashes the UTF-8 bytes of any string, as TextEncoder encodes them', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(digestOf(s)).toBe(fnv1a64(enc.encode(s)));
      }),
      { numRuns: 500 },
    );
    for (const s of ['µs', '€', '😀', '\ud800', 'a\udc00b', '\ud83d']) expect(digestOf(s)).toBe(fnv1a64(enc.encode(s)));
  });

  it('sees one byte stream: update(a); update(b) equals update(a + b)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const h = new TraceHash();
        h.update(a);
        h.update(b);
        expect(h.digest()).toBe(digestOf(a + b));
      }),
    );
  });

  it('updateDecimal hashes the same bytes as update(String(n)), and byte() one byte', () => {
    const same = (n: number): void => {
      const h = new TraceHash();
      h.update('t=');
      h.updateDecimal(n);
      h.byte(0x7c);
      expect(h.digest(), String(n)).toBe(digestOf(`t=${n}|`));
    };
    fc.assert(fc.property(fc.integer(), (n) => same(n)));
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => same(n)));
    fc.assert(fc.property(fc.double(), (n) => same(n)));
    for (const n of [0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21])
      same(n);
    for (const n of [0.5, -2.25, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) same(n);
  });

  it('updateDecimal pads the low eight digits of a large integer (zeros inside the number)', () => {
    for (const n of [1e8, 1e8 + 1, 100000000000007, 2 ** 53 - 1, 9007199254740000, 123400000005678, -1e15, 99999999]) {
      const h = new TraceHash();
      h.updateDecimal(n);
      expect(h.digest(), String(n)).toBe(digestOf(String(n)));
    }
  });

  it('bytes() hashes a range of a byte array as byte() on each, and writeDecimal writes String(n)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.nat(40), fc.nat(40), (buf, a, b) => {
        const from = Math.min(a, b, buf.length);
        const to = Math.min(Math.max(a, b), buf.length);
        const h = new TraceHash();
        h.update('x');
        h.bytes(buf, from, to);
        expect(h.digest()).toBe(fnv1a64(new Uint8Array([0x78, ...buf.subarray(from, to)])));
      }),
    );
    const buf = new Uint8Array(20).fill(0x7c);
    const same = (n: number): void => {
      const end = writeDecimal(n, buf, 2);
      expect(new TextDecoder().decode(buf.subarray(2, end)), String(n)).toBe(String(n));
      expect(buf[end], 'nothing written past the end').toBe(0x7c);
      buf.fill(0x7c);
    };
    fc.assert(fc.property(fc.maxSafeInteger().map(Math.abs), (n) => same(n)));
    fc.assert(fc.property(fc.nat(), (n) => same(n)));
    for (const n of [0, 9, 10, 99999999, 1e8, 1e8 + 1, 100000000000007, 123400000005678, 2 ** 53 - 1]) same(n);
  });

  it('updateJson hashes the same bytes as update(JSON.stringify(v))', () => {
    const same = (v: unknown): void => {
      const h = new TraceHash();
      h.update('p=');
      h.updateJson(v);
      h.byte(0x7c);
      expect(h.digest(), JSON.stringify(v)).toBe(digestOf(`p=${JSON.stringify(v)}|`));
    };
    // Strings with every kind of character JSON escapes (quotes, backslashes, control characters, lone surrogates).
    const str = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(fc.jsonValue(), (v) => same(v)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.anything({ stringUnit: 'binary', withNullPrototype: true, withObjectString: true }), (v) =>
        same([v]),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: str, path: fc.array(fc.oneof(str, fc.nat())), value: fc.anything() })),
        same,
      ),
    );
    // Patches as the kernel makes them.
    same([{ op: 'replace', path: ['clusters', 3, 'instances', 41, 'vm'], value: 'Down' }]);
    same([
      { op: 'add', path: ['sql', 'databases', 0], value: { id: 'db0', up: true, n: -0, x: undefined, f: () => 1 } },
    ]);
    same([1, Number.NaN, Number.POSITIVE_INFINITY, -0, 0.1, 1e21, 2 ** 53, undefined, () => 1, null, true, false]);
    same({ 2: 'b', 1: 'a', z: 'q', [Symbol('s')]: 1, d: new Date(0), m: new Map([[1, 2]]), t: { toJSON: () => 'T' } });
    same(['\u0000\b\t\n\f\r\u001f "\\ µs € 😀 \ud800 \udc00x']);
    same(Object.assign(Object.create(null), { a: 1 }));
    same([[], {}, [[[]]], '']);
  });

  it('updateNumber hashes the little-endian IEEE-754 bytes, with −0 as 0 and one canonical NaN', () => {
    const bytes = (n: number): Uint8Array => {
      const v = new DataView(new ArrayBuffer(8));
      v.setFloat64(0, n, true);
      return new Uint8Array(v.buffer);
    };
    for (const n of [0, 1, -1, 0.1, 2 ** 53 - 1, -1e-300, Number.POSITIVE_INFINITY]) {
      const h = new TraceHash();
      h.updateNumber(n);
      expect(h.digest()).toBe(fnv1a64(bytes(n)));
    }
    const zero = new TraceHash();
    zero.updateNumber(0);
    const negZero = new TraceHash();
    negZero.updateNumber(-0);
    expect(negZero.digest()).toBe(zero.digest());
    const nan1 = new TraceHash();
    nan1.updateNumber(Number.NaN);
    const nan2 = new TraceHash();
    nan2.updateNumber(0 / 0);
    expect(nan1.digest()).toBe(nan2.digest());
    expect(nan1.digest()).not.toBe(zero.digest());
  });

  it('digest() does not change the state, and clone() is independent', () => {
    const h = new TraceHash();
    h.update('abc');
    const d = h.digest();
    expect(h.digest()).toBe(d);
    const c = h.clone();
    expect(c.digest()).toBe(d);
    c.update('x');
    expect(h.digest()).toBe(d);
    h.update('x');
    expect(h.digest()).toBe(c.digest());
  });
});

/**
 * A little DES model: `servers` servers with jobs arriving at random, random service times and a random timeout per
 * job that is cancelled when the job completes. Every step is written to the trace hash.
 */
function runModel(seed: number): { digest: string; events: number } {
  const s = new Scheduler(8);
  const rng = Random.root(seed);
  const arrivals = rng.fork('arrivals');
  const service = rng.fork('service');
  const trace = new TraceHash();
  const servers = 4;
  const busyUntil = new Float64Array(servers);
  const timeouts: EventHandle[] = [];
  let nextJob = 0;
  const log = (what: string, id: number): void => {
    trace.update(`${formatClock(s.now)} ${what} ${id}\n`);
    trace.updateNumber(s.now);
  };
  const onTimeout: EventFn = (job) => log('timeout', job);
  const onDone: EventFn = (job) => {
    log('done', job);
    log(s.cancel(timeouts[job]!) ? 'cancelled-timeout' : 'late', job);
  };
  const onArrival: EventFn = () => {
    const job = nextJob++;
    const server = service.int(0, servers - 1);
    const start = Math.max(s.now, busyUntil[server]!);
    const done = start + Math.round(service.lognormal(seconds(2), 0.8));
    busyUntil[server] = done;
    log(`arrive@${server}`, job);
    timeouts[job] = s.at(s.now + Math.round(service.weibull(1.5, seconds(6))), onTimeout, job);
    s.at(done, onDone, job);
    if (job < 500) s.after(Math.round(arrivals.exponential(seconds(1))), onArrival);
  };
  s.at(0, onArrival);
  const res = s.run();
  return { digest: trace.digest(), events: res.events };
}

describe('trace determinism', () => {
  it('the same seeded workload run twice gives the same hash; another seed gives another', () => {
    const a = runModel(2024);
    const b = runModel(2024);
    const c = runModel(2025);
    expect(a.events).toBeGreaterThan(1000);
    expect(b).toEqual(a);
    expect(a.digest).toMatch(/^[0-9a-f]{16}$/);
    expect(c.digest).not.toBe(a.digest);
    // Pinned: a change here means runs are no longer reproducible across versions (queue order, draws or hash).
    expect(a).toEqual({ digest: 'a00561a5fb72abcf', events: 1269 });
  });
});
