/** A simulation run broke a checked property or crashed; carries everything needed to replay it. */
export class SimulationFailure extends Error {
  readonly code = 'SIMULATION_FAILURE';
  constructor(
    readonly seed: number,
    readonly nodes: number,
    readonly ticks: number,
    readonly tick: number,
    readonly step: number,
    override readonly cause: unknown,
    readonly trace: readonly string[],
    /** Further CLI flags the replay needs (e.g. `--slow-disk 4`). */
    readonly replayFlags = '',
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      [
        `simulation failed: seed=${seed} nodes=${nodes} tick=${tick} step=${step}`,
        `  ${reason}`,
        `  replay: npx nx run raft-sim:sim -- --seed ${seed} --nodes ${nodes} --ticks ${ticks}${replayFlags ? ` ${replayFlags}` : ''}`,
        `  last ${trace.length} events:`,
        ...trace.map((line) => `    ${line}`),
      ].join('\n'),
    );
    this.name = 'SimulationFailure';
  }
}
