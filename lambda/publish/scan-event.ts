/** Sends the scan-completed event to the default event bus of the scanner's account. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describeAwsError } from '../errors';
import { SCAN_EVENT_DETAIL_TYPE, SCAN_EVENT_SOURCE, type ScanCompleted } from '../report/scan-completed';
import type { OptionalService } from '../service';

export const EVENT_BRIDGE: OptionalService<EventBridgeClient> = { id: 'events', Client: EventBridgeClient };

/** `undefined` when the event was accepted, else why not; the event is informational, so nothing throws. */
export async function emitScanCompleted(
  client: EventBridgeClient,
  completed: ScanCompleted,
): Promise<string | undefined> {
  try {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: SCAN_EVENT_SOURCE,
            DetailType: SCAN_EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(completed),
          },
        ],
      }),
    );
    if (!answer.FailedEntryCount) return undefined;
    const entry = answer.Entries?.find((e) => e.ErrorCode);
    return `events:PutEvents did not accept the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim();
  } catch (error) {
    return `events:PutEvents failed: ${describeAwsError(error)}`;
  }
}
