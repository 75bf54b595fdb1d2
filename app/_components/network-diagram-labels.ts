import type { DiagramNode } from "./network-diagram-model";
import { formatValue } from "@/app/_lib/format";

/** A label's box in viewBox units (x, y: top left). */
export interface LabelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A neuron's name or value as drawn: its text, where it sits, and the box it covers. */
export interface DiagramLabel {
  id: string;
  nodeId: string;
  kind: "name" | "value";
  text: string;
  /** Anchor point of the SVG text (middle, start or end) and its baseline. */
  x: number;
  y: number;
  anchor: "middle" | "start" | "end";
  fontSize: number;
  box: LabelBox;
}

/** Font sizes of the diagram's text, in viewBox units (one unit ≈ one CSS pixel). */
export interface DiagramFonts {
  /** Neuron names (x1, h1, ŷ …). */
  name: number;
  /** Neuron values (activations of this step). */
  value: number;
  /** Weight names on edges and the bias knobs' signs. */
  edge: number;
}

/** A laptop or a phone. */
export const SCREEN_FONTS: DiagramFonts = { name: 15, value: 13, edge: 13 };
/** The projector, read from the back row at 1920×1080: numbers ≥ 28 px, labels ≥ 20 px (issue 14). */
export const PROJECTOR_FONTS: DiagramFonts = { name: 22, value: 28, edge: 20 };
/** Width of a character as a share of the font size (bold sans names, monospace values), a little generous. */
const NAME_CHAR_EM = 0.66;
const VALUE_CHAR_EM = 0.62;
const GAP = 6;

/** True when two boxes overlap (touching edges do not count). */
export function boxesOverlap(a: LabelBox, b: LabelBox): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function textBox(x: number, baseline: number, anchor: DiagramLabel["anchor"], text: string, fontSize: number, charEm: number): LabelBox {
  const w = Math.ceil(text.length * fontSize * charEm);
  const left = anchor === "middle" ? x - w / 2 : anchor === "start" ? x : x - w;
  return { x: left, y: baseline - fontSize * 0.8, w, h: fontSize };
}

function nodeBox(n: DiagramNode): LabelBox {
  const pad = n.heatmap ? 3 : 0;
  return { x: n.x - n.r - pad, y: n.y - n.r - pad, w: 2 * (n.r + pad), h: 2 * (n.r + pad) };
}

/** The bias knob drawn at a neuron's top right (network-diagram.tsx's BiasKnob). */
function biasBox(n: DiagramNode): LabelBox {
  const r = Math.max(6, n.r * 0.42);
  const cx = n.x + n.r * 0.9;
  const cy = n.y - n.r * 0.9 - 4;
  return { x: cx - r, y: cy - r, w: 2 * r, h: 2 * r };
}

/**
 * Places every neuron's name and value where it collides with no other label no other neuron and no bias knob,
 * trying the roomy spot first (name above a thumbnail or inside a circle, value below) and then the
 * side (name left, value right); a label that fits nowhere is left out, and the neuron's tooltip and
 * the parameter table still carry it. Names go first, so a crowded network keeps its names and drops
 * values. So no two label boxes ever overlap, at any size the form accepts.
 */
export function placeLabels(nodes: readonly DiagramNode[], width: number, height: number, fonts: DiagramFonts = SCREEN_FONTS): DiagramLabel[] {
  const obstacles = nodes.flatMap((n) => [{ id: n.id, box: nodeBox(n) }, ...(n.bias ? [{ id: `${n.id}-bias`, box: biasBox(n) }] : [])]);
  const placed: DiagramLabel[] = [];
  const fits = (box: LabelBox, ownNode: string, inside: boolean) =>
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.w <= width &&
    box.y + box.h <= height &&
    placed.every((l) => !boxesOverlap(l.box, box)) &&
    obstacles.every((o) => (inside && o.id === ownNode) || !boxesOverlap(o.box, box));
  const tryPlace = (n: DiagramNode, kind: DiagramLabel["kind"], text: string, spots: { x: number; y: number; anchor: DiagramLabel["anchor"]; inside?: boolean }[]) => {
    const fontSize = kind === "name" ? fonts.name : fonts.value;
    for (const s of spots) {
      const box = textBox(s.x, s.y, s.anchor, text, fontSize, kind === "name" ? NAME_CHAR_EM : VALUE_CHAR_EM);
      if (!fits(box, n.id, s.inside ?? false)) continue;
      placed.push({ id: `${kind}-${n.id}`, nodeId: n.id, kind, text, x: s.x, y: s.y, anchor: s.anchor, fontSize, box });
      return;
    }
  };
  for (const n of nodes) {
    // Baselines a third of the font below the centre read as vertically centred.
    const mid = n.y + Math.round(fonts.name / 3);
    const roomy = n.heatmap ? { x: n.x, y: n.y - n.r - 8, anchor: "middle" as const } : { x: n.x, y: mid, anchor: "middle" as const, inside: true };
    tryPlace(n, "name", n.label, [roomy, { x: n.x - n.r - GAP, y: mid, anchor: "end" }]);
  }
  for (const n of nodes) {
    if (n.value === null) continue;
    tryPlace(n, "value", formatValue(n.value, 3), [
      { x: n.x, y: n.y + n.r + Math.round(fonts.value * 1.3), anchor: "middle" },
      { x: n.x + n.r + GAP, y: n.y + Math.round(fonts.value * 0.38), anchor: "start" },
    ]);
  }
  return placed;
}
