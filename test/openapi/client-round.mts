/**
 * One round through a client generated from /api/docs-json (openapi-typescript types + openapi-fetch), as an
 * integrator would write it. test/e2e/openapi-client.e2e-spec.ts copies it next to the freshly generated
 * `schema.d.ts`, type-checks both with tsc (strict: a response documented as unknown, or a renamed field, fails it),
 * then runs it with Node against the test app. Prints one JSON line with what it saw.
 * Excluded from the project's tsconfig: `./schema.js` exists only in that temporary directory.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type Results = components['schemas']['ResultsSnapshotDto'];

const { BASE_URL = '', EMAIL = '', PASSWORD = '' } = process.env;
const api = createClient<paths>({ baseUrl: BASE_URL });

function ok<T>(what: string, r: { data?: T; error?: unknown; response: Response }): T {
  if (r.data === undefined) throw new Error(`${what}: ${r.response.status} ${JSON.stringify(r.error)}`);
  return r.data;
}

const login = ok('login', await api.POST('/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD } }));
const auth = { authorization: `Bearer ${login.accessToken}` };

const campaign = ok(
  'create campaign',
  await api.POST('/api/v1/campaigns', { headers: auth, body: { title: 'Кампания из клиента OpenAPI' } }),
);
const id: string = campaign.id;

const pdf = new Blob([`%PDF-1.4\n% client round\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`], { type: 'application/pdf' });
const document = ok(
  'upload',
  await api.POST('/api/v1/campaigns/{id}/documents', {
    headers: auth,
    params: { path: { id } },
    body: { title: 'Модельная программа', file: '' },
    bodySerializer(body) {
      const form = new FormData();
      form.append('title', body.title);
      form.append('file', pdf, 'программа.pdf');
      return form;
    },
  }),
);
const versionNumber: number | undefined = document.currentVersion?.number;

const opened = ok(
  'open discussion',
  await api.POST('/api/v1/campaigns/{id}/transitions', { headers: auth, params: { path: { id } }, body: { to: 'discussion' } }),
);

const territories = ok('territories', await api.GET('/api/v1/territories'));
const lists = ok('reference', await api.GET('/api/v1/reference'));
const publicView = ok('public campaign', await api.GET('/api/v1/public/campaigns/{slug}', { params: { path: { slug: campaign.slug } } }));

// the first option of every choice question, the middle of every scale, a short text for every text question
const answers = publicView.questions.map((q) =>
  q.kind === 'single' || q.kind === 'multi'
    ? { questionId: q.id, optionIds: [q.options[0].id] }
    : q.kind === 'scale' && q.scale
      ? { questionId: q.id, value: Math.round((q.scale.min + q.scale.max) / 2) }
      : { questionId: q.id, text: 'Предложение из клиента' },
);
const submitted = ok(
  'submit',
  await api.POST('/api/v1/public/campaigns/{slug}/responses', {
    params: { path: { slug: campaign.slug }, header: { 'Idempotency-Key': `client-round-${id}` } },
    body: {
      profile: { territoryId: territories[0].id, organizationType: lists.organizationTypes[0].code, position: lists.positions[0].code },
      answers,
    },
  }),
);

const refresh = ok('refresh', await api.POST('/api/v1/campaigns/{id}/results/refresh', { headers: auth, params: { path: { id } } }));

// the worker aggregates: wait for the snapshot that counts the response (404 until the first one)
let results: Results | undefined;
for (let i = 0; i < 300 && !(results && results.discussion.respondents === 1); i++) {
  results = (await api.GET('/api/v1/campaigns/{id}/results', { headers: auth, params: { path: { id } } })).data;
  if (!(results && results.discussion.respondents === 1)) await new Promise((r) => setTimeout(r, 100));
}
if (!results) throw new Error('no results snapshot');

console.log(
  JSON.stringify({
    campaignId: id,
    createdStatus: campaign.status,
    documentId: document.id,
    versionNumber,
    openedStatus: opened.status,
    receipt: submitted.receipt,
    refreshStatus: refresh.status,
    respondents: results.discussion.respondents,
    territoriesCovered: results.discussion.territories.covered,
    firstOptionCounts: results.discussion.questions.flatMap((q) =>
      q.options?.length ? [{ questionId: q.questionId, count: q.options[0].count }] : [],
    ),
  }),
);
