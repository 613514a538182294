/**
 * The scanner Lambda's entry point: the environment is validated once, when the module loads (a bad
 * setting fails the cold start with one clear line), and the handler is built from real parts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { createAccountClients } from './collect/clients';
import { createHandler } from './lambda-handler';
import { parseLambdaEnvironment } from './scan/config';

export const handler = createHandler(parseLambdaEnvironment(process.env), {
  createClients: createAccountClients,
  logger: new Logger(),
  metrics: new Metrics(),
});
