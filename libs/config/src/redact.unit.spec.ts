import { isSecretVariable, redactUrl } from './redact';

describe('redaction', () => {
  it('hides the password of a connection URL and keeps the rest', () => {
    expect(redactUrl('postgres://svc:hunter2@db.internal:5432/crosscare')).toBe(
      'postgres://svc:***@db.internal:5432/crosscare',
    );
  });

  it('leaves a URL without a password as it was', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/crosscare')).toBe(
      'postgres://postgres@127.0.0.1:5432/crosscare',
    );
  });

  it('hides an unparseable URL whole, since it may contain a password', () => {
    expect(redactUrl('svc:hunter2@nowhere')).toBe('<unparseable url>');
  });

  it.each(['KAFKA_SASL_PASSWORD', 'SDE_PSEUDONYM_SECRET', 'INGEST_API_KEY', 'REGISTRY_TOKEN'])(
    'treats %s as secret',
    (name) => expect(isSecretVariable(name)).toBe(true),
  );

  it.each(['KAFKA_BROKERS', 'DATABASE_URL', 'LOG_LEVEL'])('does not treat %s as secret', (name) =>
    expect(isSecretVariable(name)).toBe(false),
  );
});
