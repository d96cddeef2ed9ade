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
 * With Redis unreachable, closing the app used to leave each of its ioredis clients (ours and Bull's four queues) with a
 * 2 s timer on an already closed socket (redis/ioredis#1247): Jest reported "a worker process has failed to exit
 * gracefully", and a real process stopped 2 s late. Closing must leave nothing that keeps the process alive.
 * (The worker is not covered here: it does not start without Redis, since it registers the scheduler's repeatable job.)
 */
describe('shutdown with Redis unreachable', () => {
  const realRedis = process.env.REDIS_URL;
  beforeAll(() => {
    // nothing listens on port 1: every connection attempt fails at once and the clients wait to reconnect
    process.env.REDIS_URL = 'redis://127.0.0.1:1/0';
  });
  afterAll(() => {
    process.env.REDIS_URL = realRedis;
  });

  it('the HTTP app closes its Redis clients: no timer or socket is left once the disconnect timeout has passed', async () => {
    const before = liveResources();
    const app = await startApp();
    await app.close();
    await sleep(REDIS_DISCONNECT_TIMEOUT_MS + 200);
    expect(liveResources()).toEqual(before);
  });
});
