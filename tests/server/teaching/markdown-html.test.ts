import { describe, expect, it } from "vitest";
import { lossCurveSvg } from "@/lib/loss-svg";
import { markdownToHtml } from "@/server/teaching/markdown-html";

describe("markdownToHtml (markdown-it, raw HTML off)", () => {
  it("renders the handout's Markdown: headings, tables with alignment, lists, quotes, code and bold", () => {
    const html = markdownToHtml("# Notes\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n\n- `z = w·x`\n- **bold**\n\n> a note\n");
    expect(html).toContain("<h1>Notes</h1>");
    expect(html).toContain('<th style="text-align:right">b</th>');
    expect(html).toContain("<li><code>z = w·x</code></li>");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<blockquote>\n<p>a note</p>\n</blockquote>");
  });

  it("escapes raw HTML in user text, inline and as a block", () => {
    const html = markdownToHtml('# Week 3 <script>alert("x")</script> & co\n\n<img src=x onerror=alert(1)>\n\n<svg onload="alert(1)"></svg>\n');
    expect(html).not.toMatch(/<script|<img|<svg/);
    expect(html).toContain("Week 3 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co");
    expect(html).toContain("&lt;svg onload=&quot;alert(1)&quot;&gt;&lt;/svg&gt;");
  });

  it("renders no links or images (a handout loads nothing from elsewhere; no javascript: link from user text)", () => {
    const html = markdownToHtml("[click](javascript:alert(1)) ![pixel](http://example.org/p.png) <http://example.org>\n");
    expect(html).not.toMatch(/<a |<img |href=|src=/);
  });

  it("inserts only the SVG lines the caller trusts, as figures", () => {
    const svg = lossCurveSvg([[1, 0.5], [2, 0.25]], { title: 'Loss of <b>"x"</b>' });
    const forged = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const html = markdownToHtml(`## Loss curve\n\n${svg}\n\n${forged}\n`, [svg]);
    expect(html).toContain(`<figure>${svg}</figure>`);
    expect(html).not.toContain("<script>");
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(markdownToHtml(`${svg}\n`)).not.toContain("<svg "); // not trusted: escaped
  });
});
