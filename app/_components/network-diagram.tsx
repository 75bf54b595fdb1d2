"use client";

import { useMemo, useRef, useState } from "react";
import { ACTIVATIONS, createLayout, Network, type EngineConfig } from "@/lib/engine";
import { activationRange } from "@/app/_lib/colour-scale";
import { planeBounds } from "@/app/_lib/field";
import { formatValue } from "@/app/_lib/format";
import type { StepFocus } from "@/app/_lib/session-types";
import { trainerFor } from "@/app/_lib/trainer-cache";
import { useElementWidth } from "@/app/_hooks/use-element-width";
import { placeLabels, PROJECTOR_FONTS, SCREEN_FONTS } from "./network-diagram-labels";
import { buildDiagramModel, type DiagramEdge, type DiagramNode, type DiagramParam } from "./network-diagram-model";
import { NeuronHeatmap } from "./neuron-heatmap";
import { ParamInspector } from "./param-inspector";

/** Edges beyond this count are drawn without name labels (they would overlap). */
const MAX_LABELLED_EDGES = 12;

/** Props of the network diagram. */
export interface NetworkDiagramProps {
  config: EngineConfig;
  focus: StepFocus;
  exampleIndex: number;
  selected: number | null;
  onSelect(index: number | null): void;
  /** Drawn for the lecture hall's screen: as wide as its box, with back-row text sizes. */
  projector?: boolean;
  /** The instructor's console: a click or Enter on a weight or bias opens its value editor ("what if w11 were −2?"). */
  onEditParam?(param: { index: number; name: string; value: number }): void;
}

/**
 * The network as an SVG: neurons coloured by their activation on the current example, weights as
 * edges (width = |w|, colour AND dash = sign), gradient halos in the backward phase, the selected
 * parameter's chain-rule path, and a heatmap of what each hidden neuron detects.
 */
export function NetworkDiagram({ config, focus, exampleIndex, selected, onSelect, projector = false, onEditParam }: NetworkDiagramProps) {
  const [hovered, setHovered] = useState<number | null>(null);
  const [hoveredNode, setHoveredNode] = useState<string | null>(null);
  const box = useRef<HTMLElement>(null);
  // One viewBox unit ≈ one CSS pixel, so labels keep their size from a phone to a projector.
  const measured = useElementWidth(box, 640);
  const width = Math.max(300, Math.min(projector ? 1800 : 760, measured));
  const fonts = projector ? PROJECTOR_FONTS : SCREEN_FONTS;
  const sizes = config.layers;
  // Tall layers get ~28 units a neuron (room for a side label), up to 720.
  const height = projector ? Math.round(Math.max(420, Math.min(680, width * 0.6))) : Math.round(Math.max(250, Math.min(420, width * 0.6), Math.min(720, Math.max(...sizes) * 28 + 68)));
  const showBefore = focus.phase !== null && focus.phase !== "update" && focus.before !== null;
  const params = showBefore ? focus.before! : focus.params;
  const model = useMemo(
    () => (params.length === 0 ? null : buildDiagramModel({ sizes, params, trace: focus.trace, exampleIndex, phase: focus.phase, selected, activation: config.activation, features: config.features, width, height, maxRadius: projector ? 44 : 26 })),
    [sizes, params, focus.trace, focus.phase, exampleIndex, selected, config.activation, config.features, width, height, projector],
  );
  const labels = useMemo(() => (model ? placeLabels(model.nodes, model.width, model.height, fonts) : []), [model, fonts]);
  const net = useMemo(() => new Network(createLayout(sizes), ACTIVATIONS[config.activation.hidden], ACTIVATIONS[config.activation.output]), [sizes, config.activation]);
  const bounds = useMemo(() => {
    const data = trainerFor(config).data;
    return planeBounds([...data.train.points, ...data.test.points]);
  }, [config]);
  const hiddenRange = useMemo(() => activationRange(config.activation.hidden), [config.activation.hidden]);
  if (!model) return <figure ref={box} className="aspect-[16/10] w-full rounded-lg bg-surface-2" aria-hidden />;

  const inspected = hovered ?? selected;
  const names = focus.trace?.names;
  const labelled = model.edges.length <= MAX_LABELLED_EDGES && model.width >= 480;
  const edit = (p: DiagramParam) => {
    onSelect(p.index);
    onEditParam!({ index: p.index, name: p.name, value: p.value });
  };
  const paramHandlers = (p: DiagramParam) => ({
    tabIndex: 0,
    role: "button",
    "aria-pressed": selected === p.index,
    "aria-label": `${p.name} = ${formatValue(p.value)}${focus.trace ? `, gradient ${formatValue(focus.trace.grad[p.index])}` : ""}${onEditParam ? " (Enter: set its value)" : ""}`,
    "data-testid": `diagram-param-${p.name}`,
    onMouseEnter: () => setHovered(p.index),
    onMouseLeave: () => setHovered(null),
    onFocus: () => setHovered(p.index),
    onBlur: () => setHovered(null),
    onClick: () => (onEditParam ? edit(p) : onSelect(selected === p.index ? null : p.index)),
    onKeyDown: (e: React.KeyboardEvent) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      if (onEditParam && e.key === "Enter") edit(p);
      else onSelect(selected === p.index ? null : p.index);
    },
    className: "cursor-pointer",
  });
  const enlarged = model.nodes.find((n) => n.id === hoveredNode && n.heatmap);

  return (
    <figure ref={box} className="flex flex-col gap-2" data-testid="network-diagram" data-phase={focus.phase ?? "none"}>
      <svg viewBox={`0 0 ${model.width} ${model.height}`} className="h-auto w-full select-none" role="group" aria-label="Network diagram: neurons and weighted connections">
        {model.edges.map((e) => (
          <g key={e.index} {...paramHandlers(e)} data-sign={e.stroke.sign} data-dash={e.stroke.dash ?? "solid"} data-width={e.stroke.width.toFixed(2)}>
            <EdgeLines edge={e} flow={model.flow} />
            {labelled ? (
              <text x={e.x1 + (e.x2 - e.x1) * 0.3} y={e.y1 + (e.y2 - e.y1) * 0.3 - 6} fontSize={fonts.edge} textAnchor="middle" fill="var(--muted)" className="pointer-events-none" data-diagram-text="label">
                {e.name} {e.stroke.sign}
              </text>
            ) : null}
          </g>
        ))}
        {model.nodes.map((n) => (
          <NodeShape key={n.id} node={n} onHover={setHoveredNode}>
            {n.heatmap ? (
              <foreignObject x={n.x - n.r} y={n.y - n.r} width={n.r * 2} height={n.r * 2} className="pointer-events-none">
                <NeuronHeatmap net={net} params={focus.params} layer={n.layer} neuron={n.index} bounds={bounds} range={hiddenRange} features={config.features} label={n.label} />
              </foreignObject>
            ) : null}
            {n.bias ? <BiasKnob node={n} bias={n.bias} handlers={paramHandlers(n.bias)} fontSize={projector ? fonts.edge : 11} /> : null}
          </NodeShape>
        ))}
        <g className="pointer-events-none">
          {labels.map((l) => {
            const inside = l.kind === "name" && !model.nodes.find((n) => n.id === l.nodeId)!.heatmap && l.anchor === "middle";
            return (
              <text
                key={l.id}
                x={l.x}
                y={l.y}
                fontSize={l.fontSize}
                fontWeight={l.kind === "name" ? 600 : undefined}
                textAnchor={l.anchor}
                fill={inside ? "#111" : "var(--fg)"}
                stroke={inside ? "#fff" : "none"}
                strokeWidth={3}
                paintOrder="stroke"
                className={l.kind === "value" ? "num" : undefined}
                data-diagram-label={l.kind}
                data-diagram-text={l.kind === "value" ? "number" : "label"}
                data-testid={l.kind === "value" ? `neuron-value-${model.nodes.find((n) => n.id === l.nodeId)!.label}` : undefined}
              >
                {l.text}
              </text>
            );
          })}
        </g>
        {enlarged ? (
          <foreignObject x={Math.min(model.width - 150, Math.max(0, enlarged.x - 75))} y={Math.min(model.height - 150, Math.max(0, enlarged.y - 75))} width={150} height={150} className="pointer-events-none">
            <div style={{ width: "100%", height: "100%", border: "2px solid var(--fg)", borderRadius: 8, overflow: "hidden" }}>
              <NeuronHeatmap net={net} params={focus.params} layer={enlarged.layer} neuron={enlarged.index} bounds={bounds} range={hiddenRange} features={config.features} label={`${enlarged.label} (enlarged)`} />
            </div>
          </foreignObject>
        ) : null}
      </svg>
      <ParamInspector name={inspected !== null && names ? names[inspected] : inspected !== null ? (model.edges.find((e) => e.index === inspected)?.name ?? model.nodes.find((n) => n.bias?.index === inspected)?.bias?.name ?? null) : null} index={inspected} focus={focus} pinned={inspected !== null && inspected === selected} />
      <figcaption className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted">
        <span>
          <svg width="28" height="8" aria-hidden className="mr-1 inline">
            <line x1="0" y1="4" x2="28" y2="4" stroke="var(--pos)" strokeWidth="3" />
          </svg>
          positive weight (solid)
        </span>
        <span>
          <svg width="28" height="8" aria-hidden className="mr-1 inline">
            <line x1="0" y1="4" x2="28" y2="4" stroke="var(--neg)" strokeWidth="3" strokeDasharray="7 5" />
          </svg>
          negative weight (dashed)
        </span>
        <span>thicker = larger |w|</span>
        {focus.phase === "backward" ? <span className="text-grad">glow = |∂L/∂w|</span> : null}
      </figcaption>
    </figure>
  );
}

function EdgeLines({ edge: e, flow }: { edge: DiagramEdge; flow: "forward" | "backward" | null }) {
  const line = { x1: e.x1, y1: e.y1, x2: e.x2, y2: e.y2 };
  return (
    <>
      <line {...line} className="hit" stroke="transparent" strokeWidth={18} />
      {e.gradShare > 0 ? <line {...line} stroke="var(--grad)" strokeOpacity={0.25 + 0.5 * e.gradShare} strokeWidth={e.stroke.width + 14 * e.gradShare} strokeLinecap="round" /> : null}
      {e.onPath ? <line {...line} stroke="var(--path)" strokeOpacity={0.45} strokeWidth={e.stroke.width + 8} strokeLinecap="round" /> : null}
      <line {...line} stroke={e.stroke.colour} strokeOpacity={e.stroke.opacity} strokeWidth={e.stroke.width} strokeDasharray={e.stroke.dash ?? undefined} />
      {flow ? <line {...line} stroke="var(--fg)" strokeOpacity={0.55} strokeWidth={2} strokeDasharray="2 10" className={flow === "forward" ? "flow-forward" : "flow-backward"} /> : null}
    </>
  );
}

function NodeShape({ node: n, onHover, children }: { node: DiagramNode; onHover(id: string | null): void; children: React.ReactNode }) {
  const ring = n.onPath ? "var(--path)" : "var(--fg)";
  return (
    <g data-testid={`neuron-${n.label}`} onMouseEnter={() => onHover(n.id)} onMouseLeave={() => onHover(null)} onClick={() => onHover(n.id)}>
      {n.heatmap ? (
        <rect x={n.x - n.r - 3} y={n.y - n.r - 3} width={n.r * 2 + 6} height={n.r * 2 + 6} rx={5} fill={n.fill} stroke={ring} strokeWidth={n.onPath ? 3 : 1.5} />
      ) : (
        <circle cx={n.x} cy={n.y} r={n.r} fill={n.fill} stroke={ring} strokeWidth={n.onPath ? 3 : 1.5} />
      )}
      {children}
      <title>{n.value === null ? n.label : `${n.label} = ${formatValue(n.value, 3)}`}</title>
    </g>
  );
}

function BiasKnob({ node: n, bias, handlers, fontSize }: { node: DiagramNode; bias: DiagramParam; handlers: Record<string, unknown>; fontSize: number }) {
  const r = Math.max(6, n.r * 0.42);
  const cx = n.x + n.r * 0.9;
  const cy = n.y - n.r * 0.9 - 4;
  return (
    <g {...handlers} data-sign={bias.stroke.sign}>
      <circle className="hit" cx={cx} cy={cy} r={r + 6} fill="transparent" />
      {bias.gradShare > 0 ? <circle cx={cx} cy={cy} r={r + 2 + 8 * bias.gradShare} fill="var(--grad)" fillOpacity={0.45} /> : null}
      <circle cx={cx} cy={cy} r={r} fill="var(--surface)" stroke={bias.onPath ? "var(--path)" : bias.stroke.colour} strokeWidth={bias.onPath ? 3 : 2} strokeDasharray={bias.stroke.dash ? "3 2" : undefined} />
      <text x={cx} y={cy + fontSize * 0.35} fontSize={fontSize} textAnchor="middle" fill="var(--fg)" className="pointer-events-none" data-diagram-text="label">
        {bias.stroke.sign}
      </text>
    </g>
  );
}
