/** Where `npm start` writes the compiled server of the checkout at `root` (default: this one). */
export function serverBundlePath(root?: string): string;
/** Compiles `server/index.ts` of `root` (default: this checkout) into one ES module at `outfile`; resolves with `outfile`. */
export function buildServerBundle(outfile: string, root?: string): Promise<string>;
