"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { CODE_LENGTH, isJoinCode, normaliseJoinCode } from "@/app/_lib/join-code";
import { loadDisplayName, saveDisplayName } from "@/app/_lib/instructor-storage";
import { FormField } from "./form-field";
import { NAME_MAX_LENGTH } from "@/app/_lib/wire";

const INPUT = "w-full rounded border border-border bg-bg px-3 py-2";

/** "Join": a 6-character code and a display name, then the student view. */
export function JoinForm() {
  const router = useRouter();
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<{ code?: string; name?: string }>({});
  useEffect(() => setName(loadDisplayName()), []);

  return (
    <form
      noValidate
      className="flex flex-col gap-2"
      aria-labelledby="join-title"
      data-testid="join-form"
      onSubmit={(e) => {
        e.preventDefault();
        const c = normaliseJoinCode(code);
        const n = name.trim();
        const next = { code: isJoinCode(c) ? undefined : `The code is ${CODE_LENGTH} letters and digits, as shown on the projector.`, name: n ? undefined : "Please enter a display name." };
        setErrors(next);
        if (next.code || next.name) return;
        saveDisplayName(n);
        router.push(`/s/${c}`);
      }}
    >
      <h2 id="join-title" className="text-xl font-bold">
        Join a session
      </h2>
      <FormField label="Session code" error={errors.code} testId="join-code">
        <input value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} maxLength={CODE_LENGTH + 2} autoCapitalize="characters" autoComplete="off" spellCheck={false} className={`${INPUT} font-mono text-2xl tracking-[0.3em]`} data-testid="join-code-input" />
      </FormField>
      <FormField label="Display name" error={errors.name} testId="join-name">
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={NAME_MAX_LENGTH} autoComplete="nickname" className={INPUT} data-testid="join-name-input" />
      </FormField>
      <div>
        <button type="submit" className="rounded-md bg-accent px-5 py-2 font-semibold text-accent-fg" data-testid="join-submit">
          Join
        </button>
      </div>
    </form>
  );
}
