import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { cliExitCode } from '../../src/cli/cli-runner';

const ROOT = join(__dirname, '..', '..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI exactly as `npm run cli --` runs it, as a child process against this run's database. */
function cliProcess(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli.ts', ...args], { cwd: ROOT, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The same command in this process (`cliExitCode` is all `src/cli.ts` does besides exiting): a child process
 * compiles the whole application with swc-node first, seconds each, and a dozen of them outran the test timeout on a
 * loaded machine. Two tests still run the real process.
 */
async function cli(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await cliExitCode(
    args,
    (line) => (stdout += `${line}\n`),
    (line) => (stderr += `${line}\n`),
  );
  return { code, stdout, stderr };
}

const unique = (role: string) => `cli-${role}-${randomBytes(4).toString('hex')}@example.org`;

describe('CLI (npm run cli)', () => {
  let db: Client;

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
  });
  afterAll(() => db.end());

  it('user:create makes an organizer who can log in later (stored with an argon2 hash)', async () => {
    const email = unique('organizer');
    const run = await cliProcess(
      'user:create',
      '--email',
      email.toUpperCase(),
      '--password',
      'long-enough-pass',
      '--role',
      'organizer',
      '--name',
      'Анна Организатор',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^created organizer ${email.replace(/[.+]/g, '\\$&')} \\(id [0-9a-f-]{36}\\)\\n$`));
    const { rows } = await db.query(
      `SELECT role, full_name, password_hash LIKE '$argon2id$%' AS argon, email_confirmed_at IS NOT NULL AS confirmed FROM users WHERE email = $1`,
      [email],
    );
    expect(rows).toEqual([{ role: 'organizer', full_name: 'Анна Организатор', argon: true, confirmed: true }]);
    const { rows: profiles } = await db.query(`SELECT 1 FROM expert_profiles p JOIN users u ON u.id = p.user_id WHERE u.email = $1`, [
      email,
    ]);
    expect(profiles).toEqual([]);
  });

  it('user:create --role expert: approved in the registry, first territory and organization «—» by default', async () => {
    const email = unique('expert');
    const run = await cli(
      'user:create',
      '--email',
      email,
      '--password',
      'long-enough-pass',
      '--role',
      'expert',
      '--name',
      'Эксперт Первый',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('approved in the expert registry');
    const { rows } = await db.query(
      `SELECT p.status, t.name AS territory, p.organization_name, p.decided_at IS NOT NULL AS decided
         FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id WHERE u.email = $1`,
      [email],
    );
    const [first] = (await db.query(`SELECT name FROM territories ORDER BY sort_order, name LIMIT 1`)).rows;
    expect(rows).toEqual([{ status: 'approved', territory: first.name, organization_name: '—', decided: true }]);
  });

  it('user:create --role expert with --territory (by name) and --organization', async () => {
    const email = unique('expert');
    const run = await cli(
      'user:create',
      '--email',
      email,
      '--password',
      'long-enough-pass',
      '--role',
      'expert',
      '--name',
      'Эксперт Второй',
      '--territory',
      'Аргаяшский муниципальный район',
      '--organization',
      'МОУ «СОШ № 5»',
    );
    expect(run.code).toBe(0);
    const { rows } = await db.query(
      `SELECT t.name AS territory, p.organization_name FROM expert_profiles p JOIN users u ON u.id = p.user_id
         JOIN territories t ON t.id = p.territory_id WHERE u.email = $1`,
      [email],
    );
    expect(rows).toEqual([{ territory: 'Аргаяшский муниципальный район', organization_name: 'МОУ «СОШ № 5»' }]);
  });

  it('refuses bad arguments with a message and a non-zero exit, storing nothing', async () => {
    const email = unique('bad');
    const role = await cli('user:create', '--email', email, '--password', 'long-enough-pass', '--role', 'boss', '--name', 'X Y');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('error: user:create: role: допустимы admin, organizer, expert');

    const missing = await cli('user:create', '--password', 'long-enough-pass', '--role', 'admin');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: user:create: missing --email, --name');
    expect(missing.stderr).toContain('Usage: npm run cli -- <command> [options]');

    const short = await cli('user:create', '--email', email, '--password', 'short', '--role', 'admin', '--name', 'X Y');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('password: пароль должен быть от 8 до 200 символов');

    const territory = await cli(
      'user:create',
      '--email',
      email,
      '--password',
      'long-enough-pass',
      '--role',
      'expert',
      '--name',
      'X Y',
      '--territory',
      'Атлантида',
    );
    expect(territory.code).toBe(1);
    expect(territory.stderr).toContain('error: territory: неизвестная территория «Атлантида»');

    const unknown = await cliProcess('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: unknown command: frobnicate');

    const { rows } = await db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a duplicate email (case-insensitively) with exit code 1', async () => {
    const email = unique('dup');
    expect((await cli('user:create', '--email', email, '--password', 'long-enough-pass', '--role', 'admin', '--name', 'X Y')).code).toBe(0);
    const again = await cli(
      'user:create',
      '--email',
      email.toUpperCase(),
      '--password',
      'long-enough-pass',
      '--role',
      'admin',
      '--name',
      'X Y',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('error: email: пользователь с таким адресом уже есть');
  });

  it('migrate on a migrated database and seed:reference again change nothing', async () => {
    const before = (await db.query(`SELECT count(*)::int AS n FROM territories`)).rows[0].n;
    const migrate = await cli('migrate');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toBe('database is up to date\n');
    const seed = await cli('seed:reference');
    expect(seed.code).toBe(0);
    expect(seed.stdout).toContain('reference data loaded: 43 territories');
    expect((await db.query(`SELECT count(*)::int AS n FROM territories`)).rows[0].n).toBe(before);
  });

  it('seed:demo: users, a campaign in discussion with files, questions, criteria and responses; twice creates nothing twice', async () => {
    const first = await cli('seed:demo');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('FOR A LOCAL DEMO ONLY');
    expect(first.stdout).toContain('admin@demo.local');
    const second = await cli('seed:demo');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('demo users created: 0 (of 5)');
    expect(second.stdout).toContain('demo campaign already present');

    const users = await db.query(
      `SELECT u.email, u.role, p.status FROM users u LEFT JOIN expert_profiles p ON p.user_id = u.id WHERE u.email LIKE '%@demo.local' ORDER BY u.email`,
    );
    expect(users.rows).toEqual([
      { email: 'admin@demo.local', role: 'admin', status: null },
      { email: 'expert2@demo.local', role: 'expert', status: 'approved' },
      { email: 'expert3@demo.local', role: 'expert', status: 'approved' },
      { email: 'expert@demo.local', role: 'expert', status: 'approved' },
      { email: 'organizer@demo.local', role: 'organizer', status: null },
    ]);
    const campaigns = await db.query(`SELECT id, title, status FROM campaigns WHERE slug = 'modelnye-dokumenty-2026'`);
    expect(campaigns.rows).toHaveLength(1);
    const c = campaigns.rows[0];
    expect(c).toMatchObject({ title: 'Модельные документы 2026', status: 'discussion' });

    const versions = await db.query(
      `SELECT v.number, v.content_type, v.size::int AS size, v.sha256, v.storage_key FROM documents d
         JOIN document_versions v ON v.document_id = d.id WHERE d.campaign_id = $1 ORDER BY d.sort_order`,
      [c.id],
    );
    expect(versions.rows).toHaveLength(3);
    for (const v of versions.rows) {
      expect(v.number).toBe(1);
      const file = await readFile(join(process.env.STORAGE_DIR!, v.storage_key));
      expect(file.length).toBe(v.size);
      expect(file.subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
      expect(file.subarray(-6).toString('latin1')).toBe('%%EOF\n');
      expect(createHash('sha256').update(file).digest('hex')).toBe(v.sha256);
    }

    const questions = await db.query(
      `SELECT q.document_id IS NULL AS general, q.kind, count(o.id)::int AS options, count(o.id) FILTER (WHERE o.exclusive)::int AS exclusive
         FROM questions q LEFT JOIN question_options o ON o.question_id = q.id WHERE q.campaign_id = $1
         GROUP BY q.id ORDER BY q.sort_order`,
      [c.id],
    );
    const perDocument = [
      { general: false, kind: 'multi', options: 5, exclusive: 1 },
      { general: false, kind: 'scale', options: 0, exclusive: 0 },
      { general: false, kind: 'text', options: 0, exclusive: 0 },
    ];
    expect(questions.rows).toEqual([
      { general: true, kind: 'single', options: 4, exclusive: 0 },
      ...perDocument,
      ...perDocument,
      ...perDocument,
    ]);
    expect((await db.query(`SELECT count(*)::int AS n FROM criteria WHERE campaign_id = $1`, [c.id])).rows[0].n).toBe(5);

    const responses = await db.query(`SELECT count(*)::int AS n FROM responses WHERE campaign_id = $1`, [c.id]);
    expect(responses.rows[0].n).toBe(6);
    // consistency: an exclusive option is always alone; every required question answered in every response
    const mixed = await db.query(
      `SELECT a.response_id FROM response_answers a JOIN question_options o ON o.id = a.option_id
        WHERE o.exclusive GROUP BY a.response_id, a.question_id
       HAVING (SELECT count(*) FROM response_answers b WHERE b.response_id = a.response_id AND b.question_id = a.question_id) > 1`,
    );
    expect(mixed.rows).toEqual([]);
    const unanswered = await db.query(
      `SELECT r.id, q.id FROM responses r JOIN questions q ON q.campaign_id = r.campaign_id AND q.required
        WHERE r.campaign_id = $1 AND NOT EXISTS (SELECT 1 FROM response_answers a WHERE a.response_id = r.id AND a.question_id = q.id)`,
      [c.id],
    );
    expect(unanswered.rows).toEqual([]);
    const outOfScale = await db.query(
      `SELECT a.id FROM response_answers a JOIN questions q ON q.id = a.question_id
        WHERE q.campaign_id = $1 AND q.kind = 'scale' AND (a.value IS NULL OR a.value NOT BETWEEN q.scale_min AND q.scale_max)`,
      [c.id],
    );
    expect(outOfScale.rows).toEqual([]);
  });
});
