// When each request is due and how long it is: seeded, so that a run can be repeated and page and CLI agree.

/** Seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A gamma variate (Marsaglia–Tsang), shape k and scale θ: mean kθ. */
export function gamma(random: () => number, shape: number, scale: number): number {
  if (shape < 1) return gamma(random, shape + 1, scale) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}

/**
 * Send times in ms from the start, as vLLM draws them: gaps from a gamma distribution with shape
 * `burstiness` and mean 1/rate (burstiness 1 is a Poisson process). They are absolute offsets, so a
 * late request never pushes the ones after it. With a ramp-up, the rate climbs linearly over `rampUpS`.
 */
export function arrivalTimes(count: number, rate: number, burstiness: number, seed: number, rampUpS = 0): number[] {
  if (!(rate > 0) || !Number.isFinite(rate)) return new Array<number>(count).fill(0);
  const random = rng(seed ^ 0x5bd1e995);
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    out.push(t * 1000);
    // during the ramp the rate at time t is rate × t / rampUp (never below a tenth, so the first request is not stuck)
    const now = rampUpS > 0 && t < rampUpS ? Math.max(rate * (t / rampUpS), rate / 10) : rate;
    t += gamma(random, burstiness, 1 / (now * burstiness));
  }
  return out;
}

/** A length drawn uniformly from [len × (1 − ratio), len × (1 + ratio)], at least 1. */
export function lengths(count: number, len: number, ratio: number, random: () => number): number[] {
  const lo = Math.max(1, Math.floor(len * (1 - ratio)));
  const hi = Math.max(lo, Math.ceil(len * (1 + ratio)));
  return Array.from({ length: count }, () => (ratio > 0 ? lo + Math.floor(random() * (hi - lo + 1)) : Math.max(1, len)));
}
