import type { Metadata } from "next";
import { BadCode } from "@/app/_components/bad-code";
import { InstructorView } from "@/app/_components/instructor-view";
import { isJoinCode, normaliseJoinCode } from "@/app/_lib/join-code";

/** Tab title. */
export const metadata: Metadata = { title: "Backprop Live — instructor console" };

/** `/s/CODE/present`: the instructor's console (needs the instructor key from this browser or a #key= link). */
export default async function PresentPage({ params }: { params: Promise<{ code: string }> }) {
  const code = normaliseJoinCode(decodeURIComponent((await params).code));
  return isJoinCode(code) ? <InstructorView joinCode={code} /> : <BadCode code={code} />;
}
