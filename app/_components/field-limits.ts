import { z } from "zod";
import { engineConfigSchema } from "@/lib/schemas";
import { stopConditionSchema } from "@/lib/stop-schema";

/** The part of a JSON Schema the limits are read from. */
interface JsonNode {
  type?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonNode;
  properties?: Record<string, JsonNode>;
  oneOf?: JsonNode[];
  anyOf?: JsonNode[];
}

// The server's own schemas, read once: a limit changed in lib/schemas.ts changes the hint with it.
const CONFIG = z.toJSONSchema(engineConfigSchema, { io: "input", unrepresentable: "any" }) as JsonNode;
const STOP = z.toJSONSchema(stopConditionSchema, { io: "input" }) as JsonNode;

/** A field's node: `properties` followed by name (`items`: an array's item); a union (`lrSchedule`, `stop`) is searched branch by branch. */
function nodeAt(root: JsonNode, path: readonly string[]): JsonNode | null {
  let node: JsonNode | undefined = root;
  for (const key of path) {
    const branches: JsonNode[] = node?.oneOf ?? node?.anyOf ?? (node ? [node] : []);
    node = branches.map((b) => (key === "items" ? b.items : b.properties?.[key])).find((n) => n !== undefined);
    if (!node) return null;
  }
  return node ?? null;
}

/** `1000000000` → "1,000,000,000", so a limit reads at a glance. */
const show = (n: number) => n.toLocaleString("en-GB", { maximumFractionDigits: 6 });

/** One number's range in words: "0 to 0.5", "more than 0, at most 10", "at least 1". */
function describeRange(node: JsonNode): string {
  const whole = node.type === "integer" ? "whole number, " : "";
  const low = node.exclusiveMinimum !== undefined ? `more than ${show(node.exclusiveMinimum)}` : node.minimum !== undefined ? `at least ${show(node.minimum)}` : null;
  const high = node.exclusiveMaximum !== undefined ? `less than ${show(node.exclusiveMaximum)}` : node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? `at most ${show(node.maximum)}` : null;
  if (node.minimum !== undefined && node.exclusiveMinimum === undefined && high?.startsWith("at most")) return `${whole}${show(node.minimum)} to ${show(node.maximum!)}`;
  return whole + [low, high].filter(Boolean).join(", ");
}

/** A field's limits in words, from a JSON Schema node (arrays: their length, then each item's range). */
function describe(node: JsonNode | null, itemWord: string): string {
  if (!node) return "";
  if (node.type !== "array") return describeRange(node);
  const count = node.minItems !== undefined && node.maxItems !== undefined ? `${node.minItems} to ${node.maxItems} ${itemWord}` : "";
  // "each 1 to 64": an item's range without "whole number" (a count of neurons is one anyway)
  const each = node.items && (node.items.minimum !== undefined || node.items.maximum !== undefined) ? `each ${describeRange({ ...node.items, type: "number" })}` : "";
  return [count, each].filter(Boolean).join(", ");
}

/**
 * The server's limit of a config field, in words, for the hint next to it: `dataset.noise` → "0 to 0.5",
 * `learningRate` → "more than 0, at most 10", `layers` → "2 to 8 layers, each 1 to 64".
 * Read from the same zod schema the server validates with (lib/schemas.ts), never copied.
 */
export function configLimit(field: string, itemWord = "items"): string {
  return describe(nodeAt(CONFIG, field.split(".")), itemWord);
}

/** The limit of a stop condition's value (`steps`, `epochs` or `loss`), from lib/stop-schema.ts. */
export function stopLimit(kind: "steps" | "epochs" | "loss"): string {
  const branch = STOP.oneOf?.find((b) => (b.properties?.kind as { const?: string } | undefined)?.const === kind);
  return describe(branch?.properties?.[kind === "loss" ? "below" : "count"] ?? null, "");
}

/** `min`/`max` attributes of a number input for a config field (the same limits as the hint). */
export function configInputBounds(field: string): { min?: number; max?: number } {
  const node = nodeAt(CONFIG, field.split("."));
  if (!node) return {};
  const min = node.minimum ?? node.exclusiveMinimum;
  const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}
