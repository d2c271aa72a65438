import { CrosscareError, isRetriable } from '@crosscare/errors';
import { TopicReadTimeoutError } from './topic-reader';
import { TopicMismatchError } from './topics';
import { PublishUnavailableError } from './transactional-publisher';

describe("the kafka lib's errors", () => {
  it('PublishUnavailableError is retriable (nothing of the publish is visible: send it again) and keeps its cause', () => {
    const cause = new Error('NOT_ENOUGH_REPLICAS');
    const error = new PublishUnavailableError('publishing failed: NOT_ENOUGH_REPLICAS', cause);

    expect(error).toBeInstanceOf(CrosscareError);
    expect(error).toMatchObject({ name: 'PublishUnavailableError', retriable: true, cause });
    expect(isRetriable(error)).toBe(true);
    expect(new PublishUnavailableError('the publisher is shutting down').cause).toBeUndefined();
  });

  it('TopicMismatchError is not retriable: the topic must be fixed, it will not change by itself', () => {
    const error = new TopicMismatchError('crosscare.qhl.record-changes.v1', 12, 6);

    expect(error).toMatchObject({ name: 'TopicMismatchError', expectedPartitions: 12, actualPartitions: 6 });
    expect(isRetriable(error)).toBe(false);
  });

  it('TopicReadTimeoutError is not retriable: the read already had its whole time', () => {
    const error = new TopicReadTimeoutError(['a', 'b'], 5000, 3);

    expect(error.message).toBe('timed out after 5000 ms reading a, b from the start (3 kept)');
    expect(error.name).toBe('TopicReadTimeoutError');
    expect(isRetriable(error)).toBe(false);
  });
});
