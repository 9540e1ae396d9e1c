/**
 * The emulator's clock: wall time plus an offset that only moves forward, so
 * tests and rehearsals can jump days ahead (expiring rigs and URLs) instantly.
 * Task state is computed from it lazily; nothing is scheduled per task.
 */
export class Clock {
  private offsetMs = 0;

  /** `skewMs`: a fixed difference from real time (a service clock that is not the client's). */
  constructor(private readonly skewMs = 0) {}

  /** Unix ms, as the API reports timestamps. */
  now(): number {
    return Date.now() + this.skewMs + this.offsetMs;
  }

  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError("the clock only moves forward");
    this.offsetMs += ms;
    return this.now();
  }

  get offset(): number {
    return this.offsetMs;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
