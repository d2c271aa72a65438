/** The reader a verified token names (see @crosscare/identity's ReaderTokenVerifier). */
export interface VerifiedReader {
  readonly userId: string;
  readonly name: string;
  readonly role: string;
  /** Uppercase. */
  readonly organisationOdsCode: string;
  readonly issuer: string;
}

/** What an unverified token claimed: kept for the audit of its refusal, never believed. */
export interface ClaimedIdentity {
  readonly userId?: string;
  readonly name?: string;
  readonly role?: string;
  readonly organisationOdsCode?: string;
  readonly issuer?: string;
}

export type ReaderTokenCheck =
  | { readonly ok: true; readonly reader: VerifiedReader }
  | { readonly ok: false; readonly reason: string; readonly claimed: ClaimedIdentity };

/** Verifies a bearer token against the trusted issuers. */
export interface ReaderTokens {
  verify(token: string): Promise<ReaderTokenCheck>;
}
