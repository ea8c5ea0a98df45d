/** The syncd release, printed by `syncd --version`. */
export const SYNCD_VERSION = '0.1.0';
