/**
 * Misconception demos the instructor plays with one click. Each preset is a whole engine config plus
 * the paragraph shown to the room and what to watch; tests/lib/presets.test.ts checks every claim.
 * Pure: runs in Node and the browser.
 */
import type { EngineConfig, LossName } from "./engine";
import { parseEngineConfig, type EngineConfigInput } from "./schemas";

/** Preset ids, in the order the instructor's menu lists them. */
export const PRESET_IDS = ["plateau", "sign-slip", "big-learning-rate", "saturated-sigmoid", "dead-relu", "symmetric-init", "xor-no-hidden"] as const;
/** A preset id. */
export type PresetId = (typeof PRESET_IDS)[number];

/** A preset's engine config: the public config, except that the sign-slip demo may use `mse-seed-sign`. */
export type PresetConfig = Omit<EngineConfigInput, "loss"> & { loss?: LossName };

/** One misconception demo. */
export interface Preset {
  id: PresetId;
  title: string;
  /** One paragraph for the room: what goes wrong and why, in the seed's notation. */
  explanation: string;
  /** What the room should watch while it trains. */
  watch: string;
  config: PresetConfig;
  /** Steps that make the point at a glance (the UI offers "step ×N"). */
  suggestedSteps: number;
}

/** The seed's XOR, every example once per epoch in a fixed shuffled order. */
const XOR = { name: "xor", seed: 7 } as const;

/** Every preset by id. */
export const PRESETS: Record<PresetId, Preset> = {
  plateau: {
    id: "plateau",
    title: "The plateau: the seed's own settings, one example at a time",
    explanation:
      "This is the seed document's run: the 2-2-1 sigmoid network on XOR, one example per step, η = 0.5, Xavier weights drawn from seed 42. For about two thousand steps the loss sits at 0.25, the value of predicting 0.5 for everything, and it looks as if nothing is learned. Underneath, the hidden neurons are slowly turning away from each other; once they specialise (one becomes an OR-like detector, the other an AND-like one) the loss falls to almost zero within a few hundred steps. A flat curve does not mean the gradients are zero, and patience (or a larger learning rate) is part of training.",
    watch: "The loss stays near 0.25 for ~2,000 steps, then drops below 0.05 before step 3,000; the hidden weights drift apart the whole time.",
    config: { layers: [2, 2, 1], learningRate: 0.5, batchSize: 1, dataset: XOR, init: { scheme: "xavier", seed: 42 } },
    suggestedSteps: 3000,
  },
  "sign-slip": {
    id: "sign-slip",
    title: "The seed's sign slip: gradient ascent",
    explanation:
      "The seed document writes ∂L/∂ŷ = 2(y − ŷ), but the derivative of (y − ŷ)² with respect to ŷ is −2(y − ŷ) = 2(ŷ − y). With the slipped sign every update θ ← θ − η·∂L/∂θ moves each weight uphill instead of downhill: the network performs gradient ascent, and the loss climbs towards its maximum of 1 per example while the predictions are pushed to the wrong class. One sign in one line is enough to make backpropagation learn the opposite of the data.",
    watch: "The loss curve rises instead of falling; the equation panel shows the slipped derivative 2(y − ŷ).",
    config: { layers: [2, 2, 1], loss: "mse-seed-sign", learningRate: 0.5, batchSize: 1, dataset: XOR, init: { scheme: "xavier", seed: 42 } },
    suggestedSteps: 200,
  },
  "big-learning-rate": {
    id: "big-learning-rate",
    title: "A learning rate that is far too large: divergence",
    explanation:
      "Gradient descent only promises to go downhill for a small enough step. With η = 10 each update overshoots the minimum by more than it corrects, so the error grows instead of shrinking, and with a ReLU hidden layer and a linear output nothing bounds it: the weights grow geometrically, step after step, until the loss is no longer a finite number. The server refuses to apply a step that would produce NaN or ±∞, keeps the last finite parameters and pauses the session as diverged; lowering the learning rate (e.g. to 0.05) lets training continue.",
    watch: "The weights' magnitudes and the loss grow every step until the session stops as diverged with its reason.",
    config: { layers: [2, 4, 1], activation: { hidden: "relu", output: "linear" }, learningRate: 10, batchSize: 4, dataset: XOR, init: { scheme: "he", seed: 3 } },
    suggestedSteps: 200,
  },
  "saturated-sigmoid": {
    id: "saturated-sigmoid",
    title: "Saturated sigmoids: vanishing gradients",
    explanation:
      "σ'(z) = σ(z)(1 − σ(z)) is at most 0.25 and almost 0 once |z| is larger than about 5. Large weights push every hidden neuron into those flat tails, so each layer the error signal passes back through multiplies it by a tiny σ'. The output layer still gets a usable gradient, but the layers near the input receive gradients that are orders of magnitude smaller: they barely move, and training stalls on a plateau even though the loss is far from its minimum.",
    watch: "The per-layer gradient sizes |∂L/∂w|: the first layers' are tiny next to the output layer's; the loss curve is flat.",
    config: {
      layers: [2, 2, 2, 1],
      learningRate: 0.5,
      batchSize: 4,
      dataset: XOR,
      // |z| ≥ 6 in both hidden layers for every XOR input: σ' ≤ 0.0025, so little flows back.
      params: {
        weights: [
          [
            [6, 6],
            [-6, -6],
          ],
          [
            [8, -8],
            [-8, 8],
          ],
          [[0.5, -0.5]],
        ],
        biases: [[6, -6], [4, -4], [0]],
      },
    },
    suggestedSteps: 200,
  },
  "dead-relu": {
    id: "dead-relu",
    title: "A dead ReLU never comes back",
    explanation:
      "ReLU(z) = max(0, z) has slope 0 for every z < 0. The second hidden neuron starts with a bias of −3 and small weights, so its pre-activation is negative for every example: it outputs 0, its δ = (Σ w δ)·ReLU'(z) is exactly 0, and so is the gradient of each of its weights and its bias. Gradient descent can therefore never move it out of the dead region: the neuron is lost for the rest of training and the network trains with one hidden unit fewer.",
    watch: "The second hidden neuron's activation stays 0 and its weights' gradients are exactly 0 on every step.",
    config: {
      layers: [2, 3, 1],
      activation: { hidden: "relu", output: "sigmoid" },
      learningRate: 0.5,
      batchSize: 1,
      dataset: XOR,
      params: {
        weights: [
          [
            [0.8, -0.6],
            [0.4, 0.5],
            [-0.7, 0.9],
          ],
          [[0.9, 0.6, -0.8]],
        ],
        biases: [[0.1, -3, 0.2], [0]],
      },
    },
    suggestedSteps: 100,
  },
  "symmetric-init": {
    id: "symmetric-init",
    title: "Symmetric initialisation: hidden neurons stay twins",
    explanation:
      "Both hidden neurons start with the same incoming weights and bias, and the same outgoing weight. They then compute the same activation for every example, receive the same error signal δ, and get exactly the same update, so after any number of steps they are still identical: two neurons that behave as one. A single hidden neuron cannot separate XOR, so the loss plateaus. Random initialisation exists to break this symmetry.",
    watch: "w11 = w21, w12 = w22, b1 = b2 and wo1 = wo2 on every step; the decision boundary stays a single straight band.",
    config: {
      layers: [2, 2, 1],
      learningRate: 0.5,
      batchSize: 1,
      dataset: XOR,
      params: {
        weights: [
          [
            [0.5, -0.3],
            [0.5, -0.3],
          ],
          [[0.4, 0.4]],
        ],
        biases: [[0.1, 0.1], [0]],
      },
    },
    suggestedSteps: 500,
  },
  "xor-no-hidden": {
    id: "xor-no-hidden",
    title: "XOR without a hidden layer cannot be learned",
    explanation:
      "With layers [2, 1] the network is ŷ = σ(w1·x1 + w2·x2 + b): its decision boundary is one straight line. No line puts (0,0) and (1,1) on one side and (0,1) and (1,0) on the other, so however long it trains, some example is always misclassified; the best it can do is predict about 0.5 everywhere, where the mean squared error stays near 0.25. A hidden layer bends the boundary: that is what it is for.",
    watch: "The loss flattens near 0.25 and never reaches 0; accuracy stays at or below 75 %.",
    config: { layers: [2, 1], learningRate: 0.5, batchSize: 1, dataset: XOR, init: { scheme: "xavier", seed: 42 } },
    suggestedSteps: 2000,
  },
};

/** True if `id` is a preset id. */
export function isPresetId(id: unknown): id is PresetId {
  return typeof id === "string" && (PRESET_IDS as readonly string[]).includes(id);
}

/** The validated engine config of a preset. */
export function presetConfig(id: PresetId): EngineConfig {
  return parseTrustedEngineConfig(PRESETS[id].config);
}

/** What the room is shown for a preset. */
export function presetNote(id: PresetId): { id: PresetId; title: string; explanation: string; watch: string } {
  const p = PRESETS[id];
  return { id: p.id, title: p.title, explanation: p.explanation, watch: p.watch };
}

/**
 * Parses a config the server itself built or stored: as `parseEngineConfig`, but it also accepts the
 * `mse-seed-sign` loss, which only the sign-slip preset uses. Public entry points (the create form,
 * POST /api/sessions, templates) keep using `parseEngineConfig`, which refuses it: nobody should pick a
 * wrong derivative by accident, but the demo must survive a restart and a replay.
 */
export function parseTrustedEngineConfig(input: unknown): EngineConfig {
  const raw = input as { loss?: unknown } | null;
  if (raw !== null && typeof raw === "object" && raw.loss === "mse-seed-sign") {
    return { ...parseEngineConfig({ ...raw, loss: "mse" }), loss: "mse-seed-sign" };
  }
  return parseEngineConfig(input);
}
