import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HttpErrorFilter } from './common/http-error.filter';
import { AdminModule } from './admin/admin.module';
import { CoreModule } from './core.module';
import { DevMailModule } from './dev-mail/dev-mail.module';
import { HealthModule } from './health/health.module';

/** The HTTP process: pages at /, REST at /api/v1, OpenAPI at /api/docs, /health, the demo's emails at /dev/mail. */
@Module({
  imports: [CoreModule, HealthModule, DevMailModule, AdminModule],
  providers: [{ provide: APP_FILTER, useClass: HttpErrorFilter }],
})
export class AppModule {}
