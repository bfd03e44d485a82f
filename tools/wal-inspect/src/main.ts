/**
 * wal-inspect: prints and verifies a FileStorage data directory without modifying it.
 *
 *   npx nx run wal-inspect:run -- <data-dir> [--verify] [--json]
 *
 * Exit status: 0 when readable (a torn final record is a warning: recovery truncates it);
 * 2 when recovery would refuse to start (the message names the file and byte offset);
 * 1 on usage errors or an unreadable directory.
 */
import { Command } from 'commander';
import { inspect } from './inspect';
import { formatText } from './format';

export const EXIT_CORRUPT = 2;

/** Runs the CLI on `argv` (without node and script); returns the exit status. */
export async function runCli(argv: readonly string[], print: (text: string) => void): Promise<number> {
  const program = new Command('wal-inspect')
    .description('Print and verify a raft-storage data directory (wal/ + snap/); never modifies it.')
    .argument('<data-dir>', 'directory given to FileStorage.open')
    .option('--verify', 'check everything recovery checks; exit 2 on corruption', false)
    .option('--json', 'print the report as JSON', false)
    .exitOverride();
  program.parse([...argv], { from: 'user' });
  const opts = program.opts<{ verify: boolean; json: boolean }>();
  const report = await inspect(String(program.args[0]), { verify: opts.verify });
  print(opts.json ? JSON.stringify(report, null, 2) : formatText(report, opts.verify));
  // Without --verify, a corruption that stopped the listing still fails: the output is incomplete.
  return report.errors.length > 0 ? EXIT_CORRUPT : 0;
}

if (require.main === module) {
  runCli(process.argv.slice(2), (t) => process.stdout.write(`${t}\n`)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      const code = (e as { exitCode?: unknown }).exitCode;
      if (typeof code === 'number') process.exitCode = code; // commander already printed usage
      else {
        process.stderr.write(`wal-inspect: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    },
  );
}
