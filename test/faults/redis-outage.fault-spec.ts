/**
 * (b) Redis (the scenario's own redis-server) is stopped for a while, started again empty, and restarted empty once more
 * while work is under way, during a load of public submissions and a stream of outbox jobs (emails, aggregations,
 * reports) and a stage that closes on its own (scheduler → aggregation → final reports → emails to organizers).
 * Submissions keep being accepted; every job committed is delivered once Redis is back; no email is sent twice.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { startSmtp, TestSmtp } from '../setup/smtp';
import { recordFigure } from './lib/figures';
import { Ledger, loadReference, reconcile, runLoad } from './lib/load';
import { OwnRedis } from './lib/own-redis';
import { AppProcess, processEnv, sleep, waitUntil, WorkerProcess } from './lib/processes';
import { connect, createOrganizer, loadCampaign, pendingOutbox, queueAggregation, queueMail, queueReport } from './lib/scenario';

const CLIENTS = 8;

describe('(b) Redis stopped, and restarted empty, during work', () => {
  let ds: DataSource;
  let redis: OwnRedis;
  let smtp: TestSmtp;
  let app: AppProcess;
  let worker: WorkerProcess;
  const tag = randomBytes(3).toString('hex');

  beforeAll(async () => {
    ds = await connect();
    redis = await OwnRedis.create();
    smtp = await startSmtp();
    const env = processEnv({ REDIS_URL: redis.url, SMTP_URL: smtp.url, SCHEDULER_INTERVAL_MS: '500', QUEUE_BACKOFF_MS: '200' });
    [app, worker] = await Promise.all([AppProcess.create(env), WorkerProcess.create(env)]);
  });

  afterAll(async () => {
    await worker?.kill();
    await app?.kill();
    await smtp?.close();
    await redis?.stop();
    await ds?.destroy();
  });

  it('accepts submissions throughout and delivers every outbox job once when Redis is back', async () => {
    const [{ now }] = await ds.query(`SELECT now() AS now`);
    const organizer = await createOrganizer(ds);
    const recipients = [`board-${tag}@example.org`, `ministry-${tag}@example.org`];
    const closing = await loadCampaign(ds, { closesAt: new Date(new Date(now).getTime() + 14_000) });
    await ds.query(`UPDATE campaigns SET report_recipients = $2 WHERE id = $1`, [closing.id, recipients]);
    const target = await loadCampaign(ds);
    const reference = await loadReference(ds);

    const ledger = new Ledger();
    const closingLedger = new Ledger();
    let stop = false;
    const started = Date.now();
    const load = Promise.all([
      runLoad(
        { baseUrl: () => app.url, slug: target.slug, questions: target.loadQuestions, reference, clients: CLIENTS, stop: () => stop },
        ledger,
      ),
      // a few respondents of the campaign that closes, so its final reports have something to show
      runLoad(
        {
          baseUrl: () => app.url,
          slug: closing.slug,
          questions: closing.loadQuestions,
          reference,
          clients: 1,
          stop: () => stop || closingLedger.acknowledged.size >= 20,
        },
        closingLedger,
      ),
    ]);
    const mails: Record<string, string> = {};
    const reports: string[] = [];
    const work = async (label: string) => {
      for (let i = 0; i < 5; i++) {
        const to = `${label}-${i}-${tag}@example.org`;
        mails[to] = await queueMail(ds, to);
      }
      await queueAggregation(ds, target.id);
      reports.push(await queueReport(ds, target.id, label === 'down' ? 'csv' : 'xlsx'));
    };

    await work('before');
    await sleep(2_000);
    await redis.stop();
    const ackedAtStop = ledger.acknowledged.size;
    await work('down');
    await sleep(5_000);
    const ackedWhileDown = ledger.acknowledged.size - ackedAtStop;
    const health = await fetch(`${app.url}/health`);
    const healthBody = (await health.json()) as { error?: Record<string, { status: string }> };
    await redis.start(); // empty
    await sleep(2_500);
    await work('between');
    await sleep(300);
    await redis.stop(); // restarted empty again while jobs of 'between' are queued or running
    await redis.start();
    await work('after');
    await sleep(3_000);
    stop = true;
    await load;
    const seconds = Math.round((Date.now() - started) / 1000);

    await waitUntil(
      async () => {
        const [c] = await ds.query(`SELECT status FROM campaigns WHERE id = $1`, [closing.id]);
        return c.status !== 'discussion' && (await pendingOutbox(ds)) === 0 && smtp.messages.length >= Object.keys(mails).length + 3;
      },
      180_000,
      'every outbox job completed',
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nworker:\n${worker.tail()}`);
    });
    await sleep(2_000); // anything sent twice would arrive now

    const r = await reconcile(ds, target.id, ledger);
    const rc = await reconcile(ds, closing.id, closingLedger);
    const received = (to: string) => smtp.messages.filter((m) => m.to.includes(to)).length;
    const finalTo = [organizer.email, ...recipients];
    const everyRecipient = [...Object.keys(mails), ...finalTo];
    const missingEmails = everyRecipient.filter((to) => received(to) === 0).length;
    const duplicateEmails = everyRecipient.reduce((n, to) => n + Math.max(0, received(to) - 1), 0);
    const statuses: { status: string; n: number }[] = await ds.query(
      `SELECT status, count(*)::int AS n FROM mail_messages GROUP BY status ORDER BY status`,
    );
    const reportRows: { status: string; n: number }[] = await ds.query(`SELECT status, count(*)::int AS n FROM reports GROUP BY status`);
    const [{ jobs }] = await ds.query(`SELECT count(*)::int AS jobs FROM outbox`);
    const [{ lostJobs }] = await ds.query(`SELECT count(*)::int AS "lostJobs" FROM outbox WHERE completed_at IS NULL`);
    const [{ resent }] = await ds.query(`SELECT count(*)::int AS resent FROM outbox WHERE dispatch_attempts > 1`);
    const [{ snapshots }] = await ds.query(`SELECT count(*)::int AS snapshots FROM results_snapshots WHERE campaign_id = $1`, [target.id]);
    const finals: { format: string; status: string }[] = await ds.query(
      `SELECT format, status FROM reports WHERE campaign_id = $1 AND final_stage = 'discussion' ORDER BY format`,
      [closing.id],
    );

    recordFigure({
      scenario: '(b) submissions while Redis stopped / restarted empty',
      load: `${CLIENTS + 1} clients, ${seconds} s, ${ledger.requests + closingLedger.requests} requests`,
      faults: 'Redis stopped 5 s, then restarted empty twice',
      acknowledged: r.acknowledged + rc.acknowledged,
      lost: r.lost + rc.lost,
      duplicated: r.duplicated + rc.duplicated,
      notes: `${ackedWhileDown} acknowledged while Redis was down; /health named ${Object.keys(healthBody.error ?? {}).join(',')} down`,
    });
    recordFigure({
      scenario: '(b) outbox jobs across the Redis outage',
      load: `${jobs} outbox jobs, among them ${Object.keys(mails).length} emails, 4 aggregations, 4 reports and a stage close (aggregation, 2 final reports, 3 emails)`,
      faults: 'Redis stopped 5 s, then restarted empty twice',
      acknowledged: jobs,
      lost: lostJobs + missingEmails,
      duplicated: duplicateEmails,
      notes: `${resent} job(s) handed to Bull again after Redis lost them; emails received ${smtp.messages.length}; worker never restarted`,
    });

    expect(ackedWhileDown).toBeGreaterThan(0);
    expect(health.status).toBe(503);
    for (const x of [r, rc]) {
      expect(x.lost).toBe(0);
      expect(x.duplicated).toBe(0);
      expect(x.receiptMismatch).toBe(0);
      expect(x.partial).toBe(0);
      expect(x.stored).toBe(x.acknowledged);
    }
    expect(lostJobs).toBe(0);
    expect(missingEmails).toBe(0);
    expect(duplicateEmails).toBe(0);
    expect(statuses).toEqual([{ status: 'sent', n: Object.keys(mails).length + 3 }]);
    expect(reportRows).toEqual([{ status: 'ready', n: reports.length + 2 }]);
    expect(snapshots).toBeGreaterThan(0);
    expect(finals).toEqual([
      { format: 'pdf', status: 'ready' },
      { format: 'xlsx', status: 'ready' },
    ]);
  });
});
