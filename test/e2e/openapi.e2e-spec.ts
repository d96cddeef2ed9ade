import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplicationContext } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Role } from '../../src/accounts/entities/user.entity';
import { ErrorCode } from '../../src/common/domain-error';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, startWorker, TestApp } from '../setup/app';
import { client } from '../setup/http';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Json = Record<string, any>;
type Operation = { method: string; path: string; op: Json };

function operations(doc: Json): Operation[] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method: method.toUpperCase(), path, op: item[method] })),
  );
}

/** A 2xx answer with a body schema, or a 204 (no body by definition). */
function documentsSuccess(op: Json): boolean {
  return Object.entries(op.responses ?? {}).some(
    ([status, r]: [string, any]) =>
      status === '204' ||
      (/^2\d\d$/.test(status) && Object.values(r.content ?? {}).some((c: any) => c.schema && Object.keys(c.schema).length > 0)),
  );
}

describe('OpenAPI document (/api/docs-json)', () => {
  let t: TestApp;
  let doc: Json;

  beforeAll(async () => {
    t = await startApp();
    const res = await client(t.url).get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body;
  });
  afterAll(() => t?.close());

  it('is a valid OpenAPI document (swagger-parser)', async () => {
    const api = (await SwaggerParser.validate(structuredClone(doc) as never)) as Json;
    expect(api.openapi).toBe('3.0.0');
    expect(api.info.description).toContain('{statusCode, error, message, code}');
    expect(JSON.stringify(doc)).not.toMatch(/shared\/API\.md/);
  });

  it('documents a success response schema for ≥ 95 % of operations (all of them today)', () => {
    const ops = operations(doc);
    const missing = ops.filter((o) => !documentsSuccess(o.op)).map((o) => `${o.method} ${o.path}`);
    const share = (ops.length - missing.length) / ops.length;
    console.log(
      `OpenAPI: ${ops.length - missing.length} of ${ops.length} operations document a success schema (${(share * 100).toFixed(1)} %)`,
    );
    expect(ops.length).toBeGreaterThanOrEqual(60);
    expect(missing).toEqual([]);
    expect(share).toBeGreaterThanOrEqual(0.95);
  });

  it('documents the error shape {statusCode, error, message, code} on every operation but /health', () => {
    const schema = doc.components.schemas.ApiErrorDto;
    expect(Object.keys(schema.properties).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
    expect([...schema.required].sort()).toEqual(['code', 'error', 'message', 'statusCode']);
    expect(doc.components.schemas.ErrorCode.enum.sort()).toEqual(Object.values(ErrorCode).sort());
    const without = operations(doc)
      .filter((o) => o.path !== '/health')
      .filter(
        (o) =>
          !Object.entries(o.op.responses).some(
            ([status, r]: [string, any]) =>
              /^[45]/.test(status) && r.content?.['application/json']?.schema?.$ref === '#/components/schemas/ApiErrorDto',
          ),
      )
      .map((o) => `${o.method} ${o.path}`);
    expect(without).toEqual([]);
    // signed-in routes document 401 and 403; routes under a campaign id document 404
    for (const o of operations(doc)) {
      if (o.op.security)
        expect([o.path, '401' in o.op.responses, '403' in o.op.responses]).toEqual([
          o.path,
          true,
          o.path.includes('/auth/') ? false : true,
        ]);
      if (/\{(id|slug)\}/.test(o.path)) expect([o.method, o.path, '404' in o.op.responses]).toEqual([o.method, o.path, true]);
    }
  });

  it('the documented error example is what the API answers', async () => {
    const res = await client(t.url).get('/api/v1/campaigns');
    const example = doc.paths['/api/v1/campaigns'].get.responses['401'].content['application/json'].example;
    expect(Object.keys(res.body).sort()).toEqual(Object.keys(example).sort());
    expect([res.status, res.body.code, res.body.error]).toEqual([example.statusCode, example.code, example.error]);
  });
});

describe('a TypeScript client generated from the document (openapi-typescript + openapi-fetch)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let organizer: TestUser;
  let dir: string;

  beforeAll(async () => {
    t = await startApp();
    worker = await startWorker();
    organizer = await createUser(t.app, t.url, Role.Organizer);
    dir = mkdtempSync(join(tmpdir(), 'dp-openapi-client-'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('type-checks, then drives one round: log in, campaign, document, discussion, response, results', async () => {
    const res = await client(t.url).get('/api/docs-json');
    writeFileSync(join(dir, 'openapi.json'), res.text);
    await run(
      process.execPath,
      [join(root, 'node_modules/openapi-typescript/bin/cli.js'), join(dir, 'openapi.json'), '-o', join(dir, 'schema.d.ts')],
      {
        cwd: dir,
      },
    );
    copyFileSync(join(root, 'test/openapi/client-round.mts'), join(dir, 'round.mts'));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2023',
          lib: ['es2023', 'dom'],
          types: ['node'],
          skipLibCheck: true,
        },
        files: ['round.mts', 'schema.d.ts'],
      }),
    );
    // a response typed `unknown` (no documented schema) or a field the code no longer returns fails here
    const tsc = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], {
      cwd: dir,
    }).catch((err: { stdout: string }) => ({ stdout: err.stdout, failed: true }));
    expect(tsc.stdout).toBe('');

    const { stdout } = await run(process.execPath, [join(dir, 'round.mts')], {
      cwd: dir,
      env: { ...process.env, BASE_URL: t.url, EMAIL: organizer.email, PASSWORD: TEST_PASSWORD, NODE_NO_WARNINGS: '1' },
      timeout: 60_000,
    });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);

    // recomputed from the rows the round left behind
    const [campaign] = await t.dataSource.query(`SELECT status, title FROM campaigns WHERE id = $1`, [seen.campaignId]);
    expect(campaign).toEqual({ status: 'discussion', title: 'Кампания из клиента OpenAPI' });
    const [doc] = await t.dataSource.query(
      `SELECT d.title, v.number, v.file_name FROM documents d JOIN document_versions v ON v.document_id = d.id WHERE d.id = $1`,
      [seen.documentId],
    );
    expect(doc).toEqual({ title: 'Модельная программа', number: 1, file_name: 'программа.pdf' });
    const responses = await t.dataSource.query(`SELECT receipt FROM responses WHERE campaign_id = $1 AND NOT excluded`, [seen.campaignId]);
    expect(responses).toEqual([{ receipt: seen.receipt }]);
    const firstOptions: { questionId: string; count: number }[] = await t.dataSource.query(
      `SELECT q.id AS "questionId", count(a.*)::int AS count
         FROM questions q
         JOIN LATERAL (SELECT id FROM question_options WHERE question_id = q.id ORDER BY sort_order LIMIT 1) o ON true
         LEFT JOIN response_answers a ON a.question_id = q.id AND a.option_id = o.id
        WHERE q.campaign_id = $1 AND q.kind IN ('single', 'multi')
        GROUP BY q.id, q.document_id, q.sort_order`,
      [seen.campaignId],
    );
    expect(firstOptions.length).toBeGreaterThan(0);
    expect(seen).toEqual({
      campaignId: expect.any(String),
      createdStatus: 'draft',
      documentId: expect.any(String),
      versionNumber: 1,
      openedStatus: 'discussion',
      receipt: expect.any(String),
      refreshStatus: 'queued',
      respondents: responses.length,
      territoriesCovered: 1,
      firstOptionCounts: expect.arrayContaining(firstOptions),
    });
    expect(seen.firstOptionCounts).toHaveLength(firstOptions.length);
  }, 180_000);
});
