import { loadDataConverter } from '../../platform/data-converter';
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString, DefaultLogger } from '@temporalio/worker';

/**
 * A worker for the benchmark's no-op workflow only, in a process of its own (as the complaint worker
 * is), on BENCH_TASK_QUEUE. Prints "bench worker started" when it polls.
 */
async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
    },
  });
  const taskQueue = process.env.BENCH_TASK_QUEUE;
  if (!taskQueue) throw new Error('BENCH_TASK_QUEUE is not set');
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowsPath: require.resolve('./noop-workflow'),
    // The run's ring (REDRESS_PAYLOAD_KEYS from run.ts), as the complaint worker has it.
    dataConverter: loadDataConverter(process.env).dataConverter,
  });
  process.stdout.write('bench worker started\n');
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker failed: ${String(err)}\n`);
  process.exit(1);
});
