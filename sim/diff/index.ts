// Comparing two runs: the first event at which two timelines part (what `fabricsim diff` names and the viewer's
// side-by-side comparison highlights).
export { eventKey, firstDivergence } from './divergence.js';
