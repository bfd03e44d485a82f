import { DEFAULT_CHAOS, type SimulatorConfig } from './config';

/** A named fault mix. */
export type ProfileName = 'steady' | 'stormy';

/**
 * `steady`: the default mix — rare crashes, long partitions, election timeouts well above
 * message delays. `stormy`: frequent short crashes, delays close to the election timeout;
 * split votes and crash-restart during elections are common, which is where lost votes
 * or terms show up (a host that forgets its vote is caught within ~50 stormy seeds).
 */
export function profileConfig(name: ProfileName): Partial<SimulatorConfig> {
  if (name === 'steady') return {};
  return {
    electionTicks: 8,
    heartbeatTicks: 2,
    chaos: { ...DEFAULT_CHAOS, crashRate: 0.02, downTicks: [1, 40], maxDelay: 8 },
  };
}

/** The profile a seed runs under in CI and the CLI: odd seeds steady, even seeds stormy. */
export function profileForSeed(seed: number): ProfileName {
  return seed % 2 === 0 ? 'stormy' : 'steady';
}

/** The full configuration overrides for `seed` on `nodes` servers (`slowDisk`: see the config). */
export function seedConfig(seed: number, nodes: number, slowDisk = 0): Partial<SimulatorConfig> & { seed: number } {
  return { ...profileConfig(profileForSeed(seed)), seed, nodes, ...(slowDisk > 0 ? { slowDisk } : {}) };
}
