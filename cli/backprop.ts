import { parseCommand } from "./args";
import { runExplain } from "./explain";
import { loadTrainer, type ReadStdin } from "./load-trainer";
import { runTrain } from "./train";
import { EXPLAIN_USAGE, MAIN_USAGE, TRAIN_USAGE } from "./usage";
import { EXIT_USAGE, UsageError } from "./usage-error";

/** Where the CLI reads and writes; the default is the process's own streams. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin: ReadStdin;
}

const USAGE = { main: MAIN_USAGE, train: TRAIN_USAGE, explain: EXPLAIN_USAGE };

/** The `backprop` command: runs argv (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    const cmd = parseCommand(argv);
    if (cmd.kind === "help") {
      io.stdout(USAGE[cmd.topic]);
      return 0;
    }
    const { config, trainer } = await loadTrainer(cmd.config, io.readStdin, { loss: cmd.loss });
    return cmd.kind === "train" ? runTrain(cmd, trainer, io.stdout) : runExplain(cmd, config, trainer, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`backprop: ${error.message}\n`);
    return EXIT_USAGE;
  }
}

function processIo(): CliIo {
  // A closed pipe (`backprop train --trace csv | head`) ends the output, not with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(0);
  });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  };
}
