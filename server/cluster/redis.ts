import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Redis } from "ioredis";
import type { Server } from "socket.io";

/** Stream entries kept (≈ 8 minutes of one session at 20 steps/s, plus controls): bounds Redis memory and the recovery window. */
export const STREAM_MAX_LEN = 10_000;

/** Options of the Redis Streams adapter for a cluster. */
export interface RedisAdapterOptions {
  /** One stream per cluster (all nodes of a deployment must agree). */
  streamName: string;
}

/**
 * Connects to Redis and puts Socket.IO on the Redis Streams adapter: broadcasts go through one Redis
 * stream that every node reads, so they reach sockets on every node, survive a Redis restart (ioredis
 * queues commands while disconnected and the readers resume from their last offset), and back
 * connection state recovery (sessions are stored under `<streamName>:session:`).
 */
export async function attachRedisAdapter(io: Server, url: string, options: RedisAdapterOptions): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  redis.on("error", () => undefined); // ioredis reconnects by itself; the adapter logs what it needs
  await redis.connect().catch((err: Error) => {
    redis.disconnect();
    throw new Error(`cannot connect to Redis at REDIS_URL: ${err.message}`);
  });
  // channelPrefix too: inter-node requests (pub/sub) must not reach another deployment on the same Redis.
  io.adapter(createAdapter(redis, { streamName: options.streamName, channelPrefix: options.streamName, maxLen: STREAM_MAX_LEN, sessionKeyPrefix: `${options.streamName}:session:` }));
  return redis;
}
