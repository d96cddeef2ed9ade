import { Controller, Get, Req, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Queue } from 'bull';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { sendPage } from '../common/page-form';
import { projectRoot } from '../common/project-root';
import { ViewService } from '../common/view.service';
import { ALL_QUEUES, JOB_LABELS, QUEUE_LABELS } from '../queue/queue-registry';
import { QUEUE_DASHBOARD_PATH } from '../queue/queue-dashboard';
import { mailFailureInWords, mailKindLabel } from '../mail/mail-labels';
import { OperationsRepository } from './operations.repository';

const version = (): string => (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** /admin/operations: the state of the system for administrators, with the queue dashboard one click away. */
@ApiExcludeController()
@Roles(Role.Admin)
@Controller('admin/operations')
export class OperationsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly repo: OperationsRepository,
    private readonly moduleRef: ModuleRef,
  ) {}

  private async queues() {
    return Promise.all(
      ALL_QUEUES.map(async (name) => {
        const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        const [counts, failed] = await Promise.all([queue.getJobCounts(), queue.getFailed(0, 4)]);
        return {
          label: QUEUE_LABELS[name].name,
          counts,
          failed: failed.map((j) => ({
            job: (JOB_LABELS as Record<string, string>)[j.name] ?? 'задача',
            at: j.finishedOn ?? j.timestamp,
            attempts: j.attemptsMade,
          })),
        };
      }),
    );
  }

  @Get()
  async page(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const [migrations, mail, outbox, queues] = await Promise.all([
      this.repo.migrations(),
      this.repo.lastMailFailures(10),
      this.repo.outbox(),
      this.queues().catch(() => null),
    ]);
    return sendPage(reply, this.views, req, 'pages/admin/operations', {
      title: 'Работа системы',
      version: version(),
      migrationCount: migrations.length,
      lastMigration: migrations[0] ? new Date(Number(migrations[0].timestamp)) : null,
      queues,
      failedJobs: (queues ?? []).flatMap((q) => q.failed.map((f) => ({ ...f, queue: q.label }))),
      outbox,
      mailFailures: mail.map((m) => ({
        to: m.to_address,
        kind: mailKindLabel(m.template),
        at: m.updated_at,
        attempts: m.attempts,
        why: mailFailureInWords(m.last_error),
      })),
      dashboardUrl: QUEUE_DASHBOARD_PATH,
    });
  }
}
