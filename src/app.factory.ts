import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { join } from 'node:path';
import { AppModule } from './app.module';
import { refuseDemoPasswordsInProduction } from './accounts/demo-passwords';
import { registerCompression } from './common/compression';
import { projectRoot } from './common/project-root';
import { registerPrivateNoStore, registerSecurityHeaders } from './common/security-headers';
import { registerHashedAssets } from './common/static-assets';
import { ValidationError } from './common/domain-error';
import { registerStrictJsonParser } from './common/json-body-parser';
import { AppConfig, loadConfig } from './config/app.config';
import { registerQueueDashboard } from './queue/queue-dashboard';

const API_DESCRIPTION = [
  'Professional-public discussion and expert review of model documents, API v1: organizers run campaigns (documents,',
  'questionnaire, criteria, stages, experts, results and reports), respondents answer a questionnaire without an account,',
  'experts score the documents assigned to them.',
  '',
  'JSON in and out (uploads are multipart); ids are UUIDs, times ISO 8601 in UTC. Sign in with `POST /api/v1/auth/login`',
  'and send `Authorization: Bearer <accessToken>`. Every error has one shape, `{statusCode, error, message, code}`:',
  '`code` is a stable upper-snake name (`VALIDATION_FAILED`, `STAGE_CLOSED`, …) to branch on; `message` is Russian text',
  'for people (one text, or one "field: problem" per bad field). Nothing is stored on an error. A public submission',
  'carries an `Idempotency-Key`: sending it again returns the first receipt.',
].join('\n');

/** Builds the HTTP application (used by main.ts, the demo and the e2e tests). */
export async function createApp(options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const config = loadConfig();
  const adapter = new FastifyAdapter({
    bodyLimit: config.SUBMISSION_MAX_BYTES,
    trustProxy: config.TRUST_PROXY ? config.TRUST_PROXY.split(',').map((s) => s.trim()) : false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);
  try {
    await refuseDemoPasswordsInProduction(app);
  } catch (err) {
    await app.close();
    throw err;
  }

  const appConfig = app.get(AppConfig);
  // first: it hooks every route registered after it
  await registerCompression(app, appConfig.COMPRESSION);
  registerStrictJsonParser(app, config.SUBMISSION_MAX_BYTES);
  // the API speaks JSON (and multipart for files): a form post to it is refused rather than half-understood
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req, reply) => {
      if (req.url.startsWith('/api/') && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
        await reply.status(415).type('application/json; charset=utf-8').send({
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: 'Ожидается тело в формате JSON (application/json)',
          code: 'UNSUPPORTED_MEDIA_TYPE',
        });
      }
    });
  await app.register(fastifyCookie as never, { secret: appConfig.SESSION_SECRET } as never);
  await app.register(
    fastifyMultipart as never,
    {
      limits: { fileSize: appConfig.UPLOAD_MAX_BYTES, files: 1, fields: 20, fieldSize: 64 * 1024 },
    } as never,
  );
  registerSecurityHeaders(app.getHttpAdapter().getInstance());
  registerPrivateNoStore(app.getHttpAdapter().getInstance());
  // hashed names (templates link these) are cached for a year; the bare names still work with a short cache
  registerHashedAssets(app.getHttpAdapter().getInstance());
  await app.register(fastifyStatic as never, { root: join(projectRoot(), 'public'), prefix: '/static/', maxAge: '5m' } as never);

  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) =>
        new ValidationError(
          errors.flatMap((e) =>
            e.constraints ? Object.values(e.constraints).map((c) => `${e.property}: ${c}`) : [`${e.property}: неверное значение`],
          ),
        ),
    }),
  );
  app.enableShutdownHooks();

  const swagger = new DocumentBuilder()
    .setTitle('Discussion and expertise platform API')
    .setDescription(API_DESCRIPTION)
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, swagger), { jsonDocumentUrl: 'api/docs-json' });
  await registerQueueDashboard(app);
  return app;
}
