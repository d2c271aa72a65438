import { RegistryErrorCode, SchemaRegistryError, type SchemaRegistryClient } from '../registry';
import type { ComposedSchema } from '../schemas/load-schema-directory';

export type SubjectStatus = 'new' | 'unchanged' | 'compatible' | 'incompatible';

export interface SubjectCheck {
  readonly subject: string;
  readonly status: SubjectStatus;
  /** Why it is incompatible, naming the field (from the registry's verbose check). */
  readonly messages: readonly string[];
}

export interface RegisteredSubject {
  readonly subject: string;
  readonly id: number;
  readonly version: number;
  readonly changed: boolean;
}

type Registry = Pick<SchemaRegistryClient, 'lookup' | 'checkCompatibility' | 'register'>;

/**
 * What registering `schemas` would do to each subject (record-name strategy: subject = full record name), decided
 * by the registry itself with the subject's own compatibility level, so the answer is the one registration gets.
 */
export async function checkSchemas(
  registry: Registry,
  schemas: readonly ComposedSchema[],
): Promise<SubjectCheck[]> {
  const checks: SubjectCheck[] = [];
  for (const record of schemas) {
    const subject = record.fullName;
    const status = await registry.lookup(subject, record.schema).then(
      () => 'unchanged' as const,
      (error: unknown) => {
        // A subject with no versions answers 40401; a schema the subject does not have yet, 40403.
        if (error instanceof SchemaRegistryError && error.errorCode === RegistryErrorCode.SubjectNotFound) {
          return 'new' as const;
        }
        if (error instanceof SchemaRegistryError && error.errorCode === RegistryErrorCode.SchemaNotFound) {
          return 'changed' as const;
        }
        throw error;
      },
    );
    if (status !== 'changed') {
      checks.push({ subject, status, messages: [] });
      continue;
    }
    const result = await registry.checkCompatibility(subject, record.schema, 'all');
    checks.push({
      subject,
      status: result.compatible ? 'compatible' : 'incompatible',
      messages: result.compatible ? [] : result.messages,
    });
  }
  return checks;
}

/**
 * Registers every schema, or none: all subjects are checked first, so an incompatible change to one event (or to
 * the changelog record that carries it) does not leave the registry with half of a release's schemas.
 */
export async function registerSchemas(
  registry: Registry,
  schemas: readonly ComposedSchema[],
): Promise<{ checks: SubjectCheck[]; registered: RegisteredSubject[] }> {
  const checks = await checkSchemas(registry, schemas);
  if (checks.some((c) => c.status === 'incompatible')) return { checks, registered: [] };
  const registered: RegisteredSubject[] = [];
  for (const record of schemas) {
    const id = await registry.register(record.fullName, record.schema);
    const { version } = await registry.lookup(record.fullName, record.schema);
    const status = checks.find((c) => c.subject === record.fullName)?.status;
    registered.push({ subject: record.fullName, id, version, changed: status !== 'unchanged' });
  }
  return { checks, registered };
}
