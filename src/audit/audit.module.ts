import { Module } from '@nestjs/common';
import { AuditLogService } from './audit-log.service';
import { AuditPagesController } from './audit.pages.controller';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

@Module({
  controllers: [AuditController, AuditPagesController],
  providers: [AuditRepository, AuditService, AuditLogService],
  exports: [AuditService],
})
export class AuditModule {}
