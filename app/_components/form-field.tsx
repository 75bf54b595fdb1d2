/** A labelled form control with room reserved for its validation message (no layout shift). */
export function FormField({ label, hint, error, children, testId }: { label: string; hint?: string; error?: string; children: React.ReactNode; testId?: string }) {
  return (
    <label className="flex min-w-0 flex-col gap-0.5 text-sm">
      <span className="font-medium">{label}</span>
      {children}
      {hint ? <span className="text-xs text-muted">{hint}</span> : null}
      <span className="min-h-[1.1rem] text-xs text-bad" role={error ? "alert" : undefined} data-testid={testId ? `error-${testId}` : undefined}>
        {error ?? ""}
      </span>
    </label>
  );
}
