"use client";

/** Any unexpected rendering error, in words and with a way out, never a blank page. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-2xl p-4">
      <div role="alert" data-testid="problem" data-kind="other" className="rounded-lg border-l-4 border-bad bg-surface px-4 py-3">
        <p className="font-semibold">Something went wrong on this page</p>
        <p>{error.message || "An unexpected error occurred."}</p>
        <div className="mt-2 flex gap-3 text-sm">
          <button type="button" onClick={reset} className="underline">
            Try again
          </button>
          <a href="/" className="underline">
            Back to the lobby
          </a>
        </div>
      </div>
    </main>
  );
}
