import { ApiProperty } from '@nestjs/swagger';

export class HealthIndicatorDto {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';
}

/** @nestjs/terminus' answer. */
export class HealthDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok' })
  status: 'ok' | 'error';

  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' },
    example: { postgres: { status: 'up' }, redis: { status: 'up' } },
  })
  info: Record<string, HealthIndicatorDto>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' }, example: {} })
  error: Record<string, HealthIndicatorDto>;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorDto' } })
  details: Record<string, HealthIndicatorDto>;
}
