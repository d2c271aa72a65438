import type { EventSchemaRegistry } from '@crosscare/events';

/** A schema registry in memory for unit tests: register and look up by subject, fetch by id. */
export class InMemoryRegistry implements EventSchemaRegistry {
  readonly registered: { subject: string; schema: string }[] = [];
  private readonly schemas: string[] = [];

  register(subject: string, schema: string | object): Promise<number> {
    const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
    this.registered.push({ subject, schema: text });
    const existing = this.schemas.indexOf(text);
    if (existing >= 0) return Promise.resolve(existing + 1);
    this.schemas.push(text);
    return Promise.resolve(this.schemas.length);
  }

  lookup(_subject: string, schema: string | object): Promise<{ id: number; version: number }> {
    const id = this.schemas.indexOf(typeof schema === 'string' ? schema : JSON.stringify(schema)) + 1;
    return id > 0 ? Promise.resolve({ id, version: 1 }) : Promise.reject(new Error('not registered'));
  }

  schemaById(id: number): Promise<string> {
    const schema = this.schemas[id - 1];
    return schema === undefined ? Promise.reject(new Error(`no schema ${id}`)) : Promise.resolve(schema);
  }
}
