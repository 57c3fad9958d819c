import { InvalidArgumentError } from 'commander';

/**
 * Commander argument parser for counts such as `--threads <n>` or `--beam <n>`: an integer ≥ 1.
 * @throws InvalidArgumentError (commander reports it as an invalid option argument, exit code 1)
 */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * Commander argument parser for a finite number ≥ 0 (`--temperature`, `--pathway-lambda`).
 * @throws InvalidArgumentError (commander reports it as an invalid option argument, exit code 1)
 */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/**
 * Commander argument parser for counts that may be zero (`--worst <n>`): an integer ≥ 0.
 * @throws InvalidArgumentError (commander reports it as an invalid option argument, exit code 1)
 */
export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}
