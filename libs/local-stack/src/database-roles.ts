/**
 * Who may do what in Crosscare's database (issue 14, governed access): each service connects as its own login role,
 * never the superuser.
 *
 * - ingest owns its ledger schema (INGEST_DATABASE_SCHEMA, `ingest`); the registry owns `schema_registry`.
 * - each projector owns its collaborative's read model schema (`projector_ccr`, `projector_ohc`) and may create
 *   schemas in the database, for a rebuild builds a fresh schema and switches to it; what it creates it owns.
 *   Both projectors share the switch table's schema (`projector_control`), owned by a group role they belong to.
 * - a record API may only SELECT: its collaborative's read model (every schema and table that collaborative's
 *   projector creates, now or after a rebuild, through ALTER DEFAULT PRIVILEGES) and the switch table.
 * - the subscription service owns its store's schema (`subscriptions`) and may SELECT the CCR read model, as a
 *   record API may, to learn who cares for a patient;
 * - the SDE publisher owns its store's schema (SDE_DATABASE_SCHEMA, `sde`), as ingest owns its ledger: the
 *   identifiable link between NHS numbers and pseudonymised rows lives there, so no other role may read it. It may
 *   SELECT the subscriber grant register (`subscriber_access`, which `npm run subscribers` writes as the
 *   administrator), to export when grants expire on /metrics: names, agreements and dates, no secret.
 * - nobody else may create in `public`, use the others' schemas, or make temporary tables.
 *
 * Pure: the plan and its SQL. `provisionDatabaseRoles` (database-access.ts) runs it as an administrator; the
 * docker-compose init script (deploy/postgres/init) is generated from the same statements.
 */

export const DATABASE_COLLABORATIVES = ['CCR', 'OHC'] as const;
export type DatabaseCollaborative = (typeof DATABASE_COLLABORATIVES)[number];

/** The services that connect to Postgres, each as its own role. */
export type DatabaseService =
  | 'ingest'
  | 'registry'
  | 'projector-ccr'
  | 'projector-ohc'
  | 'record-api-ccr'
  | 'record-api-ohc'
  | 'sde-publisher'
  | 'subscriptions';

export interface DatabaseAccessOptions {
  /** The database the services use (`crosscare`). */
  readonly database: string;
  /** Role names are `<prefix><role><suffix>`: `crosscare_` and nothing by default. Roles are cluster-wide. */
  readonly rolePrefix?: string;
  readonly roleSuffix?: string;
  /** Ingest's ledger schema (INGEST_DATABASE_SCHEMA), default `ingest`. */
  readonly ingestSchema?: string;
  /** The registry's schema (SCHEMA_REGISTRY_DATABASE_SCHEMA), default `schema_registry`. */
  readonly registrySchema?: string;
  /** Each collaborative's read model name (PROJECTOR_DATABASE_SCHEMA), default `projector_ccr` / `projector_ohc`. */
  readonly readModels?: Partial<Record<DatabaseCollaborative, string>>;
  /** The projectors' switch table schema (READ_MODEL_CONTROL_SCHEMA), default `projector_control`. */
  readonly controlSchema?: string;
  /** The collaboratives a record API runs for (RECORD_API_COLLABORATIVE), default CCR only. */
  readonly recordApis?: readonly DatabaseCollaborative[];
  /** The SDE publisher's store (SDE_DATABASE_SCHEMA), default `sde`. */
  readonly sdeSchema?: string;
  /** The subscription service's store (SUBSCRIPTIONS_DATABASE_SCHEMA), default `subscriptions`. */
  readonly subscriptionsSchema?: string;
  /** The collaborative whose read model the subscription service reads (SUBSCRIPTIONS_COLLABORATIVE), default CCR. */
  readonly subscriptionsReads?: DatabaseCollaborative;
  /** The subscriber grant register's schema (libs/subscribers DEFAULT_GRANTS_SCHEMA), default `subscriber_access`. */
  readonly grantsSchema?: string;
}

export interface LoginRole {
  readonly service: DatabaseService;
  readonly name: string;
  /** Schemas it owns: it creates, alters and drops what is in them, and nobody else uses them unless granted. */
  readonly owns: readonly string[];
  /** A projector: the read model whose rebuild schemas (`<name>_rYYYYMMDDtHHMMSS`) it owns as well. */
  readonly rebuildsOf?: string;
  /** CREATE on the database: it may make new schemas (a projector's rebuild). */
  readonly createsSchemas: boolean;
  /** A record API: the collaborative whose read model it may SELECT (whatever schema serves it). */
  readonly reads?: DatabaseCollaborative;
  /** The grant register's schema it may SELECT (the SDE publisher, for its grant expiry gauge). */
  readonly readsGrants?: string;
}

export interface DatabaseAccessPlan {
  readonly database: string;
  readonly logins: readonly LoginRole[];
  /** NOLOGIN group of both projectors, owner of the switch table's schema. */
  readonly projectorGroup: string;
  readonly controlSchema: string;
  readonly readModels: Readonly<Record<DatabaseCollaborative, string>>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function identifier(value: string, what: string): string {
  if (!IDENTIFIER.test(value)) throw new Error(`${what} "${value}" is not a lower-case Postgres identifier`);
  return value;
}

/** The roles and what each may do; throws on a name that is not a plain identifier (they are spliced into SQL). */
export function databaseAccessPlan(options: DatabaseAccessOptions): DatabaseAccessPlan {
  const prefix = options.rolePrefix ?? 'crosscare_';
  const suffix = options.roleSuffix ?? '';
  const role = (name: string) => identifier(`${prefix}${name}${suffix}`, 'role name');
  const readModels = {
    CCR: identifier(options.readModels?.CCR ?? 'projector_ccr', 'read model schema'),
    OHC: identifier(options.readModels?.OHC ?? 'projector_ohc', 'read model schema'),
  };
  const logins: LoginRole[] = [
    {
      service: 'ingest',
      name: role('ingest'),
      owns: [identifier(options.ingestSchema ?? 'ingest', 'ingest schema')],
      createsSchemas: false,
    },
    {
      service: 'registry',
      name: role('registry'),
      owns: [identifier(options.registrySchema ?? 'schema_registry', 'registry schema')],
      createsSchemas: false,
    },
    ...DATABASE_COLLABORATIVES.map((c): LoginRole => ({
      service: `projector-${lower(c)}`,
      name: role(`projector_${lower(c)}`),
      owns: [readModels[c]],
      rebuildsOf: readModels[c],
      createsSchemas: true,
    })),
    ...(options.recordApis ?? ['CCR']).map((c): LoginRole => ({
      service: `record-api-${lower(c)}`,
      name: role(`record_api_${lower(c)}`),
      owns: [],
      createsSchemas: false,
      reads: c,
    })),
    {
      service: 'sde-publisher',
      name: role('sde_publisher'),
      owns: [identifier(options.sdeSchema ?? 'sde', 'SDE schema')],
      createsSchemas: false,
      readsGrants: identifier(options.grantsSchema ?? 'subscriber_access', 'grants schema'),
    },
    // Owns its store, and reads a read model only to learn who cares for a patient, as a record API reads it.
    {
      service: 'subscriptions',
      name: role('subscriptions'),
      owns: [identifier(options.subscriptionsSchema ?? 'subscriptions', 'subscriptions schema')],
      createsSchemas: false,
      reads: options.subscriptionsReads ?? 'CCR',
    },
  ];
  return {
    database: identifier(options.database, 'database'),
    logins,
    projectorGroup: role('projectors'),
    controlSchema: identifier(options.controlSchema ?? 'projector_control', 'control schema'),
    readModels,
  };
}

const lower = <C extends DatabaseCollaborative>(c: C) => c.toLowerCase() as Lowercase<C>;

/** The login role of a service, if the plan has one. */
export function loginRole(plan: DatabaseAccessPlan, service: DatabaseService): LoginRole {
  const found = plan.logins.find((l) => l.service === service);
  if (!found) throw new Error(`no database role for ${service} in this plan`);
  return found;
}

/** A string as an SQL literal. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The regular expression (POSIX, for `~`) of a read model's rebuild schemas, as rebuildSchemaName makes them. */
export function rebuildSchemaPattern(readModel: string): string {
  return `^${readModel.slice(0, 46)}_r[0-9]{8}t[0-9]{6}$`;
}

const projectorOf = (plan: DatabaseAccessPlan, c: DatabaseCollaborative) =>
  loginRole(plan, `projector-${lower(c)}`).name;

/**
 * The statements that bring the database to the plan, run as an administrator connected to the plan's database.
 * Idempotent: run at every stack:up, they create what is missing, reset passwords and privileges, and hand
 * objects an earlier superuser-run service created to the role that owns their schema. `password` gives each login
 * role's password as an SQL expression: a literal (sqlLiteral), or a psql variable (`:'ingest_password'`).
 */
export function provisioningStatements(
  plan: DatabaseAccessPlan,
  password: (role: LoginRole) => string,
): string[] {
  const db = plan.database;
  const group = plan.projectorGroup;
  const projectors = DATABASE_COLLABORATIVES.map((c) => projectorOf(plan, c));
  const readers = plan.logins.filter((l) => l.reads);
  const statements: string[] = [];

  // Roles: cluster-wide, no powers beyond what is granted below.
  const createRole = (name: string) =>
    `DO $$ BEGIN CREATE ROLE "${name}"; EXCEPTION WHEN duplicate_object THEN NULL; END $$`;
  statements.push(createRole(group));
  statements.push(
    `ALTER ROLE "${group}" WITH NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`,
  );
  for (const login of plan.logins) {
    statements.push(createRole(login.name));
    statements.push(
      `ALTER ROLE "${login.name}" WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ` +
        `PASSWORD ${password(login)}`,
    );
  }
  for (const projector of projectors) statements.push(`GRANT "${group}" TO "${projector}"`);

  // The database: only the services connect; only the projectors create schemas; nobody makes temporary tables.
  statements.push(`REVOKE ALL ON DATABASE "${db}" FROM PUBLIC`);
  for (const login of plan.logins) {
    statements.push(
      `GRANT CONNECT${login.createsSchemas ? ', CREATE' : ''} ON DATABASE "${db}" TO "${login.name}"`,
    );
  }
  statements.push(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);

  // Each owned schema, created if missing, and everything in it, handed to its owner (adopt: see below).
  for (const login of plan.logins) {
    for (const schema of login.owns) statements.push(...ownedSchema(schema, login.name));
    if (login.rebuildsOf) statements.push(adoptSchemas(rebuildSchemaPattern(login.rebuildsOf), login.name));
  }
  statements.push(...ownedSchema(plan.controlSchema, group));

  // The switch table: both projectors read and write it whichever created it; record APIs read it.
  for (const projector of projectors) {
    statements.push(
      `ALTER DEFAULT PRIVILEGES FOR ROLE "${projector}" IN SCHEMA "${plan.controlSchema}" ` +
        `GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "${group}"`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE "${projector}" IN SCHEMA "${plan.controlSchema}" ` +
        `GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "${group}"`,
    );
  }
  for (const reader of readers) {
    statements.push(`GRANT USAGE ON SCHEMA "${plan.controlSchema}" TO "${reader.name}"`);
    statements.push(`GRANT SELECT ON ALL TABLES IN SCHEMA "${plan.controlSchema}" TO "${reader.name}"`);
    for (const projector of projectors) {
      statements.push(
        `ALTER DEFAULT PRIVILEGES FOR ROLE "${projector}" IN SCHEMA "${plan.controlSchema}" ` +
          `GRANT SELECT ON TABLES TO "${reader.name}"`,
      );
    }
  }

  // A record API reads its collaborative's read model: the schemas there now, and every schema and table its
  // projector creates later (a rebuild's fresh schema is readable the moment the projector makes it).
  for (const reader of readers) {
    const collaborative = reader.reads as DatabaseCollaborative;
    const projector = projectorOf(plan, collaborative);
    const readModel = plan.readModels[collaborative];
    statements.push(
      `ALTER DEFAULT PRIVILEGES FOR ROLE "${projector}" GRANT USAGE ON SCHEMAS TO "${reader.name}"`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE "${projector}" GRANT SELECT ON TABLES TO "${reader.name}"`,
      grantReadOn(
        `nspname = ${sqlLiteral(readModel)} OR nspname ~ ${sqlLiteral(rebuildSchemaPattern(readModel))}`,
        reader.name,
      ),
    );
  }

  // The grant register, written by the administrator (npm run subscribers): readable by its readers now and for the
  // tables a later migration of it creates. Created here when missing, so that the grants can follow.
  for (const login of plan.logins.filter((l) => l.readsGrants)) {
    const schema = login.readsGrants as string;
    statements.push(
      `CREATE SCHEMA IF NOT EXISTS "${schema}"`,
      `GRANT USAGE ON SCHEMA "${schema}" TO "${login.name}"`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA "${schema}" TO "${login.name}"`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "${schema}" GRANT SELECT ON TABLES TO "${login.name}"`,
    );
  }
  return statements;
}

function ownedSchema(schema: string, owner: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS "${schema}" AUTHORIZATION "${owner}"`,
    adoptSchemas(`^${schema}$`, owner),
  ];
}

/**
 * Every schema matching `pattern` becomes `owner`'s with all its tables, views and free-standing sequences (a
 * column's sequence follows its table): what a service created while it still ran as the superuser, or a rebuild
 * run as another role, becomes the service's to migrate. Nobody else keeps any right on the schema.
 */
function adoptSchemas(pattern: string, owner: string): string {
  return `DO $$
DECLARE s name; o record;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname ~ ${sqlLiteral(pattern)} LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', s, ${sqlLiteral(owner)});
    EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', s);
    FOR o IN
      SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = s AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = ${sqlLiteral(owner)})
        AND NOT (c.relkind = 'S' AND EXISTS (
          SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
      ORDER BY c.relkind = 'S', c.relname
    LOOP
      EXECUTE format('ALTER %s %I.%I OWNER TO %I',
        CASE o.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
          WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
        s, o.relname, ${sqlLiteral(owner)});
    END LOOP;
  END LOOP;
END $$`;
}

/** USAGE and SELECT on every table of the schemas `where` selects (from pg_namespace), as they are now. */
function grantReadOn(where: string, reader: string): string {
  return `DO $$
DECLARE s name;
BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE ${where} LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, ${sqlLiteral(reader)});
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', s, ${sqlLiteral(reader)});
  END LOOP;
END $$`;
}

/**
 * The statements as a psql script whose passwords are psql variables (`:'<service>_password'`, dashes as
 * underscores), so the script holds none: deploy/postgres/init runs it with the passwords from the environment.
 */
export function provisioningPsqlScript(plan: DatabaseAccessPlan): string {
  const lines = provisioningStatements(plan, (role) => `:'${passwordVariable(role.service)}'`);
  return `${lines.map((s) => `${s};`).join('\n\n')}\n`;
}

/** The psql variable holding a service's password in provisioningPsqlScript. */
export function passwordVariable(service: DatabaseService): string {
  return `${service.replace(/-/g, '_')}_password`;
}

/** docker-compose.yml's services: database `crosscare`, the default schemas, a record API for CCR. */
export const COMPOSE_DATABASE_ACCESS: DatabaseAccessOptions = { database: 'crosscare', recordApis: ['CCR'] };

/** The environment variable docker-compose.yml takes a service's database password from. */
export function composePasswordVariable(service: DatabaseService): string {
  return `CROSSCARE_DB_${service.replace(/-/g, '_').toUpperCase()}_PASSWORD`;
}
