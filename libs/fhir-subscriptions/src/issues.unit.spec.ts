import { issue, subscriptionRefusal } from './issues';

describe('subscriptionRefusal', () => {
  it('given a malformed request among other issues, answers 400 with every issue in the OperationOutcome', () => {
    const refusal = subscriptionRefusal([
      issue('value', 'Subscription.end', 'end is not in the future'),
      issue('invalid', 'Subscription.criteria.extension[0].value', '"patient" is not name=value'),
    ]);
    expect(refusal.status).toBe(400);
    expect(refusal.outcome.issue).toEqual([
      expect.objectContaining({
        code: 'value',
        diagnostics: 'end is not in the future',
        expression: ['Subscription.end'],
      }),
      expect.objectContaining({
        code: 'structure',
        expression: ['Subscription.criteria.extension[0].value'],
      }),
    ]);
  });

  it('given only unusable values, answers 422', () => {
    expect(
      subscriptionRefusal([issue('not-supported', 'Subscription.channel.type', 'email is not secure')])
        .status,
    ).toBe(422);
  });
});
