import { ApiProperty } from '@nestjs/swagger';

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the system (scheduler, worker)' })
  actorId: string | null;

  @ApiProperty({ example: 'campaign.transition' })
  action: string;

  @ApiProperty({ example: 'campaign' })
  entityType: string;

  @ApiProperty({ type: String, nullable: true })
  entityId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  campaignId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  before: Record<string, unknown> | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  after: Record<string, unknown> | null;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}
