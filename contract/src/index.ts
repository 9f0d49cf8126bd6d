/**
 * The HTTP API's contract: the shapes on the wire, the roles and the SQL splitter. The controller,
 * sandboxctl and the notebook all import it; the controller's services map onto these types, and
 * GET /api/openapi.json describes the same shapes (docs/ARCHITECTURE.md, "The API contract").
 */
export * from './roles';
export * from './sandbox-result';
export * from './sandbox-status';
export * from './session-activity';
export * from './auth';
export * from './admin';
export * from './health';
export * from './api-error';
export * from './sql-split';
export * from './notebooks';
