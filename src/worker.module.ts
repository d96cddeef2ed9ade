import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { OutboxRelayService } from './queue/outbox-relay.service';

/**
 * The worker process: queue processors (registered by the feature modules through ProcessorsModule-style
 * providers) and the outbox relay. No HTTP server.
 */
@Module({
  imports: [CoreModule],
  providers: [OutboxRelayService],
})
export class WorkerModule {}
