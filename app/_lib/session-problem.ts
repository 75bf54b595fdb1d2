import type { SessionProblem } from "./session-types";

/** Turns a failed ack (code + server message) into words for the page. */
export function problemFromError(code: string, message: string, joinCode: string): SessionProblem {
  if (code === "NOT_FOUND") return { kind: "not-found", message: `There is no live session with the code ${joinCode}. Check the code on the projector — or the session may have ended.` };
  if (code === "UNAUTHORIZED" || code === "FORBIDDEN") {
    return { kind: "unauthorized", message: "This console needs the session's instructor key. Open it from the device that started the session, or use its “copy instructor link”." };
  }
  if (/ended|finished/i.test(message)) return { kind: "ended", message: "This session has ended." };
  if (code === "UNAVAILABLE" || code === "LIMIT_REACHED") return { kind: "other", message: `The server is busy: ${message}` };
  return { kind: "other", message };
}

/** The notice once the instructor ends the session (the final state stays on screen). */
export const ENDED: SessionProblem = { kind: "ended", message: "This session has ended. You are looking at its final state." };

/** The problem shown while the server cannot be reached. */
export const UNREACHABLE: SessionProblem = {
  kind: "unreachable",
  message: "Cannot reach the server. Check your network; the page keeps retrying.",
};

/** The server speaks another protocol version than this page (P6): only a reload helps. */
export function protocolMismatch(serverVersion: number): SessionProblem {
  return { kind: "other", message: `This page is out of date (the server speaks protocol ${serverVersion}). Reload the page to continue.` };
}
