import { Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { negotiateResponseType } from '../http/content-types';
import { unauthorized, writerRoleRequired, type RegistryError } from '../registry/registry-error';
import { authenticate } from './basic-credentials';
import type { UserDirectory } from './registry-users-file';
import { requiredAccess } from './required-access';

export const AUTH_REALM = 'crosscare-schema-registry';

/**
 * HTTP basic authentication and the reader/writer split. Installed as the first express middleware, so a caller
 * without credentials is turned away before the registry reads (up to SCHEMA_REGISTRY_MAX_BODY_BYTES of) its body.
 * It answers in Confluent's error shape itself, being ahead of Nest's exception filters.
 */
export function registryAuthentication(users: UserDirectory): RequestHandler {
  const logger = new Logger('SchemaRegistry');
  const refuse = (req: Request, res: Response, error: RegistryError) => {
    res.type(negotiateResponseType(req.headers.accept));
    res.status(error.status).json({ error_code: error.errorCode, message: error.message });
  };

  return (req: Request, res: Response, next: NextFunction) => {
    const access = requiredAccess(req.method, req.path);
    if (access === 'public') return next();

    const user = authenticate(req.headers.authorization, users);
    if (!user) {
      res.set('WWW-Authenticate', `Basic realm="${AUTH_REALM}"`);
      return refuse(req, res, unauthorized());
    }
    if (access === 'write' && user.role !== 'writer') {
      // An identity trying what it may not is worth an operator's attention: a misconfigured or misused service.
      logger.warn(`refused ${req.method} ${req.path} from reader ${user.name}`);
      return refuse(req, res, writerRoleRequired(user.name, req.method, req.path));
    }
    next();
  };
}
