/**
 * Seeded random streams.
 *
 * One root stream per run, from the scenario's seed, and named forks (`rng.fork('faults')`,
 * `rng.fork('faults').fork('node-3')`). A fork's draws depend only on the root seed and its name path — never on
 * the order in which forks are made nor on how many numbers any other stream has drawn — so adding a consumer never
 * shifts another's draws.
 *
 * Generator: Baagøe's Alea, chosen for speed: on Node 20 here seedrandom's `alea` draws ~145 M numbers/s against
 * ~95 M/s for xor128 and tychei and ~30 M/s for seedrandom's default ARC4. Each draw is a multiple of 2^-32 in [0, 1).
 * Alea seeds itself by running its Mash hash over the seed string; a stream's seed string is built from the root seed
 * and the path in an unambiguous way (see `streamKey`), so distinct (seed, path) pairs give distinct streams.
 *
 * The generator is written out here (`mash` and `Random.next` below) rather than taken from seedrandom: it draws exactly the numbers
 * seedrandom's `alea` draws for the same seed string (a test checks this), but a stream is four numbers in its Random
 * object instead of a set of closures, and it is seeded only when it first draws. A region schedules one stream per target
 * of each random fault process (about 210,000), so construction cost is set-up time: `forks(names)` seeds all of a
 * process's children at once, four keys at a time, and makes a stream object only for a child that asks for one. Alea's
 * first draw reads only the first of its three seed fractions, so a child's other two (two thirds of the hashing) are
 * computed when it draws a second number.
 *
 * Branching (for importance splitting, sim/estimate/): `resalt(salt)` re-seeds every stream of a root's family at
 * once from (root seed, path, salt) — with sfc32, see below — so that runs which re-execute the same prefix draw
 * differently from a chosen moment on. The family keeps a list of its streams for this. A run that never calls
 * `resalt` draws exactly what it drew before the feature existed.
 */

const TWO_PI = 2 * Math.PI;
const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 1.1102230246251565e-16; // 2^-53

/**
 * The seed string for the stream at `path` under root seed `seed`: `<length of seed>:<seed>|<path>`. The length
 * prefix makes it unambiguous, so `root('a|b')` and `root('a').fork('b')` never share a stream.
 */
export function streamKey(seed: string, path: string): string {
  return seed.length + ':' + seed + '|' + path;
}

const TWO_POW_M32 = 2.3283064365386963e-10; // 2^-32

/**
 * Baagøe's Mash hash, as in seedrandom's alea.js: a running state `n` fed one UTF-16 code unit at a time. Returns the
 * state after `data`; the value Mash itself returns is that state's low 32 bits scaled by 2^-32.
 */
function mash(n: number, data: string): number {
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000;
  }
  return n;
}

/** Mash's state after the three ' ' calls Alea starts with, and the three values they returned. */
const MASH_SPACE_1 = mash(0xefc8249d, ' ');
const MASH_SPACE_2 = mash(MASH_SPACE_1, ' ');
const MASH_SPACE_3 = mash(MASH_SPACE_2, ' ');

/**
 * Many children of one stream (`Random.forks`). Child i draws exactly what `parent.fork(names[i])` would draw, and its
 * sequence continues across calls: drawing through `draw` and then through `stream(i)` is one sequence.
 */
export interface Forks {
  readonly size: number;
  /**
   * Runs `f` on child i and returns its result. Unless child i has a stream object already, `f` gets a scratch
   * stream that stands for the child only during the call (do not keep it, and do not use these forks inside `f`).
   */
  draw<T>(i: number, f: (r: Random) => T): T;
  /** Child i as a stream object of its own (made on the first call, the same object after). */
  stream(i: number): Random;
}

/**
 * The first of Alea's seed fractions (s0) for the keys `prefix + names[i]`, and the Mash state that produced it: `seedAlea`
 * runs Mash over a key three times, and a stream's first draw reads only s0, so s1 and s2 (the second and third runs,
 * which cost two thirds of the hashing as they go over the whole key) wait in `restSeeds` until a second draw needs
 * them. The first run's state after the shared prefix is the same for every key, and keys of equal length are hashed
 * four at a time in lock-step. Returns four numbers per name: s0, that Mash state, (unused), c = 1.
 */
function aleaFirstSeeds(prefix: string, names: readonly string[]): Float64Array {
  const out = new Float64Array(4 * names.length);
  const start = mash(MASH_SPACE_3, prefix);
  const byLength = new Map<number, number[]>();
  for (let i = 0; i < names.length; i++) {
    const len = names[i]!.length;
    let list = byLength.get(len);
    if (list === undefined) byLength.set(len, (list = []));
    list.push(i);
  }
  const lanes = new Float64Array(4);
  for (const list of byLength.values()) {
    let k = 0;
    for (; k + 4 <= list.length; k += 4) {
      const i0 = list[k]!;
      const i1 = list[k + 1]!;
      const i2 = list[k + 2]!;
      const i3 = list[k + 3]!;
      lanes.fill(start);
      mash4(lanes, names[i0]!, names[i1]!, names[i2]!, names[i3]!);
      firstSeed(out, i0, lanes[0]!);
      firstSeed(out, i1, lanes[1]!);
      firstSeed(out, i2, lanes[2]!);
      firstSeed(out, i3, lanes[3]!);
    }
    for (; k < list.length; k++) {
      const i = list[k]!;
      firstSeed(out, i, mash(start, names[i]!));
    }
  }
  return out;
}

function firstSeed(out: Float64Array, i: number, n: number): void {
  out[4 * i] = aleaSeed(MASH_SPACE_1, n);
  out[4 * i + 1] = n;
  out[4 * i + 3] = 1;
}

/** Scratch for restSeeds' two results. */
const REST = new Float64Array(2);

/**
 * Alea's second and third seed fractions (s1, s2) for the key `prefix + name`, from the Mash state `n` after the first
 * run over it (see aleaFirstSeeds), into `out[0]` and `out[1]`: what `seedAlea` computes for them.
 */
function restSeeds(n: number, prefix: string, name: string, out: Float64Array): void {
  let m = mash(mash(n, prefix), name);
  out[0] = aleaSeed(MASH_SPACE_2, m);
  m = mash(mash(m, prefix), name);
  out[1] = aleaSeed(MASH_SPACE_3, m);
}

/** One of Alea's three seed fractions: the ' ' Mash value minus the key's, wrapped into [0, 1). */
function aleaSeed(space: number, n: number): number {
  const s = (space >>> 0) * TWO_POW_M32 - (n >>> 0) * TWO_POW_M32;
  return s < 0 ? s + 1 : s;
}

/** `mash` over four strings of one length at once, each lane from its own state in `lanes` (updated in place). */
function mash4(lanes: Float64Array, a: string, b: string, c: string, d: string): void {
  let na = lanes[0]!;
  let nb = lanes[1]!;
  let nc = lanes[2]!;
  let nd = lanes[3]!;
  for (let i = 0; i < a.length; i++) {
    na += a.charCodeAt(i);
    nb += b.charCodeAt(i);
    nc += c.charCodeAt(i);
    nd += d.charCodeAt(i);
    let ha = 0.02519603282416938 * na;
    let hb = 0.02519603282416938 * nb;
    let hc = 0.02519603282416938 * nc;
    let hd = 0.02519603282416938 * nd;
    na = ha >>> 0;
    nb = hb >>> 0;
    nc = hc >>> 0;
    nd = hd >>> 0;
    ha -= na;
    hb -= nb;
    hc -= nc;
    hd -= nd;
    ha *= na;
    hb *= nb;
    hc *= nc;
    hd *= nd;
    na = ha >>> 0;
    nb = hb >>> 0;
    nc = hc >>> 0;
    nd = hd >>> 0;
    ha -= na;
    hb -= nb;
    hc -= nc;
    hd -= nd;
    na += ha * 0x100000000;
    nb += hb * 0x100000000;
    nc += hc * 0x100000000;
    nd += hd * 0x100000000;
  }
  lanes[0] = na;
  lanes[1] = nb;
  lanes[2] = nc;
  lanes[3] = nd;
}

/** The streams of one root, and the salt they currently draw under ('' = none) with its two 32-bit hashes. */
interface Family {
  salt: string;
  saltHash1: number;
  saltHash2: number;
  readonly members: Random[];
}

export class Random {
  /** '' for the root; 'faults', 'faults/node-3' … for forks. */
  readonly path: string;
  /** The root seed, as a string (`Random.root(42)` and `Random.root('42')` are the same stream). */
  readonly seed: string;
  // 0: not seeded yet (it is seeded by its first draw); 1: Alea; 2: sfc32 (after a resalt of its family). A Forks
  // scratch stream may also be in 3: Alea with only s0 and c known (no draw yet), or 4: Alea after one draw, with s0
  // and s1 still to be hashed — from the Mash state `restN` over `restPrefix + restName` (see restSeeds).
  private mode = 0;
  // Alea's state: three fractions and a carry.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private c = 0;
  // sfc32's state (32-bit words), used only after a resalt.
  private a = 0;
  private b = 0;
  private w = 0;
  private d = 0;
  private restN = 0;
  private restPrefix = '';
  private restName = '';
  private readonly family: Family;

  private constructor(seed: string, path: string, family: Family | null, member = true) {
    this.seed = seed;
    this.path = path;
    this.family = family ?? { salt: '', saltHash1: 0, saltHash2: 0, members: [] };
    if (member) this.family.members.push(this);
  }

  /** Seeds the stream on its first draw: Alea from its key, or, once the family is salted, sfc32. */
  private seedNow(): void {
    const f = this.family;
    if (f.salt === '') {
      this.seedAlea();
      return;
    }
    // sfc32 from two 32-bit hashes of the key and two of the salt, warmed up by 12 rounds as its author recommends.
    // Splitting resalts thousands of times a second, and Alea's Mash seeding of a string costs more than a hundred
    // draws; two streams share a sequence only if both 64-bit hash pairs collide.
    const key = streamKey(this.seed, this.path);
    const k1 = hashString32(key);
    const k2 = hashString32(key + '/');
    const s1 = f.saltHash1;
    const s2 = f.saltHash2;
    this.a = fmix32((k1 ^ s1) >>> 0);
    this.b = fmix32(((k2 ^ s2) + 0x9e3779b9) >>> 0);
    this.w = fmix32((Math.imul(k1, 0x85ebca6b) ^ Math.imul(s2, 0xc2b2ae35) ^ k2 ^ s1) >>> 0);
    this.d = 1;
    this.mode = 2;
    for (let i = 0; i < 12; i++) this.nextSfc();
  }

  /** One sfc32 draw (Chris Doty-Humphrey's; PractRand passes to 2^40+ bytes): a multiple of 2^-32 in [0, 1). */
  private nextSfc(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.w + (this.w << 3)) | 0;
    let c = (this.w << 21) | (this.w >>> 11);
    c = (c + t) | 0;
    this.w = c;
    return (t >>> 0) / TWO_POW_32;
  }

  /** The draw when the stream is not (yet) on Alea: seed it, then draw from whichever generator it now uses. */
  private nextSlow(): number {
    if (this.mode === 3) {
      // Alea's first draw reads only s0 and c; s0 and s1 become the seeds still to hash.
      const t = 2091639 * this.s0 + this.c * TWO_POW_M32;
      const c = t | 0;
      this.c = c;
      this.mode = 4;
      return (this.s2 = t - c);
    }
    if (this.mode === 4) {
      restSeeds(this.restN, this.restPrefix, this.restName, REST);
      this.s0 = REST[0]!;
      this.s1 = REST[1]!;
      this.mode = 1;
      return this.next();
    }
    if (this.mode === 0) this.seedNow();
    return this.mode === 1 ? this.next() : this.nextSfc();
  }

  /** Alea's seeding from the stream's key, as seedrandom's alea.js does it. */
  private seedAlea(): void {
    const key = streamKey(this.seed, this.path);
    let n = mash(MASH_SPACE_3, key);
    this.s0 = aleaSeed(MASH_SPACE_1, n);
    n = mash(n, key);
    this.s1 = aleaSeed(MASH_SPACE_2, n);
    n = mash(n, key);
    this.s2 = aleaSeed(MASH_SPACE_3, n);
    this.c = 1;
    this.mode = 1;
  }

  /** The root stream of a run. `seed` is a finite number or a string. */
  static root(seed: number | string): Random {
    if (typeof seed === 'number') {
      if (!Number.isFinite(seed)) throw new RangeError(`Random.root: seed must be a finite number (got ${seed})`);
    } else if (typeof seed !== 'string') {
      throw new TypeError(`Random.root: seed must be a number or a string (got ${typeof seed})`);
    }
    return new Random(String(seed), '', null);
  }

  /**
   * Re-seeds every stream of this root's family (made before or after this call) from (root seed, path, `salt`):
   * from now on each draws a fresh sequence that depends only on those three, whatever it drew before. `salt` is a
   * non-empty string; resalting with the same salt twice restarts the same sequences.
   */
  resalt(salt: string): void {
    if (typeof salt !== 'string' || salt.length === 0) {
      throw new RangeError(`Random.resalt: salt must be a non-empty string (got ${JSON.stringify(salt)})`);
    }
    const f = this.family;
    f.salt = salt;
    f.saltHash1 = hashString32(salt);
    f.saltHash2 = hashString32(salt + '/');
    for (const r of f.members) r.mode = 0;
  }

  /** The salt the family currently draws under ('' when never resalted). */
  get salt(): string {
    return this.family.salt;
  }

  /**
   * A child stream named `name` (non-empty, without '/'), seeded from (root seed, path + '/' + name). Forking the
   * same name twice gives two streams that draw the same numbers.
   */
  fork(name: string): Random {
    if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
      throw new RangeError(`Random.fork: name must be a non-empty string without '/' (got ${JSON.stringify(name)})`);
    }
    return new Random(this.seed, this.path === '' ? name : this.path + '/' + name, this.family);
  }

  /**
   * The children `fork(names[i])` of this stream, all at once, for a process with one stream per target (a region has
   * about 210,000): they draw exactly what those forks draw, but no stream object is made for a child until
   * `stream(i)` asks for one. While the family is unsalted the children's first Alea seeds are hashed together up front,
   * four keys in lock-step (Mash is a chain of dependent floating-point steps, so four independent chains run about
   * three times faster than one after another), and the hash of the key prefix they share is computed once; the other
   * two seeds of a child are hashed at its second draw (a region's fault process draws once per target at set-up, and
   * most targets see no second arrival in a short run). Each
   * child is then four numbers in a typed array. Names follow `fork`'s rules.
   */
  forks(names: readonly string[]): Forks {
    for (const name of names) {
      if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
        throw new RangeError(`Random.forks: names must be non-empty strings without '/' (got ${JSON.stringify(name)})`);
      }
    }
    const family = this.family;
    const made: (Random | undefined)[] = [];
    const prefix = this.path === '' ? '' : this.path + '/';
    const keyPrefix = streamKey(this.seed, prefix);
    // Children's Alea states, four numbers each, while the family is unsalted (null after): with phase 0 (s0, s1, s2,
    // c); with phase 1, before any draw, (s0, Mash state, -, c); with phase 2, after one draw, (Mash state, -, s2, c),
    // s0 and s1 being the two seeds still to hash from that Mash state (restSeeds).
    let states: Float64Array | null = family.salt === '' ? aleaFirstSeeds(keyPrefix, names) : null;
    const phase = new Uint8Array(states === null ? 0 : names.length).fill(1);
    const rest = new Float64Array(2);
    /** Completes child i's state (phase 0). */
    const complete = (s: Float64Array, i: number): void => {
      const p = phase[i]!;
      if (p === 0) return;
      restSeeds(p === 1 ? s[4 * i + 1]! : s[4 * i]!, keyPrefix, names[i]!, rest);
      const at = p === 1 ? 4 * i + 1 : 4 * i;
      s[at] = rest[0]!;
      s[at + 1] = rest[1]!;
      phase[i] = 0;
    };
    const scratch = new Random(this.seed, prefix, family, false);
    scratch.restPrefix = keyPrefix;
    const stream = (i: number): Random => {
      let r = made[i];
      if (r === undefined) {
        r = this.fork(names[i]!);
        if (family.salt === '' && states !== null) {
          complete(states, i);
          r.s0 = states[4 * i]!;
          r.s1 = states[4 * i + 1]!;
          r.s2 = states[4 * i + 2]!;
          r.c = states[4 * i + 3]!;
          r.mode = 1;
        }
        made[i] = r;
      }
      return r;
    };
    return {
      size: names.length,
      stream,
      draw<T>(i: number, f: (r: Random) => T): T {
        if (!(i >= 0 && i < names.length)) throw new RangeError(`Forks.draw: no child ${i} of ${names.length}`);
        if (made[i] !== undefined || family.salt !== '' || states === null) {
          states = family.salt === '' ? states : null;
          return f(stream(i));
        }
        const s = states;
        const p = phase[i]!;
        if (p === 0) {
          scratch.s0 = s[4 * i]!;
          scratch.s1 = s[4 * i + 1]!;
          scratch.mode = 1;
        } else if (p === 1) {
          scratch.s0 = s[4 * i]!;
          scratch.restN = s[4 * i + 1]!;
          scratch.mode = 3;
        } else {
          scratch.restN = s[4 * i]!;
          scratch.mode = 4;
        }
        scratch.s2 = s[4 * i + 2]!;
        scratch.c = s[4 * i + 3]!;
        scratch.restName = names[i]!;
        const out = f(scratch);
        const m = scratch.mode;
        if (m === 1) {
          s[4 * i] = scratch.s0;
          s[4 * i + 1] = scratch.s1;
          phase[i] = 0;
        } else if (m === 4) {
          s[4 * i] = scratch.restN;
          phase[i] = 2;
        }
        // (mode 3: no draw was taken, the child is as it was.)
        s[4 * i + 2] = scratch.s2;
        s[4 * i + 3] = scratch.c;
        return out;
      },
    };
  }

  /** [0, 1), uniformly distributed; a multiple of 2^-32. */
  next(): number {
    if (this.mode !== 1) return this.nextSlow();
    const t = 2091639 * this.s0 + this.c * TWO_POW_M32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    const c = t | 0;
    this.c = c;
    return (this.s2 = t - c);
  }

  /** [0, 1) with 53 random bits (two draws). */
  next53(): number {
    return this.next() + ((this.next() * 0x200000) | 0) * TWO_POW_M53;
  }

  /** True with probability `p` (one draw). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** [min, max), uniformly distributed (one draw). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /**
   * An integer in [min, maxInclusive], uniformly distributed: one draw when the range holds at most 2^32 values,
   * two (53 bits) above that. Throws a RangeError unless both bounds are safe integers with min ≤ maxInclusive.
   */
  int(min: number, maxInclusive: number): number {
    const span = maxInclusive - min + 1;
    if (
      !(span >= 1 && span <= Number.MAX_SAFE_INTEGER) ||
      !Number.isSafeInteger(min) ||
      !Number.isSafeInteger(maxInclusive)
    ) {
      throw new RangeError(`Random.int: need safe integers min ≤ maxInclusive (got ${min}, ${maxInclusive})`);
    }
    return min + Math.floor((span <= TWO_POW_32 ? this.next() : this.next53()) * span);
  }

  /** Exponentially distributed with the given mean (> 0): −mean · ln(1 − u), one draw. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Normally distributed (Box–Muller, two draws per value, nothing cached between calls). */
  normal(mean: number, sd: number): number {
    const u1 = 1 - this.next(); // (0, 1]: log stays finite
    const u2 = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
  }

  /** Log-normally distributed: median · e^(sigma · N(0, 1)) (two draws). */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal(0, 1));
  }

  /** Weibull distributed: scale · (−ln(1 − u))^(1/shape), one draw. */
  weibull(shape: number, scale: number): number {
    return scale * (-Math.log(1 - this.next())) ** (1 / shape);
  }

  /** A uniformly chosen element (one draw). Throws on an empty array. */
  choice<T>(items: readonly T[]): T {
    const n = items.length;
    if (n === 0) throw new RangeError('Random.choice: no items to choose from');
    return items[Math.floor(this.next() * n)] as T;
  }

  /** Shuffles `items` in place (Fisher–Yates, n − 1 draws) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Counter-based randomness.
//
// `hashUniform(key, a, b)` is a pure function of its three integer inputs, like the counter-based generators
// Philox and Threefry (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11): no state, so the draw
// for message (key, a, b) is the same however many other messages were — or were not — simulated. The model uses
// it where a stream's draw count would otherwise depend on elided work (routine polls).
//
// Construction: each input is split into two 32-bit words; the six words go through two MurmurHash3 (x86_32)
// lanes with different seeds, each finished with fmix32; the two 32-bit results make 53 bits. Murmur3 passes
// SMHasher's avalanche tests, which is what a counter-based generator needs. It is not cryptographic.
// ---------------------------------------------------------------------------------------------------------------

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function murmurWord(h: number, w: number): number {
  let k = Math.imul(w, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function murmur6(seed: number, w0: number, w1: number, w2: number, w3: number, w4: number, w5: number): number {
  let h = seed;
  h = murmurWord(h, w0);
  h = murmurWord(h, w1);
  h = murmurWord(h, w2);
  h = murmurWord(h, w3);
  h = murmurWord(h, w4);
  h = murmurWord(h, w5);
  return fmix32(h ^ 24);
}

/** High 32 bits (two's complement) of an integer in (−2^53, 2^53). */
function hi32(x: number): number {
  return Math.floor(x / TWO_POW_32) | 0;
}

/**
 * Counter-based uniform draw in [0, 1) with 53 bits: a pure, deterministic function of (key, a, b). Inputs are
 * integers in (−2^53, 2^53) (fractions are dropped). Typical use: key = a stream id (e.g. from hashString32),
 * a = a message or entity number, b = an attempt or draw index.
 */
export function hashUniform(key: number, a: number, b: number): number {
  const k0 = key | 0;
  const k1 = hi32(key);
  const a0 = a | 0;
  const a1 = hi32(a);
  const b0 = b | 0;
  const b1 = hi32(b);
  const h1 = murmur6(0x9e3779b9, k0, k1, a0, a1, b0, b1);
  const h2 = murmur6(0x7f4a7c15, k0, k1, a0, a1, b0, b1);
  return (h1 * 0x200000 + (h2 >>> 11)) * TWO_POW_M53;
}

/**
 * A 32-bit unsigned hash of a string: FNV-1a over its UTF-16 code units, finished with fmix32 so that strings
 * differing in one character land far apart. Deterministic on every platform; for naming counter-based streams.
 */
export function hashString32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}
