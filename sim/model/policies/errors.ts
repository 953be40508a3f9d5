/**
 * The one error a policy can cause: it did not load, does not implement its interface, threw, read the wall clock or
 * Math.random, or returned an impossible decision. The message is one line naming the policy, the call and what was
 * wrong; the command line prints it and exits with code 2. The run stops there: no decision is half-applied.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}
