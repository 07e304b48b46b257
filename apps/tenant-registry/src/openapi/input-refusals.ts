import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * Declares the refusals every route shares, from what it takes: invalid path or query parameters,
 * undeclared query parameters and invalid bodies are 400, bodies over the limit 413 and bodies that
 * are not JSON 415 (ZodParam, DeclaredQueryInterceptor, the zod DTOs, JsonBodyMiddleware).
 */
export function declareInputRefusals(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const places = new Set((operation.parameters ?? []).map((p) => ('in' in p ? p.in : '')));
      const reasons = [
        places.has('path') && 'a path parameter that breaks its rule',
        places.has('query')
          ? 'a query parameter that breaks its rule or is unknown'
          : 'any query parameter (the route takes none)',
        operation.requestBody && 'a body that is not JSON or breaks its schema',
      ].filter(Boolean);
      const responses = operation.responses;
      responses['400'] ??= {
        description: `Invalid request (\`message\` says why): ${reasons.join(', or ')}.`,
      };
      if (operation.requestBody) {
        responses['413'] ??= { description: 'The body is larger than API_BODY_LIMIT.' };
        responses['415'] ??= { description: 'The body is not application/json.' };
      }
    }
  }
  return document;
}
