import { getQueueToken } from '@nestjs/bull';
import type { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import type { DataSource } from 'typeorm';
import { CampaignLifecycleService } from '../../src/campaigns/campaign-lifecycle.service';
import { JobName, QueueName } from '../../src/queue/queue-registry';
import { startWorker, waitFor } from '../setup/app';

const TICK_MS = 300;
const FOLD_MS = 200;

/**
 * A campaign that can move on: one document with a file, the default questions, criteria; in the given status.
 * One transaction: the workers' real ticks must never see a due campaign before its documents exist (they would
 * record the refused move for that due time and skip it).
 */
async function campaign(ds: DataSource, status: string, schedule: Record<string, string | null>): Promise<string> {
  return ds.transaction(async (m) => {
    const [{ id }] = await m.query(
      `INSERT INTO campaigns (slug, title, status, criterion_scale, row_version, discussion_opens_at, discussion_closes_at, expertise_opens_at, expertise_closes_at)
       VALUES ('sched-' || gen_random_uuid(), 'По расписанию', $1, '[]'::jsonb, 1, $2, $3, $4, $5) RETURNING id`,
      [status, schedule.dOpen ?? null, schedule.dClose ?? null, schedule.eOpen ?? null, schedule.eClose ?? null],
    );
    const [{ id: docId }] = await m.query(
      `INSERT INTO documents (campaign_id, title, current_version_number) VALUES ($1, 'Документ', 1) RETURNING id`,
      [id],
    );
    await m.query(
      `INSERT INTO document_versions (document_id, number, file_name, content_type, size, sha256, storage_key) VALUES ($1, 1, 'a.pdf', 'application/pdf', 1, 'x', 'k')`,
      [docId],
    );
    await m.query(`INSERT INTO questions (campaign_id, kind, text) VALUES ($1, 'text', 'Замечания')`, [id]);
    await m.query(`INSERT INTO criteria (campaign_id, text) VALUES ($1, 'Критерий')`, [id]);
    return id as string;
  });
}

const transitions = (ds: DataSource, id: string, action = 'campaign.transition') =>
  ds.query(`SELECT actor_id, before, after FROM audit_log WHERE campaign_id = $1 AND action = $2 ORDER BY id`, [id, action]);
const jobs = (ds: DataSource, id: string, job: string) =>
  ds.query(`SELECT payload FROM outbox WHERE job_name = $1 AND payload->>'campaignId' = $2`, [job, id]);
const failures = (ds: DataSource, id: string) =>
  ds.query(`SELECT from_status, to_status, due_at, reasons FROM scheduled_transition_failures WHERE campaign_id = $1 ORDER BY failed_at`, [
    id,
  ]);
const statusOf = async (ds: DataSource, id: string) => (await ds.query(`SELECT status FROM campaigns WHERE id = $1`, [id]))[0].status;

describe('scheduler: due stage transitions happen exactly once with two workers', () => {
  let w1: INestApplicationContext;
  let w2: INestApplicationContext;
  let ds: DataSource;
  const previous = process.env.SCHEDULER_INTERVAL_MS;
  const previousFold = process.env.TALLY_FOLD_INTERVAL_MS;

  beforeAll(async () => {
    process.env.SCHEDULER_INTERVAL_MS = String(TICK_MS);
    process.env.TALLY_FOLD_INTERVAL_MS = String(FOLD_MS);
    [w1, w2] = await Promise.all([startWorker(), startWorker()]);
    ds = w1.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => {
    await Promise.all([w1?.close(), w2?.close()]);
    if (previous === undefined) delete process.env.SCHEDULER_INTERVAL_MS;
    else process.env.SCHEDULER_INTERVAL_MS = previous;
    if (previousFold === undefined) delete process.env.TALLY_FOLD_INTERVAL_MS;
    else process.env.TALLY_FOLD_INTERVAL_MS = previousFold;
  });

  it('registers one repeatable tick and one tally fold however many workers start', async () => {
    const queue = w1.get<Queue>(getQueueToken(QueueName.Scheduler));
    const repeatable = await queue.getRepeatableJobs();
    expect(repeatable.filter((j) => j.name === JobName.SchedulerTick).map((j) => Number(j.every))).toEqual([TICK_MS]);
    expect(repeatable.filter((j) => j.name === JobName.TallyFold).map((j) => Number(j.every))).toEqual([FOLD_MS]);
  });

  it('a scheduled close passes: the real ticks of two workers move it once (one audit row, one stage-closed job)', async () => {
    const id = await campaign(ds, 'discussion', { dClose: new Date(Date.now() + 500).toISOString() });
    await waitFor(async () => (await statusOf(ds, id)) === 'revision', 20_000, 'scheduled close');
    // let several more ticks of both workers pass
    await new Promise((r) => setTimeout(r, TICK_MS * 4));
    const rows = await transitions(ds, id);
    expect(rows).toEqual([{ actor_id: null, before: { status: 'discussion' }, after: { status: 'revision', reason: 'schedule' } }]);
    expect(await jobs(ds, id, JobName.StageClosed)).toEqual([{ payload: { campaignId: id, stage: 'discussion' } }]);
  });

  it('the tally fold moves the deltas a submission appended into the totals', async () => {
    // a draft: no live-results aggregation (which folds too) runs for it, only the fold's own schedule
    const id = await campaign(ds, 'draft', {});
    const [{ id: territoryId }] = await ds.query(`SELECT id FROM territories WHERE active ORDER BY name LIMIT 1`);
    await ds.query(
      `INSERT INTO responses (campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash)
       VALUES ($1, 'R-FOLD', 'fold', 'b', $2, 'school', 'teacher', 'c')`,
      [id, territoryId],
    );
    const folded = async () => {
      const [row] = await ds.query(
        `SELECT (SELECT count(*)::int FROM response_tally_deltas WHERE campaign_id = $1) AS deltas,
                (SELECT coalesce(sum(n), 0)::int FROM response_tallies WHERE campaign_id = $1) AS total`,
        [id],
      );
      return row as { deltas: number; total: number };
    };
    await waitFor(async () => (await folded()).deltas === 0, 20_000, 'tally fold');
    expect(await folded()).toEqual({ deltas: 0, total: 1 });
  });

  it('concurrent performDueTransitions from both workers: exactly one move', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const id = await campaign(ds, 'expertise', { eClose: past });
    const now = new Date();
    const l1 = w1.get(CampaignLifecycleService);
    const l2 = w2.get(CampaignLifecycleService);
    await Promise.all([
      l1.performDueTransitions(now),
      l2.performDueTransitions(now),
      l1.performDueTransitions(now),
      l2.performDueTransitions(now),
    ]);
    expect(await statusOf(ds, id)).toBe('completed');
    expect(await transitions(ds, id)).toHaveLength(1);
    expect(await jobs(ds, id, JobName.StageClosed)).toEqual([{ payload: { campaignId: id, stage: 'expertise' } }]);
  });

  it('opens discussion when due, and a draft with only an expertise date goes straight to expertise', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const open = await campaign(ds, 'draft', { dOpen: past, dClose: later, eOpen: later });
    const l1 = w1.get(CampaignLifecycleService);
    await l1.performDueTransitions(new Date());
    expect(await statusOf(ds, open)).toBe('discussion');
    const notYet = await campaign(ds, 'draft', { dOpen: later });
    await l1.performDueTransitions(new Date());
    expect(await statusOf(ds, notYet)).toBe('draft');
  });

  it('a due move whose preconditions fail is recorded once and not retried', async () => {
    const past = new Date(Date.now() - 1000).toISOString();
    const id = await campaign(ds, 'revision', { eOpen: past }); // no expert assigned
    const l1 = w1.get(CampaignLifecycleService);
    const l2 = w2.get(CampaignLifecycleService);
    await Promise.all([l1.performDueTransitions(new Date()), l2.performDueTransitions(new Date())]);
    await l1.performDueTransitions(new Date());
    expect(await statusOf(ds, id)).toBe('revision');
    const failed = await transitions(ds, id, 'campaign.transition_failed');
    expect(failed).toEqual([
      {
        actor_id: null,
        before: { status: 'revision' },
        after: { to: 'expertise', dueAt: new Date(past).toISOString(), missing: ['документ «Документ» не имеет назначенного эксперта'] },
      },
    ]);
    expect(await jobs(ds, id, JobName.InviteExperts)).toEqual([]);
    expect(await failures(ds, id)).toEqual([
      {
        from_status: 'revision',
        to_status: 'expertise',
        due_at: new Date(past),
        reasons: ['документ «Документ» не имеет назначенного эксперта'],
      },
    ]);
    expect(await l1.scheduledFailures(id)).toEqual([
      {
        to: 'expertise',
        label: 'Экспертиза',
        dueAt: new Date(past).toISOString(),
        missing: ['документ «Документ» не имеет назначенного эксперта'],
      },
    ]);
  });

  it('a refused move is tried again once the schedule gives it another due time', async () => {
    const past = new Date(Date.now() - 2000).toISOString();
    const id = await campaign(ds, 'revision', { eOpen: past }); // no expert assigned
    const l1 = w1.get(CampaignLifecycleService);
    await l1.performDueTransitions(new Date());
    const later = new Date(Date.now() - 1000).toISOString();
    await ds.query(`UPDATE campaigns SET expertise_opens_at = $2 WHERE id = $1`, [id, later]);
    await l1.performDueTransitions(new Date());
    await l1.performDueTransitions(new Date());
    expect((await failures(ds, id)).map((f: { due_at: Date }) => f.due_at)).toEqual([new Date(past), new Date(later)]);
    expect(await transitions(ds, id, 'campaign.transition_failed')).toHaveLength(2);
    expect(await statusOf(ds, id)).toBe('revision');
  });
});
