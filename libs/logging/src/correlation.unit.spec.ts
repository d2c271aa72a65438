import {
  correlationIdFromHeaders,
  correlationIdOf,
  currentCorrelationId,
  distinctCorrelationIds,
  withCorrelation,
} from './correlation';

describe('correlationIdOf', () => {
  it("keeps a sane caller's id and replaces anything else", () => {
    expect(correlationIdOf('docs-quickstart-1')).toBe('docs-quickstart-1');
    expect(correlationIdOf(undefined, () => 'new')).toBe('new');
    expect(correlationIdOf('has space', () => 'new')).toBe('new');
    expect(correlationIdOf('x'.repeat(101), () => 'new')).toBe('new');
    expect(correlationIdOf('', () => 'new')).toBe('new');
  });
});

describe('correlationIdFromHeaders', () => {
  it('reads the header as kafkajs gives it, and nothing from a message without it', () => {
    expect(correlationIdFromHeaders({ 'crosscare-correlation-id': Buffer.from('abc-1') })).toBe('abc-1');
    expect(correlationIdFromHeaders({ 'crosscare-correlation-id': ['abc-2', 'x'] })).toBe('abc-2');
    expect(correlationIdFromHeaders({ 'crosscare-sequence': '4' })).toBeUndefined();
    expect(correlationIdFromHeaders(undefined)).toBeUndefined();
    expect(correlationIdFromHeaders({ 'crosscare-correlation-id': 'not ok' })).toBeUndefined();
  });
});

describe('withCorrelation', () => {
  it('carries the id through awaits, and not beyond the work', async () => {
    expect(currentCorrelationId()).toBeUndefined();
    const seen = await withCorrelation('c-1', async () => {
      await new Promise((r) => setTimeout(r, 1));
      const inner = await withCorrelation('c-2', () => Promise.resolve(currentCorrelationId()));
      return [currentCorrelationId(), inner];
    });
    expect(seen).toEqual(['c-1', 'c-2']);
    expect(currentCorrelationId()).toBeUndefined();
    expect(withCorrelation(undefined, () => currentCorrelationId())).toBeUndefined();
  });

  it('keeps concurrent work apart', async () => {
    const run = (id: string, ms: number) =>
      withCorrelation(id, async () => {
        await new Promise((r) => setTimeout(r, ms));
        return currentCorrelationId();
      });
    expect(await Promise.all([run('a', 5), run('b', 1)])).toEqual(['a', 'b']);
  });
});

describe('distinctCorrelationIds', () => {
  it('keeps first-seen order and drops missing ids', () => {
    expect(distinctCorrelationIds(['a', undefined, 'b', 'a', null])).toEqual(['a', 'b']);
  });
});
