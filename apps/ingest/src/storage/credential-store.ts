import type { DataSource } from 'typeorm';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from '../auth/api-key';

export interface IssuedCredential {
  readonly keyId: string;
  readonly providerOdsCode: string;
  /** Shown once, to hand to the provider; never stored or logged. */
  readonly token: string;
}

export interface CredentialSummary {
  readonly keyId: string;
  readonly providerOdsCode: string;
  readonly label: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

interface CredentialRow {
  provider_ods_code: string;
  secret_sha256: Buffer;
  revoked_at: Date | null;
}

/** Provider API keys: issue, verify, list, revoke. A provider may hold several keys, to rotate without downtime. */
export class CredentialStore {
  constructor(private readonly db: DataSource) {}

  async issue(providerOdsCode: string, label = ''): Promise<IssuedCredential> {
    const key = generateApiKey();
    await this.db.query(
      `insert into provider_credentials (key_id, provider_ods_code, secret_sha256, label) values ($1, $2, $3, $4)`,
      [key.keyId, providerOdsCode, hashSecret(key.secret), label],
    );
    return { keyId: key.keyId, providerOdsCode, token: key.token };
  }

  /** The ODS code the token belongs to, or null for an unknown, malformed, wrong or revoked key. */
  async verify(token: string): Promise<string | null> {
    const key = parseApiKey(token);
    if (!key) return null;
    const rows = await this.db.query<CredentialRow[]>(
      `select provider_ods_code, secret_sha256, revoked_at from provider_credentials where key_id = $1`,
      [key.keyId],
    );
    const row = rows[0];
    if (!row || row.revoked_at !== null) return null;
    return secretMatches(key.secret, row.secret_sha256) ? row.provider_ods_code : null;
  }

  async revoke(keyId: string): Promise<boolean> {
    const result = await this.db.query<[unknown[], number]>(
      `update provider_credentials set revoked_at = now() where key_id = $1 and revoked_at is null`,
      [keyId],
    );
    return result[1] > 0;
  }

  async list(providerOdsCode?: string): Promise<CredentialSummary[]> {
    const rows = await this.db.query<
      {
        key_id: string;
        provider_ods_code: string;
        label: string;
        created_at: Date;
        revoked_at: Date | null;
      }[]
    >(
      `select key_id, provider_ods_code, label, created_at, revoked_at from provider_credentials
        where $1::text is null or provider_ods_code = $1 order by provider_ods_code, created_at`,
      [providerOdsCode ?? null],
    );
    return rows.map((r) => ({
      keyId: r.key_id,
      providerOdsCode: r.provider_ods_code,
      label: r.label,
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
    }));
  }
}
