// The `hnca` CLI run in this process (src/cli/main.ts), its output captured: for tests that
// compare what `hnca train --engine cpu` and `--engine webgpu` write.
import { main } from '../../src/cli/main.ts';

/** Runs `hnca <argv>`; resolves with its exit status and everything it wrote to stdout and stderr. */
export async function hnca(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => void (stdout += t), isTTY: false }, stderr: (t: string) => void (stderr += t) };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}
