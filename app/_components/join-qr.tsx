"use client";

import { useMemo, useState } from "react";
import { qrPath } from "./qr-path";

/**
 * The join link and a large QR code (black on white whatever the theme, with its quiet zone) that a
 * phone can scan from the back of a lecture hall.
 */
export function JoinQr({ url, joinCode }: { url: string; joinCode: string }) {
  const qr = useMemo(() => qrPath(url), [url]);
  const [copied, setCopied] = useState(false);
  return (
    <figure className="flex flex-col items-center gap-2" data-testid="join-qr">
      <svg viewBox={`0 0 ${qr.size} ${qr.size}`} className="aspect-square w-full max-w-[24rem] rounded-md" role="img" aria-label={`QR code for ${url}`} shapeRendering="crispEdges">
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.d} fill="#000" />
      </svg>
      <figcaption className="text-center">
        <div className="text-sm text-muted">Join at</div>
        <a href={url} className="break-all font-mono text-lg underline" data-testid="join-url">
          {url}
        </a>
        <div className="mt-1 text-sm text-muted">or enter the code</div>
        <div className="font-mono text-4xl font-bold tracking-[0.3em]" data-testid="join-code">
          {joinCode}
        </div>
        <button
          type="button"
          className="mt-2 rounded border border-border px-3 py-1 text-sm hover:bg-surface-2"
          onClick={() => {
            void navigator.clipboard?.writeText(url).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy join link"}
        </button>
      </figcaption>
    </figure>
  );
}
