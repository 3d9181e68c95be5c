import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes an integration publishes, so operators can list and filter
 * integrations in the Temporal UI with no worker running. The dev server registers them at start.
 */
export const EVENT_ID_ATTRIBUTE = defineSearchAttributeKey(
  'GreenroomEventId',
  SearchAttributeType.KEYWORD,
);
export const STATUS_ATTRIBUTE = defineSearchAttributeKey(
  'GreenroomStatus',
  SearchAttributeType.KEYWORD,
);
export const REFUSAL_CAUSE_ATTRIBUTE = defineSearchAttributeKey(
  'GreenroomRefusalCause',
  SearchAttributeType.KEYWORD,
);
export const TOKEN_EXPIRES_AT_ATTRIBUTE = defineSearchAttributeKey(
  'GreenroomTokenExpiresAt',
  SearchAttributeType.DATETIME,
);

/** `active` or `failing`: operators list the webhooks whose delivery stopped. */
export const WEBHOOK_STATE_ATTRIBUTE = defineSearchAttributeKey(
  'GreenroomWebhookState',
  SearchAttributeType.KEYWORD,
);

/** Name and Temporal type of each attribute, as the CLI's `--search-attribute` flag wants them. */
export const SEARCH_ATTRIBUTE_REGISTRATIONS: readonly { name: string; cliType: string }[] = [
  { name: EVENT_ID_ATTRIBUTE.name, cliType: 'Keyword' },
  { name: STATUS_ATTRIBUTE.name, cliType: 'Keyword' },
  { name: REFUSAL_CAUSE_ATTRIBUTE.name, cliType: 'Keyword' },
  { name: TOKEN_EXPIRES_AT_ATTRIBUTE.name, cliType: 'Datetime' },
  { name: WEBHOOK_STATE_ATTRIBUTE.name, cliType: 'Keyword' },
];
