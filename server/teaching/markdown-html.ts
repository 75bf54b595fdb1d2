import { escapeXml } from "@/lib/loss-svg";

/**
 * Renders the Markdown subset the handout uses (headings, paragraphs, `-` lists, `>` quotes, pipe
 * tables, `code`, **bold**) as HTML. Every piece of text is escaped first, so user text (titles,
 * names) can never become markup. Lines that are raw SVG (starting with `<svg`) are passed through:
 * only lib/loss-svg.ts produces them, and it escapes its own text.
 */
export function markdownToHtml(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split("\n");
  let k = 0;
  while (k < lines.length) {
    const line = lines[k];
    if (line.trim() === "") {
      k++;
    } else if (line.startsWith("<svg")) {
      out.push(`<figure>${line}</figure>`);
      k++;
    } else if (/^#{1,6} /.test(line)) {
      const level = line.indexOf(" ");
      out.push(`<h${level}>${inline(line.slice(level + 1))}</h${level}>`);
      k++;
    } else if (line.startsWith("|")) {
      const rows: string[][] = [];
      let align: string[] = [];
      for (; k < lines.length && lines[k].startsWith("|"); k++) {
        const cells = lines[k].replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
        if (cells.every((c) => /^:?-+:?$/.test(c))) align = cells.map((c) => (c.endsWith(":") ? "right" : "left"));
        else rows.push(cells);
      }
      const [head, ...body] = rows;
      const cell = (tag: string, c: string, j: number) => `<${tag} style="text-align:${align[j] ?? "left"}">${inline(c)}</${tag}>`;
      out.push(`<table><thead><tr>${head.map((c, j) => cell("th", c, j)).join("")}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c, j) => cell("td", c, j)).join("")}</tr>`).join("")}</tbody></table>`);
    } else if (line.startsWith("- ")) {
      const items: string[] = [];
      for (; k < lines.length && lines[k].startsWith("- "); k++) items.push(`<li>${inline(lines[k].slice(2))}</li>`);
      out.push(`<ul>${items.join("")}</ul>`);
    } else if (line.startsWith("> ")) {
      const parts: string[] = [];
      for (; k < lines.length && lines[k].startsWith(">"); k++) parts.push(lines[k].replace(/^> ?/, ""));
      out.push(`<blockquote><p>${inline(parts.join(" "))}</p></blockquote>`);
    } else {
      const parts: string[] = [];
      for (; k < lines.length && lines[k].trim() !== "" && !/^(#{1,6} |\||- |> |<svg)/.test(lines[k]); k++) parts.push(lines[k]);
      out.push(`<p>${inline(parts.join(" "))}</p>`);
    }
  }
  return out.join("\n");
}

/** Inline markup of one escaped line: `code` and **bold**. */
function inline(text: string): string {
  return escapeXml(text)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
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
