// Loaded into every test process by scripts/run-tests.mjs: property tests draw their inputs from a
// fixed fast-check seed, so a run is reproducible and CI cannot fail on a rare random draw that a
// previous run never saw. FC_SEED=<integer> picks another seed; FC_SEED=random restores fast-check's
// per-run random seed (exploration; a failure prints the seed to replay).
import fc from 'fast-check';

const choice = process.env.FC_SEED ?? '20261205';
if (choice !== 'random') fc.configureGlobal({ seed: Number(choice) });
