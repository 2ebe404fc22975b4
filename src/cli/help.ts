// Help texts: every flag with its default.
import type { FlagSpec } from './flags.ts';
import { REPRODUCE_APPENDIX_E_FLAGS, REPRODUCE_CATEGORICAL_FLAGS, REPRODUCE_FIG1_FLAGS, REPRODUCE_FIG3_FLAGS, TRAIN_FLAGS } from './options.ts';

/** The help table of a command: one line per flag with its value placeholder, help and default. */
export function flagTable(specs: readonly FlagSpec[]): string {
  const heads = specs.map((s) => `  --${s.name} ${s.value}`);
  const pad = Math.min(40, Math.max(...heads.map((h) => h.length)) + 2);
  return specs
    .map((s, i) => {
      const head = heads[i];
      const text = `${s.help}${s.repeatable ? ' (repeatable)' : ''} (default: ${s.defaultText})`;
      return head.length + 1 > pad ? `${head}\n${' '.repeat(pad)}${text}` : `${head.padEnd(pad)}${text}`;
    })
    .join('\n');
}

export const MAIN_HELP = `hnca — Hindsight Network Credit Assignment experiments from the command line

Usage:
  hnca train [flags]              train one configuration (several estimators × seeds)
  hnca reproduce fig1 [flags]     the paper's Figure 1 grid (contextual bandit MNIST)
  hnca reproduce fig3 [flags]     the paper's Figure 3 grid (discrete hierarchical VAE)
  hnca reproduce categorical [flags]  categorical hidden units: N × depth, HNCA against REINFORCE
  hnca reproduce appendix-e [flags]   the nonlinear bandit: a conv trunk feeding one Bernoulli layer
  hnca reproduce FIGURE --shard I/N   slice I of N of a grid (one per machine or job)
  hnca report DIR... [--out DIR]      merge the slices' folders into one grid's results
  hnca --help | hnca train --help | hnca reproduce fig1|fig3|categorical|appendix-e --help
  hnca --version | hnca -V         print the version

  In a clone: node bin/hnca.mjs … (or npm run hnca -- …, npm exec --no -- hnca …); where the package
  is installed: hnca …, or npm exec --no -- hnca …. Never npx without --no: when it finds no local
  hnca it fetches and runs whatever the npm registry serves under that name.

Examples:
  hnca train --task bandit --hidden 1 --estimator hnca --estimator reinforce --epochs 3
  hnca train --task vae --layers 2 --estimator fhnca-baseline --estimator reinforce --epochs 2
  hnca reproduce fig1 --hidden 1,2,3 --seeds 5 --epochs 100 --out fig1
  hnca train --units categorical --categories 4 --hidden 2 --estimator hnca,reinforce --epochs 1
  hnca train --task conv-bandit --estimator hnca,reinforce --epochs 1 --train-limit 5000 --test-limit 1000

Flags of hnca train:
${flagTable(TRAIN_FLAGS)}

Exit codes: 0 done, 1 failed while running (data, engine), 2 bad command line, 130 (SIGINT) or 143 (SIGTERM) stopped after writing the finished epochs.
`;

export const TRAIN_HELP = `Usage: hnca train [flags]

Trains every estimator × seed on the same minibatches from the same initial weights
(per seed), prints a line per run and epoch, and writes the results JSON at the end.

${flagTable(TRAIN_FLAGS)}
`;

export const REPRODUCE_HELP = `Usage: hnca reproduce fig1|fig3|categorical|appendix-e [flags]

Runs the paper's grid and writes into --out: results.json, results.csv (the results format of
the README: one row per run and epoch), SVG charts (mean and 95% band over seeds) each with a
Vega-Lite spec over results.csv (NAME.vl.json), results.md (final values beside the paper's) and
machine.md (engine, machine, wall-clock time).

Across machines: --shard I/N runs slice I of N (its (cell, seed) pairs I, I+N, …; without --out, into
results/FIGURE-shard-I-of-N); \`hnca report DIR... --out DIR\` merges the N folders into the files of one
unsharded run (results.csv and results.md byte for byte).

Appendix K (the ablations of f-HNCA + baseline, docs/math.md §7.3):
  hnca reproduce fig3 --estimator fhnca-baseline --ablation none,all-children,full-reward
trains plain f-HNCA + baseline and each ablation side by side in every cell, on the same
seeds, minibatches and random numbers; tables and charts label them e.g.
"f-HNCA + baseline (all children)", and results.json lists each run's "ablations".

Flags of hnca reproduce fig1:
${flagTable(REPRODUCE_FIG1_FLAGS)}

Flags of hnca reproduce fig3:
${flagTable(REPRODUCE_FIG3_FLAGS)}

Flags of hnca reproduce categorical (categorical hidden units, docs/math.md §7.1):
${flagTable(REPRODUCE_CATEGORICAL_FLAGS)}

Flags of hnca reproduce appendix-e (the nonlinear contextual bandit, docs/math.md §7.2; by
default a reduced CPU schedule, noted in results.md):
${flagTable(REPRODUCE_APPENDIX_E_FLAGS)}
`;
