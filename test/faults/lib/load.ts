import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { referenceData } from '../../../src/reference/reference-data';
import { sleep } from './processes';

export interface Question {
  id: string;
  kind: string;
  options: { id: string; exclusive: boolean }[];
  scaleMin: number | null;
  scaleMax: number | null;
  maxLength: number | null;
}

export interface Reference {
  territories: string[];
  types: string[];
  positions: string[];
}

const WORDS = 'документ полезен нужны примеры для сельских школ методические рекомендации сроки внедрения наставничество'.split(' ');
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

export async function loadReference(ds: DataSource): Promise<Reference> {
  const territories = (await ds.query(`SELECT id FROM territories WHERE active`)).map((r: { id: string }) => r.id);
  const data = referenceData();
  return { territories, types: data.organizationTypes.map((t) => t.code), positions: data.positions.map((p) => p.code) };
}

/** A plausible questionnaire: some options (an exclusive one alone), a scale value, sometimes a comment. */
export function randomBody(questions: Question[], ref: Reference) {
  return {
    profile: { territoryId: pick(ref.territories), organizationType: pick(ref.types), position: pick(ref.positions) },
    answers: questions.map((q) => {
      if (q.kind === 'multi' || q.kind === 'single') {
        const exclusive = q.options.find((o) => o.exclusive);
        if (exclusive && Math.random() < 0.1) return { questionId: q.id, optionIds: [exclusive.id] };
        const normal = q.options.filter((o) => !o.exclusive);
        const chosen = q.kind === 'single' ? [pick(normal)] : normal.filter(() => Math.random() < 0.5);
        return { questionId: q.id, optionIds: (chosen.length ? chosen : [normal[0]]).map((o) => o.id) };
      }
      if (q.kind === 'scale') return { questionId: q.id, value: q.scaleMin! + Math.floor(Math.random() * (q.scaleMax! - q.scaleMin! + 1)) };
      const words = Math.random() < 0.5 ? 0 : 5 + Math.floor(Math.random() * 30);
      const text = Array.from({ length: words }, () => pick(WORDS)).join(' ') || 'Без замечаний';
      return { questionId: q.id, text: text.slice(0, q.maxLength ?? 2_000).trim() };
    }),
  };
}

export interface LoadOptions {
  baseUrl: () => string;
  slug: string;
  questions: Question[];
  reference: Reference;
  clients: number;
  /** Each client starts new questionnaires until this returns true. */
  stop: () => boolean;
  /** A client keeps retrying one key this long before giving up on it. */
  giveUpMs?: number;
}

/**
 * What the clients saw. Every questionnaire has its own Idempotency-Key; on a connection error or a 5xx the client
 * sends the SAME key and body again (as the public form's script does) until it is acknowledged (201/200).
 */
export class Ledger {
  /** key → receipt of every acknowledged submission. */
  readonly acknowledged = new Map<string, string>();
  /** Every key sent at least once. */
  readonly attempted = new Set<string>();
  /** Keys refused with 409 (stage closed), with the last refusal. */
  readonly refused = new Set<string>();
  readonly gaveUp = new Set<string>();
  readonly statuses: Record<string, number> = {};
  /** Bodies of 5xx answers (the first few of each text), to check they are the API error shape without internals. */
  readonly serverErrors = new Map<string, number>();
  retries = 0;
  requests = 0;

  count(status: string): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
  }
}

export async function runLoad(options: LoadOptions, ledger = new Ledger()): Promise<Ledger> {
  const giveUpMs = options.giveUpMs ?? 90_000;
  const loop = async () => {
    while (!options.stop()) {
      const key = randomUUID();
      const body = JSON.stringify(randomBody(options.questions, options.reference));
      ledger.attempted.add(key);
      const end = Date.now() + giveUpMs;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0) ledger.retries++;
        ledger.requests++;
        let status = 0;
        let text = '';
        try {
          const res = await fetch(`${options.baseUrl()}/api/v1/public/campaigns/${options.slug}/responses`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': key },
            body,
            signal: AbortSignal.timeout(15_000),
          });
          status = res.status;
          text = await res.text();
        } catch {
          status = 0; // connection refused/reset: the app is down or was killed mid-request
        }
        ledger.count(status === 0 ? 'conn-error' : String(status));
        if (status === 201 || status === 200) {
          ledger.acknowledged.set(key, (JSON.parse(text) as { receipt: string }).receipt);
          break;
        }
        if (status === 409) {
          ledger.refused.add(key);
          break;
        }
        if (status >= 500) ledger.serverErrors.set(text, (ledger.serverErrors.get(text) ?? 0) + 1);
        if (status !== 0 && status < 500) throw new Error(`unexpected ${status}: ${text}`);
        if (Date.now() > end) {
          ledger.gaveUp.add(key);
          break;
        }
        await sleep(100 + Math.random() * 100);
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, loop));
  return ledger;
}

export interface Reconciliation {
  acknowledged: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** Stored rows whose acknowledgement the client never got (in flight when the fault hit, then given up): each stored once. */
  storedUnacknowledged: number;
  receiptMismatch: number;
  /** Stored responses without answers (a half-written submission). */
  partial: number;
  unknownKeys: number;
}

/** Compares what clients were told with what the database holds. */
export async function reconcile(ds: DataSource, campaignId: string, ledger: Ledger): Promise<Reconciliation> {
  const rows: { idempotency_key: string; receipt: string }[] = await ds.query(
    `SELECT idempotency_key, receipt FROM responses WHERE campaign_id = $1`,
    [campaignId],
  );
  const byKey = new Map<string, string[]>();
  const byReceipt = new Map<string, number>();
  for (const r of rows) {
    byKey.set(r.idempotency_key, [...(byKey.get(r.idempotency_key) ?? []), r.receipt]);
    byReceipt.set(r.receipt, (byReceipt.get(r.receipt) ?? 0) + 1);
  }
  let lost = 0;
  let receiptMismatch = 0;
  for (const [key, receipt] of ledger.acknowledged) {
    const stored = byKey.get(key);
    if (!stored) lost++;
    else if (!stored.includes(receipt)) receiptMismatch++;
  }
  const duplicated = [...byKey.values()].filter((v) => v.length > 1).length + [...byReceipt.values()].filter((n) => n > 1).length;
  const unacked = [...byKey.keys()].filter((k) => !ledger.acknowledged.has(k));
  const [{ partial }] = await ds.query(
    `SELECT count(*)::int AS partial FROM responses r
      WHERE r.campaign_id = $1 AND NOT EXISTS (SELECT 1 FROM response_answers a WHERE a.response_id = r.id)`,
    [campaignId],
  );
  return {
    acknowledged: ledger.acknowledged.size,
    stored: rows.length,
    lost,
    duplicated,
    storedUnacknowledged: unacked.length,
    receiptMismatch,
    partial,
    unknownKeys: unacked.filter((k) => !ledger.attempted.has(k)).length,
  };
}
