import { main } from "../../cli/main.ts";

/** Run the cellgate CLI in process; returns the exit code and everything it printed. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...xs: unknown[]) => void out.push(xs.join(" "));
  console.error = (...xs: unknown[]) => void err.push(xs.join(" "));
  try {
    const code = await main(args);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    console.log = log;
    console.error = error;
  }
}
