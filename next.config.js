/** Next.js settings; the app is served by the custom server in server/index.ts, not `next start`. */
/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The build type-checks only what it bundles (app/ and lib/); `npm run typecheck` checks everything.
  typescript: { tsconfigPath: "tsconfig.next.json" },
};

export default nextConfig;
