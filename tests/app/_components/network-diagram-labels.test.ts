import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { boxesOverlap, placeLabels, PROJECTOR_FONTS } from "@/app/_components/network-diagram-labels";
import { buildDiagramModel } from "@/app/_components/network-diagram-model";

/** The diagram of a network after one step, at the size the component gives it on a laptop. */
function diagram(layers: number[], width = 760) {
  const config = parseEngineConfig({ layers });
  const trace = new Trainer(config).stepTraced();
  const height = Math.round(Math.max(250, Math.min(420, width * 0.6), Math.min(720, Math.max(...layers) * 28 + 68)));
  const model = buildDiagramModel({ sizes: layers, params: trace.after, trace, activation: config.activation, width, height });
  return { model, labels: placeLabels(model.nodes, model.width, model.height) };
}

describe("network diagram labels", () => {
  it("boxesOverlap: overlapping boxes overlap, touching or distant ones do not", () => {
    expect(boxesOverlap({ x: 0, y: 0, w: 10, h: 10 }, { x: 5, y: 5, w: 10, h: 10 })).toBe(true);
    expect(boxesOverlap({ x: 0, y: 0, w: 10, h: 10 }, { x: 10, y: 0, w: 10, h: 10 })).toBe(false);
    expect(boxesOverlap({ x: 0, y: 0, w: 10, h: 10 }, { x: 0, y: 30, w: 10, h: 10 })).toBe(false);
  });

  for (const layers of [[2, 2, 1], [2, 6, 1], [2, 8, 8, 1], [2, 16, 16, 1], [2, 64, 64, 1]]) {
    for (const width of [300, 760]) {
      it(`no two label boxes overlap, none leaves the picture and none covers another neuron: ${layers.join("-")} at width ${width}`, () => {
        const { model, labels } = diagram(layers, width);
        for (let a = 0; a < labels.length; a++) {
          const box = labels[a].box;
          expect(box.x).toBeGreaterThanOrEqual(0);
          expect(box.x + box.w).toBeLessThanOrEqual(model.width);
          for (let b = a + 1; b < labels.length; b++) expect(boxesOverlap(box, labels[b].box), `${labels[a].id} vs ${labels[b].id}`).toBe(false);
          for (const n of model.nodes) {
            if (n.id === labels[a].nodeId) continue;
            expect(boxesOverlap(box, { x: n.x - n.r, y: n.y - n.r, w: 2 * n.r, h: 2 * n.r }), `${labels[a].id} covers ${n.id}`).toBe(false);
          }
        }
      });
    }
  }

  it("the seed's network shows every name and value; 2-8-8-1 and 2-16-16-1 on a laptop keep every neuron's name", () => {
    const seed = diagram([2, 2, 1]).labels;
    expect(seed.filter((l) => l.kind === "name")).toHaveLength(5);
    expect(seed.filter((l) => l.kind === "value")).toHaveLength(5);
    for (const layers of [[2, 8, 8, 1], [2, 16, 16, 1]]) {
      const { model, labels } = diagram(layers);
      expect(labels.filter((l) => l.kind === "name")).toHaveLength(model.nodes.length);
    }
  });

  it("on the projector (back-row sizes: values 28, names 22) the seed's network keeps every name and value, none overlapping", () => {
    for (const width of [1100, 1800]) {
      const config = parseEngineConfig({});
      const trace = new Trainer(config).stepTraced();
      const height = Math.round(Math.max(420, Math.min(680, width * 0.6)));
      const model = buildDiagramModel({ sizes: config.layers, params: trace.after, trace, activation: config.activation, width, height, maxRadius: 44 });
      const labels = placeLabels(model.nodes, model.width, model.height, PROJECTOR_FONTS);
      expect(labels.filter((l) => l.kind === "value").map((l) => l.fontSize)).toEqual([28, 28, 28, 28, 28]);
      expect(labels.filter((l) => l.kind === "name").map((l) => l.fontSize)).toEqual([22, 22, 22, 22, 22]);
      for (let a = 0; a < labels.length; a++) for (let b = a + 1; b < labels.length; b++) expect(boxesOverlap(labels[a].box, labels[b].box)).toBe(false);
      // The output's bias knob stays inside the picture however large the neurons are.
      const out = model.nodes.at(-1)!;
      expect(out.x + out.r * 0.9 + Math.max(6, out.r * 0.42)).toBeLessThanOrEqual(model.width);
    }
  });
});
