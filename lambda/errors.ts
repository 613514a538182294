/** Errors that say what failed and where, keeping the cause. */

export class ScanError extends Error {
  override readonly name: string = 'ScanError';
}

/** A scan target (an account's region, or its IAM data) could not be read. */
export class TargetError extends ScanError {
  override readonly name = 'TargetError';
  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly operation: string,
    cause: unknown,
  ) {
    super(`${operation} failed in account ${accountId}, ${region}: ${describeAwsError(cause)}`, { cause });
  }
}

/** Bad options or environment: the run cannot start. */
export class ConfigError extends ScanError {
  override readonly name = 'ConfigError';
}

interface AwsErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

/**
 * One line for an SDK error. An endpoint that does not implement an operation (an emulator's 404
 * page) reaches the SDK as a body it cannot parse; say that instead of the parser's complaint.
 */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const shape = error as Error & AwsErrorShape;
  const status = httpStatus(error);
  if (status === 404 && !isServiceError(shape))
    return 'the endpoint does not implement this operation (HTTP 404)';
  const message = (shape.message ?? '').split('\n')[0]?.trim() ?? '';
  const name = shape.name && shape.name !== 'Error' ? shape.name : '';
  const text = [name, message].filter(Boolean).join(': ');
  return status !== undefined && status >= 500 ? `${text} (HTTP ${status})` : text || 'unknown error';
}

export function httpStatus(error: unknown): number | undefined {
  const shape = error as AwsErrorShape | undefined;
  return shape?.$metadata?.httpStatusCode ?? shape?.$response?.statusCode;
}

/** True when the error has a modelled AWS error code rather than a transport or parse failure. */
function isServiceError(error: AwsErrorShape): boolean {
  return (
    typeof error.name === 'string' &&
    /(Exception|Error|Fault|NotFound|Denied|Throttling)$/.test(error.name) &&
    error.name !== 'SyntaxError'
  );
}

/** True for the 404 an endpoint gives for an operation it lacks. */
export function isNotImplemented(error: unknown): boolean {
  return httpStatus(error) === 404 && !isServiceError(error as AwsErrorShape);
}

/** True when AWS says the resource does not exist (deleted between listing it and reading it). */
export function isNotFound(error: unknown): boolean {
  return (error as AwsErrorShape | undefined)?.name === 'ResourceNotFoundException';
}
