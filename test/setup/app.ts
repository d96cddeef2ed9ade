import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { WorkerModule } from '../../src/worker.module';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** The real HTTP app on a free port of 127.0.0.1, against this run's database and Redis prefix. */
export async function startApp(): Promise<TestApp> {
  const app = await createApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    close: () => app.close(),
  };
}

/** A real worker (processors + outbox relay), as `src/worker.ts` starts it. */
export async function startWorker(): Promise<INestApplicationContext> {
  const ctx = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
  ctx.enableShutdownHooks();
  await ctx.init();
  return ctx;
}

/** Polls until `check` returns a truthy value (or throws after `timeoutMs`). For queue-driven effects. */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
