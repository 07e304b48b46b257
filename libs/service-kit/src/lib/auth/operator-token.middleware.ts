import { IncomingMessage, ServerResponse } from 'node:http';
import { OperatorAuthenticator } from './operator-authenticator';
import { OPERATOR_TOKEN_REQUIRED } from './operator-token';

/**
 * The operator token check for routes mounted on the HTTP server outside Nest's router, which
 * guards never see (the Swagger UI and OpenAPI document). Answers 401 like the guard does.
 */
export function requireOperatorToken(authenticator: OperatorAuthenticator) {
  return (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => {
    authenticator.authenticate(request.headers.authorization).then((actor) => {
      if (actor) return next();
      response.statusCode = 401;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(
        JSON.stringify({
          message: OPERATOR_TOKEN_REQUIRED,
          error: 'Unauthorized',
          statusCode: 401,
        }),
      );
    }, next);
  };
}
