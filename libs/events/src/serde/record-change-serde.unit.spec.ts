import { Type, type Schema } from 'avsc';
import {
  EVENT_NAMESPACE,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type RecordChangeEventMap,
} from '../generated/record-changes';
import type { EventSchemaRegistry } from './event-serde';
import { createRecordChangeSerde } from './record-change-serde';

/** Just enough registry for auto-registration: ids by schema text. */
class TinyRegistry implements EventSchemaRegistry {
  readonly subjects = new Map<string, number>();
  private readonly schemas: string[] = [];

  register(subject: string, schema: string | object): Promise<number> {
    this.schemas.push(typeof schema === 'string' ? schema : JSON.stringify(schema));
    this.subjects.set(subject, this.schemas.length);
    return Promise.resolve(this.schemas.length);
  }

  lookup(): Promise<{ id: number; version: number }> {
    return Promise.reject(new Error('lookup is not expected with autoRegister'));
  }

  schemaById(id: number): Promise<string> {
    const schema = this.schemas[id - 1];
    return schema === undefined ? Promise.reject(new Error(`no schema ${id}`)) : Promise.resolve(schema);
  }
}

describe('createRecordChangeSerde', () => {
  it.each(EVENT_TYPES)('given %s, round-trips it under its record-name subject', async (type) => {
    const registry = new TinyRegistry();
    const serde = createRecordChangeSerde(registry, { autoRegister: true });
    // avsc types random() as returning a Type; it returns a random value of the type.
    const event = Type.forSchema(
      EVENT_SCHEMAS[type] as Schema,
    ).random() as unknown as RecordChangeEventMap[typeof type];

    const decoded = await serde.decode(await serde.encode(type, event));

    expect(decoded.type).toBe(type);
    expect(JSON.stringify(decoded.event)).toBe(JSON.stringify(event));
    expect([...registry.subjects.keys()]).toEqual([`${EVENT_NAMESPACE}.${type}`]);
  });
});
