import { summaryLine } from '../../clients/cli/complaints';

describe('redress submit: the line it prints', () => {
  it('is the id alone for a service key, which the API answers with the id only', () => {
    expect(summaryLine({ complaintId: 'c-1' })).toBe('c-1');
  });
});
