/** The one vocabulary of integration status, shared by the workflow, search attributes and API. */
export const INTEGRATION_STATUSES = [
  'connecting',
  'active',
  'degraded',
  'needs_organiser',
  'disabled',
] as const;
export type IntegrationStatus = (typeof INTEGRATION_STATUSES)[number];

/** What the API answers for an event whose integration does not exist (never or no longer). */
export const NOT_CONNECTED = 'not_connected';

/** Why Zoom refused the credentials; published as a search attribute so operators can filter. */
export const REFUSAL_CAUSES = [
  'invalid_client',
  'account_not_found',
  'app_type_not_enabled',
  'unsupported_grant_type',
  'app_disabled',
  'scopes_missing',
  'credentials_missing',
] as const;
export type RefusalCause = (typeof REFUSAL_CAUSES)[number];

/** The checks an organiser walks through after a refusal, always in this order (product rule 3). */
export const ORGANISER_CHECKS = [
  'Check the Zoom integration settings saved in Greenroom for this event.',
  'Check the Account ID, Client ID and Client Secret against the app in the Zoom App Marketplace.',
  'Check that the Zoom integration is not disabled in Greenroom.',
  'Check that the Server-to-Server OAuth app is activated in the Zoom App Marketplace.',
  'Check that the client secret was not regenerated in Zoom; if it was, save the new one here.',
] as const;

const CAUSE_MESSAGES: Record<RefusalCause, string> = {
  invalid_client:
    'Zoom refused the Client ID or Client Secret: ' +
    'the secret may have been regenerated or the app deleted.',
  account_not_found: 'Zoom does not know this Account ID.',
  app_type_not_enabled: 'The Zoom account has not enabled Server-to-Server OAuth apps.',
  unsupported_grant_type:
    'These credentials belong to a Zoom app that is not a Server-to-Server OAuth app.',
  app_disabled: 'The Zoom app has been deactivated or disabled in the Zoom App Marketplace.',
  scopes_missing:
    'The Zoom app no longer grants the scopes Greenroom needs; ' +
    'add them to the app or restore its owner’s admin role.',
  credentials_missing: 'The saved credentials could not be read; save them again.',
};

/** The organiser-facing sentence for a refusal cause. */
export function describeRefusal(cause: RefusalCause): string {
  return CAUSE_MESSAGES[cause];
}

/**
 * What the organiser most likely has to do about each cause, in one sentence; the ordered
 * checks stay the full answer. Operators read it in the workflow's current details.
 */
const ORGANISER_HINTS: Record<RefusalCause, string> = {
  invalid_client:
    'Copy the Client ID and Client Secret again from the app in the Zoom App Marketplace ' +
    '(the secret may have been regenerated) and save them here.',
  account_not_found:
    'Copy the Account ID from the app’s credentials page in the Zoom App Marketplace and save ' +
    'the credentials again.',
  app_type_not_enabled:
    'Ask the Zoom account’s owner to allow Server-to-Server OAuth apps, then regenerate the token.',
  unsupported_grant_type:
    'Create a Server-to-Server OAuth app in the Zoom App Marketplace and save its credentials.',
  app_disabled: 'Activate the app in the Zoom App Marketplace, then regenerate the token here.',
  scopes_missing:
    'Add the missing scopes to the app in the Zoom App Marketplace, then regenerate the token.',
  credentials_missing: 'Save the Zoom credentials for this event again.',
};

/** The one-sentence hint for the organiser after a refusal with this cause. */
export function organiserHint(cause: RefusalCause): string {
  return ORGANISER_HINTS[cause];
}
