import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ReferenceAdminRepository } from './reference-admin.repository';
import { ReferenceAdminService } from './reference-admin.service';
import { ReferenceModule } from './reference.module';

/**
 * Administrators' editing of the reference tables (territories, organizations, the import). Reference's own module,
 * apart from ReferenceModule because the import's checked preview waits in Redis: the CLI loads ReferenceModule
 * without Redis (migrations and seeds run before Redis is up).
 */
@Module({
  imports: [AuditModule, ReferenceModule],
  providers: [ReferenceAdminRepository, ReferenceAdminService],
  exports: [ReferenceAdminRepository, ReferenceAdminService],
})
export class ReferenceAdminModule {}
