import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Listener = { listen: (port: number, host: string, cb: () => void) => Server };

export type TestServer = {
  url: string;
  request: <T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: { body?: unknown; raw?: string; headers?: Record<string, string> },
  ) => Promise<TestResponse<T>>;
  close: () => Promise<void>;
};
export type TestResponse<T> = { status: number; headers: Headers; body: T; text: string };

/** Serves an app on a random loopback port and talks to it over real HTTP. */
export async function serve(app: Listener): Promise<TestServer> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async request<T>(
      method: string,
      path: string,
      { body, raw, headers = {} }: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
    ) {
      const hasBody = body !== undefined || raw !== undefined;
      const res = await fetch(url + path, {
        method,
        headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(hasBody ? { body: raw ?? JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
      return { status: res.status, headers: res.headers, body: parsed as T, text };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
