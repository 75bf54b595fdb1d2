import { Trainer, type EngineConfig } from "@/lib/engine";

const MAX_TRAINERS = 3;
const cache = new Map<string, Trainer>();

/** A stable key for a config (the server sends it as JSON, so key order is preserved). */
export function configKey(config: EngineConfig): string {
  return JSON.stringify(config);
}

/**
 * The one cached Trainer for a config: building the dataset is not free, so every frame re-seeks the
 * same trainer instead of building a new one. Keeps the few most recently used configs.
 */
export function trainerFor(config: EngineConfig): Trainer {
  const key = configKey(config);
  let trainer = cache.get(key);
  if (trainer) {
    cache.delete(key);
  } else {
    trainer = new Trainer(config);
    if (cache.size >= MAX_TRAINERS) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, trainer);
  return trainer;
}
