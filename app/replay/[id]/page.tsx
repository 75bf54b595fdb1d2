import type { Metadata } from "next";
import { ReplayView } from "@/app/_components/replay-view";

/** Tab title. */
export const metadata: Metadata = { title: "Backprop Live — replay" };

/** `/replay/ID`: scrub through any step of a stored session. */
export default async function ReplayPage({ params }: { params: Promise<{ id: string }> }) {
  return <ReplayView id={decodeURIComponent((await params).id)} />;
}
