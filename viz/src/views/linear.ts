/**
 * A d3 linear scale as a plain function, for the loops that place tens of thousands of marks and fault windows: the
 * very arithmetic of d3's scale (clamp, normalise, interpolate), without its per-call checks and indirections, so
 * every position is the same number d3 would give.
 */
import type * as d3 from 'd3';

/** `scale` as a plain function of finite numbers; the scale itself when its shape is not the plain one. */
export function linearOf(scale: d3.ScaleLinear<number, number>): (v: number) => number {
  const domain = scale.domain();
  const range = scale.range();
  if (domain.length !== 2 || range.length !== 2) return (v) => scale(v);
  const a = domain[0]!;
  const b = domain[1]!;
  const r0 = range[0]!;
  const r1 = range[1]!;
  const span = b - a;
  // d3 swaps a descending domain and treats an empty one apart: leave those to it.
  if (!(span > 0) || !Number.isFinite(r0) || !Number.isFinite(r1)) return (v) => scale(v);
  if (scale.clamp()) {
    return (v) => {
      const u = (Math.max(a, Math.min(b, v)) - a) / span;
      return r0 * (1 - u) + r1 * u;
    };
  }
  return (v) => {
    const u = (v - a) / span;
    return r0 * (1 - u) + r1 * u;
  };
}
