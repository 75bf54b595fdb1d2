import { createLayout, nestParams, type EngineConfig } from "@/lib/engine";
import { isPresetId, type PresetId } from "@/lib/presets";

/** The template request body, or why this run cannot be saved as one. */
export type TemplateDraft = { ok: true; body: { name: string; config: Record<string, unknown>; presets: PresetId[] } } | { ok: false; error: string };

/**
 * Builds `POST /api/templates`'s body from the session's config: the network, dataset, loss and
 * hyperparameters as they are, the initial weights either as the run started (its init seed or explicit
 * parameters) or the current θ, and the presets in the order picked.
 */
export function buildTemplate(name: string, config: EngineConfig, options: { presets: readonly string[]; currentParams?: ArrayLike<number> | null }): TemplateDraft {
  const trimmed = name.trim();
  if (trimmed === "") return { ok: false, error: "name: must not be empty" };
  if (trimmed.length > 120) return { ok: false, error: "name: at most 120 characters" };
  // The sign-slip loss exists only inside its demo: save a normal run and list the demo among the presets.
  if (config.loss === "mse-seed-sign") return { ok: false, error: "This run is the sign-slip demo; save a template from a normal run and add the demo to its presets." };
  const presets = options.presets.filter(isPresetId);
  const { params: startParams, ...rest } = config;
  const params = options.currentParams ? nestParams(createLayout(config.layers), options.currentParams) : startParams;
  return { ok: true, body: { name: trimmed, config: { ...rest, ...(params ? { params } : {}) }, presets } };
}
