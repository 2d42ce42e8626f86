/**
 * A progress report that reads the same in a terminal and in a log file: a plain line, at most
 * one per `everyMs` and only when the count moved, then the last one when it is done. A bar
 * redrawn in place would be torn by the apps' own lines relayed in between, and in a file it
 * is either nothing or a line per tick.
 */
export function progressLine({
  everyMs,
  print,
  now = Date.now,
}: {
  everyMs: number;
  print: (line: string) => void;
  now?: () => number;
}) {
  let printedAt = Number.NEGATIVE_INFINITY;
  let printed = '';
  return (line: string, { last = false } = {}) => {
    if (line === printed || (!last && now() - printedAt < everyMs)) return;
    printedAt = now();
    printed = line;
    print(line);
  };
}
