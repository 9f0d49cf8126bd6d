/**
 * Formats SQL with sql-formatter's PostgreSQL dialect, keeping the writer's keyword case.
 * sql-formatter is loaded on first use: most sessions never format, and it is a large module.
 */
export async function formatSql(sql: string): Promise<string> {
  const { format } = await import('sql-formatter');
  return format(sql, { language: 'postgresql', keywordCase: 'preserve', tabWidth: 2, linesBetweenQueries: 1 });
}
