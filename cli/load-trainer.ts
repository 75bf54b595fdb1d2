import { readFile } from "node:fs/promises";
import { Trainer } from "../lib/engine/trainer";
import type { EngineConfig } from "../lib/engine/types";
import { parseEngineConfig } from "../lib/schemas";
import { UsageError } from "./usage-error";

/** Reads stdin to the end. */
export type ReadStdin = () => Promise<string>;

/**
 * Reads, parses and validates the `--config` source (a path, "-" for stdin, or nothing for `{}`) and
 * builds its trainer; every failure is a UsageError naming the source and the problem.
 */
export async function loadTrainer(source: string | undefined, readStdin: ReadStdin): Promise<{ config: EngineConfig; trainer: Trainer }> {
  const label = source === undefined ? "{}" : source === "-" ? "from stdin" : `"${source}"`;
  const text = source === undefined ? "{}" : source === "-" ? await readStdin() : await readConfigFile(source);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${label} is not valid JSON: ${(error as Error).message}`);
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
