/** Names of settings whose values are credentials often enough that they are hidden by default. */
const SECRET_NAME =
  /PASS(?:WORD|WD)?|SECRET|TOKEN|(?:^|_)KEY(?:$|_)|APIKEY|PRIVATE|CREDENTIAL|AUTH|SALT|COOKIE|SESSION/i;

export const REDACTED = '<redacted: --show-secrets reveals it>';

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}
