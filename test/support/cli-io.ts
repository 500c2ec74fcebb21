/** A command's output, captured: what `run(argv, io)` printed to stdout (`out`) and stderr (`err`), line by line. */
export function captureIo(): {
  io: { out: (s: string) => void; err: (s: string) => void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s) => out.push(s), err: (s) => err.push(s) }, out, err };
}
