import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CommonModule } from './common/common.module';
import { RedisModule } from './common/redis.module';
import { AppConfig } from './config/app.config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DiscussionModule } from './discussion/discussion.module';
import { ExpertiseModule } from './expertise/expertise.module';
import { MailModule } from './mail/mail.module';
import { ProposalsModule } from './proposals/proposals.module';
import { QueueModule } from './queue/queue.module';
import { ReferenceModule } from './reference/reference.module';
import { ReportsModule } from './reports/reports.module';
import { ResultsModule } from './results/results.module';
import { StorageModule } from './storage/storage.module';

/** What both processes share: config, logging, PostgreSQL, Redis, queues, and every feature module. */
@Module({
  imports: [
    AppConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.LOG_LEVEL,
          // never log cookies, tokens or bodies: they carry personal data and secrets
          redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
          serializers: {
            req: (req: { id: unknown; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: String(req.url).split('?')[0],
            }),
          },
          autoLogging: { ignore: (req: { url?: string }) => req.url === '/health' || Boolean(req.url?.startsWith('/static/')) },
        },
      }),
    }),
    CommonModule,
    DatabaseModule,
    RedisModule,
    QueueModule,
    StorageModule,
    AuditModule,
    AccountsModule,
    ReferenceModule,
    CampaignsModule,
    DiscussionModule,
    ProposalsModule,
    ExpertiseModule,
    ResultsModule,
    ReportsModule,
    MailModule,
  ],
  // the worker's processors (WorkerModule) inject services of these modules
  exports: [
    QueueModule,
    StorageModule,
    AuditModule,
    AccountsModule,
    CampaignsModule,
    ExpertiseModule,
    ResultsModule,
    ReportsModule,
    MailModule,
  ],
})
export class CoreModule {}
