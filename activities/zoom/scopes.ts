/**
 * The Zoom scopes Greenroom needs. Each requirement is met by its granular scope or, for apps
 * created before granular scopes existed, by the classic scope that covers it.
 */
export const REQUIRED_SCOPES: readonly (readonly string[])[] = [
  ['user:read:list_users:admin', 'user:read:admin'],
  ['user:read:user:admin', 'user:read:admin'],
  ['user:read:settings:admin', 'user:read:admin'],
  ['meeting:write:meeting:admin', 'meeting:write:admin'],
  ['meeting:read:meeting:admin', 'meeting:read:admin'],
  ['meeting:read:list_meetings:admin', 'meeting:read:admin'],
  ['meeting:update:meeting:admin', 'meeting:write:admin'],
  ['meeting:delete:meeting:admin', 'meeting:write:admin'],
  ['webinar:write:webinar:admin', 'webinar:write:admin'],
  ['webinar:read:webinar:admin', 'webinar:read:admin'],
  ['webinar:read:list_webinars:admin', 'webinar:read:admin'],
  ['webinar:update:webinar:admin', 'webinar:write:admin'],
  ['webinar:delete:webinar:admin', 'webinar:write:admin'],
];

/** Lists the granular names of the requirements the granted scopes do not meet. */
export function missingScopes(granted: readonly string[]): string[] {
  const have = new Set(granted);
  return REQUIRED_SCOPES.filter((options) => !options.some((scope) => have.has(scope))).map(
    (options) => options[0] ?? '',
  );
}
