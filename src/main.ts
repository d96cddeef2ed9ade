import { createApp } from './app.factory';
import { AppConfig } from './config/app.config';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const config = app.get(AppConfig);
  await app.listen(config.PORT, config.HOST);
  app.get(AppConfig);
  console.log(`HTTP server listening on http://${config.HOST}:${config.PORT} (${config.NODE_ENV})`);
}

bootstrap().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
