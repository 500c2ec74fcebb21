import { growthBy, parsePrometheus } from '../../bench/profile/server-metrics';

const before = `# HELP service_requests service_requests counter
# TYPE service_requests counter
service_requests{namespace="default",operation="SignalWithStartWorkflowExecution",service_name="frontend"} 10
service_requests{namespace="default",operation="PollWorkflowTaskQueue",service_name="frontend"} 4
persistence_requests{operation="UpdateWorkflowExecution"} 100
`;
const after = `service_requests{namespace="default",operation="SignalWithStartWorkflowExecution",service_name="frontend"} 30
service_requests{namespace="default",operation="PollWorkflowTaskQueue",service_name="frontend"} 4
service_requests{namespace="other",operation="SignalWithStartWorkflowExecution",service_name="frontend"} 5
service_requests{namespace="default",operation="RespondWorkflowTaskCompleted",service_name="frontend"} 7
persistence_requests{operation="UpdateWorkflowExecution"} 160
persistence_latency_sum{operation="UpdateWorkflowExecution"} 1.5e-1
`;

describe('server-metrics', () => {
  it('parses samples with labels and exponents, skipping comments', () => {
    const s = parsePrometheus(before + after);
    expect(s.get('persistence_requests{operation="UpdateWorkflowExecution"}')).toBe(160);
    expect(s.get('persistence_latency_sum{operation="UpdateWorkflowExecution"}')).toBeCloseTo(0.15);
    expect([...s.keys()].some((k) => k.startsWith('#'))).toBe(false);
  });

  it('sums a family’s growth by one label, new series counted from zero, unchanged ones left out', () => {
    const rows = growthBy(parsePrometheus(before), parsePrometheus(after), 'service_requests', 'operation');
    expect(rows).toEqual([
      { key: 'SignalWithStartWorkflowExecution', delta: 25 },
      { key: 'RespondWorkflowTaskCompleted', delta: 7 },
    ]);
    expect(growthBy(parsePrometheus(before), parsePrometheus(after), 'persistence_requests', 'operation')).toEqual([
      { key: 'UpdateWorkflowExecution', delta: 60 },
    ]);
  });
});
