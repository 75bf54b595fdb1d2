import type { Metadata } from "next";
import { BadCode } from "@/app/_components/bad-code";
import { StudentView } from "@/app/_components/student-view";
import { isJoinCode, normaliseJoinCode } from "@/app/_lib/join-code";

/** Tab title. */
export const metadata: Metadata = { title: "Backprop Live — session" };

/** `/s/CODE`: a student follows the session live. */
export default async function StudentPage({ params }: { params: Promise<{ code: string }> }) {
  const code = normaliseJoinCode(decodeURIComponent((await params).code));
  return isJoinCode(code) ? <StudentView joinCode={code} /> : <BadCode code={code} />;
}
