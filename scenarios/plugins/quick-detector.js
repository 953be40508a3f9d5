// A failure detector written as a plain JavaScript module (docs/policies.md): the node is silent after `misses`
// consecutive unanswered polls (default 2), i.e. faster than the built-in "fixed" detector's 4 — at the price of
// more false suspicions on a lossy network. The FC calls suspect() only when a poll's reply deadline passes.
export default function quickDetector(params) {
  const misses = params.misses ?? 2;
  if (!Number.isInteger(misses) || misses < 1) throw new Error(`misses must be a whole number ≥ 1, got ${misses}`);
  return {
    suspect(view) {
      return view.missed >= misses;
    },
    explain(view) {
      return `${view.missed} unanswered polls in a row (quick-detector: misses=${misses})`;
    },
  };
}
