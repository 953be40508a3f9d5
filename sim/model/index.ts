// The model layer: the simulation kernel and its actors (the fabric, and the security actor that plays the scripted
// traffic). Built from a resolved scenario (sim/spec), recording into a trace (sim/trace).
export { planProblem, type SecurityFacts, SecurityModel } from './security/index.js';
export { Simulation } from './simulation.js';
