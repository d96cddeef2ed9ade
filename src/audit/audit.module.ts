import { Module } from '@nestjs/common';
import { AuditPagesController } from './audit-pages.controller';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

@Module({ controllers: [AuditController, AuditPagesController], providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
