/**
 * `event_type in ('A', 'B')` with the names written out rather than bound: a partial index whose predicate names the
 * same list (record_item_access) serves only a query that says so in its text. Names are event type names, checked.
 */
export function eventTypesPredicate(eventTypes: readonly string[]): string {
  for (const type of eventTypes)
    if (!/^[A-Za-z]+$/.test(type)) throw new Error(`${JSON.stringify(type)} is not an event type name`);
  return `event_type in (${eventTypes.map((type) => `'${type}'`).join(', ')})`;
}
