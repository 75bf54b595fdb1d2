import type { Metadata } from "next";
import { BadCode } from "@/app/_components/bad-code";
import { ProjectorView } from "@/app/_components/projector-view";
import { isJoinCode, normaliseJoinCode } from "@/app/_lib/join-code";

/** Tab title. */
export const metadata: Metadata = { title: "Backprop Live — projector" };

/** `/s/CODE/projector`: what the lecture hall sees; needs no key (it shows only what students may see). */
export default async function ProjectorPage({ params }: { params: Promise<{ code: string }> }) {
  const code = normaliseJoinCode(decodeURIComponent((await params).code));
  return isJoinCode(code) ? <ProjectorView joinCode={code} /> : <BadCode code={code} />;
}
