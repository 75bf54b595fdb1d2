/** Default length of `backprop train`: enough epochs for the seed's 2-2-1 to solve XOR from most starts. */
export const DEFAULT_EPOCHS = 2000;

const EXIT_CODES = "Exit codes: 0 success, 1 training diverged, 2 bad arguments or config.";

const CONFIG_OPTION = `  --config FILE    JSON engine config (see lib/schemas.ts); "-" reads it from stdin;
                   omitted means {}: the seed's 2-2-1 sigmoid network on XOR. It may choose
                   input features ("features": ["x1", "x1^2", "sin(x2)", …], one per input),
                   regression data ("plane", "multi-gaussian": linear output, mse) and several
                   classes ("dataset": { "name": "spiral", "classes": 3 } with a softmax output and ce)
  --loss mse|bce|ce  the loss, replacing the config's: mse (squared error, the default), bce
                   (binary cross-entropy; needs a sigmoid output and targets in [0, 1]) or ce
                   (cross-entropy; needs a softmax output over at least 2 outputs)`;

/** `backprop --help`. */
export const MAIN_USAGE = `Usage: backprop <command> [options]

Trains the seed document's 2-2-1 network, or any network a config describes, and explains its steps.

Commands:
  train      train by SGD; print a summary and, optionally, a per-step trace
  explain    print one training step as a Markdown walkthrough, every number plugged in

Options:
  -h, --help       show this help; \`backprop <command> --help\` shows a command's options

${EXIT_CODES}
`;

/** `backprop train --help`. */
export const TRAIN_USAGE = `Usage: backprop train [--config FILE|-] [--loss mse|bce|ce] [--steps N | --epochs N] [--trace csv|json] [--every K]

Trains the network and prints a summary: state, final loss, train/test accuracy, parameters by name.

Options:
${CONFIG_OPTION}
  --steps N        run N update steps
  --epochs N       run N passes over the training split (default ${DEFAULT_EPOCHS})
  --trace FORMAT   also print every K-th step before the summary:
                     csv   header step,epoch,loss,<parameter names>, then one row per step
                     json  one JSON object per line: the step's full trace and "params" by name
  --every K        trace steps K, 2K, 3K, … (default 1; needs --trace)
  -h, --help       show this help

A step's loss is the mean loss of its batch before the update. With --trace csv the summary follows as
"# " comment lines; with --trace json it is the last line, {"type":"summary",…}.

Exit codes: 0 trained, 1 diverged (the summary says at which step), 2 bad arguments or config.
`;

/** `backprop explain --help`. */
export const EXPLAIN_USAGE = `Usage: backprop explain [--config FILE|-] [--loss mse|bce|ce] [--step N]

Runs steps 1 … N−1, then prints step N as a Markdown handout: the forward pass, the loss, ∂L/∂ŷ, the
chain rule for every parameter and the update, with every number plugged in.

Options:
${CONFIG_OPTION}
  --step N         the step to explain (default 1)
  -h, --help       show this help

Exit codes: 0 explained (also when step N itself diverges), 1 training diverged before step N,
2 bad arguments or config.
`;
