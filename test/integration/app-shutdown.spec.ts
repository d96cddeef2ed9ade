import { setTimeout as sleep } from 'node:timers/promises';
import { REDIS_DISCONNECT_TIMEOUT_MS } from '../../src/common/redis.module';
import { startApp } from '../setup/app';

/** What keeps a Node process alive, counted by kind (sockets, timers…). */
function liveResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/*
 * A closed app must leave nothing that keeps the process alive: Jest reported "a worker process has failed to exit
 * gracefully" (and a real process stopped late) because of the two leaks below.
 */
describe('closing the app leaves no timer or socket behind', () => {
  it('after health checks: the Redis ping timeout is cleared when Redis answers', async () => {
    const before = liveResources();
    const app = await startApp();
    for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}/health`)).status).toBe(200);
    await app.close();
    // well within the 1 s ping timeout that used to stay armed after each check
    await sleep(REDIS_DISCONNECT_TIMEOUT_MS + 200);
    expect(liveResources()).toEqual(before);
  });

  /*
   * With Redis unreachable, each ioredis client of the app (ours and Bull's four queues) was left with a 2 s timer on an
   * already closed socket (redis/ioredis#1247). (The worker is not covered here: it does not start without Redis,
   * since it registers the scheduler's repeatable job.)
   */
  it('with Redis unreachable: its Redis clients are closed once the disconnect timeout has passed', async () => {
    const realRedis = process.env.REDIS_URL;
    // nothing listens on port 1: every connection attempt fails at once and the clients wait to reconnect
    process.env.REDIS_URL = 'redis://127.0.0.1:1/0';
    try {
      const before = liveResources();
      const app = await startApp();
      await app.close();
      await sleep(REDIS_DISCONNECT_TIMEOUT_MS + 200);
      expect(liveResources()).toEqual(before);
    } finally {
      process.env.REDIS_URL = realRedis;
    }
  });
});
