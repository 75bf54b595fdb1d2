/** A problem with the command line or its config: printed as one `backprop: …` line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    // One line, whatever the underlying message (JSON.parse and parseArgs messages can span several).
    super(message.replace(/\s*\n\s*/g, " ").trim());
    this.name = "UsageError";
  }
}

/** Exit code for bad arguments or config. */
export const EXIT_USAGE = 2;
/** Exit code when training diverged (the run itself was fine). */
export const EXIT_DIVERGED = 1;
