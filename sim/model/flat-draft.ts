/**
 * A copy-on-write draft of one flat record — an object whose fields all hold primitives, such as an instance of the
 * world — for the hot path of Kernel.change: a mutInst recipe changes one instance, and immer's general machinery
 * (a scope, a revocable proxy, finalization callbacks) costs more than the change itself.
 *
 * The draft is one reusable object with an accessor per field. It follows immer's rules to the letter, so the patches
 * and the result are the ones immer's `produceWithPatches` gives for the same recipe (test/model/world-modes.test.ts
 * checks them against immer): the first assignment that changes a field copies the record (`{ ...base }`); a field
 * joins the patch list at its first assignment that changes the value it has then (`Object.is` against the base before
 * the copy, `===` after, as immer's set trap does); each listed field whose final value differs from the base gives one
 * `replace` patch, in that order. A record whose fields are not all primitives is not drafted here (`fits`).
 */

type Rec = Record<string, unknown>;

interface DraftState {
  base: Rec;
  copy: Rec | null;
  /** Fields assigned a new value, in first-assignment order. */
  assigned: string[];
  /** Every value assigned so far is a primitive (the copy fits whenever the base did). */
  clean: boolean;
}

export class FlatDrafter<T extends object> {
  private readonly keys: readonly string[];
  private readonly draft: T;
  private readonly state: DraftState = { base: {}, copy: null, assigned: [], clean: true };
  private busy = false;

  /** `sample` gives the field names; every record drafted must have these fields (see `fits`). */
  constructor(sample: T) {
    this.keys = Object.keys(sample);
    const st = this.state;
    const proto: PropertyDescriptorMap = {};
    for (const key of this.keys) {
      proto[key] = {
        enumerable: true,
        get: () => (st.copy ?? st.base)[key],
        set: (value: unknown) => {
          let copy = st.copy;
          if (copy === null) {
            const base = st.base;
            if (Object.is(value, base[key]) && (value !== undefined || Object.hasOwn(base, key))) return;
            copy = { ...base };
            st.copy = copy;
          }
          const now = copy[key];
          if (
            (now === value && (value !== undefined || Object.hasOwn(copy, key))) ||
            (Number.isNaN(value) && Number.isNaN(now))
          )
            return;
          copy[key] = value;
          if ((typeof value === 'object' && value !== null) || typeof value === 'function') st.clean = false;
          if (!st.assigned.includes(key)) st.assigned.push(key);
        },
      };
    }
    // Assigning a field the record does not have throws (strict mode) instead of being lost. The accessors are defined
    // on an ordinary object, whose prototype is then set to null: V8 keeps it in fast mode (a hidden class, inline
    // caches on every field), where `Object.create(null, …)` makes a dictionary-mode object, a hash look-up per access.
    this.draft = Object.preventExtensions(Object.setPrototypeOf(Object.defineProperties({}, proto), null)) as T;
  }

  /** True when `rec` has exactly the drafter's fields, each holding a primitive. */
  fits(rec: T): boolean {
    // for…in rather than Object.keys: no array per call (the kernel asks before every change of an instance). For a
    // plain record it lists the same keys in the same order; an inherited enumerable key makes it differ, and
    // refuses the record, which then gets immer.
    const keys = this.keys;
    let i = 0;
    for (const key in rec) {
      if (i >= keys.length || key !== keys[i]) return false;
      const v = (rec as Rec)[key];
      if ((typeof v === 'object' && v !== null) || typeof v === 'function') return false;
      i++;
    }
    return i === keys.length;
  }

  /** Whether a draft is open (a recipe that changes the world from inside a recipe gets immer instead). */
  get inUse(): boolean {
    return this.busy;
  }

  /** The record made by the last `draftFields` (its `base` when nothing changed). */
  result!: T;

  /**
   * The fields the last `draftFields` changed, in patch order, and their new values: as many entries as it returned
   * (the arrays are reused by the next draft).
   */
  readonly changedKeys: string[] = [];
  readonly changedValues: unknown[] = [];

  /**
   * Whether `result` fits (see `fits`) given that the base of the last `draftFields` did: every value assigned was a
   * primitive. Lets a caller that checked a base once skip the check for the records drafted from it.
   */
  get resultFits(): boolean {
    return this.state.clean;
  }

  /**
   * Runs `fn` on a draft of `base`, leaves the new record in `result` (`base` itself when nothing changed) and the
   * fields it changed in `changedKeys` / `changedValues`, and returns how many. The patches immer would give are
   * `{ op: 'replace', path: [...prefix, key], value }` for each, in that order (the recorder hashes them from these,
   * and makes them only when recording: Recorder.emitFieldReplaces).
   */
  draftFields(base: T, fn: (draft: T) => void): number {
    const st = this.state;
    st.base = base as Rec;
    st.copy = null;
    st.assigned.length = 0;
    st.clean = true;
    this.busy = true;
    try {
      fn(this.draft);
    } finally {
      this.busy = false;
    }
    const copy = st.copy;
    let count = 0;
    if (copy === null) this.result = base;
    else {
      const b = st.base;
      const assigned = st.assigned;
      const keys = this.changedKeys;
      const values = this.changedValues;
      for (let j = 0; j < assigned.length; j++) {
        const key = assigned[j]!;
        const value = copy[key];
        if (b[key] === value) continue;
        keys[count] = key;
        values[count] = value;
        count++;
      }
      st.base = {};
      st.copy = null;
      this.result = copy as T;
    }
    return count;
  }
}
