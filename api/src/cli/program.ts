/**
 * `odr` — the command-line tool (contract "CLI commands"). Each command validates its
 * arguments, prints what it did, exits 0 on success and non-zero on failure.
 */
import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ApiError } from '../common/errors.js';
import { ConfigError } from '../config/config.js';
import { addEtlCommand } from './etl.command.js';
import { addExportCommand } from './export.command.js';
import { ingestCommand } from './ingest.command.js';
import { migrateCommand } from './migrate.command.js';
import { addReportCommand } from './report.command.js';
import { seedCommand } from './seed.command.js';

export function positiveInt(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('must be a positive whole number');
  return Number(value);
}

function buildProgram(): Command {
  const program = new Command()
    .name('odr')
    .description('ODR Observatory command-line tool. Uses DATABASE_URL when set, else the embedded store under DATA_DIR (./data).')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  program.command('migrate').description('bring the PostgreSQL schema up to date').action(migrateCommand);

  program
    .command('seed')
    .description('generate the demo dataset (deterministic for a given seed) and load it, or write it to a file with --out')
    .requiredOption('--complaints <n>', 'how many complaints', positiveInt)
    .option('--seed <s>', 'random seed', positiveInt, 1)
    .option('--out <file>', 'write NDJSON (.ndjson/.jsonl) or CSV (.csv) instead of loading; reference data goes to <file>.reference.json')
    .action(seedCommand);

  program
    .command('ingest')
    .description('load CSV, NDJSON or Parquet files (all-or-nothing per file), with a progress bar and a summary')
    .argument('<files...>', 'files to load')
    .option('--format <format>', 'csv, ndjson or parquet (default: from the file extension)')
    .option('--source <source>', 'source for lines that name none', 'default')
    .option('--reference <file>', 'a reference file written by `odr seed --out` (traders and ADR bodies) to load first')
    .action(ingestCommand);

  addExportCommand(program);
  addEtlCommand(program);
  addReportCommand(program);
  return program;
}

/** Runs the CLI on `argv` (as process.argv: node, script, args…); resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    if (err instanceof ApiError) {
      process.stderr.write(`error: ${err.message}\n`);
      for (const d of (err.details ?? []).slice(0, 20)) {
        process.stderr.write(`  ${d.line !== undefined ? `line ${d.line}, ` : ''}${d.field}: ${d.message}\n`);
      }
      if ((err.details?.length ?? 0) > 20) process.stderr.write(`  … and ${err.details!.length - 20} more\n`);
      return 1;
    }
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
