import { config } from 'zod';

// Zod (the domain's schemas) probes whether it may compile its parsers with `new Function`.
// The Content-Security-Policy (proxy.ts) allows no eval, so the probe fails, harmlessly, but
// the browser reports it as a violation on every page. Parsing without compiling needs no
// probe. Next runs this file before any page's modules, so before any schema is built.
config({ jitless: true });
