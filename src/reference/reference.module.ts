import { Module } from '@nestjs/common';
import { OrganizationDirectoryService } from './organization-directory.service';
import { OrganizationsRepository } from './organizations.repository';
import { PublicOrganizationsController } from './public-organizations.controller';
import { ReferenceController } from './reference.controller';
import { ReferenceRepository } from './reference.repository';
import { ReferenceService } from './reference.service';

@Module({
  controllers: [ReferenceController, PublicOrganizationsController],
  providers: [ReferenceService, ReferenceRepository, OrganizationsRepository, OrganizationDirectoryService],
  exports: [ReferenceService, OrganizationDirectoryService],
})
export class ReferenceModule {}
