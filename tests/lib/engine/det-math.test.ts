import { describe, expect, it } from "vitest";
import { ACTIVATIONS } from "@/lib/engine";
import { exp, expm1, NATIVE_MATCHES_PORTS, sigmoid, tanh } from "@/lib/engine/det-math";

/*
 * The ports must return exactly V8's bits (V8's Math.exp/expm1/tanh are fdlibm too): that makes them
 * as accurate as fdlibm (< 1 ulp) and lets the server use the native functions while other browsers
 * run the ports. Object.is also tells 0 from −0 and compares NaN with itself.
 */

/** A reproducible stream of doubles (Mulberry32 → uniform in [0, 1)). */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts inputs where port and native differ; returns the count and the first few. */
function mismatches(port: (x: number) => number, native: (x: number) => number, xs: Iterable<number>): { count: number; first: number[] } {
  let count = 0;
  const first: number[] = [];
  for (const x of xs) {
    if (Object.is(port(x), native(x))) continue;
    count++;
    if (first.length < 5) first.push(x);
  }
  return { count, first };
}

/** Inputs: uniform in [−range, range], log-uniform magnitudes 1e−20 … 1e3, and random bit patterns. */
function* inputs(n: number, range: number, seed: number): Generator<number> {
  const u = uniforms(seed);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let k = 0; k < n; k++) {
    yield (u() * 2 - 1) * range;
    yield (u() < 0.5 ? -1 : 1) * 10 ** (u() * 23 - 20);
    words[0] = u() * 2 ** 32;
    words[1] = u() * 2 ** 32;
    yield bits[0];
  }
}

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** -28, -(2 ** -28), 2 ** -54, 2 ** -55, 1, -1, 22, -22, 21.999999999999996, 0.5 * Math.LN2, 1.5 * Math.LN2, 56 * Math.LN2, -56 * Math.LN2, 709.782712893384, 709.7827128933841, -745.1332191019411, -745.1332191019412, -708.4, 1e-310];

describe("portable exp, expm1 and tanh (fdlibm ports)", () => {
  it("exp equals Math.exp bit for bit over 600,000 inputs and every special value", () => {
    expect(mismatches(exp, Math.exp, inputs(200_000, 750, 1))).toEqual({ count: 0, first: [] });
    expect(mismatches(exp, Math.exp, SPECIAL)).toEqual({ count: 0, first: [] });
    // every integer and every 1/1000 step in the range the engine uses
    expect(mismatches(exp, Math.exp, Array.from({ length: 200_001 }, (_, k) => (k - 100_000) / 1000))).toEqual({ count: 0, first: [] });
  });

  it("expm1 equals Math.expm1 bit for bit over 600,000 inputs and every special value", () => {
    expect(mismatches(expm1, Math.expm1, inputs(200_000, 100, 2))).toEqual({ count: 0, first: [] });
    expect(mismatches(expm1, Math.expm1, SPECIAL)).toEqual({ count: 0, first: [] });
  });

  it("tanh equals Math.tanh bit for bit over 600,000 inputs and every special value", () => {
    expect(mismatches(tanh, Math.tanh, inputs(200_000, 30, 3))).toEqual({ count: 0, first: [] });
    expect(mismatches(tanh, Math.tanh, SPECIAL)).toEqual({ count: 0, first: [] });
    expect(mismatches(tanh, Math.tanh, Array.from({ length: 200_001 }, (_, k) => (k - 100_000) / 4000))).toEqual({ count: 0, first: [] });
  });

  it("special values: ±0 keep their sign, ±∞ and NaN behave as IEEE says, huge |x| saturates", () => {
    expect(Object.is(tanh(-0), -0)).toBe(true);
    expect(Object.is(expm1(-0), -0)).toBe(true);
    expect(exp(-0)).toBe(1);
    expect([tanh(Infinity), tanh(-Infinity), tanh(1e300), tanh(-1e300)]).toEqual([1, -1, 1, -1]);
    expect([exp(Infinity), exp(-Infinity), exp(1000), exp(-1000)]).toEqual([Infinity, 0, Infinity, 0]);
    expect([expm1(Infinity), expm1(-Infinity), expm1(-1000)]).toEqual([Infinity, -1, -1]);
    for (const f of [exp, expm1, tanh, sigmoid]) expect(f(NaN)).toBeNaN();
    expect([sigmoid(1000), sigmoid(-1000), sigmoid(0)]).toEqual([1, 0, 0.5]);
  });

  it("tanh is odd and within 1 ulp of exact at points known to 20 digits", () => {
    const u = uniforms(4);
    for (let k = 0; k < 10_000; k++) {
      const x = (u() * 2 - 1) * 25;
      expect(Object.is(tanh(-x), -tanh(x))).toBe(true);
    }
    // tanh(0.5), tanh(1), tanh(2) to 20 significant digits
    for (const [x, exact] of [[0.5, 0.46211715726000975850], [1, 0.76159415595576488812], [2, 0.96402758007581688395]]) {
      expect(Math.abs(tanh(x) - exact)).toBeLessThanOrEqual(Number.EPSILON * Math.abs(exact));
    }
  });

  it("on Node the native functions are the ports, and the activations use them", () => {
    expect(NATIVE_MATCHES_PORTS).toBe(true);
    for (const z of inputs(2_000, 40, 5)) {
      expect(Object.is(ACTIVATIONS.sigmoid.fn(z), sigmoid(z))).toBe(true);
      expect(Object.is(ACTIVATIONS.tanh.fn(z), tanh(z))).toBe(true);
    }
  });
});
