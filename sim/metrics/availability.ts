/**
 * Per-role availability, integrated exactly over simulated time.
 *
 * For each role: the time with at least one healthy instance (running availability), the time with at least one
 * healthy instance in the load balancer's rotation (served availability), and the integral of the healthy count
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
  }

  private advance(r: number, now: number): void {
    const dt = now - this.last[r]!;
    if (dt > 0) {
      if (this.healthy[r]! > 0) this.upUs[r] = this.upUs[r]! + dt;
      if (this.served[r]! > 0) this.servedUs[r] = this.servedUs[r]! + dt;
      if (this.healthy[r]! >= this.sizes[r]!) this.fullUs[r] = this.fullUs[r]! + dt;
      this.readyIntegral[r] = this.readyIntegral[r]! + dt * this.healthy[r]!;
      this.last[r] = now;
    }
  }

  /** Adds `dHealthy` and `dServed` (each −1, 0 or +1) to role `r` at time `now`. */
  change(r: number, now: number, dHealthy: number, dServed: number): void {
    this.advance(r, now);
    this.healthy[r] = this.healthy[r]! + dHealthy;
    this.served[r] = this.served[r]! + dServed;
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
