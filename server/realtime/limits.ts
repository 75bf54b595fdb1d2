/** Per-process limits on what clients may do; every one is configurable (see server/env.ts). */
export interface Limits {
  /** Most sessions that are not finished, per process. */
  maxLiveSessions: number;
  /** Most sockets joined to one session. */
  maxSocketsPerSession: number;
  /** Largest accepted socket payload, in bytes of JSON. */
  maxPayloadBytes: number;
  /** Controls (and other requests) per second per socket, with bursts of the same size. */
  controlsPerSecond: number;
  /** Largest accepted HTTP body, in bytes. */
  maxBodyBytes: number;
  /** Most parameters of a live session's network (every step frame carries them all). */
  maxLiveParams: number;
  /** Most Socket.IO connections open at once from one IP address (a lecture hall may share one NAT). */
  maxConnectionsPerIp: number;
  /** Failed joins (unknown code, wrong key) one IP address may make per minute before it is blocked. */
  failedJoinsPerMinute: number;
  /** How long an address that made too many failed joins is refused every join, in milliseconds. */
  failedJoinBlockMs: number;
  /** Sessions (plain, preset, template or fork) one address may create per hour (fixed one-hour windows). */
  sessionsPerIpPerHour: number;
  /** Templates one address may store per hour. */
  templatesPerIpPerHour: number;
  /** Refused (over-rate) socket events within 10 s after which the socket is disconnected. */
  abuseStrikes: number;
}

/** The defaults the issues ask for. */
export const DEFAULT_LIMITS: Limits = {
  maxLiveSessions: 200,
  maxSocketsPerSession: 2000,
  maxPayloadBytes: 16 * 1024,
  controlsPerSecond: 20,
  maxBodyBytes: 256 * 1024,
  maxLiveParams: 2048,
  maxConnectionsPerIp: 3000,
  failedJoinsPerMinute: 20,
  failedJoinBlockMs: 60_000,
  sessionsPerIpPerHour: 60,
  templatesPerIpPerHour: 20,
  abuseStrikes: 200,
};
