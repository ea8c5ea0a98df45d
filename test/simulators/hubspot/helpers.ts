import { HUBSPOT_SIM_PRIVATE_APP_TOKEN, startHubspotSimulator, type HubspotSimConfig } from '../../../src/simulators/hubspot/index.js';
import type { RunningSimulator, SimulatorOptions } from '../../../src/simulators/kit/server.js';

export const TOKEN = HUBSPOT_SIM_PRIVATE_APP_TOKEN;

export function start(options: SimulatorOptions & HubspotSimConfig = {}): Promise<RunningSimulator> {
  return startHubspotSimulator(options);
}

export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A raw HTTP call with the fixture private-app token unless another is given. */
export async function call<T = any>(sim: RunningSimulator, method: string, path: string, body?: unknown, token: string | null = TOKEN): Promise<Res<T>> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
