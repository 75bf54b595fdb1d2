import type { Metadata, Viewport } from "next";
import "./globals.css";

/** Title and description of every page unless a page sets its own. */
export const metadata: Metadata = {
  title: "Backprop Live",
  description: "Watch a neural network learn, step by step, together with your class.",
};

/** Phones render at device width (no zoomed-out desktop layout). */
export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
};

/** Applies the saved theme before the first paint (no flash); the system preference applies otherwise. */
const THEME_SCRIPT = `(function(){try{var t=localStorage.getItem("backprop:theme");if(t==="dark"||t==="light")document.documentElement.setAttribute("data-theme",t)}catch(e){}})()`;

/** The root layout: system fonts, theme variables, no chrome of its own. */
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-dvh antialiased">{children}</body>
    </html>
  );
}
