/**
 * The HubSpot account both HubSpot connectors (direct and through Composio) run against: the
 * simulator with the custom deal and note properties the connectors declare, created through
 * HubSpot's properties API as an account admin would.
 */
import { HUBSPOT_SIM_PRIVATE_APP_TOKEN, startHubspotSimulator } from '../../../src/simulators/hubspot/index.js';
import type { RunningSimulator } from '../../../src/simulators/kit/server.js';
import { callJson } from '../support/http.js';

const CUSTOM_PROPERTIES: Record<string, Array<{ name: string; type: string; fieldType: string; hasUniqueValue?: boolean }>> = {
  deals: [
    { name: 'quotey_quote_id', type: 'string', fieldType: 'text', hasUniqueValue: true },
    { name: 'quotey_quote_version', type: 'number', fieldType: 'number' },
    { name: 'quotey_quote_total', type: 'number', fieldType: 'number' },
  ],
  notes: [{ name: 'queast_signal_id', type: 'string', fieldType: 'text', hasUniqueValue: true }],
  companies: [
    { name: 'queast_company_id', type: 'string', fieldType: 'text', hasUniqueValue: true },
    { name: 'queast_interesting', type: 'bool', fieldType: 'booleancheckbox' },
  ],
  contacts: [{ name: 'queast_person_id', type: 'string', fieldType: 'text', hasUniqueValue: true }],
};

export async function startHubspotAccount(): Promise<RunningSimulator> {
  // Webhook retries are scaled down so a refused delivery does not keep the simulator busy.
  const sim = await startHubspotSimulator({ webhooks: { retryDelayScale: 0.00001 } });
  for (const [objectType, props] of Object.entries(CUSTOM_PROPERTIES)) {
    for (const p of props) {
      await callJson(`${sim.url}/crm/v3/properties/${objectType}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HUBSPOT_SIM_PRIVATE_APP_TOKEN}` },
        body: { ...p, label: p.name, groupName: 'dealinformation' },
      });
    }
  }
  return sim;
}

/** `{properties, associations}` of a record, as HubSpot stores it. */
export function hubspotRecord(sim: RunningSimulator, object: string, id: string): Promise<Record<string, unknown>> {
  return callJson(`${sim.url}/__admin/records/${object}/${id}`);
}

export async function advanceHubspotClock(sim: RunningSimulator, ms: number): Promise<Date> {
  const { now } = await callJson<{ now: string }>(`${sim.url}/__admin/clock/advance`, { method: 'POST', body: { ms } });
  return new Date(now);
}
