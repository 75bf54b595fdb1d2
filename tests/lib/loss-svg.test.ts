import { describe, expect, it } from "vitest";
import { escapeXml, lossCurveSvg } from "@/lib/loss-svg";

describe("loss curve SVG", () => {
  it("draws one polyline point per finite loss, scaled into the plot, with the ranges labelled", () => {
    const svg = lossCurveSvg([[1, 0.5], [2, 0.25], [3, NaN], [4, 0]], { width: 200, height: 100, markStep: 2 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const points = svg.match(/<polyline points="([^"]+)"/)![1].split(" ");
    expect(points).toHaveLength(3);
    // x from 56 (step 1) to 188 (step 4); y: loss 0.5 at the top (12), 0 at the bottom (72).
    expect(points[0]).toBe("56.0,12.0");
    expect(points[2]).toBe("188.0,72.0");
    expect(svg).toContain(">step 1<");
    expect(svg).toContain(">step 4<");
    expect(svg).toContain(">0.5<");
    expect(svg).toContain('stroke-dasharray="4 3"');
  });

  it("escapes the title (user text) and copes with no points", () => {
    const svg = lossCurveSvg([], { title: '<script>alert("x")</script>' });
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).toContain("no steps yet");
    expect(escapeXml(`a&b'c`)).toBe("a&amp;b&#39;c");
  });
});
