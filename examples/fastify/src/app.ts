/**
 * `@mfakit/web` in a Fastify 5 app: the MFA pages are one route (through `@mfakit/web/node`).
 * Fastify parses bodies before a handler runs, so form bodies are left unread for the pages,
 * which parse (and limit) their own; the reply is hijacked and written by the pages.
 *
 * @module
 */

import type { Demo, RunningServer, StartServerOptions } from "@mfakit/example-web";
import { createDemo, runningServer } from "@mfakit/example-web";
import { nodeHandler } from "@mfakit/web/node";
import Fastify, { type FastifyInstance } from "fastify";

/** The demo in Fastify: the MFA pages at `demo.web.basePath`, the sign-in beside them. */
export function fastifyApp(demo: Demo): FastifyInstance {
  const app = Fastify();
  const pages = nodeHandler(demo.web);
  const signIn = nodeHandler(demo.app);
  // Leave form bodies unread: the pages read them from the raw request.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, _payload, done) => done(null));
  app.all(`${demo.web.basePath}/*`, (request, reply) => {
    reply.hijack();
    pages(request.raw, reply.raw); // the MFA pages
  });
  app.all("/*", (request, reply) => {
    reply.hijack();
    signIn(request.raw, reply.raw); // the app's own sign-in
  });
  return app;
}

/** Starts the demo on Fastify, with the MFA pages at `/mfa`. */
export async function startFastifyServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const demo = await createDemo({ basePath: "/mfa", ...options });
  const app = fastifyApp(demo);
  return runningServer(demo, await app.listen({ port: demo.port, host: demo.host }), () =>
    app.close(),
  );
}
