/**
 * The application as `npm start` runs it, plus one extra route for the no-database ceiling, in a child process of the
 * benchmark so the load generator does not share its event loop. Prints `READY <port>` when listening.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { createApp } from '../../src/app.factory';
import { QuestionnaireService } from '../../src/discussion/questionnaire.service';
import { SubmissionService } from '../../src/discussion/submission.service';

async function main(): Promise<void> {
  const app = await createApp({ logger: false });
  const submissions = app.get(SubmissionService);
  const questionnaires = app.get(QuestionnaireService);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // Same process, same JSON parsing and the same compiled validation as the submission path, but no PostgreSQL and no
  // Redis: what this server could answer if storing cost nothing.
  fastify.post('/__bench/validate/:slug', async (req: FastifyRequest, reply: FastifyReply) => {
    const { slug } = req.params as { slug: string };
    submissions.checkKey(req.headers['idempotency-key']);
    const campaign = await questionnaires.campaign(slug);
    const valid = await submissions.validate(campaign, req.body);
    void reply.status(201);
    return { receipt: valid.bodyHash.slice(0, 11) };
  });
  await app.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  // Calibration of the machine: a bare Fastify instance in the same process, JSON in and out, nothing else.
  const bare = Fastify({ bodyLimit: 256 * 1024 });
  bare.post('/bare', async (req: FastifyRequest, reply: FastifyReply) => {
    void reply.status(201);
    return { receipt: 'R-0000-0000', fields: Object.keys(req.body as object).length };
  });
  // the page benchmark's ceiling: a constant HTML answer of a given size (bytes=…), nothing rendered
  const pages = new Map<number, string>();
  bare.get('/bare-page', async (req: FastifyRequest, reply: FastifyReply) => {
    const bytes = Math.min(1_000_000, Number((req.query as { bytes?: string }).bytes ?? 1000) || 1000);
    if (!pages.has(bytes)) pages.set(bytes, `<!doctype html><title>bare</title>${'x'.repeat(Math.max(0, bytes - 35))}`);
    return reply.type('text/html; charset=utf-8').send(pages.get(bytes));
  });
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as { port: number }).port;
  process.stdout.write(`READY ${port} ${barePort}\n`);
  const stop = () => {
    void Promise.all([app.close(), bare.close()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
