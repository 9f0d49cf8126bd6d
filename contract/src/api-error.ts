/** Every 4xx and 5xx body. A 500 carries the correlation id that its one log line carries too. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  correlationId?: string;
}
