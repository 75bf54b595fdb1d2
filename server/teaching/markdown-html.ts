import MarkdownIt from "markdown-it";
import { escapeXml } from "@/lib/loss-svg";

/**
 * Markdown → HTML through markdown-it with raw HTML off, so user text (titles, names, notes) is always
 * escaped and never becomes markup. Links and images are off too: a handout loads nothing from
 * elsewhere and user text cannot plant a link in it.
 */
const md = new MarkdownIt("default", { html: false, linkify: false, typographer: false }).disable(["link", "image", "autolink", "reference"]);

// A line equal to one of the caller's figures (the notes' loss curve, drawn by lib/loss-svg.ts, which
// escapes its own text) becomes that figure. Only the exact strings the caller hands over qualify: a
// title that looks like SVG is just text.
md.block.ruler.before("paragraph", "trusted_figure", (state, startLine, _endLine, silent) => {
  const figures = (state.env as { figures?: ReadonlySet<string> }).figures;
  if (!figures || state.sCount[startLine] - state.blkIndent >= 4) return false;
  const line = state.src.slice(state.bMarks[startLine] + state.tShift[startLine], state.eMarks[startLine]);
  if (!figures.has(line)) return false;
  if (silent) return true;
  const token = state.push("trusted_figure", "figure", 0);
  token.content = line;
  token.map = [startLine, startLine + 1];
  token.block = true;
  state.line = startLine + 1;
  return true;
});
md.renderer.rules.trusted_figure = (tokens, idx) => `<figure>${tokens[idx].content}</figure>\n`;

/** Renders Markdown as HTML; each line equal to one of `figures` (trusted SVG) is inserted as a figure. */
export function markdownToHtml(markdown: string, figures: readonly string[] = []): string {
  return md.render(markdown, { figures: new Set(figures) });
}

/** A complete printable page around rendered Markdown: inline CSS only, nothing loaded from elsewhere. */
export function printablePage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
body { font: 15px/1.5 Georgia, "Times New Roman", serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1, h2, h3 { font-family: system-ui, sans-serif; line-height: 1.2; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; } h3 { font-size: 1.05rem; }
code { font: 0.9em/1.4 ui-monospace, Menlo, Consolas, monospace; background: #f4f4f4; padding: 0 0.2em; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; } th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; }
blockquote { margin: 1rem 0; padding: 0.5rem 1rem; border-left: 4px solid #c33; background: #fff5f5; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; } table, figure, blockquote { break-inside: avoid; } }
</style>
</head>
<body>
${bodyHtml}
</body>
</html>
`;
}
