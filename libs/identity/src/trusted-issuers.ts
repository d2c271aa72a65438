import { CrosscareError } from '@crosscare/errors';
import { canonicalOdsCode } from '@crosscare/governance';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

/**
 * Asymmetric signatures only: a verifier holding nothing but public keys cannot be talked into minting a token, and
 * an HMAC "signature" made with a public key (algorithm confusion) never reaches a key.
 */
export const JWS_ALGORITHMS = ['RS256', 'ES256'] as const;
export type JwsAlgorithm = (typeof JWS_ALGORITHMS)[number];

/** Where Crosscare runs. Production unless a development machine says otherwise: secure by default. */
export const CROSSCARE_ENVIRONMENTS = ['production', 'development'] as const;
export type CrosscareEnvironment = (typeof CROSSCARE_ENVIRONMENTS)[number];

/** The shape of an ODS code a token may name, before it is uppercased. */
export const ODS_CODE_CLAIM = /^[A-Za-z0-9]{3,10}$/;

/** Where an issuer publishes its public keys. */
export type JwksSource = { readonly file: string } | { readonly url: URL };

/** An identity provider whose tokens the record API believes, within what it may vouch for. */
export interface TrustedIssuer {
  /** The exact `iss` of its tokens. */
  readonly issuer: string;
  /** A file path is absolute (relative ones are resolved against the trusted-issuers file's folder). */
  readonly jwks: JwksSource;
  /**
   * The organisations whose staff it may name: "*" for a national issuer (NHS CIS2 authenticates staff of any
   * organisation), otherwise uppercase ODS codes, so that an organisation's own IdP cannot sign as another's.
   */
  readonly organisations: '*' | readonly string[];
  readonly algorithms: readonly JwsAlgorithm[];
  /** A development issuer (its private key sits on a developer's disk): production refuses to trust it. */
  readonly development: boolean;
}

/** One thing wrong with the trusted-issuer list, located well enough to fix it in the file. */
export interface TrustedIssuersProblem {
  readonly element: string;
  readonly reason: string;
}

/**
 * Thrown at start when the trusted-issuer list cannot be used: the service does not start on a partly valid list,
 * because a wrong entry either locks every reader out or lets someone vouch for staff it should not.
 */
export class TrustedIssuersError extends CrosscareError {
  constructor(
    readonly file: string,
    readonly problems: readonly TrustedIssuersProblem[],
    /** What the file is: the list itself, or one issuer's JWKS it names. */
    what = 'trusted-issuer list',
  ) {
    super(
      `Invalid ${what} ${file} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.element}: ${p.reason}`).join('\n'),
      { retriable: false },
    );
    this.name = 'TrustedIssuersError';
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const jwksUrl = z
  .string()
  .trim()
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${value}" is not a URL` });
      return z.NEVER;
    }
    // Keys fetched in clear text could be swapped on the way; http is for a test server on this machine only.
    const allowed =
      url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    if (!allowed) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be an https:// URL (http:// only for 127.0.0.1 or localhost, in tests)',
      });
      return z.NEVER;
    }
    return url;
  });

const trustedIssuerEntry = z
  .object({
    issuer: z.string().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
    jwks: z.union(
      [
        z.object({ file: z.string().trim().min(1, 'must not be blank') }).strict(),
        z.object({ url: jwksUrl }).strict(),
      ],
      { errorMap: () => ({ message: 'must be { "file": "<path>" } or { "url": "https://..." }' }) },
    ),
    organisations: z.union(
      [
        z.literal('*'),
        z
          .array(z.string().regex(ODS_CODE_CLAIM, 'must be an ODS code (3 to 10 letters or digits)'))
          .min(1, 'must name at least one ODS code, or be "*"'),
      ],
      { errorMap: () => ({ message: 'must be "*" or a list of ODS codes' }) },
    ),
    algorithms: z
      .array(
        z.enum(JWS_ALGORITHMS, {
          errorMap: () => ({ message: `must be one of ${JWS_ALGORITHMS.join(', ')}` }),
        }),
      )
      .min(1, 'must name at least one algorithm')
      .optional(),
    development: z.boolean().optional(),
    /** For whoever reads the file (JSON has no comments). */
    comment: z.string().optional(),
  })
  .strict();

const trustedIssuersFile = z
  .object({
    comment: z.string().optional(),
    issuers: z.array(trustedIssuerEntry).min(1, 'must list an issuer'),
  })
  .strict();

export type TrustedIssuersFile = z.input<typeof trustedIssuersFile>;

/**
 * The trusted-issuer list in `file` (RECORD_API_TRUSTED_ISSUERS_FILE), checked whole: its shape, no issuer twice,
 * and, in production, no development issuer. Throws TrustedIssuersError naming the file and every fault.
 */
export function loadTrustedIssuers(file: string, environment: CrosscareEnvironment): TrustedIssuer[] {
  const shown = path.relative(process.cwd(), file).startsWith('..')
    ? file
    : path.relative(process.cwd(), file) || file;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      error instanceof SyntaxError
        ? `is not JSON (${error.message})`
        : code === 'ENOENT'
          ? 'does not exist'
          : `cannot be read (${code ?? String(error)})`;
    throw new TrustedIssuersError(shown, [{ element: '(file)', reason }]);
  }
  return parseTrustedIssuers(json, { file: shown, baseDir: path.dirname(path.resolve(file)), environment });
}

/** The list from already-parsed JSON; relative JWKS files are resolved against `baseDir`. */
export function parseTrustedIssuers(
  json: unknown,
  options: { file: string; baseDir: string; environment: CrosscareEnvironment },
): TrustedIssuer[] {
  const parsed = trustedIssuersFile.safeParse(json);
  if (!parsed.success) {
    throw new TrustedIssuersError(
      options.file,
      parsed.error.issues.map((issue) => ({ element: elementOf(issue.path), reason: issue.message })),
    );
  }
  const problems: TrustedIssuersProblem[] = [];
  const seen = new Set<string>();
  const issuers = parsed.data.issuers.map((entry, index): TrustedIssuer => {
    if (seen.has(entry.issuer))
      problems.push({ element: `issuers[${index}].issuer`, reason: `"${entry.issuer}" is listed twice` });
    seen.add(entry.issuer);
    if (entry.development && options.environment === 'production')
      problems.push({
        element: `issuers[${index}] (${entry.issuer})`,
        reason:
          'is a development issuer (development: true), which CROSSCARE_ENVIRONMENT=production refuses; ' +
          'set CROSSCARE_ENVIRONMENT=development on a development machine only',
      });
    return {
      issuer: entry.issuer,
      jwks:
        'file' in entry.jwks
          ? { file: path.resolve(options.baseDir, entry.jwks.file) }
          : { url: entry.jwks.url },
      organisations:
        entry.organisations === '*' ? '*' : [...new Set(entry.organisations.map(canonicalOdsCode))],
      algorithms: entry.algorithms ? [...new Set(entry.algorithms)] : [...JWS_ALGORITHMS],
      development: entry.development ?? false,
    };
  });
  if (problems.length > 0) throw new TrustedIssuersError(options.file, problems);
  return issuers;
}

/** Whether `issuer` may name a reader of organisation `odsCode` (uppercase). */
export function mayVouchFor(issuer: TrustedIssuer, odsCode: string): boolean {
  return issuer.organisations === '*' || issuer.organisations.includes(odsCode);
}

function elementOf(issuePath: readonly (string | number)[]): string {
  if (issuePath.length === 0) return '(file)';
  return issuePath
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
