import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, describeAwsError } from '../errors';
import { arnRegion } from '../model/arn';
import type { OptionalService } from './clients';

export const SSM: OptionalService<SSMClient> = { id: 'ssm', Client: SSMClient };

/**
 * The text of the SSM parameter that holds the Lambda's mutelist. Read at every invocation, so an
 * edited list applies from the next scan on. A parameter that cannot be read stops the scan: findings
 * published without their accepted risks would alert on every one of them.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 */
export async function readMutelistParameter(ssm: SSMClient, name: string): Promise<string> {
  try {
    const answer = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = answer.Parameter?.Value;
    if (value === undefined) throw new Error('the parameter has no value');
    return value;
  } catch (error) {
    throw new ConfigError(`mutelist parameter ${name}: ssm:GetParameter failed: ${describeAwsError(error)}`, {
      cause: error,
    });
  }
}

/** The region a parameter is read in: the one its ARN names, else the function's own. */
export function parameterRegion(name: string, homeRegion: string): string {
  return name.startsWith('arn:') ? (arnRegion(name) ?? homeRegion) : homeRegion;
}
