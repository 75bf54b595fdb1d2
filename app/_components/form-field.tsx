/**
 * A labelled form control with room reserved for its validation message (no layout shift). `limit` is
 * the server's rule for the field in words ("0 to 0.5"), shown before anything is sent.
 */
export function FormField({ label, hint, limit, error, children, testId }: { label: string; hint?: string; limit?: string; error?: string; children: React.ReactNode; testId?: string }) {
  return (
    <label className="flex min-w-0 flex-col gap-0.5 text-sm">
      <span className="font-medium">{label}</span>
      {children}
      {hint || limit ? (
        <span className="text-xs text-muted">
          {hint}
          {hint && limit ? " · " : null}
          {limit ? <span data-testid={testId ? `limit-${testId}` : undefined}>{limit}</span> : null}
        </span>
      ) : null}
      <span className="min-h-[1.1rem] text-xs text-bad" role={error ? "alert" : undefined} data-testid={testId ? `error-${testId}` : undefined}>
        {error ?? ""}
      </span>
    </label>
  );
}
