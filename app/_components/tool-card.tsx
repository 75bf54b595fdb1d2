/**
 * A card that folds away: tools used now and then (own data, notes, templates) keep the console short
 * on a projector. The summary is a real button for the keyboard (Enter/Space toggles it).
 */
export function ToolCard({ title, children, testId, open = false }: { title: string; children: React.ReactNode; testId?: string; open?: boolean }) {
  return (
    <details className="group rounded-xl border border-border bg-surface p-3 sm:p-4" open={open} data-testid={testId}>
      <summary className="flex cursor-pointer list-none items-center justify-between gap-2 text-lg font-semibold">
        {title}
        <span aria-hidden className="text-muted transition-transform group-open:rotate-90">
          ▸
        </span>
      </summary>
      <div className="mt-2">{children}</div>
    </details>
  );
}
