/** The records target with the OAuth install the fixture connector expects, and its env. */
import { startRecordsTarget, type RecordsTarget, type RecordsTargetOptions } from '../../../src/simulators/target/index.js';

export const OAUTH = { clientId: 'target-client', clientSecret: 'target-secret', refreshToken: 'target-refresh-token' };

export function startTarget(options: RecordsTargetOptions = {}): Promise<RecordsTarget> {
  return startRecordsTarget({ oauth: { ...OAUTH, accessTokenLifetimeSeconds: 3600 }, ...options });
}

/** What the fixture connectors resolve their `${env:…}` references from. */
export function fixtureEnv(target: RecordsTarget, localDatabaseUrl: string): NodeJS.ProcessEnv {
  return {
    TARGET_URL: target.url,
    TARGET_CLIENT_ID: OAUTH.clientId,
    TARGET_CLIENT_SECRET: OAUTH.clientSecret,
    TARGET_REFRESH_TOKEN: OAUTH.refreshToken,
    LOCAL_DATABASE_URL: localDatabaseUrl,
  };
}
