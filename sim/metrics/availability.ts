/**
 * Per-role availability, integrated exactly over simulated time.
 *
 * For each role: the time with at least one healthy instance (running availability), the time with at least one
 * healthy instance in the load balancer's rotation weighted by the share of users the rules let through to the
 * instances in rotation (served availability: 1 while every user reaches every such instance), and the integral of the healthy count
 * (mean Ready fraction), and the time with at least one instance not healthy (degraded). Each is a merged interval:
 * overlapping faults on one role count their common time once. Counters change only when an instance's flags flip, so the cost is per state change, not per
 * event.
 */
export class AvailabilityTracker {
  private readonly healthy: Int32Array;
  private readonly served: Int32Array;
  private readonly last: Float64Array;
  private readonly upUs: Float64Array;
  private readonly servedUs: Float64Array;
  private readonly readyIntegral: Float64Array;
  private readonly fullUs: Float64Array;
  /** Per role: Σ (1 − users' reach) over the instances in rotation, and how many of them have a reach below 1. */
  private readonly lack: Float64Array;
  private readonly partial: Int32Array;

  constructor(
    private readonly sizes: Int32Array,
    private readonly kinds: readonly ('web' | 'worker')[],
  ) {
    const n = sizes.length;
    this.healthy = new Int32Array(n);
    this.served = new Int32Array(n);
    this.last = new Float64Array(n);
    this.upUs = new Float64Array(n);
    this.servedUs = new Float64Array(n);
    this.readyIntegral = new Float64Array(n);
    this.fullUs = new Float64Array(n);
    this.lack = new Float64Array(n);
    this.partial = new Int32Array(n);
  }

  private advance(r: number, now: number): void {
    const dt = now - this.last[r]!;
    if (dt > 0) {
      if (this.healthy[r]! > 0) this.upUs[r] = this.upUs[r]! + dt;
      const served = this.served[r]!;
      if (served > 0) {
        this.servedUs[r] = this.servedUs[r]! + (this.partial[r]! > 0 ? dt * (1 - this.lack[r]! / served) : dt);
      }
      if (this.healthy[r]! >= this.sizes[r]!) this.fullUs[r] = this.fullUs[r]! + dt;
      this.readyIntegral[r] = this.readyIntegral[r]! + dt * this.healthy[r]!;
      this.last[r] = now;
    }
  }

  /**
   * Adds `dHealthy` and `dServed` (each −1, 0 or +1) to role `r` at time `now`; `lack` is 1 − the users' reach of the
   * instance that enters or leaves the rotation.
   */
  change(r: number, now: number, dHealthy: number, dServed: number, lack = 0): void {
    this.advance(r, now);
    this.healthy[r] = this.healthy[r]! + dHealthy;
    this.served[r] = this.served[r]! + dServed;
    if (lack > 0 && dServed !== 0) this.addLack(r, dServed * lack, dServed);
  }

  /** An instance of role `r` in rotation had its users' lack of reach changed from `before` to `after` at `now`. */
  changeLack(r: number, now: number, before: number, after: number): void {
    this.advance(r, now);
    this.addLack(r, after - before, (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0));
  }

  private addLack(r: number, d: number, dPartial: number): void {
    this.partial[r] = this.partial[r]! + dPartial;
    // Exactly 0 again once no instance lacks reach, whatever the rounding of the sum.
    this.lack[r] = this.partial[r]! === 0 ? 0 : this.lack[r]! + d;
  }

  healthyCount(r: number): number {
    return this.healthy[r]!;
  }

  /** Results over [0, endUs]. Worker roles are never in rotation; their served availability equals running. */
  results(endUs: number): {
    availability: number;
    servedAvailability: number;
    readyFraction: number;
    downUs: number;
    degradedUs: number;
  }[] {
    const out = [];
    for (let r = 0; r < this.sizes.length; r++) {
      this.advance(r, endUs);
      const span = endUs > 0 ? endUs : 1;
      const availability = this.upUs[r]! / span;
      out.push({
        availability,
        servedAvailability: this.kinds[r] === 'web' ? this.servedUs[r]! / span : availability,
        readyFraction: this.sizes[r]! > 0 ? this.readyIntegral[r]! / span / this.sizes[r]! : 0,
        downUs: Math.max(0, endUs - this.upUs[r]!),
        degradedUs: Math.max(0, endUs - this.fullUs[r]!),
      });
    }
    return out;
  }
}
