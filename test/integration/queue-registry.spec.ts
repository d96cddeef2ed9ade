import 'reflect-metadata';
import { JOB_QUEUE, JobName } from '../../src/queue/queue-registry';
import { WorkerModule } from '../../src/worker.module';

// @nestjs/bull's metadata keys (bull.constants): the queue of a @Processor class, the options of a @Process method
const BULL_MODULE_QUEUE = 'bull:module_queue';
const BULL_MODULE_QUEUE_PROCESS = 'bull:module_queue_process';

interface Handler {
  processor: string;
  method: string;
  queue: string;
  job: string | undefined;
}

/** Every @Process method of the @Processor classes registered in WorkerModule. */
function handlers(): Handler[] {
  const providers = (Reflect.getMetadata('providers', WorkerModule) ?? []) as unknown[];
  const found: Handler[] = [];
  for (const provider of providers) {
    if (typeof provider !== 'function') continue;
    const queueMeta = Reflect.getMetadata(BULL_MODULE_QUEUE, provider) as { name?: string } | undefined;
    if (!queueMeta) continue;
    const proto = (provider as { prototype: object }).prototype;
    for (const method of Object.getOwnPropertyNames(proto)) {
      if (method === 'constructor') continue;
      const fn = (proto as Record<string, unknown>)[method];
      if (typeof fn !== 'function') continue;
      const processMeta = Reflect.getMetadata(BULL_MODULE_QUEUE_PROCESS, fn) as { name?: string } | undefined;
      if (processMeta)
        found.push({ processor: (provider as { name: string }).name, method, queue: queueMeta.name ?? '', job: processMeta.name });
    }
  }
  return found;
}

describe('queue registry: one handler per job, registered in the worker', () => {
  const all = handlers();

  it('every JobName has exactly one @Process handler on its queue among WorkerModule providers', () => {
    const problems: string[] = [];
    for (const job of Object.values(JobName)) {
      const matching = all.filter((h) => h.job === job && h.queue === JOB_QUEUE[job]);
      if (matching.length !== 1) {
        problems.push(
          `${job} (queue ${JOB_QUEUE[job]}): ${matching.length} handlers${matching.length ? ` (${matching.map((h) => `${h.processor}.${h.method}`).join(', ')})` : ''}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('no handler catches unnamed jobs, names an unknown job, or listens on the wrong queue', () => {
    const stray = all
      .filter((h) => !h.job || !(Object.values(JobName) as string[]).includes(h.job) || JOB_QUEUE[h.job as JobName] !== h.queue)
      .map((h) => `${h.processor}.${h.method}: job ${h.job ?? '(any)'} on queue ${h.queue}`);
    expect(stray).toEqual([]);
  });
});
