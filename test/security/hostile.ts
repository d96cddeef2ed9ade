import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';

/** Script payloads: if any of them runs in a page, window.__xss becomes 1. */
export const PAYLOADS = [
  '<script>window.__xss=1</script>',
  '"><img src=x onerror="window.__xss=1">',
  "{{constructor.constructor('window.__xss=1')()}}",
  'javascript:window.__xss=1',
];
/** Starts of a spreadsheet formula (CSV/XLSX injection). */
export const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'];

/** What must never appear unescaped in HTML. */
export const RAW_MARKERS = ['<script>window.__xss', '<img src=x onerror', 'onerror="window.__xss'];

export interface HostileFixture extends ResultsFixture {
  /** field label → the hostile text stored in it */
  texts: Record<string, string>;
  assignmentId: string;
}

/** A hostile value for a field: a formula start, a script payload and the field's name (to find it again). */
export function hostile(field: string, i: number): string {
  return `${FORMULA_STARTS[i % FORMULA_STARTS.length]}${PAYLOADS[i % PAYLOADS.length]} [${field}]`;
}

/**
 * A campaign whose every free-text field users can fill holds a hostile value: titles, descriptions, notes,
 * question and option texts, criteria, organization names, text answers, the expert's registry fields, review
 * comments, an exclusion reason. `expertId` gets a draft review of document 1 with hostile comments.
 */
export async function buildHostileCampaign(ds: DataSource, expertId: string): Promise<HostileFixture> {
  const fx = await buildResultsCampaign(ds, { status: 'discussion', responses: 8, experts: 2, seed: 5, resultsPublished: true });
  const texts: Record<string, string> = {};
  let n = 0;
  const set = async (field: string, sql: string, params: unknown[]) => {
    const value = hostile(field, n++);
    texts[field] = value;
    await ds.query(sql, [value, ...params]);
  };
  const c = fx.campaignId;
  await set('campaign title', `UPDATE campaigns SET title = $1 WHERE id = $2`, [c]);
  await set('campaign description', `UPDATE campaigns SET description = $1 WHERE id = $2`, [c]);
  const doc = fx.documents[0].id;
  await set('document title', `UPDATE documents SET title = $1 WHERE id = $2`, [doc]);
  await set('document description', `UPDATE documents SET description = $1 WHERE id = $2`, [doc]);
  await ds.query(
    `INSERT INTO document_versions (document_id, number, file_name, content_type, size, sha256, storage_key, notes)
     VALUES ($1, 1, 'doc.pdf', 'application/pdf', 10, $2, $3, 'x')`,
    [doc, '0'.repeat(64), `documents/${doc}/1`],
  );
  await ds.query(`UPDATE documents SET current_version_number = 1 WHERE id = $1`, [doc]);
  await set('version notes', `UPDATE document_versions SET notes = $1 WHERE document_id = $2`, [doc]);
  const general = fx.questions[0];
  await set('question text', `UPDATE questions SET text = $1 WHERE id = $2`, [general.id]);
  await set('option text', `UPDATE question_options SET text = $1 WHERE id = $2`, [general.options[0].id]);
  const textQuestion = fx.questions.find((q) => q.kind === 'text')!;
  await set('text question', `UPDATE questions SET text = $1 WHERE id = $2`, [textQuestion.id]);
  await set('criterion text', `UPDATE criteria SET text = $1 WHERE id = $2`, [fx.criteria[0].id]);
  await set('organization name', `UPDATE responses SET organization_name = $1 WHERE id = $2`, [fx.responses[0].id]);
  await ds.query(`UPDATE responses SET excluded = false WHERE id = $1`, [fx.responses[0].id]);
  await ds.query(`DELETE FROM response_answers WHERE response_id = $1 AND question_id = $2`, [fx.responses[0].id, textQuestion.id]);
  await set('text answer', `INSERT INTO response_answers (response_id, question_id, text) VALUES ($2, $3, $1)`, [
    fx.responses[0].id,
    textQuestion.id,
  ]);
  await set('exclusion reason', `UPDATE responses SET excluded = true, excluded_reason = $1, excluded_at = now() WHERE id = $2`, [
    fx.responses[1].id,
  ]);
  await set('expert full name', `UPDATE users SET full_name = $1 WHERE id = $2`, [expertId]);
  await set('expert organization', `UPDATE expert_profiles SET organization_name = $1 WHERE user_id = $2`, [expertId]);
  await set('expert position', `UPDATE expert_profiles SET position = $1 WHERE user_id = $2`, [expertId]);
  await set('expert about', `UPDATE expert_profiles SET about = $1 WHERE user_id = $2`, [expertId]);
  const assignmentId = randomUUID();
  await ds.query(
    `INSERT INTO assignments (id, campaign_id, document_id, expert_id, status, recommendation, general_comment, row_version)
     VALUES ($1, $2, $3, $4, 'draft', $5, '', 1)`,
    [assignmentId, c, doc, expertId, fx.recommendations[0].code],
  );
  await set('review comment', `UPDATE assignments SET general_comment = $1 WHERE id = $2`, [assignmentId]);
  await set('score comment', `INSERT INTO review_scores (assignment_id, criterion_id, score, comment) VALUES ($2, $3, 1, $1)`, [
    assignmentId,
    fx.criteria[0].id,
  ]);
  // another expert's submitted review with hostile comments, so results and reports carry them too
  const other = fx.reviews.find((r) => r.documentId === doc && r.status === 'submitted')!;
  await set('submitted review comment', `UPDATE assignments SET general_comment = $1 WHERE id = $2`, [other.assignmentId]);
  return { ...fx, texts, assignmentId };
}

/** True when the HTML holds a payload unescaped. */
export function rawPayloadIn(html: string): string | undefined {
  return RAW_MARKERS.find((m) => html.includes(m));
}
