import type { Metadata } from "next";
import { ReplayView } from "@/app/_components/replay-view";

/** Tab title. */
export const metadata: Metadata = { title: "Backprop Live — replay" };

/** A non-negative integer from a query parameter, or null (the page then picks the default). */
function wholeNumber(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

/** `/replay/ID[?run=K&step=N]`: scrub through any step of any run of a stored session. */
export default async function ReplayPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  return <ReplayView id={decodeURIComponent((await params).id)} initialRun={wholeNumber(query.run)} initialStep={wholeNumber(query.step)} />;
}
