import { readFileSync, writeFileSync } from 'node:fs';
import proto, { type temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.History;
// The package is CommonJS: under plain Node its namespace comes through the default export.
const { History } = proto.temporal.api.history.v1;

/**
 * Histories as JSON files, written and read by the same protobuf classes the client returns
 * them in. (The SDK's own JSON helpers trip over the second protobufjs copy npm installs.)
 */
export function saveHistory(path: string, history: temporal.api.history.v1.IHistory): void {
  const plain = History.toObject(History.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
  writeFileSync(path, `${JSON.stringify(plain)}\n`);
}

export function loadHistory(path: string): History {
  return History.fromObject(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
}
