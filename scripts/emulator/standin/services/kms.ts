/** KMS (JSON 1.1): DescribeKey by ARN, in the key's region. */
import type { ServiceModule } from '../context';
import { errorAnswer, jsonAnswer } from '../protocol';

export const kms: ServiceModule = {
  service: 'kms',
  route(request, context) {
    const operation = request.action;
    return {
      operation,
      respond() {
        if (operation !== 'DescribeKey') {
          return errorAnswer(
            'json',
            400,
            'UnsupportedOperationException',
            `stand-in does not implement ${operation}`,
          );
        }
        const accountId = context.accountOf(request);
        const keyId = String(request.json.KeyId ?? '');
        const key = context
          .regionOf(accountId, request.region)
          ?.keys.find((k) => k.arn === keyId || k.id === keyId);
        if (!key) return errorAnswer('json', 400, 'NotFoundException', `Key '${keyId}' does not exist`);
        return jsonAnswer({
          KeyMetadata: {
            AWSAccountId: accountId,
            KeyId: key.id,
            Arn: key.arn,
            CreationDate: 1_700_000_000,
            Enabled: key.state === 'Enabled',
            Description: 'eks secrets',
            KeyUsage: 'ENCRYPT_DECRYPT',
            KeyState: key.state,
            Origin: 'AWS_KMS',
            KeyManager: 'CUSTOMER',
            CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
            KeySpec: 'SYMMETRIC_DEFAULT',
            EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
            MultiRegion: false,
            ...(key.state === 'PendingDeletion'
              ? { DeletionDate: 1_900_000_000, PendingDeletionWindowInDays: 7 }
              : {}),
          },
        });
      },
    };
  },
};
