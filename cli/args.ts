import { parseArgs } from "node:util";
import { z } from "zod";
import { CONFIG_LOSS_NAMES } from "../lib/engine/loss";
import { UsageError } from "./usage-error";

/** Most steps (or epochs) one command may ask for. */
export const MAX_COUNT = 1_000_000_000;

/** What the command line asks for. */
export type Command =
  | { kind: "help"; topic: "main" | "train" | "explain" }
  | { kind: "train"; config?: string; loss?: ConfigLossName; steps?: number; epochs?: number; trace?: "csv" | "json"; every: number }
  | { kind: "explain"; config?: string; loss?: ConfigLossName; step: number };

/** A loss `--loss` may choose (it replaces the config's `loss`). */
export type ConfigLossName = (typeof CONFIG_LOSS_NAMES)[number];

const lossOption = z.enum(CONFIG_LOSS_NAMES, { error: (issue) => `must be ${CONFIG_LOSS_NAMES.slice(0, -1).join(", ")} or ${CONFIG_LOSS_NAMES[CONFIG_LOSS_NAMES.length - 1]}, got "${String(issue.input)}"` });

const count = z
  .string()
  .regex(/^[1-9][0-9]*$/, { error: (issue) => `must be a positive integer, got "${String(issue.input)}"` })
  .transform(Number)
  .refine((n) => n <= MAX_COUNT, { error: `must be at most ${MAX_COUNT}` });

/** `backprop train` options, after parseArgs. */
export const trainArgsSchema = z
  .object({
    config: z.string().optional(),
    loss: lossOption.optional(),
    steps: count.optional(),
    epochs: count.optional(),
    trace: z.enum(["csv", "json"], { error: (issue) => `must be csv or json, got "${String(issue.input)}"` }).optional(),
    every: count.optional(),
  })
  .superRefine((a, ctx) => {
    if (a.steps !== undefined && a.epochs !== undefined) ctx.addIssue({ code: "custom", path: ["steps"], message: "and --epochs cannot be used together" });
    if (a.every !== undefined && a.trace === undefined) ctx.addIssue({ code: "custom", path: ["every"], message: "needs --trace" });
  });

/** `backprop explain` options, after parseArgs. */
export const explainArgsSchema = z.object({ config: z.string().optional(), loss: lossOption.optional(), step: count.optional() });

const OPTIONS = {
  train: { config: { type: "string" }, loss: { type: "string" }, steps: { type: "string" }, epochs: { type: "string" }, trace: { type: "string" }, every: { type: "string" } },
  explain: { config: { type: "string" }, loss: { type: "string" }, step: { type: "string" } },
} as const;

/** Parses argv (without `node` and the script) into a command; throws UsageError on any mistake. */
export function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError("missing command: train or explain (see backprop --help)");
  if (name === "--help" || name === "-h") return { kind: "help", topic: "main" };
  if (name !== "train" && name !== "explain") {
    throw new UsageError(name.startsWith("-") ? `unknown option ${name} (see backprop --help)` : `unknown command "${name}": expected train or explain`);
  }
  // Help wins over everything else on the line, so `backprop train --bogus --help` still helps.
  if (rest.includes("--help") || rest.includes("-h")) return { kind: "help", topic: name };
  const values = parseOptions(name, rest);
  if (name === "train") {
    const a = validate(trainArgsSchema, values);
    return { kind: "train", config: a.config, loss: a.loss, steps: a.steps, epochs: a.epochs, trace: a.trace, every: a.every ?? 1 };
  }
  const a = validate(explainArgsSchema, values);
  return { kind: "explain", config: a.config, loss: a.loss, step: a.step ?? 1 };
}

function parseOptions(name: keyof typeof OPTIONS, args: string[]): Record<string, string | undefined> {
  try {
    return parseArgs({ args, options: OPTIONS[name], strict: true, allowPositionals: false }).values as Record<string, string | undefined>;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option ${option} for ${name} (see backprop ${name} --help)`);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      // parseArgs refuses any value that starts with "-", negative numbers included.
      const next = args[args.indexOf(option ?? "") + 1];
      if (next !== undefined && /^-[0-9.]/.test(next)) throw new UsageError(`${option} must be a positive integer, got "${next}"`);
      throw new UsageError(`${option} needs a value`);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError(`unexpected argument "${/'([^']*)'/.exec(message)?.[1]}" for ${name}`);
    throw new UsageError(message);
  }
}

function validate<T>(schema: z.ZodType<T>, values: unknown): T {
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw new UsageError(`--${String(issue.path[0])} ${issue.message}`);
}
