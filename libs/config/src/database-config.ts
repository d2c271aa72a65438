import type { EnvValues } from './load-config';
import { positiveInteger, urlWithProtocols } from './variables';

/** How a service reaches Postgres. The default is the local stack's database. */
export const databaseVariables = {
  DATABASE_URL: urlWithProtocols(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/crosscare'),
  DATABASE_POOL_SIZE: positiveInteger(10, 200),
};

export interface DatabaseConfig {
  readonly url: string;
  readonly poolSize: number;
}

export function toDatabaseConfig(v: EnvValues<typeof databaseVariables>): DatabaseConfig {
  return { url: v.DATABASE_URL, poolSize: v.DATABASE_POOL_SIZE };
}
