import { errorMessage } from '@crosscare/errors';
import { Type, type Resolver, type Schema } from 'avsc';
import { SdeExportError } from './sde-export-error';

/** The registry's schema (a JSON string) with this id: SchemaRegistryClient.schemaById. */
export type SchemaById = (id: number) => Promise<string>;

/**
 * Reads stored rows in today's shape. A row is Avro of whichever version of the project's schema the publisher wrote
 * it with (its schema id); Avro's schema resolution reads it with the project's schema now, so a field approved since
 * reads as its default (null) and a field no longer approved is skipped. Each writer schema is fetched once.
 */
export class ProjectRowDecoder {
  private readonly resolvers = new Map<number, Resolver>();

  constructor(
    private readonly reader: Type,
    private readonly schemaById: SchemaById,
  ) {}

  /** The writer schema ids met so far, ascending. */
  get writerSchemaIds(): number[] {
    return [...this.resolvers.keys()].sort((a, b) => a - b);
  }

  async decode(rowKey: string, schemaId: number, payload: Buffer): Promise<Record<string, unknown>> {
    const resolver = this.resolvers.get(schemaId) ?? (await this.resolve(schemaId, rowKey));
    try {
      return this.reader.fromBuffer(payload, resolver) as Record<string, unknown>;
    } catch (error) {
      throw new SdeExportError(
        `row ${rowKey} is not Avro of schema id ${schemaId}: ${errorMessage(error)}`,
        error,
      );
    }
  }

  private async resolve(schemaId: number, rowKey: string): Promise<Resolver> {
    let text: string;
    try {
      text = await this.schemaById(schemaId);
    } catch (error) {
      throw new SdeExportError(
        `the writer schema of row ${rowKey} (id ${schemaId}) could not be fetched: ${errorMessage(error)}`,
        error,
      );
    }
    let writer: Type;
    try {
      writer = Type.forSchema(JSON.parse(text) as Schema);
    } catch (error) {
      throw new SdeExportError(`schema id ${schemaId} is not an Avro schema: ${errorMessage(error)}`, error);
    }
    // Another project's rows (or another output version's) must never be read as this one's, even if they resolve.
    if (writer.name !== this.reader.name)
      throw new SdeExportError(
        `row ${rowKey} was written with schema id ${schemaId} (${writer.name ?? writer.typeName}), not a version of ${this.reader.name}`,
      );
    let resolver: Resolver;
    try {
      resolver = this.reader.createResolver(writer);
    } catch (error) {
      throw new SdeExportError(
        `schema id ${schemaId} cannot be read as today's ${this.reader.name}: ${errorMessage(error)}`,
        error,
      );
    }
    this.resolvers.set(schemaId, resolver);
    return resolver;
  }
}
