import { readFile } from "node:fs/promises";
import { Trainer } from "../lib/engine/trainer";
import type { EngineConfig } from "../lib/engine/types";
import { parseEngineConfig } from "../lib/schemas";
import { UsageError } from "./usage-error";

/** Reads stdin to the end. */
export type ReadStdin = () => Promise<string>;

/** Config fields given as command-line flags; they replace the config's own. */
export interface ConfigFlags {
  loss?: EngineConfig["loss"];
}

/**
 * Reads, parses and validates the `--config` source (a path, "-" for stdin, or nothing for `{}`), with
 * any `flags` replacing its fields, and builds its trainer; every failure is a UsageError naming the
 * source and the problem.
 */
export async function loadTrainer(source: string | undefined, readStdin: ReadStdin, flags: ConfigFlags = {}): Promise<{ config: EngineConfig; trainer: Trainer }> {
  const label = source === undefined ? "{}" : source === "-" ? "from stdin" : `"${source}"`;
  const text = source === undefined ? "{}" : source === "-" ? await readStdin() : await readConfigFile(source);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${label} is not valid JSON: ${(error as Error).message}`);
  }
  if (flags.loss !== undefined) {
    // A config that is not an object is refused by the schema below, with or without the flag.
    if (typeof input === "object" && input !== null && !Array.isArray(input)) input = { ...input, loss: flags.loss };
  }
  try {
    const config = parseEngineConfig(input);
    return { config, trainer: new Trainer(config) };
  } catch (error) {
    throw new UsageError(`invalid config ${label}: ${(error as Error).message}`);
  }
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : message;
    throw new UsageError(`cannot read config "${path}": ${reason}`);
  }
}
