import { errorMessage } from '@crosscare/errors';
import {
  checkCompatibility,
  isCompatibilityLevel,
  parseAvroSchema,
  type CompatibilityLevel,
  type ParsedSchema,
} from '../avro';
import {
  GLOBAL_SCOPE,
  RegistryRepository,
  type RegistryStore,
  type SettingKind,
  type StoredVersion,
} from '../storage/registry-store';
import {
  idDoesNotMatch,
  incompatibleSchema,
  invalidCompatibilityLevel,
  invalidMode,
  invalidSchema,
  operationNotPermitted,
  schemaNotFound,
  subjectCompatibilityNotConfigured,
  subjectModeNotConfigured,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
  versionSoftDeleted,
} from './registry-error';
import type { SchemaRequest, VersionSelector } from './registry-request';

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';
export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];
export const DEFAULT_MODE: Mode = 'READWRITE';
export const SCHEMA_TYPES = ['AVRO'] as const;

export interface CompatibilityResult {
  readonly compatible: boolean;
  readonly messages: string[];
}

/**
 * Confluent Schema Registry semantics over the store. Every write runs in one transaction under the registry-wide
 * lock, so the reads it decides on (existing ids, latest versions, settings) cannot change underneath it.
 */
export class RegistryService {
  // Schemas are immutable per id, so parsed forms can be cached for the life of the process on every replica.
  private readonly parsed = new Map<number, ParsedSchema>();

  constructor(private readonly repository: RegistryRepository) {}

  // ---- subjects and versions ----

  async register(subject: string, request: SchemaRequest): Promise<{ id: number }> {
    const candidate = this.parseRequest(request);
    return this.repository.write(async (store) => {
      const mode = await this.effectiveMode(store, subject);
      refuseIfReadOnly(mode, subject);
      if (request.id !== undefined && mode !== 'IMPORT') {
        throw operationNotPermitted(`Subject ${subject} is not in import mode: a schema id cannot be given`);
      }

      const live = await store.versions(subject, false);
      const same = live.find((v) => v.fingerprint === candidate.fingerprint);
      if (same && (request.id === undefined || request.id === same.id)) return { id: same.id };

      if (mode !== 'IMPORT') {
        const level = await this.effectiveCompatibility(store, subject);
        const result = checkCompatibility(candidate.type, this.previous(live), level);
        if (!result.compatible) throw incompatibleSchema(result.messages);
      }

      const id = await this.idFor(store, candidate, request);
      const version = request.version ?? (await store.nextVersion(subject));
      if (
        request.version !== undefined &&
        (await store.versions(subject, true)).some((v) => v.version === version)
      ) {
        throw operationNotPermitted(`Subject ${subject} already has a version ${version}`);
      }
      await store.insertVersion(subject, version, id);
      return { id };
    });
  }

  async lookup(subject: string, request: SchemaRequest, includeDeleted: boolean): Promise<StoredVersion> {
    const candidate = this.parseRequest(request);
    const versions = await this.repository.read().versions(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    const match = versions.filter((v) => v.fingerprint === candidate.fingerprint).pop();
    if (!match) throw schemaNotFound();
    return match;
  }

  subjects(includeDeleted: boolean, prefix: string): Promise<string[]> {
    return this.repository.read().subjects(includeDeleted, prefix);
  }

  async versionNumbers(subject: string, includeDeleted: boolean): Promise<number[]> {
    const versions = await this.repository.read().versions(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions.map((v) => v.version);
  }

  async version(subject: string, selector: VersionSelector, includeDeleted: boolean): Promise<StoredVersion> {
    return this.pick(subject, await this.repository.read().versions(subject, includeDeleted), selector);
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.repository.write(async (store) => {
      refuseIfReadOnly(await this.effectiveMode(store, subject), subject);
      const all = await store.versions(subject, true);
      if (all.length === 0) throw subjectNotFound(subject);
      const live = all.filter((v) => !v.deleted).map((v) => v.version);
      if (permanent) {
        if (live.length > 0) throw subjectNotSoftDeleted(subject);
        const versions = all.map((v) => v.version);
        await store.hardDelete(subject, versions);
        await store.deleteSetting(subject, 'compatibility');
        await store.deleteSetting(subject, 'mode');
        return versions;
      }
      if (live.length === 0) throw subjectSoftDeleted(subject);
      await store.softDelete(subject, live);
      return live;
    });
  }

  deleteVersion(subject: string, selector: VersionSelector, permanent: boolean): Promise<number> {
    return this.repository.write(async (store) => {
      refuseIfReadOnly(await this.effectiveMode(store, subject), subject);
      const all = await store.versions(subject, true);
      if (all.length === 0) throw subjectNotFound(subject);
      // "latest" means the latest live version, as in Confluent; permanent deletes name a number.
      const target = this.pick(
        subject,
        selector === 'latest' ? all.filter((v) => !v.deleted) : all,
        selector,
      );
      if (permanent) {
        if (!target.deleted) throw versionNotSoftDeleted(subject, target.version);
        await store.hardDelete(subject, [target.version]);
      } else {
        if (target.deleted) throw versionSoftDeleted(subject, target.version);
        await store.softDelete(subject, [target.version]);
      }
      return target.version;
    });
  }

  // ---- schemas by id ----

  async schemaById(id: number): Promise<{ schema: string; schemaType: string }> {
    const store = this.repository.read();
    const row = await store.schemaById(id);
    // A schema whose every version was deleted permanently is gone for clients too.
    if (!row || (await store.usesOfSchema(id, true)).length === 0)
      throw schemaNotFound(`Schema ${id} not found`);
    return { schema: row.schema, schemaType: row.schemaType };
  }

  async usesOfSchema(id: number, includeDeleted: boolean): Promise<{ subject: string; version: number }[]> {
    await this.schemaById(id);
    return this.repository.read().usesOfSchema(id, includeDeleted);
  }

  // ---- compatibility ----

  async testCompatibility(
    subject: string,
    against: VersionSelector | 'all',
    request: SchemaRequest,
  ): Promise<CompatibilityResult> {
    const candidate = this.parseRequest(request);
    const store = this.repository.read();
    const level = await this.effectiveCompatibility(store, subject);
    const live = await store.versions(subject, false);
    if (against === 'all') {
      return checkCompatibility(candidate.type, this.previous(live), level);
    }
    // Against one named version: the level's direction, but only that version (transitivity has nothing to add).
    const target = this.pick(subject, live, against);
    return checkCompatibility(candidate.type, this.previous([target]), level);
  }

  async compatibility(scope: string, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    const store = this.repository.read();
    if (scope === GLOBAL_SCOPE || defaultToGlobal) return this.effectiveCompatibility(store, scope);
    const own = await ownSetting(store, scope, 'compatibility', isCompatibilityLevel);
    if (own === undefined) throw subjectCompatibilityNotConfigured(scope);
    return own;
  }

  async setCompatibility(scope: string, level: unknown): Promise<CompatibilityLevel> {
    const normalised = typeof level === 'string' ? level.toUpperCase() : level;
    if (typeof normalised !== 'string' || !isCompatibilityLevel(normalised))
      throw invalidCompatibilityLevel(level);
    await this.repository.write((store) => store.putSetting(scope, 'compatibility', normalised));
    return normalised;
  }

  /** Returns the level that applied before; the scope then falls back to the global level (or the default). */
  deleteCompatibility(scope: string): Promise<CompatibilityLevel> {
    return this.repository.write(async (store) => {
      const own = await store.setting(scope, 'compatibility');
      if (scope !== GLOBAL_SCOPE) {
        if ((await store.versions(scope, true)).length === 0 && own === undefined)
          throw subjectNotFound(scope);
        if (own === undefined) throw subjectCompatibilityNotConfigured(scope);
      }
      await store.deleteSetting(scope, 'compatibility');
      return own && isCompatibilityLevel(own) ? own : DEFAULT_COMPATIBILITY;
    });
  }

  // ---- mode ----

  async mode(scope: string, defaultToGlobal: boolean): Promise<Mode> {
    const store = this.repository.read();
    if (scope === GLOBAL_SCOPE || defaultToGlobal) return this.effectiveMode(store, scope);
    const own = await ownSetting(store, scope, 'mode', isMode);
    if (own === undefined) throw subjectModeNotConfigured(scope);
    return own;
  }

  async setMode(scope: string, mode: unknown): Promise<Mode> {
    const normalised = typeof mode === 'string' ? mode.toUpperCase() : mode;
    if (typeof normalised !== 'string' || !isMode(normalised)) throw invalidMode(mode);
    await this.repository.write((store) => store.putSetting(scope, 'mode', normalised));
    return normalised;
  }

  deleteMode(scope: string): Promise<Mode> {
    return this.repository.write(async (store) => {
      const own = await store.setting(scope, 'mode');
      if (scope !== GLOBAL_SCOPE && own === undefined) throw subjectModeNotConfigured(scope);
      await store.deleteSetting(scope, 'mode');
      return own && isMode(own) ? own : DEFAULT_MODE;
    });
  }

  // ---- helpers ----

  private parseRequest(request: SchemaRequest): ParsedSchema {
    if (!(SCHEMA_TYPES as readonly string[]).includes(request.schemaType)) {
      throw invalidSchema(
        `schema type ${request.schemaType} is not supported here; supported: ${SCHEMA_TYPES.join(', ')}`,
      );
    }
    if (request.references.length > 0) {
      // Crosscare registers self-contained schemas so that every client decodes without resolving references.
      throw invalidSchema(
        'schema references are not supported by this registry: register a self-contained schema',
      );
    }
    try {
      return parseAvroSchema(request.schema);
    } catch (error) {
      throw invalidSchema(errorMessage(error).replace(/^Invalid schema:\s*/, ''));
    }
  }

  private parsedVersion(version: StoredVersion): ParsedSchema {
    let parsed = this.parsed.get(version.id);
    if (!parsed) {
      parsed = parseAvroSchema(version.schema);
      this.parsed.set(version.id, parsed);
    }
    return parsed;
  }

  private previous(versions: StoredVersion[]) {
    return versions.map((v) => ({ version: v.version, type: this.parsedVersion(v).type }));
  }

  private pick(subject: string, versions: StoredVersion[], selector: VersionSelector): StoredVersion {
    if (versions.length === 0) throw subjectNotFound(subject);
    const found =
      selector === 'latest' ? versions[versions.length - 1] : versions.find((v) => v.version === selector);
    if (!found) throw versionNotFound(subject, selector);
    return found;
  }

  private async idFor(
    store: RegistryStore,
    candidate: ParsedSchema,
    request: SchemaRequest,
  ): Promise<number> {
    const existing = await store.schemaByFingerprint(candidate.fingerprint);
    if (request.id !== undefined) {
      const holder = await store.schemaById(request.id);
      if (holder && holder.fingerprint !== candidate.fingerprint) {
        throw idDoesNotMatch(`Schema id ${request.id} already belongs to a different schema`);
      }
      if (existing && existing.id !== request.id) {
        throw idDoesNotMatch(`This schema already has id ${existing.id}, not ${request.id}`);
      }
      if (!holder) await this.insertSchema(store, request.id, candidate);
      return request.id;
    }
    if (existing) return existing.id;
    const id = await store.nextSchemaId();
    await this.insertSchema(store, id, candidate);
    return id;
  }

  private async insertSchema(store: RegistryStore, id: number, candidate: ParsedSchema): Promise<void> {
    await store.insertSchema({
      id,
      schemaType: 'AVRO',
      schema: candidate.display,
      fingerprint: candidate.fingerprint,
    });
    this.parsed.set(id, candidate);
  }

  /** A subject's own setting, else the global one, else the default: how Confluent resolves level and mode. */
  private async effectiveCompatibility(store: RegistryStore, subject: string): Promise<CompatibilityLevel> {
    return (
      (await ownSetting(store, subject, 'compatibility', isCompatibilityLevel)) ??
      (await ownSetting(store, GLOBAL_SCOPE, 'compatibility', isCompatibilityLevel)) ??
      DEFAULT_COMPATIBILITY
    );
  }

  private async effectiveMode(store: RegistryStore, subject: string): Promise<Mode> {
    return (
      (await ownSetting(store, subject, 'mode', isMode)) ??
      (await ownSetting(store, GLOBAL_SCOPE, 'mode', isMode)) ??
      DEFAULT_MODE
    );
  }
}

async function ownSetting<T extends string>(
  store: RegistryStore,
  scope: string,
  kind: SettingKind,
  isValid: (value: string) => value is T,
): Promise<T | undefined> {
  const value = await store.setting(scope, kind);
  return value !== undefined && isValid(value) ? value : undefined;
}

function refuseIfReadOnly(mode: Mode, subject: string): void {
  if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
    throw operationNotPermitted(`Subject ${subject} is in read-only mode`);
  }
}

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}
