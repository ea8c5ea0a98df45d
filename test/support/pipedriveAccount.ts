/**
 * The Pipedrive company the shipped connector runs against in tests: the simulator, with the
 * custom fields `connectors/pipedrive.yaml` reads from the environment. Their keys are the
 * company's real 40-character keys, looked up through the field-definition API as an operator
 * would.
 */
import { startPipedriveSimulator, type StartPipedriveOptions, type RunningPipedriveSimulator } from '../../src/simulators/pipedrive/index.js';
import { callJson } from '../conformance/support/http.js';

interface V2Field {
  field_code: string;
  field_name: string;
}

async function fieldKey(sim: RunningPipedriveSimulator, entityFields: string, name: string): Promise<string> {
  const { data } = await callJson<{ data: V2Field[] }>(`${sim.url}/api/v2/${entityFields}?limit=500`, { headers: { 'x-api-token': sim.apiToken } });
  const key = data.find((f) => f.field_name === name)?.field_code;
  if (!key || !/^[0-9a-f]{40}$/.test(key)) throw new Error(`no custom field ${name} in ${entityFields}`);
  return key;
}

/** The HTTP Basic credentials Pipedrive sends with webhook deliveries, as the connector expects them. */
export const PIPEDRIVE_WEBHOOK_USER = 'syncd';
export const PIPEDRIVE_WEBHOOK_PASSWORD = 'hook-password-7f3a';

export interface PipedriveAccount {
  sim: RunningPipedriveSimulator;
  /** Base URL, API token, webhook credentials and custom field keys, as the connector's `${env:…}` references name them. */
  env: Record<string, string>;
}

export async function startPipedriveAccount(options: StartPipedriveOptions = {}): Promise<PipedriveAccount> {
  const sim = await startPipedriveSimulator(options);
  // The connector declares an "interesting" custom field the fixtures lack; an admin adds it.
  // Pipedrive has no boolean field type, so its wire form is text.
  await callJson(`${sim.url}/__admin/fields/organizations`, { method: 'POST', body: { name: 'Interesting', type: 'varchar' } });
  return {
    sim,
    env: {
      PIPEDRIVE_BASE_URL: sim.url,
      PIPEDRIVE_API_TOKEN: sim.apiToken,
      PIPEDRIVE_WEBHOOK_USER,
      PIPEDRIVE_WEBHOOK_PASSWORD,
      PIPEDRIVE_FIELD_ORG_QUEAST_ID: await fieldKey(sim, 'organizationFields', 'Queast ID'),
      PIPEDRIVE_FIELD_ORG_LINKEDIN: await fieldKey(sim, 'organizationFields', 'LinkedIn URL'),
      PIPEDRIVE_FIELD_ORG_INTERESTING: await fieldKey(sim, 'organizationFields', 'Interesting'),
      PIPEDRIVE_FIELD_PERSON_QUEAST_ID: await fieldKey(sim, 'personFields', 'Queast ID'),
    },
  };
}
