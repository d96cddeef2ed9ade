import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { startWorker } from './app';
import { startSmtp, TestSmtp } from './smtp';

/** A worker that sends its mail to a real in-process SMTP server, and the worker's data source. */
export interface MailWorker {
  smtp: TestSmtp;
  worker: INestApplicationContext;
  ds: DataSource;
  close(): Promise<void>;
}

/** Starts the SMTP server first: SMTP_URL must be set before the worker reads its configuration. */
export async function startMailWorker(): Promise<MailWorker> {
  const smtp = await startSmtp();
  process.env.SMTP_URL = smtp.url;
  const worker = await startWorker();
  const close = async () => {
    await worker.close();
    await smtp.close();
  };
  return { smtp, worker, ds: worker.get<DataSource>(getDataSourceToken()), close };
}
