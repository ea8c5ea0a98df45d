/**
 * Names of the vendor hook modules and the hooks each provides. `syncd validate` checks
 * `hooks:` references against this list without loading vendor code; a test keeps it equal to
 * what the modules in src/vendors/ really register.
 */
export const VENDOR_HOOK_MODULES: Readonly<Record<string, readonly string[]>> = {
  hubspot: ['encodeProperties', 'decodeRecord'],
  salesforce: [],
};
