import { partOf } from '../../bench/profile/cpu-summary';

describe("the CPU profile reader's parts", () => {
  it('names a package of node_modules, scoped or not', () => {
    expect(partOf('file:///work/main/node_modules/@temporalio/worker/lib/worker.js', 'run')).toBe('@temporalio/worker');
    expect(partOf('file:///work/main/node_modules/kafkajs/src/producer/index.js', 'send')).toBe('kafkajs');
  });
  it("names this project's folder, Node's own code and V8's pseudo-frames", () => {
    expect(partOf('file:///work/main/dist/workers/bridge/route.js', 'startComplaint')).toBe('redress workers/');
    expect(partOf('node:internal/streams/writable', 'write')).toBe('node');
    expect(partOf('', '(garbage collector)')).toBe('(garbage collector)');
    expect(partOf('', 'Buffer.from')).toBe('(native)');
  });
  it('names the workflow bundle, which is evaluated from a string', () => {
    expect(partOf('workflow-bundle-1a2b/workflows/case.ts', 'apply')).toBe('workflow bundle (workflow-bundle-1a2b)');
  });
});
