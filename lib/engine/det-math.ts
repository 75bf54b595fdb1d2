/**
 * `exp`, `expm1` and `tanh` in plain JavaScript arithmetic, so every engine computes the same bits.
 *
 * ECMAScript leaves Math.exp/Math.tanh "implementation-approximated": V8, SpiderMonkey and JavaScriptCore
 * may differ in the last bit, and the browser checks the server's θ bit for bit. These are ports of
 * fdlibm 5.3 (the algorithms V8's `base::ieee754` uses, so in Node and Chrome they return exactly what
 * Math.* returns; tests/lib/engine/det-math.test.ts checks that over millions of inputs and the special
 * values). They use only +, −, ×, ÷ (IEEE-exact in every engine: JavaScript never fuses a multiply-add)
 * and Math.trunc/Math.abs (exact). fdlibm's bit operations on the high word become comparisons with the
 * equivalent doubles, and building 2^k in the exponent field becomes a lookup in a table of exact powers
 * of two. Being plain JavaScript they also inline into the training loops, where Math.tanh is a call
 * into C++.
 */

/** The double whose high 32 bits are `hi` and low 32 bits are 0 (fdlibm's thresholds on the high word). */
function fromHighWord(hi: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, hi >>> 0);
  return view.getFloat64(0);
}

/** 2^k for k in [POW2_MIN, 1023], exact (repeated doubling and halving are exact in binary64). */
const POW2_MIN = -1074;
const POW2 = new Float64Array(1023 - POW2_MIN + 1);
POW2[-POW2_MIN] = 1;
for (let k = 1; k <= 1023; k++) POW2[k - POW2_MIN] = POW2[k - 1 - POW2_MIN] * 2;
for (let k = -1; k >= POW2_MIN; k--) POW2[k - POW2_MIN] = POW2[k + 1 - POW2_MIN] / 2;

/** 2^k for integer k in [−1074, 1023]. */
function pow2(k: number): number {
  return POW2[k - POW2_MIN];
}

const LN2_HI = 6.93147180369123816490e-1; // ln 2 rounded to 32 significant bits: k·LN2_HI is exact
const LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
const INV_LN2 = 1.44269504088896338700;
const TWO_M1000 = 9.33263618503218878990e-302; // 2^−1000

// exp: |x| thresholds of the fdlibm high-word tests
const EXP_OVERFLOW = 7.09782712893383973096e2;
const EXP_UNDERFLOW = -7.45133219101941108420e2;
const EXP_HALF_LN2 = fromHighWord(0x3fd62e43); // |x| > 0.5·ln 2  ⇔  high word > 0x3fd62e42
const EXP_3HALF_LN2 = fromHighWord(0x3ff0a2b2); // |x| < 1.5·ln 2
const EXP_TINY = fromHighWord(0x3e300000); // 2^−28
const EXP_P1 = 1.66666666666666019037e-1;
const EXP_P2 = -2.77777777770155933842e-3;
const EXP_P3 = 6.61375632143793436117e-5;
const EXP_P4 = -1.65339022054652515390e-6;
const EXP_P5 = 4.13813679705723846039e-8;

/** e^x, fdlibm's e_exp.c: x = k·ln 2 + r, |r| ≤ ½ln 2, a Remez rational for e^r, then scaled by 2^k. */
export function exp(x: number): number {
  // V8 returns the correctly rounded e for x = 1 (fdlibm is 1 ulp high there); Math.E is exact by spec
  if (x === 1) return Math.E;
  const ax = x < 0 ? -x : x;
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (ax > EXP_HALF_LN2) {
    if (!(ax < Infinity)) return x !== x ? x : x > 0 ? x : 0; // NaN, +∞ → itself; −∞ → 0
    if (x > EXP_OVERFLOW) return Infinity;
    if (x < EXP_UNDERFLOW) return 0;
    if (ax < EXP_3HALF_LN2) {
      k = x < 0 ? -1 : 1;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    } else {
      k = Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (ax < EXP_TINY) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (EXP_P1 + t * (EXP_P2 + t * (EXP_P3 + t * (EXP_P4 + t * EXP_P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  // fdlibm adds k to the exponent field; multiplying by 2^k is the same exact operation
  if (k >= -1021) return k === 1024 ? y * 2 * pow2(1023) : y * pow2(k);
  return y * pow2(k + 1000) * TWO_M1000;
}

// expm1
const EXPM1_Q1 = -3.33333333333331316428e-2;
const EXPM1_Q2 = 1.58730158725481460165e-3;
const EXPM1_Q3 = -7.93650757867487942473e-5;
const EXPM1_Q4 = 4.00821782732936239552e-6;
const EXPM1_Q5 = -2.01099218183624371326e-7;
const EXPM1_56LN2 = fromHighWord(0x4043687a); // |x| ≥ 56·ln 2
const EXPM1_HUGE = fromHighWord(0x40862e42); // |x| ≥ 709.78…
const EXPM1_TINY = fromHighWord(0x3c900000); // 2^−54

/** e^x − 1, accurate near 0 (fdlibm's s_expm1.c). */
export function expm1(x: number): number {
  const ax = x < 0 ? -x : x;
  if (ax >= EXPM1_56LN2) {
    if (ax >= EXPM1_HUGE) {
      if (x !== x) return x;
      if (ax === Infinity) return x > 0 ? x : -1;
      if (x > EXP_OVERFLOW) return Infinity;
    }
    if (x < 0) return -1;
  }
  let k = 0;
  let c = 0;
  if (ax > EXP_HALF_LN2) {
    let hi: number;
    let lo: number;
    if (ax < EXP_3HALF_LN2) {
      if (x >= 0) {
        hi = x - LN2_HI;
        lo = LN2_LO;
        k = 1;
      } else {
        hi = x + LN2_HI;
        lo = -LN2_LO;
        k = -1;
      }
    } else {
      k = Math.trunc(INV_LN2 * x + (x < 0 ? -0.5 : 0.5));
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (ax < EXPM1_TINY) {
    return x;
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (EXPM1_Q1 + hxs * (EXPM1_Q2 + hxs * (EXPM1_Q3 + hxs * (EXPM1_Q4 + hxs * EXPM1_Q5))));
  const t = 3 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6 - x * t));
  if (k === 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) return x < -0.25 ? -2 * (e - (x + 0.5)) : 1 + 2 * (x - e);
  if (k <= -2 || k > 56) {
    const y = 1 - (e - x);
    return (k === 1024 ? y * 2 * pow2(1023) : y * pow2(k)) - 1;
  }
  if (k < 20) return (1 - pow2(-k) - (e - x)) * pow2(k); // 1 − 2^−k is exact for k < 20
  return (x - (e + pow2(-k)) + 1) * pow2(k);
}

const TANH_TINY = fromHighWord(0x3e300000); // 2^−28: tanh(x) rounds to x

/** tanh(x) (fdlibm's s_tanh.c as in V8): 1 − 2/(e^{2|x|} + 1) written with expm1, ±1 from |x| ≥ 22. */
export function tanh(x: number): number {
  const ax = x < 0 ? -x : x;
  if (!(ax < 22)) return x !== x ? x : x > 0 ? 1 : -1;
  if (ax < TANH_TINY) return x;
  let z: number;
  if (ax >= 1) {
    const t = expm1(2 * ax);
    z = 1 - 2 / (t + 2);
  } else {
    const t = expm1(-2 * ax);
    z = -t / (t + 2);
  }
  return x < 0 ? -z : z;
}

/** σ(z) = 1/(1 + e^(−z)) with the portable exp. */
export function sigmoid(z: number): number {
  return 1 / (1 + exp(-z));
}

/**
 * True where Math.exp/Math.tanh are V8's fdlibm ports (Node: where the server trains), checked again on
 * probe values at load. There the native functions return exactly the bits of the ports above and are
 * faster (C++ with no JavaScript overhead: Math.tanh ≈ 17 ns against ≈ 37 ns for the port, measured in
 * docs/benchmarks.md); everywhere else (Firefox, Safari) the ports run, so every engine computes the same θ.
 */
export const NATIVE_MATCHES_PORTS = nativeMatchesPorts();

function nativeMatchesPorts(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string; v8?: string } } }).process;
  if (!proc?.versions?.node || !proc.versions.v8) return false;
  // A V8 built for a CPU with fused multiply-add might contract fdlibm's a·b + c (arm64 could): the probe
  // would then differ somewhere in these 3 × 1,201 values, and the ports are used instead.
  for (let k = -600; k <= 600; k++) {
    const x = k / 16 + k * 1e-7;
    if (!Object.is(Math.exp(x), exp(x)) || !Object.is(Math.tanh(x / 16), tanh(x / 16)) || !Object.is(Math.expm1(x / 64), expm1(x / 64))) return false;
  }
  return true;
}
