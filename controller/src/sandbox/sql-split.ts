// The splitter is part of the API contract: the notebook's PGlite backend splits a cell the same way.
export { type SqlStatement, maskBackslashes, requestPosition, splitSql } from '@pgsbx/contract';
