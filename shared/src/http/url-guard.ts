import type { RequestHandler } from 'express';
import { ValidationError } from '../errors.ts';

/**
 * A NUL character can only come into a path parameter or a query value as `%00` (Node's
 * parser refuses a raw one), and PostgreSQL refuses it in any text it is compared with or
 * stored in, as an error that would be a 500. Refused here, before any route decodes it.
 */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  if (/%00/i.test(req.url)) throw new ValidationError([{ path: '(url)', message: 'holds a NUL character (%00)' }]);
  next();
};
