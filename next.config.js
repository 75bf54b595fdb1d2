/** Next.js settings; the app is served by the custom server in server/index.ts, not `next start`. */
/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
