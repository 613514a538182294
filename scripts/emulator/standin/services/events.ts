/** EventBridge (JSON 1.1): PutEvents, every entry accepted. */
import { randomUUID } from 'node:crypto';
import type { ServiceModule } from '../context';
import { errorAnswer, jsonAnswer } from '../protocol';

export const events: ServiceModule = {
  service: 'events',
  route(request) {
    const operation = request.action;
    return {
      operation,
      respond() {
        if (operation !== 'PutEvents') {
          return errorAnswer('json', 400, 'UnsupportedOperation', `stand-in does not implement ${operation}`);
        }
        const entries = Array.isArray(request.json.Entries) ? request.json.Entries : [];
        return jsonAnswer({ FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) });
      },
    };
  },
};
