/** `syncd simulate <vendor>`: a local, wire-faithful vendor API for development and demos. */
import type { CommandIO } from '../io.js';
import { UserError } from '../io.js';

export const SIMULATED_VENDORS = ['hubspot', 'pipedrive', 'salesforce', 'composio'] as const;

export async function runSimulate(args: { vendor: string; port: number; seed: number; fixtures?: string }, io: CommandIO): Promise<number> {
  const options = { port: args.port, seed: args.seed, ...(args.fixtures ? { fixturesDir: args.fixtures } : {}) };
  let sim: { url: string; pubSubUrl?: string; close(): Promise<void> };
  try {
    switch (args.vendor) {
      case 'hubspot':
        sim = await (await import('../../simulators/hubspot/index.js')).startHubspotSimulator(options);
        break;
      case 'pipedrive':
        sim = await (await import('../../simulators/pipedrive/index.js')).startPipedriveSimulator(options);
        break;
      case 'salesforce':
        sim = await (await import('../../simulators/salesforce/index.js')).startSalesforceSimulator(options);
        break;
      case 'composio':
        // Tools execute against provider simulators; point `providers` at them through fixtures or the admin API.
        sim = await (await import('../../simulators/composio/index.js')).startComposioSimulator(options);
        break;
      default:
        throw new UserError(`no simulator for ${args.vendor}; available: ${SIMULATED_VENDORS.join(', ')}`);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'EADDRINUSE' ? `port ${args.port} is in use; pick another with --port` : `cannot start the ${args.vendor} simulator: ${(err as Error).message}`);
  }
  io.out(`${args.vendor} simulator listening on ${sim.url} (seed ${args.seed}); admin API under ${sim.url}/__admin; Ctrl-C stops it\n`);
  // The Pub/Sub API is gRPC on a port of its own (SALESFORCE_PUBSUB_URL for the connector).
  if (sim.pubSubUrl) io.out(`change events (Pub/Sub API, gRPC without TLS) on ${sim.pubSubUrl}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.close();
  return 0;
}
