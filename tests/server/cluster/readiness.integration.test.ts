/**
 * Issue 16, multi-node: a node's /readyz answers 503 naming Redis while Redis is down, and 200 again
 * once it is back; its log lines carry the cluster node id (`node`).
 */
import { afterAll, describe, expect, it } from "vitest";
import { clusterUnavailable, OwnRedis, TestCluster } from "./helpers";

const unavailable = await clusterUnavailable();

describe.skipIf(unavailable !== null)("/readyz of a cluster node (the test's own Redis, killed and restarted)", { timeout: 120_000 }, () => {
  const cluster = new TestCluster();
  let redis: OwnRedis | undefined;
  afterAll(async () => {
    await cluster.close();
    await redis?.down();
  });

  it("is 503 with reason 'redis: …' while Redis is down, 200 once it is back", async () => {
    redis = await OwnRedis.start();
    await cluster.init(redis.url);
    const node = await cluster.start(); // resolves once /readyz answers 200
    const readiness = async () => {
      const res = await fetch(`${node.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string } };
    };
    expect(await readiness()).toEqual({ status: 200, body: { ready: true } });

    await redis.down();
    let down = await readiness();
    for (let k = 0; k < 50 && down.status === 200; k++) {
      await new Promise((r) => setTimeout(r, 100));
      down = await readiness();
    }
    expect(down.status).toBe(503);
    expect(down.body.ready).toBe(false);
    expect(down.body.reason).toMatch(/^redis: /);
    expect((await fetch(`${node.url}/healthz`)).status).toBe(200); // alive, only not ready

    await redis.up();
    let back = await readiness();
    for (let k = 0; k < 300 && back.status !== 200; k++) {
      await new Promise((r) => setTimeout(r, 100));
      back = await readiness();
    }
    expect(back).toEqual({ status: 200, body: { ready: true } });

    const started = node
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; node?: string })
      .find((l) => l.msg === "cluster node started");
    expect(started?.node).toMatch(/^[0-9a-f-]{36}$/);
  });
});
