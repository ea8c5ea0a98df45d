/** The environment `connectors/salesforce.yaml` reads, pointed at a running Salesforce simulator. */
import type { RunningSalesforceSimulator } from '../../src/simulators/salesforce/index.js';

export function salesforceEnv(sim: RunningSalesforceSimulator, secrets: { clientSecret?: string; refreshToken?: string } = {}): Record<string, string> {
  return {
    SALESFORCE_LOGIN_URL: sim.url,
    SALESFORCE_INSTANCE_URL: sim.url,
    SALESFORCE_CLIENT_ID: sim.config.clientId,
    SALESFORCE_CLIENT_SECRET: secrets.clientSecret ?? sim.config.clientSecret,
    SALESFORCE_REFRESH_TOKEN: secrets.refreshToken ?? sim.config.refreshToken,
    SALESFORCE_PUBSUB_URL: sim.pubSubUrl,
    SALESFORCE_ORG_ID: sim.config.orgId,
  };
}
