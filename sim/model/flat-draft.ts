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
import type { Patch as ImmerPatch } from 'immer';

type Rec = Record<string, unknown>;

interface DraftState {
  base: Rec;
  copy: Rec | null;
  /** Fields assigned a new value, in first-assignment order. */
  assigned: string[];
}

export class FlatDrafter<T extends object> {
  private readonly keys: readonly string[];
  private readonly draft: T;
  private readonly state: DraftState = { base: {}, copy: null, assigned: [] };
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
          if (!st.assigned.includes(key)) st.assigned.push(key);
        },
      };
    }
    // Assigning a field the record does not have throws (strict mode) instead of being lost.
    this.draft = Object.preventExtensions(Object.create(null, proto)) as T;
  }

  /** True when `rec` has exactly the drafter's fields, each holding a primitive. */
  fits(rec: T): boolean {
    const keys = Object.keys(rec);
    if (keys.length !== this.keys.length) return false;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== this.keys[i]) return false;
      const v = (rec as Rec)[keys[i]!];
      if (typeof v === 'object' && v !== null) return false;
      if (typeof v === 'function') return false;
    }
    return true;
  }

  /** Whether a draft is open (a recipe that changes the world from inside a recipe gets immer instead). */
  get inUse(): boolean {
    return this.busy;
  }

  /**
   * Runs `fn` on a draft of `base`; returns the new record (`base` itself when nothing changed) and the patches, their
   * paths starting with `prefix`.
   */
  produce(base: T, fn: (draft: T) => void, prefix: readonly (string | number)[]): [T, ImmerPatch[]] {
    const st = this.state;
    st.base = base as Rec;
    st.copy = null;
    st.assigned.length = 0;
    this.busy = true;
    try {
      fn(this.draft);
    } finally {
      this.busy = false;
    }
    const copy = st.copy;
    const patches: ImmerPatch[] = [];
    if (copy === null) return [base, patches];
    const b = st.base;
    for (const key of st.assigned) {
      const value = copy[key];
      if (b[key] === value) continue;
      patches.push({ op: 'replace', path: [...prefix, key], value });
    }
    st.base = {};
    st.copy = null;
    return [copy as T, patches];
  }
}
