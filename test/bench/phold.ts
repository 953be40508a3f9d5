/**
 * PHOLD (Fujimoto): 1,000 logical processes × 10 initial events. Each event, when run, schedules one event at
 * now + Exp(mean 1 s), rounded to µs, for a uniformly random process. Runs to t = 150 s (≈ 1.5 M events), seed 42.
 *
 * Draws, in order: one Exp for each initial event (process by process), then per event: the delay, then the
 * destination. The baseline below makes exactly the same draws from the same generator, so both sides must report
 * the same checksum: events, Σ (lp + 1) · events(lp), and the final clock.
 */
import seedrandom from 'seedrandom';
import { type EventFn, Random, Scheduler, seconds } from '../../sim/engine/index.js';
import { race, type WorkResult } from './harness.js';

const LPS = 1_000;
const INITIAL_PER_LP = 10;
const MEAN_US = 1_000_000;
const END_US = 150_000_000;
const SEED = 42;

function checksum(counts: Float64Array, events: number, nowUs: number): string {
  let total = 0;
  let weighted = 0;
  for (let lp = 0; lp < counts.length; lp++) {
    total += counts[lp]!;
    weighted += (lp + 1) * counts[lp]!;
  }
  return `events=${events} perLP=${total} weighted=${weighted} now=${nowUs}`;
}

/** The engine: Scheduler + Random, as a model would use them. */
export function pholdEngine(): WorkResult {
  const sched = new Scheduler(16_384);
  const rng = Random.root(SEED);
  const counts = new Float64Array(LPS);
  const onEvent: EventFn = (lp) => {
    counts[lp]!++;
    const delayUs = Math.round(rng.exponential(MEAN_US));
    sched.after(delayUs, onEvent, rng.int(0, LPS - 1));
  };
  for (let lp = 0; lp < LPS; lp++) {
    for (let k = 0; k < INITIAL_PER_LP; k++) sched.at(Math.round(rng.exponential(MEAN_US)), onEvent, lp);
  }
  const res = sched.run({ until: seconds(150) });
  return { events: res.events, checksum: checksum(counts, res.events, res.nowUs) };
}

/**
 * The bare baseline: a minimal binary min-heap over parallel typed arrays ordered by (time, sequence), written
 * here and sharing no code with sim/. Same generator (seedrandom's alea, seeded with the string that
 * Random.root(42) uses: "<length>:<seed>|<path>" = "2:42|"), same draws in the same order.
 */
export function pholdBaseline(): WorkResult {
  const prng = seedrandom.alea('2:42|');
  let cap = 16_384;
  let time = new Float64Array(cap);
  let seqs = new Float64Array(cap);
  let lps = new Int32Array(cap);
  let n = 0;
  let seq = 0;

  const push = (t: number, lp: number): void => {
    if (n === cap) {
      cap *= 2;
      const t2 = new Float64Array(cap);
      t2.set(time);
      time = t2;
      const s2 = new Float64Array(cap);
      s2.set(seqs);
      seqs = s2;
      const l2 = new Int32Array(cap);
      l2.set(lps);
      lps = l2;
    }
    const s = seq++;
    let pos = n++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pt = time[parent]!;
      if (pt < t || (pt === t && seqs[parent]! < s)) break;
      time[pos] = pt;
      seqs[pos] = seqs[parent]!;
      lps[pos] = lps[parent]!;
      pos = parent;
    }
    time[pos] = t;
    seqs[pos] = s;
    lps[pos] = lp;
  };

  // Removes the root; the caller has read it.
  const popRoot = (): void => {
    const last = --n;
    if (last === 0) return;
    const t = time[last]!;
    const s = seqs[last]!;
    const lp = lps[last]!;
    let pos = 0;
    const half = last >> 1;
    while (pos < half) {
      let child = 2 * pos + 1;
      const right = child + 1;
      if (
        right < last &&
        (time[right]! < time[child]! || (time[right] === time[child] && seqs[right]! < seqs[child]!))
      ) {
        child = right;
      }
      const ct = time[child]!;
      if (t < ct || (t === ct && s < seqs[child]!)) break;
      time[pos] = ct;
      seqs[pos] = seqs[child]!;
      lps[pos] = lps[child]!;
      pos = child;
    }
    time[pos] = t;
    seqs[pos] = s;
    lps[pos] = lp;
  };

  const counts = new Float64Array(LPS);
  for (let lp = 0; lp < LPS; lp++) {
    for (let k = 0; k < INITIAL_PER_LP; k++) push(Math.round(-MEAN_US * Math.log(1 - prng())), lp);
  }
  let now = 0;
  let events = 0;
  while (n > 0 && time[0]! <= END_US) {
    now = time[0]!;
    const lp = lps[0]!;
    popRoot();
    events++;
    counts[lp]!++;
    const delayUs = Math.round(-MEAN_US * Math.log(1 - prng()));
    push(now + delayUs, Math.floor(prng() * LPS));
  }
  if (n > 0) now = END_US;
  return { events, checksum: checksum(counts, events, now) };
}

export function run(_args: string[]): number {
  return race({
    name: 'phold',
    describe: `${LPS} LPs × ${INITIAL_PER_LP} initial events, Exp(1 s) hops to a random LP, until 150 s, seed ${SEED}`,
    engine: pholdEngine,
    baseline: pholdBaseline,
  });
}
