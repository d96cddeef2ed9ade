import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';

export class ExcludeResponseDto {
  @ApiProperty({ description: 'Why the response is excluded from results (kept in the audit log)', maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class IncludeResponseDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  reason?: string;
}
