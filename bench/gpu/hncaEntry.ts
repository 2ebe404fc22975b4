// The `hnca` command as one file for the GPU-machine bundle (bench/gpu/prepare.sh).
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
