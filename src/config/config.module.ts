import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig, loadConfig, validateConfig } from './app.config';

/**
 * @nestjs/config reads `.env` (if present) and validates at boot; the typed AppConfig object is what
 * the code injects, so a misspelt key is a compile error rather than an undefined at run time.
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, validate: validateConfig, cache: true })],
  providers: [{ provide: AppConfig, useFactory: () => loadConfig() }],
  exports: [AppConfig],
})
export class AppConfigModule {}
