import { EVENT_SCHEMAS, completeRecordChange } from '@crosscare/events';
import { type Schema, Type } from 'avsc';

import { BIRMINGHAM_EXTRACT_DRAFTS } from './fixtures';

const context = {
  providerOdsCode: 'E08000025',
  ics: 'QHL',
  collaborative: 'CCR',
  correlationId: 'corr-1',
  recordedAt: Date.UTC(2025, 2, 14, 12, 5),
};

describe('social care drafts', () => {
  it.each(BIRMINGHAM_EXTRACT_DRAFTS.map((draft) => [draft.source.sourceRecordId, draft] as const))(
    'given the draft of %s, when completed, then it is a valid event of the current schema',
    (_, draft) => {
      const event = completeRecordChange(draft, context);
      const type = Type.forSchema(EVENT_SCHEMAS[draft.type] as Schema);
      const problems: string[] = [];

      type.isValid(event, { noUndeclaredFields: true, errorHook: (path) => problems.push(path.join('.')) });

      expect(problems).toEqual([]);
    },
  );
});
