import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { Public } from '../accounts/current-user';
import { RedisHealthIndicator } from './redis.health';
import { HealthDto, HealthIndicatorDto } from './health.response';

@ApiTags('operations')
@ApiExtraModels(HealthIndicatorDto)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  /**
   * 200 when PostgreSQL and Redis answer; 503 with terminus' body naming the one that is down
   * (`error.redis.status: "down"`). Answered here rather than thrown, so the global error filter neither
   * replaces the details with the generic API error nor logs every probe of a load balancer during an outage.
   */
  @Public()
  @Get()
  @HealthCheck()
  @ApiOkResponse({ type: HealthDto, description: 'PostgreSQL and Redis answer' })
  @ApiServiceUnavailableResponse({ type: HealthDto, description: 'The one that is down is named in `error`' })
  async check(@Res() reply: FastifyReply): Promise<void> {
    try {
      const result = await this.health.check([() => this.db.pingCheck('postgres', { timeout: 1_500 }), () => this.redis.check('redis')]);
      void reply.status(200).header('cache-control', 'no-store').send(result);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      void reply.status(503).header('cache-control', 'no-store').send(err.getResponse());
    }
  }
}
