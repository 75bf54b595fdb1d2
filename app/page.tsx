import { JoinForm } from "./_components/join-form";
import { SavedSessions } from "./_components/saved-sessions";
import { StartDemoForm } from "./_components/start-demo-form";
import { StartSessionForm } from "./_components/start-session-form";
import { TemplateList } from "./_components/template-list";
import { ThemeToggle } from "./_components/theme-toggle";

/** The lobby: join a session with its code, or start one as the instructor. */
export default function LobbyPage() {
  return (
    <main className="mx-auto flex max-w-5xl flex-col gap-6 p-4 sm:p-6">
      <header className="flex items-start justify-between gap-2">
        <div>
          <h1 className="text-3xl font-bold">Backprop Live</h1>
          <p className="text-muted">Watch a neural network learn, one step of the chain rule at a time, together with your class.</p>
        </div>
        <ThemeToggle />
      </header>
      <div className="grid grid-cols-1 gap-6 md:grid-cols-[1fr_2fr]">
        <div className="flex flex-col gap-6 rounded-xl border border-border bg-surface p-4">
          <JoinForm />
          <SavedSessions />
          <TemplateList />
        </div>
        <div className="flex flex-col gap-4 rounded-xl border border-border bg-surface p-4">
          <StartSessionForm />
          <StartDemoForm />
        </div>
      </div>
    </main>
  );
}
