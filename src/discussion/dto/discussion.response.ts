import { ApiProperty } from '@nestjs/swagger';
import { CampaignStatus } from '../../campaigns/campaign-status';
import { QuestionOptionViewDto, QuestionScaleViewDto } from '../../campaigns/dto/campaign.response';
import { QuestionKind } from '../../campaigns/entities/question.entity';

export class PublicDocumentDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Модельная программа воспитания' })
  title: string;

  @ApiProperty({ example: '/files/documents/6f1c…', description: 'Download of the version under discussion' })
  fileUrl: string;
}

export class PublicQuestionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  documentId: string | null;

  @ApiProperty({ enum: QuestionKind, enumName: 'QuestionKind' })
  kind: QuestionKind;

  @ApiProperty({ example: 'Понятен ли документ?' })
  text: string;

  @ApiProperty()
  required: boolean;

  @ApiProperty({ type: [QuestionOptionViewDto] })
  options: QuestionOptionViewDto[];

  @ApiProperty({ type: QuestionScaleViewDto, nullable: true })
  scale: QuestionScaleViewDto | null;

  @ApiProperty({ type: Number, nullable: true })
  maxLength: number | null;
}

export class PublicCampaignDto {
  @ApiProperty({ example: 'Модельные документы 2026' })
  title: string;

  @ApiProperty({ example: '' })
  description: string;

  @ApiProperty({ enum: CampaignStatus, enumName: 'CampaignStatus', example: CampaignStatus.Discussion })
  status: CampaignStatus;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closesAt: string | null;

  @ApiProperty({ type: [PublicDocumentDto] })
  documents: PublicDocumentDto[];

  @ApiProperty({ type: [PublicQuestionDto] })
  questions: PublicQuestionDto[];
}

export class ReceiptDto {
  @ApiProperty({ example: 'R-7K2M-9QXD', description: 'Shown to the respondent; the same for a repeated submission' })
  receipt: string;
}

export class IdNameDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Копейский городской округ' })
  name: string;
}

export class ResponseListItemDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  receipt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: IdNameDto })
  territory: IdNameDto;

  @ApiProperty({ example: 'school' })
  organizationType: string;

  @ApiProperty({ example: 'teacher' })
  position: string;

  @ApiProperty({ description: 'Short tag of the client fingerprint: the same tag, the same browser and address' })
  clientGroup: string;

  @ApiProperty()
  suspectedDuplicate: boolean;

  @ApiProperty()
  excluded: boolean;

  @ApiProperty({ type: String, nullable: true })
  excludedReason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  excludedAt: string | null;
}

export class ResponseListDto {
  @ApiProperty({ example: 6 })
  total: number;

  @ApiProperty({ type: [ResponseListItemDto] })
  items: ResponseListItemDto[];
}
