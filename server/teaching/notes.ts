import type { EngineConfig, StepTrace } from "@/lib/engine";
import { explainStep, formatNumber } from "@/lib/explain";
import { lossCurveSvg } from "@/lib/loss-svg";
import type { PresetNote } from "@/lib/protocol";
import { downsampleCurve } from "./curve";

/** What the handout is made of. */
export interface NotesInput {
  title: string;
  sessionId: string;
  config: EngineConfig;
  /** Current (durable) step of the session, and its current run (the worked step's run). */
  step: number;
  run: number;
  /** Every stored [step, loss]. */
  curve: [number, number][];
  /** Trace of the worked step. */
  trace: StepTrace;
  preset: PresetNote | null;
}

/** Points the handout's loss curve is drawn with. */
export const CURVE_POINTS = 400;

/** The handout's Markdown and the figures (inline SVG lines) an HTML rendering may trust. */
export interface Notes {
  markdown: string;
  figures: string[];
}

/**
 * The lecture handout as Markdown: title, config, loss curve (inline SVG), the preset's note if any,
 * and the full worked step (the same text as `backprop explain`); the SVG is also named in `figures`,
 * so markdownToHtml inserts it and nothing else as markup.
 */
export function buildNotes(n: NotesInput): Notes {
  const c = n.config;
  const dataset = "name" in c.dataset ? `${c.dataset.name} (seed ${c.dataset.seed}${c.dataset.size ? `, ${c.dataset.size} points` : ""}${c.dataset.noise ? `, noise ${c.dataset.noise}` : ""})` : `${c.dataset.points.length} points of the instructor's own`;
  const init = c.params ? "explicit initial parameters" : `${c.init.scheme} (seed ${c.init.seed}${c.init.scheme === "uniform" ? `, range ±${c.init.range}` : ""})`;
  const reg = c.regularization.kind === "none" ? "none" : `${c.regularization.kind.toUpperCase()}, λ = ${formatNumber(c.regularization.rate)}`;
  const curve = downsampleCurve(n.curve, CURVE_POINTS).map((p) => [p[0], p[1]] as [number, number]);
  const figure = lossCurveSvg(curve, { title: `Loss of ${oneLine(n.title)} up to step ${n.step}`, markStep: n.trace.step });
  const sections = [
    `# Lecture notes: ${oneLine(n.title)}`,
    `Session \`${n.sessionId}\`, run ${n.run}, at step ${n.step}. Worked step: ${n.trace.step}; replay it at \`/replay/${n.sessionId}?run=${n.run}&step=${n.trace.step}\`.`,
    "## Configuration",
    [
      "| setting | value |",
      "|---|---|",
      `| layers | ${c.layers.join(" → ")} |`,
      `| activations | hidden ${c.activation.hidden}, output ${c.activation.output} |`,
      `| loss | ${c.loss} |`,
      `| learning rate η | ${formatNumber(c.learningRate)} |`,
      `| batch size | ${c.batchSize} |`,
      `| regularisation | ${reg} |`,
      `| initialisation | ${init} |`,
      `| dataset | ${dataset} |`,
    ].join("\n"),
    n.preset ? `## Demo: ${oneLine(n.preset.title)}\n\n${oneLine(n.preset.explanation)}\n\n**Watch:** ${oneLine(n.preset.watch)}` : null,
    "## Loss curve",
    figure,
    curve.length > 0 ? `Loss at step ${curve[0][0]}: ${formatNumber(curve[0][1])}; at step ${curve[curve.length - 1][0]}: ${formatNumber(curve[curve.length - 1][1])}. The dashed line marks step ${n.trace.step}.` : "No steps stored yet.",
    // The worked step's headings go one level down, under the handout's title.
    explainStep(c, n.trace).replace(/^(#+) /gm, "#$1 "),
  ];
  return { markdown: `${sections.filter((s) => s !== null).join("\n\n").trimEnd()}\n`, figures: [figure] };
}

/** User text on one line (a title cannot start a heading or table of its own). */
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
