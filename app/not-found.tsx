import Link from "next/link";

/** Unknown URLs: say so, and point to the lobby. */
export default function NotFound() {
  return (
    <main className="mx-auto max-w-2xl p-4">
      <div role="alert" data-testid="problem" data-kind="not-found" className="rounded-lg border-l-4 border-bad bg-surface px-4 py-3">
        <p className="font-semibold">Page not found</p>
        <p>There is nothing at this address.</p>
        <Link href="/" className="mt-2 inline-block text-sm underline">
          Back to the lobby
        </Link>
      </div>
    </main>
  );
}
